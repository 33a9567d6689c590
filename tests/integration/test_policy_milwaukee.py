"""SOP 230, General Order 2025-57 (preset `milwaukee`): one test per rule of
sql/003_policy.sql, named with the rule id and its clause, filing through the
real HTTP stack and asserting on the stored request (/requests/ID.json), the
refusal (403 / 409 / 422 naming the clause) or the notifications.

Every test's docstring quotes the clause. Accounts are this module's own;
bureaus and districts carry unique names so that the routing (match on
bureau / district, case-insensitive) sees only this module's people.

| rule id              | clause                                          | test |
|----------------------|-------------------------------------------------|------|
| M-IN-FILE            | SOP 230.10 C.3                                  | IncomingAid.test_M_IN_FILE_SOP_230_10_C_3_agency_or_DEC_files_aid_incoming |
| M-IN-NEEDS           | SOP 230.10 C.3                                  | IncomingAid.test_M_IN_NEEDS_SOP_230_10_C_3_asker_callback_place_and_bureau_required |
| M-IN-DEC             | SOP 230.10 C.3                                  | IncomingAid.test_M_IN_DEC_SOP_230_10_C_3_dec_supervisor_told_of_every_aid_request |
| M-FOLLOWUP           | SOP 230.10 C.3                                  | FollowUps.test_M_FOLLOWUP_SOP_230_10_C_3_phone_request_tracks_teletype_and_letter |
| M-FOLLOWUP-LATE      | SOP 230.10 C.3                                  | FollowUps.test_M_FOLLOWUP_LATE_SOP_230_10_C_3_dec_supervisor_told_once_when_followup_overdue |
| M-CAP                | SOP 230.10 C.3.a                                | ProvisionalAuthorization.test_M_CAP_SOP_230_10_C_3_a_dec_supervisor_authorizes_at_most_two_squads_one_supervisor_one_unit |
| M-APPROVE            | SOP 230.10 C.3.a                                | ProvisionalAuthorization.test_M_APPROVE_SOP_230_10_C_3_a_bureau_chief_approves_or_watch_commander_when_not_available |
| M-APPROVER-TOLD      | SOP 230.10 C.3.a                                | ProvisionalAuthorization.test_M_APPROVER_TOLD_SOP_230_10_C_3_a_bureau_chief_or_watch_commander_told_of_authorization |
| M-APPROVED-CHIEF     | SOP 230.10 C.3.a                                | ProvisionalAuthorization.test_M_APPROVED_CHIEF_SOP_230_10_C_3_a_chief_notified_on_approval |
| M-UNIT-SENT          | SOP 230.10 C.3.a                                | ProvisionalAuthorization.test_M_UNIT_SENT_SOP_230_10_C_3_a_unit_commander_notified_when_unit_dispatched |
| M-ASSESS-APPROVER    | SOP 230.10 C.3.c                                | Assessment.test_M_ASSESS_APPROVER_SOP_230_10_C_3_c_assessment_passed_to_bureau_chief_or_watch_commander |
| M-ASSESS-CHIEF       | SOP 230.10 C.3.c                                | Assessment.test_M_ASSESS_CHIEF_SOP_230_10_C_3_c_chief_told_of_assessment |
| M-DISPATCH           | SOP 230.10 C.3.d                                | Dispatch.test_M_DISPATCH_SOP_230_10_C_3_d_nobody_responds_unless_dispatcher_or_dec_supervisor_authorized |
| M-INTERNAL-FILE      | SOP 230.10 D                                    | InternalAid.test_M_INTERNAL_FILE_SOP_230_10_D_supervisor_commander_or_DEC_files_aid_internal |
| M-INTERNAL-NEEDS     | SOP 230.10 D                                    | InternalAid.test_M_INTERNAL_NEEDS_SOP_230_10_D_district_place_and_units_required |
| M-INTERNAL-APPROVE   | SOP 230.10 D                                    | InternalAid.test_M_INTERNAL_APPROVE_SOP_230_10_D_more_than_one_squad_or_unit_needs_dec_supervisor_approval |
| M-INTERNAL-COMMANDER | SOP 230.10 D                                    | InternalAid.test_M_INTERNAL_COMMANDER_SOP_230_10_D_district_commander_or_watch_commander_notified |
| M-OUT-FILE           | SOP 230 (portal default)                        | OutgoingAid.test_M_OUT_FILE_SOP_230_portal_default_supervisor_or_dec_supervisor_files_aid_outgoing |
| M-OUT-NEEDS          | SOP 230 (portal default)                        | OutgoingAid.test_M_OUT_NEEDS_SOP_230_portal_default_emergency_resources_staging_and_commander_required |
| M-FED-INV-FILE       | SOP 230 (portal default)                        | Federal.test_M_FED_INV_FILE_SOP_230_portal_default_only_detective_files_federal_investigative |
| M-FED-INV-NEEDS      | SOP 230 (portal default)                        | Federal.test_M_FED_INV_NEEDS_SOP_230_portal_default_agency_case_and_category_required |
| M-FED-EMER-FILE      | SOP 230 (portal default)                        | Federal.test_M_FED_EMER_FILE_SOP_230_portal_default_only_supervisor_files_federal_emergency |
| M-FED-EMER-NEEDS     | SOP 230 (portal default)                        | Federal.test_M_FED_EMER_NEEDS_SOP_230_portal_default_federal_agency_required |
| M-FED-IN-FILE        | SOP 230 (portal default)                        | Federal.test_M_FED_IN_FILE_SOP_230_portal_default_federal_agency_or_DEC_files_federal_incoming |
| M-FED-IN-NEEDS       | SOP 230 (portal default)                        | Federal.test_M_FED_IN_NEEDS_SOP_230_portal_default_federal_agency_and_asker_required |
| M-FED-CHIEF          | GO 2025-57 (Chief notified of federal requests) | Federal.test_M_FED_CHIEF_GO_2025_57_chief_notified_of_federal_investigative |
| M-FED-CHIEF          | GO 2025-57 (Chief notified of federal requests) | Federal.test_M_FED_CHIEF_GO_2025_57_chief_notified_of_federal_emergency |
| M-FED-CHIEF          | GO 2025-57 (Chief notified of federal requests) | Federal.test_M_FED_CHIEF_GO_2025_57_chief_notified_of_federal_incoming |
| M-FED-CHIEF          | GO 2025-57 (Chief notified of federal requests) | Federal.test_M_FED_CHIEF_GO_2025_57_chief_notified_of_aid_incoming_from_a_federal_agency |
| M-CHECKIN            | SOP 230.10 C.3.d                                | OverdueCheckin.test_M_CHECKIN_SOP_230_10_C_3_d_deployment_overdue_after_60_minutes |
| M-CHECKIN-DISPATCH   | SOP 230.10 C.3.d                                | OverdueCheckin.test_M_CHECKIN_DISPATCH_SOP_230_10_C_3_d_dispatcher_notified_once_of_overdue_checkin |
| M-CHECKIN-SUPERVISOR | SOP 230.10 C.3.d                                | OverdueCheckin.test_M_CHECKIN_SUPERVISOR_SOP_230_10_C_3_d_dec_supervisor_notified_once_of_overdue_checkin |
| M-EXCEPTION          | GO 2025-57 (Chief of Police)                    | Exceptions.test_M_EXCEPTION_GO_2025_57_only_chief_grants_exception_with_reason |
| M-SEPARATION         | Department rule (separation of duties)          | Separation.test_M_SEPARATION_Department_rule_whoever_filed_does_not_approve_or_deny |

The headline rule (the chief is notified of every federal request) is
M-FED-CHIEF, tested for each of the three federal kinds (federal_incoming by
a federal agency's account and by a dispatcher) and for an aid_incoming that
DEC logs for a federal agency (requesting_agency_type federal). RuleCoverage
checks this table against the preset's rows in the database.

Refused actions are checked with PolicyCase.assertActionRefused: one exact
status, the clause named, and nothing stored (policyhelp.request_state).
Dispatch names members of the roster by login (officers and detectives go
out as squads, supervisors and command staff as supervisors) and
specialized units by id; each kind is counted apart, over every deployment
of the request.
"""

import time

import harness
from harness import uniq
import policyhelp as ph
from policyhelp import (act, fed_emer_fields, fed_in_fields, fed_inv_fields, internal_fields,
                        notes, outgoing_fields, person, req_json, signed)

POLICY = 'milwaukee'
S = None
U = {}


def setUpModule():
    global S
    S = harness.get_stack(POLICY)
    ph.PolicyCase.S = S
    U['agency'] = person(S, 'agency', 'mag', agency='Wauwatosa PD ' + uniq('m'), agency_type='local')
    U['fed'] = person(S, 'agency', 'mfbi', agency='ATF Milwaukee ' + uniq('m'), agency_type='federal')
    for role in ('officer', 'detective', 'supervisor', 'dispatcher', 'dispatch_supervisor',
                 'chief', 'watch_commander'):
        U[role] = person(S, role, 'm' + role.replace('_', '')[:6])
    U['dsup'] = U['dispatch_supervisor']
    U['watch'] = U['watch_commander']
    # Dispatch names members of the roster by login (officers go out as
    # squads, supervisors as supervisors); never free text.
    U['officer2'] = person(S, 'officer', 'mofficer2')
    U['supervisor2'] = person(S, 'supervisor', 'msuperv2')


def c(key):
    return signed(S, U.get(key, key))


def incoming(**ov):
    ov.setdefault('bureau', 'Patrol Bureau')
    return ph.incoming_fields(**ov)


def new_bureau():
    """A bureau name of its own, its bureau chief (registered in upper case:
    the match is case-insensitive) and the request's spelling."""
    name = 'Harbor Bureau ' + uniq('hb')
    chief = person(S, 'bureau_chief', 'mbc', bureau=name.upper())
    return name, chief


class Case(ph.PolicyCase):

    def approved_incoming(self, **ov):
        """An aid_incoming filed by the agency and approved by its bureau's chief."""
        bureau, bc = new_bureau()
        ov['bureau'] = bureau
        rid = self.file_ok(c('agency'), incoming(**ov))
        r = act(signed(S, bc), rid, 'approve', [('note', 'approved for the test')])
        self.assertEqual(r.status, 303, r.describe())
        return rid


# ------------------------------------------------------------------ aid outside the city (C.3)

class IncomingAid(Case):

    def test_M_IN_FILE_SOP_230_10_C_3_agency_or_DEC_files_aid_incoming(self):
        """M-IN-FILE, "SOP 230.10 C.3": another agency asks for aid in the portal
        or by telephone to the Department of Emergency Communications (DEC),
        which logs it."""
        clause = 'SOP 230.10 C.3'
        rid = self.file_ok(c('agency'), incoming(channel='phone', requesting_agency='Other PD'))
        j = req_json(c('agency'), rid)
        agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['agency'])
        self.assertEqual((j['channel'], j['requesting_agency']), ('portal', agency))
        for who in ('dispatcher', 'dsup'):
            with self.subTest(logged_by=who):
                rid = self.file_ok(c(who), incoming(channel='phone'))
                j = req_json(c(who), rid)
                self.assertEqual(j['channel'], 'phone')
                self.assertEqual(j['bureau'], 'Patrol Bureau')
        for who in ('supervisor', 'officer', 'detective', 'chief'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), incoming(), clause, who)

    def test_M_IN_NEEDS_SOP_230_10_C_3_asker_callback_place_and_bureau_required(self):
        """M-IN-NEEDS, "SOP 230.10 C.3": a request for aid names the agency, the
        person who asked, a call-back number, where help is needed and the
        bureau requested."""
        needed = ['requesting_agency', 'requester_name', 'contact_phone', 'incident_type',
                  'priority', 'location', 'bureau']
        self.assertFieldsMissing(c('dispatcher'), incoming(**{f: None for f in needed}),
                                 needed, 'SOP 230.10 C.3', 'DEC without the asker')
        self.assertFieldsMissing(c('agency'), incoming(bureau=''), ['bureau'], 'SOP 230.10 C.3',
                                 'agency without the bureau')

    def test_M_IN_DEC_SOP_230_10_C_3_dec_supervisor_told_of_every_aid_request(self):
        """M-IN-DEC, "SOP 230.10 C.3": a DEC supervisor is told of every request
        for aid outside the city."""
        on = person(S, 'dispatch_supervisor', 'mdecon')
        off = person(S, 'dispatch_supervisor', 'mdecoff')
        S.duty(off, False)
        try:
            for who in ('agency', 'dispatcher'):
                with self.subTest(filed_by=who):
                    rid = self.file_ok(c(who), incoming())
                    j = req_json(c('dsup'), rid)
                    self.assertNotified(j, 'M-IN-DEC', on, clause='SOP 230.10 C.3',
                                        role='dispatch_supervisor')
                    self.assertNotNotified(j, 'M-IN-DEC', off)
            # Not a rule of the other kinds.
            rid = self.file_ok(c('supervisor'), outgoing_fields())
            self.assertEqual(notes(req_json(c('dsup'), rid), rule='M-IN-DEC'), [])
        finally:
            S.duty(off, True)


class FollowUps(Case):
    """Phone requests filed 25 hours ago (moved back as the database owner):
    A (nothing received), D (teletype only), C (both received); B came
    through the portal. The notifier is waited for once."""

    @classmethod
    def setUpClass(cls):
        cls.dsup = person(S, 'dispatch_supervisor', 'mfudsup')
        tc = Case('run')
        disp = c('dispatcher')
        cls.a = tc.file_ok(disp, incoming(channel='phone'))
        cls.b = tc.file_ok(c('agency'), incoming())
        cls.cc = tc.file_ok(disp, incoming(channel='phone'))
        cls.d = tc.file_ok(disp, incoming(channel='phone'))
        cls.responses = {}
        for rid, kinds in ((cls.cc, ('teletype', 'letter')), (cls.d, ('teletype',))):
            for t in kinds:
                cls.responses[(rid, t)] = act(disp, rid, 'followup', [('type', t), ('note', 'got it')])
        S.psql_filed("UPDATE request SET created_at = created_at - interval '25 hours' "
                     "WHERE id IN (%d, %d, %d, %d)" % (cls.a, cls.b, cls.cc, cls.d))
        cls.first = ph.wait_until(
            lambda: (lambda j: j if notes(j, rule='M-FOLLOWUP-LATE') else None)(req_json(disp, cls.a)),
            timeout=20)
        if cls.first:
            ph.wait_until(lambda: notes(req_json(disp, cls.d), rule='M-FOLLOWUP-LATE'), timeout=10)
        time.sleep(7)   # the notifier runs again (default poll 5 s)
        cls.later = {rid: req_json(disp, rid) for rid in (cls.a, cls.b, cls.cc, cls.d)}

    def late(self, rid):
        self.assertIsNotNone(self.first, 'no M-FOLLOWUP-LATE notification within 20 s of the '
                             'phone request becoming overdue (is the notifier running?)')
        return notes(self.later[rid], rule='M-FOLLOWUP-LATE')

    def test_M_FOLLOWUP_SOP_230_10_C_3_phone_request_tracks_teletype_and_letter(self):
        """M-FOLLOWUP, "SOP 230.10 C.3": a request made by telephone is followed by
        teletype and an official letter; both are recorded on the request and
        due within 24 hours."""
        clause = 'SOP 230.10 C.3'
        for (rid, t), r in self.responses.items():
            self.assertEqual(r.status, 303, '%s on %d: %s' % (t, rid, r.describe()))
        j = self.later[self.cc]
        for action in ('teletype_received', 'letter_received'):
            ev = ph.events(j, action)
            self.assertEqual(len(ev), 1, j['events'])
            self.assertEqual(ev[0]['clause'], clause)
            self.assertEqual(ev[0]['actor'], U['dispatcher'])
        r = act(c('dispatcher'), self.cc, 'followup', [('type', 'teletype')])
        self.assertRefused(r, 409, clause, 'teletype twice')
        r = act(c('officer'), self.a, 'followup', [('type', 'letter')])
        self.assertRefused(r, 403, clause, 'officer recording the letter')
        r = act(c('dispatcher'), self.a, 'followup', [('type', 'fax')])
        self.assertEqual(r.status, 422, r.describe())
        # Overdue only while something is missing, and only for a phone request.
        self.assertTrue(self.late(self.a))
        self.assertEqual(self.late(self.b), [], 'a portal request has no follow-up documents')
        self.assertEqual(self.late(self.cc), [], 'teletype and letter were both received')
        d = self.late(self.d)
        self.assertTrue(d, 'the letter of request %d is overdue' % self.d)
        self.assertIn('letter', d[0]['reason'])
        self.assertNotIn('teletype', d[0]['reason'].split('Request by telephone')[-1])
        a = self.late(self.a)[0]['reason']
        self.assertIn('teletype', a)
        self.assertIn('letter', a)
        p = c('dispatcher').get('/requests/%d/print' % self.cc)
        self.assertEqual(p.status, 200, p.describe())
        # The print sheet shows when each document arrived (department time).
        self.assertRegex(ph.page_text(p.body), r'Teletype received: \d{4}-\d\d-\d\d \d\d:\d\d')
        self.assertRegex(ph.page_text(p.body), r'Official letter received: \d{4}-\d\d-\d\d \d\d:\d\d')

    def test_M_FOLLOWUP_LATE_SOP_230_10_C_3_dec_supervisor_told_once_when_followup_overdue(self):
        """M-FOLLOWUP-LATE, "SOP 230.10 C.3": a DEC supervisor is told when the
        teletype or letter following a telephone request is overdue, once per
        overdue period."""
        got = self.late(self.a)
        self.assertNotified(self.later[self.a], 'M-FOLLOWUP-LATE', self.dsup, clause='SOP 230.10 C.3',
                            role='dispatch_supervisor')
        self.assertTrue(all(n['role'] == 'dispatch_supervisor' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), 'a DEC supervisor was told twice: %s' % per)
        self.assertEqual(len(notes(self.first, rule='M-FOLLOWUP-LATE')), len(got),
                         'new notifications appeared on a later run of the notifier')
        ev = ph.events(self.later[self.a], 'followup_overdue')
        self.assertEqual(len(ev), 1, ev)
        self.assertEqual(ev[0]['clause'], 'SOP 230.10 C.3')


# ------------------------------------------------------------------ C.3.a: provisional authorization, approval

class ProvisionalAuthorization(Case):

    def test_M_CAP_SOP_230_10_C_3_a_dec_supervisor_authorizes_at_most_two_squads_one_supervisor_one_unit(self):
        """M-CAP, "SOP 230.10 C.3.a": in an emergency a DEC supervisor may authorize
        two squads, one supervisor and one specialized unit to respond,
        pending approval; more waits for the approval."""
        clause = 'SOP 230.10 C.3.a'
        bureau, bc = new_bureau()
        rid = self.file_ok(c('agency'), incoming(bureau=bureau, emergency='yes'))
        # Beyond the caps: the numbers are wrong (422), nothing stored.
        for over in ([('squads', '3')], [('squads', '2'), ('supervisors', '2')],
                     [('squads', '1'), ('special_units', 'swat'), ('special_units', 'k9')]):
            with self.subTest(beyond=over):
                self.assertActionRefused(c('dsup'), rid, 'authorize', over, 422, clause,
                                         'beyond the caps %r' % over)
        j = req_json(c('dsup'), rid)
        self.assertEqual((j['status'], j['authorized_squads']), ('submitted', 0))
        for who in ('dispatcher', 'supervisor', 'officer'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'authorize', [('squads', '1')], 403, clause,
                                         who + ' authorizing')
        r = act(c('dsup'), rid, 'authorize', [('squads', '2'), ('supervisors', '1'),
                                              ('special_units', 'swat'), ('note', 'go')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        self.assertEqual(j['status'], 'provisionally_authorized')
        self.assertEqual((j['authorized_squads'], j['authorized_supervisors'],
                          j['authorized_special_units']), (2, 1, ['swat']))
        ev = ph.events(j, 'provisionally_authorized')
        self.assertEqual(len(ev), 1, j['events'])
        self.assertEqual((ev[0]['actor'], ev[0]['clause']), (U['dsup'], clause))
        # Within the authorization only, each kind counted apart over every
        # dispatch: two squads, one supervisor, the SWAT unit, nothing else.
        squads = [person(S, 'officer', 'mcapsq') for _ in range(3)]
        self.assertActionRefused(c('dsup'), rid, 'dispatch', [('special_units', 'k9')], 422, clause,
                                 'a unit not authorized')
        self.assertActionRefused(c('dsup'), rid, 'dispatch', [('assignee', x) for x in squads], 422,
                                 clause, 'three squads when two are authorized')
        r = act(c('dsup'), rid, 'dispatch', [('assignee', squads[0]), ('assignee', squads[1]),
                                             ('special_units', 'swat')])
        self.assertEqual(r.status, 303, r.describe())
        self.assertActionRefused(c('dsup'), rid, 'dispatch', [('assignee', squads[2])], 422, clause,
                                 'a third squad while the supervisor\'s place is free')
        r = act(c('dsup'), rid, 'dispatch', [('assignee', U['supervisor2'])])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        self.assertEqual(j['status'], 'provisionally_authorized')
        self.assertEqual(sorted((d['assignee'], d['unit_type'], d['special_unit']) for d in j['deployments']),
                         sorted([(squads[0], 'squad', None), (squads[1], 'squad', None),
                                 (U['supervisor2'], 'supervisor', None),
                                 ('SWAT / tactical', 'special_unit', 'swat')]))
        # Only in an emergency.
        rid2 = self.file_ok(c('agency'), incoming(bureau=bureau, emergency='no'))
        self.assertActionRefused(c('dsup'), rid2, 'authorize', [('squads', '1')], 409, clause,
                                 'authorizing what is not an emergency')

    def test_M_APPROVE_SOP_230_10_C_3_a_bureau_chief_approves_or_watch_commander_when_not_available(self):
        """M-APPROVE, "SOP 230.10 C.3.a": the assistant chief or inspector of the
        bureau requested approves the aid, or the night watch commander when
        they are not available."""
        clause = 'SOP 230.10 C.3.a'
        bureau, bc = new_bureau()
        other_bureau, other_bc = new_bureau()
        rid = self.file_ok(c('agency'), incoming(bureau=bureau))
        r = act(c('watch'), rid, 'approve')
        self.assertRefused(r, 403, clause, 'watch commander while the bureau chief is on duty')
        for who in ('dsup', 'supervisor', 'chief'):
            with self.subTest(refused=who):
                self.assertRefused(act(c(who), rid, 'approve'), 403, clause, who + ' approving')
        self.assertEqual(req_json(c('dsup'), rid)['status'], 'submitted')
        r = act(signed(S, bc), rid, 'approve', [('note', 'Approved by the bureau.')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        self.assertEqual(j['status'], 'approved')
        ev = ph.events(j, 'approved')
        self.assertEqual((ev[0]['actor'], ev[0]['clause']), (bc, clause))
        # No numbers given: the approval is of what was asked (here, filed).
        self.assertEqual((j['approved_squads'], j['approved_supervisors'],
                          sorted(j['approved_special_units'])), (2, 1, ['k9', 'negotiator']))
        # The bureau chief not available: the night watch commander approves,
        # here with numbers of their own.
        rid2 = self.file_ok(c('agency'), incoming(bureau=bureau))
        with ph.off_duty(S, bc):
            r = act(c('watch'), rid2, 'approve', [('squads', '3'), ('supervisors', '1'),
                                                  ('note', 'Night watch approves.')])
            self.assertEqual(r.status, 303, r.describe())
        j2 = req_json(c('dsup'), rid2)
        self.assertEqual(j2['status'], 'approved')
        self.assertEqual(ph.events(j2, 'approved')[0]['actor'], U['watch'])
        self.assertEqual((j2['approved_squads'], j2['approved_supervisors'],
                          j2['approved_special_units']), (3, 1, []))
        # The approver is the chief of the bureau requested, not of any bureau.
        rid3 = self.file_ok(c('agency'), incoming(bureau=bureau))
        self.assertActionRefused(signed(S, other_bc), rid3, 'approve', [], 403, clause,
                                 'the chief of %s approving for %s' % (other_bureau, bureau))
        j3 = req_json(c('dsup'), rid3)
        self.assertEqual((j3['status'], j3['approved_squads']), ('submitted', None))

    def test_M_APPROVER_TOLD_SOP_230_10_C_3_a_bureau_chief_or_watch_commander_told_of_authorization(self):
        """M-APPROVER-TOLD, "SOP 230.10 C.3.a": the assistant chief or inspector of
        the bureau requested (or the night watch commander, if they are not
        available) is told that aid waits for approval."""
        clause = 'SOP 230.10 C.3.a'
        bureau, bc = new_bureau()
        _, other_bc = new_bureau()
        rid = self.file_ok(c('agency'), incoming(bureau=bureau.lower(), emergency='yes'))
        self.assertEqual(notes(req_json(c('dsup'), rid), rule='M-APPROVER-TOLD'), [])
        r = act(c('dsup'), rid, 'authorize', [('squads', '2'), ('special_units', 'k9')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        n = self.assertNotified(j, 'M-APPROVER-TOLD', bc, clause=clause, role='bureau_chief')
        self.assertNotNotified(j, 'M-APPROVER-TOLD', other_bc)
        self.assertNotNotified(j, 'M-APPROVER-TOLD', U['watch'])
        self.assertIn('2 squad', n['reason'])
        # Not available: the night watch commander is told, and why.
        rid2 = self.file_ok(c('agency'), incoming(bureau=bureau, emergency='yes'))
        with ph.off_duty(S, bc):
            r = act(c('dsup'), rid2, 'authorize', [('squads', '1')])
            self.assertEqual(r.status, 303, r.describe())
        j2 = req_json(c('dsup'), rid2)
        n2 = self.assertNotified(j2, 'M-APPROVER-TOLD', U['watch'], clause=clause,
                                 role='watch_commander')
        self.assertIn('not available: sent to', n2['reason'])
        self.assertNotNotified(j2, 'M-APPROVER-TOLD', bc)

    def test_M_APPROVED_CHIEF_SOP_230_10_C_3_a_chief_notified_on_approval(self):
        """M-APPROVED-CHIEF, "SOP 230.10 C.3.a": the assistant chief or inspector
        shall then make notification to the Chief of Police: on approval, the
        chief is notified."""
        bureau, bc = new_bureau()
        rid = self.file_ok(c('agency'), incoming(bureau=bureau))
        self.assertEqual(notes(req_json(c('dsup'), rid), rule='M-APPROVED-CHIEF'), [])
        r = act(signed(S, bc), rid, 'approve')
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('chief'), rid)
        self.assertNotified(j, 'M-APPROVED-CHIEF', U['chief'], clause='SOP 230.10 C.3.a', role='chief')
        # Denied: the chief is not told of an approval.
        rid2 = self.file_ok(c('agency'), incoming(bureau=bureau))
        r = act(signed(S, bc), rid2, 'deny', [('reason', 'Not our aid to give.')])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(notes(req_json(c('chief'), rid2), rule='M-APPROVED-CHIEF'), [])

    def test_M_UNIT_SENT_SOP_230_10_C_3_a_unit_commander_notified_when_unit_dispatched(self):
        """M-UNIT-SENT, "SOP 230.10 C.3.a": a DEC supervisor shall notify the
        commanding officer of the specialized unit if a specialized unit is
        dispatched."""
        aviation = person(S, 'unit_commander', 'mavi', unit='aviation')
        dive = person(S, 'unit_commander', 'mdive', unit='dive')
        rid = self.approved_incoming(special_units=['aviation', 'dive'])
        self.assertEqual(notes(req_json(c('dsup'), rid), rule='M-UNIT-SENT'), [])
        r = act(c('dsup'), rid, 'dispatch', [('assignee', U['officer']), ('special_units', 'aviation')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        self.assertNotified(j, 'M-UNIT-SENT', aviation, clause='SOP 230.10 C.3.a', role='unit_commander')
        self.assertNotNotified(j, 'M-UNIT-SENT', dive)


# ------------------------------------------------------------------ C.3.c: the on-scene assessment

class Assessment(Case):

    def test_M_ASSESS_APPROVER_SOP_230_10_C_3_c_assessment_passed_to_bureau_chief_or_watch_commander(self):
        """M-ASSESS-APPROVER, "SOP 230.10 C.3.c": the on-scene supervisor's
        assessment of the resources needed is passed to the assistant chief or
        inspector of the bureau requested (or the night watch commander)."""
        clause = 'SOP 230.10 C.3.c'
        bureau, bc = new_bureau()
        rid = self.file_ok(c('agency'), incoming(bureau=bureau, squads='1', special_units=None))
        r = act(c('supervisor'), rid, 'assess', [('squads', '4'), ('supervisors', '2'),
                                                 ('special_units', 'mobile_field_force'),
                                                 ('note', 'Crowd of 300.')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        # Waiting for the approval of what the assessment asks; what was
        # filed stays as filed, the assessment beside it.
        self.assertEqual(j['status'], 'pending_approval')
        self.assertEqual((j['squads'], j['supervisors'], j['special_units']), (1, 1, []))
        self.assertEqual((j['assessed_squads'], j['assessed_supervisors'], j['assessed_special_units']),
                         (4, 2, ['mobile_field_force']))
        ev = ph.events(j, 'assessed')
        self.assertEqual((len(ev), ev[0]['clause']), (1, clause))
        n = self.assertNotified(j, 'M-ASSESS-APPROVER', bc, clause=clause, role='bureau_chief')
        self.assertIn('4 squad', n['reason'])
        self.assertNotNotified(j, 'M-ASSESS-APPROVER', U['watch'])
        for who in ('officer', 'dispatcher', 'agency'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'assess', [('squads', '9')], 403, clause,
                                         who + ' assessing')
        with ph.off_duty(S, bc):
            r = act(c('dsup'), rid, 'assess', [('squads', '5'), ('note', 'More needed.')])
            self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        self.assertEqual((j['status'], j['squads'], j['assessed_squads']), ('pending_approval', 1, 5))
        n = self.assertNotified(j, 'M-ASSESS-APPROVER', U['watch'], clause=clause, role='watch_commander')
        self.assertIn('not available: sent to', n['reason'])

    def test_M_ASSESS_CHIEF_SOP_230_10_C_3_c_chief_told_of_assessment(self):
        """M-ASSESS-CHIEF, "SOP 230.10 C.3.c": the assistant chief or inspector
        shall then make notification to the Chief of Police: the chief is told
        of the on-scene assessment."""
        bureau, bc = new_bureau()
        rid = self.file_ok(c('agency'), incoming(bureau=bureau))
        self.assertEqual(notes(req_json(c('chief'), rid), rule='M-ASSESS-CHIEF'), [])
        r = act(c('supervisor'), rid, 'assess', [('squads', '3'), ('note', 'Three squads.')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('chief'), rid)
        n = self.assertNotified(j, 'M-ASSESS-CHIEF', U['chief'], clause='SOP 230.10 C.3.c', role='chief')
        self.assertIn('3 squad', n['reason'])


# ------------------------------------------------------------------ C.3.d: who sends responders

class Dispatch(Case):

    def test_M_DISPATCH_SOP_230_10_C_3_d_nobody_responds_unless_dispatcher_or_dec_supervisor_authorized(self):
        """M-DISPATCH, "SOP 230.10 C.3.d": members shall not respond to the request
        unless authorized by the dispatcher or a DEC supervisor."""
        clause = 'SOP 230.10 C.3.d'
        rid = self.approved_incoming(special_units=None)
        for who in ('supervisor', 'officer', 'watch', 'chief'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'dispatch', [('assignee', U['officer'])], 403,
                                         clause, who + ' dispatching')
        self.assertEqual(req_json(c('dsup'), rid)['deployments'], [])
        self.assertEqual(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])]).status, 303)
        self.assertEqual(act(c('dsup'), rid, 'dispatch', [('assignee', U['officer2'])]).status, 303)
        j = req_json(c('dsup'), rid)
        self.assertEqual(j['status'], 'dispatched')
        self.assertEqual(sorted((d['assignee'], d['unit_type'], d['authorized_by']) for d in j['deployments']),
                         sorted([(U['officer'], 'squad', U['dispatcher']),
                                 (U['officer2'], 'squad', U['dsup'])]))
        ev = ph.events(j, 'dispatched')
        self.assertEqual([e['clause'] for e in ev], [clause, clause])


# ------------------------------------------------------------------ D: aid within the city

class InternalAid(Case):

    def new_district(self):
        name = 'District ' + uniq('d')
        return name, person(S, 'commander', 'mcmd', district=name.upper())

    def test_M_INTERNAL_FILE_SOP_230_10_D_supervisor_commander_or_DEC_files_aid_internal(self):
        """M-INTERNAL-FILE, "SOP 230.10 D": aid within the city is asked of DEC by a
        supervisor, a commander or a dispatcher."""
        cmd = person(S, 'commander', 'mcmdf', district='District 9')
        for who in ('supervisor', 'dispatcher', 'dsup', cmd):
            with self.subTest(allowed=who):
                rid = self.file_ok(c(who), internal_fields())
                j = req_json(c('dsup'), rid)
                self.assertEqual((j['kind'], j['district']), ('aid_internal', 'District 1'))
        for who in ('officer', 'detective', 'agency', 'chief'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), internal_fields(), 'SOP 230.10 D', who)

    def test_M_INTERNAL_NEEDS_SOP_230_10_D_district_place_and_units_required(self):
        """M-INTERNAL-NEEDS, "SOP 230.10 D": aid within the city names the district
        or division affected, the place and the units needed."""
        self.assertFieldsMissing(c('dispatcher'),
                                 internal_fields(district='', location='', squads='0'),
                                 ['district', 'location', 'squads', 'supervisors', 'personnel',
                                  'special_units'], 'SOP 230.10 D', 'nothing named')
        rid = self.file_ok(c('dispatcher'), internal_fields(squads='0', special_units=['k9']))
        self.assertEqual(req_json(c('dsup'), rid)['special_units'], ['k9'])

    def test_M_INTERNAL_APPROVE_SOP_230_10_D_more_than_one_squad_or_unit_needs_dec_supervisor_approval(self):
        """M-INTERNAL-APPROVE, "SOP 230.10 D": if the request requires the
        assignment of more than one squad or the assistance of a specialized
        unit, it must be approved by a DEC supervisor."""
        clause = 'SOP 230.10 D'
        for needs in (dict(squads='2'), dict(squads='1', special_units=['k9'])):
            with self.subTest(needs=needs):
                rid = self.file_ok(c('supervisor'), internal_fields(**needs))
                self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])],
                                         409, clause, 'dispatch before the approval')
                # (Not the supervisor who filed it: see M-SEPARATION.)
                for who in ('supervisor2', 'dispatcher', 'watch'):
                    self.assertActionRefused(c(who), rid, 'approve', [], 403, clause, who + ' approving')
                r = act(c('dsup'), rid, 'approve', [('note', 'OK')])
                self.assertEqual(r.status, 303, r.describe())
                j = req_json(c('dsup'), rid)
                self.assertEqual(j['status'], 'approved')
                self.assertEqual(ph.events(j, 'approved')[0]['clause'], clause)
                self.assertEqual(act(c('dispatcher'), rid, 'dispatch',
                                     [('assignee', U['officer'])]).status, 303)
        # One squad, no unit: no approval; DEC sends it at once.
        rid = self.file_ok(c('supervisor'), internal_fields(squads='1'))
        self.assertActionRefused(c('dsup'), rid, 'approve', [], 409, None, 'approving what needs none')
        r = act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(req_json(c('dsup'), rid)['status'], 'dispatched')
        # Counted on what is actually dispatched: a second squad, or a
        # specialized unit, now needs the approval (409 naming D).
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer2'])], 409,
                                 clause, 'a second squad without an approval')
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('special_units', 'k9')], 409,
                                 clause, 'a specialized unit without an approval')

    def test_M_INTERNAL_COMMANDER_SOP_230_10_D_district_commander_or_watch_commander_notified(self):
        """M-INTERNAL-COMMANDER, "SOP 230.10 D": the DEC supervisor shall then
        notify the affected district or division commander or the night watch
        commander if the division or district commander is not available."""
        clause = 'SOP 230.10 D'
        district, cmd = self.new_district()
        _, other_cmd = self.new_district()
        rid = self.file_ok(c('supervisor'), internal_fields(district=district, squads='3'))
        self.assertEqual(notes(req_json(c('dsup'), rid), rule='M-INTERNAL-COMMANDER'), [])
        self.assertEqual(act(c('dsup'), rid, 'approve').status, 303)
        j = req_json(c('dsup'), rid)
        self.assertNotified(j, 'M-INTERNAL-COMMANDER', cmd, clause=clause, role='commander')
        self.assertNotNotified(j, 'M-INTERNAL-COMMANDER', other_cmd)
        self.assertNotNotified(j, 'M-INTERNAL-COMMANDER', U['watch'])
        # Not available: the night watch commander.
        rid2 = self.file_ok(c('supervisor'), internal_fields(district=district, squads='2'))
        with ph.off_duty(S, cmd):
            self.assertEqual(act(c('dsup'), rid2, 'approve').status, 303)
        j2 = req_json(c('dsup'), rid2)
        n = self.assertNotified(j2, 'M-INTERNAL-COMMANDER', U['watch'], clause=clause,
                                role='watch_commander')
        self.assertIn('not available: sent to', n['reason'])
        self.assertNotNotified(j2, 'M-INTERNAL-COMMANDER', cmd)
        # One squad: no approval, no commander notification.
        rid3 = self.file_ok(c('supervisor'), internal_fields(district=district, squads='1'))
        self.assertEqual(act(c('dispatcher'), rid3, 'dispatch', [('assignee', U['officer'])]).status, 303)
        self.assertEqual(notes(req_json(c('dsup'), rid3), rule='M-INTERNAL-COMMANDER'), [])


# ------------------------------------------------------------------ outgoing aid (portal default)

class OutgoingAid(Case):

    def test_M_OUT_FILE_SOP_230_portal_default_supervisor_or_dec_supervisor_files_aid_outgoing(self):
        """M-OUT-FILE, "SOP 230 (portal default)": a supervisor or a DEC supervisor
        asks other agencies for aid."""
        for who in ('supervisor', 'dsup'):
            with self.subTest(allowed=who):
                rid = self.file_ok(c(who), outgoing_fields())
                self.assertEqual(req_json(c(who), rid)['filed_by'], U[who])
        for who in ('dispatcher', 'officer', 'detective', 'agency'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), outgoing_fields(), 'SOP 230 (portal default)', who)

    def test_M_OUT_NEEDS_SOP_230_portal_default_emergency_resources_staging_and_commander_required(self):
        """M-OUT-NEEDS, "SOP 230 (portal default)": a request for aid states the
        emergency, the resources needed, where responders report and to whom."""
        clause = 'SOP 230 (portal default)'
        with self.subTest('no resources, staging area or commander'):
            self.assertFieldsMissing(c('supervisor'),
                                     outgoing_fields(staging_area='', commander_name='', squads='0',
                                                     personnel='0', equipment=''),
                                     ['staging_area', 'commander_name', 'squads', 'supervisors',
                                      'personnel', 'special_units', 'equipment'], clause, 'nothing stated')
        with self.subTest('no nature'):
            self.assertFieldsMissing(c('supervisor'), outgoing_fields(nature=''), ['nature'], clause,
                                     'no nature')
        with self.subTest('any one resource will do'):
            rid = self.file_ok(c('dsup'), outgoing_fields(squads='0', personnel='0', equipment='',
                                                          special_units=['aviation']))
            self.assertEqual(req_json(c('dsup'), rid)['special_units'], ['aviation'])


# ------------------------------------------------------------------ federal (portal default; GO 2025-57)

class Federal(Case):

    def assertChiefNotified(self, rid):
        j = req_json(c('chief'), rid)
        self.assertNotified(j, 'M-FED-CHIEF', U['chief'],
                            clause='GO 2025-57 (Chief notified of federal requests)', role='chief')
        self.assertTrue(all(n['role'] == 'chief' for n in notes(j, rule='M-FED-CHIEF')))
        self.assertGreaterEqual(S.count('notification', "request_id = %d AND recipient_role = 'chief'"
                                        % rid), 1)

    def test_M_FED_INV_FILE_SOP_230_portal_default_only_detective_files_federal_investigative(self):
        """M-FED-INV-FILE, "SOP 230 (portal default)": the investigating officer may
        ask a federal agency for help with a case."""
        rid = self.file_ok(c('detective'), fed_inv_fields())
        self.assertEqual(req_json(c('detective'), rid)['filed_by'], U['detective'])
        for who in ('officer', 'supervisor', 'dsup', 'fed'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_inv_fields(), 'SOP 230 (portal default)', who)

    def test_M_FED_INV_NEEDS_SOP_230_portal_default_agency_case_and_category_required(self):
        """M-FED-INV-NEEDS, "SOP 230 (portal default)": an investigative request
        names the federal agency, the case number and the kind of investigation."""
        needed = ['federal_agency', 'case_number', 'investigation_category']
        self.assertFieldsMissing(c('detective'), fed_inv_fields(**{f: None for f in needed}), needed,
                                 'SOP 230 (portal default)', 'no federal details')

    def test_M_FED_EMER_FILE_SOP_230_portal_default_only_supervisor_files_federal_emergency(self):
        """M-FED-EMER-FILE, "SOP 230 (portal default)": in an emergency a supervisor
        asks a federal agency for help."""
        rid = self.file_ok(c('supervisor'), fed_emer_fields())
        self.assertEqual(req_json(c('supervisor'), rid)['filed_by'], U['supervisor'])
        for who in ('detective', 'dispatcher', 'dsup', 'officer'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_emer_fields(), 'SOP 230 (portal default)', who)

    def test_M_FED_EMER_NEEDS_SOP_230_portal_default_federal_agency_required(self):
        """M-FED-EMER-NEEDS, "SOP 230 (portal default)": an emergency federal
        request names the federal agency asked."""
        self.assertFieldsMissing(c('supervisor'), fed_emer_fields(federal_agency=None),
                                 ['federal_agency'], 'SOP 230 (portal default)', 'no federal agency')

    def test_M_FED_IN_FILE_SOP_230_portal_default_federal_agency_or_DEC_files_federal_incoming(self):
        """M-FED-IN-FILE, "SOP 230 (portal default)": a federal agency's request for
        our help is filed by that agency or logged by DEC."""
        clause = 'SOP 230 (portal default)'
        rid = self.file_ok(c('fed'), fed_in_fields(requesting_agency='Not Us'))
        j = req_json(c('fed'), rid)
        fed_agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['fed'])
        self.assertEqual((j['requesting_agency'], j['channel']), (fed_agency, 'portal'))
        for who in ('dispatcher', 'dsup'):
            with self.subTest(allowed=who):
                self.file_ok(c(who), fed_in_fields())
        self.assertFilingRefused(c('agency'), fed_in_fields(), clause, 'local agency')
        # A federal agency's request for our aid is this kind, never aid_incoming
        # (whose rule, M-IN-FILE, cites SOP 230.10 C.3: this refusal names M-FED-IN-FILE's).
        r = self.assertFilingRefused(c('fed'), incoming(), clause, 'federal agency filing aid_incoming')
        self.assertNotIn('SOP 230.10 C.3', ph.page_text(r.body))
        for who in ('supervisor', 'officer', 'detective'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_in_fields(), clause, who)

    def test_M_FED_IN_NEEDS_SOP_230_portal_default_federal_agency_and_asker_required(self):
        """M-FED-IN-NEEDS, "SOP 230 (portal default)": a federal request for our
        help names the federal agency and the person who asked."""
        needed = ['federal_agency', 'requesting_agency', 'requester_name']
        self.assertFieldsMissing(c('dispatcher'), fed_in_fields(**{f: None for f in needed}), needed,
                                 'SOP 230 (portal default)', 'DEC without the asker')

    def test_M_FED_CHIEF_GO_2025_57_chief_notified_of_federal_investigative(self):
        """M-FED-CHIEF, "GO 2025-57 (Chief notified of federal requests)": the Chief
        of Police is notified of every request to or from a federal agency:
        federal_investigative by a detective (headline rule)."""
        self.assertChiefNotified(self.file_ok(c('detective'), fed_inv_fields()))

    def test_M_FED_CHIEF_GO_2025_57_chief_notified_of_federal_emergency(self):
        """M-FED-CHIEF, "GO 2025-57 (Chief notified of federal requests)": the Chief
        of Police is notified of every request to or from a federal agency:
        federal_emergency by a supervisor (headline rule)."""
        self.assertChiefNotified(self.file_ok(c('supervisor'), fed_emer_fields()))

    def test_M_FED_CHIEF_GO_2025_57_chief_notified_of_federal_incoming(self):
        """M-FED-CHIEF, "GO 2025-57 (Chief notified of federal requests)": the Chief
        of Police is notified of every request to or from a federal agency:
        federal_incoming by a federal agency's account and by a dispatcher
        (headline rule)."""
        for who in ('fed', 'dispatcher'):
            with self.subTest(filed_by=who):
                self.assertChiefNotified(self.file_ok(c(who), fed_in_fields()))

    def test_M_FED_CHIEF_GO_2025_57_chief_notified_of_aid_incoming_from_a_federal_agency(self):
        """M-FED-CHIEF, "GO 2025-57 (Chief notified of federal requests)": the Chief
        of Police is notified of every request to or from a federal agency,
        whatever the form of the request: an aid_incoming that DEC logs for a
        federal agency (requesting_agency_type federal) is a federal request
        (headline rule). An outside agency's account never chooses the type:
        its account's is used."""
        rid = self.file_ok(c('dispatcher'), incoming(requesting_agency='DEA Milwaukee District Office',
                                                     requesting_agency_type='federal', channel='phone'))
        self.assertEqual(req_json(c('chief'), rid)['requesting_agency_type'], 'federal')
        self.assertChiefNotified(rid)
        # Logged for a local agency: not federal, the chief is not told.
        rid2 = self.file_ok(c('dispatcher'), incoming(requesting_agency_type='local'))
        j2 = req_json(c('chief'), rid2)
        self.assertEqual(j2['requesting_agency_type'], 'local')
        self.assertEqual(notes(j2, rule='M-FED-CHIEF'), [])
        # A local agency's account saying "federal": its own type is stored.
        rid3 = self.file_ok(c('agency'), incoming(requesting_agency_type='federal'))
        j3 = req_json(c('chief'), rid3)
        self.assertEqual(j3['requesting_agency_type'], 'local')
        self.assertEqual(notes(j3, rule='M-FED-CHIEF'), [])


# ------------------------------------------------------------------ overdue check-ins (C.3.d)

class OverdueCheckin(Case):
    """One overdue deployment (61 minutes without a check-in) and one that is
    not (50 minutes), on aid within the city for two squads, approved by a DEC
    supervisor and sent by DEC."""

    @classmethod
    def setUpClass(cls):
        cls.disp = person(S, 'dispatcher', 'mcidsp')
        cls.dsup = person(S, 'dispatch_supervisor', 'mcidsup')
        cls.officer2 = person(S, 'officer', 'mciof2')
        tc = Case('run')
        rid = tc.file_ok(c('supervisor'), internal_fields(squads='2'))
        r = act(c('dsup'), rid, 'approve')
        assert r.status == 303, r.describe()
        r = act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']),
                                                  ('assignee', cls.officer2)])
        assert r.status == 303, r.describe()
        deps = {d['assignee']: d['id'] for d in req_json(c('dispatcher'), rid)['deployments']}
        cls.rid, cls.late, cls.fresh = rid, deps[U['officer']], deps[cls.officer2]
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '61 minutes' WHERE id = %d"
               % cls.late)
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '50 minutes' WHERE id = %d"
               % cls.fresh)
        cls.first = ph.wait_until(
            lambda: (lambda j: j if notes(j, rule='M-CHECKIN-DISPATCH') and
                     notes(j, rule='M-CHECKIN-SUPERVISOR') else None)(req_json(c('dispatcher'), rid)),
            timeout=20)
        time.sleep(7)
        cls.later = req_json(c('dispatcher'), rid)

    def overdue_notes(self, rule):
        self.assertIsNotNone(self.first, 'no %s notification within 20 s of the deployment '
                             'becoming overdue (is the notifier running?)' % rule)
        return notes(self.later, rule=rule)

    def test_M_CHECKIN_SOP_230_10_C_3_d_deployment_overdue_after_60_minutes(self):
        """M-CHECKIN, "SOP 230.10 C.3.d": responding members check in with DEC: a
        deployment with no check-in for 60 minutes is overdue."""
        self.overdue_notes('M-CHECKIN-DISPATCH')
        deps = {d['id']: d for d in self.later['deployments']}
        self.assertIs(deps[self.late]['overdue'], True)
        self.assertIs(deps[self.fresh]['overdue'], False)
        ev = ph.events(self.later, 'checkin_overdue')
        self.assertEqual(len(ev), 1, ev)
        self.assertEqual(ev[0]['clause'], 'SOP 230.10 C.3.d')
        for n in notes(self.later, rule='M-CHECKIN-DISPATCH'):
            self.assertNotIn(self.officer2, n['reason'])
        r = act(c('dispatcher'), self.rid, 'checkin', [('deployment', self.late), ('status', 'clear')])
        self.assertEqual(r.status, 303, r.describe())
        deps = {d['id']: d for d in req_json(c('dispatcher'), self.rid)['deployments']}
        self.assertIs(deps[self.late]['overdue'], False)
        # An officer reports only for their own deployment.
        r = act(signed(S, self.officer2), self.rid, 'checkin', [('deployment', self.late),
                                                               ('status', 'returned')])
        self.assertEqual(r.status, 403, r.describe())

    def test_M_CHECKIN_DISPATCH_SOP_230_10_C_3_d_dispatcher_notified_once_of_overdue_checkin(self):
        """M-CHECKIN-DISPATCH, "SOP 230.10 C.3.d": the dispatcher is told when a
        deployed member has not checked in (once per overdue period)."""
        got = self.overdue_notes('M-CHECKIN-DISPATCH')
        self.assertNotified(self.later, 'M-CHECKIN-DISPATCH', self.disp, clause='SOP 230.10 C.3.d',
                            role='dispatcher')
        self.assertTrue(all(n['role'] == 'dispatcher' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), per)
        self.assertEqual(len(notes(self.first, rule='M-CHECKIN-DISPATCH')), len(got))

    def test_M_CHECKIN_SUPERVISOR_SOP_230_10_C_3_d_dec_supervisor_notified_once_of_overdue_checkin(self):
        """M-CHECKIN-SUPERVISOR, "SOP 230.10 C.3.d": a DEC supervisor is told when a
        deployed member has not checked in (once per overdue period)."""
        got = self.overdue_notes('M-CHECKIN-SUPERVISOR')
        self.assertNotified(self.later, 'M-CHECKIN-SUPERVISOR', self.dsup, clause='SOP 230.10 C.3.d',
                            role='dispatch_supervisor')
        self.assertTrue(all(n['role'] == 'dispatch_supervisor' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), per)
        self.assertEqual(len(notes(self.first, rule='M-CHECKIN-SUPERVISOR')), len(got))


# ------------------------------------------------------------------ exceptions (GO 2025-57)

class Exceptions(Case):

    def test_M_EXCEPTION_GO_2025_57_only_chief_grants_exception_with_reason(self):
        """M-EXCEPTION, "GO 2025-57 (Chief of Police)": only the Chief of Police,
        who issues this order, may grant an exception to it, with a written
        reason."""
        clause = 'GO 2025-57 (Chief of Police)'
        bureau, _ = new_bureau()
        rid = self.file_ok(c('agency'), incoming(bureau=bureau, emergency='yes'))
        for who in ('dsup', 'watch', 'supervisor'):
            with self.subTest(refused=who):
                r = act(c(who), rid, 'except', [('rule', 'M-CAP'), ('reason', 'more squads')])
                self.assertRefused(r, 403, clause, who + ' granting an exception')
        self.assertEqual(act(c('chief'), rid, 'except', [('rule', 'M-CAP')]).status, 422)
        self.assertEqual(act(c('chief'), rid, 'except', [('rule', 'NO-SUCH'), ('reason', 'x')]).status, 422)
        self.assertActionRefused(c('dsup'), rid, 'authorize', [('squads', '4')], 422, 'SOP 230.10 C.3.a',
                                 'four squads before the exception')
        reason = 'Active shooter at the mall: four squads now ' + uniq('why')
        r = act(c('chief'), rid, 'except', [('rule', 'M-CAP'), ('reason', reason)])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('chief'), rid)
        ev = ph.events(j, 'exception')
        self.assertEqual(len(ev), 1, j['events'])
        self.assertEqual((ev[0]['actor'], ev[0]['clause']), (U['chief'], clause))
        self.assertIn(reason, ev[0]['note'])
        self.assertIn('M-CAP', ev[0]['note'])
        self.assertEqual(S.count('policy_exception', "request_id = %d AND rule_id = 'M-CAP'" % rid), 1)
        r = act(c('chief'), rid, 'except', [('rule', 'M-CAP'), ('reason', 'again')])
        self.assertEqual(r.status, 409, r.describe())
        # The exception lifts the cap for this request only.
        r = act(c('dsup'), rid, 'authorize', [('squads', '4'), ('note', 'under the exception')])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(req_json(c('dsup'), rid)['authorized_squads'], 4)


# ------------------------------------------------------------------ separation of duties (department rule)

class Separation(Case):

    def test_M_SEPARATION_Department_rule_whoever_filed_does_not_approve_or_deny(self):
        """M-SEPARATION, "Department rule (separation of duties)": whoever filed a
        request does not approve or deny it; another person decides. Neither
        SOP 230 nor GO 2025-57 says so: a department rule. Here a DEC
        supervisor files aid within the city that SOP 230.10 D has a DEC
        supervisor approve."""
        clause = 'Department rule (separation of duties)'
        filer = person(S, 'dispatch_supervisor', 'msepf')
        rid = self.file_ok(signed(S, filer), internal_fields(squads='2'))
        self.assertActionRefused(signed(S, filer), rid, 'approve', [('note', 'my own request')], 403,
                                 clause, 'the filer approving')
        self.assertActionRefused(signed(S, filer), rid, 'deny', [('reason', 'my own request')], 403,
                                 clause, 'the filer denying')
        # Another DEC supervisor decides.
        r = act(c('dsup'), rid, 'approve', [('note', 'Approved by another supervisor.')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        self.assertEqual(j['status'], 'approved')
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')],
                         [(U['dsup'], 'SOP 230.10 D')])


# ------------------------------------------------------------------ coverage of the preset

class RuleCoverage(Case):

    def test_every_rule_of_the_milwaukee_preset_has_a_test_named_with_id_and_clause(self):
        """Every row of policy_rule for preset 'milwaukee' has a test whose name
        holds the rule id and the clause and whose docstring quotes the clause;
        and the module table lists it."""
        ph.assert_rule_coverage(self, S, POLICY, globals(), __doc__)
