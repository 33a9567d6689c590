"""Integration test harness: a real stack (PostgreSQL, portal, notifier,
nginx) per policy, an HTTP client with a cookie jar, and helpers.

Python 3 standard library only.

    stack = harness.get_stack('oconomowoc')   # shared, started once
    stack.add_user('ag1', 'agency', 'Agency One', 'correct horse battery', agency='Delafield PD')
    c = harness.Client(stack); c.login('ag1', 'correct horse battery')
    r = c.post('/requests', [('kind', 'aid_incoming'), ('csrf', c.csrf), ...])

Every stack started here is stopped (`scripts/stack.sh stop`) at the end,
whatever happens: by `stop_all()` (run.py calls it in a finally), by atexit,
and on SIGTERM/SIGHUP (turned into SystemExit so finally blocks run).
"""

import atexit
import base64
import glob
import hashlib
import hmac
import html
import http.client
import json as jsonlib
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

import pgwire

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'tests', 'out', 'integration')
IS_ROOT = hasattr(os, 'geteuid') and os.geteuid() == 0

START_TIMEOUT = float(os.environ.get('PORTAL_TEST_START_TIMEOUT', '120'))
HTTP_TIMEOUT = float(os.environ.get('PORTAL_TEST_HTTP_TIMEOUT', '30'))


def log(*args):
    print('[harness]', *args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- unique names

_uniq_lock = threading.Lock()
_uniq_counter = [0]
_RUN_TAG = secrets.token_hex(3)


def uniq(prefix='u'):
    """A login-safe unique name: [a-z0-9][a-z0-9._-]{1,31}."""
    with _uniq_lock:
        _uniq_counter[0] += 1
        n = _uniq_counter[0]
    return ('%s-%s-%d' % (prefix, _RUN_TAG, n)).lower()[:32]


# ---------------------------------------------------------------- the stack

_stacks = {}            # key -> Stack
_stacks_lock = threading.Lock()
_failed = {}             # key -> why it did not start


def _free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
    finally:
        s.close()


def sql_literal(v):
    """A string (or None) as an SQL literal (standard_conforming_strings)."""
    return 'NULL' if v is None else "'%s'" % str(v).replace("'", "''")


def _psql_bin():
    """The cluster's own psql, not Debian's wrapper (a Perl script)."""
    return os.path.join(_pgbin(), 'psql')


def _pgbin():
    dirs = glob.glob('/usr/lib/postgresql/*/bin')

    def ver(d):
        try:
            return float(d.split('/')[-2])
        except ValueError:
            return 0.0
    dirs.sort(key=ver)
    if not dirs:
        raise RuntimeError('no PostgreSQL found under /usr/lib/postgresql/*/bin')
    return dirs[-1]


# What scripts/stack.sh adds with PORTAL_PG_NOSYNC=1, for the clusters the
# tests start themselves.
NOSYNC_OPTS = ' -c fsync=off -c full_page_writes=off'


# portalctl runs of this process: "portalctl COMMAND" -> (count, seconds),
# printed by run.py at the end (where the suite's time goes).
CTL_STATS = {}


class StackError(Exception):
    pass


class Stack:
    """One running instance: its own PORTAL_VAR and port."""

    def __init__(self, policy='oconomowoc', name=None, smtp_url=None, start=True, policy_file=None):
        """policy: a preset's name (policies/NAME.policy); policy_file: a
        policy file of the department's own instead (PORTAL_POLICY names it
        by its absolute path), `policy` then being only the stack's name."""
        self.policy = policy
        self.policy_file = os.path.abspath(policy_file) if policy_file else None
        self.name = name or policy
        self.build = os.environ.get('PORTAL_BUILD', 'build')
        if not os.path.isabs(self.build):
            self.build = os.path.join(ROOT, self.build)
        os.makedirs(OUT, exist_ok=True)
        self.var = os.path.join(OUT, '%s-%s' % (self.name, secrets.token_hex(4)))
        os.makedirs(self.var)
        self.port = _free_port()
        self.smtp_url = smtp_url if smtp_url is not None else os.environ.get('PORTAL_SMTP_URL')
        self.base = 'http://127.0.0.1:%d' % self.port
        self.started = False
        self.stopped = False
        self._psql_via_runuser = None      # None: over pgwire (see psql)
        self._wire = None
        self._lock = threading.Lock()
        self.totp_secrets = {}          # login -> base32 secret (add_user totp=...)
        self._password_hashes = {}      # password -> portalctl's hash of it (add_user)
        self.totp_last_step = {}        # login -> the last RFC 6238 step signed in with
        if start:
            self.start()

    # -- environment and processes

    def env(self):
        e = dict(os.environ)
        e.pop('PORTAL_DSN', None)          # always our own local cluster
        e.pop('PORTAL_DB_DSN', None)
        e.pop('PORTAL_NOTIFIER_DSN', None)
        e['PORTAL_VAR'] = self.var
        e['PORTAL_PORT'] = str(self.port)
        e['PORTAL_POLICY'] = self.policy_file or self.policy
        e['PORTAL_BUILD'] = self.build
        # No fsync in a test cluster (scripts/stack.sh): what the fault
        # tests kill is PostgreSQL, never the machine.
        e['PORTAL_PG_NOSYNC'] = '1'
        if self.smtp_url:
            e['PORTAL_SMTP_URL'] = self.smtp_url
        else:
            e.pop('PORTAL_SMTP_URL', None)
        return e

    @property
    def stack_log(self):
        # Beside PORTAL_VAR, not in it: stack.sh refuses a non-empty PORTAL_VAR
        # that does not look like an instance.
        return self.var + '.stack.log'

    def _stack_sh(self, action, timeout):
        with open(self.stack_log, 'ab') as logf:
            logf.write(('\n=== scripts/stack.sh %s (%s)\n' % (action, time.ctime())).encode())
            logf.flush()
            p = subprocess.Popen(['bash', os.path.join(ROOT, 'scripts', 'stack.sh'), action],
                                 cwd=ROOT, env=self.env(), stdin=subprocess.DEVNULL,
                                 stdout=logf, stderr=subprocess.STDOUT)
            try:
                return p.wait(timeout=timeout)
            except BaseException:
                # Interrupted (signal, Ctrl-C) or too slow: never kill the
                # script half-way (its children would outlive it); ask it to
                # stop, let it finish, and let the caller run `stop`.
                try:
                    if p.poll() is None:
                        p.send_signal(signal.SIGTERM)
                    p.wait(timeout=60)
                except BaseException:
                    if p.poll() is None:
                        p.kill()
                        p.wait()
                raise

    def _tail_log(self, n=40):
        try:
            with open(self.stack_log, 'rb') as f:
                lines = f.read().decode('utf-8', 'replace').splitlines()
            return '\n'.join(lines[-n:])
        except OSError:
            return ''

    def start(self):
        _register(self)
        log('starting stack %s: PORTAL_VAR=%s PORTAL_PORT=%d PORTAL_POLICY=%s'
            % (self.name, self.var, self.port, self.policy_file or self.policy))
        t0 = time.monotonic()
        self.started = True          # from here on, stop() must run
        try:
            rc = self._stack_sh('start', START_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise StackError('scripts/stack.sh start did not return within %.0f s; log %s:\n%s'
                             % (START_TIMEOUT, self.stack_log, self._tail_log()))
        if rc != 0:
            raise StackError('scripts/stack.sh start exited %d; log %s:\n%s'
                             % (rc, self.stack_log, self._tail_log()))
        # make start returns once /healthz answers 200; check anyway.
        deadline = time.monotonic() + 30
        while True:
            try:
                r = Client(self).get('/healthz')
                if r.status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise StackError('stack started but GET /healthz never answered 200; log %s:\n%s'
                                 % (self.stack_log, self._tail_log()))
            time.sleep(0.2)
        # Every test client signs in from 127.0.0.1: the per-address rate of
        # sign-in attempts (sql/008) is raised for test stacks; the tests of
        # that limit lower it themselves.
        self.psql("UPDATE setting SET value = '100000' WHERE name = 'login_attempts_per_minute'")
        # A second factor is required of department and federal accounts
        # (sql/016); test stacks make it optional, so that an account made
        # without --totp-secret signs in with its password alone. The tests
        # of the second factor (test_accounts) require it again.
        self.psql("UPDATE setting SET value = '0' WHERE name IN "
                  "('second_factor_department', 'second_factor_federal')")
        log('stack %s up in %.1f s at %s' % (self.name, time.monotonic() - t0, self.base))

    def stop(self):
        with self._lock:
            if not self.started or self.stopped:
                return
            self.stopped = True
        log('stopping stack %s' % self.name)
        if self._wire is not None:
            self._wire.close()
            self._wire = None
        try:
            rc = self._stack_sh('stop', 60)
            if rc != 0:
                log('scripts/stack.sh stop exited %d (log %s)' % (rc, self.stack_log))
        except BaseException as e:        # never let cleanup raise
            log('scripts/stack.sh stop failed: %r' % (e,))
        # Belt and braces: no PostgreSQL of ours may outlive the run.
        if os.path.exists(os.path.join(self.var, 'pgdata', 'postmaster.pid')):
            log('PostgreSQL of %s still running after stop; pg_ctl stop -m immediate' % self.name)
            try:
                self._pg_ctl('stop', '-m', 'immediate', '-w')
            except BaseException as e:
                log('pg_ctl stop failed: %r' % (e,))

    def remove(self):
        shutil.rmtree(self.var, ignore_errors=True)
        try:
            os.unlink(self.stack_log)
        except OSError:
            pass

    # -- running things as the right OS user

    def _as_portal(self, argv):
        if IS_ROOT:
            return ['runuser', '-u', 'portal', '--'] + argv
        return argv

    # -- portalctl

    def ctl(self, *args, stdin=None, timeout=60):
        """Run $PORTAL_BUILD/portalctl ARGS; return (rc, stdout, stderr)."""
        exe = os.path.join(self.build, 'portalctl')
        if isinstance(stdin, str):
            stdin = stdin.encode()
        t0 = time.monotonic()
        p = subprocess.run([exe] + [str(a) for a in args], cwd=ROOT, env=self.env(),
                           input=stdin if stdin is not None else b'',
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        with _stacks_lock:
            key = 'portalctl ' + str(args[0]) + (' ' + str(args[1]) if args[0] == 'user' else '')
            n, took = CTL_STATS.get(key, (0, 0.0))
            CTL_STATS[key] = (n + 1, took + time.monotonic() - t0)
        return (p.returncode, p.stdout.decode('utf-8', 'replace'),
                p.stderr.decode('utf-8', 'replace'))

    def add_user(self, login, role, name, password, totp=None, **attrs):
        """totp: a base32 secret, True for one portalctl makes, False for
        none (--no-totp), None for portalctl's choice (one when the account
        must have one); the Client's login() answers the second step with
        the code of any secret set.

        A password's first account is made by portalctl; the others with
        the same password, when they get no second factor, are inserted as
        the owner with that first account's hash (see _insert_account)."""
        unknown = set(attrs) - {'email', 'agency', 'agency_type', 'bureau', 'district', 'unit'}
        if unknown:
            raise TypeError('unknown user attributes: %s' % ', '.join(sorted(unknown)))
        if totp in (None, False) and self._insert_account(login, role, name, password, totp, attrs):
            return login
        args = ['user', 'add', login, '--role', role, '--name', name]
        if totp is False:
            args += ['--no-totp']
        elif totp is not None:
            args += ['--totp-secret', 'new' if totp is True else totp]
        for key in ('email', 'agency', 'agency_type', 'bureau', 'district', 'unit'):
            if attrs.get(key) is not None:
                args += ['--' + key.replace('_', '-'), attrs[key]]
        rc, out, err = self.ctl(*args, stdin=password + '\n')
        assert rc == 0, ('portalctl %s -> exit %d\nstdout: %s\nstderr: %s'
                         % (' '.join(args), rc, out, err))
        made = re.search(r'^totp-secret ([A-Z2-7]+)$', out, re.M)
        if made or isinstance(totp, str):
            self.totp_secrets[login] = made.group(1) if made else totp
        if password not in self._password_hashes:
            self._password_hashes[password] = self.scalar(
                'SELECT password_hash FROM account WHERE login = %s' % sql_literal(login))
        return login

    def _insert_account(self, login, role, name, password, totp, attrs):
        """The account inserted as the owner with the Argon2id hash portalctl
        made for an earlier account with the same password: a test's cast
        costs no hash each (a third of an integration run's CPU went to
        them). Only for what portalctl would make the same way: a password
        it has accepted, and no second factor (totp False, or None and
        second_factor_required says none is needed; otherwise the insert
        is rolled back). False when the caller should ask portalctl."""
        hashed = self._password_hashes.get(password)
        if hashed is None:
            return False
        cols = dict(attrs, login=login, role=role, full_name=name, password_hash=hashed)
        names = sorted(k for k, v in cols.items() if v is not None)
        check = '' if totp is False else (
            "IF second_factor_required((SELECT id FROM account WHERE login = %s)) THEN "
            "RAISE EXCEPTION 'portalctl would make this account a second factor'; END IF; "
            % sql_literal(login))
        try:
            self.psql('DO $portal_test$ BEGIN INSERT INTO account (%s) VALUES (%s); %sEND $portal_test$'
                      % (', '.join(names), ', '.join(sql_literal(cols[k]) for k in names), check))
        except AssertionError:
            return False
        return True

    def totp_code(self, login, step=None):
        """The RFC 6238 code of `login` for `step` (default: the first step
        not yet used by a sign-in of this stack's clients, waiting for it
        when it is ahead of the clock's window)."""
        if step is None:
            now = int(time.time()) // 30
            step = max(now, self.totp_last_step.get(login, -1) + 1)
            while step > int(time.time()) // 30 + 1:
                time.sleep(1)
            self.totp_last_step[login] = step
        return totp(self.totp_secrets[login], step)

    def duty(self, login, on):
        state = on if isinstance(on, str) else ('on' if on else 'off')
        rc, out, err = self.ctl('user', 'duty', login, state)
        assert rc == 0, 'portalctl user duty %s %s -> exit %d: %s' % (login, state, rc, err)

    # -- SQL as the database owner

    def _psql_argv(self, sql):
        dsn = 'host=%s dbname=portal user=portal_owner' % os.path.join(self.var, 'run')
        return [_psql_bin(), dsn, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-F', '\t', '-c', sql]

    def psql(self, sql):
        """Run SQL as the owner, as `psql -c` would (one transaction); return
        a list of rows (lists of strings; NULL is ''). Over one connection
        kept per stack (pgwire.py); psql itself only when that cannot
        connect (peer authentication refusing this OS user)."""
        if self._psql_via_runuser is None:
            if self._wire is None:
                self._wire = pgwire.Session(os.path.join(self.var, 'run'), 'portal_owner')
            try:
                return pgwire.psql_lines(self._wire.query(sql))
            except pgwire.PgError as e:
                if e.fields.get('S') != 'FATAL':
                    raise AssertionError('psql failed (exit 1): %s\nSQL: %s' % (e.psql_text(), sql))
                self._wire = None
                self._psql_via_runuser = False
                if IS_ROOT:
                    self._psql_via_runuser = None
                    return self._psql_process(sql, [False, True])
        return self._psql_process(sql, [bool(self._psql_via_runuser)])

    def _psql_process(self, sql, attempts):
        argv = self._psql_argv(sql)
        last = None
        for via in attempts:
            full = self._as_portal(argv) if via else argv
            p = subprocess.run(full, cwd='/', stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
            err = p.stderr.decode('utf-8', 'replace')
            if p.returncode == 0:
                self._psql_via_runuser = via
                out = p.stdout.decode('utf-8')
                return [line.split('\t') for line in out.splitlines()]
            last = (p.returncode, err)
            # Only a connection/authentication problem justifies the other way.
            if 'connection to server' not in err and 'authentication' not in err \
                    and 'role "root"' not in err and 'Peer' not in err:
                break
        raise AssertionError('psql failed (exit %d): %s\nSQL: %s' % (last[0], last[1].strip(), sql))

    def psql_filed(self, sql):
        """Runs SQL that changes what a request keeps as filed (e.g. moves
        created_at back for the date filters and the follow-up timers), as
        the owner, with the trigger request_filed_immutable (sql/007) off for
        that one transaction only."""
        return self.psql('BEGIN; ALTER TABLE request DISABLE TRIGGER request_filed_immutable; '
                         '%s; ALTER TABLE request ENABLE TRIGGER request_filed_immutable; COMMIT;'
                         % sql.rstrip().rstrip(';'))

    def scalar(self, sql):
        rows = self.psql(sql)
        return rows[0][0] if rows and rows[0] else None

    def count(self, table, where=None):
        sql = 'SELECT count(*) FROM %s' % table
        if where:
            sql += ' WHERE ' + where
        return int(self.scalar(sql))

    # -- PostgreSQL alone

    def _pg_ctl(self, *args, timeout=60):
        argv = [os.path.join(_pgbin(), 'pg_ctl'), '-D', os.path.join(self.var, 'pgdata')] + list(args)
        p = subprocess.run(self._as_portal(argv), cwd='/', stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        assert p.returncode == 0, 'pg_ctl %s -> exit %d: %s %s' % (
            ' '.join(args), p.returncode, p.stdout.decode(errors='replace'),
            p.stderr.decode(errors='replace'))

    def pg_stop(self):
        self._pg_ctl('stop', '-m', 'fast', '-w')

    def pg_start(self):
        opts = ("-c listen_addresses='' -c unix_socket_directories='%s' "
                "-c unix_socket_permissions=0700" % os.path.join(self.var, 'run')) + NOSYNC_OPTS
        self._pg_ctl('start', '-o', opts, '-l', os.path.join(self.var, 'log', 'postgres.log'),
                     '-w', '-t', '60')


def _register(stack):
    with _stacks_lock:
        _stacks.setdefault(('__all__', id(stack)), stack)


def get_stack(policy='oconomowoc', name=None, policy_file=None):
    """The shared stack for this policy (and name), started on first use;
    policy_file: a policy file instead of the preset (see Stack)."""
    key = (policy, name or policy)
    with _stacks_lock:
        if key in _failed:
            raise StackError('stack %s failed to start earlier in this run: %s'
                             % (key[1], _failed[key]))
        s = _stacks.get(key)
        if s is not None and not s.stopped:
            return s
    s = Stack(policy=policy, name=name, start=False, policy_file=policy_file)
    with _stacks_lock:
        _stacks[key] = s
    try:
        s.start()
    except BaseException as e:
        with _stacks_lock:
            _failed[key] = str(e).splitlines()[0] if str(e) else repr(e)
        s.stop()
        raise
    return s


def stop_all(remove=False):
    with _stacks_lock:
        stacks = list({id(s): s for s in _stacks.values()}.values())
        _stacks.clear()
    for s in stacks:
        s.stop()
        if remove and os.environ.get('PORTAL_TEST_KEEP') != '1':
            s.remove()


atexit.register(stop_all)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


for _sig in (signal.SIGTERM, signal.SIGHUP):
    try:
        if threading.current_thread() is threading.main_thread():
            signal.signal(_sig, _on_signal)
    except (ValueError, OSError):
        pass


# ---------------------------------------------------------------- HTTP client

_CSRF_TAG = re.compile(r'<input\b[^>]*\bname\s*=\s*["\']csrf["\'][^>]*>', re.I)
_VALUE_ATTR = re.compile(r'\bvalue\s*=\s*"([^"]*)"|\bvalue\s*=\s*\'([^\']*)\'', re.I)


def totp(secret_b32, step):
    """RFC 6238 (HOTP of RFC 4226 on the 30-second step): 6 digits, SHA-1."""
    key = base64.b32decode(secret_b32 + '=' * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack('>I', mac[off:off + 4])[0] & 0x7FFFFFFF
    return '%06d' % (value % 1000000)


def find_csrf(text):
    m = _CSRF_TAG.search(text or '')
    if not m:
        return None
    v = _VALUE_ATTR.search(m.group(0))
    if not v:
        return None
    return html.unescape(v.group(1) if v.group(1) is not None else v.group(2))


class Response:
    def __init__(self, status, reason, headers, raw):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.raw = raw
        self.body = raw.decode('utf-8', 'replace')

    text = property(lambda self: self.body)

    def header(self, name, default=None):
        return self.headers.get(name, default)

    @property
    def content_type(self):
        return (self.headers.get('Content-Type') or '').split(';')[0].strip().lower()

    @property
    def location(self):
        return self.headers.get('Location')

    @property
    def location_path(self):
        loc = self.location
        return urllib.parse.urlsplit(loc).path if loc else None

    @property
    def set_cookies(self):
        return self.headers.get_all('Set-Cookie') or []

    def cookie_header(self, name):
        for sc in self.set_cookies:
            if sc.split('=', 1)[0].strip() == name:
                return sc
        return None

    def json(self):
        return jsonlib.loads(self.raw.decode('utf-8'))

    def __repr__(self):
        return '<Response %d %s%s>' % (self.status, self.reason,
                                        (' -> ' + self.location) if self.location else '')

    def describe(self, n=600):
        return '%d %s\n%s' % (self.status, self.reason, self.body[:n])


def encode_fields(fields):
    if fields is None:
        return b''
    if isinstance(fields, (bytes, bytearray)):
        return bytes(fields)
    if isinstance(fields, str):
        return fields.encode('utf-8')
    if isinstance(fields, dict):
        pairs = []
        for k, v in fields.items():
            if isinstance(v, (list, tuple)):
                pairs.extend((k, x) for x in v)
            else:
                pairs.append((k, v))
        fields = pairs
    return urllib.parse.urlencode([(k, '' if v is None else str(v)) for k, v in fields]).encode('ascii')


class Client:
    """HTTP client with a cookie jar; never follows redirects."""

    def __init__(self, stack, timeout=HTTP_TIMEOUT, source=None):
        """source: the local address to connect from (e.g. '127.0.0.2': any
        address of 127.0.0.0/8 reaches nginx on 127.0.0.1, which passes it
        to the portal as the client's address)."""
        self.stack = stack
        self.source = source
        self.port = stack.port if hasattr(stack, 'port') else int(stack)
        self.timeout = timeout
        self.cookies = {}
        self._csrf = None
        self.last = None

    # -- cookies

    def _store_cookies(self, resp):
        for sc in resp.set_cookies:
            parts = [p.strip() for p in sc.split(';')]
            if '=' not in parts[0]:
                continue
            name, value = parts[0].split('=', 1)
            name = name.strip()
            delete = value == ''
            for attr in parts[1:]:
                k, _, v = attr.partition('=')
                k = k.strip().lower()
                if k == 'max-age':
                    try:
                        if int(v) <= 0:
                            delete = True
                    except ValueError:
                        pass
                elif k == 'expires':
                    try:
                        from email.utils import parsedate_to_datetime
                        if parsedate_to_datetime(v).timestamp() < time.time():
                            delete = True
                    except (TypeError, ValueError):
                        pass
            if delete:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    @property
    def session_cookie(self):
        return self.cookies.get('portal_session')

    # -- requests

    def request(self, method, path, body=None, headers=None, content_type=None):
        hdrs = {'Host': '127.0.0.1:%d' % self.port, 'Connection': 'close',
                'User-Agent': 'portal-integration-tests'}
        if self.cookies:
            hdrs['Cookie'] = '; '.join('%s=%s' % kv for kv in self.cookies.items())
        if body is not None:
            hdrs['Content-Type'] = content_type or 'application/x-www-form-urlencoded'
            hdrs['Content-Length'] = str(len(body))
        elif method in ('POST', 'PUT', 'PATCH'):
            hdrs['Content-Length'] = '0'
        if headers:
            hdrs.update(headers)
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=self.timeout,
                                          source_address=(self.source, 0) if self.source else None)
        try:
            try:
                conn.request(method, path, body=body, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (e.g. 413) before reading the whole body.
                pass
            r = conn.getresponse()
            raw = r.read()
            resp = Response(r.status, r.reason, r.headers, raw)
        finally:
            conn.close()
        self._store_cookies(resp)
        if resp.content_type == 'text/html' or '<input' in resp.body:
            tok = find_csrf(resp.body)
            if tok:
                self._csrf = tok
        self.last = resp
        return resp

    def get(self, path, headers=None):
        return self.request('GET', path, headers=headers)

    def post(self, path, fields=None, headers=None, content_type=None):
        return self.request('POST', path, body=encode_fields(fields), headers=headers,
                            content_type=content_type)

    @property
    def csrf(self):
        if self._csrf is None:
            self.get('/' if self.session_cookie else '/login')
        return self._csrf

    def refresh_csrf(self):
        self._csrf = None
        return self.csrf

    # -- sign-in

    def try_login(self, login, password):
        r = self.get('/login')
        assert r.status == 200, 'GET /login -> %s' % r.describe()
        tok = find_csrf(r.body)
        assert tok, 'GET /login has no hidden csrf input'
        return self.post('/login', [('login', login), ('password', password), ('csrf', tok)])

    def login(self, login, password):
        r = self.try_login(login, password)
        assert r.status == 303, 'POST /login as %s -> %s' % (login, r.describe())
        if r.location_path == '/login/code' and login in getattr(self.stack, 'totp_secrets', {}):
            page = self.get('/login/code')
            assert page.status == 200, 'GET /login/code -> %s' % page.describe()
            r = self.post('/login/code', [('code', self.stack.totp_code(login)),
                                          ('csrf', find_csrf(page.body))])
            assert r.status == 303, 'POST /login/code as %s -> %s' % (login, r.describe())
        assert self.session_cookie, 'no portal_session cookie after sign-in'
        self._csrf = None
        return r

    def logout(self):
        return self.post('/logout', [('csrf', self.csrf)])


# ---------------------------------------------------------------- test case

import unittest  # noqa: E402


class TestCase(unittest.TestCase):
    """unittest.TestCase whose failure messages do not dump whole pages."""

    maxDiff = 2000
    MAX_STANDARD_MSG = 400

    def _formatMessage(self, msg, standardMsg):
        if len(standardMsg) > self.MAX_STANDARD_MSG:
            standardMsg = standardMsg[:self.MAX_STANDARD_MSG] + '... [%d chars]' % len(standardMsg)
        return super()._formatMessage(msg, standardMsg)


# ---------------------------------------------------------------- request forms

def incoming_fields(**overrides):
    """A valid aid_incoming form (without csrf). Override with name=value;
    name=None drops the field; special_units takes a list."""
    f = {
        'kind': 'aid_incoming',
        'requesting_agency': 'Town of Delafield Police Department',
        'requesting_agency_type': 'local',
        'requester_name': 'Sgt. Dana Example',
        'requester_position': 'Shift Supervisor',
        'contact_phone': '+1 (262) 555-0100',
        'contact_email': 'dana.example@delafield.example.org',
        'channel': 'portal',
        'incident_type': 'major_crime',
        'nature': 'Armed robbery suspect barricaded; perimeter support needed.',
        'emergency': 'yes',
        # Where the aid is (SOP 230.10 C vs D): read only where a rule of the
        # policy in force asks it (milwaukee), ignored elsewhere.
        'within_city': 'no',
        'priority': 'urgent',
        'location': '500 Genesee St',
        'municipality': 'Delafield',
        'county': 'Waukesha',
        'squads': '2',
        'supervisors': '1',
        'personnel': '4',
        'special_units': ['k9', 'negotiator'],
        'equipment': 'Ballistic shields',
        'staging_area': 'Delafield PD rear lot',
        'instructions': 'Report to Lt. Example on channel 3.',
    }
    for k, v in overrides.items():
        if v is None:
            f.pop(k, None)
        else:
            f[k] = v
    pairs = []
    for k, v in f.items():
        if isinstance(v, (list, tuple)):
            pairs.extend((k, x) for x in v)
        else:
            pairs.append((k, v))
    return pairs


_REQ_LOC = re.compile(r'/requests/(\d+)$')


def request_id_from(resp):
    m = _REQ_LOC.search(resp.location_path or '')
    return int(m.group(1)) if m else None


def psql_as_app(stack, sql):
    """Runs SQL as the portal's own database role portal_app (not the owner):
    (rc, stdout, stderr)."""
    return psql_as(stack, 'portal_app', sql)


def psql_command(stack, role, sql):
    """The argv of psql running SQL as database role `role` (for a process
    a test starts and waits for itself); peer authentication maps both the
    stack's user and root to the roles."""
    dsn = 'host=%s dbname=portal user=%s' % (os.path.join(stack.var, 'run'), role)
    return [_psql_bin(), dsn, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql]


def psql_as(stack, role, sql):
    """Runs SQL as database role `role` (portal_app, portal_notifier) over
    a connection of its own, closed after (the notifier's role has a
    connection limit): (rc, stdout, stderr) as `psql -XAtq -c` would give
    them (rc 1 and psql's error text when the database refused)."""
    try:
        rows = pgwire.run_once(os.path.join(stack.var, 'run'), role, sql)
    except pgwire.PgError as e:
        return (1 if e.fields.get('S') != 'FATAL' else 2), '', e.psql_text() + '\n'
    out = ''.join('|'.join(line) + '\n' for line in pgwire.psql_lines(rows, '|'))
    return 0, out, ''
