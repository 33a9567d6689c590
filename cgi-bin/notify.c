#include "notify.h"
#include "audit.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "log.h"

/*
 * Picks the recipients of one role, matched on an attribute, in one
 * statement: on-duty holders first; else every holder (DESIGN.md: the duty
 * flag decides "if not available", and a fallback role, when the rule has
 * one, is tried by the caller before falling back to off-duty holders).
 */
static PGresult *
holders(struct db *db, const char *role, enum match_attr match, const char *value,
    bool on_duty_only)
{
	DB_STATEMENT(sql, "notify.holders", 4,
	    "SELECT id, email FROM account WHERE role = $1 AND NOT disabled"
	    " AND ($2::text IS NULL OR CASE $3 WHEN 'bureau' THEN lower(bureau)"
	    "   WHEN 'district' THEN lower(district) WHEN 'unit' THEN unit END = lower($2))"
	    /* Available: on duty, and within the shift when one is set. */
	    " AND (NOT $4::boolean OR (on_duty AND (duty_until IS NULL OR duty_until > now())))"
	    " ORDER BY id");
	static const char *const match_names[] = { "", "bureau", "district", "unit" };
	const char *params[4] = { role, match == MATCH_NONE ? NULL : value,
	    match_names[match], on_duty_only ? "true" : "false" };

	return db_run(db, &sql, params);
}

/* Returns 1 when added, 0 when the dedupe key had it already, -1 on error. */
static int
insert_one(struct db *db, const char *request_id, const char *recipient_id,
    const char *email, const char *role, const struct rule *r, const char *reason,
    const char *dedupe)
{
	DB_STATEMENT(sql, "notify.insert_one", 8,
	    "INSERT INTO notification (request_id, recipient_id, recipient_role, rule_id,"
	    " clause, reason, email_status, dedupe_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
	    " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id");
	char key[160];
	const char *params[8];
	PGresult *res;
	int added;

	if (dedupe != NULL)
		snprintf(key, sizeof(key), "%s:%s:%s", dedupe, r->id, recipient_id ? recipient_id : role);
	params[0] = request_id;
	params[1] = recipient_id;
	params[2] = role;
	params[3] = r->id;
	params[4] = r->clause;
	params[5] = reason;
	/* Nothing to send without an address; a role nobody holds has none yet. */
	params[6] = (email != NULL && *email != '\0') ? "pending" : "none";
	params[7] = dedupe ? key : NULL;
	if ((res = db_run(db, &sql, params)) == NULL)
		return -1;
	added = PQntuples(res);
	PQclear(res);
	return added;
}

/* Notifies the holders of one role for one rule; returns rows or -1. */
static int
notify_role(struct db *db, const struct rule *r, const char *request_id,
    const char *match_value, const char *reason, const char *dedupe)
{
	const char *role = role_choices[r->recipient].id;
	const char *used_role = role;
	PGresult *res;
	struct buf why;
	int i, n, added = 0;

	buf_init(&why);
	buf_puts(&why, reason);
	res = holders(db, role, r->match, match_value, true);
	if (res != NULL && PQntuples(res) == 0 && r->fallback >= 0) {
		/* "If not available": nobody of the role is on duty. */
		PQclear(res);
		used_role = role_choices[r->fallback].id;
		res = holders(db, used_role, MATCH_NONE, NULL, true);
		buf_printf(&why, " (%s not available: sent to the %s)",
		    role_choices[r->recipient].label, role_choices[r->fallback].label);
		if (res != NULL && PQntuples(res) == 0) {
			PQclear(res);
			used_role = role;
			buf_reset(&why);
			buf_puts(&why, reason);
			res = holders(db, role, r->match, match_value, false);
		}
	} else if (res != NULL && PQntuples(res) == 0) {
		PQclear(res);
		res = holders(db, role, r->match, match_value, false);
	}
	if (res == NULL || buf_failed(&why)) {
		PQclear(res);
		buf_free(&why);
		return -1;
	}
	n = PQntuples(res);
	if (n == 0) {
		/* Nobody holds the role: keep it for whoever holds it later. */
		buf_puts(&why, " (nobody holds this role now: kept for the role)");
		added = insert_one(db, request_id, NULL, NULL, role, r, buf_cstr(&why), dedupe);
	}
	for (i = 0; i < n && added >= 0; i++) {
		int one = insert_one(db, request_id, db_value(res, i, "id"), db_value(res, i, "email"),
		    used_role, r, buf_cstr(&why), dedupe);

		added = one < 0 ? -1 : added + one;
	}
	PQclear(res);
	buf_free(&why);
	return added;
}

int
notify_account(struct db *db, const char *request_id, const char *account_id,
    const struct rule *r, const char *reason)
{
	DB_STATEMENT(sql, "notify.notify_account", 1, "SELECT role, email FROM account WHERE id = $1");
	PGresult *res = db_run(db, &sql, &account_id);
	int added;

	if (res == NULL || PQntuples(res) != 1) {
		PQclear(res);
		return -1;
	}
	added = insert_one(db, request_id, account_id, db_value(res, 0, "email"),
	    db_value(res, 0, "role"), r, reason, NULL);
	PQclear(res);
	return added;
}

/*
 * Recipients that are people of the request rather than holders of a role
 * (enum recipient_set): whoever authorized its deployments (SENDERS), or
 * whoever filed it (FILER). Each is told once; nobody, nothing is written.
 */
static int
notify_set(struct db *db, const struct rule *r, const char *request_id, const char *reason,
    const char *dedupe)
{
	DB_STATEMENT(senders_sql, "notify.notify_set.senders", 1,
	    "SELECT DISTINCT a.id, a.email, a.role FROM deployment d JOIN account a ON a.id = d.authorized_by"
	    " WHERE d.request_id = $1 AND NOT a.disabled ORDER BY a.id");
	DB_STATEMENT(filer_sql, "notify.notify_set.filer", 1,
	    "SELECT a.id, a.email, a.role FROM request q JOIN account a ON a.id = q.filed_by"
	    " WHERE q.id = $1 AND NOT a.disabled");
	PGresult *res = db_run(db, r->recipients == RECIPIENTS_SENDERS ? &senders_sql : &filer_sql,
	    &request_id);
	int i, added = 0;

	if (res == NULL)
		return -1;
	for (i = 0; i < PQntuples(res) && added >= 0; i++) {
		int one = insert_one(db, request_id, db_value(res, i, "id"), db_value(res, i, "email"),
		    db_value(res, i, "role"), r, reason, dedupe);

		added = one < 0 ? -1 : added + one;
	}
	PQclear(res);
	return added;
}

int
notify_rule(struct db *db, const struct rule *r, const char *request_id,
    const struct request_facts *facts, const char *reason, const char *dedupe)
{
	int u, added, total = 0;

	if (r->recipients != RECIPIENTS_ROLE)
		return notify_set(db, r, request_id, reason, dedupe);
	if (r->recipient < 0)
		return 0;
	if (r->match != MATCH_UNIT)
		return notify_role(db, r, request_id, r->match == MATCH_BUREAU ? facts->bureau :
		    r->match == MATCH_DISTRICT ? facts->district : NULL, reason, dedupe);
	/* One notification per specialized unit involved (matched on unit). */
	for (u = 0; special_unit_choices[u].id != NULL; u++) {
		if (!(facts->special_units & ((uint32_t)1 << u)))
			continue;
		if ((added = notify_role(db, r, request_id, special_unit_choices[u].id, reason, dedupe)) < 0)
			return -1;
		total += added;
	}
	return total;
}

int
notify_event(struct db *db, const struct policy *pol, const char *request_id,
    enum policy_event event, const struct request_facts *facts, const char *extra,
    const char *dedupe)
{
	size_t i;
	int total = 0;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];
		struct buf reason;
		int added;

		if (r->effect != EFFECT_NOTIFY || r->on_event != event || !rule_in_force(r, facts))
			continue;
		buf_init(&reason);
		buf_puts(&reason, r->summary);
		if (extra != NULL && *extra != '\0')
			buf_printf(&reason, " %s", extra);
		added = buf_failed(&reason) ? -1 : notify_rule(db, r, request_id, facts, buf_cstr(&reason), dedupe);
		buf_free(&reason);
		if (added < 0)
			return -1;
		total += added;
	}
	return total;
}

