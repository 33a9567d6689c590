/*
 * GET /dashboard: command staff's view. Charts are SVG drawn on the server
 * (no JavaScript), each with a title and description for screen readers
 * and the table of its numbers behind it, so they read in print too.
 */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "page.h"
#include "status.h"
#include "timers.h"

#define WEEKS 12
#define CHART_W 640
#define CHART_H 220
#define PLOT_TOP 10
#define PLOT_BOTTOM 190
#define PLOT_LEFT 40

/* Requests per week by kind, as stacked bars and a table. */
static bool
weekly_chart(struct ctx *c, struct view_dict *d)
{
	DB_STATEMENT(sql, "h_dashboard.weekly_chart", 1,
	    "WITH weeks AS (SELECT generate_series(date_trunc('week', now()) - interval '11 weeks',"
	    "   date_trunc('week', now()), interval '1 week') AS wk)"
	    " SELECT to_char(w.wk, 'Mon DD') AS label, k.kind,"
	    "  (SELECT count(*) FROM request r WHERE r.kind = k.kind AND r.created_at >= w.wk"
	    "    AND r.created_at < w.wk + interval '1 week') AS n"
	    " FROM weeks w CROSS JOIN unnest($1::text[]) WITH ORDINALITY AS k(kind, ord)"
	    " ORDER BY w.wk, k.ord");
	char kinds[256];
	const char *params[1];
	long long counts[WEEKS][KIND__MAX], max = 1;
	PGresult *res;
	int w, k, row = 0;

	snprintf(kinds, sizeof(kinds), "{%s,%s,%s,%s,%s,%s}", kind_choices[0].id, kind_choices[1].id,
	    kind_choices[2].id, kind_choices[3].id, kind_choices[4].id, kind_choices[5].id);
	params[0] = kinds;
	if ((res = db_run(&c->app->db, &sql, params)) == NULL)
		return false;
	if (PQntuples(res) != WEEKS * KIND__MAX) {
		PQclear(res);
		return false;
	}
	for (w = 0; w < WEEKS; w++) {
		long long sum = 0;

		for (k = 0; k < KIND__MAX; k++)
			sum += counts[w][k] = db_int(res, w * KIND__MAX + k, "n");
		if (sum > max)
			max = sum;
	}
	view_set_int(d, "WEEK_MAX", max);
	for (k = 0; k < KIND__MAX; k++) {
		struct view_dict *key = view_add(d, "KIND_KEY");

		view_set_int(key, "IDX", k);
		view_set_str(key, "LABEL", kind_choices[k].label);
	}
	for (w = 0; w < WEEKS; w++) {
		struct view_dict *wk = view_add(d, "WEEK");
		int bar_w = (CHART_W - PLOT_LEFT) / WEEKS, x = PLOT_LEFT + w * bar_w + 4;
		long long stacked = 0;

		view_set_str(wk, "LABEL", db_value(res, w * KIND__MAX, "label"));
		view_set_int(wk, "LX", x + (bar_w - 8) / 2);
		view_set_int(wk, "LY", PLOT_BOTTOM + 16);
		for (k = 0; k < KIND__MAX; k++) {
			struct view_dict *cell = view_add(wk, "CELL"), *bar;
			long long h = counts[w][k] * (PLOT_BOTTOM - PLOT_TOP) / max;

			view_set_int(cell, "N", counts[w][k]);
			view_set_str(cell, "KIND_LABEL", kind_choices[k].label);
			if (counts[w][k] == 0)
				continue;
			bar = view_add(d, "BAR");
			view_set_int(bar, "X", x);
			view_set_int(bar, "W", bar_w - 8);
			view_set_int(bar, "Y", PLOT_BOTTOM - (stacked + counts[w][k]) * (PLOT_BOTTOM - PLOT_TOP) / max);
			view_set_int(bar, "H", h < 1 ? 1 : h);
			view_set_int(bar, "IDX", k);
			view_set_str(bar, "TIP", kind_choices[k].label);
			view_set_str(bar, "WEEK", db_value(res, w * KIND__MAX, "label"));
			view_set_int(bar, "N", counts[w][k]);
			stacked += counts[w][k];
		}
		row++;
	}
	PQclear(res);
	return row == WEEKS;
}

/* Where the row of the i-th status starts in the status chart. */
#define STATUS_ROW_Y(i) (8 + (i) * 52)

/* Open requests by status: horizontal bars and a table. */
static bool
status_chart(struct ctx *c, struct view_dict *d)
{
	DB_STATEMENT(sql, "h_dashboard.status_chart", 0,
	    "SELECT s.status, (SELECT count(*) FROM request r WHERE r.status = s.status) AS n"
	    " FROM unnest('{submitted,provisionally_authorized,pending_approval,approved,dispatched}'::text[])"
	    " WITH ORDINALITY AS s(status, ord) ORDER BY s.ord");
	PGresult *res = db_run(&c->app->db, &sql, NULL);
	long long max = 1;
	int i;

	if (res == NULL)
		return false;
	for (i = 0; i < PQntuples(res); i++)
		if (db_int(res, i, "n") > max)
			max = db_int(res, i, "n");
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *b = view_add(d, "STATUS_BAR");
		long long n = db_int(res, i, "n");

		view_set_str(b, "STATUS", db_value(res, i, "status"));
		view_set_str(b, "LABEL", choice_label(status_choices, db_value(res, i, "status")));
		view_set_int(b, "N", n);
		/* The label above its bar, not beside it: on a phone the
		 * labels are drawn larger (portal.css) and would run into the
		 * bars and numbers (WCAG 1.4.10, issue 13). */
		view_set_int(b, "TY", STATUS_ROW_Y(i) + 18);
		view_set_int(b, "Y", STATUS_ROW_Y(i) + 26);
		view_set_int(b, "W", n == 0 ? 0 : 2 + n * 560 / max);
		view_set_int(b, "NX", (n == 0 ? 0 : 2 + n * 560 / max) + 6);
		view_set_int(b, "NY", STATUS_ROW_Y(i) + 43);
	}
	view_set_int(d, "STATUS_H", STATUS_ROW_Y(i));
	PQclear(res);
	return true;
}

static bool
figures(struct ctx *c, struct view_dict *d)
{
	DB_STATEMENT(sql, "h_dashboard.figures", 0,
	    "SELECT"
	    " (SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM approved_at - created_at)) / 60)::numeric, 1)"
	    "   FROM request WHERE approved_at IS NOT NULL AND created_at > now() - interval '90 days') AS approve_min,"
	    " (SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM dispatched_at - created_at)) / 60)::numeric, 1)"
	    "   FROM request WHERE dispatched_at IS NOT NULL AND created_at > now() - interval '90 days') AS dispatch_min");
	PGresult *res;
	int checkins, followups;

	/* Overdue exactly as the timers judge it: each request under the rule
	 * in force for it (its interval, its conditions, no exception). */
	if (!timers_overdue(&c->app->db, app_policy(c), &checkins, &followups) ||
	    (res = db_run(&c->app->db, &sql, NULL)) == NULL)
		return false;
	view_set_str(d, "APPROVE_MIN", db_value(res, 0, "approve_min") ? db_value(res, 0, "approve_min") : "—");
	view_set_str(d, "DISPATCH_MIN", db_value(res, 0, "dispatch_min") ? db_value(res, 0, "dispatch_min") : "—");
	view_set_int(d, "OVERDUE_CHECKINS", checkins);
	view_set_int(d, "OVERDUE_FOLLOWUPS", followups);
	PQclear(res);
	return true;
}

static bool
federal_list(struct ctx *c, struct view_dict *d)
{
	DB_STATEMENT(sql, "h_dashboard.federal_list", 0,
	    "SELECT r.id, r.kind, r.federal_agency, r.case_number,"
	    " to_char(r.created_at, 'YYYY-MM-DD HH24:MI') AS created,"
	    " (SELECT to_char(min(n.acknowledged_at), 'YYYY-MM-DD HH24:MI') FROM notification n"
	    "   WHERE n.request_id = r.id AND n.recipient_role = 'chief') AS chief_ack,"
	    " (SELECT to_char(min(n.created_at), 'YYYY-MM-DD HH24:MI') FROM notification n"
	    "   WHERE n.request_id = r.id AND n.recipient_role = 'chief') AS chief_notified"
	    " FROM request r WHERE r.kind LIKE 'federal\\_%'"
	    " ORDER BY r.created_at DESC, r.id DESC LIMIT 20");
	PGresult *res = db_run(&c->app->db, &sql, NULL);
	int i;

	if (res == NULL)
		return false;
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *f = view_add(d, "FEDERAL");

		view_set_str(f, "ID", db_value(res, i, "id"));
		view_set_str(f, "KIND_LABEL", choice_label(kind_choices, db_value(res, i, "kind")));
		view_set_str(f, "AGENCY", choice_label(federal_agency_choices, db_value(res, i, "federal_agency")));
		view_set_str(f, "CASE_NUMBER", db_value(res, i, "case_number"));
		view_set_str(f, "CREATED", db_value(res, i, "created"));
		view_set_str(f, "NOTIFIED", db_value(res, i, "chief_notified"));
		if (db_value(res, i, "chief_ack") != NULL)
			view_set_str(view_add(f, "ACKED"), "ACK", db_value(res, i, "chief_ack"));
		else
			view_show(f, "NOT_ACKED");
	}
	if (PQntuples(res) == 0)
		view_show(d, "NO_FEDERAL");
	PQclear(res);
	return true;
}

/* Whether notifications are going out: the people reading this page are
 * the ones who must know when e-mail is behind (the notifications are kept
 * and shown in the portal meanwhile). */
static bool
mail_status(struct ctx *c, struct view_dict *d)
{
	struct portal_status s;
	struct view_dict *m;

	if (!status_read(&c->app->db, &s))
		return false;
	m = view_add(d, s.degraded ? "MAIL_BEHIND" : "MAIL_OK");
	view_set_int(m, "BACKLOG", s.backlog);
	if (s.oldest_unsent >= 0)
		view_set_int(view_add(m, "OLDEST"), "MINUTES", (s.oldest_unsent + 59) / 60);
	if (s.notifier_down)
		view_show(m, "NOTIFIER_DOWN");
	return true;
}

void
h_dashboard(struct ctx *c)
{
	struct view_dict *d;

	d = page_dict(c);
	view_set_int(d, "CHART_W", CHART_W);
	view_set_int(d, "CHART_H", CHART_H);
	view_set_int(d, "AXIS_X", PLOT_LEFT);
	view_set_int(d, "AXIS_Y", PLOT_BOTTOM);
	if (!mail_status(c, d) || !weekly_chart(c, d) || !status_chart(c, d) || !figures(c, d) || !federal_list(c, d)) {
		view_dict_free(d);
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	page_send(c, 200, "Dashboard", "dashboard.tpl", d);
}
