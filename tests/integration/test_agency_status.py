"""Following a request as people live it (issue 13): the outside agency's
status page and "My requests", its e-mails, cancelling with a confirmation
and a reason, the request page's banner and primary action, action errors
shown on the request page (422, field marked, values kept), acknowledging a
notification from the request page.

The stack is this module's own ('agency-status'), on policies/oconomowoc.policy
with O-APPROVE switched on (the department's approval gate, so that approval
and denial happen), notifier polling every second, e-mails written to
$PORTAL_VAR/mail/notification-ID.eml (no SMTP server).

| behaviour | test |
|-----------|------|
| the agency's list and page: status in its words, what happens next, units with counts, the desk's phone | AgencyStatus.test_agency_sees_status_next_step_units_and_desk_phone |
| e-mail to the filer on received, approved, dispatched, closed (O-ASKER-*) | FilerMail.test_filer_emailed_when_received_approved_dispatched_closed |
| e-mail to the filer on a denial, with the reason (O-ASKER-DENIED) | FilerMail.test_filer_emailed_when_denied_with_the_reason |
| cancel without reason or confirmation: 422, field marked, nothing changed | Cancel.test_cancel_without_reason_or_confirmation_is_422_and_changes_nothing |
| cancel with both: cancelled, workers told with the reason (O-CANCEL-TOLD) | Cancel.test_cancel_with_reason_notifies_whoever_worked_on_it |
| an action's error comes back on the request page, values kept | RequestPage.test_action_error_is_422_on_the_request_page_with_values_kept |
| banner: state, whom it waits for, since when; one primary action | RequestPage.test_banner_says_whom_it_waits_for_and_one_primary_action |
| acknowledging from the request page | RequestPage.test_recipient_acknowledges_from_the_request_page |
| the chief's acknowledgment is the primary action of a federal request | RequestPage.test_chief_acknowledges_a_federal_request_as_the_primary_action |
| inbox: emergencies first; emergency, kind, agency, place, age; overdue acknowledgments marked | Triage.test_inbox_puts_emergencies_first_and_marks_unacknowledged_past_the_policy_time |
| e-mail subjects: EMERGENCY, kind, agency, place, age | Triage.test_email_subject_says_emergency_kind_agency_place_and_age |
| navigation: no "New request" for a role that may file nothing | Triage.test_navigation_offers_filing_only_to_roles_that_may_file |
"""

import email
import email.header
import email.policy
import glob
import os
import re

import harness
from harness import uniq
import policyhelp as ph
from policyhelp import act, incoming_fields, notes, page_text, person, req_json, signed

POLICY = 'oconomowoc'
S = None
U = {}


def setUpModule():
    global S
    S = ph.private_stack(POLICY, 'agency-status', policy_file=ph.switched_on(POLICY, 'O-APPROVE', 'agency-status'))
    ph.PolicyCase.S = S
    U['agency'] = person(S, 'agency', 'asag', agency='Hartland PD ' + uniq('a'), agency_type='local')
    U['sup'] = person(S, 'supervisor', 'assup')
    U['sup2'] = person(S, 'supervisor', 'assup2')
    U['disp'] = person(S, 'dispatcher', 'asdisp')
    U['officer'] = person(S, 'officer', 'asoff')


def tearDownModule():
    if S is not None:
        S.stop()


def c(key):
    return signed(S, U[key])


def file_incoming(**ov):
    r = ph.file(c('agency'), incoming_fields(**ov))
    assert r.status == 303, r.describe(1500)
    return harness.request_id_from(r)


def staff_json(rid):
    return req_json(c('sup'), rid)


def mail_for(login, rid, rule):
    """The e-mail (text) of the notification of `rule` to `login` on request
    `rid`, once the notifier sent it; None when it did not within 20 s."""
    def sent():
        n = notes(staff_json(rid), rule=rule, recipient=login)
        return n[0] if n and n[0]['email'] == 'sent' else None
    n = ph.wait_until(sent, timeout=20)
    if n is None:
        return None
    files = glob.glob(os.path.join(S.var, 'mail', 'notification-%d.eml' % n['id']))
    if len(files) != 1:
        return None
    with open(files[0], 'rb') as f:
        return f.read().decode('utf-8', 'replace')


def subject_of(msg):
    """The decoded Subject of a message (RFC 2047 words, folding undone)."""
    m = email.message_from_string(msg, policy=email.policy.default)
    return str(m['Subject'] or '')


class AgencyStatus(ph.PolicyCase):

    def test_agency_sees_status_next_step_units_and_desk_phone(self):
        """The agency's home lists its request with the status in its words
        and what happens next; its page says the same, the desk's telephone
        (the policy's `desk phone`), and after dispatch the units on their way
        with counts and the dispatcher's arrival estimate. No internal codes (aid_incoming, k9, checkin) anywhere."""
        rid = file_incoming(nature='Status page ' + uniq('n'))
        home = c('agency').get('/')
        self.assertEqual(home.status, 200, home.describe())
        row = re.search(r'<tr>\s*<td data-label="No\."><a href="/requests/%d">.*?</tr>' % rid, home.body, re.S)
        self.assertIsNotNone(row, 'the request is not in "My requests"')
        words = page_text(row.group(0))
        self.assertIn('Received', words)
        self.assertIn('The department decides whether and whom to send.', words)
        self.assertIn('Request for help from the department', words)
        self.assertIn('My requests', page_text(home.body))

        page = c('agency').get('/requests/%d' % rid)
        self.assertEqual(page.status, 200, page.describe())
        self.assertEqual(ph.element_text(page.body, 'status'), 'Received')
        self.assertIn('The department decides whether and whom to send.',
                      page_text(ph.element_text(page.body, 'next-step')))
        self.assertIn('262-555-0100', page_text(ph.element_text(page.body, 'desk')))
        self.assertIn('href="tel:2625550100"', page.body)
        self.assertIn('No units have been sent yet.', page_text(page.body))

        self.assertEqual(act(c('sup'), rid, 'approve', [('note', 'Go.')]).status, 303)
        self.assertEqual(act(c('disp'), rid, 'dispatch', [('assignee', U['officer']), ('eta', '15')]).status, 303)
        self.assertEqual(S.scalar("SELECT round(extract(epoch FROM eta_at - created_at) / 60) FROM deployment"
                                  " WHERE request_id = %d" % rid), '15', 'the arrival estimate stored')
        page = c('agency').get('/requests/%d' % rid)
        self.assertEqual(ph.element_text(page.body, 'status'), 'Help sent')
        text = page_text(page.body)
        self.assertRegex(text, r'Units on their way .*Unit How many Where they are Squad 1 Dispatched, '
                               r'expected by \d\d:\d\d')
        main = page_text(page.body.split('<main', 1)[1])
        for code in ('aid_incoming', 'k9', 'checkin', 'en_route', 'swat'):
            self.assertNotIn(code, main, 'an internal code on the agency page: %r' % code)


class FilerMail(ph.PolicyCase):

    def test_filer_emailed_when_received_approved_dispatched_closed(self):
        """O-ASKER-RECEIVED, O-ASKER-APPROVED, O-ASKER-DISPATCHED and
        O-ASKER-CLOSED (Department rule): the agency that filed is told, by
        the same outbox as every notification, when its request is received,
        approved, dispatched and closed; each is e-mailed once."""
        rid = file_incoming(nature='Mail trail ' + uniq('n'))
        self.assertEqual(act(c('sup'), rid, 'approve', [('note', 'Approved for two squads.')]).status, 303)
        self.assertEqual(act(c('disp'), rid, 'dispatch', [('assignee', U['officer'])]).status, 303)
        dep = staff_json(rid)['deployments'][0]['id']
        self.assertEqual(act(c('disp'), rid, 'checkin', [('deployment', str(dep)), ('status', 'returned')]).status,
                         303)
        self.assertEqual(act(c('sup'), rid, 'close', [('note', 'All home.')]).status, 303)
        j = staff_json(rid)
        for rule in ('O-ASKER-RECEIVED', 'O-ASKER-APPROVED', 'O-ASKER-DISPATCHED', 'O-ASKER-CLOSED'):
            with self.subTest(rule=rule):
                self.assertEqual([n['recipient'] for n in notes(j, rule=rule)], [U['agency']])
                msg = mail_for(U['agency'], rid, rule)
                self.assertIsNotNone(msg, 'no e-mail for ' + rule)
                self.assertIn(U['agency'] + '@policy-tests.example.org', msg)
                self.assertIn('Request #%d' % rid, subject_of(msg))
        self.assertIn('All home.', notes(j, rule='O-ASKER-CLOSED')[0]['reason'])
        # Nobody else is told by these rules, and the agency once each.
        self.assertEqual(len([n for n in j['notifications'] if n['recipient'] == U['agency']]), 4)

    def test_filer_emailed_when_denied_with_the_reason(self):
        """O-ASKER-DENIED (Department rule): the agency that filed learns of a
        denial at once, with the reason given."""
        rid = file_incoming(nature='Denied mail ' + uniq('n'))
        self.assertEqual(act(c('sup'), rid, 'deny', [('reason', 'No squads free before midnight.')]).status, 303)
        n = notes(staff_json(rid), rule='O-ASKER-DENIED')
        self.assertEqual([x['recipient'] for x in n], [U['agency']])
        self.assertIn('No squads free before midnight.', n[0]['reason'])
        msg = mail_for(U['agency'], rid, 'O-ASKER-DENIED')
        self.assertIsNotNone(msg)
        self.assertIn('No squads free before midnight.', msg)
        page = c('agency').get('/requests/%d' % rid)
        self.assertEqual(ph.element_text(page.body, 'status'), 'Denied')
        self.assertIn('No squads free before midnight.', page_text(ph.element_text(page.body, 'denial')))


class Cancel(ph.PolicyCase):

    def test_cancel_without_reason_or_confirmation_is_422_and_changes_nothing(self):
        """A cancel form without the reason, or without the confirmation,
        answers 422 on the request page with the field marked and what was
        typed kept; nothing is stored."""
        rid = file_incoming(nature='Cancel refused ' + uniq('n'))
        cases = (
            ('no reason', [('confirm', 'yes'), ('note', 'typed note')], 'cancel-reason'),
            ('no confirmation', [('reason', 'Handled by our own units')], 'cancel-confirm'),
        )
        for what, fields, marked in cases:
            with self.subTest(what):
                before = ph.request_state(S, rid)
                r = act(c('agency'), rid, 'cancel', fields)
                self.assertEqual(r.status, 422, r.describe(1500))
                self.assertEqual(ph.request_state(S, rid), before, what + ' changed the request')
                self.assertIsNotNone(ph.element_text(r.body, 'err-' + marked), 'the field is not marked')
                self.assertIn('id="%s"' % marked, r.body)
                self.assertRegex(r.body, r'id="%s"[^>]*aria-invalid="true"' % marked)
                self.assertIsNotNone(ph.element_text(r.body, 'action-error'))
                self.assertIn('Your request #%d' % rid, page_text(r.body))
        r = act(c('agency'), rid, 'cancel', [('reason', 'Kept <b>typed</b>')])
        self.assertEqual(r.status, 422)
        self.assertIn('Kept &lt;b&gt;typed&lt;/b&gt;</textarea>', r.body)
        self.assertEqual(staff_json(rid)['status'], 'submitted')

    def test_cancel_with_reason_notifies_whoever_worked_on_it(self):
        """O-CANCEL-TOLD (Department rule): a cancellation with a reason and
        the confirmation is stored, and the department's people who acted
        on the request or were notified of it are told, with the reason; the
        agency that cancelled is not."""
        rid = file_incoming(nature='Cancel told ' + uniq('n'))
        told_before = {n['recipient'] for n in staff_json(rid)['notifications']
                       if n['recipient'] not in (None, U['agency'])}
        r = act(c('agency'), rid, 'cancel', [('reason', 'Suspect in custody.'), ('confirm', 'yes')])
        self.assertEqual(r.status, 303, r.describe(1500))
        j = staff_json(rid)
        self.assertEqual(j['status'], 'cancelled')
        told = notes(j, rule='O-CANCEL-TOLD')
        self.assertEqual(sorted(n['recipient'] for n in told), sorted(told_before))
        self.assertIn(U['sup'], [n['recipient'] for n in told])
        for n in told:
            self.assertIn('Suspect in custody.', n['reason'])
        self.assertEqual([e['note'] for e in ph.events(j, 'cancelled')], ['Suspect in custody.'])


class RequestPage(ph.PolicyCase):

    def test_action_error_is_422_on_the_request_page_with_values_kept(self):
        """A deny without its reason, an approval with a number that is not
        one: 422 on the request page itself (banner, details, the form again),
        the field marked, what was typed kept; nothing changed."""
        rid = file_incoming(nature='Action errors ' + uniq('n'))
        before = ph.request_state(S, rid)
        r = act(c('sup'), rid, 'deny', [('reason', '')])
        self.assertEqual(r.status, 422, r.describe(1500))
        self.assertIn('Request #%d' % rid, page_text(r.body))
        self.assertIn('Reason is required.', page_text(ph.element_text(r.body, 'err-deny-reason')))
        self.assertRegex(r.body, r'id="deny-reason"[^>]*aria-invalid="true"')
        r = act(c('sup'), rid, 'approve', [('squads', '2x'), ('note', 'keep me')])
        self.assertEqual(r.status, 422, r.describe(1500))
        self.assertIsNotNone(ph.element_text(r.body, 'err-approve-squads'))
        self.assertRegex(r.body, r'id="approve-squads"[^>]*value="2x"')
        self.assertRegex(r.body, r'id="approve-note"[^>]*value="keep me"')
        self.assertEqual(ph.request_state(S, rid), before)

    def test_banner_says_whom_it_waits_for_and_one_primary_action(self):
        """The banner comes first: the state, whom the request waits for
        (the approver the policy names) and since when; the viewer's one
        primary action is styled so, the others secondary."""
        rid = file_incoming(nature='Banner ' + uniq('n'))
        r = c('sup').get('/requests/%d' % rid)
        banner = page_text(ph.element_text(r.body, 'banner'))
        self.assertRegex(banner, r"Submitted Emergency Waiting for the shift supervisor / OIC's approval, \d+ min ?\.")
        self.assertLess(r.body.index('id="banner"'), r.body.index('id="h-details"'))
        self.assertLess(r.body.index('id="h-details"'), r.body.index('id="h-actions"'))
        self.assertEqual(len(re.findall(r'class="action form primary-action"', r.body)), 1)
        self.assertRegex(r.body, r'action="/requests/%d/approve" class="action form primary-action"' % rid)
        self.assertEqual(len(re.findall(r'<button type="submit" class="primary">', r.body)), 1,
                         'one primary button: the acknowledgment is secondary beside an action')
        self.assertIn('<button type="submit" class="secondary">Acknowledge your notification</button>', r.body)
        self.assertEqual(act(c('sup'), rid, 'approve', []).status, 303)
        banner = page_text(ph.element_text(c('disp').get('/requests/%d' % rid).body, 'banner'))
        self.assertRegex(banner, r'Approved Emergency Waiting for units to be sent by the shift supervisor / OIC or the dispatcher, \d+ min ?\.')

    def test_recipient_acknowledges_from_the_request_page(self):
        """Whoever was notified acknowledges on the request page (303 back to
        it); someone else sees no such button."""
        rid = file_incoming(nature='Ack here ' + uniq('n'))
        page = c('sup').get('/requests/%d' % rid)
        m = re.search(r'<form method="post" action="/notifications/(\d+)/ack" class="inline ack-form">', page.body)
        self.assertIsNotNone(m, 'no acknowledgment on the request page')
        nid = int(m.group(1))
        self.assertNotIn('/ack" class="inline ack-form"', c('officer').get('/requests/%d' % rid).body)
        cl = c('sup')
        r = cl.post('/notifications/%d/ack' % nid, [('csrf', cl.csrf), ('next', '/requests/%d' % rid)])
        self.assertEqual(r.status, 303, r.describe())
        self.assertTrue(r.location.endswith('/requests/%d' % rid), r.location)
        n = [x for x in staff_json(rid)['notifications'] if x['id'] == nid][0]
        self.assertIsNotNone(n['acknowledged_at'])
        r = cl.post('/notifications/%d/ack' % nid, [('csrf', cl.csrf), ('next', 'https://elsewhere.example/')])
        self.assertTrue(r.location.endswith('/inbox'), r.location)

    def test_chief_acknowledges_a_federal_request_as_the_primary_action(self):
        """The chief, told of a federal agency's request (O-FED-IN-CHIEF), has
        no other step on it: acknowledging is the page's primary action."""
        chief = person(S, 'chief', 'aschief')
        fed = person(S, 'agency', 'asfbi', agency='FBI Milwaukee ' + uniq('a'), agency_type='federal')
        r = ph.file(signed(S, fed), ph.fed_in_fields())
        self.assertEqual(r.status, 303, r.describe(1500))
        rid = harness.request_id_from(r)
        page = signed(S, chief).get('/requests/%d' % rid)
        self.assertIn('<button type="submit" class="primary">Acknowledge your notification</button>', page.body)
        self.assertEqual(len(re.findall(r'class="action form primary-action"', page.body)), 0)
        nid = int(re.search(r'action="/notifications/(\d+)/ack" class="inline ack-form"', page.body).group(1))
        cl = signed(S, chief)
        r = cl.post('/notifications/%d/ack' % nid, [('csrf', cl.csrf), ('next', '/requests/%d' % rid)])
        self.assertEqual(r.status, 303, r.describe())
        page = cl.get('/requests/%d' % rid)
        self.assertNotIn('Acknowledge your notification', page.body)


class Triage(ph.PolicyCase):

    def inbox_items(self, client):
        r = client.get('/inbox')
        self.assertEqual(r.status, 200, r.describe())
        return [(int(rid), page_text(li)) for li, rid in
                re.findall(r'(<li class="[^"]*" id="n-\d+">.*?<a href="/requests/(\d+)">.*?</li>)', r.body, re.S)]

    def test_inbox_puts_emergencies_first_and_marks_unacknowledged_past_the_policy_time(self):
        """The inbox lists unacknowledged emergencies first (an older
        emergency above a newer routine request), each row with the
        emergency, kind, requesting agency, place and age; one unacknowledged
        for longer than the policy's `acknowledge within` (30 minutes) is
        marked, a fresh one is not."""
        sup = person(S, 'supervisor', 'astri')
        urgent = file_incoming(nature='Triage urgent ' + uniq('n'), location='12 Lake St', municipality='Hartland')
        routine = file_incoming(nature='Triage routine ' + uniq('n'), emergency='no', priority='routine')
        items = [i for i in self.inbox_items(signed(S, sup)) if i[0] in (urgent, routine)]
        self.assertEqual([i[0] for i in items], [urgent, routine])
        agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['agency'])
        self.assertRegex(items[0][1], r'^ ?Emergency Request #%d · Request for our aid · %s · 12 Lake St, Hartland · 0 min ago'
                         % (urgent, re.escape(agency)))
        self.assertNotIn('Emergency', items[1][1])
        self.assertNotIn('Not acknowledged for over', items[0][1])
        # Thirty-one minutes ago, as the owner, with the append-only trigger
        # (sql/007) off for this one transaction.
        S.psql("BEGIN; ALTER TABLE notification DISABLE TRIGGER notification_append_only; "
               "UPDATE notification SET created_at = now() - interval '31 minutes' WHERE request_id = %d; "
               "ALTER TABLE notification ENABLE TRIGGER notification_append_only; COMMIT;" % routine)
        items = dict(i for i in self.inbox_items(signed(S, sup)) if i[0] in (urgent, routine))
        self.assertIn('31 min ago', items[routine])
        self.assertIn('Not acknowledged for over 30 min', items[routine])
        self.assertNotIn('Not acknowledged for over', items[urgent])

    def test_email_subject_says_emergency_kind_agency_place_and_age(self):
        """An e-mail's subject carries EMERGENCY when the request is one, the
        request, its kind (in the agency's words for the agency), the agency
        that asks, the place and how long ago it was filed; a routine
        request's subject does not say EMERGENCY."""
        agency = S.scalar("SELECT agency FROM account WHERE login = '%s'" % U['agency'])
        urgent = file_incoming(nature='Subject urgent ' + uniq('n'), location='7 Pine Rd', municipality='Hartland')
        subject = subject_of(mail_for(U['sup'], urgent, 'O-SUPERVISOR') or '')
        self.assertRegex(subject, r'^\[Mutual aid\] EMERGENCY - Request #%d: Request for our aid - %s - '
                         r'7 Pine Rd, Hartland - filed \d+ min ago \(98-023 §V\.A\)$' % (urgent, re.escape(agency)))
        mine = subject_of(mail_for(U['agency'], urgent, 'O-ASKER-RECEIVED') or '')
        self.assertIn('Request #%d: Request for help from the department - ' % urgent, mine)
        routine = file_incoming(nature='Subject routine ' + uniq('n'), emergency='no', priority='routine')
        subject = subject_of(mail_for(U['sup'], routine, 'O-SUPERVISOR') or '')
        self.assertTrue(subject.startswith('[Mutual aid] Request #%d: ' % routine), subject)
        self.assertNotIn('EMERGENCY', subject)

    def test_navigation_offers_filing_only_to_roles_that_may_file(self):
        """"New request" is in the navigation of a role the policy lets file
        some kind (an agency, a supervisor), not of one it lets file nothing
        (the chief, a commander, an administrator under 98-023)."""
        def nav(login):
            body = signed(S, login).get('/').body
            return re.findall(r'<a href="([^"]+)"', re.search(r'<nav class="main-nav".*?</nav>', body, re.S).group(0))
        for who in (U['agency'], U['sup']):
            self.assertIn('/requests/new', nav(who), who)
        for role in ('chief', 'commander', 'admin'):
            self.assertNotIn('/requests/new', nav(person(S, role, 'asnav')), role)
