"""Helpers for the reliability modules (test_supervision, test_status,
test_ride_through, test_backup, test_fault_drill, scripts/drill.py):
processes of a stack, its status file and logs, running as its user.
Python 3 standard library only."""

import html
import json
import os
import re
import time

import harness

_MAIN = re.compile(r'<main[^>]*>(.*)</main>', re.S)


def wait_until(fn, timeout, interval=0.05):
    """fn() until it is true or `timeout` seconds passed; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(interval)


def pid_alive(pid):
    """Whether pid runs (a zombie does not)."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            st = f.read()
    except OSError:
        return False
    return st.rsplit(')', 1)[1].split()[0] != 'Z'


def read_pid(path):
    """The pid in a pid file, or 0."""
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def read_status(var):
    """PORTAL_VAR/run/status.json, as the portal's master wrote it."""
    with open(os.path.join(var, 'run', 'status.json')) as f:
        return json.load(f)


def notifier_pid(stack):
    return read_pid(os.path.join(stack.var, 'run', 'notifier.pid'))


def portal_log(stack):
    with open(os.path.join(stack.var, 'log', 'portal.log'), errors='replace') as f:
        return f.read()


def as_portal(argv):
    """argv run as the stack's OS user `portal` when the tests run as root
    (the portal and PostgreSQL refuse root)."""
    if harness.IS_ROOT:
        return ['setpriv', '--reuid=portal', '--regid=portal', '--init-groups', '--'] + argv
    return argv


def signed_agency(stack, word, password):
    """A new agency account (login and agency named after `word`), signed
    in: (login, client with a 60 s timeout)."""
    login = stack.add_user(harness.uniq(word.lower()), 'agency', word + ' Tester', password,
                           agency=word + ' PD ' + harness.uniq('a'), agency_type='local')
    c = harness.Client(stack, timeout=60)
    c.login(login, password)
    return login, c


def text_of(resp):
    """The words of a page's <main>, tags removed, entities decoded."""
    m = _MAIN.search(resp.body)
    return ' '.join(html.unescape(re.sub(r'<[^>]+>', ' ', m.group(1) if m else resp.body)).split())


def pg_restart(stack):
    """`pg_ctl -m fast restart` of the stack's cluster (its options kept)."""
    stack._pg_ctl('restart', '-m', 'fast', '-w', '-t', '60',
                  '-l', os.path.join(stack.var, 'log', 'postgres.log'))


_KEY = re.compile(r'<input type="hidden" name="submission" value="([^"]*)"')


def submission_key(client, path='/requests/new?kind=aid_incoming'):
    """The one-time key of the first form of the page at `path`."""
    r = client.get(path)
    assert r.status == 200, 'GET %s -> %s' % (path, r.describe())
    m = _KEY.search(r.body)
    assert m, 'GET %s: no submission key in the page' % path
    return html.unescape(m.group(1))
