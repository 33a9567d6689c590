"""Hostile suite: CSRF and origin.

Every POST route, with a form that WOULD succeed, sent without the token,
with an empty one, a truncated or lengthened one, another session's, the
token in the query string instead of the body, two tokens, and with
Sec-Fetch-Site (cross-site, same-site, a value no browser sends) or an
Origin of another site ("null", another host, port or scheme) around a
valid token. Each: exactly 403, nothing stored (the session kept for
/logout, no session made for /login), no internal detail. The controls
(the same forms as a browser of this site sends them) succeed, so the
refusals are not an accident of the forms.
"""

import unittest
import urllib.parse

import harness
import hostile
from harness import Client, incoming_fields, request_id_from, uniq

S = None
P = {}
OBJ = {}


def setUpModule():
    global S
    S = hostile.stack()
    P.update(hostile.people())
    for key in ('target', 'target2'):
        P[key] = hostile.person('officer', key='csrf-' + key)
    ag = hostile.signed(P['agency'])
    r = ag.post('/requests', incoming_fields(nature='CSRF target ' + uniq('n')) + [('csrf', ag.csrf)])
    assert r.status == 303, r.describe()
    OBJ['request'] = request_id_from(r)
    me = hostile.account_id(P['dispatcher'])
    db = hostile.db()
    for key in ('note', 'note_control'):
        OBJ[key] = int(db.scalar(
            "INSERT INTO notification (request_id, recipient_id, recipient_role, clause, reason)"
            " VALUES (%d, %d, 'dispatcher', 'test', 'CSRF test') RETURNING id" % (OBJ['request'], me)))
    OBJ['target'] = hostile.account_id(P['target'])
    OBJ['target2'] = hostile.account_id(P['target2'])


def tearDownModule():
    hostile.tidy(notifications=[OBJ.get('note'), OBJ.get('note_control')])


# Each POST route: who posts, where, and a form that succeeds with the token.
ROUTES = {
    'file_request': ('agency', lambda: '/requests', lambda: incoming_fields(nature='Forged filing')),
    'cancel_request': ('agency', lambda: '/requests/%d/cancel' % OBJ['request'], lambda: [('note', 'forged')]),
    'ack_notification': ('dispatcher', lambda: '/notifications/%d/ack' % OBJ['note'], lambda: []),
    'create_account': ('admin', lambda: '/admin/accounts',
                       lambda: [('login', uniq('hxforged')), ('role', 'admin'), ('name', 'Forged Admin'),
                                ('password', 'a long enough password')]),
    'disable_account': ('admin', lambda: '/admin/accounts/%d' % OBJ['target'], lambda: [('op', 'disable')]),
    'logout': ('officer', lambda: '/logout', lambda: []),
    # Forged "off duty" would reroute approvals to the fallback (POST /duty).
    'set_own_duty': ('dispatcher', lambda: '/duty', lambda: [('state', 'off')]),
}


def other_token():
    return hostile.signed(P['supervisor']).csrf


# Variants: (token pairs given the valid token, extra headers, query).
VARIANTS = {
    'no_token': (lambda t: [], {}, None),
    'empty_token': (lambda t: [('csrf', '')], {}, None),
    'token_of_another_session': (lambda t: [('csrf', other_token())], {}, None),
    'token_truncated': (lambda t: [('csrf', t[:-1])], {}, None),
    'token_one_character_longer': (lambda t: [('csrf', t + 'A')], {}, None),
    'token_upper_case': (lambda t: [('csrf', t.upper() if t.upper() != t else t.lower())], {}, None),
    'token_in_query_not_body': (lambda t: [], {}, lambda t: 'csrf=' + urllib.parse.quote(t)),
    'two_tokens_valid_first': (lambda t: [('csrf', t), ('csrf', 'forged')], {}, None),
    'two_tokens_valid_last': (lambda t: [('csrf', 'forged'), ('csrf', t)], {}, None),
    'two_valid_tokens': (lambda t: [('csrf', t), ('csrf', t)], {}, None),
    'sec_fetch_site_cross_site': (lambda t: [('csrf', t)], {'Sec-Fetch-Site': 'cross-site'}, None),
    'sec_fetch_site_same_site': (lambda t: [('csrf', t)], {'Sec-Fetch-Site': 'same-site'}, None),
    'sec_fetch_site_unknown_value': (lambda t: [('csrf', t)], {'Sec-Fetch-Site': 'same-origin, cross-site'}, None),
    'origin_other_site': (lambda t: [('csrf', t)], {'Origin': 'http://evil.example'}, None),
    'origin_null': (lambda t: [('csrf', t)], {'Origin': 'null'}, None),
    'origin_other_port': (lambda t: [('csrf', t)], {'Origin': 'http://127.0.0.1:1'}, None),
    'origin_other_scheme': (lambda t: [('csrf', t)], {'Origin': 'https://127.0.0.1:{port}'}, None),
    'origin_suffix_of_ours': (lambda t: [('csrf', t)], {'Origin': 'http://127.0.0.1:{port}.evil.example'}, None),
    'origin_same_site_cross_site_fetch': (lambda t: [('csrf', t)],
                                          {'Origin': 'http://127.0.0.1:{port}', 'Sec-Fetch-Site': 'cross-site'},
                                          None),
}


def headers_of(h):
    return {k: v.format(port=S.port) for k, v in h.items()}


class Csrf(harness.TestCase):

    def run_case(self, name, spec):
        route, variant = spec
        who, path, form = ROUTES[route]
        tokens, headers, query = VARIANTS[variant]
        # A logout that got through must not make the next cases fail.
        c = hostile.signed(P[who], alive=route == 'logout')
        tok = c.csrf
        url = path() + ('?' + query(tok) if query else '')
        case = 'POST %s as %s, %s' % (url[:80], who, variant)
        body = form() + tokens(tok)
        before = hostile.snapshot()
        r = c.post(url, body, headers=headers_of(headers))
        hostile.assert_error_page(self, r, 403, case)
        self.assertIsNone(r.cookie_header('portal_session'), '%s: the session cookie was touched' % case)
        hostile.assert_unchanged(self, before, case)
        if route == 'logout':
            self.assertEqual(c.get('/').status, 200, '%s: the session ended' % case)


hostile.add_cases(Csrf, 'csrf', [('%s_%s' % (r, v), (r, v)) for r in ROUTES for v in VARIANTS],
                  Csrf.run_case)


# The sign-in form: its token is the pre-session cookie's (double submit).
LOGIN_VARIANTS = {
    'no_token': (lambda t: [], {}, None),
    'empty_token': (lambda t: [('csrf', '')], {}, None),
    'token_of_another_sign_in_form': (lambda t: [('csrf', harness.find_csrf(Client(S).get('/login').body))],
                                      {}, None),
    'token_in_query_not_body': (lambda t: [], {}, lambda t: 'csrf=' + urllib.parse.quote(t)),
    'two_tokens_valid_first': (lambda t: [('csrf', t), ('csrf', 'forged')], {}, None),
    'sec_fetch_site_cross_site': (lambda t: [('csrf', t)], {'Sec-Fetch-Site': 'cross-site'}, None),
    'origin_other_site': (lambda t: [('csrf', t)], {'Origin': 'http://evil.example'}, None),
    'origin_null': (lambda t: [('csrf', t)], {'Origin': 'null'}, None),
}


class LoginCsrf(harness.TestCase):

    def run_case(self, name, spec):
        tokens, headers, query = LOGIN_VARIANTS[spec]
        c = Client(S)
        tok = harness.find_csrf(c.get('/login').body)
        url = '/login' + ('?' + query(tok) if query else '')
        case = 'POST %s, %s' % (url[:80], name)
        body = [('login', P['target2']), ('password', hostile.PW)] + tokens(tok)
        before = hostile.snapshot()
        r = c.post(url, body, headers=headers_of(headers))
        hostile.assert_error_page(self, r, 403, case)
        self.assertIsNone(c.session_cookie, '%s: signed in' % case)
        hostile.assert_unchanged(self, before, case)


hostile.add_cases(LoginCsrf, 'login', [(v, v) for v in LOGIN_VARIANTS], LoginCsrf.run_case)


class Controls(harness.TestCase):
    """The same forms as a browser of this site sends them: accepted."""

    SAME = {'Sec-Fetch-Site': 'same-origin', 'Origin': 'http://127.0.0.1:{port}'}

    def test_file_request_same_origin(self):
        c = hostile.signed(P['agency'])
        r = c.post('/requests', incoming_fields(nature='Control filing') + [('csrf', c.csrf)],
                   headers=headers_of(self.SAME))
        self.assertEqual(r.status, 303, r.describe())

    def test_file_request_typed_address_sec_fetch_site_none(self):
        c = hostile.signed(P['agency'])
        r = c.post('/requests', incoming_fields(nature='Control filing') + [('csrf', c.csrf)],
                   headers={'Sec-Fetch-Site': 'none'})
        self.assertEqual(r.status, 303, r.describe())

    def test_file_request_origin_host_in_other_case(self):
        c = hostile.signed(P['agency'])
        r = c.post('/requests', incoming_fields(nature='Control filing') + [('csrf', c.csrf)],
                   headers={'Origin': 'HTTP://127.0.0.1:%d' % S.port})
        self.assertEqual(r.status, 303, r.describe())

    def test_cancel_request(self):
        ag = hostile.signed(P['agency'])
        r = ag.post('/requests', incoming_fields(nature='Control cancel') + [('csrf', ag.csrf)])
        rid = request_id_from(r)
        r = ag.post('/requests/%d/cancel' % rid, [('csrf', ag.csrf), ('reason', 'Control'), ('confirm', 'yes')],
                    headers=headers_of(self.SAME))
        self.assertEqual(r.status, 303, r.describe())

    def test_ack_notification(self):
        c = hostile.signed(P['dispatcher'])
        r = c.post('/notifications/%d/ack' % OBJ['note_control'], [('csrf', c.csrf)],
                   headers=headers_of(self.SAME))
        self.assertEqual(r.status, 303, r.describe())

    def test_admin_duty_off(self):
        c = hostile.signed(P['admin'])
        r = c.post('/admin/accounts/%d' % OBJ['target2'], [('op', 'duty_off'), ('csrf', c.csrf)],
                   headers=headers_of(self.SAME))
        self.assertEqual(r.status, 303, r.describe())

    def test_set_own_duty(self):
        c = hostile.signed(P['dispatcher'])
        r = c.post('/duty', [('state', 'on'), ('csrf', c.csrf)], headers=headers_of(self.SAME))
        self.assertEqual(r.status, 303, r.describe())

    def test_logout(self):
        c = hostile.signed(P['officer'], fresh=True)
        r = c.post('/logout', [('csrf', c.csrf)], headers=headers_of(self.SAME))
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(c.get('/').status, 303)

    def test_login_same_origin(self):
        c = Client(S)
        tok = harness.find_csrf(c.get('/login').body)
        r = c.post('/login', [('login', P['target']), ('password', hostile.PW), ('csrf', tok)],
                   headers=headers_of(self.SAME))
        self.assertEqual(r.status, 303, r.describe())



class Summary(harness.TestCase):
    """After every case above (the classes run in name order)."""

    def test_refused_forms_stored_nothing(self):
        # Across every refusal above: the target request is still submitted,
        # the notification unacknowledged, the target account enabled.
        db = hostile.db()
        self.assertEqual(db.scalar('SELECT status FROM request WHERE id = %d' % OBJ['request']), 'submitted')
        self.assertEqual(db.scalar('SELECT acknowledged_at IS NULL FROM notification WHERE id = %d'
                                   % OBJ['note']), 't')
        self.assertEqual(db.scalar('SELECT disabled FROM account WHERE id = %d' % OBJ['target']), 'f')
        self.assertEqual(db.scalar("SELECT on_duty FROM account WHERE login = '%s'" % P['dispatcher']), 't')
        self.assertEqual(db.scalar("SELECT count(*) FROM account WHERE login LIKE 'hxforged%'"), '0')


if __name__ == '__main__':
    unittest.main()
