"""History review: GET /history, /history.json, /history.csv (CONTRACT.md).

A private stack, so the data is exactly what this module files over HTTP
(plus a few rows moved back in time by the database owner for the date
filters):

| check | test |
|-------|------|
| kind, status, agency (case-insensitive prefix), q (full text, websearch, stemming) | Filters.* |
| from/to: dates, inclusive, America/Chicago | Filters.test_dates_* |
| combinations | Filters.test_combination_* |
| 50 per page, newest first by created_at then id, page beyond the last empty | Paging.* |
| filters kept in the form, the pager and the export links | KeptFilters.* |
| JSON shape | Json.* |
| CSV: RFC 4180, CRLF, quoting, formula neutralization, Unicode | Csv.* |
| HTML escapes hostile text | Escaping.* |
| bad filters: 400 naming the filter (JSON for .json) | BadFilters.* |
| who may see it; signed out | Access.* |
"""

import csv
import datetime
import html
import io
import re
import urllib.parse

import harness
from harness import Client, Stack, incoming_fields, request_id_from, uniq

PW = 'history-tests-password-1'
S = None
U = {}          # role -> login
C = {}          # role -> signed-in client
R = {}          # name -> request id
PAGING = []     # ids of the paging rows
DATES = {}      # name -> request id of the rows moved back in time

ALLOWED = ('admin', 'chief', 'supervisor', 'dispatch_supervisor', 'bureau_chief', 'watch_commander')
REFUSED = ('agency', 'officer', 'detective', 'dispatcher', 'commander', 'unit_commander')
ROUTES = ('/history', '/history.json', '/history.csv')

HOSTILE_AGENCY = '=HYPERLINK("http://evil.example/?x=1","click me")'
HOSTILE_NAME = '+1 Caller, "the boss"'
HOSTILE_NATURE = 'Line one, with a comma\nLine "two" <script>alert(1)</script> hostilemarker'
HOSTILE_LOCATION = '-2 Main St'
HOSTILE_MUNI = '@SUM(A1:A9)'
UNICODE_AGENCY = 'Łódź Policja'
UNICODE_NAME = 'José Núñez'
UNICODE_NATURE = 'Zażółć gęślą jaźń unicodemarker'
PAGING_AGENCY = 'Pewaukee Paging PD'
N_PAGING = 57


def q(s):
    return "'%s'" % s.replace("'", "''")


def filed(client, fields):
    r = client.post('/requests', list(fields) + [('csrf', client.csrf)])
    assert r.status == 303, 'filing failed: %s' % r.describe(1500)
    rid = request_id_from(r)
    assert rid, r.location
    return rid


def fields(base, **ov):
    """harness.incoming_fields / a dict base with overrides."""
    out = dict()
    for k, v in base:
        if k == 'special_units':
            out.setdefault(k, []).append(v)
        else:
            out[k] = v
    for k, v in ov.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    pairs = []
    for k, v in out.items():
        if isinstance(v, list):
            pairs.extend((k, x) for x in v)
        else:
            pairs.append((k, v))
    return pairs


def inc(**ov):
    return fields(incoming_fields(), **ov)


def outgoing(**ov):
    base = {
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
        'staging_area': 'Fire station 1 lot',
        'commander_name': 'Lt. Staging Example',
    }
    return fields(list(base.items()), **ov)


def internal(**ov):
    base = {
        'kind': 'aid_internal',
        'requester_name': 'Sgt. Internal Example',
        'incident_type': 'civil_disorder',
        'nature': 'Crowd after the game; extra squads for district support.',
        'emergency': 'no',
        'priority': 'routine',
        'location': '1000 N 4th St',
        'district': 'District 1',
        'squads': '1',
    }
    return fields(list(base.items()), **ov)


def fed_inv(**ov):
    base = {
        'kind': 'federal_investigative',
        'nature': 'Interstate narcotics distribution; DEA lab support for the case.',
        'incident_type': 'investigation',
        'priority': 'routine',
        'emergency': 'no',
        'federal_agency': 'dea',
        'case_number': 'C-2025-0042',
        'investigation_category': 'narcotics',
    }
    return fields(list(base.items()), **ov)


def setUpModule():
    global S
    S = Stack(policy='oconomowoc', name='history')
    attrs = {
        # An agency files for its own agency: requesting_agency is the account's.
        'agency': {'agency': 'Town of Delafield Police Department', 'agency_type': 'local'},
        'bureau_chief': {'bureau': 'Patrol Bureau'},
        'commander': {'district': 'District 1'},
        'unit_commander': {'unit': 'k9'},
    }
    for role in ALLOWED + REFUSED:
        U[role] = S.add_user(uniq(role.replace('_', '')[:8]), role, 'History %s' % role, PW,
                             **attrs.get(role, {}))
    for role in U:
        c = Client(S)
        c.login(U[role], PW)
        C[role] = c
    # The dispatcher files some 70 requests below: the hourly limit per
    # account (sql/008) is raised while they are filed.
    S.psql("UPDATE setting SET value = '100000' WHERE name = 'filings_per_hour'")
    try:
        _file_the_rows()
    finally:
        S.psql("UPDATE setting SET value = '60' WHERE name = 'filings_per_hour'")


def _file_the_rows():
    """The module's rows, filed over HTTP (R, DATES, PAGING)."""
    # Known requests, filed over HTTP by the roles that may file them.
    R['delafield'] = filed(C['agency'], inc(
        requesting_agency='Town of Delafield Police Department',
        nature='Shooting at the tavern; perimeter and traffic support needed.',
        location='500 Genesee St', municipality='Delafield', requester_name='Sgt. Dana Example'))
    R['outgoing'] = filed(C['supervisor'], outgoing())
    R['internal'] = filed(C['supervisor'], internal())
    R['federal'] = filed(C['detective'], fed_inv())
    R['hartland'] = filed(C['dispatcher'], inc(
        requesting_agency='Hartland Police Department', incident_type='weather',
        nature='Severe weather: tornado damage, traffic control at the highway.',
        location='210 Cottonwood Ave', municipality='Hartland', emergency='no', priority='routine',
        requester_name='Officer Bartholomew Quinn'))
    r = C['dispatcher'].post('/requests/%d/cancel' % R['hartland'],
                             [('csrf', C['dispatcher'].csrf), ('reason', 'called off'), ('confirm', 'yes')])
    assert r.status == 303, 'cancel: %s' % r.describe()
    st = S.scalar('SELECT status FROM request WHERE id = %d' % R['hartland'])
    assert st == 'cancelled', 'the cancelled request has status %r' % st
    R['hostile'] = filed(C['dispatcher'], inc(
        requesting_agency=HOSTILE_AGENCY, requester_name=HOSTILE_NAME, nature=HOSTILE_NATURE,
        location=HOSTILE_LOCATION, municipality=HOSTILE_MUNI))
    R['unicode'] = filed(C['dispatcher'], inc(
        requesting_agency=UNICODE_AGENCY, requester_name=UNICODE_NAME, nature=UNICODE_NATURE,
        location='@Rynek 1', municipality='Łódź'))

    # Rows for the date filters, moved back in time by the owner.
    for name in ('d_jan15_late', 'd_jan16_early', 'd_jan20', 'd_jan31_late'):
        DATES[name] = filed(C['dispatcher'], inc(
            requesting_agency='Summit Dates PD', nature='Dated record %s' % name.replace('_', ' '),
            location='1 Summit Rd', municipality='Summit'))
    moved = {
        'd_jan15_late': '2025-01-15 23:30:00-06',    # 2025-01-16 05:30 UTC
        'd_jan16_early': '2025-01-16 00:15:00-06',   # 2025-01-16 06:15 UTC
        'd_jan20': '2025-01-20 12:00:00-06',
        'd_jan31_late': '2025-01-31 23:59:59-06',    # 2025-02-01 05:59:59 UTC
    }
    for name, at in moved.items():
        S.psql_filed("UPDATE request SET created_at = '%s' WHERE id = %d" % (at, DATES[name]))

    # Rows for paging.
    for i in range(N_PAGING):
        PAGING.append(filed(C['dispatcher'], inc(
            requesting_agency=PAGING_AGENCY, nature='Routine paging record number %d' % i,
            location='Paging St %d' % i, municipality='Pewaukee', emergency='no',
            priority='routine', special_units=[])))
    # Ties and out-of-id-order times: the order must be created_at, then id.
    tie = '2025-06-01 12:00:00-05'
    for rid in PAGING[10:14]:
        S.psql_filed("UPDATE request SET created_at = '%s' WHERE id = %d" % (tie, rid))
    S.psql_filed("UPDATE request SET created_at = '2025-05-01 08:00:00-05' WHERE id = %d" % PAGING[-1])
    S.psql_filed("UPDATE request SET created_at = now() + interval '1 hour' WHERE id = %d" % PAGING[0])


def tearDownModule():
    if S is not None:
        S.stop()


def ids_html(body):
    """Request ids in the order of the result table."""
    m = re.search(r'<tbody>(.*?)</tbody>', body, re.S)
    if not m:
        return []
    out = []
    for rid in re.findall(r'href="/requests/(\d+)"', m.group(1)):
        if int(rid) not in out:
            out.append(int(rid))
    return out


def url(path, **params):
    return path + ('?' + urllib.parse.urlencode(params) if params else '')


def expected_order(ids):
    """ids sorted newest first by created_at, then id (computed here)."""
    rows = S.psql('SELECT id, extract(epoch FROM created_at)::numeric FROM request WHERE id IN (%s)'
                  % ','.join(str(i) for i in ids))
    keyed = [(float(at), int(rid)) for rid, at in rows]
    keyed.sort(reverse=True)
    return [rid for _, rid in keyed]


class HistoryCase(harness.TestCase):

    def json_ids(self, role='supervisor', **params):
        r = C[role].get(url('/history.json', **params))
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.content_type, 'application/json', r.describe())
        return r.json()

    def ids(self, **params):
        """The ids the JSON export answers (one page) and the HTML page agrees."""
        j = self.json_ids(**params)
        ids = [x['id'] for x in j['requests']]
        r = C['supervisor'].get(url('/history', **params))
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(ids_html(r.body), ids, 'HTML and JSON disagree for %r' % params)
        return ids

    def assertIds(self, params, expected, ordered=False):
        got = self.ids(**params)
        if ordered:
            self.assertEqual(got, list(expected), params)
        else:
            self.assertEqual(sorted(got), sorted(expected), params)


# ------------------------------------------------------------------ filters

class Filters(HistoryCase):

    def test_no_filter_lists_everything(self):
        j = self.json_ids()
        self.assertEqual(j['total'], S.count('request'))
        self.assertFalse(j['total_capped'])

    def test_empty_filters_are_no_filters(self):
        j = self.json_ids(kind='', status='', agency='', q='', **{'from': '', 'to': ''})
        self.assertEqual(j['total'], S.count('request'))

    def test_kind(self):
        self.assertIds({'kind': 'aid_outgoing'}, [R['outgoing']])
        self.assertIds({'kind': 'aid_internal'}, [R['internal']])
        self.assertIds({'kind': 'federal_investigative'}, [R['federal']])
        self.assertIds({'kind': 'federal_emergency'}, [])
        j = self.json_ids(kind='aid_incoming')
        self.assertEqual(j['total'], S.count('request', "kind = 'aid_incoming'"))
        self.assertTrue(all(x['kind'] == 'aid_incoming' for x in j['requests']))

    def test_status(self):
        self.assertIds({'status': 'cancelled'}, [R['hartland']])
        self.assertIds({'status': 'closed'}, [])
        j = self.json_ids(status='submitted')
        self.assertNotIn(R['hartland'], [x['id'] for x in j['requests']])
        self.assertTrue(all(x['status'] == 'submitted' for x in j['requests']))
        self.assertEqual(j['total'], S.count('request', "status = 'submitted'"))

    def test_agency_is_case_insensitive_prefix(self):
        self.assertIds({'agency': 'Town of Delafield'}, [R['delafield']])
        self.assertIds({'agency': 'town OF delaFIELD police department'}, [R['delafield']])
        self.assertIds({'agency': 'HARTLAND'}, [R['hartland']])
        self.assertIds({'agency': 'city of'}, [R['outgoing']])
        self.assertIds({'agency': 'summit dates'}, list(DATES.values()))
        self.assertIds({'agency': UNICODE_AGENCY[:4]}, [R['unicode']])
        self.assertIds({'agency': '=HYPERLINK('}, [R['hostile']])

    def test_agency_is_a_prefix_not_a_substring(self):
        self.assertIds({'agency': 'Delafield'}, [])
        self.assertIds({'agency': 'Police Department'}, [])

    def test_agency_like_wildcards_are_literal(self):
        # "starts with %Delafield" matches no agency; neither does "_own of".
        self.assertIds({'agency': '%Delafield'}, [])
        self.assertIds({'agency': '_own of'}, [])
        self.assertIds({'agency': '%'}, [])

    def test_words_stemming(self):
        self.assertIds({'q': 'shootings'}, [R['delafield']])
        self.assertIds({'q': 'shooting'}, [R['delafield']])
        self.assertIds({'q': 'tornadoes'}, [R['hartland']])

    def test_words_over_each_field(self):
        self.assertIds({'q': 'Genesee'}, [R['delafield']])                 # location
        self.assertIds({'q': 'Cottonwood'}, [R['hartland']])              # location
        j = self.json_ids(q='Pewaukee')                                    # municipality + agency
        self.assertEqual(j['total'], N_PAGING)
        self.assertTrue(set(x['id'] for x in j['requests']) <= set(PAGING))
        self.assertIds({'q': 'Hartland'}, [R['hartland']])                 # municipality, agency
        self.assertIds({'q': 'Oconomowoc'}, [R['outgoing']])
        self.assertIds({'q': 'C-2025-0042'}, [R['federal']])               # case number
        self.assertIds({'q': 'Núñez'}, [R['unicode']])                     # requester name
        self.assertIds({'q': 'Bartholomew'}, [R['hartland']])              # requester name
        self.assertIds({'q': 'narcotics'}, [R['federal']])                 # nature

    def test_words_websearch_syntax(self):
        self.assertIds({'q': 'tavern or tornado'}, [R['delafield'], R['hartland']])
        self.assertIds({'q': '"major fire"'}, [R['outgoing']])
        self.assertIds({'q': '"fire major"'}, [])
        self.assertIds({'q': 'narcotics -interstate'}, [])
        self.assertIds({'q': 'mill fire'}, [R['outgoing']])
        self.assertIds({'q': 'mill tornado'}, [])

    def test_words_nonsense_and_punctuation_are_not_errors(self):
        for words in ('zzzqqqxxx', '"unclosed', 'a & b | !c', "o'brien", '-', '(', 'the'):
            r = C['supervisor'].get(url('/history.json', q=words))
            self.assertEqual(r.status, 200, '%r: %s' % (words, r.describe()))

    def test_dates_are_inclusive_and_in_chicago_time(self):
        d = DATES
        self.assertIds({'from': '2025-01-15', 'to': '2025-01-15'}, [d['d_jan15_late']])
        self.assertIds({'from': '2025-01-16', 'to': '2025-01-16'}, [d['d_jan16_early']])
        self.assertIds({'from': '2025-01-16', 'to': '2025-01-20'}, [d['d_jan16_early'], d['d_jan20']])
        self.assertIds({'from': '2025-01-20', 'to': '2025-01-20'}, [d['d_jan20']])
        self.assertIds({'from': '2025-01-31', 'to': '2025-01-31'}, [d['d_jan31_late']])
        self.assertIds({'from': '2025-02-01', 'to': '2025-02-01'}, [])
        self.assertIds({'from': '2025-01-01', 'to': '2025-01-31'}, list(d.values()))

    def test_dates_open_ended(self):
        d = DATES
        self.assertIds({'to': '2025-01-16', 'agency': 'summit'}, [d['d_jan15_late'], d['d_jan16_early']])
        self.assertIds({'from': '2025-01-20', 'agency': 'summit'}, [d['d_jan20'], d['d_jan31_late']])
        recent = self.json_ids(**{'from': '2025-07-01'})
        older = S.count('request', "created_at < '2025-07-01 00:00:00-05'")
        self.assertEqual(recent['total'], S.count('request') - older)

    def test_from_after_to_is_empty(self):
        self.assertIds({'from': '2025-01-20', 'to': '2025-01-16'}, [])

    def test_combination_kind_agency_words(self):
        self.assertIds({'kind': 'aid_incoming', 'agency': 'pewaukee', 'q': 'paging'},
                       expected_order(PAGING)[:50], ordered=True)
        self.assertIds({'kind': 'aid_outgoing', 'agency': 'pewaukee'}, [])
        self.assertIds({'kind': 'aid_incoming', 'q': 'Genesee'}, [R['delafield']])
        self.assertIds({'kind': 'aid_outgoing', 'q': 'Genesee'}, [])

    def test_combination_status_kind_words(self):
        self.assertIds({'status': 'cancelled', 'kind': 'aid_incoming', 'q': 'tornado'}, [R['hartland']])
        self.assertIds({'status': 'submitted', 'q': 'tornado'}, [])

    def test_combination_dates_agency_words(self):
        d = DATES
        self.assertIds({'from': '2025-01-16', 'to': '2025-01-31', 'agency': 'SUMMIT', 'q': 'dated'},
                       [d['d_jan16_early'], d['d_jan20'], d['d_jan31_late']])
        self.assertIds({'from': '2025-01-16', 'to': '2025-01-31', 'agency': 'hartland'}, [])
        self.assertIds({'from': '2025-01-01', 'to': '2025-01-31', 'q': 'jan20'}, [d['d_jan20']])


# ------------------------------------------------------------------ paging

class Paging(HistoryCase):

    def test_fifty_per_page_newest_first(self):
        order = expected_order(PAGING)
        j1 = self.json_ids(agency='pewaukee')
        self.assertEqual(j1['total'], N_PAGING)
        self.assertEqual(j1['page'], 1)
        self.assertEqual(j1['page_size'], 50)
        self.assertEqual([x['id'] for x in j1['requests']], order[:50])
        j2 = self.json_ids(agency='pewaukee', page='2')
        self.assertEqual(j2['page'], 2)
        self.assertEqual(j2['total'], N_PAGING)
        self.assertEqual([x['id'] for x in j2['requests']], order[50:])

    def test_ties_on_created_at_go_by_id_descending(self):
        order = self.ids(agency='pewaukee') + self.ids(agency='pewaukee', page='2')
        tied = sorted(PAGING[10:14], reverse=True)
        pos = [order.index(t) for t in tied]
        self.assertEqual(pos, list(range(pos[0], pos[0] + 4)), 'tied rows not consecutive by id desc')
        # The row moved to the future comes first; the lowest-time one last.
        self.assertEqual(order[0], PAGING[0])
        self.assertEqual(order[-1], PAGING[-1])

    def test_html_pages_match(self):
        order = expected_order(PAGING)
        r1 = C['chief'].get('/history?agency=pewaukee')
        r2 = C['chief'].get('/history?agency=pewaukee&page=2')
        self.assertEqual(ids_html(r1.body), order[:50])
        self.assertEqual(ids_html(r2.body), order[50:])
        self.assertRegex(r1.body, r'page\s*1\s*of\s*2')
        self.assertRegex(r2.body, r'page\s*2\s*of\s*2')

    def test_whole_history_pages_cover_everything_once(self):
        total = S.count('request')
        seen = []
        page = 1
        while True:
            j = self.json_ids(page=str(page))
            if not j['requests']:
                break
            self.assertLessEqual(len(j['requests']), 50)
            seen += [x['id'] for x in j['requests']]
            page += 1
        self.assertEqual(len(seen), total)
        self.assertEqual(len(set(seen)), total)
        self.assertEqual(seen, expected_order(seen))

    def test_page_beyond_the_last_is_empty(self):
        for page in ('3', '10', '40'):
            j = self.json_ids(agency='pewaukee', page=page)
            self.assertEqual(j['requests'], [], page)
            self.assertEqual(j['total'], N_PAGING)
            self.assertEqual(j['page'], int(page))
            r = C['supervisor'].get('/history?agency=pewaukee&page=%s' % page)
            self.assertEqual(r.status, 200, r.describe())
            self.assertEqual(ids_html(r.body), [])
        j = self.json_ids(q='zzzqqqxxx')
        self.assertEqual((j['total'], j['requests']), (0, []))


# ------------------------------------------------------------------ kept filters

def hrefs(body, rel=None):
    out = []
    for m in re.finditer(r'<a\b([^>]*)>', body):
        attrs = m.group(1)
        h = re.search(r'href="([^"]*)"', attrs)
        if not h:
            continue
        if rel is not None and not re.search(r'rel="%s"' % rel, attrs):
            continue
        out.append(html.unescape(h.group(1)))
    return out


def query_of(href):
    parts = urllib.parse.urlsplit(href)
    return parts.path, dict(urllib.parse.parse_qsl(parts.query))


def input_value(body, name):
    m = re.search(r'<input\b[^>]*\bname="%s"[^>]*>' % re.escape(name), body)
    assert m, 'no input %s' % name
    v = re.search(r'\bvalue="([^"]*)"', m.group(0))
    return html.unescape(v.group(1)) if v else ''


def selected_option(body, name):
    m = re.search(r'<select\b[^>]*\bname="%s"[^>]*>(.*?)</select>' % re.escape(name), body, re.S)
    assert m, 'no select %s' % name
    sel = re.findall(r'<option\b[^>]*value="([^"]*)"[^>]*\bselected', m.group(1))
    return sel


class KeptFilters(HistoryCase):
    FILTERS = {'kind': 'aid_incoming', 'status': 'submitted', 'agency': 'pewaukee pag',
               'q': 'routine & "paging"', 'from': '2025-01-01', 'to': '2030-12-31'}

    def page(self, extra=None):
        params = dict(self.FILTERS)
        params.update(extra or {})
        r = C['admin'].get(url('/history', **params))
        self.assertEqual(r.status, 200, r.describe())
        return r

    def test_form_inputs_show_the_filters(self):
        r = self.page()
        self.assertEqual(selected_option(r.body, 'kind'), ['aid_incoming'])
        self.assertEqual(selected_option(r.body, 'status'), ['submitted'])
        for name in ('agency', 'q', 'from', 'to'):
            self.assertEqual(input_value(r.body, name), self.FILTERS[name], name)

    def test_hostile_filter_value_is_escaped_in_the_form(self):
        words = '"><script>alert(7)</script>'
        r = C['admin'].get(url('/history', q=words))
        self.assertEqual(r.status, 200, r.describe())
        self.assertNotIn('<script>alert(7)', r.body)
        self.assertEqual(input_value(r.body, 'q'), words)

    def test_pager_links_carry_the_filters(self):
        r = self.page()
        nxt = hrefs(r.body, 'next')
        self.assertEqual(len(nxt), 1, 'page 1 of 2 has no "next" link')
        path, params = query_of(nxt[0])
        self.assertEqual(path, '/history')
        want = dict(self.FILTERS, page='2')
        self.assertEqual(params, want)
        self.assertEqual(hrefs(r.body, 'prev'), [])
        r2 = C['admin'].get(nxt[0])
        self.assertEqual(r2.status, 200, r2.describe())
        self.assertEqual(ids_html(r2.body), expected_order(PAGING)[50:])
        prev = hrefs(r2.body, 'prev')
        self.assertEqual(len(prev), 1, 'page 2 has no "prev" link')
        path, params = query_of(prev[0])
        self.assertEqual(path, '/history')
        params.pop('page', None) if params.get('page') == '1' else None
        self.assertEqual(params, self.FILTERS)
        self.assertEqual(hrefs(r2.body, 'next'), [])

    def test_export_links_carry_the_filters(self):
        r = self.page()
        links = [h for h in hrefs(r.body) if h.startswith('/history.csv') or h.startswith('/history.json')]
        paths = sorted(query_of(h)[0] for h in links)
        self.assertEqual(paths, ['/history.csv', '/history.json'])
        for h in links:
            path, params = query_of(h)
            params.pop('page', None) if params.get('page') == '1' else None
            self.assertEqual(params, self.FILTERS, h)
        jlink = [h for h in links if h.startswith('/history.json')][0]
        j = C['admin'].get(jlink).json()
        self.assertEqual(j['total'], N_PAGING)
        clink = [h for h in links if h.startswith('/history.csv')][0]
        rows = list(csv.reader(io.StringIO(C['admin'].get(clink).body, newline='')))
        self.assertEqual(len(rows) - 1, N_PAGING)


# ------------------------------------------------------------------ JSON

class Json(HistoryCase):

    def test_shape(self):
        j = self.json_ids(role='chief')
        for key, typ in (('total', int), ('total_capped', bool), ('page', int),
                         ('page_size', int), ('requests', list)):
            self.assertIsInstance(j.get(key), typ, key)
        self.assertEqual(j['page_size'], 50)
        for x in j['requests']:
            for key in ('id', 'kind', 'status', 'requesting_agency', 'created_at', 'emergency',
                        'chief_notified', 'chief_acknowledged_at'):
                self.assertIn(key, x)
            self.assertIsInstance(x['id'], int)
            self.assertIsInstance(x['emergency'], bool)
            self.assertIsInstance(x['chief_notified'], bool)

    def test_values_of_known_rows(self):
        j = self.json_ids(agency='town of delafield')
        (x,) = j['requests']
        self.assertEqual(x['id'], R['delafield'])
        self.assertEqual(x['kind'], 'aid_incoming')
        self.assertEqual(x['requesting_agency'], 'Town of Delafield Police Department')
        self.assertTrue(x['emergency'])
        (h,) = self.json_ids(q='tornado')['requests']
        self.assertEqual(h['status'], 'cancelled')
        self.assertFalse(h['emergency'])
        (f,) = self.json_ids(kind='federal_investigative')['requests']
        self.assertTrue(f['chief_notified'], 'federal request without chief_notified')
        self.assertIsNone(f['chief_acknowledged_at'])
        (u,) = self.json_ids(q='unicodemarker')['requests']
        self.assertEqual(u['requesting_agency'], UNICODE_AGENCY)
        (hz,) = self.json_ids(q='hostilemarker')['requests']
        self.assertEqual(hz['requesting_agency'], HOSTILE_AGENCY)

    def test_created_at_in_chicago_time(self):
        (x,) = self.json_ids(**{'from': '2025-01-20', 'to': '2025-01-20'})['requests']
        at = datetime.datetime.fromisoformat(x['created_at'])
        self.assertEqual(at.utcoffset(), datetime.timedelta(hours=-6), x['created_at'])
        self.assertEqual(at, datetime.datetime(2025, 1, 20, 18, 0, tzinfo=datetime.timezone.utc))


# ------------------------------------------------------------------ CSV

class Csv(HistoryCase):

    def get_csv(self, role='supervisor', **params):
        r = C[role].get(url('/history.csv', **params))
        self.assertEqual(r.status, 200, r.describe())
        return r

    def rows(self, r):
        return list(csv.reader(io.StringIO(r.raw.decode('utf-8'), newline='')))

    def test_headers_and_line_ends(self):
        r = self.get_csv()
        self.assertEqual(r.content_type, 'text/csv')
        self.assertIn('attachment', r.header('Content-Disposition', ''))
        raw = r.raw.decode('utf-8')
        self.assertTrue(raw.endswith('\r\n'))
        # Every line break outside quoted fields is CRLF: remove quoted fields first.
        outside = re.sub(r'"(?:[^"]|"")*"', '', raw)
        self.assertNotIn('\n', outside.replace('\r\n', ''))
        self.assertNotIn('\r', outside.replace('\r\n', ''))

    def test_header_row_and_row_count(self):
        rows = self.rows(self.get_csv())
        header = rows[0]
        for col in ('id', 'kind', 'status', 'requesting_agency', 'created_at', 'nature'):
            self.assertIn(col, header)
        self.assertEqual(len(rows) - 1, S.count('request'), 'the CSV is not the whole history')
        self.assertTrue(all(len(row) == len(header) for row in rows))

    def test_filters_apply_and_no_paging(self):
        rows = self.rows(self.get_csv(agency='pewaukee'))
        ids = [int(row[rows[0].index('id')]) for row in rows[1:]]
        self.assertEqual(ids, expected_order(PAGING))
        rows = self.rows(self.get_csv(kind='aid_outgoing'))
        self.assertEqual([int(row[0]) for row in rows[1:]], [R['outgoing']])

    def test_every_data_field_is_quoted(self):
        raw = self.get_csv(q='hostilemarker or unicodemarker or tornado').raw.decode('utf-8')
        body = raw.split('\r\n', 1)[1]
        # A data row is "..." fields separated by commas.
        row_re = re.compile(r'(?:"(?:[^"]|"")*")(?:,"(?:[^"]|"")*")*\r\n')
        pos = 0
        n = 0
        while pos < len(body):
            m = row_re.match(body, pos)
            self.assertIsNotNone(m, 'unquoted field near %r' % body[pos:pos + 80])
            pos = m.end()
            n += 1
        self.assertEqual(n, 3)

    def test_header_fields_are_quoted(self):
        raw = self.get_csv(q='tornado').raw.decode('utf-8')
        header = raw.split('\r\n', 1)[0]
        self.assertRegex(header, r'^"[a-z_]+"(,"[a-z_]+")*$', 'header row fields are not quoted')

    def test_hostile_strings_round_trip_with_formulas_neutralized(self):
        rows = self.rows(self.get_csv(q='hostilemarker'))
        header, row = rows[0], rows[1]
        self.assertEqual(len(rows), 2)
        cell = dict(zip(header, row))
        self.assertEqual(cell['requesting_agency'], "'" + HOSTILE_AGENCY)
        self.assertEqual(cell['requester_name'], "'" + HOSTILE_NAME)
        self.assertEqual(cell['location'], "'" + HOSTILE_LOCATION)
        self.assertEqual(cell['municipality'], "'" + HOSTILE_MUNI)
        self.assertEqual(cell['nature'], HOSTILE_NATURE)       # quotes, comma, newline, <script>
        self.assertEqual(cell['id'], str(R['hostile']))
        raw = self.get_csv(q='hostilemarker').raw.decode('utf-8')
        self.assertIn('"\'=HYPERLINK(""http://evil.example/?x=1"",""click me"")"', raw)

    def test_unicode_round_trips(self):
        rows = self.rows(self.get_csv(q='unicodemarker'))
        cell = dict(zip(rows[0], rows[1]))
        self.assertEqual(cell['requesting_agency'], UNICODE_AGENCY)
        self.assertEqual(cell['requester_name'], UNICODE_NAME)
        self.assertEqual(cell['nature'], UNICODE_NATURE)
        self.assertEqual(cell['location'], "'@Rynek 1")
        self.assertEqual(cell['municipality'], 'Łódź')

    def test_plain_cells_are_not_prefixed(self):
        rows = self.rows(self.get_csv(agency='town of delafield'))
        cell = dict(zip(rows[0], rows[1]))
        self.assertEqual(cell['requesting_agency'], 'Town of Delafield Police Department')
        self.assertEqual(cell['kind'], 'aid_incoming')
        self.assertEqual(cell['emergency'], 'yes')
        self.assertRegex(cell['created_at'], r'^\d{4}-\d\d-\d\dT')


# ------------------------------------------------------------------ escaping

class Escaping(HistoryCase):

    def test_script_is_escaped_in_html(self):
        r = C['supervisor'].get('/history?q=hostilemarker')
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(ids_html(r.body), [R['hostile']])
        self.assertNotIn('<script>alert(1)', r.body)
        self.assertIn('&lt;script&gt;alert(1)&lt;/script&gt;', r.body)

    def test_unicode_shown_intact(self):
        r = C['supervisor'].get(url('/history', q='unicodemarker'))
        self.assertIn(UNICODE_AGENCY, r.body)
        self.assertIn('Zażółć gęślą jaźń', r.body)


# ------------------------------------------------------------------ bad filters

BAD = [
    ({'kind': 'bogus'}, (r'\bkind\b',)),
    ({'status': 'open'}, (r'\bstatus\b',)),
    ({'from': '2026-13-01'}, (r'\bfrom\b',)),
    ({'from': 'yesterday'}, (r'\bfrom\b',)),
    ({'to': '2026-1-5'}, (r'"to"', r'\bto\b.*\bdate\b')),
    ({'page': '0'}, (r'\bpage\b',)),
    ({'page': 'abc'}, (r'\bpage\b',)),
    ({'page': '-1'}, (r'\bpage\b',)),
    ({'page': '1.5'}, (r'\bpage\b',)),
    ({'q': 'x' * 201}, (r'"words"', r'"q"', r'\bwords\b')),
    ({'agency': 'A' * 201}, (r'\bagency\b',)),
]


class BadFilters(HistoryCase):

    def names(self, text, names):
        """Whether the message names the filter: its parameter or its label."""
        text = html.unescape(re.sub(r'<[^>]+>', ' ', text)).lower()
        return any(re.search(n, text) for n in names)

    def test_bad_filters_are_400_naming_the_filter(self):
        for params, names in BAD:
            with self.subTest(params=str(params)[:60]):
                before = S.count('request')
                r = C['supervisor'].get(url('/history', **params))
                self.assertEqual(r.status, 400, r.describe())
                self.assertEqual(r.content_type, 'text/html')
                self.assertIn('<html', r.body.lower())
                self.assertTrue(self.names(r.body, names), 'the 400 page does not name %s: %s'
                                % (names, r.body[:800]))
                rj = C['supervisor'].get(url('/history.json', **params))
                self.assertEqual(rj.status, 400, rj.describe())
                self.assertEqual(rj.content_type, 'application/json')
                err = rj.json().get('error', '')
                self.assertTrue(self.names(err, names), err)
                rc = C['supervisor'].get(url('/history.csv', **params))
                self.assertEqual(rc.status, 400, rc.describe())
                self.assertEqual(S.count('request'), before)

    def test_impossible_calendar_date_is_400(self):
        # 2026-02-30 has the right shape but no such day exists.
        for params in ({'to': '2026-02-30'}, {'from': '2026-04-31'}, {'from': '2025-02-29'}):
            with self.subTest(params=params):
                for route in ROUTES:
                    r = C['supervisor'].get(url(route, **params))
                    self.assertEqual(r.status, 400, '%s %s: %s' % (route, params, r.describe()))
                name = list(params)[0]
                r = C['supervisor'].get(url('/history', **params))
                self.assertTrue(self.names(r.body, (r'"%s"' % name, r'\b%s\b' % name)), r.body[:800])

    def test_repeated_filter_is_400(self):
        r = C['supervisor'].get('/history?kind=aid_incoming&kind=aid_outgoing')
        self.assertEqual(r.status, 400, r.describe())

    def test_limits_that_are_fine(self):
        for params in ({'q': 'x' * 200}, {'page': '1'}, {'from': '2024-02-29'}, {'to': '2026-12-31'}):
            r = C['supervisor'].get(url('/history.json', **params))
            self.assertEqual(r.status, 200, '%s: %s' % (params, r.describe()))


# ------------------------------------------------------------------ access

class Access(HistoryCase):

    def test_allowed_roles_get_200(self):
        for role in ALLOWED:
            for route in ROUTES:
                with self.subTest(role=role, route=route):
                    r = C[role].get(route)
                    self.assertEqual(r.status, 200, '%s %s: %s' % (role, route, r.describe()))

    def test_other_roles_get_403(self):
        for role in REFUSED:
            for route in ROUTES:
                with self.subTest(role=role, route=route):
                    r = C[role].get(route + '?q=tornado')
                    self.assertEqual(r.status, 403, '%s %s: %s' % (role, route, r.describe()))
                    self.assertNotIn('Cottonwood', r.body)
                    self.assertNotIn('tornado damage', r.body)
                    if route.endswith('.json'):
                        self.assertEqual(r.content_type, 'application/json')
                        self.assertIn('error', r.json())

    def test_signed_out(self):
        c = Client(S)
        for route in ('/history', '/history.csv', '/history?kind=aid_incoming'):
            r = c.get(route)
            self.assertEqual(r.status, 303, '%s: %s' % (route, r.describe()))
            self.assertEqual(r.location_path, '/login')
        r = c.get('/history.json')
        self.assertEqual(r.status, 401, r.describe())
        self.assertEqual(r.content_type, 'application/json')
        self.assertNotIn('Cottonwood', r.body)


if __name__ == '__main__':
    harness.unittest.main()
