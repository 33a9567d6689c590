/*
 * History review (GET /history, /history.json, /history.csv): every
 * request, newest first, filtered by kind, status, requesting agency, date
 * range and words (PostgreSQL full-text search), paged; the filters stay in
 * the URL so a view can be bookmarked and shared.
 *
 * Scale: the filters use the indexes of sql/002 (created_at, kind, status,
 * lower(requesting_agency), the tsvector); a page is LIMIT/OFFSET over at
 * most HISTORY_MAX_PAGE pages, and the total is counted only up to
 * HISTORY_COUNT_CAP rows (shown as "more than 2,000": narrow the filters),
 * never over the whole table per view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "handlers.h"
#include "page.h"
#include "request_store.h"

#define HISTORY_PAGE_SIZE 50
#define HISTORY_MAX_PAGE  40
#define HISTORY_COUNT_CAP ((long long)HISTORY_PAGE_SIZE * HISTORY_MAX_PAGE)
#define HISTORY_CSV_MAX   100000

enum history_field { HF_KIND, HF_STATUS, HF_AGENCY, HF_FROM, HF_TO, HF_Q, HF_PAGE, HF__MAX };

static const struct field_spec history_fields[HF__MAX] = {
	[HF_KIND]   = { "kind", "Kind", FIELD_CHOICE, 40, 0, 0, kind_choices, false },
	[HF_STATUS] = { "status", "Status", FIELD_CHOICE, 40, 0, 0, status_choices, false },
	[HF_AGENCY] = { "agency", "Requesting agency", FIELD_TEXT, 200, 0, 0, NULL, false },
	[HF_FROM]   = { "from", "From", FIELD_DATE, 10, 0, 0, NULL, false },
	[HF_TO]     = { "to", "To", FIELD_DATE, 10, 0, 0, NULL, false },
	[HF_Q]      = { "q", "Words", FIELD_TEXT, 200, 0, 0, NULL, false },
	[HF_PAGE]   = { "page", "Page", FIELD_INT, 4, 1, HISTORY_MAX_PAGE, NULL, false },
};

/* The WHERE clause shared by the page, the count and the exports. With
 * PQexecParams each statement is planned with its values, so a filter that
 * is NULL folds away and the matching index is used. */
#define HISTORY_WHERE \
	" WHERE ($1::text IS NULL OR r.kind = $1)" \
	" AND ($2::text IS NULL OR r.status = $2)" \
	" AND ($3::text IS NULL OR lower(r.requesting_agency) LIKE lower($3) || '%')" /* $3 escaped */ \
	" AND ($4::date IS NULL OR r.created_at >= $4::date)" \
	" AND ($5::date IS NULL OR r.created_at < $5::date + 1)" \
	" AND ($6::text IS NULL OR r.search @@ websearch_to_tsquery('english', $6))"

struct history_query {
	char *values[HF__MAX];
	char *agency_pattern;   /* values[HF_AGENCY] with LIKE wildcards escaped */
	int   page;
};

static void
history_free(struct history_query *hq)
{
	fields_free(hq->values, HF__MAX);
	free(hq->agency_pattern);
	hq->agency_pattern = NULL;
}

/* The agency filter is a prefix: its LIKE wildcards (and the escape
 * character) are escaped so that "%" or "_" typed by a person mean
 * themselves. Returns a new string or NULL (out of memory). */
static char *
like_prefix(const char *typed)
{
	struct buf b;

	buf_init(&b);
	for (; *typed; typed++) {
		if (*typed == '%' || *typed == '_' || *typed == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *typed);
	}
	return buf_failed(&b) ? (buf_free(&b), NULL) : buf_take(&b);
}

/* Reads and checks the filters; answers 400 (naming the filter) on a bad one. */
static bool
history_read(struct ctx *c, struct history_query *hq)
{
	const char *errors[HF__MAX];
	char msg[200];
	int i;

	if (fields_check(history_fields, HF__MAX, &c->http->query_form, hq->values, errors) > 0) {
		for (i = 0; i < HF__MAX; i++)
			if (errors[i] != NULL) {
				snprintf(msg, sizeof(msg), "The filter \"%s\" %s", history_fields[i].label, errors[i]);
				break;
			}
		fields_free(hq->values, HF__MAX);
		page_error(c, 400, msg, NULL);
		return false;
	}
	hq->page = hq->values[HF_PAGE] ? atoi(hq->values[HF_PAGE]) : 1;
	hq->agency_pattern = NULL;
	if (hq->values[HF_AGENCY] != NULL && (hq->agency_pattern = like_prefix(hq->values[HF_AGENCY])) == NULL) {
		fields_free(hq->values, HF__MAX);
		page_error(c, 500, "Out of memory.", NULL);
		return false;
	}
	return true;
}

/* The filters as a query string (for paging links and exports). */
static void
history_link(struct buf *b, const char *path, const struct history_query *hq, int page)
{
	char sep = '?';
	int i;

	buf_puts(b, path);
	for (i = 0; i < HF_PAGE; i++) {
		if (hq->values[i] == NULL)
			continue;
		buf_printf(b, "%c%s=", sep, history_fields[i].name);
		buf_urlencode(b, hq->values[i]);
		sep = '&';
	}
	if (page > 1)
		buf_printf(b, "%cpage=%d", sep, page);
}

DB_STATEMENT(history_rows_sql, "h_history.history_rows_sql", 8,
    "SELECT r.id, r.kind, r.status, r.emergency, r.requesting_agency, r.requester_name,"
    " r.nature, r.location, r.municipality, r.federal_agency, r.case_number,"
    " a.login AS filed_by, to_json(r.created_at)#>>'{}' AS created_at,"
    " to_char(r.created_at, 'YYYY-MM-DD HH24:MI') AS created,"
    " to_json(r.approved_at)#>>'{}' AS approved_at, to_json(r.dispatched_at)#>>'{}' AS dispatched_at,"
    " to_json(ch.acknowledged_at)#>>'{}' AS chief_acknowledged_at, ch.notified AS chief_notified"
    " FROM request r JOIN account a ON a.id = r.filed_by"
    /* One index probe per row shown, not a scan of all notifications. */
    " LEFT JOIN LATERAL (SELECT count(*) > 0 AS notified, min(n.acknowledged_at) AS acknowledged_at"
    "   FROM notification n WHERE n.request_id = r.id AND n.recipient_role = 'chief') ch ON true"
    HISTORY_WHERE
    " ORDER BY r.created_at DESC, r.id DESC LIMIT $7::int OFFSET $8::int");

/* The parameters of history_rows_sql, the numbers written into lim/off. */
static void
history_params(const struct history_query *hq, const char *params[8], char lim[12], char off[12],
    int limit, int offset)
{
	int i;

	for (i = 0; i < 6; i++)
		params[i] = i == HF_AGENCY ? hq->agency_pattern : hq->values[i];
	snprintf(lim, 12, "%d", limit);
	snprintf(off, 12, "%d", offset);
	params[6] = lim;
	params[7] = off;
}

DB_STATEMENT(history_count_sql, "h_history.history_count", 7,
    "SELECT count(*) AS n FROM (SELECT 1 FROM request r" HISTORY_WHERE " LIMIT $7::int) s");

/*
 * One page of matching rows (the page's own: HISTORY_PAGE_SIZE from its
 * offset) and how many match, counted up to the cap, in one round trip.
 * The rows, or NULL on a database error; *total is set.
 */
static PGresult *
history_page(struct ctx *c, const struct history_query *hq, long long *total)
{
	const char *params[8], *count_params[7];
	char lim[12], off[12], cap[16];
	struct db_batch items[2];
	int i;

	history_params(hq, params, lim, off, HISTORY_PAGE_SIZE, (hq->page - 1) * HISTORY_PAGE_SIZE);
	snprintf(cap, sizeof(cap), "%lld", HISTORY_COUNT_CAP + 1);
	/* The count's $7 is the cap; its first six are the rows'. */
	for (i = 0; i < 6; i++)
		count_params[i] = params[i];
	count_params[6] = cap;
	items[0].st = &history_count_sql;
	items[0].values = count_params;
	items[1].st = &history_rows_sql;
	items[1].values = params;
	*total = -1;
	if (!db_run_batch(&c->app->db, items, 2))
		return NULL;
	*total = db_int(items[0].res, 0, "n");
	PQclear(items[0].res);
	return items[1].res;
}

/* The filters' choices, the chosen one marked. */
static void
history_filters(struct view_dict *d, const struct history_query *hq)
{
	int k, s;

	for (k = 0; k < KIND__MAX; k++) {
		struct view_dict *o = view_add(d, "KIND_OPTION");

		view_set_str(o, "VALUE", kind_choices[k].id);
		view_set_str(o, "LABEL", kind_choices[k].label);
		if (hq->values[HF_KIND] && strcmp(hq->values[HF_KIND], kind_choices[k].id) == 0)
			view_show(o, "CHOSEN");
	}
	for (s = 0; s < STATUS__MAX; s++) {
		struct view_dict *o = view_add(d, "STATUS_OPTION");

		view_set_str(o, "VALUE", status_choices[s].id);
		view_set_str(o, "LABEL", status_choices[s].label);
		if (hq->values[HF_STATUS] && strcmp(hq->values[HF_STATUS], status_choices[s].id) == 0)
			view_show(o, "CHOSEN");
	}
	view_set_str(d, "AGENCY", hq->values[HF_AGENCY]);
	view_set_str(d, "FROM", hq->values[HF_FROM]);
	view_set_str(d, "TO", hq->values[HF_TO]);
	view_set_str(d, "Q", hq->values[HF_Q]);
}

/* One row of the results. */
static void
history_row(struct view_dict *d, const PGresult *res, int i)
{
	struct view_dict *r = view_add(d, "REQUEST");
	int kind = kind_from_id(db_value(res, i, "kind"));

	view_set_str(r, "ID", db_value(res, i, "id"));
	view_set_str(r, "CREATED", db_value(res, i, "created"));
	view_set_str(r, "KIND_LABEL", kind >= 0 ? kind_choices[kind].label : "");
	view_set_str(r, "STATUS", db_value(res, i, "status"));
	view_set_str(r, "STATUS_LABEL", choice_label(status_choices, db_value(res, i, "status")));
	view_set_str(r, "AGENCY", db_value(res, i, "requesting_agency"));
	view_set_str(r, "NATURE", db_value(res, i, "nature"));
	view_set_str(r, "CASE_NUMBER", db_value(res, i, "case_number"));
	if (db_bool(res, i, "emergency"))
		view_show(r, "EMERGENCY");
	if (db_bool(res, i, "chief_notified"))
		view_show(view_add(r, "CHIEF"), db_value(res, i, "chief_acknowledged_at") != NULL
		    ? "CHIEF_ACKED" : "CHIEF_UNACKED");
}

/* The pages (previous, next) and the same search as CSV and JSON. */
static void
history_pages(struct view_dict *d, const struct history_query *hq, long long total)
{
	struct buf link;
	int pages = (int)(((total > HISTORY_COUNT_CAP ? HISTORY_COUNT_CAP : total) + HISTORY_PAGE_SIZE - 1) /
	    HISTORY_PAGE_SIZE);

	if (pages > HISTORY_MAX_PAGE)
		pages = HISTORY_MAX_PAGE;
	view_set_int(d, "PAGE", hq->page);
	view_set_int(d, "PAGES", pages < 1 ? 1 : pages);
	buf_init(&link);
	if (hq->page > 1) {
		history_link(&link, "/history", hq, hq->page - 1);
		view_set_str(view_add(d, "PREV"), "HREF", buf_cstr(&link));
	}
	if (hq->page < pages) {
		buf_reset(&link);
		history_link(&link, "/history", hq, hq->page + 1);
		view_set_str(view_add(d, "NEXT"), "HREF", buf_cstr(&link));
	}
	buf_reset(&link);
	history_link(&link, "/history.csv", hq, 1);
	view_set_str(d, "CSV_HREF", buf_cstr(&link));
	buf_reset(&link);
	history_link(&link, "/history.json", hq, hq->page);
	view_set_str(d, "JSON_HREF", buf_cstr(&link));
	buf_free(&link);
}

void
h_history(struct ctx *c)
{
	struct history_query hq;
	struct view_dict *d;
	PGresult *res;
	long long total;
	int i;

	if (!history_read(c, &hq))
		return;
	res = history_page(c, &hq, &total);
	if (res == NULL) {
		history_free(&hq);
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	d = page_dict(c);
	history_filters(d, &hq);
	if (total > HISTORY_COUNT_CAP)
		view_set_str(d, "TOTAL", "more than 2,000");
	else
		view_set_int(d, "TOTAL", total);
	for (i = 0; i < PQntuples(res); i++)
		history_row(d, res, i);
	view_show(d, PQntuples(res) > 0 ? "HAS_RESULTS" : "NO_RESULTS");
	history_pages(d, &hq, total);
	PQclear(res);
	history_free(&hq);
	page_send(c, 200, "History", "history.tpl", d);
}

void
h_history_json(struct ctx *c)
{
	struct history_query hq;
	PGresult *res;
	long long total;
	struct buf b;
	int i;

	if (!history_read(c, &hq))
		return;
	res = history_page(c, &hq, &total);
	history_free(&hq);
	if (res == NULL) {
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	buf_init(&b);
	buf_printf(&b, "{\"total\": %lld, \"total_capped\": %s, \"page\": %d, \"page_size\": %d, \"requests\": [",
	    total > HISTORY_COUNT_CAP ? (long long)HISTORY_COUNT_CAP : total,
	    total > HISTORY_COUNT_CAP ? "true" : "false", hq.page, HISTORY_PAGE_SIZE);
	for (i = 0; i < PQntuples(res); i++) {
		static const char *const text_cols[] = { "kind", "status", "requesting_agency",
		    "requester_name", "nature", "location", "federal_agency", "case_number", "filed_by",
		    "created_at", "approved_at", "dispatched_at", "chief_acknowledged_at" };
		size_t t;

		buf_printf(&b, "%s{\"id\": %s, \"emergency\": %s, \"chief_notified\": %s", i ? ", " : "",
		    db_value(res, i, "id"), db_bool(res, i, "emergency") ? "true" : "false",
		    db_bool(res, i, "chief_notified") ? "true" : "false");
		for (t = 0; t < sizeof(text_cols) / sizeof(text_cols[0]); t++) {
			buf_printf(&b, ", \"%s\": ", text_cols[t]);
			buf_json_str(&b, db_value(res, i, text_cols[t]));
		}
		buf_putc(&b, '}');
	}
	buf_puts(&b, "]}");
	PQclear(res);
	json_send(c, 200, &b);
	buf_free(&b);
}

/*
 * One CSV field (RFC 4180 §2): quoted when it holds a comma, quote, CR or
 * LF, quotes doubled. A cell a spreadsheet would run as a formula (=, +, -,
 * @, TAB, CR at its start) is neutralized with a leading apostrophe (OWASP
 * "CSV injection").
 */
void
csv_field(struct buf *b, const char *v)
{
	const char *p;

	if (v == NULL)
		v = "";
	buf_putc(b, '"');
	if (strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0')
		buf_putc(b, '\'');
	for (p = v; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

static const char *const csv_cols[] = { "id", "created_at", "kind", "status", "emergency",
    "requesting_agency", "requester_name", "nature", "location", "municipality",
    "federal_agency", "case_number", "filed_by", "approved_at", "dispatched_at",
    "chief_notified", "chief_acknowledged_at" };
#define NCSV (sizeof(csv_cols) / sizeof(csv_cols[0]))

/* One CSV line, written out as soon as its row arrives: the export never
 * holds more than a row and a line, whatever its length. */
static bool
csv_row(void *arg, const PGresult *res)
{
	struct ctx *c = arg;
	struct buf line;
	size_t k;
	bool ok;

	buf_init(&line);
	for (k = 0; k < NCSV; k++) {
		const char *v = db_value(res, 0, csv_cols[k]);

		if (strcmp(csv_cols[k], "emergency") == 0 || strcmp(csv_cols[k], "chief_notified") == 0)
			v = v && v[0] == 't' ? "yes" : "no";
		if (k > 0)
			buf_putc(&line, ',');
		csv_field(&line, v);
	}
	buf_puts(&line, "\r\n");
	ok = !buf_failed(&line) && http_write(c->http, line.data, line.len);
	buf_free(&line);
	return ok;
}

void
h_history_csv(struct ctx *c)
{
	struct history_query hq;
	const char *params[8];
	char lim[12], off[12];
	struct buf head;
	size_t k;
	bool ok;

	if (!history_read(c, &hq))
		return;
	history_params(&hq, params, lim, off, HISTORY_CSV_MAX, 0);
	buf_init(&head);
	for (k = 0; k < NCSV; k++) {
		if (k > 0)
			buf_putc(&head, ',');
		/* Every field quoted alike, the header too (RFC 4180 §2.5). */
		csv_field(&head, csv_cols[k]);
	}
	buf_puts(&head, "\r\n");
	http_add_header(c->http, "Content-Disposition", "attachment; filename=\"mutual-aid-history.csv\"");
	http_begin(c->http, 200, "text/csv; charset=utf-8; header=present");
	ok = !buf_failed(&head) && http_write(c->http, head.data, head.len) &&
	    db_each_row_run(&c->app->db, &history_rows_sql, params, csv_row, c);
	buf_free(&head);
	history_free(&hq);
	/* The status is sent already: a failure can only cut the export short,
	 * and a last line says so, so that nobody takes it for complete. */
	if (!ok) {
		static const char cut[] = "\"THE EXPORT IS INCOMPLETE: the database stopped answering\"\r\n";

		(void)http_write(c->http, cut, sizeof(cut) - 1);
	}
}
