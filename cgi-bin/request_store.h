/*
 * Reading and writing requests. Every query is parameterized; an outside
 * agency reads only requests its own agency filed (others are "not found",
 * never "forbidden": their existence is not revealed).
 */
#ifndef PORTAL_REQUEST_STORE_H
#define PORTAL_REQUEST_STORE_H

#include <stdbool.h>

#include "app.h"
#include "buf.h"
#include "request_form.h"

/* The request `id` as `c->me` may see it, or NULL (not found / not theirs /
 * database error: *db_failed tells which). The caller PQclear()s it. */
PGresult *request_fetch(struct ctx *, long long id, bool *db_failed);
/* The same as a statement with its parameters, for a batch (db_run_batch). */
const struct db_statement *request_fetch_statement(void);
void      request_fetch_params(const struct ctx *, char idtext[24], long long id,
              const char *params[2]);

#define REQUEST_RATE_LIMITED (-2)
#define REQUEST_REPEATED     (-3)   /* its submission key was used: submission_replay() */
#define REQUEST_ANSWERED     (-4)   /* refused and answered already */
/* Stores a filed request with its audit event and notifications in one
 * transaction: its id, 0 when the database failed (nothing stored), or
 * REQUEST_RATE_LIMITED when the account filed filings_per_hour already. */
long long request_insert(struct ctx *, enum request_kind, char *const values[RF__MAX]);

/* JSON of a request with its notifications, deployments and events. */
bool      request_json(struct ctx *, const PGresult *, struct buf *);

/* Appends a PostgreSQL text[] of plain ids as a JSON array. */
void      json_id_array(struct buf *, const char *pg_array);

#endif
