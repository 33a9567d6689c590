/*
 * One's account page (GET /account): the sessions one is signed in with,
 * each with when it began and was last used, from where and with which
 * browser, and a button to end any other (POST /account/sessions/ID/end).
 * CJIS Security Policy 5.5.5 (session lock) and 5.6.2.2; NIST SP 800-63B
 * §7.1 (sessions the subscriber can see and terminate).
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "handlers.h"
#include "page.h"

/* The hex hash of this request's session token, for "this session". */
static bool
own_token_hash(struct ctx *c, char hex[TOKEN_HASH_HEX + 1])
{
	char token[TOKEN_CHARS + 8];

	if (!cookie_token(c, SESSION_COOKIE, token, sizeof(token)) || !token_shape_ok(token))
		return false;
	token_hash_hex(token, hex);
	return true;
}

static bool
session_row(void *arg, const PGresult *res)
{
	struct view_dict *s = view_add(arg, "SESSION");

	if (s == NULL)
		return false;
	view_set_str(s, "ID", db_value(res, 0, "id"));
	view_set_str(s, "STARTED", db_value(res, 0, "started"));
	view_set_str(s, "LAST_USED", db_value(res, 0, "last_used"));
	view_set_str(s, "ADDR", db_value(res, 0, "remote_addr") ? db_value(res, 0, "remote_addr") : "—");
	view_set_str(s, "BROWSER", db_value(res, 0, "user_agent") ? db_value(res, 0, "user_agent") : "—");
	view_show(s, db_bool(res, 0, "current") ? "CURRENT" : "OTHER");
	return true;
}

void
h_account(struct ctx *c)
{
	DB_STATEMENT(sql, "h_sessions.h_account", 4,
	    "SELECT id, to_char(created_at, 'YYYY-MM-DD HH24:MI') AS started,"
	    " to_char(last_seen_at, 'YYYY-MM-DD HH24:MI') AS last_used, remote_addr, user_agent,"
	    " token_hash = decode($2, 'hex') AS current FROM session"
	    " WHERE account_id = $1 AND stage = 'full'"
	    "  AND last_seen_at > now() - make_interval(mins => $3::int)"
	    "  AND created_at > now() - make_interval(hours => $4::int)"
	    " ORDER BY created_at DESC, id DESC LIMIT 100");
	DB_STATEMENT(totp_sql, "h_sessions.h_account.totp", 1,
	    "SELECT totp_secret IS NOT NULL AS on FROM account WHERE id = $1");
	char id[24], hex[TOKEN_HASH_HEX + 1] = "", idle[12], max[12];
	const char *params[4] = { id, hex, idle, max };
	struct view_dict *d = page_dict(c);
	PGresult *res;
	bool ok;

	snprintf(id, sizeof(id), "%lld", c->me.id);
	snprintf(idle, sizeof(idle), "%d", c->app->settings.session_idle_minutes);
	snprintf(max, sizeof(max), "%d", c->app->settings.session_max_hours);
	(void)own_token_hash(c, hex);
	ok = db_each_row_run(&c->app->db, &sql, params, session_row, d) &&
	    (res = db_run(&c->app->db, &totp_sql, params)) != NULL;
	if (!ok) {
		view_dict_free(d);
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	view_show(d, PQntuples(res) == 1 && db_bool(res, 0, "on") ? "HAS_TOTP" : "NO_TOTP");
	PQclear(res);
	view_set_str(d, "LOGIN", c->me.login);
	view_set_int(d, "IDLE", c->app->settings.session_idle_minutes);
	view_set_int(d, "MAX", c->app->settings.session_max_hours);
	if (strcmp(form_get(&c->http->query_form, "ended") ? form_get(&c->http->query_form, "ended") : "",
	    "1") == 0)
		view_set_str(view_add(d, "MESSAGE_BOX"), "MESSAGE", "The session was ended.");
	if (form_get(&c->http->query_form, "changed") != NULL)
		view_set_str(view_add(d, "MESSAGE_BOX"), "MESSAGE", "Your password was changed; "
		    "your other sessions were ended.");
	page_send(c, 200, "Your account", "account.tpl", d);
}

void
h_account_session_end(struct ctx *c)
{
	/* Only one's own sessions: another's id ends nothing (404). */
	DB_STATEMENT(sql, "h_sessions.h_account_session_end", 2,
	    "DELETE FROM session WHERE id = $1 AND account_id = $2 RETURNING remote_addr");
	char sid[24], id[24], note[200];
	const char *params[2] = { sid, id };
	PGresult *res;

	snprintf(sid, sizeof(sid), "%lld", c->params.id);
	snprintf(id, sizeof(id), "%lld", c->me.id);
	if (!db_begin(&c->app->db) || (res = db_run(&c->app->db, &sql, params)) == NULL) {
		db_rollback(&c->app->db);
		page_error(c, 503, "The database is not answering; nothing was ended.", NULL);
		return;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback(&c->app->db);
		page_error(c, 404, "You have no such session (it may have ended already).", NULL);
		return;
	}
	snprintf(note, sizeof(note), "Session %s (from %s) ended by its holder", sid,
	    db_value(res, 0, "remote_addr") ? db_value(res, 0, "remote_addr") : "an unknown address");
	PQclear(res);
	if (!audit_record(&c->app->db, NULL, c->me.id, c->me.login, "session_ended", "CJIS 5.5.5", note) ||
	    !db_commit(&c->app->db)) {
		db_rollback(&c->app->db);
		page_error(c, 503, "The database is not answering; nothing was ended.", NULL);
		return;
	}
	http_redirect(c->http, 303, "/account?ended=1");
}
