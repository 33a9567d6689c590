#include "request_public.h"

#include <stdio.h>
#include <string.h>

#include "request_store.h"

static const char *const public_status[STATUS__MAX] = {
	[STATUS_SUBMITTED] = "Received: the department is looking at your request.",
	[STATUS_PROVISIONALLY_AUTHORIZED] =
	    ("Help is provisionally authorized while the department's command staff decide on "
	     "your request."),
	[STATUS_PENDING_APPROVAL] = "Waiting for a decision by the department's command staff.",
	[STATUS_APPROVED] = "Approved: the department is sending help.",
	[STATUS_DENIED] = "The department cannot give this help.",
	[STATUS_DISPATCHED] = "Help is on its way or on scene.",
	[STATUS_CLOSED] = "Closed: the help has ended.",
	[STATUS_CANCELLED] = "Cancelled by your agency.",
};

/* The state as the asking agency would say it (no internal codes). */
static const char *const public_state[STATUS__MAX] = {
	[STATUS_SUBMITTED] = "Received",
	[STATUS_PROVISIONALLY_AUTHORIZED] = "Help provisionally authorized",
	[STATUS_PENDING_APPROVAL] = "Waiting for a decision",
	[STATUS_APPROVED] = "Approved",
	[STATUS_DENIED] = "Denied",
	[STATUS_DISPATCHED] = "Help sent",
	[STATUS_CLOSED] = "Closed",
	[STATUS_CANCELLED] = "Cancelled",
};

/* What happens next, for the agency that asked. */
static const char *const public_next[STATUS__MAX] = {
	[STATUS_SUBMITTED] = ("The department decides whether and whom to send. You get an e-mail "
	    "when it is approved or denied and when units are sent."),
	[STATUS_PROVISIONALLY_AUTHORIZED] = ("The department's command staff decide on the rest of "
	    "your request. You get an e-mail when they do and when units are sent."),
	[STATUS_PENDING_APPROVAL] = ("The department's command staff decide. You get an e-mail when "
	    "they do."),
	[STATUS_APPROVED] = "Units are being sent. You get an e-mail when they are on their way.",
	[STATUS_DENIED] = "Nothing more: the department does not send help for this request.",
	[STATUS_DISPATCHED] = ("The units below report where they are. The department closes the "
	    "request when they are back; you get an e-mail then."),
	[STATUS_CLOSED] = "Nothing more: the request is over.",
	[STATUS_CANCELLED] = "Nothing more: your agency called it off.",
};

/* The kinds an outside agency files, in its own words. */
static const struct choice public_kinds[] = {
	{ "aid_incoming", "Request for help from the department" },
	{ "federal_incoming", "Request for the department's assistance" },
	{ NULL, NULL }
};

const char *
request_state_public(enum request_status s)
{
	return (unsigned)s < STATUS__MAX ? public_state[s] : "";
}

const char *
request_next_public(enum request_status s)
{
	return (unsigned)s < STATUS__MAX ? public_next[s] : "";
}

const char *
request_kind_public(const char *kind)
{
	int k = choice_find(public_kinds, kind);

	if (k >= 0)
		return public_kinds[k].label;
	k = kind_from_id(kind);
	return k >= 0 ? kind_choices[k].label : "";
}

/* The desk and its telephone number (the policy's `desk`, `desk phone`). */
static void
desk_contact(struct view_dict *d, const struct policy *pol)
{
	struct view_dict *desk, *phone;
	char tel[40];
	size_t i, n = 0;

	if (pol == NULL || pol->desk[0] == '\0')
		return;
	desk = view_add(d, "DESK");
	view_set_str(desk, "DESK_CONTACT", pol->desk);
	if (pol->desk_phone[0] == '\0')
		return;
	/* tel: URI digits (RFC 3966 visual separators dropped). */
	for (i = 0; pol->desk_phone[i] != '\0' && n + 1 < sizeof(tel); i++)
		if ((pol->desk_phone[i] >= '0' && pol->desk_phone[i] <= '9') || (pol->desk_phone[i] == '+' && n == 0))
			tel[n++] = pol->desk_phone[i];
	tel[n] = '\0';
	phone = view_add(desk, "DESK_PHONE");
	view_set_str(phone, "PHONE", pol->desk_phone);
	view_set_str(phone, "PHONE_TEL", tel);
}

/* Milestones an agency sees on its request's timeline, in its words. */
static const struct choice public_events[] = {
	{ "submitted", "Request received" },
	{ "provisionally_authorized", "Help provisionally authorized" },
	{ "approved", "Request approved" },
	{ "denied", "Request denied" },
	{ "dispatched", "Units sent" },
	{ "closed", "Request closed" },
	{ "cancelled", "Request cancelled" },
	{ NULL, NULL }
};

const char *
request_status_public(enum request_status s)
{
	return (unsigned)s < STATUS__MAX ? public_status[s] : "";
}

/* Units sent, by kind and status, never by name. */
DB_STATEMENT(units_sql, "request_public.units_sql", 1,
    "SELECT unit_type, special_unit, status, count(*) AS n,"
    " to_char(max(eta_at), 'HH24:MI') AS eta FROM deployment"
    " WHERE request_id = $1 GROUP BY unit_type, special_unit, status"
    " ORDER BY unit_type, special_unit, status");

/* The actor is named only when it is one of the agency's own people; the
 * department's people are "the department". */
DB_STATEMENT(events_sql, "request_public.events_sql", 1,
    "SELECT to_char(e.at, 'YYYY-MM-DD HH24:MI') AS shown, to_json(e.at)#>>'{}' AS at, e.action,"
    " CASE WHEN a.role = 'agency' AND a.agency = r.filed_by_agency THEN e.actor_login"
    "  ELSE 'the department' END AS actor"
    " FROM audit_event e JOIN request r ON r.id = e.request_id"
    " LEFT JOIN account a ON a.id = e.actor_id WHERE e.request_id = $1"
    " AND e.action IN ('submitted', 'provisionally_authorized', 'approved', 'denied',"
    "   'dispatched', 'closed', 'cancelled') ORDER BY e.id");

static const char *
unit_words(const PGresult *res, int i)
{
	const char *type = db_value(res, i, "unit_type");

	if (strcmp(type, "special_unit") == 0)
		return choice_label(special_unit_choices, db_value(res, i, "special_unit"));
	return strcmp(type, "supervisor") == 0 ? "Supervisor" : "Squad";
}

bool
request_public_view(struct ctx *c, struct view_dict *d, const PGresult *req)
{
	const char *id = db_value(req, 0, "id");
	int status = status_from_id(db_value(req, 0, "status"));
	const struct policy *pol = app_policy(c);
	PGresult *units, *events;
	int i;

	enum request_status st = status < 0 ? STATUS_SUBMITTED : (enum request_status)status;

	view_set_str(d, "PUBLIC_STATUS", request_status_public(st));
	view_set_str(d, "PUBLIC_STATE", request_state_public(st));
	view_set_str(d, "PUBLIC_NEXT", request_next_public(st));
	view_set_str(d, "PUBLIC_KIND", request_kind_public(db_value(req, 0, "kind")));
	if ((units = db_run(&c->app->db, &units_sql, &id)) == NULL)
		return false;
	for (i = 0; i < PQntuples(units); i++) {
		struct view_dict *u = view_add(d, "UNIT_SENT");

		view_set_str(u, "UNIT", unit_words(units, i));
		view_set_str(u, "COUNT", db_value(units, i, "n"));
		view_set_str(u, "UNIT_STATUS", choice_label(deployment_status_choices,
		    db_value(units, i, "status")));
		/* The dispatcher's estimate, while they are on their way. */
		if (db_value(units, i, "eta") != NULL && (strcmp(db_value(units, i, "status"), "dispatched") == 0 ||
		    strcmp(db_value(units, i, "status"), "en_route") == 0))
			view_set_str(view_add(u, "ETA"), "ETA_TIME", db_value(units, i, "eta"));
	}
	view_show(d, PQntuples(units) > 0 ? "HAS_UNITS" : "NO_UNITS");
	PQclear(units);
	if ((events = db_run(&c->app->db, &events_sql, &id)) == NULL)
		return false;
	for (i = 0; i < PQntuples(events); i++) {
		struct view_dict *e = view_add(d, "MILESTONE");

		view_set_str(e, "AT", db_value(events, i, "shown"));
		view_set_str(e, "WHAT", choice_label(public_events, db_value(events, i, "action")));
	}
	PQclear(events);
	desk_contact(d, pol);
	return true;
}

static void
json_str(struct buf *b, const char *name, const char *value)
{
	buf_puts(b, ", ");
	buf_json_str(b, name);
	buf_puts(b, ": ");
	buf_json_str(b, value);
}

bool
request_public_json(struct ctx *c, const PGresult *req, struct buf *b)
{
	DB_STATEMENT(deployments_sql, "request_public.request_public_json.deployments_sql", 1,
	    "SELECT id, unit_type, special_unit, status, to_json(last_checkin_at)#>>'{}' AS last_checkin_at"
	    " FROM deployment WHERE request_id = $1 ORDER BY id");
	static const char *const own[] = {
		"requesting_agency", "requesting_agency_type", "channel", "requester_name",
		"requester_position", "contact_phone",
		"contact_email", "incident_type", "nature", "priority", "location", "municipality",
		"county", "staging_area", "radio_channel", "commander_name", "equipment",
		"duration", "instructions", "denial_reason",
	};
	const char *id = db_value(req, 0, "id");
	int status = status_from_id(db_value(req, 0, "status"));
	PGresult *deps, *events;
	size_t k;
	int i;

	buf_printf(b, "{\"id\": %s", id);
	json_str(b, "kind", db_value(req, 0, "kind"));
	json_str(b, "status", db_value(req, 0, "status"));
	json_str(b, "status_text", request_status_public(status < 0 ? STATUS_SUBMITTED
	    : (enum request_status)status));
	buf_printf(b, ", \"emergency\": %s", db_bool(req, 0, "emergency") ? "true" : "false");
	for (k = 0; k < sizeof(own) / sizeof(own[0]); k++)
		json_str(b, own[k], db_value(req, 0, own[k]));
	buf_printf(b, ", \"squads\": %s, \"supervisors\": %s, \"personnel\": %s, \"special_units\": ",
	    db_value(req, 0, "squads"), db_value(req, 0, "supervisors"), db_value(req, 0, "personnel"));
	json_id_array(b, db_value(req, 0, "special_units"));
	json_str(b, "filed_by", db_value(req, 0, "filed_by_login"));
	json_str(b, "created_at", db_value(req, 0, "created_at_json"));
	/* Who was told inside the department is the department's business. */
	buf_puts(b, ", \"notifications\": [], \"deployments\": [");
	if ((deps = db_run(&c->app->db, &deployments_sql, &id)) == NULL)
		return false;
	for (i = 0; i < PQntuples(deps); i++) {
		buf_printf(b, "%s{\"id\": %s", i ? ", " : "", db_value(deps, i, "id"));
		json_str(b, "unit", unit_words(deps, i));
		json_str(b, "unit_type", db_value(deps, i, "unit_type"));
		json_str(b, "special_unit", db_value(deps, i, "special_unit"));
		json_str(b, "status", db_value(deps, i, "status"));
		json_str(b, "last_checkin_at", db_value(deps, i, "last_checkin_at"));
		buf_putc(b, '}');
	}
	PQclear(deps);
	buf_puts(b, "], \"events\": [");
	if ((events = db_run(&c->app->db, &events_sql, &id)) == NULL)
		return false;
	for (i = 0; i < PQntuples(events); i++) {
		buf_puts(b, i ? ", {\"at\": " : "{\"at\": ");
		buf_json_str(b, db_value(events, i, "at"));
		json_str(b, "actor", db_value(events, i, "actor"));
		json_str(b, "action", db_value(events, i, "action"));
		json_str(b, "what", choice_label(public_events, db_value(events, i, "action")));
		buf_putc(b, '}');
	}
	PQclear(events);
	buf_puts(b, "]}");
	return !buf_failed(b);
}
