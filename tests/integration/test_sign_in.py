"""Sign-in against an adversary (issue "Hold against an adversary", items 2-5
and 13): the pause per login and source address and its atomicity, lockout
that cannot be used as a weapon, the hash gate and rate limits, one message
and one cost for every failure, origin checks, sessions' lifetimes.

CJIS Security Policy 5.5.3 (unsuccessful logon attempts: at most 5, then
the account/node is locked for 10 minutes), 5.5.5 (session lock).

| item | test |
|---|---|
| parallel attempts cannot pass a pause | Pause.test_cjis_5_5_3_parallel_right_passwords_after_the_pause_all_refused |
| at most 5 passwords checked, however many arrive | Pause.test_cjis_5_5_3_parallel_wrong_passwords_check_at_most_five |
| a failure during a pause does not lift it | Pause.test_a_failure_during_the_pause_does_not_lift_it |
| per login AND address | Pause.test_pause_is_per_source_address_not_for_the_account |
| client headers cannot pick the address | Pause.test_x_real_ip_and_x_forwarded_for_from_a_client_are_ignored |
| growing delay | Pause.test_the_pause_doubles_after_it_ends |
| account as a whole: growing delay, no hard lock | Pause.test_across_addresses_a_login_slows_down_but_is_not_locked |
| administrators see and clear | Pause.test_admin_sees_and_clears_the_pause |
| one message | Enumeration.test_one_message_for_unknown_wrong_disabled_and_paused |
| one cost | Enumeration.test_unknown_login_costs_a_hash_like_a_known_one |
| invented token refused before hashing | Origin.test_invented_sign_in_token_refused_before_any_hashing |
| same-site / cross-origin sign-in refused | Origin.test_same_site_sign_in_post_refused |
| per-address rate, 429 + Retry-After | Rate.test_attempts_per_minute_per_address_then_429_with_retry_after |
| filings per hour, 429 | Rate.test_filings_per_hour_then_429_nothing_stored |
| absolute lifetime | Sessions.test_session_ends_after_its_absolute_lifetime |
| idle lock | Sessions.test_cjis_5_5_5_session_ends_after_30_idle_minutes |
"""

import re
import threading
import time

import harness
from harness import Client, TestCase, uniq

PW = 'correct horse battery staple'
S = None


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc')


def new_user(role='dispatcher', **attrs):
    login = uniq('sg')
    S.add_user(login, role, 'Sign In %s' % role, PW, **attrs)
    return login


def throttle(login, addr='127.0.0.1'):
    rows = S.psql("SELECT failures, blocked_until > now(), "
                  "extract(epoch FROM blocked_until - now())::int FROM login_throttle "
                  "WHERE login = '%s' AND addr = '%s'" % (login, addr))
    if not rows:
        return (0, False, None)
    f, b, secs = rows[0]
    return (int(f), b == 't', int(secs) if secs else None)


def events(login):
    return S.psql("SELECT success, reason FROM login_event WHERE login = '%s' ORDER BY id" % login)


def sessions(login):
    return int(S.scalar("SELECT count(*) FROM session s JOIN account a ON a.id = s.account_id "
                        "WHERE a.login = '%s'" % login))


def fail_n(login, n, source=None):
    for i in range(n):
        r = Client(S, source=source).try_login(login, 'wrong password %d' % i)
        assert r.status == 401, r.describe()


def message_of(resp):
    m = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', resp.body, re.S)
    return re.sub(r'\s+', ' ', re.sub(r'<[^>]+>', '', m.group(1))).strip() if m else None


def try_until_answered(client, login, password):
    """Signs in, waiting out 429 (the hash gate full: Retry-After) as a
    browser user would; the first answer that is not 429."""
    for _ in range(60):
        r = client.try_login(login, password)
        if r.status != 429:
            return r
        time.sleep(0.2)
    return r


def parallel(n, fn):
    results = [None] * n
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        results[i] = fn(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


class Pause(TestCase):

    def test_cjis_5_5_3_parallel_right_passwords_after_the_pause_all_refused(self):
        login = new_user()
        fail_n(login, 5)
        self.assertTrue(throttle(login)[1], 'no pause after 5 failures')
        clients = [Client(S) for _ in range(6)]
        for c in clients:
            c.get('/login')
        statuses = parallel(6, lambda i: try_until_answered(clients[i], login, PW).status)
        self.assertEqual(statuses, [401] * 6)
        self.assertEqual(sessions(login), 0, 'a session was made during the pause')
        self.assertTrue(throttle(login)[1], 'the pause was lifted')

    def test_cjis_5_5_3_parallel_wrong_passwords_check_at_most_five(self):
        login = new_user()
        statuses = parallel(16, lambda i: try_until_answered(Client(S), login, 'wrong %d' % i).status)
        self.assertEqual(statuses, [401] * 16)
        checked = [e for e in events(login) if e[1] == 'wrong password']
        self.assertEqual(len(checked), 5, 'passwords checked: %r' % events(login))
        self.assertEqual(throttle(login)[0], 5)

    def test_a_failure_during_the_pause_does_not_lift_it(self):
        login = new_user()
        fail_n(login, 5)
        before = throttle(login)
        fail_n(login, 1)
        after = throttle(login)
        self.assertTrue(after[1], 'a failure during the pause lifted it')
        self.assertEqual(after[0], before[0], 'a refused attempt was counted as checked')
        self.assertEqual(Client(S).try_login(login, PW).status, 401)

    def test_pause_is_per_source_address_not_for_the_account(self):
        # A stranger pauses sign-in for the chief's login from their own
        # address; the chief, elsewhere, signs in.
        chief = new_user('chief')
        fail_n(chief, 7, source='127.0.0.9')
        self.assertTrue(throttle(chief, '127.0.0.9')[1])
        self.assertEqual(Client(S, source='127.0.0.9').try_login(chief, PW).status, 401)
        c = Client(S, source='127.0.0.1')
        self.assertEqual(c.try_login(chief, PW).status, 303)
        self.assertEqual(c.get('/').status, 200)

    def test_x_real_ip_and_x_forwarded_for_from_a_client_are_ignored(self):
        login = new_user()
        fail_n(login, 5)
        c = Client(S)
        c.get('/login')
        tok = harness.find_csrf(c.last.body)
        r = c.post('/login', [('login', login), ('password', PW), ('csrf', tok)],
                   headers={'X-Real-IP': '10.9.8.7', 'X-Forwarded-For': '10.9.8.7'})
        self.assertEqual(r.status, 401, r.describe())
        self.assertEqual(S.count('login_throttle', "login = '%s' AND addr = '10.9.8.7'" % login), 0)

    def test_the_pause_doubles_after_it_ends(self):
        login = new_user()
        fail_n(login, 5)
        first = throttle(login)[2]
        self.assertTrue(9 * 60 <= first <= 10 * 60, first)
        S.psql("UPDATE login_throttle SET blocked_until = now() - interval '1 second' "
               "WHERE login = '%s'" % login)
        fail_n(login, 1)
        second = throttle(login)[2]
        self.assertTrue(19 * 60 <= second <= 20 * 60, second)

    def test_across_addresses_a_login_slows_down_but_is_not_locked(self):
        login = new_user()
        for k in range(20):
            fail_n(login, 1, source='127.0.1.%d' % (k + 1))
        rows = S.psql("SELECT failures, extract(epoch FROM blocked_until - now()) FROM login_throttle "
                      "WHERE login = '%s' AND addr = '*'" % login)
        self.assertEqual(int(rows[0][0]), 20)
        self.assertLessEqual(float(rows[0][1]), 300.0, 'more than a growing delay')
        # No address is paused: one failure each.
        self.assertEqual(S.count('login_throttle', "login = '%s' AND addr <> '*' AND "
                                 "blocked_until > now()" % login), 0)

    def test_admin_sees_and_clears_the_pause(self):
        login = new_user()
        fail_n(login, 5)
        admin = new_user('admin')
        a = Client(S)
        a.login(admin, PW)
        aid = S.scalar("SELECT id FROM account WHERE login = '%s'" % login)
        r = a.get('/admin/accounts/%s' % aid)
        self.assertEqual(r.status, 200)
        self.assertIn('Failed sign-ins', r.body)
        self.assertIn('127.0.0.1', r.body)
        r = a.post('/admin/accounts/%s' % aid, [('csrf', a.csrf), ('op', 'unlock')])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(S.count('login_throttle', "login = '%s'" % login), 0)
        self.assertEqual(S.count('audit_event', "action = 'account_changed' AND note LIKE "
                                 "'%%%s%%cleared%%'" % login), 1)
        self.assertEqual(Client(S).try_login(login, PW).status, 303)


class Enumeration(TestCase):

    def test_one_message_for_unknown_wrong_disabled_and_paused(self):
        known = new_user()
        disabled = new_user()
        S.psql("UPDATE account SET disabled = true WHERE login = '%s'" % disabled)
        paused = new_user()
        fail_n(paused, 5)
        answers = {
            'unknown': Client(S).try_login(uniq('ghost'), PW),
            'wrong': Client(S).try_login(known, PW + 'x'),
            'disabled': Client(S).try_login(disabled, PW),
            'paused': Client(S).try_login(paused, PW),
        }
        statuses = {k: r.status for k, r in answers.items()}
        self.assertEqual(statuses, {k: 401 for k in answers})
        messages = {k: message_of(r) for k, r in answers.items()}
        self.assertEqual(len(set(messages.values())), 1, messages)
        self.assertIsNotNone(messages['unknown'])

    def test_unknown_login_costs_a_hash_like_a_known_one(self):
        known = new_user()
        nobody = uniq('nobody')

        def timed(login):
            c = Client(S)
            c.get('/login')
            tok = harness.find_csrf(c.last.body)
            t0 = time.monotonic()
            c.post('/login', [('login', login), ('password', 'not it'), ('csrf', tok)])
            took = time.monotonic() - t0
            S.psql("DELETE FROM login_throttle WHERE login = '%s'" % login)
            return took
        # Interleaved, so that whatever else loads the machine loads both;
        # more tries than workers, so that every worker answers an unknown
        # login (each worker's first one once paid for making the dummy
        # hash as well: crypto.c makes it before the workers fork now).
        unknown, wrong = [], []
        for _ in range(9):
            unknown.append(timed(nobody))
            wrong.append(timed(known))
        unknown, wrong = sorted(unknown)[4], sorted(wrong)[4]
        # One Argon2id verification each: within a factor of two.
        self.assertGreater(unknown, wrong / 2, (unknown, wrong))
        self.assertLess(unknown, wrong * 2, (unknown, wrong))


class Origin(TestCase):

    def test_invented_sign_in_token_refused_before_any_hashing(self):
        login = new_user()
        c = Client(S)
        forged = 'A' * 54
        c.cookies['portal_csrf'] = forged
        r = c.post('/login', [('login', login), ('password', PW), ('csrf', forged)])
        self.assertEqual(r.status, 403, r.describe())
        self.assertEqual(events(login), [], 'the attempt reached the password check')
        self.assertEqual(throttle(login)[0], 0)

    def test_same_site_sign_in_post_refused(self):
        login = new_user()
        for headers in ({'Sec-Fetch-Site': 'same-site'}, {'Sec-Fetch-Site': 'cross-site'},
                        {'Origin': 'http://portal.example.gov'}):
            c = Client(S)
            c.get('/login')
            tok = harness.find_csrf(c.last.body)
            r = c.post('/login', [('login', login), ('password', PW), ('csrf', tok)], headers=headers)
            self.assertEqual(r.status, 403, '%r: %s' % (headers, r.describe()))
            self.assertIsNone(c.session_cookie)
        self.assertEqual(events(login), [])
        # The portal's own origin is accepted.
        c = Client(S)
        c.get('/login')
        tok = harness.find_csrf(c.last.body)
        r = c.post('/login', [('login', login), ('password', PW), ('csrf', tok)],
                   headers={'Origin': 'http://127.0.0.1:%d' % S.port, 'Sec-Fetch-Site': 'same-origin'})
        self.assertEqual(r.status, 303, r.describe())


class Rate(TestCase):

    def test_attempts_per_minute_per_address_then_429_with_retry_after(self):
        S.psql("UPDATE setting SET value = '3' WHERE name = 'login_attempts_per_minute'")
        S.psql("DELETE FROM login_rate WHERE addr = '127.0.0.77'")
        try:
            login = new_user()
            # The window is a minute: start at the beginning of one.
            while time.time() % 60 > 50:
                time.sleep(1)
            got = [Client(S, source='127.0.0.77').try_login(login, 'nope').status for _ in range(4)]
            self.assertEqual(got, [401, 401, 401, 429])
            r = Client(S, source='127.0.0.77').try_login(login, PW)
            self.assertEqual(r.status, 429, r.describe())
            self.assertRegex(r.header('Retry-After') or '', r'^[0-9]+$')
            self.assertEqual(Client(S, source='127.0.0.78').try_login(login, PW).status, 303)
        finally:
            S.psql("UPDATE setting SET value = '100000' WHERE name = 'login_attempts_per_minute'")

    def test_filings_per_hour_then_429_nothing_stored(self):
        agency = new_user('agency', agency='Rate Limit PD', agency_type='county')
        S.psql("UPDATE setting SET value = '2' WHERE name = 'filings_per_hour'")
        try:
            c = Client(S)
            c.login(agency, PW)
            got = [c.post('/requests', harness.incoming_fields() + [('csrf', c.csrf)]).status
                   for _ in range(3)]
            self.assertEqual(got, [303, 303, 429])
            self.assertRegex(c.last.header('Retry-After') or '', r'^[0-9]+$')
            self.assertIn('Nothing was stored', c.last.body)
            self.assertEqual(S.count('request', "filed_by_agency = 'Rate Limit PD'"), 2)
        finally:
            S.psql("UPDATE setting SET value = '60' WHERE name = 'filings_per_hour'")


class Sessions(TestCase):

    def test_session_ends_after_its_absolute_lifetime(self):
        login = new_user()
        c = Client(S)
        c.login(login, PW)
        self.assertEqual(c.get('/').status, 200)
        S.psql("UPDATE session SET created_at = now() - interval '12 hours 1 minute' WHERE "
               "account_id = (SELECT id FROM account WHERE login = '%s')" % login)
        r = c.get('/')
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location_path, '/login')

    def test_cjis_5_5_5_session_ends_after_30_idle_minutes(self):
        login = new_user()
        c = Client(S)
        c.login(login, PW)
        S.psql("UPDATE session SET last_seen_at = now() - interval '31 minutes' WHERE "
               "account_id = (SELECT id FROM account WHERE login = '%s')" % login)
        r = c.get('/')
        self.assertEqual(r.status, 303)
        self.assertEqual(r.location_path, '/login')


class Retention(TestCase):
    """Expired sessions and sign-in records past login_event_retention_days
    are deleted by the notifier (item 12); recent ones stay."""

    def test_expired_sessions_and_old_sign_in_records_are_deleted(self):
        import policyhelp as ph

        class RetentionStack(ph.FastStack):
            def env(self):
                e = super().env()
                e['PORTAL_NOTIFIER_RETENTION'] = '1'
                return e
        R = RetentionStack(policy='oconomowoc', name='retention', start=False)
        try:
            R.start()
            login = uniq('rt')
            R.add_user(login, 'dispatcher', 'Retention', PW)
            fresh, stale = Client(R), Client(R)
            fresh.login(login, PW)
            stale.login(login, PW)
            R.psql("UPDATE session SET created_at = now() - interval '13 hours' WHERE token_hash = "
                   "(SELECT token_hash FROM session ORDER BY created_at DESC LIMIT 1)")
            R.psql("INSERT INTO login_event (login, success, reason, at) VALUES "
                   "('%s', false, 'old', now() - interval '366 days'), "
                   "('%s', false, 'recent', now() - interval '364 days')" % (login, login))
            done = harness_wait(lambda: R.count('login_event', "login = '%s' AND reason = 'old'"
                                                % login) == 0 and R.count('session') == 1)
            self.assertTrue(done, 'nothing was pruned in 20 s')
            self.assertEqual(R.count('login_event', "login = '%s' AND reason = 'recent'" % login), 1)
            self.assertEqual(fresh.get('/').status, 200)
        finally:
            R.stop()
            R.remove()


def harness_wait(fn, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return True
        time.sleep(0.5)
    return False
