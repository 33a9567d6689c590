/*
 * One's own password (NIST SP 800-63B §5.1.1.2; CJIS Security Policy
 * 5.6.2.1): GET /account/password shows the form, POST changes it with the
 * current password and, when the account has a second factor, a code
 * (a stolen session alone cannot change it). The current password is
 * charged to the sign-in pause like any guess (sql/008). A change ends
 * every other session of the account and is audited.
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "handlers.h"
#include "hashgate.h"
#include "page.h"
#include "password.h"

/* The account: its hash, second factor and whether it must change. */
static PGresult *
own_account(struct ctx *c)
{
	DB_STATEMENT(sql, "h_password.own_account", 1,
	    "SELECT id, login, full_name, password_hash, totp_secret,"
	    " coalesce(totp_last_step, -1) AS last_step, password_must_change,"
	    " second_factor_required(id) AS required, setting_int('password_min_length', 12) AS min"
	    " FROM account WHERE id = $1");
	char id[24];
	const char *params[1] = { id };
	PGresult *res;

	snprintf(id, sizeof(id), "%lld", c->me.id);
	if ((res = db_run(&c->app->db, &sql, params)) != NULL && PQntuples(res) != 1) {
		PQclear(res);
		res = NULL;
	}
	return res;
}

static void
password_page(struct ctx *c, int status, const PGresult *acc, const char *message)
{
	struct view_dict *d = page_dict(c);

	view_set_str(d, "MIN", db_value(acc, 0, "min"));
	if (db_bool(acc, 0, "password_must_change"))
		view_show(d, "MUST");
	if (db_value(acc, 0, "totp_secret") != NULL)
		view_show(d, "CODE");
	if (message != NULL)
		view_set_str(view_add(d, "MESSAGE_BOX"), "MESSAGE", message);
	page_send(c, status, "Change your password", "account_password.tpl", d);
}

void
h_account_password(struct ctx *c)
{
	PGresult *acc = own_account(c);

	if (acc == NULL) {
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	password_page(c, 200, acc, NULL);
	PQclear(acc);
}

/* The current password and code; NULL or what was wrong. */
static const char *
proof_problem(struct ctx *c, const PGresult *acc)
{
	DB_STATEMENT(ok_sql, "h_password.proof_problem.ok", 2, "SELECT login_attempt_ok($1, $2)");
	const char *current = form_get(&c->http->body_form, "current");
	const char *code = form_get(&c->http->body_form, "code"), *how = NULL;
	const char *params[2] = { db_value(acc, 0, "login"), c->http->remote_addr };
	bool ok;

	if (!hashgate_enter(1000))
		return "The portal is busy checking sign-ins. Please try again in a moment.";
	ok = current != NULL && password_verify(db_value(acc, 0, "password_hash"), current);
	hashgate_leave();
	if (!ok)
		return "Your current password was not right. Nothing was changed.";
	if (db_value(acc, 0, "totp_secret") != NULL &&
	    (code == NULL || !code_accepted(c, acc, code, &how)))
		return "The code was not accepted (each code works once). Nothing was changed.";
	return db_run_ok(&c->app->db, &ok_sql, params) ? NULL
	    : "The database is not answering. Nothing was changed.";
}

/* Stores the new hash, ends the other sessions, moves this one on. */
static bool
store_password(struct ctx *c, const PGresult *acc, const char *hash)
{
	DB_STATEMENT(sql, "h_password.store_password", 2,
	    "UPDATE account SET password_hash = $2, password_must_change = false WHERE id = $1");
	DB_STATEMENT(sessions_sql, "h_password.store_password.sessions", 3,
	    "WITH gone AS (DELETE FROM session WHERE account_id = $1 AND token_hash <> decode($2, 'hex'))"
	    " UPDATE session SET stage = $3 WHERE token_hash = decode($2, 'hex')");
	char token[TOKEN_CHARS + 8], hex[TOKEN_HASH_HEX + 1];
	const char *params[3] = { db_value(acc, 0, "id"), hash, NULL };

	if (!cookie_token(c, SESSION_COOKIE, token, sizeof(token)) || !token_shape_ok(token))
		return false;
	token_hash_hex(token, hex);
	if (!db_begin(&c->app->db) || !db_run_ok(&c->app->db, &sql, params))
		return false;
	params[1] = hex;
	params[2] = db_bool(acc, 0, "required") && db_value(acc, 0, "totp_secret") == NULL ? "enrol" : "full";
	return db_run_ok(&c->app->db, &sessions_sql, params) &&
	    audit_record(&c->app->db, NULL, c->me.id, c->me.login, "password_changed", "CJIS 5.6.2.1",
	        "Password changed by its holder; other sessions ended") &&
	    db_commit(&c->app->db);
}

void
h_account_password_change(struct ctx *c)
{
	const char *password = form_get(&c->http->body_form, "password"), *problem;
	PGresult *acc = own_account(c);
	char hash[256];
	bool hashed;

	if (acc == NULL) {
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	if (form_get(&c->http->body_form, "current") == NULL || password == NULL ||
	    form_count(&c->http->body_form, "current") != 1 || form_count(&c->http->body_form, "password") != 1) {
		password_page(c, 422, acc, "Enter your current password and the new one.");
		PQclear(acc);
		return;
	}
	/* The new password's rules first: a password they refuse must not
	 * spend the holder's one-time code (each works once, RFC 6238 §5.2,
	 * and the next comes 30 s later), a hash of the current one, or one
	 * of the attempts at it that the pause counts (admit). */
	problem = password_rules(&c->app->db, password, db_value(acc, 0, "login"),
	    db_value(acc, 0, "full_name"), app_policy(c) ? app_policy(c)->department : NULL);
	if (problem == NULL) {
		if (admit(c, db_value(acc, 0, "login")) <= 0) {
			PQclear(acc);
			return;
		}
		problem = proof_problem(c, acc);
	}
	if (problem != NULL) {
		password_page(c, 422, acc, problem);
		PQclear(acc);
		return;
	}
	hashed = false;
	if (hashgate_enter(1000)) {
		hashed = password_hash(password, hash, sizeof(hash));
		hashgate_leave();
	}
	if (!hashed || !store_password(c, acc, hash)) {
		db_rollback(&c->app->db);
		password_page(c, 503, acc, "The password could not be changed just now. Please try again.");
		PQclear(acc);
		return;
	}
	http_redirect(c->http, 303, db_bool(acc, 0, "required") && db_value(acc, 0, "totp_secret") == NULL
	    ? "/account/totp" : "/account?changed=1");
	PQclear(acc);
}
