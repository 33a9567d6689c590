#!/usr/bin/python3
"""Times the history page of a running instance (median and 95th percentile).

Usage: scripts/bench-history.py [--port 8080] [--runs 40]
Makes a reviewer account with portalctl (PORTAL_VAR as for the stack),
signs in and requests each view --runs times in a row, one at a time, from
one client on loopback: the time measured is the whole HTTP exchange through
nginx, the portal and PostgreSQL.
"""
import argparse, http.client, os, re, secrets, statistics, subprocess, sys, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=int(os.environ.get('PORTAL_PORT', '8080')))
    ap.add_argument('--runs', type=int, default=40)
    args = ap.parse_args()
    build = os.environ.get('PORTAL_BUILD', 'build')
    login, password = 'bench' + secrets.token_hex(3), secrets.token_urlsafe(16)
    subprocess.run([os.path.join(ROOT, build, 'portalctl'), 'user', 'add', login, '--role', 'admin',
                    '--name', 'History benchmark'], input=password + '\n', text=True, check=True,
                   stdout=subprocess.DEVNULL)
    conn = http.client.HTTPConnection('127.0.0.1', args.port, timeout=30)
    conn.request('GET', '/login')
    r = conn.getresponse(); body = r.read().decode()
    cookies = {c.split('=', 1)[0]: c.split(';')[0].split('=', 1)[1] for c in r.headers.get_all('Set-Cookie') or []}
    token = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({'login': login, 'password': password, 'csrf': token})
    conn.request('POST', '/login', form, {'Content-Type': 'application/x-www-form-urlencoded',
                 'Cookie': '; '.join(f'{k}={v}' for k, v in cookies.items())})
    r = conn.getresponse(); r.read()
    for c in r.headers.get_all('Set-Cookie') or []:
        k, v = c.split(';')[0].split('=', 1); cookies[k] = v
    cookie = f"portal_session={cookies['portal_session']}"
    views = [
        ('no filter, page 1', '/history'),
        ('kind filter', '/history?kind=federal_investigative'),
        ('status + date range', '/history?status=approved&from=2026-01-01&to=2026-06-30'),
        ('agency prefix', '/history?agency=Pewaukee'),
        ('word search', '/history?q=narcotics'),
        ('word search + kind', '/history?q=tornado&kind=aid_incoming'),
        ('two words', '/history?q=stolen+vehicle'),
        ('word search, page 20', '/history?q=fire&page=20'),
        ('JSON, word search', '/history.json?q=shooter'),
    ]
    print(f"{'view':28} {'median ms':>10} {'p95 ms':>8}")
    worst = 0.0
    for name, path in views:
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            conn.request('GET', path, headers={'Cookie': cookie})
            r = conn.getresponse(); r.read()
            times.append((time.perf_counter() - t0) * 1000)
            if r.status != 200:
                sys.exit(f'{path}: HTTP {r.status}')
        times.sort()
        med = statistics.median(times)
        worst = max(worst, med)
        print(f"{name:28} {med:10.1f} {times[int(len(times) * 0.95) - 1]:8.1f}")
    print(f"slowest median: {worst:.1f} ms")

if __name__ == '__main__':
    main()
