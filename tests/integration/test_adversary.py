"""The holes a hostile review confirmed (issue "Hold against an adversary"),
each tried again as the attacker did; each must now hold. Sign-in (items
2-5, 13) is in test_sign_in, database privileges (10) in
test_least_privilege, mail (11) in test_mail and the unit tests.

| item | test |
|---|---|
| 1. a federal agency bypasses the chief rule | FederalParty.test_1_98_023_III_B_4_federal_agency_files_only_federal_requests |
| 1. ... and staff logging its call | FederalParty.test_1_98_023_III_B_4_call_from_a_federal_agency_logged_as_aid_notifies_the_chief |
| 6. staff identities leak to outside agencies | AgencyView.test_6_agency_sees_its_request_without_staff_identities |
| 7. anyone can be dispatched | Roster.test_7_only_sworn_active_members_are_dispatched |
| 8. SOP 230.10 D: in-city aid beyond what was approved | Roster.test_8_sop_230_10_D_second_squad_needs_approval_counted_on_what_was_sent |
| 9. a request can be wedged | Wedge.test_9_assessment_of_a_request_needing_no_approval_leaves_it_workable |
| 12. CSV export bounded | Bounds.test_12_csv_export_streams_with_bounded_memory |
| 13. separation of duties | Duties.test_13_filer_cannot_approve_their_own_request |
| 13. ... inert where nothing is approved | Duties.test_13_oconomowoc_has_no_approval_so_nobody_decides |
| 13. session cookie and socket | Duties.test_13_session_cookie_attributes_and_socket_mode |
"""

import json
import os
import re
import stat
import threading
import time

import harness
from harness import Client, TestCase, uniq
import policyhelp as ph
from policyhelp import fed_in_fields, incoming_fields, internal_fields, person, signed

OC = MK = None


def setUpModule():
    global OC, MK
    OC = harness.get_stack('oconomowoc')
    MK = harness.get_stack('milwaukee')


def staff_logins_in(text, logins):
    return [x for x in logins if x in text]


class FederalParty(TestCase):

    def test_1_98_023_III_B_4_federal_agency_files_only_federal_requests(self):
        for S in (OC, MK):
            with self.subTest(policy=S.policy):
                fbi = person(S, 'agency', 'fbi', agency='FBI ' + uniq('fo'), agency_type='federal')
                c = signed(S, fbi)
                before = S.count('request')
                # Not even offered: the menu lists only the federal form.
                menu = c.get('/requests/new')
                self.assertEqual(menu.status, 200)
                self.assertIn('kind=federal_incoming', menu.body)
                self.assertNotIn('kind=aid_incoming', menu.body)
                self.assertEqual(c.get('/requests/new?kind=aid_incoming').status, 403)
                r = ph.file(c, incoming_fields())
                self.assertEqual(r.status, 403, r.describe())
                self.assertIn('federal request', r.body)
                self.assertEqual(S.count('request'), before, 'a refused filing was stored')
                r = ph.file(c, fed_in_fields())
                self.assertEqual(r.status, 303, r.describe())
                rid = harness.request_id_from(r)
                self.assertEqual(S.scalar("SELECT requesting_agency_type FROM request WHERE id = %d" % rid),
                                 'federal')
                self.assertGreaterEqual(S.count('notification', "request_id = %d AND recipient_role = "
                                                "'chief'" % rid), 1)

    def test_1_98_023_III_B_4_call_from_a_federal_agency_logged_as_aid_notifies_the_chief(self):
        for S in (OC, MK):
            with self.subTest(policy=S.policy):
                disp = person(S, 'dispatcher' if S is OC else 'dispatch_supervisor', 'fpd')
                c = signed(S, disp)
                extra = {} if S is OC else {'bureau': 'Patrol Bureau'}
                r = ph.file(c, incoming_fields(requesting_agency='DEA Chicago Division',
                                               requesting_agency_type='federal', **extra))
                self.assertEqual(r.status, 303, r.describe())
                rid = harness.request_id_from(r)
                rule = 'O-FED-IN-CHIEF' if S is OC else 'M-FED-CHIEF'
                self.assertGreaterEqual(S.count('notification', "request_id = %d AND recipient_role = "
                                                "'chief' AND rule_id = '%s'" % (rid, rule)), 1)
                # A local agency's call does not reach the chief by this rule.
                r = ph.file(c, incoming_fields(requesting_agency_type='local', **extra))
                rid2 = harness.request_id_from(r)
                self.assertEqual(S.count('notification', "request_id = %d AND rule_id = '%s'"
                                         % (rid2, rule)), 0)
                # Staff must say who asks.
                before = S.count('request')
                r = ph.file(c, incoming_fields(requesting_agency_type=None, **extra))
                self.assertEqual(r.status, 422, r.describe())
                self.assertEqual(S.count('request'), before)


class AgencyView(TestCase):

    def test_6_agency_sees_its_request_without_staff_identities(self):
        S = OC
        agency = person(S, 'agency', 'agv', agency='Leak Test PD ' + uniq('a'))
        sup, sup2, officer = person(S, 'supervisor', 'agsup'), person(S, 'supervisor', 'agsp2'), \
            person(S, 'officer', 'agoff')
        ca = signed(S, agency)
        r = ph.file(ca, incoming_fields())
        rid = harness.request_id_from(r)
        # 98-023 has no approval: the supervisor records the units (a staff
        # note), another sends them.
        self.assertEqual(ph.act(signed(S, sup), rid, 'assess', [('squads', '1'),
                                                                ('note', 'internal note 7731')]).status, 303)
        self.assertEqual(ph.act(signed(S, sup2), rid, 'dispatch', [('assignee', officer),
                                                                   ('note', 'quiet side 8842')]).status, 303)
        staff = [sup, sup2, officer]
        names = [S.scalar("SELECT full_name FROM account WHERE login = '%s'" % x) for x in staff]
        page = ca.get('/requests/%d' % rid)
        self.assertEqual(page.status, 200)
        self.assertEqual(staff_logins_in(page.body, staff + names + ['internal note 7731', 'quiet side 8842']), [])
        self.assertIn('Squad', page.body)
        self.assertIn('Help is on its way or on scene', page.body)
        j = ca.get('/requests/%d.json' % rid)
        self.assertEqual(j.status, 200)
        self.assertEqual(staff_logins_in(j.body, staff + names + ['internal note 7731', 'quiet side 8842']), [])
        d = j.json()
        self.assertEqual(d['notifications'], [])
        self.assertEqual([(x['unit_type'], x['status']) for x in d['deployments']], [('squad', 'dispatched')])
        self.assertEqual({e['actor'] for e in d['events']}, {agency, 'the department'})
        self.assertEqual(ca.get('/requests/%d/print' % rid).status, 403)
        # Staff still see everything.
        self.assertIn(officer, signed(S, sup).get('/requests/%d.json' % rid).body)


class Roster(TestCase):

    def test_7_only_sworn_active_members_are_dispatched(self):
        S = OC
        sup, sup2 = person(S, 'supervisor', 'rsup'), person(S, 'supervisor', 'rsp2')
        officer = person(S, 'officer', 'roff')
        disabled = person(S, 'officer', 'rdis')
        S.psql("UPDATE account SET disabled = true WHERE login = '%s'" % disabled)
        others = [person(S, 'agency', 'rag'), person(S, 'agency', 'rfb', agency_type='federal'),
                  person(S, 'dispatcher', 'rdsp'), person(S, 'admin', 'radm'), disabled,
                  'Squad 7', 'nobody-here', '<b>x</b>']
        rid = harness.request_id_from(ph.file(signed(S, sup), incoming_fields()))
        for who in others:
            with self.subTest(assignee=who):
                r = ph.act(signed(S, sup), rid, 'dispatch', [('assignee', who)])
                self.assertEqual(r.status, 422, r.describe())
                self.assertEqual(S.count('deployment', 'request_id = %d' % rid), 0)
        r = ph.act(signed(S, sup), rid, 'dispatch', [('assignee', officer), ('assignee', officer)])
        self.assertEqual(r.status, 422, r.describe())
        r = ph.act(signed(S, sup), rid, 'dispatch', [('assignee', officer), ('assignee', sup2)])
        self.assertEqual(r.status, 303, r.describe())
        deps = S.psql("SELECT assignee, unit_type FROM deployment WHERE request_id = %d ORDER BY id" % rid)
        self.assertEqual(deps, [[officer, 'squad'], [sup2, 'supervisor']])
        r = ph.act(signed(S, sup), rid, 'dispatch', [('assignee', officer)])
        self.assertEqual(r.status, 409, 'sent twice while out: ' + r.describe())

    def test_8_sop_230_10_D_second_squad_needs_approval_counted_on_what_was_sent(self):
        S = MK
        disp, dsup = person(S, 'dispatcher', 'ddsp'), person(S, 'dispatch_supervisor', 'ddsu')
        o1, o2 = person(S, 'officer', 'do1'), person(S, 'officer', 'do2')
        cmdr = person(S, 'commander', 'dcm', district='District 5')
        rid = harness.request_id_from(ph.file(signed(S, disp), internal_fields(district='District 5',
                                                                               squads='1')))
        self.assertEqual(S.scalar("SELECT status FROM request WHERE id = %d" % rid), 'submitted')
        self.assertEqual(ph.act(signed(S, disp), rid, 'dispatch', [('assignee', o1)]).status, 303)
        # A second squad, typed nowhere at filing: D needs the DEC supervisor.
        r = ph.act(signed(S, disp), rid, 'dispatch', [('assignee', o2)])
        self.assertEqual(r.status, 409, r.describe())
        self.assertIn('SOP 230.10 D', r.body)
        self.assertEqual(S.count('deployment', 'request_id = %d' % rid), 1)
        r = ph.act(signed(S, disp), rid, 'dispatch', [('special_units', 'k9')])
        self.assertEqual(r.status, 409, r.describe())
        # The need is assessed (two squads), the DEC supervisor approves it,
        # and the commander is told.
        r = ph.act(signed(S, dsup), rid, 'assess', [('squads', '2')])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(S.scalar("SELECT status FROM request WHERE id = %d" % rid), 'pending_approval')
        r = ph.act(signed(S, dsup), rid, 'approve')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(S.count('notification', "request_id = %d AND rule_id = 'M-IN-CITY-COMMANDER'"
                                 % rid), 1)
        self.assertEqual(ph.act(signed(S, disp), rid, 'dispatch', [('assignee', o2)]).status, 303)
        # Beyond what was approved: refused, nothing stored.
        o3 = person(S, 'officer', 'do3')
        r = ph.act(signed(S, disp), rid, 'dispatch', [('assignee', o3)])
        self.assertEqual(r.status, 422, r.describe())
        self.assertEqual(S.count('deployment', 'request_id = %d' % rid), 2)


class Wedge(TestCase):

    def test_9_assessment_of_a_request_needing_no_approval_leaves_it_workable(self):
        S = MK
        disp, dsup = person(S, 'dispatcher', 'wdsp'), person(S, 'dispatch_supervisor', 'wdsu')
        officer = person(S, 'officer', 'woff')
        rid = harness.request_id_from(ph.file(signed(S, disp), internal_fields(squads='1')))
        r = ph.act(signed(S, dsup), rid, 'assess', [('squads', '1'), ('note', 'one is enough')])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(S.scalar("SELECT status FROM request WHERE id = %d" % rid), 'submitted')
        self.assertEqual(ph.act(signed(S, disp), rid, 'dispatch', [('assignee', officer)]).status, 303)
        dep = S.scalar('SELECT id FROM deployment WHERE request_id = %d' % rid)
        self.assertEqual(ph.act(signed(S, disp), rid, 'checkin', [('deployment', dep),
                                                                  ('status', 'returned')]).status, 303)
        self.assertEqual(ph.act(signed(S, disp), rid, 'close').status, 303)
        self.assertEqual(S.scalar("SELECT status FROM request WHERE id = %d" % rid), 'closed')
        # An assessment asking more than D allows sends it to the DEC supervisor.
        rid = harness.request_id_from(ph.file(signed(S, disp), internal_fields(squads='1')))
        self.assertEqual(ph.act(signed(S, dsup), rid, 'assess', [('squads', '3')]).status, 303)
        self.assertEqual(S.scalar("SELECT status || '/' || squads || '/' || assessed_squads FROM request "
                                  "WHERE id = %d" % rid), 'pending_approval/1/3')


class Duties(TestCase):

    def test_13_filer_cannot_approve_their_own_request(self):
        """M-SEPARATION (a department rule): the DEC supervisor who filed aid
        within the city that SOP 230.10 D has a DEC supervisor approve does
        not decide it (403 naming the department's rule); another does."""
        S = MK
        me = person(S, 'dispatch_supervisor', 'self')
        rid = harness.request_id_from(ph.file(signed(S, me), internal_fields(squads='3')))
        for action, f in (('approve', []), ('deny', [('reason', 'no')])):
            r = ph.act(signed(S, me), rid, action, f)
            self.assertEqual(r.status, 403, r.describe())
            self.assertIn(ph.citation('milwaukee', 'M-SEPARATION'), ph.page_text(r.body))
        self.assertEqual(S.scalar("SELECT status FROM request WHERE id = %d" % rid), 'submitted')
        other = person(S, 'dispatch_supervisor', 'other')
        self.assertEqual(ph.act(signed(S, other), rid, 'approve').status, 303)

    def test_13_oconomowoc_has_no_approval_so_nobody_decides(self):
        """Policy 98-023 asks no approval (O-APPROVE is switched off): the
        supervisor who logged a request, like any other, has nothing to
        approve or deny (409), nothing is stored, and O-SEPARATION has
        nothing to act on."""
        S = OC
        me = person(S, 'supervisor', 'self')
        rid = harness.request_id_from(ph.file(signed(S, me), incoming_fields(channel='phone')))
        for who in (me, person(S, 'supervisor', 'other')):
            for action, f in (('approve', []), ('deny', [('reason', 'no')])):
                r = ph.act(signed(S, who), rid, action, f)
                self.assertEqual(r.status, 409, r.describe())
                self.assertIn('needs no approval', ph.page_text(r.body))
        self.assertEqual(S.scalar("SELECT status FROM request WHERE id = %d" % rid), 'submitted')
        self.assertEqual(S.count('audit_event', 'request_id = %d' % rid), 1)

    def test_13_session_cookie_attributes_and_socket_mode(self):
        S = OC
        login = person(S, 'dispatcher', 'ck')
        c = Client(S)
        r = c.login(login, ph.PW)
        sc = r.cookie_header('portal_session')
        attrs = [a.strip().lower() for a in sc.split(';')[1:]]
        self.assertIn('httponly', attrs)
        self.assertIn('samesite=lax', attrs)
        self.assertIn('path=/', attrs)
        # Over TLS the cookie is __Host-portal_session (Secure); here nginx
        # speaks plain HTTP on loopback, so that name is not used.
        self.assertIsNone(r.cookie_header('__Host-portal_session'))
        mode = stat.S_IMODE(os.stat(os.path.join(S.var, 'run', 'portal.sock')).st_mode)
        self.assertEqual(mode, 0o660, oct(mode))


class Bounds(TestCase):

    def test_12_csv_export_streams_with_bounded_memory(self):
        """Four exports of 16,000 requests at once: each worker's resident
        memory stays within 20 MB of its size at rest (measured on the
        production build, without the sanitizers' own allocator)."""
        B = harness.Stack(policy='oconomowoc', name='csv-bound', start=False)
        B.build = os.path.join(harness.ROOT, 'build')
        try:
            B.start()
            chief = uniq('csvc')
            B.add_user(chief, 'chief', 'CSV Chief', ph.PW)
            B.psql("INSERT INTO request (kind, filed_by, channel, nature, location, requesting_agency,"
                   " requesting_agency_type) SELECT 'aid_incoming', (SELECT id FROM account WHERE login = '%s'),"
                   " 'phone', 'Seeded request number ' || g || ' ' || repeat('x', 300), 'Main St ' || g,"
                   " 'Agency ' || g, 'local' FROM generate_series(1, 16000) g" % chief)
            master = int(open(os.path.join(B.var, 'run', 'portal.pid')).read().split()[0])
            notifier = int(open(os.path.join(B.var, 'run', 'notifier.pid')).read().split()[0])
            # The master's children: the workers, and the notifier it keeps running.
            workers = [int(p) for p in os.popen('pgrep -P %d' % master).read().split()
                       if int(p) != notifier]
            self.assertEqual(len(workers), 4, workers)

            def rss(pid):
                with open('/proc/%d/status' % pid) as f:
                    return int(re.search(r'VmRSS:\s+(\d+)', f.read()).group(1))
            rest = {p: rss(p) for p in workers}
            peak = dict(rest)
            clients = [Client(B, timeout=120) for _ in range(4)]
            for c in clients:
                c.login(chief, ph.PW)
            sizes, stop = [], [False]

            def export(c):
                r = c.get('/history.csv')
                sizes.append((r.status, r.body.count('\n')))

            def sample():
                while not stop[0]:
                    for p in workers:
                        try:
                            peak[p] = max(peak[p], rss(p))
                        except OSError:
                            pass
                    time.sleep(0.02)
            th = [threading.Thread(target=export, args=(c,)) for c in clients]
            sampler = threading.Thread(target=sample)
            sampler.start()
            for t in th:
                t.start()
            for t in th:
                t.join(180)
            stop[0] = True
            sampler.join()
            self.assertEqual(sorted(sizes), [(200, 16001)] * 4)
            growth = max(peak[p] - rest[p] for p in workers) / 1024.0
            self.assertLess(growth, 20.0, 'a worker grew by %.1f MB during the exports' % growth)
        finally:
            B.stop()
            B.remove()
