"""Status you can see (issue 11.6; cgi-bin/status.c, portalctl status,
`make status`, GET /healthz.json).

- Healthy: `portalctl status` exits 0 with a line for the portal (pid,
  uptime, restarts), the notifier, the database, the mail backlog, the
  notifier's heartbeat, the audit chain and "overall ok"; `make status`
  exits 0 and shows the same; /healthz.json says "ok".
- The notifier stopped (SIGSTOP, its heartbeat 5 minutes old): exit 3,
  "NOT SEEN", "overall DEGRADED"; /healthz.json "degraded", notifier
  "down"; `make status` fails (make's own exit status, 2).
- Mail behind (a pending notification 5 minutes old, the notifier
  stopped): exit 3, "mail BEHIND", /healthz.json "degraded", mail "behind".
- PostgreSQL restarted: the first /healthz and /healthz.json probes of
  every worker answer 200 (each makes its stale connection again).
- PostgreSQL stopped: exit 3 within 10 s (no hang), "database NOT
  ANSWERING", "overall DOWN", the processes still listed; /healthz.json
  503 "down".

Its own stack (the notifier is stopped and PostgreSQL too)."""

import os
import re
import signal
import subprocess
import time
import unittest

import harness
import policyhelp
from faults import notifier_pid, pg_restart, read_status, wait_until
from harness import Client

S = None


def setUpModule():
    global S
    S = policyhelp.private_stack('oconomowoc', 'status')


def portalctl_status():
    t0 = time.monotonic()
    rc, out, err = S.ctl('status', timeout=30)
    return rc, out, time.monotonic() - t0


def make_status():
    p = subprocess.run(['make', '-s', 'status'], cwd=harness.ROOT, env=S.env(),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    return p.returncode, p.stdout.decode(errors='replace')


def healthz_json():
    r = Client(S).get('/healthz.json')
    return r.status, r.json()


class Status(harness.TestCase):

    def stop_notifier(self):
        """SIGSTOP the notifier (alive, silent) with its heartbeat 5 minutes
        old; undone at cleanup."""
        pid = notifier_pid(S)
        os.kill(pid, signal.SIGSTOP)

        def resume():
            os.kill(pid, signal.SIGCONT)
            S.psql("UPDATE process_heartbeat SET seen_at = now() WHERE name = 'notifier'")
        self.addCleanup(resume)
        S.psql("UPDATE process_heartbeat SET seen_at = now() - interval '5 minutes' "
               "WHERE name = 'notifier'")
        return pid

    def age_notifications(self, rid, when):
        """created_at of a request's notifications set to `when`, with the
        trigger that keeps what was written unchanged (sql/007) off for that
        one transaction."""
        S.psql('BEGIN; ALTER TABLE notification DISABLE TRIGGER notification_append_only; '
               'UPDATE notification SET created_at = %s WHERE request_id = %d; '
               'ALTER TABLE notification ENABLE TRIGGER notification_append_only; COMMIT' % (when, rid))

    def test_healthy_exit_0_every_line(self):
        self.assertTrue(wait_until(lambda: portalctl_status()[0] == 0, 20),
                        'portalctl status never 0: %s' % (portalctl_status(),))
        rc, out, _ = portalctl_status()
        st = read_status(S.var)
        lines = out.splitlines()
        self.assertEqual(lines[0][:len('portal')], 'portal')
        self.assertRegex(out, r'(?m)^portal +running \(pid %d, up \d+ s, restarts %d\)$'
                         % (st['portal']['pid'], st['portal']['worker_restarts']))
        self.assertRegex(out, r'(?m)^notifier +running \(pid %d, up \d+ s, restarts %d\)$'
                         % (st['notifier']['pid'], st['notifier']['restarts']))
        self.assertRegex(out, r'(?m)^database +answering$')
        self.assertRegex(out, r'(?m)^mail +ok: \d+ notification\(s\) wait for e-mail')
        self.assertRegex(out, r'(?m)^notifier +seen \d+ s ago$')
        self.assertRegex(out, r'(?m)^audit +ok: ')
        self.assertEqual(lines[-1].split(), ['overall', 'ok'])
        rc, out = make_status()
        self.assertEqual(rc, 0, out)
        self.assertIn('| overall    ok', out)
        self.assertRegex(out, r'notifier  running \(pid %d\)' % st['notifier']['pid'])
        status, j = healthz_json()
        self.assertEqual((status, j['status'], j['mail'], j['notifier']), (200, 'ok', 'ok', 'ok'))

    def test_notifier_stopped_exit_3_degraded_healthz_degraded(self):
        self.stop_notifier()
        rc, out, _ = portalctl_status()
        self.assertEqual(rc, 3, out)
        self.assertRegex(out, r'(?m)^notifier +NOT SEEN \d+ s ago$')
        self.assertEqual(out.splitlines()[-1].split(), ['overall', 'DEGRADED'])
        status, j = healthz_json()
        self.assertEqual((status, j['status'], j['notifier']), (200, 'degraded', 'down'))
        rc, out = make_status()
        self.assertEqual(rc, 2, out)          # make's status when the recipe fails
        self.assertIn('| overall    DEGRADED', out)

    def test_mail_behind_exit_3_degraded_healthz_degraded(self):
        self.stop_notifier()
        S.psql("UPDATE process_heartbeat SET seen_at = now() WHERE name = 'notifier'")
        login = policyhelp.person(S, 'agency')
        c = policyhelp.signed(S, login)
        r = c.post('/requests', harness.incoming_fields() + [('csrf', c.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        rid = harness.request_id_from(r)
        pending = S.count('notification', "request_id = %d AND email_status = 'pending'" % rid)
        self.assertGreater(pending, 0)
        self.age_notifications(rid, "now() - interval '5 minutes'")
        self.addCleanup(self.age_notifications, rid, 'now()')
        rc, out, _ = portalctl_status()
        self.assertEqual(rc, 3, out)
        m = re.search(r'(?m)^mail +BEHIND: (\d+) notification\(s\) wait for e-mail, the oldest for (\d+) s$',
                      out)
        self.assertIsNotNone(m, out)
        self.assertGreaterEqual(int(m.group(1)), pending)
        self.assertGreaterEqual(int(m.group(2)), 300)
        status, j = healthz_json()
        self.assertEqual((status, j['status'], j['mail']), (200, 'degraded', 'behind'))

    def test_database_down_exit_3_within_10s_processes_still_listed(self):
        S.pg_stop()
        try:
            rc, out, took = portalctl_status()
            r = Client(S).get('/healthz.json')
            status, body = r.status, r.json()
        finally:
            S.pg_start()
        self.assertEqual(rc, 3, out)
        self.assertLess(took, 10)
        self.assertRegex(out, r'(?m)^portal +running \(pid \d+')
        self.assertRegex(out, r'(?m)^database +NOT ANSWERING')
        self.assertEqual(out.splitlines()[-1].split(), ['overall', 'DOWN'])
        self.assertEqual((status, body), (503, {'status': 'down', 'database': 'down'}))

    def test_after_postgres_restart_every_workers_first_health_probe_200(self):
        # Each worker's connection is stale after the restart: the probe
        # makes it again at once instead of reporting an outage.
        pg_restart(S)
        got = [Client(S).get('/healthz' if i % 2 else '/healthz.json').status for i in range(16)]
        self.assertEqual(got, [200] * 16)


if __name__ == '__main__':
    unittest.main()
