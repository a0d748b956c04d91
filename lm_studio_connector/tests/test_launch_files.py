"""test_launch_files.py: the launch files, evaluated without ROS, then the node run as they start it.

There is no ROS on the test machines, so the modules the launch files import (launch,
launch_ros, ament_index_python) are replaced here by small recorders: they keep what the launch
file declares and the Node action it returns, nothing more. The checks are on the launch files'
own logic: every argument the README names exists, every parameter argument is a real parameter
of the nodes with the type params.yaml gives it, and the Node action carries the values given on
the command line with those types. Then the real executable runs with the command line
launch_ros builds from that Node action (its --ros-args, the package's params.yaml, and the
given arguments in a second parameters file, as launch_ros writes a dict: keyed by the node's
full name, or "/**" in older releases) and must start, use them, and exit 0 on SIGINT. A value
of the wrong type in that file (an integer for a double parameter) must stop the node at start,
which is why the launch files convert the arguments.

Usage: test_launch_files.py LAUNCH_DIR SHARE_DIR NODE_EXE TOPICS_NODE_EXE
(SHARE_DIR holds config/params.yaml, as the installed share directory does.)
"""

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import types

LAUNCH_DIR, SHARE_DIR, NODE_EXE, TOPICS_EXE = sys.argv[1:5]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL', what)


# ---- recorders standing in for the ROS launch API ----

class DeclareLaunchArgument:
    def __init__(self, name, default_value=None, description=''):
        self.name, self.default_value, self.description = name, default_value, description


class LaunchConfiguration:
    values = {}  # the launch arguments of the launch being evaluated

    def __init__(self, name):
        self.name = name

    def perform(self, context):
        return LaunchConfiguration.values[self.name]


class OpaqueFunction:
    def __init__(self, function, args=()):
        self.function, self.args = function, list(args)


class Node:
    def __init__(self, **kwargs):
        self.kwargs = kwargs


def install_stubs():
    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m
    module('launch', LaunchDescription=list)
    module('launch.actions', DeclareLaunchArgument=DeclareLaunchArgument,
           OpaqueFunction=OpaqueFunction)
    module('launch.substitutions', LaunchConfiguration=LaunchConfiguration)
    module('launch_ros')
    module('launch_ros.actions', Node=Node)
    module('ament_index_python')
    module('ament_index_python.packages', get_package_share_directory=lambda pkg: SHARE_DIR)


def load(file_name):
    path = os.path.join(LAUNCH_DIR, file_name)
    spec = importlib.util.spec_from_file_location(file_name.replace('.', '_'), path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


# ---- params.yaml: parameter name -> Python type of its value ----

def params_yaml_types():
    kinds = {}
    with open(os.path.join(SHARE_DIR, 'config', 'params.yaml')) as f:
        for line in f:
            m = re.match(r'^    ([a-z_]+): (.*)$', line.rstrip('\n'))
            if not m:
                continue
            value = m.group(2)
            if value in ('true', 'false'):
                kinds[m.group(1)] = bool
            elif value.startswith('[') or value.startswith('"'):
                kinds[m.group(1)] = list if value.startswith('[') else str
            elif re.fullmatch(r'-?[0-9]+', value):
                kinds[m.group(1)] = int
            else:
                kinds[m.group(1)] = float
    return kinds


# ---- the command line launch_ros builds for a Node action ----

def params_file_for(values, key, tmp):
    """The file launch_ros writes for a dict of parameters (YAML; JSON is YAML too)."""
    path = os.path.join(tmp, 'launch_params_%d.yaml' % len(os.listdir(tmp)))
    doc = {key: {'ros__parameters': values}}
    with open(path, 'w') as f:
        try:
            import yaml  # what launch_ros uses, when this Python has it
            yaml.dump(doc, f, default_flow_style=False)
        except ImportError:
            json.dump(doc, f)
    return path


def command_line(exe, node, key, tmp):
    kw = node.kwargs
    cmd = [exe] + list(kw['arguments']) + ['--ros-args', '-r', '__node:=' + kw['name']]
    if kw['namespace']:
        cmd += ['-r', '__ns:=/' + kw['namespace'].strip('/')]
    for p in kw['parameters']:
        cmd += ['--params-file', p if isinstance(p, str) else params_file_for(p, key, tmp)]
    return cmd


def run_node(cmd, expect_start):
    """Runs the node; once it says it is ready, SIGINT. Returns (exit code, its log)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = []
    for line in proc.stdout:
        log.append(line)
        if expect_start and 'ready' in line:
            proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    return code, ''.join(log)


# ---- the checks ----

def evaluate(module, arguments):
    """Declared argument names, and the Node action for the given argument values."""
    entities = module.generate_launch_description()
    declared = {e.name: e for e in entities if isinstance(e, DeclareLaunchArgument)}
    LaunchConfiguration.values = {n: e.default_value for n, e in declared.items()}
    for name, value in arguments.items():
        check(name in declared, '%s: no launch argument %s' % (module.__name__, name))
        LaunchConfiguration.values[name] = value
    opaque = [e for e in entities if isinstance(e, OpaqueFunction)]
    check(len(opaque) == 1, 'one OpaqueFunction')
    nodes = opaque[0].function(None, *opaque[0].args)
    check(len(nodes) == 1 and isinstance(nodes[0], Node), 'one Node action')
    return declared, nodes[0]


def check_launch_file(file_name, exe, extra_args, extra_values, tmp):
    install_stubs()
    module = load(file_name)
    kinds = params_yaml_types()
    executable = os.path.basename(exe)
    declared, _ = evaluate(module, {})
    for name in ('params_file', 'namespace', 'node_name', 'log_level'):
        check(name in declared, '%s: README names the argument %s' % (file_name, name))
    check(declared['node_name'].default_value == executable,
          '%s: node_name defaults to %s' % (file_name, executable))
    check(declared['params_file'].default_value ==
          os.path.join(SHARE_DIR, 'config', 'params.yaml'),
          '%s: params_file defaults to the package config/params.yaml' % file_name)
    for name in set(declared) - {'params_file', 'namespace', 'node_name', 'log_level'}:
        check(name in kinds, '%s: argument %s is not a parameter in params.yaml'
              % (file_name, name))

    # Arguments left empty are not passed: the node gets params.yaml alone.
    _, node = evaluate(module, {})
    check(node.kwargs['parameters'] == [declared['params_file'].default_value],
          '%s: no argument given, only params_file' % file_name)

    args = {'namespace': 'robot1', 'log_level': 'debug',
            'lm_studio_url': 'http://127.0.0.1:1', 'model_name': 'launched-model',
            'temperature': '1', 'max_tokens': '42', 'timeout': '7',
            'max_history_length': '4', 'system_prompt': 'Be brief.',
            'image_allowed_dirs': '/tmp, /var/tmp'}
    args.update(extra_args)
    want = {'lm_studio_url': 'http://127.0.0.1:1', 'model_name': 'launched-model',
            'temperature': 1.0, 'max_tokens': 42, 'timeout': 7, 'max_history_length': 4,
            'system_prompt': 'Be brief.', 'image_allowed_dirs': ['/tmp', '/var/tmp']}
    want.update(extra_values)
    _, node = evaluate(module, args)
    kw = node.kwargs
    check(kw['executable'] == executable and kw['package'] == 'lm_studio_connector',
          '%s: runs lm_studio_connector %s' % (file_name, executable))
    check(kw['name'] == executable and kw['namespace'] == 'robot1', '%s: name, namespace'
          % file_name)
    check(kw['arguments'] == ['--ros-args', '--log-level', 'debug'], '%s: log_level %r'
          % (file_name, kw['arguments']))
    given = kw['parameters'][1]
    check(given == want, '%s: parameters %r, want %r' % (file_name, given, want))
    for name, value in given.items():
        check(type(value) is kinds.get(name), '%s: %s is %s, params.yaml has %s'
              % (file_name, name, type(value).__name__, kinds.get(name)))

    # The node as launch_ros starts it: both keys launch_ros has used for a dict's file.
    for key in ('/robot1/' + executable, '/**'):
        code, log = run_node(command_line(exe, node, key, tmp), True)
        check(code == 0, '%s (%s): exit %d\n%s' % (file_name, key, code, log))
        check('server http://127.0.0.1:1, model launched-model' in log,
              '%s (%s): the given url and model\n%s' % (file_name, key, log))
        check('[robot1.%s]' % executable in log, '%s (%s): named robot1.%s'
              % (file_name, key, executable))

    # Without the conversion: an integer for the double "temperature" is refused at start.
    raw = dict(given, temperature=1)
    node.kwargs['parameters'] = [kw['parameters'][0], raw]
    code, log = run_node(command_line(exe, node, '/**', tmp), False)
    check(code == 1 and 'temperature' in log,
          '%s: an integer temperature must stop the node (exit %d)\n%s' % (file_name, code, log))


with tempfile.TemporaryDirectory() as tmp:
    check_launch_file('lm_studio.launch.py', NODE_EXE, {}, {}, tmp)
    check_launch_file('lm_studio_topics.launch.py', TOPICS_EXE, {'stream': 'true'},
                      {'stream': True}, tmp)

print('%d failure(s)' % len(failures))
sys.exit(1 if failures else 0)
