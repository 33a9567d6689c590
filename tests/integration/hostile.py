"""Shared helpers of the hostile suite (test_hostile_*.py): one account per
role, a fast "nothing changed" snapshot of the database, a leak check,
raw HTTP over a socket, and table-driven test methods.

Python 3 standard library only; builds on harness.py. Every module uses the
shared oconomowoc stack (harness.get_stack), so the accounts made here are
made once per run.

    S = hostile.stack()
    P = hostile.people()              # role -> login, one per role of DESIGN.md
    c = hostile.signed(P['dispatcher'])
    before = hostile.snapshot()
    r = c.post(...)
    self.assertEqual(hostile.snapshot(), before, 'case X changed the database')
    hostile.assert_clean(self, r, 'case X')

Each case of a table is its own test method (add_cases), so a failure names
its case.
"""

import html
import os
import re
import socket
import threading

import harness
from harness import Client, uniq

PW = 'hostile-suite-password-1'
POLICY = 'oconomowoc'

# The roles of DESIGN.md, in its order (the order of enum role).
ROLES = ('agency', 'officer', 'detective', 'supervisor', 'dispatcher', 'dispatch_supervisor',
         'commander', 'bureau_chief', 'watch_commander', 'unit_commander', 'chief', 'admin')

# The attributes each role's account needs.
_ATTRS = {
    'agency': lambda login: {'agency': 'Hostile Agency A ' + login, 'agency_type': 'local'},
    'commander': lambda login: {'district': 'District 1'},
    'bureau_chief': lambda login: {'bureau': 'Patrol Bureau'},
    'unit_commander': lambda login: {'unit': 'swat'},
}

_lock = threading.Lock()
_people = {}        # (port, key) -> login
_clients = {}       # (port, login) -> Client


def stack():
    return harness.get_stack(POLICY)


def person(role, key=None, **attrs):
    """A new account of `role` (on duty), kept for the run under `key`
    (default: the role). Returns its login."""
    s = stack()
    key = key or role
    with _lock:
        login = _people.get((s.port, key))
    if login is not None:
        return login
    login = uniq('hx' + role.replace('_', '')[:6])
    a = _ATTRS[role](login) if role in _ATTRS else {}
    a.update(attrs)
    a.setdefault('email', login + '@hostile.example.org')
    s.add_user(login, role, 'Hostile %s %s' % (role.replace('_', ' '), login), PW, **a)
    with _lock:
        _people[(s.port, key)] = login
    return login


def people():
    """One account per role: role -> login."""
    return {role: person(role) for role in ROLES}


def signed(login, fresh=False, alive=False):
    """A signed-in client of `login`, kept for the run unless fresh; alive:
    signed in again if an earlier case ended the kept session."""
    s = stack()
    key = (s.port, login)
    if not fresh and key in _clients:
        if not alive or _clients[key].get('/').status == 200:
            return _clients[key]
    c = Client(s)
    c.login(login, PW)
    if not fresh:
        _clients[key] = c
    return c


def account_id(login):
    return int(db().scalar("SELECT id FROM account WHERE login = %s" % lit(login)))


def agency_of(login):
    return db().scalar("SELECT agency FROM account WHERE login = %s" % lit(login))


# An SQL string literal (for the test's own, known values).
lit = harness.sql_literal


# ---------------------------------------------------------------- database

def db():
    """The database as the owner: the stack itself (harness.Stack.psql and
    .scalar, over its kept connection)."""
    return stack()


# What a request that "stored nothing" leaves unchanged: every row of the
# tables a request can write, except what the notifier changes on its own
# (e-mail delivery columns) and sign-in bookkeeping (login_throttle).
_SNAPSHOT_SQL = """
SELECT
 (SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r.id)), '') FROM request r),
 (SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws(',', n.id, n.request_id,
     n.recipient_id, n.recipient_role, n.acknowledged_at, n.acknowledged_by), '|' ORDER BY n.id)), '')
   FROM notification n),
 (SELECT count(*) FROM audit_event),
 (SELECT count(*) || ':' || coalesce(md5(string_agg(d::text, '|' ORDER BY d.id)), '') FROM deployment d),
 (SELECT count(*) FROM checkin),
 (SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws(',', a.id, a.login, a.role, a.full_name,
     a.email, a.agency, a.agency_type, a.bureau, a.district, a.unit, a.on_duty, a.duty_until, a.disabled,
     a.password_hash), '|' ORDER BY a.id)), '') FROM account a),
 (SELECT count(*) FROM policy_exception),
 (SELECT count(*) FROM session)
"""
_SNAPSHOT_NAMES = ('request', 'notification', 'audit_event', 'deployment', 'checkin', 'account',
                   'policy_exception', 'session')


def tidy(notifications=(), deployments=()):
    """After a module: the notifications it put in place by SQL are
    acknowledged (they are never deleted: sql/007; one kept for a role would
    show in every holder's inbox) and its deployments have returned (none
    stays active or becomes overdue on the stack the other modules share)."""
    d = db()
    ids = ','.join(str(int(i)) for i in notifications if i)
    if ids:
        d.psql('UPDATE notification n SET acknowledged_at = now(), acknowledged_by ='
                ' coalesce(n.recipient_id, (SELECT a.id FROM account a WHERE a.role = n.recipient_role'
                ' ORDER BY a.id LIMIT 1)) WHERE n.id IN (%s) AND n.acknowledged_at IS NULL' % ids)
    ids = ','.join(str(int(i)) for i in deployments if i)
    if ids:
        d.psql("UPDATE deployment SET status = 'returned' WHERE id IN (%s)" % ids)


def snapshot():
    """The state of every table a request may change, as a dict."""
    row = db().psql(_SNAPSHOT_SQL)[0]
    return dict(zip(_SNAPSHOT_NAMES, row))


def assert_unchanged(tc, before, case, ignore=()):
    after = snapshot()
    changed = [k for k in _SNAPSHOT_NAMES if k not in ignore and before[k] != after[k]]
    tc.assertFalse(changed, '%s: the database changed (%s) although nothing may be stored'
                   % (case, ', '.join(changed)))


# ---------------------------------------------------------------- leaks

# Internal details no answer may show: database errors, stack traces,
# sanitizer reports, source locations, file system paths, versions, secrets.
_LEAKS = [re.compile(p) for p in (
    r'ERROR:\s', r'SQLSTATE', r'(?i)syntax error at', r'violates [a-z ]*constraint',
    r'duplicate key', r'relation "', r'\bpg_[a-z_]+\b', r'(?i)libpq', r'PQ[a-z]+\(',
    r'(?i)postgresql', r'Traceback \(most recent', r'AddressSanitizer', r'runtime error:',
    r'(?i)segmentation fault', r'\b[a-z_]+\.c:\d+', r'nginx/\d', r'portal_owner', r'portal_app',
    r'password_hash', r'\$argon2', r'(?i)fastcgi', r'(?i)ctemplate',
)]


def assert_clean(tc, r, case, foreign=()):
    """No internal detail in the answer (body and headers), and none of the
    `foreign` strings (another person's data)."""
    roots = [harness.ROOT, stack().var]
    for rx in _LEAKS:
        m = rx.search(r.body)
        tc.assertIsNone(m, '%s: the answer leaks %r: ...%s...' % (
            case, m and m.group(0), m and r.body[max(0, m.start() - 80):m.end() + 80]))
    for root in roots:
        tc.assertNotIn(root, r.body, '%s: the answer shows a file system path' % case)
    server = r.header('Server') or ''
    tc.assertNotRegex(server, r'\d', '%s: Server header shows a version: %r' % (case, server))
    for h in ('X-Powered-By', 'X-Debug', 'X-Runtime'):
        tc.assertIsNone(r.header(h), '%s: %s header sent' % (case, h))
    for f in foreign:
        tc.assertNotIn(f, r.body, '%s: the answer shows another person\'s data (%r)' % (case, f))


OWN_SCRIPT = '<script src="/static/draft.js" defer></script>'


def assert_not_reflected(tc, r, value, case):
    """A refused value with markup is never shown unescaped."""
    if not isinstance(value, str) or not re.search(r'[<>"]', value):
        return
    # The layout's own script element (static/draft.js) is the page's, not
    # a reflection: it is left out, and only it.
    body = r.body.replace(OWN_SCRIPT, '', 1)
    for part in re.findall(r'<[^<>]{0,40}>?|"[^"]{0,20}', value)[:5]:
        if '<' in part:
            tc.assertNotIn(part, body, '%s: the refused value is shown unescaped (%r)'
                           % (case, part))


def assert_error_page(tc, r, status, case, json=False):
    """One exact status, a full page (or JSON) in words, no leaks."""
    tc.assertEqual(r.status, status, '%s: %s' % (case, r.describe(300)))
    if json:
        tc.assertEqual(r.content_type, 'application/json', '%s: %s' % (case, r.describe(200)))
        body = r.json()
        tc.assertTrue(str(body.get('error', '')).strip(), '%s: JSON error without words' % case)
    else:
        tc.assertEqual(r.content_type, 'text/html', '%s: %s' % (case, r.describe(200)))
        tc.assertIn('<html', r.body.lower(), '%s: not a full page' % case)
    assert_clean(tc, r, case)


def text_of(body):
    return html.unescape(re.sub(r'<[^>]+>', ' ', body))


# ---------------------------------------------------------------- raw HTTP

class Raw:
    """An HTTP response read off a socket: status (None when the server
    closed without answering), headers (lower-case names; lists), body."""

    def __init__(self, data):
        self.data = data
        self.status = None
        self.headers = {}
        self.body = ''
        head, sep, body = data.partition(b'\r\n\r\n')
        lines = head.split(b'\r\n')
        m = re.match(rb'HTTP/1\.[01] (\d{3})', lines[0]) if lines and lines[0] else None
        if m:
            self.status = int(m.group(1))
            for line in lines[1:]:
                k, _, v = line.partition(b':')
                self.headers.setdefault(k.strip().lower().decode('latin-1'), []).append(
                    v.strip().decode('latin-1'))
        self.body = body.decode('utf-8', 'replace')
        self.raw = body

    def header(self, name, default=None):
        v = self.headers.get(name.lower())
        return v[0] if v else default

    @property
    def content_type(self):
        return (self.header('Content-Type') or '').split(';')[0].strip().lower()

    @property
    def location(self):
        return self.header('Location')

    def describe(self, n=300):
        return '%r' % self.data[:n]


def _complete(out):
    """Whether `out` holds a whole response with a Content-Length (nginx
    may keep the connection open a while after an early answer)."""
    head, sep, body = out.partition(b'\r\n\r\n')
    if not sep:
        return False
    m = re.search(rb'\r\ncontent-length:\s*(\d+)', head, re.I)
    return m is not None and len(body) >= int(m.group(1))


def raw(data, timeout=10, port=None, half_close=False):
    """Sends bytes as they are and reads the answer until the server closes.
    Half-closes only when asked (nginx takes that for a client that went
    away, and answers nothing)."""
    port = port or stack().port
    if isinstance(data, str):
        data = data.encode('latin-1')
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    out = b''
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass        # answered (and closed) before reading it all
        if half_close:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        while not _complete(out):
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    return Raw(out)


def host_header():
    return 'Host: 127.0.0.1:%d\r\n' % stack().port


# ---------------------------------------------------------------- tables of cases

def add_cases(cls, prefix, cases, run):
    """Adds one test method per case: test_<prefix>_<name> calling
    run(self, name, spec). `cases` is a list of (name, spec)."""
    for name, spec in cases:
        meth = 'test_%s_%s' % (prefix, re.sub(r'[^0-9A-Za-z]+', '_', name).strip('_'))

        def test(self, name=name, spec=spec):
            run(self, name, spec)
        test.__name__ = meth
        test.__qualname__ = '%s.%s' % (cls.__name__, meth)
        if hasattr(cls, meth):
            raise ValueError('two cases named %s' % meth)
        setattr(cls, meth, test)
    return cls
