/*
 * The second step of sign-in (CJIS Security Policy 5.6.2.2, NIST SP
 * 800-63B §5.1.4.2): after the password, GET /login/code asks for the code
 * of the person's authenticator (RFC 6238) or one of their recovery codes,
 * and POST /login/code (field `code`, the pending session's CSRF token)
 * signs them in. A code is accepted once; every code tried is charged to
 * the same per-login and per-address pause as the password
 * (login_attempt_begin, sql/008), so guessing codes pauses like guessing
 * passwords.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "auth_internal.h"
#include "handlers.h"
#include "login_return.h"
#include "page.h"
#include "totp.h"

/* The session that passed the password and waits for its code: its
 * account's login, id, secret and last step. NULL when there is none (or
 * it waited longer than second_factor_minutes). */
static PGresult *
pending_session(struct ctx *c)
{
	DB_STATEMENT(sql, "auth_code.pending_session", 1,
	    "SELECT a.id, a.login, a.totp_secret, coalesce(a.totp_last_step, -1) AS last_step, s.csrf,"
	    " a.password_must_change"
	    " FROM session s JOIN account a ON a.id = s.account_id"
	    " WHERE s.token_hash = decode($1, 'hex') AND s.stage = 'code' AND NOT a.disabled"
	    "  AND a.totp_secret IS NOT NULL"
	    "  AND s.created_at > now() - make_interval(mins => setting_int('second_factor_minutes', 5))");
	char token[TOKEN_CHARS + 8], hex[TOKEN_HASH_HEX + 1];
	const char *params[1] = { hex };
	PGresult *res;

	if (!cookie_token(c, SESSION_COOKIE, token, sizeof(token)) || !token_shape_ok(token))
		return NULL;
	token_hash_hex(token, hex);
	if ((res = db_run(&c->app->db, &sql, params)) != NULL && PQntuples(res) != 1) {
		PQclear(res);
		res = NULL;
	}
	return res;
}

static void
code_page(struct ctx *c, int status, const char *message)
{
	struct view_dict *d = page_dict(c);

	if (message != NULL)
		view_set_str(view_add(d, "CODE_ERROR"), "MESSAGE", message);
	page_send(c, status, "Sign in: code", "login_code.tpl", d);
}

void
h_login_code_form(struct ctx *c)
{
	PGresult *res = pending_session(c);

	if (res == NULL) {
		http_redirect(c->http, 303, "/login");
		return;
	}
	c->csrf = db_value(res, 0, "csrf");
	code_page(c, 200, NULL);
	PQclear(res);
}

/* Whether `code` is accepted for the account of `res`, marking it used in
 * the same step, so that two requests with one code cannot both pass.
 * Sets *how to the reason recorded. */
bool
code_accepted(struct ctx *c, const PGresult *res, const char *code, const char **how)
{
	DB_STATEMENT(step_sql, "auth_code.code_accepted.step_sql", 2,
	    "UPDATE account SET totp_last_step = $2::bigint WHERE id = $1"
	    " AND coalesce(totp_last_step, -1) < $2::bigint RETURNING id");
	DB_STATEMENT(recovery_sql, "auth_code.code_accepted.recovery_sql", 2,
	    "UPDATE recovery_code SET used_at = now() WHERE account_id = $1"
	    " AND code_hash = decode($2, 'hex') AND used_at IS NULL RETURNING account_id");
	const char *id = db_value(res, 0, "id"), *params[2] = { id, NULL };
	char step_text[24], hex[RECOVERY_HASH_HEX + 1];
	long long step = -1;
	PGresult *done;
	bool ok;

	if (recovery_code_hash(db_int(res, 0, "id"), code, hex)) {
		params[1] = hex;
		*how = "wrong or used recovery code";
		done = db_run(&c->app->db, &recovery_sql, params);
		ok = done != NULL && PQntuples(done) == 1;
		PQclear(done);
		if (ok)
			*how = "signed in with a recovery code";
		return ok;
	}
	switch (totp_check(db_value(res, 0, "totp_secret"), time(NULL), code,
	    db_int(res, 0, "last_step"), &step)) {
	case TOTP_ACCEPTED:
		break;
	case TOTP_REPLAYED:
		*how = "code already used";
		return false;
	default:
		*how = "wrong code";
		return false;
	}
	snprintf(step_text, sizeof(step_text), "%lld", step);
	params[1] = step_text;
	done = db_run(&c->app->db, &step_sql, params);
	ok = done != NULL && PQntuples(done) == 1;
	PQclear(done);
	*how = ok ? "signed in with a second factor" : "code already used";
	return ok;
}

void
h_login_code(struct ctx *c)
{
	PGresult *res = pending_session(c);
	const char *code = form_get(&c->http->body_form, "code"), *how = "wrong code";
	const char *login, *id;
	char back[RETURN_PATH_MAX];

	if (res == NULL) {
		page_error(c, 403, "The sign-in had expired. Please sign in again.", NULL);
		return;
	}
	/* Its CSRF token was checked as every form's (app.c, auth.c). */
	login = db_value(res, 0, "login");
	id = db_value(res, 0, "id");
	if (code == NULL || *code == '\0' || form_count(&c->http->body_form, "code") != 1 ||
	    strlen(code) > 64) {
		code_page(c, 401, "Enter the 6-digit code of your authenticator app, or a recovery code.");
		PQclear(res);
		return;
	}
	if (admit(c, login) <= 0) {
		PQclear(res);
		return;
	}
	if (!code_accepted(c, res, code, &how)) {
		record_login(c, login, id, false, how);
		code_page(c, 401, "That code was not accepted. Enter the code your authenticator app "
		    "shows now (each code works once), or a recovery code. After repeated failures, "
		    "sign-in pauses for a while.");
		PQclear(res);
		return;
	}
	if (!start_session(c, login, id, db_bool(res, 0, "password_must_change") ? "password" : "full")) {
		PQclear(res);
		page_error(c, 503, "The database is not answering. You are not signed in; please try again.",
		    NULL);
		return;
	}
	record_login(c, login, id, true, how);
	http_redirect(c->http, 303, db_bool(res, 0, "password_must_change") ? "/account/password"
	    : login_return_take(c, back));
	PQclear(res);
}
