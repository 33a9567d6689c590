#!/usr/bin/python3
"""Read throughput of a running instance with many clients at once.

Usage: scripts/bench-concurrency.py [--port 8080] [--clients 32] [--seconds 10] [--path /history]
Signs in one reviewer (made with portalctl) and has --clients threads, each
with its own keep-alive connection, GET --path for --seconds; prints requests
per second and the median and 95th-percentile latency. Used to choose the
worker count (PORTAL_WORKERS): see README.md.
"""
import argparse, http.client, os, re, secrets, statistics, subprocess, threading, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sign_in(port):
    login, password = 'benchc' + secrets.token_hex(3), secrets.token_urlsafe(16)
    subprocess.run([os.path.join(ROOT, os.environ.get('PORTAL_BUILD', 'build'), 'portalctl'), 'user', 'add',
                    login, '--role', 'admin', '--name', 'Concurrency benchmark'],
                   input=password + '\n', text=True, check=True, stdout=subprocess.DEVNULL)
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    conn.request('GET', '/login')
    r = conn.getresponse(); body = r.read().decode()
    pre = [c.split(';')[0] for c in r.headers.get_all('Set-Cookie') or []]
    token = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
    conn.request('POST', '/login', urllib.parse.urlencode({'login': login, 'password': password, 'csrf': token}),
                 {'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': '; '.join(pre)})
    r = conn.getresponse(); r.read()
    for c in r.headers.get_all('Set-Cookie') or []:
        if c.startswith('portal_session='):
            return c.split(';')[0]
    raise SystemExit('sign-in failed')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=int(os.environ.get('PORTAL_PORT', '8080')))
    ap.add_argument('--clients', type=int, default=32)
    ap.add_argument('--seconds', type=float, default=10)
    ap.add_argument('--path', default='/history')
    a = ap.parse_args()
    cookie = sign_in(a.port)
    lat, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + a.seconds

    def client():
        conn = http.client.HTTPConnection('127.0.0.1', a.port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            conn.request('GET', a.path, headers={'Cookie': cookie})
            r = conn.getresponse(); r.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if r.status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(a.clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    lat.sort()
    print(f'{a.path}: {len(lat)} requests by {a.clients} clients in {took:.1f} s: '
          f'{len(lat) / took:.0f} requests/s, median {statistics.median(lat):.1f} ms, '
          f'p95 {lat[int(len(lat) * 0.95) - 1]:.1f} ms, non-200: {errors[0]}')


if __name__ == '__main__':
    main()
