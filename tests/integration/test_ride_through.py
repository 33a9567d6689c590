"""Database ride-through and honest answers (issue 11.2 and 11.4;
cgi-bin/app.c, db.c, page.c): PORTAL_DB_WAIT is 5 s here (the default).

- `pg_ctl -m fast restart` while 4 clients file in a loop: no answer is
  503 (every one is 303), every request answered 303 is stored with its
  notifications, and nothing else is stored.
- PostgreSQL stopped longer than the wait: a filing is answered 503 after
  the wait with the page that says nothing was stored, and nothing was;
  the same form sent once the database is back is stored once.
- The connection lost after COMMIT was sent (a deferred trigger holds the
  COMMIT): the backend terminated, a new connection learns the transaction
  aborted and the filing is answered again (303, stored once); PostgreSQL
  stopped and down longer than the wait, the fate cannot be learned: 503
  with the page that says whether it was stored is not known, names the
  submission key and says sending it again is safe (and nothing was
  stored; sent again, it is stored once).

Its own stack (PostgreSQL is stopped and restarted)."""

import os
import threading
import time
import unittest

import harness
from faults import pg_restart, signed_agency, submission_key, text_of
from harness import incoming_fields, request_id_from, uniq

PW = 'correct-horse-battery-ride'
S = None
NOTHING_STORED = ("The portal's database is not answering, so nothing was stored or changed. "
                  "Please try again in a moment.")
UNKNOWN = ("The connection to the database broke just as your change was being saved, so whether "
           "it was stored is not known. Sending the same form again is safe: its submission key "
           "(%s) makes sure it is stored only once. Or check first, on the request's page or the "
           "start page.")


class RideStack(harness.Stack):
    def env(self):
        e = super().env()
        e['PORTAL_DB_WAIT'] = '5'
        return e


def setUpModule():
    global S
    S = RideStack('oconomowoc', name='ride', start=False)
    harness._stacks[('oconomowoc', 'ride-through')] = S     # stopped by stop_all
    S.start()
    S.psql("UPDATE setting SET value = '100000' WHERE name = 'filings_per_hour'")


def agency(stack):
    return signed_agency(stack, 'Ride', PW)


def resend(c, body):
    """The same form sent again until the database is back (10 s)."""
    for _ in range(40):
        again = c.post('/requests', body)
        if again.status != 503:
            return again
        time.sleep(0.25)
    return again


def filed_by(stack, login):
    return [int(r[0]) for r in stack.psql(
        "SELECT id FROM request WHERE filed_by = (SELECT id FROM account WHERE login = '%s') "
        "ORDER BY id" % login)]


class RideThrough(harness.TestCase):

    def test_fast_restart_under_filings_no_503_every_303_stored_with_notifications(self):
        people = [agency(S) for _ in range(4)]
        answers = []              # (login, status, request id)
        lock = threading.Lock()
        stop = threading.Event()

        def file_loop(login, c):
            while not stop.is_set():
                try:
                    r = c.post('/requests', incoming_fields(nature='Ride ' + uniq('n'))
                               + [('csrf', c.csrf), ('submission', submission_key(c))])
                    got = (login, r.status, request_id_from(r))
                except Exception as e:      # a failed GET of the form too: counted
                    got = (login, repr(e), None)
                with lock:
                    answers.append(got)
        threads = [threading.Thread(target=file_loop, args=p) for p in people]
        for t in threads:
            t.start()
        try:
            time.sleep(1.5)
            t0 = time.monotonic()
            pg_restart(S)
            took = time.monotonic() - t0
            time.sleep(1.5)
        finally:
            stop.set()
            for t in threads:
                t.join(120)
        print('  (restart %.1f s, %d answers)' % (took, len(answers)), end=' ', flush=True)
        self.assertLess(took, 5, 'the restart must be shorter than PORTAL_DB_WAIT for this test')
        statuses = {}
        for _, st, _ in answers:
            statuses[st] = statuses.get(st, 0) + 1
        self.assertEqual(list(statuses), [303], statuses)
        answered = sorted(rid for _, _, rid in answers)
        stored = sorted(rid for login, _ in people for rid in filed_by(S, login))
        self.assertEqual(stored, answered)
        missing = S.psql('SELECT r.id FROM request r WHERE r.id = ANY(ARRAY[%s]::bigint[]) AND NOT '
                         'EXISTS (SELECT 1 FROM notification n WHERE n.request_id = r.id)'
                         % ','.join(map(str, answered)))
        self.assertEqual(missing, [])

    def test_down_longer_than_the_wait_503_says_nothing_stored_and_nothing_is(self):
        login, c = agency(S)
        key = submission_key(c)
        body = incoming_fields(nature='Down ' + uniq('n')) + [('csrf', c.csrf), ('submission', key)]
        S.pg_stop()
        try:
            t0 = time.monotonic()
            r = c.post('/requests', body)
            waited = time.monotonic() - t0
        finally:
            S.pg_start()
        self.assertEqual(r.status, 503, r.describe())
        self.assertIn(NOTHING_STORED, text_of(r))
        self.assertGreaterEqual(waited, 4.5, 'answered before PORTAL_DB_WAIT had passed')
        self.assertEqual(filed_by(S, login), [])
        self.assertEqual(S.count('submission', "key = '%s'" % key), 0)
        again = resend(c, body)
        self.assertEqual(again.status, 303, again.describe())
        self.assertEqual(filed_by(S, login), [request_id_from(again)])

    def slow_commit_filing(self):
        """A filing whose COMMIT takes 3 s (a deferred trigger on this
        test's filings only), sent in a thread once its backend runs the
        COMMIT: (login, client, body, key, thread, answers, backend pid)."""
        S.psql("CREATE FUNCTION ride_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "IF NEW.nature LIKE 'SLOW-COMMIT%' THEN PERFORM pg_sleep(3); END IF; RETURN NULL; "
               "END $$; CREATE CONSTRAINT TRIGGER ride_slow_commit AFTER INSERT ON request "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ride_slow_commit()")
        self.addCleanup(S.psql, 'DROP TRIGGER ride_slow_commit ON request; '
                                'DROP FUNCTION ride_slow_commit()')
        login, c = agency(S)
        key = submission_key(c)
        body = incoming_fields(nature='SLOW-COMMIT ' + uniq('n')) + [('csrf', c.csrf),
                                                                     ('submission', key)]
        out = []
        t = threading.Thread(target=lambda: out.append(c.post('/requests', body)))
        t.start()
        pid = None
        deadline = time.monotonic() + 10
        while pid is None and time.monotonic() < deadline:
            pid = S.scalar("SELECT pid FROM pg_stat_activity WHERE usename = 'portal_app' "
                           "AND state = 'active' AND query = 'COMMIT'")
            time.sleep(0.05)
        self.assertIsNotNone(pid, 'the filing never reached its COMMIT')
        return login, c, body, key, t, out, pid

    def test_connection_lost_at_commit_transaction_aborted_answered_again_303_stored_once(self):
        login, c, body, key, t, out, pid = self.slow_commit_filing()
        S.psql('SELECT pg_terminate_backend(%s)' % pid)
        t.join(60)
        r = out[0]
        # The new connection learns the transaction aborted: nothing was
        # stored, so the filing is run again (and stored once).
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(filed_by(S, login), [request_id_from(r)])
        with open(os.path.join(S.var, 'log', 'portal.log'), errors='replace') as f:
            self.assertIn('POST /requests: the database connection broke after its COMMIT was sent, '
                          "and the transaction's fate is known; answering again", f.read())
        again = c.post('/requests', body)
        self.assertEqual(again.location, '/requests/%d?again=1' % request_id_from(r))
        self.assertEqual(filed_by(S, login), [request_id_from(r)])

    def test_connection_lost_at_commit_database_stays_down_503_says_outcome_unknown(self):
        login, c, body, key, t, out, pid = self.slow_commit_filing()
        S._pg_ctl('stop', '-m', 'immediate', '-w')
        try:
            t.join(60)
        finally:
            S.pg_start()
        r = out[0]
        self.assertEqual(r.status, 503, r.describe())
        self.assertIn(UNKNOWN % key, text_of(r))
        # The trigger had not finished: that COMMIT did not happen.
        self.assertEqual(filed_by(S, login), [])
        again = resend(c, body)
        self.assertEqual(again.status, 303, again.describe())
        self.assertEqual(filed_by(S, login), [request_id_from(again)])


if __name__ == '__main__':
    unittest.main()
