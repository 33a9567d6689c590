/*
 * The outbox (notify.h): what an event's rules ask is planned in memory,
 * one statement per rule (and per specialized unit where a rule is matched
 * on unit), and the statements are sent together, in one round trip
 * (db_run_batch). Each statement chooses its recipients and inserts their
 * notifications itself, so the choice and the rows are one step.
 */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"

/*
 * The holders of one role, matched on an attribute: the available ones (on
 * duty, within their shift); when none is, the available holders of the
 * fallback role ($4, "if not available"); when nobody is available, every
 * holder of the role; when nobody holds it, one notification kept for the
 * role, shown to whoever holds it later. Never dropped. Each with its
 * reason ($5, $6 with the fallback's note, $7 with the kept-for-role note).
 */
DB_STATEMENT(role_sql, "notify.role", 11,
    "WITH matched AS (SELECT id, email, on_duty AND (duty_until IS NULL OR duty_until > now())"
    "   AS available FROM account WHERE role = $1 AND NOT disabled"
    "   AND ($2::text IS NULL OR CASE $3 WHEN 'bureau' THEN lower(bureau)"
    "     WHEN 'district' THEN lower(district) WHEN 'unit' THEN unit END = lower($2))),"
    " fallback AS (SELECT id, email FROM account WHERE $4::text IS NOT NULL AND role = $4"
    "   AND NOT disabled AND on_duty AND (duty_until IS NULL OR duty_until > now())"
    "   AND NOT EXISTS (SELECT 1 FROM matched WHERE available)),"
    " chosen AS (SELECT id, email, $1::text AS role, $5::text AS reason FROM matched WHERE available"
    "   UNION ALL SELECT id, email, $4, $6 FROM fallback"
    "   UNION ALL SELECT id, email, $1, $5 FROM matched"
    "     WHERE NOT EXISTS (SELECT 1 FROM matched WHERE available) AND NOT EXISTS (SELECT 1 FROM fallback)"
    "   UNION ALL SELECT NULL::bigint, NULL::text, $1, $7"
    "     WHERE NOT EXISTS (SELECT 1 FROM matched) AND NOT EXISTS (SELECT 1 FROM fallback)),"
    " added AS (INSERT INTO notification (request_id, recipient_id, recipient_role, rule_id, clause,"
    "   reason, email_status, dedupe_key)"
    "   SELECT $8::bigint, c.id, c.role, $9, $10, c.reason,"
    /* Nothing to send without an address; a role nobody holds has none yet. */
    "     CASE WHEN coalesce(c.email, '') <> '' THEN 'pending' ELSE 'none' END,"
    "     CASE WHEN $11::text IS NULL THEN NULL ELSE $11 || ':' || $9 || ':' || coalesce(c.id::text, c.role) END"
    "   FROM chosen c ORDER BY c.id"
    "   ON CONFLICT (dedupe_key) DO NOTHING RETURNING id)"
    " SELECT count(*) AS added FROM added");

/*
 * People of the request rather than holders of a role (enum recipient_set),
 * or one account: whoever authorized its deployments ($6 'senders'),
 * whoever filed it ('filer'), the outside agency's member who filed it
 * ('asker': staff who log a call are not told of their own log), the
 * department's people who acted on it or were told of it ('workers': those
 * a cancellation stops), or account $7 ('account'). Each is told once;
 * nobody, nothing is written.
 */
DB_STATEMENT(people_sql, "notify.people", 7,
    "WITH added AS (INSERT INTO notification (request_id, recipient_id, recipient_role, rule_id,"
    "   clause, reason, email_status, dedupe_key)"
    "   SELECT $1::bigint, a.id, a.role, $2, $3, $4,"
    "     CASE WHEN coalesce(a.email, '') <> '' THEN 'pending' ELSE 'none' END,"
    "     CASE WHEN $5::text IS NULL THEN NULL ELSE $5 || ':' || $2 || ':' || a.id END"
    "   FROM account a WHERE CASE $6"
    "     WHEN 'senders' THEN NOT a.disabled AND a.id IN"
    "       (SELECT d.authorized_by FROM deployment d WHERE d.request_id = $1::bigint)"
    "     WHEN 'filer' THEN NOT a.disabled AND a.id = (SELECT filed_by FROM request WHERE id = $1::bigint)"
    "     WHEN 'asker' THEN NOT a.disabled AND a.role = 'agency'"
    "       AND a.id = (SELECT filed_by FROM request WHERE id = $1::bigint)"
    "     WHEN 'workers' THEN NOT a.disabled AND a.role <> 'agency' AND (a.id IN"
    "       (SELECT e.actor_id FROM audit_event e WHERE e.request_id = $1::bigint) OR a.id IN"
    "       (SELECT n.recipient_id FROM notification n WHERE n.request_id = $1::bigint))"
    "     ELSE a.id = $7::bigint END"
    "   ORDER BY a.id ON CONFLICT (dedupe_key) DO NOTHING RETURNING id)"
    " SELECT count(*) AS added FROM added");

#define PLAN_MAX 64	/* statements in one plan: rules x units, far beyond any policy */

/* The notifications of an event, planned, then run in one round trip. */
struct plan {
	struct db_batch items[PLAN_MAX];
	const char     *params[PLAN_MAX][11];
	char           *texts[PLAN_MAX][3];	/* owned: the reasons */
	size_t          n;
	bool            failed;
};

static void
plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
}

/* Runs the plan: the number of notifications added, or -1. */
static int
plan_run(struct db *db, struct plan *p)
{
	size_t i, k;
	int total = 0;

	if (!p->failed && p->n > 0 && db_run_batch(db, p->items, p->n))
		for (i = 0; i < p->n; i++)
			total += (int)db_int(p->items[i].res, 0, "added");
	else if (p->n > 0 || p->failed)
		total = -1;
	for (i = 0; i < p->n; i++) {
		PQclear(p->items[i].res);
		for (k = 0; k < 3; k++)
			free(p->texts[i][k]);
	}
	p->n = 0;
	return total;
}

/* The next statement of the plan, or NULL (the plan fails) when full. */
static const char **
plan_add(struct plan *p, const struct db_statement *st)
{
	const char **params;

	if (p->n >= PLAN_MAX) {
		log_warn("more than %d notifications planned for one event", PLAN_MAX);
		p->failed = true;
		return NULL;
	}
	params = p->params[p->n];
	p->items[p->n].st = st;
	p->items[p->n].values = params;
	p->n++;
	return params;
}

/* A reason with a note appended, owned by the plan's last statement. */
static const char *
plan_text(struct plan *p, int slot, const char *reason, const char *note)
{
	struct buf t;

	buf_init(&t);
	buf_puts(&t, reason);
	buf_puts(&t, note);
	if (buf_failed(&t)) {
		buf_free(&t);
		p->failed = true;
		return reason;
	}
	return p->texts[p->n - 1][slot] = buf_take(&t);
}

/* Notifies the holders of one role for one rule (role_sql). */
static void
plan_role(struct plan *p, const struct rule *r, const char *request_id, const char *match_value,
    const char *reason, const char *dedupe)
{
	static const char *const match_names[] = { "", "bureau", "district", "unit" };
	const char **v = plan_add(p, &role_sql);

	if (v == NULL)
		return;
	v[0] = role_choices[r->recipient].id;
	v[1] = r->match == MATCH_NONE ? NULL : match_value;
	v[2] = match_names[r->match];
	v[3] = r->fallback >= 0 ? role_choices[r->fallback].id : NULL;
	v[4] = reason;
	if (r->fallback >= 0) {
		char note[200];

		snprintf(note, sizeof(note), " (%s not available: sent to the %s)",
		    role_choices[r->recipient].label, role_choices[r->fallback].label);
		v[5] = plan_text(p, 0, reason, note);
	} else
		v[5] = reason;
	v[6] = plan_text(p, 1, reason, " (nobody holds this role now: kept for the role)");
	v[7] = request_id;
	v[8] = r->id;
	v[9] = r->clause;
	v[10] = dedupe;
}

/* Notifies people of the request, or one account (people_sql). */
static void
plan_people(struct plan *p, const struct rule *r, const char *request_id, const char *who,
    const char *account_id, const char *reason, const char *dedupe)
{
	const char **v = plan_add(p, &people_sql);

	if (v == NULL)
		return;
	v[0] = request_id;
	v[1] = r->id;
	v[2] = r->clause;
	v[3] = reason;
	v[4] = dedupe;
	v[5] = who;
	v[6] = account_id;
}

/* What rule `r` asks, into the plan. */
static void
plan_rule(struct plan *p, const struct rule *r, const char *request_id,
    const struct request_facts *facts, const char *reason, const char *dedupe)
{
	int u;

	if (r->recipients != RECIPIENTS_ROLE) {
		plan_people(p, r, request_id, recipient_set_choices[r->recipients].id, NULL, reason,
		    dedupe);
		return;
	}
	if (r->recipient < 0)
		return;
	if (r->match != MATCH_UNIT) {
		plan_role(p, r, request_id, r->match == MATCH_BUREAU ? facts->bureau :
		    r->match == MATCH_DISTRICT ? facts->district : NULL, reason, dedupe);
		return;
	}
	/* One notification per specialized unit involved (matched on unit). */
	for (u = 0; special_unit_choices[u].id != NULL; u++)
		if (facts->special_units & ((uint32_t)1 << u))
			plan_role(p, r, request_id, special_unit_choices[u].id, reason, dedupe);
}

int
notify_rule(struct db *db, const struct rule *r, const char *request_id,
    const struct request_facts *facts, const char *reason, const char *dedupe)
{
	static struct plan p;	/* large: not on the stack; one request at a time */

	plan_init(&p);
	plan_rule(&p, r, request_id, facts, reason, dedupe);
	return plan_run(db, &p);
}

int
notify_event(struct db *db, const struct policy *pol, const char *request_id,
    enum policy_event event, const struct request_facts *facts, const char *extra,
    const char *dedupe)
{
	static struct plan p;
	char *reasons[PLAN_MAX];
	size_t i, nreasons = 0;
	int total;

	plan_init(&p);
	for (i = 0; i < pol->n && !p.failed; i++) {
		const struct rule *r = &pol->rules[i];
		struct buf reason;

		if (r->effect != EFFECT_NOTIFY || r->on_event != event || !rule_in_force(r, facts))
			continue;
		buf_init(&reason);
		buf_puts(&reason, r->summary);
		if (extra != NULL && *extra != '\0')
			buf_printf(&reason, " %s", extra);
		if (buf_failed(&reason) || nreasons >= PLAN_MAX) {
			buf_free(&reason);
			p.failed = true;
			break;
		}
		reasons[nreasons] = buf_take(&reason);
		plan_rule(&p, r, request_id, facts, reasons[nreasons++], dedupe);
	}
	total = plan_run(db, &p);
	for (i = 0; i < nreasons; i++)
		free(reasons[i]);
	return total;
}

int
notify_account(struct db *db, const char *request_id, const char *account_id,
    const struct rule *r, const char *reason)
{
	static struct plan p;
	int added;

	plan_init(&p);
	plan_people(&p, r, request_id, "account", account_id, reason, NULL);
	added = plan_run(db, &p);
	return added == 0 ? -1 : added;	/* no such account */
}
