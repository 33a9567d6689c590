#define _GNU_SOURCE	/* initgroups(3) */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

static bool
write_atomically(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	int fd;
	bool ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return false;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		log_warn("%s: %s", tmp, strerror(errno));
		return false;
	}
	ok = write(fd, data, len) == (ssize_t)len;
	if (close(fd) < 0)
		ok = false;
	if (!ok || rename(tmp, path) < 0) {
		log_warn("%s: %s", path, strerror(errno));
		unlink(tmp);
		return false;
	}
	return true;
}

bool
supervise_pidfile(const char *path, pid_t pid)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%ld\n", (long)pid);

	return path == NULL || write_atomically(path, line, (size_t)n);
}

bool
supervise_drop_privileges(const char *user)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		log_warn("no such user %s", user);
		return false;
	}
	/* Group first, while we still may; then the supplementary groups. */
	if (setgid(pw->pw_gid) < 0 || initgroups(user, pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		log_warn("cannot become %s: %s", user, strerror(errno));
		return false;
	}
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		log_warn("root could be regained after becoming %s: refusing to go on", user);
		return false;
	}
	return true;
}

pid_t
supervise_spawn_program(const char *program, const char *dsn, const char *logpath)
{
	pid_t pid = fork();

	if (pid < 0) {
		log_warn("fork: %s", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		char *const argv[] = { (char *)program, NULL };
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0 && null != STDIN_FILENO) {
			(void)dup2(null, STDIN_FILENO);
			close(null);
		}
		if (logpath != NULL) {
			int out = open(logpath, O_WRONLY | O_APPEND | O_CREAT, 0640);

			if (out < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
				_exit(127);
			if (out > STDERR_FILENO)
				close(out);
		}
		(void)setsid();
		/* Background work yields to the pages: the notifier runs at a
		 * lower priority than the workers (raising it back needs a
		 * privilege it does not have). */
		if (setpriority(PRIO_PROCESS, 0, SUPERVISE_BACKGROUND_NICE) < 0)
			log_warn("setpriority: %s", strerror(errno));
		if (dsn != NULL && setenv("PORTAL_DB_DSN", dsn, 1) < 0)
			_exit(127);
		execv(program, argv);
		log_warn("cannot run %s: %s", program, strerror(errno));
		_exit(127);
	}
	return pid;
}

static void
child_json(struct buf *b, const char *name, const struct child *c)
{
	buf_printf(b, "\"%s\": {\"pid\": %ld, \"started\": %lld, \"restarts\": %u}", name,
	    (long)c->pid, (long long)c->started, c->restarts);
}

bool
supervise_status(const char *path, pid_t master, time_t started, const struct child *workers,
    int nworkers, const struct child *notifier)
{
	struct buf b;
	unsigned restarts = 0;
	int i;
	bool ok;

	if (path == NULL)
		return true;
	buf_init(&b);
	buf_printf(&b, "{\"portal\": {\"pid\": %ld, \"started\": %lld, \"workers\": [", (long)master,
	    (long long)started);
	for (i = 0; i < nworkers; i++) {
		buf_printf(&b, "%s%ld", i ? ", " : "", (long)workers[i].pid);
		restarts += workers[i].restarts;
	}
	buf_printf(&b, "], \"worker_restarts\": %u}", restarts);
	if (notifier != NULL) {
		buf_puts(&b, ", ");
		child_json(&b, "notifier", notifier);
	}
	buf_puts(&b, "}\n");
	ok = !buf_failed(&b) && write_atomically(path, b.data, b.len);
	buf_free(&b);
	return ok;
}

/*
 * systemd's readiness protocol (sd_notify(3), "READY=1" as one datagram to
 * $NOTIFY_SOCKET; '@' names an abstract socket), written out rather than
 * linking libsystemd for one datagram. Without NOTIFY_SOCKET (not under
 * systemd's Type=notify) there is nothing to tell: true.
 */
bool
supervise_notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	static const char ready[] = "READY=1";
	struct sockaddr_un sa;
	socklen_t len;
	int fd;
	bool ok;

	if (path == NULL || *path == '\0')
		return true;
	if ((path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path)) {
		log_warn("NOTIFY_SOCKET %s: not a socket path", path);
		return false;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		log_warn("NOTIFY_SOCKET: %s", strerror(errno));
		return false;
	}
	ok = sendto(fd, ready, sizeof(ready) - 1, 0, (struct sockaddr *)&sa, len) ==
	    (ssize_t)(sizeof(ready) - 1);
	if (!ok)
		log_warn("NOTIFY_SOCKET %s: %s", path, strerror(errno));
	close(fd);
	/* Said once, by the master: a notifier started later must not. */
	unsetenv("NOTIFY_SOCKET");
	return ok;
}
