"""Account administration: /admin/accounts and /admin/accounts/ID (admin only).
A private stack (accounts of every role, on duty, disabled, deleted).

| check | test |
|-------|------|
| every other role: 403 on every admin route, GET and POST, nothing changed | NonAdmin.* |
| signed out: 303 to /login | NonAdmin.test_signed_out |
| create: can sign in, attributes stored, audited | Create.* |
| bad fields, short password, duplicate login: 422, problem shown, nothing created | Create.test_bad_* |
| save, duty_off/on (portalctl user list), disable/enable, password reset | Change.* |
| delete: unused account gone; one that filed a request 409 and kept | Delete.* |
| an admin cannot disable or delete themself (409) | Self.* |
| every change: audit_event (request_id NULL, account_*, actor the admin) | all of the above |
"""

import html
import re

import harness
from harness import Client, Stack, incoming_fields, request_id_from, uniq

PW = 'admin-tests-password-1'
S = None
ADMIN = None
OTHER_ROLES = ('agency', 'officer', 'detective', 'supervisor', 'dispatcher', 'dispatch_supervisor',
               'commander', 'bureau_chief', 'watch_commander', 'unit_commander', 'chief')
ATTRS = {
    'agency': {'agency': 'Admin Tests PD', 'agency_type': 'local'},
    'bureau_chief': {'bureau': 'Patrol Bureau'},
    'commander': {'district': 'District 1'},
    'unit_commander': {'unit': 'k9'},
}
_clients = {}


def q(s):
    return "'%s'" % s.replace("'", "''")


def setUpModule():
    # A private stack: these tests add on-duty holders of every role, disable
    # and delete accounts; the shared stacks' notification tests stay apart.
    global S, ADMIN
    S = Stack(policy='oconomowoc', name='admin')
    ADMIN = S.add_user(uniq('adm'), 'admin', 'Admin Tester', PW)


def tearDownModule():
    if S is not None:
        S.stop()


def signed(login, password=PW):
    key = (login, password)
    if key not in _clients:
        c = Client(S)
        c.login(login, password)
        _clients[key] = c
    return _clients[key]


def admin():
    return signed(ADMIN)


def account(login):
    """The stored account as a dict, or None."""
    rows = S.psql("SELECT id, role, full_name, coalesce(email, ''), coalesce(agency, ''),"
                  " coalesce(agency_type, ''), coalesce(bureau, ''), coalesce(district, ''),"
                  " coalesce(unit, ''), on_duty, disabled, password_hash"
                  " FROM account WHERE login = %s" % q(login))
    if not rows:
        return None
    keys = ('id', 'role', 'name', 'email', 'agency', 'agency_type', 'bureau', 'district', 'unit',
            'on_duty', 'disabled', 'password_hash')
    d = dict(zip(keys, rows[0]))
    d['id'] = int(d['id'])
    return d


def audit_rows(login, everyone=False):
    """Audit events whose note names this login: (action, actor_login, actor_id,
    request_id, note); without `everyone`, not those of `portalctl user add`
    (the test's own set-up)."""
    rows = S.psql("SELECT action, coalesce(actor_login, ''), coalesce(actor_id::text, ''),"
                  " coalesce(request_id::text, 'NULL'), note FROM audit_event"
                  " WHERE note LIKE %s %s ORDER BY id"
                  % (q('%' + login + '%'), '' if everyone else
                     "AND coalesce(actor_login, '') <> 'portalctl'"))
    return [tuple(r) for r in rows]


def new_user(role='officer', password=PW):
    login = uniq(role.replace('_', '')[:6])
    S.add_user(login, role, 'Target %s' % role, password, **dict(ATTRS.get(role, {})))
    return login


def visible_text(body):
    return html.unescape(re.sub(r'<[^>]+>', ' ', body))


class AdminCase(harness.TestCase):

    def post_op(self, client, aid, op, **extra):
        fields = [('csrf', client.csrf), ('op', op)] + list(extra.items())
        return client.post('/admin/accounts/%d' % aid, fields)

    def create(self, client, **fields):
        return client.post('/admin/accounts', [('csrf', client.csrf)] + list(fields.items()))

    def assertAudited(self, login, action, n=1):
        rows = [r for r in audit_rows(login) if r[0] == action]
        self.assertEqual(len(rows), n, 'audit rows %s for %s: %r' % (action, login, audit_rows(login)))
        admin_id = account(ADMIN)['id']
        for act, actor_login, actor_id, request_id, note in rows:
            self.assertEqual(actor_login, ADMIN)
            self.assertEqual(actor_id, str(admin_id))
            self.assertEqual(request_id, 'NULL')

    def can_sign_in(self, login, password):
        c = Client(S)
        r = c.try_login(login, password)
        return r.status == 303, c


# ------------------------------------------------------------------ non-admins

class NonAdmin(AdminCase):

    @classmethod
    def setUpClass(cls):
        cls.logins = {}
        for role in OTHER_ROLES:
            cls.logins[role] = new_user(role)
        cls.target = new_user('officer')

    def test_every_other_role_gets_403_on_every_route_and_nothing_changes(self):
        before = account(self.target)
        aid = before['id']
        n_accounts = S.count('account')
        audit_before = audit_rows(self.target, everyone=True)
        for role, login in self.logins.items():
            c = signed(login)
            with self.subTest(role=role):
                r = c.get('/admin/accounts')
                self.assertEqual(r.status, 403, '%s GET list: %s' % (role, r.describe()))
                self.assertNotIn(self.target, r.body)
                r = c.get('/admin/accounts/%d' % aid)
                self.assertEqual(r.status, 403, '%s GET edit: %s' % (role, r.describe()))
                new_login = uniq('nope')
                r = self.create(c, login=new_login, name='Should Not Exist', role='admin',
                                password='long-enough-password')
                self.assertEqual(r.status, 403, '%s POST create: %s' % (role, r.describe()))
                self.assertIsNone(account(new_login), 'a %s created an account' % role)
                for op, extra in (('save', {'name': 'Hijacked', 'role': 'admin'}), ('duty_off', {}),
                                  ('disable', {}), ('password', {'password': 'hijacked-password-1'}),
                                  ('delete', {}), ('enable', {}), ('duty_on', {})):
                    r = self.post_op(c, aid, op, **extra)
                    self.assertEqual(r.status, 403, '%s POST %s: %s' % (role, op, r.describe()))
        self.assertEqual(account(self.target), before, 'the target account changed')
        self.assertEqual(S.count('account'), n_accounts)
        self.assertEqual(audit_rows(self.target, everyone=True), audit_before)
        ok, _ = self.can_sign_in(self.target, PW)
        self.assertTrue(ok)

    def test_json_style_and_unknown_ids_are_403_too(self):
        c = signed(self.logins['chief'])
        r = c.get('/admin/accounts/999999999')
        self.assertEqual(r.status, 403, r.describe())

    def test_signed_out(self):
        c = Client(S)
        aid = account(self.target)['id']
        for path in ('/admin/accounts', '/admin/accounts/%d' % aid):
            r = c.get(path)
            self.assertEqual(r.status, 303, r.describe())
            self.assertEqual(r.location_path, '/login')
        before = account(self.target)
        r = c.post('/admin/accounts/%d' % aid, [('op', 'disable'), ('csrf', c.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(r.location_path, '/login')
        self.assertEqual(account(self.target), before)


# ------------------------------------------------------------------ create

class Create(AdminCase):

    def test_list_and_edit_pages(self):
        target = new_user('dispatcher')
        r = admin().get('/admin/accounts')
        self.assertEqual(r.status, 200, r.describe())
        self.assertIn(target, r.body)
        self.assertIsNotNone(harness.find_csrf(r.body))
        aid = account(target)['id']
        r = admin().get('/admin/accounts/%d' % aid)
        self.assertEqual(r.status, 200, r.describe())
        self.assertIn(target, r.body)
        r = admin().get('/admin/accounts/999999999')
        self.assertEqual(r.status, 404, r.describe())

    def test_create_then_sign_in_and_audited(self):
        login = uniq('new')
        r = self.create(admin(), login=login, name='Newly Created', role='agency',
                        email='new@agency.example.org', agency='Created Agency PD',
                        agency_type='county', password='fresh-password-1')
        self.assertEqual(r.status, 303, r.describe(1500))
        self.assertEqual(r.location_path, '/admin/accounts')
        a = account(login)
        self.assertIsNotNone(a)
        self.assertEqual((a['role'], a['name'], a['email'], a['agency'], a['agency_type']),
                         ('agency', 'Newly Created', 'new@agency.example.org', 'Created Agency PD',
                          'county'))
        self.assertEqual(a['disabled'], 'f')
        ok, c = self.can_sign_in(login, 'fresh-password-1')
        self.assertTrue(ok, c.last.describe())
        self.assertAudited(login, 'account_created')
        r = admin().get('/admin/accounts')
        self.assertIn(login, r.body)

    def test_create_each_attribute(self):
        cases = [
            ('bureau_chief', {'bureau': 'Investigations Bureau'}, 'bureau', 'Investigations Bureau'),
            ('commander', {'district': 'District 7'}, 'district', 'District 7'),
            ('unit_commander', {'unit': 'dive'}, 'unit', 'dive'),
        ]
        for role, extra, col, val in cases:
            login = uniq('attr')
            r = self.create(admin(), login=login, name='Attr %s' % role, role=role,
                            password='fresh-password-1', **extra)
            self.assertEqual(r.status, 303, r.describe(1500))
            a = account(login)
            self.assertEqual((a['role'], a[col]), (role, val))

    def assertNotCreated(self, r, login, problem_re):
        self.assertEqual(r.status, 422, r.describe(1500))
        self.assertIn('<html', r.body.lower())
        self.assertRegex(visible_text(r.body), problem_re)
        self.assertIsNone(account(login), 'an invalid account was created')
        self.assertEqual(audit_rows(login), [])

    def test_bad_fields_422_problem_shown_nothing_created(self):
        good = dict(name='Valid Name', role='officer', password='long-enough-pw')
        cases = [
            (dict(good, name=''), r'(?i)full name.*required'),
            (dict(good, role='emperor'), r'(?i)role'),
            (dict(good, role=''), r'(?i)role.*required'),
            (dict(good, email='not-an-email'), r'(?i)e-mail'),
            (dict(good, password='short'), r'(?i)password.*12'),
            (dict(good, password=''), r'(?i)password'),
            (dict(good, role='agency'), r'(?i)agency.*required'),
            (dict(good, role='unit_commander'), r'(?i)unit.*required'),
            (dict(good, role='agency', agency='X PD', agency_type='martian'), r'(?i)agency type'),
            (dict(good, role='unit_commander', unit='cavalry'), r'(?i)unit'),
            (dict(good, name='N' * 201), r'(?i)full name.*too long'),
            (dict(good, name='Line\nbreak'), r'(?i)full name'),
        ]
        for fields, problem in cases:
            login = uniq('bad')
            with self.subTest(fields={k: v[:20] for k, v in fields.items()}):
                r = self.create(admin(), login=login, **fields)
                self.assertNotCreated(r, login, problem)
        for bad_login in ('Upper Case', 'x', 'a' * 33, 'semi;colon', '', 'ünï'):
            with self.subTest(login=bad_login):
                n = S.count('account')
                r = self.create(admin(), login=bad_login, **good)
                self.assertEqual(r.status, 422, r.describe(1500))
                self.assertRegex(visible_text(r.body), r'(?i)login')
                self.assertEqual(S.count('account'), n)

    def test_typed_values_are_kept_on_422(self):
        login = uniq('keep')
        r = self.create(admin(), login=login, name='Kept <b>Name</b>', role='officer',
                        email='kept@example.org', password='short')
        self.assertEqual(r.status, 422, r.describe())
        self.assertIn('value="%s"' % login, r.body)
        self.assertIn('Kept &lt;b&gt;Name&lt;/b&gt;', r.body)
        self.assertNotIn('<b>Name</b>', r.body)
        self.assertIn('kept@example.org', r.body)

    def test_duplicate_login_422(self):
        login = new_user('officer')
        before = account(login)
        r = self.create(admin(), login=login, name='Duplicate', role='admin',
                        password='long-enough-password')
        self.assertEqual(r.status, 422, r.describe(1500))
        self.assertRegex(visible_text(r.body), r'(?i)exists|already|taken')
        self.assertEqual(S.count('account', 'login = %s' % q(login)), 1)
        self.assertEqual(account(login), before)
        self.assertEqual([x for x in audit_rows(login) if x[0] == 'account_created'], [])

    def test_create_without_csrf_is_refused(self):
        login = uniq('nocsrf')
        r = admin().post('/admin/accounts', [('login', login), ('name', 'No Csrf'),
                                             ('role', 'admin'), ('password', 'long-enough-pw')])
        self.assertEqual(r.status, 403, r.describe())
        self.assertIsNone(account(login))


# ------------------------------------------------------------------ changes

class Change(AdminCase):

    def test_save_changes_fields_and_is_audited(self):
        login = new_user('officer')
        aid = account(login)['id']
        r = self.post_op(admin(), aid, 'save', name='Renamed Person', role='commander',
                         email='renamed@example.org', district='District 3')
        self.assertEqual(r.status, 303, r.describe(1500))
        a = account(login)
        self.assertEqual((a['name'], a['role'], a['email'], a['district']),
                         ('Renamed Person', 'commander', 'renamed@example.org', 'District 3'))
        self.assertAudited(login, 'account_changed')
        r = admin().get('/admin/accounts/%d' % aid)
        self.assertIn('Renamed Person', r.body)

    def test_bad_save_is_422_unchanged(self):
        login = new_user('officer')
        before = account(login)
        for fields in ({'name': 'X', 'role': 'emperor'}, {'name': '', 'role': 'officer'},
                       {'name': 'X', 'role': 'officer', 'email': 'nope'},
                       {'name': 'X', 'role': 'agency'}):
            with self.subTest(fields=fields):
                r = self.post_op(admin(), before['id'], 'save', **fields)
                self.assertEqual(r.status, 422, r.describe(1500))
                self.assertEqual(account(login), before)
        self.assertEqual(audit_rows(login), [])

    def test_unknown_op_and_missing_op(self):
        login = new_user('officer')
        before = account(login)
        r = self.post_op(admin(), before['id'], 'promote')
        self.assertEqual(r.status, 422, r.describe())
        r = admin().post('/admin/accounts/%d' % before['id'], [('csrf', admin().csrf)])
        self.assertEqual(r.status, 422, r.describe())
        self.assertEqual(account(login), before)
        self.assertEqual(audit_rows(login), [])

    def duty_in_list(self, login):
        rc, out, err = S.ctl('user', 'list')
        self.assertEqual(rc, 0, err)
        for line in out.splitlines():
            cols = line.split('\t')
            if cols[0] == login:
                return cols[2]
        self.fail('%s not in portalctl user list' % login)

    def test_duty_off_and_on(self):
        login = new_user('watch_commander')
        aid = account(login)['id']
        self.assertEqual(self.duty_in_list(login), 'on')
        r = self.post_op(admin(), aid, 'duty_off')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(self.duty_in_list(login), 'off')
        self.assertEqual(account(login)['on_duty'], 'f')
        r = self.post_op(admin(), aid, 'duty_on')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(self.duty_in_list(login), 'on')
        self.assertAudited(login, 'account_changed', n=2)

    def test_disable_ends_session_and_sign_in_then_enable(self):
        login = new_user('supervisor')
        aid = account(login)['id']
        c = Client(S)
        c.login(login, PW)
        self.assertEqual(c.get('/inbox').status, 200)
        r = self.post_op(admin(), aid, 'disable')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(account(login)['disabled'], 't')
        r = c.get('/inbox')
        self.assertEqual(r.status, 303, 'a disabled account kept its session: %s' % r.describe())
        self.assertEqual(r.location_path, '/login')
        self.assertEqual(c.get('/inbox.json').status, 401)
        r = c.get('/history.json')
        self.assertEqual(r.status, 401, r.describe())
        ok, c2 = self.can_sign_in(login, PW)
        self.assertFalse(ok, 'a disabled account signed in')
        self.assertIsNone(c2.session_cookie)
        r = self.post_op(admin(), aid, 'enable')
        self.assertEqual(r.status, 303, r.describe())
        ok, c3 = self.can_sign_in(login, PW)
        self.assertTrue(ok, c3.last.describe())
        self.assertEqual(c3.get('/inbox').status, 200)
        acts = [a[0] for a in audit_rows(login)]
        self.assertEqual(acts, ['account_changed', 'account_changed'])
        self.assertAudited(login, 'account_changed', n=2)

    def test_enable_clears_a_lock(self):
        # 5 failures from one address pause the login there (sql/008): the
        # right password is refused like any failure; enabling clears it.
        login = new_user('officer')
        for _ in range(5):
            self.assertEqual(Client(S).try_login(login, 'wrong-password-x').status, 401)
        ok, c = self.can_sign_in(login, PW)
        self.assertFalse(ok, 'no lock after failed sign-ins')
        self.assertEqual(c.last.status, 401, c.last.describe())
        self.assertIn('Sign-in failed', c.last.body)
        r = self.post_op(admin(), account(login)['id'], 'enable')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(S.count('login_throttle', "login = %s AND blocked_until > now()" % q(login)), 0)
        ok, c = self.can_sign_in(login, PW)
        self.assertTrue(ok, c.last.describe())

    def test_password_reset(self):
        login = new_user('dispatcher')
        aid = account(login)['id']
        c = Client(S)
        c.login(login, PW)
        r = self.post_op(admin(), aid, 'password', password='short')
        self.assertEqual(r.status, 422, r.describe())
        self.assertRegex(visible_text(r.body), r'(?i)password.*12')
        ok, _ = self.can_sign_in(login, PW)
        self.assertTrue(ok, 'a refused reset changed the password')
        new_pw = 'brand-new-password-2'
        r = self.post_op(admin(), aid, 'password', password=new_pw)
        self.assertEqual(r.status, 303, r.describe())
        ok, _ = self.can_sign_in(login, PW)
        self.assertFalse(ok, 'the old password still works')
        ok, c2 = self.can_sign_in(login, new_pw)
        self.assertTrue(ok, c2.last.describe())
        self.assertEqual(c.get('/inbox').status, 303, 'the old session survived a password reset')
        self.assertAudited(login, 'account_changed', n=1)
        self.assertNotIn(new_pw, ' '.join(x[4] for x in audit_rows(login)))

    def test_admin_post_without_csrf_changes_nothing(self):
        login = new_user('officer')
        before = account(login)
        r = admin().post('/admin/accounts/%d' % before['id'], [('op', 'disable')])
        self.assertEqual(r.status, 403, r.describe())
        self.assertEqual(account(login), before)


# ------------------------------------------------------------------ delete

class Delete(AdminCase):

    def test_delete_unused_account(self):
        login = uniq('gone')
        r = self.create(admin(), login=login, name='To Be Deleted', role='officer',
                        password='long-enough-password')
        self.assertEqual(r.status, 303, r.describe())
        aid = account(login)['id']
        r = self.post_op(admin(), aid, 'delete')
        self.assertEqual(r.status, 303, r.describe(1500))
        self.assertIsNone(account(login))
        self.assertEqual(admin().get('/admin/accounts/%d' % aid).status, 404)
        self.assertNotIn('>%s<' % login, admin().get('/admin/accounts').body)
        self.assertAudited(login, 'account_created')
        self.assertAudited(login, 'account_deleted')
        ok, _ = self.can_sign_in(login, 'long-enough-password')
        self.assertFalse(ok)

    def test_delete_account_that_only_signed_in(self):
        # Signing in (a session, a login event) is not a reference that keeps
        # an account: nothing it did is in the record of requests.
        login = new_user('officer')
        c = Client(S)
        c.login(login, PW)
        c.logout()
        r = self.post_op(admin(), account(login)['id'], 'delete')
        self.assertEqual(r.status, 303, r.describe(1500))
        self.assertIsNone(account(login))

    def test_delete_account_that_filed_a_request_is_409(self):
        login = new_user('dispatcher')
        c = Client(S)
        c.login(login, PW)
        r = c.post('/requests', incoming_fields() + [('csrf', c.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        self.assertIsNotNone(request_id_from(r))
        before = account(login)
        r = self.post_op(admin(), before['id'], 'delete')
        self.assertEqual(r.status, 409, r.describe(1500))
        text = visible_text(r.body)
        self.assertRegex(text, r'(?i)cannot be deleted')
        self.assertRegex(text, r'(?i)disable it instead')
        self.assertEqual(account(login), before)
        self.assertEqual([x for x in audit_rows(login) if x[0] == 'account_deleted'], [])
        self.assertEqual(c.get('/inbox').status, 200, 'a refused delete ended the session')
        # Disabling it instead works.
        r = self.post_op(admin(), before['id'], 'disable')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(account(login)['disabled'], 't')


# ------------------------------------------------------------------ self

class Self(AdminCase):

    def test_admin_cannot_disable_or_delete_themself(self):
        me = new_user('admin')
        c = Client(S)
        c.login(me, PW)
        aid = account(me)['id']
        before = account(me)
        for op in ('disable', 'delete'):
            r = self.post_op(c, aid, op)
            self.assertEqual(r.status, 409, '%s self: %s' % (op, r.describe()))
            self.assertRegex(visible_text(r.body), r'(?i)your own account')
        self.assertEqual(account(me), before)
        self.assertEqual(c.get('/admin/accounts').status, 200)

    def test_another_admin_can_be_disabled(self):
        other = new_user('admin')
        r = self.post_op(admin(), account(other)['id'], 'disable')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(account(other)['disabled'], 't')


if __name__ == '__main__':
    harness.unittest.main()
