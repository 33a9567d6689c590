"""Policy 98-023 (policies/oconomowoc.policy): one test per rule of the policy
file at least, named with the rule id and its clause (or `department_rule`
for the department's own rules), filing through the real HTTP stack and
asserting on the stored request (/requests/ID.json), the refusal (403 / 409
/ 422 naming the clause) or the notifications, whose `clause` must be the
rule's citation as the file gives it.

Policy 98-023 permits what it permits: no approval is required (the
supervisor/OIC is notified, §V.A, and helps WCC choose the units, §V.C), so
units are sent right after filing by the supervisor or WCC; the
communications center asks other agencies itself (§III.A.1); the
investigating officer, a detective or any officer, asks a federal agency
(§III.B.2). The approval gate a department might want is O-APPROVE, a
department rule switched off: approve and deny answer 409 ("needs no
approval"). ApprovalSwitchedOn runs a stack on a copy of the file with
O-APPROVE switched on, where the supervisor approves, whoever filed does not
decide (O-SEPARATION) and whoever sent units is told of a denial
(O-DENIED-SENDERS).

The stacks are this module's own ('policy-oconomowoc', and
'policy-oconomowoc-approve'), notifier polling every second.

| rule id              | cites                     | test |
|----------------------|---------------------------|------|
| O-OUT-FILE           | 98-023 §III.A.1           | OutgoingAid.test_O_OUT_FILE_98_023_III_A_1_supervisor_or_the_communications_center_asks_other_agencies |
| O-OUT-NEEDS          | 98-023 §III.A.2, §IV.A.1  | OutgoingAid.test_O_OUT_NEEDS_98_023_III_A_2_IV_A_1_nature_and_resources_required |
| O-OUT-STAGING        | 98-023 §III.A.3           | OutgoingAid.test_O_OUT_STAGING_98_023_III_A_3_staging_area_and_commander_required_and_statute_printed |
| O-FED-INV-FILE       | 98-023 §III.B.2           | Federal.test_O_FED_INV_FILE_98_023_III_B_2_the_investigating_officer_detective_or_officer_files |
| O-FED-INV-NEEDS      | 98-023 §III.B.2           | Federal.test_O_FED_INV_NEEDS_98_023_III_B_2_federal_agency_named |
| O-FED-INV-CASE       | department rule           | Federal.test_O_FED_INV_CASE_department_rule_case_number_and_category_required |
| O-FED-INV-CHIEF      | 98-023 §III.B.2           | Federal.test_O_FED_INV_CHIEF_98_023_III_B_2_chief_notified_of_federal_investigative |
| O-FED-EMER-FILE      | 98-023 §III.B.3           | Federal.test_O_FED_EMER_FILE_98_023_III_B_3_only_supervisor_files_federal_emergency |
| O-FED-EMER-NEEDS     | 98-023 §III.B.3           | Federal.test_O_FED_EMER_NEEDS_98_023_III_B_3_federal_agency_required |
| O-FED-EMER-CHIEF     | 98-023 §III.B.3           | Federal.test_O_FED_EMER_CHIEF_98_023_III_B_3_chief_notified_of_federal_emergency |
| O-FED-IN-FILE        | 98-023 §III.B.4           | Federal.test_O_FED_IN_FILE_98_023_III_B_4_federal_agency_supervisor_or_dispatcher_files_federal_incoming |
| O-FED-IN-NEEDS       | department rule           | Federal.test_O_FED_IN_NEEDS_department_rule_federal_agency_asker_and_callback_required |
| O-FED-IN-CHIEF       | 98-023 §III.B.4           | Federal.test_O_FED_IN_CHIEF_98_023_III_B_4_chief_notified_of_federal_incoming |
| O-FED-IN-CHIEF       | 98-023 §III.B.4           | Federal.test_O_FED_IN_CHIEF_98_023_III_B_4_chief_notified_of_aid_incoming_from_federal_authorities |
| O-SPECIAL-UNIT       | 98-023 §IV.B.1            | SpecialUnits.test_O_SPECIAL_UNIT_98_023_IV_B_1_unit_commander_notified_when_unit_involved |
| O-SPECIAL-UNIT-SENT  | 98-023 §IV.B.1            | SpecialUnits.test_O_SPECIAL_UNIT_SENT_98_023_IV_B_1_unit_commander_notified_when_unit_sent |
| O-CHECKIN            | department rule           | OverdueCheckin.test_O_CHECKIN_department_rule_regularly_read_as_60_minutes |
| O-CHECKIN            | department rule           | WhoActs.test_O_CHECKIN_department_rule_the_officer_wcc_or_a_supervisor_records_a_check_in |
| O-CHECKIN-DISPATCH   | department rule           | OverdueCheckin.test_O_CHECKIN_DISPATCH_department_rule_communications_center_told_once |
| O-CHECKIN-SUPERVISOR | department rule           | OverdueCheckin.test_O_CHECKIN_SUPERVISOR_department_rule_supervisor_told_once |
| O-SUPERVISOR         | 98-023 §V.A               | Supervisor.test_O_SUPERVISOR_98_023_V_A_every_request_notifies_supervisor_on_duty |
| O-IN-FILE            | 98-023 §V.B               | IncomingAid.test_O_IN_FILE_98_023_V_B_aid_only_when_outside_agency_asks |
| O-IN-NEEDS           | 98-023 §V.B               | IncomingAid.test_O_IN_NEEDS_98_023_V_B_agency_and_asker_required |
| O-IN-CONTACT         | department rule           | IncomingAid.test_O_IN_CONTACT_department_rule_callback_incident_priority_and_place_required |
| O-UNITS              | 98-023 §V.C               | UnitsAndDispatch.test_O_UNITS_98_023_V_C_supervisor_helps_decide_the_units |
| O-ASSESSMENT         | 98-023 §V.C               | WhoActs.test_O_ASSESSMENT_98_023_V_C_the_supervisor_records_the_assessment |
| O-ASSESSMENT-RELAYED | department rule           | WhoActs.test_O_ASSESSMENT_RELAYED_department_rule_a_dispatch_supervisor_records_it_for_the_supervisor |
| O-DISPATCH           | 98-023 §V.C               | UnitsAndDispatch.test_O_DISPATCH_98_023_V_C_supervisor_or_dispatcher_sends_units_right_after_filing |
| O-INTERNAL-FILE      | department rule           | UnitsAndDispatch.test_O_INTERNAL_FILE_department_rule_supervisor_or_dispatcher_files_aid_internal |
| O-APPROVE            | department rule           | NoApproval.test_O_APPROVE_department_rule_switched_off_nothing_to_approve_or_deny |
| O-APPROVE            | department rule           | ApprovalSwitchedOn.test_O_APPROVE_department_rule_switched_on_the_supervisor_approves |
| O-DENIED-SENDERS     | department rule           | ApprovalSwitchedOn.test_O_DENIED_SENDERS_department_rule_whoever_sent_units_told_of_a_denial |
| O-CLOSE              | department rule           | WhoActs.test_O_CLOSE_department_rule_supervisor_wcc_or_dispatch_supervisor_closes_once_all_returned |
| O-EXCEPTION          | 98-023 §VI                | Exceptions.test_O_EXCEPTION_98_023_VI_only_chief_grants_exception_with_reason_to_a_rule_the_portal_waives |
| O-EXCEPTION-TOLD     | department rule           | Exceptions.test_O_EXCEPTION_TOLD_department_rule_supervisor_told_and_the_request_shows_it |
| O-SEPARATION         | department rule           | NoApproval.test_O_SEPARATION_department_rule_inert_while_approvals_are_off |
| O-SEPARATION         | department rule           | ApprovalSwitchedOn.test_O_SEPARATION_department_rule_whoever_filed_does_not_approve_or_deny |
| O-ASKER-RECEIVED     | department rule           | KeepingInformed.test_O_ASKER_RECEIVED_department_rule_agency_told_its_request_arrived |
| O-ASKER-APPROVED     | department rule           | ApprovalSwitchedOn.test_O_ASKER_APPROVED_department_rule_agency_told_of_the_approval |
| O-ASKER-DENIED       | department rule           | ApprovalSwitchedOn.test_O_ASKER_DENIED_department_rule_agency_told_of_the_denial_with_the_reason |
| O-ASKER-DISPATCHED   | department rule           | KeepingInformed.test_O_ASKER_DISPATCHED_department_rule_agency_told_units_are_sent |
| O-ASKER-CLOSED       | department rule           | KeepingInformed.test_O_ASKER_CLOSED_department_rule_agency_told_when_closed |
| O-CANCEL-TOLD        | department rule           | KeepingInformed.test_O_CANCEL_TOLD_department_rule_whoever_worked_on_it_told_with_the_reason |

The headline rule (the chief is notified of every federal request) is
O-FED-INV-CHIEF, O-FED-EMER-CHIEF and O-FED-IN-CHIEF (federal_incoming by a
federal agency's account and by a dispatcher; an aid_incoming logged for a
federal agency, requesting_agency_type federal). RuleCoverage checks this
table against the policy file (`portalctl policy rules`).

Refused actions are checked with PolicyCase.assertActionRefused: one exact
status, the clause named, and nothing stored (policyhelp.request_state).
Who records an assessment, a check-in, and who closes, is the file's
(WhoActs): a role no rule names is refused 403 naming the rule; 98-023 asks
for no teletype or letter, so nobody records one (403, no rule).
Dispatch names members of the roster by login and specialized units by id.
"""

import os
import re
import time

import harness
from harness import uniq
import policyhelp as ph
from policyhelp import (act, fed_emer_fields, fed_in_fields, fed_inv_fields, incoming_fields,
                        internal_fields, notes, outgoing_fields, page_text, person, req_json,
                        signed)

POLICY = 'oconomowoc'
RULES = ph.rules(POLICY)
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
    S = ph.private_stack(POLICY, 'policy-oconomowoc')
    # A test per rule, most filing as the same agency: more than the hourly
    # limit per account allows (sql/008; test_sign_in tests the limit).
    S.psql("UPDATE setting SET value = '100000' WHERE name = 'filings_per_hour'")
    Case.S = S
    U['agency'] = person(S, 'agency', 'oag', agency='Delafield PD ' + uniq('o'), agency_type='local')
    U['fed'] = person(S, 'agency', 'ofbi', agency='FBI Milwaukee ' + uniq('o'), agency_type='federal')
    for role in ('officer', 'detective', 'supervisor', 'dispatcher', 'chief', 'commander'):
        U[role] = person(S, role, 'o' + role[:6])
    U['officer2'] = person(S, 'officer', 'oofficer2')
    U['supervisor2'] = person(S, 'supervisor', 'osuperv2')
    U['dsup'] = person(S, 'dispatch_supervisor', 'odsup')


def c(key):
    return signed(S, U.get(key, key))


class Case(ph.PolicyCase):
    POLICY = POLICY

    def ok(self, r, what=''):
        self.assertEqual(r.status, 303, '%s: %s' % (what, r.describe(1500)))

    def js(self, rid, who='supervisor'):
        return req_json(c(who), rid)


# ------------------------------------------------------------------ outgoing aid (§III.A)

class OutgoingAid(Case):

    def test_O_OUT_FILE_98_023_III_A_1_supervisor_or_the_communications_center_asks_other_agencies(self):
        """O-OUT-FILE, "98-023 §III.A.1": the shift supervisor/OIC or Waukesha
        County Communications (WCC) is authorized to request mutual aid: a
        dispatcher asks other agencies as a supervisor does; nobody else."""
        clause = cite('O-OUT-FILE')
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(allowed=who):
                page = c(who).get('/requests/new?kind=aid_outgoing')
                self.assertEqual(page.status, 200, page.describe())
                j = self.js(self.file_ok(c(who), outgoing_fields()))
                self.assertEqual((j['kind'], j['filed_by'], j['status']), ('aid_outgoing', U[who], 'submitted'))
        for who in ('officer', 'detective', 'agency', 'chief', 'commander'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), outgoing_fields(), clause, who)
                self.assertRefused(c(who).get('/requests/new?kind=aid_outgoing'), 403, clause, 'GET form as ' + who)

    def test_O_OUT_NEEDS_98_023_III_A_2_IV_A_1_nature_and_resources_required(self):
        """O-OUT-NEEDS, "98-023 §III.A.2, §IV.A.1": a request for aid states the
        nature of the emergency and the estimated personnel, equipment or
        special units needed; without them it is refused with the field named."""
        clause = cite('O-OUT-NEEDS')
        none = dict(squads='0', supervisors='0', personnel='0', special_units=None, equipment='')
        self.assertFieldsMissing(c('supervisor'), outgoing_fields(**none),
                                 ['squads', 'supervisors', 'personnel', 'special_units', 'equipment'], clause,
                                 'no resources')
        self.assertFieldsMissing(c('supervisor'), outgoing_fields(nature=''), ['nature'], clause, 'no nature')
        for one in (dict(equipment='Light tower'), dict(special_units=['dive']), dict(personnel='2')):
            fields = dict(none)
            fields.update(one)
            self.assertTrue(self.js(self.file_ok(c('dispatcher'), outgoing_fields(**fields)))['nature'])

    def test_O_OUT_STAGING_98_023_III_A_3_staging_area_and_commander_required_and_statute_printed(self):
        """O-OUT-STAGING, "98-023 §III.A.3": responding officers are told where to
        report and whose command they are under; the printed request cites
        Wis. Stat. 66.0313 (formerly 66.305) and 66.0513 (formerly 66.315)."""
        clause = cite('O-OUT-STAGING')
        self.assertFieldsMissing(c('supervisor'), outgoing_fields(staging_area='', commander_name=''),
                                 ['staging_area', 'commander_name'], clause, 'no staging')
        rid = self.file_ok(c('supervisor'), outgoing_fields(staging_area='Lot B ' + uniq('st'),
                                                            commander_name='Lt. Reporting To'))
        j = self.js(rid)
        self.assertEqual(j['commander_name'], 'Lt. Reporting To')
        p = c('supervisor').get('/requests/%d/print' % rid)
        self.assertEqual(p.status, 200, p.describe())
        text = page_text(p.body)
        for law in ('66.0313', '66.305', '66.0513', '66.315'):
            self.assertIn(law, text, 'the printed request does not cite Wis. Stat. ' + law)
        self.assertIn(j['staging_area'], text)
        self.assertIn('Lt. Reporting To', text)
        self.assertIn(clause, text)


# ------------------------------------------------------------------ incoming aid (§V.B)

class IncomingAid(Case):

    def test_O_IN_FILE_98_023_V_B_aid_only_when_outside_agency_asks(self):
        """O-IN-FILE, "98-023 §V.B": officers should not offer mutual assistance;
        it must be requested from an outside agency, in the portal or by a
        call a supervisor or the communications center logs; there is no
        "offer" action."""
        clause = cite('O-IN-FILE')
        rid = self.file_ok(c('agency'), incoming_fields(requesting_agency='Someone Else PD', channel='phone'))
        j = self.js(rid)
        agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['agency'])
        self.assertEqual((j['requesting_agency'], j['channel']), (agency, 'portal'))
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(logged_by=who):
                j2 = self.js(self.file_ok(c(who), incoming_fields(channel='phone')))
                self.assertEqual((j2['requesting_agency'], j2['channel']),
                                 ('Town of Delafield Police Department', 'phone'))
        for who in ('officer', 'detective', 'commander', 'chief'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), incoming_fields(), clause, who)
        for who in ('officer', 'supervisor'):
            self.assertEqual(act(c(who), rid, 'offer').status, 404)

    def test_O_IN_NEEDS_98_023_V_B_agency_and_asker_required(self):
        """O-IN-NEEDS, "98-023 §V.B": "such assistance must be requested from an
        outside agency": the request names the agency and the person who
        asked (the clause beside each field)."""
        clause = cite('O-IN-NEEDS')
        self.assertFieldsMissing(c('dispatcher'), incoming_fields(requesting_agency=None, requester_name=None),
                                 ['requesting_agency', 'requester_name'], clause, 'dispatcher without the asker')
        self.assertFieldsMissing(c('agency'), incoming_fields(requester_name=''), ['requester_name'], clause,
                                 'agency without the asker')

    def test_O_IN_CONTACT_department_rule_callback_incident_priority_and_place_required(self):
        """O-IN-CONTACT, Department rule: the department must be able to call
        back and to know where help is needed before it sends anyone: a
        call-back number, the kind of incident, its priority and the place,
        each refused with the department's reason, not a clause of 98-023."""
        clause = cite('O-IN-CONTACT')
        self.assertTrue(clause.startswith('Department rule: '), clause)
        needed = ['contact_phone', 'incident_type', 'priority', 'location']
        r = self.assertFieldsMissing(c('dispatcher'), incoming_fields(**{f: None for f in needed}), needed, clause,
                                     'dispatcher without call-back and place')
        for f in needed:
            self.assertNotIn('§V.B', ph.element_text(r.body, 'err-' + f))
        self.assertFieldsMissing(c('agency'), incoming_fields(contact_phone='', location=''),
                                 ['contact_phone', 'location'], clause, 'agency without call-back and place')


# ------------------------------------------------------------------ units and dispatch (§V.C)

class UnitsAndDispatch(Case):

    def test_O_UNITS_98_023_V_C_supervisor_helps_decide_the_units(self):
        """O-UNITS, "98-023 §V.C": the shift supervisor/OIC shall aid WCC in
        determining which units will be sent: the supervisor records the
        units needed, kept beside what was filed, with no approval to wait
        for (the request stays as it is and units go at once); others may
        not (403 naming §V.C). Who records it is O-ASSESSMENT's to say, under
        the same clause (WhoActs)."""
        clause = cite('O-UNITS')
        self.assertEqual(clause, '98-023 §V.C')
        rid = self.file_ok(c('agency'), incoming_fields(squads='1', special_units=None))
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '3'), ('special_units', 'k9'),
                                                     ('note', 'three squads and a dog')]))
        j = self.js(rid)
        self.assertEqual((j['assessed_squads'], j['assessed_special_units']), (3, ['k9']))
        self.assertEqual((j['squads'], j['special_units'], j['status']), (1, [], 'submitted'))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'assessed')], [(U['supervisor'], clause)])
        for who in ('officer', 'detective', 'dispatcher', 'chief'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'assess', [('squads', '9')], 403, clause, who + ' deciding units')
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']), ('assignee', U['officer2']),
                                                       ('special_units', 'k9')]))
        self.assertEqual(self.js(rid)['status'], 'dispatched')

    def test_O_DISPATCH_98_023_V_C_supervisor_or_dispatcher_sends_units_right_after_filing(self):
        """O-DISPATCH, "98-023 §V.C": units are sent by the communications center
        (WCC), with the shift supervisor/OIC, right after filing (no approval
        in 98-023); nobody else sends them."""
        clause = cite('O-DISPATCH')
        rid = self.file_ok(c('agency'), incoming_fields(special_units=None))
        for who in ('officer', 'detective', 'chief', 'commander'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'dispatch', [('assignee', U['officer'])], 403, clause,
                                         who + ' dispatching')
        self.assertEqual(self.js(rid)['deployments'], [])
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])]), 'WCC sends at once')
        self.ok(act(c('supervisor'), rid, 'dispatch', [('assignee', U['officer2'])]), 'the supervisor sends too')
        j = self.js(rid)
        self.assertEqual(j['status'], 'dispatched')
        self.assertEqual(sorted((d['assignee'], d['unit_type'], d['authorized_by']) for d in j['deployments']),
                         sorted([(U['officer'], 'squad', U['dispatcher']), (U['officer2'], 'squad', U['supervisor'])]))
        self.assertEqual([e['clause'] for e in ph.events(j, 'dispatched')], [clause, clause])
        self.assertEqual(ph.events(j, 'approved'), [])
        # The same for aid between parts of the department and any number of units.
        rid = self.file_ok(c('supervisor'), internal_fields(squads='4', special_units=['k9']))
        squads = [person(S, 'officer', 'odsq') for _ in range(4)]
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', x) for x in squads] + [('special_units', 'k9')]))

    def test_O_INTERNAL_FILE_department_rule_supervisor_or_dispatcher_files_aid_internal(self):
        """O-INTERNAL-FILE, Department rule: moving units from one part of the
        department to another is arranged in the portal like any other aid,
        by the shift supervisor/OIC with WCC (98-023 §V.C)."""
        clause = cite('O-INTERNAL-FILE')
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(allowed=who):
                self.assertEqual(self.js(self.file_ok(c(who), internal_fields()))['kind'], 'aid_internal')
        for who in ('officer', 'detective', 'commander', 'agency'):
            with self.subTest(refused=who):
                r = self.assertFilingRefused(c(who), internal_fields(), clause, who)
                self.assertIn('Department rule: ', page_text(r.body))


# ------------------------------------------------------------------ no approval in 98-023 (O-APPROVE switched off)

class NoApproval(Case):

    def test_O_APPROVE_department_rule_switched_off_nothing_to_approve_or_deny(self):
        """O-APPROVE, Department rule: a supervisor's approval before units are
        sent, which Policy 98-023 does not require; switched off: approve and
        deny answer 409 "needs no approval" for every kind and every role,
        nothing stored; no provisional authorization either; the request
        page offers neither."""
        self.assertEqual(RULES['O-APPROVE']['state'], 'off')
        filings = [('agency', incoming_fields()), ('supervisor', outgoing_fields()),
                   ('dispatcher', internal_fields()), ('fed', fed_in_fields())]
        for who, fields in filings:
            kind = dict(fields)['kind']
            with self.subTest(kind=kind):
                rid = self.file_ok(c(who), fields)
                for decider in ('supervisor2', 'chief'):
                    r = self.assertActionRefused(c(decider), rid, 'approve', [('note', 'ok')], 409, None,
                                                 '%s approving %s' % (decider, kind))
                    self.assertIn('needs no approval', page_text(r.body))
                    self.assertActionRefused(c(decider), rid, 'deny', [('reason', 'no')], 409, None,
                                             '%s denying %s' % (decider, kind))
                self.assertActionRefused(c('supervisor2'), rid, 'authorize', [('squads', '1')], 403, None,
                                         'a provisional authorization')
                body = c('supervisor2').get('/requests/%d' % rid).body
                for action in ('approve', 'deny', 'authorize'):
                    self.assertNotIn('action="/requests/%d/%s"' % (rid, action), body)

    def test_O_SEPARATION_department_rule_inert_while_approvals_are_off(self):
        """O-SEPARATION, Department rule: whoever filed a request does not approve
        or deny it: with nothing to approve (O-APPROVE off) the rule has
        nothing to act on: the filer, like anyone, is told the request needs
        no approval (409, not 403), and the filer may send units."""
        rid = self.file_ok(c('supervisor'), incoming_fields(channel='phone'))
        r = self.assertActionRefused(c('supervisor'), rid, 'approve', [], 409, None, 'the filer approving')
        self.assertNotIn(cite('O-SEPARATION'), page_text(r.body))
        self.ok(act(c('supervisor'), rid, 'dispatch', [('assignee', U['officer'])]))


# ------------------------------------------------------------------ the approval switched on (a department's choice)

def _approve_on_policy():
    """A copy of policies/oconomowoc.policy with O-APPROVE switched on."""
    return ph.switched_on(POLICY, 'O-APPROVE', 'oconomowoc-approve')


class ApprovalSwitchedOn(ph.PolicyCase):
    """A stack of its own on the same policy with O-APPROVE switched on: the
    department's choice the file keeps written down."""

    POLICY = POLICY

    @classmethod
    def setUpClass(cls):
        cls.path = _approve_on_policy()
        cls.S = ph.private_stack(POLICY, 'policy-oconomowoc-approve', policy_file=cls.path)
        cls.P = {k: person(cls.S, role, 'oa' + k[:5]) for k, role in (
            ('agency', 'agency'), ('sup', 'supervisor'), ('sup2', 'supervisor'), ('disp', 'dispatcher'),
            ('disp2', 'dispatcher'), ('officer', 'officer'), ('officer2', 'officer'))}

    @classmethod
    def tearDownClass(cls):
        cls.S.stop()

    def p(self, key):
        return signed(self.S, self.P[key])

    def test_O_APPROVE_department_rule_switched_on_the_supervisor_approves(self):
        """O-APPROVE, Department rule: switched on, the shift supervisor/OIC
        approves or denies a request before units are sent: dispatch before
        it is 409 citing the department's rule, only a supervisor decides
        (403), and the approval and denial cite it."""
        clause = cite('O-APPROVE')
        rid = self.file_ok(self.p('agency'), incoming_fields(special_units=None))
        self.assertActionRefused(self.p('disp'), rid, 'dispatch', [('assignee', self.P['officer'])], 409, clause,
                                 'dispatch before the approval')
        self.assertActionRefused(self.p('disp'), rid, 'approve', [], 403, clause, 'a dispatcher approving')
        self.ok(act(self.p('sup'), rid, 'approve', [('note', 'Go.')]))
        j = req_json(self.p('sup'), rid)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')], [(self.P['sup'], clause)])
        self.ok(act(self.p('disp'), rid, 'dispatch', [('assignee', self.P['officer'])]))
        rid2 = self.file_ok(self.p('agency'), incoming_fields())
        self.ok(act(self.p('sup'), rid2, 'deny', [('reason', 'No units free tonight.')]))
        self.assertEqual([e['clause'] for e in ph.events(req_json(self.p('sup'), rid2), 'denied')], [clause])
        # Requests we make and federal requests are not its kinds.
        rid3 = self.file_ok(self.p('sup'), fed_emer_fields())
        self.assertActionRefused(self.p('sup2'), rid3, 'approve', [], 409, None, 'approving federal_emergency')

    def ok(self, r, what=''):
        self.assertEqual(r.status, 303, '%s: %s' % (what, r.describe(1500)))

    def test_O_ASKER_APPROVED_department_rule_agency_told_of_the_approval(self):
        """O-ASKER-APPROVED, Department rule: with approvals switched on, the
        agency that filed is told of the approval, with the note."""
        rid = self.file_ok(self.p('agency'), incoming_fields(special_units=None))
        self.ok(act(self.p('sup'), rid, 'approve', [('note', 'Two squads coming.')]))
        n = self.assertAskerTold(req_json(self.p('sup'), rid), 'O-ASKER-APPROVED', self.P['agency'])
        self.assertIn('Two squads coming.', n['reason'])

    def test_O_ASKER_DENIED_department_rule_agency_told_of_the_denial_with_the_reason(self):
        """O-ASKER-DENIED, Department rule: the agency that filed learns of a
        denial at once, with the reason."""
        rid = self.file_ok(self.p('agency'), incoming_fields(special_units=None))
        self.ok(act(self.p('sup'), rid, 'deny', [('reason', 'Every squad is committed.')]))
        n = self.assertAskerTold(req_json(self.p('sup'), rid), 'O-ASKER-DENIED', self.P['agency'])
        self.assertIn('Every squad is committed.', n['reason'])

    def test_O_SEPARATION_department_rule_whoever_filed_does_not_approve_or_deny(self):
        """O-SEPARATION, Department rule: separation of duties: whoever filed a
        request does not approve or deny it; another supervisor decides."""
        clause = cite('O-SEPARATION')
        for fields in (outgoing_fields(), incoming_fields(channel='phone')):
            kind = dict(fields)['kind']
            with self.subTest(kind=kind):
                rid = self.file_ok(self.p('sup'), fields)
                self.assertActionRefused(self.p('sup'), rid, 'approve', [('note', 'mine')], 403, clause,
                                         'the filer approving')
                self.assertActionRefused(self.p('sup'), rid, 'deny', [('reason', 'mine')], 403, clause,
                                         'the filer denying')
                self.ok(act(self.p('sup2'), rid, 'approve', [('note', 'Another supervisor decides.')]))
                self.assertEqual([(e['actor'], e['clause']) for e in ph.events(req_json(self.p('sup'), rid),
                                                                               'approved')],
                                 [(self.P['sup2'], cite('O-APPROVE'))])

    def test_O_DENIED_SENDERS_department_rule_whoever_sent_units_told_of_a_denial(self):
        """O-DENIED-SENDERS, Department rule: whoever sent units learns at once
        that the request was denied, so that the units are called back: an
        approved request whose assessment asks for more goes back to the
        supervisor, who denies it while units are out: each sender is told,
        with the reason; nobody is told when no unit is out."""
        rid = self.file_ok(self.p('agency'), incoming_fields(squads='2', special_units=None))
        self.ok(act(self.p('sup'), rid, 'approve'))
        self.ok(act(self.p('disp'), rid, 'dispatch', [('assignee', self.P['officer'])]))
        self.ok(act(self.p('disp2'), rid, 'dispatch', [('assignee', self.P['officer2'])]))
        self.ok(act(self.p('sup2'), rid, 'assess', [('squads', '6'), ('note', 'Six squads needed.')]))
        self.assertEqual(req_json(self.p('sup'), rid)['status'], 'pending_approval')
        reason = 'Six squads are beyond us: call them back ' + uniq('r')
        self.ok(act(self.p('sup'), rid, 'deny', [('reason', reason)]))
        j = req_json(self.p('sup'), rid)
        self.assertEqual(j['status'], 'denied')
        for sender in ('disp', 'disp2'):
            n = self.assertNotified(j, 'O-DENIED-SENDERS', self.P[sender], role='dispatcher')
            self.assertIn(reason, n['reason'])
        self.assertEqual(len(notes(j, rule='O-DENIED-SENDERS')), 2)
        self.assertEqual({d['status'] for d in j['deployments']}, {'dispatched'})
        rid2 = self.file_ok(self.p('agency'), incoming_fields())
        self.ok(act(self.p('sup'), rid2, 'deny', [('reason', 'No.')]))
        self.assertEqual(notes(req_json(self.p('sup'), rid2), rule='O-DENIED-SENDERS'), [])


# ------------------------------------------------------------------ exceptions (§VI)

class Exceptions(Case):

    def test_O_EXCEPTION_98_023_VI_only_chief_grants_exception_with_reason_to_a_rule_the_portal_waives(self):
        """O-EXCEPTION, "98-023 §VI": exceptions to this policy may be authorized
        only by the Chief of Police, with a written reason, to a rule the
        portal can waive that is in force: under 98-023 only separation of
        duties is offered; the switched-off approval or any other rule is
        422, nothing stored."""
        clause = cite('O-EXCEPTION')
        rid = self.file_ok(c('agency'), incoming_fields())
        page = c('chief').get('/requests/%d' % rid)
        m = re.search(r'<select id="except-rule" name="rule">(.*?)</select>', page.body, re.S)
        self.assertIsNotNone(m, 'no exception form for the chief')
        self.assertEqual(re.findall(r'<option value="([^"]+)"', m.group(1)), ['O-SEPARATION'])
        for who in ('supervisor', 'dispatcher', 'commander'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'except', [('rule', 'O-SEPARATION'), ('reason', 'hurry')], 403,
                                         clause, who + ' granting an exception')
        self.assertActionRefused(c('chief'), rid, 'except', [('rule', 'O-SEPARATION'), ('reason', '')], 422, None,
                                 'without a reason')
        for rule in ('O-APPROVE', 'O-SUPERVISOR', 'O-DISPATCH', 'O-IN-CONTACT', 'O-CHECKIN', 'NO-SUCH'):
            with self.subTest(not_waivable=rule):
                self.assertActionRefused(c('chief'), rid, 'except', [('rule', rule), ('reason', 'x')], 422, None,
                                         'an exception to ' + rule)
        reason = 'A one-person shift tonight ' + uniq('why')
        self.ok(act(c('chief'), rid, 'except', [('rule', 'O-SEPARATION'), ('reason', reason)]))
        j = self.js(rid, 'chief')
        ev = ph.events(j, 'exception')
        self.assertEqual([(e['actor'], e['clause']) for e in ev], [(U['chief'], clause)])
        self.assertIn(reason, ev[0]['note'])
        self.assertIn('O-SEPARATION', ev[0]['note'])
        self.assertActionRefused(c('chief'), rid, 'except', [('rule', 'O-SEPARATION'), ('reason', 'again')], 409,
                                 clause, 'the same exception twice')

    def test_O_EXCEPTION_TOLD_department_rule_supervisor_told_and_the_request_shows_it(self):
        """O-EXCEPTION-TOLD, Department rule: an exception is recorded and the
        supervisor/OIC who runs the request is told of it; the request page
        shows the exception, its rule, who granted it and why."""
        sup = person(S, 'supervisor', 'oexsup')
        rid = self.file_ok(c('agency'), incoming_fields())
        reason = 'Only one supervisor on duty ' + uniq('why')
        self.ok(act(c('chief'), rid, 'except', [('rule', 'O-SEPARATION'), ('reason', reason)]))
        j = self.js(rid)
        n = self.assertNotified(j, 'O-EXCEPTION-TOLD', sup, role='supervisor')
        self.assertIn(reason, n['reason'])
        page = page_text(c('supervisor').get('/requests/%d' % rid).body)
        self.assertRegex(page, r'Exception to rule O-SEPARATION %s \(%s\) granted by Test chief %s on '
                         r'\d{4}-\d\d-\d\d \d\d:\d\d: %s' % (re.escape(cite('O-SEPARATION')),
                                                             re.escape(RULES['O-SEPARATION']['says']),
                                                             re.escape(U['chief']), re.escape(reason)))


# ------------------------------------------------------------------ federal (§III.B)

class Federal(Case):

    def assertChiefNotified(self, rid, rule):
        j = self.js(rid, 'chief')
        n = self.assertNotified(j, rule, U['chief'], role='chief')
        self.assertTrue(all(x['role'] == 'chief' for x in notes(j, rule=rule)))
        return n

    def test_O_FED_INV_FILE_98_023_III_B_2_the_investigating_officer_detective_or_officer_files(self):
        """O-FED-INV-FILE, "98-023 §III.B.2": for cases which are investigatory in
        nature, the investigating officer may make the request to the federal
        agency: a detective, or any officer investigating the case."""
        clause = cite('O-FED-INV-FILE')
        for who in ('detective', 'officer'):
            with self.subTest(allowed=who):
                j = self.js(self.file_ok(c(who), fed_inv_fields()))
                self.assertEqual((j['kind'], j['filed_by']), ('federal_investigative', U[who]))
                self.assertNotified(j, 'O-FED-INV-CHIEF', U['chief'], role='chief')
        for who in ('supervisor', 'dispatcher', 'agency', 'fed', 'commander'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_inv_fields(), clause, who)

    def test_O_FED_INV_NEEDS_98_023_III_B_2_federal_agency_named(self):
        """O-FED-INV-NEEDS, "98-023 §III.B.2": the request is made "to the
        appropriate federal agency": it names it."""
        self.assertFieldsMissing(c('detective'), fed_inv_fields(federal_agency=None), ['federal_agency'],
                                 cite('O-FED-INV-NEEDS'), 'no federal agency')

    def test_O_FED_INV_CASE_department_rule_case_number_and_category_required(self):
        """O-FED-INV-CASE, Department rule: the chief's notification names the
        case and what kind of investigation it is (98-023 §IV.C lists the
        kinds): both are required, with the department's reason."""
        clause = cite('O-FED-INV-CASE')
        needed = ['case_number', 'investigation_category']
        self.assertFieldsMissing(c('officer'), fed_inv_fields(**{f: None for f in needed}), needed, clause,
                                 'no case or category')
        for cat in ('narcotics', 'stolen_property', 'intelligence', 'arrest'):
            j = self.js(self.file_ok(c('detective'), fed_inv_fields(investigation_category=cat)))
            self.assertEqual(j['investigation_category'], cat)

    def test_O_FED_INV_CHIEF_98_023_III_B_2_chief_notified_of_federal_investigative(self):
        """O-FED-INV-CHIEF, "98-023 §III.B.2": the Chief of Police shall be notified
        that the request was made (headline rule)."""
        self.assertChiefNotified(self.file_ok(c('detective'), fed_inv_fields()), 'O-FED-INV-CHIEF')

    def test_O_FED_EMER_FILE_98_023_III_B_3_only_supervisor_files_federal_emergency(self):
        """O-FED-EMER-FILE, "98-023 §III.B.3": during emergencies, the shift
        supervisor/OIC has the authority to make the request."""
        j = self.js(self.file_ok(c('supervisor'), fed_emer_fields()))
        self.assertEqual((j['kind'], j['filed_by']), ('federal_emergency', U['supervisor']))
        for who in ('detective', 'dispatcher', 'officer', 'fed'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_emer_fields(), cite('O-FED-EMER-FILE'), who)

    def test_O_FED_EMER_NEEDS_98_023_III_B_3_federal_agency_required(self):
        """O-FED-EMER-NEEDS, "98-023 §III.B.3": an emergency federal request names
        the federal agency asked."""
        self.assertFieldsMissing(c('supervisor'), fed_emer_fields(federal_agency=None), ['federal_agency'],
                                 cite('O-FED-EMER-NEEDS'), 'no federal agency')

    def test_O_FED_EMER_CHIEF_98_023_III_B_3_chief_notified_of_federal_emergency(self):
        """O-FED-EMER-CHIEF, "98-023 §III.B.3": the Chief of Police shall be
        notified that such a request was made (headline rule)."""
        self.assertChiefNotified(self.file_ok(c('supervisor'), fed_emer_fields()), 'O-FED-EMER-CHIEF')

    def test_O_FED_IN_FILE_98_023_III_B_4_federal_agency_supervisor_or_dispatcher_files_federal_incoming(self):
        """O-FED-IN-FILE, "98-023 §III.B.4": federal authorities ask for our
        assistance in the portal, or by a call a supervisor or the
        communications center logs; a local agency files no federal request,
        a federal agency no aid_incoming."""
        clause = cite('O-FED-IN-FILE')
        rid = self.file_ok(c('fed'), fed_in_fields(requesting_agency='Not Us', channel='phone'))
        j = self.js(rid)
        fed_agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['fed'])
        self.assertEqual((j['requesting_agency'], j['channel']), (fed_agency, 'portal'))
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(allowed=who):
                self.file_ok(c(who), fed_in_fields())
        self.assertFilingRefused(c('agency'), fed_in_fields(), clause, 'local agency')
        r = self.assertFilingRefused(c('fed'), incoming_fields(), clause, 'federal agency filing aid_incoming')
        self.assertNotIn('§V.B', page_text(r.body))
        for who in ('officer', 'detective'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_in_fields(), clause, who)

    def test_O_FED_IN_NEEDS_department_rule_federal_agency_asker_and_callback_required(self):
        """O-FED-IN-NEEDS, Department rule: the department must be able to call
        back whoever asked: the federal agency, the person and a call-back
        number."""
        needed = ['federal_agency', 'requesting_agency', 'requester_name', 'contact_phone']
        self.assertFieldsMissing(c('dispatcher'), fed_in_fields(**{f: None for f in needed}), needed,
                                 cite('O-FED-IN-NEEDS'), 'dispatcher without the asker')

    def test_O_FED_IN_CHIEF_98_023_III_B_4_chief_notified_of_federal_incoming(self):
        """O-FED-IN-CHIEF, "98-023 §III.B.4": whenever federal authorities request
        our assistance or cooperation, the Chief of Police shall be notified
        (headline rule): filed by a federal agency's account or a dispatcher."""
        for who in ('fed', 'dispatcher'):
            with self.subTest(filed_by=who):
                self.assertChiefNotified(self.file_ok(c(who), fed_in_fields()), 'O-FED-IN-CHIEF')

    def test_O_FED_IN_CHIEF_98_023_III_B_4_chief_notified_of_aid_incoming_from_federal_authorities(self):
        """O-FED-IN-CHIEF, "98-023 §III.B.4": whenever federal authorities request
        our assistance, whatever the form of the request (headline rule): an
        aid_incoming logged for a federal agency (requesting_agency_type
        federal); not a county's; an agency's account never chooses its type."""
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(logged_by=who):
                rid = self.file_ok(c(who), incoming_fields(requesting_agency='U.S. Marshals Service',
                                                           requesting_agency_type='federal', channel='phone'))
                self.assertEqual(self.js(rid, 'chief')['requesting_agency_type'], 'federal')
                self.assertChiefNotified(rid, 'O-FED-IN-CHIEF')
        j = self.js(self.file_ok(c('dispatcher'), incoming_fields(requesting_agency_type='county')), 'chief')
        self.assertEqual((j['requesting_agency_type'], notes(j, rule='O-FED-IN-CHIEF')), ('county', []))
        j = self.js(self.file_ok(c('agency'), incoming_fields(requesting_agency_type='federal')), 'chief')
        self.assertEqual((j['requesting_agency_type'], notes(j, rule='O-FED-IN-CHIEF')), ('local', []))


# ------------------------------------------------------------------ specialized units (§IV.B.1)

class SpecialUnits(Case):

    def test_O_SPECIAL_UNIT_98_023_IV_B_1_unit_commander_notified_when_unit_involved(self):
        """O-SPECIAL-UNIT, "98-023 §IV.B.1": whenever the mutual assistance involves
        a specialized SWAT, hostage negotiation, bomb disposal or canine unit,
        the unit shares responsibility for the mission: its commander is told."""
        bomb = person(S, 'unit_commander', 'obomb', unit='bomb')
        neg = person(S, 'unit_commander', 'oneg', unit='negotiator')
        dive = person(S, 'unit_commander', 'odive', unit='dive')
        j = self.js(self.file_ok(c('agency'), incoming_fields(special_units=['bomb', 'negotiator'])))
        self.assertNotified(j, 'O-SPECIAL-UNIT', bomb, role='unit_commander')
        self.assertNotified(j, 'O-SPECIAL-UNIT', neg, role='unit_commander')
        self.assertNotNotified(j, 'O-SPECIAL-UNIT', dive)
        j2 = self.js(self.file_ok(c('agency'), incoming_fields(special_units=None)))
        self.assertEqual(notes(j2, rule='O-SPECIAL-UNIT'), [])

    def test_O_SPECIAL_UNIT_SENT_98_023_IV_B_1_unit_commander_notified_when_unit_sent(self):
        """O-SPECIAL-UNIT-SENT, "98-023 §IV.B.1": when a specialized unit is sent,
        its commander is told (the unit sent, not another; none before)."""
        dive = person(S, 'unit_commander', 'odive', unit='dive')
        k9 = person(S, 'unit_commander', 'ok9', unit='k9')
        rid = self.file_ok(c('agency'), incoming_fields(special_units=None))
        self.assertEqual(notes(self.js(rid), rule='O-SPECIAL-UNIT-SENT'), [])
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']), ('special_units', 'dive')]))
        j = self.js(rid)
        self.assertNotified(j, 'O-SPECIAL-UNIT-SENT', dive, role='unit_commander')
        self.assertNotNotified(j, 'O-SPECIAL-UNIT-SENT', k9)
        self.assertIn('dive', [d['special_unit'] for d in j['deployments']])


# ------------------------------------------------------------------ every request (§V.A)

class Supervisor(Case):

    def test_O_SUPERVISOR_98_023_V_A_every_request_notifies_supervisor_on_duty(self):
        """O-SUPERVISOR, "98-023 §V.A": all requests for mutual assistance require
        Supervisor/OIC notification: every request, of every kind, notifies the
        supervisor on duty (not one off duty)."""
        on = person(S, 'supervisor', 'osupon')
        off = person(S, 'supervisor', 'osupoff')
        S.duty(off, False)
        try:
            filings = [('agency', incoming_fields()), ('dispatcher', outgoing_fields()),
                       ('dispatcher', internal_fields()), ('officer', fed_inv_fields()),
                       ('supervisor', fed_emer_fields()), ('fed', fed_in_fields())]
            for who, fields in filings:
                with self.subTest(kind=dict(fields)['kind']):
                    j = self.js(self.file_ok(c(who), fields))
                    self.assertNotified(j, 'O-SUPERVISOR', on, role='supervisor')
                    self.assertNotNotified(j, 'O-SUPERVISOR', off)
                    self.assertTrue(all(n['role'] == 'supervisor' for n in notes(j, rule='O-SUPERVISOR')))
        finally:
            S.duty(off, True)


# ------------------------------------------------------------------ overdue check-ins (department rules)

class OverdueCheckin(Case):
    """One overdue deployment (no check-in for 61 minutes) and one that is not
    (50 minutes), sent right after filing; the notifier polls every second."""

    @classmethod
    def setUpClass(cls):
        cls.disp = person(S, 'dispatcher', 'ocidsp')
        cls.sup = person(S, 'supervisor', 'ocisup')
        cls.officer2 = person(S, 'officer', 'ociof2')
        tc = Case('run')
        rid = tc.file_ok(c('agency'), incoming_fields(special_units=None))
        r = act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']), ('assignee', cls.officer2)])
        assert r.status == 303, r.describe()
        deps = {d['assignee']: d['id'] for d in req_json(c('dispatcher'), rid)['deployments']}
        cls.rid, cls.late, cls.fresh = rid, deps[U['officer']], deps[cls.officer2]
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '61 minutes' WHERE id = %d" % cls.late)
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '50 minutes' WHERE id = %d" % cls.fresh)
        cls.first = ph.wait_until(
            lambda: (lambda j: j if notes(j, rule='O-CHECKIN-DISPATCH') and
                     notes(j, rule='O-CHECKIN-SUPERVISOR') else None)(req_json(c('dispatcher'), rid)),
            timeout=20)
        time.sleep(3)
        cls.later = req_json(c('dispatcher'), rid)

    def overdue_notes(self, rule):
        self.assertIsNotNone(self.first, 'no %s notification within 20 s of the deployment '
                             'becoming overdue (is the notifier running?)' % rule)
        return notes(self.later, rule=rule)

    def test_O_CHECKIN_department_rule_regularly_read_as_60_minutes(self):
        """O-CHECKIN, Department rule: 98-023 §IV.B.3 asks deployed officers to
        appraise WCC of their status "regularly"; the department reads that
        as at least every 60 minutes: a deployment with no check-in for 60
        minutes is overdue, the timeline citing the department's reason."""
        clause = cite('O-CHECKIN')
        self.assertIn('"regularly"', clause)
        self.overdue_notes('O-CHECKIN-DISPATCH')
        deps = {d['id']: d for d in self.later['deployments']}
        self.assertIs(deps[self.late]['overdue'], True)
        self.assertIs(deps[self.fresh]['overdue'], False)
        ev = ph.events(self.later, 'checkin_overdue')
        self.assertEqual([e['clause'] for e in ev], [clause])
        self.assertIn(U['officer'], ev[0]['note'])
        for n in notes(self.later, rule='O-CHECKIN-DISPATCH'):
            self.assertNotIn(self.officer2, n['reason'])
        self.ok(act(signed(S, U['officer']), self.rid, 'checkin', [('deployment', self.late), ('status', 'on_scene')]))
        deps = {d['id']: d for d in self.js(self.rid)['deployments']}
        self.assertEqual((deps[self.late]['overdue'], deps[self.late]['status']), (False, 'on_scene'))

    def test_O_CHECKIN_DISPATCH_department_rule_communications_center_told_once(self):
        """O-CHECKIN-DISPATCH, Department rule: WCC receives the officers' reports
        (98-023 §IV.B.3) and is told when one is missing, once per overdue
        period."""
        got = self.overdue_notes('O-CHECKIN-DISPATCH')
        self.assertNotified(self.later, 'O-CHECKIN-DISPATCH', self.disp, role='dispatcher')
        self.assertTrue(all(n['role'] == 'dispatcher' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), 'a dispatcher was told twice: %s' % per)
        self.assertEqual(len(notes(self.first, rule='O-CHECKIN-DISPATCH')), len(got))

    def test_O_CHECKIN_SUPERVISOR_department_rule_supervisor_told_once(self):
        """O-CHECKIN-SUPERVISOR, Department rule: the shift supervisor/OIC is in
        charge at the emergency site (98-023 §IV.B.1) and is told when an
        officer has not checked in, once per overdue period."""
        got = self.overdue_notes('O-CHECKIN-SUPERVISOR')
        self.assertNotified(self.later, 'O-CHECKIN-SUPERVISOR', self.sup, role='supervisor')
        self.assertTrue(all(n['role'] == 'supervisor' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), 'a supervisor was told twice: %s' % per)
        self.assertEqual(len(notes(self.first, rule='O-CHECKIN-SUPERVISOR')), len(got))


# ------------------------------------------------------------------ who acts on a request (the file's actors)

class WhoActs(Case):
    """Who records the on-scene assessment, a status check-in, the papers,
    and who closes a request: each the actors of a rule of the file."""

    def sent(self):
        """A request of another agency, a new officer sent by WCC: (rid,
        deployment, the officer's login)."""
        officer = person(S, 'officer', 'owho')
        rid = self.file_ok(c('agency'), incoming_fields(special_units=None))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', officer)]))
        return rid, self.js(rid)['deployments'][0]['id'], officer

    def test_O_ASSESSMENT_98_023_V_C_the_supervisor_records_the_assessment(self):
        """O-ASSESSMENT, "98-023 §V.C": the shift supervisor/OIC aids WCC in
        determining which units are sent: the supervisor records the
        assessment of what is needed, the event citing §V.C; WCC itself, an
        officer, a detective, the chief, a commander, the agency that asked
        are refused (403 naming §V.C), nothing stored."""
        clause = cite('O-ASSESSMENT')
        self.assertEqual(clause, '98-023 §V.C')
        rid = self.file_ok(c('agency'), incoming_fields(squads='1', special_units=None))
        for who in ('dispatcher', 'officer', 'detective', 'chief', 'commander', 'agency'):
            with self.subTest(refused=who):
                r = self.assertActionRefused(c(who), rid, 'assess', [('squads', '4')], 403, clause,
                                             who + ' assessing')
                self.assertIn('may not record the on-scene assessment', page_text(r.body))
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '4'), ('note', 'Four squads.')]))
        j = self.js(rid)
        self.assertEqual((j['assessed_squads'], j['squads']), (4, 1))
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'assessed')], [(U['supervisor'], clause)])

    def test_O_ASSESSMENT_RELAYED_department_rule_a_dispatch_supervisor_records_it_for_the_supervisor(self):
        """O-ASSESSMENT-RELAYED, Department rule: a dispatch supervisor who takes
        the shift supervisor/OIC's assessment by radio or telephone records it
        for them, the event citing the department's reason (98-023 §V.C
        names the supervisor/OIC); a dispatcher is still refused, naming
        the clause."""
        clause = cite('O-ASSESSMENT-RELAYED')
        self.assertTrue(clause.startswith('Department rule: a dispatch supervisor'), clause)
        rid = self.file_ok(c('agency'), incoming_fields(squads='1', special_units=None))
        self.ok(act(c('dsup'), rid, 'assess', [('squads', '2'), ('note', 'From the OIC by radio.')]))
        j = self.js(rid)
        self.assertEqual(j['assessed_squads'], 2)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'assessed')], [(U['dsup'], clause)])
        r = self.assertActionRefused(c('dispatcher'), rid, 'assess', [('squads', '3')], 403, cite('O-ASSESSMENT'),
                                     'a dispatcher assessing')
        self.assertNotIn(clause, page_text(r.body))

    def test_O_CHECKIN_department_rule_the_officer_wcc_or_a_supervisor_records_a_check_in(self):
        """O-CHECKIN, Department rule: 98-023 §IV.B.3 has deployed officers
        appraise WCC of their status; the officer (for their own
        deployment), WCC, a supervisor or a dispatch supervisor records each
        report, citing the department's rule; a detective, a commander, the
        chief and the agency that asked are refused (403 naming it), nothing
        stored."""
        clause = cite('O-CHECKIN')
        rid, dep, officer = self.sent()
        for who in ('detective', 'commander', 'chief', 'agency'):
            with self.subTest(refused=who):
                r = self.assertActionRefused(c(who), rid, 'checkin', [('deployment', dep), ('status', 'on_scene')],
                                             403, clause, who + ' checking in')
                self.assertIn('may not record a status check-in', page_text(r.body))
        r = self.assertActionRefused(c('officer'), rid, 'checkin', [('deployment', dep), ('status', 'on_scene')],
                                     403, clause, "an officer for another's deployment")
        self.assertIn('their own deployment only', page_text(r.body))
        for who, status in ((officer, 'en_route'), ('dispatcher', 'on_scene'), ('supervisor', 'clear'),
                            ('dsup', 'returned')):
            with self.subTest(allowed=who):
                self.ok(act(c(who), rid, 'checkin', [('deployment', dep), ('status', status)]))
        j = self.js(rid)
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'checkin')],
                         [(U.get(w, w), clause) for w in (officer, 'dispatcher', 'supervisor', 'dsup')])
        self.assertEqual(j['deployments'][0]['status'], 'returned')

    def test_O_CLOSE_department_rule_supervisor_wcc_or_dispatch_supervisor_closes_once_all_returned(self):
        """O-CLOSE, Department rule: Policy 98-023 does not say who closes a
        request; the shift supervisor/OIC, WCC or a dispatch supervisor
        closes it once every officer sent has returned, the event citing
        the department's rule (not the check-in rule); before that 409,
        naming it; an officer, a detective, a commander, the chief and the
        agency are refused (403), nothing stored."""
        clause = cite('O-CLOSE')
        self.assertTrue(clause.startswith('Department rule: Policy 98-023 does not say who closes'), clause)
        rid, dep, officer = self.sent()
        r = self.assertActionRefused(c('supervisor'), rid, 'close', [], 409, clause, 'closing with an officer out')
        self.assertNotIn(cite('O-CHECKIN'), page_text(r.body))
        self.ok(act(c(officer), rid, 'checkin', [('deployment', dep), ('status', 'returned')]))
        for who in ('officer', 'detective', 'commander', 'chief', 'agency'):
            with self.subTest(refused=who):
                r = self.assertActionRefused(c(who), rid, 'close', [], 403, clause, who + ' closing')
                self.assertIn('may not close a request', page_text(r.body))
        self.ok(act(c('supervisor'), rid, 'close', [('note', 'All back.')]))
        j = self.js(rid)
        self.assertEqual(j['status'], 'closed')
        self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'closed')], [(U['supervisor'], clause)])
        for who in ('dispatcher', 'dsup'):
            with self.subTest(allowed=who):
                rid = self.file_ok(c('agency'), incoming_fields(special_units=None))
                self.ok(act(c(who), rid, 'close'))
                self.assertEqual([(e['actor'], e['clause']) for e in ph.events(self.js(rid), 'closed')],
                                 [(U[who], clause)])

    def test_no_followup_rule_nobody_records_a_teletype_or_letter(self):
        """Policy 98-023 asks for no teletype or letter after a telephone
        request: the file has no followup rule, so nobody records one (403,
        naming no rule), nothing stored, and the request page offers none."""
        rid = self.file_ok(c('dispatcher'), incoming_fields(channel='phone', special_units=None))
        self.assertEqual([r for r in RULES.values() if r['effect'] == 'followup'], [])
        for who in ('dispatcher', 'dsup', 'supervisor'):
            with self.subTest(refused=who):
                r = self.assertActionRefused(c(who), rid, 'followup', [('type', 'teletype')], 403, None,
                                             who + ' recording a teletype')
                self.assertIn('asks for no teletype or letter', page_text(r.body))
        self.assertNotIn('action="/requests/%d/followup"' % rid, c('dispatcher').get('/requests/%d' % rid).body)


# ------------------------------------------------------------------ citations and coverage

class Citations(Case):

    def test_every_notification_and_event_cites_its_rule_and_department_rules_say_so(self):
        """Every notification stored so far carries its rule's citation as the
        policy file gives it ("Department rule: ..." for the department's
        own), every event's clause is a citation of the file, and /policy
        shows each rule with its citation (department rules marked)."""
        # Some of every kind of event, whatever ran before.
        rid = self.file_ok(c('agency'), incoming_fields(special_units=['k9']))
        self.ok(act(c('supervisor'), rid, 'assess', [('squads', '2')]))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']), ('special_units', 'k9')]))
        self.ok(act(c('chief'), rid, 'except', [('rule', 'O-SEPARATION'), ('reason', 'walk ' + uniq('r'))]))
        self.file_ok(c('detective'), fed_inv_fields())
        self.file_ok(c('fed'), fed_in_fields())
        rows = S.psql("SELECT DISTINCT rule_id, clause FROM notification ORDER BY 1")
        self.assertEqual([(r, cl) for r, cl in rows if r not in RULES or RULES[r]['citation'] != cl], [])
        self.assertTrue({'O-SUPERVISOR', 'O-FED-IN-CHIEF', 'O-EXCEPTION-TOLD'} <= {r for r, _ in rows}, rows)
        citations = {r['citation'] for r in RULES.values()}
        # A request's events cite the policy; account events (sign-ins, issue
        # 15) cite the CJIS Security Policy and belong to no request.
        ev = S.psql("SELECT DISTINCT action, clause FROM audit_event"
                    " WHERE clause IS NOT NULL AND request_id IS NOT NULL ORDER BY 1, 2")
        self.assertEqual([(a, cl) for a, cl in ev if cl not in citations], [])
        pol = c('dispatcher').get('/policy')
        self.assertEqual(pol.status, 200, pol.describe())
        for rid, rule in RULES.items():
            m = re.search(r'<li id="rule-%s"><span class="clause( department)?">(.*?)</span>' % re.escape(rid),
                          pol.body, re.S)
            if rule['state'] == 'off':
                continue
            self.assertIsNotNone(m, '%s is not on /policy' % rid)
            self.assertEqual((bool(m.group(1)), page_text(m.group(2)).strip()),
                             (rule['basis'] == 'department', rule['citation']), rid)



# ------------------------------------------------------------------ keeping people informed (department rules)

class KeepingInformed(Case):
    """The agency that asked in the portal hears of its request (notify:
    asker), and those working on a request hear of its cancellation
    (notify: workers): department rules, 98-023 says neither."""

    def asker_told(self, rid, rule):
        return self.assertAskerTold(self.js(rid), rule, U['agency'])

    def test_O_ASKER_RECEIVED_department_rule_agency_told_its_request_arrived(self):
        """O-ASKER-RECEIVED, Department rule: the agency that filed in the
        portal is told its request arrived; a call WCC logs tells nobody so."""
        self.asker_told(self.file_ok(c('agency'), incoming_fields()), 'O-ASKER-RECEIVED')
        logged = self.file_ok(c('dispatcher'), incoming_fields(channel='phone'))
        self.assertEqual(notes(self.js(logged), rule='O-ASKER-RECEIVED'), [])

    def test_O_ASKER_DISPATCHED_department_rule_agency_told_units_are_sent(self):
        """O-ASKER-DISPATCHED, Department rule: the agency is told when units
        are sent."""
        rid = self.file_ok(c('agency'), incoming_fields(special_units=None))
        self.ok(act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer2'])]))
        self.asker_told(rid, 'O-ASKER-DISPATCHED')

    def test_O_ASKER_CLOSED_department_rule_agency_told_when_closed(self):
        """O-ASKER-CLOSED, Department rule: the agency is told when its request
        is closed, with the closing note."""
        rid = self.file_ok(c('agency'), incoming_fields(special_units=None))
        self.send_return_close(rid, c('dispatcher'), c('supervisor'), person(S, 'officer', 'okioff'),
                               'All officers back.')
        self.assertIn('All officers back.', self.asker_told(rid, 'O-ASKER-CLOSED')['reason'])

    def test_O_CANCEL_TOLD_department_rule_whoever_worked_on_it_told_with_the_reason(self):
        """O-CANCEL-TOLD, Department rule: a cancellation tells the department's
        people who were notified of the request or acted on it, with the
        reason; not the agency that cancelled it."""
        rid = self.file_ok(c('agency'), incoming_fields(special_units=None))
        workers = sorted({n['recipient'] for n in self.js(rid)['notifications']
                          if n['recipient'] not in (None, U['agency'])})
        self.assertTrue(workers)
        self.ok(act(c('agency'), rid, 'cancel', [('reason', 'Handled by county units.'), ('confirm', 'yes')]))
        told = notes(self.js(rid), rule='O-CANCEL-TOLD')
        self.assertEqual(sorted(n['recipient'] for n in told), workers)
        self.assertEqual({n['clause'] for n in told}, {cite('O-CANCEL-TOLD')})
        self.assertTrue(all('Handled by county units.' in n['reason'] for n in told))

class RuleCoverage(Case):

    def test_every_rule_of_the_oconomowoc_policy_has_a_test_named_with_id_and_clause(self):
        """Every rule of policies/oconomowoc.policy has a test here whose name
        holds the rule id and its clause (or department_rule) and whose
        docstring names it; and the module table lists it."""
        ph.assert_rule_coverage(self, POLICY, globals(), __doc__)
