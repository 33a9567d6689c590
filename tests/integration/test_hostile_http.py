"""Hostile suite: HTTP and resource bounds, over raw sockets (bytes as an
attacker sends them, not as a client library would).

Bodies just under and over the portal's 128 KiB and nginx's 160k, lying
Content-Length, chunked bodies, transfer and content types the portal does
not take, methods it does not answer (405 with Allow), HEAD, absolute-form
targets and foreign Host headers, dot segments, encoded slashes, double and
trailing slashes, very long paths and query strings, too many form pairs,
long, many and malformed cookies, header bytes no browser sends.

Each case: one exact status (or, where the client goes away, no answer at
all), nothing stored unless the case is a valid filing that must be stored
(then exactly one request), every answer with the security headers, a page
in words (not a server's default page), no version and no internal detail.
"""

import re
import unittest
import urllib.parse

import harness
import hostile
from harness import incoming_fields, request_id_from, uniq

S = None
P = {}
OBJ = {}
CTX = {}        # the agency's session cookie and token, the port


def setUpModule():
    global S
    S = hostile.stack()
    P.update(hostile.people())
    ag = hostile.signed(P['agency'], fresh=True)
    CTX['cookie'] = ag.session_cookie
    CTX['csrf'] = ag.csrf
    CTX['port'] = S.port
    r = ag.post('/requests', incoming_fields(nature='HTTP target ' + uniq('n')) + [('csrf', ag.csrf)])
    assert r.status == 303, r.describe()
    OBJ['request'] = request_id_from(r)
    OBJ['account'] = hostile.account_id(P['officer'])
    adm = hostile.signed(P['admin'], fresh=True)
    CTX['admin_cookie'] = adm.session_cookie


# ---------------------------------------------------------------- building requests

def host():
    return 'Host: 127.0.0.1:%d\r\n' % CTX['port']


def session(who='agency'):
    return 'Cookie: portal_session=%s\r\n' % CTX['cookie' if who == 'agency' else 'admin_cookie']


def head(method, target, extra='', who='agency', version='HTTP/1.1'):
    return '%s %s %s\r\n%sConnection: close\r\n%s%s' % (
        method, target, version, host(), session(who) if who else '', extra)


def filing(**over):
    """A valid filing of the agency, urlencoded (csrf first)."""
    return urllib.parse.urlencode([('csrf', CTX['csrf'])] + incoming_fields(**over))


def padded(n):
    """A valid filing of exactly n bytes: an unknown field (ignored) pads it."""
    b = filing() + '&zz='
    assert len(b) <= n, 'the filing alone is %d bytes' % len(b)
    return b + 'a' * (n - len(b))


def post(body, ctype='application/x-www-form-urlencoded', length='auto', extra='', target='/requests'):
    h = head('POST', target)
    if ctype is not None:
        h += 'Content-Type: %s\r\n' % ctype
    if length == 'auto':
        h += 'Content-Length: %d\r\n' % len(body.encode('latin-1'))
    elif length is not None:
        h += 'Content-Length: %s\r\n' % length
    return h + extra + '\r\n' + body


def chunked(body, ext='', extra='', version='HTTP/1.1'):
    h = head('POST', '/requests', version=version)
    h += 'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n' + extra + '\r\n'
    return h + '%x%s\r\n%s\r\n0\r\n\r\n' % (len(body), ext, body)


def get(target, extra='', who='agency', version='HTTP/1.1'):
    return head('GET', target, extra, who, version) + '\r\n'


def pairs(n):
    return '&'.join('p%d=%d' % (i, i) for i in range(n))


# ---------------------------------------------------------------- checks

SECURITY_HEADERS = ('Content-Security-Policy', 'X-Frame-Options', 'X-Content-Type-Options')


class Http(harness.TestCase):

    def run_case(self, name, spec):
        data = spec['send']()
        data = data.encode('latin-1') if isinstance(data, str) else data
        case = '%s: %r' % (name, data[:100])
        top = int(hostile.db().scalar('SELECT coalesce(max(id), 0) FROM request'))
        before = hostile.snapshot()
        r = hostile.raw(data, half_close=spec.get('half_close', False))
        want = spec['want']
        self.assertEqual(r.status, want, '%s: answered %s' % (case, r.describe(300)))
        if spec.get('stores'):
            rows = hostile.db().psql('SELECT id FROM request WHERE id > %d' % top)
            self.assertEqual(len(rows), 1, '%s: exactly one request stored, not %d' % (case, len(rows)))
            self.assertEqual(r.location, '/requests/%s' % rows[0][0], case)
        else:
            hostile.assert_unchanged(self, before, case)
        if want is None:
            self.assertEqual(r.data, b'', '%s: bytes answered after all' % case)
            return
        for h in SECURITY_HEADERS:
            self.assertIsNotNone(r.header(h), '%s: no %s header' % (case, h))
        if 'allow' in spec:
            self.assertEqual(r.headers.get('allow'), [spec['allow']], '%s: Allow' % case)
        if want == 405:
            self.assertIsNotNone(r.header('Allow'), '%s: a 405 without Allow (RFC 9110 15.5.6)' % case)
        if 'location' in spec:
            self.assertEqual(r.location, spec['location'], '%s: Location' % case)
        if spec.get('head'):
            self.assertEqual(r.raw, b'', '%s: HEAD answered with a body' % case)
            self.assertIsNotNone(r.header('Content-Length'), case)
        if 'body' in spec:
            self.assertEqual(r.body, spec['body'], case)
        if want >= 400 and not spec.get('head'):
            if spec.get('json'):
                self.assertEqual(r.content_type, 'application/json', case)
            else:
                self.assertEqual(r.content_type, 'text/html', '%s: %s' % (case, r.describe()))
                title = re.search(r'<title>([^<]*)</title>', r.body)
                self.assertIsNotNone(title, '%s: an error page without a title' % case)
                self.assertNotRegex(title.group(1), r'^\d{3} ', '%s: the server\'s default page '
                                    '(%r), not one in words' % (case, title.group(1)))
        hostile.assert_clean(self, r, case)


CASES = [
    # -- bodies at and beyond the limits (a valid filing, padded)
    ('body_exactly_128KiB_is_stored', dict(send=lambda: post(padded(128 * 1024)), want=303, stores=True)),
    ('body_128KiB_plus_1', dict(send=lambda: post(padded(128 * 1024 + 1)), want=413)),
    ('body_exactly_160KiB', dict(send=lambda: post(padded(160 * 1024)), want=413)),
    ('body_160KiB_plus_1_nginx', dict(send=lambda: post(padded(160 * 1024 + 1)), want=413)),
    ('body_1MiB', dict(send=lambda: post(padded(1024 * 1024)), want=413)),
    ('declares_10MiB_sends_little', dict(send=lambda: post('csrf=x', length='10485760'), want=413)),
    # -- Content-Length that lies
    ('content_length_smaller_than_body', dict(
        send=lambda: post('csrf=%s&kind=aid_incoming&nature=cut&requester_name=Dana' % CTX['csrf'],
                          length=str(len('csrf=%s&kind=aid_incoming&nature=cut' % CTX['csrf']))),
        want=422)),
    ('content_length_cuts_an_escape', dict(
        send=lambda: post(filing(nature='caf\u00e9'), length=str(filing(nature='caf\u00e9').index('%C3') + 2)),
        want=400)),
    ('content_length_larger_then_client_leaves', dict(
        send=lambda: post(filing(), length=str(len(filing()) + 100)), half_close=True, want=None)),
    ('content_length_negative', dict(send=lambda: post(filing(), length='-1'), want=400)),
    ('content_length_not_a_number', dict(send=lambda: post(filing(), length='abc'), want=400)),
    ('content_length_plus_sign', dict(send=lambda: post(filing(), length='+%d' % len(filing())), want=400)),
    ('content_length_hex', dict(send=lambda: post(filing(), length='0x10'), want=400)),
    ('content_length_twice_same', dict(
        send=lambda: post(filing(), extra='Content-Length: %d\r\n' % len(filing())), want=400)),
    ('content_length_twice_different', dict(
        send=lambda: post(filing(), extra='Content-Length: 5\r\n'), want=400)),
    ('content_length_list', dict(
        send=lambda: post(filing(), length='%d, %d' % (len(filing()), len(filing()))), want=400)),
    ('content_length_and_chunked', dict(
        send=lambda: post('%x\r\n%s\r\n0\r\n\r\n' % (len(filing()), filing()), length='5',
                          extra='Transfer-Encoding: chunked\r\n'), want=400)),
    ('no_length_body_not_read', dict(send=lambda: post(filing(), length=None), want=403)),
    ('empty_body', dict(send=lambda: post(''), want=403)),
    # -- chunked bodies
    ('chunked_is_stored', dict(send=lambda: chunked(filing()), want=303, stores=True)),
    ('chunked_with_extension_is_stored', dict(send=lambda: chunked(filing(), ext=';x=1'), want=303,
                                              stores=True)),
    ('chunked_140000_bytes', dict(send=lambda: chunked(padded(140000)), want=413)),
    ('chunked_170000_bytes_nginx', dict(send=lambda: chunked(padded(170000)), want=413)),
    ('chunked_bad_size', dict(send=lambda: head('POST', '/requests') +
                              'Content-Type: application/x-www-form-urlencoded\r\n'
                              'Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n', want=400)),
    ('chunked_size_overflow', dict(send=lambda: head('POST', '/requests') +
                                   'Content-Type: application/x-www-form-urlencoded\r\n'
                                   'Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nab\r\n0\r\n\r\n',
                                   want=400)),
    ('chunked_in_http_1_0', dict(send=lambda: chunked(filing(), version='HTTP/1.0'), want=400)),
    ('transfer_encoding_gzip', dict(send=lambda: post('0\r\n\r\n', length=None,
                                                      extra='Transfer-Encoding: gzip, chunked\r\n'), want=501)),
    ('transfer_encoding_identity', dict(send=lambda: post(filing(), length=None,
                                                          extra='Transfer-Encoding: identity\r\n'), want=501)),
    ('transfer_encoding_xchunked', dict(send=lambda: post(filing(), length=None,
                                                          extra='Transfer-Encoding: xchunked\r\n'), want=501)),
    # -- content types
    ('type_multipart', dict(send=lambda: post(filing(), ctype='multipart/form-data; boundary=x'), want=415)),
    ('type_json', dict(send=lambda: post('{"kind": "aid_incoming"}', ctype='application/json'), want=415)),
    ('type_text_plain', dict(send=lambda: post(filing(), ctype='text/plain'), want=415)),
    ('type_missing', dict(send=lambda: post(filing(), ctype=None), want=415)),
    ('type_with_suffix', dict(send=lambda: post(filing(), ctype='application/x-www-form-urlencodedX'), want=415)),
    ('type_upper_case_with_charset_is_stored', dict(
        send=lambda: post(filing(), ctype='APPLICATION/X-WWW-FORM-URLENCODED;charset=UTF-8'), want=303,
        stores=True)),
    ('type_white_space_before_parameter_is_stored', dict(
        send=lambda: post(filing(), ctype='application/x-www-form-urlencoded ; charset=UTF-8'), want=303,
        stores=True)),
    # -- methods the portal does not answer: 405 and what the address does answer
    ('put_root', dict(send=lambda: head('PUT', '/') + 'Content-Length: 0\r\n\r\n', want=405, allow='GET, HEAD')),
    ('delete_request', dict(send=lambda: head('DELETE', '/requests/%d' % OBJ['request']) + '\r\n',
                            want=405, allow='GET, HEAD')),
    ('patch_request', dict(send=lambda: head('PATCH', '/requests/%d' % OBJ['request']) +
                           'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 16\r\n\r\n'
                           'status=cancelled', want=405, allow='GET, HEAD')),
    ('options_root', dict(send=lambda: head('OPTIONS', '/') + '\r\n', want=405, allow='GET, HEAD')),
    ('options_accounts', dict(send=lambda: head('OPTIONS', '/admin/accounts', who='admin') + '\r\n', want=405,
                              allow='GET, HEAD, POST')),
    ('put_requests', dict(send=lambda: head('PUT', '/requests') + 'Content-Length: 0\r\n\r\n', want=405,
                          allow='POST')),
    ('delete_account', dict(send=lambda: head('DELETE', '/admin/accounts/%d' % OBJ['account'], who='admin') +
                            '\r\n', want=405, allow='GET, HEAD, POST')),
    ('propfind_root', dict(send=lambda: head('PROPFIND', '/') + '\r\n', want=405, allow='GET, HEAD')),
    ('trace_root_nginx', dict(send=lambda: head('TRACE', '/') + '\r\n', want=405, allow='GET, HEAD, POST')),
    ('trace_static_nginx', dict(send=lambda: head('TRACE', '/static/portal.css') + '\r\n', want=405,
                                allow='GET, HEAD')),
    ('post_static_nginx', dict(send=lambda: head('POST', '/static/portal.css') + 'Content-Length: 0\r\n\r\n',
                               want=405, allow='GET, HEAD')),
    ('post_healthz', dict(send=lambda: head('POST', '/healthz') + 'Content-Length: 0\r\n\r\n', want=405,
                          allow='GET, HEAD')),
    ('post_request_json', dict(send=lambda: head('POST', '/requests/%d.json' % OBJ['request']) +
                               'Content-Length: 0\r\n\r\n', want=405, allow='GET, HEAD', json=True)),
    ('get_logout', dict(send=lambda: get('/logout'), want=405, allow='POST')),
    ('method_lower_case', dict(send=lambda: head('get', '/healthz') + '\r\n', want=400)),
    ('head_page', dict(send=lambda: head('HEAD', '/') + '\r\n', want=200, head=True)),
    ('head_request_json', dict(send=lambda: head('HEAD', '/requests/%d.json' % OBJ['request']) + '\r\n',
                               want=200, head=True)),
    ('head_post_only_route', dict(send=lambda: head('HEAD', '/requests') + '\r\n', want=405, allow='POST',
                                  head=True)),
    # -- request targets
    ('absolute_form_own_authority', dict(send=lambda: get('http://127.0.0.1:%d/healthz' % CTX['port']),
                                         want=200, body='ok\n')),
    ('absolute_form_other_host_not_reflected', dict(send=lambda: get('http://evil.example/', who=None),
                                                    want=303, location='/login')),
    ('host_header_other_host_not_reflected', dict(
        send=lambda: 'GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n', want=303,
        location='/login')),
    ('dot_segments_resolved', dict(send=lambda: get('/requests/../healthz'), want=200, body='ok\n')),
    ('dot_segments_above_root', dict(send=lambda: get('/../healthz'), want=400)),
    ('encoded_dot_segments_above_root', dict(send=lambda: get('/static/%2e%2e/%2e%2e/etc/passwd'), want=400)),
    ('static_parent_directory', dict(send=lambda: get('/static/../README.md'), want=404)),
    ('static_encoded_slash_parent', dict(send=lambda: get('/static/..%2FREADME.md'), want=404)),
    ('static_backslash_parent', dict(send=lambda: get('/static\\..\\README.md'), want=404)),
    ('static_directory', dict(send=lambda: get('/static/'), want=404)),
    ('encoded_slash_still_checked', dict(send=lambda: get('/admin%2Faccounts'), want=403)),
    ('encoded_slash_signed_out', dict(send=lambda: get('/admin%2Faccounts', who=None), want=303,
                                      location='/login')),
    ('double_slashes_still_checked', dict(send=lambda: get('//admin//accounts'), want=403)),
    ('double_slash_healthz', dict(send=lambda: get('//healthz'), want=200, body='ok\n')),
    ('trailing_slash_inbox', dict(send=lambda: get('/inbox/'), want=404)),
    ('trailing_slash_new_request', dict(send=lambda: get('/requests/new/'), want=404)),
    ('trailing_slash_accounts', dict(send=lambda: get('/admin/accounts/', who='admin'), want=404)),
    ('trailing_slash_json', dict(send=lambda: get('/inbox.json/'), want=404)),
    ('percent_encoded_letter', dict(send=lambda: get('/%68ealthz'), want=200, body='ok\n')),
    ('nul_in_path', dict(send=lambda: get('/healthz%00.json'), want=400)),
    ('upper_case_path', dict(send=lambda: get('/INBOX'), want=404)),
    ('unknown_json_path', dict(send=lambda: get('/requests/new.json'), want=404, json=True)),
    ('path_parameter', dict(send=lambda: get('/inbox;jsessionid=1'), want=404)),
    ('path_7000_bytes', dict(send=lambda: get('/' + 'a' * 7000), want=404)),
    ('path_9000_bytes', dict(send=lambda: get('/' + 'a' * 9000), want=414)),
    ('query_7000_bytes_filter', dict(send=lambda: get('/history?q=' + 'a' * 7000, who='admin'), want=400)),
    ('query_257_pairs', dict(send=lambda: get('/?' + pairs(257)), want=400)),
    ('query_256_pairs', dict(send=lambda: get('/?' + pairs(256)), want=200)),
    ('query_bad_escape', dict(send=lambda: get('/?a=%zz'), want=400)),
    ('query_nul', dict(send=lambda: get('/login?a=%00', who=None), want=400)),
    ('query_invalid_utf8_json', dict(send=lambda: get('/inbox.json?a=%FF'), want=400, json=True)),
    ('form_257_pairs', dict(send=lambda: post(filing() + '&' + pairs(257 - len(incoming_fields()) - 1)),
                            want=400)),
    ('form_256_pairs_is_stored', dict(send=lambda: post(filing() + '&' + pairs(256 - len(incoming_fields()) - 1)),
                                      want=303, stores=True)),
    # -- cookies
    ('session_cookie_5000_chars', dict(send=lambda: get('/', 'Cookie: portal_session=%s\r\n' % ('a' * 5000),
                                                        who=None), want=303, location='/login')),
    ('session_cookie_5000_chars_json', dict(
        send=lambda: get('/inbox.json', 'Cookie: portal_session=%s\r\n' % ('a' * 5000), who=None), want=401,
        json=True)),
    ('cookie_header_over_8k', dict(send=lambda: get('/', 'Cookie: x=%s\r\n' % ('a' * 9000)), want=400)),
    ('hundred_cookies_and_the_session', dict(
        send=lambda: get('/', 'Cookie: %s; portal_session=%s\r\n' % (
            '; '.join('c%d=v%d' % (i, i) for i in range(100)), CTX['cookie']), who=None), want=200)),
    ('session_cookie_twice_garbage_first', dict(
        send=lambda: get('/', 'Cookie: portal_session=garbage; portal_session=%s\r\n' % CTX['cookie'], who=None),
        want=303, location='/login')),
    ('cookie_without_value', dict(send=lambda: get('/', 'Cookie: portal_session\r\n', who=None), want=303,
                                  location='/login')),
    ('cookie_only_separators', dict(send=lambda: get('/', 'Cookie: ;;; ; ;\r\n', who=None), want=303,
                                    location='/login')),
    ('cookie_quoted_value', dict(send=lambda: get('/', 'Cookie: portal_session="%s"\r\n' % CTX['cookie'],
                                                  who=None), want=303, location='/login')),
    ('cookie_bytes_not_utf8', dict(send=lambda: get('/', 'Cookie: portal_session=\xff\xfe\r\n', who=None),
                                   want=303, location='/login')),
    ('cookie_control_bytes', dict(send=lambda: get('/', 'Cookie: portal_session=\x01\x02\r\n', who=None),
                                  want=303, location='/login')),
    ('cookie_name_with_prefix', dict(send=lambda: get('/', 'Cookie: xportal_session=%s\r\n' % CTX['cookie'],
                                                      who=None), want=303, location='/login')),
    ('cookie_name_space_before_equals', dict(
        send=lambda: get('/', 'Cookie: portal_session =%s\r\n' % CTX['cookie'], who=None), want=303,
        location='/login')),
    ('session_token_with_sql', dict(send=lambda: get('/', "Cookie: portal_session=' OR '1'='1\r\n", who=None),
                                    want=303, location='/login')),
    # -- headers no browser sends
    ('header_with_nul', dict(send=lambda: get('/healthz', 'X-A: a\x00b\r\n'), want=400)),
    ('header_name_space_before_colon', dict(send=lambda: get('/healthz', 'X-A : b\r\n'), want=400)),
    ('header_folded_line', dict(send=lambda: get('/healthz', 'X-A: a\r\n b\r\n'), want=400)),
    ('host_twice', dict(send=lambda: get('/healthz', 'Host: evil.example\r\n'), want=400)),
    ('host_missing_http_1_1', dict(send=lambda: 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', want=400)),
    ('host_with_space', dict(send=lambda: 'GET /healthz HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n',
                             want=400)),
    ('header_value_control_bytes', dict(send=lambda: get('/', 'X-Note: \x01\x7f\x1b[31m\r\n'), want=200)),
    ('header_value_9000_bytes', dict(send=lambda: get('/healthz', 'X-A: %s\r\n' % ('a' * 9000)), want=400)),
    ('two_hundred_long_headers', dict(
        send=lambda: get('/healthz', ''.join('X-%d: %s\r\n' % (i, 'v' * 200) for i in range(200))), want=400)),
    ('sec_fetch_site_bytes', dict(send=lambda: post(filing(), extra='Sec-Fetch-Site: \xff\xfe\r\n'), want=403)),
    ('origin_bytes', dict(send=lambda: post(filing(), extra='Origin: http://127.0.0.1:%d\xff\r\n' % CTX['port']),
                          want=403)),
    ('http_2_request_line', dict(send=lambda: get('/', version='HTTP/2.0'), want=505)),
    ('http_version_garbage', dict(send=lambda: get('/', version='HTTP/1.x'), want=400)),
]
hostile.add_cases(Http, 'http', CASES, Http.run_case)


if __name__ == '__main__':
    unittest.main()
