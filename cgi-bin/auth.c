#include "auth.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "field.h"
#include "log.h"
#include "page.h"

bool
auth_init(void)
{
	return sodium_init() >= 0;
}

bool
auth_new_token(char out[TOKEN_CHARS + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_CHARS + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return strlen(out) == TOKEN_CHARS;
}

bool
auth_hash_password(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return false;
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

/* Hex of BLAKE2b-256(token): what the session table stores. */
static void
token_hash_hex(const char *token, char hex[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

static bool
token_shape_ok(const char *t)
{
	size_t i;

	if (strlen(t) != TOKEN_CHARS)
		return false;
	for (i = 0; i < TOKEN_CHARS; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
		    (t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '_'))
			return false;
	return true;
}

bool
auth_load_session(struct ctx *c)
{
	static const char sql[] =
	    /* The idle clock is touched at most once a minute, so most page
	     * views write nothing (no commit to wait for). */
	    "WITH s AS (SELECT token_hash, account_id, csrf, last_seen_at FROM session"
	    "  WHERE token_hash = decode($1, 'hex')"
	    "    AND last_seen_at > now() - make_interval(mins => $2::int)),"
	    " touch AS (UPDATE session SET last_seen_at = now()"
	    "  WHERE token_hash = (SELECT token_hash FROM s)"
	    "    AND last_seen_at < now() - interval '1 minute')"
	    " SELECT a.id, a.login, a.full_name, a.email, a.agency, a.agency_type, a.bureau,"
	    "  a.district, a.unit, a.role, a.on_duty, s.csrf,"
	    /* Two counts, each answered by a partial index (sql/004). */
	    "  (SELECT count(*) FROM notification n WHERE n.recipient_id = a.id"
	    "    AND n.acknowledged_at IS NULL) +"
	    "  (SELECT count(*) FROM notification n WHERE n.recipient_id IS NULL"
	    "    AND n.recipient_role = a.role AND n.acknowledged_at IS NULL) AS unread"
	    " FROM s JOIN account a ON a.id = s.account_id WHERE NOT a.disabled";
	char token[TOKEN_CHARS + 8], hex[65], idle[8];
	const char *params[2];
	PGresult *res;
	int role;

	c->signed_in = false;
	if (!http_cookie(c->http, SESSION_COOKIE, token, sizeof(token)) || !token_shape_ok(token))
		return true;
	token_hash_hex(token, hex);
	snprintf(idle, sizeof(idle), "%d", SESSION_IDLE_MINUTES);
	params[0] = hex;
	params[1] = idle;
	if ((res = db_query(&c->app->db, sql, 2, params)) == NULL)
		return false;
	if (PQntuples(res) != 1 || (role = role_from_id(db_value(res, 0, "role"))) < 0) {
		PQclear(res);
		return true;
	}
	c->session_res = res;
	c->signed_in = true;
	c->me.id = db_int(res, 0, "id");
	c->me.login = db_value(res, 0, "login");
	c->me.full_name = db_value(res, 0, "full_name");
	c->me.email = db_value(res, 0, "email");
	c->me.agency = db_value(res, 0, "agency");
	c->me.agency_type = db_value(res, 0, "agency_type");
	c->me.bureau = db_value(res, 0, "bureau");
	c->me.district = db_value(res, 0, "district");
	c->me.unit = db_value(res, 0, "unit");
	c->me.role = (enum role)role;
	c->me.on_duty = db_bool(res, 0, "on_duty");
	c->csrf = db_value(res, 0, "csrf");
	c->unread = db_int(res, 0, "unread");
	return true;
}

bool
auth_csrf_ok(struct ctx *c)
{
	const char *sent = form_get(&c->http->body_form, "csrf");
	const char *site = c->http->sec_fetch_site;

	/* Fetch metadata (W3C): a browser says when a request comes from
	 * another site; such a POST is never legitimate here. */
	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return false;
	return c->csrf != NULL && secret_equal(sent, c->csrf);
}

static void
cookie_header(struct ctx *c, const char *name, const char *value, int max_age)
{
	char header[256];

	snprintf(header, sizeof(header), "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
	    name, value, c->http->https ? "; Secure" : "",
	    max_age == 0 ? "; Max-Age=0" : "");
	http_add_header(c->http, "Set-Cookie", header);
}

/* The sign-in form, with a fresh double-submit token. */
static void
login_page(struct ctx *c, int status, const char *login, const char *message)
{
	struct view_dict *d;

	if (!auth_new_token(c->pre_csrf)) {
		page_error(c, 500, "No random token could be made.", NULL);
		return;
	}
	c->csrf = c->pre_csrf;
	cookie_header(c, PRECSRF_COOKIE, c->pre_csrf, -1);
	d = page_dict(c);
	if (login != NULL)
		view_set_str(d, "LOGIN", login);
	if (message != NULL) {
		struct view_dict *m = view_add(d, "LOGIN_ERROR");

		view_set_str(m, "MESSAGE", message);
	}
	page_send(c, status, "Sign in", "login.tpl", d);
}

void
h_login_form(struct ctx *c)
{
	if (c->signed_in) {
		http_redirect(c->http, 303, "/");
		return;
	}
	login_page(c, 200, NULL, NULL);
}

static void
record_login(struct ctx *c, const char *login, const char *account_id, bool ok,
    const char *reason)
{
	static const char sql[] =
	    "INSERT INTO login_event (login, account_id, success, reason, remote_addr)"
	    " VALUES ($1, $2, $3, $4, $5)";
	const char *params[5] = { login, account_id, ok ? "true" : "false", reason,
	    c->http->remote_addr };

	if (!db_exec(&c->app->db, sql, 5, params))
		log_warn("sign-in of %s not recorded", login);
}

/* Argon2id verification costs the same whether or not the login exists, so
 * timing does not tell which logins are real. */
static const char *
dummy_hash(void)
{
	static char hash[crypto_pwhash_STRBYTES];

	if (hash[0] == '\0' && !auth_hash_password("not a password", hash, sizeof(hash)))
		return NULL;
	return hash;
}

void
h_login(struct ctx *c)
{
	static const char find_sql[] =
	    "SELECT id, password_hash, disabled, locked_until > now() AS locked"
	    " FROM account WHERE login = $1";
	static const char fail_sql[] =
	    "UPDATE account SET"
	    "  locked_until = CASE WHEN failed_logins + 1 >= $2::int"
	    "    THEN now() + make_interval(mins => $3::int) END,"
	    "  failed_logins = CASE WHEN failed_logins + 1 >= $2::int THEN 0 ELSE failed_logins + 1 END"
	    " WHERE id = $1 RETURNING locked_until IS NOT NULL AS locked";
	static const char ok_sql[] =
	    "UPDATE account SET failed_logins = 0, locked_until = NULL WHERE id = $1";
	static const char session_sql[] =
	    "INSERT INTO session (token_hash, account_id, csrf) VALUES (decode($1, 'hex'), $2, $3)";
	static const char drop_sql[] = "DELETE FROM session WHERE token_hash = decode($1, 'hex')";
	char precsrf[TOKEN_CHARS + 8], token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
	char hex[65], old[TOKEN_CHARS + 8], lockafter[8], lockmins[8];
	const char *login = form_get(&c->http->body_form, "login");
	const char *password = form_get(&c->http->body_form, "password");
	const char *sent = form_get(&c->http->body_form, "csrf");
	const char *hash, *id;
	const char *params[3];
	PGresult *res;
	bool locked, disabled, verified;

	if (!http_cookie(c->http, PRECSRF_COOKIE, precsrf, sizeof(precsrf)) ||
	    !secret_equal(sent, precsrf) ||
	    (c->http->sec_fetch_site != NULL && strcmp(c->http->sec_fetch_site, "cross-site") == 0)) {
		page_error(c, 403, "The sign-in form had expired or did not come from this site. "
		    "Please open the sign-in page again.", NULL);
		return;
	}
	if (login == NULL || password == NULL || *login == '\0' || *password == '\0' ||
	    strlen(login) > 64 || strlen(password) > 1024) {
		login_page(c, 401, login && strlen(login) <= 64 ? login : NULL,
		    "Enter your login and password.");
		return;
	}
	params[0] = login;
	if ((res = db_query(&c->app->db, find_sql, 1, params)) == NULL) {
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		if ((hash = dummy_hash()) != NULL &&
		    crypto_pwhash_str_verify(hash, password, strlen(password)) == 0)
			log_warn("the dummy password was typed for unknown login %s", login);
		record_login(c, login, NULL, false, "unknown login");
		login_page(c, 401, login, "The login or password is not right.");
		return;
	}
	id = db_value(res, 0, "id");
	locked = db_bool(res, 0, "locked");
	disabled = db_bool(res, 0, "disabled");
	verified = crypto_pwhash_str_verify(db_value(res, 0, "password_hash"), password,
	    strlen(password)) == 0;
	if (locked || disabled) {
		record_login(c, login, id, false, locked ? "locked" : "disabled");
		login_page(c, 401, login, locked
		    ? "This account is locked for 15 minutes after 5 failed sign-ins in a row. "
		      "Try again later or ask an administrator."
		    : "This account is disabled. Ask an administrator.");
		PQclear(res);
		return;
	}
	if (!verified) {
		PGresult *fail;

		snprintf(lockafter, sizeof(lockafter), "%d", LOCK_AFTER_FAILURES);
		snprintf(lockmins, sizeof(lockmins), "%d", LOCK_MINUTES);
		params[0] = id;
		params[1] = lockafter;
		params[2] = lockmins;
		fail = db_query(&c->app->db, fail_sql, 3, params);
		locked = fail != NULL && PQntuples(fail) == 1 && db_bool(fail, 0, "locked");
		PQclear(fail);
		record_login(c, login, id, false, "wrong password");
		login_page(c, 401, login, locked
		    ? "The login or password is not right. After 5 failed sign-ins in a row "
		      "this account is now locked for 15 minutes."
		    : "The login or password is not right.");
		PQclear(res);
		return;
	}
	/* A new session id at every sign-in (no session fixation). */
	if (!auth_new_token(token) || !auth_new_token(csrf)) {
		PQclear(res);
		page_error(c, 500, "No random token could be made.", NULL);
		return;
	}
	if (http_cookie(c->http, SESSION_COOKIE, old, sizeof(old)) && token_shape_ok(old)) {
		token_hash_hex(old, hex);
		params[0] = hex;
		(void)db_exec(&c->app->db, drop_sql, 1, params);
	}
	token_hash_hex(token, hex);
	params[0] = hex;
	params[1] = id;
	params[2] = csrf;
	if (!db_begin(&c->app->db) ||
	    !db_exec(&c->app->db, ok_sql, 1, &id) ||
	    !db_exec(&c->app->db, session_sql, 3, params) ||
	    !db_commit(&c->app->db)) {
		db_rollback(&c->app->db);
		PQclear(res);
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	record_login(c, login, id, true, "signed in");
	PQclear(res);
	cookie_header(c, SESSION_COOKIE, token, -1);
	cookie_header(c, PRECSRF_COOKIE, "", 0);
	http_redirect(c->http, 303, "/");
}

void
h_logout(struct ctx *c)
{
	static const char sql[] = "DELETE FROM session WHERE token_hash = decode($1, 'hex')";
	char token[TOKEN_CHARS + 8], hex[65];
	const char *params[1];

	if (http_cookie(c->http, SESSION_COOKIE, token, sizeof(token)) && token_shape_ok(token)) {
		token_hash_hex(token, hex);
		params[0] = hex;
		if (!db_exec(&c->app->db, sql, 1, params)) {
			page_error(c, 503, "The database is not answering; you are still signed in.", NULL);
			return;
		}
	}
	cookie_header(c, SESSION_COOKIE, "", 0);
	http_redirect(c->http, 303, "/login");
}
