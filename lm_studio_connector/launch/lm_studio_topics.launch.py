"""Launch lm_studio_topics_node (the topic interface of lm_studio_connector).

  ros2 launch lm_studio_connector lm_studio_topics.launch.py stream:=true

The same arguments as lm_studio.launch.py (whose helpers this file loads from beside it), plus
stream: whether answers are streamed from the server.
"""

import importlib.util
import os

from launch import LaunchDescription
from launch.actions import OpaqueFunction

_spec = importlib.util.spec_from_file_location(
    'lm_studio_launch', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     'lm_studio.launch.py'))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

EXECUTABLE = 'lm_studio_topics_node'
OVERRIDES = common.OVERRIDES + [
    ('stream', bool, 'stream answers from the server (true/false)'),
]


def generate_launch_description():
    return LaunchDescription(common.declare_arguments(OVERRIDES, EXECUTABLE) + [
        OpaqueFunction(function=common.node_action, args=[OVERRIDES, EXECUTABLE]),
    ])
