/*
 * One's own second factor (CJIS Security Policy 5.6.2.2; RFC 6238):
 * GET /account/totp shows the enrolment (a QR code of the otpauth:// link,
 * the secret in base32, a form to confirm one code) or, once enrolled, how
 * many recovery codes are left; POST /account/totp confirms a code, turns
 * the second factor on, ends the account's other sessions and shows ten
 * single-use recovery codes, once.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "buf.h"
#include "handlers.h"
#include "page.h"
#include "qr.h"
#include "totp.h"

/* The issuer an authenticator app lists the account under (Key Uri Format). */
#define TOTP_ISSUER "Mutual Aid Portal"

static PGresult *
totp_state(struct ctx *c, const char *secret_offer)
{
	/* The secret offered stays the same until a code confirms it, so that
	 * reloading the page does not change what the phone has scanned. */
	DB_STATEMENT(sql, "h_account.totp_state", 2,
	    "UPDATE account SET totp_pending = coalesce(totp_pending, $2)"
	    " WHERE id = $1 RETURNING totp_secret IS NOT NULL AS enrolled, totp_pending,"
	    "  to_char(totp_enrolled_at, 'YYYY-MM-DD HH24:MI') AS since,"
	    "  second_factor_required(id) AS required,"
	    "  (SELECT count(*) FROM recovery_code r WHERE r.account_id = account.id"
	    "    AND r.used_at IS NULL) AS left");
	char id[24];
	const char *params[2] = { id, secret_offer };
	PGresult *res;

	snprintf(id, sizeof(id), "%lld", c->me.id);
	if ((res = db_run(&c->app->db, &sql, params)) != NULL && PQntuples(res) != 1) {
		PQclear(res);
		res = NULL;
	}
	return res;
}

/* The enrolment: QR code, secret, the confirmation form. */
static bool
enrol_section(struct ctx *c, struct view_dict *d, const PGresult *st)
{
	const char *secret = db_value(st, 0, "totp_pending");
	struct view_dict *e = view_add(d, "ENROL");
	struct buf uri, path;
	int size = 0;
	bool ok;

	buf_init(&uri);
	buf_init(&path);
	/* Key Uri Format of authenticator apps: otpauth://totp/ISSUER:LOGIN. */
	buf_puts(&uri, "otpauth://totp/");
	buf_urlencode(&uri, TOTP_ISSUER);
	buf_putc(&uri, ':');
	buf_urlencode(&uri, c->me.login);
	buf_printf(&uri, "?secret=%s&issuer=", secret);
	buf_urlencode(&uri, TOTP_ISSUER);
	buf_printf(&uri, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP_SECONDS);
	ok = e != NULL && !buf_failed(&uri) && qr_svg_path(buf_cstr(&uri), &path, &size);
	if (ok) {
		if (db_bool(st, 0, "required"))
			view_show(e, "REQUIRED");
		view_set_int(e, "SIZE", size);
		view_set_int(e, "PIXELS", (long long)size * 6);
		view_set_str(e, "PATH", buf_cstr(&path));
		view_set_str(e, "SECRET", secret);
		view_set_str(e, "LOGIN", c->me.login);
	}
	buf_free(&uri);
	buf_free(&path);
	return ok;
}

static void
totp_page(struct ctx *c, int status, const char *message)
{
	char offer[TOTP_SECRET_CHARS + 1];
	PGresult *st;
	struct view_dict *d;

	if (!totp_secret_new(offer) || (st = totp_state(c, offer)) == NULL) {
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	d = page_dict(c);
	if (message != NULL)
		view_set_str(view_add(d, "MESSAGE_BOX"), "MESSAGE", message);
	if (db_bool(st, 0, "enrolled")) {
		struct view_dict *e = view_add(d, "ENROLLED");

		view_set_str(e, "SINCE", db_value(st, 0, "since"));
		view_set_str(e, "LEFT", db_value(st, 0, "left"));
	} else if (!enrol_section(c, d, st)) {
		PQclear(st);
		view_dict_free(d);
		page_error(c, 500, "The QR code could not be drawn. Please try again.", NULL);
		return;
	}
	PQclear(st);
	page_send(c, status, "Two-factor sign-in", "account_totp.tpl", d);
}

void
h_account_totp(struct ctx *c)
{
	totp_page(c, 200, NULL);
}

/* Ten new recovery codes (the old ones go), into codes[]. */
static bool
store_recovery_codes(struct ctx *c, const char *id, char codes[RECOVERY_CODES][RECOVERY_CODE_CHARS + 1])
{
	DB_STATEMENT(drop_sql, "h_account.store_recovery_codes.drop", 1,
	    "DELETE FROM recovery_code WHERE account_id = $1");
	DB_STATEMENT(add_sql, "h_account.store_recovery_codes.add", 2,
	    "INSERT INTO recovery_code (account_id, code_hash) VALUES ($1, decode($2, 'hex'))");
	char hex[RECOVERY_HASH_HEX + 1];
	const char *params[2] = { id, hex };
	int i;

	if (!db_run_ok(&c->app->db, &drop_sql, params))
		return false;
	for (i = 0; i < RECOVERY_CODES; i++)
		if (!recovery_code_new(codes[i]) || !recovery_code_hash(c->me.id, codes[i], hex) ||
		    !db_run_ok(&c->app->db, &add_sql, params))
			return false;
	return true;
}

/* Turns the confirmed secret on, in the open transaction: its step is the
 * last used, this session becomes a full one and every other session of
 * the account ends (a second-factor change, CJIS 5.6.2.2). */
static bool
turn_on(struct ctx *c, const char *id, const char *secret, long long step,
    char codes[RECOVERY_CODES][RECOVERY_CODE_CHARS + 1])
{
	DB_STATEMENT(on_sql, "h_account.turn_on.on", 3,
	    "UPDATE account SET totp_secret = totp_pending, totp_pending = NULL,"
	    " totp_last_step = $3::bigint, totp_enrolled_at = now()"
	    " WHERE id = $1 AND totp_pending = $2 AND totp_secret IS NULL RETURNING id");
	DB_STATEMENT(sessions_sql, "h_account.turn_on.sessions", 2,
	    "WITH gone AS (DELETE FROM session WHERE account_id = $1 AND token_hash <> decode($2, 'hex'))"
	    " UPDATE session SET stage = 'full' WHERE token_hash = decode($2, 'hex')");
	char token[TOKEN_CHARS + 8], hex[TOKEN_HASH_HEX + 1], step_text[24];
	const char *params[3] = { id, secret, step_text };
	PGresult *res;
	bool on;

	if (!cookie_token(c, SESSION_COOKIE, token, sizeof(token)) || !token_shape_ok(token))
		return false;
	token_hash_hex(token, hex);
	snprintf(step_text, sizeof(step_text), "%lld", step);
	res = db_run(&c->app->db, &on_sql, params);
	on = res != NULL && PQntuples(res) == 1;
	PQclear(res);
	params[1] = hex;
	return on && db_run_ok(&c->app->db, &sessions_sql, params) &&
	    store_recovery_codes(c, id, codes) &&
	    audit_record(&c->app->db, NULL, c->me.id, c->me.login, "second_factor_enrolled",
	        "CJIS 5.6.2.2", "Two-factor sign-in turned on; other sessions ended");
}

void
h_account_totp_confirm(struct ctx *c)
{
	char codes[RECOVERY_CODES][RECOVERY_CODE_CHARS + 1], id[24];
	const char *code = form_get(&c->http->body_form, "code");
	struct view_dict *d, *r;
	long long step = -1;
	PGresult *st;
	int i;

	if ((st = totp_state(c, NULL)) == NULL) {
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	if (db_bool(st, 0, "enrolled") || db_value(st, 0, "totp_pending") == NULL) {
		bool on = db_bool(st, 0, "enrolled");

		PQclear(st);
		page_error(c, on ? 409 : 422, on ? "Two-factor sign-in is already on for your account."
		    : "Open the two-factor page first: it shows the key to add to your app.", NULL);
		return;
	}
	if (form_count(&c->http->body_form, "code") != 1 ||
	    totp_check(db_value(st, 0, "totp_pending"), time(NULL), code, -1, &step) != TOTP_ACCEPTED) {
		PQclear(st);
		totp_page(c, 422, "That code did not match. Check that the app shows this portal's "
		    "account and enter the 6 digits it shows now.");
		return;
	}
	snprintf(id, sizeof(id), "%lld", c->me.id);
	if (!db_begin(&c->app->db) || !turn_on(c, id, db_value(st, 0, "totp_pending"), step, codes) ||
	    !db_commit(&c->app->db)) {
		db_rollback(&c->app->db);
		PQclear(st);
		page_error(c, 503, "The database is not answering; two-factor sign-in is not on yet. "
		    "Please try again.", NULL);
		return;
	}
	PQclear(st);
	c->setup_path = NULL;
	d = page_dict(c);
	r = view_add(d, "RECOVERY");
	for (i = 0; i < RECOVERY_CODES; i++)
		view_set_str(view_add(r, "CODE"), "VALUE", codes[i]);
	page_send(c, 200, "Two-factor sign-in", "account_totp.tpl", d);
}
