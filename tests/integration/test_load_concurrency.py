"""64 concurrent clients, each its own session, file 1,000 aid_incoming
requests: exactly 1,000 rows stored, every answer a 303."""

import threading
import time
import unittest

import harness
from harness import Client, incoming_fields, request_id_from, uniq

PW = 'correct-horse-battery-3'
CLIENTS = 64
TOTAL = 1000
ACCOUNTS = 8
S = None


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc')


class Concurrency(harness.TestCase):

    def test_64_clients_file_1000_requests_all_303_exactly_1000_rows(self):
        # A load test, not a test of the hourly limit per account (sql/008).
        S.psql("UPDATE setting SET value = '100000' WHERE name = 'filings_per_hour'")
        self.addCleanup(S.psql, "UPDATE setting SET value = '60' WHERE name = 'filings_per_hour'")
        logins = [S.add_user(uniq('cc'), 'agency', 'Load Agency %d' % i, PW,
                             agency='Load PD %d' % i, agency_type='local')
                  for i in range(ACCOUNTS)]
        clients = [Client(S, timeout=120) for _ in range(CLIENTS)]
        login_errors = []

        def sign_in(i):
            # 64 sign-ins at once exceed the hash gate (at most half the
            # cores hash at a time): a 429 says when to try again, and a
            # client does (README "Sign-in cannot be used to exhaust the
            # server"); this test is about the filings.
            try:
                # However busy the machine: the hashes queue one or two at
                # a time, so the last of 64 may wait minutes on a loaded one.
                deadline = time.monotonic() + 600
                while time.monotonic() < deadline:
                    r = clients[i].try_login(logins[i % ACCOUNTS], PW)
                    if r.status != 429:
                        break
                    time.sleep(min(2.0, float(r.header('Retry-After') or 1)))
                assert r.status == 303, 'POST /login as %s -> %s' % (logins[i % ACCOUNTS], r.describe(200))
                clients[i]._csrf = None
                clients[i].refresh_csrf()
            except BaseException as e:   # noqa: B902 - reported below
                login_errors.append('client %d: %r' % (i, e))

        threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(login_errors, [])
        self.assertEqual(len({c.session_cookie for c in clients}), CLIENTS,
                         'sessions are not distinct')

        before = S.count('request')
        tag = uniq('load')
        lock = threading.Lock()
        next_n = [0]
        bad = []
        ids = []

        def work(i):
            c = clients[i]
            while True:
                with lock:
                    n = next_n[0]
                    if n >= TOTAL:
                        return
                    next_n[0] += 1
                try:
                    r = c.post('/requests', incoming_fields(nature='%s #%d' % (tag, n))
                               + [('csrf', c.csrf)])
                except Exception as e:
                    with lock:
                        bad.append('request %d: %r' % (n, e))
                    continue
                with lock:
                    if r.status != 303:
                        bad.append('request %d: %d %s' % (n, r.status, r.body[:200]))
                    else:
                        ids.append(request_id_from(r))

        t0 = time.monotonic()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        print('\n  %d requests by %d clients in %.2f s: %.1f requests/second'
              % (TOTAL, CLIENTS, elapsed, TOTAL / elapsed), flush=True)

        self.assertEqual(bad[:10], [], '%d non-303 answers' % len(bad))
        self.assertEqual(len(ids), TOTAL)
        self.assertNotIn(None, ids)
        self.assertEqual(len(set(ids)), TOTAL, 'request ids repeat')
        self.assertEqual(S.count('request') - before, TOTAL)


if __name__ == '__main__':
    unittest.main()
