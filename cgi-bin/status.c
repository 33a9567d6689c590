#include "status.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "buf.h"
#include "db.h"

/* The status file the portal's master writes (supervise.c), whole. */
static char *
status_file_read(const char *path)
{
	struct buf b;

	buf_init(&b);
	if (!buf_read_file(&b, path, 65536)) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

bool
status_read(struct db *db, struct portal_status *s)
{
	DB_STATEMENT(sql, "status.status_read", 0,
	    "SELECT (SELECT count(*) FROM notification WHERE email_status = 'pending') AS backlog,"
	    " (SELECT floor(extract(epoch FROM now() - min(created_at)))::bigint FROM notification"
	    "   WHERE email_status = 'pending') AS oldest,"
	    " (SELECT floor(extract(epoch FROM now() - max(seen_at)))::bigint FROM process_heartbeat"
	    "   WHERE name = 'notifier') AS seen,"
	    " (SELECT count(*) FROM audit_event WHERE seq IS NULL) AS unsealed,"
	    " (SELECT floor(extract(epoch FROM now() - min(at)))::bigint FROM audit_event"
	    "   WHERE seq IS NULL) AS oldest_unsealed");
	PGresult *res = db_run(db, &sql, NULL);

	memset(s, 0, sizeof(*s));
	if (res == NULL)
		return false;
	s->backlog = db_int(res, 0, "backlog");
	s->oldest_unsent = db_value(res, 0, "oldest") ? db_int(res, 0, "oldest") : -1;
	s->notifier_seen = db_value(res, 0, "seen") ? db_int(res, 0, "seen") : -1;
	s->unsealed = db_int(res, 0, "unsealed");
	s->oldest_unsealed = db_value(res, 0, "oldest_unsealed") ? db_int(res, 0, "oldest_unsealed") : -1;
	PQclear(res);
	s->mail_behind = s->oldest_unsent > STATUS_BEHIND_SECONDS;
	s->notifier_down = s->notifier_seen < 0 || s->notifier_seen > STATUS_BEHIND_SECONDS;
	s->audit_behind = s->oldest_unsealed > AUDIT_SEAL_LATE;
	s->degraded = s->mail_behind || s->notifier_down || s->audit_behind;
	return true;
}

/* A number of the status file ("key": N), or -1. */
static long long
json_number(const char *text, const char *key)
{
	char pattern[64];
	const char *p;

	snprintf(pattern, sizeof(pattern), "\"%s\": ", key);
	if (text == NULL || (p = strstr(text, pattern)) == NULL)
		return -1;
	return strtoll(p + strlen(pattern), NULL, 10);
}

static void
process_line(FILE *out, const char *name, long long pid, long long started, long long restarts,
    bool *ok)
{
	bool alive = pid > 0 && kill((pid_t)pid, 0) == 0;

	if (!alive)
		*ok = false;
	if (pid <= 0)
		fprintf(out, "%-10s not running\n", name);
	else
		fprintf(out, "%-10s %s (pid %lld, up %lld s, restarts %lld)\n", name,
		    alive ? "running" : "NOT RUNNING", pid, (long long)time(NULL) - started,
		    restarts < 0 ? 0 : restarts);
}

int
status_report(struct db *db, FILE *out, const char *status_file)
{
	struct portal_status s;
	char *text = NULL;
	bool ok = true;

	if (status_file != NULL && (text = status_file_read(status_file)) != NULL) {
		const char *notifier = strstr(text, "\"notifier\"");

		process_line(out, "portal", json_number(text, "pid"), json_number(text, "started"),
		    json_number(text, "worker_restarts"), &ok);
		if (notifier != NULL)
			process_line(out, "notifier", json_number(notifier, "pid"),
			    json_number(notifier, "started"), json_number(notifier, "restarts"), &ok);
	} else
		fprintf(out, "%-10s no status file (%s): not started here\n", "portal",
		    status_file ? status_file : "-");
	free(text);
	if (db == NULL || !status_read(db, &s)) {
		fprintf(out, "%-10s NOT ANSWERING%s%s", "database", db ? ": " : "\n",
		    db ? db->error : "");
		fprintf(out, "%-10s DOWN\n", "overall");
		return 3;
	}
	fprintf(out, "%-10s answering\n", "database");
	fprintf(out, "%-10s %s: %lld notification(s) wait for e-mail", "mail",
	    s.mail_behind ? "BEHIND" : "ok", s.backlog);
	if (s.oldest_unsent >= 0)
		fprintf(out, ", the oldest for %lld s", s.oldest_unsent);
	fprintf(out, "\n%-10s %s", "notifier", s.notifier_down ? "NOT SEEN" : "seen");
	if (s.notifier_seen >= 0)
		fprintf(out, " %lld s ago", s.notifier_seen);
	fprintf(out, "\n%-10s %s: %lld event(s) not yet sealed into the chain", "audit",
	    s.audit_behind ? "BEHIND" : "ok", s.unsealed);
	if (s.oldest_unsealed >= 0)
		fprintf(out, ", the oldest for %lld s", s.oldest_unsealed);
	fprintf(out, "\n");
	if (!audit_verify(db, out))
		ok = false;
	fprintf(out, "%-10s %s\n", "overall", !ok ? "DOWN" : s.degraded ? "DEGRADED" : "ok");
	return ok && !s.degraded ? 0 : 3;
}
