#include "timers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notify.h"

/* Notifies one overdue item in its own transaction; returns rows or -1. */
static int
notify_overdue(struct db *db, const struct policy *pol, const char *request_id,
    enum policy_event event, const struct request_facts *facts, const struct rule *timer,
    const char *extra, const char *dedupe, const char *action, const char *mark_sql,
    const char *mark_id)
{
	int added;

	if (!db_begin(db))
		return -1;
	added = notify_event(db, pol, request_id, event, facts, extra, dedupe);
	/* The timeline shows the overdue period once, with its clause. */
	if (added > 0 && (!audit_record(db, request_id, 0, "portal", action, timer->clause, extra) ||
	    !db_exec(db, mark_sql, 1, &mark_id)))
		added = -1;
	if (added < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) ? added : -1;
}

static int
checkins(struct db *db, const struct policy *pol)
{
	static const char sql[] =
	    "SELECT d.id, d.request_id, d.assignee, r.kind, r.emergency, r.channel, r.squads,"
	    " r.supervisors, r.special_units, r.bureau, r.district,"
	    " floor(extract(epoch FROM now() - d.last_checkin_at) / 60)::bigint AS idle_minutes,"
	    " floor(extract(epoch FROM d.last_checkin_at))::bigint AS since"
	    " FROM deployment d JOIN request r ON r.id = d.request_id"
	    " WHERE d.status <> 'returned' AND r.status NOT IN ('closed', 'cancelled', 'denied')"
	    " ORDER BY d.last_checkin_at LIMIT 500";
	static const char mark[] = "UPDATE deployment SET overdue_notified_at = now() WHERE id = $1";
	PGresult *res = db_query(db, sql, 0, NULL);
	int i, total = 0;

	if (res == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		struct request_facts facts;
		const struct rule *timer;
		long long idle = db_int(res, i, "idle_minutes");
		char extra[400], key[96];
		int added;

		request_facts_from_row(res, i, &facts);
		timer = policy_rule_for(pol, EFFECT_CHECKIN, &facts);
		if (timer == NULL || timer->interval_minutes <= 0 || idle < timer->interval_minutes)
			continue;
		snprintf(extra, sizeof(extra), "Deployment of %s: no status check-in for %lld minutes.",
		    db_value(res, i, "assignee"), idle);
		/* One notification per overdue period since the last check-in. */
		snprintf(key, sizeof(key), "checkin:%s:%s:%lld", db_value(res, i, "id"),
		    db_value(res, i, "since"), idle / timer->interval_minutes);
		added = notify_overdue(db, pol, db_value(res, i, "request_id"), EVENT_CHECKIN_OVERDUE,
		    &facts, timer, extra, key, "checkin_overdue", mark, db_value(res, i, "id"));
		if (added < 0) {
			PQclear(res);
			return -1;
		}
		total += added;
	}
	PQclear(res);
	return total;
}

static int
followups(struct db *db, const struct policy *pol)
{
	static const char sql[] =
	    "SELECT r.id, r.kind, r.emergency, r.channel, r.squads, r.supervisors, r.special_units,"
	    " r.bureau, r.district, r.teletype_received_at IS NULL AS no_teletype,"
	    " r.letter_received_at IS NULL AS no_letter,"
	    " floor(extract(epoch FROM now() - r.created_at) / 60)::bigint AS age_minutes"
	    " FROM request r"
	    " WHERE r.channel = 'phone' AND (r.teletype_received_at IS NULL OR r.letter_received_at IS NULL)"
	    " AND r.status NOT IN ('closed', 'cancelled', 'denied')"
	    " ORDER BY r.created_at LIMIT 500";
	static const char mark[] = "UPDATE request SET followup_notified_at = now() WHERE id = $1";
	PGresult *res = db_query(db, sql, 0, NULL);
	int i, total = 0;

	if (res == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		struct request_facts facts;
		const struct rule *timer;
		long long age = db_int(res, i, "age_minutes");
		char extra[300], key[96];
		int added;

		request_facts_from_row(res, i, &facts);
		timer = policy_rule_for(pol, EFFECT_FOLLOWUP, &facts);
		if (timer == NULL || timer->interval_minutes <= 0 || age < timer->interval_minutes)
			continue;
		snprintf(extra, sizeof(extra), "Request by telephone %lld minutes ago: %s%s%s not recorded yet.",
		    age, db_bool(res, i, "no_teletype") ? "the teletype" : "",
		    db_bool(res, i, "no_teletype") && db_bool(res, i, "no_letter") ? " and " : "",
		    db_bool(res, i, "no_letter") ? "the official letter" : "");
		snprintf(key, sizeof(key), "followup:%s:%lld", db_value(res, i, "id"),
		    age / timer->interval_minutes);
		added = notify_overdue(db, pol, db_value(res, i, "id"), EVENT_FOLLOWUP_OVERDUE,
		    &facts, timer, extra, key, "followup_overdue", mark, db_value(res, i, "id"));
		if (added < 0) {
			PQclear(res);
			return -1;
		}
		total += added;
	}
	PQclear(res);
	return total;
}

int
timers_run(struct db *db, const struct policy *pol)
{
	int a = checkins(db, pol), b;

	if (a < 0)
		return -1;
	b = followups(db, pol);
	return b < 0 ? -1 : a + b;
}
