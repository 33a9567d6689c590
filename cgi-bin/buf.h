/*
 * A growable byte buffer that owns its storage. Used for response bodies,
 * JSON, e-mail messages and anything else built piece by piece.
 *
 * Ownership: a struct buf owns `data`; buf_free() releases it. On allocation
 * failure a buffer becomes "failed": later appends are ignored and
 * buf_failed() reports it, so callers check once at the end.
 */
#ifndef PORTAL_BUF_H
#define PORTAL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char   *data;   /* NUL-terminated when len > 0 or after buf_cstr() */
	size_t  len;
	size_t  cap;
	bool    failed;
};

void        buf_init(struct buf *);
void        buf_free(struct buf *);
void        buf_reset(struct buf *);
void        buf_append(struct buf *, const void *, size_t);
void        buf_puts(struct buf *, const char *);
void        buf_putc(struct buf *, char);
void        buf_printf(struct buf *, const char *, ...)
	__attribute__((format(printf, 2, 3)));
void        buf_vprintf(struct buf *, const char *, va_list)
	__attribute__((format(printf, 2, 0)));
const char *buf_cstr(struct buf *);
bool        buf_failed(const struct buf *);
/* Hands the storage to the caller (free() it) and resets the buffer. */
char       *buf_take(struct buf *);

/* Appends the whole file at `path`, reading at most `max` bytes (more than
 * `max` in the file: stops after max + 1, so the caller can tell). False
 * when it cannot be opened or read (errno says why) or memory ran out. */
bool        buf_read_file(struct buf *, const char *path, size_t max);

/* A query-string value, percent-encoded (RFC 3986 unreserved kept). */
void        buf_urlencode(struct buf *, const char *);

/* JSON (RFC 8259): a quoted, escaped string; NULL gives null. */
void        buf_json_str(struct buf *, const char *);

#endif
