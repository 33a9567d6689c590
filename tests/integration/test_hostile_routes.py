"""Hostile suite: the authorization matrix.

Reads the real route table (`build/portalctl routes`, printed from
cgi-bin/routes.c) and requests EVERY route as EVERY role of DESIGN.md and
signed out, with the ids of real objects:

- signed out: exactly 303 to /login (HTML) or 401 (JSON), except public routes;
- a role the table does not admit: exactly 403 (the route check's page or
  JSON), nothing stored;
- a role the table admits: the handler's own answer to that request (its
  exact status), never the route check's refusal.

And the navigation (`<nav class="main-nav">`) of each role is exactly the
GET routes among NAV_PATHS that the table admits for it, in that order; a
route flagged `filing` only for the roles some `effect: file` rule of the
stack's policy names (no "New request" for a role that may file nothing).

One test per route (the roles are its sub-cases) plus the navigation cases;
a route in the table without a probe here, or a probe without a route, fails.
"""

import os
import re
import unittest

import harness
import hostile
from harness import Client, incoming_fields, request_id_from, uniq

S = None
P = {}          # role -> login
OBJ = {}        # name -> id of a real object
TABLE = {}      # (method, pattern) -> {'flags': set, 'roles': set}
TABLE_ORDER = []

NAV_PATHS = ('/', '/requests/new', '/inbox', '/deployments', '/history', '/dashboard', '/policy',
             '/admin/accounts')
ROUTE_REFUSAL = 'Your role may not use this page.'
WHO = hostile.ROLES + (None,)       # None: signed out


def read_table():
    rc, out, err = S.ctl('routes')
    assert rc == 0, 'portalctl routes -> exit %d: %s' % (rc, err)
    table, order = {}, []
    for line in out.splitlines():
        parts = line.split('\t')
        assert len(parts) == 4, 'portalctl routes: not 4 tab-separated fields: %r' % line
        method, pattern, flags, roles = parts
        key = (method, pattern)
        assert key not in table, 'portalctl routes: %s %s twice' % key
        table[key] = {'flags': set() if flags == '-' else set(flags.split(',')),
                      'roles': set(roles.split(',')) if roles else set()}
        order.append(key)
    return table, order


def setUpModule():
    global S
    S = hostile.stack()
    t, order = read_table()
    TABLE.update(t)
    TABLE_ORDER.extend(order)
    P.update(hostile.people())
    # A bystander: the target of the account routes and the recipient of a
    # notification nobody of the matrix may acknowledge.
    P['bystander'] = hostile.person('officer', key='routes-bystander')
    ag = hostile.signed(P['agency'])
    r = ag.post('/requests', incoming_fields(nature='Matrix request ' + uniq('m')) + [('csrf', ag.csrf)])
    assert r.status == 303, 'the matrix request was not filed: %s' % r.describe()
    OBJ['request'] = request_id_from(r)
    # Cancelled by its originator: read-only, so no action may change it.
    r = ag.post('/requests/%d/cancel' % OBJ['request'], [('csrf', ag.csrf), ('reason', 'Matrix'), ('confirm', 'yes')])
    assert r.status == 303, 'the matrix request was not cancelled: %s' % r.describe()
    OBJ['account'] = hostile.account_id(P['bystander'])
    db = hostile.db()
    OBJ['notification'] = int(db.scalar(
        "INSERT INTO notification (request_id, recipient_id, recipient_role, clause, reason)"
        " VALUES (%d, %d, 'officer', 'test', 'For the bystander only') RETURNING id"
        % (OBJ['request'], OBJ['account'])))


def tearDownModule():
    hostile.tidy(notifications=[OBJ.get('notification')])


def client_of(who):
    return Client(S) if who is None else hostile.signed(P[who])


# ---------------------------------------------------------------- probes
#
# For each route: how to request it (path and form, given the client) and
# what the handler answers to a role the table admits.

def csrf_of(c):
    return c.csrf if c.session_cookie else 'no-session'


def _account_form(c):
    login = uniq('hxnew')
    return [('login', login), ('role', 'officer'), ('name', 'Matrix Created'),
            ('password', 'a long enough password'), ('csrf', csrf_of(c))]


def _login(c, who):
    if who is None:
        r = c.get('/login')
        tok = harness.find_csrf(r.body)
        return [('login', P['bystander']), ('password', hostile.PW), ('csrf', tok)]
    return [('login', P['bystander']), ('password', hostile.PW), ('csrf', csrf_of(c))]


PROBES = {
    ('GET', '/healthz'): dict(path='/healthz', admitted=200),
    ('GET', '/healthz.json'): dict(path='/healthz.json', admitted=200),
    ('GET', '/login'): dict(path='/login', admitted=303, signed_out=200),
    # Signed in there is no sign-in form (its token cookie): the handler refuses.
    ('POST', '/login'): dict(path='/login', form=_login, admitted=403, signed_out=303,
                             stores_when_admitted=True),
    # No sign-in waits for its code: back to the form; the post is refused.
    ('GET', '/login/code'): dict(path='/login/code', admitted=303, signed_out=303),
    ('POST', '/login/code'): dict(path='/login/code',
                                  form=lambda c, w: [('code', '123456'), ('csrf', csrf_of(c))],
                                  admitted=403, signed_out=403),
    ('GET', '/account'): dict(path='/account', admitted=200),
    ('GET', '/account/totp'): dict(path='/account/totp', admitted=200),
    # A code of no secret offered: 422, nothing turned on.
    ('POST', '/account/totp'): dict(path='/account/totp',
                                    form=lambda c, w: [('code', 'abcdef'), ('csrf', csrf_of(c))],
                                    admitted=422),
    ('GET', '/account/password'): dict(path='/account/password', admitted=200),
    ('POST', '/account/password'): dict(path='/account/password',
                                        form=lambda c, w: [('csrf', csrf_of(c))], admitted=422),
    # Nobody has this session: 404, nothing ended.
    ('POST', '/account/sessions/{id}/end'): dict(path='/account/sessions/999999999/end',
                                                 form=lambda c, w: [('csrf', csrf_of(c))], admitted=404),
    ('GET', '/admin/audit'): dict(path='/admin/audit', admitted=200),
    ('POST', '/logout'): dict(path='/logout', fresh=True, form=lambda c, w: [('csrf', csrf_of(c))],
                              admitted=303, stores_when_admitted=True),
    ('GET', '/'): dict(path='/', admitted=200),
    ('GET', '/requests/new'): dict(path='/requests/new', admitted=200),
    # No kind: the handler answers 422 and stores nothing.
    ('POST', '/requests'): dict(path='/requests', form=lambda c, w: [('csrf', csrf_of(c))],
                                admitted=422),
    ('GET', '/requests/{id}'): dict(path='/requests/{request}', admitted=200),
    ('GET', '/requests/{id}.json'): dict(path='/requests/{request}.json', admitted=200),
    ('GET', '/requests/{id}/print'): dict(path='/requests/{request}/print', admitted=200),
    # An exception on a cancelled request: only the chief may grant one (403
    # for everyone else, from the lifecycle), and not in this state (409).
    ('POST', '/requests/{id}/{word}'): dict(
        path='/requests/{request}/except',
        form=lambda c, w: [('rule', 'O-APPROVE'), ('reason', 'matrix'), ('csrf', csrf_of(c))],
        admitted=lambda who: 409 if who == 'chief' else 403),
    ('GET', '/deployments'): dict(path='/deployments', admitted=200),
    ('GET', '/inbox'): dict(path='/inbox', admitted=200),
    ('GET', '/inbox.json'): dict(path='/inbox.json', admitted=200),
    # The bystander's notification is in nobody else's inbox.
    ('POST', '/notifications/{id}/ack'): dict(path='/notifications/{notification}/ack',
                                             form=lambda c, w: [('csrf', csrf_of(c))], admitted=404),
    ('GET', '/policy'): dict(path='/policy', admitted=200),
    ('GET', '/history'): dict(path='/history', admitted=200),
    ('GET', '/history.json'): dict(path='/history.json', admitted=200),
    ('GET', '/history.csv'): dict(path='/history.csv', admitted=200),
    ('GET', '/dashboard'): dict(path='/dashboard', admitted=200),
    # A staff member keeps their own duty: "on duty" (as they are), audited.
    ('POST', '/duty'): dict(path='/duty', form=lambda c, w: [('state', 'on'), ('csrf', csrf_of(c))],
                            admitted=303, stores_when_admitted=True),
    ('GET', '/admin/accounts'): dict(path='/admin/accounts', admitted=200),
    ('POST', '/admin/accounts'): dict(path='/admin/accounts', form=lambda c, w: _account_form(c),
                                      admitted=303, stores_when_admitted=True),
    ('GET', '/admin/accounts/{id}'): dict(path='/admin/accounts/{account}', admitted=200),
    ('POST', '/admin/accounts/{id}'): dict(path='/admin/accounts/{account}',
                                          form=lambda c, w: [('op', 'duty_on'), ('csrf', csrf_of(c))],
                                          admitted=303, stores_when_admitted=True),
}


def probe_name(key):
    method, pattern = key
    return '%s_%s' % (method, re.sub(r'[^a-z0-9]+', '_', pattern.replace('{id}', 'id')
                                     .replace('{word}', 'word')).strip('_') or 'root')


def who_name(who):
    return who or 'signed_out'


class Matrix(harness.TestCase):
    """Every route as every role and signed out."""

    def request(self, key, who):
        probe = PROBES[key]
        if probe.get('fresh') and who is not None:
            c = hostile.signed(P[who], fresh=True)
        else:
            c = client_of(who)
        path = probe['path'].format(**OBJ)
        if key[0] == 'GET':
            return path, None, c.get(path)
        form = probe['form'](c, who)
        return path, form, c.post(path, form)

    def check(self, key, who):
        row = TABLE.get(key)
        self.assertIsNotNone(row, '%s %s: no such route in `portalctl routes`' % key)
        probe = PROBES[key]
        public = 'public' in row['flags']
        json = 'json' in row['flags']
        case = '%s %s as %s' % (key[0], key[1], who_name(who))
        if who is None and not public:
            want = 401 if json else 303
        elif who is not None and who not in row['roles']:
            want = 403
        else:
            want = probe['admitted'](who) if callable(probe['admitted']) else probe['admitted']
            if who is None and 'signed_out' in probe:
                want = probe['signed_out']
        admitted = want != 403 or (who is not None and who in row['roles']) or public
        # A POST that is not answered with success must store nothing.
        before = None
        if key[0] == 'POST' and not (want == 303 and admitted and probe.get('stores_when_admitted')):
            before = hostile.snapshot()
        path, form, r = self.request(key, who)
        case = '%s (%s %s)' % (case, key[0], path)
        if who is None and not public:
            if json:
                hostile.assert_error_page(self, r, 401, case, json=True)
            else:
                self.assertEqual(r.status, 303, '%s: %s' % (case, r.describe(300)))
                self.assertEqual(r.location, '/login', case)
        elif not admitted:
            hostile.assert_error_page(self, r, 403, case, json=json)
            if json:
                self.assertEqual(r.json().get('error'), ROUTE_REFUSAL, case)
            else:
                self.assertIn(ROUTE_REFUSAL, hostile.text_of(r.body), case)
        else:
            self.assertEqual(r.status, want, '%s: %s' % (case, r.describe(400)))
            if r.status >= 400:
                self.assertNotIn(ROUTE_REFUSAL, hostile.text_of(r.body),
                                 '%s: refused by the route check although the table admits it' % case)
            hostile.assert_clean(self, r, case)
        if before is not None:
            hostile.assert_unchanged(self, before, case)

    def run_route(self, key):
        for who in WHO:
            with self.subTest(who=who_name(who)):
                self.check(key, who)


for _key in PROBES:
    def _t(self, key=_key):
        self.run_route(key)
    _t.__name__ = 'test_%s' % probe_name(_key)
    _t.__qualname__ = 'Matrix.' + _t.__name__
    setattr(Matrix, _t.__name__, _t)


class Table(harness.TestCase):

    def test_every_route_has_a_probe_and_every_probe_a_route(self):
        self.assertEqual(sorted(set(TABLE) - set(PROBES)), [],
                         'routes of the table that this test does not request')
        self.assertEqual(sorted(set(PROBES) - set(TABLE)), [],
                         'probes of routes the table does not have')

    def test_table_names_only_roles_of_design(self):
        for key in TABLE_ORDER:
            self.assertLessEqual(TABLE[key]['roles'], set(hostile.ROLES), '%s %s' % key)
            self.assertLessEqual(TABLE[key]['flags'], {'public', 'json', 'nocsrf', 'filing', 'setup'}, '%s %s' % key)

    def test_public_routes_admit_everyone(self):
        for key in TABLE_ORDER:
            if 'public' in TABLE[key]['flags']:
                self.assertEqual(TABLE[key]['roles'], set(hostile.ROLES), '%s %s' % key)

    def test_only_post_login_is_exempt_from_the_csrf_check(self):
        self.assertEqual([k for k in TABLE_ORDER if 'nocsrf' in TABLE[k]['flags']],
                         [('POST', '/login')])

    def test_json_routes_are_the_json_paths(self):
        for key in TABLE_ORDER:
            self.assertEqual('json' in TABLE[key]['flags'], key[1].endswith('.json'), '%s %s' % key)


# ---------------------------------------------------------------- navigation

_NAV = re.compile(r'<nav class="main-nav"[^>]*>(.*?)</nav>', re.S)
_HREF = re.compile(r'<a href="([^"]*)"')


def nav_links(body):
    navs = _NAV.findall(body)
    if not navs:
        return None
    return [h for n in navs for h in _HREF.findall(n)]


def filing_roles():
    """The roles the actors of some enabled `effect: file` rule of the
    stack's policy file name."""
    with open(ph_policy_path(), encoding='utf-8') as f:
        text = f.read()
    roles = set()
    for block in re.split(r'(?m)^rule ', text)[1:]:
        if re.search(r'(?m)^\s+effect: file\s*$', block) and not re.search(r'(?m)^\s+enabled: no\s*$', block):
            m = re.search(r'(?m)^\s+actors: (.*)$', block)
            roles |= set(m.group(1).split()) if m else set()
    return roles


def ph_policy_path():
    return os.path.join(harness.ROOT, 'policies', hostile.POLICY + '.policy')


class Navigation(harness.TestCase):

    def nav_case(self, name, who):
        c = client_of(who)
        r = c.get('/' if who else '/login')
        self.assertEqual(r.status, 200, '%s: %s' % (name, r.describe()))
        got = nav_links(r.body)
        if who is None:
            self.assertIsNone(got, 'signed out: a main navigation is shown: %r' % got)
            return
        want = [p for p in NAV_PATHS if who in TABLE[('GET', p)]['roles'] and
                ('filing' not in TABLE[('GET', p)]['flags'] or who in filing_roles())]
        self.assertEqual(got, want, 'navigation of %s: links %r, but the route table admits %r'
                         % (who, got, want))
        # The same links on every page, an error page of a real route too.
        r = c.get('/requests/999999999999999999')
        self.assertEqual(r.status, 404, name)
        self.assertEqual(nav_links(r.body), want, '%s: navigation of the 404 page' % name)


hostile.add_cases(Navigation, 'nav', [(who_name(w), w) for w in WHO],
                  lambda self, name, who: self.nav_case(name, who))


if __name__ == '__main__':
    unittest.main()
