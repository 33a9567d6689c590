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
| the owner's own UPDATE of an event is refused by the database (only sealing fills the chain columns, once) | Grants.test_owner_update_refused_by_the_database |
| events are sealed into the chain within seconds of their commit | Sealing.test_events_are_sealed_within_seconds |
| an event unsealed for over a minute: verify exit non-zero, "UNSEALED"; status "BEHIND" | Sealing.test_event_unsealed_over_a_minute_is_flagged |
| an altered unsealed event is sealed as it stands (the window docs/audit.md names) | Sealing.test_unsealed_event_altered_before_sealing_is_the_stated_window |
| a writer does not wait for another's open transaction (no lock on the chain head) | Sealing.test_filing_does_not_wait_for_another_open_audit_insert |
"""

import os
import re
import signal
import subprocess
import threading
import time

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
    r = d.post('/requests/%d/cancel' % rid, [('csrf', d.csrf), ('reason', 'called off, résumé'), ('confirm', 'yes')])
    assert r.status == 303, r.describe()


def tearDownModule():
    if S is not None:
        S.stop()


def verify():
    rc, out, err = S.ctl('audit', 'verify')
    return rc, out + err


def n_events():
    return S.count('audit_event')


def wait_sealed(timeout=20):
    """Until the notifier has sealed every event appended so far."""
    deadline = time.time() + timeout
    while S.count('audit_event', 'seq IS NULL') > 0:
        assert time.time() < deadline, 'events stay unsealed: is the notifier sealing?'
        time.sleep(0.2)


def tamper(sql):
    """What only someone with the owner's rights can do: switch off the
    triggers that refuse changes, change the trail, switch them on again."""
    S.psql('ALTER TABLE audit_event DISABLE TRIGGER USER; %s;'
           ' ALTER TABLE audit_event ENABLE TRIGGER USER' % sql)


def notifier_pid():
    with open(os.path.join(S.var, 'run', 'notifier.pid')) as f:
        return int(f.read().strip())


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

    def setUp(self):
        wait_sealed()

    def test_1_intact_after_activity(self):
        n = n_events()
        self.assertGreaterEqual(n, 6, 'too little activity in the audit trail')
        out = self.assertIntact()
        m = re.search(r'(\d+) events', out)
        if m:
            self.assertEqual(int(m.group(1)), n, out)
        # More activity keeps it intact.
        S.add_user(uniq('late'), 'officer', 'Late Officer', PW)
        wait_sealed()
        self.assertIntact()

    def test_2_altered_note_is_named_then_restored(self):
        seq = int(S.scalar('SELECT seq FROM audit_event ORDER BY seq OFFSET 2 LIMIT 1'))
        tamper("UPDATE audit_event SET note = note || ' (tampered)' WHERE seq = %d" % seq)
        out = self.assertBrokenAt(seq, r'(?i)alter')
        self.assertNotIn('BROKEN at event %d' % (seq + 1), out)
        tamper("UPDATE audit_event SET note = left(note, length(note) - length(' (tampered)'))"
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
                tamper('UPDATE audit_event SET %s WHERE seq = %d' % (change, seq))
                self.assertBrokenAt(seq)
                tamper('UPDATE audit_event SET %s WHERE seq = %d' % (undo, seq))
                self.assertIntact()

    def test_4_removed_event_in_the_middle_is_named(self):
        seq = int(S.scalar('SELECT seq FROM audit_event ORDER BY seq OFFSET 3 LIMIT 1'))
        S.psql('CREATE TABLE audit_saved AS SELECT * FROM audit_event WHERE seq = %d' % seq)
        tamper('DELETE FROM audit_event WHERE seq = %d' % seq)
        try:
            self.assertBrokenAt(seq, r'(?i)missing')
        finally:
            # Put the very row back, past the stamping trigger.
            tamper('INSERT INTO audit_event SELECT * FROM audit_saved')
            S.psql('DROP TABLE audit_saved')
        self.assertIntact()

    def test_5_removed_last_event_is_reported(self):
        last = int(S.scalar('SELECT max(seq) FROM audit_event'))
        n = n_events()
        tamper('DELETE FROM audit_event WHERE seq = %d' % last)
        self.assertEqual(n_events(), n - 1)
        rc, out = verify()
        self.assertNotEqual(rc, 0, 'verify passed a chain whose last event was removed: %s' % out)
        self.assertIn('BROKEN', out)
        self.assertRegex(out, r'(?i)removed')
        self.assertIn(str(last), out, 'the message does not say where the chain ends')


class Grants(harness.TestCase):

    # What events say (sealing, which may happen meanwhile, changes none of it).
    CONTENT = 'SELECT id, action, note, at FROM audit_event ORDER BY id'

    def assertDenied(self, sql):
        before = S.psql(self.CONTENT)
        rc, out, err = as_portal_app(sql)
        self.assertNotEqual(rc, 0, 'portal_app ran %r: %s' % (sql, out))
        self.assertIn('permission denied', err, err)
        self.assertEqual(S.psql(self.CONTENT), before)

    def test_owner_update_refused_by_the_database(self):
        wait_sealed()
        before = S.psql(self.CONTENT)
        with self.assertRaisesRegex(AssertionError, 'audit events are never changed'):
            S.psql("UPDATE audit_event SET note = 'rewritten' WHERE id = (SELECT min(id) FROM audit_event)")
        with self.assertRaisesRegex(AssertionError, 'audit events are never changed'):
            S.psql("UPDATE audit_event SET seq = seq + 1000, hash = hash"
                   " WHERE id = (SELECT max(id) FROM audit_event)")
        self.assertEqual(S.psql(self.CONTENT), before)

    def test_portal_app_may_not_seal(self):
        rc, out, err = as_portal_app('SELECT audit_seal(10)')
        self.assertNotEqual(rc, 0, out)
        self.assertIn('permission denied', err, err)

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
        rc, out, err = as_portal_app('ALTER TABLE audit_event DISABLE TRIGGER audit_event_immutable')
        self.assertNotEqual(rc, 0, out)
        self.assertRegex(err, r'(?i)must be (the )?owner|permission denied')


class Sealing(harness.TestCase):
    """The sealer (the notifier) links appended events into the chain."""

    def test_events_are_sealed_within_seconds(self):
        d = Client(S)
        d.login(S.add_user(uniq('sd'), 'dispatcher', 'Seal Dispatcher', PW), PW)
        r = d.post('/requests', incoming_fields() + [('csrf', d.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        rid = request_id_from(r)
        wait_sealed(timeout=10)
        self.assertEqual(S.count('audit_event', 'request_id = %d AND seq IS NOT NULL' % rid),
                         S.count('audit_event', 'request_id = %d' % rid))
        rc, out = verify()
        self.assertEqual(rc, 0, out)

    def test_event_unsealed_over_a_minute_is_flagged(self):
        wait_sealed()
        pid = notifier_pid()
        os.kill(pid, signal.SIGSTOP)     # the sealer pauses (the master restarts only the dead)
        try:
            tamper("INSERT INTO audit_event (actor_login, action, note, at)"
                   " VALUES ('test', 'late_event', 'appended two minutes ago', now() - interval '2 minutes')")
            rc, out = verify()
            self.assertEqual(rc, 1, out)
            self.assertIn('UNSEALED: 1 event(s) appended more than a minute ago', out)
            rc, out, err = S.ctl('status')
            self.assertEqual(rc, 3, out + err)
            self.assertRegex(out, r'audit\s+BEHIND: 1 event\(s\) not yet sealed')
        finally:
            os.kill(pid, signal.SIGCONT)
        wait_sealed()
        rc, out = verify()
        self.assertEqual(rc, 0, out)

    def test_unsealed_event_altered_before_sealing_is_the_stated_window(self):
        # docs/audit.md: until an event is sealed (about a second), someone
        # with the owner's rights who also switches the triggers off can
        # change it unseen; the chain vouches only for what it sealed.
        wait_sealed()
        pid = notifier_pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            S.psql("INSERT INTO audit_event (actor_login, action, note) VALUES ('test', 'window', 'first words')")
            tamper("UPDATE audit_event SET note = 'other words' WHERE action = 'window'")
        finally:
            os.kill(pid, signal.SIGCONT)
        wait_sealed()
        rc, out = verify()
        self.assertEqual(rc, 0, out)
        self.assertEqual(S.scalar("SELECT note FROM audit_event WHERE action = 'window'"), 'other words')

    def test_filing_does_not_wait_for_another_open_audit_insert(self):
        # Another writer appends an event and keeps its transaction open for
        # 8 s; a filing (which appends its own) answers meanwhile.
        holder = subprocess.Popen(
            harness.psql_command(S, 'portal_app', "BEGIN; INSERT INTO audit_event (actor_login, action)"
                                 " VALUES ('holder', 'held_open'); SELECT pg_sleep(8); COMMIT;"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            time.sleep(1)
            self.assertIsNone(holder.poll(), 'the holding transaction ended early')
            d = Client(S)
            d.login(S.add_user(uniq('nw'), 'dispatcher', 'No Wait Dispatcher', PW), PW)
            r = d.post('/requests', incoming_fields() + [('csrf', d.csrf)])
            self.assertEqual(r.status, 303, r.describe())
            self.assertIsNone(holder.poll(), 'the filing was answered only after the other '
                              'transaction ended: it waited for it')
        finally:
            holder.wait(timeout=30)


if __name__ == '__main__':
    harness.unittest.main()
