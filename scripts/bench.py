#!/usr/bin/python3
"""make bench: the portal side by side with references, one run (issue 14, point 5).

    scripts/bench.py [--seconds 10] [--threads 2] [--connections 32]
                     [--filers 16] [--history-rows 100000]
                     [--rss-requests 20000 | --long] [--quick]
                     [--no-write] [--output docs/performance.md] [--build build]

Starts its own stack (scripts/stack.sh, PORTAL_VAR=tests/out/bench/var, a
free port, PORTAL_BUILD=build: -O2, no sanitizers) and stops it at the end
whatever happens. Then, each with requests/s, p50 and p99 (wrk, -t2 -c32,
--seconds each):

  1. the signed-in form page, a request page (as a supervisor) and a history
     filter matching ~2,000 rows, each against a separate nginx serving the
     same bytes from a file;
  2. each of those pages against pgbench running that page's own SQL,
     captured from the portal (log_statement = 'all' while the page is
     fetched, statements and parameters read back from the cluster's log,
     parameters written as literals), -M prepared, as the owner role;
  3. filing (POST /requests by an outside agency, one-time submission keys
     fetched beforehand by GETs of the form) against pgbench running the
     filing's own captured transaction and against pgbench inserting the
     same row alone;
  4. the history page at --history-rows requests (scripts/seed-history.sql),
     one client, p50 and p99 for a few filters;
  5. the RSS of the portal's workers after each run, and over a long run of
     --rss-requests requests (--long: 100,000).

Prints the table with the ratios (portal / reference) and the targets of
issue 14 (met or not: information, never a failure), and writes it to
docs/performance.md (between the markers there) unless --no-write. Figures
depend on the machine and on what else runs on it: the load average is
recorded with them. Exit status 0 when every measurement ran, 1 when the
bench itself failed (a stack that did not start, a capture that found no
SQL, pgbench aborting...).

Python 3 standard library only; needs wrk, pgbench, nginx and psql.
"""

import argparse
import collections
import datetime
import glob
import html
import http.client
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'out', 'bench')
IS_ROOT = os.geteuid() == 0
STACK_USER = 'portal'
PASSWORD = 'bench ' + secrets.token_urlsafe(12)

T0 = time.monotonic()


def log(msg):
    print('[bench %5.1fs] %s' % (time.monotonic() - T0, msg), file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


def free_port():
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
    finally:
        s.close()


def loadavg():
    with open('/proc/loadavg') as f:
        return tuple(float(x) for x in f.read().split()[:3])


def pgbin(name):
    dirs = sorted(glob.glob('/usr/lib/postgresql/*/bin'),
                  key=lambda d: float(d.split('/')[-2]) if d.split('/')[-2].replace('.', '').isdigit() else 0)
    for d in reversed(dirs):
        if os.access(os.path.join(d, name), os.X_OK):
            return os.path.join(d, name)
    found = shutil.which(name)
    if not found:
        raise BenchError('%s not found (package postgresql; make deps)' % name)
    return found


# ---------------------------------------------------------------- CPU

def proc_stat():
    """(steal, total) clock ticks of the whole machine (/proc/stat)."""
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return v[7], sum(v)


def cpu_ticks(roots):
    """CPU ticks used so far by the process trees under the pids in roots
    (the bench's own), and by every other process but the kernel's threads
    (other work); each including the children it reaped (utime, stime,
    cutime, cstime), so that the difference of two snapshots counts the
    processes that ended in between."""
    procs = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % d) as f:
                rest = f.read().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        # rest[0] is field 3 (state): ppid is field 4, utime..cstime 14..17.
        procs[int(d)] = (int(rest[1]), sum(int(x) for x in rest[11:15]))
    children = collections.defaultdict(list)
    for pid, (ppid, _) in procs.items():
        children[ppid].append(pid)
    ours, todo = set(), [r for r in roots if r in procs]
    while todo:
        pid = todo.pop()
        if pid not in ours:
            ours.add(pid)
            todo.extend(children.get(pid, ()))
    mine = sum(procs[p][1] for p in ours)
    other = sum(t for p, (ppid, t) in procs.items() if p not in ours and p != 2 and ppid != 2)
    return mine, other


class CpuMeter:
    """How much of the machine's CPU other work took during a run: the
    processes outside the bench's own trees (this script and what it runs,
    the stack's PostgreSQL, portal and nginx, the static nginx; the kernel's
    threads, which mostly do the bench's I/O, left out), and the time the
    hypervisor gave to other guests (steal)."""

    def __init__(self, roots):
        self.roots = roots
        self.start = (proc_stat(), cpu_ticks(self.roots()))

    def stop(self):
        (s0, t0), (m0, o0) = self.start
        (s1, t1), (m1, o1) = proc_stat(), cpu_ticks(self.roots())
        total = max(1, t1 - t0)
        return {'others': max(0.0, 100.0 * (o1 - o0) / total), 'steal': 100.0 * (s1 - s0) / total,
                'ours': 100.0 * (m1 - m0) / total}


# ---------------------------------------------------------------- the stack

class Stack:
    """The portal's own stack in PORTAL_VAR=tests/out/bench/var."""

    def __init__(self, var, port, build):
        self.var = var
        self.port = port
        self.build = build
        self.run_dir = os.path.join(var, 'run')
        self.started = False
        self.log = os.path.join(OUT, 'stack.log')
        self.via_runuser = None

    def env(self):
        e = dict(os.environ)
        for k in ('PORTAL_DSN', 'PORTAL_SMTP_URL'):
            e.pop(k, None)
        e.update(PORTAL_VAR=self.var, PORTAL_PORT=str(self.port), PORTAL_BUILD=self.build,
                 PORTAL_POLICY=os.environ.get('PORTAL_POLICY', 'oconomowoc'))
        return e

    def _stack_sh(self, action, timeout):
        with open(self.log, 'ab') as f:
            f.write(('\n=== scripts/stack.sh %s (%s)\n' % (action, time.ctime())).encode())
            f.flush()
            p = subprocess.Popen(['bash', os.path.join(ROOT, 'scripts', 'stack.sh'), action],
                                 cwd=ROOT, env=self.env(), stdin=subprocess.DEVNULL,
                                 stdout=f, stderr=subprocess.STDOUT)
            try:
                return p.wait(timeout=timeout)
            except BaseException:
                # Never leave the script half-way: ask it to stop, let it finish.
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
                    try:
                        p.wait(timeout=60)
                    except BaseException:
                        p.kill()
                        p.wait()
                raise

    def start(self):
        self.started = True           # from here on, stop() must run
        rc = self._stack_sh('start', 180)
        if rc != 0:
            with open(self.log, errors='replace') as f:
                tail = ''.join(f.readlines()[-30:])
            raise BenchError('scripts/stack.sh start exited %d (log %s):\n%s' % (rc, self.log, tail))

    def stop(self):
        if not self.started:
            return
        self.started = False
        try:
            rc = self._stack_sh('stop', 120)
            if rc != 0:
                log('scripts/stack.sh stop exited %d (log %s)' % (rc, self.log))
        except BaseException as e:     # cleanup never raises
            log('scripts/stack.sh stop failed: %r' % (e,))
        if os.path.exists(os.path.join(self.var, 'pgdata', 'postmaster.pid')):
            log('PostgreSQL still running after stop; pg_ctl stop -m immediate')
            argv = [pgbin('pg_ctl'), '-D', os.path.join(self.var, 'pgdata'), 'stop', '-m', 'immediate', '-w']
            subprocess.run(self.as_stack_user(argv), cwd='/', stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    @staticmethod
    def as_stack_user(argv):
        return ['runuser', '-u', STACK_USER, '--'] + argv if IS_ROOT else argv

    @property
    def owner_dsn(self):
        return 'host=%s dbname=portal user=portal_owner' % self.run_dir

    def run_as_owner(self, argv, **kw):
        """Runs a libpq client (psql, pgbench) as the database owner over the
        stack's socket: directly, or as OS user `portal` when root is refused."""
        if self.via_runuser is not None:
            tries = [self.via_runuser]
        else:
            tries = [False, True] if IS_ROOT else [False]
        p = None
        for via in tries:
            p = subprocess.run(self.as_stack_user(argv) if via else argv, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
            if p.returncode == 0:
                self.via_runuser = via
                return p
            err = p.stderr.decode('utf-8', 'replace')
            if not any(w in err for w in ('connection to server', 'Peer', 'role "root"', 'authentication')):
                return p
        return p

    def psql(self, sql, timeout=600):
        """Runs SQL as the owner; returns rows (lists of strings)."""
        p = self.run_as_owner(['psql', self.owner_dsn, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-F', '\t',
                               '-c', sql], cwd='/', timeout=timeout)
        if p.returncode != 0:
            raise BenchError('psql failed: %s\nSQL: %s' % (p.stderr.decode(errors='replace').strip(), sql[:300]))
        return [line.split('\t') for line in p.stdout.decode('utf-8').splitlines()]

    def scalar(self, sql):
        rows = self.psql(sql)
        return rows[0][0] if rows and rows[0] else None

    def psql_file(self, path, variables, timeout=1800):
        argv = ['psql', self.owner_dsn, '-X', '-q', '-v', 'ON_ERROR_STOP=1']
        for k, v in variables.items():
            argv += ['-v', '%s=%s' % (k, v)]
        p = self.run_as_owner(argv + ['-f', path], cwd=ROOT, timeout=timeout)
        if p.returncode != 0:
            raise BenchError('psql -f %s failed: %s' % (path, p.stderr.decode(errors='replace').strip()))

    def ctl(self, args, stdin=''):
        p = subprocess.run([os.path.join(self.build, 'portalctl')] + args, cwd=ROOT, env=self.env(),
                           input=stdin.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if p.returncode != 0:
            raise BenchError('portalctl %s -> exit %d: %s' % (' '.join(args), p.returncode,
                                                                p.stderr.decode(errors='replace').strip()))
        return p.stdout.decode()

    def pids(self):
        """The stack's own process trees: PostgreSQL, the portal, nginx."""
        out = []
        for f in (os.path.join(self.var, 'pgdata', 'postmaster.pid'), os.path.join(self.run_dir, 'portal.pid'),
                  os.path.join(self.run_dir, 'nginx.pid')):
            try:
                with open(f) as fh:
                    out.append(int(fh.readline().strip()))
            except (OSError, ValueError):
                pass
        return out

    def master_pid(self):
        try:
            with open(os.path.join(self.run_dir, 'portal.pid')) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def workers(self):
        """{pid: VmRSS in kB} of the portal master's worker processes."""
        master = self.master_pid()
        out = {}
        if master is None:
            return out
        for d in os.listdir('/proc'):
            if not d.isdigit():
                continue
            try:
                with open('/proc/%s/stat' % d) as f:
                    stat = f.read()
                ppid = int(stat.rsplit(')', 1)[1].split()[1])
                if ppid != master or os.path.basename(os.readlink('/proc/%s/exe' % d)).split(' ')[0] != 'portal':
                    continue
                with open('/proc/%s/status' % d) as f:
                    for line in f:
                        if line.startswith('VmRSS:'):
                            out[int(d)] = int(line.split()[1])
            except (OSError, ValueError, IndexError):
                continue
        return out

    def log_size(self, name):
        try:
            return os.path.getsize(os.path.join(self.var, 'log', name))
        except OSError:
            return 0

    def read_log(self, name, start, end=None):
        with open(os.path.join(self.var, 'log', name), 'rb') as f:
            f.seek(start)
            data = f.read() if end is None else f.read(end - start)
        return data.decode('utf-8', 'replace')


class StaticServer:
    """A separate small nginx serving the pages' bytes from files."""

    def __init__(self, pages, port):
        self.dir = os.path.join(OUT, 'static')
        self.port = port
        self.proc = None
        os.makedirs(os.path.join(self.dir, 'pages'), exist_ok=True)
        os.makedirs(os.path.join(self.dir, 'tmp'), exist_ok=True)
        for name, body in pages.items():
            path = os.path.join(self.dir, 'pages', name + '.html')
            with open(path, 'wb') as f:
                f.write(body)
            os.chmod(path, 0o644)
        for d in (OUT, self.dir, os.path.join(self.dir, 'pages')):
            os.chmod(d, 0o755)

    def conf(self):
        d = self.dir
        # The same shape as nginx/portal.conf.in: two workers, keep-alive,
        # an access log, the same security headers on every response.
        return '''worker_processes 2;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
events { worker_connections 1024; }
http {
    types { text/html html; }
    default_type application/octet-stream;
    charset utf-8;
    server_tokens off;
    sendfile on;
    keepalive_timeout 30s;
    access_log %(d)s/access.log;
    client_body_temp_path %(d)s/tmp/client_body;
    proxy_temp_path %(d)s/tmp/proxy;
    fastcgi_temp_path %(d)s/tmp/fastcgi;
    uwsgi_temp_path %(d)s/tmp/uwsgi;
    scgi_temp_path %(d)s/tmp/scgi;
    server {
        listen 127.0.0.1:%(port)d;
        add_header Content-Security-Policy "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'" always;
        add_header X-Content-Type-Options "nosniff" always;
        add_header X-Frame-Options "DENY" always;
        add_header Referrer-Policy "same-origin" always;
        add_header Permissions-Policy "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" always;
        add_header Cross-Origin-Opener-Policy "same-origin" always;
        location / { root %(d)s/pages; }
    }
}
''' % {'d': d, 'port': self.port}

    def start(self):
        conf = os.path.join(self.dir, 'nginx.conf')
        with open(conf, 'w') as f:
            f.write(self.conf())
        nginx = shutil.which('nginx') or '/usr/sbin/nginx'
        self.proc = subprocess.Popen([nginx, '-p', self.dir + '/', '-c', conf, '-e', os.path.join(self.dir, 'error.log'),
                                      '-g', 'daemon off;'], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError('static nginx exited: %s' % self.proc.stderr.read().decode(errors='replace'))
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise BenchError('static nginx did not listen on port %d' % self.port)

    def stop(self):
        p, self.proc = self.proc, None
        if p is None or p.poll() is not None:
            return
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                p.kill()
            p.wait()


# ---------------------------------------------------------------- HTTP

class Client:
    """A small HTTP client with a cookie jar (never follows redirects)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None):
        hdrs = {'Host': '127.0.0.1:%d' % self.port, 'User-Agent': 'portal-bench'}
        if self.cookies:
            hdrs['Cookie'] = self.cookie_header()
        if body is not None:
            hdrs['Content-Type'] = 'application/x-www-form-urlencoded'
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            raw = r.read()
        finally:
            conn.close()
        for sc in r.headers.get_all('Set-Cookie') or []:
            name, _, rest = sc.partition('=')
            value = rest.split(';')[0]
            if value == '' or 'max-age=0' in sc.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        text = raw.decode('utf-8', 'replace')
        m = re.search(r'name="csrf" value="([^"]*)"', text)
        if m:
            self.csrf = html.unescape(m.group(1))
        return r.status, r.headers, raw

    def get(self, path):
        return self.request('GET', path)

    def post(self, path, fields):
        return self.request('POST', path, urllib.parse.urlencode(fields).encode())

    def cookie_header(self):
        return '; '.join('%s=%s' % kv for kv in self.cookies.items())

    def login(self, login, password):
        self.get('/login')
        status, hdrs, body = self.post('/login', [('login', login), ('password', password), ('csrf', self.csrf or '')])
        if status != 303 or 'portal_session' not in self.cookies:
            raise BenchError('sign-in as %s failed: HTTP %d %s' % (login, status, body[:300]))
        self.csrf = None
        self.get('/')


def must_get(client, path):
    status, hdrs, body = client.get(path)
    if status != 200:
        raise BenchError('GET %s -> HTTP %d: %s' % (path, status, body[:300]))
    return body


# The aid_incoming form an outside agency files (the fields of
# tests/integration/harness.py incoming_fields), without csrf and key.
def filing_fields():
    return [('kind', 'aid_incoming'), ('requesting_agency_type', 'local'),
            ('requester_name', 'Sgt. Dana Example'), ('requester_position', 'Shift Supervisor'),
            ('contact_phone', '+1 (262) 555-0100'), ('contact_email', 'dana.example@delafield.example.org'),
            ('channel', 'portal'), ('incident_type', 'major_crime'),
            ('nature', 'Armed robbery suspect barricaded; perimeter support needed.'),
            ('emergency', 'yes'), ('priority', 'urgent'), ('location', '500 Genesee St'),
            ('municipality', 'Delafield'), ('county', 'Waukesha'), ('squads', '2'), ('supervisors', '1'),
            ('personnel', '4'), ('special_units', 'k9'), ('special_units', 'negotiator'),
            ('equipment', 'Ballistic shields'), ('staging_area', 'Delafield PD rear lot'),
            ('instructions', 'Report to Lt. Example on channel 3.')]


SUBMISSION_RE = re.compile(r'name="submission" value="([^"]*)"')


# ---------------------------------------------------------------- wrk

LUA_REPORT = r'''
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads - 1)
end
function done(summary, latency, requests)
  local sums = {ok = 0, other = 0, exhausted = 0, got = 0}
  local codes = {}
  for _, t in ipairs(threads) do
    for k, _ in pairs(sums) do sums[k] = sums[k] + (t:get(k) or 0) end
    local c = t:get("codes")
    if type(c) == "table" then
      for k, v in pairs(c) do codes[k] = (codes[k] or 0) + v end
    end
  end
  local cs = {}
  for k, v in pairs(codes) do table.insert(cs, k .. "=" .. v) end
  local e = summary.errors
  io.write(string.format('BENCH-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"err_connect": %d, "err_read": %d, "err_write": %d, "err_status": %d, "err_timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"ok": %d, "other": %d, "exhausted": %d, "got": %d, "codes": "%s"}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50.0), latency:percentile(90.0), latency:percentile(99.0),
    latency.max, latency.mean, sums.ok, sums.other, sums.exhausted, sums.got, table.concat(cs, " ")))
end
'''


def lua_str(s):
    return '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


class Bench:
    def __init__(self, args):
        self.a = args
        self.work = os.path.join(OUT, 'work')
        self.results = collections.OrderedDict()   # name -> result dict
        self.notes = []                            # odd things seen
        self.rss = collections.OrderedDict()       # after which run -> {pid: kB}
        self.loads = []
        self.stack = None
        self.static = None
        self.page_bytes = {}
        self.page_paths = {}
        self.captured = {}
        self.log_marks = {}

    # -- tools

    def lua(self, name, body):
        path = os.path.join(self.work, name + '.lua')
        with open(path, 'w') as f:
            f.write(body + LUA_REPORT)
        return path

    def wrk(self, port, path, seconds, script, cookie=None, threads=None, conns=None, stop_when=None):
        """Runs wrk; stop_when (polled every 0.1 s) ends the run early with
        SIGINT, after which wrk reports as usual (its duration is then the
        time until the signal)."""
        threads = threads or self.a.threads
        conns = conns or self.a.connections
        argv = ['wrk', '-t%d' % threads, '-c%d' % conns, '-d%ds' % max(1, round(seconds)), '--latency',
                '--timeout', '30s', '-s', script]
        if cookie:
            argv += ['-H', 'Cookie: ' + cookie]
        argv.append('http://127.0.0.1:%d%s' % (port, path))
        meter = self.meter()
        with open(os.path.join(self.work, 'wrk.out'), 'w+b') as outf:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=outf, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + seconds + 600
                while p.poll() is None:
                    if time.monotonic() > deadline:
                        p.kill()
                        raise BenchError('wrk did not finish: %s' % ' '.join(argv))
                    if stop_when is not None and stop_when():
                        p.send_signal(signal.SIGINT)
                        stop_when = None
                    time.sleep(0.1)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            outf.seek(0)
            out = outf.read().decode('utf-8', 'replace')
        m = re.search(r'^BENCH-RESULT (\{.*\})$', out, re.M)
        if p.returncode != 0 or not m:
            raise BenchError('wrk failed (exit %d): %s' % (p.returncode, out[-800:]))
        r = json.loads(m.group(1))
        r['cpu'] = meter.stop()
        dur = r['duration_us'] / 1e6
        r.update(kind='wrk', rps=r['requests'] / dur if dur else 0.0, seconds=dur,
                 p50=r['p50_us'] / 1000, p99=r['p99_us'] / 1000,
                 errors=r['err_connect'] + r['err_read'] + r['err_write'] + r['err_status'] + r['err_timeout'],
                 command=' '.join(shlex.quote('Cookie: (the session)' if x.startswith('Cookie: ') else x) for x in argv))
        if r['requests'] == 0:
            raise BenchError('wrk completed no request: %s' % out[-500:])
        return r

    def pgbench(self, scripts, seconds, name):
        d = os.path.join(self.work, 'pgbench-' + name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        if IS_ROOT:
            os.chmod(d, 0o1777)
        argv = [pgbin('pgbench'), '-n', '-M', 'prepared', '-c', str(self.a.connections), '-j', str(self.a.threads),
                '-T', str(max(1, round(seconds))), '-l', '--log-prefix', os.path.join(d, 'tx')]
        for s in scripts:
            argv += ['-f', s + '@1' if len(scripts) > 1 else s]
        argv.append(self.stack.owner_dsn)
        meter = self.meter()
        p = self.stack.run_as_owner(argv, cwd=d, timeout=seconds * 3 + 600)
        cpu = meter.stop()
        out = p.stdout.decode('utf-8', 'replace')
        err = p.stderr.decode('utf-8', 'replace')
        m = re.search(r'^tps = ([0-9.]+) \(without initial connection time\)', out, re.M)
        if p.returncode != 0 or not m or 'aborted' in err:
            raise BenchError('pgbench %s failed (exit %d): %s\n%s' % (name, p.returncode, err.strip()[-1500:], out[-500:]))
        lat, failed = [], 0
        for f in glob.glob(os.path.join(d, 'tx.*')):
            with open(f) as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) >= 3 and parts[2].isdigit():
                        lat.append(int(parts[2]))
                    elif len(parts) >= 3:
                        failed += 1
            os.unlink(f)
        lat.sort()
        if not lat:
            raise BenchError('pgbench %s logged no transaction' % name)
        shown = [x for x in argv]
        return {'kind': 'pgbench', 'rps': float(m.group(1)), 'requests': len(lat), 'p50': pct(lat, 50) / 1000,
                'p99': pct(lat, 99) / 1000, 'errors': failed, 'seconds': seconds, 'cpu': cpu,
                'command': ' '.join(shlex.quote(x) for x in shown)}

    def meter(self):
        def roots():
            r = [os.getpid()] + (self.stack.pids() if self.stack else [])
            if self.static and self.static.proc:
                r.append(self.static.proc.pid)
            return r
        return CpuMeter(roots)

    def sample_load(self, what):
        self.loads.append((what, loadavg()))

    def record_rss(self, after):
        self.rss[after] = self.stack.workers()

    def mark_logs(self):
        self.log_marks = {n: self.stack.log_size(n) for n in ('portal.log', 'notifier.log', 'nginx-error.log',
                                                               'postgres.log')}

    def check_logs(self, what):
        """Notes errors and warnings the stack logged during a run."""
        for name, start in self.log_marks.items():
            text = self.stack.read_log(name, start) if self.stack.log_size(name) > start else ''
            bad = [l for l in text.splitlines()
                   if re.search(r'\b(error|warn|warning|FATAL|PANIC|ERROR|crit|alert|emerg)\b', l)
                   and 'log_statement' not in l]
            if bad:
                kinds = collections.Counter(re.sub(r'^\S+ \S+ (\S+ )?\[\d+\] ?|\d+', '#', l)[:160] for l in bad)
                top = '; '.join('%d× %s' % (n, k.strip()) for k, n in kinds.most_common(3))
                self.notes.append('%s: %d error/warning lines in %s, e.g. %s' % (what, len(bad), name, top))

    # -- setup

    def setup(self):
        a = self.a
        st = self.stack
        st.psql("UPDATE setting SET value = '100000' WHERE name = 'login_attempts_per_minute'")
        # The bench measures pages, not sign-in: its accounts sign in with
        # a password alone (as the test stacks' do; sql/016 requires a
        # second factor of department accounts by default).
        st.psql("UPDATE setting SET value = '0' WHERE name IN "
                "('second_factor_department', 'second_factor_federal')")
        st.psql("INSERT INTO setting (name, value) VALUES ('filings_per_hour', '1000000') "
                "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value")
        st.ctl(['user', 'add', 'bench-sup', '--role', 'supervisor', '--name', 'Bench Supervisor',
                '--email', 'bench-sup@portal.invalid'], PASSWORD + '\n')
        st.ctl(['user', 'duty', 'bench-sup', 'on'])
        self.filers = []
        for i in range(1, a.filers + 1):
            login = 'bench-agency-%d' % i
            st.ctl(['user', 'add', login, '--role', 'agency', '--name', 'Bench Agency Officer %d' % i,
                    '--agency', 'Bench Agency %d Police Department' % i, '--agency-type', 'local',
                    '--email', '%s@portal.invalid' % login], PASSWORD + '\n')
            c = Client(st.port)
            c.login(login, PASSWORD)
            must_get(c, '/requests/new?kind=aid_incoming')      # its csrf token
            if not c.csrf:
                raise BenchError('the form page has no csrf token')
            self.filers.append(c)
        self.sup = Client(st.port)
        self.sup.login('bench-sup', PASSWORD)
        # Requests for the history page: a filter that matches ~2,000 of them
        # (seed-history.sql: 1 in 8 is aid_outgoing).
        n = a.seed
        log('seeding %d requests (scripts/seed-history.sql)' % n)
        st.psql_file(os.path.join(ROOT, 'scripts', 'seed-history.sql'), {'n': n, 'first': 1})
        st.psql('VACUUM ANALYZE')
        self.seeded = n
        # The request the request page shows: one filed through the portal.
        rid = self.file_once(self.filers[0])
        self.page_paths = collections.OrderedDict([
            ('form', '/requests/new?kind=aid_incoming'),
            ('request', '/requests/%d' % rid),
            ('history', '/history?kind=aid_outgoing'),
        ])
        matched = st.scalar("SELECT count(*) FROM request WHERE kind = 'aid_outgoing'")
        self.history_matches = int(matched)
        # Warm every worker up (each loads settings and policy on first use).
        workers = int(os.environ.get('PORTAL_WORKERS', '4'))
        for _ in range(4 * workers + 4):
            for name, path in self.page_paths.items():
                client = self.filers[0] if name == 'form' else self.sup
                self.page_bytes[name] = must_get(client, path)

    def file_once(self, client):
        body = must_get(client, '/requests/new?kind=aid_incoming')
        m = SUBMISSION_RE.search(body.decode())
        if not m:
            raise BenchError('the form page has no submission key')
        key = html.unescape(m.group(1))
        fields = filing_fields() + [('requesting_agency', 'Bench Agency Police Department'),
                                    ('csrf', client.csrf), ('submission', key)]
        status, hdrs, body = client.post('/requests', fields)
        loc = hdrs.get('Location') or ''
        m = re.search(r'/requests/(\d+)$', urllib.parse.urlsplit(loc).path)
        if status != 303 or not m:
            raise BenchError('filing -> HTTP %d %s: %s' % (status, loc, body[:400]))
        return int(m.group(1))

    # -- capture of the SQL a page runs

    def capture_all(self):
        st = self.stack
        st.psql("ALTER SYSTEM SET log_statement = 'all'")
        st.psql("ALTER SYSTEM SET log_line_prefix = '%m [%p] %u '")
        st.psql('SELECT pg_reload_conf()')
        try:
            time.sleep(1.0)
            for name, path in self.page_paths.items():
                client = self.filers[0] if name == 'form' else self.sup
                self.captured[name] = self.capture_page(lambda: must_get(client, path), name)
            self.filing_captures = []
            for i, client in enumerate(self.filers):
                self.filing_captures.append(self.capture_filing(client, i))
        finally:
            st.psql('ALTER SYSTEM RESET log_statement')
            st.psql('ALTER SYSTEM RESET log_line_prefix')
            st.psql('SELECT pg_reload_conf()')
        time.sleep(0.5)

    def capture(self, fetch):
        st = self.stack
        before = st.log_size('postgres.log')
        result = fetch()
        time.sleep(0.05)
        text = st.read_log('postgres.log', before)
        return result, parse_statements(text)

    def capture_page(self, fetch, name):
        """The statements of one fetch of the page: the sequence seen most
        often over a few fetches (each worker checks whether the policy
        changed every 5 s: with twice as many fetches as workers, most
        fetches find that check done)."""
        seen = []
        for _ in range(self.capture_fetches()):
            _, (stmts, errors) = self.capture(fetch)
            if errors:
                self.notes.append('capture of %s: the portal\'s SQL logged errors: %s' % (name, '; '.join(errors)[:300]))
            if stmts:
                seen.append(stmts)
        if not seen:
            raise BenchError('no SQL captured for the %s page (is log_statement honoured?)' % name)
        count = collections.Counter(tuple(s['sql'] for s in x) for x in seen)
        best = max(count.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        return next(x for x in seen if tuple(s['sql'] for s in x) == best)

    def capture_fetches(self):
        return 2 * int(os.environ.get('PORTAL_WORKERS', '4')) + 3

    def capture_filing(self, client, i):
        attempts = []
        for _ in range(self.capture_fetches()):
            body = must_get(client, '/requests/new?kind=aid_incoming')
            key = html.unescape(SUBMISSION_RE.search(body.decode()).group(1))
            fields = filing_fields() + [('requesting_agency', 'Bench Agency Police Department'),
                                        ('csrf', client.csrf), ('submission', key)]
            (status, hdrs, rbody), (stmts, errors) = self.capture(lambda: client.post('/requests', fields))
            loc = urllib.parse.urlsplit(hdrs.get('Location') or '').path
            m = re.search(r'/requests/(\d+)$', loc)
            if status != 303 or not m:
                raise BenchError('filing -> HTTP %d: %s' % (status, rbody[:300]))
            if errors:
                self.notes.append('capture of a filing: the portal\'s SQL logged errors: %s' % '; '.join(errors)[:300])
            attempts.append({'stmts': stmts, 'key': key, 'request_id': int(m.group(1)), 'location': loc})
        count = collections.Counter(tuple(s['sql'] for s in x['stmts']) for x in attempts)
        best = max(count.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        return next(x for x in attempts if tuple(s['sql'] for s in x['stmts']) == best)

    # -- pgbench scripts from captured SQL

    def page_script(self, name):
        path = os.path.join(self.work, 'page-%s.sql' % name)
        with open(path, 'w') as f:
            f.write('-- The SQL of GET %s, captured from the portal (%s).\n'
                    % (self.page_paths[name], time.strftime('%Y-%m-%d %H:%M:%S')))
            for s in self.captured[name]:
                f.write(to_pgbench(s) + ';\n')
        return path

    def filing_scripts(self):
        tag = secrets.token_hex(3)
        tx, single = [], []
        for i, cap in enumerate(self.filing_captures):
            rid = str(cap['request_id'])
            subst = {cap['key']: "('pgb-%s-' || :client_id || '-' || :r)" % tag}
            after = {rid: ':req_id', cap['location']: "('/requests/' || :req_id)"}
            lines = ['-- The SQL of one filing (POST /requests) by filer %d, captured from the portal;' % (i + 1),
                     '-- the submission key made unique per transaction, the new request id taken from',
                     '-- the INSERT INTO request (\\gset).',
                     '\\set r random(1, 1000000000000000)']
            seen_insert = False
            insert_sql = None
            used = collections.Counter()
            for s in cap['stmts']:
                is_insert = bool(re.match(r'\s*INSERT\s+INTO\s+request\s*\(', s['sql'], re.I))
                table = dict(subst)
                if seen_insert:
                    table.update(after)
                text = to_pgbench(s, table, used)
                if is_insert and not seen_insert:
                    seen_insert = True
                    insert_sql = to_pgbench(s)
                    if re.search(r'RETURNING\s+id\s*$', s['sql'], re.I):
                        lines.append(text + ' \\gset req_')
                        continue
                lines.append(text + ';')
            if not used[cap['key']]:
                self.notes.append('filing capture: the submission key was not found among the parameters')
            if seen_insert and not (used[rid] or used[cap['location']]):
                self.notes.append('filing capture: the new request id is not used by a later statement')
            p = os.path.join(self.work, 'filing-%d.sql' % (i + 1))
            with open(p, 'w') as f:
                f.write('\n'.join(lines) + '\n')
            tx.append(p)
            if insert_sql is None:
                insert_sql = self.insert_from_row(cap['request_id'])
            p = os.path.join(self.work, 'insert-%d.sql' % (i + 1))
            with open(p, 'w') as f:
                f.write('-- One row of the same shape as a filing\'s, inserted into request alone.\n'
                        + insert_sql + ';\n')
            single.append(p)
        return tx, single

    def insert_from_row(self, rid):
        """INSERT INTO request (...) VALUES (...) of the filed row's own values
        (when the portal's SQL has no INSERT INTO request of its own)."""
        cols = [r[0] for r in self.stack.psql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = 'request' AND is_generated = 'NEVER' AND column_name <> 'id' ORDER BY ordinal_position")]
        row = json.loads(self.stack.scalar('SELECT row_to_json(r) FROM (SELECT %s FROM request WHERE id = %d) r'
                                           % (', '.join(cols), rid)))
        vals = []
        for c in cols:
            v = row[c]
            if v is None:
                vals.append('NULL')
            elif isinstance(v, list):
                vals.append(literal('{%s}' % ','.join('"%s"' % str(x).replace('"', '\\"') for x in v)))
            elif isinstance(v, bool):
                vals.append('true' if v else 'false')
            else:
                vals.append(literal(str(v)))
        return 'INSERT INTO request (%s) VALUES (%s)' % (', '.join(cols), ', '.join(vals))

    # -- the runs

    def run_page(self, name):
        a, st = self.a, self.stack
        path = self.page_paths[name]
        client = self.filers[0] if name == 'form' else self.sup
        cookie = client.cookie_header()
        script = self.lua('get', '')
        expect = len(self.page_bytes[name])

        log('%s page: portal, GET %s' % (name, path))
        st.psql('CHECKPOINT')
        self.mark_logs()
        self.sample_load('%s portal' % name)
        r = self.wrk(st.port, path, a.seconds, script, cookie)
        self.check_bytes(r, expect, '%s page (portal)' % name)
        self.results[(name, 'portal')] = r
        self.record_rss('%s page' % name)
        self.check_logs('%s page run' % name)

        log('%s page: nginx serving the same %d bytes' % (name, expect))
        self.sample_load('%s static' % name)
        r = self.wrk(self.static.port, '/%s.html' % name, a.seconds, script)
        self.check_bytes(r, expect, '%s page (static)' % name)
        self.results[(name, 'static')] = r

        log('%s page: pgbench running its %d statements' % (name, len(self.captured[name])))
        st.psql('CHECKPOINT')
        self.sample_load('%s pgbench' % name)
        r = self.pgbench([self.page_script(name)], a.seconds, 'page-' + name)
        r['statements'] = len(self.captured[name])
        self.results[(name, 'pgbench')] = r

    def check_bytes(self, r, expect, what):
        """wrk counts 3xx as success: a session that stopped working would
        measure the sign-in redirect. Responses must be as long as the page."""
        per = r['bytes'] / max(1, r['requests'])
        if per < expect:
            self.notes.append('%s: responses averaged %.0f bytes, the page has %d: not every answer was the page'
                              % (what, per, expect))
            r['short'] = True

    def run_filing(self):
        a, st = self.a, self.stack
        form = self.results.get(('form', 'portal'))
        # A first guess (filing does more than showing the form); when the
        # keys run out before the end, more are fetched and the run repeated.
        want = int(min(a.max_keys, max(2000, (form['rps'] if form else 2000) * a.seconds * 0.25)))
        for attempt in range(3):
            keyfile = self.fetch_keys(want)
            r = self.filing_run(keyfile)
            if not r['exhausted'] or attempt == 2 or want >= a.max_keys:
                break
            rate = r['requests'] / max(0.1, r['seconds'])
            self.notes.append('filing (portal): %s keys ran out after %.1f s (%s filings/s); the run was '
                              'repeated with more' % ('{:,}'.format(self.nkeys), r['seconds'], fmt_rps(rate)))
            want = int(min(a.max_keys, rate * a.seconds * 1.5 + 1000))
        if r['other']:
            self.notes.append('filing (portal): %d answers were not 303: %s' % (r['other'], r['codes']))
        if r['exhausted']:
            self.notes.append('filing (portal): the %d submission keys ran out after %.1f s (the run was stopped '
                              'then; its rate is over that time)' % (self.nkeys, r['seconds']))
        r['errors'] = r['errors'] + r['other'] - r['err_status']
        self.results[('filing', 'portal')] = r
        self.record_rss('filing')
        self.check_logs('filing run')

        tx, single = self.filing_scripts()
        log('filing: pgbench running the filing\'s own transaction')
        st.psql('CHECKPOINT')
        self.sample_load('filing pgbench')
        r = self.pgbench(tx, a.seconds, 'filing')
        r['statements'] = len(self.filing_captures[0]['stmts'])
        self.results[('filing', 'pgbench')] = r
        log('filing: pgbench inserting one row of the same shape')
        st.psql('CHECKPOINT')
        r = self.pgbench(single, a.seconds, 'insert')
        r['statements'] = 1
        self.results[('filing', 'insert')] = r

    def filing_run(self, keyfile):
        a, st = self.a, self.stack
        marker = keyfile + '.exhausted'
        if os.path.exists(marker):
            os.unlink(marker)
        log('filing: portal, POST /requests with %d keys' % self.nkeys)
        script = self.lua('filing', '''
-- globals: done() reads ok, other, exhausted and codes of each thread
function init(args)
  lines = {}
  local i = 0
  for line in io.lines(%s) do
    if i %% %d == tid then lines[#lines + 1] = line end
    i = i + 1
  end
  idx, ok, other, exhausted, codes = 0, 0, 0, 0, {}
end
function request()
  idx = idx + 1
  local line = lines[idx]
  if line == nil then
    if exhausted == 0 then
      exhausted = 1
      io.open(%s, "w"):close()
    end
    line = lines[#lines]
  end
  local tab = line:find("\\t", 1, true)
  return wrk.format("POST", "/requests", {["Cookie"] = line:sub(1, tab - 1),
    ["Content-Type"] = "application/x-www-form-urlencoded"}, line:sub(tab + 1))
end
function response(status, headers, body)
  if status == 303 then ok = ok + 1 else
    other = other + 1
    codes[tostring(status)] = (codes[tostring(status)] or 0) + 1
  end
end
''' % (lua_str(keyfile), a.threads, lua_str(marker)))
        before = int(st.scalar('SELECT count(*) FROM request'))
        st.psql('CHECKPOINT')
        self.mark_logs()
        self.sample_load('filing portal')
        r = self.wrk(st.port, '/requests', a.seconds, script, stop_when=lambda: os.path.exists(marker))
        r['stored'] = int(st.scalar('SELECT count(*) FROM request')) - before
        return r

    def fetch_keys(self, want):
        """GETs of the form, each filer in turn, keeping each page's csrf
        token and one-time submission key (wrk, the same concurrency)."""
        log('filing: fetching %d submission keys (GET of the form each)' % want)
        prefix = os.path.join(self.work, 'formkeys')
        for f in glob.glob(prefix + '-*.txt'):
            os.unlink(f)
        cookies = ', '.join(lua_str(c.cookie_header()) for c in self.filers)
        script = self.lua('keys', '''
local reqs, n, out
function init(args)
  local cookies = {%s}
  reqs = {}
  for i, c in ipairs(cookies) do
    reqs[i] = wrk.format("GET", "/requests/new?kind=aid_incoming", {["Cookie"] = c})
  end
  n, got = 0, 0
  out = io.open(%s .. "-" .. tid .. ".txt", "w")
  out:setvbuf("line")
end
function request()
  n = n + 1
  return reqs[(n %% #reqs) + 1]
end
function response(status, headers, body)
  if status == 200 then
    local c = body:match('name="csrf" value="([^"]*)"')
    local k = body:match('name="submission" value="([^"]*)"')
    local who = body:match('Bench Agency Officer (%%d+)')
    if c and k and who then
      out:write(who, "\\t", c, "\\t", k, "\\n")
      got = got + 1
    end
  end
end
''' % (cookies, lua_str(prefix)))
        r = self.wrk(self.stack.port, '/requests/new?kind=aid_incoming', max(60, self.a.seconds * 4), script,
                     stop_when=lambda: count_lines(glob.glob(prefix + '-*.txt')) >= want)
        # Each page names its filer ("Bench Agency Officer N"); the csrf
        # token is masked afresh in every page, so it tells no session.
        by_number = {str(i + 1): c for i, c in enumerate(self.filers)}
        fields = urllib.parse.urlencode(filing_fields() + [('requesting_agency', 'Bench Agency Police Department')])
        lines, unknown = [], 0
        for f in sorted(glob.glob(prefix + '-*.txt')):
            with open(f) as fh:
                for line in fh:
                    who, _, rest = line.rstrip('\n').partition('\t')
                    csrf, _, key = rest.partition('\t')
                    csrf, key = html.unescape(csrf), html.unescape(key)
                    c = by_number.get(who)
                    if c is None:
                        unknown += 1
                        continue
                    body = fields + '&' + urllib.parse.urlencode([('csrf', csrf), ('submission', key)])
                    lines.append(c.cookie_header() + '\t' + body)
        if unknown:
            self.notes.append('key fetch: %d form pages carried a csrf token of no bench session' % unknown)
        if not lines:
            raise BenchError('no submission key fetched')
        # Interleave the filers (the files hold each thread's keys in order).
        keyfile = os.path.join(self.work, 'filing-keys.txt')
        with open(keyfile, 'w') as fh:
            fh.write('\n'.join(lines) + '\n')
        self.nkeys = len(lines)
        r['command'] += '   # until %d keys' % want
        self.keys_fetch = r
        return keyfile

    def run_history_scale(self):
        a, st = self.a, self.stack
        have = int(st.scalar('SELECT count(*) FROM request'))
        if a.history_rows > have:
            n = a.history_rows - have
            log('history: seeding %d more requests to reach %d' % (n, a.history_rows))
            t = time.monotonic()
            st.psql_file(os.path.join(ROOT, 'scripts', 'seed-history.sql'), {'n': n, 'first': self.seeded + 1})
            self.seeded += n
            self.seed_seconds = time.monotonic() - t
        st.psql('VACUUM ANALYZE')
        self.history_total = int(st.scalar('SELECT count(*) FROM request'))
        today = datetime.date.today()
        views = [
            ('no filter, page 1', '/history'),
            ('kind', '/history?kind=federal_investigative'),
            ('status + dates', '/history?status=approved&from=%s&to=%s'
             % (today - datetime.timedelta(days=180), today - datetime.timedelta(days=90))),
            ('agency prefix', '/history?agency=Pewaukee'),
            ('word search', '/history?q=narcotics'),
            ('word search, page 20', '/history?q=fire&page=20'),
        ]
        if a.quick:
            views = views[:1] + views[4:5]
        script = self.lua('get', '')
        self.history_views = []
        self.mark_logs()
        self.sample_load('history at scale')
        for label, path in views:
            body = must_get(self.sup, path)
            log('history at {:,} requests: {} (one client)'.format(self.history_total, path))
            r = self.wrk(st.port, path, max(1, a.seconds / 2), script, self.sup.cookie_header(), threads=1, conns=1)
            self.check_bytes(r, len(body) - 200, 'history %s' % label)
            self.history_views.append((label, path, r))
        self.record_rss('history at {:,}'.format(self.history_total))
        self.check_logs('history at scale')

    def run_long(self):
        a, st = self.a, self.stack
        n = a.rss_requests
        log('worker RSS over %d requests (form, request page, history in turn)' % n)
        before = st.workers()
        reqs = ', '.join('wrk.format("GET", %s)' % lua_str(p) for p in self.page_paths.values())
        script = self.lua('long', '''
local reqs, n
function init(args)
  reqs = {%s}
  n = 0
end
function request()
  n = n + 1
  return reqs[(n %% #reqs) + 1]
end
''' % reqs)
        self.mark_logs()
        self.sample_load('long run')
        access = AccessCounter(os.path.join(st.var, 'log', 'nginx-access.log'))
        r = self.wrk(st.port, '/', 3600, script, self.sup.cookie_header(), stop_when=lambda: access.count() >= n)
        after = st.workers()
        r['command'] += '   # until %d requests' % n
        self.long = {'before': before, 'after': after, 'run': r}
        if set(before) != set(after):
            self.notes.append('long run: the worker processes changed (%s -> %s): a worker exited and was restarted'
                              % (sorted(before), sorted(after)))
        self.check_logs('long run')

    # -- everything

    def run(self):
        a = self.a
        os.makedirs(self.work, exist_ok=True)
        build = os.path.join(ROOT, a.build)
        self.stack = Stack(os.path.join(OUT, 'var'), free_port(), build)
        log('starting the stack: PORTAL_VAR=%s PORTAL_PORT=%d PORTAL_BUILD=%s'
            % (self.stack.var, self.stack.port, build))
        self.stack.start()
        self.setup()
        self.capture_all()
        self.static = StaticServer(self.page_bytes, free_port())
        self.static.start()
        for name in self.page_paths:
            self.run_page(name)
        # History before filing: the filing runs add tens of thousands of
        # identical rows (pgbench's single-row inserts most of all).
        self.run_history_scale()
        self.run_filing()
        if a.rss_requests:
            self.run_long()
        self.sample_load('end')

    def cleanup(self):
        if self.static:
            self.static.stop()
        if self.stack:
            log('stopping the stack')
            self.stack.stop()


def count_lines(paths):
    n = 0
    for p in paths:
        try:
            with open(p, 'rb') as f:
                n += f.read().count(b'\n')
        except OSError:
            pass
    return n


class AccessCounter:
    """Lines appended to a log file since this was made."""

    def __init__(self, path):
        self.path = path
        self.pos = os.path.getsize(path) if os.path.exists(path) else 0
        self.n = 0

    def count(self):
        try:
            with open(self.path, 'rb') as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return self.n
        self.pos += len(data)
        self.n += data.count(b'\n')
        return self.n


def pct(sorted_values, p):
    if not sorted_values:
        return 0
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


# ---------------------------------------------------------------- the log

LOG_LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (\S*) ?([A-Z]+):  (.*)$')
EXECUTE = re.compile(r'^execute (\S+?): (.*)$', re.S)
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')(, |$)", re.S)


def parse_statements(text, user='portal_app'):
    """The statements the role `user` ran, from a PostgreSQL log written with
    log_statement = 'all' and log_line_prefix = '%m [%p] %u ': each
    {'pid', 'name', 'sql', 'params': {n: value or None}}, in order; and the
    ERROR messages. Continuation lines of a message start with a tab."""
    entries = []
    for line in text.split('\n'):
        if line.startswith('\t') and entries:
            entries[-1][3] += '\n' + line[1:]
            continue
        m = LOG_LINE.match(line)
        if m:
            entries.append([int(m.group(1)), m.group(2), m.group(3), m.group(4)])
    stmts, errors, last = [], [], {}
    for pid, who, level, msg in entries:
        if who != user:
            continue
        if level == 'LOG':
            m = EXECUTE.match(msg)
            if m:
                s = {'pid': pid, 'name': m.group(1), 'sql': m.group(2), 'params': {}}
            elif msg.startswith('statement: '):
                s = {'pid': pid, 'name': None, 'sql': msg[len('statement: '):], 'params': {}}
            else:
                continue
            stmts.append(s)
            last[pid] = s
        elif level == 'DETAIL' and msg.startswith('parameters: ') and pid in last:
            last[pid]['params'] = parse_params(msg[len('parameters: '):])
        elif level in ('ERROR', 'FATAL'):
            errors.append(msg.split('\n')[0])
    pids = collections.Counter(s['pid'] for s in stmts)
    if len(pids) > 1:
        # One worker served the page; anything else is another worker's
        # periodic check. Keep the worker that ran the most.
        keep = pids.most_common(1)[0][0]
        stmts = [s for s in stmts if s['pid'] == keep]
    return stmts, errors


def parse_params(text):
    out, pos = {}, 0
    while pos < len(text):
        m = PARAM.match(text, pos)
        if not m:
            raise BenchError('cannot read the parameters logged: %r' % text[pos:pos + 80])
        v = m.group(2)
        out[int(m.group(1))] = None if v == 'NULL' else v[1:-1].replace("''", "'")
        pos = m.end()
    return out


# pgbench (-M prepared) takes ':name' anywhere in a statement, quoted or
# not, for a variable: a colon followed by one of these must not be written.
COLON_VAR = re.compile(r':[A-Za-z0-9_\x80-\U0010ffff]')


def literal(v):
    """A SQL string constant of v that pgbench leaves alone: a colon before a
    letter or digit is written as a Unicode escape (U&'..\\003A..')."""
    if v is None:
        return 'NULL'
    q = v.replace("'", "''")
    if COLON_VAR.search(v):
        return "U&'" + q.replace('\\', '\\\\').replace(':', '\\003A') + "'"
    return "'" + q + "'"


def to_pgbench(stmt, subst=None, used=None):
    """The statement for a pgbench script: each $n replaced by its logged
    value as a literal (or by subst[value], a pgbench expression), string
    constants holding ':x' rewritten, comments dropped."""
    sql, params = stmt['sql'].strip().rstrip(';').rstrip(), stmt['params']
    subst = subst or {}
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":
            prev = sql[i - 1] if i else ''
            before = sql[i - 2] if i > 1 else ''
            escaped = prev in 'eE' and not (before.isalnum() or before == '_')
            unicode_ = prev == '&' and before in 'uU'
            j = i + 1
            while j < n:
                if escaped and sql[j] == '\\':
                    j += 2
                    continue
                if sql[j] == "'":
                    if j + 1 < n and sql[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            body = sql[i + 1:j]
            if COLON_VAR.search(body):
                if escaped or unicode_:
                    raise BenchError('a string constant with ":" pgbench cannot take: %s' % body[:80])
                out.append("U&'" + body.replace('\\', '\\\\').replace(':', '\\003A') + "'")
            else:
                out.append(sql[i:j + 1])
            i = j + 1
            continue
        if c == '"':
            j = sql.find('"', i + 1)
            while j != -1 and j + 1 < n and sql[j + 1] == '"':
                j = sql.find('"', j + 2)
            j = n - 1 if j == -1 else j
            out.append(sql[i:j + 1])
            i = j + 1
            continue
        if sql.startswith('--', i):
            j = sql.find('\n', i)
            i = n if j == -1 else j
            continue
        if sql.startswith('/*', i):
            j = sql.find('*/', i + 2)
            i = n if j == -1 else j + 2
            out.append(' ')
            continue
        if c == '$':
            prev = sql[i - 1] if i else ''
            m = re.match(r'\$(\d+)', sql[i:])
            if m and not (prev.isalnum() or prev == '_'):
                k = int(m.group(1))
                if k not in params:
                    raise BenchError('parameter $%d was not logged for: %s' % (k, sql[:120]))
                v = params[k]
                if v is not None and v in subst:
                    out.append(subst[v])
                    if used is not None:
                        used[v] += 1
                else:
                    out.append(literal(v))
                i += len(m.group(0))
                continue
            m = re.match(r'\$([A-Za-z_][A-Za-z_0-9]*)?\$', sql[i:])
            if m and not (prev.isalnum() or prev == '_'):
                tag = m.group(0)
                j = sql.find(tag, i + len(tag))
                j = n if j == -1 else j + len(tag)
                if COLON_VAR.search(sql[i:j]):
                    raise BenchError('a dollar-quoted constant with ":" pgbench cannot take')
                out.append(sql[i:j])
                i = j
                continue
        if c == ':':
            if sql.startswith('::', i):
                out.append('::')
                i += 2
                continue
            if COLON_VAR.match(sql, i):
                out.append(': ')          # an array slice: [1:2] -> [1: 2]
                i += 1
                continue
        out.append(c)
        i += 1
    return ''.join(out)


# ---------------------------------------------------------------- the table

TARGETS = [
    # (key, text)
    ('form_static', 'form page ≥ 0.15× nginx static (goal 0.25×)'),
    ('request_static', 'request page ≥ 0.05× nginx static'),
    ('request_pgbench', 'request page ≥ 0.5× pgbench of its own SQL'),
    ('filing_insert', 'filing ≥ 0.35× pgbench single-row insert (goal 0.5×)'),
    ('p99', 'p99 ≤ 50 ms for every page and for filing (goal 20 ms)'),
    ('history_p50', 'history over 100,000 requests: p50 ≤ 20 ms'),
    ('rss', 'worker RSS ≤ 20 MB steady'),
    ('rss_growth', 'no worker RSS growth over 100,000 requests'),
]


def fmt_cpu(r):
    c = r.get('cpu')
    return '%.0f%%' % (c['others'] + c['steal']) if c else '?'


def plural(n, word):
    return '%d %s%s' % (n, word, '' if n == 1 else 's')


def fmt_rps(x):
    return '{:,.0f}'.format(x)


def fmt_ms(x):
    return '%.1f' % x if x < 100 else '%.0f' % x


def met(ok):
    return 'met' if ok else '**not met**'


class Report:
    def __init__(self, bench, args, machine, command, elapsed):
        self.b, self.a, self.m, self.command, self.elapsed = bench, args, machine, command, elapsed

    def runs(self):
        b = self.b
        out = [('%s %s' % k, r['cpu']) for k, r in b.results.items() if r.get('cpu')]
        out += [('history ' + label, r['cpu']) for label, _, r in getattr(b, 'history_views', []) if r.get('cpu')]
        if getattr(b, 'long', None) and b.long['run'].get('cpu'):
            out.append(('long run', b.long['run']['cpu']))
        return out

    def main_table(self):
        b = self.b
        R = b.results
        rows = ['| page | portal req/s | p50 ms | p99 ms | errors | reference | ref req/s | ref p50 ms | ref p99 ms '
                '| ratio | other work\'s CPU |',
                '|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|']
        labels = {'form': 'form `GET /requests/new?kind=aid_incoming`',
                  'request': 'request page `GET /requests/ID` (supervisor)',
                  'history': 'history filter `%s` (%s rows match)' % (b.page_paths['history'],
                                                                      '{:,}'.format(b.history_matches)),
                  'filing': 'filing `POST /requests` (%d agency account%s)' % (len(b.filers), 's' if len(b.filers) > 1 else '')}
        refs = {'static': 'nginx, the same bytes from a file',
                'pgbench': 'pgbench, the page\'s own SQL (%s)',
                'insert': 'pgbench, one row of the same shape into `request`'}
        for page in ('form', 'request', 'history', 'filing'):
            p = R.get((page, 'portal'))
            if not p:
                continue
            for ref in ('static', 'pgbench', 'insert'):
                r = R.get((page, ref))
                if not r:
                    continue
                rtext = refs[ref]
                if ref == 'pgbench':
                    rtext = (rtext % plural(r['statements'], 'statement')) if page != 'filing' else \
                        'pgbench, the filing\'s own transaction (%s)' % plural(r['statements'], 'statement')
                rows.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.3f× | %s / %s |' % (
                    labels[page], fmt_rps(p['rps']), fmt_ms(p['p50']), fmt_ms(p['p99']), p['errors'],
                    rtext, fmt_rps(r['rps']), fmt_ms(r['p50']), fmt_ms(r['p99']), p['rps'] / r['rps'],
                    fmt_cpu(p), fmt_cpu(r)))
        return '\n'.join(rows)

    def ratio(self, page, ref):
        p, r = self.b.results.get((page, 'portal')), self.b.results.get((page, ref))
        return p['rps'] / r['rps'] if p and r and r['rps'] else None

    def targets_table(self):
        b = self.b
        rows = ['| target (issue 14) | measured | |', '|---|---|---|']

        def ratio_row(text, page, ref, want):
            x = self.ratio(page, ref)
            if x is not None:
                rows.append('| %s | %.3f× | %s |' % (text, x, met(x >= want)))
        ratio_row(TARGETS[0][1], 'form', 'static', 0.15)
        ratio_row(TARGETS[1][1], 'request', 'static', 0.05)
        ratio_row(TARGETS[2][1], 'request', 'pgbench', 0.5)
        ratio_row(TARGETS[3][1], 'filing', 'insert', 0.35)
        p99 = [(page, b.results[(page, 'portal')]['p99']) for page in ('form', 'request', 'history', 'filing')
               if (page, 'portal') in b.results]
        if p99:
            worst = max(p99, key=lambda x: x[1])
            rows.append('| %s | worst: %s %s ms | %s |' % (TARGETS[4][1], worst[0], fmt_ms(worst[1]),
                                                          met(worst[1] <= 50)))
        if getattr(b, 'history_views', None):
            worst = max(b.history_views, key=lambda v: v[2]['p50'])
            at = '{:,}'.format(b.history_total)
            rows.append('| %s | at %s requests, slowest p50: %s %s ms | %s |' % (
                TARGETS[5][1], at, worst[0], fmt_ms(worst[2]['p50']),
                met(worst[2]['p50'] <= 20) + ('' if b.history_total >= 100000 else ' (fewer requests than the target\'s)')))
        allrss = [kb for m in b.rss.values() for kb in m.values()]
        if getattr(b, 'long', None):
            allrss += list(b.long['after'].values())
        if allrss:
            mx = max(allrss) / 1024
            rows.append('| %s | largest worker: %.1f MB | %s |' % (TARGETS[6][1], mx, met(mx <= 20)))
        if getattr(b, 'long', None):
            g = self.growth()
            n = b.long['run']['requests']
            rows.append('| %s | %s | %s |' % (
                TARGETS[7][1], 'over %s requests: %+.1f MB at most per worker' % ('{:,}'.format(n), g),
                (met(g <= 0.5) if n >= 100000 else 'not measured (%s requests; `--long` runs 100,000)' % '{:,}'.format(n))))
        return '\n'.join(rows)

    def growth(self):
        before, after = self.b.long['before'], self.b.long['after']
        common = set(before) & set(after)
        if not common:
            return 0.0
        return max((after[p] - before[p]) / 1024 for p in common)

    def history_table(self):
        b = self.b
        if not getattr(b, 'history_views', None):
            return ''
        rows = ['| history view, %s requests, one client | path | req/s | p50 ms | p99 ms | other work\'s CPU |'
                % '{:,}'.format(b.history_total),
                '|---|---|---:|---:|---:|---:|']
        for label, path, r in b.history_views:
            rows.append('| %s | `%s` | %s | %s | %s | %s |' % (label, path, fmt_rps(r['rps']), fmt_ms(r['p50']),
                                                             fmt_ms(r['p99']), fmt_cpu(r)))
        return '\n'.join(rows)

    def rss_table(self):
        b = self.b
        rows = ['| after | portal workers\' RSS (MB) |', '|---|---|']
        for after, m in b.rss.items():
            rows.append('| %s | %s |' % (after, ' '.join('%.1f' % (kb / 1024) for _, kb in sorted(m.items()))))
        if getattr(b, 'long', None):
            L = b.long
            rows.append('| long run: before %s requests | %s |' % ('{:,}'.format(L['run']['requests']),
                        ' '.join('%.1f' % (kb / 1024) for _, kb in sorted(L['before'].items()))))
            rows.append('| long run: after (%s req/s, p99 %s ms) | %s |' % (
                fmt_rps(L['run']['rps']), fmt_ms(L['run']['p99']),
                ' '.join('%.1f' % (kb / 1024) for _, kb in sorted(L['after'].items()))))
        return '\n'.join(rows)

    def text(self):
        m, a, b = self.m, self.a, self.b
        loads = b.loads
        busiest = max(loads, key=lambda x: x[1][0]) if loads else None
        out = []
        out.append('Run %s UTC, `%s` (%s).' % (m['date'], self.command, m['commit']))
        out.append('')
        out.append('Machine: %d cores (%s), %s memory, %s; load average at start %s, at the end %s%s.'
                   % (m['cores'], m['cpu'], m['memory'], m['kernel'], ' '.join('%.2f' % x for x in m['load_start']),
                      ' '.join('%.2f' % x for x in (loads[-1][1] if loads else m['load_start'])),
                      (', highest 1-min %.2f (%s)' % (busiest[1][0], busiest[0])) if busiest else ''))
        if loads:
            out.append('')
            out.append('1-minute load at the start of each run: %s.'
                       % ', '.join('%s %.2f' % (what, l[0]) for what, l in loads))
        runs = self.runs()
        if runs:
            worst = max(runs, key=lambda x: x[1]['others'] + x[1]['steal'])
            share = worst[1]['others'] + worst[1]['steal']
            out.append('')
            out.append('Other work on the machine (processes outside the bench, and time the hypervisor gave '
                       'other guests) took at most %.0f%% of the CPUs during a run (%s), %.0f%% on average; '
                       'the last column of the table says how much during each pair of runs. The load average '
                       'counts the bench\'s own processes too.'
                       % (share, worst[0], sum(c['others'] + c['steal'] for _, c in runs) / len(runs)))
            if share > 10 or m['load_start'][0] > 1.0:
                out.append('')
                out.append('**The machine was busy** (%s): other work shared the CPUs; compare the ratios '
                           'of the quieter runs, not absolute figures.'
                           % ('1-minute load %.2f when the run started' % m['load_start'][0]
                              if m['load_start'][0] > 1.0 else 'up to %.0f%% of the CPUs during %s' % (share, worst[0])))
        out.append('')
        out.append('Stack: %s; PostgreSQL %s, nginx %s, wrk %s; portal built in `%s` (-O2, no sanitizers), %s workers; '
                   'wrk -t%d -c%d, pgbench -M prepared -c%d -j%d, %s s each.'
                   % (m['policy'], m['pg'], m['nginx'], m['wrk'], os.path.relpath(b.stack.build, ROOT),
                      os.environ.get('PORTAL_WORKERS', '4'), a.threads, a.connections, a.connections, a.threads,
                      ('%g' % a.seconds)))
        out.append('')
        out.append(self.main_table())
        out.append('')
        out.append(self.targets_table())
        out.append('')
        h = self.history_table()
        if h:
            out.append(h)
            out.append('')
        out.append(self.rss_table())
        out.append('')
        f = b.results.get(('filing', 'portal'))
        if f:
            out.append('Filing: %s submission keys fetched beforehand (one GET of the form each); %s filings answered '
                       '303 and %s rows were stored during the run.' % ('{:,}'.format(b.nkeys), '{:,}'.format(f['ok']),
                                                                        '{:,}'.format(f['stored'])))
            out.append('')
        if b.notes:
            out.append('Seen during the run:')
            out.append('')
            for n in b.notes:
                out.append('- ' + n)
            out.append('')
        out.append('The run took %.0f s. Its commands (tests/out/bench/work/ holds the scripts):' % self.elapsed)
        out.append('')
        for c in self.commands():
            out.append('    ' + c)
        return '\n'.join(out)

    def commands(self):
        b = self.b
        seen, out = set(), []
        rs = list(b.results.values()) + [v[2] for v in getattr(b, 'history_views', [])]
        if getattr(b, 'keys_fetch', None):
            rs.append(b.keys_fetch)
        if getattr(b, 'long', None):
            rs.append(b.long['run'])
        for r in rs:
            c = r.get('command', '')
            c = c.replace(os.path.join(OUT, 'work') + '/', '').replace(ROOT + '/', '')
            c = re.sub(r'127\.0\.0\.1:\d+', '127.0.0.1:PORT', c)
            c = re.sub(r'host=\S+/run', 'host=$PORTAL_VAR/run', c)
            c = re.sub(r'^\S*/pgbench', 'pgbench', c)
            if c not in seen:
                seen.add(c)
                out.append(c)
        return out


def machine_info(args):
    def first(cmd):
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10)
            return p.stdout.decode(errors='replace').strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return '?'
    cpu = '?'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    mem = '?'
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemTotal:'):
                mem = '%.1f GiB' % (int(line.split()[1]) / 1024 / 1024)
    commit = first(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'])
    # Changes to the tree, but for the file this writes.
    out = os.path.relpath(os.path.abspath(args.output), ROOT)
    spec = ['.'] + ([':(exclude)' + out] if not out.startswith('..') else [])
    dirty = subprocess.run(['git', '-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--'] + spec,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.strip()
    return {
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M'),
        'cores': os.cpu_count() or 0, 'cpu': cpu, 'memory': mem,
        'kernel': 'Linux ' + platform.release(),
        'load_start': loadavg(),
        'commit': 'commit %s%s' % (commit, ', with uncommitted changes' if dirty else ''),
        'pg': (first([pgbin('postgres'), '--version']).split() + ['?'] * 3)[2],
        'nginx': first([shutil.which('nginx') or '/usr/sbin/nginx', '-v']).split('/')[-1],
        'wrk': first(['wrk', '--version']).split()[1] if shutil.which('wrk') else '?',
        'policy': 'policy preset %s' % os.environ.get('PORTAL_POLICY', 'oconomowoc'),
    }


BEGIN = '<!-- make bench: begin (scripts/bench.py rewrites what is between these markers) -->'
END = '<!-- make bench: end -->'


def write_doc(path, text):
    block = BEGIN + '\n' + text.rstrip() + '\n' + END
    if os.path.exists(path):
        with open(path) as f:
            doc = f.read()
        if BEGIN in doc and END in doc:
            doc = doc[:doc.index(BEGIN)] + block + doc[doc.index(END) + len(END):]
        else:
            doc = doc.rstrip() + '\n\n## Latest `make bench`\n\n' + block + '\n'
    else:
        doc = '# Performance\n\n## Latest `make bench`\n\n' + block + '\n'
    with open(path + '.new', 'w') as f:
        f.write(doc)
    os.replace(path + '.new', path)


def prepare_out():
    """A fresh tests/out/bench: a stack left running there is stopped first."""
    var = os.path.join(OUT, 'var')
    if os.path.exists(os.path.join(var, '.portal-instance')):
        env = dict(os.environ, PORTAL_VAR=var)
        env.pop('PORTAL_DSN', None)
        subprocess.run(['bash', os.path.join(ROOT, 'scripts', 'stack.sh'), 'stop'], cwd=ROOT, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    pidfile = os.path.join(OUT, 'static', 'nginx.pid')
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        if os.path.basename(os.readlink('/proc/%d/exe' % pid)).startswith('nginx'):
            os.kill(pid, signal.SIGTERM)
            time.sleep(0.5)
    except (OSError, ValueError):
        pass
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(os.path.join(OUT, 'work'))
    os.chmod(OUT, 0o755)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seconds', type=float, default=10, help='duration of each run (10)')
    ap.add_argument('--threads', type=int, default=2, help='wrk threads and pgbench -j (2)')
    ap.add_argument('--connections', type=int, default=32, help='wrk connections and pgbench clients (32)')
    ap.add_argument('--filers', type=int, default=16, help='agency accounts filing at once, in turn (16: filings of one account queue on its hourly limit, as they must)')
    ap.add_argument('--history-rows', type=int, default=100000, help='requests for the history views (100,000)')
    ap.add_argument('--rss-requests', type=int, default=20000, help='requests of the RSS run (20,000; 0: none)')
    ap.add_argument('--long', action='store_true', help='the RSS run makes 100,000 requests')
    ap.add_argument('--max-keys', type=int, default=200000, help='at most this many submission keys (200,000)')
    ap.add_argument('--quick', action='store_true',
                    help='a smoke run for make check: 1,000 requests seeded, 4 filers, no topping up to --history-rows, '
                         'two history views, a 2,000-request RSS run')
    ap.add_argument('--no-write', action='store_true', help='do not write docs/performance.md')
    ap.add_argument('--output', default=os.path.join(ROOT, 'docs', 'performance.md'))
    ap.add_argument('--build', default='build',
                    help='directory of the programs (build: -O2, no sanitizers; PORTAL_BUILD is not read)')
    a = ap.parse_args()
    os.umask(0o022)
    if a.long:
        a.rss_requests = 100000
    a.seed = 16000
    if a.quick:
        a.seed = 1000
        a.history_rows = 0
        if a.rss_requests == 20000:
            a.rss_requests = 2000
        if a.filers == 16:
            a.filers = 4
    if a.threads < 1 or a.connections < a.threads or a.filers < 1 or a.seconds <= 0:
        ap.error('need --threads >= 1, --connections >= --threads, --filers >= 1, --seconds > 0')
    for tool in ('wrk', 'psql', 'nginx'):
        if not shutil.which(tool) and not (tool == 'nginx' and os.path.exists('/usr/sbin/nginx')):
            sys.exit('bench: %s is not installed (make bench installs it: scripts/deps.sh bench)' % tool)

    if os.environ.get('MAKELEVEL'):
        command = 'make bench' + (' BENCH_FLAGS=%s' % shlex.quote(' '.join(sys.argv[1:])) if sys.argv[1:] else '')
    else:
        command = ' '.join(['scripts/bench.py'] + [shlex.quote(x) for x in sys.argv[1:]])
    machine = machine_info(a)
    log('load average at start: %s on %d cores' % (' '.join('%.2f' % x for x in machine['load_start']),
                                                     machine['cores']))
    prepare_out()
    bench = Bench(a)

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    failed = None
    try:
        bench.run()
    except BenchError as e:
        failed = str(e)
    except KeyboardInterrupt:
        failed = 'interrupted'
    finally:
        bench.cleanup()
    elapsed = time.monotonic() - T0
    if failed:
        print('bench: FAILED: %s' % failed, file=sys.stderr)
        if bench.results:
            print(Report(bench, a, machine, command, elapsed).main_table())
        sys.exit(1)
    text = Report(bench, a, machine, command, elapsed).text()
    print()
    print(text)
    if not a.no_write:
        write_doc(a.output, text)
        log('written to %s' % os.path.relpath(a.output, ROOT))


if __name__ == '__main__':
    main()
