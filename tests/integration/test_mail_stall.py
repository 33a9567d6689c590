"""An SMTP server that accepts the connection and then stalls (issue 11.5;
cgi-bin/mail.c: the whole exchange of one message is bounded by
PORTAL_SMTP_TIMEOUT, 2 s here): the notifier gives the message up, counts
the attempt, keeps its heartbeat, and once a real server listens on that
port the message is delivered, once.

Its own stack (its SMTP URL names the stalling port)."""

import os
import socket
import threading
import time
import unittest

import harness
import policyhelp
from faults import wait_until
from smtpserver import SMTPServer, free_port

S = None
PORT = None
STALLER = None


class Staller:
    """Accepts connections on 127.0.0.1:port and never says a word."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', port))
        self.sock.listen(16)
        self.held = []
        self.accepted = 0
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)

    def stop(self):
        self.sock.close()
        for c in self.held:
            c.close()
        self.thread.join(5)


class StallStack(harness.Stack):
    def env(self):
        e = super().env()
        e.update({'PORTAL_NOTIFIER_POLL': '1', 'PORTAL_NOTIFIER_MAX_BACKOFF': '2',
                  'PORTAL_SMTP_TIMEOUT': '2'})
        return e


def setUpModule():
    global S, PORT, STALLER
    PORT = free_port()
    STALLER = Staller(PORT)
    S = StallStack('oconomowoc', name='mail-stall', smtp_url='smtp://127.0.0.1:%d' % PORT, start=False)
    harness._register(S)
    S.start()


def tearDownModule():
    if STALLER is not None:
        STALLER.stop()


class Stall(harness.TestCase):

    def test_stalling_server_bounded_attempts_counted_delivered_once_when_a_server_answers(self):
        policyhelp.person(S, 'supervisor')         # told of every request, with an address
        login = policyhelp.person(S, 'agency')
        c = policyhelp.signed(S, login)
        r = c.post('/requests', harness.incoming_fields() + [('csrf', c.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        rid = harness.request_id_from(r)
        pending = "request_id = %d AND email_status = 'pending'" % rid
        self.assertGreater(S.count('notification', pending), 0)
        # Two attempts given up on within 20 s (2 s each, then back-off):
        # the stall holds nothing for long.
        t0 = time.monotonic()
        tried = wait_until(lambda: int(S.scalar(
            'SELECT coalesce(min(email_attempts), 0) FROM notification WHERE %s' % pending)) >= 2, 20, 0.5)
        self.assertTrue(tried, 'the notifier did not give up on the stalled server twice in 20 s '
                        '(accepted connections: %d)' % STALLER.accepted)
        self.assertGreaterEqual(STALLER.accepted, 2)
        seen = S.scalar("SELECT floor(extract(epoch FROM now() - seen_at)) FROM process_heartbeat "
                        "WHERE name = 'notifier'")
        self.assertLessEqual(int(seen), 10, 'the notifier stopped beating while the server stalled')
        with open(os.path.join(S.var, 'log', 'notifier.log'), errors='replace') as f:
            self.assertIn('Timeout was reached', f.read())
        print('  (2 attempts in %.1f s)' % (time.monotonic() - t0), end=' ', flush=True)
        # A real server on that port: everything is delivered, once.
        STALLER.stop()
        smtp = SMTPServer(port=PORT)
        self.addCleanup(smtp.stop)
        self.assertTrue(wait_until(lambda: S.count('notification', pending) == 0, 30, 0.5))
        ids = S.psql("SELECT id FROM notification WHERE request_id = %d AND email_status = 'sent'" % rid)
        got = smtp.by_message_id()
        self.assertEqual(sorted(len(got.get('<notification-%s@mutual-aid-portal>' % i[0], []))
                                for i in ids), [1] * len(ids))


if __name__ == '__main__':
    unittest.main()
