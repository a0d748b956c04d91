"""Launch lm_studio_node (the actions and services node of lm_studio_connector).

  ros2 launch lm_studio_connector lm_studio.launch.py lm_studio_url:=http://192.168.1.20:1234 \
      model_name:=qwen2-vl-2b-instruct

Parameters come from params_file (default: the package's config/params.yaml, which documents
every parameter); an argument given here overrides the file, an argument left empty does not.
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

PACKAGE = 'lm_studio_connector'
EXECUTABLE = 'lm_studio_node'

# (argument = parameter name, type, description). Empty means "as in params_file".
OVERRIDES = [
    ('lm_studio_url', str, 'LM Studio server base URL'),
    ('model_name', str, 'model for goals that name none'),
    ('max_tokens', int, 'answer length limit for goals with max_tokens <= 0'),
    ('temperature', float, 'temperature 0..2 for goals with temperature <= 0'),
    ('timeout', int, 'seconds, for goals with timeout <= 0'),
    ('system_prompt', str, 'system prompt leading every chat'),
    ('max_history_length', int, 'chat history messages kept for use_history'),
    ('image_allowed_dirs', list, 'comma-separated directories image files may come from'),
]


def typed(kind, text):
    """Turn a launch argument into the parameter's type (so 500 is an integer, 0.7 a double)."""
    if kind is bool:
        if text.lower() in ('true', '1', 'yes', 'on'):
            return True
        if text.lower() in ('false', '0', 'no', 'off'):
            return False
        raise ValueError(f"'{text}' is not a boolean")
    if kind is list:
        return [item.strip() for item in text.split(',') if item.strip()]
    return kind(text)


def node_action(context, overrides, executable):
    """The Node action, with only the arguments that were given as overrides."""
    given = {}
    for name, kind, _ in overrides:
        text = LaunchConfiguration(name).perform(context)
        if text != '':
            given[name] = typed(kind, text)
    params_file = LaunchConfiguration('params_file').perform(context)
    return [Node(
        package=PACKAGE,
        executable=executable,
        name=LaunchConfiguration('node_name').perform(context),
        namespace=LaunchConfiguration('namespace').perform(context),
        parameters=[params_file, given] if given else [params_file],
        arguments=['--ros-args', '--log-level', LaunchConfiguration('log_level').perform(context)],
        output='screen',
        emulate_tty=True,
    )]


def declare_arguments(overrides, node_name):
    """The launch arguments: params_file, namespace, node_name, log_level, then the overrides."""
    default_params = os.path.join(get_package_share_directory(PACKAGE), 'config', 'params.yaml')
    args = [
        DeclareLaunchArgument('params_file', default_value=default_params,
                              description='parameters file (ROS 2 layout)'),
        DeclareLaunchArgument('namespace', default_value='', description='node namespace'),
        DeclareLaunchArgument('node_name', default_value=node_name, description='node name'),
        DeclareLaunchArgument('log_level', default_value='info',
                              description='debug, info, warn, error or fatal'),
    ]
    for name, _, description in overrides:
        args.append(DeclareLaunchArgument(
            name, default_value='', description=description + ' (empty: as in params_file)'))
    return args


def generate_launch_description():
    return LaunchDescription(declare_arguments(OVERRIDES, EXECUTABLE) + [
        OpaqueFunction(function=node_action, args=[OVERRIDES, EXECUTABLE]),
    ])
