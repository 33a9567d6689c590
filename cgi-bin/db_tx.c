/*
 * Transactions of a db connection: BEGIN, COMMIT (with what is needed to
 * learn a lost COMMIT's fate afterwards), ROLLBACK.
 */
#include "db.h"

#include <stdio.h>
#include <string.h>

bool
db_begin(struct db *db)
{
	db->failed = false;
	return db_exec(db, "BEGIN", 0, NULL);
}

/* A transaction that wrote nothing has no id (and is given none here). */
#define XID_NONE "none"

/* The id of the transaction about to commit, into db->xid (one round
 * trip per transaction: the price of knowing a lost COMMIT's fate). */
static bool
commit_xid(struct db *db)
{
	DB_STATEMENT(sql, "db.commit_xid", 0, "SELECT pg_current_xact_id_if_assigned()::text AS x");
	PGresult *res = db_run(db, &sql, NULL);

	db->xid[0] = '\0';
	if (res == NULL)
		return false;
	snprintf(db->xid, sizeof(db->xid), "%s", db_value(res, 0, "x") ? db_value(res, 0, "x") : XID_NONE);
	PQclear(res);
	return true;
}

bool
db_commit(struct db *db)
{
	bool ok;

	if (db->failed) {
		db_rollback(db);
		return false;
	}
	/* A COMMIT sent and not answered may have committed or not: its
	 * transaction's id lets a new connection find out (db_commit_outcome). */
	if (!commit_xid(db)) {
		db_rollback(db);
		return false;
	}
	db->commit_sent = true;
	ok = db_exec(db, "COMMIT", 0, NULL);
	if (ok || !db->lost)
		db->commit_sent = false;
	return ok;
}

const char *
db_commit_outcome(struct db *db)
{
	DB_STATEMENT(sql, "db.db_commit_outcome", 1, "SELECT pg_xact_status($1::xid8) AS s");
	static const char *const known[] = { "committed", "aborted" };
	const char *params[1] = { db->xid };
	const char *outcome = NULL;
	PGresult *res;
	size_t i;

	/* Wrote nothing: whether its COMMIT happened changes nothing. */
	if (strcmp(db->xid, XID_NONE) == 0)
		return known[1];
	if (db->xid[0] == '\0' || !db_ready(db) || (res = db_run(db, &sql, params)) == NULL)
		return NULL;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (db_value(res, 0, "s") != NULL && strcmp(db_value(res, 0, "s"), known[i]) == 0)
			outcome = known[i];
	PQclear(res);
	return outcome;
}

void
db_rollback(struct db *db)
{
	PGresult *res;

	if (db->conn == NULL)
		return;
	res = PQexec(db->conn, "ROLLBACK");
	PQclear(res);
}
