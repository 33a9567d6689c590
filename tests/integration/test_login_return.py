"""Back to where one was after signing in (issue 13, "no lost work").

When the portal sends a signed-out person to sign in (a page opened after
the session ended, or a form whose sending found it ended), it remembers
where they were going in a cookie of its own (`portal_return`, HttpOnly,
15 minutes) and sends them there once they are signed in: the request form
comes back (static/draft.js refills what was typed; the browser suite shows
that). Only a path of this portal is ever kept or followed.

| case | test |
|---|---|
| a page opened signed out | test_get_signed_out_returns_there_after_sign_in |
| a form sent after the session ended: back to the form, nothing filed | test_post_after_session_ended_returns_to_the_form_nothing_filed |
| another site's Referer, or none: home | test_foreign_or_missing_referer_is_not_followed |
| a forged cookie naming another host or a sign-in page: home | test_forged_return_cookie_is_not_followed |
| taken once | test_taken_once |
"""

import harness
from harness import Client, TestCase, incoming_fields, uniq

PW = 'correct horse battery staple'
S = None


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc')


class LoginReturn(TestCase):

    def agency(self):
        login = uniq('lr')
        S.add_user(login, 'agency', 'Return Agency Officer', PW,
                   agency='Return Test PD', agency_type='local')
        return login

    def test_get_signed_out_returns_there_after_sign_in(self):
        login = self.agency()
        c = Client(S)
        r = c.get('/requests/new?kind=aid_incoming')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(r.location_path, '/login')
        self.assertEqual(c.cookies.get('portal_return'), '/requests/new?kind=aid_incoming')
        r = c.login(login, PW)
        self.assertEqual(r.location, '/requests/new?kind=aid_incoming')
        self.assertNotIn('portal_return', c.cookies, 'the return path is taken once')
        self.assertEqual(c.get('/requests/new?kind=aid_incoming').status, 200)

    def test_post_after_session_ended_returns_to_the_form_nothing_filed(self):
        login = self.agency()
        c = Client(S)
        c.login(login, PW)
        form = c.get('/requests/new?kind=aid_incoming')
        self.assertEqual(form.status, 200)
        csrf = c.csrf
        before = S.count('request')
        # The session ends while the person types (idle lock, or ended elsewhere).
        S.psql("DELETE FROM session WHERE account_id = (SELECT id FROM account WHERE login = '%s')"
               % login)
        base = 'http://127.0.0.1:%d' % S.port
        r = c.post('/requests', incoming_fields(csrf=csrf),
                   headers={'Referer': base + '/requests/new?kind=aid_incoming', 'Origin': base})
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(r.location_path, '/login')
        self.assertEqual(S.count('request'), before, 'nothing is filed without a session')
        self.assertEqual(c.cookies.get('portal_return'), '/requests/new?kind=aid_incoming')
        r = c.login(login, PW)
        self.assertEqual(r.location, '/requests/new?kind=aid_incoming')

    def test_foreign_or_missing_referer_is_not_followed(self):
        for headers in ({'Referer': 'http://evil.example/requests/new?kind=aid_incoming'},
                        {'Referer': 'http://127.0.0.1:%d@evil.example/x' % S.port},
                        {}):
            c = Client(S)
            r = c.post('/requests', [('kind', 'aid_incoming')], headers=headers)
            self.assertEqual(r.status, 303, r.describe())
            self.assertEqual(r.location_path, '/login')
            self.assertNotIn('portal_return', c.cookies, headers)

    def test_forged_return_cookie_is_not_followed(self):
        login = self.agency()
        for forged in ('//evil.example/x', '/\\evil.example', '/login/code', '/a b', 'http://evil.example/'):
            c = Client(S)
            c.cookies['portal_return'] = forged
            r = c.login(login, PW)
            self.assertEqual(r.location, '/', forged)

    def test_taken_once(self):
        login = self.agency()
        c = Client(S)
        c.get('/history')
        self.assertEqual(c.cookies.get('portal_return'), '/history')
        self.assertEqual(c.login(login, PW).location, '/history')
        c.logout()
        self.assertEqual(c.login(login, PW).location, '/')
