#!/usr/bin/python3
"""A sign-in flood against a running portal, and what a signed-in person
sees meanwhile (issue "Hold against an adversary", item 4).

    scripts/flood-signin.py --base http://127.0.0.1:8080 --login sup1 --password ... \
        [--rate 30] [--addresses 10] [--seconds 20] [--readers 2]

`--rate` sign-in attempts per second in all, spread over `--addresses`
source addresses of 127.0.0.0/8 (nginx passes each as the client's
address), each with a fresh sign-in form and a wrong password for random
logins; meanwhile `--readers` signed-in clients load the home page and the
inbox in a loop. Prints the answers of both sides and the signed-in
latencies (p50, p95, max). Exit 0 when nothing answered 502/504 and every
signed-in page answered 200. Python 3 standard library only.
"""

import argparse
import http.client
import re
import statistics
import sys
import threading
import time
import urllib.parse

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Conn:
    def __init__(self, base, source=None):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.source = source
        self.cookies = {}

    def req(self, method, path, body=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=30,
                                       source_address=(self.source, 0) if self.source else None)
        h = {'Connection': 'close'}
        if self.cookies:
            h['Cookie'] = '; '.join('%s=%s' % kv for kv in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body).encode()
            h['Content-Type'] = 'application/x-www-form-urlencoded'
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read().decode('utf-8', 'replace')
            for sc in r.headers.get_all('Set-Cookie') or []:
                k, _, v = sc.split(';')[0].partition('=')
                if v:
                    self.cookies[k.strip()] = v
                else:
                    self.cookies.pop(k.strip(), None)
            return r.status, data
        finally:
            c.close()

    def sign_in(self, login, password):
        _, page = self.req('GET', '/login')
        m = CSRF.search(page)
        return self.req('POST', '/login', {'login': login, 'password': password,
                                           'csrf': m.group(1) if m else ''})[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', default='http://127.0.0.1:8080')
    ap.add_argument('--login', required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--rate', type=float, default=30)
    ap.add_argument('--addresses', type=int, default=10)
    ap.add_argument('--seconds', type=float, default=20)
    ap.add_argument('--readers', type=int, default=2)
    a = ap.parse_args()

    flood, reads, times = {}, {}, []
    lock = threading.Lock()
    stop = time.monotonic() + a.seconds

    def flooder(k):
        n = 0
        per = a.rate / a.addresses
        start = time.monotonic()
        while time.monotonic() < stop:
            due = start + n / per
            if due > time.monotonic():
                time.sleep(due - time.monotonic())
            try:
                s = Conn(a.base, '127.0.%d.%d' % (10 + k // 200, 1 + k % 200)).sign_in(
                    'flood%d-%d' % (k, n % 50), 'not the password')
            except OSError as e:
                s = type(e).__name__
            with lock:
                flood[s] = flood.get(s, 0) + 1
            n += 1

    def reader():
        c = Conn(a.base)
        if c.sign_in(a.login, a.password) != 303:
            with lock:
                reads['sign-in failed'] = reads.get('sign-in failed', 0) + 1
            return
        while time.monotonic() < stop:
            for path in ('/', '/inbox'):
                t0 = time.monotonic()
                try:
                    s = c.req('GET', path)[0]
                except OSError as e:
                    s = type(e).__name__
                with lock:
                    times.append(time.monotonic() - t0)
                    reads[s] = reads.get(s, 0) + 1

    threads = [threading.Thread(target=flooder, args=(k,)) for k in range(a.addresses)]
    threads += [threading.Thread(target=reader) for _ in range(a.readers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    p = (lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000) if times else (lambda q: 0)
    print('sign-in flood: %.0f/s from %d addresses for %.0f s: answers %s'
          % (a.rate, a.addresses, a.seconds, dict(sorted(flood.items(), key=str))))
    print('signed-in pages: %d answers %s; latency p50 %.0f ms, p95 %.0f ms, max %.0f ms'
          % (len(times), dict(sorted(reads.items(), key=str)), p(0.5), p(0.95), p(1.0)))
    bad = sum(v for k, v in list(flood.items()) + list(reads.items()) if k in (502, 504))
    ok = bad == 0 and set(reads) == {200}
    print('result: %s' % ('ok' if ok else 'FAILED (502/504 or a signed-in page not 200)'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
