/*
 * The notifier: delivers each notification by e-mail and runs the policy's
 * timers (timers.c).
 *
 *  - It wakes on PostgreSQL LISTEN/NOTIFY (channel portal_notification,
 *    raised by a trigger when a notification commits) and also polls, so
 *    nothing waits for the next event and nothing is missed while it was
 *    away.
 *  - One notification at a time, its row locked (FOR UPDATE SKIP LOCKED:
 *    two notifiers never send the same one) while the SMTP server is asked
 *    to take it; marked sent only after the server accepted it. A failure
 *    is retried with exponential backoff.
 *  - Killed between the server's acceptance and the commit, it sends that
 *    one again on restart (SMTP offers nothing better); the copy has the
 *    same Message-ID. Otherwise each notification is sent exactly once.
 *    The SMTP connection is kept from one message to the next, so that
 *    window is one database round trip (no QUIT exchange before the commit).
 *
 * Environment: PORTAL_DB_DSN (or PORTAL_DSN), PORTAL_SMTP_URL (unset: files
 * in $PORTAL_VAR/mail/), PORTAL_SMTP_TLS (required|try|off, mail_tls.h),
 * PORTAL_SMTP_USER, PORTAL_SMTP_PASSWORD, PORTAL_SMTP_TIMEOUT (seconds for one
 * message, 30), PORTAL_MAIL_FROM, PORTAL_BASE_URL,
 * PORTAL_NOTIFIER_POLL (seconds, 5), PORTAL_NOTIFIER_MAX_BACKOFF (seconds, 60),
 * PORTAL_NOTIFIER_RETENTION (how often, in seconds, expired sessions and old
 * sign-in records are deleted: 300).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "audit.h"
#include "request_banner.h"
#include "request_public.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "policy.h"
#include "timers.h"

/* Notifications accepted by the SMTP server while the database could not
 * be told, kept until it can: no message is sent twice for that. */
#define UNMARKED_MAX 64
#define NOTIFIER_BATCH 50       /* messages between two pauses */
#define NOTIFIER_PAUSE_MS 20

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

struct notifier {
	struct db          db;
	struct policy      policy;
	bool               policy_loaded;
	bool               listening;
	struct mail_config mail;
	struct mail_sender sender;   /* the SMTP connection kept between messages */
	int                poll_seconds;
	long long          unmarked[UNMARKED_MAX];  /* sent, not yet marked sent */
	time_t             started, last_heartbeat;
	int                nunmarked;
	int                retention_seconds;  /* how often expired sessions... go */
	int                max_backoff;
};

static const char *
env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : fallback;
}

/*
 * The subject says what a reader triages by without opening the message
 * (issue 13): EMERGENCY first when it is one, the request, its kind (in an
 * outside agency's words for an agency), the agency that asks, the place,
 * how long ago it was filed, and the clause.
 */
static void
message_subject(const PGresult *res, struct buf *subject)
{
	const char *rid = db_value(res, 0, "request_id");
	const char *kind = db_value(res, 0, "kind");
	const char *agency = db_value(res, 0, "requesting_agency");
	const char *place = db_value(res, 0, "location");
	const char *town = db_value(res, 0, "municipality");
	bool outsider = strcmp(db_value(res, 0, "account_role"), "agency") == 0;
	char age[40];

	buf_puts(subject, "[Mutual aid] ");
	if (rid != NULL && db_bool(res, 0, "emergency"))
		buf_puts(subject, "EMERGENCY - ");
	buf_printf(subject, "Request #%s: %s", rid ? rid : "-", kind == NULL ? "notification" :
	    outsider ? request_kind_public(kind) : choice_label(kind_choices, kind));
	if (agency != NULL && *agency != '\0')
		buf_printf(subject, " - %s", agency);
	if (place != NULL && *place != '\0')
		buf_printf(subject, " - %s%s%s", place, town != NULL && *town != '\0' ? ", " : "",
		    town != NULL ? town : "");
	if (rid != NULL) {
		minutes_words(db_int(res, 0, "request_minutes"), age, sizeof(age));
		buf_printf(subject, " - filed %s ago", age);
	}
	buf_printf(subject, " (%s)", db_value(res, 0, "clause"));
}

static void
message_text(struct notifier *n, const PGresult *res, struct buf *subject, struct buf *body)
{
	const char *rid = db_value(res, 0, "request_id");
	int kind = kind_from_id(db_value(res, 0, "kind"));
	int status = status_from_id(db_value(res, 0, "status"));
	const char *nature = db_value(res, 0, "nature");

	message_subject(res, subject);
	buf_printf(body, "Dear %s,\n\n%s\n\n", db_value(res, 0, "full_name"), db_value(res, 0, "reason"));
	if (rid != NULL) {
		buf_printf(body, "Request #%s: %s, now %s.\n", rid,
		    kind >= 0 ? kind_choices[kind].label : "", status >= 0 ? status_choices[status].label : "");
		if (nature != NULL) {
			/* At most 400 bytes, cut between characters. */
			size_t cut = strlen(nature);

			if (cut > 400)
				for (cut = 400; cut > 0 && ((unsigned char)nature[cut] & 0xc0) == 0x80; cut--)
					;
			buf_printf(body, "Nature: %.*s%s\n", (int)cut, nature, cut < strlen(nature) ? "…" : "");
		}
	}
	buf_printf(body, "Policy: %s\n\n", db_value(res, 0, "clause"));
	if (rid != NULL)
		buf_printf(body, "Open the request: %s/requests/%s\n", n->mail.base_url, rid);
	buf_printf(body, "Acknowledge it in your inbox: %s/inbox\n\n"
	    "-- \nMutual Aid Portal of the %s. This message was sent automatically.\n",
	    n->mail.base_url, n->policy_loaded ? n->policy.department : "Police Department");
}

static void
remember_unmarked(struct notifier *n, const char *id)
{
	if (n->nunmarked < UNMARKED_MAX)
		n->unmarked[n->nunmarked++] = strtoll(id, NULL, 10);
	else
		log_warn("notification %s was sent and cannot be marked; it may be sent again", id);
}

/* "{1,2,3}": the notifications sent and not yet marked. */
static void
unmarked_array(const struct notifier *n, char *out, size_t len)
{
	size_t used = (size_t)snprintf(out, len, "{");
	int i;

	for (i = 0; i < n->nunmarked && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%lld", i ? "," : "", n->unmarked[i]);
	if (used < len)
		(void)snprintf(out + used, len - used, "}");
}

/* Marks sent what was sent while the database was away. */
static bool
mark_unmarked(struct notifier *n)
{
	DB_STATEMENT(sql, "notifier.mark_unmarked", 1,
	    "UPDATE notification SET email_status = 'sent', email_sent_at = now(),"
	    " email_attempts = email_attempts + 1, email_error = NULL"
	    " WHERE id = ANY ($1::bigint[]) AND email_status = 'pending'");
	char ids[UNMARKED_MAX * 21 + 3];
	const char *params[1] = { ids };

	if (n->nunmarked == 0)
		return true;
	unmarked_array(n, ids, sizeof(ids));
	if (!db_run_ok(&n->db, &sql, params))
		return false;
	log_info("%d notification(s) sent while the database was away are marked sent", n->nunmarked);
	n->nunmarked = 0;
	return true;
}

/* Delivers the next due notification. 1: one handled, 0: none due, -1: error. */
static int
deliver_next(struct notifier *n)
{
	/* Never one that was sent and is only waiting to be marked so. */
	/* The notification is picked alone (the first due row of the index
	 * notification_email_next that no other notifier holds, sql/018), and
	 * only then joined to its recipient and request: a pick costs the
	 * same whatever the backlog. */
	DB_STATEMENT(pick, "notifier.deliver_next.pick", 1,
	    "SELECT n.id, n.request_id, n.reason, n.clause, n.email_attempts, a.email, a.full_name,"
	    " a.role AS account_role, r.kind, r.status, r.nature, r.emergency, r.requesting_agency,"
	    " r.location, r.municipality,"
	    " floor(extract(epoch FROM now() - r.created_at) / 60)::bigint AS request_minutes"
	    " FROM (SELECT id, request_id, reason, clause, email_attempts, recipient_id"
	    "  FROM notification WHERE email_status = 'pending' AND email_next_at <= now()"
	    "  AND recipient_id IS NOT NULL AND id <> ALL ($1::bigint[])"
	    "  ORDER BY email_next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) n"
	    " JOIN account a ON a.id = n.recipient_id"
	    " LEFT JOIN request r ON r.id = n.request_id");
	DB_STATEMENT(sent, "notifier.deliver_next.sent", 1,
	    "UPDATE notification SET email_status = 'sent', email_sent_at = now(),"
	    " email_attempts = email_attempts + 1, email_error = NULL WHERE id = $1");
	DB_STATEMENT(retry, "notifier.deliver_next.retry", 3,
	    "UPDATE notification SET email_attempts = email_attempts + 1, email_error = $2,"
	    " email_next_at = now() + make_interval(secs => least($3::int, power(2, email_attempts)::int))"
	    " WHERE id = $1");
	struct mail_message m;
	struct buf subject, body;
	char err[256], backoff[16], ids[UNMARKED_MAX * 21 + 3];
	const char *params[3];
	PGresult *res;
	bool ok;

	if (!mark_unmarked(n) || !db_begin(&n->db))
		return -1;
	unmarked_array(n, ids, sizeof(ids));
	params[0] = ids;
	if ((res = db_run(&n->db, &pick, params)) == NULL) {
		db_rollback(&n->db);
		return -1;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		db_rollback(&n->db);
		return 0;
	}
	buf_init(&subject);
	buf_init(&body);
	message_text(n, res, &subject, &body);
	m.notification_id = db_value(res, 0, "id");
	m.to_address = db_value(res, 0, "email");
	m.to_name = db_value(res, 0, "full_name");
	m.subject = buf_cstr(&subject);
	m.body = buf_cstr(&body);
	ok = m.to_address != NULL && mail_deliver(&n->mail, &n->sender, &m, err, sizeof(err));
	if (m.to_address == NULL)
		snprintf(err, sizeof(err), "the recipient has no e-mail address");
	params[0] = m.notification_id;
	params[1] = err;
	snprintf(backoff, sizeof(backoff), "%d", n->max_backoff);
	params[2] = backoff;
	if (ok)
		log_info("notification %s sent to %s", m.notification_id, m.to_address);
	else
		log_warn("notification %s not sent (attempt %lld): %s", m.notification_id,
		    db_int(res, 0, "email_attempts") + 1, err);
	if (!db_run_ok(&n->db, ok ? &sent : &retry, params) || !db_commit(&n->db)) {
		db_rollback(&n->db);
		/* Accepted by the server but not marked: remember it, mark it once
		 * the database answers, and never send it again meanwhile. */
		if (ok)
			remember_unmarked(n, m.notification_id);
		PQclear(res);
		buf_free(&subject);
		buf_free(&body);
		return -1;
	}
	PQclear(res);
	buf_free(&subject);
	buf_free(&body);
	return ok ? 1 : 0;	/* after a failure, wait for the backoff */
}

/* "Alive": /healthz.json and `portalctl status` read it; a notifier not
 * seen for two minutes means mail is not flowing. At most every 5 s. */
static void
heartbeat(struct notifier *n)
{
	DB_STATEMENT(sql, "notifier.heartbeat", 3,
	    "INSERT INTO process_heartbeat (name, host, pid, started_at, seen_at)"
	    " VALUES ('notifier', $1, $2, to_timestamp($3::bigint), now())"
	    " ON CONFLICT (name, host) DO UPDATE SET pid = EXCLUDED.pid,"
	    " started_at = EXCLUDED.started_at, seen_at = now()");
	char host[256], pid[24], started[24];
	const char *params[3] = { host, pid, started };
	time_t now = time(NULL);

	if (now - n->last_heartbeat < 5)
		return;
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	snprintf(started, sizeof(started), "%lld", (long long)n->started);
	if (db_run_ok(&n->db, &sql, params))
		n->last_heartbeat = now;
}

static bool
ensure_connected(struct notifier *n)
{
	if (n->db.conn != NULL && PQstatus(n->db.conn) == CONNECTION_OK)
		return true;
	n->listening = false;
	if (!db_ready(&n->db))
		return false;
	if (!db_exec(&n->db, "LISTEN portal_notification", 0, NULL) ||
	    !db_exec(&n->db, "LISTEN portal_audit", 0, NULL))
		return false;
	n->listening = true;
	if (!n->policy_loaded && policy_load(&n->policy, &n->db))
		n->policy_loaded = true;
	log_info("notifier connected and listening");
	return true;
}

/* Waits for a NOTIFY or the poll interval, whichever comes first. */
static void
wait_for_work(struct notifier *n)
{
	struct pollfd pfd;
	PGnotify *note;

	if (!n->listening || PQsocket(n->db.conn) < 0) {
		struct timespec ts = { n->poll_seconds, 0 };

		nanosleep(&ts, NULL);
		return;
	}
	pfd.fd = PQsocket(n->db.conn);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, n->poll_seconds * 1000) > 0) {
		if (!PQconsumeInput(n->db.conn))
			log_warn("database connection lost: %s", PQerrorMessage(n->db.conn));
		while ((note = PQnotifies(n->db.conn)) != NULL)
			PQfreemem(note);
	}
}

/* A whole number from the environment, or `fallback` when unset or < 1. */
static int
env_seconds(const char *name, int fallback)
{
	int n = atoi(env_or(name, "0"));

	return n >= 1 ? n : fallback;
}

/* Mail and timing settings from the environment; 2 when one is wrong. */
static int
configure(struct notifier *n, char *spool, size_t spoollen)
{
	snprintf(spool, spoollen, "%s/mail", env_or("PORTAL_VAR", "var"));
	n->mail.smtp_url = env_or("PORTAL_SMTP_URL", NULL);
	n->mail.smtp_user = env_or("PORTAL_SMTP_USER", NULL);
	n->mail.smtp_password = env_or("PORTAL_SMTP_PASSWORD", NULL);
	n->mail.from = env_or("PORTAL_MAIL_FROM", "mutual-aid-portal@localhost");
	n->mail.spool_dir = spool;
	n->mail.base_url = env_or("PORTAL_BASE_URL", "http://127.0.0.1:8080");
	if (!mail_tls_mode(getenv("PORTAL_SMTP_TLS"), n->mail.smtp_url, &n->mail.tls)) {
		fprintf(stderr, "notifier: PORTAL_SMTP_TLS must be required, try or off\n");
		return 2;
	}
	n->mail.timeout_seconds = env_seconds("PORTAL_SMTP_TIMEOUT", 30);
	n->poll_seconds = env_seconds("PORTAL_NOTIFIER_POLL", 5);
	n->max_backoff = env_seconds("PORTAL_NOTIFIER_MAX_BACKOFF", 60);
	n->retention_seconds = env_seconds("PORTAL_NOTIFIER_RETENTION", 300);
	if (n->mail.smtp_url == NULL && mkdir(spool, 0750) < 0 && errno != EEXIST) {
		log_warn("cannot create %s: %s", spool, strerror(errno));
		return 1;
	}
	return 0;
}

/* Timers every poll, retention every few minutes (expired sessions and
 * old sign-in records). */
static void
periodic(struct notifier *n, time_t *last_timers, time_t *last_retention)
{
	if (n->policy_loaded && time(NULL) - *last_timers >= n->poll_seconds) {
		(void)policy_refresh(&n->policy, &n->db);
		if (timers_run(&n->db, &n->policy) < 0)
			log_warn("timers failed: %s", n->db.error);
		*last_timers = time(NULL);
	}
	if (time(NULL) - *last_retention >= n->retention_seconds) {
		long gone = retention_run(&n->db);

		if (gone < 0)
			log_warn("retention failed: %s", n->db.error);
		else if (gone > 0)
			log_info("retention: %ld expired sessions and old sign-in records deleted", gone);
		*last_retention = time(NULL);
	}
}

/* Links the audit events appended since into the chain (sql/015): in
 * batches, so that a backlog does not hold the chain head for long. */
static void
seal(struct notifier *n)
{
	long sealed = 0;

	while (!stopping && (sealed = audit_seal(&n->db, AUDIT_SEAL_BATCH)) == AUDIT_SEAL_BATCH)
		;
	if (sealed < 0)
		log_warn("sealing the audit trail failed: %s", n->db.error);
}

/*
 * Delivers what is due, in batches of NOTIFIER_BATCH with a short pause
 * between them: a backlog of thousands drains at hundreds a second without
 * taking the cores the pages need (the notifier also runs niced, and its
 * database role has its own connection limit: sql/grants.sql).
 */
static void
drain(struct notifier *n)
{
	struct timespec pause = { 0, NOTIFIER_PAUSE_MS * 1000L * 1000 };
	int done = 0;

	while (!stopping && deliver_next(n) > 0) {
		heartbeat(n);
		if (++done % NOTIFIER_BATCH == 0) {
			seal(n);
			nanosleep(&pause, NULL);
		}
	}
}

int
main(void)
{
	static struct notifier n;
	struct sigaction sa;
	char spool[4096];
	time_t last_timers = 0, last_retention = 0;
	const char *dsn = env_or("PORTAL_DB_DSN", getenv("PORTAL_DSN"));
	int rc;

	if (dsn == NULL) {
		fprintf(stderr, "notifier: set PORTAL_DB_DSN (or PORTAL_DSN)\n");
		return 2;
	}
	n.started = time(NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !db_init(&n.db, dsn, "notifier"))
		return 1;
	if ((rc = configure(&n, spool, sizeof(spool))) != 0)
		return rc;
	log_info("notifier started: mail %s %s (TLS %s)", n.mail.smtp_url ? "over SMTP to" : "as files in",
	    n.mail.smtp_url ? n.mail.smtp_url : spool, mail_tls_name(n.mail.tls));
	while (!stopping) {
		if (!ensure_connected(&n)) {
			struct timespec ts = { 2, 0 };

			nanosleep(&ts, NULL);
			continue;
		}
		periodic(&n, &last_timers, &last_retention);
		seal(&n);
		heartbeat(&n);
		drain(&n);
		if (!stopping)
			wait_for_work(&n);
	}
	if (n.policy_loaded)
		policy_free(&n.policy);
	mail_sender_close(&n.sender);
	db_close(&n.db);
	curl_global_cleanup();
	log_info("notifier stopped");
	return 0;
}
