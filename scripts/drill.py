#!/usr/bin/python3
"""The fault drill (issue 11.8; `make drill`): aid requests are filed at
CONNECTIONS connections for SECONDS seconds on a stack of its own, with an
SMTP server on loopback (tests/integration/smtpserver.py) taking the mail,
while faults strike at a quarter, half and three quarters of the time:

  1. SIGKILL to one FastCGI worker        (t + SECONDS/4:  t+5 s of 20)
  2. `pg_ctl -m fast restart`             (t + SECONDS/2:  t+10 s)
  3. SIGKILL to the notifier              (t + 3*SECONDS/4: t+15 s)
  and the SMTP server stopped (connections refused) from t + 3*SECONDS/8
  for 3*SECONDS/8 seconds (t+7.5 s to t+15 s of 20), then started again

Each connection is a filer of its own (an agency account): it opens the
form (GET, for its one-time submission key) and sends it (POST), again and
again. Python threads rather than wrk: every answer must be matched with
what the database holds afterwards, by request id.

Then it reports: answers by status, the share of 503 and of all errors,
requests answered 303 but not stored (must be 0), requests stored although
their answer was an error (only where nginx answered 502: a worker killed
with the request in hand), stored requests without notifications (0),
the e-mail backlog two minutes after the load and when it drained (within
MAIL_WAIT seconds; exit 1 if it did not), duplicate messages (same
Message-ID: at most the one in flight at the notifier's kill and the one
the SMTP server's stop cut off), whether the notifier was restarted,
whether /healthz answers.

    scripts/drill.py [--seconds 20] [--connections 16] [--mail-wait 300] [--json]

Python 3 standard library, plus Debian's python3-aiosmtpd (run it with
/usr/bin/python3). tests/integration/test_fault_drill.py runs a short one.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))

import harness  # noqa: E402
from faults import notifier_pid, pg_restart, pid_alive, read_status, submission_key, wait_until  # noqa: E402
from harness import Client, incoming_fields, request_id_from, uniq  # noqa: E402

PW = 'correct-horse-battery-drill'
NOTIFIER_ENV = {'PORTAL_NOTIFIER_POLL': '1', 'PORTAL_NOTIFIER_MAX_BACKOFF': '2'}


class DrillStack(harness.Stack):
    """A stack whose notifier polls every second and backs off at most 2 s."""

    def env(self):
        e = super().env()
        e.update(NOTIFIER_ENV)
        return e


def start(smtp_url, name='drill'):
    s = DrillStack('oconomowoc', name=name, smtp_url=smtp_url, start=False)
    harness._register(s)                 # stopped by harness.stop_all()
    s.start()
    s.psql("UPDATE setting SET value = '1000000' WHERE name = 'filings_per_hour'")
    # 98-023 §V.A: the supervisors are told of every request; two with an
    # address, so that every filing makes mail.
    for i in range(2):
        login = uniq('dsup')
        s.add_user(login, 'supervisor', 'Sgt. Drill %d' % i, PW, email=login + '@drill.example.org')
    return s


class Load:
    """CONNECTIONS filers, each GET form + POST filing in a loop."""

    def __init__(self, stack, connections):
        self.stack = stack
        self.answers = []            # (method, status, request id or None, seconds since start)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.clients = []
        for _ in range(connections):
            login = stack.add_user(uniq('drill'), 'agency', 'Drill Filer', PW,
                                   agency='Drill PD ' + uniq('a'), agency_type='local')
            c = Client(stack, timeout=60)
            c.login(login, PW)
            self.clients.append((login, c))
        self.t0 = None

    def record(self, method, status, rid=None):
        with self.lock:
            self.answers.append((method, status, rid, time.monotonic() - self.t0))

    def filer(self, c):
        while not self.stop.is_set():
            try:
                key = submission_key(c)
            except (AssertionError, OSError) as e:
                # The form could not be had: counted by its status.
                self.record('GET', getattr(c.last, 'status', None) if isinstance(e, AssertionError)
                            else 'no answer')
                continue
            self.record('GET', 200)
            try:
                r = c.post('/requests', incoming_fields(nature='Drill ' + uniq('n'))
                           + [('csrf', c.csrf), ('submission', key)])
                self.record('POST', r.status, request_id_from(r) if r.status == 303 else None)
            except OSError:
                self.record('POST', 'no answer')

    def run(self, seconds, faults):
        self.t0 = time.monotonic()
        threads = [threading.Thread(target=self.filer, args=(c,), daemon=True) for _, c in self.clients]
        for t in threads:
            t.start()
        done = [None] * len(faults)

        def strike(i, at, name, fn):
            # Each fault on its own schedule: a slow restart of PostgreSQL
            # does not push the next one back.
            delay = self.t0 + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            f0 = time.monotonic()
            try:
                detail = fn()
            except Exception as e:          # reported, the drill goes on
                detail = 'FAILED: %r' % (e,)
            done[i] = {'fault': name, 'at': round(f0 - self.t0, 1),
                       'took': round(time.monotonic() - f0, 2), 'detail': detail}
        strikers = [threading.Thread(target=strike, args=(i,) + f) for i, f in enumerate(faults)]
        for t in strikers:
            t.start()
        rest = self.t0 + seconds - time.monotonic()
        if rest > 0:
            time.sleep(rest)
        self.stop.set()
        for t in threads + strikers:
            t.join(120)
        return done


def kill_worker(stack):
    victim = read_status(stack.var)['portal']['workers'][0]
    os.kill(victim, signal.SIGKILL)
    again = wait_until(lambda: victim not in read_status(stack.var)['portal']['workers'], 5)
    return 'worker %d killed; replaced: %s' % (victim, 'yes' if again else 'NO')


def restart_postgres(stack):
    pg_restart(stack)
    return 'PostgreSQL restarted (-m fast)'


def kill_notifier(stack, out):
    pid = notifier_pid(stack)
    os.kill(pid, signal.SIGKILL)
    out['notifier_killed'] = pid
    again = wait_until(lambda: notifier_pid(stack) not in (0, pid) and pid_alive(notifier_pid(stack)), 5)
    out['notifier_restarted'] = bool(again)
    return 'notifier %d killed; restarted within 5 s: %s' % (pid, 'yes' if again else 'NO')


def smtp_outage(smtp, seconds, out):
    """The SMTP server stopped for `seconds`, then started on its port
    again: the notifier must retry what it could not send."""
    smtp.stop()
    out['smtp_refused'] = smtp.refuses_connections()
    time.sleep(seconds)
    smtp.start()
    return 'SMTP server stopped for %.1f s (connections refused: %s), started again' % (
        seconds, 'yes' if out['smtp_refused'] else 'NO')


def drill(stack, smtp, seconds=20, connections=16, mail_wait=120):
    """Runs the drill on a started stack; the report, a dict."""
    load = Load(stack, connections)
    out = {'seconds': seconds, 'connections': connections, 'smtp_refused': False}
    faults = [(seconds / 4, 'worker SIGKILL', lambda: kill_worker(stack)),
              (seconds * 3 / 8, 'SMTP outage', lambda: smtp_outage(smtp, seconds * 3 / 8, out)),
              (seconds / 2, 'pg_ctl -m fast restart', lambda: restart_postgres(stack)),
              (seconds * 3 / 4, 'notifier SIGKILL', lambda: kill_notifier(stack, out))]
    out['faults'] = load.run(seconds, faults)
    posts = [a for a in load.answers if a[0] == 'POST']
    by_status = {}
    for method, status, _, _ in load.answers:
        key = '%s %s' % (method, status)
        by_status[key] = by_status.get(key, 0) + 1
    out['answers'] = dict(sorted(by_status.items()))
    out['answers_total'] = len(load.answers)
    out['share_503'] = sum(1 for a in load.answers if a[1] == 503) / max(1, len(load.answers))
    out['share_errors'] = sum(1 for a in load.answers if a[1] != 200 and a[1] != 303) / max(1, len(load.answers))
    answered = {a[2] for a in posts if a[1] == 303}
    logins = ','.join("'%s'" % login for login, _ in load.clients)
    stored = {int(r[0]) for r in stack.psql(
        'SELECT id FROM request WHERE filed_by IN (SELECT id FROM account WHERE login IN (%s))' % logins)}
    out['filed_303'] = len(answered)
    out['stored'] = len(stored)
    out['lost'] = sorted(answered - stored)
    out['stored_but_error'] = len(stored - answered)
    out['errors_502'] = by_status.get('POST 502', 0)
    out['missing_notifications'] = sorted(int(r[0]) for r in stack.psql(
        'SELECT r.id FROM request r WHERE r.filed_by IN (SELECT id FROM account WHERE login IN (%s)) '
        'AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.request_id = r.id)' % logins))
    # The mail: the backlog two minutes after the load (or at mail_wait, if
    # shorter), and when it drained (waiting up to mail_wait seconds).
    t0 = time.monotonic()

    def backlog():
        return stack.count('notification', "email_status = 'pending'")
    at = min(120.0, mail_wait)
    drained = wait_until(lambda: backlog() == 0, at, 0.5)
    out['mail_backlog_at_s'] = at
    out['mail_backlog_at'] = 0 if drained else backlog()
    if not drained:
        drained = wait_until(lambda: backlog() == 0, mail_wait - at, 0.5)
    out['mail_drained_after_s'] = round(time.monotonic() - t0, 1) if drained else None
    out['mail_backlog'] = backlog()
    sent = {r[0] for r in stack.psql("SELECT id FROM notification WHERE email_status = 'sent'")}
    # Sent after at least one failed attempt (the SMTP outage, mostly).
    out['mail_retried'] = stack.count('notification', "email_status = 'sent' AND email_attempts > 1")
    ids = smtp.by_message_id()
    out['mail_sent'] = len(sent)
    out['mail_received'] = sum(len(v) for v in ids.values())
    out['mail_duplicates'] = sum(len(v) - 1 for v in ids.values() if len(v) > 1)
    out['mail_never_received'] = sum(1 for i in sent
                                     if '<notification-%s@mutual-aid-portal>' % i not in ids)
    out['notifier_restarted'] = out.get('notifier_restarted', False)
    out['healthz'] = Client(stack).get('/healthz').status
    out['worker_restarts'] = read_status(stack.var)['portal']['worker_restarts']
    return out


def table(r):
    lines = ['fault drill: %d connections for %d s' % (r['connections'], r['seconds'])]
    for f in r['faults']:
        lines.append('  t+%-5s %s (%.2f s)' % (f['at'], f['detail'], f['took']))
    lines.append('answers: %d' % r['answers_total'])
    for k, v in r['answers'].items():
        lines.append('  %-16s %d' % (k, v))
    lines += [
        '503 share: %.2f %%   all errors: %.2f %%' % (100 * r['share_503'], 100 * r['share_errors']),
        'filings answered 303: %d   stored: %d' % (r['filed_303'], r['stored']),
        'answered 303 but not stored (lost): %d' % len(r['lost']),
        'stored although answered with an error: %d (nginx 502 answers: %d)'
        % (r['stored_but_error'], r['errors_502']),
        'stored requests without notifications: %d' % len(r['missing_notifications']),
        'mail: %d sent (%d after a failed attempt), %d received, %d duplicates (same Message-ID), '
        '%d never received' % (r['mail_sent'], r['mail_retried'], r['mail_received'],
                               r['mail_duplicates'], r['mail_never_received']),
        'mail backlog %.0f s after the load: %d; %s' % (
            r['mail_backlog_at_s'], r['mail_backlog_at'],
            'drained %.1f s after the load' % r['mail_drained_after_s']
            if r['mail_drained_after_s'] is not None else 'NOT drained: %d left' % r['mail_backlog']),
        'notifier restarted: %s   worker restarts: %d   /healthz: %d'
        % ('yes' if r['notifier_restarted'] else 'NO', r['worker_restarts'], r['healthz']),
    ]
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seconds', type=float, default=20)
    ap.add_argument('--connections', type=int, default=16)
    ap.add_argument('--mail-wait', type=float, default=300)
    ap.add_argument('--json', action='store_true', help='the report as JSON')
    a = ap.parse_args()
    from smtpserver import SMTPServer
    smtp = SMTPServer()
    try:
        stack = start(smtp.url)
        r = drill(stack, smtp, a.seconds, a.connections, a.mail_wait)
    finally:
        harness.stop_all(remove=True)
        smtp.stop()
    print(json.dumps(r, indent=2) if a.json else table(r))
    ok = (not r['lost'] and not r['missing_notifications'] and r['mail_backlog'] == 0
          and r['mail_never_received'] == 0 and r['smtp_refused']
          and r['notifier_restarted'] and r['healthz'] == 200)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
