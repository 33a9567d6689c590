"""The short fault drill (issue 11.8; scripts/drill.py, `make drill` runs
the full one): 8 filers for 8 s on a stack of its own with an SMTP server
on loopback; one worker SIGKILLed at t+2 s, `pg_ctl -m fast restart` at
t+4 s, the notifier SIGKILLed at t+6 s, and the SMTP server stopped
from t+3 s to t+6 s (connections refused), then started again. Then:

- no filing answered 303 is missing from the database;
- every stored request has its notifications;
- a request stored although its answer was an error exists only where
  nginx answered 502 (the killed worker had it in hand), and there is at
  most one such answer (a worker answers one request at a time);
- the 503 share is under 3 %: issue 11's target for a fast restart under
  load, which the ride-through (PORTAL_DB_WAIT) exists to meet;
- no e-mail stranded by the SMTP outage or the kill: the backlog drains
  (90 s at most) and every notification marked sent arrived; at most two
  duplicates (same Message-ID): the message in flight at the notifier's
  kill and the one whose 250 answer the SMTP server's stop cut off;
- the notifier was restarted within 5 s, and /healthz answers 200."""

import os
import sys
import unittest

import harness
from smtpserver import SMTPServer

sys.path.insert(0, os.path.join(harness.ROOT, 'scripts'))
import drill  # noqa: E402

REPORT = None
SMTP = None


def setUpModule():
    global REPORT, SMTP
    SMTP = SMTPServer()
    stack = drill.start(SMTP.url, name='fault-drill')
    REPORT = drill.drill(stack, SMTP, seconds=8, connections=8, mail_wait=90)
    print('\n' + drill.table(REPORT), file=sys.stderr, flush=True)


def tearDownModule():
    if SMTP is not None:
        SMTP.stop()


class ShortDrill(harness.TestCase):

    def test_every_filing_answered_303_is_stored(self):
        self.assertGreater(REPORT['filed_303'], 0)
        self.assertEqual(REPORT['lost'], [])

    def test_every_stored_request_has_its_notifications(self):
        self.assertEqual(REPORT['missing_notifications'], [])

    def test_stored_with_an_error_answer_only_where_nginx_answered_502(self):
        self.assertLessEqual(REPORT['errors_502'], 1, REPORT['answers'])
        self.assertLessEqual(REPORT['stored_but_error'], REPORT['errors_502'], REPORT['answers'])

    def test_503_share_under_3_percent(self):
        self.assertLess(REPORT['share_503'], 0.03, REPORT['answers'])

    def test_no_mail_stranded_at_most_the_in_flight_messages_twice(self):
        self.assertTrue(REPORT['smtp_refused'], 'the SMTP server did not go away')
        self.assertEqual(REPORT['mail_backlog'], 0)
        self.assertEqual(REPORT['mail_never_received'], 0)
        self.assertLessEqual(REPORT['mail_duplicates'], 2)

    def test_notifier_restarted_and_healthz_200(self):
        self.assertEqual((REPORT['notifier_restarted'], REPORT['healthz']), (True, 200))


if __name__ == '__main__':
    unittest.main()
