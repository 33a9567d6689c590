#include "request_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notify.h"
#include "submission.h"

/* Times in JSON are ISO 8601 with the department's offset (to_json). */
#define JSON_TIME(col) "to_json(" col ")#>>'{}'"

/* A request with who filed it and the times as pages show them; $2 the
 * agency an outside agency's account belongs to (NULL: staff see all). */
DB_STATEMENT(fetch_sql, "request_store.request_fetch", 2,
    "SELECT r.*, a.login AS filed_by_login, a.full_name AS filed_by_name,"
    " " JSON_TIME("r.created_at") " AS created_at_json,"
    " to_char(r.created_at, 'YYYY-MM-DD HH24:MI TZ') AS created_at_shown,"
    " to_char(r.needed_by, 'YYYY-MM-DD\"T\"HH24:MI') AS needed_by_local,"
    " to_char(r.teletype_received_at, 'YYYY-MM-DD HH24:MI') AS teletype_shown,"
    " to_char(r.letter_received_at, 'YYYY-MM-DD HH24:MI') AS letter_shown,"
    " to_char(r.assessed_at, 'YYYY-MM-DD HH24:MI') AS assessed_shown,"
    " floor(extract(epoch FROM now() - r.updated_at) / 60)::bigint AS minutes_in_state"
    " FROM request r JOIN account a ON a.id = r.filed_by"
    " WHERE r.id = $1 AND ($2::text IS NULL OR r.filed_by_agency = $2)");

const struct db_statement *
request_fetch_statement(void)
{
	return &fetch_sql;
}

void
request_fetch_params(const struct ctx *c, char idtext[24], long long id, const char *params[2])
{
	snprintf(idtext, 24, "%lld", id);
	params[0] = idtext;
	/* Staff see every request; an agency only its own agency's. */
	params[1] = role_is_staff(c->me.role) ? NULL : (c->me.agency ? c->me.agency : "");
}

PGresult *
request_fetch(struct ctx *c, long long id, bool *db_failed)
{
	char idtext[24];
	const char *params[2];
	PGresult *res;

	*db_failed = false;
	request_fetch_params(c, idtext, id, params);
	if ((res = db_run(&c->app->db, &fetch_sql, params)) == NULL) {
		*db_failed = true;
		return NULL;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		return NULL;
	}
	return res;
}

/* A new request's columns: kind, filed_by and filed_by_agency, then every
 * field in the order of enum request_field ($4 is RF_REQUESTING_AGENCY,
 * $36 RF_WITHIN_CITY); $37 the filer's login. Its "submitted" audit event
 * is appended by the same statement (one round trip less per filing). */
DB_STATEMENT(insert_sql, "request_store.insert_sql", 37,
    "WITH r AS (INSERT INTO request (kind, filed_by, filed_by_agency, requesting_agency,"
    " requester_name, requester_position, authorized_by, contact_phone, contact_email,"
    " channel, incident_type, nature, emergency, priority, location, municipality,"
    " county, district, staging_area, radio_channel, commander_name, agencies_on_scene,"
    " squads, supervisors, personnel, special_units, equipment, needed_by, duration,"
    " instructions, federal_agency, case_number, investigation_category, bureau,"
    " requesting_agency_type, within_city)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, 'portal'), $11, $12,"
    " coalesce($13::text = 'yes', false), coalesce($14, 'routine'), $15, $16, $17, $18, $19, $20,"
    " $21, $22, coalesce($23::int, 0), coalesce($24::int, 0), coalesce($25::int, 0),"
    " coalesce($26::text[], '{}'), $27, $28::timestamp, $29, $30, $31, $32, $33, $34, $35,"
    " $36::text = 'yes')"
    " RETURNING id),"
    " e AS (INSERT INTO audit_event (request_id, actor_id, actor_login, action, clause, note)"
    "  SELECT id, $2, $37, 'submitted', NULL, '' FROM r)"
    " SELECT id FROM r");
/* The account's row lock orders its filings, so the hourly limit
 * holds even for filings sent at once. */
DB_STATEMENT(rate_sql, "request_store.rate_sql", 1,
    "SELECT (SELECT count(*) FROM request WHERE filed_by = a.id"
    "  AND created_at > now() - interval '1 hour') >= setting_int('filings_per_hour', 60) AS limited"
    " FROM account a WHERE a.id = $1 FOR UPDATE");

/* What a claim means for a filing: 1 go on, or request_insert's answer. */
static long long
claim_outcome(enum submission_claim claim)
{
	switch (claim) {
	case SUBMISSION_NEW:
		return 1;
	case SUBMISSION_SEEN:
		return REQUEST_REPEATED;
	case SUBMISSION_BAD:
		return REQUEST_ANSWERED;
	case SUBMISSION_DB_ERROR:
		break;
	}
	return 0;
}

long long
request_insert(struct ctx *c, enum request_kind kind, char *const v[RF__MAX])
{
	const char *params[3 + RF__MAX + 1];
	char filed_by[24], location[48];
	struct db *db = &c->app->db;
	struct request_facts facts;
	struct submission_batch claim;
	struct db_batch checks[2] = { { NULL, NULL, NULL }, { NULL, NULL, NULL } };
	const char *id;
	PGresult *res;
	long long new_id = 0, outcome;
	size_t i;

	_Static_assert(RF_WITHIN_CITY == 32 && RF__MAX == 33, "the columns of insert_sql follow enum request_field");
	snprintf(filed_by, sizeof(filed_by), "%lld", c->me.id);
	params[0] = kind_choices[kind].id;
	params[1] = filed_by;
	params[2] = role_is_staff(c->me.role) ? NULL : c->me.agency;
	for (i = 0; i < RF__MAX; i++)
		params[3 + i] = v[i];
	params[3 + RF__MAX] = c->me.login;
	/* The hourly limit and the form's key in one round trip. */
	if (submission_claim_add(c, &claim) == SUBMISSION_BAD)
		return REQUEST_ANSWERED;
	if (!db_begin(db))
		return 0;
	checks[0] = (struct db_batch){ &rate_sql, params + 1, NULL };
	checks[1] = claim.item;
	if (!db_run_batch(db, checks, claim.item.st != NULL ? 2 : 1) || PQntuples(checks[0].res) != 1) {
		PQclear(checks[0].res);
		PQclear(checks[1].res);
		db_rollback(db);
		return 0;
	}
	claim.item.res = checks[1].res;
	/* Over the limit first; then the same form sent again stores nothing
	 * new (submission.h); 0: the database failed. */
	if (db_bool(checks[0].res, 0, "limited"))
		outcome = REQUEST_RATE_LIMITED;
	else
		outcome = claim_outcome(submission_claim_result(&claim));
	PQclear(checks[0].res);
	PQclear(claim.item.res);
	if (outcome != 1) {
		db_rollback(db);
		return outcome;
	}
	if ((res = db_run(db, &insert_sql, params)) == NULL) {
		db_rollback(db);
		return 0;
	}
	id = db_value(res, 0, "id");
	request_facts_from_values(kind, v, &facts);
	/* The request, its audit event and its notifications commit together
	 * or not at all; the database refuses a federal request without a
	 * chief notification at COMMIT (request_federal_chief). */
	snprintf(location, sizeof(location), "/requests/%s", id);
	if (notify_event(db, app_policy(c), id, EVENT_FILED, &facts, NULL, NULL) >= 0 &&
	    submission_done(c, location) && db_commit(db))
		new_id = strtoll(id, NULL, 10);
	else
		db_rollback(db);
	PQclear(res);
	return new_id;
}

void
json_id_array(struct buf *b, const char *arr)
{
	const char *p;
	bool first = true;

	buf_putc(b, '[');
	if (arr != NULL && arr[0] == '{') {
		for (p = arr + 1; *p != '\0' && *p != '}';) {
			size_t len = strcspn(p, ",}");
			char id[64];

			if (len > 0 && len < sizeof(id)) {
				memcpy(id, p, len);
				id[len] = '\0';
				if (!first)
					buf_puts(b, ", ");
				buf_json_str(b, id);
				first = false;
			}
			p += len;
			if (*p == ',')
				p++;
		}
	}
	buf_putc(b, ']');
}

static void
json_field(struct buf *b, const char *name, const char *value)
{
	buf_puts(b, ", ");
	buf_json_str(b, name);
	buf_puts(b, ": ");
	buf_json_str(b, value);
}

static void
json_raw(struct buf *b, const char *name, const char *raw)
{
	buf_puts(b, ", ");
	buf_json_str(b, name);
	buf_printf(b, ": %s", raw ? raw : "null");
}

static bool
json_notifications(struct ctx *c, const char *id, struct buf *b)
{
	DB_STATEMENT(sql, "request_store.json_notifications", 1,
	    "SELECT n.id, a.login AS recipient, n.recipient_role AS role, n.rule_id, n.clause,"
	    " n.reason, " JSON_TIME("n.created_at") " AS created_at,"
	    " " JSON_TIME("n.acknowledged_at") " AS acknowledged_at,"
	    " " JSON_TIME("n.email_sent_at") " AS email_sent_at, n.email_status"
	    " FROM notification n LEFT JOIN account a ON a.id = n.recipient_id"
	    " WHERE n.request_id = $1 ORDER BY n.id");
	PGresult *res = db_run(&c->app->db, &sql, &id);
	int i;

	if (res == NULL)
		return false;
	buf_puts(b, ", \"notifications\": [");
	for (i = 0; i < PQntuples(res); i++) {
		buf_puts(b, i ? ", {" : "{");
		buf_printf(b, "\"id\": %s", db_value(res, i, "id"));
		json_field(b, "recipient", db_value(res, i, "recipient"));
		json_field(b, "role", db_value(res, i, "role"));
		json_field(b, "rule", db_value(res, i, "rule_id"));
		json_field(b, "clause", db_value(res, i, "clause"));
		json_field(b, "reason", db_value(res, i, "reason"));
		json_field(b, "created_at", db_value(res, i, "created_at"));
		json_field(b, "acknowledged_at", db_value(res, i, "acknowledged_at"));
		json_field(b, "email", db_value(res, i, "email_status"));
		json_field(b, "email_sent_at", db_value(res, i, "email_sent_at"));
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
	PQclear(res);
	return true;
}

static bool
json_deployments(struct ctx *c, const char *id, int checkin_minutes, struct buf *b)
{
	DB_STATEMENT(sql, "request_store.json_deployments", 2,
	    "SELECT d.id, d.assignee, d.special_unit, d.unit_type, au.login AS authorized_by, d.status,"
	    " " JSON_TIME("d.last_checkin_at") " AS last_checkin_at,"
	    " (d.status <> 'returned' AND $2::int > 0"
	    "   AND d.last_checkin_at < now() - make_interval(mins => $2::int)) AS overdue"
	    " FROM deployment d JOIN account au ON au.id = d.authorized_by"
	    " WHERE d.request_id = $1 ORDER BY d.id");
	char minutes[16];
	const char *params[2];
	PGresult *res;
	int i;

	snprintf(minutes, sizeof(minutes), "%d", checkin_minutes);
	params[0] = id;
	params[1] = minutes;
	if ((res = db_run(&c->app->db, &sql, params)) == NULL)
		return false;
	buf_puts(b, ", \"deployments\": [");
	for (i = 0; i < PQntuples(res); i++) {
		buf_puts(b, i ? ", {" : "{");
		buf_printf(b, "\"id\": %s", db_value(res, i, "id"));
		json_field(b, "assignee", db_value(res, i, "assignee"));
		json_field(b, "special_unit", db_value(res, i, "special_unit"));
		json_field(b, "unit_type", db_value(res, i, "unit_type"));
		json_field(b, "authorized_by", db_value(res, i, "authorized_by"));
		json_field(b, "status", db_value(res, i, "status"));
		json_field(b, "last_checkin_at", db_value(res, i, "last_checkin_at"));
		json_raw(b, "overdue", db_bool(res, i, "overdue") ? "true" : "false");
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
	PQclear(res);
	return true;
}

static bool
json_events(struct ctx *c, const char *id, struct buf *b)
{
	DB_STATEMENT(sql, "request_store.json_events", 1,
	    "SELECT " JSON_TIME("at") " AS at, actor_login, action, clause, note"
	    " FROM audit_event WHERE request_id = $1 ORDER BY id");
	PGresult *res = db_run(&c->app->db, &sql, &id);
	int i;

	if (res == NULL)
		return false;
	buf_puts(b, ", \"events\": [");
	for (i = 0; i < PQntuples(res); i++) {
		buf_puts(b, i ? ", {" : "{");
		buf_puts(b, "\"at\": ");
		buf_json_str(b, db_value(res, i, "at"));
		json_field(b, "actor", db_value(res, i, "actor_login"));
		json_field(b, "action", db_value(res, i, "action"));
		json_field(b, "clause", db_value(res, i, "clause"));
		json_field(b, "note", db_value(res, i, "note"));
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
	PQclear(res);
	return true;
}

bool
request_json(struct ctx *c, const PGresult *res, struct buf *b)
{
	const char *id = db_value(res, 0, "id");
	const struct policy *pol = app_policy(c);
	struct request_facts facts;
	const struct rule *checkin;
	int f;

	request_facts_from_row(res, 0, &facts);
	checkin = pol ? policy_rule_for(pol, EFFECT_CHECKIN, &facts) : NULL;
	buf_printf(b, "{\"id\": %s", id);
	json_field(b, "kind", db_value(res, 0, "kind"));
	json_field(b, "status", db_value(res, 0, "status"));
	json_raw(b, "emergency", db_bool(res, 0, "emergency") ? "true" : "false");
	for (f = 0; f < RF__MAX; f++) {
		const char *name = request_fields[f].name;

		if (f == RF_EMERGENCY)
			continue;
		if (f == RF_SQUADS || f == RF_SUPERVISORS || f == RF_PERSONNEL)
			json_raw(b, name, db_value(res, 0, name));
		else if (f == RF_SPECIAL_UNITS) {
			buf_puts(b, ", \"special_units\": ");
			json_id_array(b, db_value(res, 0, name));
		} else if (f == RF_NEEDED_BY)
			json_field(b, name, db_value(res, 0, "needed_by_local"));
		else if (f == RF_WITHIN_CITY)	/* a boolean, or null: not said */
			json_raw(b, name, db_value(res, 0, name) == NULL ? "null" :
			    db_bool(res, 0, name) ? "true" : "false");
		else
			json_field(b, name, db_value(res, 0, name));
	}
	json_raw(b, "authorized_squads", db_value(res, 0, "authorized_squads"));
	json_raw(b, "authorized_supervisors", db_value(res, 0, "authorized_supervisors"));
	buf_puts(b, ", \"authorized_special_units\": ");
	json_id_array(b, db_value(res, 0, "authorized_special_units"));
	/* The on-scene assessment; what an approval approved (null: none, or
	 * approved without numbers). */
	json_raw(b, "assessed_squads", db_value(res, 0, "assessed_squads"));
	json_raw(b, "assessed_supervisors", db_value(res, 0, "assessed_supervisors"));
	buf_puts(b, ", \"assessed_special_units\": ");
	if (db_value(res, 0, "assessed_special_units") != NULL)
		json_id_array(b, db_value(res, 0, "assessed_special_units"));
	else
		buf_puts(b, "null");
	json_raw(b, "approved_squads", db_value(res, 0, "approved_squads"));
	json_raw(b, "approved_supervisors", db_value(res, 0, "approved_supervisors"));
	buf_puts(b, ", \"approved_special_units\": ");
	if (db_value(res, 0, "approved_special_units") != NULL)
		json_id_array(b, db_value(res, 0, "approved_special_units"));
	else
		buf_puts(b, "null");
	json_field(b, "denial_reason", db_value(res, 0, "denial_reason"));
	json_field(b, "filed_by", db_value(res, 0, "filed_by_login"));
	json_field(b, "created_at", db_value(res, 0, "created_at_json"));
	if (!json_notifications(c, id, b) ||
	    !json_deployments(c, id, checkin ? checkin->interval_minutes : 0, b) ||
	    !json_events(c, id, b))
		return false;
	buf_putc(b, '}');
	return !buf_failed(b);
}
