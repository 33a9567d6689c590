"""A third department runs on its policy file alone.

The stack of this module is started with PORTAL_POLICY naming
tests/fixtures/riverton.policy (a made-up Riverton Police Department,
General Order 12.4, whose structure differs from both presets: its own
clause numbering, the watch commander approving another agency's request
and the Chief of Police when no watch commander is on duty, a shift
supervisor's provisional authorization, the district commander approving
aid between districts, check-ins every 30 minutes as a clause). Nothing of
it is in the portal's code.

Requests are walked through filing, provisional authorization, the
on-scene assessment, approval, dispatch, check-ins (one overdue), the
teletype and letter, return and closing; a denial by the fallback approver
told to the agency that asked; aid between districts; a federal request;
who records the assessment, a check-in, the teletype and letter, and who
closes: the order's clause for the roles it names, the department's
addition of the dispatch supervisor and the supervisors after it.
At every step the clause asserted is the file's own (GO 12.4 ..., or
"Department rule: ..." for its department rules), on every page and
notification: the request page, the JSON `clause` of notifications and
events, the inbox (HTML and JSON), the print sheet, /policy, the forms and
the refusals; and no page names another department's policy (SOP 230,
98-023, DEC, WCC, Wis. Stat.).
"""

import os
import re
import time

import harness
from harness import uniq
import policyhelp as ph
from policyhelp import act, notes, page_text, person, req_json, signed

FILE = os.path.join(harness.ROOT, 'tests', 'fixtures', 'riverton.policy')
RULES = ph.rules(FILE)
S = None
U = {}
FOREIGN = [r'SOP 230', r'98-023', r'\bDEC\b', r'\bWCC\b', r'Wis\. Stat', r'General Order 2025-57',
           r'bureau requested', r'Milwaukee Police', r'Oconomowoc']


def cite(rule_id):
    return RULES[rule_id]['citation']


def tearDownModule():
    if S is not None:
        S.stop()


def setUpModule():
    global S
    S = ph.private_stack('riverton', 'riverton', policy_file=FILE)
    Walk.S = S
    U['agency'] = person(S, 'agency', 'rag', agency='Lakeview PD ' + uniq('r'), agency_type='local')
    for role in ('officer', 'detective', 'supervisor', 'dispatcher', 'watch_commander', 'chief', 'admin'):
        U[role] = person(S, role, 'r' + role.replace('_', '')[:6])
    U['officer2'] = person(S, 'officer', 'rofficer2')
    U['supervisor2'] = person(S, 'supervisor', 'rsuperv2')
    U['swat'] = person(S, 'unit_commander', 'rswat', unit='swat')
    U['north'] = person(S, 'commander', 'rnorth', district='North District')
    U['watch'] = U['watch_commander']


def c(key):
    return signed(S, U.get(key, key))


class Walk(ph.PolicyCase):
    POLICY = FILE

    def ok(self, r, what=''):
        self.assertEqual(r.status, 303, '%s: %s' % (what, r.describe(1500)))

    def js(self, rid, who='supervisor'):
        return req_json(c(who), rid)

    def assertOwnWords(self, body, where):
        """The page is Riverton's: none of another department's policy."""
        text = page_text(body)
        for rx in FOREIGN:
            self.assertIsNone(re.search(rx, text), '%s names %r: %s' % (where, rx, text[:300]))
        self.assertIn('Riverton Police Department', text, where)

    def page(self, who, path, status=200):
        r = c(who).get(path)
        self.assertEqual(r.status, status, '%s as %s: %s' % (path, who, r.describe()))
        self.assertOwnWords(r.body, path)
        return page_text(r.body)

    def assertCited(self, j):
        """Every notification and event of the request cites a rule of the
        file: a notification its own rule's citation."""
        for n in j['notifications']:
            self.assertEqual(n['clause'], cite(n['rule']), n)
        citations = {r['citation'] for r in RULES.values()}
        for e in j['events']:
            self.assertTrue(e['clause'] is None or e['clause'] in citations, e)

    def test_1_the_policy_in_force_is_the_file(self):
        """/policy shows General Order 12.4, every rule with its clause (its
        department rules as such), and the forms show Riverton's rules; the
        home page names the department."""
        text = self.page('supervisor', '/policy')
        self.assertIn('General Order 12.4, Mutual Aid (March 3, 2024)', text)
        body = c('supervisor').get('/policy').body
        for rid, rule in RULES.items():
            m = re.search(r'<li id="rule-%s"><span class="clause( department)?">(.*?)</span>' % re.escape(rid),
                          body, re.S)
            self.assertIsNotNone(m, '%s is not on /policy' % rid)
            self.assertEqual((bool(m.group(1)), page_text(m.group(2)).strip()),
                             (rule['basis'] == 'department', rule['citation']), rid)
        form = self.page('dispatcher', '/requests/new?kind=aid_incoming')
        for rid in ('R-IN-NEEDS', 'R-IN-CONTACT', 'R-SUPERVISOR', 'R-APPROVER-FILED'):
            self.assertIn(cite(rid), form)
        self.assertNotIn('name="within_city"', c('dispatcher').get('/requests/new?kind=aid_incoming').body)
        self.page('supervisor', '/')
        self.page('agency', '/requests/new?kind=aid_incoming')
        self.assertEqual(ph.rules(FILE)['R-CHECKIN']['basis'], 'clause')

    def test_2_filing_refusals_name_the_orders_clauses(self):
        """Who may file and what a request needs are GO 12.4's: refused with its
        clause (403), missing fields with theirs (422), nothing stored."""
        r = self.assertFilingRefused(c('officer'), ph.incoming_fields(), cite('R-IN-FILE'), 'an officer')
        self.assertOwnWords(r.body, 'the refusal')
        self.assertFilingRefused(c('dispatcher'), ph.outgoing_fields(), cite('R-OUT-FILE'), 'a dispatcher asking out')
        self.assertFilingRefused(c('officer'), ph.fed_inv_fields(), cite('R-FED-INV-FILE'), 'an officer')
        self.assertFieldsMissing(c('dispatcher'), ph.incoming_fields(requester_name=None, location=None),
                                 ['requester_name', 'location'], cite('R-IN-NEEDS'), 'no asker or place')
        self.assertFieldsMissing(c('dispatcher'), ph.incoming_fields(contact_phone=None), ['contact_phone'],
                                 cite('R-IN-CONTACT'), 'no call-back')
        self.assertFieldsMissing(c('detective'), ph.fed_inv_fields(case_number=None), ['case_number'],
                                 cite('R-FED-CASE'), 'no case number')

    def test_3_a_telephone_request_walked_from_filing_to_closing(self):
        """Filed by RECC (telephone), told to the shift supervisor (GO
        12.4.2(C)) and the watch commander (12.4.3(B)); provisionally
        authorized by a shift supervisor within 12.4.3(C)'s caps, the watch
        commander told; the on-scene assessment (12.4.3(D)); approved by the
        watch commander (12.4.3(B)), not by the chief while one is on duty;
        sent by RECC (12.4.6(A)), the SWAT commander told (12.4.6(B));
        check-ins (12.4.6(C)), one overdue after 30 minutes, the supervisor
        told; teletype and letter (12.4.3(E)); everyone back, closed; each
        step cited on the request page, its JSON, the inbox and the print
        sheet."""
        rid = self.file_ok(c('dispatcher'), ph.incoming_fields(channel='phone', emergency='yes', squads='3',
                                                               supervisors='1', special_units=['swat'],
                                                               nature='Flooded underpass rescue ' + uniq('n')))
        j = self.js(rid)
        self.assertNotified(j, 'R-SUPERVISOR', U['supervisor'], role='supervisor')
        self.assertNotified(j, 'R-APPROVER-FILED', U['watch'], role='watch_commander')
        self.assertEqual(notes(j, rule='R-APPROVER-FILED', recipient=U['chief']), [])
        text = self.page('supervisor', '/requests/%d' % rid)
        self.assertIn(cite('R-SUPERVISOR'), text)
        self.assertIn('Follow-up documents %s' % cite('R-FOLLOWUP'), re.sub(r'\s+:', ':', text))
        # GO 12.4.3(C): a shift supervisor, one squad and one supervisor, no unit.
        self.assertActionRefused(c('dispatcher'), rid, 'authorize', [('squads', '1')], 403, cite('R-CAP'),
                                 'RECC authorizing')
        for over in ([('squads', '2')], [('supervisors', '2')], [('special_units', 'swat')]):
            self.assertActionRefused(c('supervisor'), rid, 'authorize', over, 422, cite('R-CAP'), 'beyond %r' % over)
        self.ok(act(c('supervisor'), rid, 'authorize', [('squads', '1'), ('supervisors', '1')]))
        j = self.js(rid)
        self.assertEqual(ph.events(j, 'provisionally_authorized')[0]['clause'], cite('R-CAP'))
        self.assertNotified(j, 'R-CAP-TOLD', U['watch'], role='watch_commander')
        # Sent within the authorization.
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])]))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer2'])], 422, cite('R-CAP'),
                                 'a second squad before the approval')
        self.assertActionRefused(c('officer'), rid, 'dispatch', [('assignee', U['officer2'])], 403,
                                 cite('R-DISPATCH'), 'an officer dispatching')
        # GO 12.4.3(D): the supervisor at the scene reports what is needed.
        self.ok(act(c('supervisor2'), rid, 'assess', [('squads', '3'), ('supervisors', '1'),
                                                      ('special_units', 'swat')]))
        j = self.js(rid)
        self.assertEqual(ph.events(j, 'assessed')[0]['clause'], cite('R-ASSESS'))
        self.assertNotified(j, 'R-ASSESS', U['watch'], role='watch_commander')
        # GO 12.4.3(B): the watch commander approves; the chief only when none is on duty.
        self.assertActionRefused(c('chief'), rid, 'approve', [], 403, cite('R-APPROVE'),
                                 'the chief while a watch commander is on duty')
        self.assertActionRefused(c('supervisor'), rid, 'approve', [], 403, cite('R-APPROVE'), 'a supervisor')
        self.ok(act(c('watch'), rid, 'approve', [('note', 'Approved as assessed.')]))
        j = self.js(rid)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')], [(U['watch'], cite('R-APPROVE'))])
        self.assertEqual((j['approved_squads'], j['approved_supervisors'], j['approved_special_units']),
                         (3, 1, ['swat']))
        self.ok(act(c('supervisor'), rid, 'dispatch', [('assignee', U['officer2']), ('assignee', U['supervisor2']),
                                                       ('special_units', 'swat')]))
        j = self.js(rid)
        self.assertEqual({e['clause'] for e in ph.events(j, 'dispatched')}, {cite('R-DISPATCH')})
        self.assertNotified(j, 'R-UNIT-SENT', U['swat'], role='unit_commander')
        deps = {d['assignee']: d['id'] for d in j['deployments']}
        # GO 12.4.6(C): check-ins; 30 minutes without one is overdue.
        self.ok(act(c('officer'), rid, 'checkin', [('deployment', deps[U['officer']]), ('status', 'on_scene')]))
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '31 minutes' WHERE id = %d"
               % deps[U['officer2']])
        j = ph.wait_until(lambda: (lambda x: x if notes(x, rule='R-CHECKIN-LATE') else None)(self.js(rid)), 20)
        self.assertTrue(j, 'no overdue check-in notice within 20 s')
        self.assertNotified(j, 'R-CHECKIN-LATE', U['supervisor'], role='supervisor')
        self.assertEqual([e['clause'] for e in ph.events(j, 'checkin_overdue')], [cite('R-CHECKIN')])
        self.assertEqual({e['clause'] for e in ph.events(j, 'checkin')}, {cite('R-CHECKIN')})
        self.assertRegex(self.page('dispatcher', '/requests/%d' % rid),
                         r'no check-in for 30 minutes is overdue %s' % re.escape(cite('R-CHECKIN')))
        self.page('dispatcher', '/deployments')
        # GO 12.4.3(E): teletype and letter.
        for t in ('teletype', 'letter'):
            self.ok(act(c('dispatcher'), rid, 'followup', [('type', t)]))
        self.assertEqual({e['clause'] for e in j['events'] + self.js(rid)['events']
                          if e['action'].endswith('_received')}, {cite('R-FOLLOWUP')})
        for d in self.js(rid)['deployments']:
            self.ok(act(c('dispatcher'), rid, 'checkin', [('deployment', d['id']), ('status', 'returned')]))
        self.ok(act(c('supervisor'), rid, 'close', [('note', 'All back.')]))
        j = self.js(rid)
        self.assertEqual(j['status'], 'closed')
        self.assertCited(j)
        text = self.page('supervisor', '/requests/%d' % rid)
        for rule in ('R-SUPERVISOR', 'R-APPROVER-FILED', 'R-CAP', 'R-CAP-TOLD', 'R-ASSESS', 'R-APPROVE',
                     'R-DISPATCH', 'R-UNIT-SENT', 'R-CHECKIN', 'R-FOLLOWUP'):
            self.assertIn(cite(rule), text, rule)
        sheet = self.page('supervisor', '/requests/%d/print' % rid)
        self.assertNotIn('Authority:', sheet)        # GO 12.4 names no statute
        for rule in ('R-IN-FILE', 'R-IN-NEEDS', 'R-APPROVE'):
            self.assertIn(cite(rule), sheet, rule)
        self.assertRegex(sheet, r'Teletype received: \d{4}-\d\d-\d\d \d\d:\d\d')
        # The inbox: the watch commander's notifications with their clauses.
        box = c('watch').get('/inbox.json').json()
        mine = sorted(n['clause'] for n in box['notifications'] if n['request_id'] == rid)
        self.assertEqual(mine, sorted([cite('R-APPROVER-FILED'), cite('R-CAP-TOLD'), cite('R-ASSESS')]))
        inbox = self.page('watch', '/inbox')
        self.assertIn(cite('R-CAP-TOLD'), inbox)

    def test_4_denied_by_the_chief_when_no_watch_commander_is_on_duty_the_agency_told(self):
        """GO 12.4.3(B): no watch commander on duty, the Chief of Police
        decides (and is the one told at filing); the denial tells the agency
        that asked (R-DENIED-FILER, a department rule), which sees it in its
        inbox and on its own page."""
        with ph.unavailable(S, 'watch_commander'):
            rid = self.file_ok(c('agency'), ph.incoming_fields(emergency='no', nature='Parade ' + uniq('n')))
            j = self.js(rid)
            n = self.assertNotified(j, 'R-APPROVER-FILED', U['chief'], role='chief')
            self.assertIn('not available: sent to', n['reason'])
            self.assertActionRefused(c('supervisor'), rid, 'authorize', [('squads', '1')], 409, cite('R-CAP'),
                                     'no provisional authorization when it is not an emergency')
            reason = 'No units to spare this weekend ' + uniq('r')
            self.ok(act(c('chief'), rid, 'deny', [('reason', reason)]))
        j = self.js(rid)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'denied')], [(U['chief'], cite('R-APPROVE'))])
        n = self.assertNotified(j, 'R-DENIED-FILER', U['agency'], role='agency')
        self.assertTrue(n['clause'].startswith('Department rule: the agency that asked'), n)
        self.assertIn(reason, n['reason'])
        box = c('agency').get('/inbox.json').json()
        self.assertEqual([x['clause'] for x in box['notifications'] if x['request_id'] == rid], [n['clause']])
        mine = self.page('agency', '/requests/%d' % rid)
        self.assertIn(reason, mine)
        self.assertCited(j)

    def test_5_aid_between_districts_approved_by_the_district_commander(self):
        """GO 12.4.5: a shift supervisor asks another district for help
        (districts are the file's own); more than one squad is approved by
        the commander of that district (12.4.5(B)), not another."""
        before = S.count('request')
        r = ph.file(c('supervisor'), ph.internal_fields(district='District 1'))
        self.assertEqual((r.status, S.count('request')), (422, before), r.describe())
        other = person(S, 'commander', 'rharb', district='Harbor District')
        rid = self.file_ok(c('supervisor'), ph.internal_fields(district='North District', squads='2'))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']),
                                                                    ('assignee', U['officer2'])],
                                 409, cite('R-INTERNAL-APPROVE'), 'two squads unapproved')
        self.assertActionRefused(signed(S, other), rid, 'approve', [], 403, cite('R-INTERNAL-APPROVE'),
                                 "another district's commander")
        self.ok(act(c('north'), rid, 'approve'))
        j = self.js(rid)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')],
                         [(U['north'], cite('R-INTERNAL-APPROVE'))])
        self.assertCited(j)
        self.page('supervisor', '/requests/%d' % rid)

    def test_6_federal_request_tells_the_chief(self):
        """GO 12.4.8(D): the Chief of Police is notified of every request to or
        from a federal agency (the headline rule, a clause here)."""
        j = self.js(self.file_ok(c('detective'), ph.fed_inv_fields()))
        self.assertNotified(j, 'R-FED-CHIEF', U['chief'], role='chief')
        self.assertEqual(notes(j, rule='R-FED-CHIEF')[0]['clause'], 'GO 12.4.8(D)')
        self.assertCited(j)

    def test_7_refusals_speak_of_riverton_not_of_another_department(self):
        """The refusals' own words are the policy's: a provisional
        authorization beyond GO 12.4.3(C)'s caps (one squad, one supervisor,
        no unit) names that clause and the approver this order names (the
        watch commander), not another department's ("the bureau requested");
        other refusals likewise."""
        rid = self.file_ok(c('dispatcher'), ph.incoming_fields(channel='phone', emergency='yes'))
        refusals = [
            self.assertActionRefused(c('supervisor'), rid, 'authorize', [('squads', '2')], 422, cite('R-CAP'),
                                     'beyond the caps'),
            self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])], 409,
                                     cite('R-APPROVE'), 'dispatch before any authorization'),
            self.assertActionRefused(c('supervisor'), rid, 'approve', [], 403, cite('R-APPROVE'), 'a supervisor'),
            self.assertActionRefused(c('supervisor'), rid, 'except', [('rule', 'R-CAP'), ('reason', 'x')], 403,
                                     cite('R-EXCEPTION'), 'a supervisor granting an exception'),
        ]
        for r in refusals:
            self.assertOwnWords(r.body, 'the refusal')

    def test_8_who_records_and_closes_is_the_orders_or_the_departments(self):
        """Who records the on-scene assessment (R-ASSESSMENT, GO 12.4.3(D): the
        supervisor at the scene; R-ASSESSMENT-RELAYED, a department rule: a
        dispatch supervisor), a check-in (R-CHECKIN, GO 12.4.6(C): the member
        and RECC; R-CHECKIN-SUPERVISORS, a department rule), the teletype and
        letter (R-FOLLOWUP, GO 12.4.3(E): RECC; R-FOLLOWUP-SUPERVISORS, a
        department rule), and who closes (R-CLOSE, a department rule): each
        action cites the rule that let it; a role none names is refused 403
        naming the order's clause (the first rule), in Riverton's words;
        papers on a request not made by telephone: 409 naming 12.4.3(E);
        nothing stored."""
        dsup = person(S, 'dispatch_supervisor', 'rdsup')
        officer = person(S, 'officer', 'rwho')
        rid = self.file_ok(c('dispatcher'), ph.incoming_fields(channel='phone', emergency='no', squads='1',
                                                               special_units=None,
                                                               nature='Downed lines ' + uniq('n')))
        refusals = []
        # GO 12.4.3(D): the supervisor at the scene; the department's dispatch supervisor.
        for who in ('dispatcher', 'officer', 'watch', 'chief'):
            refusals.append(self.assertActionRefused(c(who), rid, 'assess', [('squads', '2')], 403,
                                                     cite('R-ASSESSMENT'), who + ' assessing'))
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '2')]))
        self.ok(act(signed(S, dsup), rid, 'assess', [('squads', '1'), ('note', 'One will do, says the scene.')]))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid), 'assessed')],
                         [(U['supervisor'], cite('R-ASSESSMENT')), (dsup, cite('R-ASSESSMENT-RELAYED'))])
        # GO 12.4.3(E): confirmed to RECC; the department's supervisors record it too.
        refusals.append(self.assertActionRefused(c('officer'), rid, 'followup', [('type', 'teletype')], 403,
                                                 cite('R-FOLLOWUP'), 'an officer recording the teletype'))
        self.ok(act(c('supervisor'), rid, 'followup', [('type', 'teletype')]))
        self.ok(act(c('dispatcher'), rid, 'followup', [('type', 'letter')]))
        self.assertActionRefused(c('dispatcher'), rid, 'followup', [('type', 'letter')], 409, cite('R-FOLLOWUP'),
                                 'the letter twice')
        self.assertEqual([(e['actor'], e['clause']) for e in self.js(rid)['events']
                          if e['action'].endswith('_received')],
                         [(U['supervisor'], cite('R-FOLLOWUP-SUPERVISORS')), (U['dispatcher'], cite('R-FOLLOWUP'))])
        # GO 12.4.6(C): the member and RECC; the department's supervisors.
        self.ok(act(c('watch'), rid, 'approve'))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', officer)]))
        dep = self.js(rid)['deployments'][0]['id']
        for who in ('detective', 'watch'):
            refusals.append(self.assertActionRefused(c(who), rid, 'checkin', [('deployment', dep),
                                                                              ('status', 'on_scene')],
                                                     403, cite('R-CHECKIN'), who + ' checking in'))
        self.ok(act(signed(S, officer), rid, 'checkin', [('deployment', dep), ('status', 'en_route')]))
        self.ok(act(c('supervisor'), rid, 'checkin', [('deployment', dep), ('status', 'on_scene')]))
        self.ok(act(signed(S, dsup), rid, 'checkin', [('deployment', dep), ('status', 'clear')]))
        refusals.append(self.assertActionRefused(c('supervisor'), rid, 'close', [], 409, cite('R-CLOSE'),
                                                 'closing with a member out'))
        self.ok(act(c('dispatcher'), rid, 'checkin', [('deployment', dep), ('status', 'returned')]))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid), 'checkin')],
                         [(officer, cite('R-CHECKIN')), (U['supervisor'], cite('R-CHECKIN-SUPERVISORS')),
                          (dsup, cite('R-CHECKIN-SUPERVISORS')), (U['dispatcher'], cite('R-CHECKIN'))])
        # The department's rule: RECC, a shift supervisor or a dispatch supervisor closes.
        for who in ('officer', 'watch', 'detective'):
            refusals.append(self.assertActionRefused(c(who), rid, 'close', [], 403, cite('R-CLOSE'), who + ' closing'))
        self.ok(act(signed(S, dsup), rid, 'close', [('note', 'Lines cleared.')]))
        j = self.js(rid)
        self.assertEqual((j['status'], [(e['actor'], e['clause']) for e in ph.events(j, 'closed')]),
                         ('closed', [(dsup, cite('R-CLOSE'))]))
        self.assertCited(j)
        # Not by telephone: no papers awaited, 409 naming GO 12.4.3(E).
        rid2 = self.file_ok(c('agency'), ph.incoming_fields(emergency='no', nature='Parade ' + uniq('n')))
        refusals.append(self.assertActionRefused(c('dispatcher'), rid2, 'followup', [('type', 'teletype')], 409,
                                                 cite('R-FOLLOWUP'), 'a teletype for a portal request'))
        for r in refusals:
            self.assertOwnWords(r.body, 'the refusal')
