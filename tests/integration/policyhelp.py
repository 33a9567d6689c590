"""Helpers for the policy, notification and database-rule tests
(test_policy_oconomowoc, test_policy_milwaukee, test_notifications,
test_database_rules). Python 3 standard library only; builds on harness.py.

    S = harness.get_stack('milwaukee')
    dsup = person(S, 'dispatch_supervisor')
    c = signed(S, dsup)
    rid = file_ok(self, c, incoming_fields(bureau='Patrol Bureau', within_city='no'))
    j = req_json(c, rid)
    notes(j, rule='M-IN-DEC', recipient=dsup)

The rules are read from the policy files themselves (`portalctl policy
rules`, the portal's own parser): `rules('milwaukee')[id]['citation']` is
what every page, notification and event shows for the rule (its clause, or
"Department rule: " and the department's reason).
"""

import html
import os
import re
import subprocess
import time
import unittest
from contextlib import contextmanager

import harness
from harness import Client, Stack, request_id_from, uniq

PW = 'policy-tests-password-1'


# ---------------------------------------------------------------- stacks

class FastStack(Stack):
    """A private stack whose notifier checks its timers every second
    (PORTAL_NOTIFIER_POLL), for the overdue check-in and follow-up rules.
    policy_file: a policy file instead of the preset (harness.Stack)."""

    POLL = os.environ.get('PORTAL_TEST_NOTIFIER_POLL', '1')

    def env(self):
        e = super().env()
        e['PORTAL_NOTIFIER_POLL'] = self.POLL
        return e


_private = {}


def private_stack(policy, name, policy_file=None):
    """One private FastStack per (policy, name) for this run; stopped by
    harness.stop_all() like every other stack."""
    key = (policy, name)
    s = _private.get(key)
    if s is None or s.stopped:
        s = FastStack(policy=policy, name=name, start=False, policy_file=policy_file)
        _private[key] = s
        try:
            s.start()
        except BaseException:
            s.stop()
            raise
    return s


# ---------------------------------------------------------------- people

def person(stack, role, prefix=None, email=True, **attrs):
    """A new account of `role` (on duty), with a unique login; returns the login."""
    login = uniq(prefix or role.replace('_', '')[:8])
    if role == 'agency':
        attrs.setdefault('agency', 'Agency ' + login)
        attrs.setdefault('agency_type', 'local')
    if email and 'email' not in attrs:
        attrs['email'] = login + '@policy-tests.example.org'
    stack.add_user(login, role, 'Test %s %s' % (role.replace('_', ' '), login), PW, **attrs)
    return login


_clients = {}


def signed(stack, login, fresh=False):
    """A signed-in client for `login` (kept for the run unless fresh)."""
    key = (stack.port, login)
    if fresh or key not in _clients:
        c = Client(stack)
        c.login(login, PW)
        if fresh:
            return c
        _clients[key] = c
    return _clients[key]


@contextmanager
def off_duty(stack, *logins):
    """Sets these accounts off duty for the block, then on duty again."""
    done = []
    try:
        for login in logins:
            stack.duty(login, False)
            done.append(login)
        yield
    finally:
        for login in done:
            stack.duty(login, True)


@contextmanager
def unavailable(stack, role, past_shift=False, **attr):
    """Every available holder of `role` (of this bureau / district / unit,
    case-insensitive, when given) is made not available for the block: off
    duty, or (past_shift) on duty with a shift that ended a minute ago. The
    demo accounts and other tests' people included, so that "if not
    available" holds; put back as they were afterwards."""
    where = "role = '%s' AND NOT disabled AND on_duty AND (duty_until IS NULL OR duty_until > now())" % role
    for key, value in attr.items():
        assert key in ('bureau', 'district', 'unit'), key
        where += " AND lower(%s) = lower('%s')" % (key, value.replace("'", "''"))
    rows = stack.psql("SELECT id, coalesce(duty_until::text, '') FROM account WHERE %s" % where)
    if rows:
        ids = ','.join(r[0] for r in rows)
        if past_shift:
            stack.psql("UPDATE account SET duty_until = now() - interval '1 minute' WHERE id IN (%s)" % ids)
        else:
            stack.psql("UPDATE account SET on_duty = false WHERE id IN (%s)" % ids)
    try:
        yield [r[0] for r in rows]
    finally:
        for rid, until in rows:
            stack.psql("UPDATE account SET on_duty = true, duty_until = %s WHERE id = %s"
                       % ("'%s'" % until if until else 'NULL', rid))


def account_id(stack, login):
    return int(stack.scalar("SELECT id FROM account WHERE login = '%s'" % login.replace("'", "''")))


# ---------------------------------------------------------------- forms

def pairs(base, overrides):
    f = dict(base)
    for k, v in overrides.items():
        if v is None:
            f.pop(k, None)
        else:
            f[k] = v
    out = []
    for k, v in f.items():
        if isinstance(v, (list, tuple)):
            out.extend((k, x) for x in v)
        else:
            out.append((k, v))
    return out


def incoming_fields(**ov):
    """aid_incoming (harness.incoming_fields, as a dict base)."""
    base = dict()
    for k, v in harness.incoming_fields():
        if k == 'special_units':
            base.setdefault(k, []).append(v)
        else:
            base[k] = v
    return pairs(base, ov)


def outgoing_fields(**ov):
    return pairs({
        'kind': 'aid_outgoing',
        'requesting_agency': 'City of Oconomowoc Police Department',
        'requester_name': 'Sgt. Outgoing Example',
        'contact_phone': '+1 (262) 555-0142',
        'channel': 'portal',
        'incident_type': 'fire',
        'nature': 'Major fire at the mill; traffic and perimeter control needed.',
        'emergency': 'yes',
        'priority': 'urgent',
        'location': '100 Mill St',
        'municipality': 'Oconomowoc',
        'county': 'Waukesha',
        'squads': '3',
        'personnel': '6',
        'equipment': 'Barricades',
        'staging_area': 'Fire station 1 lot, enter from Main St',
        'commander_name': 'Lt. Staging Example',
    }, ov)


def internal_fields(**ov):
    return pairs({
        'kind': 'aid_internal',
        'requester_name': 'Sgt. Internal Example',
        'incident_type': 'civil_disorder',
        'nature': 'Crowd after the game; extra squads for District support.',
        'emergency': 'no',
        'priority': 'routine',
        'location': '1000 N 4th St',
        'district': 'District 1',
        'squads': '1',
    }, ov)


def fed_inv_fields(**ov):
    return pairs({
        'kind': 'federal_investigative',
        'nature': 'Interstate narcotics distribution; DEA lab support for case.',
        'incident_type': 'investigation',
        'priority': 'routine',
        'emergency': 'no',
        'federal_agency': 'dea',
        'case_number': 'C-' + uniq('case'),
        'investigation_category': 'narcotics',
    }, ov)


def fed_emer_fields(**ov):
    return pairs({
        'kind': 'federal_emergency',
        'nature': 'Explosive device found at the courthouse; ATF response requested.',
        'incident_type': 'terrorism',
        'priority': 'urgent',
        'emergency': 'yes',
        'location': '515 W Moreland Blvd',
        'federal_agency': 'atf',
    }, ov)


def fed_in_fields(**ov):
    return pairs({
        'kind': 'federal_incoming',
        'requesting_agency': 'FBI Milwaukee Field Office',
        'requester_name': 'SA Federal Example',
        'requester_position': 'Special Agent',
        'contact_phone': '+1 (414) 555-0199',
        'channel': 'phone',
        'incident_type': 'investigation',
        'nature': 'Federal task force asks for perimeter support at a warrant service.',
        'priority': 'routine',
        'emergency': 'no',
        'location': '2000 W Wisconsin Ave',
        # SOP 230.10 C: aid outside the city names the bureau requested
        # (both ignored where the policy in force does not ask them).
        'within_city': 'no',
        'bureau': 'Criminal Investigation Bureau',
        'federal_agency': 'fbi',
        'case_number': 'F-' + uniq('fc'),
        'investigation_category': 'arrest',
    }, ov)


# ---------------------------------------------------------------- HTTP

def file(client, fields):
    return client.post('/requests', list(fields) + [('csrf', client.csrf)])


def act(client, rid, action, fields=()):
    return client.post('/requests/%d/%s' % (rid, action), list(fields) + [('csrf', client.csrf)])


def req_json(client, rid):
    r = client.get('/requests/%d.json' % rid)
    assert r.status == 200, 'GET /requests/%d.json -> %s' % (rid, r.describe())
    return r.json()


def notes(j, rule=None, recipient='*', role=None):
    """The notifications of a request's JSON, filtered."""
    out = []
    for n in j.get('notifications', []):
        if rule is not None and n.get('rule') != rule:
            continue
        if recipient != '*' and n.get('recipient') != recipient:
            continue
        if role is not None and n.get('role') != role:
            continue
        out.append(n)
    return out


def recipients(j, rule):
    return sorted(str(n.get('recipient')) for n in notes(j, rule=rule))


def events(j, action=None):
    return [e for e in j.get('events', []) if action is None or e.get('action') == action]


def wait_until(fn, timeout=20.0, interval=0.5, what='condition'):
    """Calls fn until it returns something true; returns it, or None at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def page_text(body):
    """The words of an HTML page (tags dropped, entities decoded)."""
    return re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', ' ', body or '')))


def element_text(body, elem_id):
    """The text of the element with this id (None when there is none)."""
    m = re.search(r'<(\w+)\b[^>]*\bid\s*=\s*"%s"[^>]*>(.*?)</\1\s*>' % re.escape(elem_id),
                  body or '', re.S | re.I)
    return page_text(m.group(2)) if m else None


def request_state(stack, rid):
    """What an action on request `rid` may change, read as the database
    owner: the request's status and numbers (authorized, assessed,
    approved), its denial, and how many events, deployments (with their
    status and last check-in), check-ins, notifications and exceptions it
    has. A refused action leaves all of it as it was."""
    return stack.psql(
        "SELECT r.status, r.authorized_squads, r.authorized_supervisors, r.authorized_special_units,"
        " r.assessed_squads, r.assessed_supervisors, r.assessed_special_units,"
        " r.approved_squads, r.approved_supervisors, r.approved_special_units, r.approved_at,"
        " r.denial_reason, r.teletype_received_at, r.letter_received_at,"
        " (SELECT count(*) FROM audit_event WHERE request_id = r.id),"
        " (SELECT count(*) FROM notification WHERE request_id = r.id),"
        " (SELECT count(*) FROM policy_exception WHERE request_id = r.id),"
        " (SELECT coalesce(string_agg(d.id || ':' || d.status || ':' || coalesce(d.last_checkin_at::text, ''),"
        "   ',' ORDER BY d.id), '') FROM deployment d WHERE d.request_id = r.id),"
        " (SELECT count(*) FROM checkin k JOIN deployment d ON d.id = k.deployment_id"
        "   WHERE d.request_id = r.id)"
        " FROM request r WHERE r.id = %d" % rid)


# ---------------------------------------------------------------- psql as portal_app

def psql_as_app(stack, sql):
    """Runs SQL as the portal's own role portal_app; returns (rc, stdout, stderr)."""
    return harness.psql_as_app(stack, sql)


# ---------------------------------------------------------------- test case

class PolicyCase(harness.TestCase):
    """Assertions shared by the policy modules. Subclasses set S (the stack)
    and POLICY (the preset or policy file whose citations notifications
    must carry)."""

    S = None
    POLICY = None

    def cite(self, rule_id):
        """The citation of a rule of POLICY (its clause or "Department rule: ...")."""
        return citation(self.POLICY, rule_id)

    def file_ok(self, client, fields):
        before = self.S.count('request')
        r = file(client, fields)
        self.assertEqual(r.status, 303, 'filing was refused: ' + r.describe(2500))
        rid = request_id_from(r)
        self.assertIsNotNone(rid, 'Location is not /requests/ID: %r' % r.location)
        self.assertEqual(self.S.count('request'), before + 1)
        return rid

    def assertRefused(self, r, status, clause, what=''):
        """A full HTML error page with this status that names the clause
        (clause None: a refusal that names none, e.g. a member already out)."""
        self.assertEqual(r.status, status, '%s: %s' % (what, r.describe(1500)))
        self.assertIn('<html', r.body.lower(), '%s: the %d answer is not a full page' % (what, status))
        if clause is None:
            return
        text = page_text(r.body)
        self.assertIn(clause, text, '%s: the %d page does not name the clause %r: %s'
                      % (what, status, clause, text[:800]))

    def send_return_close(self, rid, dispatcher, closer, officer, note):
        """Sends `officer` on request `rid`, records their return, and closes
        it with `note` (clients; each step answers 303)."""
        r = act(dispatcher, rid, 'dispatch', [('assignee', officer)])
        self.assertEqual(r.status, 303, 'dispatch: ' + r.describe(1500))
        dep = str(req_json(dispatcher, rid)['deployments'][0]['id'])
        r = act(dispatcher, rid, 'checkin', [('deployment', dep), ('status', 'returned')])
        self.assertEqual(r.status, 303, 'checkin: ' + r.describe(1500))
        r = act(closer, rid, 'close', [('note', note)])
        self.assertEqual(r.status, 303, 'close: ' + r.describe(1500))

    def assertAskerTold(self, j, rule, agency_login):
        """The notification of `rule` (a department rule) went to the agency's
        member who filed, and to nobody else; returns it."""
        cited = citation(self.POLICY, rule)
        self.assertEqual([(n['recipient'], n['clause']) for n in notes(j, rule=rule)], [(agency_login, cited)])
        self.assertTrue(cited.startswith('Department rule: '), cited)
        return notes(j, rule=rule)[0]

    def assertActionRefused(self, client, rid, action, fields, status, clause, what=''):
        """POST /requests/RID/ACTION answers exactly `status` with a page
        naming `clause`, and stores nothing (request_state unchanged)."""
        before = request_state(self.S, rid)
        r = act(client, rid, action, fields)
        self.assertRefused(r, status, clause, what or action)
        self.assertEqual(request_state(self.S, rid), before,
                         '%s: a refused %s changed the request' % (what or action, action))
        return r

    def assertFilingRefused(self, client, fields, clause, what=''):
        before = self.S.count('request')
        r = file(client, fields)
        self.assertRefused(r, 403, clause, what)
        self.assertEqual(self.S.count('request'), before, '%s: a refused filing stored a request' % what)
        return r

    def assertFieldsMissing(self, client, fields, names, clause, what=''):
        """422, nothing stored, an element id="err-NAME" for each name, and the
        clause shown in that element (next to the field)."""
        before = self.S.count('request')
        r = file(client, fields)
        self.assertEqual(r.status, 422, '%s: %s' % (what, r.describe(1500)))
        self.assertEqual(self.S.count('request'), before, '%s: an invalid filing stored a request' % what)
        texts = {name: element_text(r.body, 'err-' + name) for name in names}
        absent = [n for n, t in texts.items() if t is None]
        self.assertEqual(absent, [], '%s: no element id="err-NAME" on the 422 page for %s'
                         % (what, absent))
        unnamed = ['err-%s: %r' % (n, t) for n, t in texts.items() if clause not in t]
        self.assertEqual(unnamed, [], '%s: the clause %r is not shown next to %d of %d field(s):\n  %s'
                         % (what, clause, len(unnamed), len(names), '\n  '.join(unnamed)))
        return r

    def assertNotified(self, j, rule, login, clause=None, role=None):
        """Exactly one notification of `rule` to `login`, citing the rule
        (its clause, or "Department rule: ..."; by default the citation
        POLICY's file gives it); returns it."""
        got = notes(j, rule=rule, recipient=login)
        self.assertEqual(len(got), 1, 'request %s: %d notification(s) of %s to %s; all: %s'
                         % (j.get('id'), len(got), rule, login,
                            [(n['rule'], n['recipient'], n['role']) for n in j['notifications']]))
        n = got[0]
        if clause is None and self.POLICY is not None:
            clause = self.cite(rule)
        if clause is not None:
            self.assertEqual(n['clause'], clause, 'the citation of %s' % rule)
        if role is not None:
            self.assertEqual(n['role'], role)
        self.assertTrue((n.get('reason') or '').strip(), 'notification without a reason')
        return n

    def assertNotNotified(self, j, rule, login):
        got = notes(j, rule=rule, recipient=login)
        self.assertEqual(got, [], 'request %s: %s was notified under %s but should not be'
                         % (j.get('id'), login, rule))


# ---------------------------------------------------------------- the policy files

_rules_cache = {}


def policy_path(policy):
    """A preset's file (policies/NAME.policy), or a path as given."""
    if '/' in policy or policy.endswith('.policy'):
        return os.path.abspath(policy)
    return os.path.join(harness.ROOT, 'policies', policy + '.policy')


def rules(policy):
    """The rules of a policy file as the portal reads them (`portalctl policy
    rules`): {id: {'id', 'basis' ('clause' | 'department'), 'state' ('on' |
    'off'), 'effect', 'citation', 'says', 'ordinal'}}."""
    path = policy_path(policy)
    if path in _rules_cache:
        return _rules_cache[path]
    build = os.environ.get('PORTAL_BUILD', 'build')
    exe = os.path.join(build if os.path.isabs(build) else os.path.join(harness.ROOT, build), 'portalctl')
    p = subprocess.run([exe, 'policy', 'rules', path], cwd=harness.ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 0, 'portalctl policy rules %s -> %d: %s' % (path, p.returncode, p.stderr.decode())
    out = {}
    for n, line in enumerate(p.stdout.decode('utf-8').splitlines()):
        rid, basis, state, effect, citation, says = line.split('\t')
        out[rid] = dict(id=rid, basis=basis, state=state, effect=effect, citation=citation, says=says,
                        ordinal=n)
    _rules_cache[path] = out
    return out


def citation(policy, rule_id):
    """What the portal shows for the rule: its clause, or "Department rule: WHY"."""
    return rules(policy)[rule_id]['citation']


# ---------------------------------------------------------------- rule coverage

def test_names_for(cls_or_module_globals):
    names = []
    for obj in cls_or_module_globals.values():
        if isinstance(obj, type) and issubclass(obj, unittest.TestCase):
            for n in dir(obj):
                if n.startswith('test_'):
                    names.append((n, getattr(obj, n)))
    return names


def rule_token(rule_id):
    """O-FED-INV-CHIEF -> O_FED_INV_CHIEF (as it appears in test names)."""
    return rule_id.replace('-', '_')


def clause_token(clause):
    """'98-023 §III.A.2, §IV.A.1' -> '98_023_III_A_2_IV_A_1'."""
    return re.sub(r'_+', '_', re.sub(r'[^A-Za-z0-9]+', '_', clause)).strip('_')


def citation_token(rule):
    """How a test's name mentions a rule's citation: its clause
    ('SOP_230_10_C_3_a'), or 'department_rule'."""
    return 'department_rule' if rule['basis'] == 'department' else clause_token(rule['citation'])


def assert_rule_coverage(tc, policy, module_globals, module_doc):
    """Every rule of the policy file has a test of this module named
    test_<RULE_ID>_<clause or department_rule>_... whose docstring names the
    rule id and quotes its clause (or says "Department rule"), and the module
    docstring's table maps the rule to that test."""
    tests = test_names_for(module_globals)
    missing = []
    for rule_id, rule in rules(policy).items():
        rt, ct = rule_token(rule_id), citation_token(rule)
        named = [(n, f) for n, f in tests if re.search(r'^test_%s_%s(_|$)' % (re.escape(rt), re.escape(ct)), n)]
        if not named:
            missing.append('%s (%s): no test named test_%s_%s_...' % (rule_id, rule['citation'][:60], rt, ct))
            continue
        quote = rule['citation'] if rule['basis'] == 'clause' else 'Department rule'
        if not any(quote in (f.__doc__ or '') and rule_id in (f.__doc__ or '') for n, f in named):
            missing.append('%s: the docstring of %s does not name it and quote "%s"' % (rule_id, named[0][0], quote))
        if not any(re.search(r'\|\s*%s\s*\|[^\n]*%s' % (re.escape(rule_id), re.escape(n)), module_doc or '')
                   for n, f in named):
            missing.append('%s: the module table does not map it to %s' % (rule_id, named[0][0]))
    tc.assertEqual(missing, [], '\n'.join(missing))


def switched_on(policy, rule_id, tag):
    """A copy of a preset's file with the department rule `rule_id` switched
    on (enabled: yes), under tests/out; returns its path."""
    with open(policy_path(policy), encoding='utf-8') as f:
        text = f.read()
    head, sep, rest = text.partition('rule %s\n' % rule_id)
    assert sep and '    enabled: no\n' in rest, '%s is no longer switched off in the file' % rule_id
    rest = rest.replace('    enabled: no\n', '    enabled: yes\n', 1)
    os.makedirs(harness.OUT, exist_ok=True)
    path = os.path.join(harness.OUT, '%s-%s.policy' % (tag, uniq('p')))
    with open(path, 'w', encoding='utf-8') as f:
        f.write(head + sep + rest)
    return path
