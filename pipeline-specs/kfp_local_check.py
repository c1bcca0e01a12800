"""Runs the evaluate component with kfp.local (the real KFP SDK, set up by /work/shared/tools/kfp-sdk/setup.sh)
with its optional artifacts (baseline, energy_table) unbound and resource setters on the task. No Docker here: the
container's entrypoint is mapped to the built jar.

usage: /usr/bin/python3 pipeline-specs/kfp_local_check.py pipeline-specs plugin/cli/target/qsvit.jar MODEL DATA
"""
import os, sys, subprocess
sys.path.insert(0, os.path.expanduser('~/.cache/kfp-sdk'))
import kfp_env  # noqa
from kfp import dsl, local, components
from kfp.local import subprocess_task_handler, status
specs, jar, model, data = sys.argv[1:5]

class Handler:
    def __init__(self, image, full_command, pipeline_root, runner, env_vars):
        self.cmd = full_command
    def run(self):
        cmd = ['java', '-jar', jar] + self.cmd[1:] if self.cmd[0] == '/opt/qsvit/bin/qsvit' else self.cmd
        print('COMMAND:', ' '.join(c if len(c) < 80 else c[:77] + '...' for c in cmd))
        return status.Status.SUCCESS if subprocess.run(cmd).returncode == 0 else status.Status.FAILURE
subprocess_task_handler.SubprocessTaskHandler = Handler

evaluate = components.load_component_from_file(os.path.join(specs, 'components', 'evaluate.yaml'))
local.init(runner=local.SubprocessRunner(), pipeline_root=os.path.abspath('root'), raise_on_error=True)

@dsl.pipeline(name='probe')
def probe():
    m = dsl.importer(artifact_uri=model, artifact_class=dsl.Model)
    d = dsl.importer(artifact_uri=data, artifact_class=dsl.Dataset)
    evaluate(model=m.output, data=d.output, limit='100').set_cpu_limit('1').set_memory_limit('2G')

probe()
print('kfp.local run of evaluate without baseline/energy_table: SUCCESS')
