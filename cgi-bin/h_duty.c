/*
 * Duty: "if not available" in a policy (the fallback, "else", of a rule)
 * means off duty or past the end of one's shift. Each member of
 * the department keeps their own duty true (POST /duty: on duty until a
 * time, or off duty), every change audited; the home page shows them
 * their state and, to everyone on the staff, who is available in each role
 * the policy routes approvals and notices to.
 */
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "handlers.h"
#include "audit.h"
#include "notify.h"
#include "page.h"

static const struct choice duty_states[] = {
	{ "on", "On duty" }, { "off", "Off duty" }, { NULL, NULL }
};

enum duty_field { DF_STATE, DF_UNTIL, DF__MAX };

static const struct field_spec duty_fields[DF__MAX] = {
	[DF_STATE] = { "state", "Duty", FIELD_CHOICE, 3, 0, 0, duty_states, true },
	/* The end of the shift, as the browser's datetime-local sends it. */
	[DF_UNTIL] = { "until", "On duty until", FIELD_DATETIME, 16, 0, 0, NULL, false },
};

void
h_duty(struct ctx *c)
{
	DB_STATEMENT(sql, "h_duty.h_duty", 3,
	    "UPDATE account SET on_duty = $2::text = 'on',"
	    " duty_until = CASE WHEN $2 = 'on' THEN $3::timestamp ELSE NULL END"
	    " WHERE id = $1 RETURNING to_char(duty_until, 'YYYY-MM-DD HH24:MI') AS until,"
	    " duty_until IS NOT NULL AND duty_until <= now() AS past");
	char *values[DF__MAX];
	const char *errors[DF__MAX], *params[3];
	char me[24], note[200];
	PGresult *res;
	int f;

	if (fields_check(duty_fields, DF__MAX, &c->http->body_form, values, errors) > 0) {
		for (f = 0; f < DF__MAX - 1 && errors[f] == NULL; f++)
			;
		snprintf(note, sizeof(note), "%s %s Nothing was changed.", duty_fields[f].label, errors[f]);
		fields_free(values, DF__MAX);
		page_error(c, 422, note, NULL);
		return;
	}
	snprintf(me, sizeof(me), "%lld", c->me.id);
	params[0] = me;
	params[1] = values[DF_STATE];
	params[2] = values[DF_UNTIL];
	if (!db_begin(&c->app->db) || (res = db_run(&c->app->db, &sql, params)) == NULL) {
		db_rollback(&c->app->db);
		fields_free(values, DF__MAX);
		page_error(c, 503, "The database is not answering. Nothing was changed.", NULL);
		return;
	}
	if (db_bool(res, 0, "past")) {
		PQclear(res);
		db_rollback(&c->app->db);
		fields_free(values, DF__MAX);
		page_error(c, 422, "On duty until: the end of the shift is already past. Nothing was changed.",
		    NULL);
		return;
	}
	if (strcmp(values[DF_STATE], "on") == 0)
		snprintf(note, sizeof(note), "%s is on duty%s%s", c->me.login,
		    db_value(res, 0, "until") ? " until " : "", db_value(res, 0, "until") ? db_value(res, 0, "until") : "");
	else
		snprintf(note, sizeof(note), "%s is off duty", c->me.login);
	PQclear(res);
	fields_free(values, DF__MAX);
	if (!audit_record(&c->app->db, NULL, c->me.id, c->me.login, "duty_changed", NULL, note) ||
	    !db_commit(&c->app->db)) {
		db_rollback(&c->app->db);
		page_error(c, 503, "The database did not accept the change. Nothing was changed.", NULL);
		return;
	}
	http_redirect(c->http, 303, "/#duty");
}

/* The roles the policy routes approvals and notices to, with who of each
 * is available now (and of which bureau or district): the on-call chain. */
static bool
on_call_chain(struct ctx *c, struct view_dict *d)
{
	DB_STATEMENT(sql, "h_duty.on_call_chain", 1,
	    "SELECT full_name, coalesce(bureau, district, unit, '') AS attr,"
	    " on_duty AND (duty_until IS NULL OR duty_until > now()) AS available,"
	    " to_char(duty_until, 'HH24:MI') AS until"
	    " FROM account WHERE role = $1 AND NOT disabled ORDER BY available DESC, full_name LIMIT 50");
	const struct policy *pol = app_policy(c);
	uint32_t roles = 0;
	size_t i;
	int role, k;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (!r->enabled || (r->effect != EFFECT_APPROVE && r->fallback < 0))
			continue;
		if (r->recipient >= 0)
			roles |= (uint32_t)1 << r->recipient;
		if (r->fallback >= 0)
			roles |= (uint32_t)1 << r->fallback;
	}
	for (role = 0; role < ROLE__MAX; role++) {
		const char *id = role_choices[role].id;
		struct view_dict *g;
		PGresult *res;

		if (!(roles & ((uint32_t)1 << role)))
			continue;
		if ((res = db_run(&c->app->db, &sql, &id)) == NULL)
			return false;
		g = view_add(d, "CHAIN");
		view_set_str(g, "ROLE_LABEL", role_choices[role].label);
		for (k = 0; k < PQntuples(res); k++) {
			struct view_dict *p = view_add(g, "PERSON");

			view_set_str(p, "NAME", db_value(res, k, "full_name"));
			if (*db_value(res, k, "attr") != '\0')
				view_set_str(view_add(p, "ATTR"), "ATTR_TEXT", db_value(res, k, "attr"));
			view_show(p, db_bool(res, k, "available") ? "AVAILABLE" : "AWAY");
			if (db_value(res, k, "until") != NULL && db_bool(res, k, "available"))
				view_set_str(view_add(p, "UNTIL"), "UNTIL_TIME", db_value(res, k, "until"));
		}
		if (PQntuples(res) == 0)
			view_show(g, "NOBODY");
		PQclear(res);
	}
	return true;
}

bool
duty_section(struct ctx *c, struct view_dict *d)
{
	DB_STATEMENT(sql, "h_duty.duty_section", 1,
	    "SELECT on_duty AND (duty_until IS NULL OR duty_until > now()) AS available,"
	    " to_char(duty_until, 'YYYY-MM-DD HH24:MI') AS until FROM account WHERE id = $1");
	struct view_dict *duty;
	char me[24];
	const char *params[1] = { me };
	PGresult *res;

	if (!role_is_staff(c->me.role))
		return true;
	snprintf(me, sizeof(me), "%lld", c->me.id);
	if ((res = db_run(&c->app->db, &sql, params)) == NULL || PQntuples(res) != 1) {
		PQclear(res);
		return false;
	}
	duty = view_add(d, "DUTY");
	if (db_bool(res, 0, "available")) {
		struct view_dict *on = view_add(duty, "ON_DUTY");

		if (db_value(res, 0, "until") != NULL)
			view_set_str(view_add(on, "UNTIL"), "UNTIL_TIME", db_value(res, 0, "until"));
	} else
		view_show(duty, "OFF_DUTY");
	PQclear(res);
	return on_call_chain(c, d);
}
