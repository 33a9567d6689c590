/*
 * portalctl's second-factor and settings commands:
 *   portalctl user totp LOGIN        the code of LOGIN's authenticator now
 *                                    (tests, scripts and a demo: RFC 6238)
 *   portalctl setting NAME VALUE     changes a setting that exists (audited)
 * and the --totp-secret of `portalctl user add` (ctl_user.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "ctl.h"
#include "db.h"
#include "totp.h"

const char *
ctl_totp_choose(const char *given, char made[TOTP_SECRET_CHARS + 1])
{
	if (given == NULL)
		return NULL;
	if (strcmp(given, "new") == 0)
		return totp_secret_new(made) ? made : NULL;
	return totp_secret_ok(given) ? given : NULL;
}

bool
ctl_totp_set(struct db *db, const char *login, const char *secret)
{
	/* Set up by the operator: in force at once, its codes from now on. */
	DB_STATEMENT(sql, "ctl_account.ctl_totp_set", 2,
	    "UPDATE account SET totp_secret = $2, totp_pending = NULL, totp_last_step = NULL,"
	    " totp_enrolled_at = now() WHERE login = $1 RETURNING id");
	const char *params[2] = { login, secret };
	PGresult *res = db_run(db, &sql, params);
	bool ok = res != NULL && PQntuples(res) == 1;

	PQclear(res);
	return ok;
}

bool
ctl_totp_for_new(struct db *db, const char *login, const char *secret, bool none,
    char made[TOTP_SECRET_CHARS + 1])
{
	DB_STATEMENT(sql, "ctl_account.ctl_totp_for_new", 1,
	    "SELECT second_factor_required(id) AS required FROM account WHERE login = $1");
	PGresult *res;
	bool required;

	if (secret != NULL)
		return ctl_totp_set(db, login, secret);
	if (none)
		return true;
	/* CONTRACT.md: without --totp-secret, an account that must have a
	 * second factor gets one made here, printed once. */
	if ((res = db_run(db, &sql, &login)) == NULL || PQntuples(res) != 1) {
		PQclear(res);
		return false;
	}
	required = db_bool(res, 0, "required");
	PQclear(res);
	return !required || (totp_secret_new(made) && ctl_totp_set(db, login, made));
}

int
ctl_user_totp(struct db *db, int argc, char **argv)
{
	DB_STATEMENT(sql, "ctl_account.ctl_user_totp", 1,
	    "SELECT totp_secret FROM account WHERE login = $1");
	char code[TOTP_DIGITS + 1];
	PGresult *res;
	const char *secret;

	if (argc != 1)
		return ctl_bad_input("usage: portalctl user totp LOGIN");
	if ((res = db_run(db, &sql, (const char *const *)argv)) == NULL)
		return ctl_failed(db, "user totp");
	if (PQntuples(res) != 1 || (secret = db_value(res, 0, "totp_secret")) == NULL) {
		PQclear(res);
		return ctl_bad_input("login: no account '%s' with a second factor", argv[0]);
	}
	if (!totp_code(secret, time(NULL), code)) {
		PQclear(res);
		return ctl_bad_input("the account's secret could not be read");
	}
	PQclear(res);
	printf("%s\n", code);
	return 0;
}

int
ctl_setting(struct db *db, int argc, char **argv)
{
	DB_STATEMENT(sql, "ctl_account.ctl_setting", 2,
	    "UPDATE setting SET value = $2 WHERE name = $1 AND name <> 'login_token_key' RETURNING name");
	char note[300];
	PGresult *res;

	if (argc != 2)
		return ctl_bad_input("usage: portalctl setting NAME VALUE");
	if (!db_begin(db) || (res = db_run(db, &sql, (const char *const *)argv)) == NULL) {
		db_rollback(db);
		return ctl_failed(db, "setting");
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback(db);
		return ctl_bad_input("name: no setting '%s'", argv[0]);
	}
	PQclear(res);
	snprintf(note, sizeof(note), "Setting %.60s = %.200s (portalctl)", argv[0], argv[1]);
	if (!audit_record(db, NULL, 0, ctl_operator(), "setting_changed", NULL, note) || !db_commit(db)) {
		db_rollback(db);
		return ctl_failed(db, "setting");
	}
	printf("%s = %s\n", argv[0], argv[1]);
	return 0;
}

/* One event, tab-separated (row of audit_list_sql). */
static bool
audit_line(void *arg, const PGresult *res)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\t%s\t%s\n", db_value(res, 0, "at"), db_value(res, 0, "seq"),
	    db_value(res, 0, "actor"), db_value(res, 0, "action"), db_value(res, 0, "clause"),
	    db_value(res, 0, "note"));
	return true;
}

int
ctl_audit_list(struct db *db, int argc, char **argv)
{
	/* CJIS 5.4.1.1: the events, oldest first, narrowed by the filters. */
	DB_STATEMENT(sql, "ctl_account.ctl_audit_list", 3,
	    "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS at,"
	    " coalesce(seq::text, 'unsealed') AS seq, coalesce(actor_login, '') AS actor, action,"
	    " coalesce(clause, '') AS clause, replace(replace(note, E'\\t', ' '), E'\\n', ' ') AS note"
	    " FROM audit_event WHERE ($1::timestamptz IS NULL OR at >= $1::timestamptz)"
	    " AND ($2::text IS NULL OR actor_login = $2) AND ($3::text IS NULL OR action = $3)"
	    " ORDER BY id");
	static const char *const flags[3] = { "--since", "--login", "--action" };
	const char *params[3] = { NULL, NULL, NULL };
	int i, f;

	for (i = 0; i < argc; i += 2) {
		for (f = 0; f < 3 && strcmp(argv[i], flags[f]) != 0; f++)
			;
		if (f == 3 || i + 1 >= argc || params[f] != NULL)
			return ctl_bad_input("usage: portalctl audit [--since DATE] [--login LOGIN] [--action ACTION]");
		params[f] = argv[i + 1];
	}
	/* A date (YYYY-MM-DD), perhaps with a time: refused here, not by SQL. */
	if (params[0] != NULL && (strlen(params[0]) < 10 || strlen(params[0]) > 40 ||
	    strspn(params[0], "0123456789-") < 10 || params[0][4] != '-' || params[0][7] != '-' ||
	    strspn(params[0] + 10, "0123456789:T.+-Z ") != strlen(params[0] + 10)))
		return ctl_bad_input("--since: not a date or time (e.g. 2026-01-31)");
	if (!db_each_row_run(db, &sql, params, audit_line, NULL)) {
		/* Class 22: data exception (here a --since that is no date). */
		if (strncmp(db_sqlstate(db), "22", 2) == 0)
			return ctl_bad_input("--since: not a date or time (e.g. 2026-01-31)");
		return ctl_failed(db, "audit");
	}
	return fflush(stdout) == 0 ? 0 : CTL_FAILED;
}
