"""A synchronous streaming standby and its promotion (issue 11.7; README
"A standby, and growing past one machine"), on loopback, with PostgreSQL's
own tools:

- the stack's cluster (the primary) lets portal_owner stream over its Unix
  socket (pg_hba.conf `local replication`, scripts/stack.sh);
  `pg_basebackup -R -X stream` makes the standby in a data directory of
  its own, with its own socket directory and port, application_name
  `standby1`; the primary then sets synchronous_standby_names to it
  (ALTER SYSTEM, reloaded) and pg_stat_replication says `sync`;
- the portal and the notifier are given, at start, connection strings
  naming both sockets with target_session_attrs=read-write
  (PORTAL_DB_DSN and PORTAL_NOTIFIER_DSN of scripts/stack.sh);
- 4 filers file aid requests through nginx in a loop; the primary is
  stopped with `pg_ctl -m immediate stop` and the standby promoted with
  `pg_ctl promote`. Then: filings are answered 303 again within 10 s of the
  promotion; every filing answered 303, before or after, is on the
  promoted standby with its notifications (nothing acknowledged lost); the
  answers during the switch are 200 (the form), 303 or the honest 503 page
  (nothing stored, or whether it was stored is not known); requests stored
  without a 303 are at most the "not known" answers. The switch time
  (primary stopped -> first 303) is printed.

Its own stack; the standby is stopped at the end, whatever happens."""

import html
import os
import re
import subprocess
import threading
import time
import unittest

import harness
from faults import as_portal, signed_agency, text_of, wait_until
from harness import incoming_fields, request_id_from, uniq

PW = 'correct-horse-battery-standby'
PORT = 5433
APP_NAME = 'standby1'
NOTHING_STORED = ("The portal's database is not answering, so nothing was stored or changed. "
                  "Please try again in a moment.")
NOT_KNOWN = re.compile(re.escape(
    "The connection to the database broke just as your change was being saved, so whether it "
    "was stored is not known. Sending the same form again is safe: its submission key (")
    + r'[^)]+' + re.escape(") makes sure it is stored only once. Or check first, on the "
                           "request's page or the start page."))
S = None


def both(var, user):
    """libpq connection string naming the primary's and the standby's
    sockets; libpq takes the first that accepts writes."""
    return ('host=%s,%s port=5432,%d dbname=portal user=%s target_session_attrs=read-write '
            'connect_timeout=2' % (os.path.join(var, 'run'), os.path.join(var, 'sb'), PORT, user))


class StandbyStack(harness.Stack):
    def env(self):
        e = super().env()
        e['PORTAL_DB_DSN'] = both(self.var, 'portal_app')
        e['PORTAL_NOTIFIER_DSN'] = both(self.var, 'portal_notifier')
        return e

    @property
    def sb_data(self):
        return os.path.join(self.var, 'standby')

    @property
    def sb_sock(self):
        return os.path.join(self.var, 'sb')


def run(argv, timeout=60):
    p = subprocess.run(as_portal(argv), cwd='/', stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    assert p.returncode == 0, '%s -> exit %d: %s %s' % (
        ' '.join(argv), p.returncode, p.stdout.decode(errors='replace'),
        p.stderr.decode(errors='replace'))
    return p.stdout.decode()


def pg(tool):
    return os.path.join(harness._pgbin(), tool)


def on_standby(sql):
    out = run([pg('psql'), 'host=%s port=%d dbname=portal user=portal_owner' % (S.sb_sock, PORT),
               '-XAtq', '-v', 'ON_ERROR_STOP=1', '-F', '\t', '-c', sql])
    return [line.split('\t') for line in out.splitlines()]


def make_standby(s):
    run(['mkdir', '-m', '700', s.sb_sock])
    run([pg('pg_basebackup'), '-d', 'host=%s port=5432 user=portal_owner application_name=%s'
         % (os.path.join(s.var, 'run'), APP_NAME), '-D', s.sb_data, '-R', '-X', 'stream', '-c', 'fast'])
    run([pg('pg_ctl'), '-D', s.sb_data, '-l', os.path.join(s.var, 'log', 'standby.log'), '-w',
         '-t', '60', '-o', "-c port=%d -c listen_addresses='' -c unix_socket_directories='%s' "
         "-c unix_socket_permissions=0700" % (PORT, s.sb_sock) + harness.NOSYNC_OPTS, 'start'])
    # After the base backup: the standby must not wait for a standby of its own.
    s.psql("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (%s)'" % APP_NAME)
    s.psql('SELECT pg_reload_conf()')


def stop_standby(s):
    if os.path.exists(os.path.join(s.sb_data, 'postmaster.pid')):
        try:
            run([pg('pg_ctl'), '-D', s.sb_data, '-m', 'immediate', '-w', 'stop'])
        except AssertionError as e:
            harness.log('standby stop failed: %s' % e)


def setUpModule():
    global S
    S = StandbyStack('oconomowoc', name='standby', start=False)
    try:
        S.start()
        S.psql("UPDATE setting SET value = '100000' WHERE name = 'filings_per_hour'")
        make_standby(S)
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if S is not None:
        stop_standby(S)
        S.stop()


_KEY = re.compile(r'<input type="hidden" name="submission" value="([^"]*)"')


class Standby(harness.TestCase):

    def test_promoted_standby_takes_filings_within_10_s_nothing_acknowledged_lost(self):
        # The standby's walreceiver connects once it is up: wait for it.
        sync = wait_until(lambda: S.psql('SELECT application_name, sync_state FROM '
                                         'pg_stat_replication') == [[APP_NAME, 'sync']], 15, 0.2)
        self.assertEqual((sync, S.psql('SELECT application_name, sync_state FROM pg_stat_replication')),
                         (True, [[APP_NAME, 'sync']]))
        people = [signed_agency(S, 'Standby', PW) for _ in range(4)]
        answers = []              # (method, status, request id, page text, sent at, answered at)
        lock = threading.Lock()
        stop = threading.Event()

        def loop(c):
            while not stop.is_set():
                t = time.monotonic()
                try:
                    r = c.get('/requests/new?kind=aid_incoming')
                    m = _KEY.search(r.body) if r.status == 200 else None
                    got = ('GET', r.status, None, None if m else text_of(r))
                    if m:
                        r = c.post('/requests', incoming_fields(nature='Standby ' + uniq('n'))
                                   + [('csrf', c.csrf), ('submission', html.unescape(m.group(1)))])
                        got = ('POST', r.status, request_id_from(r),
                               None if r.status == 303 else text_of(r))
                except OSError as e:
                    got = ('?', repr(e), None, None)
                with lock:
                    answers.append(got + (t, time.monotonic()))
        threads = [threading.Thread(target=loop, args=(c,)) for _, c in people]
        for t in threads:
            t.start()
        try:
            time.sleep(2)
            t_stop = time.monotonic()
            S._pg_ctl('stop', '-m', 'immediate', '-w')
            t_stopped = time.monotonic()
            run([pg('pg_ctl'), '-D', S.sb_data, '-w', '-t', '30', 'promote'])
            t_promoted = time.monotonic()

            def back():
                with lock:
                    return [a for a in answers if a[0] == 'POST' and a[1] == 303 and a[4] > t_promoted]
            wait_until(back, 12, 0.1)
            time.sleep(1.5)
        finally:
            stop.set()
            for t in threads:
                t.join(120)
        # The switch: from the stop of the primary to the first filing
        # answered 303 once it was gone (by the promoted standby).
        first = min((a[5] for a in answers if a[0] == 'POST' and a[1] == 303 and a[5] > t_stopped),
                    default=None)
        statuses = {}
        for a in answers:
            statuses['%s %s' % a[:2]] = statuses.get('%s %s' % a[:2], 0) + 1
        print('  (switch: primary stopped -> first 303 %s; stop %.2f s, promote %.2f s; answers %s)'
              % ('%.2f s' % (first - t_stop) if first else 'NEVER', t_stopped - t_stop,
                 t_promoted - t_stopped, statuses), end=' ', flush=True)
        self.assertIsNotNone(first, 'no filing answered 303 after the switch')
        self.assertLess(first - t_promoted, 10)
        self.assertEqual(on_standby('SELECT pg_is_in_recovery()'), [['f']])
        odd = [a[:4] for a in answers if not (
            (a[0], a[1]) in (('POST', 303),)
            or (a[1] == 503 and (NOTHING_STORED in a[3] or NOT_KNOWN.search(a[3]))))]
        self.assertEqual(odd, [])
        answered = {a[2] for a in answers if a[0] == 'POST' and a[1] == 303}
        logins = ','.join("'%s'" % login for login, _ in people)
        stored = {int(r[0]) for r in on_standby(
            'SELECT id FROM request WHERE filed_by IN (SELECT id FROM account WHERE login IN (%s))'
            % logins)}
        self.assertEqual(sorted(answered - stored), [])
        not_known = sum(1 for a in answers if a[1] == 503 and NOT_KNOWN.search(a[3]))
        print('(%d "not known" answers, %d requests stored without a 303)'
              % (not_known, len(stored - answered)), end=' ', flush=True)
        self.assertLessEqual(len(stored - answered), not_known)
        self.assertEqual(on_standby(
            'SELECT r.id FROM request r WHERE r.id = ANY(ARRAY[%s]::bigint[]) AND NOT EXISTS '
            '(SELECT 1 FROM notification n WHERE n.request_id = r.id)'
            % ','.join(map(str, sorted(answered)))), [])


if __name__ == '__main__':
    unittest.main()
