"""Two approvers act on the same request at the same moment: exactly one
decision is taken (303), the other is told plainly that the request was
decided already (409), and the timeline holds exactly one decision.

SOP 230.10 C.3.a (milwaukee): two bureau chiefs of the bureau requested
(one of policies/milwaukee.policy's bureaus), both on duty, both may
decide; aid outside the city, an emergency."""

import html
import re
import threading
import unittest

import harness
from harness import Client, incoming_fields, request_id_from, uniq

PW = 'correct-horse-battery-race'
ROUNDS = 10
S = None


def setUpModule():
    global S
    S = harness.get_stack('milwaukee')


class ConcurrentDecisions(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.bureau = 'Criminal Investigation Bureau'
        cls.disp = S.add_user(uniq('disp'), 'dispatcher', 'DEC Dispatcher Race', PW)
        cls.chiefs = [S.add_user(uniq('bc'), 'bureau_chief', 'Inspector Race %d' % i, PW,
                                 bureau=cls.bureau) for i in range(2)]
        cls.dc = Client(S)
        cls.dc.login(cls.disp, PW)
        cls.cc = []
        for login in cls.chiefs:
            c = Client(S)
            c.login(login, PW)
            c.refresh_csrf()
            cls.cc.append(c)

    def file(self):
        c = self.dc
        r = c.post('/requests', incoming_fields(bureau=self.bureau, within_city='no', channel='phone', squads='2',
                                                nature='Race ' + uniq('n')) + [('csrf', c.csrf)])
        self.assertEqual(r.status, 303, r.describe(1500))
        return request_id_from(r)

    def race(self, rid, actions):
        """Posts actions[i] as chief i, all released at once by a barrier."""
        barrier = threading.Barrier(len(actions))
        results = [None] * len(actions)

        def go(i):
            c = self.cc[i]
            action, fields = actions[i]
            body = harness.encode_fields(list(fields) + [('csrf', c.csrf)])
            try:
                barrier.wait(10)
                results[i] = c.request('POST', '/requests/%d/%s' % (rid, action), body=body)
            except BaseException as e:       # reported below
                results[i] = e
        threads = [threading.Thread(target=go, args=(i,)) for i in range(len(actions))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for r in results:
            if not isinstance(r, harness.Response):
                self.fail('a request failed: %r' % (r,))
        return results

    def check_round(self, n, actions):
        rid = self.file()
        results = self.race(rid, actions)
        statuses = sorted(r.status for r in results)
        self.assertEqual(statuses, [303, 409], 'round %d, request %d: %s' % (
            n, rid, [r.describe(300) for r in results]))
        winner = [i for i, r in enumerate(results) if r.status == 303][0]
        loser = results[1 - winner]
        self.assertIn('<html', loser.body.lower())
        words = html.unescape(re.sub(r'<[^>]+>', ' ', loser.body))
        self.assertRegex(words, r'[A-Za-z]{4,} [A-Za-z]{2,}')
        for bad in ('SQLSTATE', 'ERROR:', 'could not serialize', 'deadlock', 'database did not'):
            self.assertNotIn(bad, words, 'round %d: the 409 is not a plain message' % n)
        self.assertRegex(words, r'(?i)no longer change|not possible in|present state',
                         'round %d: the 409 does not say why' % n)

        d = self.dc.get('/requests/%d.json' % rid).json()
        decisions = [e for e in d['events'] if e['action'] in ('approved', 'denied')]
        self.assertEqual(len(decisions), 1, 'round %d, request %d: %s' % (n, rid, decisions))
        action = actions[winner][0]
        want = {'approve': ('approved', 'approved'), 'deny': ('denied', 'denied')}[action]
        self.assertEqual((d['status'], decisions[0]['action']), want)
        self.assertEqual(decisions[0]['actor'], self.chiefs[winner])
        if action == 'deny':
            self.assertEqual(d['denial_reason'], dict(actions[winner][1])['reason'])
            self.assertIsNone(d['approved_squads'])
        else:
            self.assertIsNone(d['denial_reason'])
            # the approval of what was filed, written once
            self.assertEqual((d['approved_squads'], d['approved_supervisors']), (2, 1))
        # M-APPROVED-CHIEF only when it was approved, and once.
        told = [x for x in d['notifications'] if x['rule'] == 'M-APPROVED-CHIEF']
        if action == 'approve':
            self.assertEqual(len({x['recipient'] for x in told}), len(told), told)
            self.assertTrue(told)
        else:
            self.assertEqual(told, [])
        return action

    def test_approve_against_deny(self):
        wins = {}
        for n in range(ROUNDS):
            actions = [('approve', [('note', 'Approved %d' % n)]),
                       ('deny', [('reason', 'Denied in round %d' % n)])]
            if n % 2:
                actions.reverse()
            a = self.check_round(n, actions)
            wins[a] = wins.get(a, 0) + 1
        print('  (winners: %s)' % wins, end=' ', flush=True)

    def test_two_approvals(self):
        for n in range(ROUNDS):
            self.check_round(n, [('approve', [('note', 'First %d' % n)]),
                                 ('approve', [('note', 'Second %d' % n)])])


if __name__ == '__main__':
    unittest.main()
