#include "timers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notify.h"
#include "audit.h"

/* Notifies one overdue item in its own transaction; returns rows or -1. */
static int
notify_overdue(struct db *db, const struct policy *pol, const char *request_id,
    enum policy_event event, const struct request_facts *facts, const struct rule *timer,
    const char *extra, const char *dedupe, const char *action, const struct db_statement *mark_sql,
    const char *mark_id)
{
	int added;

	if (!db_begin(db))
		return -1;
	added = notify_event(db, pol, request_id, event, facts, extra, dedupe);
	/* The timeline shows the overdue period once, with its clause. */
	if (added > 0 && (!audit_record(db, request_id, 0, "portal", action, timer->clause, extra) ||
	    !db_run_ok(db, mark_sql, &mark_id)))
		added = -1;
	if (added < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) ? added : -1;
}

static void
describe_checkin(const PGresult *res, int row, long long minutes, char *extra, size_t len)
{
	snprintf(extra, len, "Deployment of %s: no status check-in for %lld minutes.",
	    db_value(res, row, "assignee"), minutes);
}

static void
describe_followup(const PGresult *res, int row, long long minutes, char *extra, size_t len)
{
	bool teletype = db_bool(res, row, "no_teletype"), letter = db_bool(res, row, "no_letter");

	snprintf(extra, len, "Request by telephone %lld minutes ago: %s%s%s not recorded yet.",
	    minutes, teletype ? "the teletype" : "", teletype && letter ? " and " : "",
	    letter ? "the official letter" : "");
}

DB_STATEMENT(checkin_scan, "timers.checkin_scan", 0,
    "SELECT d.id, d.request_id, d.assignee, r.kind, r.emergency, r.channel, r.squads,"
    " r.supervisors, r.special_units, r.bureau, r.district, r.requesting_agency_type,"
    " r.within_city, r.assessed_squads, r.assessed_supervisors, r.assessed_special_units,"
    " floor(extract(epoch FROM now() - d.last_checkin_at) / 60)::bigint AS minutes,"
    " floor(extract(epoch FROM d.last_checkin_at))::bigint AS since"
    " FROM deployment d JOIN request r ON r.id = d.request_id"
    " WHERE d.status <> 'returned'"
    " ORDER BY d.last_checkin_at LIMIT 500");
DB_STATEMENT(checkin_mark, "timers.checkin_mark", 1,
    "UPDATE deployment SET overdue_notified_at = now() WHERE id = $1");
/* The documents of a follow-up rule often follow after the incident:
 * closed and denied requests are still flagged; a cancelled one, or one
 * whose follow-up rule the chief excepted, is not. */
DB_STATEMENT(followup_scan, "timers.followup_scan", 0,
    "SELECT r.id, r.id AS request_id, r.kind, r.emergency, r.channel, r.squads, r.supervisors,"
    " r.special_units, r.bureau, r.district, r.requesting_agency_type, r.within_city,"
    " r.assessed_squads, r.assessed_supervisors, r.assessed_special_units,"
    " r.teletype_received_at IS NULL AS no_teletype, r.letter_received_at IS NULL AS no_letter,"
    " floor(extract(epoch FROM now() - r.created_at) / 60)::bigint AS minutes, 0 AS since,"
    " (SELECT array_agg(e.rule_id) FROM policy_exception e WHERE e.request_id = r.id) AS excepted"
    " FROM request r"
    " WHERE r.channel = 'phone' AND (r.teletype_received_at IS NULL OR r.letter_received_at IS NULL)"
    " AND r.status <> 'cancelled'"
    " ORDER BY r.created_at LIMIT 500");
DB_STATEMENT(followup_mark, "timers.followup_mark", 1,
    "UPDATE request SET followup_notified_at = now() WHERE id = $1");

/*
 * The two timers as a table: what is scanned (columns id, request_id,
 * minutes since the clock started, since = when it started, and the request
 * columns the rules read), the rule that sets the interval, the event that
 * notifies, the timeline action and how the row is marked.
 */
static const struct timer_scan {
	const char        *name;
	const struct db_statement *select;
	enum rule_effect   effect;
	enum policy_event  event;
	const char        *action;
	const struct db_statement *mark;
	void             (*describe)(const PGresult *, int, long long, char *, size_t);
} timer_scans[] = {
	{ "checkin", &checkin_scan, EFFECT_CHECKIN, EVENT_CHECKIN_OVERDUE, "checkin_overdue",
	  &checkin_mark, describe_checkin },
	{ "followup", &followup_scan, EFFECT_FOLLOWUP, EVENT_FOLLOWUP_OVERDUE, "followup_overdue",
	  &followup_mark, describe_followup },
};

/* Whether the chief excepted the timer's rule for this row's request. */
static bool
excepted_here(const PGresult *res, int row, const struct rule *timer)
{
	const char *list = db_value(res, row, "excepted");
	size_t n = strlen(timer->id);
	const char *p;

	for (p = list; p != NULL && (p = strstr(p, timer->id)) != NULL; p += n)
		if ((p[-1] == '{' || p[-1] == ',') && (p[n] == '}' || p[n] == ','))
			return true;
	return false;
}

/* The rows of one timer that are overdue under the rule in force for each
 * (its interval and conditions, no exception): each notified when `notify`
 * (returns the notifications added), else only counted. -1: the database
 * failed. */
static int
scan(struct db *db, const struct policy *pol, const struct timer_scan *ts, bool notify)
{
	PGresult *res = db_run(db, ts->select, NULL);
	int i, total = 0;

	if (res == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		struct request_facts facts;
		const struct rule *timer;
		long long minutes = db_int(res, i, "minutes");
		char extra[400], key[128];
		int added;

		request_facts_from_row(res, i, &facts);
		timer = policy_rule_for(pol, ts->effect, &facts);
		if (timer == NULL || timer->interval_minutes <= 0 || minutes < timer->interval_minutes ||
		    excepted_here(res, i, timer))
			continue;
		if (!notify) {
			total++;
			continue;
		}
		ts->describe(res, i, minutes, extra, sizeof(extra));
		/* One notification per overdue period since the clock started. */
		snprintf(key, sizeof(key), "%s:%s:%s:%lld", ts->name, db_value(res, i, "id"),
		    db_value(res, i, "since"), minutes / timer->interval_minutes);
		added = notify_overdue(db, pol, db_value(res, i, "request_id"), ts->event, &facts,
		    timer, extra, key, ts->action, ts->mark, db_value(res, i, "id"));
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
	size_t i;
	int total = 0, n;

	for (i = 0; i < sizeof(timer_scans) / sizeof(timer_scans[0]); i++) {
		if ((n = scan(db, pol, &timer_scans[i], true)) < 0)
			return -1;
		total += n;
	}
	return total;
}

bool
timers_overdue(struct db *db, const struct policy *pol, int *checkins, int *followups)
{
	*checkins = scan(db, pol, &timer_scans[0], false);
	*followups = scan(db, pol, &timer_scans[1], false);
	return *checkins >= 0 && *followups >= 0;
}

long
retention_run(struct db *db)
{
	/* Each statement reads its limits from the settings (sql/008). */
	DB_STATEMENT(sessions, "timers.retention.sessions", 0,
	    "DELETE FROM session WHERE"
	    " last_seen_at < now() - make_interval(mins => setting_int('session_idle_minutes', 30))"
	    " OR created_at < now() - make_interval(hours => setting_int('session_max_hours', 12))");
	DB_STATEMENT(logins, "timers.retention.logins", 0,
	    "DELETE FROM login_event WHERE"
	    /* CJIS 5.4.7: a year at least, whatever the setting says. */
	    " at < now() - make_interval(days => greatest(365, setting_int('login_event_retention_days', 365)))");
	DB_STATEMENT(throttles, "timers.retention.throttles", 0,
	    "DELETE FROM login_throttle WHERE last_failure_at < now() - interval '1 day'"
	    " AND (blocked_until IS NULL OR blocked_until < now())");
	DB_STATEMENT(rates, "timers.retention.rates", 0,
	    "DELETE FROM login_rate WHERE window_start < now() - interval '1 hour'");
	/* A form sent again a week later is a new one. */
	DB_STATEMENT(submissions, "timers.retention.submissions", 0,
	    "DELETE FROM submission WHERE created_at < now() - interval '7 days'");
	static const struct db_statement *const sql[] = {
		&sessions, &logins, &throttles, &rates, &submissions,
	};
	long total = 0;
	size_t i;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		PGresult *res = db_run(db, sql[i], NULL);

		if (res == NULL)
			return -1;
		total += strtol(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	return total;
}
