#define _GNU_SOURCE	/* memfd_create(2) */
#include "hashgate.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/*
 * The places are the bytes 0..slots-1 of an anonymous file (memfd) that
 * the master creates and the workers inherit; a worker holds a place with
 * a POSIX record lock on its byte (fcntl F_SETLK). Record locks belong to
 * the process and the kernel drops them when it dies, so a worker killed
 * in the middle of a hash (SIGKILL, a crash) never leaks its place, which a
 * semaphore would.
 */
static int gate_fd = -1;
static int gate_slots;
static int held = -1;   /* the byte this process holds, or -1 */

bool
hashgate_init(int slots)
{
	int fd;

	if (slots < 1)
		return false;
	if ((fd = memfd_create("portal-hashgate", MFD_CLOEXEC)) < 0) {
		log_warn("hash gate: memfd_create: %s", strerror(errno));
		return false;
	}
	if (ftruncate(fd, slots) < 0) {
		log_warn("hash gate: ftruncate: %s", strerror(errno));
		close(fd);
		return false;
	}
	gate_fd = fd;
	gate_slots = slots;
	return true;
}

static bool
try_place(int i)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = i;
	fl.l_len = 1;
	return fcntl(gate_fd, F_SETLK, &fl) == 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
hashgate_enter(int wait_ms)
{
	long long deadline;
	int i;

	if (gate_fd < 0)
		return true;
	if (held >= 0)	/* one place per process is all a worker ever needs */
		return true;
	deadline = now_ms() + (wait_ms > 0 ? wait_ms : 0);
	for (;;) {
		for (i = 0; i < gate_slots; i++)
			if (try_place(i)) {
				held = i;
				return true;
			}
		if (now_ms() >= deadline)
			return false;
		{
			struct timespec pause = { 0, 5L * 1000 * 1000 };

			nanosleep(&pause, NULL);
		}
	}
}

void
hashgate_leave(void)
{
	struct flock fl;

	if (gate_fd < 0 || held < 0)
		return;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_UNLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = held;
	fl.l_len = 1;
	if (fcntl(gate_fd, F_SETLK, &fl) < 0)
		log_warn("hash gate: unlock: %s", strerror(errno));
	held = -1;
}
