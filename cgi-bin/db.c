#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* The statements of this program (DB_STATEMENT), between the linker's
 * __start_ and __stop_ symbols of their section; weak, since a program may
 * declare none. */
extern const struct db_statement __start_portal_sql[] __attribute__((weak));
extern const struct db_statement __stop_portal_sql[] __attribute__((weak));

const struct db_statement *
db_statements(size_t *n)
{
	*n = 0;
	if (__start_portal_sql == NULL || __stop_portal_sql == NULL)
		return NULL;
	/* The two symbols bound one array, the section, made by the linker. */
	/* cppcheck-suppress comparePointers */
	*n = (size_t)(__stop_portal_sql - __start_portal_sql);
	return __start_portal_sql;
}

/* Two statements of one name would run each other's SQL. */
static bool
statements_unique(void)
{
	size_t n, i, j;
	const struct db_statement *st = db_statements(&n);

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(st[i].name, st[j].name) == 0) {
				log_warn("two statements are named %s", st[i].name);
				return false;
			}
	return true;
}

bool
db_init(struct db *db, const char *dsn, const char *app_name)
{
	memset(db, 0, sizeof(*db));
	(void)db_statements(&db->nstatements);
	if (!statements_unique() || (db->dsn = strdup(dsn)) == NULL ||
	    (db->nstatements > 0 && (db->prepared = calloc(db->nstatements, 1)) == NULL)) {
		free(db->dsn);
		db->dsn = NULL;
		return false;
	}
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
	free(db->prepared);
	db->prepared = NULL;
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
	/* A new connection has none of the old one's prepared statements. */
	if (db->prepared != NULL)
		memset(db->prepared, 0, db->nstatements);
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
 * down or restarted (SQLSTATE class 08, 57P01-57P03) or the socket broke.
 * Every error the server sends carries a SQLSTATE (protocol 3.0, "Error and
 * Notice Message Fields"): a failure without one was made by libpq itself
 * (the socket closed, a protocol or memory failure), and the connection
 * cannot be trusted any more, whatever PQstatus says. */
static bool
connection_lost(const struct db *db, const char *state)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return true;
	return state == NULL || state[0] == '\0' || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P0", 4) == 0;
}

/* A lost connection is closed at once (outside a pipeline, whose results
 * are still being read): db_ready then opens a new one instead of reusing
 * a connection that only looks fine. */
static void
drop_if_lost(struct db *db)
{
	if (!db->lost || db->conn == NULL || PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF)
		return;
	if (!db->quiet)
		log_warn("database connection lost; it will be opened again");
	PQfinish(db->conn);
	db->conn = NULL;
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

/* A statement's result, or NULL (and the failure recorded) when it failed. */
static PGresult *
checked(struct db *db, PGresult *res)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

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
		drop_if_lost(db);
		return NULL;
	}
	return res;
}

PGresult *
db_query(struct db *db, const char *sql, int nparams, const char *const *values)
{
	if (db->conn == NULL) {
		db->failed = true;
		return NULL;
	}
	return checked(db, PQexecParams(db->conn, sql, nparams, NULL, values, NULL, NULL, 0));
}

/* Prepares `st` on this connection unless it was already. */
static bool
prepared(struct db *db, const struct db_statement *st)
{
	size_t n, i;
	const struct db_statement *all = db_statements(&n);
	PGresult *res;

	if (db->conn == NULL) {
		db->failed = true;
		return false;
	}
	i = (size_t)(st - all);
	if (all == NULL || st < all || i >= n || i >= db->nstatements) {
		snprintf(db->error, sizeof(db->error), "statement %s is not declared", st->name);
		log_warn("%s", db->error);
		db->failed = true;
		return false;
	}
	if (db->prepared[i])
		return true;
	if ((res = checked(db, PQprepare(db->conn, st->name, st->sql, st->nparams, NULL))) == NULL)
		return false;
	PQclear(res);
	db->prepared[i] = 1;
	return true;
}

PGresult *
db_run(struct db *db, const struct db_statement *st, const char *const *values)
{
	if (!prepared(db, st))
		return NULL;
	return checked(db, PQexecPrepared(db->conn, st->name, st->nparams, values, NULL, NULL, 0));
}

/* The index of a declared statement in the section, or (size_t)-1. */
static size_t
statement_index(const struct db *db, const struct db_statement *st)
{
	size_t n;
	const struct db_statement *all = db_statements(&n);

	if (all == NULL || st < all || (size_t)(st - all) >= n || (size_t)(st - all) >= db->nstatements)
		return (size_t)-1;
	return (size_t)(st - all);
}

/* The next result of a pipeline, checked; false when it failed (the first
 * failure is recorded, the aborted ones after it are not logged again). */
static bool
pipeline_result(struct db *db, PGresult **out, bool *failed)
{
	PGresult *res = PQgetResult(db->conn), *end;

	*out = NULL;
	/* Once one failed, the rest were aborted: dropped, not logged. */
	if (*failed || (res != NULL && PQresultStatus(res) == PGRES_PIPELINE_ABORTED)) {
		PQclear(res);
		res = NULL;
	} else if ((res = checked(db, res)) == NULL)
		*failed = true;
	/* Each statement's results end with a NULL. */
	while ((end = PQgetResult(db->conn)) != NULL)
		PQclear(end);
	*out = res;
	return res != NULL;
}

bool
db_run_batch(struct db *db, struct db_batch *items, size_t n)
{
	unsigned char fresh[32] = { 0 };	/* prepared in this trip */
	PGresult *sync, *res;
	bool failed = false;
	size_t i, k;

	for (i = 0; i < n; i++)
		items[i].res = NULL;
	if (db->conn == NULL || n > sizeof(fresh) || !PQenterPipelineMode(db->conn)) {
		db->failed = true;
		return false;
	}
	/* A statement is prepared once in a trip, by its first use
	 * (db->prepared[k]: 0 not, 1 prepared, 2 being prepared now). */
	for (i = 0; i < n && !failed; i++) {
		const struct db_statement *st = items[i].st;

		if ((k = statement_index(db, st)) != (size_t)-1 && db->prepared[k] == 0 &&
		    (fresh[i] = (unsigned char)PQsendPrepare(db->conn, st->name, st->sql, st->nparams, NULL)))
			db->prepared[k] = 2;
		failed = k == (size_t)-1 || db->prepared[k] == 0 ||
		    !PQsendQueryPrepared(db->conn, st->name, st->nparams, items[i].values, NULL, NULL, 0);
	}
	if (failed || !PQpipelineSync(db->conn)) {
		for (i = 0; i < n; i++)
			if (fresh[i])
				db->prepared[statement_index(db, items[i].st)] = 0;
		snprintf(db->error, sizeof(db->error), "%s", PQerrorMessage(db->conn));
		db->lost = PQstatus(db->conn) != CONNECTION_OK;
		db->failed = true;
		if (!PQexitPipelineMode(db->conn))
			db->lost = true;	/* a pipeline left half read: unusable */
		drop_if_lost(db);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (fresh[i]) {
			bool ok = pipeline_result(db, &res, &failed);

			PQclear(res);
			db->prepared[statement_index(db, items[i].st)] = ok ? 1 : 0;
		}
		(void)pipeline_result(db, &items[i].res, &failed);
	}
	sync = PQgetResult(db->conn);
	if (sync == NULL || PQresultStatus(sync) != PGRES_PIPELINE_SYNC)
		failed = true;
	PQclear(sync);
	if (!PQexitPipelineMode(db->conn)) {
		failed = true;
		db->lost = true;
	}
	drop_if_lost(db);
	if (failed) {
		db->failed = true;
		for (i = 0; i < n; i++) {
			PQclear(items[i].res);
			items[i].res = NULL;
		}
	}
	return !failed;
}

bool
db_run_ok(struct db *db, const struct db_statement *st, const char *const *values)
{
	PGresult *res = db_run(db, st, values);

	PQclear(res);
	return res != NULL;
}

bool
db_exec(struct db *db, const char *sql, int nparams, const char *const *values)
{
	PGresult *res = db_query(db, sql, nparams, values);

	PQclear(res);
	return res != NULL;
}

/* The rows of a query just sent (`sent` false: it could not be), one by one. */
static bool
each_row(struct db *db, bool sent, bool (*row)(void *, const PGresult *), void *arg)
{
	PGresult *res;
	bool ok = true, handing = true;

	if (!sent) {
		snprintf(db->error, sizeof(db->error), "%s", db->conn ? PQerrorMessage(db->conn) : "no connection");
		db->failed = true;
		/* Not even sent: libpq's own failure (no SQLSTATE). */
		db->lost = true;
		drop_if_lost(db);
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
	drop_if_lost(db);
	return ok;
}

bool
db_each_row(struct db *db, const char *sql, int nparams, const char *const *values,
    bool (*row)(void *, const PGresult *), void *arg)
{
	return each_row(db, db->conn != NULL &&
	    PQsendQueryParams(db->conn, sql, nparams, NULL, values, NULL, NULL, 0), row, arg);
}

bool
db_each_row_run(struct db *db, const struct db_statement *st, const char *const *values,
    bool (*row)(void *, const PGresult *), void *arg)
{
	if (!prepared(db, st))
		return false;
	return each_row(db, PQsendQueryPrepared(db->conn, st->name, st->nparams, values, NULL, NULL, 0),
	    row, arg);
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
