/*
 * The PostgreSQL connection of one process. Every statement goes through
 * PQexecParams with its values as parameters: no SQL is ever built from
 * input. A broken connection (the database restarted) is reopened at the
 * next db_ready(), so a worker recovers without being restarted.
 */
#ifndef PORTAL_DB_H
#define PORTAL_DB_H

#include <stdbool.h>

#include <libpq-fe.h>

/*
 * A statement of the program, prepared once per connection (on its first
 * use, again after a reconnect) and run by name: PostgreSQL parses and plans
 * it once, not at every call. Each is declared once, where it is used, with
 * DB_STATEMENT(var, "file.function", nparams, "SQL"); the declarations land
 * in one linker section, the program's list of statements, which db.c walks
 * (names must be unique: checked at db_init).
 */
struct db_statement {
	const char *name;     /* at most 63 bytes (PostgreSQL's NAMEDATALEN) */
	const char *sql;
	int         nparams;
};

#define DB_STATEMENT(var, name_, nparams_, sql_) \
	static const struct db_statement var \
	    __attribute__((used, section("portal_sql"), aligned(sizeof(void *)))) = \
	    { name_, sql_, nparams_ }

struct db {
	PGconn     *conn;
	unsigned char *prepared; /* per statement of the section: prepared on conn */
	size_t      nstatements;
	char       *dsn;        /* owned */
	const char *app_name;
	char        error[256]; /* the last error, for logs */
	char        sqlstate[6];/* SQLSTATE of the last failure, "" if none */
	bool        failed;     /* a statement failed in the current transaction */
	bool        quiet;      /* do not log failures (portalctl says them itself) */
	/* Ride-through (db_request_begin() clears both): */
	bool        lost;       /* the connection broke during this request */
	bool        commit_sent;/* a COMMIT was sent and no answer came: the
	                           outcome is unknown */
	char        xid[24];    /* that COMMIT's transaction ("none": it wrote
	                           nothing; "": not known) */
};

bool      db_init(struct db *, const char *dsn, const char *app_name);
void      db_close(struct db *);
/* Connects or reconnects when needed; false when the database is away. */
bool      db_ready(struct db *);
/* As db_ready(), waiting up to `ms` for a database that is restarting. */
bool      db_wait_ready(struct db *, int ms);
/* A new request: forgets the last one's lost connection. */
void      db_request_begin(struct db *);
/* Whether the last COMMIT was sent and its answer lost: whether the change
 * was stored is unknown (an error page must not say it was not). */
bool      db_outcome_unknown(const struct db *);
/* After such a COMMIT, on a connection made again: what became of its
 * transaction (pg_xact_status: "committed", "aborted"; "aborted" too when
 * it wrote nothing), or NULL when that cannot be known (the database away,
 * the transaction unknown or still in progress). */
const char *db_commit_outcome(struct db *);

/* Runs a declared statement (prepared on first use); NULL on failure
 * (logged, db->error set). The caller PQclear()s the result. Values may be
 * NULL (SQL NULL); there are st->nparams of them. */
PGresult *db_run(struct db *, const struct db_statement *, const char *const *values);
/* For statements without rows: true on success. */
bool      db_run_ok(struct db *, const struct db_statement *, const char *const *values);
/* db_each_row() of a declared statement. */
bool      db_each_row_run(struct db *, const struct db_statement *, const char *const *values,
              bool (*row)(void *arg, const PGresult *), void *arg);
/* Several declared statements that do not depend on one another, sent
 * together and answered in one round trip (libpq's pipeline mode); each is
 * prepared in the same trip where it was not yet. True when every one
 * succeeded: items[i].res holds its result (the caller PQclear()s each).
 * False: every result is NULL, the failure recorded as db_run()'s. */
struct db_batch {
	const struct db_statement *st;
	const char *const         *values;
	PGresult                  *res;
};
bool      db_run_batch(struct db *, struct db_batch *items, size_t n);

/* The program's statements (the section), for listing and checks. */
const struct db_statement *db_statements(size_t *n);

/* Runs SQL that is not a declared statement (migrations, the tools'
 * one-off queries; parsed every time); NULL on failure (logged, db->error
 * set). The caller PQclear()s the result. Values may be NULL (SQL NULL). */
PGresult *db_query(struct db *, const char *sql, int nparams, const char *const *values);
/* For statements without rows: true on success. */
bool      db_exec(struct db *, const char *sql, int nparams, const char *const *values);
/* Runs a query in libpq's single-row mode, handing each row to row(arg,
 * res) as it arrives, so that memory stays one row whatever the result's
 * size (exports). A false from row() stops the handing (the rest is read
 * and dropped). False when the query failed. */
bool      db_each_row(struct db *, const char *sql, int nparams, const char *const *values,
              bool (*row)(void *arg, const PGresult *), void *arg);

bool      db_begin(struct db *);
bool      db_commit(struct db *);
void      db_rollback(struct db *);

/* The SQLSTATE of the last failure ("" when none). */
const char *db_sqlstate(const struct db *);

/* A value of a row, or NULL for SQL NULL. */
const char *db_value(const PGresult *, int row, const char *column);
long long   db_int(const PGresult *, int row, const char *column);
bool        db_bool(const PGresult *, int row, const char *column);

#endif
