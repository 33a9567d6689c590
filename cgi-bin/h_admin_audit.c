/*
 * GET /admin/audit: the accounts' audit trail for administrators (CJIS Security
 * Policy 5.4.1.1, 5.4.3), newest first, narrowed by who (`login`), what
 * (`action`) and from when (`since`, a date); at most 200 rows a page.
 */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "page.h"

#define AUDIT_PAGE_ROWS 200

static bool
event_row(void *arg, const PGresult *res)
{
	struct view_dict *e = view_add(arg, "EVENT");

	if (e == NULL)
		return false;
	view_set_str(e, "AT", db_value(res, 0, "at"));
	view_set_str(e, "ACTOR", db_value(res, 0, "actor"));
	view_set_str(e, "ACTION", db_value(res, 0, "action"));
	view_set_str(e, "CLAUSE", db_value(res, 0, "clause"));
	view_set_str(e, "NOTE", db_value(res, 0, "note"));
	view_set_str(e, "REQUEST", db_value(res, 0, "request"));
	return true;
}

/* A filter's value: NULL when absent or empty; `since` must look like a
 * date (YYYY-MM-DD), so that the database is never asked to parse junk. */
static const char *
filter(struct ctx *c, const char *name, struct view_dict *d)
{
	const char *v = form_get(&c->http->query_form, name);

	if (v == NULL || *v == '\0' || strlen(v) > 64)
		return NULL;
	if (strcmp(name, "since") == 0 &&
	    (strlen(v) != 10 || strspn(v, "0123456789-") != 10 || v[4] != '-' || v[7] != '-'))
		return NULL;
	view_set_str(d, name, v);
	return v;
}

void
h_admin_audit(struct ctx *c)
{
	DB_STATEMENT(sql, "h_admin_audit.h_admin_audit", 3,
	    "SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at, coalesce(actor_login, '') AS actor,"
	    " action, coalesce(clause, '') AS clause, note, coalesce(request_id::text, '') AS request"
	    /* The accounts' events (a request's are on its page; `portalctl
	     * audit` lists every event). */
	    " FROM audit_event WHERE request_id IS NULL AND action IN ('sign_in', 'sign_in_failed',"
	    "  'second_factor_enrolled', 'password_changed', 'session_ended', 'account_created',"
	    "  'account_changed', 'account_deleted', 'setting_changed')"
	    " AND ($1::text IS NULL OR actor_login = $1)"
	    " AND ($2::text IS NULL OR action = $2)"
	    " AND ($3::text IS NULL OR at >= $3::date)"
	    " ORDER BY id DESC LIMIT 200");
	struct view_dict *d = page_dict(c);
	const char *params[3];

	params[0] = filter(c, "login", d);
	params[1] = filter(c, "action", d);
	params[2] = filter(c, "since", d);
	if (!db_each_row_run(&c->app->db, &sql, params, event_row, d)) {
		view_dict_free(d);
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	view_set_int(d, "MAX", AUDIT_PAGE_ROWS);
	page_send(c, 200, "Audit trail", "admin_audit.tpl", d);
}
