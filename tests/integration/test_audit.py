"""The audit trail: `portalctl audit verify` and the append-only grants.

A private stack, since the tamper tests break its chain on purpose.

| check | test |
|-------|------|
| verify exits 0 and says "intact" after activity | Tamper.test_1_intact_after_activity |
| an altered note (or action, actor, time): exit non-zero, "BROKEN at event N" | Tamper.test_2_*, test_3_* |
| restored: intact again | Tamper.test_2_*, test_3_* |
| a removed event in the middle: named as missing | Tamper.test_4_* |
| the last event removed: "removed" | Tamper.test_5_* |
| portal_app may not UPDATE, DELETE or TRUNCATE audit_event (nor touch the head) | Grants.* |
"""

import os
import re
import subprocess

import harness
from harness import Client, Stack, incoming_fields, request_id_from, uniq

PW = 'audit-tests-password-1'
S = None


def setUpModule():
    global S
    S = Stack(policy='oconomowoc', name='audit')
    admin = S.add_user(uniq('adm'), 'admin', 'Audit Admin', PW)
    disp = S.add_user(uniq('dsp'), 'dispatcher', 'Audit Dispatcher', PW)
    a = Client(S)
    a.login(admin, PW)
    r = a.post('/admin/accounts', [('csrf', a.csrf), ('login', uniq('made')), ('name', 'Made Here'),
                                   ('role', 'officer'), ('password', 'long-enough-password')])
    assert r.status == 303, r.describe()
    d = Client(S)
    d.login(disp, PW)
    for i in range(3):
        r = d.post('/requests', incoming_fields(nature='Audit activity %d; needs a note with "quotes"'
                                                % i) + [('csrf', d.csrf)])
        assert r.status == 303, r.describe()
        rid = request_id_from(r)
    r = d.post('/requests/%d/cancel' % rid, [('csrf', d.csrf), ('note', 'called off, résumé')])
    assert r.status == 303, r.describe()


def tearDownModule():
    if S is not None:
        S.stop()


def verify():
    rc, out, err = S.ctl('audit', 'verify')
    return rc, out + err


def n_events():
    return S.count('audit_event')


def as_portal_app(sql):
    """Runs SQL as the portal's role portal_app: (rc, stdout, stderr)."""
    return harness.psql_as_app(S, sql)


class Tamper(harness.TestCase):
    """In order (test_1 .. test_5): each leaves the chain intact for the next,
    except the last."""

    def assertIntact(self):
        rc, out = verify()
        self.assertEqual(rc, 0, out)
        self.assertRegex(out, r'(?i)intact')
        self.assertNotIn('BROKEN', out)
        return out

    def assertBrokenAt(self, seq, what=None):
        rc, out = verify()
        self.assertNotEqual(rc, 0, 'verify passed a tampered chain: %s' % out)
        self.assertIn('BROKEN at event %d' % seq, out)
        self.assertNotRegex(out, r'(?i)\bintact\b')
        if what:
            self.assertRegex(out, what)
        return out

    def test_1_intact_after_activity(self):
        n = n_events()
        self.assertGreaterEqual(n, 6, 'too little activity in the audit trail')
        out = self.assertIntact()
        m = re.search(r'(\d+) events', out)
        if m:
            self.assertEqual(int(m.group(1)), n, out)
        # More activity keeps it intact.
        S.add_user(uniq('late'), 'officer', 'Late Officer', PW)
        self.assertIntact()

    def test_2_altered_note_is_named_then_restored(self):
        seq = int(S.scalar('SELECT seq FROM audit_event ORDER BY seq OFFSET 2 LIMIT 1'))
        S.psql("UPDATE audit_event SET note = note || ' (tampered)' WHERE seq = %d" % seq)
        out = self.assertBrokenAt(seq, r'(?i)alter')
        self.assertNotIn('BROKEN at event %d' % (seq + 1), out)
        S.psql("UPDATE audit_event SET note = left(note, length(note) - length(' (tampered)'))"
               " WHERE seq = %d" % seq)
        self.assertIntact()

    def test_3_other_altered_columns_are_caught(self):
        seq = int(S.scalar("SELECT max(seq) FROM audit_event WHERE actor_login <> ''"))
        saved = S.scalar('SELECT actor_login FROM audit_event WHERE seq = %d' % seq)
        for col, change, undo in (
                ('action', "action = action || 'x'", "action = left(action, length(action) - 1)"),
                ('actor_login', "actor_login = 'somebody-else'", "actor_login = '%s'" % saved.replace("'", "''")),
                ('at', "at = at - interval '1 day'", "at = at + interval '1 day'")):
            with self.subTest(column=col):
                S.psql('UPDATE audit_event SET %s WHERE seq = %d' % (change, seq))
                self.assertBrokenAt(seq)
                S.psql('UPDATE audit_event SET %s WHERE seq = %d' % (undo, seq))
                self.assertIntact()

    def test_4_removed_event_in_the_middle_is_named(self):
        seq = int(S.scalar('SELECT seq FROM audit_event ORDER BY seq OFFSET 3 LIMIT 1'))
        S.psql('CREATE TABLE audit_saved AS SELECT * FROM audit_event WHERE seq = %d;'
               ' DELETE FROM audit_event WHERE seq = %d' % (seq, seq))
        try:
            self.assertBrokenAt(seq, r'(?i)missing')
        finally:
            # Put the very row back, past the chaining trigger.
            S.psql('ALTER TABLE audit_event DISABLE TRIGGER audit_event_chain;'
                   ' INSERT INTO audit_event SELECT * FROM audit_saved;'
                   ' ALTER TABLE audit_event ENABLE TRIGGER audit_event_chain;'
                   ' DROP TABLE audit_saved')
        self.assertIntact()

    def test_5_removed_last_event_is_reported(self):
        last = int(S.scalar('SELECT max(seq) FROM audit_event'))
        n = n_events()
        S.psql('DELETE FROM audit_event WHERE seq = %d' % last)
        self.assertEqual(n_events(), n - 1)
        rc, out = verify()
        self.assertNotEqual(rc, 0, 'verify passed a chain whose last event was removed: %s' % out)
        self.assertIn('BROKEN', out)
        self.assertRegex(out, r'(?i)removed')
        self.assertIn(str(last), out, 'the message does not say where the chain ends')


class Grants(harness.TestCase):

    def assertDenied(self, sql):
        before = S.psql('SELECT seq, note, encode(hash, \'hex\') FROM audit_event ORDER BY seq')
        rc, out, err = as_portal_app(sql)
        self.assertNotEqual(rc, 0, 'portal_app ran %r: %s' % (sql, out))
        self.assertIn('permission denied', err, err)
        after = S.psql('SELECT seq, note, encode(hash, \'hex\') FROM audit_event ORDER BY seq')
        self.assertEqual(after, before)

    def test_portal_app_connects_and_reads(self):
        rc, out, err = as_portal_app('SELECT count(*) FROM audit_event')
        self.assertEqual(rc, 0, err)
        self.assertEqual(int(out.strip()), n_events())

    def test_update_refused(self):
        self.assertDenied("UPDATE audit_event SET note = 'rewritten' WHERE seq = 1")

    def test_delete_refused(self):
        self.assertDenied('DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)')

    def test_truncate_refused(self):
        self.assertDenied('TRUNCATE audit_event')

    def test_chain_head_refused(self):
        self.assertDenied('UPDATE audit_chain_head SET seq = 0')
        self.assertDenied('DELETE FROM audit_chain_head')

    def test_trigger_cannot_be_disabled(self):
        rc, out, err = as_portal_app('ALTER TABLE audit_event DISABLE TRIGGER audit_event_chain')
        self.assertNotEqual(rc, 0, out)
        self.assertRegex(err, r'(?i)must be (the )?owner|permission denied')


if __name__ == '__main__':
    harness.unittest.main()
