/*
 * What the portal's master process does besides the workers: it keeps the
 * notifier running too (restarting it, logged, when it dies), drops root
 * privileges after binding, and says how things stand: a pid file written
 * once it listens (readiness comes from the program, not from reading
 * /proc), and a status file (JSON) with each process's pid, start and
 * restarts, which `portalctl status` and `make status` read.
 */
#ifndef PORTAL_SUPERVISE_H
#define PORTAL_SUPERVISE_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct child {
	pid_t    pid;        /* 0: not running */
	time_t   started;
	unsigned restarts;
};

/* Writes "PID\n" to path atomically (a temporary file renamed). */
bool supervise_pidfile(const char *path, pid_t pid);
/* setgid, initgroups, setuid to `user`, each checked; then refuses to go
 * on if root could be regained. */
bool supervise_drop_privileges(const char *user);
/* The niceness of the background programs the portal starts. */
#define SUPERVISE_BACKGROUND_NICE 10

/* Starts `program` (no arguments) at SUPERVISE_BACKGROUND_NICE, with
 * PORTAL_DB_DSN set to `dsn` when not NULL; its own session, stdin from
 * /dev/null, its output appended to `log` when not NULL. 0 on failure
 * (logged). */
pid_t supervise_spawn_program(const char *program, const char *dsn, const char *log);
/* Tells systemd (Type=notify) that the portal is ready: after the socket
 * listens and the workers run. False when NOTIFY_SOCKET is set and the
 * message could not be sent (logged). */
bool supervise_notify_ready(void);
/* Writes the status file atomically. */
bool supervise_status(const char *path, pid_t master, time_t started, const struct child *workers,
         int nworkers, const struct child *notifier);

#endif
