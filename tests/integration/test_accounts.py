"""Accounts fit for criminal-justice information (issue 15): two-factor
sign-in (RFC 6238) with its enrolment, recovery codes and reset, and who
must have it (CJIS Security Policy 5.6.2.2, NIST SP 800-63B §5.1.4).

Its own stack: the second factor is required here as in production
(harness stacks make it optional for the other modules).

| item | test |
|---|---|
| enrol: QR code + secret, one code confirms, ten recovery codes | Enrol.test_cjis_5_6_2_2_enrol_confirms_a_code_then_shows_ten_recovery_codes |
| a wrong confirmation turns nothing on | Enrol.test_wrong_confirmation_code_turns_nothing_on |
| required accounts enrol before anything else | Enrol.test_cjis_5_6_2_2_department_account_without_factor_is_sent_to_enrolment |
| outside local agency: optional per setting | Enrol.test_cjis_5_6_2_2_local_agency_optional_by_setting |
| enrolment ends the other sessions | Enrol.test_enrolment_ends_the_other_sessions |
| POST /login answers 303 to /login/code | SecondStep.test_cjis_5_6_2_2_password_then_code_signs_in |
| no session before the code | SecondStep.test_no_signed_in_session_before_the_code |
| replayed code refused | SecondStep.test_rfc_6238_5_2_replayed_code_refused |
| wrong codes count toward the pause | SecondStep.test_cjis_5_5_3_wrong_codes_count_toward_the_pause |
| CSRF of the second step | SecondStep.test_code_form_without_its_token_refused |
| recovery code works once | Recovery.test_recovery_code_works_once |
| admin resets a second factor: audited, e-mailed, sessions end, enrol again | Admin.test_cjis_5_6_2_2_admin_resets_second_factor_audited_and_user_told |
| admin ends all sessions of an account | Admin.test_admin_ends_all_sessions_of_an_account |
| system-use notice before credentials, from a setting | Notice.test_cjis_5_5_4_system_use_notice_on_the_sign_in_page_from_a_setting |
| one's sessions listed (started, last used, address, browser) | Sessions.test_own_sessions_listed_with_address_and_browser |
| ending one of one's sessions; another's id ends nothing | Sessions.test_end_one_of_ones_sessions_audited_and_not_anothers |
| absolute lifetime besides the idle lock | Sessions.test_session_ends_after_its_absolute_lifetime_even_when_used |
| password rules with their messages | Passwords.test_nist_800_63b_5_1_1_2_rules_and_their_messages |
| change own password: current + code, other sessions end, audited | Passwords.test_change_own_password_with_code_ends_other_sessions |
| wrong current password refused and counted | Passwords.test_wrong_current_password_refused_and_counted |
| admin reset: one-time password changed at first sign-in | Passwords.test_nist_800_63b_6_1_2_3_admin_reset_password_changed_at_first_sign_in |
| portalctl user add refuses a weak password | Passwords.test_portalctl_user_add_refuses_a_common_password |
| sign-ins and failures (with reason) in the audit chain; admin page and portalctl audit with filters | Audit.test_cjis_5_4_1_1_sign_in_events_listed_with_filters |
| portalctl user add --totp-secret / user totp | Portalctl.test_user_add_totp_secret_new_and_user_totp |
| portalctl user add makes and prints a secret when one is required | Portalctl.test_user_add_without_flag_makes_a_secret_when_one_is_required |
"""

import re
import time

import harness
from harness import Client, TestCase, find_csrf, totp, uniq

PW = 'correct horse battery staple'
S = None


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc', name='accounts')
    # Required of department and federal accounts, as in production.
    S.psql("UPDATE setting SET value = '1' WHERE name IN "
           "('second_factor_department', 'second_factor_federal')")


def new_user(role='dispatcher', totp_secret=True, **attrs):
    """totp_secret: True (one made), False (none: enrols at sign-in), None
    (portalctl's choice)."""
    login = uniq('ac')
    S.add_user(login, role, 'Account %s' % role, PW, totp=totp_secret, **attrs)
    return login


def step_now():
    return int(time.time()) // 30


def code_step(c, code):
    page = c.get('/login/code')
    return c.post('/login/code', [('code', code), ('csrf', find_csrf(page.body))])


def failures(login):
    rows = S.psql("SELECT failures FROM login_throttle WHERE login = '%s' AND addr = '127.0.0.1'"
                  % login)
    return int(rows[0][0]) if rows else 0


def enrol(c):
    """Enrols the signed-in client; returns (secret, recovery codes)."""
    page = c.get('/account/totp')
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.body).group(1)
    r = c.post('/account/totp', [('code', totp(secret, step_now())), ('csrf', find_csrf(page.body))])
    codes = re.findall(r'<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>', r.body)
    return r, secret, codes


class Enrol(TestCase):
    def test_cjis_5_6_2_2_enrol_confirms_a_code_then_shows_ten_recovery_codes(self):
        login = new_user(totp_secret=False)
        c = Client(S)
        r = c.try_login(login, PW)
        self.assertEqual(r.location_path, '/account/totp')
        page = c.get('/account/totp')
        self.assertEqual(page.status, 200)
        self.assertIn('<svg', page.body)
        self.assertIn('<path d="M', page.body)
        self.assertEqual(S.scalar("SELECT totp_secret IS NULL FROM account WHERE login = '%s'"
                                  % login), 't')
        r, secret, codes = enrol(c)
        self.assertEqual(r.status, 200)
        self.assertEqual(len(set(codes)), 10)
        self.assertEqual(S.scalar("SELECT totp_secret FROM account WHERE login = '%s'" % login),
                         secret)
        self.assertEqual(S.scalar("SELECT count(*) FROM recovery_code r JOIN account a ON "
                                  "a.id = r.account_id WHERE a.login = '%s'" % login), '10')
        # Only hashes are kept: no code is stored as typed.
        for code in codes:
            self.assertEqual(S.scalar("SELECT count(*) FROM recovery_code WHERE "
                                      "encode(code_hash, 'escape') LIKE '%%%s%%'" % code), '0')
        self.assertEqual(c.get('/').status, 200)
        self.assertEqual(S.scalar("SELECT count(*) FROM audit_event WHERE action = "
                                  "'second_factor_enrolled' AND actor_login = '%s'" % login), '1')

    def test_wrong_confirmation_code_turns_nothing_on(self):
        login = new_user(totp_secret=False)
        c = Client(S)
        c.try_login(login, PW)
        page = c.get('/account/totp')
        r = c.post('/account/totp', [('code', '000000'), ('csrf', find_csrf(page.body))])
        self.assertEqual(r.status, 422)
        self.assertIn('That code did not match', r.body)
        self.assertEqual(S.scalar("SELECT totp_secret IS NULL FROM account WHERE login = '%s'"
                                  % login), 't')

    def test_cjis_5_6_2_2_department_account_without_factor_is_sent_to_enrolment(self):
        login = new_user(totp_secret=False)
        c = Client(S)
        r = c.try_login(login, PW)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location_path, '/account/totp')
        for path in ('/', '/inbox', '/requests/new'):
            r = c.get(path)
            self.assertEqual(r.status, 303, path)
            self.assertEqual(r.location_path, '/account/totp', path)

    def test_cjis_5_6_2_2_local_agency_optional_by_setting(self):
        login = new_user('agency', totp_secret=False, agency='Town of Summit PD', agency_type='local')
        c = Client(S)
        r = c.try_login(login, PW)
        self.assertEqual(r.location_path, '/')
        fed = new_user('agency', totp_secret=False, agency='FBI Milwaukee', agency_type='federal')
        r = Client(S).try_login(fed, PW)
        self.assertEqual(r.location_path, '/account/totp')

    def test_enrolment_ends_the_other_sessions(self):
        login = new_user(totp_secret=False)
        S.psql("UPDATE setting SET value = '0' WHERE name = 'second_factor_department'")
        try:
            other = Client(S)
            other.login(login, PW)
            c = Client(S)
            c.login(login, PW)
        finally:
            S.psql("UPDATE setting SET value = '1' WHERE name = 'second_factor_department'")
        r, _, codes = enrol(c)
        self.assertEqual(len(codes), 10)
        self.assertEqual(other.get('/').status, 303)
        self.assertEqual(c.get('/').status, 200)


class SecondStep(TestCase):
    def test_cjis_5_6_2_2_password_then_code_signs_in(self):
        login = new_user()
        c = Client(S)
        r = c.try_login(login, PW)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location_path, '/login/code')
        r = code_step(c, S.totp_code(login))
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location_path, '/')
        self.assertEqual(c.get('/').status, 200)
        self.assertEqual(S.scalar("SELECT count(*) FROM session s JOIN account a ON a.id = "
                                  "s.account_id WHERE a.login = '%s'" % login), '1')

    def test_no_signed_in_session_before_the_code(self):
        login = new_user()
        c = Client(S)
        c.try_login(login, PW)
        r = c.get('/inbox')
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location_path, '/login')

    def test_rfc_6238_5_2_replayed_code_refused(self):
        login = new_user()
        c = Client(S)
        c.login(login, PW)
        used = totp(S.totp_secrets[login], S.totp_last_step[login])
        d = Client(S)
        d.try_login(login, PW)
        r = code_step(d, used)
        self.assertEqual(r.status, 401)
        self.assertIn('That code was not accepted', r.body)
        self.assertEqual(d.get('/inbox').status, 303)
        self.assertEqual(S.scalar("SELECT reason FROM login_event WHERE login = '%s' "
                                  "ORDER BY id DESC LIMIT 1" % login), 'code already used')

    def test_cjis_5_5_3_wrong_codes_count_toward_the_pause(self):
        login = new_user()
        c = Client(S)
        c.try_login(login, PW)
        self.assertEqual(failures(login), 1)
        for n in range(2, 5):
            r = code_step(c, '000000' if S.totp_code(login, step_now()) != '000000' else '111111')
            self.assertEqual(r.status, 401)
            self.assertEqual(failures(login), n)
        r = code_step(c, '000000' if S.totp_code(login, step_now()) != '000000' else '111111')
        self.assertEqual(r.status, 401)
        # The fifth failure in a row pauses this login from this address.
        self.assertEqual(S.scalar("SELECT blocked_until > now() FROM login_throttle WHERE "
                                  "login = '%s' AND addr = '127.0.0.1'" % login), 't')
        r = code_step(c, S.totp_code(login))
        self.assertEqual(r.status, 401)
        self.assertEqual(c.get('/inbox').status, 303)

    def test_code_form_without_its_token_refused(self):
        login = new_user()
        c = Client(S)
        c.try_login(login, PW)
        r = c.post('/login/code', [('code', S.totp_code(login)), ('csrf', 'x' * 43)])
        self.assertEqual(r.status, 403)
        self.assertEqual(c.get('/inbox').status, 303)


class Recovery(TestCase):
    def test_recovery_code_works_once(self):
        login = new_user(totp_secret=False)
        c = Client(S)
        c.try_login(login, PW)
        _, _, codes = enrol(c)
        d = Client(S)
        d.try_login(login, PW)
        r = code_step(d, codes[3].upper().replace('-', ' '))
        self.assertEqual(r.status, 303)
        self.assertEqual(d.get('/inbox').status, 200)
        e = Client(S)
        e.try_login(login, PW)
        r = code_step(e, codes[3])
        self.assertEqual(r.status, 401)
        self.assertEqual(S.scalar("SELECT count(*) FROM recovery_code r JOIN account a ON "
                                  "a.id = r.account_id WHERE a.login = '%s' AND used_at IS NOT NULL"
                                  % login), '1')


class Admin(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.admin_login = new_user('admin')
        cls.admin = Client(S)
        cls.admin.login(cls.admin_login, PW)

    def op(self, login, op):
        aid = S.scalar("SELECT id FROM account WHERE login = '%s'" % login)
        page = self.admin.get('/admin/accounts/%s' % aid)
        self.assertEqual(page.status, 200)
        return self.admin.post('/admin/accounts/%s' % aid, [('csrf', find_csrf(page.body)),
                                                          ('op', op)])

    def test_cjis_5_6_2_2_admin_resets_second_factor_audited_and_user_told(self):
        login = new_user(email='%s@example.test' % uniq('m'))
        c = Client(S)
        c.login(login, PW)
        r = self.op(login, 'totp_reset')
        self.assertEqual(r.status, 303)
        self.assertEqual(S.scalar("SELECT totp_secret IS NULL FROM account WHERE login = '%s'"
                                  % login), 't')
        self.assertEqual(c.get('/inbox').status, 303)
        self.assertEqual(S.scalar("SELECT count(*) FROM audit_event WHERE actor_login = '%s' AND "
                                  "note LIKE 'Account %s: second factor reset%%'"
                                  % (self.admin_login, login)), '1')
        self.assertEqual(S.scalar("SELECT count(*) FROM notification n JOIN account a ON a.id = "
                                  "n.recipient_id WHERE a.login = '%s' AND n.clause = 'CJIS 5.6.2.2'"
                                  % login), '1')
        # The next sign-in enrols again.
        r = Client(S).try_login(login, PW)
        self.assertEqual(r.location_path, '/account/totp')
        # A second reset finds nothing to reset and changes nothing.
        r = self.op(login, 'totp_reset')
        self.assertEqual(r.status, 422)

    def test_admin_ends_all_sessions_of_an_account(self):
        login = new_user()
        a, b = Client(S), Client(S)
        a.login(login, PW)
        b.login(login, PW)
        r = self.op(login, 'end_sessions')
        self.assertEqual(r.status, 303)
        self.assertEqual(a.get('/inbox').status, 303)
        self.assertEqual(b.get('/inbox').status, 303)
        self.assertEqual(S.scalar("SELECT count(*) FROM session s JOIN account a ON a.id = "
                                  "s.account_id WHERE a.login = '%s'" % login), '0')


class Notice(TestCase):
    def test_cjis_5_5_4_system_use_notice_on_the_sign_in_page_from_a_setting(self):
        page = Client(S).get('/login')
        self.assertEqual(page.status, 200)
        notice = page.body.find('System use notice')
        self.assertGreater(notice, 0)
        self.assertLess(notice, page.body.find('<form method="post" action="/login"'))
        self.assertIn('Use is authorized for official purposes only', page.body)
        old = S.scalar("SELECT value FROM setting WHERE name = 'system_use_notice'")
        S.psql("UPDATE setting SET value = 'Authorized users only & monitored.' "
               "WHERE name = 'system_use_notice'")
        try:
            page = Client(S).get('/login')
            self.assertIn('Authorized users only &amp; monitored.', page.body)
            self.assertNotIn('official purposes only', page.body)
        finally:
            S.psql("UPDATE setting SET value = '%s' WHERE name = 'system_use_notice'"
                   % old.replace("'", "''"))


def session_ids(login):
    return [r[0] for r in S.psql("SELECT s.id FROM session s JOIN account a ON a.id = "
                                 "s.account_id WHERE a.login = '%s' ORDER BY s.id" % login)]


class Sessions(TestCase):
    def test_own_sessions_listed_with_address_and_browser(self):
        login = new_user()
        a, b = Client(S), Client(S, source='127.0.0.2')
        a.login(login, PW)
        b.login(login, PW)
        page = a.get('/account')
        self.assertEqual(page.status, 200)
        self.assertEqual(page.body.count('<tr><td data-label="Started"'), 2)
        self.assertIn('127.0.0.2', page.body)
        self.assertIn('portal-integration-tests', page.body)
        self.assertEqual(page.body.count('This session'), 1)
        self.assertEqual(page.body.count('End this session'), 1)

    def test_end_one_of_ones_sessions_audited_and_not_anothers(self):
        login, other = new_user(), new_user()
        a, b, o = Client(S), Client(S), Client(S)
        a.login(login, PW)
        b.login(login, PW)
        o.login(other, PW)
        other_sid = session_ids(other)[0]
        r = a.post('/account/sessions/%s/end' % other_sid, [('csrf', a.csrf)])
        self.assertEqual(r.status, 404)
        self.assertEqual(o.get('/inbox').status, 200)
        first = session_ids(login)[0]
        r = a.post('/account/sessions/%s/end' % first, [('csrf', a.refresh_csrf())])
        self.assertEqual(r.status, 303)
        self.assertEqual(a.get('/inbox').status, 303)
        self.assertEqual(b.get('/inbox').status, 200)
        self.assertEqual(S.scalar("SELECT count(*) FROM audit_event WHERE action = 'session_ended' "
                                  "AND actor_login = '%s'" % login), '1')

    def test_session_ends_after_its_absolute_lifetime_even_when_used(self):
        login = new_user()
        c = Client(S)
        c.login(login, PW)
        S.psql("UPDATE session SET created_at = now() - interval '11 hours 59 minutes' WHERE "
               "account_id = (SELECT id FROM account WHERE login = '%s')" % login)
        self.assertEqual(c.get('/inbox').status, 200)
        S.psql("UPDATE session SET created_at = now() - interval '12 hours 1 minute' WHERE "
               "account_id = (SELECT id FROM account WHERE login = '%s')" % login)
        r = c.get('/inbox')
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location_path, '/login')


class Passwords(TestCase):
    def change(self, c, login, current, new, code=True):
        page = c.get('/account/password')
        self.assertEqual(page.status, 200)
        fields = [('current', current), ('password', new), ('csrf', find_csrf(page.body))]
        if code:
            fields.append(('code', code if isinstance(code, str) else S.totp_code(login)))
        return c.post('/account/password', fields)

    def test_nist_800_63b_5_1_1_2_rules_and_their_messages(self):
        login = new_user()
        c = Client(S)
        c.login(login, PW)
        cases = [
            ('tangerine42', 'The password must have at least 12 characters.'),
            ('password1234', 'The password is too easy to guess (it is based on a dictionary word).'),
            ('%s-%s!' % (login, login), "The password is too close to your login, your name or the "
                                        "department's name."),
            ('Account dispatcher 1', "The password is too close to your login, your name"),
        ]
        # A password the rules refuse does not spend the one-time code: the
        # same code serves every try, and the change that is accepted.
        code = S.totp_code(login)
        for new, message in cases:
            with self.subTest(new=new):
                r = self.change(c, login, PW, new, code)
                self.assertEqual(r.status, 422)
                self.assertIn(message.replace("'", '&#39;'), r.body)
                self.assertEqual(Client(S).try_login(login, new).status, 401)
        # No composition rules: lower-case words and spaces are fine.
        r = self.change(c, login, PW, 'purple monkey dishwasher lamp', code)
        self.assertEqual(r.status, 303)

    def test_change_own_password_with_code_ends_other_sessions(self):
        login = new_user()
        a, b = Client(S), Client(S)
        a.login(login, PW)
        b.login(login, PW)
        r = self.change(a, login, PW, 'a new passphrase for winter')
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location_path, '/account')
        self.assertEqual(a.get('/inbox').status, 200)
        self.assertEqual(b.get('/inbox').status, 303)
        self.assertEqual(Client(S).try_login(login, PW).status, 401)
        self.assertEqual(S.scalar("SELECT count(*) FROM audit_event WHERE action = "
                                  "'password_changed' AND actor_login = '%s'" % login), '1')
        # Without a code nothing changes.
        page = a.get('/account/password')
        r = a.post('/account/password', [('current', 'a new passphrase for winter'),
                                         ('password', 'yet another fine phrase'),
                                         ('csrf', find_csrf(page.body))])
        self.assertEqual(r.status, 422)
        self.assertIn('The code was not accepted', r.body)

    def test_wrong_current_password_refused_and_counted(self):
        login = new_user()
        c = Client(S)
        c.login(login, PW)
        self.assertEqual(failures(login), 0)
        r = self.change(c, login, 'not my password at all', 'a new passphrase for winter')
        self.assertEqual(r.status, 422)
        self.assertIn('Your current password was not right', r.body)
        self.assertEqual(failures(login), 1)
        self.assertEqual(Client(S).try_login(login, 'a new passphrase for winter').status, 401)

    def test_nist_800_63b_6_1_2_3_admin_reset_password_changed_at_first_sign_in(self):
        admin = new_user('admin')
        ac = Client(S)
        ac.login(admin, PW)
        login = new_user(totp_secret=False, role='agency', agency='Town of Summit PD',
                         agency_type='local')
        aid = S.scalar("SELECT id FROM account WHERE login = '%s'" % login)
        page = ac.get('/admin/accounts/%s' % aid)
        r = ac.post('/admin/accounts/%s' % aid, [('csrf', find_csrf(page.body)), ('op', 'password'),
                                                 ('password', 'temporary pass 4 you')])
        self.assertEqual(r.status, 303)
        c = Client(S)
        r = c.try_login(login, 'temporary pass 4 you')
        self.assertEqual(r.location_path, '/account/password')
        r = c.get('/inbox')
        self.assertEqual(r.location_path, '/account/password')
        r = self.change(c, login, 'temporary pass 4 you', 'my own phrase for summit', code=False)
        self.assertEqual(r.status, 303)
        self.assertEqual(c.get('/inbox').status, 200)
        self.assertEqual(S.scalar("SELECT password_must_change FROM account WHERE login = '%s'"
                                  % login), 'f')

    def test_portalctl_user_add_refuses_a_common_password(self):
        login = uniq('ac')
        rc, out, err = S.ctl('user', 'add', login, '--role', 'officer', '--name', 'Weak Pw',
                             stdin='password1234\n')
        self.assertEqual(rc, 2)
        self.assertIn('too easy to guess', err)
        self.assertEqual(S.scalar("SELECT count(*) FROM account WHERE login = '%s'" % login), '0')


class Audit(TestCase):
    def test_cjis_5_4_1_1_sign_in_events_listed_with_filters(self):
        login = new_user()
        self.assertEqual(Client(S).try_login(login, 'not the password').status, 401)
        Client(S).login(login, PW)
        rows = S.psql("SELECT action, note, clause FROM audit_event WHERE actor_login = '%s' "
                      "ORDER BY id" % login)
        self.assertEqual([tuple(r) for r in rows],
                         [('sign_in_failed', 'wrong password', 'CJIS 5.4.1.1'),
                          ('sign_in', 'signed in with a second factor', 'CJIS 5.4.1.1')])
        rc, out, err = S.ctl('audit', '--login', login, '--since', '2020-01-01')
        self.assertEqual(rc, 0, err)
        lines = [l.split('\t') for l in out.splitlines()]
        self.assertEqual([(l[2], l[3], l[5]) for l in lines],
                         [(login, 'sign_in_failed', 'wrong password'),
                          (login, 'sign_in', 'signed in with a second factor')])
        rc, out, err = S.ctl('audit', '--login', login, '--action', 'sign_in_failed')
        self.assertEqual(len(out.splitlines()), 1)
        rc, out, err = S.ctl('audit', '--since', 'yesterday-ish')
        self.assertEqual(rc, 2)
        rc, out, err = S.ctl('audit', '--login', login, '--since', '2999-01-01')
        self.assertEqual((rc, out), (0, ''))
        admin = new_user('admin')
        c = Client(S)
        c.login(admin, PW)
        page = c.get('/admin/audit?login=%s&action=sign_in_failed&since=2020-01-01' % login)
        self.assertEqual(page.status, 200)
        self.assertEqual(page.body.count('<td data-label="Action">sign_in_failed</td>'), 1)
        self.assertNotIn('<td data-label="Action">sign_in</td>', page.body)
        d = Client(S)
        d.login(login, PW)
        self.assertEqual(d.get('/admin/audit').status, 403)


class Portalctl(TestCase):
    def test_user_add_totp_secret_new_and_user_totp(self):
        login = uniq('ac')
        rc, out, err = S.ctl('user', 'add', login, '--role', 'officer', '--name', 'Officer T',
                             '--totp-secret', 'new', stdin=PW + '\n')
        self.assertEqual(rc, 0, err)
        secret = re.search(r'^totp-secret ([A-Z2-7]{32})$', out, re.M).group(1)
        rc, out, err = S.ctl('user', 'totp', login)
        self.assertEqual(rc, 0, err)
        self.assertIn(out.strip(), [totp(secret, step_now() + d) for d in (-1, 0, 1)])
        rc, out, err = S.ctl('user', 'add', uniq('ac'), '--role', 'officer', '--name', 'X',
                             '--totp-secret', 'not-base32!', stdin=PW + '\n')
        self.assertEqual(rc, 2)

    def test_user_add_without_flag_makes_a_secret_when_one_is_required(self):
        officer, local = uniq('ac'), uniq('ac')
        rc, out, err = S.ctl('user', 'add', officer, '--role', 'officer', '--name', 'Officer U',
                             stdin=PW + '\n')
        self.assertEqual(rc, 0, err)
        secret = re.search(r'^totp-secret ([A-Z2-7]{32})$', out, re.M).group(1)
        self.assertEqual(S.scalar("SELECT totp_secret FROM account WHERE login = '%s'" % officer),
                         secret)
        rc, out, err = S.ctl('user', 'add', local, '--role', 'agency', '--name', 'Local L',
                             '--agency', 'Town of Summit PD', '--agency-type', 'local',
                             stdin=PW + '\n')
        self.assertEqual(rc, 0, err)
        self.assertNotIn('totp-secret', out)
        self.assertEqual(S.scalar("SELECT totp_secret IS NULL FROM account WHERE login = '%s'"
                                  % local), 't')
