"""Notifications as people see them (DESIGN.md "Notifications"): the inbox
(/inbox, /inbox.json), acknowledging, the unacknowledged count in every
page's header, the fallback recipient when the primary is not available, a
notification for a role nobody holds (kept, and shown to whoever holds the
role later), and e-mail delivery once per recipient.

Most tests use the shared `milwaukee` stack with this module's own accounts;
those that need "nobody holds this role" use a private milwaukee stack
(name 'notif-private', notifier polling every second) in which no unit
commander of the canine unit (k9) exists. Bureaus and districts are those
of policies/milwaukee.policy; "not available" is made true for every holder
of the role (policyhelp.unavailable), other modules' people included.

| behaviour | test |
|-----------|------|
| inbox: mine and my role's, newest first, with the unacknowledged count | Inbox.test_inbox_json_lists_my_notifications_newest_first_with_unacknowledged_count |
| every page's header shows the count on the Inbox link | Inbox.test_every_page_header_shows_unacknowledged_count_in_nav |
| acknowledging (303), acknowledged_at in /requests/ID.json, count drops | Inbox.test_ack_sets_acknowledged_at_and_lowers_the_count |
| acknowledging someone else's notification: 404 | Inbox.test_ack_of_someone_elses_notification_is_404_and_changes_nothing |
| acknowledging without the CSRF token: refused | Inbox.test_ack_without_csrf_is_refused |
| primary off duty: the fallback is notified (M-APPROVER-TOLD, SOP 230.10 C.3.a) | Fallbacks.test_M_APPROVER_TOLD_SOP_230_10_C_3_a_bureau_chief_off_duty_watch_commander_gets_it_in_inbox |
| district commander off duty: watch commander (M-IN-CITY-COMMANDER, SOP 230.10 D) | Fallbacks.test_M_IN_CITY_COMMANDER_SOP_230_10_D_commander_off_duty_watch_commander_gets_it_in_inbox |
| nobody on duty and no fallback: the off-duty holders (M-UNIT-SENT) | NobodyHoldsTheRole.test_M_UNIT_SENT_SOP_230_10_C_3_a_off_duty_holder_notified_when_nobody_on_duty |
| nobody holds the role: kept (recipient null), shown to a later holder | NobodyHoldsTheRole.test_M_UNIT_SENT_SOP_230_10_C_3_a_kept_for_role_nobody_holds_and_shown_to_later_holder |
| e-mail: sent once per recipient with an address, none without | Email.test_notifier_emails_each_recipient_once_and_marks_sent |
"""

import glob
import os
import re

import harness
from harness import uniq
import policyhelp as ph
from policyhelp import act, incoming_fields, internal_fields, notes, person, req_json, signed

S = None
U = {}


def setUpModule():
    global S
    S = harness.get_stack('milwaukee')
    ph.PolicyCase.S = S
    U['agency'] = person(S, 'agency', 'nag', agency='Greenfield PD ' + uniq('n'), agency_type='local')
    U['dispatcher'] = person(S, 'dispatcher', 'ndsp')
    U['dsup'] = person(S, 'dispatch_supervisor', 'ndsup')
    U['supervisor'] = person(S, 'supervisor', 'nsup')


def c(key, stack=None):
    return signed(stack or S, U.get(key, key))


def incoming(**ov):
    ov.setdefault('bureau', 'Patrol Bureau')
    return incoming_fields(**ov)


def inbox(client):
    r = client.get('/inbox.json')
    assert r.status == 200, r.describe()
    assert r.content_type == 'application/json', r.describe()
    return r.json()


def nav_count(body):
    """The number on the Inbox link of the page's header (0 when none)."""
    m = re.search(r'<a href="/inbox"[^>]*>(.*?)</a>', body, re.S)
    assert m, 'no Inbox link in the page header'
    n = re.search(r'\d+', ph.page_text(m.group(1)))
    return int(n.group(0)) if n else 0


class Inbox(ph.PolicyCase):

    def setUp(self):
        # A DEC supervisor of this test's own: M-IN-DEC tells every one on duty.
        self.me = person(S, 'dispatch_supervisor', 'ninbox')
        self.mine = signed(S, self.me, fresh=True)
        self.rids = [self.file_ok(c('agency'), incoming(nature='Inbox test %d %s' % (i, uniq('n'))))
                     for i in range(3)]

    def my_notes(self):
        box = inbox(self.mine)
        return box, [n for n in box['notifications'] if n['request_id'] in self.rids]

    def test_inbox_json_lists_my_notifications_newest_first_with_unacknowledged_count(self):
        """GET /inbox.json: {"unacknowledged": N, "notifications": [...]}, the
        person's notifications (here M-IN-DEC, "SOP 230.10 C.3, C.3.a") newest first."""
        box, mine = self.my_notes()
        self.assertEqual([n['request_id'] for n in mine], list(reversed(self.rids)),
                         'not newest first: %s' % [(n['id'], n['request_id']) for n in mine])
        ids = [n['id'] for n in box['notifications']]
        self.assertEqual(ids, sorted(ids, reverse=True), 'inbox not newest first')
        for n in mine:
            self.assertEqual(n['role'], 'dispatch_supervisor')
            self.assertEqual(n['clause'], ph.citation('milwaukee', 'M-IN-DEC'))
            self.assertIs(n['for_role'], False)
            self.assertIsNone(n['acknowledged_at'])
            self.assertTrue(n['reason'])
        unacked = [n for n in box['notifications'] if n['acknowledged_at'] is None]
        self.assertEqual(box['unacknowledged'], len(unacked))
        self.assertGreaterEqual(box['unacknowledged'], 3)
        # The HTML inbox shows the same, with an acknowledge form per notification.
        page = self.mine.get('/inbox')
        self.assertEqual(page.status, 200, page.describe())
        for n in mine:
            self.assertIn('/notifications/%d/ack' % n['id'], page.body)
        # Another person's inbox does not list them.
        other = person(S, 'officer', 'nother')
        theirs = inbox(signed(S, other, fresh=True))
        self.assertFalse({n['id'] for n in theirs['notifications']} & {n['id'] for n in mine})

    def test_every_page_header_shows_unacknowledged_count_in_nav(self):
        """The header of every page shows the unacknowledged count on the Inbox link."""
        box, _ = self.my_notes()
        for path in ('/', '/inbox', '/requests/%d' % self.rids[0], '/policy', '/requests/new'):
            with self.subTest(path=path):
                r = self.mine.get(path)
                self.assertEqual(r.status, 200, r.describe())
                self.assertEqual(nav_count(r.body), box['unacknowledged'])

    def test_ack_sets_acknowledged_at_and_lowers_the_count(self):
        """POST /notifications/ID/ack (csrf) acknowledges (303); acknowledged_at is
        then set in /requests/ID.json and the count drops by one."""
        box, mine = self.my_notes()
        target = mine[-1]
        r = self.mine.post('/notifications/%d/ack' % target['id'], [('csrf', self.mine.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        box2, mine2 = self.my_notes()
        self.assertEqual(box2['unacknowledged'], box['unacknowledged'] - 1)
        acked = {n['id']: n['acknowledged_at'] for n in mine2}
        self.assertIsNotNone(acked[target['id']])
        self.assertEqual([i for i, a in acked.items() if a is not None], [target['id']])
        j = req_json(self.mine, target['request_id'])
        n = [x for x in j['notifications'] if x['id'] == target['id']][0]
        self.assertIsNotNone(n['acknowledged_at'])
        self.assertEqual(n['recipient'], self.me)
        self.assertEqual(nav_count(self.mine.get('/').body), box2['unacknowledged'])
        # Acknowledging again changes nothing (and answers as the first time).
        r = self.mine.post('/notifications/%d/ack' % target['id'], [('csrf', self.mine.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(inbox(self.mine)['unacknowledged'], box2['unacknowledged'])

    def test_ack_of_someone_elses_notification_is_404_and_changes_nothing(self):
        """Acknowledging a notification that is not mine (nor my role's): 404."""
        _, mine = self.my_notes()
        target = mine[0]
        for role in ('dispatch_supervisor', 'officer'):
            with self.subTest(other=role):
                other = signed(S, person(S, role, 'nack'), fresh=True)
                r = other.post('/notifications/%d/ack' % target['id'], [('csrf', other.csrf)])
                self.assertEqual(r.status, 404, r.describe())
        r = c('agency').post('/notifications/%d/ack' % target['id'], [('csrf', c('agency').csrf)])
        self.assertEqual(r.status, 404, r.describe())
        j = req_json(self.mine, target['request_id'])
        self.assertIsNone([x for x in j['notifications'] if x['id'] == target['id']][0]['acknowledged_at'])

    def test_ack_without_csrf_is_refused(self):
        """POST /notifications/ID/ack without the CSRF token is refused (403)."""
        box, mine = self.my_notes()
        r = self.mine.post('/notifications/%d/ack' % mine[0]['id'], [])
        self.assertEqual(r.status, 403, r.describe())
        self.assertEqual(inbox(self.mine)['unacknowledged'], box['unacknowledged'])


class Fallbacks(ph.PolicyCase):

    def test_M_APPROVER_TOLD_SOP_230_10_C_3_a_bureau_chief_off_duty_watch_commander_gets_it_in_inbox(self):
        """M-APPROVER-TOLD, "SOP 230.10 C.3.a": the bureau chief of the bureau
        requested is not available (off duty): the night watch commander on
        duty is notified instead, says why, and sees it in the inbox."""
        bureau = 'Criminal Investigation Bureau'
        bc = person(S, 'bureau_chief', 'nbc', bureau=bureau)
        watch = person(S, 'watch_commander', 'nwatch')
        watch_off = person(S, 'watch_commander', 'nwoff')
        rid = self.file_ok(c('agency'), incoming(bureau=bureau, emergency='yes'))
        with ph.unavailable(S, 'bureau_chief', bureau=bureau), ph.off_duty(S, watch_off):
            r = act(c('dsup'), rid, 'authorize', [('squads', '1')])
            self.assertEqual(r.status, 303, r.describe())
        j = req_json(c('dsup'), rid)
        n = self.assertNotified(j, 'M-APPROVER-TOLD', watch, clause='SOP 230.10 C.3.a',
                                role='watch_commander')
        self.assertIn('not available: sent to', n['reason'])
        self.assertNotNotified(j, 'M-APPROVER-TOLD', bc)
        self.assertNotNotified(j, 'M-APPROVER-TOLD', watch_off)
        box = inbox(signed(S, watch, fresh=True))
        self.assertIn(n['id'], [x['id'] for x in box['notifications']])
        self.assertNotIn(n['id'], [x['id'] for x in inbox(signed(S, bc, fresh=True))['notifications']])

    def test_M_IN_CITY_COMMANDER_SOP_230_10_D_commander_off_duty_watch_commander_gets_it_in_inbox(self):
        """M-IN-CITY-COMMANDER, "SOP 230.10 D": the district commander is not
        available: the night watch commander is notified instead and sees it
        in the inbox; the commander, back on duty, is notified of the next."""
        district = 'District 6'
        cmd = person(S, 'commander', 'ncmd', district=district)
        watch = person(S, 'watch_commander', 'nwatch')
        rid = self.file_ok(c('supervisor'), internal_fields(district=district, squads='2'))
        with ph.unavailable(S, 'commander', district=district):
            self.assertEqual(act(c('dsup'), rid, 'approve').status, 303)
        j = req_json(c('dsup'), rid)
        n = self.assertNotified(j, 'M-IN-CITY-COMMANDER', watch, clause='SOP 230.10 D',
                                role='watch_commander')
        self.assertIn('not available: sent to', n['reason'])
        self.assertIn(n['id'], [x['id'] for x in inbox(signed(S, watch, fresh=True))['notifications']])
        rid2 = self.file_ok(c('supervisor'), internal_fields(district=district, squads='2'))
        self.assertEqual(act(c('dsup'), rid2, 'approve').status, 303)
        j2 = req_json(c('dsup'), rid2)
        n2 = self.assertNotified(j2, 'M-IN-CITY-COMMANDER', cmd, role='commander')
        self.assertNotIn('not available: sent to', n2['reason'])
        self.assertNotNotified(j2, 'M-IN-CITY-COMMANDER', watch)


class NobodyHoldsTheRole(ph.PolicyCase):
    """A private milwaukee stack: its only unit commander is the demo swat1."""

    @classmethod
    def setUpClass(cls):
        cls.P = ph.private_stack('milwaukee', 'notif-private')
        P = cls.P
        cls.agency = person(P, 'agency', 'npag', agency='Cudahy PD ' + uniq('p'))
        cls.bc = person(P, 'bureau_chief', 'npbc', bureau='Administration Bureau')
        cls.dsup = person(P, 'dispatch_supervisor', 'npdsup')

    def approved(self, **ov):
        """An aid_incoming (incoming_fields overridden by `ov`) approved by the
        bureau chief: the approval is of what was filed, units included."""
        P = self.P
        before = P.count('request')
        ov.setdefault('bureau', 'Administration Bureau')
        r = ph.file(signed(P, self.agency), incoming_fields(**ov))
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(P.count('request'), before + 1)
        rid = harness.request_id_from(r)
        self.assertEqual(act(signed(P, self.bc), rid, 'approve').status, 303)
        return rid

    def test_M_UNIT_SENT_SOP_230_10_C_3_a_kept_for_role_nobody_holds_and_shown_to_later_holder(self):
        """M-UNIT-SENT, "SOP 230.10 C.3.a": the canine unit is dispatched and no unit
        commander of it exists: the notification is kept for the role
        (recipient null), never dropped, and shown in the inbox of a person
        given that role afterwards, who can acknowledge it."""
        P = self.P
        self.assertEqual(P.count('account', "role = 'unit_commander' AND unit = 'k9'"), 0,
                         'the private stack has a k9 unit commander already')
        rid = self.approved()
        r = act(signed(P, self.dsup), rid, 'dispatch', [('special_units', 'k9')])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(signed(P, self.dsup), rid)
        kept = notes(j, rule='M-UNIT-SENT')
        self.assertEqual(len(kept), 1, j['notifications'])
        n = kept[0]
        self.assertIsNone(n['recipient'])
        self.assertEqual(n['role'], 'unit_commander')
        self.assertEqual(n['clause'], 'SOP 230.10 C.3.a')
        # Someone is given the role afterwards: it is in their inbox, for their role.
        later = person(P, 'unit_commander', 'npk9', unit='k9')
        lc = signed(P, later, fresh=True)
        box = inbox(lc)
        got = [x for x in box['notifications'] if x['id'] == n['id']]
        self.assertEqual(len(got), 1, 'the kept notification is not in the new holder\'s inbox')
        self.assertIs(got[0]['for_role'], True)
        self.assertIsNone(got[0]['acknowledged_at'])
        self.assertGreaterEqual(box['unacknowledged'], 1)
        self.assertEqual(nav_count(lc.get('/').body), box['unacknowledged'])
        r = lc.post('/notifications/%d/ack' % n['id'], [('csrf', lc.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        j = req_json(signed(P, self.dsup), rid)
        self.assertIsNotNone([x for x in j['notifications'] if x['id'] == n['id']][0]['acknowledged_at'])
        self.assertEqual(inbox(lc)['unacknowledged'], box['unacknowledged'] - 1)

    def test_M_UNIT_SENT_SOP_230_10_C_3_a_off_duty_holder_notified_when_nobody_on_duty(self):
        """M-UNIT-SENT, "SOP 230.10 C.3.a": the rule has no fallback role; when the
        only commander of the unit is off duty, that holder is notified all the
        same (never dropped)."""
        P = self.P
        dive = person(P, 'unit_commander', 'npdive', unit='dive')
        rid = self.approved(special_units=['dive'])
        with ph.off_duty(P, dive):
            r = act(signed(P, self.dsup), rid, 'dispatch', [('special_units', 'dive')])
            self.assertEqual(r.status, 303, r.describe())
        j = req_json(signed(P, self.dsup), rid)
        n = self.assertNotified(j, 'M-UNIT-SENT', dive, clause='SOP 230.10 C.3.a', role='unit_commander')
        self.assertEqual(len(notes(j, rule='M-UNIT-SENT')), 1, j['notifications'])
        self.assertIn(n['id'], [x['id'] for x in inbox(signed(P, dive, fresh=True))['notifications']])


class Email(ph.PolicyCase):

    def test_notifier_emails_each_recipient_once_and_marks_sent(self):
        """The notifier e-mails each notification to its recipient once (here
        to $PORTAL_VAR/mail/, no SMTP server) and marks it sent; a recipient
        without an address gets none."""
        P = ph.private_stack('milwaukee', 'notif-private')
        agency = person(P, 'agency', 'neag', agency='St Francis PD ' + uniq('e'))
        with_mail = person(P, 'dispatch_supervisor', 'nemail')
        without = person(P, 'dispatch_supervisor', 'nnomail', email=False)
        r = ph.file(signed(P, agency), incoming_fields(bureau='Patrol Bureau'))
        self.assertEqual(r.status, 303, r.describe())
        rid = harness.request_id_from(r)
        reader = signed(P, with_mail)

        def delivered():
            j = req_json(reader, rid)
            n = notes(j, rule='M-IN-DEC', recipient=with_mail)
            return j if n and n[0]['email'] == 'sent' else None
        j = ph.wait_until(delivered, timeout=20)
        self.assertIsNotNone(j, 'the notification was not e-mailed within 20 s: %s'
                             % notes(req_json(reader, rid), rule='M-IN-DEC', recipient=with_mail))
        n = notes(j, rule='M-IN-DEC', recipient=with_mail)[0]
        self.assertIsNotNone(n['email_sent_at'])
        self.assertEqual(notes(j, rule='M-IN-DEC', recipient=without)[0]['email'], 'none')
        spool = os.path.join(P.var, 'mail')
        files = glob.glob(os.path.join(spool, 'notification-%d.eml' % n['id']))
        self.assertEqual(len(files), 1, os.listdir(spool) if os.path.isdir(spool) else 'no spool')
        with open(files[0], 'rb') as f:
            msg = f.read().decode('utf-8', 'replace')
        self.assertIn(with_mail + '@policy-tests.example.org', msg)
        self.assertIn('SOP 230.10 C.3', msg)
        # Nothing is sent twice.
        addressed = 0
        for path in glob.glob(os.path.join(spool, '*.eml')):
            with open(path, 'rb') as f:
                if (with_mail + '@policy-tests.example.org').encode() in f.read():
                    addressed += 1
        self.assertEqual(addressed, len(notes(req_json(reader, rid), recipient=with_mail)))
