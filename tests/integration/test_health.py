"""/healthz follows PostgreSQL: 503 while it is down, 200 again once it is
back, without restarting the portal; signed-in pages work again.

Runs on its own stack (stopping PostgreSQL must not disturb other modules)."""

import time
import unittest

import harness
from harness import Client, incoming_fields, request_id_from, uniq

PW = 'correct-horse-battery-2'
S = None


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc', name='outage')


def wait_for_status(client, path, status, seconds):
    deadline = time.monotonic() + seconds
    last = None
    while True:
        try:
            last = client.get(path)
            if last.status == status:
                return last, None
        except OSError as e:
            last = e
        if time.monotonic() > deadline:
            return None, last
        time.sleep(0.25)


class Health(harness.TestCase):

    def test_healthz_503_while_postgres_stopped_and_200_after_restart(self):
        login = S.add_user(uniq('hz'), 'agency', 'Outage Tester', PW,
                           agency='Outage PD', agency_type='state')
        c = Client(S)
        c.login(login, PW)
        self.assertEqual(c.get('/inbox').status, 200)
        r = Client(S).get('/healthz')
        self.assertEqual((r.status, r.body.strip()), (200, 'ok'))

        S.pg_stop()
        try:
            t0 = time.monotonic()
            r, last = wait_for_status(Client(S), '/healthz', 503, 5)
            self.assertIsNotNone(r, '/healthz did not answer 503 within 5 s of PostgreSQL '
                                 'stopping; last: %r' % (last,))
            down_after = time.monotonic() - t0
            # A page that needs the database answers an error page, not a hang.
            page = c.get('/inbox')
            self.assertGreaterEqual(page.status, 500, page.describe())
            self.assertIn('<html', page.body.lower())
        finally:
            S.pg_start()

        t0 = time.monotonic()
        r, last = wait_for_status(Client(S), '/healthz', 200, 10)
        self.assertIsNotNone(r, '/healthz did not answer 200 within 10 s of PostgreSQL '
                             'restarting; last: %r' % (getattr(last, 'status', last),))
        self.assertEqual(r.body.strip(), 'ok')
        print('  (503 after %.1f s down, 200 after %.1f s up)' % (down_after, time.monotonic() - t0),
              end=' ', flush=True)

        # Every worker reconnects: several rounds of signed-in pages all work.
        for i in range(12):
            r = c.get('/inbox')
            self.assertEqual(r.status, 200, 'round %d after restart: %s' % (i, r.describe()))
        r = c.post('/requests', incoming_fields() + [('csrf', c.refresh_csrf())])
        self.assertEqual(r.status, 303, r.describe())
        self.assertIsNotNone(request_id_from(r))


if __name__ == '__main__':
    unittest.main()
