#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define SEP '\x1f'	/* the unit separator of concat_ws(E'\x1f', ...) */

void
audit_canonical(struct buf *b, const char *seq, const char *request_id,
    const char *actor_id, const char *actor_login, const char *action,
    const char *clause, const char *note, const char *at_utc)
{
	const char *parts[8] = { seq, request_id, actor_id, actor_login, action,
	    clause, note, at_utc };
	size_t i;

	for (i = 0; i < 8; i++) {
		if (i > 0)
			buf_putc(b, SEP);
		buf_puts(b, parts[i] ? parts[i] : "");
	}
}

/* Where a verification stands: the next event expected and its
 * predecessor's hash. */
struct chain_walk {
	char      expect_prev[65];
	long long want_seq;
	long long count;
	struct buf text;
};

/* One event of the chain, row i of res: in sequence, linked to its
 * predecessor, and its hash that of its content. */
static bool
check_event(struct chain_walk *w, const PGresult *res, int i, FILE *out)
{
	unsigned char h[crypto_hash_sha256_BYTES], prev[32];
	char hex[65];
	const char *seq = db_value(res, i, "seq");
	crypto_hash_sha256_state st;

	if (strtoll(seq, NULL, 10) != w->want_seq) {
		fprintf(out, "BROKEN at event %lld: the event is missing (next is %s)\n", w->want_seq, seq);
		return false;
	}
	if (strcmp(db_value(res, i, "prev_hash"), w->expect_prev) != 0) {
		fprintf(out, "BROKEN at event %s: its previous-hash does not match event %lld\n",
		    seq, w->want_seq - 1);
		return false;
	}
	buf_reset(&w->text);
	audit_canonical(&w->text, seq, db_value(res, i, "request_id"), db_value(res, i, "actor_id"),
	    db_value(res, i, "actor_login"), db_value(res, i, "action"), db_value(res, i, "clause"),
	    db_value(res, i, "note"), db_value(res, i, "at_utc"));
	if (sodium_hex2bin(prev, sizeof(prev), w->expect_prev, 64, NULL, NULL, NULL) != 0) {
		fprintf(out, "BROKEN at event %s: its previous-hash is not a hash\n", seq);
		return false;
	}
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, sizeof(prev));
	crypto_hash_sha256_update(&st, (const unsigned char *)buf_cstr(&w->text), w->text.len);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (strcmp(hex, db_value(res, i, "hash")) != 0) {
		fprintf(out, "BROKEN at event %s: its content does not match its hash "
		    "(the row was altered)\n", seq);
		return false;
	}
	memcpy(w->expect_prev, hex, sizeof(w->expect_prev));
	w->want_seq++;
	w->count++;
	return true;
}

/* The head must be the last event: a removed tail shows here. */
static bool
check_head(struct db *db, const struct chain_walk *w, FILE *out)
{
	PGresult *res = db_query(db, "SELECT seq, encode(hash, 'hex') AS hash FROM audit_chain_head", 0, NULL);
	bool ok = false;

	if (res == NULL || PQntuples(res) != 1)
		fprintf(out, "audit verify: the chain head cannot be read\n");
	else if (db_int(res, 0, "seq") != w->count || strcmp(db_value(res, 0, "hash"), w->expect_prev) != 0)
		fprintf(out, "BROKEN at event %lld: events after it were removed "
		    "(the chain head is at %s)\n", w->count, db_value(res, 0, "seq"));
	else
		ok = true;
	PQclear(res);
	return ok;
}

/*
 * Events appended and not yet sealed: normal for a second or two (the
 * notifier seals them); one older than a minute is flagged, since until it
 * is sealed nothing in the chain vouches for it (docs/audit.md).
 */
static bool
check_unsealed(struct db *db, FILE *out)
{
	DB_STATEMENT(sql, "audit.check_unsealed", 0,
	    "SELECT count(*) AS n, count(*) FILTER (WHERE at < now() - interval '1 minute') AS stale"
	    " FROM audit_event WHERE seq IS NULL");
	PGresult *res = db_run(db, &sql, NULL);
	long long n, stale;

	if (res == NULL) {
		fprintf(out, "audit verify: the unsealed events cannot be read\n");
		return false;
	}
	n = db_int(res, 0, "n");
	stale = db_int(res, 0, "stale");
	PQclear(res);
	if (stale > 0)
		fprintf(out, "UNSEALED: %lld event(s) appended more than a minute ago are not in the "
		    "chain (the notifier seals them: is it running?)\n", stale);
	else if (n > 0)
		fprintf(out, "%lld event(s) appended in the last minute not sealed yet\n", n);
	return stale == 0;
}

bool
audit_verify_chain(struct db *db, FILE *out)
{
	DB_STATEMENT(sql, "audit.audit_verify_chain", 1,
	    "SELECT e.seq::text AS seq, e.request_id::text AS request_id, e.actor_id::text AS actor_id,"
	    " e.actor_login, e.action, e.clause, e.note,"
	    " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at_utc,"
	    " encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash"
	    " FROM audit_event e WHERE e.seq > $1::bigint ORDER BY e.seq LIMIT 5000");
	struct chain_walk w;
	bool ok = true;
	int n = 5000;

	/* The chain starts from 32 zero bytes (audit_chain_head's first row). */
	memset(w.expect_prev, '0', 64);
	w.expect_prev[64] = '\0';
	w.want_seq = 1;
	w.count = 0;
	buf_init(&w.text);
	/* In pages of 5,000 events: bounded memory whatever the chain's length. */
	while (ok && n == 5000) {
		char last_seq[24];
		const char *params[1] = { last_seq };
		PGresult *res;
		int i;

		snprintf(last_seq, sizeof(last_seq), "%lld", w.want_seq - 1);
		if ((res = db_run(db, &sql, params)) == NULL) {
			fprintf(out, "audit verify: the database failed: %s", db->error);
			buf_free(&w.text);
			return false;
		}
		n = PQntuples(res);
		for (i = 0; i < n && ok; i++)
			ok = check_event(&w, res, i, out);
		PQclear(res);
	}
	if (ok)
		ok = check_head(db, &w, out);
	if (ok)
		/* The head, to be kept where the database's owner cannot write
		 * (docs/audit.md): a rewritten chain ends elsewhere. */
		fprintf(out, "audit chain intact: %lld events verified, head %.16s\n", w.count,
		    w.expect_prev);
	buf_free(&w.text);
	return ok;
}

bool
audit_verify(struct db *db, FILE *out)
{
	bool ok = audit_verify_chain(db, out);

	return check_unsealed(db, out) && ok;
}

bool
audit_record(struct db *db, const char *request_id, long long actor_id,
    const char *actor_login, const char *action, const char *clause, const char *note)
{
	DB_STATEMENT(sql, "audit.audit_record", 6,
	    "INSERT INTO audit_event (request_id, actor_id, actor_login, action, clause, note)"
	    " VALUES ($1, $2, $3, $4, $5, $6)");
	char actor[24];
	const char *params[6];

	snprintf(actor, sizeof(actor), "%lld", actor_id);
	params[0] = request_id;
	params[1] = actor_id > 0 ? actor : NULL;
	params[2] = actor_login;
	params[3] = action;
	params[4] = clause;
	params[5] = note ? note : "";
	return db_run_ok(db, &sql, params);
}

long
audit_seal(struct db *db, int max)
{
	char n[16];
	const char *params[1] = { n };
	PGresult *res;
	long sealed;

	snprintf(n, sizeof(n), "%d", max);
	if ((res = db_query(db, "SELECT audit_seal($1::int) AS sealed", 1, params)) == NULL)
		return -1;
	sealed = (long)db_int(res, 0, "sealed");
	PQclear(res);
	return sealed;
}
