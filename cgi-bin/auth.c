#include "auth.h"
#include "auth_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "field.h"
#include "hashgate.h"
#include "log.h"
#include "login_return.h"
#include "page.h"

/* The sign-in form's token lives an hour; then the page is opened again. */
#define FORM_TOKEN_LIFETIME 3600
/* How long a sign-in waits for a place at the hash gate before 429: short,
 * so that a flood never holds the workers that signed-in people need. */
#define HASHGATE_WAIT_MS 100

/* One message for every failed sign-in, whatever the cause (unknown login,
 * wrong password, disabled account, a pause): it tells an attacker nothing
 * about which logins exist. */
static const char failed_message[] =
    "Sign-in failed. Check your login and password and try again. After repeated "
    "failures, sign-in for a login pauses for a while; an administrator can help.";

/* RFC 6265bis §4.1.3.2: a "__Host-" cookie is Secure, host-only, Path=/,
 * so no other site or subdomain can set or shadow it. Browsers accept it
 * only over TLS; plain HTTP (development on loopback) uses the bare name. */
const char *
cookie_name(const struct ctx *c, const char *bare)
{
	if (!c->http->https)
		return bare;
	if (strcmp(bare, SESSION_COOKIE) == 0)
		return "__Host-" SESSION_COOKIE;
	return strcmp(bare, RETURN_COOKIE) == 0 ? "__Host-" RETURN_COOKIE : "__Host-" PRECSRF_COOKIE;
}

void
cookie_header(struct ctx *c, const char *bare, const char *value, bool expire)
{
	char header[256];

	snprintf(header, sizeof(header), "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
	    cookie_name(c, bare), value, c->http->https ? "; Secure" : "",
	    expire ? "; Max-Age=0" : "");
	http_add_header(c->http, "Set-Cookie", header);
}

bool
cookie_token(const struct ctx *c, const char *bare, char *out, size_t outlen)
{
	return http_cookie(c->http, cookie_name(c, bare), out, outlen);
}

bool
auth_load_session(struct ctx *c)
{
	DB_STATEMENT(sql, "auth.auth_load_session", 3,
	    /* The idle clock is touched at most once a minute, so most page
	     * views write nothing (no commit to wait for). */
	    "WITH s AS (SELECT token_hash, account_id, csrf, last_seen_at, stage FROM session"
	    "  WHERE token_hash = decode($1, 'hex')"
	    "    AND last_seen_at > now() - make_interval(mins => $2::int)"
	    "    AND created_at > now() - make_interval(hours => $3::int)),"
	    " touch AS (UPDATE session SET last_seen_at = now()"
	    "  WHERE token_hash = (SELECT token_hash FROM s)"
	    "    AND last_seen_at < now() - interval '1 minute')"
	    " SELECT a.id, a.login, a.full_name, a.email, a.agency, a.agency_type, a.bureau,"
	    "  a.district, a.unit, a.role, a.on_duty, s.csrf, s.stage,"
	    /* Two counts, each answered by a partial index (sql/004). */
	    "  (SELECT count(*) FROM notification n WHERE n.recipient_id = a.id"
	    "    AND n.acknowledged_at IS NULL) +"
	    "  (SELECT count(*) FROM notification n WHERE n.recipient_id IS NULL"
	    "    AND n.recipient_role = a.role AND n.acknowledged_at IS NULL) AS unread"
	    " FROM s JOIN account a ON a.id = s.account_id WHERE NOT a.disabled");
	char token[TOKEN_CHARS + 8], hex[TOKEN_HASH_HEX + 1], idle[12], max[12];
	const char *params[3];
	PGresult *res;
	int role;

	c->signed_in = false;
	if (!cookie_token(c, SESSION_COOKIE, token, sizeof(token)) || !token_shape_ok(token))
		return true;
	token_hash_hex(token, hex);
	snprintf(idle, sizeof(idle), "%d", c->app->settings.session_idle_minutes);
	snprintf(max, sizeof(max), "%d", c->app->settings.session_max_hours);
	params[0] = hex;
	params[1] = idle;
	params[2] = max;
	if ((res = db_run(&c->app->db, &sql, params)) == NULL)
		return false;
	if (PQntuples(res) != 1 || (role = role_from_id(db_value(res, 0, "role"))) < 0) {
		PQclear(res);
		return true;
	}
	c->session_res = res;
	/* A session waiting for its second factor is no sign-in (sql/016); its
	 * token is the one the code form carries (the same CSRF rule). */
	if (strcmp(db_value(res, 0, "stage"), "code") == 0) {
		c->csrf = db_value(res, 0, "csrf");
		return true;
	}
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
	c->setup_path = strcmp(db_value(res, 0, "stage"), "enrol") == 0 ? "/account/totp"
	    : strcmp(db_value(res, 0, "stage"), "password") == 0 ? "/account/password" : NULL;
	return true;
}

bool
auth_same_origin(const struct ctx *c)
{
	const char *site = c->http->sec_fetch_site;

	/* Fetch metadata (W3C): "same-site" is another origin of the same
	 * site (a sibling host), as refused as "cross-site". */
	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return false;
	return http_same_origin(c->http->origin, c->http->host, c->http->https);
}

bool
auth_csrf_ok(struct ctx *c)
{
	const char *sent = form_get(&c->http->body_form, "csrf");
	char token[TOKEN_CHARS + 1];

	/* The origin was checked for every POST before (app.c dispatch).
	 * Pages carry the token masked (crypto.h: csrf_mask). */
	if (form_count(&c->http->body_form, "csrf") != 1 || c->csrf == NULL)
		return false;
	if (csrf_unmask(sent, token))
		sent = token;
	return secret_equal(sent, c->csrf);
}

/* CJIS 5.5.4: the system-use notice, the department's text (setting
 * system_use_notice, sql/016), shown before any credential is sent. */
static void
system_use_notice(struct ctx *c, struct view_dict *d)
{
	DB_STATEMENT(sql, "auth.system_use_notice", 0,
	    "SELECT value FROM setting WHERE name = 'system_use_notice' AND value <> ''");
	PGresult *res = db_run(&c->app->db, &sql, NULL);

	if (res != NULL && PQntuples(res) == 1)
		view_set_str(view_add(d, "NOTICE"), "TEXT", db_value(res, 0, "value"));
	PQclear(res);
}

/* The sign-in form, with a fresh token the portal signed. */
void
login_page(struct ctx *c, int status, const char *login, const char *message)
{
	struct view_dict *d;

	if (!c->app->settings.has_form_key ||
	    !form_token_issue(c->app->settings.form_key, time(NULL), FORM_TOKEN_LIFETIME, c->pre_csrf)) {
		page_error(c, 503, "The sign-in form could not be prepared. Please try again in a moment.",
		    NULL);
		return;
	}
	c->csrf = c->pre_csrf;
	cookie_header(c, PRECSRF_COOKIE, c->pre_csrf, false);
	d = page_dict(c);
	system_use_notice(c, d);
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

/* Every sign-in that reached the password check is recorded, with why it
 * failed (CJIS 5.4.1.1: successful and unsuccessful logon attempts). */
void
record_login(struct ctx *c, const char *login, const char *account_id, bool ok,
    const char *reason)
{
	DB_STATEMENT(sql, "auth.record_login", 5,
	    "INSERT INTO login_event (login, account_id, success, reason, remote_addr)"
	    " VALUES ($1, $2, $3, $4, $5)");
	const char *params[5] = { login, account_id, ok ? "true" : "false", reason,
	    c->http->remote_addr };

	if (!db_run_ok(&c->app->db, &sql, params))
		log_warn("sign-in of %s not recorded", login);
	/* And in the audit chain (docs/audit.md), the login typed as its actor
	 * (no account id: signing in alone must not keep an account from being
	 * deleted); the note holds only the reason. */
	if (!audit_record(&c->app->db, NULL, 0, login, ok ? "sign_in" : "sign_in_failed",
	    "CJIS 5.4.1.1", reason))
		log_warn("sign-in of %s not audited", login);
}

static void
too_many(struct ctx *c, long retry_after, const char *message)
{
	char seconds[24];

	snprintf(seconds, sizeof(seconds), "%ld", retry_after > 0 ? retry_after : 1);
	http_add_header(c->http, "Retry-After", seconds);
	page_error(c, 429, message, NULL);
}

/* The browser's description, kept for the list of one's sessions: printable
 * ASCII only (it is not ours and may hold any byte), at most 300. */
static void
user_agent_text(const char *ua, char out[301])
{
	size_t i, o = 0;

	for (i = 0; ua != NULL && ua[i] != '\0' && o < 300; i++)
		if ((unsigned char)ua[i] >= 0x20 && (unsigned char)ua[i] < 0x7f)
			out[o++] = ua[i];
	out[o] = '\0';
}

bool
start_session(struct ctx *c, const char *login, const char *id, const char *stage)
{
	DB_STATEMENT(ok_sql, "auth.start_session.ok_sql", 2, "SELECT login_attempt_ok($1, $2)");
	DB_STATEMENT(session_sql, "auth.start_session.session_sql", 6,
	    "INSERT INTO session (token_hash, account_id, csrf, remote_addr, user_agent, stage)"
	    " VALUES (decode($1, 'hex'), $2, $3, $4, nullif($5, ''), $6)");
	DB_STATEMENT(drop_sql, "auth.start_session.drop_sql", 1, "DELETE FROM session WHERE token_hash = decode($1, 'hex')");
	char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1], old[TOKEN_CHARS + 8];
	char hex[TOKEN_HASH_HEX + 1], ua[301];
	const char *params[6];

	/* A new session id at every sign-in and at its second step (no session
	 * fixation). The failures counted stay until the second factor too:
	 * wrong codes count toward the same pause (CJIS 5.5.3). */
	if (!token_new(token) || !token_new(csrf))
		return false;
	user_agent_text(c->http->user_agent, ua);
	params[0] = login;
	params[1] = c->http->remote_addr;
	if (!db_begin(&c->app->db) ||
	    (strcmp(stage, "code") != 0 && !db_run_ok(&c->app->db, &ok_sql, params)))
		goto fail;
	if (cookie_token(c, SESSION_COOKIE, old, sizeof(old)) && token_shape_ok(old)) {
		token_hash_hex(old, hex);
		params[0] = hex;
		if (!db_run_ok(&c->app->db, &drop_sql, params))
			goto fail;
	}
	token_hash_hex(token, hex);
	params[0] = hex;
	params[1] = id;
	params[2] = csrf;
	params[3] = c->http->remote_addr;
	params[4] = ua;
	params[5] = stage;
	if (!db_run_ok(&c->app->db, &session_sql, params) || !db_commit(&c->app->db))
		goto fail;
	cookie_header(c, SESSION_COOKIE, token, false);
	cookie_header(c, PRECSRF_COOKIE, "", true);
	return true;
fail:
	db_rollback(&c->app->db);
	return false;
}

/* Decides the attempt in the database before any hashing: 1 admitted,
 * 0 refused (answered), -1 the database failed (answered). */
int
admit(struct ctx *c, const char *login)
{
	DB_STATEMENT(sql, "auth.admit", 2, "SELECT verdict, retry_after FROM login_attempt_begin($1, $2)");
	const char *params[2] = { login, c->http->remote_addr };
	PGresult *res = db_run(&c->app->db, &sql, params);
	const char *verdict;
	long retry;

	if (res == NULL || PQntuples(res) != 1) {
		PQclear(res);
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return -1;
	}
	verdict = db_value(res, 0, "verdict");
	retry = (long)db_int(res, 0, "retry_after");
	if (strcmp(verdict, "rate") == 0) {
		PQclear(res);
		too_many(c, retry, "Too many sign-in attempts came from your address in the last minute. "
		    "Wait a minute, then try again.");
		return 0;
	}
	if (strcmp(verdict, "ok") != 0) {
		PQclear(res);
		record_login(c, login, NULL, false, "paused after repeated failures");
		login_page(c, 401, login, failed_message);
		return 0;
	}
	PQclear(res);
	return 1;
}

/* The password was right: signed in, or on to the second factor (CJIS
 * 5.6.2.2), or to enrol one first when the account must have it. */
static void
after_password(struct ctx *c, const char *login, const char *id, const PGresult *acc)
{
	bool has_totp = db_bool(acc, 0, "has_totp"), required = db_bool(acc, 0, "required");
	bool change = db_bool(acc, 0, "password_must_change");
	char back[RETURN_PATH_MAX];
	const char *stage = has_totp ? "code" : change ? "password" : required ? "enrol" : "full";

	if (!start_session(c, login, id, stage)) {
		page_error(c, 503, "The database is not answering. You are not signed in; please try again.",
		    NULL);
		return;
	}
	if (!has_totp)
		record_login(c, login, id, true, "signed in");
	/* Signed in at once: back to where the sign-in interrupted (a form
	 * being sent when the session had ended, login_return.h). */
	http_redirect(c->http, 303, has_totp ? "/login/code" : change ? "/account/password"
	    : required ? "/account/totp" : login_return_take(c, back));
}

void
h_login(struct ctx *c)
{
	DB_STATEMENT(find_sql, "auth.h_login.find_sql", 1,
	    "SELECT id, password_hash, disabled, totp_secret IS NOT NULL AS has_totp,"
	    " second_factor_required(id) AS required, password_must_change FROM account WHERE login = $1");
	char precsrf[FORM_TOKEN_CHARS + 8];
	const char *login = form_get(&c->http->body_form, "login");
	const char *password = form_get(&c->http->body_form, "password");
	const char *sent = form_get(&c->http->body_form, "csrf");
	const char *id = NULL, *hash = NULL, *reason;
	PGresult *res;
	bool verified, disabled = false;

	/* Only this portal's own sign-in page may post here (its origin was
	 * checked in app.c), with a token it issued: anything else is refused
	 * before any hashing. */
	if (form_count(&c->http->body_form, "csrf") != 1 ||
	    !cookie_token(c, PRECSRF_COOKIE, precsrf, sizeof(precsrf)) || !secret_equal(sent, precsrf) ||
	    !c->app->settings.has_form_key ||
	    !form_token_valid(c->app->settings.form_key, time(NULL), sent)) {
		page_error(c, 403, "The sign-in form had expired or did not come from this site. "
		    "Please open the sign-in page again.", NULL);
		return;
	}
	if (login == NULL || password == NULL || *login == '\0' || *password == '\0' ||
	    form_count(&c->http->body_form, "login") != 1 ||
	    form_count(&c->http->body_form, "password") != 1 ||
	    utf8_length(login) > 64 || strlen(password) > 1024) {
		login_page(c, 401, login && utf8_length(login) <= 64 ? login : NULL,
		    "Enter your login and password.");
		return;
	}
	if (!hashgate_enter(HASHGATE_WAIT_MS)) {
		too_many(c, 1, "The portal is busy checking other sign-ins. Please try again in a moment.");
		return;
	}
	if (admit(c, login) <= 0) {
		hashgate_leave();
		return;
	}
	if ((res = db_run(&c->app->db, &find_sql, &login)) == NULL) {
		hashgate_leave();
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	if (PQntuples(res) == 1) {
		id = db_value(res, 0, "id");
		hash = db_value(res, 0, "password_hash");
		disabled = db_bool(res, 0, "disabled");
	}
	/* One Argon2id verification whatever the account: an unknown login is
	 * checked against a dummy hash, a disabled one against its own. */
	verified = password_verify(hash, password);
	hashgate_leave();
	reason = id == NULL ? "unknown login" : !verified ? "wrong password" : disabled ? "disabled" : NULL;
	if (reason != NULL) {
		record_login(c, login, id, false, reason);
		login_page(c, 401, login, failed_message);
		PQclear(res);
		return;
	}
	after_password(c, login, id, res);
	PQclear(res);
}

void
h_logout(struct ctx *c)
{
	DB_STATEMENT(sql, "auth.h_logout", 1, "DELETE FROM session WHERE token_hash = decode($1, 'hex')");
	char token[TOKEN_CHARS + 8], hex[TOKEN_HASH_HEX + 1];
	const char *params[1];

	if (cookie_token(c, SESSION_COOKIE, token, sizeof(token)) && token_shape_ok(token)) {
		token_hash_hex(token, hex);
		params[0] = hex;
		if (!db_run_ok(&c->app->db, &sql, params)) {
			page_error(c, 503, "The database is not answering; you are still signed in.", NULL);
			return;
		}
	}
	cookie_header(c, SESSION_COOKIE, "", true);
	http_redirect(c->http, 303, "/login");
}
