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
