"""portalctl: bad input exits 2 with a one-line message and changes nothing;
user list; user duty."""

import unittest

import harness
from harness import Client, uniq

PW = 'correct-horse-battery-4'
S = None


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc')


class Portalctl(harness.TestCase):

    def assertRefused(self, rc, out, err, what):
        self.assertEqual(rc, 2, '%s: exit %d, stderr %r' % (what, rc, err))
        msg = err.strip()
        self.assertTrue(msg, '%s: no message on stderr' % what)
        self.assertNotIn('\n', msg, '%s: message is not one line: %r' % (what, err))

    def accounts(self):
        return S.count('account')

    def test_user_add_creates_account_that_can_sign_in(self):
        login = uniq('ok')
        rc, out, err = S.ctl('user', 'add', login, '--role', 'agency', '--name', 'Okay Agency',
                             '--email', 'ok@example.org', '--agency', 'Okay PD',
                             '--agency-type', 'tribal', stdin=PW + '\n')
        self.assertEqual(rc, 0, err)
        Client(S).login(login, PW)
        row = S.psql("SELECT role, full_name, agency, agency_type, email FROM account "
                     "WHERE login = '%s'" % login)
        self.assertEqual(row, [['agency', 'Okay Agency', 'Okay PD', 'tribal', 'ok@example.org']])

    def test_user_add_bad_role_exits_2_nothing_changed(self):
        before = self.accounts()
        login = uniq('br')
        self.assertRefused(*S.ctl('user', 'add', login, '--role', 'sheriff', '--name', 'X Y',
                                  stdin=PW + '\n'), what='bad role')
        self.assertEqual(self.accounts(), before)

    def test_user_add_duplicate_login_exits_2_original_kept(self):
        login = S.add_user(uniq('dup'), 'supervisor', 'Original Name', PW)
        before = self.accounts()
        self.assertRefused(*S.ctl('user', 'add', login, '--role', 'admin', '--name', 'Impostor',
                                  stdin='another-password-99\n'), what='duplicate login')
        self.assertEqual(self.accounts(), before)
        self.assertEqual(S.psql("SELECT role, full_name FROM account WHERE login = '%s'" % login),
                         [['supervisor', 'Original Name']])
        Client(S).login(login, PW)
        self.assertEqual(Client(S).try_login(login, 'another-password-99').status, 401)

    def test_user_add_empty_password_exits_2_nothing_changed(self):
        before = self.accounts()
        login = uniq('ep')
        self.assertRefused(*S.ctl('user', 'add', login, '--role', 'officer', '--name', 'No Pass',
                                  stdin='\n'), what='empty password (newline only)')
        self.assertRefused(*S.ctl('user', 'add', login, '--role', 'officer', '--name', 'No Pass',
                                  stdin=''), what='empty password (no input)')
        self.assertEqual(self.accounts(), before)

    def test_user_add_bad_agency_type_exits_2_nothing_changed(self):
        before = self.accounts()
        self.assertRefused(*S.ctl('user', 'add', uniq('bt'), '--role', 'agency', '--name', 'Bad T',
                                  '--agency', 'Bad Type PD', '--agency-type', 'galactic',
                                  stdin=PW + '\n'), what='bad agency type')
        self.assertEqual(self.accounts(), before)

    def test_user_add_bad_login_exits_2(self):
        before = self.accounts()
        self.assertRefused(*S.ctl('user', 'add', 'Bad Login!', '--role', 'officer',
                                  '--name', 'Bad Login', stdin=PW + '\n'), what='bad login')
        self.assertEqual(self.accounts(), before)

    def test_user_list_one_line_per_account_starting_with_login(self):
        mine = [S.add_user(uniq('ls'), 'officer', 'Listed Officer %d' % i, PW) for i in range(2)]
        rc, out, err = S.ctl('user', 'list')
        self.assertEqual(rc, 0, err)
        lines = [l for l in out.splitlines() if l.strip()]
        logins = [r[0] for r in S.psql('SELECT login FROM account')]
        starts = [l.split()[0] for l in lines]
        for login in mine:
            self.assertIn(login, starts)
        self.assertEqual(sorted(starts), sorted(logins),
                         'user list lines do not match the accounts one to one')

    def test_user_duty_on_off_and_unknown_login(self):
        login = S.add_user(uniq('dt'), 'watch_commander', 'Duty Tester', PW)
        S.duty(login, False)
        self.assertEqual(S.scalar("SELECT on_duty FROM account WHERE login = '%s'" % login), 'f')
        S.duty(login, True)
        self.assertEqual(S.scalar("SELECT on_duty FROM account WHERE login = '%s'" % login), 't')
        self.assertRefused(*S.ctl('user', 'duty', uniq('nobody'), 'on'), what='duty unknown login')
        self.assertRefused(*S.ctl('user', 'duty', login, 'sideways'), what='duty bad state')


if __name__ == '__main__':
    unittest.main()
