/*
 * Reading a request: GET /requests/ID (the staff's page, or an agency's
 * own view of its request) and GET /requests/ID.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "page.h"
#include "action.h"
#include "request_banner.h"
#include "request_page.h"
#include "request_public.h"
#include "request_store.h"

static PGresult *
fetch_or_fail(struct ctx *c)
{
	bool failed;
	PGresult *res = request_fetch(c, c->params.id, &failed);

	if (res == NULL)
		page_error(c, failed ? 503 : 404, failed
		    ? "The database is not answering. Please try again in a moment."
		    : "There is no such request, or it is not yours to see.", NULL);
	return res;
}

void
h_request_json(struct ctx *c)
{
	PGresult *res = fetch_or_fail(c);
	struct buf b;

	if (res == NULL)
		return;
	buf_init(&b);
	if (!(role_is_staff(c->me.role) ? request_json(c, res, &b) : request_public_json(c, res, &b)))
		page_error(c, 503, "The database is not answering.", NULL);
	else
		json_send(c, 200, &b);
	buf_free(&b);
	PQclear(res);
}

static void
show_details(struct view_dict *d, const PGresult *res)
{
	int f;

	for (f = 0; f < RF__MAX; f++) {
		const struct field_spec *spec = &request_fields[f];
		const char *v = db_value(res, 0, spec->name);
		struct view_dict *row;
		uint32_t mask;
		int u;

		if (f == RF_NEEDED_BY)
			v = db_value(res, 0, "needed_by_local");
		if ((v = request_value_shown(f, v)) == NULL)
			continue;
		row = view_add(d, f == RF_NATURE || spec->type == FIELD_TEXTAREA ? "LONG" : "DETAIL");
		view_set_str(row, "LABEL", spec->label);
		if (spec->type == FIELD_MULTI) {
			mask = special_units_mask(v);
			for (u = 0; special_unit_choices[u].id != NULL; u++)
				if (mask & ((uint32_t)1 << u)) {
					struct view_dict *item = view_add(row, "ITEM");

					view_set_str(item, "ITEM_LABEL", special_unit_choices[u].label);
				}
		} else
			view_set_str(row, "VALUE", v);
	}
}

/* Whether notification `i` is the viewer's: theirs, or kept for their
 * role (as the inbox and POST /notifications/ID/ack have it). */
static bool
notification_mine(const struct ctx *c, const PGresult *res, int i)
{
	const char *to = db_value(res, i, "recipient_id");

	if (to != NULL)
		return strtoll(to, NULL, 10) == c->me.id;
	return strcmp(db_value(res, i, "recipient_role"), role_choices[c->me.role].id) == 0;
}

/* Who was told, with each acknowledgment and e-mail (a staff page). */
static void
show_notifications(struct ctx *c, struct view_dict *d, const PGresult *res, bool ack_is_primary)
{
	int i, acks = 0;

	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *n = view_add(d, "NOTIFICATION");
		int role = role_from_id(db_value(res, i, "recipient_role"));

		view_set_str(n, "RECIPIENT", db_value(res, i, "recipient"));
		view_show(n, "STAFF");
		view_set_str(n, "ROLE", role >= 0 ? role_choices[role].label : "");
		view_set_str(n, "CLAUSE", db_value(res, i, "clause"));
		view_set_str(n, "REASON", db_value(res, i, "reason"));
		view_set_str(n, "CREATED", db_value(res, i, "created"));
		view_set_str(n, "EMAIL", db_value(res, i, "email_status"));
		if (db_value(res, i, "acknowledged") != NULL)
			view_set_str(view_add(n, "ACKED"), "ACKNOWLEDGED", db_value(res, i, "acknowledged"));
		else if (notification_mine(c, res, i)) {
			/* The recipient acknowledges here as in the inbox. */
			struct view_dict *ack = view_add(n, "ACK_FORM");

			view_set_str(ack, "NOTIFICATION_ID", db_value(res, i, "id"));
			/* In the banner too: the viewer's expected step when they have
			 * no other (the chief told of a federal request). */
			if (!acks++) {
				struct view_dict *banner = view_add(d, "ACK_BANNER");

				view_set_str(banner, "NOTIFICATION_ID", db_value(res, i, "id"));
				view_set_str(banner, "ACK_CLASS", ack_is_primary ? "primary" : "secondary");
			}
		} else
			view_show(n, "NOT_ACKED");
	}
	if (PQntuples(res) > 0)
		view_show(d, "HAS_NOTIFICATIONS");
	view_show(d, "STAFF_VIEW");
}

/* The timeline: every audit event, notification (with its acknowledgment
 * and e-mail delivery) of the request, in order. */
static void
show_timeline(struct view_dict *d, const PGresult *res)
{
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *e = view_add(d, "EVENT");

		view_set_str(e, "AT", db_value(res, i, "at"));
		view_set_str(e, "ENTRY", db_value(res, i, "entry"));
		view_set_str(e, "ACTOR", db_value(res, i, "who"));
		view_set_str(e, "ACTION", db_value(res, i, "what"));
		if (db_value(res, i, "clause") != NULL)
			view_set_str(view_add(e, "EVENT_CLAUSE"), "CLAUSE", db_value(res, i, "clause"));
		if (db_value(res, i, "note") != NULL && *db_value(res, i, "note") != '\0')
			view_set_str(view_add(e, "EVENT_NOTE"), "NOTE", db_value(res, i, "note"));
	}
}

/* An outside agency's page of its own request (request_public.c): nothing
 * internal, and the one action it may take, cancelling. */
static void
agency_page(struct ctx *c, struct view_dict *d, PGresult *res, const struct action_error *err)
{
	struct request_facts facts;
	struct action_facts af;
	int status = status_from_id(db_value(res, 0, "status"));
	char title[64];

	request_facts_from_row(res, 0, &facts);
	if (!request_public_view(c, d, res) || status < 0 || !action_facts_load(c, res, &af)) {
		view_dict_free(d);
		PQclear(res);
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	if (lifecycle_decide(app_policy(c), ACT_CANCEL, (enum request_status)status, c->me.role,
	    &facts, &af).decision == DECIDE_ALLOW)
		action_form_again(c, view_add(d, "CANCEL"), err != NULL && err->act == ACT_CANCEL ? err : NULL);
	snprintf(title, sizeof(title), "Your request %s", db_value(res, 0, "id"));
	PQclear(res);
	page_send(c, err != NULL ? 422 : 200, title, "request_agency.tpl", d);
}

/* The request's summary at the top of both pages: kind, status, who filed
 * it, what was provisionally authorized or why it was denied, its fields. */
static void
show_request(struct view_dict *d, const PGresult *res)
{
	int kind, status;

	kind = kind_from_id(db_value(res, 0, "kind"));
	status = status_from_id(db_value(res, 0, "status"));
	view_set_str(d, "ID", db_value(res, 0, "id"));
	view_set_str(d, "KIND", db_value(res, 0, "kind"));
	view_set_str(d, "KIND_LABEL", kind >= 0 ? kind_choices[kind].label : "");
	view_set_str(d, "STATUS", db_value(res, 0, "status"));
	view_set_str(d, "STATUS_LABEL", status >= 0 ? status_choices[status].label : "");
	view_set_str(d, "FILED_BY", db_value(res, 0, "filed_by_name"));
	view_set_str(d, "CREATED", db_value(res, 0, "created_at_shown"));
	if (db_bool(res, 0, "emergency"))
		view_show(d, "EMERGENCY");
	if (db_int(res, 0, "authorized_squads") + db_int(res, 0, "authorized_supervisors") > 0 ||
	    strcmp(db_value(res, 0, "authorized_special_units"), "{}") != 0) {
		struct view_dict *pa = view_add(d, "PROVISIONAL");
		uint32_t mask = special_units_mask(db_value(res, 0, "authorized_special_units"));
		int u;

		view_set_str(pa, "AUTH_SQUADS", db_value(res, 0, "authorized_squads"));
		view_set_str(pa, "AUTH_SUPERVISORS", db_value(res, 0, "authorized_supervisors"));
		for (u = 0; special_unit_choices[u].id != NULL; u++)
			if (mask & ((uint32_t)1 << u))
				view_set_str(view_add(pa, "AUTH_UNIT"), "LABEL", special_unit_choices[u].label);
	}
	if (db_value(res, 0, "denial_reason") != NULL)
		view_set_str(view_add(d, "DENIED"), "DENIAL_REASON", db_value(res, 0, "denial_reason"));
	show_details(d, res);
}

/* The refusal of an action, above the page (422). */
static void
show_error(struct view_dict *d, const struct action_error *err)
{
	struct view_dict *e;

	if (err == NULL)
		return;
	e = view_add(d, "ACTION_ERROR");
	view_set_str(e, "ERR_ACTION", action_choices[err->act].label);
	view_set_str(e, "ERR_MESSAGE", err->message);
	if (err->clause != NULL)
		view_set_str(view_add(e, "ERR_CLAUSE"), "CLAUSE", err->clause);
	if (err->field != NULL) {
		char anchor[64];

		snprintf(anchor, sizeof(anchor), "%s-%s", action_choices[err->act].id, err->field);
		view_set_str(view_add(e, "ERR_FIELD"), "ANCHOR", anchor);
	}
}

static void
show_page(struct ctx *c, const struct action_error *err)
{
	struct request_page rp;
	struct view_dict *d;
	PGresult *res;
	bool has_primary = false;
	char title[64];

	/* An outside agency's own view (request_public.c) is another page. */
	if (!role_is_staff(c->me.role)) {
		if ((res = fetch_or_fail(c)) == NULL)
			return;
		d = page_dict(c);
		show_request(d, res);
		request_banner(c, d, res);
		show_error(d, err);
		agency_page(c, d, res, err);
		return;
	}
	if (!request_page_load(c, &rp)) {
		request_page_free(&rp);
		page_error(c, 503, "The database is not answering. Please try again in a moment.", NULL);
		return;
	}
	if (PQntuples(rp.res[RP_REQUEST]) != 1) {
		request_page_free(&rp);
		page_error(c, 404, "There is no such request, or it is not yours to see.", NULL);
		return;
	}
	d = page_dict(c);
	show_request(d, rp.res[RP_REQUEST]);
	request_banner(c, d, rp.res[RP_REQUEST]);
	show_error(d, err);
	if (!action_offer(c, d, &rp, err, &has_primary)) {
		view_dict_free(d);
		request_page_free(&rp);
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	request_view_policy_state(c, d, &rp);
	show_notifications(c, d, rp.res[RP_NOTIFICATIONS], !has_primary);
	show_timeline(d, rp.res[RP_TIMELINE]);
	snprintf(title, sizeof(title), "Request %s", db_value(rp.res[RP_REQUEST], 0, "id"));
	request_page_free(&rp);
	page_send(c, err != NULL ? 422 : 200, title, "request.tpl", d);
}

void
h_request_show(struct ctx *c)
{
	show_page(c, NULL);
}

void
request_show_refused(struct ctx *c, const struct action_error *err)
{
	show_page(c, err);
}
