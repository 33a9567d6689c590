#!/usr/bin/python3
"""Integration tests against the real stack.

    /usr/bin/python3 tests/integration/run.py [pattern...]

Discovers tests/integration/test_*.py, runs the tests whose id
(module.Class.test_name) contains one of the patterns (shell wildcards
allowed; no pattern: all), prints one line per test, and ends with
"N passed, N failed". Exit status 0 only when nothing failed.

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
    pass


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


def main(argv):
    patterns = [a for a in argv if not a.startswith('-')]
    loader = unittest.TestLoader()
    discovered = loader.discover(HERE, pattern='test_*.py', top_level_dir=HERE)
    selected = [t for t in iter_tests(discovered) if matches(t.id(), patterns)]

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
    if result.skipped:
        print('%d skipped' % len(result.skipped))
    print('%d passed, %d failed' % (passed, failed), flush=True)
    return 0 if failed == 0 and selected else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
