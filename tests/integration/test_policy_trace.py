"""Every rule of every policy file has a test named after it, and
docs/policy-trace.md (clause -> rule -> tests) is what the policy files and
the tests say now (scripts/policy-trace.py --check). No stack needed."""

import os
import subprocess
import sys

import harness


class PolicyTrace(harness.TestCase):

    def test_every_rule_has_a_test_and_the_trace_is_current(self):
        p = subprocess.run([sys.executable, os.path.join(harness.ROOT, 'scripts', 'policy-trace.py'),
                            '--check'], cwd=harness.ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout.decode('utf-8', 'replace'))
