"""Backups (issue 11.7; cgi-bin/backup.c, README "Backups"), run as the
instance's user `portal` (setpriv, when the tests run as root):

- `portalctl backup FILE` then `portalctl restore --replace FILE`: every
  table's row count and the sealed audit chain (seq, hash) are as at the
  backup, what was filed after it is gone, `audit verify` passes; FILE is
  mode 0600.
- backup refuses an existing FILE (exit 2, FILE unchanged) and refuses to
  run as root (exit 2, no file).
- restore refuses a file that is no portal backup (exit 2) and changes
  nothing.

Its own stack (restore replaces the database's contents)."""

import os
import shutil
import stat
import subprocess
import tempfile
import unittest

import harness
import policyhelp
from faults import as_portal
from harness import IS_ROOT, incoming_fields

S = None
COUNTS = ("SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c "
          "FROM %I', table_name), false, true, '')))[1]::text FROM information_schema.tables "
          "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")
CHAIN = "SELECT seq, encode(hash, 'hex') FROM audit_event ORDER BY seq"


def setUpModule():
    global S
    S = policyhelp.private_stack('oconomowoc', 'backup')


def portalctl(*args, root=False):
    """portalctl ARGS as `portal`, or as root (not root already: uid 0 of a
    user namespace of its own, which is what geteuid() reports)."""
    argv = ['env', 'PORTAL_VAR=' + S.var, os.path.join(S.build, 'portalctl')] + list(args)
    if root:
        argv = argv if IS_ROOT else ['unshare', '-r'] + argv
    else:
        argv = as_portal(argv)
    p = subprocess.run(argv, cwd='/', stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def state():
    return S.psql(COUNTS), S.psql(CHAIN)


def file_one(nature):
    login = policyhelp.person(S, 'agency')
    c = policyhelp.signed(S, login)
    r = c.post('/requests', incoming_fields(nature=nature) + [('csrf', c.csrf)])
    assert r.status == 303, r.describe()


class Backup(harness.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='backup-', dir='/tmp')
        self.addCleanup(shutil.rmtree, self.dir, True)
        if IS_ROOT:
            shutil.chown(self.dir, 'portal', 'portal')
        self.file = os.path.join(self.dir, 'portal.dump')

    def test_backup_then_restore_replace_round_trip_counts_and_chain_equal(self):
        file_one('Before the backup')
        S.psql('SELECT audit_seal(1000)')
        before = state()
        rc, out, err = portalctl('backup', self.file)
        self.assertEqual(rc, 0, out + err)
        self.assertIn('verified by restoring it into a scratch cluster', out)
        st = os.stat(self.file)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        file_one('After the backup')
        self.assertNotEqual(state(), before)
        rc, out, err = portalctl('restore', '--replace', self.file)
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(state(), before)
        self.assertEqual(S.count('request', "nature = 'After the backup'"), 0)
        rc, out, err = S.ctl('audit', 'verify')
        self.assertEqual(rc, 0, out + err)

    def test_backup_refuses_an_existing_file_exit_2_file_unchanged(self):
        with open(self.file, 'w') as f:
            f.write('keep me\n')
        rc, out, err = portalctl('backup', self.file)
        self.assertEqual(rc, 2, out + err)
        self.assertIn('%s exists; a backup never overwrites a file' % self.file, err)
        with open(self.file) as f:
            self.assertEqual(f.read(), 'keep me\n')

    def test_backup_refuses_root_exit_2_no_file(self):
        rc, out, err = portalctl('backup', self.file, root=True)
        self.assertEqual(rc, 2, out + err)
        self.assertIn('refuses to run as root', err)
        self.assertEqual(os.listdir(self.dir), [])

    def test_restore_of_a_file_that_is_no_portal_backup_exit_2_nothing_changed(self):
        with open(self.file, 'w') as f:
            f.write('PGDMP but not really\n')
        before = state()
        rc, out, err = portalctl('restore', '--replace', self.file)
        self.assertEqual(rc, 2, out + err)
        self.assertIn('is not a backup of the portal', err)
        self.assertEqual(state(), before)


if __name__ == '__main__':
    unittest.main()
