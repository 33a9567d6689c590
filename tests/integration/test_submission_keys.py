"""One-time submission keys (CONTRACT.md: every changing form carries a
hidden `submission`; README "Extensions to the contract"): a form sent
again stores nothing new and is answered as the first time.

- Back and resubmit of the same filing: one request stored; the second
  answer is 303 to the same request marked `again=1`, whose page says it
  was filed already.
- The same filing posted by 8 clients at once with one key: exactly one
  request stored, every answer points to it.
- A key issued to one account, sent by another: 422, nothing stored, and
  the key still works for the account it was made for.
- An action form (approve, SOP 230.10 D, milwaukee) posted twice: one
  approval in the audit trail, the second answer points to the request.

Shared stacks: oconomowoc (filings), milwaukee (the approval)."""

import html
import threading
import unittest

import harness
from faults import submission_key
from harness import Client, incoming_fields, request_id_from, uniq

PW = 'correct-horse-battery-keys'
AGAIN_LINE = ('You had sent this form already: it was stored the first time, and nothing new '
              'was stored now.')
def agency(stack):
    login = stack.add_user(uniq('key'), 'agency', 'Keys Tester', PW,
                           agency='Keys PD ' + uniq('a'), agency_type='local')
    c = Client(stack)
    c.login(login, PW)
    return login, c


def filed_by(stack, login):
    return stack.count('request', "filed_by = (SELECT id FROM account WHERE login = '%s')" % login)


class Filing(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.S = harness.get_stack('oconomowoc')

    def filing(self, c, key, nature):
        return incoming_fields(nature=nature) + [('csrf', c.csrf), ('submission', key)]

    def test_back_and_resubmit_stores_one_request_and_the_answer_says_it_was_filed(self):
        S = self.S
        login, c = agency(S)
        key = submission_key(c, '/requests/new?kind=aid_incoming')
        body = self.filing(c, key, 'Back and resubmit ' + uniq('n'))
        first = c.post('/requests', body)
        self.assertEqual(first.status, 303, first.describe())
        rid = request_id_from(first)
        self.assertIsNotNone(rid, first.location)
        notes = S.count('notification', 'request_id = %d' % rid)
        # Back, and the same form sent again (the browser resends its body).
        second = c.post('/requests', body)
        self.assertEqual(second.status, 303, second.describe())
        self.assertEqual(second.location, '/requests/%d?again=1' % rid)
        page = c.get(second.location)
        self.assertEqual(page.status, 200, page.describe())
        self.assertIn(AGAIN_LINE, page.body)
        # The first answer's page does not say so.
        self.assertNotIn(AGAIN_LINE, c.get('/requests/%d' % rid).body)
        self.assertEqual(filed_by(S, login), 1)
        self.assertEqual(S.count('notification', 'request_id = %d' % rid), notes)
        self.assertEqual(S.count('audit_event', "request_id = %d AND action = 'submitted'" % rid), 1)

    def test_same_key_posted_by_8_clients_at_once_stores_one_request_all_answers_point_to_it(self):
        S = self.S
        login, c = agency(S)
        key = submission_key(c, '/requests/new?kind=aid_incoming')
        body = harness.encode_fields(self.filing(c, key, 'Double click ' + uniq('n')))
        n = 8
        barrier = threading.Barrier(n)
        results = [None] * n

        def go(i):
            mine = Client(S)
            mine.cookies = dict(c.cookies)
            try:
                barrier.wait(10)
                results[i] = mine.request('POST', '/requests', body=body)
            except BaseException as e:      # reported below
                results[i] = e
        threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for r in results:
            self.assertIsInstance(r, harness.Response, r)
        self.assertEqual([r.status for r in results], [303] * n, [r.describe(300) for r in results])
        self.assertEqual(filed_by(S, login), 1)
        rid = int(S.scalar("SELECT id FROM request WHERE filed_by = "
                           "(SELECT id FROM account WHERE login = '%s')" % login))
        self.assertEqual(sorted(r.location for r in results),
                         sorted(['/requests/%d' % rid] + ['/requests/%d?again=1' % rid] * (n - 1)))
        self.assertEqual(S.count('submission', "key = '%s'" % key), 1)

    def test_key_of_another_account_is_refused_422_nothing_stored(self):
        S = self.S
        owner, a = agency(S)
        thief, b = agency(S)
        key = submission_key(a, '/requests/new?kind=aid_incoming')
        r = b.post('/requests', self.filing(b, key, 'Borrowed key ' + uniq('n')))
        self.assertEqual(r.status, 422, r.describe())
        self.assertIn('was not made for this account', html.unescape(r.body))
        self.assertEqual(filed_by(S, thief), 0)
        self.assertEqual(S.count('submission', "key = '%s'" % key), 0)
        # The key is still its account's own: not used up, not blocked.
        r = a.post('/requests', self.filing(a, key, 'Own key ' + uniq('n')))
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(filed_by(S, owner), 1)

    def test_key_this_portal_never_made_is_refused_422_nothing_stored(self):
        S = self.S
        login, c = agency(S)
        r = c.post('/requests', self.filing(c, 'A' * 54, 'Forged key ' + uniq('n')))
        self.assertEqual(r.status, 422, r.describe())
        self.assertEqual(filed_by(S, login), 0)


class Approval(harness.TestCase):
    """SOP 230.10 D (milwaukee): more than one squad within the city is
    approved by the DEC supervisor; the approval form posted twice."""

    @classmethod
    def setUpClass(cls):
        cls.S = harness.get_stack('milwaukee')

    def test_approve_posted_twice_one_approval_second_answer_points_to_the_request(self):
        S = self.S
        filer = S.add_user(uniq('sup'), 'supervisor', 'Sgt. Twice', PW)
        dsup = S.add_user(uniq('dsup'), 'dispatch_supervisor', 'DEC Supervisor Twice', PW)
        fc, dc = Client(S), Client(S)
        fc.login(filer, PW)
        dc.login(dsup, PW)
        f = [('kind', 'aid_internal'), ('district', 'District 7'), ('location', '2333 N 49th St'),
             ('incident_type', 'civil_disorder'), ('nature', 'Twice ' + uniq('n')),
             ('emergency', 'no'), ('priority', 'urgent'), ('squads', '3'), ('channel', 'radio')]
        r = fc.post('/requests', f + [('csrf', fc.csrf)])
        self.assertEqual(r.status, 303, r.describe(1500))
        rid = request_id_from(r)
        key = submission_key(dc, '/requests/%d' % rid)
        body = [('note', 'Squads from D5'), ('csrf', dc.csrf), ('submission', key)]
        first = dc.post('/requests/%d/approve' % rid, body)
        self.assertEqual(first.status, 303, first.describe(1500))
        self.assertEqual(first.location, '/requests/%d#status' % rid)
        second = dc.post('/requests/%d/approve' % rid, body)
        self.assertEqual(second.status, 303, second.describe(1500))
        self.assertEqual(second.location, '/requests/%d?again=1#status' % rid)
        self.assertIn(AGAIN_LINE, dc.get('/requests/%d?again=1' % rid).body)
        self.assertEqual(S.count('audit_event', "request_id = %d AND action = 'approved'" % rid), 1)
        self.assertEqual(S.scalar('SELECT status FROM request WHERE id = %d' % rid), 'approved')


if __name__ == '__main__':
    unittest.main()
