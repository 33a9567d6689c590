"""SOP 230, General Order 2025-57 (policies/milwaukee.policy): one test per
rule of the policy file at least, named with the rule id and its clause (or
`department_rule` for the department's own rules), filing through the real
HTTP stack and asserting on the stored request (/requests/ID.json), the
refusal (403 / 409 / 422 naming the clause) or the notifications, whose
`clause` must be the rule's citation as the file gives it (its clause, or
"Department rule: " and the department's reason).

SOP 230.10 covers every other agency's request, federal agencies included:
aid_incoming and federal_incoming are routed alike, by where the aid is
(`within_city`): outside the city, 230.10 C (bureau, DEC supervisor, the
bureau's approval, caps, follow-ups, assessment); within it, 230.10 D
(district, a DEC supervisor's approval of more than one squad or any
specialized unit, counted on what is sent, the district commander told).
Requests we make and federal requests are department rules.

The stack is this module's own (name 'policy-milwaukee', notifier polling
every second for the timers). Its demo accounts (bchief1 of the Patrol
Bureau, cmdr1 of District 1, dsup1, watch1, chief1...) are on duty like
everyone else: "not available" is made true with policyhelp.unavailable,
which takes every holder of the role off duty (or past the end of their
shift) for the block.

| rule id              | cites                      | test |
|----------------------|----------------------------|------|
| M-IN-FILE            | SOP 230.10                 | Filing.test_M_IN_FILE_SOP_230_10_agency_or_DEC_files_another_agencys_request |
| M-IN-FILE            | SOP 230.10                 | Filing.test_M_IN_FILE_SOP_230_10_federal_agency_files_federal_incoming_only |
| M-IN-FILE            | SOP 230.10                 | Routing.test_M_IN_FILE_SOP_230_10_federal_agency_routed_through_C_and_D_like_any_agency |
| M-IN-WHERE           | SOP 230.10 C, D            | Filing.test_M_IN_WHERE_SOP_230_10_C_D_the_request_says_whether_the_aid_is_inside_the_city |
| M-IN-WHERE           | SOP 230.10 C, D            | Filing.test_M_IN_WHERE_SOP_230_10_C_D_json_gives_where_as_a_boolean |
| M-IN-WHERE           | SOP 230.10 C, D            | Routing.test_M_IN_WHERE_SOP_230_10_C_D_same_request_outside_and_inside_takes_different_paths |
| M-IN-NEEDS           | department rule            | Filing.test_M_IN_NEEDS_department_rule_asker_callback_incident_priority_and_place |
| M-FED-IN-NEEDS       | department rule            | Filing.test_M_FED_IN_NEEDS_department_rule_federal_agency_named |
| M-IN-BUREAU          | SOP 230.10 C.3.a           | OutsideCity.test_M_IN_BUREAU_SOP_230_10_C_3_a_bureau_required_outside_one_of_the_policys_bureaus |
| M-IN-BUREAU          | SOP 230.10 C.3.a           | OutsideCity.test_M_IN_BUREAU_SOP_230_10_C_3_a_accounts_name_a_bureau_or_district_of_the_policy |
| M-IN-DEC             | SOP 230.10 C.3, C.3.a      | OutsideCity.test_M_IN_DEC_SOP_230_10_C_3_C_3_a_dec_supervisor_told_of_aid_outside_the_city |
| M-FOLLOWUP           | department rule            | FollowUps.test_M_FOLLOWUP_department_rule_phone_request_outside_tracks_teletype_and_letter |
| M-FOLLOWUP           | department rule            | FollowUps.test_M_FOLLOWUP_department_rule_recorded_after_closing_and_overdue_flagged_on_closed_requests |
| M-FOLLOWUP           | department rule            | WhoActs.test_M_FOLLOWUP_department_rule_dec_or_a_supervisor_records_the_papers_where_awaited |
| M-FOLLOWUP-LATE      | department rule            | FollowUps.test_M_FOLLOWUP_LATE_department_rule_dec_supervisor_told_once_per_overdue_period |
| M-CAP                | SOP 230.10 C.3.a           | ProvisionalAuthorization.test_M_CAP_SOP_230_10_C_3_a_dec_supervisor_authorizes_within_the_caps_counted_per_kind |
| M-CAP                | SOP 230.10 C.3.a           | ProvisionalAuthorization.test_M_CAP_SOP_230_10_C_3_a_only_in_an_emergency_outside_the_city |
| M-APPROVE            | SOP 230.10 C.3.a           | OutsideCity.test_M_APPROVE_SOP_230_10_C_3_a_bureau_chief_of_the_bureau_requested_approves_emergency_aid |
| M-APPROVE            | SOP 230.10 C.3.a           | OutsideCity.test_M_APPROVE_SOP_230_10_C_3_a_off_duty_or_past_shift_bureau_chief_falls_back_to_watch_commander |
| M-APPROVE-ROUTINE    | department rule            | OutsideCity.test_M_APPROVE_ROUTINE_department_rule_routine_aid_outside_approved_by_the_same_bureau |
| M-APPROVER-FILED     | department rule            | OutsideCity.test_M_APPROVER_FILED_department_rule_approver_told_when_filed_emergency_or_not |
| M-APPROVER-TOLD      | SOP 230.10 C.3.a           | OutsideCity.test_M_APPROVER_TOLD_SOP_230_10_C_3_a_approver_told_of_the_provisional_authorization |
| M-APPROVED-CHIEF     | SOP 230.10 C.3.a           | OutsideCity.test_M_APPROVED_CHIEF_SOP_230_10_C_3_a_chief_told_of_the_approval |
| M-DENIED-CHIEF       | SOP 230.10 C.3.a           | OutsideCity.test_M_DENIED_CHIEF_SOP_230_10_C_3_a_chief_told_of_the_denial |
| M-DENIED-DEC         | department rule            | OutsideCity.test_M_DENIED_DEC_department_rule_dec_supervisor_told_of_the_denial |
| M-UNIT-SENT          | SOP 230.10 C.3.a           | OutsideCity.test_M_UNIT_SENT_SOP_230_10_C_3_a_unit_commander_told_when_the_unit_is_dispatched |
| M-ASSESSMENT         | SOP 230.10 C.3.c           | WhoActs.test_M_ASSESSMENT_SOP_230_10_C_3_c_on_scene_supervisor_or_dec_supervisor_records_it_outside |
| M-ASSESSMENT-ELSEWHERE | department rule          | WhoActs.test_M_ASSESSMENT_ELSEWHERE_department_rule_the_same_on_every_other_request |
| M-ASSESS-DEC         | SOP 230.10 C.3.c           | Assessment.test_M_ASSESS_DEC_SOP_230_10_C_3_c_dec_supervisor_advised_and_assessment_awaited_shown |
| M-ASSESS-APPROVER    | SOP 230.10 C.3.c           | Assessment.test_M_ASSESS_APPROVER_SOP_230_10_C_3_c_bureau_chief_or_watch_commander_advised |
| M-ASSESS-CHIEF       | SOP 230.10 C.3.c           | Assessment.test_M_ASSESS_CHIEF_SOP_230_10_C_3_c_chief_told_of_the_assessment |
| M-DISPATCH           | SOP 230.10 C.3.d           | OutsideCity.test_M_DISPATCH_SOP_230_10_C_3_d_only_dispatcher_or_dec_supervisor_sends_members |
| M-IN-DISTRICT        | SOP 230.10 D               | WithinCity.test_M_IN_DISTRICT_SOP_230_10_D_district_required_within_one_of_the_policys_districts |
| M-IN-CITY-APPROVE    | SOP 230.10 D               | WithinCity.test_M_IN_CITY_APPROVE_SOP_230_10_D_more_than_one_squad_or_a_unit_needs_a_dec_supervisor |
| M-IN-CITY-APPROVE    | SOP 230.10 D               | WithinCity.test_M_IN_CITY_APPROVE_SOP_230_10_D_counted_on_what_is_sent_after_dispatch_too |
| M-IN-CITY-COMMANDER  | SOP 230.10 D               | WithinCity.test_M_IN_CITY_COMMANDER_SOP_230_10_D_district_commander_or_watch_commander_told |
| M-DISPATCH-CITY      | department rule            | WithinCity.test_M_DISPATCH_CITY_department_rule_only_dispatcher_or_dec_supervisor_sends_within_the_city |
| M-UNIT-SENT-CITY     | department rule            | WithinCity.test_M_UNIT_SENT_CITY_department_rule_unit_commander_told_when_unit_sent_within_the_city |
| M-INTERNAL-FILE      | department rule            | InternalAid.test_M_INTERNAL_FILE_department_rule_supervisor_commander_or_DEC_files_aid_internal |
| M-INTERNAL-NEEDS     | department rule            | InternalAid.test_M_INTERNAL_NEEDS_department_rule_place_and_units_required |
| M-OUT-FILE           | department rule            | OutgoingAid.test_M_OUT_FILE_department_rule_supervisor_or_dec_supervisor_asks_other_agencies |
| M-OUT-FILE           | department rule            | OutgoingAid.test_M_OUT_FILE_department_rule_nobody_dispatches_on_a_request_we_make |
| M-OUT-NEEDS          | department rule            | OutgoingAid.test_M_OUT_NEEDS_department_rule_emergency_resources_staging_and_commander |
| M-FED-INV-FILE       | department rule            | Federal.test_M_FED_INV_FILE_department_rule_only_detective_files_federal_investigative |
| M-FED-INV-NEEDS      | department rule            | Federal.test_M_FED_INV_NEEDS_department_rule_agency_case_and_category_required |
| M-FED-EMER-FILE      | department rule            | Federal.test_M_FED_EMER_FILE_department_rule_only_supervisor_files_federal_emergency |
| M-FED-EMER-NEEDS     | department rule            | Federal.test_M_FED_EMER_NEEDS_department_rule_federal_agency_required |
| M-FED-CHIEF          | department rule            | Federal.test_M_FED_CHIEF_department_rule_chief_told_of_federal_investigative |
| M-FED-CHIEF          | department rule            | Federal.test_M_FED_CHIEF_department_rule_chief_told_of_federal_emergency |
| M-FED-CHIEF          | department rule            | Federal.test_M_FED_CHIEF_department_rule_chief_told_of_federal_incoming_inside_or_outside |
| M-FED-CHIEF          | department rule            | Federal.test_M_FED_CHIEF_department_rule_chief_told_of_aid_incoming_from_a_federal_agency |
| M-CHECKIN            | department rule            | OverdueCheckin.test_M_CHECKIN_department_rule_deployment_overdue_after_60_minutes |
| M-CHECKIN            | department rule            | WhoActs.test_M_CHECKIN_department_rule_the_member_dec_or_a_supervisor_records_a_check_in |
| M-CHECKIN-DISPATCH   | department rule            | OverdueCheckin.test_M_CHECKIN_DISPATCH_department_rule_dispatcher_told_once_of_overdue_checkin |
| M-CHECKIN-SUPERVISOR | department rule            | OverdueCheckin.test_M_CHECKIN_SUPERVISOR_department_rule_dec_supervisor_told_once_of_overdue_checkin |
| M-CLOSE              | department rule            | WhoActs.test_M_CLOSE_department_rule_dec_or_a_supervisor_closes_once_every_member_returned |
| M-DENIED-SENDERS     | department rule            | ProvisionalAuthorization.test_M_DENIED_SENDERS_department_rule_denial_after_provisional_dispatch_keeps_deployments_and_tells_senders |
| M-EXCEPTION          | department rule            | Exceptions.test_M_EXCEPTION_department_rule_only_chief_and_only_rules_the_portal_waives |
| M-EXCEPTION          | department rule            | Exceptions.test_M_EXCEPTION_department_rule_each_exception_waives_exactly_its_rule |
| M-EXCEPTION-TOLD     | department rule            | Exceptions.test_M_EXCEPTION_TOLD_department_rule_dec_supervisor_and_the_waived_rules_people_told_and_shown |
| M-SEPARATION         | department rule            | Separation.test_M_SEPARATION_department_rule_whoever_filed_does_not_approve_or_deny |
| M-ASKER-RECEIVED     | department rule            | KeepingInformed.test_M_ASKER_RECEIVED_department_rule_agency_told_its_request_arrived |
| M-ASKER-APPROVED     | department rule            | KeepingInformed.test_M_ASKER_APPROVED_department_rule_agency_told_of_the_approval |
| M-ASKER-DENIED       | department rule            | KeepingInformed.test_M_ASKER_DENIED_department_rule_agency_told_of_the_denial_with_the_reason |
| M-ASKER-DISPATCHED   | department rule            | KeepingInformed.test_M_ASKER_DISPATCHED_department_rule_agency_told_units_are_sent |
| M-ASKER-CLOSED       | department rule            | KeepingInformed.test_M_ASKER_CLOSED_department_rule_agency_told_when_closed |
| M-CANCEL-TOLD        | department rule            | KeepingInformed.test_M_CANCEL_TOLD_department_rule_whoever_worked_on_it_told_with_the_reason |

WhoActs: who records the assessment, a check-in, the teletype and letter,
and who closes, each the actors of a rule of the file (a role no rule in
force names: 403 naming the rule; nothing stored).

Besides: Citations (every notification's and event's clause is its rule's
citation; department rules say "Department rule: ..."; the form and /policy
show them) and RuleCoverage (this table against the policy file, read with
`portalctl policy rules`).

Refusals are checked with PolicyCase.assertActionRefused / assertFilingRefused
/ assertFieldsMissing: one exact status, the clause named, and nothing
stored. Dispatch names members of the roster by login (officers go out as
squads, supervisors as supervisors) and specialized units by id; each kind
is counted apart, over every deployment of the request.
"""

import re
import time

import harness
from harness import uniq
import policyhelp as ph
from policyhelp import (act, fed_emer_fields, fed_in_fields, fed_inv_fields, internal_fields,
                        notes, outgoing_fields, page_text, person, req_json, signed)

POLICY = 'milwaukee'
RULES = ph.rules(POLICY)
BUREAUS = ['Patrol Bureau', 'Criminal Investigation Bureau', 'Administration Bureau']
DISTRICTS = ['District %d' % i for i in range(1, 8)]
S = None
U = {}


def cite(rule_id):
    return RULES[rule_id]['citation']


def tearDownModule():
    # The stack is this module's alone: it need not run while the others do.
    if S is not None:
        S.stop()


def setUpModule():
    global S
    S = ph.private_stack(POLICY, 'policy-milwaukee')
    # A test per rule, most filing as the same agency: more than the hourly
    # limit per account allows (sql/008; test_sign_in tests the limit).
    S.psql("UPDATE setting SET value = '100000' WHERE name = 'filings_per_hour'")
    Case.S = S
    U['agency'] = person(S, 'agency', 'mag', agency='Wauwatosa PD ' + uniq('m'), agency_type='local')
    U['fed'] = person(S, 'agency', 'mfbi', agency='ATF Milwaukee ' + uniq('m'), agency_type='federal')
    for role in ('officer', 'detective', 'supervisor', 'dispatcher', 'dispatch_supervisor',
                 'chief', 'watch_commander'):
        U[role] = person(S, role, 'm' + role.replace('_', '')[:6])
    U['dsup'] = U['dispatch_supervisor']
    U['watch'] = U['watch_commander']
    U['officer2'] = person(S, 'officer', 'mofficer2')
    U['supervisor2'] = person(S, 'supervisor', 'msuperv2')


def c(key):
    return signed(S, U.get(key, key))


def outside(**ov):
    """Another agency's request for aid outside the city (230.10 C)."""
    ov.setdefault('within_city', 'no')
    ov.setdefault('bureau', 'Patrol Bureau')
    return ph.incoming_fields(**ov)


def inside(**ov):
    """Another agency's request for aid within the city (230.10 D)."""
    ov.setdefault('within_city', 'yes')
    ov.setdefault('district', 'District 2')
    ov.setdefault('bureau', None)
    return ph.incoming_fields(**ov)


def members(n, role='officer'):
    return [person(S, role, 'mm' + role[:4]) for _ in range(n)]


def rid_of(r):
    return harness.request_id_from(r)


class Case(ph.PolicyCase):
    POLICY = POLICY

    def ok(self, r, what=''):
        self.assertEqual(r.status, 303, '%s: %s' % (what, r.describe(1500)))

    def js(self, rid, who='dsup'):
        return req_json(c(who), rid)

    def assertBureauRefused(self, client, fields, name, what):
        """422 for a bureau or district not among the policy's own, nothing stored."""
        before = S.count('request')
        r = ph.file(client, fields)
        self.assertEqual(r.status, 422, '%s: %s' % (what, r.describe(1500)))
        self.assertEqual(S.count('request'), before, '%s stored a request' % what)
        err = ph.element_text(r.body, 'err-' + name) or ''
        self.assertIn("must be one of the department's", err, what)


# ------------------------------------------------------------------ 230.10: who files, what it says

class Filing(Case):

    def test_M_IN_FILE_SOP_230_10_agency_or_DEC_files_another_agencys_request(self):
        """M-IN-FILE, "SOP 230.10": another law enforcement agency asks for aid in
        the portal, or by telephone to DEC, which logs it; nobody else files
        it."""
        clause = cite('M-IN-FILE')
        rid = self.file_ok(c('agency'), outside(channel='phone', requesting_agency='Not Us'))
        j = self.js(rid)
        agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['agency'])
        self.assertEqual((j['kind'], j['channel'], j['requesting_agency'], j['filed_by']),
                         ('aid_incoming', 'portal', agency, U['agency']))
        for who in ('dispatcher', 'dsup'):
            with self.subTest(logged_by=who):
                j = self.js(self.file_ok(c(who), outside(channel='phone')))
                self.assertEqual((j['channel'], j['bureau'], j['filed_by']), ('phone', 'Patrol Bureau', U[who]))
                j = self.js(self.file_ok(c(who), fed_in_fields()))
                self.assertEqual((j['kind'], j['filed_by']), ('federal_incoming', U[who]))
        cmd = person(S, 'commander', 'mcmdf', district='District 4')
        for who in ('supervisor', 'officer', 'detective', 'chief', 'watch', cmd):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), outside(), clause, '%s filing aid_incoming' % who)
                self.assertFilingRefused(c(who), fed_in_fields(), clause, '%s filing federal_incoming' % who)

    def test_M_IN_FILE_SOP_230_10_federal_agency_files_federal_incoming_only(self):
        """M-IN-FILE, "SOP 230.10": a federal agency is another law enforcement
        agency: its request for our aid is federal_incoming, never aid_incoming;
        a local agency never files federal_incoming."""
        clause = cite('M-IN-FILE')
        rid = self.file_ok(c('fed'), fed_in_fields(requesting_agency='Not Us'))
        j = self.js(rid)
        fed_agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['fed'])
        self.assertEqual((j['kind'], j['requesting_agency'], j['channel']),
                         ('federal_incoming', fed_agency, 'portal'))
        self.assertFilingRefused(c('fed'), outside(), clause, 'a federal agency filing aid_incoming')
        self.assertFilingRefused(c('agency'), fed_in_fields(), clause, 'a local agency filing federal_incoming')

    def test_M_IN_WHERE_SOP_230_10_C_D_the_request_says_whether_the_aid_is_inside_the_city(self):
        """M-IN-WHERE, "SOP 230.10 C, D": the request says whether the aid is
        needed outside the City of Milwaukee (230.10 C) or within it (D): the
        form asks it in the city's own name, and without an answer nothing
        is stored (422, the clause beside the field); what was said is kept."""
        clause = cite('M-IN-WHERE')
        for kind, fields in (('aid_incoming', outside(within_city=None)),
                             ('federal_incoming', fed_in_fields(within_city=None))):
            with self.subTest(kind=kind):
                page = c('dispatcher').get('/requests/new?kind=' + kind)
                self.assertEqual(page.status, 200, page.describe())
                self.assertIn('Is the help needed inside the City of Milwaukee?', page_text(page.body))
                self.assertRegex(page.body, r'<select[^>]*name="within_city"')
                self.assertFieldsMissing(c('dispatcher'), fields, ['within_city'], clause,
                                         kind + ' without where the aid is')
        # The agency's own form asks it too.
        page = c('agency').get('/requests/new?kind=aid_incoming')
        self.assertIn('Is the help needed inside the City of Milwaukee?', page_text(page.body))
        self.assertFieldsMissing(c('agency'), outside(within_city=''), ['within_city'], clause,
                                 'agency without where the aid is')
        # Not a question for the requests we make.
        page = c('supervisor').get('/requests/new?kind=aid_outgoing')
        self.assertNotIn('name="within_city"', page.body)

    def test_M_IN_WHERE_SOP_230_10_C_D_json_gives_where_as_a_boolean(self):
        """M-IN-WHERE, "SOP 230.10 C, D": /requests/ID.json says where the aid is
        as a JSON boolean, like `emergency` (not PostgreSQL's "t" / "f")."""
        out = self.js(self.file_ok(c('dispatcher'), outside()))
        inn = self.js(self.file_ok(c('dispatcher'), inside()))
        self.assertIs(out['emergency'], True)
        self.assertIs(out['within_city'], False, 'within_city of aid outside the city: %r' % out['within_city'])
        self.assertIs(inn['within_city'], True, 'within_city of aid within the city: %r' % inn['within_city'])

    def test_M_IN_NEEDS_department_rule_asker_callback_incident_priority_and_place(self):
        """M-IN-NEEDS, Department rule: DEC must be able to call back whoever
        asked and to know where help is needed: agency, asker, call-back
        number, incident type, priority and location, inside or outside the
        city; the department's reason is shown beside each field."""
        clause = cite('M-IN-NEEDS')
        self.assertTrue(clause.startswith('Department rule: '), clause)
        needed = ['requesting_agency', 'requester_name', 'contact_phone', 'incident_type',
                  'priority', 'location']
        for where, fields in (('outside', outside), ('inside', inside)):
            with self.subTest(where=where):
                self.assertFieldsMissing(c('dispatcher'), fields(**{f: None for f in needed}), needed,
                                         clause, 'DEC without the asker (%s)' % where)
                self.assertFieldsMissing(c('dispatcher'), fed_in_fields(
                    within_city='yes' if where == 'inside' else 'no', district='District 3',
                    **{f: None for f in needed}), needed, clause, 'federal_incoming without the asker')
        # An agency's own account gives its agency; the rest is asked.
        self.assertFieldsMissing(c('agency'), outside(contact_phone='', location=''),
                                 ['contact_phone', 'location'], clause, 'agency without call-back and place')

    def test_M_FED_IN_NEEDS_department_rule_federal_agency_named(self):
        """M-FED-IN-NEEDS, Department rule: the Chief of Police's notification
        names the federal agency: a federal agency's request names it."""
        self.assertFieldsMissing(c('dispatcher'), fed_in_fields(federal_agency=None), ['federal_agency'],
                                 cite('M-FED-IN-NEEDS'), 'DEC without the federal agency')
        self.assertFieldsMissing(c('fed'), fed_in_fields(federal_agency=None), ['federal_agency'],
                                 cite('M-FED-IN-NEEDS'), 'the federal agency without its name')
        j = self.js(self.file_ok(c('fed'), fed_in_fields(federal_agency='atf')))
        self.assertEqual(j['federal_agency'], 'atf')


# ------------------------------------------------------------------ C or D: where the aid is

class Routing(Case):

    def test_M_IN_WHERE_SOP_230_10_C_D_same_request_outside_and_inside_takes_different_paths(self):
        """M-IN-WHERE, "SOP 230.10 C, D": the same agency's request, for the same
        squads and units, takes 230.10 C's path when the aid is outside the
        city (bureau, DEC supervisor told, the bureau's approval) and D's
        when it is within (district, a DEC supervisor approves, the district
        commander told)."""
        dsup = person(S, 'dispatch_supervisor', 'mrtdsup')
        bc = person(S, 'bureau_chief', 'mrtbc', bureau='Administration Bureau')
        cmd = person(S, 'commander', 'mrtcmd', district='District 5')
        same = dict(squads='3', supervisors='1', special_units=['k9'], emergency='yes')
        out = self.file_ok(c('agency'), outside(bureau='Administration Bureau', **same))
        inn = self.file_ok(c('agency'), inside(district='District 5', **same))
        jo, ji = self.js(out), self.js(inn)
        self.assertEqual((jo['bureau'], jo['district']), ('Administration Bureau', None))
        self.assertEqual((ji['bureau'], ji['district']), (None, 'District 5'))
        # C: DEC supervisor and the bureau's approver told at filing; D: neither.
        self.assertNotified(jo, 'M-IN-DEC', dsup, role='dispatch_supervisor')
        self.assertNotified(jo, 'M-APPROVER-FILED', bc, role='bureau_chief')
        self.assertEqual([n['rule'] for n in ji['notifications']
                          if n['rule'] in ('M-IN-DEC', 'M-APPROVER-FILED')], [])
        # C: a provisional authorization within the caps; D has none.
        self.ok(act(c('dsup'), out, 'authorize', [('squads', '2')]), 'authorize outside')
        self.assertActionRefused(c('dsup'), inn, 'authorize', [('squads', '1')], 409, cite('M-CAP'),
                                 'authorizing aid within the city')
        # C: the bureau chief approves, not a DEC supervisor; D: the reverse.
        self.assertActionRefused(signed(S, dsup), out, 'approve', [], 403, cite('M-APPROVE'),
                                 'a DEC supervisor approving aid outside the city')
        self.assertActionRefused(signed(S, bc), inn, 'approve', [], 403, cite('M-IN-CITY-APPROVE'),
                                 'a bureau chief approving aid within the city')
        self.ok(act(signed(S, bc), out, 'approve'), 'the bureau approves outside')
        self.ok(act(signed(S, dsup), inn, 'approve'), 'a DEC supervisor approves inside')
        jo, ji = self.js(out), self.js(inn)
        self.assertEqual(ph.events(jo, 'approved')[0]['clause'], cite('M-APPROVE'))
        self.assertEqual(ph.events(ji, 'approved')[0]['clause'], cite('M-IN-CITY-APPROVE'))
        self.assertNotified(jo, 'M-APPROVED-CHIEF', U['chief'], role='chief')
        self.assertEqual(notes(ji, rule='M-APPROVED-CHIEF'), [])
        self.assertNotified(ji, 'M-IN-CITY-COMMANDER', cmd, role='commander')
        self.assertEqual(notes(jo, rule='M-IN-CITY-COMMANDER'), [])
        # The dispatch cites C.3.d outside, the department's rule within.
        self.ok(act(c('dispatcher'), out, 'dispatch', [('assignee', U['officer'])]))
        self.ok(act(c('dispatcher'), inn, 'dispatch', [('assignee', U['officer2'])]))
        self.assertEqual(ph.events(self.js(out), 'dispatched')[0]['clause'], cite('M-DISPATCH'))
        self.assertEqual(ph.events(self.js(inn), 'dispatched')[0]['clause'], cite('M-DISPATCH-CITY'))

    def test_M_IN_FILE_SOP_230_10_federal_agency_routed_through_C_and_D_like_any_agency(self):
        """M-IN-FILE, "SOP 230.10": requests by another law enforcement agency,
        federal agencies included: a federal agency's request outside the
        city names the bureau and is approved by it (C.3.a), within the city
        names the district and a DEC supervisor approves it (D); the chief
        is told of both (M-FED-CHIEF)."""
        bc = person(S, 'bureau_chief', 'mfrbc', bureau='Criminal Investigation Bureau')
        cmd = person(S, 'commander', 'mfrcmd', district='District 6')
        dsup = person(S, 'dispatch_supervisor', 'mfrdsup')
        self.assertFieldsMissing(c('fed'), fed_in_fields(bureau=None), ['bureau'], cite('M-IN-BUREAU'),
                                 'federal request outside the city without the bureau')
        self.assertFieldsMissing(c('fed'), fed_in_fields(within_city='yes', bureau=None), ['district'],
                                 cite('M-IN-DISTRICT'), 'federal request within the city without the district')
        out = self.file_ok(c('fed'), fed_in_fields(emergency='yes', squads='2'))
        inn = self.file_ok(c('fed'), fed_in_fields(within_city='yes', bureau=None, district='District 6',
                                                   squads='2'))
        jo, ji = self.js(out), self.js(inn)
        self.assertNotified(jo, 'M-IN-DEC', dsup, role='dispatch_supervisor')
        self.assertNotified(jo, 'M-APPROVER-FILED', bc, role='bureau_chief')
        self.assertNotified(jo, 'M-FED-CHIEF', U['chief'], role='chief')
        self.assertNotified(ji, 'M-FED-CHIEF', U['chief'], role='chief')
        self.assertEqual(notes(ji, rule='M-IN-DEC'), [])
        # C.3.a: caps, then the bureau's approval, the chief told.
        self.assertActionRefused(c('dsup'), out, 'authorize', [('squads', '3')], 422, cite('M-CAP'),
                                 'beyond the caps on a federal request')
        self.ok(act(c('dsup'), out, 'authorize', [('squads', '2')]))
        self.assertNotified(self.js(out), 'M-APPROVER-TOLD', bc, role='bureau_chief')
        self.assertActionRefused(signed(S, dsup), out, 'approve', [], 403, cite('M-APPROVE'),
                                 'a DEC supervisor approving a federal request outside the city')
        self.ok(act(signed(S, bc), out, 'approve'))
        jo = self.js(out)
        self.assertEqual(ph.events(jo, 'approved')[0]['clause'], cite('M-APPROVE'))
        self.assertNotified(jo, 'M-APPROVED-CHIEF', U['chief'], role='chief')
        # D: two squads within the city need a DEC supervisor; the commander is told.
        self.assertActionRefused(c('dispatcher'), inn, 'dispatch', [('assignee', U['officer']),
                                                                    ('assignee', U['officer2'])],
                                 409, cite('M-IN-CITY-APPROVE'), 'two squads before the approval')
        self.assertActionRefused(signed(S, bc), inn, 'approve', [], 403, cite('M-IN-CITY-APPROVE'),
                                 'a bureau chief approving a federal request within the city')
        self.ok(act(signed(S, dsup), inn, 'approve'))
        ji = self.js(inn)
        self.assertEqual(ph.events(ji, 'approved')[0]['clause'], cite('M-IN-CITY-APPROVE'))
        self.assertNotified(ji, 'M-IN-CITY-COMMANDER', cmd, role='commander')


# ------------------------------------------------------------------ 230.10 C: aid outside the city

class OutsideCity(Case):

    def test_M_IN_BUREAU_SOP_230_10_C_3_a_bureau_required_outside_one_of_the_policys_bureaus(self):
        """M-IN-BUREAU, "SOP 230.10 C.3.a": aid outside the city names the bureau
        requested, one of the department's own (the form offers exactly the
        policy's bureaus; a misspelt one is refused, 422, nothing stored);
        aid within the city asks no bureau."""
        clause = cite('M-IN-BUREAU')
        page = c('dispatcher').get('/requests/new?kind=aid_incoming')
        m = re.search(r'<select[^>]*name="bureau"[^>]*>(.*?)</select>', page.body, re.S)
        self.assertIsNotNone(m, 'the bureau is not a select on the form')
        self.assertEqual([v for v in re.findall(r'<option value="([^"]*)"', m.group(1)) if v], BUREAUS)
        for who in ('dispatcher', 'agency'):
            with self.subTest(filed_by=who):
                self.assertFieldsMissing(c(who), outside(bureau=None), ['bureau'], clause, who + ' without a bureau')
                self.assertFieldsMissing(c(who), outside(bureau=''), ['bureau'], clause, who + ' with an empty bureau')
        for bad in ('Patrol', 'patrol bureau', 'Harbor Bureau', 'Patrol  Bureau'):
            with self.subTest(misspelt=bad):
                self.assertBureauRefused(c('dispatcher'), outside(bureau=bad), 'bureau', 'bureau %r' % bad)
        for b in BUREAUS:
            self.assertEqual(self.js(self.file_ok(c('dispatcher'), outside(bureau=b)))['bureau'], b)
        # Within the city: no bureau asked (M-IN-DISTRICT instead).
        j = self.js(self.file_ok(c('dispatcher'), inside()))
        self.assertEqual((j['bureau'], j['district']), (None, 'District 2'))

    def test_M_IN_BUREAU_SOP_230_10_C_3_a_accounts_name_a_bureau_or_district_of_the_policy(self):
        """M-IN-BUREAU, "SOP 230.10 C.3.a": the approver is matched on the bureau
        requested, so a bureau chief's bureau (and a commander's district,
        SOP 230.10 D) is one of the policy's own: the administrator's form
        and portalctl refuse another spelling (422 / exit 2), nothing
        created."""
        admin = signed(S, person(S, 'admin', 'madm'))
        for role, key, bad, good in (('bureau_chief', 'bureau', 'Harbor Bureau', 'Administration Bureau'),
                                     ('bureau_chief', 'bureau', 'patrol bureau', 'Patrol Bureau'),
                                     ('commander', 'district', 'District 9', 'District 4')):
            with self.subTest(role=role, value=bad):
                before = S.count('account')
                login = uniq('macc')
                r = admin.post('/admin/accounts', [('csrf', admin.csrf), ('login', login), ('name', 'Misspelt One'),
                                                   ('role', role), ('password', 'a long enough password'),
                                                   (key, bad)])
                self.assertEqual(r.status, 422, r.describe(1500))
                self.assertEqual(S.count('account'), before)
                rc, out, err = S.ctl('user', 'add', uniq('mctl'), '--role', role, '--name', 'Misspelt Two',
                                     '--' + key, bad, stdin=ph.PW + '\n')
                self.assertEqual(rc, 2, err)
                self.assertIn("must be one of the department's", err)
                self.assertEqual(S.count('account'), before)
                r = admin.post('/admin/accounts', [('csrf', admin.csrf), ('login', login), ('name', 'Spelt Right'),
                                                   ('role', role), ('password', 'a long enough password'),
                                                   (key, good)])
                self.assertEqual(r.status, 303, r.describe(1500))
                self.assertEqual(S.scalar("SELECT %s FROM account WHERE login = '%s'" % (key, login)), good)

    def test_M_IN_DEC_SOP_230_10_C_3_C_3_a_dec_supervisor_told_of_aid_outside_the_city(self):
        """M-IN-DEC, "SOP 230.10 C.3, C.3.a": aid outside the city is requested of
        DEC, whose supervisor may authorize a response: a DEC supervisor on
        duty is told of every such request (an off-duty one is not); aid
        within the city is not this rule's."""
        on = person(S, 'dispatch_supervisor', 'mdecon')
        off = person(S, 'dispatch_supervisor', 'mdecoff')
        S.duty(off, False)
        try:
            for who, fields in (('agency', outside()), ('dispatcher', outside(channel='phone')),
                                ('fed', fed_in_fields())):
                with self.subTest(filed_by=who):
                    j = self.js(self.file_ok(c(who), fields))
                    n = self.assertNotified(j, 'M-IN-DEC', on, role='dispatch_supervisor')
                    self.assertEqual(n['clause'], 'SOP 230.10 C.3, C.3.a')
                    self.assertNotNotified(j, 'M-IN-DEC', off)
            for fields in (inside(), outgoing_fields()):
                who = 'agency' if fields[0][1] == 'aid_incoming' else 'supervisor'
                j = self.js(self.file_ok(c(who), fields))
                self.assertEqual(notes(j, rule='M-IN-DEC'), [], 'M-IN-DEC on %s' % j['kind'])
        finally:
            S.duty(off, True)

    def test_M_APPROVER_FILED_department_rule_approver_told_when_filed_emergency_or_not(self):
        """M-APPROVER-FILED, Department rule: the approver sees a request for aid
        outside the city when it is filed, so that nothing waits unseen: the
        bureau chief of the bureau requested (the night watch commander when
        none is available), an emergency or not; the request page and the
        inbox show the department's reason where a clause would be."""
        clause = cite('M-APPROVER-FILED')
        self.assertTrue(clause.startswith('Department rule: the approver sees'), clause)
        bc = person(S, 'bureau_chief', 'mafbc', bureau='Criminal Investigation Bureau')
        other = person(S, 'bureau_chief', 'mafob', bureau='Administration Bureau')
        for emergency in ('no', 'yes'):
            with self.subTest(emergency=emergency):
                rid = self.file_ok(c('agency'), outside(bureau='Criminal Investigation Bureau',
                                                        emergency=emergency))
                j = self.js(rid)
                self.assertNotified(j, 'M-APPROVER-FILED', bc, role='bureau_chief')
                self.assertNotNotified(j, 'M-APPROVER-FILED', other)
                self.assertNotNotified(j, 'M-APPROVER-FILED', U['watch'])
        page = c('dsup').get('/requests/%d' % rid)
        self.assertIn(clause, page_text(page.body))
        box = signed(S, bc).get('/inbox.json').json()
        mine = [n for n in box['notifications'] if n.get('request_id') == rid and n['clause'] == clause]
        self.assertEqual(len(mine), 1, [n for n in box['notifications'] if n.get('request_id') == rid])
        # Nobody of the bureau available: the night watch commander, and why.
        with ph.unavailable(S, 'bureau_chief', bureau='Criminal Investigation Bureau'):
            j = self.js(self.file_ok(c('agency'), outside(bureau='Criminal Investigation Bureau',
                                                          emergency='no')))
        n = self.assertNotified(j, 'M-APPROVER-FILED', U['watch'], role='watch_commander')
        self.assertIn('not available: sent to', n['reason'])
        self.assertNotNotified(j, 'M-APPROVER-FILED', bc)
        # Within the city: not this rule's.
        self.assertEqual(notes(self.js(self.file_ok(c('agency'), inside())), rule='M-APPROVER-FILED'), [])

    def test_M_APPROVE_SOP_230_10_C_3_a_bureau_chief_of_the_bureau_requested_approves_emergency_aid(self):
        """M-APPROVE, "SOP 230.10 C.3.a": emergency aid outside the city is
        approved by the assistant chief or inspector of the bureau requested
        (not of another bureau), or the night watch commander when they are
        not available; nobody else approves or denies."""
        clause = cite('M-APPROVE')
        bc = person(S, 'bureau_chief', 'mapbc', bureau='Administration Bureau')
        other = person(S, 'bureau_chief', 'mapob', bureau='Patrol Bureau')
        rid = self.file_ok(c('agency'), outside(bureau='Administration Bureau', emergency='yes'))
        self.assertActionRefused(c('watch'), rid, 'approve', [], 403, clause,
                                 'watch commander while the bureau chief is available')
        self.assertActionRefused(signed(S, other), rid, 'approve', [], 403, clause,
                                 'the chief of another bureau')
        self.assertActionRefused(signed(S, other), rid, 'deny', [('reason', 'no')], 403, clause,
                                 'the chief of another bureau denying')
        for who in ('dsup', 'supervisor', 'chief', 'dispatcher'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'approve', [], 403, clause, who + ' approving')
        self.ok(act(signed(S, bc), rid, 'approve', [('note', 'Approved by the bureau.')]))
        j = self.js(rid)
        self.assertEqual(j['status'], 'approved')
        ev = ph.events(j, 'approved')
        self.assertEqual([(e['actor'], e['clause']) for e in ev], [(bc, clause)])
        # No numbers given: the approval is of what was asked.
        self.assertEqual((j['approved_squads'], j['approved_supervisors'],
                          sorted(j['approved_special_units'])), (2, 1, ['k9', 'negotiator']))
        self.assertActionRefused(signed(S, bc), rid, 'approve', [], 409, None, 'approving twice')

    def test_M_APPROVE_SOP_230_10_C_3_a_off_duty_or_past_shift_bureau_chief_falls_back_to_watch_commander(self):
        """M-APPROVE, "SOP 230.10 C.3.a": "if the assistant chief or inspector of
        the bureau requested is not available, the night watch commander":
        not available is off duty (POST /duty, audited duty_changed) or past
        the end of one's shift (duty_until); the watch commander then
        approves (and is the one told), and may not while a bureau chief of
        that bureau is available."""
        clause = cite('M-APPROVE')
        bc = person(S, 'bureau_chief', 'mfbbc', bureau='Patrol Bureau')
        mine = signed(S, bc)
        for how in ('off duty', 'past shift'):
            with self.subTest(how=how):
                rid = self.file_ok(c('agency'), outside(bureau='Patrol Bureau', emergency='yes'))
                self.assertActionRefused(c('watch'), rid, 'approve', [], 403, clause,
                                         'watch commander while the bureau is available')
                with ph.unavailable(S, 'bureau_chief', past_shift=(how == 'past shift'), bureau='Patrol Bureau'):
                    self.ok(act(c('dsup'), rid, 'authorize', [('squads', '1')]), 'authorize')
                    j = self.js(rid)
                    n = self.assertNotified(j, 'M-APPROVER-TOLD', U['watch'], role='watch_commander')
                    self.assertIn('not available: sent to', n['reason'])
                    self.assertNotNotified(j, 'M-APPROVER-TOLD', bc)
                    self.ok(act(c('watch'), rid, 'approve', [('squads', '3'), ('note', 'Night watch approves.')]))
                j = self.js(rid)
                self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')],
                                 [(U['watch'], clause)])
                self.assertEqual((j['approved_squads'], j['approved_supervisors'], j['approved_special_units']),
                                 (3, 0, []))
        # The bureau chief keeps their own duty (POST /duty): off duty and
        # every other Patrol Bureau chief too, the watch commander decides.
        r = mine.post('/duty', [('state', 'off'), ('csrf', mine.csrf)])
        self.assertEqual((r.status, r.location_path), (303, '/'), r.describe())
        ev = S.psql("SELECT actor_login, note FROM audit_event WHERE action = 'duty_changed'"
                    " AND actor_login = '%s' ORDER BY seq DESC LIMIT 1" % bc)
        self.assertEqual(ev, [[bc, '%s is off duty' % bc]])
        try:
            with ph.unavailable(S, 'bureau_chief', bureau='Patrol Bureau'):
                rid = self.file_ok(c('agency'), outside(bureau='Patrol Bureau', emergency='yes'))
                self.ok(act(c('watch'), rid, 'deny', [('reason', 'Nobody to spare tonight.')]))
        finally:
            r = mine.post('/duty', [('state', 'on'), ('csrf', mine.csrf)])
            self.assertEqual(r.status, 303, r.describe())
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid), 'denied')],
                         [(U['watch'], clause)])
        # On duty until a time still to come: available; the watch commander is not the approver.
        until = S.scalar("SELECT to_char(now() + interval '2 days', 'YYYY-MM-DD\"T\"HH24:MI')")
        r = mine.post('/duty', [('state', 'on'), ('until', until), ('csrf', mine.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        rid = self.file_ok(c('agency'), outside(bureau='Patrol Bureau', emergency='yes'))
        self.assertActionRefused(c('watch'), rid, 'approve', [], 403, clause,
                                 'watch commander while the bureau chief is on shift')
        r = mine.post('/duty', [('state', 'on'), ('csrf', mine.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        # A shift that ended already is refused (422), nothing changed.
        duty = "SELECT on_duty, coalesce(duty_until::text, '') FROM account WHERE login = '%s'" % bc
        before = (S.psql(duty), S.count('audit_event', "action = 'duty_changed'"))
        r = mine.post('/duty', [('state', 'on'), ('until', '2020-01-01T08:00'), ('csrf', mine.csrf)])
        self.assertEqual(r.status, 422, r.describe())
        self.assertEqual((S.psql(duty), S.count('audit_event', "action = 'duty_changed'")), before)

    def test_M_APPROVE_ROUTINE_department_rule_routine_aid_outside_approved_by_the_same_bureau(self):
        """M-APPROVE-ROUTINE, Department rule: the roll-call SOP covers
        emergencies; aid outside the city that is not an emergency is
        approved by the same bureau (the night watch commander when nobody
        of it is available): the approval cites the department's rule, and
        nothing is sent before it (no provisional authorization either)."""
        clause = cite('M-APPROVE-ROUTINE')
        bc = person(S, 'bureau_chief', 'marbc', bureau='Criminal Investigation Bureau')
        rid = self.file_ok(c('agency'), outside(bureau='Criminal Investigation Bureau', emergency='no'))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])], 409, clause,
                                 'dispatch before the routine approval')
        self.assertActionRefused(c('dsup'), rid, 'approve', [], 403, clause, 'a DEC supervisor approving')
        self.assertActionRefused(c('watch'), rid, 'approve', [], 403, clause, 'the watch commander approving')
        self.ok(act(signed(S, bc), rid, 'approve'))
        j = self.js(rid)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')], [(bc, clause)])
        self.assertNotified(j, 'M-APPROVED-CHIEF', U['chief'], role='chief')
        with ph.unavailable(S, 'bureau_chief', bureau='Criminal Investigation Bureau'):
            rid2 = self.file_ok(c('agency'), outside(bureau='Criminal Investigation Bureau', emergency='no'))
            self.ok(act(c('watch'), rid2, 'approve'))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid2), 'approved')],
                         [(U['watch'], clause)])

    def test_M_APPROVER_TOLD_SOP_230_10_C_3_a_approver_told_of_the_provisional_authorization(self):
        """M-APPROVER-TOLD, "SOP 230.10 C.3.a": the assistant chief or inspector of
        the bureau requested (or the night watch commander when they are not
        available) is told that a response was authorized pending approval,
        with what was authorized."""
        bc = person(S, 'bureau_chief', 'matbc', bureau='Administration Bureau')
        other = person(S, 'bureau_chief', 'matob', bureau='Patrol Bureau')
        rid = self.file_ok(c('agency'), outside(bureau='Administration Bureau', emergency='yes'))
        self.assertEqual(notes(self.js(rid), rule='M-APPROVER-TOLD'), [])
        self.ok(act(c('dsup'), rid, 'authorize', [('squads', '2'), ('special_units', 'k9')]))
        j = self.js(rid)
        n = self.assertNotified(j, 'M-APPROVER-TOLD', bc, role='bureau_chief')
        self.assertNotNotified(j, 'M-APPROVER-TOLD', other)
        self.assertNotNotified(j, 'M-APPROVER-TOLD', U['watch'])
        self.assertIn('2 squad', n['reason'])

    def test_M_APPROVED_CHIEF_SOP_230_10_C_3_a_chief_told_of_the_approval(self):
        """M-APPROVED-CHIEF, "SOP 230.10 C.3.a": the assistant chief or inspector
        shall then make notification to the Chief of Police: the chief is told
        of the approval (not of a denial, and not of aid within the city)."""
        bc = person(S, 'bureau_chief', 'macbc', bureau='Patrol Bureau')
        rid = self.file_ok(c('agency'), outside())
        self.assertEqual(notes(self.js(rid), rule='M-APPROVED-CHIEF'), [])
        self.ok(act(signed(S, bc), rid, 'approve'))
        self.assertNotified(self.js(rid), 'M-APPROVED-CHIEF', U['chief'], role='chief')
        rid2 = self.file_ok(c('agency'), outside())
        self.ok(act(signed(S, bc), rid2, 'deny', [('reason', 'Not our aid to give.')]))
        self.assertEqual(notes(self.js(rid2), rule='M-APPROVED-CHIEF'), [])
        rid3 = self.file_ok(c('agency'), inside(squads='2'))
        self.ok(act(c('dsup'), rid3, 'approve'))
        self.assertEqual(notes(self.js(rid3), rule='M-APPROVED-CHIEF'), [])

    def test_M_DENIED_CHIEF_SOP_230_10_C_3_a_chief_told_of_the_denial(self):
        """M-DENIED-CHIEF, "SOP 230.10 C.3.a": the assistant chief or inspector
        then makes notification to the Chief of Police: the chief is told of
        the denial, with its reason; a denial needs a reason (422)."""
        bc = person(S, 'bureau_chief', 'mdcbc', bureau='Patrol Bureau')
        rid = self.file_ok(c('agency'), outside(emergency='no'))
        self.assertActionRefused(signed(S, bc), rid, 'deny', [], 422, None, 'a denial without a reason')
        reason = 'The bureau cannot spare anyone ' + uniq('r')
        self.ok(act(signed(S, bc), rid, 'deny', [('reason', reason)]))
        j = self.js(rid)
        self.assertEqual((j['status'], j['denial_reason']), ('denied', reason))
        n = self.assertNotified(j, 'M-DENIED-CHIEF', U['chief'], role='chief')
        self.assertIn(reason, n['reason'])
        self.assertEqual(notes(j, rule='M-APPROVED-CHIEF'), [])

    def test_M_DENIED_DEC_department_rule_dec_supervisor_told_of_the_denial(self):
        """M-DENIED-DEC, Department rule: the DEC supervisor who may have
        authorized a response learns at once that it was denied (aid outside
        the city)."""
        bc = person(S, 'bureau_chief', 'mddbc', bureau='Patrol Bureau')
        dsup = person(S, 'dispatch_supervisor', 'mdddsup')
        rid = self.file_ok(c('agency'), outside())
        self.assertEqual(notes(self.js(rid), rule='M-DENIED-DEC'), [])
        self.ok(act(signed(S, bc), rid, 'deny', [('reason', 'No.')]))
        j = self.js(rid)
        self.assertNotified(j, 'M-DENIED-DEC', dsup, role='dispatch_supervisor')
        self.assertTrue(j['notifications'] and
                        notes(j, rule='M-DENIED-DEC')[0]['clause'].startswith('Department rule: '))
        # Within the city: a DEC supervisor denies; not this rule's.
        rid2 = self.file_ok(c('agency'), inside(squads='2'))
        self.ok(act(c('dsup'), rid2, 'deny', [('reason', 'No squads free.')]))
        self.assertEqual(notes(self.js(rid2), rule='M-DENIED-DEC'), [])

    def test_M_UNIT_SENT_SOP_230_10_C_3_a_unit_commander_told_when_the_unit_is_dispatched(self):
        """M-UNIT-SENT, "SOP 230.10 C.3.a": a DEC supervisor shall notify the
        commanding officer of the specialized unit if a specialized unit is
        dispatched (that unit's commander, not another's; not at filing)."""
        aviation = person(S, 'unit_commander', 'mavi', unit='aviation')
        dive = person(S, 'unit_commander', 'mdive', unit='dive')
        bc = person(S, 'bureau_chief', 'musbc', bureau='Patrol Bureau')
        rid = self.file_ok(c('agency'), outside(special_units=['aviation', 'dive']))
        self.ok(act(signed(S, bc), rid, 'approve'))
        self.assertEqual(notes(self.js(rid), rule='M-UNIT-SENT'), [])
        self.ok(act(c('dsup'), rid, 'dispatch', [('assignee', U['officer']), ('special_units', 'aviation')]))
        j = self.js(rid)
        self.assertNotified(j, 'M-UNIT-SENT', aviation, role='unit_commander')
        self.assertNotNotified(j, 'M-UNIT-SENT', dive)
        self.assertEqual(notes(j, rule='M-UNIT-SENT-CITY'), [])

    def test_M_DISPATCH_SOP_230_10_C_3_d_only_dispatcher_or_dec_supervisor_sends_members(self):
        """M-DISPATCH, "SOP 230.10 C.3.d": members shall not respond to the request
        for mutual aid unless authorized by the dispatcher or a DEC
        supervisor: nobody else sends them (403), and each deployment records
        who authorized it."""
        clause = cite('M-DISPATCH')
        bc = person(S, 'bureau_chief', 'mdibc', bureau='Patrol Bureau')
        rid = self.file_ok(c('agency'), outside(special_units=None))
        self.ok(act(signed(S, bc), rid, 'approve'))
        for who in ('supervisor', 'officer', 'watch', 'chief', bc):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'dispatch', [('assignee', U['officer'])], 403,
                                         clause, '%s dispatching' % who)
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])]))
        self.ok(act(c('dsup'), rid, 'dispatch', [('assignee', U['officer2'])]))
        j = self.js(rid)
        self.assertEqual(j['status'], 'dispatched')
        self.assertEqual(sorted((d['assignee'], d['unit_type'], d['authorized_by']) for d in j['deployments']),
                         sorted([(U['officer'], 'squad', U['dispatcher']), (U['officer2'], 'squad', U['dsup'])]))
        self.assertEqual([e['clause'] for e in ph.events(j, 'dispatched')], [clause, clause])


# ------------------------------------------------------------------ C.3.a: provisional authorization

class ProvisionalAuthorization(Case):

    def test_M_CAP_SOP_230_10_C_3_a_dec_supervisor_authorizes_within_the_caps_counted_per_kind(self):
        """M-CAP, "SOP 230.10 C.3.a": in an emergency a DEC supervisor may
        authorize two squads, a supervisor and a specialized unit to
        respond, pending approval: each kind has its own cap (a free
        supervisor's place is no third squad), more is 422 and nothing is
        stored; dispatches are held to the authorization, counted over every
        dispatch."""
        clause = cite('M-CAP')
        rid = self.file_ok(c('agency'), outside(emergency='yes', squads='5', supervisors='2',
                                                special_units=['swat', 'k9']))
        for over in ([('squads', '3')], [('supervisors', '2')],
                     [('special_units', 'swat'), ('special_units', 'k9')],
                     [('squads', '3'), ('supervisors', '0')]):
            with self.subTest(beyond=over):
                self.assertActionRefused(c('dsup'), rid, 'authorize', over, 422, clause, 'beyond the caps %r' % over)
        for who in ('dispatcher', 'supervisor', 'officer', 'watch'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'authorize', [('squads', '1')], 403, clause,
                                         who + ' authorizing')
        self.assertActionRefused(c('dsup'), rid, 'authorize', [], 422, None, 'authorizing nothing')
        self.ok(act(c('dsup'), rid, 'authorize', [('squads', '2'), ('supervisors', '1'),
                                                   ('special_units', 'swat'), ('note', 'go')]))
        j = self.js(rid)
        self.assertEqual(j['status'], 'provisionally_authorized')
        self.assertEqual((j['authorized_squads'], j['authorized_supervisors'], j['authorized_special_units']),
                         (2, 1, ['swat']))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'provisionally_authorized')],
                         [(U['dsup'], clause)])
        squads = members(3)
        self.assertActionRefused(c('dsup'), rid, 'dispatch', [('special_units', 'k9')], 422, clause,
                                 'a unit not authorized')
        self.assertActionRefused(c('dsup'), rid, 'dispatch', [('assignee', x) for x in squads], 422, clause,
                                 'three squads when two are authorized')
        self.ok(act(c('dsup'), rid, 'dispatch', [('assignee', squads[0]), ('assignee', squads[1]),
                                                 ('special_units', 'swat')]))
        self.assertActionRefused(c('dsup'), rid, 'dispatch', [('assignee', squads[2])], 422, clause,
                                 "a third squad while the supervisor's place is free")
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['supervisor2'])]))
        self.assertActionRefused(c('dsup'), rid, 'dispatch', [('assignee', U['supervisor'])], 422, clause,
                                 'a second supervisor')
        j = self.js(rid)
        self.assertEqual(j['status'], 'provisionally_authorized')
        self.assertEqual(sorted((d['assignee'], d['unit_type'], d['special_unit']) for d in j['deployments']),
                         sorted([(squads[0], 'squad', None), (squads[1], 'squad', None),
                                 (U['supervisor2'], 'supervisor', None),
                                 ('SWAT / tactical', 'special_unit', 'swat')]))

    def test_M_CAP_SOP_230_10_C_3_a_only_in_an_emergency_outside_the_city(self):
        """M-CAP, "SOP 230.10 C.3.a": "in the event of an emergency": a request
        that is not an emergency, or whose aid is within the city, has no
        provisional authorization (409 naming the clause); it waits for its
        approval."""
        clause = cite('M-CAP')
        for what, fields in (('routine outside', outside(emergency='no')),
                             ('emergency within', inside(emergency='yes')),
                             ('federal routine outside', fed_in_fields(emergency='no'))):
            with self.subTest(what):
                rid = self.file_ok(c('dispatcher'), fields)
                self.assertActionRefused(c('dsup'), rid, 'authorize', [('squads', '1')], 409, clause,
                                         'authorizing ' + what)

    def test_M_DENIED_SENDERS_department_rule_denial_after_provisional_dispatch_keeps_deployments_and_tells_senders(self):
        """M-DENIED-SENDERS, Department rule: whoever sent members learns at once
        that the request was denied, so that they are called back. Units sent
        under a provisional authorization (SOP 230.10 C.3.a) stay deployed
        after the denial: still on /deployments and the dashboard's overdue
        count, still in the overdue timer; the senders, a DEC supervisor
        (M-DENIED-DEC) and the chief (M-DENIED-CHIEF) are told."""
        bc = person(S, 'bureau_chief', 'mdsbc', bureau='Administration Bureau')
        disp2 = person(S, 'dispatcher', 'mdsdisp')
        dsup2 = person(S, 'dispatch_supervisor', 'mdsdsup')
        squads = members(2)
        rid = self.file_ok(c('agency'), outside(bureau='Administration Bureau', emergency='yes'))
        self.ok(act(c('dsup'), rid, 'authorize', [('squads', '2'), ('special_units', 'k9')]))
        self.ok(act(signed(S, disp2), rid, 'dispatch', [('assignee', squads[0]), ('special_units', 'k9')]))
        self.ok(act(signed(S, dsup2), rid, 'dispatch', [('assignee', squads[1])]))
        deps = self.js(rid)['deployments']
        self.assertEqual(len(deps), 3)
        reason = 'The bureau cannot spare them ' + uniq('r')
        self.ok(act(signed(S, bc), rid, 'deny', [('reason', reason)]))
        j = self.js(rid)
        self.assertEqual((j['status'], j['denial_reason']), ('denied', reason))
        self.assertEqual([(d['id'], d['status']) for d in j['deployments']], [(d['id'], 'dispatched') for d in deps])
        for sender, role in ((disp2, 'dispatcher'), (dsup2, 'dispatch_supervisor')):
            n = self.assertNotified(j, 'M-DENIED-SENDERS', sender, role=role)
            self.assertIn(reason, n['reason'])
        self.assertEqual(sorted(x['recipient'] for x in notes(j, rule='M-DENIED-SENDERS')), sorted([disp2, dsup2]))
        self.assertNotified(j, 'M-DENIED-DEC', U['dsup'], role='dispatch_supervisor')
        self.assertNotified(j, 'M-DENIED-CHIEF', U['chief'], role='chief')
        # Still out: the deployments page lists them.
        page = c('dispatcher').get('/deployments')
        self.assertEqual(page.status, 200, page.describe())
        rows = [row for row in re.findall(r'<tr\b.*?</tr>', page.body, re.S) if 'href="/requests/%d"' % rid in row]
        self.assertEqual(len(rows), 3, rows)
        # Still in the overdue timer, and counted on the dashboard.
        def overdue_count():
            d = c('chief').get('/dashboard')
            self.assertEqual(d.status, 200, d.describe())
            m = re.search(r'<span class="num"><a href="/deployments">(\d+)</a></span>', d.body)
            self.assertIsNotNone(m, 'no overdue check-in figure on the dashboard')
            return int(m.group(1))
        before = overdue_count()
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '61 minutes' WHERE id = %d"
               % deps[0]['id'])
        self.assertEqual(overdue_count(), before + 1)
        j = ph.wait_until(lambda: (lambda x: x if notes(x, rule='M-CHECKIN-DISPATCH') else None)(self.js(rid)),
                          timeout=20)
        self.assertTrue(j, 'no overdue check-in notification for a denied request within 20 s')
        self.assertIs({d['id']: d['overdue'] for d in j['deployments']}[deps[0]['id']], True)
        # The units report their return; then nothing changes the denied request.
        for d in deps:
            self.ok(act(c('dispatcher'), rid, 'checkin', [('deployment', d['id']), ('status', 'returned')]))
        self.assertActionRefused(c('dispatcher'), rid, 'checkin', [('deployment', deps[0]['id']),
                                                                  ('status', 'returned')], 409, None,
                                 'a check-in with nobody out')
        # A denial with nobody out tells no sender.
        rid2 = self.file_ok(c('agency'), outside(bureau='Administration Bureau', emergency='no'))
        self.ok(act(signed(S, bc), rid2, 'deny', [('reason', 'No.')]))
        self.assertEqual(notes(self.js(rid2), rule='M-DENIED-SENDERS'), [])


# ------------------------------------------------------------------ C.3.c: the on-scene assessment

class Assessment(Case):

    def test_M_ASSESS_DEC_SOP_230_10_C_3_c_dec_supervisor_advised_and_assessment_awaited_shown(self):
        """M-ASSESS-DEC, "SOP 230.10 C.3.c": the on-scene supervisor makes an
        initial assessment and advises a DEC supervisor of the resources
        required: the request page shows the assessment awaited until it is
        recorded, then recorded; a DEC supervisor is told (aid outside the
        city; within it, no assessment is awaited)."""
        clause = cite('M-ASSESS-DEC')
        dsup = person(S, 'dispatch_supervisor', 'madsup')
        rid = self.file_ok(c('agency'), outside(squads='1', special_units=None))
        page = c('dsup').get('/requests/%d' % rid)
        text = page_text(page.body)
        self.assertRegex(text, r'On-scene assessment %s\s*: awaited' % re.escape(clause))
        self.assertEqual(notes(self.js(rid), rule='M-ASSESS-DEC'), [])
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '4'), ('note', 'Crowd of 300.')]))
        j = self.js(rid)
        n = self.assertNotified(j, 'M-ASSESS-DEC', dsup, role='dispatch_supervisor')
        self.assertIn('4 squad', n['reason'])
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'assessed')], [(U['supervisor'], clause)])
        text = page_text(c('dsup').get('/requests/%d' % rid).body)
        self.assertRegex(text, r'On-scene assessment %s\s*: recorded \d{4}-\d\d-\d\d \d\d:\d\d' % re.escape(clause))
        self.assertNotIn('awaited', text)
        # Within the city: nothing awaited, nobody told under C.3.c.
        rid2 = self.file_ok(c('agency'), inside(squads='1', special_units=None))
        self.assertNotIn('On-scene assessment', page_text(c('dsup').get('/requests/%d' % rid2).body))
        self.ok(act(c('supervisor'), rid2, 'assess', [('squads', '1')]))
        self.assertEqual([n for n in self.js(rid2)['notifications'] if n['rule'].startswith('M-ASSESS')], [])
        for who in ('officer', 'dispatcher', 'agency', 'watch'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'assess', [('squads', '9')], 403, clause, who + ' assessing')

    def test_M_ASSESS_APPROVER_SOP_230_10_C_3_c_bureau_chief_or_watch_commander_advised(self):
        """M-ASSESS-APPROVER, "SOP 230.10 C.3.c": the DEC supervisor advises the
        assistant chief or inspector of the bureau requested (or the night
        watch commander when they are not available) of the resources the
        on-scene supervisor requested; the request waits for their approval
        of it; what was filed stays as filed."""
        clause = cite('M-ASSESS-APPROVER')
        bc = person(S, 'bureau_chief', 'maabc', bureau='Criminal Investigation Bureau')
        rid = self.file_ok(c('agency'), outside(bureau='Criminal Investigation Bureau', squads='1',
                                                special_units=None))
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '4'), ('supervisors', '2'),
                                                     ('special_units', 'mobile_field_force')]))
        j = self.js(rid)
        self.assertEqual(j['status'], 'pending_approval')
        self.assertEqual((j['squads'], j['supervisors'], j['special_units']), (1, 1, []))
        self.assertEqual((j['assessed_squads'], j['assessed_supervisors'], j['assessed_special_units']),
                         (4, 2, ['mobile_field_force']))
        n = self.assertNotified(j, 'M-ASSESS-APPROVER', bc, role='bureau_chief')
        self.assertIn('4 squad', n['reason'])
        self.assertNotNotified(j, 'M-ASSESS-APPROVER', U['watch'])
        with ph.unavailable(S, 'bureau_chief', bureau='Criminal Investigation Bureau'):
            self.ok(act(c('dsup'), rid, 'assess', [('squads', '5')]))
        j = self.js(rid)
        self.assertEqual((j['status'], j['squads'], j['assessed_squads']), ('pending_approval', 1, 5))
        n = self.assertNotified(j, 'M-ASSESS-APPROVER', U['watch'], role='watch_commander')
        self.assertIn('not available: sent to', n['reason'])
        self.assertEqual(n['clause'], clause)

    def test_M_ASSESS_CHIEF_SOP_230_10_C_3_c_chief_told_of_the_assessment(self):
        """M-ASSESS-CHIEF, "SOP 230.10 C.3.c": the assistant chief or inspector
        shall then make notification to the Chief of Police: the chief is told
        of the on-scene assessment."""
        rid = self.file_ok(c('agency'), outside())
        self.assertEqual(notes(self.js(rid, 'chief'), rule='M-ASSESS-CHIEF'), [])
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '3'), ('note', 'Three squads.')]))
        n = self.assertNotified(self.js(rid, 'chief'), 'M-ASSESS-CHIEF', U['chief'], role='chief')
        self.assertIn('3 squad', n['reason'])


# ------------------------------------------------------------------ C.3: teletype and letter (department's deadline)

class FollowUps(Case):
    """Telephone requests for aid outside the city filed 25 hours ago (moved
    back as the database owner): a (nothing received), d (teletype only), cc
    (both received), z (approved and closed, nothing received); b came
    through the portal, w by telephone for aid within the city. The
    notifier polls every second; it is waited for once."""

    @classmethod
    def setUpClass(cls):
        cls.dsup = person(S, 'dispatch_supervisor', 'mfudsup')
        cls.bc = person(S, 'bureau_chief', 'mfubc', bureau='Patrol Bureau')
        tc = Case('run')
        disp = c('dispatcher')
        cls.a = tc.file_ok(disp, outside(channel='phone'))
        cls.b = tc.file_ok(c('agency'), outside())
        cls.cc = tc.file_ok(disp, outside(channel='phone'))
        cls.d = tc.file_ok(disp, outside(channel='phone'))
        cls.w = tc.file_ok(disp, inside(channel='phone', squads='1', special_units=None))
        cls.z = tc.file_ok(disp, outside(channel='phone', emergency='no'))
        cls.responses = {}
        for rid, kinds in ((cls.cc, ('teletype', 'letter')), (cls.d, ('teletype',))):
            for t in kinds:
                cls.responses[(rid, t)] = act(disp, rid, 'followup', [('type', t), ('note', 'got it')])
        cls.responses[(cls.z, 'approve')] = act(signed(S, cls.bc), cls.z, 'approve')
        cls.responses[(cls.z, 'close')] = act(disp, cls.z, 'close', [('note', 'Handled by phone.')])
        # The dashboard's figure of overdue telephone requests, as each
        # group passes the department's 24 hours: the closed one, the one
        # within the city, then the rest (a and d are overdue; b, cc not).
        cls.dash = [cls.overdue_followups()]
        for group in ((cls.z,), (cls.w,), (cls.a, cls.b, cls.cc, cls.d)):
            S.psql_filed("UPDATE request SET created_at = created_at - interval '25 hours' WHERE id IN (%s)"
                         % ','.join(str(x) for x in group))
            cls.dash.append(cls.overdue_followups())
        cls.first = ph.wait_until(
            lambda: (lambda j: j if notes(j, rule='M-FOLLOWUP-LATE') else None)(req_json(disp, cls.a)),
            timeout=20)
        if cls.first:
            for rid in (cls.d, cls.z):
                ph.wait_until(lambda: notes(req_json(disp, rid), rule='M-FOLLOWUP-LATE'), timeout=10)
        time.sleep(3)   # the notifier runs again (every second here)
        cls.later = {rid: req_json(disp, rid) for rid in (cls.a, cls.b, cls.cc, cls.d, cls.w, cls.z)}

    @staticmethod
    def overdue_followups():
        d = c('chief').get('/dashboard')
        m = re.search(r'<span class="num">(\d+)</span><span>telephone requests', d.body)
        return int(m.group(1)) if m else None

    def late(self, rid):
        self.assertIsNotNone(self.first, 'no M-FOLLOWUP-LATE notification within 20 s of the '
                             'phone request becoming overdue (is the notifier running?)')
        return notes(self.later[rid], rule='M-FOLLOWUP-LATE')

    def test_M_FOLLOWUP_department_rule_phone_request_outside_tracks_teletype_and_letter(self):
        """M-FOLLOWUP, Department rule: SOP 230.10 C.3 asks for a teletype and an
        official letter "as soon as practicable" after a telephone request;
        the department tracks both and expects them within 24 hours: each is
        recorded once by DEC (citing the department's rule), the request page
        shows both with the rule, and only a telephone request for aid
        outside the city is tracked."""
        clause = cite('M-FOLLOWUP')
        self.assertTrue(clause.startswith('Department rule: SOP 230.10 C.3 asks for a teletype'), clause)
        self.assertIn('24 hours', clause)
        for (rid, t), r in self.responses.items():
            self.assertEqual(r.status, 303, '%s on %d: %s' % (t, rid, r.describe()))
        j = self.later[self.cc]
        for action in ('teletype_received', 'letter_received'):
            ev = ph.events(j, action)
            self.assertEqual([(e['actor'], e['clause']) for e in ev], [(U['dispatcher'], clause)])
        self.assertActionRefused(c('dispatcher'), self.cc, 'followup', [('type', 'teletype')], 409, clause,
                                 'the teletype twice')
        self.assertActionRefused(c('officer'), self.a, 'followup', [('type', 'letter')], 403, clause,
                                 'an officer recording the letter')
        self.assertActionRefused(c('dispatcher'), self.a, 'followup', [('type', 'fax')], 422, None, 'a fax')
        page = page_text(c('dsup').get('/requests/%d' % self.d).body)
        self.assertRegex(page, r'Follow-up documents %s\s*: teletype \d{4}-\d\d-\d\d \d\d:\d\d; official letter '
                         r'not received yet\.' % re.escape(clause))
        p = c('dispatcher').get('/requests/%d/print' % self.cc)
        self.assertEqual(p.status, 200, p.describe())
        self.assertRegex(page_text(p.body), r'Teletype received: \d{4}-\d\d-\d\d \d\d:\d\d')
        self.assertRegex(page_text(p.body), r'Official letter received: \d{4}-\d\d-\d\d \d\d:\d\d')
        # Not tracked: a portal request, a telephone request for aid within the city.
        for rid in (self.b, self.w):
            self.assertNotIn('Follow-up documents', page_text(c('dsup').get('/requests/%d' % rid).body))
        self.assertEqual(self.dash[3] - self.dash[2], 2, 'the dashboard counts a and d, not the portal '
                         'request or the one with both documents: %s' % self.dash)
        self.assertEqual(self.dash[2] - self.dash[1], 0, 'the dashboard counts a telephone request for aid '
                         'within the city, which no follow-up rule tracks: %s' % self.dash)
        self.assertTrue(self.late(self.a))
        self.assertEqual(self.late(self.b), [], 'a portal request has no follow-up documents')
        self.assertEqual(self.late(self.w), [], 'aid within the city has no follow-up rule')
        self.assertEqual(self.late(self.cc), [], 'teletype and letter were both received')
        d = self.late(self.d)
        self.assertTrue(d, 'the letter of request %d is overdue' % self.d)
        self.assertIn('letter', d[0]['reason'])
        self.assertNotIn('teletype', d[0]['reason'].split('Request by telephone')[-1])
        a = self.late(self.a)[0]['reason']
        self.assertIn('teletype', a)
        self.assertIn('letter', a)

    def test_M_FOLLOWUP_department_rule_recorded_after_closing_and_overdue_flagged_on_closed_requests(self):
        """M-FOLLOWUP, Department rule: the teletype and letter often come after
        the incident: a closed request's missing documents are still flagged
        overdue after the department's 24 hours (a DEC supervisor told, the
        timeline's followup_overdue citing the department's rule, the
        dashboard's figure of overdue telephone requests), and they are
        recorded after closing; nothing else changes a closed request."""
        clause = cite('M-FOLLOWUP')
        self.assertEqual(self.responses[(self.z, 'close')].status, 303, self.responses[(self.z, 'close')].describe())
        j = self.later[self.z]
        self.assertEqual(j['status'], 'closed')
        self.assertTrue(self.late(self.z), 'no overdue notice for the closed request')
        self.assertEqual([e['clause'] for e in ph.events(j, 'followup_overdue')], [clause])
        self.assertEqual(self.dash[1] - self.dash[0], 1, 'the dashboard\'s figure of telephone requests '
                         'with teletype or letter overdue does not count the closed request (%s)' % self.dash)
        self.ok(act(c('dispatcher'), self.z, 'followup', [('type', 'teletype'), ('note', 'Arrived today.')]))
        self.ok(act(c('dsup'), self.z, 'followup', [('type', 'letter')]))
        j = self.js(self.z)
        self.assertEqual(j['status'], 'closed')
        self.assertEqual([(e['action'], e['clause']) for e in j['events'] if e['action'].endswith('_received')],
                         [('teletype_received', clause), ('letter_received', clause)])
        self.assertActionRefused(c('dispatcher'), self.z, 'followup', [('type', 'letter')], 409, clause,
                                 'the letter twice on a closed request')
        self.assertActionRefused(c('dsup'), self.z, 'assess', [('squads', '1')], 409, None,
                                 'an assessment on a closed request')

    def test_M_FOLLOWUP_LATE_department_rule_dec_supervisor_told_once_per_overdue_period(self):
        """M-FOLLOWUP-LATE, Department rule: a DEC supervisor is reminded when the
        teletype or the letter has not come within the department's 24 hours,
        once per overdue period."""
        got = self.late(self.a)
        self.assertNotified(self.later[self.a], 'M-FOLLOWUP-LATE', self.dsup, role='dispatch_supervisor')
        self.assertTrue(all(n['role'] == 'dispatch_supervisor' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), 'a DEC supervisor was told twice: %s' % per)
        self.assertEqual(len(notes(self.first, rule='M-FOLLOWUP-LATE')), len(got),
                         'new notifications appeared on a later run of the notifier')
        ev = ph.events(self.later[self.a], 'followup_overdue')
        self.assertEqual([e['clause'] for e in ev], [cite('M-FOLLOWUP')])


# ------------------------------------------------------------------ 230.10 D: aid within the city

class WithinCity(Case):

    def test_M_IN_DISTRICT_SOP_230_10_D_district_required_within_one_of_the_policys_districts(self):
        """M-IN-DISTRICT, "SOP 230.10 D": aid within the city names the affected
        district or division, one of the department's own (a select of the
        policy's districts; another is 422, nothing stored); aid outside the
        city asks none."""
        clause = cite('M-IN-DISTRICT')
        page = c('dispatcher').get('/requests/new?kind=aid_incoming')
        m = re.search(r'<select[^>]*name="district"[^>]*>(.*?)</select>', page.body, re.S)
        self.assertIsNotNone(m, 'the district is not a select on the form')
        self.assertEqual([v for v in re.findall(r'<option value="([^"]*)"', m.group(1)) if v], DISTRICTS)
        for who in ('dispatcher', 'agency'):
            with self.subTest(filed_by=who):
                self.assertFieldsMissing(c(who), inside(district=None), ['district'], clause, who + ' without a district')
        self.assertFieldsMissing(c('dispatcher'), fed_in_fields(within_city='yes', bureau=None), ['district'],
                                 clause, 'federal_incoming within the city without a district')
        for bad in ('District 9', 'district 1', 'Harbor District'):
            with self.subTest(misspelt=bad):
                self.assertBureauRefused(c('dispatcher'), inside(district=bad), 'district', 'district %r' % bad)
        j = self.js(self.file_ok(c('dispatcher'), inside(district='District 7')))
        self.assertEqual(j['district'], 'District 7')
        j = self.js(self.file_ok(c('dispatcher'), outside(district=None)))
        self.assertIsNone(j['district'])

    def test_M_IN_CITY_APPROVE_SOP_230_10_D_more_than_one_squad_or_a_unit_needs_a_dec_supervisor(self):
        """M-IN-CITY-APPROVE, "SOP 230.10 D": if the request requires the
        assignment of more than one squad or the assistance of a specialized
        unit, it must be approved by a DEC supervisor (nobody else); one
        squad needs no approval (409 "needs no approval")."""
        clause = cite('M-IN-CITY-APPROVE')
        for needs in (dict(squads='2', special_units=None), dict(squads='1', special_units=['k9'])):
            with self.subTest(needs=needs):
                rid = self.file_ok(c('agency'), inside(**needs))
                self.assertActionRefused(c('dispatcher'), rid, 'dispatch',
                                         [('assignee', U['officer']), ('assignee', U['officer2'])]
                                         if needs['squads'] == '2' else [('special_units', 'k9')],
                                         409, clause, 'dispatch before the approval')
                for who in ('dispatcher', 'watch', 'supervisor', 'chief'):
                    self.assertActionRefused(c(who), rid, 'approve', [], 403, clause, who + ' approving')
                self.ok(act(c('dsup'), rid, 'approve', [('note', 'OK')]))
                j = self.js(rid)
                self.assertEqual(j['status'], 'approved')
                self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')], [(U['dsup'], clause)])
        rid = self.file_ok(c('agency'), inside(squads='1', supervisors='1', special_units=None))
        self.assertActionRefused(c('dsup'), rid, 'approve', [], 409, None, 'approving what needs none')
        r = act(c('dsup'), rid, 'approve')
        self.assertIn('needs no approval', page_text(r.body))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']), ('assignee', U['supervisor2'])]))
        self.assertEqual(self.js(rid)['status'], 'dispatched')

    def test_M_IN_CITY_APPROVE_SOP_230_10_D_counted_on_what_is_sent_after_dispatch_too(self):
        """M-IN-CITY-APPROVE, "SOP 230.10 D": counted on what is actually sent,
        not what was typed at filing: a request filed for one squad that
        then needs a second squad (or a unit), after the first went out,
        needs a DEC supervisor's approval first (409); the assessment sends
        it to its approver; the approval holds the dispatches (422 beyond)."""
        clause = cite('M-IN-CITY-APPROVE')
        squads = members(4)
        rid = self.file_ok(c('agency'), inside(squads='1', special_units=None, district='District 4'))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', squads[0])]))
        self.assertEqual(self.js(rid)['status'], 'dispatched')
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', squads[1])], 409, clause,
                                 'a second squad without an approval')
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('special_units', 'k9')], 409, clause,
                                 'a specialized unit without an approval')
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '3'), ('note', 'Two more squads.')]))
        j = self.js(rid)
        self.assertEqual((j['status'], j['squads'], j['assessed_squads']), ('pending_approval', 1, 3))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', squads[1])], 409, clause,
                                 'a second squad while the approval is pending')
        self.ok(act(c('dsup'), rid, 'approve'))
        j = self.js(rid)
        self.assertEqual((j['status'], j['approved_squads']), ('approved', 3))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', squads[1]), ('assignee', squads[2])]))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', squads[3])], 422, clause,
                                 'a fourth squad beyond the approval')
        j = self.js(rid)
        self.assertEqual((j['status'], len(j['deployments'])), ('dispatched', 3))

    def test_M_IN_CITY_COMMANDER_SOP_230_10_D_district_commander_or_watch_commander_told(self):
        """M-IN-CITY-COMMANDER, "SOP 230.10 D": the DEC supervisor shall then
        notify the affected district or division commander, or the night
        watch commander if the district commander is not available; not
        without an approval."""
        cmd = person(S, 'commander', 'micc', district='District 3')
        other = person(S, 'commander', 'micco', district='District 5')
        rid = self.file_ok(c('agency'), inside(district='District 3', squads='3'))
        self.assertEqual(notes(self.js(rid), rule='M-IN-CITY-COMMANDER'), [])
        self.ok(act(c('dsup'), rid, 'approve'))
        j = self.js(rid)
        self.assertNotified(j, 'M-IN-CITY-COMMANDER', cmd, role='commander')
        self.assertNotNotified(j, 'M-IN-CITY-COMMANDER', other)
        self.assertNotNotified(j, 'M-IN-CITY-COMMANDER', U['watch'])
        for past in (False, True):
            with self.subTest(past_shift=past):
                rid2 = self.file_ok(c('agency'), inside(district='District 3', squads='2'))
                with ph.unavailable(S, 'commander', past_shift=past, district='District 3'):
                    self.ok(act(c('dsup'), rid2, 'approve'))
                j2 = self.js(rid2)
                n = self.assertNotified(j2, 'M-IN-CITY-COMMANDER', U['watch'], role='watch_commander')
                self.assertIn('not available: sent to', n['reason'])
                self.assertNotNotified(j2, 'M-IN-CITY-COMMANDER', cmd)
        rid3 = self.file_ok(c('agency'), inside(district='District 3', squads='1', special_units=None))
        self.ok(act(c('dispatcher'), rid3, 'dispatch', [('assignee', U['officer'])]))
        self.assertEqual(notes(self.js(rid3), rule='M-IN-CITY-COMMANDER'), [])

    def test_M_DISPATCH_CITY_department_rule_only_dispatcher_or_dec_supervisor_sends_within_the_city(self):
        """M-DISPATCH-CITY, Department rule: members respond to aid within the
        city only when DEC authorizes it, as SOP 230.10 C.3.d says for aid
        outside it: the dispatch cites the department's rule; nobody else
        sends (403)."""
        clause = cite('M-DISPATCH-CITY')
        rid = self.file_ok(c('agency'), inside(squads='1', special_units=None))
        for who in ('supervisor', 'officer', 'watch', 'chief'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'dispatch', [('assignee', U['officer'])], 403, clause,
                                         who + ' dispatching')
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])]))
        j = self.js(rid)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'dispatched')], [(U['dispatcher'], clause)])
        rid2 = self.file_ok(c('supervisor'), internal_fields(squads='1'))
        self.ok(act(c('dsup'), rid2, 'dispatch', [('assignee', U['officer2'])]))
        self.assertEqual([e['clause'] for e in ph.events(self.js(rid2), 'dispatched')], [clause])

    def test_M_UNIT_SENT_CITY_department_rule_unit_commander_told_when_unit_sent_within_the_city(self):
        """M-UNIT-SENT-CITY, Department rule: the commanding officer of a
        specialized unit is told when the unit is sent within the city too,
        as SOP 230.10 C.3.a says outside it."""
        dive = person(S, 'unit_commander', 'mucdive', unit='dive')
        air = person(S, 'unit_commander', 'mucair', unit='aviation')
        rid = self.file_ok(c('agency'), inside(squads='1', special_units=['dive', 'aviation']))
        self.ok(act(c('dsup'), rid, 'approve'))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('special_units', 'dive')]))
        j = self.js(rid)
        self.assertNotified(j, 'M-UNIT-SENT-CITY', dive, role='unit_commander')
        self.assertNotNotified(j, 'M-UNIT-SENT-CITY', air)
        self.assertEqual(notes(j, rule='M-UNIT-SENT'), [])


# ------------------------------------------------------------------ aid between districts (department addition)

class InternalAid(Case):

    def test_M_INTERNAL_FILE_department_rule_supervisor_commander_or_DEC_files_aid_internal(self):
        """M-INTERNAL-FILE, Department rule: aid from one district or division to
        another is arranged in the portal, an addition to SOP 230.10 D: a
        supervisor, a commander or DEC asks it; it is aid within the city
        (a DEC supervisor approves more than one squad)."""
        clause = cite('M-INTERNAL-FILE')
        cmd = person(S, 'commander', 'mcmdf', district='District 6')
        for who in ('supervisor', 'dispatcher', 'dsup', cmd):
            with self.subTest(allowed=who):
                j = self.js(self.file_ok(c(who), internal_fields()))
                self.assertEqual((j['kind'], j['district']), ('aid_internal', 'District 1'))
        for who in ('officer', 'detective', 'agency', 'chief', 'watch'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), internal_fields(), clause, who)
        rid = self.file_ok(c('supervisor'), internal_fields(squads='2'))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']),
                                                                    ('assignee', U['officer2'])],
                                 409, cite('M-IN-CITY-APPROVE'), 'two squads between districts unapproved')

    def test_M_INTERNAL_NEEDS_department_rule_place_and_units_required(self):
        """M-INTERNAL-NEEDS, Department rule: DEC must know where the units go and
        how many are needed (any one resource will do); the district is
        asked as for any aid within the city (M-IN-DISTRICT)."""
        clause = cite('M-INTERNAL-NEEDS')
        self.assertFieldsMissing(c('dispatcher'), internal_fields(location='', squads='0'),
                                 ['location', 'squads', 'supervisors', 'personnel', 'special_units'], clause,
                                 'nothing named')
        self.assertFieldsMissing(c('dispatcher'), internal_fields(district=''), ['district'],
                                 cite('M-IN-DISTRICT'), 'no district')
        rid = self.file_ok(c('dispatcher'), internal_fields(squads='0', special_units=['k9']))
        self.assertEqual(self.js(rid)['special_units'], ['k9'])


# ------------------------------------------------------------------ requests we make (department rules)

class OutgoingAid(Case):

    def test_M_OUT_FILE_department_rule_supervisor_or_dec_supervisor_asks_other_agencies(self):
        """M-OUT-FILE, Department rule: the roll-call SOP 230 does not cover
        requests we make to other agencies; a supervisor or a DEC supervisor
        makes them, the refusal naming the department's reason."""
        clause = cite('M-OUT-FILE')
        for who in ('supervisor', 'dsup'):
            with self.subTest(allowed=who):
                self.assertEqual(self.js(self.file_ok(c(who), outgoing_fields()))['filed_by'], U[who])
        for who in ('dispatcher', 'officer', 'detective', 'agency', 'chief'):
            with self.subTest(refused=who):
                r = self.assertFilingRefused(c(who), outgoing_fields(), clause, who)
                self.assertIn('Department rule: ', page_text(r.body))

    def test_M_OUT_FILE_department_rule_nobody_dispatches_on_a_request_we_make(self):
        """M-OUT-FILE, Department rule: a request we make asks another agency's
        members: nobody of ours is dispatched on it (403), nothing to approve
        (409), nothing stored."""
        rid = self.file_ok(c('supervisor'), outgoing_fields())
        for who in ('dispatcher', 'dsup', 'supervisor2'):
            with self.subTest(dispatcher=who):
                self.assertActionRefused(c(who), rid, 'dispatch', [('assignee', U['officer'])], 403, None,
                                         who + ' dispatching on aid_outgoing')
        self.assertActionRefused(c('dsup'), rid, 'approve', [], 409, None, 'approving aid_outgoing')
        for kind_fields in (fed_inv_fields(), fed_emer_fields()):
            who = 'detective' if kind_fields[0][1] == 'federal_investigative' else 'supervisor'
            rid = self.file_ok(c(who), kind_fields)
            self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])], 403, None,
                                     'dispatching on ' + kind_fields[0][1])

    def test_M_OUT_NEEDS_department_rule_emergency_resources_staging_and_commander(self):
        """M-OUT-NEEDS, Department rule: the agencies asked must know the
        emergency, what is needed, where to report and to whom."""
        clause = cite('M-OUT-NEEDS')
        self.assertFieldsMissing(c('supervisor'),
                                 outgoing_fields(staging_area='', commander_name='', squads='0', personnel='0',
                                                 equipment=''),
                                 ['staging_area', 'commander_name', 'squads', 'supervisors', 'personnel',
                                  'special_units', 'equipment'], clause, 'nothing stated')
        self.assertFieldsMissing(c('supervisor'), outgoing_fields(nature=''), ['nature'], clause, 'no nature')
        rid = self.file_ok(c('dsup'), outgoing_fields(squads='0', personnel='0', equipment='',
                                                      special_units=['aviation']))
        self.assertEqual(self.js(rid)['special_units'], ['aviation'])


# ------------------------------------------------------------------ federal requests (department rules)

class Federal(Case):

    def assertChiefNotified(self, rid):
        j = self.js(rid, 'chief')
        self.assertNotified(j, 'M-FED-CHIEF', U['chief'], role='chief')
        self.assertTrue(notes(j, rule='M-FED-CHIEF')[0]['clause'].startswith('Department rule: the Chief of Police'))
        self.assertTrue(all(n['role'] == 'chief' for n in notes(j, rule='M-FED-CHIEF')))
        return j

    def test_M_FED_INV_FILE_department_rule_only_detective_files_federal_investigative(self):
        """M-FED-INV-FILE, Department rule: the roll-call SOP 230 does not cover
        requests to federal agencies; the investigating detective makes them."""
        rid = self.file_ok(c('detective'), fed_inv_fields())
        self.assertEqual(self.js(rid)['filed_by'], U['detective'])
        for who in ('officer', 'supervisor', 'dsup', 'fed', 'chief'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_inv_fields(), cite('M-FED-INV-FILE'), who)

    def test_M_FED_INV_NEEDS_department_rule_agency_case_and_category_required(self):
        """M-FED-INV-NEEDS, Department rule: the chief's notification names the
        agency, the case and the kind of investigation."""
        needed = ['federal_agency', 'case_number', 'investigation_category']
        self.assertFieldsMissing(c('detective'), fed_inv_fields(**{f: None for f in needed}), needed,
                                 cite('M-FED-INV-NEEDS'), 'no federal details')

    def test_M_FED_EMER_FILE_department_rule_only_supervisor_files_federal_emergency(self):
        """M-FED-EMER-FILE, Department rule: the roll-call SOP 230 does not cover
        requests to federal agencies; in an emergency a supervisor makes them."""
        rid = self.file_ok(c('supervisor'), fed_emer_fields())
        self.assertEqual(self.js(rid)['filed_by'], U['supervisor'])
        for who in ('detective', 'dispatcher', 'dsup', 'officer'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_emer_fields(), cite('M-FED-EMER-FILE'), who)

    def test_M_FED_EMER_NEEDS_department_rule_federal_agency_required(self):
        """M-FED-EMER-NEEDS, Department rule: the chief's notification names the
        federal agency asked."""
        self.assertFieldsMissing(c('supervisor'), fed_emer_fields(federal_agency=None), ['federal_agency'],
                                 cite('M-FED-EMER-NEEDS'), 'no federal agency')

    def test_M_FED_CHIEF_department_rule_chief_told_of_federal_investigative(self):
        """M-FED-CHIEF, Department rule: the Chief of Police is notified of every
        federal request (the roll-call SOP does not say it): a detective's
        federal_investigative (headline rule)."""
        self.assertChiefNotified(self.file_ok(c('detective'), fed_inv_fields()))

    def test_M_FED_CHIEF_department_rule_chief_told_of_federal_emergency(self):
        """M-FED-CHIEF, Department rule: the Chief of Police is notified of every
        federal request: a supervisor's federal_emergency (headline rule)."""
        self.assertChiefNotified(self.file_ok(c('supervisor'), fed_emer_fields()))

    def test_M_FED_CHIEF_department_rule_chief_told_of_federal_incoming_inside_or_outside(self):
        """M-FED-CHIEF, Department rule: the Chief of Police is notified of every
        federal request: a federal agency's request, filed by its account or
        logged by DEC, for aid outside or within the city (headline rule)."""
        for who in ('fed', 'dispatcher'):
            for where in ('no', 'yes'):
                with self.subTest(filed_by=who, within_city=where):
                    self.assertChiefNotified(self.file_ok(c(who), fed_in_fields(
                        within_city=where, district='District 2' if where == 'yes' else None)))

    def test_M_FED_CHIEF_department_rule_chief_told_of_aid_incoming_from_a_federal_agency(self):
        """M-FED-CHIEF, Department rule: the Chief of Police is notified of every
        request to or from a federal agency, whatever the form of the request:
        an aid_incoming DEC logs for a federal agency (requesting_agency_type
        federal) is one; a local agency's is not, and an outside agency's
        account never chooses the type (its account's is used)."""
        rid = self.file_ok(c('dispatcher'), outside(requesting_agency='DEA Milwaukee District Office',
                                                    requesting_agency_type='federal', channel='phone'))
        j = self.assertChiefNotified(rid)
        self.assertEqual(j['requesting_agency_type'], 'federal')
        j2 = self.js(self.file_ok(c('dispatcher'), outside(requesting_agency_type='local')), 'chief')
        self.assertEqual((j2['requesting_agency_type'], notes(j2, rule='M-FED-CHIEF')), ('local', []))
        j3 = self.js(self.file_ok(c('agency'), outside(requesting_agency_type='federal')), 'chief')
        self.assertEqual((j3['requesting_agency_type'], notes(j3, rule='M-FED-CHIEF')), ('local', []))


# ------------------------------------------------------------------ members out there (department rules)

class OverdueCheckin(Case):
    """One overdue deployment (61 minutes without a check-in) and one that is
    not (50 minutes), on aid within the city for two squads, approved by a
    DEC supervisor and sent by DEC."""

    @classmethod
    def setUpClass(cls):
        cls.disp = person(S, 'dispatcher', 'mcidsp')
        cls.dsup = person(S, 'dispatch_supervisor', 'mcidsup')
        cls.officer2 = person(S, 'officer', 'mciof2')
        tc = Case('run')
        rid = tc.file_ok(c('supervisor'), internal_fields(squads='2'))
        r = act(c('dsup'), rid, 'approve')
        assert r.status == 303, r.describe()
        r = act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']), ('assignee', cls.officer2)])
        assert r.status == 303, r.describe()
        deps = {d['assignee']: d['id'] for d in req_json(c('dispatcher'), rid)['deployments']}
        cls.rid, cls.late, cls.fresh = rid, deps[U['officer']], deps[cls.officer2]
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '61 minutes' WHERE id = %d" % cls.late)
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '50 minutes' WHERE id = %d" % cls.fresh)
        cls.first = ph.wait_until(
            lambda: (lambda j: j if notes(j, rule='M-CHECKIN-DISPATCH') and
                     notes(j, rule='M-CHECKIN-SUPERVISOR') else None)(req_json(c('dispatcher'), rid)),
            timeout=20)
        time.sleep(3)
        cls.later = req_json(c('dispatcher'), rid)

    def overdue_notes(self, rule):
        self.assertIsNotNone(self.first, 'no %s notification within 20 s of the deployment '
                             'becoming overdue (is the notifier running?)' % rule)
        return notes(self.later, rule=rule)

    def test_M_CHECKIN_department_rule_deployment_overdue_after_60_minutes(self):
        """M-CHECKIN, Department rule: DEC keeps track of the members it sent: a
        deployment with no status check-in for 60 minutes is overdue (the
        request page states the interval with the department's reason); an
        officer reports for their own deployment only."""
        clause = cite('M-CHECKIN')
        self.overdue_notes('M-CHECKIN-DISPATCH')
        deps = {d['id']: d for d in self.later['deployments']}
        self.assertIs(deps[self.late]['overdue'], True)
        self.assertIs(deps[self.fresh]['overdue'], False)
        self.assertEqual([e['clause'] for e in ph.events(self.later, 'checkin_overdue')], [clause])
        for n in notes(self.later, rule='M-CHECKIN-DISPATCH'):
            self.assertNotIn(self.officer2, n['reason'])
        page = page_text(c('dispatcher').get('/requests/%d' % self.rid).body)
        self.assertRegex(page, r'A deployment with no check-in for 60 minutes is overdue %s\s*\.' % re.escape(clause))
        self.ok(act(c('dispatcher'), self.rid, 'checkin', [('deployment', self.late), ('status', 'clear')]))
        deps = {d['id']: d for d in self.js(self.rid)['deployments']}
        self.assertIs(deps[self.late]['overdue'], False)
        self.assertEqual(ph.events(self.js(self.rid), 'checkin')[-1]['clause'], clause)
        self.assertActionRefused(signed(S, self.officer2), self.rid, 'checkin',
                                 [('deployment', self.late), ('status', 'returned')], 403, clause,
                                 "an officer reporting for another's deployment")

    def test_M_CHECKIN_DISPATCH_department_rule_dispatcher_told_once_of_overdue_checkin(self):
        """M-CHECKIN-DISPATCH, Department rule: the dispatcher is told when a
        member sent has not checked in (once per overdue period)."""
        got = self.overdue_notes('M-CHECKIN-DISPATCH')
        self.assertNotified(self.later, 'M-CHECKIN-DISPATCH', self.disp, role='dispatcher')
        self.assertTrue(all(n['role'] == 'dispatcher' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), per)
        self.assertEqual(len(notes(self.first, rule='M-CHECKIN-DISPATCH')), len(got))

    def test_M_CHECKIN_SUPERVISOR_department_rule_dec_supervisor_told_once_of_overdue_checkin(self):
        """M-CHECKIN-SUPERVISOR, Department rule: a DEC supervisor is told when a
        member sent has not checked in (once per overdue period)."""
        got = self.overdue_notes('M-CHECKIN-SUPERVISOR')
        self.assertNotified(self.later, 'M-CHECKIN-SUPERVISOR', self.dsup, role='dispatch_supervisor')
        self.assertTrue(all(n['role'] == 'dispatch_supervisor' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), per)
        self.assertEqual(len(notes(self.first, rule='M-CHECKIN-SUPERVISOR')), len(got))


# ------------------------------------------------------------------ exceptions (department rules)

class Exceptions(Case):

    def offered(self, rid):
        page = c('chief').get('/requests/%d' % rid)
        self.assertEqual(page.status, 200, page.describe())
        m = re.search(r'<select id="except-rule" name="rule">(.*?)</select>', page.body, re.S)
        return re.findall(r'<option value="([^"]+)"', m.group(1)) if m else []

    def test_M_EXCEPTION_department_rule_only_chief_and_only_rules_the_portal_waives(self):
        """M-EXCEPTION, Department rule: the roll-call SOP says nothing of
        exceptions; only the Chief of Police may grant one, with a written
        reason; and only to a rule the portal can waive that is in force for
        the request (its approval, its caps, its follow-up deadline,
        separation of duties): those are the ones offered, anything else is
        422, nothing stored."""
        clause = cite('M-EXCEPTION')
        rid = self.file_ok(c('dispatcher'), outside(emergency='yes', channel='phone'))
        self.assertEqual(self.offered(rid), ['M-FOLLOWUP', 'M-CAP', 'M-APPROVE', 'M-SEPARATION'])
        rid_routine = self.file_ok(c('agency'), outside(emergency='no'))
        self.assertEqual(self.offered(rid_routine), ['M-APPROVE-ROUTINE', 'M-SEPARATION'])
        rid_city = self.file_ok(c('agency'), inside(squads='1', special_units=None))
        self.assertEqual(self.offered(rid_city), ['M-SEPARATION'])
        rid_city2 = self.file_ok(c('agency'), inside(squads='2'))
        self.assertEqual(self.offered(rid_city2), ['M-IN-CITY-APPROVE', 'M-SEPARATION'])
        for who in ('dsup', 'watch', 'supervisor', 'dispatcher'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'except', [('rule', 'M-CAP'), ('reason', 'more squads')], 403,
                                         clause, who + ' granting an exception')
        self.assertActionRefused(c('chief'), rid, 'except', [('rule', 'M-CAP')], 422, None, 'without a reason')
        for rule in ('NO-SUCH', 'M-IN-DEC', 'M-DISPATCH', 'M-FED-CHIEF', 'M-APPROVE-ROUTINE', 'M-IN-CITY-APPROVE',
                     'M-CHECKIN'):
            with self.subTest(not_waivable=rule):
                self.assertActionRefused(c('chief'), rid, 'except', [('rule', rule), ('reason', 'x')], 422, None,
                                         'an exception to ' + rule)
        self.assertActionRefused(c('chief'), rid_routine, 'except', [('rule', 'M-CAP'), ('reason', 'x')], 422,
                                 None, 'an exception to a cap not in force')
        reason = 'Active shooter at the mall: four squads now ' + uniq('why')
        self.ok(act(c('chief'), rid, 'except', [('rule', 'M-CAP'), ('reason', reason)]))
        j = self.js(rid, 'chief')
        ev = ph.events(j, 'exception')
        self.assertEqual([(e['actor'], e['clause']) for e in ev], [(U['chief'], clause)])
        self.assertIn(reason, ev[0]['note'])
        self.assertIn('M-CAP', ev[0]['note'])
        self.assertEqual(S.count('policy_exception', "request_id = %d AND rule_id = 'M-CAP'" % rid), 1)
        self.assertActionRefused(c('chief'), rid, 'except', [('rule', 'M-CAP'), ('reason', 'again')], 409, clause,
                                 'the same exception twice')

    def test_M_EXCEPTION_department_rule_each_exception_waives_exactly_its_rule(self):
        """M-EXCEPTION, Department rule: an exception waives its rule and no
        other: to the cap, more is authorized, but nobody is sent before an
        authorization and the bureau still approves; to the approval, members
        are sent without it, but the cap still holds; to separation of
        duties, the filer decides; to the follow-up deadline, no overdue
        notice for that request."""
        squads = members(5)
        # The cap.
        bc = person(S, 'bureau_chief', 'mexbc', bureau='Patrol Bureau')
        rid = self.file_ok(c('agency'), outside(emergency='yes', squads='6'))
        self.ok(act(c('chief'), rid, 'except', [('rule', 'M-CAP'), ('reason', 'Four squads ' + uniq('r'))]))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', squads[0])], 409,
                                 cite('M-APPROVE'), 'dispatch before any authorization (the approval is not excepted)')
        self.ok(act(c('dsup'), rid, 'authorize', [('squads', '4')]))
        self.assertEqual(self.js(rid)['authorized_squads'], 4)
        self.assertActionRefused(c('watch'), rid, 'approve', [], 403, cite('M-APPROVE'),
                                 'the watch commander approving while the bureau is available')
        self.ok(act(signed(S, bc), rid, 'approve'))
        # The approval: sent without it; the cap is not waived.
        rid = self.file_ok(c('agency'), outside(emergency='yes', squads='3'))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', squads[0])], 409,
                                 cite('M-APPROVE'), 'dispatch before the exception')
        self.ok(act(c('chief'), rid, 'except', [('rule', 'M-APPROVE'), ('reason', 'No time ' + uniq('r'))]))
        self.assertActionRefused(c('dsup'), rid, 'authorize', [('squads', '3')], 422, cite('M-CAP'),
                                 'beyond the cap (the cap is not excepted)')
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', x) for x in squads[:3]]))
        self.assertEqual(self.js(rid)['status'], 'dispatched')
        # Separation of duties: the filer decides.
        dsup_filer = person(S, 'dispatch_supervisor', 'mexsep')
        rid = self.file_ok(signed(S, dsup_filer), internal_fields(squads='2'))
        self.assertActionRefused(signed(S, dsup_filer), rid, 'approve', [], 403, cite('M-SEPARATION'),
                                 'the filer approving')
        self.ok(act(c('chief'), rid, 'except', [('rule', 'M-SEPARATION'), ('reason', 'Alone on shift ' + uniq('r'))]))
        self.ok(act(signed(S, dsup_filer), rid, 'approve'))
        # The follow-up deadline: no overdue notice for this request.
        rid = self.file_ok(c('dispatcher'), outside(channel='phone'))
        self.ok(act(c('chief'), rid, 'except', [('rule', 'M-FOLLOWUP'), ('reason', 'Letter waived ' + uniq('r'))]))
        told = [n['id'] for n in notes(self.js(rid), rule='M-FOLLOWUP-LATE')]  # of the waiver itself
        control = self.file_ok(c('dispatcher'), outside(channel='phone'))
        S.psql_filed("UPDATE request SET created_at = created_at - interval '25 hours' WHERE id IN (%d, %d)"
                     % (rid, control))
        self.assertTrue(ph.wait_until(lambda: notes(self.js(control), rule='M-FOLLOWUP-LATE'), timeout=20),
                        'the control request was not flagged overdue')
        time.sleep(2)
        j = self.js(rid)
        self.assertEqual(([n['id'] for n in notes(j, rule='M-FOLLOWUP-LATE')], ph.events(j, 'followup_overdue')),
                         (told, []))

    def test_M_EXCEPTION_TOLD_department_rule_dec_supervisor_and_the_waived_rules_people_told_and_shown(self):
        """M-EXCEPTION-TOLD, Department rule: DEC, which runs the request, is told
        of an exception (a DEC supervisor); so is whoever the waived rule
        would have had act or be told: the approver for an approval or a cap,
        the follow-up's DEC supervisor for its deadline; the request page
        shows the exception, its rule, who granted it and why."""
        dsup = person(S, 'dispatch_supervisor', 'mextdsup')
        bc = person(S, 'bureau_chief', 'mextbc', bureau='Administration Bureau')
        rid = self.file_ok(c('agency'), outside(bureau='Administration Bureau', emergency='yes'))
        reason = 'Four squads for the stadium ' + uniq('why')
        self.ok(act(c('chief'), rid, 'except', [('rule', 'M-CAP'), ('reason', reason)]))
        j = self.js(rid)
        n = self.assertNotified(j, 'M-EXCEPTION-TOLD', dsup, role='dispatch_supervisor')
        self.assertIn(reason, n['reason'])
        approver = [x for x in notes(j, recipient=bc) if reason in x['reason']]
        self.assertEqual([(x['rule'], x['clause']) for x in approver], [('M-APPROVE', cite('M-APPROVE'))])
        page = page_text(c('dsup').get('/requests/%d' % rid).body)
        self.assertRegex(page, r'Exception to rule M-CAP %s \(%s\) granted by Test chief %s on '
                         r'\d{4}-\d\d-\d\d \d\d:\d\d: %s' % (re.escape(cite('M-CAP')), re.escape(RULES['M-CAP']['says']),
                                                             re.escape(U['chief']), re.escape(reason)))
        # The follow-up deadline: those it would have told of the overdue documents.
        rid = self.file_ok(c('dispatcher'), outside(channel='phone'))
        reason = 'Letter not needed ' + uniq('why')
        self.ok(act(c('chief'), rid, 'except', [('rule', 'M-FOLLOWUP'), ('reason', reason)]))
        j = self.js(rid)
        self.assertNotified(j, 'M-EXCEPTION-TOLD', dsup, role='dispatch_supervisor')
        late = [x for x in notes(j, recipient=dsup) if x['rule'] == 'M-FOLLOWUP-LATE']
        self.assertEqual([(x['clause'], reason in x['reason']) for x in late], [(cite('M-FOLLOWUP-LATE'), True)])
        self.assertIn('Exception to rule M-FOLLOWUP', page_text(c('dsup').get('/requests/%d' % rid).body))


# ------------------------------------------------------------------ separation of duties (department rule)

class Separation(Case):

    def test_M_SEPARATION_department_rule_whoever_filed_does_not_approve_or_deny(self):
        """M-SEPARATION, Department rule: separation of duties: whoever filed a
        request does not approve or deny it; another person decides. Here a
        DEC supervisor files aid within the city that SOP 230.10 D has a DEC
        supervisor approve."""
        clause = cite('M-SEPARATION')
        filer = person(S, 'dispatch_supervisor', 'msepf')
        rid = self.file_ok(signed(S, filer), internal_fields(squads='2'))
        self.assertActionRefused(signed(S, filer), rid, 'approve', [('note', 'mine')], 403, clause, 'the filer approving')
        self.assertActionRefused(signed(S, filer), rid, 'deny', [('reason', 'mine')], 403, clause, 'the filer denying')
        self.ok(act(c('dsup'), rid, 'approve', [('note', 'Approved by another supervisor.')]))
        j = self.js(rid)
        self.assertEqual(j['status'], 'approved')
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')],
                         [(U['dsup'], cite('M-IN-CITY-APPROVE'))])


# ------------------------------------------------------------------ citations

class WhoActs(Case):
    """Who records the on-scene assessment, a status check-in, the teletype
    and letter, and who closes a request: each the actors of a rule of the
    file, the action citing the rule that let it."""

    def sent(self):
        """Aid within the city, one squad (no approval), a new officer sent
        by DEC: (rid, deployment, the officer's login)."""
        officer = person(S, 'officer', 'mwho')
        rid = self.file_ok(c('agency'), inside(squads='1', special_units=None))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', officer)]))
        return rid, self.js(rid)['deployments'][0]['id'], officer

    def test_M_ASSESSMENT_SOP_230_10_C_3_c_on_scene_supervisor_or_dec_supervisor_records_it_outside(self):
        """M-ASSESSMENT, "SOP 230.10 C.3.c": the on-scene supervisor makes an
        initial assessment of the incident and advises a DEC supervisor of
        the resources required: either records it on a request for aid
        outside the city, the event citing C.3.c; a dispatcher, an officer,
        the agency that asked, the watch commander and the chief are refused
        (403 naming C.3.c, not the department's rule), nothing stored."""
        clause = cite('M-ASSESSMENT')
        self.assertEqual(clause, 'SOP 230.10 C.3.c')
        rid = self.file_ok(c('agency'), outside(squads='1', special_units=None))
        for who in ('dispatcher', 'officer', 'agency', 'watch', 'chief'):
            with self.subTest(refused=who):
                r = self.assertActionRefused(c(who), rid, 'assess', [('squads', '3')], 403, clause, who + ' assessing')
                self.assertIn('may not record the on-scene assessment', page_text(r.body))
                self.assertNotIn(cite('M-ASSESSMENT-ELSEWHERE'), page_text(r.body))
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '3')]))
        self.ok(act(c('dsup'), rid, 'assess', [('squads', '4'), ('note', 'As the on-scene supervisor advised.')]))
        j = self.js(rid)
        self.assertEqual(j['assessed_squads'], 4)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'assessed')],
                         [(U['supervisor'], clause), (U['dsup'], clause)])

    def test_M_ASSESSMENT_ELSEWHERE_department_rule_the_same_on_every_other_request(self):
        """M-ASSESSMENT-ELSEWHERE, Department rule: the roll-call SOP asks for the
        on-scene assessment of aid outside the city (230.10 C.3.c); the
        department takes it the same way, from the on-scene supervisor or a
        DEC supervisor, on aid within the city and on requests we make, the
        event citing the department's rule; a dispatcher is refused (403
        naming it), nothing stored."""
        clause = cite('M-ASSESSMENT-ELSEWHERE')
        self.assertTrue(clause.startswith('Department rule: the roll-call SOP asks for the on-scene'), clause)
        rid = self.file_ok(c('agency'), inside(squads='1', special_units=None))
        self.assertActionRefused(c('dispatcher'), rid, 'assess', [('squads', '2')], 403, clause,
                                 'a dispatcher assessing within the city')
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '1')]))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid), 'assessed')],
                         [(U['supervisor'], clause)])
        rid = self.file_ok(c('supervisor'), outgoing_fields())
        self.ok(act(c('dsup'), rid, 'assess', [('squads', '5')]))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid), 'assessed')],
                         [(U['dsup'], clause)])

    def test_M_CHECKIN_department_rule_the_member_dec_or_a_supervisor_records_a_check_in(self):
        """M-CHECKIN, Department rule: DEC keeps track of the members it sent:
        the member (for their own deployment), a dispatcher, a DEC supervisor
        or a supervisor records each status check-in, citing the department's
        rule; a detective, a commander, the chief and the agency that asked
        are refused (403 naming it), nothing stored."""
        clause = cite('M-CHECKIN')
        rid, dep, officer = self.sent()
        commander = person(S, 'commander', 'mwcmd', district='District 2')
        for who in ('detective', commander, 'chief', 'agency'):
            with self.subTest(refused=who):
                r = self.assertActionRefused(c(who), rid, 'checkin', [('deployment', dep), ('status', 'on_scene')],
                                             403, clause, '%s checking in' % who)
                self.assertIn('may not record a status check-in', page_text(r.body))
        for who, status in ((officer, 'en_route'), ('dispatcher', 'on_scene'), ('dsup', 'clear'),
                            ('supervisor', 'returned')):
            with self.subTest(allowed=who):
                self.ok(act(c(who), rid, 'checkin', [('deployment', dep), ('status', status)]))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid), 'checkin')],
                         [(U.get(w, w), clause) for w in (officer, 'dispatcher', 'dsup', 'supervisor')])

    def test_M_FOLLOWUP_department_rule_dec_or_a_supervisor_records_the_papers_where_awaited(self):
        """M-FOLLOWUP, Department rule: DEC (a dispatcher or a DEC supervisor)
        or a supervisor records the teletype and letter of a telephone request
        for aid outside the city; an officer, a detective, the chief are
        refused (403 naming the rule); within the city none is awaited (409
        naming it, its conditions not met); on a request we make no rule
        asks for any (403, naming no rule); nothing stored."""
        clause = cite('M-FOLLOWUP')
        rid = self.file_ok(c('dispatcher'), outside(channel='phone'))
        for who in ('officer', 'detective', 'chief'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'followup', [('type', 'teletype')], 403, clause,
                                         who + ' recording the teletype')
        # The form's own checks, where papers are awaited: 422, nothing stored.
        for fields in ([], [('type', 'LETTER')], [('type', 'fax')], [('type', 'letter'), ('note', 'x' * 2001)]):
            with self.subTest(fields=str(fields)[:40]):
                self.assertActionRefused(c('dispatcher'), rid, 'followup', fields, 422, None, 'followup %r'
                                         % (fields[:1],))
        self.ok(act(c('supervisor'), rid, 'followup', [('type', 'teletype')]))
        self.ok(act(c('dsup'), rid, 'followup', [('type', 'letter')]))
        self.assertEqual([(e['actor'], e['clause']) for e in self.js(rid)['events']
                          if e['action'].endswith('_received')], [(U['supervisor'], clause), (U['dsup'], clause)])
        within = self.file_ok(c('dispatcher'), inside(channel='phone', squads='1', special_units=None))
        r = self.assertActionRefused(c('dispatcher'), within, 'followup', [('type', 'teletype')], 409, clause,
                                     'a teletype within the city')
        self.assertIn('only under conditions this request does not meet', page_text(r.body))
        ours = self.file_ok(c('supervisor'), outgoing_fields())
        r = self.assertActionRefused(c('dispatcher'), ours, 'followup', [('type', 'letter')], 403, None,
                                     'a letter on a request we make')
        self.assertIn('asks for no teletype or letter on this kind of request', page_text(r.body))
        self.assertNotIn(clause, page_text(r.body))

    def test_M_CLOSE_department_rule_dec_or_a_supervisor_closes_once_every_member_returned(self):
        """M-CLOSE, Department rule: the roll-call SOP 230 does not say who closes
        a request; DEC (a dispatcher or a DEC supervisor) or a supervisor
        closes it once every member sent has returned, the event citing the
        department's rule (not the check-in rule); before that 409 naming
        it; an officer, a commander, the watch commander, the chief and the
        agency that asked are refused (403), nothing stored."""
        clause = cite('M-CLOSE')
        self.assertTrue(clause.startswith('Department rule: the roll-call SOP 230 does not say who closes'), clause)
        rid, dep, officer = self.sent()
        r = self.assertActionRefused(c('dsup'), rid, 'close', [], 409, clause, 'closing with a member out')
        self.assertNotIn(cite('M-CHECKIN'), page_text(r.body))
        self.ok(act(c(officer), rid, 'checkin', [('deployment', dep), ('status', 'returned')]))
        commander = person(S, 'commander', 'mwcmd', district='District 2')
        for who in (officer, commander, 'watch', 'chief', 'agency'):
            with self.subTest(refused=who):
                r = self.assertActionRefused(c(who), rid, 'close', [], 403, clause, '%s closing' % who)
                self.assertIn('may not close a request', page_text(r.body))
        self.ok(act(c('dispatcher'), rid, 'close', [('note', 'All back.')]))
        j = self.js(rid)
        self.assertEqual(j['status'], 'closed')
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'closed')], [(U['dispatcher'], clause)])
        for who in ('dsup', 'supervisor'):
            with self.subTest(allowed=who):
                rid = self.file_ok(c('agency'), inside(squads='1', special_units=None))
                self.ok(act(c(who), rid, 'close'))
                self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid), 'closed')],
                                 [(U[who], clause)])



# ------------------------------------------------------------------ keeping people informed (department rules)

class KeepingInformed(Case):
    """The agency that asked in the portal hears of its request (notify:
    asker), and those working on a request hear of its cancellation
    (notify: workers): department rules, SOP 230 says neither."""

    @classmethod
    def setUpClass(cls):
        cls.bc = person(S, 'bureau_chief', 'mkibc', bureau='Patrol Bureau')

    def asker_told(self, rid, rule):
        return self.assertAskerTold(self.js(rid), rule, U['agency'])

    def approved(self):
        rid = self.file_ok(c('agency'), outside(special_units=None))
        self.ok(act(signed(S, self.bc), rid, 'approve', [('note', 'Granted.')]), 'the bureau approves')
        return rid

    def test_M_ASKER_RECEIVED_department_rule_agency_told_its_request_arrived(self):
        """M-ASKER-RECEIVED, Department rule: the agency that filed in the
        portal is told its request arrived; a request DEC logs from a call
        tells nobody so (the asker is not an account)."""
        self.asker_told(self.file_ok(c('agency'), outside()), 'M-ASKER-RECEIVED')
        logged = self.file_ok(c('dispatcher'), outside(channel='phone'))
        self.assertEqual(notes(self.js(logged), rule='M-ASKER-RECEIVED'), [])

    def test_M_ASKER_APPROVED_department_rule_agency_told_of_the_approval(self):
        """M-ASKER-APPROVED, Department rule: the agency is told of the
        approval (with the approver's note)."""
        n = self.asker_told(self.approved(), 'M-ASKER-APPROVED')
        self.assertIn('Granted.', n['reason'])

    def test_M_ASKER_DENIED_department_rule_agency_told_of_the_denial_with_the_reason(self):
        """M-ASKER-DENIED, Department rule: the agency is told of a denial at
        once, with the reason."""
        rid = self.file_ok(c('agency'), outside(special_units=None))
        self.ok(act(signed(S, self.bc), rid, 'deny', [('reason', 'Bureau fully committed.')]))
        self.assertIn('Bureau fully committed.', self.asker_told(rid, 'M-ASKER-DENIED')['reason'])

    def test_M_ASKER_DISPATCHED_department_rule_agency_told_units_are_sent(self):
        """M-ASKER-DISPATCHED, Department rule: the agency is told when units
        are sent."""
        rid = self.approved()
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])]))
        self.asker_told(rid, 'M-ASKER-DISPATCHED')

    def test_M_ASKER_CLOSED_department_rule_agency_told_when_closed(self):
        """M-ASKER-CLOSED, Department rule: the agency is told when the request
        is closed."""
        rid = self.approved()
        self.send_return_close(rid, c('dispatcher'), c('dispatcher'), person(S, 'officer', 'mkioff'),
                               'Everyone back.')
        self.assertIn('Everyone back.', self.asker_told(rid, 'M-ASKER-CLOSED')['reason'])

    def test_M_CANCEL_TOLD_department_rule_whoever_worked_on_it_told_with_the_reason(self):
        """M-CANCEL-TOLD, Department rule: a cancellation tells the department's
        people who acted on the request or were notified of it, with the
        reason; not the agency that cancelled it."""
        clause = cite('M-CANCEL-TOLD')
        rid = self.file_ok(c('agency'), outside(special_units=None))
        self.ok(act(c('dsup'), rid, 'authorize', [('squads', '1')]))
        before = self.js(rid)
        workers = sorted({n['recipient'] for n in before['notifications']
                          if n['recipient'] not in (None, U['agency'])} | {U['dsup']})
        self.ok(act(c('agency'), rid, 'cancel', [('reason', 'Our own units arrived.'), ('confirm', 'yes')]))
        told = notes(self.js(rid), rule='M-CANCEL-TOLD')
        self.assertEqual(sorted(n['recipient'] for n in told), workers)
        self.assertEqual({n['clause'] for n in told}, {clause})
        self.assertTrue(all('Our own units arrived.' in n['reason'] for n in told))

class Citations(Case):

    def test_every_notification_and_event_cites_its_rule_and_department_rules_say_so(self):
        """Every notification stored so far carries its rule's citation as the
        policy file gives it (department rules: "Department rule: " and the
        reason), every event's clause is a citation of the file, and the
        forms and /policy show the department's rules as such."""
        # Some of every kind of event, whatever ran before.
        bc = person(S, 'bureau_chief', 'mcibc', bureau='Patrol Bureau')
        rid = self.file_ok(c('dispatcher'), outside(channel='phone', emergency='yes', special_units=['k9']))
        self.ok(act(c('dsup'), rid, 'authorize', [('squads', '1'), ('special_units', 'k9')]))
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '2')]))
        self.ok(act(signed(S, bc), rid, 'approve'))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']), ('special_units', 'k9')]))
        self.ok(act(c('chief'), rid, 'except', [('rule', 'M-FOLLOWUP'), ('reason', 'walk ' + uniq('r'))]))
        rid = self.file_ok(c('agency'), inside(squads='2'))
        self.ok(act(c('dsup'), rid, 'approve'))
        self.file_ok(c('fed'), fed_in_fields())
        rows = S.psql("SELECT DISTINCT rule_id, clause FROM notification ORDER BY 1")
        self.assertTrue({'M-IN-DEC', 'M-APPROVER-FILED', 'M-APPROVER-TOLD', 'M-ASSESS-DEC', 'M-APPROVED-CHIEF',
                         'M-UNIT-SENT', 'M-EXCEPTION-TOLD', 'M-IN-CITY-COMMANDER', 'M-FED-CHIEF'}
                        <= {r for r, _ in rows}, rows)
        wrong = [(r, cl) for r, cl in rows if r not in RULES or RULES[r]['citation'] != cl]
        self.assertEqual(wrong, [])
        dept = {r for r, cl in rows if RULES[r]['basis'] == 'department'}
        self.assertTrue(dept)
        self.assertTrue(all(RULES[r]['citation'].startswith('Department rule: ') for r in dept))
        citations = {r['citation'] for r in RULES.values()}
        # A request's events cite the policy; account events (sign-ins, issue
        # 15) cite the CJIS Security Policy and belong to no request.
        ev = S.psql("SELECT DISTINCT action, clause FROM audit_event"
                    " WHERE clause IS NOT NULL AND request_id IS NOT NULL ORDER BY 1, 2")
        self.assertEqual([(a, cl) for a, cl in ev if cl not in citations], [])
        page = page_text(c('dispatcher').get('/requests/new?kind=aid_incoming').body)
        self.assertIn(cite('M-IN-NEEDS'), page)
        pol = c('dispatcher').get('/policy')
        self.assertEqual(pol.status, 200, pol.describe())
        for rid, rule in RULES.items():
            m = re.search(r'<li id="rule-%s"><span class="clause( department)?">(.*?)</span>' % re.escape(rid),
                          pol.body, re.S)
            self.assertIsNotNone(m, '%s is not on /policy' % rid)
            self.assertEqual((bool(m.group(1)), page_text(m.group(2)).strip()),
                             (rule['basis'] == 'department', rule['citation']), rid)


# ------------------------------------------------------------------ coverage of the policy file

class RuleCoverage(Case):

    def test_every_rule_of_the_milwaukee_policy_has_a_test_named_with_id_and_clause(self):
        """Every rule of policies/milwaukee.policy has a test here whose name
        holds the rule id and its clause (or department_rule) and whose
        docstring names it; and the module table lists it."""
        ph.assert_rule_coverage(self, POLICY, globals(), __doc__)
