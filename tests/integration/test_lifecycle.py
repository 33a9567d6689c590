"""The request lifecycle end to end, each step checked on /requests/ID.json:

- SOP 230 (milwaukee, policies/milwaukee.policy): the emergency path
  outside the city (phone request, provisional authorization within the
  caps, approval by the bureau chief or the watch commander, dispatch,
  check-ins, an overdue check-in, teletype and letter, close, read-only but
  for the follow-up documents, which are recorded after closing or denial);
  dispatch within the provisional authorization, then within the approval,
  after an on-scene assessment; units sent before a denial still check in,
  stay on /deployments and in the overdue timer; the agency sees the denial
  and its reason; aid within the city (SOP 230.10 D: counted on what is
  dispatched, the assessment sends the request to its approver only when
  it needs one, the approval's numbers, zeros included); the chief's
  exceptions to the cap and to the approval rule.
- Policy 98-023 (oconomowoc): no approval (O-APPROVE is switched off): the
  outgoing path (nothing to approve, units sent at once), the incoming path
  (sent at once, nothing to deny, cancellation), privacy between agencies
  and what an agency sees of its own request (no staff, notes or
  notification list; no print sheet; its own people's actions under their
  logins); who can be dispatched (active sworn members of the department,
  by login).

Every refusal is one exact status, names its clause where it has one, and
changes nothing (snapshot of the request's JSON before and after).

The milwaukee stack is this module's own (name 'lifecycle'), started with
PORTAL_NOTIFIER_POLL=1 so that the check-in timer runs every second."""

import html
import os
import re
import time
import unittest

import harness
from harness import Client, incoming_fields, request_id_from, uniq
import policyhelp as ph

PW = 'correct-horse-battery-life'
M = None    # milwaukee
O = None    # oconomowoc


def setUpModule():
    global M, O
    saved = os.environ.get('PORTAL_NOTIFIER_POLL')
    os.environ['PORTAL_NOTIFIER_POLL'] = '1'
    try:
        M = harness.get_stack('milwaukee', name='lifecycle')
    finally:
        if saved is None:
            os.environ.pop('PORTAL_NOTIFIER_POLL', None)
        else:
            os.environ['PORTAL_NOTIFIER_POLL'] = saved
    O = harness.get_stack('oconomowoc')


def mcite(rule_id):
    """The citation of a rule of policies/milwaukee.policy (its clause, or
    "Department rule: ..." and the reason)."""
    return ph.citation('milwaukee', rule_id)


def wait_until(fn, timeout, interval=0.25):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(interval)


def text_of(resp):
    return html.unescape(re.sub(r'<[^>]+>', ' ', resp.body))


class LifecycleCase(harness.TestCase):
    stack = None

    def setUp(self):
        self.clients = {}

    def user(self, role, name=None, stack=None, **attrs):
        s = stack or self.stack
        login = uniq(role[:5].replace('_', ''))
        s.add_user(login, role, name or ('Test %s' % role.replace('_', ' ').title()), PW, **attrs)
        return login

    def client(self, login, stack=None):
        if login not in self.clients:
            c = Client(stack or self.stack)
            c.login(login, PW)
            self.clients[login] = c
        return self.clients[login]

    def file(self, login, fields, stack=None):
        c = self.client(login, stack)
        r = c.post('/requests', fields + [('csrf', c.csrf)])
        self.assertEqual(r.status, 303, 'filing as %s: %s' % (login, r.describe(2000)))
        rid = request_id_from(r)
        self.assertIsNotNone(rid, r.location)
        return rid

    def act(self, login, rid, action, stack=None, **fields):
        c = self.client(login, stack)
        pairs = []
        for k, v in fields.items():
            if isinstance(v, (list, tuple)):
                pairs.extend((k, x) for x in v)
            else:
                pairs.append((k, v))
        return c.post('/requests/%d/%s' % (rid, action), pairs + [('csrf', c.csrf)])

    def done(self, r, rid, what=''):
        self.assertEqual(r.status, 303, '%s: %s' % (what, r.describe(1500)))
        self.assertEqual(r.location_path, '/requests/%d' % rid)

    def js(self, rid, login=None, stack=None):
        c = self.client(login or self.viewer, stack)
        r = c.get('/requests/%d.json' % rid)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()

    def members(self, n, role='officer', stack=None):
        """n new sworn members of `role` (officers go out as squads): logins."""
        return [self.user(role, 'P.O. Roster %d' % i if role == 'officer' else None, stack)
                for i in range(n)]

    def snapshot(self, rid, stack=None):
        """What a refused action must not change."""
        d = self.js(rid, stack=stack)
        return {'status': d['status'], 'events': len(d['events']),
                'notifications': len(d['notifications']),
                'deployments': [(x['id'], x['status'], x['last_checkin_at']) for x in d['deployments']],
                'authorized': (d['authorized_squads'], d['authorized_supervisors'],
                               d['authorized_special_units']),
                'assessed': (d['assessed_squads'], d['assessed_supervisors'],
                             d['assessed_special_units']),
                'approved': (d['approved_squads'], d['approved_supervisors'],
                             d['approved_special_units']),
                'denial_reason': d['denial_reason']}

    @staticmethod
    def _sorted(triples):
        return sorted(triples, key=lambda t: tuple(v or '' for v in t))

    def sent(self, d):
        """The deployments of a request's JSON as (assignee, unit_type, special_unit), sorted."""
        return self._sorted((x['assignee'], x['unit_type'], x['special_unit']) for x in d['deployments'])

    def assertSent(self, d, expected):
        """The deployments are exactly these (assignee, unit_type, special_unit), in any order."""
        self.assertEqual(self.sent(d), self._sorted(expected), d['deployments'])

    def refused(self, r, status, rid, before, clause=None, what='', stack=None):
        """A refusal: the status, a full page in plain words naming the
        clause, and nothing changed."""
        self.assertEqual(r.status, status, '%s: %s' % (what, r.describe(1500)))
        self.assertIn('<html', r.body.lower(), what)
        words = text_of(r)
        self.assertRegex(words, r'[A-Za-z]{4,} [A-Za-z]{2,}', what)
        for bad in ('SQLSTATE', 'ERROR:', 'syntax error', 'could not serialize'):
            self.assertNotIn(bad, words, what)
        if clause is not None:
            self.assertIn(clause, words, '%s: the refusal does not name %s' % (what, clause))
        self.assertEqual(self.snapshot(rid, stack), before, '%s changed the request' % what)

    def only_available(self, role, **attr):
        """Takes every holder of `role` (of this bureau / district) off duty
        on this module's stack, the demo accounts and earlier tests' people
        included, so that the one the test makes next is the only one
        available (and "not available" means the test's own duty change)."""
        (key, value), = attr.items()
        self.stack.psql("UPDATE account SET on_duty = false WHERE role = '%s' AND lower(%s) = lower('%s')"
                        % (role, key, value))

    def notes(self, d, rule, recipient=None):
        return [n for n in d['notifications'] if n['rule'] == rule and
                (recipient is None or n['recipient'] == recipient)]

    def events(self, d, action):
        return [e for e in d['events'] if e['action'] == action]


# =================================================================== milwaukee

class MilwaukeeEmergency(LifecycleCase):
    """SOP 230.10 C.3: emergency aid outside the city, asked by telephone."""

    def setUp(self):
        super().setUp()
        self.stack = M
        self.bureau = 'Administration Bureau'
        self.only_available('bureau_chief', bureau=self.bureau)
        self.disp = self.user('dispatcher', 'DEC Dispatcher Ames')
        self.dsup = self.user('dispatch_supervisor', 'DEC Supervisor Bell')
        self.bchief = self.user('bureau_chief', 'Inspector Cole', bureau=self.bureau)
        self.watch = self.user('watch_commander', 'Night Watch Capt. Dunn')
        self.chief = self.user('chief', 'Chief Evans')
        self.officer = self.user('officer', 'P.O. Flores')
        self.officer2 = self.user('officer', 'P.O. Gomez')
        self.sgt = self.user('supervisor', 'Sgt. Hill')
        self.swat = self.user('unit_commander', 'Lt. Grant (SWAT)', unit='swat')
        self.viewer = self.dsup

    def phone_request(self, **overrides):
        f = dict(kind='aid_incoming', channel='phone', emergency='yes', within_city='no', bureau=self.bureau,
                 squads='4', supervisors='1', special_units=['swat'],
                 nature='Active shooter at a mall; perimeter and tactical team ' + uniq('n'))
        f.update(overrides)
        return self.file(self.disp, incoming_fields(**f))

    def test_emergency_path_phone_to_closed(self):
        S = self.stack
        # -- a dispatcher logs the telephone request
        rid = self.phone_request()
        d = self.js(rid)
        self.assertEqual((d['kind'], d['status'], d['channel'], d['emergency'], d['bureau'],
                          d['squads'], d['special_units'], d['filed_by']),
                         ('aid_incoming', 'submitted', 'phone', True, self.bureau, 4, ['swat'],
                          self.disp))
        self.assertEqual(len(self.notes(d, 'M-IN-DEC', self.dsup)), 1, d['notifications'])
        self.assertEqual(self.events(d, 'submitted')[0]['actor'], self.disp)

        # -- beyond the caps: refused 422 (the numbers) naming C.3.a, nothing changes
        before = self.snapshot(rid)
        r = self.act(self.dsup, rid, 'authorize', squads='3', supervisors='1', special_units='swat')
        self.refused(r, 422, rid, before, 'SOP 230.10 C.3.a', 'authorize 3 squads')
        # ... on the request page itself (issue 13): the cap explained and who
        # may go beyond it, the numbers typed kept, not a bare "forbidden"
        self.assertIsNotNone(ph.element_text(r.body, 'action-error'), 'the refusal is not above the request page')
        self.assertIn('Request #%d' % rid, text_of(r))
        self.assertIn('A provisional authorization is limited to 2 squad(s), 1 supervisor(s) and 1 specialized '
                      'unit(s) (the rule named). Anything more waits for the approval of the Bureau chief (or the '
                      'Night watch commander, when they are not available), or an exception to the policy. '
                      'Nothing was changed.', re.sub(r'\s+', ' ', text_of(r)))
        self.assertRegex(r.body, r'id="authorize-squads"[^>]*value="3"')

        # -- provisional authorization within the caps
        r = self.act(self.dsup, rid, 'authorize', squads='2', supervisors='1', special_units='swat',
                     note='Pending the bureau')
        self.done(r, rid, 'authorize 2+1+swat')
        d = self.js(rid)
        self.assertEqual(d['status'], 'provisionally_authorized')
        self.assertEqual((d['authorized_squads'], d['authorized_supervisors'],
                          d['authorized_special_units']), (2, 1, ['swat']))
        told = self.notes(d, 'M-APPROVER-TOLD')
        self.assertEqual([(n['recipient'], n['role'], n['clause']) for n in told],
                         [(self.bchief, 'bureau_chief', 'SOP 230.10 C.3.a')])
        ev = self.events(d, 'provisionally_authorized')
        self.assertEqual([(e['actor'], e['clause']) for e in ev], [(self.dsup, 'SOP 230.10 C.3.a')])

        # -- once provisionally authorized, a second authorization is refused
        #    by the state (409: authorize is only from `submitted`; the cap's
        #    422 was checked above)
        before = self.snapshot(rid)
        r = self.act(self.dsup, rid, 'authorize', squads='3', supervisors='1', special_units='swat')
        self.refused(r, 409, rid, before, 'SOP 230.10 C.3.a', 'second authorize of 3 squads')

        # -- the watch commander may not approve while the bureau chief is on duty
        before = self.snapshot(rid)
        r = self.act(self.watch, rid, 'approve')
        self.refused(r, 403, rid, before, 'SOP 230.10 C.3.a', 'watch commander approves, chief on duty')

        # -- the bureau chief goes off duty: the watch commander approves
        S.duty(self.bchief, False)
        r = self.act(self.watch, rid, 'approve', note='Bureau chief unavailable')
        self.done(r, rid, 'watch commander approves')
        d = self.js(rid)
        self.assertEqual(d['status'], 'approved')
        self.assertEqual([e['actor'] for e in self.events(d, 'approved')], [self.watch])
        # no numbers given and no assessment: what was filed is approved
        self.assertEqual((d['approved_squads'], d['approved_supervisors'], d['approved_special_units']),
                         (4, 1, ['swat']))
        chief = self.notes(d, 'M-APPROVED-CHIEF', self.chief)
        self.assertEqual([(n['role'], n['clause']) for n in chief], [('chief', 'SOP 230.10 C.3.a')])

        # -- an officer may not send anyone (C.3.d)
        before = self.snapshot(rid)
        r = self.act(self.officer, rid, 'dispatch', assignee=[self.officer], special_units='swat')
        self.refused(r, 403, rid, before, 'SOP 230.10 C.3.d', 'officer dispatches')

        # -- the dispatcher sends two officers (squads), a sergeant (a
        #    supervisor) and the SWAT unit: members by login, units by id
        r = self.act(self.disp, rid, 'dispatch', assignee=[self.officer, self.officer2, self.sgt],
                     special_units='swat')
        self.done(r, rid, 'dispatch')
        d = self.js(rid)
        self.assertEqual(d['status'], 'dispatched')
        deps = d['deployments']
        self.assertSent(d, [(self.officer, 'squad', None), (self.officer2, 'squad', None),
                            (self.sgt, 'supervisor', None), ('SWAT / tactical', 'special_unit', 'swat')])
        self.assertEqual({x['authorized_by'] for x in deps}, {self.disp})
        by = {x['assignee']: x for x in deps}
        squad = self.officer2
        swat_dep = [x for x in deps if x['special_unit'] == 'swat']
        self.assertTrue(all(x['status'] == 'dispatched' and not x['overdue'] for x in deps), deps)
        sent = self.notes(d, 'M-UNIT-SENT', self.swat)
        self.assertEqual([(n['role'], n['clause']) for n in sent], [('unit_commander', 'SOP 230.10 C.3.a')])
        self.assertEqual([e['actor'] for e in self.events(d, 'dispatched')], [self.disp])

        # -- and an officer still may not, after dispatch
        before = self.snapshot(rid)
        r = self.act(self.officer, rid, 'dispatch', assignee=[self.user('officer')])
        self.refused(r, 403, rid, before, 'SOP 230.10 C.3.d', 'officer dispatches after dispatch')

        # -- check-ins: the officer for their own deployment, DEC for the squad
        mine, sq, sw, sg = by[self.officer]['id'], by[squad]['id'], swat_dep[0]['id'], by[self.sgt]['id']
        for st in ('en_route', 'on_scene'):
            self.done(self.act(self.officer, rid, 'checkin', deployment=str(mine), status=st), rid,
                      'officer %s' % st)
            self.done(self.act(self.disp, rid, 'checkin', deployment=str(sq), status=st), rid,
                      'squad %s' % st)
        before = self.snapshot(rid)
        r = self.act(self.officer, rid, 'checkin', deployment=str(sq), status='clear')
        self.refused(r, 403, rid, before, None, "officer checks in for the squad")
        d = self.js(rid)
        st = {x['id']: x['status'] for x in d['deployments']}
        self.assertEqual((st[mine], st[sq], st[sw], st[sg]), ('on_scene', 'on_scene', 'dispatched', 'dispatched'))
        self.assertEqual(len(self.events(d, 'checkin')), 4)
        # (a supervisor reports for themself as well)
        self.done(self.act(self.sgt, rid, 'checkin', deployment=str(sg), status='on_scene'), rid,
                  'sergeant on scene')

        # -- the squad goes 61 minutes without a check-in: overdue, told once
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '61 minutes' WHERE id = %d" % sq)
        t0 = time.monotonic()

        def told():
            d = self.js(rid)
            return (self.notes(d, 'M-CHECKIN-DISPATCH', self.disp) and
                    self.notes(d, 'M-CHECKIN-SUPERVISOR', self.dsup) and d)
        d = wait_until(told, 15, 0.5)
        self.assertTrue(d, 'no overdue check-in notification within 15 s')
        print('  (overdue told after %.1f s)' % (time.monotonic() - t0), end=' ', flush=True)
        overdue = {x['id']: x['overdue'] for x in d['deployments']}
        self.assertEqual((overdue[sq], overdue[mine], overdue[sw], overdue[sg]), (True, False, False, False))
        for rule in ('M-CHECKIN-DISPATCH', 'M-CHECKIN-SUPERVISOR'):
            for n in self.notes(d, rule):
                self.assertEqual(n['clause'], mcite(rule))
                self.assertIn(squad, n['reason'])
        time.sleep(4)                 # several more polls of the timer
        d = self.js(rid)
        self.assertEqual(len(self.notes(d, 'M-CHECKIN-DISPATCH', self.disp)), 1, d['notifications'])
        self.assertEqual(len(self.notes(d, 'M-CHECKIN-SUPERVISOR', self.dsup)), 1, d['notifications'])
        self.assertEqual(len(self.events(d, 'checkin_overdue')), 1, d['events'])
        n_checkin = len(self.notes(d, 'M-CHECKIN-DISPATCH') + self.notes(d, 'M-CHECKIN-SUPERVISOR'))

        # -- the teletype and the letter that follow the telephone request
        self.done(self.act(self.disp, rid, 'followup', type='teletype', note='TTY 4471'), rid, 'teletype')
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'followup', type='teletype')
        self.refused(r, 409, rid, before, None, 'second teletype')
        self.done(self.act(self.disp, rid, 'followup', type='letter'), rid, 'letter')
        d = self.js(rid)
        self.assertEqual(len(self.events(d, 'teletype_received')), 1)
        self.assertEqual(len(self.events(d, 'letter_received')), 1)

        # -- not closed while anyone is still out
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'close')
        self.refused(r, 409, rid, before, None, 'close before everyone returned')

        # -- everyone returns, then it is closed
        self.done(self.act(self.officer, rid, 'checkin', deployment=str(mine), status='returned'), rid)
        self.done(self.act(self.disp, rid, 'checkin', deployment=str(sq), status='returned'), rid)
        self.done(self.act(self.disp, rid, 'checkin', deployment=str(sw), status='returned'), rid)
        self.done(self.act(self.sgt, rid, 'checkin', deployment=str(sg), status='returned'), rid)
        d = self.js(rid)
        self.assertEqual({x['status'] for x in d['deployments']}, {'returned'})
        self.assertFalse(any(x['overdue'] for x in d['deployments']))
        self.done(self.act(self.disp, rid, 'close', note='All units back'), rid, 'close')
        d = self.js(rid)
        self.assertEqual(d['status'], 'closed')
        self.assertEqual([e['actor'] for e in self.events(d, 'closed')], [self.disp])
        self.assertEqual(len(self.notes(d, 'M-CHECKIN-DISPATCH') + self.notes(d, 'M-CHECKIN-SUPERVISOR')),
                         n_checkin)

        # -- read-only: every further action is 409
        S.duty(self.bchief, True)
        attempts = [
            (self.dsup, 'authorize', dict(squads='1')),
            (self.bchief, 'approve', {}),
            (self.bchief, 'deny', dict(reason='Too late')),
            (self.dsup, 'assess', dict(squads='1')),
            (self.disp, 'dispatch', dict(assignee=self.officer)),
            (self.disp, 'checkin', dict(deployment=str(sq), status='on_scene')),
            (self.disp, 'close', {}),
            (self.disp, 'cancel', {}),
            (self.chief, 'except', dict(rule='M-CAP', reason='After the fact')),
        ]
        for who, action, fields in attempts:
            before = self.snapshot(rid)
            r = self.act(who, rid, action, **fields)
            self.refused(r, 409, rid, before, None, '%s on a closed request' % action)

    def test_followup_recorded_after_closing_nothing_else(self):
        """SOP 230.10 C.3: the teletype and letter follow "as soon as
        practicable", often after the incident: they are recorded on a
        closed request (M-FOLLOWUP, a department rule, cited); anything else
        on it is refused (409), and a document twice too."""
        rid = self.phone_request(squads='1', special_units=None, supervisors='0')
        self.done(self.act(self.bchief, rid, 'approve'), rid, 'bureau chief approves')
        self.done(self.act(self.disp, rid, 'close', note='Resolved before anyone was sent'), rid, 'close')
        self.assertEqual(self.js(rid)['status'], 'closed')
        for typ in ('teletype', 'letter'):
            self.done(self.act(self.disp, rid, 'followup', type=typ), rid, '%s after closing' % typ)
        d = self.js(rid)
        self.assertEqual([(e['action'], e['clause']) for e in d['events'] if e['action'].endswith('_received')],
                         [('teletype_received', mcite('M-FOLLOWUP')), ('letter_received', mcite('M-FOLLOWUP'))])
        self.assertEqual(d['status'], 'closed')
        for who, action, fields in ((self.disp, 'followup', dict(type='letter')),
                                    (self.dsup, 'assess', dict(squads='1')),
                                    (self.disp, 'dispatch', dict(assignee=self.officer)),
                                    (self.bchief, 'deny', dict(reason='Too late'))):
            before = self.snapshot(rid)
            r = self.act(who, rid, action, **fields)
            self.refused(r, 409, rid, before, None, '%s on a closed request' % action)

    def test_agency_sees_the_denial_and_its_reason(self):
        """The agency that asked sees the denial and its reason, in plain
        words (escaped), and "the department" as who decided; staff see the
        bureau chief."""
        ag = self.user('agency', 'Deputy Pine', agency='Summit PD ' + uniq('a'), agency_type='local')
        rid = self.file(ag, incoming_fields(within_city='no', bureau=self.bureau, emergency='no',
                                            nature='Parade support ' + uniq('n')))
        before = self.snapshot(rid)
        r = self.act(self.bchief, rid, 'deny')
        self.refused(r, 422, rid, before, None, 'deny without a reason')
        reason = 'No units free: county fair detail <all shifts> & overtime ' + uniq('r')
        self.done(self.act(self.bchief, rid, 'deny', reason=reason), rid, 'deny')
        d = self.js(rid, ag)
        self.assertEqual((d['status'], d['denial_reason']), ('denied', reason))
        page = self.client(ag).get('/requests/%d' % rid)
        self.assertEqual(page.status, 200)
        self.assertIn(reason, html.unescape(page.body))
        self.assertNotIn('<all shifts>', page.body)
        self.assertEqual([e['actor'] for e in self.events(self.js(rid), 'denied')], [self.bchief])
        self.assertEqual([e['actor'] for e in self.events(d, 'denied')], ['the department'])
        self.assertEqual([e['actor'] for e in self.events(d, 'submitted')], [ag])
        before = self.snapshot(rid)
        r = self.act(ag, rid, 'cancel')
        self.refused(r, 409, rid, before, None, 'cancel a denied request')

    def test_chief_exception_lifts_the_cap(self):
        """98-023 §VI / GO 2025-57: only the chief, with a reason, excepts a
        request from the cap (M-CAP, SOP 230.10 C.3.a); the DEC supervisor
        then authorizes beyond it, and what is sent under the provisional
        authorization is no longer held to the cap's numbers."""
        sq = self.members(4)
        rid = self.phone_request(channel='portal', squads='5', supervisors='2')
        cap = dict(squads='3', supervisors='1', special_units='swat')
        before = self.snapshot(rid)
        r = self.act(self.dsup, rid, 'authorize', **cap)
        self.refused(r, 422, rid, before, 'SOP 230.10 C.3.a', 'authorize beyond the cap')

        for who in (self.bchief, self.dsup, self.watch):
            r = self.act(who, rid, 'except', rule='M-CAP', reason='Mass casualty incident')
            self.refused(r, 403, rid, before, None, 'except by %s' % who)
        r = self.act(self.chief, rid, 'except', rule='M-CAP')
        self.refused(r, 422, rid, before, None, 'except without a reason')

        reason = 'Mass casualty incident; three squads needed now ' + uniq('r')
        self.done(self.act(self.chief, rid, 'except', rule='M-CAP', reason=reason), rid, 'chief except')
        d = self.js(rid)
        self.assertEqual(d['status'], 'submitted')
        ex = self.events(d, 'exception')
        self.assertEqual(len(ex), 1, d['events'])
        self.assertEqual(ex[0]['actor'], self.chief)
        self.assertIn(reason, ex[0]['note'])
        self.assertIn('M-CAP', ex[0]['note'])

        self.done(self.act(self.dsup, rid, 'authorize', **cap), rid, 'authorize after the exception')
        d = self.js(rid)
        self.assertEqual(d['status'], 'provisionally_authorized')
        self.assertEqual((d['authorized_squads'], d['authorized_supervisors'],
                          d['authorized_special_units']), (3, 1, ['swat']))
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[:3], special_units='swat'), rid,
                  'dispatch the three squads authorized')
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[3]), rid,
                  'a fourth squad under the exception to the cap')
        d = self.js(rid)
        self.assertEqual((d['status'], len(d['deployments'])), ('provisionally_authorized', 5))


    def test_checkins_after_a_denial(self):
        """Units sent under a provisional authorization that the bureau then
        denied stay deployed: they are still on /deployments and in the
        overdue check-in timer, and report their return (SOP 230.10 C.3.a,
        C.3.d); nothing else changes a denied request."""
        S = self.stack
        rid = self.phone_request()
        self.done(self.act(self.dsup, rid, 'authorize', squads='1', special_units='swat',
                           note='One squad and SWAT pending the bureau'), rid, 'authorize 1+swat')
        self.done(self.act(self.disp, rid, 'dispatch', assignee=self.officer, special_units='swat'), rid,
                  'dispatch within the authorization')
        d = self.js(rid)
        self.assertEqual(d['status'], 'provisionally_authorized')
        deps = d['deployments']
        self.assertSent(d, [(self.officer, 'squad', None), ('SWAT / tactical', 'special_unit', 'swat')])

        reason = 'Bureau cannot spare units tonight ' + uniq('r')
        self.done(self.act(self.bchief, rid, 'deny', reason=reason), rid, 'bureau chief denies')
        d = self.js(rid)
        self.assertEqual((d['status'], d['denial_reason']), ('denied', reason))
        self.assertEqual([x['id'] for x in d['deployments']], [x['id'] for x in deps])
        self.assertEqual({x['status'] for x in d['deployments']}, {'dispatched'})

        # -- still on the active deployments
        page = self.client(self.disp).get('/deployments')
        self.assertEqual(page.status, 200, page.describe())
        rows = [row for row in re.findall(r'<tr\b.*?</tr>', page.body, re.S)
                if 'href="/requests/%d"' % rid in row]
        self.assertEqual(len(rows), 2, 'the denied request\'s deployments on /deployments: %r' % rows)
        self.assertIn(self.officer, ' '.join(rows))

        # -- every other action on the denied request is 409, nothing changes
        sq = [x['id'] for x in deps if x['assignee'] == self.officer][0]
        attempts = [
            (self.dsup, 'authorize', dict(squads='1')),
            (self.bchief, 'approve', {}),
            (self.bchief, 'deny', dict(reason='Again')),
            (self.dsup, 'assess', dict(squads='1')),
            (self.disp, 'dispatch', dict(assignee=self.officer2)),
            (self.disp, 'close', {}),
            (self.disp, 'cancel', {}),
            (self.chief, 'except', dict(rule='M-CAP', reason='After the fact')),
        ]
        for who, action, fields in attempts:
            before = self.snapshot(rid)
            r = self.act(who, rid, action, **fields)
            self.refused(r, 409, rid, before, None, '%s on a denied request' % action)

        # -- still in the overdue timer: 61 minutes without a check-in, DEC is told
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '61 minutes' WHERE id = %d" % sq)

        def told():
            d = self.js(rid)
            return (self.notes(d, 'M-CHECKIN-DISPATCH', self.disp) and
                    self.notes(d, 'M-CHECKIN-SUPERVISOR', self.dsup) and d)
        d = wait_until(told, 15, 0.5)
        self.assertTrue(d, 'no overdue check-in notification for a denied request within 15 s')
        self.assertIn(self.officer, self.notes(d, 'M-CHECKIN-DISPATCH', self.disp)[0]['reason'])
        self.assertEqual({x['id']: x['overdue'] for x in d['deployments']}[sq], True)

        # -- the officer and the dispatcher record each unit's return
        for x in deps:
            who = self.officer if x['id'] == sq else self.disp
            self.done(self.act(who, rid, 'checkin', deployment=str(x['id']), status='returned',
                               note='Back in service'), rid, 'return of %s after the denial' % x['assignee'])
        d = self.js(rid)
        self.assertEqual(d['status'], 'denied')
        self.assertEqual({x['status'] for x in d['deployments']}, {'returned'})
        ev = self.events(d, 'checkin')
        self.assertEqual([(e['actor'], e['clause']) for e in ev],
                         [(self.officer, mcite('M-CHECKIN')), (self.disp, mcite('M-CHECKIN'))], ev)
        # whoever sent them was told of the denial (M-DENIED-SENDERS)
        self.assertEqual([n['recipient'] for n in self.notes(d, 'M-DENIED-SENDERS')], [self.disp])
        # the teletype still follows the telephone request (SOP 230.10 C.3)
        self.done(self.act(self.disp, rid, 'followup', type='teletype'), rid, 'teletype after the denial')
        self.assertEqual(self.js(rid)['status'], 'denied')
        page = self.client(self.disp).get('/deployments')
        self.assertNotIn('href="/requests/%d"' % rid, page.body, 'returned units still on /deployments')

        # -- with everyone back, not even a check-in changes it
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'checkin', deployment=str(sq), status='returned')
        self.refused(r, 409, rid, before, None, 'check-in on a denied request with nobody out')

    def test_dispatch_within_the_authorization_after_an_assessment(self):
        """SOP 230.10 C.3.a, C.3.c: the on-scene assessment sends the
        request to its approver; meanwhile DEC may still send what the
        provisional authorization covered, and no more (422), each kind
        counted apart over every dispatch; the approval then holds the
        dispatches to what it approved (the assessment)."""
        onscene = self.user('supervisor', 'Lt. Hart (on scene)')
        sq = self.members(5)
        rid = self.phone_request()
        self.done(self.act(self.dsup, rid, 'authorize', squads='2', supervisors='1',
                           special_units='swat'), rid, 'authorize 2+1+swat')

        self.done(self.act(onscene, rid, 'assess', squads='5', supervisors='2',
                           note='Three more squads needed for the perimeter'), rid, 'assess')
        d = self.js(rid)
        # kept beside what was filed (4 squads, 1 supervisor, SWAT)
        self.assertEqual((d['status'], d['squads'], d['supervisors'], d['special_units']),
                         ('pending_approval', 4, 1, ['swat']))
        self.assertEqual((d['assessed_squads'], d['assessed_supervisors'], d['assessed_special_units']),
                         (5, 2, ['swat']))
        self.assertEqual(d['approved_squads'], None)
        ev = self.events(d, 'assessed')
        self.assertEqual([(e['actor'], e['clause']) for e in ev], [(onscene, 'SOP 230.10 C.3.c')])
        told = self.notes(d, 'M-ASSESS-APPROVER')
        self.assertEqual([(n['recipient'], n['clause']) for n in told],
                         [(self.bchief, 'SOP 230.10 C.3.c')])

        # -- within the authorization: sent, still pending approval
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[0], special_units='swat'), rid,
                  'dispatch 1 squad + swat while pending')
        d = self.js(rid)
        self.assertEqual((d['status'], len(d['deployments'])), ('pending_approval', 2))

        # -- beyond it: 422 naming C.3.a, nothing changes
        for fields, what in ((dict(assignee=sq[1:4]), '3 more squads'),
                             (dict(special_units='k9'), 'a specialized unit not authorized'),
                             (dict(special_units='swat'), 'the SWAT unit again, while it is out')):
            before = self.snapshot(rid)
            r = self.act(self.disp, rid, 'dispatch', **fields)
            self.refused(r, 409 if 'again' in what else 422, rid, before,
                         None if 'again' in what else 'SOP 230.10 C.3.a', 'dispatch %s while pending' % what)

        # -- up to the authorization exactly (the second squad and the
        #    supervisor), then no further: a third squad is refused even
        #    though it is "one person", each kind being counted apart
        self.done(self.act(self.disp, rid, 'dispatch', assignee=[sq[1], self.sgt]), rid,
                  'dispatch up to the authorization')
        self.assertEqual(len(self.js(rid)['deployments']), 4)
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee=sq[2])
        self.refused(r, 422, rid, before, 'SOP 230.10 C.3.a', 'dispatch past the authorization')

        # -- the approval (no numbers given) is of what the assessment asks
        self.done(self.act(self.bchief, rid, 'approve'), rid, 'bureau chief approves')
        d = self.js(rid)
        self.assertEqual((d['status'], d['approved_squads'], d['approved_supervisors'],
                          d['approved_special_units']), ('approved', 5, 2, ['swat']))
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[2]), rid, 'dispatch after approval')
        self.assertEqual(self.js(rid)['status'], 'dispatched')

        # -- and holds the dispatches to it, counting everyone sent so far
        for fields, what in ((dict(assignee=[sq[3], sq[4], self.officer]), '6 squads of 5 approved'),
                             (dict(special_units='k9'), 'a unit the approval did not name')):
            before = self.snapshot(rid)
            r = self.act(self.disp, rid, 'dispatch', **fields)
            self.refused(r, 422, rid, before, 'SOP 230.10 C.3.a', 'dispatch %s' % what)
        self.done(self.act(self.disp, rid, 'dispatch', assignee=[sq[3], sq[4]]), rid,
                  'dispatch up to the approval')
        d = self.js(rid)
        self.assertEqual([t[1] for t in self.sent(d)].count('squad'), 5)

    def test_no_dispatch_while_pending_without_a_provisional_authorization(self):
        """An assessment without a provisional authorization: nobody is sent
        before the approval (409 naming the approval rule, C.3.a)."""
        onscene = self.user('supervisor', 'Lt. Iver (on scene)')
        rid = self.phone_request()
        self.done(self.act(onscene, rid, 'assess', squads='2'), rid, 'assess')
        self.assertEqual(self.js(rid)['status'], 'pending_approval')
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee=self.officer)
        self.refused(r, 409, rid, before, 'SOP 230.10 C.3.a', 'dispatch while pending, never authorized')


class MilwaukeeInCity(LifecycleCase):
    """SOP 230.10 D: aid within the city, counted on what is dispatched."""

    def setUp(self):
        super().setUp()
        self.stack = M
        self.district = 'District 7'
        self.only_available('commander', district=self.district)
        self.disp = self.user('dispatcher', 'DEC Dispatcher Hale')
        self.dsup = self.user('dispatch_supervisor', 'DEC Supervisor Ives')
        # files the requests (neither the dispatcher nor the DEC supervisor,
        # who decide on them: see the separation of duties)
        self.filer = self.user('supervisor', 'Sgt. Oak')
        self.cmdr = self.user('commander', 'Capt. Jones', district=self.district)
        self.watch = self.user('watch_commander', 'Night Watch Capt. King')
        self.chief = self.user('chief', 'Chief Lowe')
        self.viewer = self.dsup

    def internal(self, squads, **extra):
        f = [('kind', 'aid_internal'), ('district', self.district),
             ('location', '2333 N 49th St'), ('incident_type', 'civil_disorder'),
             ('nature', 'Crowd control after a game ' + uniq('n')), ('emergency', 'no'),
             ('priority', 'urgent'), ('squads', str(squads)), ('channel', 'radio')]
        f += list(extra.items())
        return self.file(self.filer, f)

    def approve_and_dispatch(self, rid, squad):
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee=squad)
        self.refused(r, 409, rid, before, 'SOP 230.10 D', 'dispatch before approval')
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'approve')
        self.refused(r, 403, rid, before, 'SOP 230.10 D', 'dispatcher approves')
        self.done(self.act(self.dsup, rid, 'approve', note='Squads from D5'), rid, 'approve')
        d = self.js(rid)
        self.assertEqual(d['status'], 'approved')
        self.assertEqual([e['actor'] for e in self.events(d, 'approved')], [self.dsup])
        return d

    def test_more_than_one_squad_needs_dec_supervisor_and_commander_is_told(self):
        sq = self.members(4)
        rid = self.internal(3)
        d = self.js(rid)
        self.assertEqual((d['kind'], d['status'], d['district'], d['squads']),
                         ('aid_internal', 'submitted', self.district, 3))
        d = self.approve_and_dispatch(rid, sq[0])
        # the approval is of what was filed: three squads, nothing else
        self.assertEqual((d['approved_squads'], d['approved_supervisors'], d['approved_special_units']),
                         (3, 0, []))
        told = self.notes(d, 'M-IN-CITY-COMMANDER')
        self.assertEqual([(n['recipient'], n['role'], n['clause']) for n in told],
                         [(self.cmdr, 'commander', 'SOP 230.10 D')])
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[:3]), rid, 'dispatch')
        d = self.js(rid)
        self.assertEqual(d['status'], 'dispatched')
        self.assertSent(d, [(x, 'squad', None) for x in sq[:3]])
        self.assertEqual({x['authorized_by'] for x in d['deployments']}, {self.disp})
        # beyond the approval: 422 naming D, nothing stored
        for fields, what in ((dict(assignee=sq[3]), 'a fourth squad'),
                             (dict(special_units='k9'), 'a specialized unit not approved')):
            before = self.snapshot(rid)
            r = self.act(self.disp, rid, 'dispatch', **fields)
            self.refused(r, 422, rid, before, 'SOP 230.10 D', what)
        # unless the chief excepts the approval rule for this request
        self.done(self.act(self.chief, rid, 'except', rule='M-IN-CITY-APPROVE',
                           reason='Stadium evacuation: send what is needed'), rid, 'chief except')
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[3], special_units='k9'), rid,
                  'beyond the approval under the exception')
        self.assertEqual(len(self.js(rid)['deployments']), 5)

    def test_commander_off_duty_watch_commander_is_told(self):
        sq = self.members(1)
        self.stack.duty(self.cmdr, False)
        rid = self.internal(2)
        d = self.approve_and_dispatch(rid, sq[0])
        told = self.notes(d, 'M-IN-CITY-COMMANDER')
        self.assertEqual(self.notes(d, 'M-IN-CITY-COMMANDER', self.cmdr), [])
        mine = [n for n in told if n['recipient'] == self.watch]
        self.assertEqual(len(mine), 1, told)
        self.assertEqual((mine[0]['role'], mine[0]['clause']), ('watch_commander', 'SOP 230.10 D'))
        self.assertTrue(all(n['role'] == 'watch_commander' for n in told), told)
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[0]), rid, 'dispatch')
        self.assertEqual(self.js(rid)['status'], 'dispatched')

    def test_one_squad_needs_no_approval(self):
        """One squad is sent at once; a second one, or a specialized unit,
        would then have been "more than one squad or a specialized unit"
        (D, counted on what is dispatched, returned or not): 409."""
        sq = self.members(2)
        rid = self.internal(1)
        before = self.snapshot(rid)
        r = self.act(self.dsup, rid, 'approve')
        self.refused(r, 409, rid, before, None, 'approve what needs no approval')
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[0]), rid, 'dispatch directly')
        d = self.js(rid)
        self.assertEqual(d['status'], 'dispatched')
        self.assertEqual([(x['assignee'], x['unit_type'], x['authorized_by']) for x in d['deployments']],
                         [(sq[0], 'squad', self.disp)])
        self.assertEqual(self.notes(d, 'M-IN-CITY-COMMANDER'), [])
        for fields, what in ((dict(assignee=sq[1]), 'a second squad'),
                             (dict(special_units='k9'), 'a specialized unit')):
            before = self.snapshot(rid)
            r = self.act(self.disp, rid, 'dispatch', **fields)
            self.refused(r, 409, rid, before, 'SOP 230.10 D', what + ' without an approval')
        # the first squad back: it still counts
        dep = d['deployments'][0]['id']
        self.done(self.act(self.disp, rid, 'checkin', deployment=str(dep), status='returned'), rid)
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee=sq[1])
        self.refused(r, 409, rid, before, 'SOP 230.10 D', 'a second squad after the first returned')

    def test_numbers_given_as_zero_are_the_approval(self):
        """The numbers an approver gives are what the approval approves (SOP
        230.10 D), zeros included: approving "0 squads, 0 supervisors" is not
        an approval without limit, and nobody is then sent (422 naming D)."""
        sq = self.members(1)
        rid = self.internal(2)
        self.done(self.act(self.dsup, rid, 'approve', squads='0', supervisors='0'), rid, 'approve zero')
        d = self.js(rid)
        self.assertEqual((d['status'], d['approved_squads'], d['approved_supervisors'],
                          d['approved_special_units']), ('approved', 0, 0, []))
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee=sq[0], special_units='swat')
        self.refused(r, 422, rid, before, 'SOP 230.10 D', 'a squad and SWAT after an approval of none')

    def test_assessment_asks_for_approval_only_when_needed(self):
        """SOP 230.10 C.3.c, D: the assessment is kept beside what was filed;
        the request goes to its approver only when what is assessed needs an
        approval that no approval covers yet; the approval is of the
        assessment, or of the numbers the approver gives."""
        sq = self.members(5)
        rid = self.internal(1)
        # -- one squad assessed: no approval needed, the state does not change
        self.done(self.act(self.dsup, rid, 'assess', squads='1', note='One squad will do'), rid)
        d = self.js(rid)
        self.assertEqual((d['status'], d['squads'], d['assessed_squads']), ('submitted', 1, 1))
        # -- three squads: the DEC supervisor must approve; nobody is sent meanwhile
        self.done(self.act(self.dsup, rid, 'assess', squads='3', note='Crowd growing'), rid)
        d = self.js(rid)
        self.assertEqual((d['status'], d['squads'], d['assessed_squads']), ('pending_approval', 1, 3))
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee=sq[0])
        self.refused(r, 409, rid, before, 'SOP 230.10 D', 'dispatch while the assessment waits')
        # -- approved without numbers: the assessment is approved
        self.done(self.act(self.dsup, rid, 'approve'), rid, 'approve')
        d = self.js(rid)
        self.assertEqual((d['status'], d['approved_squads']), ('approved', 3))
        # -- a smaller assessment stays within the approval: no change of state
        self.done(self.act(self.dsup, rid, 'assess', squads='2'), rid)
        d = self.js(rid)
        self.assertEqual((d['status'], d['assessed_squads'], d['approved_squads']), ('approved', 2, 3))
        # -- a larger one goes back to the approver, who approves four
        self.done(self.act(self.dsup, rid, 'assess', squads='4'), rid)
        self.assertEqual(self.js(rid)['status'], 'pending_approval')
        self.done(self.act(self.dsup, rid, 'approve', squads='4', note='Four, no more'), rid)
        d = self.js(rid)
        self.assertEqual((d['status'], d['approved_squads'], d['approved_supervisors'],
                          d['approved_special_units']), ('approved', 4, 0, []))
        self.done(self.act(self.disp, rid, 'dispatch', assignee=sq[:4]), rid, 'dispatch four')
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee=sq[4])
        self.refused(r, 422, rid, before, 'SOP 230.10 D', 'a fifth squad')


# ================================================================== oconomowoc

class Oconomowoc(LifecycleCase):
    """Policy 98-023: the supervisor/OIC is notified (§V.A) and helps WCC
    choose the units (§V.C); nothing waits for an approval (O-APPROVE, a
    department rule, is switched off)."""

    def setUp(self):
        super().setUp()
        self.stack = O
        self.sup = self.user('supervisor', 'Sgt. Lake')
        self.sup2 = self.user('supervisor', 'Sgt. Marsh')
        self.disp = self.user('dispatcher', 'WCC Dispatcher Moss')
        self.viewer = self.sup

    def test_outgoing_path(self):
        units = self.members(3)
        f = [('kind', 'aid_outgoing'), ('nature', 'Tornado damage; traffic and security ' + uniq('n')),
             ('incident_type', 'weather'), ('emergency', 'yes'), ('priority', 'urgent'),
             ('location', '174 E Wisconsin Ave'), ('municipality', 'Oconomowoc'),
             ('county', 'Waukesha'), ('requesting_agency', 'Waukesha County Sheriff'),
             ('staging_area', 'Oconomowoc High School lot, enter from Oconomowoc Pkwy'),
             ('commander_name', 'Lt. Nora Ohm'), ('squads', '3'), ('personnel', '6')]
        rid = self.file(self.sup, f)
        d = self.js(rid)
        self.assertEqual((d['kind'], d['status'], d['staging_area'], d['commander_name'], d['filed_by']),
                         ('aid_outgoing', 'submitted', dict(f)['staging_area'], 'Lt. Nora Ohm', self.sup))

        # nothing to approve, for anyone (the filer included)
        for who in (self.disp, self.sup, self.sup2):
            before = self.snapshot(rid)
            r = self.act(who, rid, 'approve', note='Go')
            self.refused(r, 409, rid, before, None, '%s approves' % who)
            self.assertIn('needs no approval', text_of(r))
        d = self.js(rid)
        self.assertEqual((d['status'], d['approved_squads']), ('submitted', None))

        self.done(self.act(self.disp, rid, 'dispatch', assignee=units[:2]), rid, 'dispatch at once')
        d = self.js(rid)
        self.assertEqual(d['status'], 'dispatched')
        self.assertEqual({x['authorized_by'] for x in d['deployments']}, {self.disp})

        before = self.snapshot(rid)
        r = self.act(self.sup, rid, 'close')
        self.refused(r, 409, rid, before, None, 'close before the units returned')
        for x in d['deployments']:
            self.done(self.act(self.disp, rid, 'checkin', deployment=str(x['id']), status='returned'), rid)
        self.done(self.act(self.sup, rid, 'close'), rid, 'close')
        d = self.js(rid)
        self.assertEqual(d['status'], 'closed')
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee=units[2])
        self.refused(r, 409, rid, before, None, 'dispatch after close')

    def test_incoming_dispatch_cancel_and_privacy(self):
        S = self.stack
        ag = self.user('agency', 'Deputy Pine', agency='Summit PD ' + uniq('a'), agency_type='local')
        other = self.user('agency', 'Deputy Quinn', agency='Dousman PD ' + uniq('a'), agency_type='local')
        officer = self.user('officer', 'P.O. Uriah Vance')
        a, b, c = (self.file(ag, incoming_fields(nature='Incoming %d %s' % (i, uniq('n'))))
                   for i in range(3))

        # another agency sees nothing of them, and may not act on them
        for rid in (a, b, c):
            oc = self.client(other)
            self.assertEqual(oc.get('/requests/%d' % rid).status, 404)
            self.assertEqual(oc.get('/requests/%d.json' % rid).status, 404)
        before = self.snapshot(c)
        r = self.act(other, c, 'cancel')
        self.refused(r, 404, c, before, None, 'another agency cancels')

        # nothing to approve or deny (98-023 has no approval): 409, nothing stored
        for action, fields in (('approve', {}), ('deny', dict(reason='No units free'))):
            before = self.snapshot(b)
            r = self.act(self.sup, b, action, **fields)
            self.refused(r, 409, b, before, None, '%s under 98-023' % action)
        self.assertEqual(self.js(b, ag)['status'], 'submitted')

        # cancelled by the agency before dispatch
        self.done(self.act(ag, c, 'cancel', reason='Resolved locally', confirm='yes'), c, 'agency cancels')
        d = self.js(c, ag)
        self.assertEqual(d['status'], 'cancelled')
        self.assertEqual([e['actor'] for e in self.events(d, 'cancelled')], [ag])
        before = self.snapshot(c)
        r = self.act(self.disp, c, 'dispatch', assignee=officer)
        self.refused(r, 409, c, before, None, 'dispatch on a cancelled request')

        # after dispatch the agency may no longer cancel
        self.done(self.act(self.disp, a, 'dispatch', assignee=officer, note='Vance from day shift'), a,
                  'dispatch')
        before = self.snapshot(a)
        r = self.act(ag, a, 'cancel')
        self.refused(r, 409, a, before, None, 'cancel after dispatch')
        # nor may someone who did not file it
        r = self.act(self.disp, a, 'cancel')
        self.refused(r, 403, a, before, None, 'dispatcher cancels what an agency filed')

        # what the agency sees of its own request: what was sent and when,
        # never who inside the department (names, logins), their notes or
        # who was notified
        staff = [(self.sup, 'Sgt. Lake'), (self.disp, 'WCC Dispatcher Moss'), (officer, 'P.O. Uriah Vance')]
        raw = self.client(ag).get('/requests/%d.json' % a)
        self.assertEqual(raw.status, 200, raw.describe())
        d = raw.json()
        self.assertEqual(d['notifications'], [])
        self.assertEqual([sorted(x) for x in d['deployments']],
                         [['id', 'last_checkin_at', 'special_unit', 'status', 'unit', 'unit_type']])
        self.assertEqual((d['deployments'][0]['unit_type'], d['deployments'][0]['special_unit'],
                          d['deployments'][0]['status']), ('squad', None, 'dispatched'))
        self.assertTrue(all(sorted(e) == ['action', 'actor', 'at', 'what'] for e in d['events']), d['events'])
        self.assertEqual([(e['action'], e['actor']) for e in d['events']],
                         [('submitted', ag), ('dispatched', 'the department')])
        self.assertTrue((d['status_text'] or '').strip(), 'no status_text for the agency')
        page = self.client(ag).get('/requests/%d' % a)
        self.assertEqual(page.status, 200, page.describe())
        for login, name in staff:
            for what, body in (('JSON', raw.body), ('page', text_of(page))):
                self.assertNotIn(login, body, 'the agency\'s %s names %s' % (what, login))
                self.assertNotIn(name, body, 'the agency\'s %s names %s' % (what, name))
        self.assertNotIn('Vance from day shift', raw.body + text_of(page), 'a staff note shown to the agency')
        # the request sheet is the department's (staff only)
        self.assertEqual(self.client(ag).get('/requests/%d/print' % a).status, 403)
        sheet = self.client(self.sup).get('/requests/%d/print' % a)
        self.assertEqual(sheet.status, 200, sheet.describe())
        # It carries every step with who took it and its clause, and who was
        # sent, authorized by whom, when.
        body = text_of(sheet)
        self.assertIn('Steps, by whom, under which clause', body)
        self.assertRegex(body, r'WCC Dispatcher Moss\s+dispatched\s+\S')
        self.assertIn('Members and units sent', body)
        self.assertRegex(body, r'P\.O\. Uriah Vance\s+—\s+WCC Dispatcher Moss\s+\d{4}-\d\d-\d\d \d\d:\d\d')

    def test_agency_sees_its_own_action_under_its_own_login(self):
        """An agency's view of its request names the agency's own people for
        their own actions, "the department" for the department's: a
        colleague of the same agency (who may cancel its request) sees the
        cancellation as their own, not as the department's."""
        agency = 'Wales PD ' + uniq('a')
        filer = self.user('agency', 'Deputy Voss', agency=agency, agency_type='local')
        colleague = self.user('agency', 'Deputy Wirth', agency=agency, agency_type='local')
        rid = self.file(filer, incoming_fields(nature='Lost hiker ' + uniq('n')))
        self.done(self.act(colleague, rid, 'cancel', reason='Found by our night shift', confirm='yes'), rid,
                  'a colleague cancels')
        self.assertEqual([e['actor'] for e in self.events(self.js(rid), 'cancelled')], [colleague])
        mine = self.js(rid, colleague)
        self.assertEqual([e['actor'] for e in self.events(mine, 'cancelled')], [colleague],
                         'the colleague\'s own cancellation as the agency sees it')

    def test_dispatch_sends_only_active_sworn_members_of_the_department(self):
        """Who is dispatched is a login of the roster: an active officer or
        detective (a squad), or a supervisor or commander (a supervisor);
        never free text, an unknown or disabled account, an outside agency,
        the communications center or an administrator (422), nor anyone
        twice (422 in one form, 409 while out), all or nothing."""
        S = self.stack
        ag = self.user('agency', 'Deputy Rowe', agency='Nashotah PD ' + uniq('a'), agency_type='local')
        officer, det = self.user('officer', 'P.O. Sand'), self.user('detective', 'Det. Tamm')
        cmdr = self.user('commander', 'Capt. Ulm', district='District 2')
        disabled = self.user('officer', 'P.O. Gone')
        S.psql("UPDATE account SET disabled = true WHERE login = '%s'" % disabled)
        dsup, admin = self.user('dispatch_supervisor'), self.user('admin')
        # nothing asked in numbers, and no approval (98-023): sent at once, no limit
        rid = self.file(ag, incoming_fields(squads='0', supervisors='0', special_units=None,
                                            personnel='4', nature='Search for a missing child ' + uniq('n')))
        d = self.js(rid)
        self.assertEqual((d['status'], d['approved_squads'], d['approved_supervisors'],
                          d['approved_special_units']), ('submitted', None, None, None))

        for assignees, what in ((['Squad 7'], 'free text'), ([uniq('ghost')], 'an unknown login'),
                                ([disabled], 'a disabled account'), ([ag], "an outside agency's account"),
                                ([self.disp], 'a dispatcher'), ([dsup], 'a dispatch supervisor'),
                                ([admin], 'an administrator'), ([officer, officer], 'the same login twice'),
                                ([officer, 'Squad 7'], 'a good login with free text')):
            before = self.snapshot(rid)
            r = self.act(self.disp, rid, 'dispatch', assignee=assignees, special_units='k9')
            self.refused(r, 422, rid, before, None, 'dispatch of %s' % what)

        self.done(self.act(self.disp, rid, 'dispatch', assignee=[officer, det, self.sup, cmdr],
                           special_units='k9'), rid, 'dispatch the roster')
        d = self.js(rid)
        self.assertEqual(d['status'], 'dispatched')
        self.assertSent(d, [(officer, 'squad', None), (det, 'squad', None), (self.sup, 'supervisor', None),
                            (cmdr, 'supervisor', None), ('Canine', 'special_unit', 'k9')])

        # out already on this request: 409, nothing stored
        for fields, what in ((dict(assignee=officer), 'the officer again'),
                             (dict(special_units='k9'), 'the canine unit again')):
            before = self.snapshot(rid)
            r = self.act(self.disp, rid, 'dispatch', **fields)
            self.refused(r, 409, rid, before, None, what)
        # once returned, the officer may be sent again
        dep = [x['id'] for x in d['deployments'] if x['assignee'] == officer][0]
        self.done(self.act(officer, rid, 'checkin', deployment=str(dep), status='returned'), rid)
        self.done(self.act(self.disp, rid, 'dispatch', assignee=officer), rid, 'the officer again')
        d = self.js(rid)
        self.assertEqual(sorted(x['status'] for x in d['deployments'] if x['assignee'] == officer),
                         ['dispatched', 'returned'])


if __name__ == '__main__':
    unittest.main()
