"""Foundation: sign-in (a paused login after 5 failures; the rest is
test_sign_in.py), sessions, CSRF, filing aid_incoming (an agency files for
itself, with its account's agency type; staff give the requesting agency's
type), validation, access between agencies and by role (each route's
declared roles), HTTP errors and hostile input."""

import re
import unittest

import harness
from harness import Client, incoming_fields, request_id_from, uniq

PW = 'correct-horse-battery-1'
S = None            # the shared stack
U = {}              # shared accounts: key -> login


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc')
    AGENCY['agency'] = 'Delafield PD ' + uniq('a')
    U['agency'] = S.add_user(uniq('ag'), 'agency', 'Delafield Police', PW,
                             email='desk@delafield.example.org',
                             agency=AGENCY['agency'], agency_type='local')
    U['agency_b'] = S.add_user(uniq('agb'), 'agency', 'Hartland Police', PW,
                               agency='Hartland PD ' + uniq('b'), agency_type='local')
    U['supervisor'] = S.add_user(uniq('sup'), 'supervisor', 'Sgt. Shift Supervisor', PW)
    U['dispatcher'] = S.add_user(uniq('dsp'), 'dispatcher', 'WCC Dispatcher', PW)


AGENCY = {}


def signed_in(key_or_login):
    c = Client(S)
    c.login(U.get(key_or_login, key_or_login), PW)
    return c


_shared = {}


def shared(key):
    """A signed-in client kept for the module (for tests that do not end or
    disturb their session): saves a password hash per test."""
    if key not in _shared:
        _shared[key] = signed_in(key)
    return _shared[key]


def request_count():
    return S.count('request')


class PortalTestCase(harness.TestCase):
    maxDiff = 2000

    def assertErrorPage(self, r, status):
        self.assertEqual(r.status, status, r.describe())
        self.assertIn('<html', r.body.lower(), 'error %d is not a full HTML page: %r'
                      % (status, r.body[:300]))
        self.assertEqual(r.content_type, 'text/html', 'Content-Type of the %d page' % status)
        text = re.sub(r'<[^>]+>', ' ', r.body)
        self.assertRegex(text, r'[A-Za-z]{3,}', 'error page says nothing in words')

    def assertJsonError(self, r, status):
        self.assertEqual(r.status, status, r.describe())
        self.assertEqual(r.content_type, 'application/json', r.describe())
        body = r.json()
        self.assertIsInstance(body, dict)
        self.assertIn('error', body)
        self.assertTrue(str(body['error']).strip(), 'empty error message')

    def file_incoming(self, client, **overrides):
        before = request_count()
        r = client.post('/requests', incoming_fields(**overrides) + [('csrf', client.csrf)])
        self.assertEqual(r.status, 303, r.describe(1500))
        rid = request_id_from(r)
        self.assertIsNotNone(rid, 'Location is not /requests/ID: %r' % r.location)
        self.assertEqual(request_count(), before + 1)
        return rid


# ------------------------------------------------------------------ sign-in

class SignIn(PortalTestCase):

    def new_user(self, role='agency'):
        login = uniq('si')
        attrs = {'agency': 'Sign-in PD', 'agency_type': 'county'} if role == 'agency' else {}
        S.add_user(login, role, 'Sign In Tester', PW, **attrs)
        return login

    def login_events(self, login):
        rows = S.psql("SELECT success FROM login_event WHERE login = '%s' ORDER BY id" % login)
        return [row[0] == 't' for row in rows]

    def test_login_page_has_form_and_csrf(self):
        r = Client(S).get('/login')
        self.assertEqual(r.status, 200, r.describe())
        self.assertIn('<html', r.body.lower())
        self.assertIsNotNone(harness.find_csrf(r.body), 'no hidden csrf input on /login')
        self.assertRegex(r.body, r'name="login"')
        self.assertRegex(r.body, r'name="password"')

    def test_good_login_redirects_to_root_and_is_recorded(self):
        login = self.new_user()
        c = Client(S)
        r = c.try_login(login, PW)
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(r.location_path, '/')
        self.assertTrue(c.session_cookie)
        home = c.get('/')
        self.assertEqual(home.status, 200, home.describe())
        self.assertIsNotNone(harness.find_csrf(home.body), 'GET / signed in shows no csrf input')
        self.assertEqual(self.login_events(login), [True])

    def test_session_cookie_is_httponly_and_samesite_lax(self):
        login = self.new_user()
        c = Client(S)
        r = c.try_login(login, PW)
        self.assertEqual(r.status, 303, r.describe())
        sc = r.cookie_header('portal_session')
        self.assertIsNotNone(sc, 'no Set-Cookie portal_session: %r' % r.set_cookies)
        attrs = [a.strip().lower() for a in sc.split(';')[1:]]
        self.assertIn('httponly', attrs, sc)
        self.assertIn('samesite=lax', attrs, sc)
        path = [a for a in attrs if a.startswith('path=')]
        self.assertIn(path, ([], ['path=/']), sc)

    def test_login_page_sets_pre_session_csrf_cookie(self):
        r = Client(S).get('/login')
        self.assertIsNotNone(r.cookie_header('portal_csrf'), r.set_cookies)

    def test_wrong_password_gets_401_form_again_and_is_recorded(self):
        login = self.new_user()
        c = Client(S)
        r = c.try_login(login, PW + 'x')
        self.assertEqual(r.status, 401, r.describe())
        self.assertIn('<html', r.body.lower())
        self.assertRegex(r.body, r'name="password"', 'the form is not shown again')
        self.assertIsNotNone(harness.find_csrf(r.body))
        self.assertIsNone(c.session_cookie)
        self.assertEqual(self.login_events(login), [False])

    def test_unknown_login_gets_401(self):
        c = Client(S)
        r = c.try_login(uniq('nobody'), PW)
        self.assertEqual(r.status, 401, r.describe())
        self.assertRegex(r.body, r'name="password"')
        self.assertIsNone(c.session_cookie)

    def test_unknown_login_failure_recorded_in_login_event(self):
        login = uniq('ghost')
        Client(S).try_login(login, PW)
        self.assertEqual(self.login_events(login), [False])

    def test_five_failures_lock_account_even_for_right_password(self):
        login = self.new_user()
        c = Client(S)
        for i in range(5):
            r = c.try_login(login, 'wrong-password-%d' % i)
            self.assertEqual(r.status, 401, 'attempt %d: %s' % (i + 1, r.describe()))
        r = c.try_login(login, PW)
        # Paused for this login from this address; the page says only what
        # every failed sign-in says (tests/integration/test_sign_in.py).
        self.assertEqual(r.status, 401, 'right password after 5 failures: ' + r.describe())
        self.assertIn('Sign-in failed', r.body, 'the page does not say the sign-in failed')
        self.assertRegex(r.body, r'name="password"', 'the form is not shown again')
        self.assertIsNone(c.session_cookie)
        events = self.login_events(login)
        self.assertEqual(len(events), 6, events)
        self.assertFalse(any(events), 'a locked sign-in was recorded as a success: %r' % events)

    def test_success_resets_failure_count(self):
        login = self.new_user()
        c = Client(S)
        for i in range(4):
            self.assertEqual(c.try_login(login, 'nope-nope-nope').status, 401)
        c.login(login, PW)
        c2 = Client(S)
        for i in range(4):
            self.assertEqual(c2.try_login(login, 'nope-nope-nope').status, 401)
        r = Client(S).try_login(login, PW)
        self.assertEqual(r.status, 303, '4+4 failures around a success locked the account: '
                         + r.describe())

    def test_login_without_csrf_is_refused(self):
        login = self.new_user()
        c = Client(S)
        c.get('/login')
        r = c.post('/login', [('login', login), ('password', PW)])
        self.assertErrorPage(r, 403)
        self.assertIsNone(c.session_cookie)

    def test_login_with_wrong_csrf_is_refused(self):
        login = self.new_user()
        c = Client(S)
        c.get('/login')
        r = c.post('/login', [('login', login), ('password', PW), ('csrf', 'A' * 43)])
        self.assertErrorPage(r, 403)
        self.assertIsNone(c.session_cookie)


# ------------------------------------------------------------------ logout

class Logout(PortalTestCase):

    def test_signed_out_inbox_redirects_to_login_and_json_is_401(self):
        c = Client(S)
        r = c.get('/inbox')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(r.location_path, '/login')
        self.assertJsonError(c.get('/inbox.json'), 401)

    def test_logout_ends_session(self):
        c = signed_in('agency')
        self.assertEqual(c.get('/inbox').status, 200)
        old_cookie = c.session_cookie
        r = c.logout()
        self.assertEqual(r.status, 303, r.describe())
        r = c.get('/inbox')
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(r.location_path, '/login')
        self.assertJsonError(c.get('/inbox.json'), 401)
        # The old cookie is dead on the server too, not just dropped by the browser.
        replay = Client(S)
        replay.cookies['portal_session'] = old_cookie
        r = replay.get('/inbox')
        self.assertEqual(r.status, 303, 'old session cookie still works after logout: '
                         + r.describe())
        self.assertJsonError(replay.get('/inbox.json'), 401)

    def test_logout_without_csrf_is_refused_and_session_kept(self):
        c = signed_in('agency')
        r = c.post('/logout', [])
        self.assertErrorPage(r, 403)
        self.assertEqual(c.get('/inbox').status, 200)

    def test_get_logout_is_405(self):
        c = signed_in('agency')
        self.assertErrorPage(c.get('/logout'), 405)
        self.assertEqual(c.get('/inbox').status, 200, 'GET /logout ended the session')


# ------------------------------------------------------------------ CSRF

class Csrf(PortalTestCase):

    def test_post_request_without_csrf_is_403_and_nothing_stored(self):
        c = signed_in('agency')
        before = request_count()
        r = c.post('/requests', incoming_fields())
        self.assertErrorPage(r, 403)
        self.assertEqual(request_count(), before)

    def test_post_request_with_wrong_csrf_is_403_and_nothing_stored(self):
        c = signed_in('agency')
        before = request_count()
        tok = c.csrf
        wrong = ('A' if tok[0] != 'A' else 'B') + tok[1:]
        r = c.post('/requests', incoming_fields() + [('csrf', wrong)])
        self.assertErrorPage(r, 403)
        r = c.post('/requests', incoming_fields() + [('csrf', '')])
        self.assertErrorPage(r, 403)
        self.assertEqual(request_count(), before)

    def test_csrf_of_another_session_is_refused(self):
        c = signed_in('agency')
        other = signed_in('agency')
        before = request_count()
        r = c.post('/requests', incoming_fields() + [('csrf', other.csrf)])
        self.assertErrorPage(r, 403)
        self.assertEqual(request_count(), before)

    def test_cross_site_post_is_403_even_with_good_csrf(self):
        c = signed_in('agency')
        before = request_count()
        r = c.post('/requests', incoming_fields() + [('csrf', c.csrf)],
                   headers={'Sec-Fetch-Site': 'cross-site'})
        self.assertErrorPage(r, 403)
        self.assertEqual(request_count(), before)


# ------------------------------------------------------------------ filing

class FileIncoming(PortalTestCase):

    def test_new_request_form_shows_fields(self):
        c = shared('agency')
        r = c.get('/requests/new?kind=aid_incoming')
        self.assertEqual(r.status, 200, r.describe())
        self.assertIsNotNone(harness.find_csrf(r.body))
        for name in ('requester_name', 'contact_phone', 'incident_type',
                     'nature', 'priority', 'location', 'squads', 'special_units'):
            self.assertRegex(r.body, r'name="%s"' % name, 'form lacks field %s' % name)
        # An outside agency files for itself, through the portal (98-023 §V.B):
        # its agency, its agency's type and the channel are not fields of its form.
        for name in ('requesting_agency', 'requesting_agency_type', 'channel'):
            self.assertNotRegex(r.body, r'name="%s"' % name, 'agency form offers %s' % name)
        self.assertIn('Filing for', r.body)
        staff = shared('dispatcher').get('/requests/new?kind=aid_incoming')
        for name in ('requesting_agency', 'requesting_agency_type', 'channel'):
            self.assertRegex(staff.body, r'name="%s"' % name, 'dispatcher form lacks %s' % name)

    def test_agency_form_speaks_the_departments_name(self):
        # Issue 13: an outsider reads whom it asks, not "Request for our aid".
        r = shared('agency').get('/requests/new?kind=aid_incoming')
        self.assertIn('<h1>Ask for help from City of Oconomowoc Police Department</h1>', r.body)
        self.assertNotIn('Request for our aid', r.body)
        home = shared('agency').get('/')
        self.assertIn('>Ask for help from City of Oconomowoc Police Department</a>', home.body)
        self.assertNotIn('>Request for our aid</a>', home.body)

    def test_agency_files_for_its_own_agency_through_the_portal(self):
        c = shared('agency')
        rid = self.file_incoming(c, requesting_agency='Some Other Agency', channel='phone',
                                 requesting_agency_type='federal')
        d = c.get('/requests/%d.json' % rid).json()
        self.assertEqual(d['requesting_agency'], AGENCY['agency'])
        self.assertEqual(d['channel'], 'portal')
        # its account's type, never the form's
        self.assertEqual(d['requesting_agency_type'], 'local')
        self.assertEqual(shared('supervisor').get('/requests/%d.json' % rid).json()['requesting_agency_type'],
                         'local')

    def test_agency_files_aid_incoming_end_to_end(self):
        c = shared('agency')
        nature = 'Bank robbery & pursuit "in progress" ' + uniq('n')
        rid = self.file_incoming(c, nature=nature, squads='3', supervisors='1',
                                 special_units=['swat', 'k9'])
        page = c.get('/requests/%d' % rid)
        self.assertEqual(page.status, 200, page.describe())
        self.assertIn('<html', page.body.lower())
        escaped = nature.replace('&', '&amp;').replace('"', '&quot;')
        self.assertTrue(escaped in page.body or nature.replace('&', '&amp;').replace('"', '&#34;') in page.body
                        or nature.replace('&', '&amp;') in page.body,
                        'nature text not shown (escaped) on /requests/%d' % rid)
        self.assertRegex(page.body.lower(), r'submitted', 'no timeline entry on the page')

        j = c.get('/requests/%d.json' % rid)
        self.assertEqual(j.status, 200, j.describe())
        self.assertEqual(j.content_type, 'application/json')
        d = j.json()
        self.assertEqual(d['id'], rid)
        self.assertEqual(d['kind'], 'aid_incoming')
        self.assertEqual(d['status'], 'submitted')
        self.assertEqual(d['filed_by'], U['agency'])
        self.assertEqual(d['nature'], nature)
        self.assertEqual(d['requesting_agency'], AGENCY['agency'])
        self.assertIs(d['emergency'], True)
        self.assertEqual(d['squads'], 3)
        self.assertEqual(d['supervisors'], 1)
        self.assertIsInstance(d['special_units'], list)
        self.assertEqual(sorted(d['special_units']), ['k9', 'swat'])
        self.assertIsInstance(d['notifications'], list)
        self.assertIsInstance(d['events'], list)
        self.assertGreaterEqual(len(d['events']), 1)
        self.assertEqual(d['events'][0]['action'], 'submitted')
        self.assertEqual(d['events'][0]['actor'], U['agency'])
        self.assertIsInstance(d['created_at'], str)

    def test_request_without_optional_fields_is_stored(self):
        c = shared('agency')
        rid = self.file_incoming(c, requester_position=None, contact_email=None,
                                 municipality=None, county=None, squads=None,
                                 supervisors=None, personnel=None, special_units=None,
                                 equipment=None, staging_area=None, instructions=None)
        d = c.get('/requests/%d.json' % rid).json()
        self.assertEqual(d['special_units'], [])
        self.assertEqual(d['squads'], 0)

    def test_staff_see_any_request(self):
        rid = self.file_incoming(shared('agency'))
        for role in ('supervisor', 'dispatcher'):
            c = shared(role)
            self.assertEqual(c.get('/requests/%d' % rid).status, 200, role)
            r = c.get('/requests/%d.json' % rid)
            self.assertEqual(r.status, 200, role)
            self.assertEqual(r.json()['id'], rid)

    def test_agency_may_not_file_aid_outgoing_403_names_clause(self):
        c = shared('agency')
        r = c.get('/requests/new?kind=aid_outgoing')
        self.assertErrorPage(r, 403)
        self.assertIn('98-023', r.body)
        self.assertIn('III.A.1', r.body)
        before = request_count()
        r = c.post('/requests', incoming_fields(kind='aid_outgoing') + [('csrf', c.csrf)])
        self.assertErrorPage(r, 403)
        self.assertIn('III.A.1', r.body)
        self.assertEqual(request_count(), before)

    def test_supervisor_gets_aid_outgoing_form(self):
        r = shared('supervisor').get('/requests/new?kind=aid_outgoing')
        self.assertEqual(r.status, 200, r.describe())


# ------------------------------------------------------------------ validation

class Validation(PortalTestCase):
    """422: the form again, each bad field marked id="err-FIELD", typed values
    kept, nothing stored."""

    KEPT_NAME = 'Officer Keepme Typed'
    KEPT_LOCATION = '123 Retained Value Ave'

    def submit_invalid(self, bad_fields, **overrides):
        # A dispatcher logs the request: staff forms have every field
        # (an agency's form has no requesting_agency or channel).
        c = shared('dispatcher')
        overrides.setdefault('requester_name', self.KEPT_NAME)
        overrides.setdefault('location', self.KEPT_LOCATION)
        before = request_count()
        r = c.post('/requests', incoming_fields(**overrides) + [('csrf', c.csrf)])
        self.assertEqual(r.status, 422, r.describe(1500))
        self.assertIn('<html', r.body.lower())
        self.assertIsNotNone(harness.find_csrf(r.body), '422 page has no form')
        for f in bad_fields:
            self.assertRegex(r.body, r'id\s*=\s*"err-%s"' % re.escape(f),
                             'bad field %s not marked' % f)
        if 'requester_name' not in bad_fields:
            self.assertNotRegex(r.body, r'id\s*=\s*"err-requester_name"',
                                'a valid field is marked as bad')
            self.assertIn('value="%s"' % self.KEPT_NAME, r.body, 'typed requester_name lost')
        if 'location' not in bad_fields:
            self.assertIn('value="%s"' % self.KEPT_LOCATION, r.body, 'typed location lost')
        self.assertEqual(request_count(), before, 'an invalid request was stored')
        return r

    def test_missing_required_fields_are_each_marked(self):
        required = ['requesting_agency', 'contact_phone', 'incident_type', 'nature', 'priority']
        self.submit_invalid(required, **{f: None for f in required})

    def test_blank_required_fields_are_each_marked(self):
        self.submit_invalid(['requesting_agency', 'nature'], requesting_agency='   ', nature='')

    def test_missing_requester_name_and_location_are_marked(self):
        r = self.submit_invalid(['requester_name', 'location'], requester_name='', location='')
        self.assertIn('Town of Delafield Police Department', r.body)

    def test_too_long_nature_is_marked_and_kept(self):
        long_nature = 'N' * 4001
        r = self.submit_invalid(['nature'], nature=long_nature)
        self.assertIn(long_nature, r.body, 'typed nature lost')

    def test_nature_of_exactly_4000_chars_is_accepted(self):
        self.file_incoming(shared('agency'), nature='n' * 4000)

    def test_too_long_short_field_is_marked(self):
        self.submit_invalid(['requesting_agency'], requesting_agency='A' * 201)

    def test_bad_email_is_marked_and_kept(self):
        r = self.submit_invalid(['contact_email'], contact_email='not-an-email')
        self.assertIn('value="not-an-email"', r.body, 'typed (bad) e-mail lost')

    def test_bad_phone_is_marked(self):
        self.submit_invalid(['contact_phone'], contact_phone='call me maybe')

    def test_non_integer_squads_is_marked_and_kept(self):
        r = self.submit_invalid(['squads'], squads='two')
        self.assertIn('value="two"', r.body, 'typed (bad) squads lost')

    def test_fractional_supervisors_is_marked(self):
        self.submit_invalid(['supervisors'], supervisors='1.5')

    def test_out_of_range_squads_is_marked(self):
        self.submit_invalid(['squads'], squads='100')
        self.submit_invalid(['squads'], squads='-1')

    def test_out_of_range_personnel_is_marked(self):
        self.submit_invalid(['personnel'], personnel='1000')

    def test_unknown_special_unit_is_marked(self):
        self.submit_invalid(['special_units'], special_units=['k9', 'tanks'])

    def test_bad_priority_enum_is_marked(self):
        self.submit_invalid(['priority'], priority='extreme')

    def test_bad_incident_type_enum_is_marked(self):
        self.submit_invalid(['incident_type'], incident_type='alien_invasion')

    def test_staff_must_give_the_requesting_agency_type(self):
        # Staff logging another agency's request say what kind of agency asks
        # (a federal one makes it a federal request, 98-023 §III.B.4).
        self.submit_invalid(['requesting_agency_type'], requesting_agency_type=None)
        self.submit_invalid(['requesting_agency_type'], requesting_agency_type='')
        self.submit_invalid(['requesting_agency_type'], requesting_agency_type='interplanetary')

    def test_bad_emergency_and_channel_enums_are_marked(self):
        self.submit_invalid(['emergency', 'channel'], emergency='maybe', channel='pigeon')

    # Issue 13: emergency and priority are answered each time, never
    # preselected; a form without either is refused, the rest kept.
    def test_no_emergency_answer_is_refused_and_marked(self):
        r = self.submit_invalid(['emergency'], emergency=None)
        self.assertNotRegex(r.body, r'name="emergency" value="(yes|no)" checked', 'an answer was chosen for them')

    def test_no_priority_answer_is_refused_and_marked(self):
        self.submit_invalid(['priority'], priority=None)

    def test_blank_emergency_and_priority_are_each_marked(self):
        self.submit_invalid(['emergency', 'priority'], emergency='', priority='')

    def test_the_forms_preselect_no_emergency_or_priority(self):
        for who, kind in (('dispatcher', 'aid_incoming'), ('agency', 'aid_incoming'),
                          ('supervisor', 'aid_outgoing'), ('supervisor', 'federal_emergency')):
            r = shared(who).get('/requests/new?kind=' + kind)
            self.assertEqual(r.status, 200, r.describe())
            self.assertRegex(r.body, r'name="priority" value="urgent"', kind + ' asks the priority')
            self.assertNotRegex(r.body, r'name="(emergency|priority)" value="[a-z]+" checked',
                                '%s form of %s preselects an answer' % (kind, who))

    def test_several_bad_fields_are_all_marked_at_once(self):
        self.submit_invalid(['contact_email', 'squads', 'priority', 'nature'],
                            contact_email='x@', squads='lots', priority='now', nature=None)


# ------------------------------------------------------------------ access

class Access(PortalTestCase):

    def test_other_agency_gets_404_html_and_json(self):
        rid = self.file_incoming(shared('agency'))
        other = shared('agency_b')
        r = other.get('/requests/%d' % rid)
        self.assertErrorPage(r, 404)
        self.assertNotIn('Armed robbery suspect', r.body)
        self.assertJsonError(other.get('/requests/%d.json' % rid), 404)

    def test_missing_request_is_404_same_as_forbidden(self):
        c = shared('agency')
        self.assertErrorPage(c.get('/requests/999999999'), 404)
        self.assertJsonError(c.get('/requests/999999999.json'), 404)

    def test_routes_refuse_roles_they_do_not_admit(self):
        # Each route declares the roles it admits (cgi-bin/routes.c): any
        # other role gets 403 before the page's own code runs.
        rid = self.file_incoming(shared('agency'))
        for key, paths in (('agency', ('/policy', '/deployments', '/dashboard', '/history',
                                       '/admin/accounts', '/requests/%d/print' % rid)),
                           ('dispatcher', ('/history', '/dashboard', '/admin/accounts'))):
            for path in paths:
                with self.subTest(role=key, path=path):
                    r = shared(key).get(path)
                    self.assertErrorPage(r, 403)
                    self.assertIn('may not use this page', r.body)
        before = S.count('account')
        c = shared('agency')
        r = c.post('/admin/accounts', [('csrf', c.csrf), ('login', uniq('x')), ('role', 'admin'),
                                       ('full_name', 'Not Allowed'), ('password', 'long enough password')])
        self.assertErrorPage(r, 403)
        self.assertEqual(S.count('account'), before)

    def test_signed_out_request_page_redirects_and_json_is_401(self):
        rid = self.file_incoming(shared('agency'))
        c = Client(S)
        r = c.get('/requests/%d' % rid)
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(r.location_path, '/login')
        self.assertJsonError(c.get('/requests/%d.json' % rid), 401)


# ------------------------------------------------------------------ HTTP errors

class HttpErrors(PortalTestCase):

    def test_oversized_body_is_413_and_nothing_stored(self):
        c = shared('agency')
        before = request_count()
        # Over the portal's 128 KiB (nginx lets up to 160 KiB through to it).
        r = c.post('/requests', incoming_fields(nature='x' * (140 * 1024)) + [('csrf', c.csrf)])
        self.assertErrorPage(r, 413)
        self.assertEqual(request_count(), before)

    def test_wrong_methods_are_405(self):
        c = shared('agency')
        before = request_count()
        self.assertErrorPage(c.request('PUT', '/requests', body=b'kind=aid_incoming'), 405)
        self.assertErrorPage(c.request('DELETE', '/requests/1'), 405)
        self.assertErrorPage(c.get('/logout'), 405)
        self.assertEqual(request_count(), before)

    def test_unknown_routes_are_404(self):
        c = shared('agency')
        for path in ('/no/such/page', '/requests/abc', '/requests/12/nosuchaction-x'):
            self.assertErrorPage(c.get(path), 404)

    def test_dot_segments_above_the_root_are_400_from_nginx(self):
        # nginx refuses a path that climbs above / before the portal sees it.
        r = shared('agency').get('/%2e%2e/etc/passwd')
        self.assertEqual(r.status, 400, r.describe())
        self.assertIn('Bad request', r.body)

    def test_unknown_route_is_404_when_signed_out(self):
        self.assertErrorPage(Client(S).get('/definitely-not-here'), 404)

    def test_healthz_is_ok(self):
        r = Client(S).get('/healthz')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body.strip(), 'ok')


# ------------------------------------------------------------------ hostile input

class Hostile(PortalTestCase):

    def raw_post(self, client, raw_nature=None, raw_extra=b''):
        """POST /requests with a hand-encoded body (valid fields + raw pieces)."""
        fields = incoming_fields(nature=None) if raw_nature is not None else incoming_fields()
        body = harness.encode_fields(fields + [('csrf', client.csrf)])
        if raw_nature is not None:
            body += b'&nature=' + raw_nature
        body += raw_extra
        return client.post('/requests', body)

    def test_bad_utf8_is_400_and_nothing_stored(self):
        c = shared('agency')
        before = request_count()
        self.assertErrorPage(self.raw_post(c, b'%C3%28'), 400)
        self.assertErrorPage(self.raw_post(c, b'ok%FF%FEok'), 400)
        self.assertErrorPage(self.raw_post(c, b'overlong%C0%AF'), 400)
        self.assertEqual(request_count(), before)

    def test_nul_byte_is_400_and_nothing_stored(self):
        c = shared('agency')
        before = request_count()
        self.assertErrorPage(self.raw_post(c, b'abc%00def'), 400)
        body = harness.encode_fields(incoming_fields(requester_name=None) + [('csrf', c.csrf)])
        self.assertErrorPage(c.post('/requests', body + b'&requester_name=Sgt%00Null'), 400)
        self.assertEqual(request_count(), before)

    def test_bad_utf8_in_login_is_400(self):
        c = Client(S)
        c.get('/login')
        body = harness.encode_fields([('password', PW), ('csrf', c.csrf)]) + b'&login=%C3%28'
        r = c.post('/login', body)
        self.assertErrorPage(r, 400)

    def test_script_tag_is_stored_and_shown_escaped(self):
        c = shared('agency')
        payload = '<script>alert(1)</script>'
        rid = self.file_incoming(c, nature='before ' + payload + ' after',
                                 requester_name='<img src=x onerror=alert(2)>')
        for viewer in (c, shared('supervisor')):
            page = viewer.get('/requests/%d' % rid)
            self.assertEqual(page.status, 200)
            self.assertNotIn(payload, page.body)
            self.assertNotIn('<img src=x', page.body)
            self.assertIn('&lt;script&gt;alert(1)&lt;/script&gt;', page.body)
        d = c.get('/requests/%d.json' % rid).json()
        self.assertEqual(d['nature'], 'before ' + payload + ' after')

    def test_script_tag_in_invalid_form_is_escaped(self):
        c = shared('agency')
        r = c.post('/requests', incoming_fields(squads='x', requester_name='"><script>alert(3)</script>')
                   + [('csrf', c.csrf)])
        self.assertEqual(r.status, 422, r.describe())
        self.assertNotIn('<script>alert(3)</script>', r.body)

    def test_sql_fragment_is_stored_literally(self):
        c = shared('agency')
        frag = "'; DROP TABLE request; --"
        rid = self.file_incoming(c, nature=frag, requester_name="O'Brien \\ " + frag)
        d = c.get('/requests/%d.json' % rid).json()
        self.assertEqual(d['nature'], frag)
        self.assertGreater(request_count(), 0)
        page = c.get('/requests/%d' % rid)
        self.assertEqual(page.status, 200)
        self.assertTrue("&#39;; DROP TABLE request; --" in page.body
                        or "&#x27;; DROP TABLE request; --" in page.body
                        or "&apos;; DROP TABLE request; --" in page.body
                        or frag in page.body, 'SQL fragment not shown literally')

    def test_percent_and_plus_decoding(self):
        c = shared('agency')
        rid = self.file_incoming(c, nature='50% + 25% = 75%; a+b & c=d')
        self.assertEqual(c.get('/requests/%d.json' % rid).json()['nature'],
                         '50% + 25% = 75%; a+b & c=d')

    def test_unicode_is_stored_intact(self):
        c = shared('agency')
        text = 'Städtische Polizei — señal 📻 §III.A.1'
        rid = self.file_incoming(c, nature=text)
        self.assertEqual(c.get('/requests/%d.json' % rid).json()['nature'], text)


if __name__ == '__main__':
    unittest.main()
