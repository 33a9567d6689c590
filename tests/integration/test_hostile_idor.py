"""Hostile suite: other people's things by id.

Agency A asks for, and acts on, agency B's request by its id; staff and
agencies use ids that do not exist, are huge (18, 19, 20+ digits), zero,
negative or not numbers at all; people acknowledge notifications of someone
else; the check-in names a deployment of another request or of another
officer; the administrator addresses accounts that do not exist or their
own. Each case: one exact status, nothing changed in the database, none of
the other party's data in the answer, no internal detail.

The deployments are put in place by the database owner (the dispatch rules
are not what is tested here).
"""

import unittest

import harness
import hostile
from harness import incoming_fields, request_id_from, uniq

S = None
P = {}          # key -> login
OBJ = {}        # name -> id
FOREIGN = []    # strings of agency B's request that nobody else of A may see

ACTIONS = ('authorize', 'approve', 'deny', 'assess', 'dispatch', 'checkin', 'followup', 'close',
           'cancel', 'except')


def setUpModule():
    global S
    S = hostile.stack()
    P.update(hostile.people())
    P['agency_b'] = hostile.person('agency', key='idor-agency-b',
                                   agency='Hostile Agency B ' + uniq('b'), agency_type='county')
    P['officer_b'] = hostile.person('officer', key='idor-officer-b')
    P['bystander'] = hostile.person('officer', key='idor-bystander')
    marker = 'IDOR-secret-' + uniq('s')
    FOREIGN.extend([marker, 'idor-b-contact@' + marker.lower() + '.example.org', 'Caller ' + marker])
    b = hostile.signed(P['agency_b'])
    r = b.post('/requests', incoming_fields(nature='Nature ' + marker, contact_email=FOREIGN[1],
                                            requester_name=FOREIGN[2]) + [('csrf', b.csrf)])
    assert r.status == 303, 'agency B could not file: %s' % r.describe()
    OBJ['rb'] = request_id_from(r)
    sup = hostile.signed(P['supervisor'])
    ids = []
    for _ in range(2):
        r = sup.post('/requests', incoming_fields(nature='Staff request ' + uniq('n')) + [('csrf', sup.csrf)])
        assert r.status == 303, 'the supervisor could not file: %s' % r.describe()
        ids.append(request_id_from(r))
    OBJ['rx'], OBJ['ry'] = ids
    db = hostile.db()
    me = {k: hostile.account_id(P[k]) for k in ('dispatcher', 'officer', 'officer_b', 'bystander',
                                               'admin', 'supervisor')}
    OBJ.update({'id_' + k: v for k, v in me.items()})
    # One open deployment on each staff request: officer B's on rx, the
    # officer's own on ry, both authorized by the dispatcher.
    for req, officer in (('rx', 'officer_b'), ('ry', 'officer')):
        OBJ['dep_' + req] = int(db.scalar(
            "INSERT INTO deployment (request_id, assignee, account_id, unit_type, authorized_by)"
            " VALUES (%d, %s, %d, 'squad', %d) RETURNING id"
            % (OBJ[req], hostile.lit(P[officer]), me[officer], me['dispatcher'])))
        db.psql("UPDATE request SET status = 'dispatched', dispatched_at = now() WHERE id = %d" % OBJ[req])
    # A notification for the bystander alone, and one kept for the chief's role.
    OBJ['note_bystander'] = int(db.scalar(
        "INSERT INTO notification (request_id, recipient_id, recipient_role, clause, reason)"
        " VALUES (%d, %d, 'officer', 'test', 'For the bystander only') RETURNING id"
        % (OBJ['rx'], me['bystander'])))
    OBJ['note_role'] = int(db.scalar(
        "INSERT INTO notification (request_id, recipient_id, recipient_role, clause, reason)"
        " VALUES (%d, NULL, 'chief', 'test', 'Kept for the chief''s role') RETURNING id" % OBJ['rx']))
    OBJ['max_request'] = int(db.scalar('SELECT max(id) FROM request'))
    OBJ['max_account'] = int(db.scalar('SELECT max(id) FROM account'))
    OBJ['max_note'] = int(db.scalar('SELECT max(id) FROM notification'))


def tearDownModule():
    hostile.tidy(notifications=[OBJ.get('note_bystander'), OBJ.get('note_role')],
                 deployments=[OBJ.get('dep_rx'), OBJ.get('dep_ry')])


def fmt(path):
    return path.format(
        missing=OBJ['max_request'] + 100000, missing_account=OBJ['max_account'] + 100000,
        missing_note=OBJ['max_note'] + 100000, rb0='000' + str(OBJ['rb']), **OBJ)


class Idor(harness.TestCase):

    def run_case(self, name, spec):
        who, method, path = spec[:3]
        want = spec[3]
        form = spec[4] if len(spec) > 4 else []
        path = fmt(path)
        case = '%s: %s %s %s as %s' % (name, method, path, form or '', who)
        c = hostile.signed(P[who])
        before = hostile.snapshot()
        if method == 'GET':
            r = c.get(path)
        elif method == 'HEAD':
            r = c.request('HEAD', path)
        else:
            r = c.post(path, [(k, fmt(v)) for k, v in form] + [('csrf', c.csrf)])
        json = path.split('?')[0].endswith('.json')
        if method == 'HEAD':
            self.assertEqual(r.status, want, '%s: %s' % (case, r.describe()))
            self.assertEqual(r.raw, b'', '%s: HEAD answered with a body' % case)
        else:
            hostile.assert_error_page(self, r, want, case, json=json)
        hostile.assert_clean(self, r, case, foreign=FOREIGN if who != 'agency_b' else ())
        hostile.assert_unchanged(self, before, case)


CASES = [
    # Agency A and agency B's request.
    ('a_reads_b_page', ('agency', 'GET', '/requests/{rb}', 404)),
    ('a_reads_b_json', ('agency', 'GET', '/requests/{rb}.json', 404)),
    ('a_reads_b_print', ('agency', 'GET', '/requests/{rb}/print', 403)),
    ('a_head_b_page', ('agency', 'HEAD', '/requests/{rb}', 404)),
    ('a_reads_b_leading_zeros', ('agency', 'GET', '/requests/{rb0}', 404)),
    ('a_reads_b_leading_zeros_json', ('agency', 'GET', '/requests/{rb0}.json', 404)),
    ('a_reads_b_query_noise', ('agency', 'GET', '/requests/{rb}?id={rx}&agency=x', 404)),
    ('a_unknown_action_on_b', ('agency', 'POST', '/requests/{rb}/delete', 404)),
    ('a_reads_staff_request', ('agency', 'GET', '/requests/{rx}', 404)),
    ('a_checkin_via_b', ('agency', 'POST', '/requests/{rb}/checkin', 404,
                         [('deployment', '{dep_rx}'), ('status', 'returned')])),
] + [
    ('a_%s_on_b' % act, ('agency', 'POST', '/requests/{rb}/' + act, 404,
                         [('reason', 'hostile'), ('note', 'hostile'), ('squads', '1'),
                          ('type', 'letter'), ('rule', 'O-APPROVE'), ('assignee', 'x')]))
    for act in ACTIONS
] + [
    # Ids that do not exist, are huge, zero, negative or not numbers.
    ('staff_missing_request', ('dispatcher', 'GET', '/requests/{missing}', 404)),
    ('staff_missing_request_json', ('dispatcher', 'GET', '/requests/{missing}.json', 404)),
    ('staff_missing_request_print', ('dispatcher', 'GET', '/requests/{missing}/print', 404)),
    ('staff_missing_request_action', ('dispatcher', 'POST', '/requests/{missing}/close', 404)),
    ('agency_missing_request', ('agency', 'GET', '/requests/{missing}', 404)),
    ('id_zero', ('dispatcher', 'GET', '/requests/0', 404)),
    ('id_zero_json', ('dispatcher', 'GET', '/requests/0.json', 404)),
    ('id_zero_action', ('supervisor', 'POST', '/requests/0/cancel', 404)),
    ('id_18_digits', ('dispatcher', 'GET', '/requests/999999999999999999', 404)),
    ('id_18_digits_json', ('dispatcher', 'GET', '/requests/999999999999999999.json', 404)),
    ('id_18_digits_action', ('supervisor', 'POST', '/requests/999999999999999999/cancel', 404)),
    ('id_19_digits', ('dispatcher', 'GET', '/requests/9999999999999999999', 404)),
    ('id_19_digits_json', ('dispatcher', 'GET', '/requests/9999999999999999999.json', 404)),
    ('id_2_pow_63', ('dispatcher', 'GET', '/requests/9223372036854775808', 404)),
    ('id_2_pow_64', ('dispatcher', 'GET', '/requests/18446744073709551617', 404)),
    ('id_40_digits', ('dispatcher', 'GET', '/requests/' + '9' * 40, 404)),
    ('id_40_digits_action', ('supervisor', 'POST', '/requests/' + '9' * 40 + '/cancel', 404)),
    ('id_negative', ('dispatcher', 'GET', '/requests/-1', 404)),
    ('id_negative_json', ('dispatcher', 'GET', '/requests/-1.json', 404)),
    ('id_plus', ('dispatcher', 'GET', '/requests/+{rx}', 404)),
    ('id_space', ('dispatcher', 'GET', '/requests/%20{rx}', 404)),
    ('id_hex', ('dispatcher', 'GET', '/requests/0x1', 404)),
    ('id_exponent', ('dispatcher', 'GET', '/requests/1e3', 404)),
    ('id_fraction', ('dispatcher', 'GET', '/requests/1.5', 404)),
    ('id_fullwidth_digit', ('dispatcher', 'GET', '/requests/%EF%BC%91', 404)),
    ('id_word', ('dispatcher', 'GET', '/requests/abc.json', 404)),
    ('id_sql', ('dispatcher', 'GET', "/requests/1%20OR%201=1", 404)),
    ('action_word_too_long', ('supervisor', 'POST', '/requests/{rx}/' + 'a' * 32, 404)),
    ('action_word_upper', ('supervisor', 'POST', '/requests/{rx}/CANCEL', 404)),
    # Notifications of someone else.
    ('ack_bystanders_notification', ('dispatcher', 'POST', '/notifications/{note_bystander}/ack', 404)),
    ('ack_bystanders_notification_as_officer', ('officer', 'POST', '/notifications/{note_bystander}/ack', 404)),
    ('ack_bystanders_notification_as_agency', ('agency', 'POST', '/notifications/{note_bystander}/ack', 404)),
    ('ack_bystanders_notification_as_admin', ('admin', 'POST', '/notifications/{note_bystander}/ack', 404)),
    ('ack_chief_role_notification_as_dispatcher', ('dispatcher', 'POST', '/notifications/{note_role}/ack', 404)),
    ('ack_missing_notification', ('dispatcher', 'POST', '/notifications/{missing_note}/ack', 404)),
    ('ack_notification_zero', ('dispatcher', 'POST', '/notifications/0/ack', 404)),
    ('ack_notification_19_digits', ('dispatcher', 'POST', '/notifications/9999999999999999999/ack', 404)),
    ('ack_notification_negative', ('dispatcher', 'POST', '/notifications/-1/ack', 404)),
    # Deployments of another request, of another officer.
    ('checkin_deployment_of_other_request', ('dispatcher', 'POST', '/requests/{ry}/checkin', 404,
                                             [('deployment', '{dep_rx}'), ('status', 'on_scene')])),
    ('officer_checkin_of_other_officer', ('officer', 'POST', '/requests/{rx}/checkin', 403,
                                          [('deployment', '{dep_rx}'), ('status', 'returned')])),
    ('checkin_missing_deployment', ('dispatcher', 'POST', '/requests/{ry}/checkin', 404,
                                    [('deployment', '999999999999'), ('status', 'on_scene')])),
    ('checkin_deployment_beyond_range', ('dispatcher', 'POST', '/requests/{ry}/checkin', 422,
                                         [('deployment', '1000000000000'), ('status', 'on_scene')])),
    ('checkin_deployment_zero', ('dispatcher', 'POST', '/requests/{ry}/checkin', 422,
                                 [('deployment', '0'), ('status', 'on_scene')])),
    ('checkin_deployment_negative', ('dispatcher', 'POST', '/requests/{ry}/checkin', 422,
                                     [('deployment', '-{dep_ry}'), ('status', 'on_scene')])),
    ('checkin_two_deployments', ('dispatcher', 'POST', '/requests/{ry}/checkin', 422,
                                 [('deployment', '{dep_ry}'), ('deployment', '{dep_rx}'),
                                  ('status', 'on_scene')])),
    # Accounts.
    ('admin_missing_account', ('admin', 'GET', '/admin/accounts/{missing_account}', 404)),
    ('admin_missing_account_op', ('admin', 'POST', '/admin/accounts/{missing_account}', 404,
                                  [('op', 'disable')])),
    ('admin_account_zero', ('admin', 'GET', '/admin/accounts/0', 404)),
    ('admin_account_19_digits', ('admin', 'GET', '/admin/accounts/9999999999999999999', 404)),
    ('admin_disables_self', ('admin', 'POST', '/admin/accounts/{id_admin}', 409, [('op', 'disable')])),
    ('admin_deletes_self', ('admin', 'POST', '/admin/accounts/{id_admin}', 409, [('op', 'delete')])),
    ('officer_reads_admin_account', ('officer', 'GET', '/admin/accounts/{id_admin}', 403)),
    ('officer_disables_bystander', ('officer', 'POST', '/admin/accounts/{id_bystander}', 403,
                                    [('op', 'disable')])),
    ('agency_resets_password_of_dispatcher', ('agency', 'POST', '/admin/accounts/{id_dispatcher}', 403,
                                              [('op', 'password'), ('password', 'a brand new password')])),
    ('supervisor_creates_admin', ('supervisor', 'POST', '/admin/accounts', 403,
                                  [('login', 'hxevil'), ('role', 'admin'), ('name', 'Evil'),
                                   ('password', 'a long enough password')])),
]

hostile.add_cases(Idor, 'idor', CASES, Idor.run_case)


class Visible(harness.TestCase):
    """What each party's own lists show of the others."""

    def test_inbox_json_lists_none_of_the_bystanders_notifications(self):
        for who in ('dispatcher', 'officer', 'agency', 'chief', 'admin'):
            with self.subTest(who=who):
                r = hostile.signed(P[who]).get('/inbox.json')
                self.assertEqual(r.status, 200, r.describe())
                ids = [n['id'] for n in r.json()['notifications']]
                self.assertNotIn(OBJ['note_bystander'], ids, '%s sees the bystander\'s notification' % who)

    def test_role_notification_only_in_the_roles_inbox(self):
        r = hostile.signed(P['dispatcher']).get('/inbox.json')
        self.assertNotIn(OBJ['note_role'], [n['id'] for n in r.json()['notifications']])

    def test_agency_b_still_sees_its_request(self):
        # The refusals above are about who asks, not a broken request.
        r = hostile.signed(P['agency_b']).get('/requests/%d.json' % OBJ['rb'])
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json()['id'], OBJ['rb'])
        self.assertEqual(r.json()['status'], 'submitted', 'agency A changed agency B\'s request')

    def test_bystander_acknowledges_own_notification(self):
        c = hostile.signed(P['bystander'])
        r = c.post('/notifications/%d/ack' % OBJ['note_bystander'], [('csrf', c.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(hostile.db().scalar(
            'SELECT acknowledged_by FROM notification WHERE id = %d' % OBJ['note_bystander']),
            str(OBJ['id_bystander']))

    def test_officer_checks_in_own_deployment(self):
        c = hostile.signed(P['officer'])
        r = c.post('/requests/%d/checkin' % OBJ['ry'],
                   [('deployment', str(OBJ['dep_ry'])), ('status', 'en_route'), ('csrf', c.csrf)])
        self.assertEqual(r.status, 303, r.describe())
        self.assertEqual(hostile.db().scalar('SELECT status FROM deployment WHERE id = %d' % OBJ['dep_ry']),
                         'en_route')


if __name__ == '__main__':
    unittest.main()
