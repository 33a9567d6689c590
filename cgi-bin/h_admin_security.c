#include "h_admin_security.h"

#include <stdio.h>

#include "app.h"
#include "db.h"

static const char refused[] = "the database refused the change";
/* Every session of the account ends: its holder signs in again. */
DB_STATEMENT(sessions_sql, "h_admin_security.sessions_sql", 1, "DELETE FROM session WHERE account_id = $1");

/* CJIS 5.6.2.2: a lost authenticator is replaced through an administrator.
 * The secret and the recovery codes go, every session of the account ends,
 * and its holder is told by e-mail (the notification outbox), so that a
 * reset they did not ask for does not pass unnoticed. The account enrols
 * again at its next sign-in (when it must have a second factor). */
const char *
admin_op_totp_reset(struct ctx *c, const char *op, const char *id, const char *login, char *note,
    size_t notelen)
{
	DB_STATEMENT(reset_sql, "h_admin_security.totp_reset", 1,
	    "UPDATE account SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL,"
	    " totp_enrolled_at = NULL WHERE id = $1 AND totp_secret IS NOT NULL RETURNING id");
	DB_STATEMENT(codes_sql, "h_admin_security.totp_reset.codes", 1,
	    "DELETE FROM recovery_code WHERE account_id = $1");
	DB_STATEMENT(tell_sql, "h_admin_security.totp_reset.tell", 2,
	    "INSERT INTO notification (recipient_id, recipient_role, clause, reason)"
	    " SELECT id, role, 'CJIS 5.6.2.2', 'An administrator (' || $2 || ') reset the second factor"
	    " of your account: your authenticator app and recovery codes no longer work, and you were"
	    " signed out everywhere. At your next sign-in you enrol again. If you did not ask for"
	    " this, tell your supervisor or the administrator at once.' FROM account WHERE id = $1");
	struct db *db = &c->app->db;
	const char *params[2] = { id, c->me.login };
	PGresult *res = db_run(db, &reset_sql, params);
	int n = res != NULL ? PQntuples(res) : -1;

	PQclear(res);
	if (n < 0)
		return refused;
	if (n == 0)
		return "This account has no second factor to reset.";
	snprintf(note, notelen, "Account %s: second factor reset by an administrator (sessions ended, "
	    "user told by e-mail)", login);
	return db_run_ok(db, &codes_sql, params) && db_run_ok(db, &sessions_sql, params) &&
	    db_run_ok(db, &tell_sql, params) ? NULL : refused;
}

const char *
admin_op_end_sessions(struct ctx *c, const char *op, const char *id, const char *login, char *note,
    size_t notelen)
{
	const char *params[1] = { id };

	snprintf(note, notelen, "Account %s: all sessions ended by an administrator", login);
	return db_run_ok(&c->app->db, &sessions_sql, params) ? NULL : refused;
}
