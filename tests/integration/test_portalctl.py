"""portalctl: bad input exits 2 with a one-line message and changes nothing;
user list; user duty.

The policy commands (PolicyFiles, PolicyLoad): `policy check FILE` (no
database needed) and `policy rules FILE` read a policy file with the
portal's own parser; `policy show` lists the policy in force by clause, the
department's rules apart and the switched-off ones under "switched off";
`policy load FILE` makes a changed file the policy in force, audited
(`policy_loaded`), and the workers cite its new text within seconds; a
broken file is refused with the line of every problem (exit 2), nothing
changed. PolicyLoad has a stack of its own ('portalctl-policy'): it changes
the policy in force.
"""

import os
import re
import signal
import subprocess
import time
import unittest

import harness
from harness import Client, uniq
import policyhelp as ph

PW = 'correct-horse-battery-4'
S = None


def setUpModule():
    global S
    S = harness.get_stack('oconomowoc')


class Portalctl(harness.TestCase):

    def assertRefused(self, rc, out, err, what):
        self.assertEqual(rc, 2, '%s: exit %d, stderr %r' % (what, rc, err))
        msg = err.strip()
        self.assertTrue(msg, '%s: no message on stderr' % what)
        self.assertNotIn('\n', msg, '%s: message is not one line: %r' % (what, err))

    def accounts(self):
        return S.count('account')

    def test_user_add_creates_account_that_can_sign_in(self):
        login = uniq('ok')
        rc, out, err = S.ctl('user', 'add', login, '--role', 'agency', '--name', 'Okay Agency',
                             '--email', 'ok@example.org', '--agency', 'Okay PD',
                             '--agency-type', 'tribal', stdin=PW + '\n')
        self.assertEqual(rc, 0, err)
        Client(S).login(login, PW)
        row = S.psql("SELECT role, full_name, agency, agency_type, email FROM account "
                     "WHERE login = '%s'" % login)
        self.assertEqual(row, [['agency', 'Okay Agency', 'Okay PD', 'tribal', 'ok@example.org']])

    def test_user_add_bad_role_exits_2_nothing_changed(self):
        before = self.accounts()
        login = uniq('br')
        self.assertRefused(*S.ctl('user', 'add', login, '--role', 'sheriff', '--name', 'X Y',
                                  stdin=PW + '\n'), what='bad role')
        self.assertEqual(self.accounts(), before)

    def test_user_add_duplicate_login_exits_2_original_kept(self):
        login = S.add_user(uniq('dup'), 'supervisor', 'Original Name', PW)
        before = self.accounts()
        self.assertRefused(*S.ctl('user', 'add', login, '--role', 'admin', '--name', 'Impostor',
                                  stdin='another-password-99\n'), what='duplicate login')
        self.assertEqual(self.accounts(), before)
        self.assertEqual(S.psql("SELECT role, full_name FROM account WHERE login = '%s'" % login),
                         [['supervisor', 'Original Name']])
        Client(S).login(login, PW)
        self.assertEqual(Client(S).try_login(login, 'another-password-99').status, 401)

    def test_user_add_empty_password_exits_2_nothing_changed(self):
        before = self.accounts()
        login = uniq('ep')
        self.assertRefused(*S.ctl('user', 'add', login, '--role', 'officer', '--name', 'No Pass',
                                  stdin='\n'), what='empty password (newline only)')
        self.assertRefused(*S.ctl('user', 'add', login, '--role', 'officer', '--name', 'No Pass',
                                  stdin=''), what='empty password (no input)')
        self.assertEqual(self.accounts(), before)

    def test_user_add_bad_agency_type_exits_2_nothing_changed(self):
        before = self.accounts()
        self.assertRefused(*S.ctl('user', 'add', uniq('bt'), '--role', 'agency', '--name', 'Bad T',
                                  '--agency', 'Bad Type PD', '--agency-type', 'galactic',
                                  stdin=PW + '\n'), what='bad agency type')
        self.assertEqual(self.accounts(), before)

    def test_user_add_bad_login_exits_2(self):
        before = self.accounts()
        self.assertRefused(*S.ctl('user', 'add', 'Bad Login!', '--role', 'officer',
                                  '--name', 'Bad Login', stdin=PW + '\n'), what='bad login')
        self.assertEqual(self.accounts(), before)

    def test_user_list_one_line_per_account_starting_with_login(self):
        mine = [S.add_user(uniq('ls'), 'officer', 'Listed Officer %d' % i, PW) for i in range(2)]
        rc, out, err = S.ctl('user', 'list')
        self.assertEqual(rc, 0, err)
        lines = [l for l in out.splitlines() if l.strip()]
        logins = [r[0] for r in S.psql('SELECT login FROM account')]
        starts = [l.split()[0] for l in lines]
        for login in mine:
            self.assertIn(login, starts)
        self.assertEqual(sorted(starts), sorted(logins),
                         'user list lines do not match the accounts one to one')

    def test_user_duty_on_off_and_unknown_login(self):
        login = S.add_user(uniq('dt'), 'watch_commander', 'Duty Tester', PW)
        S.duty(login, False)
        self.assertEqual(S.scalar("SELECT on_duty FROM account WHERE login = '%s'" % login), 'f')
        S.duty(login, True)
        self.assertEqual(S.scalar("SELECT on_duty FROM account WHERE login = '%s'" % login), 't')
        self.assertRefused(*S.ctl('user', 'duty', uniq('nobody'), 'on'), what='duty unknown login')
        self.assertRefused(*S.ctl('user', 'duty', login, 'sideways'), what='duty bad state')



# ---------------------------------------------------------------- policy files

def portalctl_alone(*args):
    """portalctl with no database within reach: (rc, stdout, stderr)."""
    env = dict(os.environ)
    for k in ('PORTAL_VAR', 'PORTAL_DSN', 'PORTAL_OWNER_DSN', 'PORTAL_DB_DSN'):
        env.pop(k, None)
    env['PORTAL_DSN'] = 'host=/nonexistent/portal-test dbname=portal user=nobody'
    env['PORTAL_ROOT'] = harness.ROOT
    exe = os.path.join(S.build, 'portalctl')
    p = subprocess.run([exe] + list(args), cwd=harness.ROOT, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def policy_text(name='oconomowoc'):
    with open(ph.policy_path(name), encoding='utf-8') as f:
        return f.read()


def write_policy(text, tag):
    os.makedirs(harness.OUT, exist_ok=True)
    path = os.path.join(harness.OUT, '%s-%s.policy' % (tag, uniq('pf')))
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


def line_of(text, needle):
    """1-based number of the first line holding needle."""
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError('%r is not in the text' % needle)


def show_sections(out):
    """`policy show` as {section title: [rule ids]} (the header line apart)."""
    sections, current = {}, None
    for line in out.splitlines():
        if line.startswith('# '):
            current = line[2:]
            sections.setdefault(current, [])
        elif line.strip() and current is not None:
            sections[current].append(line.split('\t')[0])
    return sections


class PolicyFiles(harness.TestCase):

    def test_policy_check_reads_each_file_without_a_database(self):
        """`portalctl policy check FILE`: exit 0 and a one-line summary (rules,
        department rules, switched off) for the presets and a third
        department's file, with no database within reach."""
        for name, path in (('oconomowoc', 'policies/oconomowoc.policy'),
                           ('milwaukee', 'policies/milwaukee.policy'),
                           ('riverton', 'tests/fixtures/riverton.policy')):
            with self.subTest(policy=name):
                rules = ph.rules(path)
                rc, out, err = portalctl_alone('policy', 'check', path)
                self.assertEqual((rc, err), (0, ''), err)
                dept = sum(r['basis'] == 'department' for r in rules.values())
                off = sum(r['state'] == 'off' for r in rules.values())
                self.assertEqual(out.strip(), '%s: policy %s of %s: %d rules (%d department rules, %d switched '
                                 'off): no problem found' % (path, name, self.department(path), len(rules), dept, off))

    @staticmethod
    def department(path):
        with open(os.path.join(harness.ROOT, path), encoding='utf-8') as f:
            return re.search(r'^department: (.*)$', f.read(), re.M).group(1)

    def test_policy_rules_one_line_per_rule_clause_or_department(self):
        """`portalctl policy rules FILE`: each rule, in the file's order: id,
        clause or department, on or off, effect, citation ("Department rule:
        WHY" for the department's own), plain words."""
        rc, out, err = portalctl_alone('policy', 'rules', 'policies/oconomowoc.policy')
        self.assertEqual(rc, 0, err)
        rows = [line.split('\t') for line in out.splitlines()]
        self.assertTrue(all(len(r) == 6 for r in rows), rows[:3])
        text = policy_text()
        self.assertEqual([r[0] for r in rows], re.findall(r'^rule (\S+)$', text, re.M))
        by = {r[0]: r for r in rows}
        self.assertEqual(by['O-SUPERVISOR'][1:5], ['clause', 'on', 'notify', '98-023 §V.A'])
        self.assertEqual(by['O-APPROVE'][1:4], ['department', 'off', 'approve'])
        self.assertTrue(by['O-APPROVE'][4].startswith("Department rule: a supervisor's approval"), by['O-APPROVE'])
        for r in rows:
            self.assertEqual(r[4].startswith('Department rule: '), r[1] == 'department', r)

    def test_policy_check_refuses_a_broken_file_naming_each_line(self):
        """A broken file: exit 2, every problem on stderr with its line (an
        unknown key, a rule with neither clause nor department reason, a
        federal kind whose chief is never told), nothing on stdout."""
        text = policy_text()
        text = text.replace('    says: All requests for mutual assistance require supervisor/OIC notification.\n',
                            '    says: All requests for mutual assistance require supervisor/OIC notification.\n'
                            '    colour: blue\n', 1)
        text = text.replace('rule O-FED-EMER-CHIEF\n    clause: 98-023 §III.B.3\n', 'rule O-FED-EMER-CHIEF\n', 1)
        start = text.index('rule O-FED-INV-CHIEF\n')
        end = text.index('\nrule ', start + 1)
        text = text[:start] + text[end + 1:]            # no chief notification of federal_investigative
        path = write_policy(text, 'broken')
        rc, out, err = portalctl_alone('policy', 'check', path)
        self.assertEqual((rc, out), (2, ''), err)
        lines = err.strip().splitlines()
        self.assertTrue(all(l.startswith('portalctl: %s: ' % path) for l in lines), lines)
        self.assertIn('line %d: rule O-SUPERVISOR: unknown key "colour"' % line_of(text, 'colour: blue'), err)
        self.assertIn('line %d: rule O-FED-EMER-CHIEF:' % line_of(text, 'rule O-FED-EMER-CHIEF'), err)
        self.assertRegex(err, r'(?i)federal_investigative[^\n]*chief|chief[^\n]*federal_investigative')
        self.assertEqual(len(lines), 3, err)


class PolicyLoad(harness.TestCase):
    """A stack of its own: the policy in force changes here."""

    @classmethod
    def setUpClass(cls):
        cls.S = ph.private_stack('oconomowoc', 'portalctl-policy')
        cls.agency = ph.person(cls.S, 'agency', 'pcag', agency='Load PD ' + uniq('a'))
        cls.sup = ph.person(cls.S, 'supervisor', 'pcsup')

    @classmethod
    def tearDownClass(cls):
        cls.S.stop()

    def state(self):
        S = self.S
        return (S.count('policy_document'), S.count('audit_event', "action = 'policy_loaded'"),
                S.scalar('SELECT max(id) FROM policy_document'))

    def test_policy_show_lists_clauses_then_department_rules_then_switched_off(self):
        """`portalctl policy show`: the policy in force, grouped by clause; the
        department's own rules listed apart (each with "Department rule:"),
        the switched-off O-APPROVE under "switched off" and nowhere else."""
        rc, out, err = self.S.ctl('policy', 'show')
        self.assertEqual(rc, 0, err)
        rules = ph.rules('oconomowoc')
        self.assertRegex(out.splitlines()[0], r'^# City of Oconomowoc Police Department: Policy 98-023, Mutual Aid '
                                              r'\(July 27, 2022\) \(policy oconomowoc, document \d+\), %d rules$'
                                              % len(rules))
        sec = show_sections(out)
        dept_title = "Department rules (the department's own, not clauses of the policy)"
        self.assertEqual(sec[dept_title], [r for r, x in rules.items() if x['basis'] == 'department' and x['state'] == 'on'])
        self.assertEqual(sec['Department rules switched off'], ['O-APPROVE'])
        for rid, x in rules.items():
            if x['basis'] == 'clause':
                self.assertIn(rid, sec[x['citation']], '%s not under its clause %s' % (rid, x['citation']))
        listed = [r for ids in sec.values() for r in ids]
        self.assertEqual(sorted(listed), sorted(rules), 'each rule once')
        for line in out.splitlines():
            if line.startswith('O-') and line.split('\t')[0] in sec[dept_title] + ['O-APPROVE']:
                self.assertTrue(line.split('\t')[1].startswith('Department rule: '), line)

    def test_z_init_reloads_a_stored_policy_this_version_cannot_read(self):
        """After an upgrade that reads policy files more strictly, the stored
        policy may not read any more: every page says so (503, nothing
        changed) instead of blaming the database; `portalctl init --policy`
        with the same policy's file loads it again (audited); with another
        policy's file it refuses (exit 2) and changes nothing."""
        S = self.S
        body = open(os.path.join(harness.ROOT, 'policies', 'oconomowoc.policy')).read()
        # The same file with a key this version does not know: unreadable.
        broken = body.replace('rule O-OUT-FILE\n', 'rule O-OUT-FILE\n    colour: blue\n', 1)
        self.assertNotEqual(broken, body)
        self.assertNotIn('$pol$', broken)
        S.psql("INSERT INTO policy_document (name, body, sha256, loaded_by)"
               " VALUES ('oconomowoc', $pol$%s$pol$, sha256(convert_to($pol$%s$pol$, 'UTF8')),"
               " 'an older portal')" % (broken, broken))
        # A running worker keeps the policy it has; new workers (after a
        # restart or an upgrade) cannot read the stored one.
        run = os.path.join(S.var, 'run')
        master = int(open(os.path.join(run, 'portal.pid')).read().split()[0])
        notifier = int(open(os.path.join(run, 'notifier.pid')).read().split()[0])
        for pid in os.popen('pgrep -P %d' % master).read().split():
            if int(pid) != notifier:
                os.kill(int(pid), signal.SIGTERM)
        time.sleep(2)
        r = Client(S).get('/login')
        self.assertEqual(r.status, 503, r.describe())
        self.assertIn("cannot read the department&#39;s policy in force", r.body)
        before = self.state()
        rc, out, err = S.ctl('init', '--policy', 'milwaukee')
        self.assertEqual(rc, 2, out + err)
        self.assertIn('the policy in force (oconomowoc) cannot be read by this version', err)
        self.assertEqual(self.state(), before)
        rc, out, err = S.ctl('init', '--policy', 'oconomowoc')
        self.assertEqual(rc, 0, out + err)
        self.assertIn('loading', out)
        self.assertEqual(self.state()[:2], (before[0] + 1, before[1] + 1))
        deadline = time.time() + 10
        while Client(S).get('/login').status != 200:
            self.assertLess(time.time(), deadline, 'the reloaded policy is not in force')
            time.sleep(0.5)

    def test_policy_load_refuses_a_broken_file_and_changes_nothing(self):
        """`portalctl policy load` of a broken file: exit 2, the line of the
        problem named, nothing stored, no audit event, the policy in force
        unchanged."""
        text = policy_text().replace('rule O-SUPERVISOR\n    clause: 98-023 §V.A\n    effect: notify\n',
                                     'rule O-SUPERVISOR\n    clause: 98-023 §V.A\n    effect: shout\n', 1)
        path = write_policy(text, 'broken-load')
        before = self.state()
        rc, out, err = self.S.ctl('policy', 'load', path)
        self.assertEqual(rc, 2, err)
        self.assertIn('line %d:' % line_of(text, 'effect: shout'), err)
        self.assertEqual(self.state(), before)

    def test_policy_load_takes_effect_within_seconds_and_is_audited(self):
        """`portalctl policy load` of a changed file: exit 0, a new
        policy_document, an audit event policy_loaded naming the file and its
        SHA-256; within ~6 s the workers cite the new text on the request
        page (the notification's reason) and /policy, and `policy show`
        lists it."""
        S = self.S
        marker = 'Supervisor told: reloaded ' + uniq('m')
        text = policy_text().replace(
            '    says: All requests for mutual assistance require supervisor/OIC notification.\n',
            '    says: %s.\n' % marker, 1)
        self.assertIn(marker, text)
        path = write_policy(text, 'changed')
        before = self.state()
        rc, out, err = S.ctl('policy', 'load', path)
        self.assertEqual(rc, 0, err)
        count, audits, doc = self.state()
        self.assertEqual((count, audits), (before[0] + 1, before[1] + 1))
        ev = S.psql("SELECT note, request_id FROM audit_event WHERE action = 'policy_loaded' ORDER BY seq DESC LIMIT 1")
        sha = S.scalar("SELECT encode(sha256, 'hex') FROM policy_document WHERE id = %s" % doc)
        self.assertIn(path, ev[0][0])
        self.assertIn(sha[:16], ev[0][0])
        self.assertEqual(ev[0][1], '')
        self.assertIn('document %s' % doc, out)
        agency, sup = ph.signed(S, self.agency), ph.signed(S, self.sup)
        t0 = time.monotonic()

        def cited():
            rid = harness.request_id_from(ph.file(agency, harness.incoming_fields(nature='Reload ' + uniq('n'))))
            page = sup.get('/requests/%d' % rid)
            return rid if marker in ph.page_text(page.body) else None
        rid = ph.wait_until(cited, timeout=12, interval=0.5)
        elapsed = time.monotonic() - t0
        self.assertTrue(rid, 'the request page did not cite the new text within 12 s')
        self.assertLess(elapsed, 8.0, 'the workers took %.1f s to read the new policy' % elapsed)
        n = [x for x in ph.req_json(sup, rid)['notifications'] if x['rule'] == 'O-SUPERVISOR']
        self.assertTrue(n and all(x['reason'].startswith(marker) and x['clause'] == '98-023 §V.A' for x in n), n)
        self.assertIn(marker, ph.page_text(sup.get('/policy').body))
        rc, out, err = S.ctl('policy', 'show')
        self.assertIn('O-SUPERVISOR\t98-023 §V.A\t%s.' % marker, out)
        self.assertIn('(policy oconomowoc, document %s)' % doc, out.splitlines()[0])


if __name__ == '__main__':
    unittest.main()
