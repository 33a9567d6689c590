"""Policy 98-023 (preset `oconomowoc`): one test per rule of sql/003_policy.sql,
named with the rule id and its clause, filing through the real HTTP stack and
asserting on the stored request (/requests/ID.json), the refusal (403 / 409 /
422 naming the clause) or the notifications.

Every test's docstring quotes the clause. Accounts are this module's own
(unique logins, distinctive units), because the stack is shared.

| rule id              | clause                    | test |
|----------------------|---------------------------|------|
| O-OUT-FILE           | 98-023 §III.A.1           | OutgoingAid.test_O_OUT_FILE_98_023_III_A_1_only_supervisor_or_dispatcher_files_aid_outgoing |
| O-OUT-NEEDS          | 98-023 §III.A.2, §IV.A.1  | OutgoingAid.test_O_OUT_NEEDS_98_023_III_A_2_IV_A_1_nature_and_resources_required |
| O-OUT-STAGING        | 98-023 §III.A.3           | OutgoingAid.test_O_OUT_STAGING_98_023_III_A_3_staging_area_and_commander_required_and_statute_printed |
| O-UNITS              | 98-023 §III.A.4, §V.C     | UnitsAndDispatch.test_O_UNITS_98_023_III_A_4_V_C_supervisor_decides_units |
| O-DISPATCH           | 98-023 §V.C               | UnitsAndDispatch.test_O_DISPATCH_98_023_V_C_only_supervisor_or_dispatcher_sends_units |
| O-FED-INV-FILE       | 98-023 §III.B.2           | Federal.test_O_FED_INV_FILE_98_023_III_B_2_only_detective_files_federal_investigative |
| O-FED-INV-NEEDS      | 98-023 §III.B.2, §IV.C    | Federal.test_O_FED_INV_NEEDS_98_023_III_B_2_IV_C_agency_case_and_category_required |
| O-FED-INV-CHIEF      | 98-023 §III.B.2           | Federal.test_O_FED_INV_CHIEF_98_023_III_B_2_chief_notified_of_federal_investigative |
| O-FED-EMER-FILE      | 98-023 §III.B.3           | Federal.test_O_FED_EMER_FILE_98_023_III_B_3_only_supervisor_files_federal_emergency |
| O-FED-EMER-NEEDS     | 98-023 §III.B.3           | Federal.test_O_FED_EMER_NEEDS_98_023_III_B_3_federal_agency_required |
| O-FED-EMER-CHIEF     | 98-023 §III.B.3           | Federal.test_O_FED_EMER_CHIEF_98_023_III_B_3_chief_notified_of_federal_emergency |
| O-FED-IN-FILE        | 98-023 §III.B.4           | Federal.test_O_FED_IN_FILE_98_023_III_B_4_federal_agency_supervisor_or_dispatcher_files_federal_incoming |
| O-FED-IN-NEEDS       | 98-023 §III.B.4           | Federal.test_O_FED_IN_NEEDS_98_023_III_B_4_federal_agency_and_asker_required |
| O-FED-IN-CHIEF       | 98-023 §III.B.4           | Federal.test_O_FED_IN_CHIEF_98_023_III_B_4_chief_notified_of_federal_incoming |
| O-FED-IN-CHIEF       | 98-023 §III.B.4           | Federal.test_O_FED_IN_CHIEF_98_023_III_B_4_chief_notified_of_aid_incoming_from_federal_authorities |
| O-SPECIAL-UNIT       | 98-023 §IV.B.1            | SpecialUnits.test_O_SPECIAL_UNIT_98_023_IV_B_1_unit_commander_notified_when_unit_involved |
| O-SPECIAL-UNIT-SENT  | 98-023 §IV.B.1            | SpecialUnits.test_O_SPECIAL_UNIT_SENT_98_023_IV_B_1_unit_commander_notified_when_unit_sent |
| O-CHECKIN            | 98-023 §IV.B.3            | OverdueCheckin.test_O_CHECKIN_98_023_IV_B_3_deployment_overdue_after_60_minutes |
| O-CHECKIN-DISPATCH   | 98-023 §IV.B.3            | OverdueCheckin.test_O_CHECKIN_DISPATCH_98_023_IV_B_3_dispatcher_notified_once_of_overdue_checkin |
| O-CHECKIN-SUPERVISOR | 98-023 §IV.B.3            | OverdueCheckin.test_O_CHECKIN_SUPERVISOR_98_023_IV_B_3_supervisor_notified_once_of_overdue_checkin |
| O-SUPERVISOR         | 98-023 §V.A               | Supervisor.test_O_SUPERVISOR_98_023_V_A_every_request_notifies_supervisor_on_duty |
| O-IN-FILE            | 98-023 §V.B               | IncomingAid.test_O_IN_FILE_98_023_V_B_aid_only_when_outside_agency_asks |
| O-IN-NEEDS           | 98-023 §V.B               | IncomingAid.test_O_IN_NEEDS_98_023_V_B_agency_asker_callback_and_place_required |
| O-INTERNAL-FILE      | 98-023 §V.C               | UnitsAndDispatch.test_O_INTERNAL_FILE_98_023_V_C_only_supervisor_or_dispatcher_files_aid_internal |
| O-APPROVE            | 98-023 §III.A.4, §V.C     | Approval.test_O_APPROVE_98_023_III_A_4_V_C_supervisor_approves_or_denies |
| O-EXCEPTION          | 98-023 §VI                | Approval.test_O_EXCEPTION_98_023_VI_only_chief_grants_exception_with_reason |
| O-SEPARATION         | Department rule (separation of duties) | Approval.test_O_SEPARATION_Department_rule_whoever_filed_does_not_approve_or_deny |

The headline rule (the chief is notified of every federal request) is
O-FED-INV-CHIEF, O-FED-EMER-CHIEF and O-FED-IN-CHIEF (federal_incoming by a
federal agency's account and by a dispatcher; an aid_incoming logged for a
federal agency, requesting_agency_type federal). RuleCoverage checks this
table against the preset's rows in the database.

Refused actions are checked with PolicyCase.assertActionRefused: one exact
status, the clause named, and nothing stored (policyhelp.request_state).
Dispatch names members of the roster by login and specialized units by id.
"""

import time

import harness
from harness import uniq
import policyhelp as ph
from policyhelp import (act, fed_emer_fields, fed_in_fields, fed_inv_fields, incoming_fields,
                        internal_fields, notes, outgoing_fields, page_text, person, req_json,
                        signed)

POLICY = 'oconomowoc'
S = None
U = {}


def setUpModule():
    global S
    S = harness.get_stack(POLICY)
    ph.PolicyCase.S = S
    U['agency'] = person(S, 'agency', 'oag', agency='Delafield PD ' + uniq('o'), agency_type='local')
    U['fed'] = person(S, 'agency', 'ofbi', agency='FBI Milwaukee ' + uniq('o'), agency_type='federal')
    for role in ('officer', 'detective', 'supervisor', 'dispatcher', 'chief', 'commander'):
        U[role] = person(S, role, 'o' + role[:6])
    U['officer2'] = person(S, 'officer', 'oofficer2')
    U['supervisor2'] = person(S, 'supervisor', 'osuperv2')


def c(key):
    return signed(S, U.get(key, key))


class Case(ph.PolicyCase):

    def approved_incoming(self, approve=(), **ov):
        """An aid_incoming filed by the agency and approved by the supervisor
        (`approve`: the approval's own numbers; none: what was filed)."""
        rid = self.file_ok(c('agency'), incoming_fields(**ov))
        r = act(c('supervisor'), rid, 'approve', list(approve) + [('note', 'approved for the test')])
        self.assertEqual(r.status, 303, r.describe())
        return rid


# ------------------------------------------------------------------ outgoing aid (§III.A)

class OutgoingAid(Case):

    def test_O_OUT_FILE_98_023_III_A_1_only_supervisor_or_dispatcher_files_aid_outgoing(self):
        """O-OUT-FILE, "98-023 §III.A.1": only the shift supervisor/OIC or the
        communications center (WCC) may request mutual aid from other agencies."""
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(allowed=who):
                rid = self.file_ok(c(who), outgoing_fields())
                j = req_json(c(who), rid)
                self.assertEqual(j['kind'], 'aid_outgoing')
                self.assertEqual(j['filed_by'], U[who])
        for who in ('officer', 'detective', 'agency', 'chief'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), outgoing_fields(), '98-023 §III.A.1', who)
                r = c(who).get('/requests/new?kind=aid_outgoing')
                self.assertRefused(r, 403, '98-023 §III.A.1', 'GET form as ' + who)

    def test_O_OUT_NEEDS_98_023_III_A_2_IV_A_1_nature_and_resources_required(self):
        """O-OUT-NEEDS, "98-023 §III.A.2, §IV.A.1": a request for aid states the
        nature of the emergency and the estimated personnel, equipment or
        special units needed; without them it is refused with the field named."""
        clause = '98-023 §III.A.2, §IV.A.1'
        none = dict(squads='0', supervisors='0', personnel='0', special_units=None, equipment='')
        with self.subTest('no resource at all'):
            self.assertFieldsMissing(c('supervisor'), outgoing_fields(**none),
                                     ['squads', 'supervisors', 'personnel', 'special_units',
                                      'equipment'], clause, 'no resources')
        with self.subTest('no nature'):
            self.assertFieldsMissing(c('supervisor'), outgoing_fields(nature=''), ['nature'],
                                     clause, 'no nature')
        with self.subTest('any one resource will do'):
            for one in (dict(equipment='Light tower'), dict(special_units=['dive']),
                        dict(personnel='2')):
                fields = dict(none)
                fields.update(one)
                rid = self.file_ok(c('dispatcher'), outgoing_fields(**fields))
                j = req_json(c('dispatcher'), rid)
                self.assertTrue(j['nature'])

    def test_O_OUT_STAGING_98_023_III_A_3_staging_area_and_commander_required_and_statute_printed(self):
        """O-OUT-STAGING, "98-023 §III.A.3": responding officers are told where to
        report and whose command they are under; the printed request cites
        Wis. Stat. 66.0313 (formerly 66.305) and 66.0513 (formerly 66.315)."""
        clause = '98-023 §III.A.3'
        self.assertFieldsMissing(c('supervisor'), outgoing_fields(staging_area='', commander_name=''),
                                 ['staging_area', 'commander_name'], clause, 'no staging')
        rid = self.file_ok(c('supervisor'), outgoing_fields(staging_area='Lot B ' + uniq('st'),
                                                            commander_name='Lt. Reporting To'))
        j = req_json(c('supervisor'), rid)
        self.assertTrue(j['staging_area'].startswith('Lot B '))
        self.assertEqual(j['commander_name'], 'Lt. Reporting To')
        p = c('supervisor').get('/requests/%d/print' % rid)
        self.assertEqual(p.status, 200, p.describe())
        text = page_text(p.body)
        for cite in ('66.0313', '66.305', '66.0513', '66.315'):
            self.assertIn(cite, text, 'the printed request does not cite Wis. Stat. ' + cite)
        self.assertIn(j['staging_area'], text)
        self.assertIn('Lt. Reporting To', text)


# ------------------------------------------------------------------ incoming aid (§V.B)

class IncomingAid(Case):

    def test_O_IN_FILE_98_023_V_B_aid_only_when_outside_agency_asks(self):
        """O-IN-FILE, "98-023 §V.B": officers do not offer aid; aid is given only
        when an outside agency asks, in the portal or through a supervisor or
        the communications center."""
        clause = '98-023 §V.B'
        # The agency files for itself: its own agency, through the portal,
        # whatever the form says.
        rid = self.file_ok(c('agency'), incoming_fields(requesting_agency='Someone Else PD',
                                                        channel='phone'))
        j = req_json(c('agency'), rid)
        agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['agency'])
        self.assertEqual(j['requesting_agency'], agency)
        self.assertEqual(j['channel'], 'portal')
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(logged_by=who):
                rid2 = self.file_ok(c(who), incoming_fields(channel='phone'))
                j2 = req_json(c(who), rid2)
                self.assertEqual(j2['requesting_agency'], 'Town of Delafield Police Department')
                self.assertEqual(j2['channel'], 'phone')
        for who in ('officer', 'detective', 'commander'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), incoming_fields(), clause, who)
        # There is no "offer" action.
        r = act(c('officer'), rid, 'offer')
        self.assertEqual(r.status, 404, r.describe())
        r = act(c('supervisor'), rid, 'offer')
        self.assertEqual(r.status, 404, r.describe())

    def test_O_IN_NEEDS_98_023_V_B_agency_asker_callback_and_place_required(self):
        """O-IN-NEEDS, "98-023 §V.B": a request for our aid names the agency and
        the person who asked, how to call them back, and where help is needed."""
        clause = '98-023 §V.B'
        needed = ['requesting_agency', 'requester_name', 'contact_phone', 'incident_type',
                  'priority', 'location']
        self.assertFieldsMissing(c('dispatcher'), incoming_fields(**{f: None for f in needed}),
                                 needed, clause, 'dispatcher without the asker')
        # The agency's own name is filled in for it; the rest it must give.
        self.assertFieldsMissing(c('agency'), incoming_fields(requester_name='', contact_phone=''),
                                 ['requester_name', 'contact_phone'], clause, 'agency without contact')


# ------------------------------------------------------------------ units and dispatch (§III.A.4, §V.C)

class UnitsAndDispatch(Case):

    def test_O_UNITS_98_023_III_A_4_V_C_supervisor_decides_units(self):
        """O-UNITS, "98-023 §III.A.4, §V.C": the shift supervisor/OIC decides,
        with the communications center, which units are sent."""
        clause = '98-023 §III.A.4, §V.C'
        rid = self.file_ok(c('agency'), incoming_fields(squads='1', special_units=None))
        r = act(c('supervisor'), rid, 'assess', [('squads', '3'), ('special_units', 'k9'),
                                                 ('note', 'three squads and a dog')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('supervisor'), rid)
        # The supervisor's numbers are kept beside what the agency filed; the
        # request waits for the approval of them (O-APPROVE).
        self.assertEqual((j['assessed_squads'], j['assessed_special_units']), (3, ['k9']))
        self.assertEqual((j['squads'], j['special_units']), (1, []))
        self.assertEqual(j['status'], 'pending_approval')
        self.assertTrue(ph.events(j, 'assessed'), j['events'])
        # Someone else does not decide the units; the refusal names 98-023's clause.
        for who in ('officer', 'detective'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'assess', [('squads', '9')], 403, clause,
                                         who + ' deciding units')
        self.assertEqual(req_json(c('supervisor'), rid)['assessed_squads'], 3)
        # The approval is of what the supervisor decided: three squads and the dog.
        r = act(c('supervisor2'), rid, 'approve')
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('supervisor'), rid)
        self.assertEqual((j['status'], j['approved_squads'], j['approved_special_units']),
                         ('approved', 3, ['k9']))

    def test_O_DISPATCH_98_023_V_C_only_supervisor_or_dispatcher_sends_units(self):
        """O-DISPATCH, "98-023 §V.C": units are sent by the shift supervisor/OIC
        or the communications center."""
        clause = '98-023 §V.C'
        rid = self.approved_incoming(special_units=None)
        for who in ('officer', 'detective', 'chief'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'dispatch', [('assignee', U['officer'])], 403,
                                         clause, who + ' dispatching')
        self.assertEqual(req_json(c('supervisor'), rid)['deployments'], [])
        r = act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])])
        self.assertEqual(r.status, 303, r.describe())
        r = act(c('supervisor'), rid, 'dispatch', [('assignee', U['officer2'])])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('supervisor'), rid)
        self.assertEqual(j['status'], 'dispatched')
        got = sorted((d['assignee'], d['unit_type'], d['authorized_by']) for d in j['deployments'])
        self.assertEqual(got, sorted([(U['officer'], 'squad', U['dispatcher']),
                                      (U['officer2'], 'squad', U['supervisor'])]))

    def test_O_INTERNAL_FILE_98_023_V_C_only_supervisor_or_dispatcher_files_aid_internal(self):
        """O-INTERNAL-FILE, "98-023 §V.C": moving units within the city is decided
        by the shift supervisor/OIC with the communications center."""
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(allowed=who):
                rid = self.file_ok(c(who), internal_fields())
                self.assertEqual(req_json(c(who), rid)['kind'], 'aid_internal')
        for who in ('officer', 'detective', 'commander', 'agency'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), internal_fields(), '98-023 §V.C', who)


# ------------------------------------------------------------------ approval and exceptions

class Approval(Case):

    def test_O_APPROVE_98_023_III_A_4_V_C_supervisor_approves_or_denies(self):
        """O-APPROVE, "98-023 §III.A.4, §V.C": the shift supervisor/OIC approves or
        denies the request and decides the units."""
        clause = '98-023 §III.A.4, §V.C'
        rid = self.file_ok(c('agency'), incoming_fields())
        # Nobody is sent before the approval.
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])], 409,
                                 clause, 'dispatch before approval')
        for who in ('dispatcher', 'officer', 'chief'):
            with self.subTest(refused=who):
                self.assertActionRefused(c(who), rid, 'approve', [('note', 'x')], 403, clause,
                                         who + ' approving')
        self.assertEqual(req_json(c('supervisor'), rid)['status'], 'submitted')
        r = act(c('supervisor'), rid, 'approve', [('note', 'Two squads go.')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('supervisor'), rid)
        self.assertEqual(j['status'], 'approved')
        ev = ph.events(j, 'approved')
        self.assertEqual(len(ev), 1, j['events'])
        self.assertEqual(ev[0]['actor'], U['supervisor'])
        self.assertEqual(ev[0]['clause'], clause)
        # No numbers given: what was asked is approved, and no more is sent.
        self.assertEqual((j['approved_squads'], j['approved_supervisors'],
                          sorted(j['approved_special_units'])), (2, 1, ['k9', 'negotiator']))
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('special_units', 'swat')], 422,
                                 clause, 'a unit the approval did not name')
        self.assertActionRefused(c('supervisor'), rid, 'approve', [], 409, clause, 'approving twice')
        # A denial needs a reason and is recorded with it.
        rid2 = self.file_ok(c('agency'), incoming_fields())
        self.assertActionRefused(c('supervisor'), rid2, 'deny', [('reason', '')], 422, None,
                                 'a denial without a reason')
        self.assertEqual(req_json(c('supervisor'), rid2)['status'], 'submitted')
        r = act(c('supervisor'), rid2, 'deny', [('reason', 'No units free tonight.')])
        self.assertEqual(r.status, 303, r.describe())
        j2 = req_json(c('supervisor'), rid2)
        self.assertEqual(j2['status'], 'denied')
        self.assertEqual(j2['denial_reason'], 'No units free tonight.')
        self.assertEqual(ph.events(j2, 'denied')[0]['clause'], clause)

    def test_O_EXCEPTION_98_023_VI_only_chief_grants_exception_with_reason(self):
        """O-EXCEPTION, "98-023 §VI": exceptions to this policy may be authorized
        only by the Chief of Police, with a written reason."""
        clause = '98-023 §VI'
        rid = self.file_ok(c('agency'), incoming_fields())
        for who in ('supervisor', 'dispatcher', 'commander'):
            with self.subTest(refused=who):
                r = act(c(who), rid, 'except', [('rule', 'O-APPROVE'), ('reason', 'hurry')])
                self.assertRefused(r, 403, clause, who + ' granting an exception')
        r = act(c('chief'), rid, 'except', [('rule', 'O-APPROVE'), ('reason', '')])
        self.assertEqual(r.status, 422, r.describe())
        self.assertEqual(S.count('policy_exception', 'request_id = %d' % rid), 0)
        reason = 'Tornado: units go at once ' + uniq('why')
        r = act(c('chief'), rid, 'except', [('rule', 'O-APPROVE'), ('reason', reason)])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('chief'), rid)
        ev = ph.events(j, 'exception')
        self.assertEqual(len(ev), 1, j['events'])
        self.assertEqual(ev[0]['actor'], U['chief'])
        self.assertEqual(ev[0]['clause'], clause)
        self.assertIn(reason, ev[0]['note'])
        self.assertIn('O-APPROVE', ev[0]['note'])
        # The exception lifts the approval for this request only.
        r = act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer'])])
        self.assertEqual(r.status, 303, 'dispatch after the exception: ' + r.describe())
        other = self.file_ok(c('agency'), incoming_fields())
        r = act(c('dispatcher'), other, 'dispatch', [('assignee', U['officer'])])
        self.assertEqual(r.status, 409, r.describe())

    def test_O_SEPARATION_Department_rule_whoever_filed_does_not_approve_or_deny(self):
        """O-SEPARATION, "Department rule (separation of duties)": whoever filed a
        request does not approve or deny it; another person decides. Policy
        98-023 does not say so: a department rule. Here a supervisor files
        outgoing aid, and logs a telephone request, that O-APPROVE has a
        supervisor approve."""
        clause = 'Department rule (separation of duties)'
        for kind, fields in (('aid_outgoing', outgoing_fields()),
                             ('aid_incoming', incoming_fields(channel='phone'))):
            with self.subTest(kind=kind):
                rid = self.file_ok(c('supervisor'), fields)
                self.assertActionRefused(c('supervisor'), rid, 'approve', [('note', 'mine')], 403, clause,
                                         'the filer approving')
                self.assertActionRefused(c('supervisor'), rid, 'deny', [('reason', 'mine')], 403, clause,
                                         'the filer denying')
                r = act(c('supervisor2'), rid, 'approve', [('note', 'Another supervisor decides.')])
                self.assertEqual(r.status, 303, r.describe())
                j = req_json(c('supervisor'), rid)
                self.assertEqual(j['status'], 'approved')
                self.assertEqual([(e['actor'], e['clause']) for e in ph.events(j, 'approved')],
                                 [(U['supervisor2'], '98-023 §III.A.4, §V.C')])


# ------------------------------------------------------------------ federal (§III.B)

class Federal(Case):

    def assertChiefNotified(self, rid, rule, clause, client=None):
        chief = U['chief']
        j = req_json(client or c('chief'), rid)
        n = self.assertNotified(j, rule, chief, clause=clause, role='chief')
        # Every chief holder gets it; every notification of the rule is to a chief.
        self.assertTrue(all(x['role'] == 'chief' for x in notes(j, rule=rule)))
        stored = S.count('notification', "request_id = %d AND recipient_role = 'chief'" % rid)
        self.assertGreaterEqual(stored, 1)
        return n

    def test_O_FED_INV_FILE_98_023_III_B_2_only_detective_files_federal_investigative(self):
        """O-FED-INV-FILE, "98-023 §III.B.2": for a case under investigation, the
        investigating officer may ask a federal agency for help."""
        rid = self.file_ok(c('detective'), fed_inv_fields())
        j = req_json(c('detective'), rid)
        self.assertEqual((j['kind'], j['filed_by']), ('federal_investigative', U['detective']))
        for who in ('officer', 'supervisor', 'dispatcher', 'agency', 'fed'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_inv_fields(), '98-023 §III.B.2', who)

    def test_O_FED_INV_NEEDS_98_023_III_B_2_IV_C_agency_case_and_category_required(self):
        """O-FED-INV-NEEDS, "98-023 §III.B.2, §IV.C": an investigative request names
        the federal agency, the case number and the kind of investigation."""
        needed = ['federal_agency', 'case_number', 'investigation_category']
        self.assertFieldsMissing(c('detective'), fed_inv_fields(**{f: None for f in needed}),
                                 needed, '98-023 §III.B.2, §IV.C', 'no federal details')
        # §IV.C: the categories of non-emergency investigative aid.
        for cat in ('narcotics', 'stolen_property', 'intelligence', 'arrest'):
            rid = self.file_ok(c('detective'), fed_inv_fields(investigation_category=cat))
            self.assertEqual(req_json(c('detective'), rid)['investigation_category'], cat)

    def test_O_FED_INV_CHIEF_98_023_III_B_2_chief_notified_of_federal_investigative(self):
        """O-FED-INV-CHIEF, "98-023 §III.B.2": the Chief of Police shall be notified
        that an investigative request was made to a federal agency (headline rule)."""
        rid = self.file_ok(c('detective'), fed_inv_fields())
        self.assertChiefNotified(rid, 'O-FED-INV-CHIEF', '98-023 §III.B.2')

    def test_O_FED_EMER_FILE_98_023_III_B_3_only_supervisor_files_federal_emergency(self):
        """O-FED-EMER-FILE, "98-023 §III.B.3": during emergencies, the shift
        supervisor/OIC has the authority to make the request."""
        rid = self.file_ok(c('supervisor'), fed_emer_fields())
        j = req_json(c('supervisor'), rid)
        self.assertEqual((j['kind'], j['filed_by']), ('federal_emergency', U['supervisor']))
        for who in ('detective', 'dispatcher', 'officer', 'fed'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_emer_fields(), '98-023 §III.B.3', who)

    def test_O_FED_EMER_NEEDS_98_023_III_B_3_federal_agency_required(self):
        """O-FED-EMER-NEEDS, "98-023 §III.B.3": an emergency federal request names
        the federal agency asked."""
        self.assertFieldsMissing(c('supervisor'), fed_emer_fields(federal_agency=None),
                                 ['federal_agency'], '98-023 §III.B.3', 'no federal agency')

    def test_O_FED_EMER_CHIEF_98_023_III_B_3_chief_notified_of_federal_emergency(self):
        """O-FED-EMER-CHIEF, "98-023 §III.B.3": the Chief of Police shall be notified
        that an emergency request was made to a federal agency (headline rule)."""
        rid = self.file_ok(c('supervisor'), fed_emer_fields())
        self.assertChiefNotified(rid, 'O-FED-EMER-CHIEF', '98-023 §III.B.3')

    def test_O_FED_IN_FILE_98_023_III_B_4_federal_agency_supervisor_or_dispatcher_files_federal_incoming(self):
        """O-FED-IN-FILE, "98-023 §III.B.4": a federal agency's request for our
        help is filed by that agency or logged by a supervisor or the
        communications center."""
        clause = '98-023 §III.B.4'
        rid = self.file_ok(c('fed'), fed_in_fields(requesting_agency='Not Us', channel='phone'))
        j = req_json(c('fed'), rid)
        fed_agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['fed'])
        self.assertEqual((j['requesting_agency'], j['channel']), (fed_agency, 'portal'))
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(allowed=who):
                self.file_ok(c(who), fed_in_fields())
        # A local agency is not a federal agency.
        self.assertFilingRefused(c('agency'), fed_in_fields(), clause, 'local agency')
        # A federal agency asking for our aid files this kind, never aid_incoming
        # (whose rule, O-IN-FILE, cites §V.B: this refusal names §III.B.4).
        r = self.assertFilingRefused(c('fed'), incoming_fields(), clause, 'federal agency filing aid_incoming')
        self.assertNotIn('§V.B', page_text(r.body))
        for who in ('officer', 'detective'):
            with self.subTest(refused=who):
                self.assertFilingRefused(c(who), fed_in_fields(), clause, who)

    def test_O_FED_IN_NEEDS_98_023_III_B_4_federal_agency_and_asker_required(self):
        """O-FED-IN-NEEDS, "98-023 §III.B.4": a federal request for our help names
        the federal agency and the person who asked."""
        needed = ['federal_agency', 'requesting_agency', 'requester_name']
        self.assertFieldsMissing(c('dispatcher'), fed_in_fields(**{f: None for f in needed}),
                                 needed, '98-023 §III.B.4', 'dispatcher without the asker')

    def test_O_FED_IN_CHIEF_98_023_III_B_4_chief_notified_of_federal_incoming(self):
        """O-FED-IN-CHIEF, "98-023 §III.B.4": whenever federal authorities request
        our assistance or cooperation, the Chief of Police shall be notified
        (headline rule): filed by a federal agency's account or by a dispatcher."""
        for who in ('fed', 'dispatcher'):
            with self.subTest(filed_by=who):
                rid = self.file_ok(c(who), fed_in_fields())
                self.assertChiefNotified(rid, 'O-FED-IN-CHIEF', '98-023 §III.B.4')

    def test_O_FED_IN_CHIEF_98_023_III_B_4_chief_notified_of_aid_incoming_from_federal_authorities(self):
        """O-FED-IN-CHIEF, "98-023 §III.B.4": whenever federal authorities request
        our assistance or cooperation, the Chief of Police shall be notified,
        whatever the form of the request (headline rule): an aid_incoming
        that a supervisor or the communications center logs for a federal
        agency (requesting_agency_type federal). An outside agency's account
        never chooses the type: its account's is used."""
        for who in ('supervisor', 'dispatcher'):
            with self.subTest(logged_by=who):
                rid = self.file_ok(c(who), incoming_fields(requesting_agency='U.S. Marshals Service',
                                                           requesting_agency_type='federal',
                                                           channel='phone'))
                self.assertEqual(req_json(c('chief'), rid)['requesting_agency_type'], 'federal')
                self.assertChiefNotified(rid, 'O-FED-IN-CHIEF', '98-023 §III.B.4')
        # Logged for a county agency: not federal, the chief is not told.
        rid = self.file_ok(c('dispatcher'), incoming_fields(requesting_agency_type='county'))
        j = req_json(c('chief'), rid)
        self.assertEqual(j['requesting_agency_type'], 'county')
        self.assertEqual(notes(j, rule='O-FED-IN-CHIEF'), [])
        # A local agency's account saying "federal": its own type is stored.
        rid = self.file_ok(c('agency'), incoming_fields(requesting_agency_type='federal'))
        j = req_json(c('chief'), rid)
        self.assertEqual(j['requesting_agency_type'], 'local')
        self.assertEqual(notes(j, rule='O-FED-IN-CHIEF'), [])


# ------------------------------------------------------------------ specialized units (§IV.B.1)

class SpecialUnits(Case):

    def test_O_SPECIAL_UNIT_98_023_IV_B_1_unit_commander_notified_when_unit_involved(self):
        """O-SPECIAL-UNIT, "98-023 §IV.B.1": whenever the mutual assistance involves
        a specialized SWAT, hostage negotiation, bomb disposal or canine unit,
        its commander is notified and shares responsibility for the mission."""
        clause = '98-023 §IV.B.1'
        bomb = person(S, 'unit_commander', 'obomb', unit='bomb')
        neg = person(S, 'unit_commander', 'oneg', unit='negotiator')
        dive = person(S, 'unit_commander', 'odive', unit='dive')
        rid = self.file_ok(c('agency'), incoming_fields(special_units=['bomb', 'negotiator']))
        j = req_json(c('supervisor'), rid)
        self.assertNotified(j, 'O-SPECIAL-UNIT', bomb, clause=clause, role='unit_commander')
        self.assertNotified(j, 'O-SPECIAL-UNIT', neg, clause=clause, role='unit_commander')
        self.assertNotNotified(j, 'O-SPECIAL-UNIT', dive)
        rid2 = self.file_ok(c('agency'), incoming_fields(special_units=None))
        self.assertEqual(notes(req_json(c('supervisor'), rid2), rule='O-SPECIAL-UNIT'), [])

    def test_O_SPECIAL_UNIT_SENT_98_023_IV_B_1_unit_commander_notified_when_unit_sent(self):
        """O-SPECIAL-UNIT-SENT, "98-023 §IV.B.1": when a specialized unit is sent,
        its commander is notified."""
        clause = '98-023 §IV.B.1'
        dive = person(S, 'unit_commander', 'odive', unit='dive')
        k9 = person(S, 'unit_commander', 'ok9', unit='k9')
        # The agency asked for no unit; the supervisor approves two squads and
        # the dive team (the approval's own numbers).
        rid = self.approved_incoming(approve=[('squads', '2'), ('special_units', 'dive')],
                                     special_units=None)
        j = req_json(c('supervisor'), rid)
        self.assertEqual((j['approved_squads'], j['approved_supervisors'], j['approved_special_units']),
                         (2, 0, ['dive']))
        self.assertEqual(notes(j, rule='O-SPECIAL-UNIT-SENT'), [])
        # A unit the approval did not name is not sent (422 naming O-APPROVE's clause).
        self.assertActionRefused(c('dispatcher'), rid, 'dispatch', [('special_units', 'k9')], 422,
                                 '98-023 §III.A.4, §V.C', 'a unit beyond the approval')
        r = act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']),
                                                  ('special_units', 'dive')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('supervisor'), rid)
        self.assertNotified(j, 'O-SPECIAL-UNIT-SENT', dive, clause=clause, role='unit_commander')
        self.assertNotNotified(j, 'O-SPECIAL-UNIT-SENT', k9)
        self.assertIn('dive', [d['special_unit'] for d in j['deployments']])


# ------------------------------------------------------------------ every request (§V.A)

class Supervisor(Case):

    def test_O_SUPERVISOR_98_023_V_A_every_request_notifies_supervisor_on_duty(self):
        """O-SUPERVISOR, "98-023 §V.A": all requests for mutual assistance require
        Supervisor/OIC notification: every request, of every kind, notifies the
        supervisor on duty."""
        clause = '98-023 §V.A'
        on = person(S, 'supervisor', 'osupon')
        off = person(S, 'supervisor', 'osupoff')
        S.duty(off, False)
        try:
            filings = [('agency', incoming_fields()), ('dispatcher', outgoing_fields()),
                       ('dispatcher', internal_fields()), ('detective', fed_inv_fields()),
                       ('supervisor', fed_emer_fields()), ('fed', fed_in_fields())]
            for who, fields in filings:
                kind = dict(fields)['kind']
                with self.subTest(kind=kind):
                    rid = self.file_ok(c(who), fields)
                    j = req_json(c('supervisor'), rid)
                    self.assertNotified(j, 'O-SUPERVISOR', on, clause=clause, role='supervisor')
                    self.assertNotNotified(j, 'O-SUPERVISOR', off)
                    self.assertTrue(all(n['role'] == 'supervisor'
                                        for n in notes(j, rule='O-SUPERVISOR')))
        finally:
            S.duty(off, True)


# ------------------------------------------------------------------ overdue check-ins (§IV.B.3)

class OverdueCheckin(Case):
    """One overdue deployment (no check-in for 61 minutes) and one that is not
    (50 minutes); the notifier is waited for once for the three rules."""

    @classmethod
    def setUpClass(cls):
        cls.disp = person(S, 'dispatcher', 'ocidsp')
        cls.sup = person(S, 'supervisor', 'ocisup')
        cls.officer2 = person(S, 'officer', 'ociof2')
        tc = Case('run')
        rid = tc.approved_incoming(special_units=None)
        r = act(c('dispatcher'), rid, 'dispatch', [('assignee', U['officer']),
                                                  ('assignee', cls.officer2)])
        assert r.status == 303, r.describe()
        j = req_json(c('dispatcher'), rid)
        deps = {d['assignee']: d['id'] for d in j['deployments']}
        cls.rid, cls.late, cls.fresh = rid, deps[U['officer']], deps[cls.officer2]
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '61 minutes' WHERE id = %d"
               % cls.late)
        S.psql("UPDATE deployment SET last_checkin_at = now() - interval '50 minutes' WHERE id = %d"
               % cls.fresh)
        cls.first = ph.wait_until(
            lambda: (lambda j: j if notes(j, rule='O-CHECKIN-DISPATCH') and
                     notes(j, rule='O-CHECKIN-SUPERVISOR') else None)(req_json(c('dispatcher'), rid)),
            timeout=20)
        # Let the notifier run again (default poll 5 s): nothing new may appear.
        time.sleep(7)
        cls.later = req_json(c('dispatcher'), rid)

    def overdue_notes(self, rule):
        self.assertIsNotNone(self.first, 'no %s notification within 20 s of the deployment '
                             'becoming overdue (is the notifier running?)' % rule)
        return notes(self.later, rule=rule)

    def test_O_CHECKIN_98_023_IV_B_3_deployment_overdue_after_60_minutes(self):
        """O-CHECKIN, "98-023 §IV.B.3": officers deployed shall regularly apprise
        the WCC of their status: a deployment with no check-in for 60 minutes
        is overdue."""
        self.overdue_notes('O-CHECKIN-DISPATCH')
        deps = {d['id']: d for d in self.later['deployments']}
        self.assertIs(deps[self.late]['overdue'], True)
        self.assertIs(deps[self.fresh]['overdue'], False)
        ev = ph.events(self.later, 'checkin_overdue')
        self.assertEqual(len(ev), 1, 'one timeline event per overdue period: %s' % ev)
        self.assertEqual(ev[0]['clause'], '98-023 §IV.B.3')
        self.assertIn(U['officer'], ev[0]['note'])
        # Only the late deployment was reported.
        for n in notes(self.later, rule='O-CHECKIN-DISPATCH'):
            self.assertNotIn(self.officer2, n['reason'])
        # A check-in by the officer clears it.
        off = signed(S, U['officer'])
        r = act(off, self.rid, 'checkin', [('deployment', self.late), ('status', 'on_scene'),
                                           ('note', 'on scene')])
        self.assertEqual(r.status, 303, r.describe())
        deps = {d['id']: d for d in req_json(c('dispatcher'), self.rid)['deployments']}
        self.assertIs(deps[self.late]['overdue'], False)
        self.assertEqual(deps[self.late]['status'], 'on_scene')

    def test_O_CHECKIN_DISPATCH_98_023_IV_B_3_dispatcher_notified_once_of_overdue_checkin(self):
        """O-CHECKIN-DISPATCH, "98-023 §IV.B.3": the communications center is told
        when a deployed officer has not checked in (once per overdue period)."""
        got = self.overdue_notes('O-CHECKIN-DISPATCH')
        self.assertNotified(self.later, 'O-CHECKIN-DISPATCH', self.disp, clause='98-023 §IV.B.3',
                            role='dispatcher')
        self.assertNotified(self.later, 'O-CHECKIN-DISPATCH', U['dispatcher'])
        self.assertTrue(all(n['role'] == 'dispatcher' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), 'a dispatcher was told twice: %s' % per)
        self.assertEqual(len(notes(self.first, rule='O-CHECKIN-DISPATCH')), len(got),
                         'new notifications appeared on a later run of the notifier')

    def test_O_CHECKIN_SUPERVISOR_98_023_IV_B_3_supervisor_notified_once_of_overdue_checkin(self):
        """O-CHECKIN-SUPERVISOR, "98-023 §IV.B.3": the shift supervisor/OIC is told
        when a deployed officer has not checked in (once per overdue period)."""
        got = self.overdue_notes('O-CHECKIN-SUPERVISOR')
        self.assertNotified(self.later, 'O-CHECKIN-SUPERVISOR', self.sup, clause='98-023 §IV.B.3',
                            role='supervisor')
        self.assertTrue(all(n['role'] == 'supervisor' for n in got))
        per = [n['recipient'] for n in got]
        self.assertEqual(len(per), len(set(per)), 'a supervisor was told twice: %s' % per)
        self.assertEqual(len(notes(self.first, rule='O-CHECKIN-SUPERVISOR')), len(got),
                         'new notifications appeared on a later run of the notifier')


# ------------------------------------------------------------------ coverage of the preset

class RuleCoverage(Case):

    def test_every_rule_of_the_oconomowoc_preset_has_a_test_named_with_id_and_clause(self):
        """Every row of policy_rule for preset 'oconomowoc' has a test whose name
        holds the rule id and the clause and whose docstring quotes the clause;
        and the module table lists it."""
        ph.assert_rule_coverage(self, S, POLICY, globals(), __doc__)
