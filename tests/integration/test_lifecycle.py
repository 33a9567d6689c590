"""The request lifecycle end to end, each step checked on /requests/ID.json:

- SOP 230 (milwaukee): the emergency path outside the city (phone request,
  provisional authorization within the caps, approval by the bureau chief or
  the watch commander, dispatch, check-ins, an overdue check-in, teletype
  and letter, close, read-only); aid within the city (SOP 230.10 D); the
  chief's exception to the caps.
- Policy 98-023 (oconomowoc): the outgoing path, and the incoming path with
  approval, denial (the agency sees the reason), cancellation and privacy
  between agencies.

The milwaukee stack is this module's own (name 'lifecycle'), started with
PORTAL_NOTIFIER_POLL=1 so that the check-in timer runs every second."""

import html
import os
import re
import time
import unittest

import harness
from harness import Client, incoming_fields, request_id_from, uniq

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

    def snapshot(self, rid, stack=None):
        """What a refused action must not change."""
        d = self.js(rid, stack=stack)
        return {'status': d['status'], 'events': len(d['events']),
                'notifications': len(d['notifications']),
                'deployments': [(x['id'], x['status'], x['last_checkin_at']) for x in d['deployments']],
                'authorized': (d['authorized_squads'], d['authorized_supervisors'],
                               d['authorized_special_units']),
                'denial_reason': d['denial_reason']}

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
        self.bureau = 'Bureau ' + uniq('b')
        self.disp = self.user('dispatcher', 'DEC Dispatcher Ames')
        self.dsup = self.user('dispatch_supervisor', 'DEC Supervisor Bell')
        self.bchief = self.user('bureau_chief', 'Inspector Cole', bureau=self.bureau)
        self.watch = self.user('watch_commander', 'Night Watch Capt. Dunn')
        self.chief = self.user('chief', 'Chief Evans')
        self.officer = self.user('officer', 'P.O. Flores')
        self.swat = self.user('unit_commander', 'Lt. Grant (SWAT)', unit='swat')
        self.viewer = self.dsup

    def phone_request(self, **overrides):
        f = dict(kind='aid_incoming', channel='phone', emergency='yes', bureau=self.bureau,
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

        # -- beyond the caps: refused 403 naming C.3.a, nothing changes
        before = self.snapshot(rid)
        r = self.act(self.dsup, rid, 'authorize', squads='3', supervisors='1', special_units='swat')
        self.refused(r, 403, rid, before, 'SOP 230.10 C.3.a', 'authorize 3 squads')

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

        # -- once provisionally authorized, 3 squads is still refused (the
        #    transition table answers 409 here: authorize is only from
        #    `submitted`; the cap's 403 was checked above)
        before = self.snapshot(rid)
        r = self.act(self.dsup, rid, 'authorize', squads='3', supervisors='1', special_units='swat')
        self.assertIn(r.status, (403, 409), r.describe())
        print('  (re-authorization of 3 squads: %d)' % r.status, end=' ', flush=True)
        self.refused(r, r.status, rid, before, None, 'second authorize of 3 squads')

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
        chief = self.notes(d, 'M-APPROVED-CHIEF', self.chief)
        self.assertEqual([(n['role'], n['clause']) for n in chief], [('chief', 'SOP 230.10 C.3.a')])

        # -- an officer may not send anyone (C.3.d)
        before = self.snapshot(rid)
        r = self.act(self.officer, rid, 'dispatch', assignee=[self.officer], special_units='swat')
        self.refused(r, 403, rid, before, 'SOP 230.10 C.3.d', 'officer dispatches')

        # -- the dispatcher sends an officer, a squad and the SWAT unit
        squad = 'Squad ' + uniq('sq')
        r = self.act(self.disp, rid, 'dispatch', assignee=[self.officer, squad], special_units='swat')
        self.done(r, rid, 'dispatch')
        d = self.js(rid)
        self.assertEqual(d['status'], 'dispatched')
        deps = d['deployments']
        self.assertEqual(len(deps), 3, deps)
        self.assertEqual({x['authorized_by'] for x in deps}, {self.disp})
        by = {x['assignee']: x for x in deps}
        self.assertIn(self.officer, by)
        self.assertIn(squad, by)
        swat_dep = [x for x in deps if x['special_unit'] == 'swat']
        self.assertEqual(len(swat_dep), 1, deps)
        self.assertTrue(all(x['status'] == 'dispatched' and not x['overdue'] for x in deps), deps)
        sent = self.notes(d, 'M-UNIT-SENT', self.swat)
        self.assertEqual([(n['role'], n['clause']) for n in sent], [('unit_commander', 'SOP 230.10 C.3.a')])
        self.assertEqual([e['actor'] for e in self.events(d, 'dispatched')], [self.disp])

        # -- and an officer still may not, after dispatch
        before = self.snapshot(rid)
        r = self.act(self.officer, rid, 'dispatch', assignee=['Squad 99'])
        self.refused(r, 403, rid, before, 'SOP 230.10 C.3.d', 'officer dispatches after dispatch')

        # -- check-ins: the officer for their own deployment, DEC for the squad
        mine, sq, sw = by[self.officer]['id'], by[squad]['id'], swat_dep[0]['id']
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
        self.assertEqual((st[mine], st[sq], st[sw]), ('on_scene', 'on_scene', 'dispatched'))
        self.assertEqual(len(self.events(d, 'checkin')), 4)

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
        self.assertEqual((overdue[sq], overdue[mine], overdue[sw]), (True, False, False))
        for n in self.notes(d, 'M-CHECKIN-DISPATCH') + self.notes(d, 'M-CHECKIN-SUPERVISOR'):
            self.assertEqual(n['clause'], 'SOP 230.10 C.3.d')
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
            (self.disp, 'dispatch', dict(assignee='Squad 7')),
            (self.disp, 'checkin', dict(deployment=str(sq), status='on_scene')),
            (self.disp, 'close', {}),
            (self.disp, 'cancel', {}),
            (self.chief, 'except', dict(rule='M-CAP', reason='After the fact')),
        ]
        for who, action, fields in attempts:
            before = self.snapshot(rid)
            r = self.act(who, rid, action, **fields)
            self.refused(r, 409, rid, before, None, '%s on a closed request' % action)

    def test_followup_on_closed_request_is_refused(self):
        """DESIGN.md: closed requests are read-only, the teletype and letter
        included."""
        rid = self.phone_request(squads='1', special_units=None, supervisors='0')
        self.done(self.act(self.bchief, rid, 'approve'), rid, 'bureau chief approves')
        self.done(self.act(self.disp, rid, 'close', note='Resolved before anyone was sent'), rid, 'close')
        self.assertEqual(self.js(rid)['status'], 'closed')
        for typ in ('teletype', 'letter'):
            before = self.snapshot(rid)
            r = self.act(self.disp, rid, 'followup', type=typ)
            self.refused(r, 409, rid, before, None, '%s on a closed request' % typ)

    def test_chief_exception_lifts_the_cap(self):
        rid = self.phone_request(channel='portal', squads='5', supervisors='2')
        cap = dict(squads='3', supervisors='1', special_units='swat')
        before = self.snapshot(rid)
        r = self.act(self.dsup, rid, 'authorize', **cap)
        self.refused(r, 403, rid, before, 'SOP 230.10 C.3.a', 'authorize beyond the cap')

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


    def test_checkins_after_a_denial(self):
        """Units sent under a provisional authorization that the bureau then
        denied still report their return (SOP 230.10 C.3.a, C.3.d); nothing
        else changes a denied request."""
        rid = self.phone_request()
        self.done(self.act(self.dsup, rid, 'authorize', squads='1', special_units='swat',
                           note='One squad and SWAT pending the bureau'), rid, 'authorize 1+swat')
        squad = 'Squad ' + uniq('sq')
        self.done(self.act(self.disp, rid, 'dispatch', assignee=squad, special_units='swat'), rid,
                  'dispatch within the authorization')
        d = self.js(rid)
        self.assertEqual(d['status'], 'provisionally_authorized')
        deps = d['deployments']
        self.assertEqual(sorted((x['assignee'] == squad, x['special_unit']) for x in deps),
                         [(False, 'swat'), (True, None)], deps)

        reason = 'Bureau cannot spare units tonight ' + uniq('r')
        self.done(self.act(self.bchief, rid, 'deny', reason=reason), rid, 'bureau chief denies')
        d = self.js(rid)
        self.assertEqual((d['status'], d['denial_reason']), ('denied', reason))
        self.assertEqual({x['status'] for x in d['deployments']}, {'dispatched'})

        # -- every other action on the denied request is 409, nothing changes
        sq = [x['id'] for x in deps if x['assignee'] == squad][0]
        attempts = [
            (self.dsup, 'authorize', dict(squads='1')),
            (self.bchief, 'approve', {}),
            (self.bchief, 'deny', dict(reason='Again')),
            (self.dsup, 'assess', dict(squads='1')),
            (self.disp, 'dispatch', dict(assignee='Squad 7')),
            (self.disp, 'followup', dict(type='teletype')),
            (self.disp, 'close', {}),
            (self.disp, 'cancel', {}),
            (self.chief, 'except', dict(rule='M-CAP', reason='After the fact')),
        ]
        for who, action, fields in attempts:
            before = self.snapshot(rid)
            r = self.act(who, rid, action, **fields)
            self.refused(r, 409, rid, before, None, '%s on a denied request' % action)

        # -- the dispatcher records each unit's return
        for x in deps:
            self.done(self.act(self.disp, rid, 'checkin', deployment=str(x['id']), status='returned',
                               note='Back in service'), rid, 'return of %s after the denial' % x['assignee'])
        d = self.js(rid)
        self.assertEqual(d['status'], 'denied')
        self.assertEqual({x['status'] for x in d['deployments']}, {'returned'})
        ev = self.events(d, 'checkin')
        self.assertEqual([(e['actor'], e['clause']) for e in ev],
                         [(self.disp, 'SOP 230.10 C.3.d')] * 2, ev)

        # -- with everyone back, not even a check-in changes it
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'checkin', deployment=str(sq), status='returned')
        self.refused(r, 409, rid, before, None, 'check-in on a denied request with nobody out')

    def test_dispatch_within_the_authorization_after_an_assessment(self):
        """SOP 230.10 C.3.a, C.3.c: the on-scene assessment sends the
        request to its approver; meanwhile DEC may still send what the
        provisional authorization covered, and no more."""
        onscene = self.user('supervisor', 'Lt. Hart (on scene)')
        rid = self.phone_request()
        self.done(self.act(self.dsup, rid, 'authorize', squads='2', supervisors='1',
                           special_units='swat'), rid, 'authorize 2+1+swat')

        self.done(self.act(onscene, rid, 'assess', squads='4', supervisors='2',
                           note='Two more squads needed for the perimeter'), rid, 'assess')
        d = self.js(rid)
        self.assertEqual((d['status'], d['squads']), ('pending_approval', 4))
        ev = self.events(d, 'assessed')
        self.assertEqual([(e['actor'], e['clause']) for e in ev], [(onscene, 'SOP 230.10 C.3.c')])
        told = self.notes(d, 'M-ASSESS-APPROVER')
        self.assertEqual([(n['recipient'], n['clause']) for n in told],
                         [(self.bchief, 'SOP 230.10 C.3.c')])

        # -- within the authorization: sent, still pending approval
        self.done(self.act(self.disp, rid, 'dispatch', assignee='Squad ' + uniq('sq'),
                           special_units='swat'), rid, 'dispatch 1 squad + swat while pending')
        d = self.js(rid)
        self.assertEqual((d['status'], len(d['deployments'])), ('pending_approval', 2))

        # -- beyond it: 403 naming C.3.a, nothing changes
        for fields, what in ((dict(assignee=['Squad 81', 'Squad 82', 'Squad 83']), '3 more squads'),
                             (dict(special_units='k9'), 'a specialized unit not authorized')):
            before = self.snapshot(rid)
            r = self.act(self.disp, rid, 'dispatch', **fields)
            self.refused(r, 403, rid, before, 'SOP 230.10 C.3.a', 'dispatch %s while pending' % what)

        # -- up to the authorization exactly, then no further
        self.done(self.act(self.disp, rid, 'dispatch', assignee=['Squad 84', 'Sgt. 85']), rid,
                  'dispatch up to the authorization')
        self.assertEqual(len(self.js(rid)['deployments']), 4)
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee='Squad 86')
        self.refused(r, 403, rid, before, 'SOP 230.10 C.3.a', 'dispatch past the authorization')

        # -- the approval lifts the limit
        self.done(self.act(self.bchief, rid, 'approve'), rid, 'bureau chief approves')
        self.done(self.act(self.disp, rid, 'dispatch', assignee='Squad 86'), rid, 'dispatch after approval')
        self.assertEqual(self.js(rid)['status'], 'dispatched')

    def test_no_dispatch_while_pending_without_a_provisional_authorization(self):
        """An assessment without a provisional authorization: nobody is sent
        before the approval (409 naming the approval rule, C.3.a)."""
        onscene = self.user('supervisor', 'Lt. Iver (on scene)')
        rid = self.phone_request(emergency='no')
        self.done(self.act(onscene, rid, 'assess', squads='2'), rid, 'assess')
        self.assertEqual(self.js(rid)['status'], 'pending_approval')
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee='Squad ' + uniq('sq'))
        self.refused(r, 409, rid, before, 'SOP 230.10 C.3.a', 'dispatch while pending, never authorized')


class MilwaukeeInCity(LifecycleCase):
    """SOP 230.10 D: aid within the city."""

    def setUp(self):
        super().setUp()
        self.stack = M
        self.district = 'District ' + uniq('d')
        self.disp = self.user('dispatcher', 'DEC Dispatcher Hale')
        self.dsup = self.user('dispatch_supervisor', 'DEC Supervisor Ives')
        self.cmdr = self.user('commander', 'Capt. Jones', district=self.district)
        self.watch = self.user('watch_commander', 'Night Watch Capt. King')
        self.viewer = self.dsup

    def internal(self, squads, **extra):
        f = [('kind', 'aid_internal'), ('district', self.district),
             ('location', '2333 N 49th St'), ('incident_type', 'civil_disorder'),
             ('nature', 'Crowd control after a game ' + uniq('n')), ('emergency', 'no'),
             ('priority', 'urgent'), ('squads', str(squads)), ('channel', 'radio')]
        f += list(extra.items())
        return self.file(self.disp, f)

    def approve_and_dispatch(self, rid):
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'dispatch', assignee='Squad ' + uniq('sq'))
        self.refused(r, 409, rid, before, 'SOP 230.10 D', 'dispatch before approval')
        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'approve')
        self.refused(r, 403, rid, before, 'SOP 230.10 D', 'dispatcher approves')
        self.done(self.act(self.dsup, rid, 'approve', note='Three squads from D5'), rid, 'approve')
        d = self.js(rid)
        self.assertEqual(d['status'], 'approved')
        self.assertEqual([e['actor'] for e in self.events(d, 'approved')], [self.dsup])
        return d

    def test_more_than_one_squad_needs_dec_supervisor_and_commander_is_told(self):
        rid = self.internal(3)
        d = self.js(rid)
        self.assertEqual((d['kind'], d['status'], d['district'], d['squads']),
                         ('aid_internal', 'submitted', self.district, 3))
        d = self.approve_and_dispatch(rid)
        told = self.notes(d, 'M-INTERNAL-COMMANDER')
        self.assertEqual([(n['recipient'], n['role'], n['clause']) for n in told],
                         [(self.cmdr, 'commander', 'SOP 230.10 D')])
        self.done(self.act(self.disp, rid, 'dispatch', assignee=['Squad 51', 'Squad 52', 'Squad 53']),
                  rid, 'dispatch')
        d = self.js(rid)
        self.assertEqual(d['status'], 'dispatched')
        self.assertEqual(len(d['deployments']), 3)
        self.assertEqual({x['authorized_by'] for x in d['deployments']}, {self.disp})

    def test_commander_off_duty_watch_commander_is_told(self):
        self.stack.duty(self.cmdr, False)
        rid = self.internal(2)
        d = self.approve_and_dispatch(rid)
        told = self.notes(d, 'M-INTERNAL-COMMANDER')
        self.assertEqual(self.notes(d, 'M-INTERNAL-COMMANDER', self.cmdr), [])
        mine = [n for n in told if n['recipient'] == self.watch]
        self.assertEqual(len(mine), 1, told)
        self.assertEqual((mine[0]['role'], mine[0]['clause']), ('watch_commander', 'SOP 230.10 D'))
        self.assertTrue(all(n['role'] == 'watch_commander' for n in told), told)
        self.done(self.act(self.disp, rid, 'dispatch', assignee='Squad 61'), rid, 'dispatch')
        self.assertEqual(self.js(rid)['status'], 'dispatched')

    def test_one_squad_needs_no_approval(self):
        rid = self.internal(1)
        before = self.snapshot(rid)
        r = self.act(self.dsup, rid, 'approve')
        self.refused(r, 409, rid, before, None, 'approve what needs no approval')
        self.done(self.act(self.disp, rid, 'dispatch', assignee='Squad 71'), rid, 'dispatch directly')
        d = self.js(rid)
        self.assertEqual(d['status'], 'dispatched')
        self.assertEqual([(x['assignee'], x['authorized_by']) for x in d['deployments']],
                         [('Squad 71', self.disp)])
        self.assertEqual(self.notes(d, 'M-INTERNAL-COMMANDER'), [])


# ================================================================== oconomowoc

class Oconomowoc(LifecycleCase):
    """Policy 98-023."""

    def setUp(self):
        super().setUp()
        self.stack = O
        self.sup = self.user('supervisor', 'Sgt. Lake')
        self.disp = self.user('dispatcher', 'WCC Dispatcher Moss')
        self.viewer = self.sup

    def test_outgoing_path(self):
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

        before = self.snapshot(rid)
        r = self.act(self.disp, rid, 'approve')
        self.refused(r, 403, rid, before, None, 'dispatcher approves')
        self.done(self.act(self.sup, rid, 'approve', note='Go'), rid, 'supervisor approves')
        self.assertEqual(self.js(rid)['status'], 'approved')

        self.done(self.act(self.disp, rid, 'dispatch', assignee=['Unit 12', 'Unit 14']), rid, 'dispatch')
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
        r = self.act(self.disp, rid, 'dispatch', assignee='Unit 15')
        self.refused(r, 409, rid, before, None, 'dispatch after close')

    def test_incoming_approve_deny_cancel_and_privacy(self):
        S = self.stack
        ag = self.user('agency', 'Deputy Pine', agency='Summit PD ' + uniq('a'), agency_type='local')
        other = self.user('agency', 'Deputy Quinn', agency='Dousman PD ' + uniq('a'), agency_type='local')
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

        # approved
        self.done(self.act(self.sup, a, 'approve'), a, 'approve')
        self.assertEqual(self.js(a, ag)['status'], 'approved')

        # denied, with a reason the agency sees
        before = self.snapshot(b)
        r = self.act(self.sup, b, 'deny')
        self.refused(r, 422, b, before, None, 'deny without a reason')
        reason = 'No units free: county fair detail <all shifts> & overtime ' + uniq('r')
        self.done(self.act(self.sup, b, 'deny', reason=reason), b, 'deny')
        d = self.js(b, ag)
        self.assertEqual((d['status'], d['denial_reason']), ('denied', reason))
        page = self.client(ag).get('/requests/%d' % b)
        self.assertEqual(page.status, 200)
        self.assertIn(reason, html.unescape(page.body))
        self.assertNotIn('<all shifts>', page.body)
        self.assertEqual([e['actor'] for e in self.events(d, 'denied')], [self.sup])
        before = self.snapshot(b)
        r = self.act(ag, b, 'cancel')
        self.refused(r, 409, b, before, None, 'cancel a denied request')

        # cancelled by the agency before dispatch
        self.done(self.act(ag, c, 'cancel', note='Resolved locally'), c, 'agency cancels')
        d = self.js(c, ag)
        self.assertEqual(d['status'], 'cancelled')
        self.assertEqual([e['actor'] for e in self.events(d, 'cancelled')], [ag])
        before = self.snapshot(c)
        r = self.act(self.sup, c, 'approve')
        self.refused(r, 409, c, before, None, 'approve a cancelled request')

        # after dispatch the agency may no longer cancel
        self.done(self.act(self.disp, a, 'dispatch', assignee='Unit 21'), a, 'dispatch')
        before = self.snapshot(a)
        r = self.act(ag, a, 'cancel')
        self.refused(r, 409, a, before, None, 'cancel after dispatch')
        # nor may someone who did not file it
        r = self.act(self.disp, a, 'cancel')
        self.refused(r, 403, a, before, None, 'dispatcher cancels what an agency filed')


if __name__ == '__main__':
    unittest.main()
