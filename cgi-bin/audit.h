/*
 * The audit trail: recording an event, and verifying the hash chain
 * (sql/002: audit_event_chain).
 * Each event's hash is SHA-256(previous hash || canonical text); the
 * canonical text is rebuilt here in C, independently of the database's
 * own function, so a changed row, a removed row or a forged hash is found.
 */
#ifndef PORTAL_AUDIT_H
#define PORTAL_AUDIT_H

#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "db.h"

/* The canonical text of one event, fields as the database returns them. */
void audit_canonical(struct buf *, const char *seq, const char *request_id,
         const char *actor_id, const char *actor_login, const char *action,
         const char *clause, const char *note, const char *at_utc);

/* One audit event (append-only, hash-chained by the database). */
bool audit_record(struct db *, const char *request_id, long long actor_id,
         const char *actor_login, const char *action, const char *clause,
         const char *note);

/* Links up to `max` committed, unsealed events into the chain (sql/015,
 * audit_seal); how many, or -1 when the database failed. */
#define AUDIT_SEAL_BATCH 500
long audit_seal(struct db *, int max);

/* Checks the sealed events only: a copy (backup.c) is faithful whether or
 * not the sealer kept up. */
bool audit_verify_chain(struct db *, FILE *out);
/* The chain, and no event unsealed for over a minute; prints the result
 * (and the first broken link). */
bool audit_verify(struct db *, FILE *out);

#endif
