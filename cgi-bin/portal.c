/*
 * The FastCGI portal: a master process that owns the listening unix
 * socket and keeps --workers worker processes, each with its own
 * PostgreSQL connection, answering requests one at a time (prefork, as
 * slowcgi and many FastCGI servers do: a crash takes down one request, and
 * at most --workers Argon2id hashes of 64 MiB run at once).
 *
 * The socket is created here rather than with FCGX_OpenSocket, which
 * exit()s when bind fails and leaves the mode to the umask. It is made
 * 0660: the portal's user and group may connect, nobody else. In
 * production nginx runs as another user: --socket-group names a group
 * nginx belongs to (e.g. www-data), given to the socket.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "crypto.h"
#include "hashgate.h"
#include "log.h"
#include "supervise.h"

#define MAX_WORKERS 64

struct config {
	const char *socket_path;
	const char *templates;
	const char *dsn;
	const char *socket_group;  /* NULL: the process's own group */
	int         workers;
	int         hash_slots;   /* password hashes at once, all workers together */
	int         db_wait_ms;   /* PORTAL_DB_WAIT: a restarting database is waited for */
	const char *user;         /* -u: the user to become after binding */
	const char *pidfile;      /* written once the socket listens */
	const char *notifier;     /* --notifier: the notifier program to keep running */
	const char *notifier_pidfile;
	const char *notifier_log;
	const char *status_file;
};

/* Set by signal handlers only. */
static volatile sig_atomic_t stopping;
/* In a worker: whether a request is being answered. */
static volatile sig_atomic_t busy;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* A worker waiting in accept() (which libfcgi restarts on EINTR) exits at
 * once; one answering a request finishes it first. */
static void
on_worker_stop(int sig)
{
	(void)sig;
	if (!busy)
		_exit(0);
	stopping = 1;
}

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{
	fprintf(stderr, "usage: portal --socket PATH --templates DIR [--workers N] [--hash-slots N]\n"
	    "              [--socket-group GROUP] [-u USER] [--pidfile PATH] [--status-file PATH]\n"
	    "              [--notifier PROGRAM [--notifier-pidfile PATH] [--notifier-log PATH]]\n"
	    "  the notifier gets PORTAL_NOTIFIER_DSN as its database when set\n"
	    "  the database comes from PORTAL_DB_DSN (or PORTAL_DSN)\n");
	exit(2);
}

/*
 * Whether the socket path may be taken: nothing there, or a socket nobody
 * listens on (a previous run's, ECONNREFUSED). A portal still listening
 * there keeps it: unlinking its socket would leave it running unreachable.
 * Non-blocking, so a live portal with a full backlog answers EAGAIN rather
 * than blocking this start.
 */
static bool
socket_path_free(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd;
	bool free_path;

	if (lstat(sun->sun_path, &st) < 0)
		return errno == ENOENT;
	if (!S_ISSOCK(st.st_mode)) {
		log_warn("%s exists and is not a socket; refusing to replace it", sun->sun_path);
		return false;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		log_warn("socket: %s", strerror(errno));
		return false;
	}
	free_path = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) < 0 && errno == ECONNREFUSED;
	close(fd);
	if (!free_path)
		log_warn("another portal is listening on %s; refusing to start", sun->sun_path);
	return free_path;
}

static int
open_socket(const char *path, const char *group)
{
	struct sockaddr_un sun;
	gid_t gid = (gid_t)-1;
	mode_t old_mask;
	bool bound;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (group != NULL) {
		struct group *g = getgrnam(group);

		if (g == NULL) {
			log_warn("socket group %s does not exist", group);
			return -1;
		}
		gid = g->gr_gid;
	}
	if (path == NULL || strlen(path) >= sizeof(sun.sun_path)) {
		log_warn("socket path missing or too long (at most %zu bytes): %s",
		    sizeof(sun.sun_path) - 1, path ? path : "");
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		log_warn("socket: %s", strerror(errno));
		return -1;
	}
	/* A stale socket of a previous run is replaced; a live portal's, or
	 * a file that is no socket, is left alone and this one does not start. */
	if (!socket_path_free(&sun)) {
		close(fd);
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("unlink %s: %s", path, strerror(errno));
	/* Born 0660, not wider for an instant: the umask is not trusted. */
	old_mask = umask(0117);
	bound = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	(void)umask(old_mask);
	if (!bound) {
		log_warn("bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if ((gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0) || chmod(path, 0660) < 0 ||
	    listen(fd, 128) < 0) {
		log_warn("chown/chmod/listen %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/* One worker: accept, answer, repeat, until told to stop. */
static int
worker(int listen_fd, const struct config *cfg, struct view_set *views)
{
	struct app app;
	FCGX_Request request;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_worker_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return 1;
	memset(&app, 0, sizeof(app));
	app.views = views;
	app.db_wait_ms = cfg->db_wait_ms;
	if (!db_init(&app.db, cfg->dsn, "portal"))
		return 1;
	/* Connect now if possible; if not, each request retries (db_ready). */
	(void)db_ready(&app.db);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&request, listen_fd, 0) != 0) {
		log_warn("FastCGI initialization failed");
		return 1;
	}
	while (!stopping) {
		if (FCGX_Accept_r(&request) < 0)
			break;
		busy = 1;
		app_handle(&app, &request);
		FCGX_Finish_r(&request);
		busy = 0;
	}
	FCGX_Free(&request, 1);
	if (app.policy_loaded)
		policy_free(&app.policy);
	db_close(&app.db);
	return 0;
}

/* The notifier, with its own database role (PORTAL_NOTIFIER_DSN). */
static void
start_notifier(const struct config *cfg, struct child *n)
{
	n->pid = supervise_spawn_program(cfg->notifier, getenv("PORTAL_NOTIFIER_DSN"), cfg->notifier_log);
	n->started = time(NULL);
	if (n->pid > 0 && !supervise_pidfile(cfg->notifier_pidfile, n->pid))
		log_warn("the notifier's pid file was not written");
}

static pid_t
spawn(int listen_fd, const struct config *cfg, struct view_set *views)
{
	pid_t pid = fork();

	if (pid == 0) {
		int rc = worker(listen_fd, cfg, views);

		view_set_free(views);
		_exit(rc);
	}
	if (pid < 0)
		log_warn("fork: %s", strerror(errno));
	return pid;
}

/* The command line, as a table: each option names its field of struct
 * config; numbers are checked against their range. */
static const struct option {
	const char *flag;
	size_t      offset;
	int         min, max;     /* max 0: a string option */
} options[] = {
	{ "--socket",           offsetof(struct config, socket_path), 0, 0 },
	{ "--templates",        offsetof(struct config, templates), 0, 0 },
	{ "--workers",          offsetof(struct config, workers), 1, MAX_WORKERS },
	{ "--hash-slots",       offsetof(struct config, hash_slots), 1, MAX_WORKERS },
	{ "--socket-group",     offsetof(struct config, socket_group), 0, 0 },
	{ "-u",                 offsetof(struct config, user), 0, 0 },
	{ "--pidfile",          offsetof(struct config, pidfile), 0, 0 },
	{ "--notifier",         offsetof(struct config, notifier), 0, 0 },
	{ "--notifier-pidfile", offsetof(struct config, notifier_pidfile), 0, 0 },
	{ "--notifier-log",     offsetof(struct config, notifier_log), 0, 0 },
	{ "--status-file",      offsetof(struct config, status_file), 0, 0 },
};

/* The options and the environment into cfg; usage() (exit 2) when wrong. */
static void
configure(struct config *cfg, int argc, char *argv[])
{
	const char *env;
	size_t o;
	int i;

	for (i = 1; i < argc; i += 2) {
		for (o = 0; o < sizeof(options) / sizeof(options[0]); o++)
			if (strcmp(argv[i], options[o].flag) == 0)
				break;
		if (o == sizeof(options) / sizeof(options[0]) || i + 1 >= argc)
			usage();
		if (options[o].max == 0)
			*(const char **)(void *)((char *)cfg + options[o].offset) = argv[i + 1];
		else {
			int *n = (int *)(void *)((char *)cfg + options[o].offset);

			*n = atoi(argv[i + 1]);
			if (*n < options[o].min || *n > options[o].max)
				usage();
		}
	}
	if ((env = getenv("PORTAL_DB_WAIT")) != NULL) {
		/* Seconds a request waits for a database that is restarting. */
		cfg->db_wait_ms = atoi(env) * 1000;
		if (cfg->db_wait_ms < 0 || cfg->db_wait_ms > 60000)
			usage();
	}
	cfg->dsn = getenv("PORTAL_DB_DSN");
	if (cfg->dsn == NULL)
		cfg->dsn = getenv("PORTAL_DSN");
	if (cfg->socket_path == NULL || cfg->templates == NULL || cfg->dsn == NULL)
		usage();
}

/*
 * What is done once, before the workers fork: libsodium and the dummy
 * password hash for unknown logins (crypto.c), the hash gate the
 * workers share (64 MiB and a core per Argon2id hash; by default half the
 * cores hash at most, so that a sign-in flood always leaves the other half
 * to the pages), the templates (loaded and frozen once), the socket, the
 * signals, and dropping root (only needed to bind a socket in /run/portal,
 * say). The socket, or -1 (logged).
 */
static int
prepare(struct config *cfg, struct view_set **views)
{
	struct sigaction sa;
	char err[256];
	int fd;

	if (!crypto_init()) {
		log_warn("libsodium did not initialize");
		return -1;
	}
	if (!password_prepare()) {
		log_warn("the dummy password hash could not be made");
		return -1;
	}
	if (cfg->hash_slots == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		cfg->hash_slots = cores > 2 ? (int)(cores / 2) : 1;
	}
	if (!hashgate_init(cfg->hash_slots)) {
		log_warn("the hash gate could not be made");
		return -1;
	}
	if ((*views = view_set_load(cfg->templates, err, sizeof(err))) == NULL) {
		log_warn("%s", err);
		return -1;
	}
	if ((fd = open_socket(cfg->socket_path, cfg->socket_group)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		log_warn("sigaction: %s", strerror(errno));
		goto fail;
	}
	if (cfg->user != NULL && !supervise_drop_privileges(cfg->user))
		goto fail;
	if (geteuid() == 0) {
		log_warn("the portal does not run as root: give -u USER");
		goto fail;
	}
	return fd;
fail:
	/* The socket is this run's own (open_socket made it): not left behind. */
	close(fd);
	unlink(cfg->socket_path);
	return -1;
}

/* The master's children, and where its status is written. */
struct master {
	const struct config *cfg;
	struct view_set     *views;
	int                  fd;
	time_t               started;
	struct child         workers[MAX_WORKERS];
	struct child         notifier;
};

static void
write_status(const struct master *m)
{
	(void)supervise_status(m->cfg->status_file, getpid(), m->started, m->workers, m->cfg->workers,
	    m->cfg->notifier ? &m->notifier : NULL);
}

/* A child ended: start another in its place (logged). */
static void
replace_child(struct master *m, pid_t pid, int status)
{
	int i;

	for (i = 0; i < m->cfg->workers && !stopping; i++) {
		if (m->workers[i].pid != pid)
			continue;
		log_warn("worker %ld ended (status %d); starting another", (long)pid, status);
		m->workers[i].pid = spawn(m->fd, m->cfg, m->views);
		m->workers[i].started = time(NULL);
		m->workers[i].restarts++;
	}
	if (m->cfg->notifier != NULL && pid == m->notifier.pid && !stopping) {
		log_warn("notifier %ld ended (status %d); starting it again", (long)pid, status);
		m->notifier.restarts++;
		start_notifier(m->cfg, &m->notifier);
	}
}

/* Until told to stop: every child that ends is replaced. */
static void
supervise(struct master *m)
{
	while (!stopping) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* Do not spin if a child dies at once, again and again. */
		if (!stopping) {
			struct timespec pause = { 0, 200L * 1000 * 1000 };

			nanosleep(&pause, NULL);
		}
		replace_child(m, pid, status);
		write_status(m);
	}
}

/* TERM to every child, then wait for each. */
static void
stop_children(struct master *m)
{
	int i;

	for (i = 0; i < m->cfg->workers; i++)
		if (m->workers[i].pid > 0)
			kill(m->workers[i].pid, SIGTERM);
	if (m->notifier.pid > 0)
		kill(m->notifier.pid, SIGTERM);
	for (i = 0; i < m->cfg->workers; i++)
		if (m->workers[i].pid > 0)
			(void)waitpid(m->workers[i].pid, NULL, 0);
	if (m->notifier.pid > 0)
		(void)waitpid(m->notifier.pid, NULL, 0);
}

int
main(int argc, char *argv[])
{
	static struct master m;
	static struct config cfg = { NULL, NULL, NULL, NULL, 4, 0, 5000, NULL, NULL, NULL, NULL, NULL, NULL };
	int i;

	configure(&cfg, argc, argv);
	m.cfg = &cfg;
	m.started = time(NULL);
	if ((m.fd = prepare(&cfg, &m.views)) < 0) {
		if (m.views != NULL)
			view_set_free(m.views);
		return 1;
	}
	log_info("portal listening on %s with %d workers", cfg.socket_path, cfg.workers);
	for (i = 0; i < cfg.workers; i++) {
		m.workers[i].pid = spawn(m.fd, &cfg, m.views);
		m.workers[i].started = time(NULL);
	}
	if (cfg.notifier != NULL)
		start_notifier(&cfg, &m.notifier);
	/* Ready: the socket listens and the workers run. */
	if (!supervise_pidfile(cfg.pidfile, getpid()) || !supervise_notify_ready())
		stopping = 1;
	write_status(&m);
	supervise(&m);
	stop_children(&m);
	if (cfg.pidfile != NULL)
		unlink(cfg.pidfile);
	if (cfg.notifier_pidfile != NULL)
		unlink(cfg.notifier_pidfile);
	close(m.fd);
	unlink(cfg.socket_path);
	view_set_free(m.views);
	log_info("portal stopped");
	return 0;
}
