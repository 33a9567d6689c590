#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

bool
db_init(struct db *db, const char *dsn, const char *app_name)
{
	memset(db, 0, sizeof(*db));
	if ((db->dsn = strdup(dsn)) == NULL)
		return false;
	db->app_name = app_name;
	return true;
}

void
db_close(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	free(db->dsn);
	db->dsn = NULL;
}

static bool
db_connect(struct db *db)
{
	const char *keys[] = { "dbname", "application_name", "connect_timeout", "options", NULL };
	/* The department's time zone (America/Chicago) for every timestamp
	 * shown or parsed; a statement never runs longer than 10 s. */
	const char *vals[] = { db->dsn, db->app_name, "5",
	    "-c timezone=America/Chicago -c statement_timeout=10000 -c idle_in_transaction_session_timeout=30000 -c client_min_messages=warning",
	    NULL };

	if (db->conn != NULL)
		PQfinish(db->conn);
	/* expand_dbname: the first value may be a whole connection string. */
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		snprintf(db->error, sizeof(db->error), "%s",
		    db->conn ? PQerrorMessage(db->conn) : "out of memory");
		if (!db->quiet)
			log_warn("database connection failed: %s", db->error);
		if (db->conn != NULL)
			PQfinish(db->conn);
		db->conn = NULL;
		return false;
	}
	return true;
}

void
db_request_begin(struct db *db)
{
	db->lost = false;
	db->commit_sent = false;
}

bool
db_outcome_unknown(const struct db *db)
{
	return db->lost && db->commit_sent;
}

/* Whether a failure means the connection itself is gone: the server shut
 * down or restarted (SQLSTATE class 08, 57P01-57P03) or the socket broke. */
static bool
connection_lost(const struct db *db, const char *state)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return true;
	return state != NULL && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0);
}

bool
db_wait_ready(struct db *db, int ms)
{
	struct timespec pause = { 0, 100L * 1000 * 1000 };
	int waited = 0;
	bool was_quiet = db->quiet;
	bool ok;

	/* While it restarts, each failed attempt is not worth a log line. */
	while (!(ok = db_ready(db)) && waited < ms) {
		db->quiet = true;
		nanosleep(&pause, NULL);
		waited += 100;
	}
	db->quiet = was_quiet;
	return ok;
}

bool
db_ready(struct db *db)
{
	db->failed = false;
	db->error[0] = '\0';
	db->sqlstate[0] = '\0';
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK &&
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return true;
	return db_connect(db);
}

PGresult *
db_query(struct db *db, const char *sql, int nparams, const char *const *values)
{
	PGresult *res;
	ExecStatusType st;

	if (db->conn == NULL) {
		db->failed = true;
		return NULL;
	}
	res = PQexecParams(db->conn, sql, nparams, NULL, values, NULL, NULL, 0);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

		snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
		snprintf(db->error, sizeof(db->error), "%s",
		    res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
		if (connection_lost(db, state))
			db->lost = true;
		if (!db->quiet)
			log_warn("statement failed: %s", db->error);
		PQclear(res);
		db->failed = true;
		return NULL;
	}
	return res;
}

bool
db_exec(struct db *db, const char *sql, int nparams, const char *const *values)
{
	PGresult *res = db_query(db, sql, nparams, values);

	PQclear(res);
	return res != NULL;
}

bool
db_each_row(struct db *db, const char *sql, int nparams, const char *const *values,
    bool (*row)(void *, const PGresult *), void *arg)
{
	PGresult *res;
	bool ok = true, handing = true;

	if (db->conn == NULL || !PQsendQueryParams(db->conn, sql, nparams, NULL, values, NULL, NULL, 0)) {
		snprintf(db->error, sizeof(db->error), "%s", db->conn ? PQerrorMessage(db->conn) : "no connection");
		db->failed = true;
		return false;
	}
	/* Right after sending, single-row mode is always accepted (libpq). */
	if (!PQsetSingleRowMode(db->conn)) {
		ok = false;
		handing = false;
	}
	while ((res = PQgetResult(db->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE) {
			if (handing && !row(arg, res))
				handing = false;
		} else if (st != PGRES_TUPLES_OK) {	/* TUPLES_OK: the end, no row */
			snprintf(db->error, sizeof(db->error), "%s", PQresultErrorMessage(res));
			if (connection_lost(db, PQresultErrorField(res, PG_DIAG_SQLSTATE)))
				db->lost = true;
			if (!db->quiet)
				log_warn("statement failed: %s", db->error);
			db->failed = true;
			ok = false;
		}
		PQclear(res);
	}
	return ok;
}

bool
db_begin(struct db *db)
{
	db->failed = false;
	return db_exec(db, "BEGIN", 0, NULL);
}

bool
db_commit(struct db *db)
{
	bool ok;

	if (db->failed) {
		db_rollback(db);
		return false;
	}
	/* A COMMIT sent and not answered may have committed or not. */
	db->commit_sent = true;
	ok = db_exec(db, "COMMIT", 0, NULL);
	if (ok || !db->lost)
		db->commit_sent = false;
	return ok;
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

const char *
db_sqlstate(const struct db *db)
{
	return db->sqlstate;
}

const char *
db_value(const PGresult *res, int row, const char *column)
{
	int col = PQfnumber(res, column);

	if (col < 0 || row >= PQntuples(res) || PQgetisnull(res, row, col))
		return NULL;
	return PQgetvalue(res, row, col);
}

long long
db_int(const PGresult *res, int row, const char *column)
{
	const char *v = db_value(res, row, column);

	return v ? strtoll(v, NULL, 10) : 0;
}

bool
db_bool(const PGresult *res, int row, const char *column)
{
	const char *v = db_value(res, row, column);

	return v != NULL && v[0] == 't';
}
