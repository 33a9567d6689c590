#include "status.h"

#include <string.h>

#include "db.h"

bool
status_read(struct db *db, struct portal_status *s)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM notification WHERE email_status = 'pending') AS backlog,"
	    " (SELECT floor(extract(epoch FROM now() - min(created_at)))::bigint FROM notification"
	    "   WHERE email_status = 'pending') AS oldest,"
	    " (SELECT floor(extract(epoch FROM now() - max(seen_at)))::bigint FROM process_heartbeat"
	    "   WHERE name = 'notifier') AS seen";
	PGresult *res = db_query(db, sql, 0, NULL);

	memset(s, 0, sizeof(*s));
	if (res == NULL)
		return false;
	s->backlog = db_int(res, 0, "backlog");
	s->oldest_unsent = db_value(res, 0, "oldest") ? db_int(res, 0, "oldest") : -1;
	s->notifier_seen = db_value(res, 0, "seen") ? db_int(res, 0, "seen") : -1;
	PQclear(res);
	s->mail_behind = s->oldest_unsent > STATUS_BEHIND_SECONDS;
	s->notifier_down = s->notifier_seen < 0 || s->notifier_seen > STATUS_BEHIND_SECONDS;
	s->degraded = s->mail_behind || s->notifier_down;
	return true;
}
