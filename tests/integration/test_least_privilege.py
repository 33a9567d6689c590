"""Least privilege in the database (issue "Hold against an adversary", item
10): each process's role may do only its job, and the triggers of sql/007
and sql/010 refuse what no role may do. Every refusal is tried as the role
itself with psql, and must fail with a database error; nothing changes.

| what | role | test |
|---|---|---|
| mark the chief's notification acknowledged for them | portal_app | test_app_cannot_acknowledge_for_someone_else |
| re-address a notification, rewrite its reason, fake its delivery | portal_app | test_app_cannot_rewrite_a_notification |
| a forged chief notification to a federal agent | portal_app | test_app_cannot_address_a_chief_notification_to_a_non_chief |
| change a filed request's kind, party or fields | portal_app | test_app_cannot_change_what_was_filed |
| delete requests, notifications, deployments, check-ins, audit | portal_app | test_app_cannot_delete_history |
| change who was sent or who authorized it | portal_app | test_app_cannot_rewrite_a_deployment |
| dispatch an outside agency's account | portal_app | test_only_sworn_active_members_can_be_deployed |
| change the policy or the chain head | portal_app | test_app_cannot_change_policy_settings_or_the_chain |
| acknowledge, file, change status | portal_notifier | test_notifier_touches_only_delivery_columns |
| an acknowledgment is given once | owner | test_an_acknowledgment_cannot_be_changed_even_by_the_owner |
"""

import harness
from harness import uniq, psql_as
import policyhelp as ph
from policyhelp import fed_in_fields, person, signed

S = None


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc')


def q(s):
    return "'%s'" % s.replace("'", "''")


class LeastPrivilege(harness.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.disp = person(S, 'dispatcher', 'lpdsp')
        cls.fbi = uniq('lpfbi')
        S.add_user(cls.fbi, 'agency', 'Agent Forge', ph.PW, agency='FBI Forge Office',
                   agency_type='federal')
        r = ph.file(signed(S, cls.disp), fed_in_fields())
        assert r.status == 303, r.describe()
        cls.rid = harness.request_id_from(r)
        cls.chief_note = S.scalar("SELECT id FROM notification WHERE request_id = %d AND "
                                  "recipient_role = 'chief' ORDER BY id LIMIT 1" % cls.rid)
        cls.fbi_id = S.scalar("SELECT id FROM account WHERE login = %s" % q(cls.fbi))

    def snapshot(self):
        return S.psql("SELECT n.id, n.recipient_id, n.recipient_role, n.reason, n.acknowledged_at,"
                      " n.acknowledged_by, n.email_status FROM notification n WHERE request_id = %d "
                      "ORDER BY id" % self.rid) + \
            S.psql("SELECT kind, requesting_agency_type, nature, status FROM request WHERE id = %d"
                   % self.rid)

    def assertRefused(self, role, sql, expect):
        before = self.snapshot()
        rc, out, err = psql_as(S, role, sql)
        self.assertNotEqual(rc, 0, '%s may run: %s' % (role, sql))
        self.assertIn(expect, err, err)
        self.assertEqual(self.snapshot(), before, 'a refused statement changed something')

    def test_app_cannot_acknowledge_for_someone_else(self):
        r = ph.file(signed(S, self.disp), fed_in_fields())
        rid = harness.request_id_from(r)
        note = S.scalar("SELECT id FROM notification WHERE request_id = %d AND recipient_role = "
                        "'chief' AND acknowledged_at IS NULL ORDER BY id LIMIT 1" % rid)
        self.assertRefused('portal_app', "UPDATE notification SET acknowledged_at = now(), "
                           "acknowledged_by = %s WHERE id = %s" % (self.fbi_id, note),
                           'only its recipient acknowledges it')
        self.assertIsNone(S.scalar("SELECT acknowledged_at FROM notification WHERE id = %s" % note) or None)

    def test_app_cannot_rewrite_a_notification(self):
        for sql in ("UPDATE notification SET recipient_id = %s WHERE id = %s",
                    "UPDATE notification SET reason = 'nothing to see' WHERE id = %s",
                    "UPDATE notification SET email_status = 'sent' WHERE id = %s",
                    "UPDATE notification SET recipient_role = 'agency' WHERE id = %s"):
            sql = sql % ((self.fbi_id, self.chief_note) if sql.count('%s') == 2 else (self.chief_note,))
            with self.subTest(sql=sql):
                self.assertRefused('portal_app', sql, 'permission denied')

    def test_app_cannot_address_a_chief_notification_to_a_non_chief(self):
        before = S.count('notification', 'request_id = %d' % self.rid)
        self.assertRefused('portal_app', "INSERT INTO notification (request_id, recipient_id, "
                           "recipient_role, rule_id, clause, reason) VALUES (%d, %s, 'chief', "
                           "'FORGED', '98-023 §III.B.4', 'forged')" % (self.rid, self.fbi_id),
                           'addressed to an account that does not hold it')
        self.assertEqual(S.count('notification', 'request_id = %d' % self.rid), before)

    def test_app_cannot_change_what_was_filed(self):
        for change in ("kind = 'aid_incoming'", "requesting_agency_type = 'local'",
                       "nature = 'rewritten'", "filed_by = %s" % self.fbi_id):
            with self.subTest(change=change):
                self.assertRefused('portal_app', 'UPDATE request SET %s WHERE id = %d'
                                   % (change, self.rid), 'permission denied')

    def test_app_cannot_delete_history(self):
        for table in ('request', 'notification', 'deployment', 'checkin', 'audit_event',
                      'policy_exception', 'login_event'):
            with self.subTest(table=table):
                self.assertRefused('portal_app', 'DELETE FROM %s' % table, 'permission denied')
        self.assertRefused('portal_app', 'TRUNCATE request CASCADE', 'permission denied')

    def test_app_cannot_rewrite_a_deployment(self):
        dsup = person(S, 'supervisor', 'lpsup')
        officer = person(S, 'officer', 'lpoff')
        c = signed(S, dsup)
        r = ph.file(c, ph.incoming_fields())
        rid = harness.request_id_from(r)
        ph.act(signed(S, person(S, 'supervisor', 'lpsup2')), rid, 'approve')
        r = ph.act(c, rid, 'dispatch', [('assignee', officer)])
        self.assertEqual(r.status, 303, r.describe())
        dep = S.scalar('SELECT id FROM deployment WHERE request_id = %d' % rid)
        for change in ('authorized_by = %s' % self.fbi_id, "assignee = 'someone else'",
                       'request_id = %d' % self.rid, "unit_type = 'supervisor'"):
            with self.subTest(change=change):
                rc, out, err = psql_as(S, 'portal_app', 'UPDATE deployment SET %s WHERE id = %s'
                                       % (change, dep))
                self.assertNotEqual(rc, 0)
                self.assertIn('permission denied', err)
        # Even the owner cannot: the trigger of sql/007.
        with self.assertRaises(AssertionError) as cm:
            S.psql('UPDATE deployment SET authorized_by = %s WHERE id = %s' % (self.fbi_id, dep))
        self.assertIn('cannot be changed', str(cm.exception))

    def test_only_sworn_active_members_can_be_deployed(self):
        disp_id = S.scalar("SELECT id FROM account WHERE login = %s" % q(self.disp))
        for account, as_ in ((self.fbi_id, 'squad'), (disp_id, 'squad')):
            with self.subTest(account=account):
                before = S.count('deployment', 'request_id = %d' % self.rid)
                rc, out, err = psql_as(S, 'portal_app', "INSERT INTO deployment (request_id, assignee,"
                                       " account_id, unit_type, authorized_by) VALUES (%d, 'x', %s, "
                                       "'%s', %s)" % (self.rid, account, as_, disp_id))
                self.assertNotEqual(rc, 0)
                self.assertIn('only an active sworn member', err)
                self.assertEqual(S.count('deployment', 'request_id = %d' % self.rid), before)

    def test_app_cannot_change_policy_settings_or_the_chain(self):
        # The policy in force is the latest policy_document (sql/012): only
        # `portalctl policy load`, as the owner, adds one.
        for sql in ("UPDATE policy_document SET body = 'policy: x'",
                    "DELETE FROM policy_document",
                    "INSERT INTO policy_document (name, body, sha256, loaded_by)"
                    " VALUES ('x', 'policy: x', '\\x00', 'portal')",
                    "INSERT INTO setting VALUES ('x', 'y')",
                    "UPDATE setting SET value = '1000' WHERE name = 'filings_per_hour'",
                    "UPDATE audit_chain_head SET seq = 0",
                    "UPDATE audit_event SET note = 'x'"):
            with self.subTest(sql=sql):
                self.assertRefused('portal_app', sql, 'permission denied')

    def test_notifier_touches_only_delivery_columns(self):
        for sql in ("UPDATE notification SET acknowledged_at = now(), acknowledged_by = %s WHERE id = %s"
                    % (self.fbi_id, self.chief_note),
                    "UPDATE request SET status = 'closed' WHERE id = %d" % self.rid,
                    "INSERT INTO request (kind, filed_by, channel, nature) VALUES ('aid_outgoing', %s, "
                    "'portal', 'x')" % self.fbi_id,
                    "UPDATE account SET role = 'chief' WHERE id = %s" % self.fbi_id,
                    "DELETE FROM notification",
                    "UPDATE audit_event SET note = 'x'"):
            with self.subTest(sql=sql[:40]):
                self.assertRefused('portal_notifier', sql, 'permission denied')
        # Its own job: the delivery columns.
        rc, out, err = psql_as(S, 'portal_notifier', "UPDATE notification SET email_attempts = "
                               "email_attempts WHERE id = %s" % self.chief_note)
        self.assertEqual(rc, 0, err)

    def test_an_acknowledgment_cannot_be_changed_even_by_the_owner(self):
        chief = S.scalar("SELECT recipient_id FROM notification WHERE id = %s" % self.chief_note)
        if chief:
            S.psql("UPDATE notification SET acknowledged_at = now(), acknowledged_by = %s "
                   "WHERE id = %s AND acknowledged_at IS NULL" % (chief, self.chief_note))
        else:
            chief = S.scalar("SELECT id FROM account WHERE role = 'chief' LIMIT 1")
            S.psql("UPDATE notification SET acknowledged_at = now(), acknowledged_by = %s "
                   "WHERE id = %s AND acknowledged_at IS NULL" % (chief, self.chief_note))
        for sql in ("UPDATE notification SET acknowledged_at = NULL, acknowledged_by = NULL WHERE id = %s",
                    "UPDATE notification SET acknowledged_at = now() - interval '1 day' WHERE id = %s"):
            with self.subTest(sql=sql[:50]):
                with self.assertRaises(AssertionError) as cm:
                    S.psql(sql % self.chief_note)
                self.assertIn('an acknowledgment is given once and kept', str(cm.exception))
