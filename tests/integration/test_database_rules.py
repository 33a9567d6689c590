"""Rules the database enforces by itself, whatever the code does:

- The headline rule (DESIGN.md "Notifications"; 98-023 §III.B.2-4 and
  GO 2025-57): a federal request without a notification to the Chief of
  Police cannot be committed. The constraint trigger request_federal_chief
  checks it at COMMIT, so a request and its chief notification written in
  one transaction commit together; either alone does not.
- The audit trail is append-only for the portal: its role portal_app may
  not UPDATE or DELETE an audit_event row.

Run against both presets' stacks (the schema is the same; the presets differ).

| check | test |
|-------|------|
| federal request without a chief notification: COMMIT fails | test_federal_request_without_chief_notification_cannot_commit |
| the same request with a chief notification in one transaction commits | test_federal_request_with_chief_notification_in_same_transaction_commits |
| a notification to another role does not count | test_notification_to_another_role_does_not_satisfy_the_chief_rule |
| a request from a federal agency (any kind) without one: COMMIT fails | test_98_023_III_B_4_request_from_a_federal_agency_without_chief_notification_cannot_commit |
| what was filed (kind, party) cannot be changed, even by the owner | test_changing_a_filed_kind_or_party_is_refused |
| every federal request filed over HTTP (each federal kind, and aid_incoming logged for a federal agency) has its chief notification stored | test_every_federal_request_filed_over_http_has_a_stored_chief_notification |
| portal_app may not UPDATE / DELETE audit_event | test_portal_app_is_refused_update_and_delete_on_audit_event |
"""

import harness
from harness import uniq
import policyhelp as ph
from policyhelp import fed_emer_fields, fed_in_fields, fed_inv_fields, person, signed

FEDERAL_KINDS = ('federal_investigative', 'federal_emergency', 'federal_incoming')
# The trail as appended (the sealer links events into the chain shortly
# after; sealing changes no event's content).
TRAIL = ("SELECT count(*), max(id), md5(string_agg(concat_ws(',', id, request_id, actor_id,"
         " actor_login, action, clause, note, at), '|' ORDER BY id)) FROM audit_event")
CHIEF_ERROR = 'has no notification to the Chief of Police'


def q(s):
    return "'%s'" % s.replace("'", "''")


class DatabaseRules(harness.TestCase):
    POLICY = None
    S = None
    owner_id = None

    @classmethod
    def setUpClass(cls):
        if cls.POLICY is None:
            raise harness.unittest.SkipTest('base class')
        cls.S = harness.get_stack(cls.POLICY)
        cls.det = person(cls.S, 'detective', 'dbdet')
        cls.owner_id = ph.account_id(cls.S, cls.det)

    def insert_sql(self, kind, nature, party=None):
        if party is None and kind == 'federal_incoming':
            party = 'federal'
        return ("INSERT INTO request (kind, filed_by, channel, nature, requesting_agency_type)"
                " VALUES (%s, %d, 'portal', %s, %s)"
                % (q(kind), self.owner_id, q(nature), q(party) if party else 'NULL'))

    def stored(self, nature):
        return self.S.count('request', 'nature = %s' % q(nature))

    def assertCommitRefused(self, sql, nature):
        with self.assertRaises(AssertionError) as cm:
            self.S.psql(sql)
        self.assertIn(CHIEF_ERROR, str(cm.exception))
        self.assertEqual(self.stored(nature), 0, 'the refused transaction left a request behind')

    def test_federal_request_without_chief_notification_cannot_commit(self):
        """Headline rule, in the database: as the database owner, a federal
        request without a notification to the chief fails at COMMIT with "has
        no notification to the Chief of Police"; nothing is stored."""
        for kind in FEDERAL_KINDS:
            with self.subTest(kind=kind):
                nature = 'db rule no chief ' + uniq('n')
                self.assertCommitRefused('BEGIN; %s; COMMIT;' % self.insert_sql(kind, nature), nature)
                # Without an explicit transaction as well (autocommit).
                self.assertCommitRefused(self.insert_sql(kind, nature), nature)

    def test_federal_request_with_chief_notification_in_same_transaction_commits(self):
        """The same insert plus a notification row for role chief, in one
        transaction, commits: the check runs at COMMIT (deferred)."""
        for kind in FEDERAL_KINDS:
            with self.subTest(kind=kind):
                nature = 'db rule with chief ' + uniq('n')
                self.S.psql(
                    "BEGIN; WITH r AS (%s RETURNING id)"
                    " INSERT INTO notification (request_id, recipient_role, rule_id, clause, reason,"
                    " email_status, acknowledged_at)"
                    " SELECT id, 'chief', 'DB-TEST', 'database rule test', 'written by %s',"
                    " 'none', now() FROM r; COMMIT;" % (self.insert_sql(kind, nature), self.id()))
                self.assertEqual(self.stored(nature), 1)
                n = self.S.scalar("SELECT count(*) FROM notification n JOIN request r ON r.id = n.request_id"
                                  " WHERE r.nature = %s AND n.recipient_role = 'chief'" % q(nature))
                self.assertEqual(n, '1')

    def test_notification_to_another_role_does_not_satisfy_the_chief_rule(self):
        """A federal request notified only to the supervisor still cannot commit."""
        nature = 'db rule supervisor only ' + uniq('n')
        self.assertCommitRefused(
            "BEGIN; WITH r AS (%s RETURNING id)"
            " INSERT INTO notification (request_id, recipient_role, rule_id, clause, reason, email_status,"
            " acknowledged_at) SELECT id, 'supervisor', 'DB-TEST', 'x', 'y', 'none', now() FROM r; COMMIT;"
            % self.insert_sql('federal_emergency', nature), nature)

    def test_98_023_III_B_4_request_from_a_federal_agency_without_chief_notification_cannot_commit(self):
        """98-023 §III.B.4: a request is federal when its requesting party is a
        federal agency, whatever its kind: an aid_incoming from a federal
        agency without a chief notification fails at COMMIT."""
        nature = 'db rule federal party ' + uniq('n')
        self.assertCommitRefused(self.insert_sql('aid_incoming', nature, party='federal'), nature)

    def test_changing_a_filed_kind_or_party_is_refused(self):
        """What was filed cannot be changed, even by the owner: a request is
        not made (or unmade) federal by an UPDATE of its kind or party."""
        nature = 'db rule kind change ' + uniq('n')
        self.S.psql(self.insert_sql('aid_incoming', nature, party='local'))
        for change in ("kind = 'federal_incoming', requesting_agency_type = 'federal'",
                       "requesting_agency_type = 'county'", "nature = 'rewritten'"):
            with self.subTest(change=change):
                with self.assertRaises(AssertionError) as cm:
                    self.S.psql("UPDATE request SET %s WHERE nature = %s" % (change, q(nature)))
                self.assertIn('what was filed cannot be changed', str(cm.exception))
        self.assertEqual(self.S.scalar("SELECT kind || '/' || requesting_agency_type FROM request "
                                       "WHERE nature = %s" % q(nature)), 'aid_incoming/local')

    def test_every_federal_request_filed_over_http_has_a_stored_chief_notification(self):
        """Through the portal, each federal kind, and an aid_incoming logged
        for a federal agency (requesting_agency_type federal), is stored with
        its chief notification (role chief), and no federal request (kind or
        party) in the database lacks one."""
        S = self.S
        sup = person(S, 'supervisor', 'dbsup')
        disp = person(S, 'dispatcher', 'dbdsp')
        party = ph.incoming_fields(requesting_agency='FBI Milwaukee Field Office',
                                   requesting_agency_type='federal', bureau='Patrol Bureau')
        for login, fields in ((self.det, fed_inv_fields()), (sup, fed_emer_fields()),
                              (disp, fed_in_fields()), (disp, party)):
            kind = dict(fields)['kind']
            with self.subTest(kind=kind, party=dict(fields).get('requesting_agency_type')):
                c = signed(S, login)
                r = ph.file(c, fields)
                self.assertEqual(r.status, 303, r.describe())
                rid = harness.request_id_from(r)
                self.assertGreaterEqual(S.count('notification', "request_id = %d AND recipient_role = 'chief'"
                                                % rid), 1)
        self.assertEqual(S.count('request r', "(kind LIKE 'federal\\_%' OR requesting_agency_type = 'federal')"
                                 " AND NOT EXISTS (SELECT 1 FROM notification n"
                                 " WHERE n.request_id = r.id AND n.recipient_role = 'chief')"), 0)

    def test_portal_app_is_refused_update_and_delete_on_audit_event(self):
        """The portal's role portal_app (psql "host=$PORTAL_VAR/run dbname=portal
        user=portal_app") may read the audit trail but is refused UPDATE and
        DELETE on audit_event: the trail is append-only."""
        S = self.S
        # Make sure there is at least one event.
        r = ph.file(signed(S, self.det), fed_inv_fields())
        self.assertEqual(r.status, 303, r.describe())
        before = S.psql(TRAIL)[0]
        rc, out, err = ph.psql_as_app(S, 'SELECT count(*) FROM audit_event')
        self.assertEqual(rc, 0, 'portal_app cannot read audit_event (or connect): ' + err)
        for sql in ("UPDATE audit_event SET note = 'tampered' WHERE seq = (SELECT max(seq) FROM audit_event)",
                    'DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)',
                    'DELETE FROM audit_event',
                    'TRUNCATE audit_event'):
            with self.subTest(sql=sql.split()[0]):
                rc, out, err = ph.psql_as_app(S, sql)
                self.assertNotEqual(rc, 0, 'portal_app may run: ' + sql)
                self.assertIn('permission denied', err, err)
        after = S.psql(TRAIL)[0]
        self.assertEqual(before, after)
        self.assertEqual(S.count('audit_event', "note = 'tampered'"), 0)


class Oconomowoc(DatabaseRules):
    POLICY = 'oconomowoc'


class Milwaukee(DatabaseRules):
    POLICY = 'milwaukee'


del DatabaseRules
