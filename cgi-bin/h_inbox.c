/*
 * The inbox: a person's notifications and their role's (those kept for a
 * role nobody held when they were written), newest first.
 */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "page.h"
#include "request_banner.h"
#include "request_store.h"

/* $3: the page's triage order, unacknowledged emergencies first (issue
 * 13); the JSON keeps newest first. */
DB_STATEMENT(inbox_sql, "h_inbox.inbox_sql", 3,
    "SELECT n.id, n.request_id, r.kind, n.recipient_role, n.clause, n.reason,"
    " r.emergency, r.requesting_agency, r.location, r.municipality,"
    " floor(extract(epoch FROM now() - n.created_at) / 60)::bigint AS minutes_old,"
    " n.recipient_id IS NULL AS for_role, n.email_status,"
    " to_json(n.created_at)#>>'{}' AS created_at,"
    " to_json(n.acknowledged_at)#>>'{}' AS acknowledged_at,"
    " to_char(n.created_at, 'YYYY-MM-DD HH24:MI') AS created,"
    " to_char(n.acknowledged_at, 'YYYY-MM-DD HH24:MI') AS acknowledged"
    " FROM notification n LEFT JOIN request r ON r.id = n.request_id"
    " WHERE n.recipient_id = $1 OR (n.recipient_id IS NULL AND n.recipient_role = $2)"
    " ORDER BY ($3::boolean AND n.acknowledged_at IS NULL AND coalesce(r.emergency, false)) DESC,"
    " n.created_at DESC, n.id DESC LIMIT 200");

static PGresult *
inbox_rows(struct ctx *c, bool triage)
{
	char me[24];
	const char *params[3];

	snprintf(me, sizeof(me), "%lld", c->me.id);
	params[0] = me;
	params[1] = role_choices[c->me.role].id;
	params[2] = triage ? "true" : "false";
	return db_run(&c->app->db, &inbox_sql, params);
}

/* What a reader triages by without opening the request: emergency, the
 * agency that asks, the place, the age; unacknowledged past the policy's
 * `acknowledge within` minutes, marked overdue. */
static void
triage_facts(struct ctx *c, struct view_dict *n, const PGresult *res, int i)
{
	const struct policy *pol = app_policy(c);
	const char *town = db_value(res, i, "municipality");
	long long old = db_int(res, i, "minutes_old");
	char age[40], place[400];

	if (db_bool(res, i, "emergency"))
		view_show(n, "EMERGENCY");
	if (db_value(res, i, "requesting_agency") != NULL)
		view_set_str(view_add(n, "AGENCY"), "AGENCY_NAME", db_value(res, i, "requesting_agency"));
	if (db_value(res, i, "location") != NULL) {
		snprintf(place, sizeof(place), "%s%s%s", db_value(res, i, "location"),
		    town != NULL && *town != '\0' ? ", " : "", town != NULL ? town : "");
		view_set_str(view_add(n, "PLACE"), "PLACE_TEXT", place);
	}
	minutes_words(old, age, sizeof(age));
	view_set_str(n, "AGE", age);
	if (db_value(res, i, "acknowledged") == NULL && pol != NULL && pol->ack_minutes > 0 &&
	    old >= pol->ack_minutes)
		view_set_int(view_add(n, "STALE"), "ACK_MINUTES", pol->ack_minutes);
}

void
h_inbox(struct ctx *c)
{
	PGresult *res = inbox_rows(c, true);
	struct view_dict *d;
	int i;

	if (res == NULL) {
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	d = page_dict(c);
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *n = view_add(d, "NOTIFICATION");
		int kind = kind_from_id(db_value(res, i, "kind"));

		view_set_str(n, "ID", db_value(res, i, "id"));
		view_set_str(n, "REQUEST_ID", db_value(res, i, "request_id"));
		view_set_str(n, "KIND_LABEL", kind >= 0 ? kind_choices[kind].label : "");
		view_set_str(n, "CLAUSE", db_value(res, i, "clause"));
		view_set_str(n, "REASON", db_value(res, i, "reason"));
		view_set_str(n, "CREATED", db_value(res, i, "created"));
		if (db_bool(res, i, "for_role"))
			view_show(n, "FOR_ROLE");
		triage_facts(c, n, res, i);
		if (db_value(res, i, "acknowledged") != NULL)
			view_set_str(view_add(n, "ACKED"), "ACKNOWLEDGED", db_value(res, i, "acknowledged"));
		else
			view_show(n, "UNACKED");
	}
	if (PQntuples(res) == 0)
		view_show(d, "EMPTY");
	PQclear(res);
	page_send(c, 200, "Inbox", "inbox.tpl", d);
}

void
h_inbox_json(struct ctx *c)
{
	PGresult *res = inbox_rows(c, false);
	struct buf b;
	int i;

	if (res == NULL) {
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	buf_init(&b);
	buf_printf(&b, "{\"unacknowledged\": %lld, \"notifications\": [", c->unread);
	for (i = 0; i < PQntuples(res); i++) {
		buf_puts(&b, i ? ", {" : "{");
		buf_printf(&b, "\"id\": %s, \"request_id\": %s", db_value(res, i, "id"),
		    db_value(res, i, "request_id") ? db_value(res, i, "request_id") : "null");
		buf_puts(&b, ", \"role\": ");
		buf_json_str(&b, db_value(res, i, "recipient_role"));
		buf_puts(&b, ", \"for_role\": ");
		buf_puts(&b, db_bool(res, i, "for_role") ? "true" : "false");
		buf_puts(&b, ", \"clause\": ");
		buf_json_str(&b, db_value(res, i, "clause"));
		buf_puts(&b, ", \"reason\": ");
		buf_json_str(&b, db_value(res, i, "reason"));
		buf_puts(&b, ", \"created_at\": ");
		buf_json_str(&b, db_value(res, i, "created_at"));
		buf_puts(&b, ", \"acknowledged_at\": ");
		buf_json_str(&b, db_value(res, i, "acknowledged_at"));
		buf_puts(&b, ", \"email\": ");
		buf_json_str(&b, db_value(res, i, "email_status"));
		buf_putc(&b, '}');
	}
	buf_puts(&b, "]}");
	json_send(c, 200, &b);
	buf_free(&b);
	PQclear(res);
}

/* Where an acknowledgment returns: the request page it was made on
 * (`next` = /requests/ID, nothing else: no open redirect), else the inbox. */
static const char *
back_to(struct ctx *c)
{
	const char *next = form_get(&c->http->body_form, "next");
	size_t n;

	if (next == NULL || strncmp(next, "/requests/", 10) != 0)
		return "/inbox";
	n = strspn(next + 10, "0123456789");
	return n > 0 && n <= 18 && next[10 + n] == '\0' ? next : "/inbox";
}

void
h_notification_ack(struct ctx *c)
{
	/* Only one's own notifications, or one's role's, can be acknowledged. */
	DB_STATEMENT(sql, "h_inbox.h_notification_ack", 3,
	    "UPDATE notification SET acknowledged_at = now(), acknowledged_by = $2"
	    " WHERE id = $1 AND acknowledged_at IS NULL"
	    " AND (recipient_id = $2 OR (recipient_id IS NULL AND recipient_role = $3))"
	    " RETURNING id");
	DB_STATEMENT(exists_sql, "h_inbox.h_notification_ack.exists_sql", 3,
	    "SELECT acknowledged_at IS NOT NULL AS done FROM notification"
	    " WHERE id = $1 AND (recipient_id = $2 OR (recipient_id IS NULL AND recipient_role = $3))");
	char id[24], me[24];
	const char *params[3];
	PGresult *res;

	snprintf(id, sizeof(id), "%lld", c->params.id);
	snprintf(me, sizeof(me), "%lld", c->me.id);
	params[0] = id;
	params[1] = me;
	params[2] = role_choices[c->me.role].id;
	if ((res = db_run(&c->app->db, &sql, params)) == NULL) {
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		if ((res = db_run(&c->app->db, &exists_sql, params)) == NULL) {
			page_error(c, 503, "The database is not answering.", NULL);
			return;
		}
		if (PQntuples(res) == 0) {
			PQclear(res);
			page_error(c, 404, "There is no such notification in your inbox.", NULL);
			return;
		}
	}
	PQclear(res);
	http_redirect(c->http, 303, back_to(c));
}
