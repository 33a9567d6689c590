#include "request_page.h"

#include <stdio.h>
#include <string.h>

#include "action.h"
#include "request_store.h"

/* The members who may be sent (active and sworn, on duty first). */
DB_STATEMENT(roster_sql, "request_page.roster", 0,
    "SELECT a.login, a.full_name, r.deploys_as, a.on_duty FROM account a"
    " JOIN role r ON r.id = a.role WHERE NOT a.disabled AND r.deploys_as IS NOT NULL"
    " ORDER BY a.on_duty DESC, r.deploys_as DESC, a.full_name LIMIT 500");

/* The deployments; whether one is overdue is the check-in rule's, judged in
 * C from the minutes since its last check-in. */
DB_STATEMENT(deployments_sql, "request_page.deployments", 1,
    "SELECT dp.id, coalesce(ac.full_name || ' (' || ac.login || ')', dp.assignee) AS assignee,"
    " dp.account_id, dp.status, au.full_name AS authorized_by,"
    " to_char(dp.created_at, 'YYYY-MM-DD HH24:MI') AS sent,"
    " to_char(dp.last_checkin_at, 'YYYY-MM-DD HH24:MI') AS last_checkin,"
    " floor(extract(epoch FROM now() - dp.last_checkin_at) / 60)::bigint AS minutes_since"
    " FROM deployment dp JOIN account au ON au.id = dp.authorized_by"
    " LEFT JOIN account ac ON ac.id = dp.account_id"
    " WHERE dp.request_id = $1 ORDER BY dp.id");

DB_STATEMENT(exceptions_sql, "request_page.exceptions", 1,
    "SELECT e.rule_id, e.reason, a.full_name, to_char(e.at, 'YYYY-MM-DD HH24:MI') AS at"
    " FROM policy_exception e JOIN account a ON a.id = e.granted_by WHERE e.request_id = $1"
    " ORDER BY e.id");

DB_STATEMENT(notifications_sql, "request_page.notifications", 1,
    "SELECT n.id, n.recipient_id, coalesce(a.full_name, '(anyone who holds the role)') AS recipient,"
    " n.recipient_role, n.clause, n.reason, n.email_status,"
    " to_char(n.created_at, 'YYYY-MM-DD HH24:MI') AS created,"
    " to_char(n.acknowledged_at, 'YYYY-MM-DD HH24:MI') AS acknowledged"
    " FROM notification n LEFT JOIN account a ON a.id = n.recipient_id"
    " WHERE n.request_id = $1 ORDER BY n.id");

/* Every audit event, notification (with its acknowledgment and e-mail
 * delivery) of the request, in order, in the department's time zone. */
DB_STATEMENT(timeline_sql, "request_page.timeline", 1,
    "SELECT to_char(t.at, 'YYYY-MM-DD HH24:MI:SS') AS at, t.entry, t.who, t.what, t.clause, t.note"
    " FROM ("
    "  SELECT e.at, 'event' AS entry, coalesce(a.full_name, e.actor_login, 'the portal') AS who,"
    "   replace(e.action, '_', ' ') AS what, e.clause, e.note, e.id AS ord"
    "  FROM audit_event e LEFT JOIN account a ON a.id = e.actor_id WHERE e.request_id = $1"
    "  UNION ALL"
    "  SELECT n.created_at, 'notified', coalesce(a.full_name, 'whoever holds the role'),"
    "   'notified: ' || r.title, n.clause, n.reason, 0"
    "  FROM notification n JOIN role r ON r.id = n.recipient_role"
    "  LEFT JOIN account a ON a.id = n.recipient_id WHERE n.request_id = $1"
    "  UNION ALL"
    "  SELECT n.acknowledged_at, 'acknowledged', coalesce(a.full_name, r.title),"
    "   'acknowledged the notification', n.clause, '', 0"
    "  FROM notification n JOIN role r ON r.id = n.recipient_role"
    "  LEFT JOIN account a ON a.id = n.acknowledged_by"
    "  WHERE n.request_id = $1 AND n.acknowledged_at IS NOT NULL"
    "  UNION ALL"
    "  SELECT n.email_sent_at, 'emailed', 'the portal', 'e-mail delivered to ' ||"
    "   coalesce(a.full_name, r.title), n.clause, '', 0"
    "  FROM notification n JOIN role r ON r.id = n.recipient_role"
    "  LEFT JOIN account a ON a.id = n.recipient_id"
    "  WHERE n.request_id = $1 AND n.email_sent_at IS NOT NULL"
    " ) t ORDER BY t.at, t.ord");

bool
request_page_load(struct ctx *c, struct request_page *rp)
{
	struct db_batch items[RP__MAX];
	const char *fetch_params[2], *facts_params[2];
	char idtext[24];
	struct buf roles;
	bool ok;
	int i;

	memset(rp, 0, sizeof(*rp));
	memset(items, 0, sizeof(items));
	buf_init(&roles);
	request_fetch_params(c, idtext, c->params.id, fetch_params);
	items[RP_REQUEST].st = request_fetch_statement();
	items[RP_REQUEST].values = fetch_params;
	action_facts_batch(c, idtext, &roles, &items[RP_FACTS], facts_params);
	items[RP_ROSTER].st = &roster_sql;
	items[RP_DEPLOYMENTS].st = &deployments_sql;
	items[RP_EXCEPTIONS].st = &exceptions_sql;
	items[RP_NOTIFICATIONS].st = &notifications_sql;
	items[RP_TIMELINE].st = &timeline_sql;
	for (i = RP_DEPLOYMENTS; i < RP__MAX; i++)
		items[i].values = fetch_params;	/* $1: the request's id */
	ok = !buf_failed(&roles) && db_run_batch(&c->app->db, items, RP__MAX);
	for (i = 0; i < RP__MAX; i++)
		rp->res[i] = items[i].res;
	buf_free(&roles);
	return ok;
}

void
request_page_free(struct request_page *rp)
{
	int i;

	for (i = 0; i < RP__MAX; i++) {
		PQclear(rp->res[i]);
		rp->res[i] = NULL;
	}
}
