#!/usr/bin/python3
"""Integration tests against the real stack.

    /usr/bin/python3 tests/integration/run.py [pattern...]

Discovers tests/integration/test_*.py, runs the tests whose id
(module.Class.test_name) contains one of the patterns (shell wildcards
allowed; no pattern: all), prints one line per test, and ends with
"N passed, N failed". Exit status 0 only when nothing failed.

--jobs=N spreads the modules over N processes run at once (make check: 3);
--module=NAME (repeatable) keeps the tests of module NAME only.

Environment: PORTAL_BUILD (default build), PORTAL_SMTP_URL (optional),
PORTAL_TEST_KEEP=1 keeps each stack's PORTAL_VAR under tests/out/integration
even after a clean run (it is always kept after a failure).
"""

import fnmatch
import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


def iter_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from iter_tests(t)
        else:
            yield t


def matches(test_id, patterns):
    if not patterns:
        return True
    for p in patterns:
        if any(c in p for c in '*?['):
            if fnmatch.fnmatchcase(test_id, p) or fnmatch.fnmatchcase(test_id.rsplit('.', 1)[-1], p):
                return True
        elif p in test_id:
            return True
    return False


class Result(unittest.TextTestResult):
    """Also the wall time of each module (its stacks' starts included), to
    keep WEIGHTS honest: printed at the end as "module NAME: N s"."""

    def startTest(self, test):
        mod = type(test).__module__
        now = time.monotonic()
        if getattr(self, '_mod', None) != mod:
            # From the previous module's last test on: this module's set-up
            # (its stacks) ran in between.
            mark = getattr(self, '_mark', now)
            self._close_module(mark)
            self._mod, self._mod_t0 = mod, mark
        self._test_t0 = now
        super().startTest(test)

    def startTestRun(self):
        self._mark = time.monotonic()
        super().startTestRun()

    def stopTest(self, test):
        super().stopTest(test)
        self._mark = time.monotonic()
        self.test_times = getattr(self, 'test_times', [])
        self.test_times.append((self._mark - self._test_t0, test.id()))

    def _close_module(self, now):
        if getattr(self, '_mod', None) is not None:
            self.module_times = getattr(self, 'module_times', {})
            self.module_times[self._mod] = self.module_times.get(self._mod, 0) + now - self._mod_t0
            self._mod = None

    def stopTestRun(self):
        self._close_module(time.monotonic())
        super().stopTestRun()


def tally(result, selected):
    """(passed, failed): each test counted once; a failed module/class
    set-up counts every test it held as failed."""
    per_module, per_class = {}, {}
    for t in selected:
        mod = type(t).__module__
        per_module[mod] = per_module.get(mod, 0) + 1
        cls = '%s.%s' % (mod, type(t).__qualname__)
        per_class[cls] = per_class.get(cls, 0) + 1
    failed_tests = set()
    extra = 0
    for t, _ in result.failures + result.errors + [(t, None) for t in result.unexpectedSuccesses]:
        if isinstance(t, unittest.TestCase) and not type(t).__name__ == '_ErrorHolder':
            failed_tests.add(id(getattr(t, 'test_case', t)))
            continue
        desc = str(t)
        if desc.startswith('setUpModule ('):
            extra += per_module.get(desc[len('setUpModule ('):-1], 1)
        elif desc.startswith('setUpClass ('):
            extra += per_class.get(desc[len('setUpClass ('):-1], 1)
        else:
            extra += 1
    passed = result.testsRun - len(failed_tests) - len(result.skipped)
    return max(0, passed), len(failed_tests) + extra


class Runner(unittest.TextTestRunner):
    resultclass = Result


# Roughly how long each module takes alone, in seconds (modules not named
# here count 5): only to spread the modules over parallel jobs evenly.
WEIGHTS = {
    # Measured 2026-12-02 (run.py prints "module NAME: N s"), 3 jobs.
    'test_sign_in': 65, 'test_adversary': 55, 'test_policy_milwaukee': 54, 'test_mail': 49,
    'test_ride_through': 47, 'test_accounts': 40, 'test_policy_oconomowoc': 37,
    'test_mail_stall': 35, 'test_fault_drill': 33, 'test_audit': 32, 'test_lifecycle': 31,
    'test_admin': 28, 'test_portalctl': 27, 'test_database_rules': 23, 'test_agency_status': 21,
    'test_health': 19, 'test_load_concurrency': 18, 'test_standby': 17, 'test_notifications': 17,
    'test_backup': 14, 'test_history': 12, 'test_supervision': 12, 'test_third_policy': 12,
    'test_foundation': 12, 'test_concurrent_actions': 11, 'test_hostile_routes': 11,
    'test_hostile_csrf': 10, 'test_status': 9,
}


def run_jobs(jobs, patterns):
    """The modules spread over `jobs` processes of this script (each with
    stacks of its own), longest first onto the least loaded; their outputs
    printed one after the other; the counts summed. Wall time, not CPU:
    most of a module's time is waiting (restarts, timers, sign-in hashes)."""
    import subprocess
    names = sorted(f[:-3] for f in os.listdir(HERE) if f.startswith('test_') and f.endswith('.py'))
    buckets = [[0, []] for _ in range(jobs)]
    for name in sorted(names, key=lambda n: -WEIGHTS.get(n, 5)):
        b = min(buckets, key=lambda b: b[0])
        b[0] += WEIGHTS.get(name, 5)
        b[1].append(name)
    out = os.path.join(harness.ROOT, 'tests', 'out', 'integration')
    os.makedirs(out, exist_ok=True)
    procs = []
    for k, (_, mods) in enumerate(buckets):
        log = open(os.path.join(out, 'job-%d.log' % k), 'w+')
        args = [sys.executable, os.path.abspath(__file__)] + ['--module=' + m for m in mods] + patterns
        procs.append((subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT), log, mods))
    passed = failed = 0
    for p, log, mods in procs:
        p.wait()
        log.seek(0)
        text = log.read()
        log.close()
        print('=== job: %s' % ' '.join(mods), flush=True)
        sys.stdout.write(text)
        last = [ln for ln in text.splitlines() if ln.endswith(' failed') and ' passed, ' in ln]
        if last:
            a, _, b = last[-1].partition(' passed, ')
            passed += int(a)
            failed += int(b.split()[0])
        else:
            failed += 1
        if p.returncode != 0 and not failed:
            failed += 1
    print('%d passed, %d failed' % (passed, failed), flush=True)
    return 0 if failed == 0 else 1


def main(argv):
    jobs = [int(a.split('=', 1)[1]) for a in argv if a.startswith('--jobs=')]
    modules = [a.split('=', 1)[1] for a in argv if a.startswith('--module=')]
    patterns = [a for a in argv if not a.startswith('-')]
    if jobs and jobs[-1] > 1 and not modules:
        return run_jobs(jobs[-1], patterns)
    loader = unittest.TestLoader()
    discovered = loader.discover(HERE, pattern='test_*.py', top_level_dir=HERE)
    def in_modules(t):
        # A module that failed to import is a _FailedTest named after it.
        name = t.id().rsplit('.', 1)[-1] if type(t).__name__ == '_FailedTest' else t.id().split('.', 1)[0]
        return not modules or name in modules
    selected = [t for t in iter_tests(discovered) if matches(t.id(), patterns) and in_modules(t)]

    load_errors = [t for t in selected if type(t).__name__ == '_FailedTest']
    suite = unittest.TestSuite(selected)

    runner = Runner(stream=sys.stdout, verbosity=2, buffer=False)
    result = None
    ok = False
    interrupted = None
    try:
        result = runner.run(suite)
        ok = result.wasSuccessful() and not load_errors
    except (KeyboardInterrupt, SystemExit) as e:
        print('\ninterrupted (%s)' % type(e).__name__, flush=True)
        interrupted = e
    finally:
        harness.stop_all(remove=ok)
    if result is None:
        print('0 passed, 1 failed', flush=True)
        code = getattr(interrupted, 'code', None)
        return code if isinstance(code, int) and code else 130
    if not selected:
        print('no test matches %s' % ' '.join(patterns))
    passed, failed = tally(result, selected)
    for mod, took in sorted(getattr(result, 'module_times', {}).items(), key=lambda kv: -kv[1]):
        print('module %s: %.0f s' % (mod, took))
    for took, tid in sorted(getattr(result, 'test_times', []), reverse=True)[:10]:
        print('slow: %.1f s %s' % (took, tid))
    for cmd, (n, took) in sorted(harness.CTL_STATS.items(), key=lambda kv: -kv[1][1]):
        print('%s: %d runs, %.0f s' % (cmd, n, took))
    if result.skipped:
        print('%d skipped' % len(result.skipped))
    print('%d passed, %d failed' % (passed, failed), flush=True)
    return 0 if failed == 0 and selected else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
