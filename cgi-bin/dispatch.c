/*
 * Dispatch (POST /requests/ID/dispatch): who is sent, checked against the
 * roster and against what may be sent.
 *
 *  - `assignee` (repeated) names members of the department by login; only
 *    active, sworn members are sent (the role table says how each role goes
 *    out: as a squad or as a supervisor), never free text, never an outside
 *    agency's account. `special_units` (repeated) names specialized units.
 *  - Each kind is counted apart, over every deployment of the request so
 *    far and this one (lifecycle_dispatch_fits): a cap rule caps a
 *    provisional authorization at squads, supervisors and units separately,
 *    and conditions count what is actually dispatched, not what was typed.
 *  - Every deployment records who authorized it. The
 *    member sent and the commander of each unit sent are notified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_internal.h"
#include "buf.h"
#include "field.h"
#include "notify.h"

#define MAX_ASSIGNEES 32

/* One member named by the form, as the roster knows them. */
struct member {
	const char *login;
	const char *account_id;
	const char *deploys_as;   /* "squad" or "supervisor" */
	bool        out;          /* deployed on this request and not returned */
};

static bool
login_shaped(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2 || n > 32 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* Reads the assignees into `logins` ("{a,b}", safe: login-shaped only) and
 * counts them; an unusable one is an OUTCOME_INVALID result. */
static enum outcome
read_assignees(struct ctx *c, struct buf *logins, size_t *n, struct result *res)
{
	const struct form *form = &c->http->body_form;
	size_t count = form_count(form, "assignee"), i, j;

	*n = 0;
	if (count > MAX_ASSIGNEES)
		return refuse(res, OUTCOME_INVALID, NULL, "At most %d assignees at once.", MAX_ASSIGNEES);
	buf_putc(logins, '{');
	for (i = 0; i < count; i++) {
		const char *a = form_get_nth(form, "assignee", i);

		if (*a == '\0')
			continue;
		if (!login_shaped(a))
			return refuse(res, OUTCOME_INVALID, NULL, "Assignee: name each member by their login "
			    "on the department's roster; specialized units are chosen below.");
		for (j = 0; j < i; j++)
			if (strcmp(form_get_nth(form, "assignee", j), a) == 0)
				return refuse(res, OUTCOME_INVALID, NULL, "Assignee: %s is named twice.", a);
		buf_printf(logins, "%s%s", *n ? "," : "", a);
		(*n)++;
	}
	buf_putc(logins, '}');
	return buf_failed(logins) ? OUTCOME_DB : OUTCOME_DONE;
}

/* The roster row of `login` among the members found. */
static int
member_row(const PGresult *members, const char *login)
{
	int k;

	for (k = 0; members != NULL && k < PQntuples(members); k++)
		if (strcmp(db_value(members, k, "login"), login) == 0)
			return k;
	return -1;
}

/* The members named, from the roster; every one must be there. */
static enum outcome
find_members(struct ctx *c, const struct target *t, const char *logins, size_t n, PGresult **out,
    struct resources *adding, struct result *res)
{
	DB_STATEMENT(sql, "dispatch.find_members", 2,
	    "SELECT a.id, a.login, r.deploys_as, EXISTS (SELECT 1 FROM deployment d"
	    "   WHERE d.request_id = $2 AND d.account_id = a.id AND d.status <> 'returned') AS out"
	    " FROM account a JOIN role r ON r.id = a.role"
	    " WHERE a.login = ANY ($1::text[]) AND NOT a.disabled AND r.deploys_as IS NOT NULL");
	const char *params[2] = { logins, t->id };
	const struct form *form = &c->http->body_form;
	PGresult *rows;
	size_t i;

	if ((rows = db_run(&c->app->db, &sql, params)) == NULL)
		return OUTCOME_DB;
	*out = rows;
	for (i = 0; i < form_count(form, "assignee"); i++) {
		const char *a = form_get_nth(form, "assignee", i);
		int found = member_row(rows, a);

		if (*a == '\0')
			continue;
		if (found < 0)
			return refuse(res, OUTCOME_INVALID, NULL, "Assignee: %s is not an active sworn member "
			    "of the department. Only the department's own officers and supervisors are "
			    "dispatched.", a);
		if (db_bool(rows, found, "out"))
			return refuse(res, OUTCOME_CONFLICT, NULL, "Assignee: %s is deployed on this request "
			    "already.", a);
		if (strcmp(db_value(rows, found, "deploys_as"), "squad") == 0)
			adding->squads++;
		else
			adding->supervisors++;
	}
	(void)n;
	return OUTCOME_DONE;
}

/* Every deployment of the request so far, by kind. */
static enum outcome
sent_so_far(struct ctx *c, const struct target *t, struct resources *sent, uint32_t *units_out)
{
	DB_STATEMENT(sql, "dispatch.sent_so_far", 1,
	    "SELECT count(*) FILTER (WHERE unit_type = 'squad') AS squads,"
	    " count(*) FILTER (WHERE unit_type = 'supervisor') AS supervisors,"
	    " coalesce(array_agg(special_unit) FILTER (WHERE special_unit IS NOT NULL), '{}') AS units,"
	    " coalesce(array_agg(special_unit) FILTER (WHERE special_unit IS NOT NULL"
	    "   AND status <> 'returned'), '{}') AS units_out"
	    " FROM deployment WHERE request_id = $1");
	PGresult *rows = db_run(&c->app->db, &sql, &t->id);

	if (rows == NULL)
		return OUTCOME_DB;
	sent->squads = (int)db_int(rows, 0, "squads");
	sent->supervisors = (int)db_int(rows, 0, "supervisors");
	sent->units = special_units_mask(db_value(rows, 0, "units"));
	*units_out = special_units_mask(db_value(rows, 0, "units_out"));
	PQclear(rows);
	return OUTCOME_DONE;
}

/* `eta`: minutes to arrival as the dispatcher estimates them, or NULL. */
static bool
insert_deployment(struct ctx *c, const struct target *t, const char *assignee,
    const char *account_id, const char *unit, const char *unit_type, const char *eta)
{
	DB_STATEMENT(sql, "dispatch.insert_deployment", 7,
	    "INSERT INTO deployment (request_id, assignee, account_id, special_unit, unit_type,"
	    " authorized_by, eta_at) VALUES ($1, $2, $3, $4, $5, $6,"
	    " now() + make_interval(mins => $7::int))");
	char me[24];
	const char *params[7] = { t->id, assignee, account_id, unit, unit_type, me, eta };

	snprintf(me, sizeof(me), "%lld", c->me.id);
	return db_run_ok(&c->app->db, &sql, params);
}

/* Writes the deployments in the order the form names them, tells each
 * member sent; the note lists them. */
static bool
send_all(struct ctx *c, const struct target *t, const struct verdict *v, const PGresult *members,
    uint32_t units, const char *eta, struct buf *note)
{
	const struct form *form = &c->http->body_form;
	size_t i;
	int k, u;

	for (i = 0; members != NULL && i < form_count(form, "assignee"); i++) {
		const char *login, *id, *as;
		char told[300];

		if ((k = member_row(members, form_get_nth(form, "assignee", i))) < 0)
			continue;
		login = db_value(members, k, "login");
		id = db_value(members, k, "id");
		as = db_value(members, k, "deploys_as");

		if (!insert_deployment(c, t, login, id, NULL, as, eta))
			return false;
		buf_printf(note, " %s (%s);", login, as);
		/* The member sent is told, with the rule that authorized it. */
		snprintf(told, sizeof(told), "You are dispatched on request #%s by %s. "
		    "Report your status (check in) to the communications center regularly.",
		    t->id, c->me.full_name);
		if (v->rule != NULL && notify_account(&c->app->db, t->id, id, v->rule, told) < 0)
			return false;
	}
	for (u = 0; special_unit_choices[u].id != NULL; u++) {
		if (!(units & ((uint32_t)1 << u)))
			continue;
		if (!insert_deployment(c, t, special_unit_choices[u].label, NULL, special_unit_choices[u].id,
		    "special_unit", eta))
			return false;
		buf_printf(note, " %s;", special_unit_choices[u].label);
	}
	return true;
}

enum outcome
do_dispatch(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	const struct policy *pol = app_policy(c);
	struct dispatch_check dc;
	struct buf logins, note;
	struct verdict fit;
	PGresult *members = NULL;
	uint32_t units_out = 0;
	enum outcome o;
	size_t n = 0;
	bool ok;

	memset(&dc, 0, sizeof(dc));
	dc.adding.units = special_units_mask(vals[AX_SPECIAL_UNITS]);
	buf_init(&logins);
	o = read_assignees(c, &logins, &n, res);
	if (o == OUTCOME_DONE && n == 0 && dc.adding.units == 0)
		o = refuse(res, OUTCOME_INVALID, NULL,
		    "Assignee: name at least one member or specialized unit to send.");
	if (o == OUTCOME_DONE && n > 0)
		o = find_members(c, t, buf_cstr(&logins), n, &members, &dc.adding, res);
	buf_free(&logins);
	if (o == OUTCOME_DONE)
		o = sent_so_far(c, t, &dc.sent, &units_out);
	if (o == OUTCOME_DONE && (dc.adding.units & units_out) != 0)
		o = refuse(res, OUTCOME_CONFLICT, NULL,
		    "A specialized unit chosen is deployed on this request already.");
	if (o != OUTCOME_DONE) {
		PQclear(members);
		return o;
	}
	dc.has_envelope = db_value(t->row, 0, "approved_squads") != NULL;
	dc.approved = resources_from(db_value(t->row, 0, "approved_squads"),
	    db_value(t->row, 0, "approved_supervisors"), db_value(t->row, 0, "approved_special_units"));
	dc.authorized = resources_from(db_value(t->row, 0, "authorized_squads"),
	    db_value(t->row, 0, "authorized_supervisors"), db_value(t->row, 0, "authorized_special_units"));
	fit = lifecycle_dispatch_fits(pol, t->status, &t->facts, &t->af, &dc);
	if (fit.decision != DECIDE_ALLOW) {
		struct buf why;

		buf_init(&why);
		buf_printf(&why, "%s Sent so far: ", fit.message);
		describe_resources(&why, &dc.sent);
		buf_puts(&why, "; this dispatch: ");
		describe_resources(&why, &dc.adding);
		buf_putc(&why, '.');
		o = refuse(res, fit.decision == DECIDE_INVALID ? OUTCOME_INVALID : OUTCOME_CONFLICT,
		    fit.clause, "%s", buf_cstr(&why));
		buf_free(&why);
		PQclear(members);
		return o;
	}
	buf_init(&note);
	buf_puts(&note, "Sent:");
	ok = send_all(c, t, v, members, dc.adding.units, vals[AX_ETA], &note);
	if (vals[AX_ETA])
		buf_printf(&note, " Expected on scene within %s min.", vals[AX_ETA]);
	if (vals[AX_NOTE])
		buf_printf(&note, " %s", vals[AX_NOTE]);
	/* The unit commanders of the units sent now are notified (the dispatch
	 * event's rules, matched on unit). */
	t->facts.special_units = dc.adding.units;
	ok = ok && set_status(c, t, t->status == STATUS_PROVISIONALLY_AUTHORIZED ||
	        t->status == STATUS_PENDING_APPROVAL ? -1 : STATUS_DISPATCHED) &&
	    audit(c, t, "dispatched", v->clause, buf_cstr(&note)) &&
	    notify_event(&c->app->db, pol, t->id, EVENT_DISPATCHED, &t->facts, buf_cstr(&note), NULL) >= 0;
	buf_free(&note);
	PQclear(members);
	return ok ? OUTCOME_DONE : OUTCOME_DB;
}
