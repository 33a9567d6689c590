#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* The format attribute lets the compiler check vfprintf()'s format (clang's
 * -Wformat-nonliteral refuses it otherwise). */
static void log_line(const char *, const char *, va_list)
	__attribute__((format(printf, 2, 0)));

static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		when[0] = '\0';
	fprintf(stderr, "%s [%ld] %s: ", when, (long)getpid(), level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	(void)fflush(stderr);	/* a log line that fails has nowhere to go */
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warn", fmt, ap);
	va_end(ap);
}
