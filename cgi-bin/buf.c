#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Makes room for `more` bytes plus a terminating NUL. */
static bool
buf_reserve(struct buf *b, size_t more)
{
	size_t need, ncap;
	char *p;

	if (b->failed)
		return false;
	if (more > SIZE_MAX / 2 - b->len - 1) {
		b->failed = true;
		return false;
	}
	need = b->len + more + 1;
	if (need <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	if ((p = realloc(b->data, ncap)) == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = ncap;
	b->data[b->len] = '\0';
	return true;
}

void
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0 || !buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	if (vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n) {
		b->failed = true;
		return;
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *
buf_cstr(struct buf *b)
{
	if (b->data == NULL && !buf_reserve(b, 0))
		return "";
	return b->data;
}

bool
buf_failed(const struct buf *b)
{
	return b->failed;
}

char *
buf_take(struct buf *b)
{
	char *p;

	(void)buf_cstr(b);
	p = b->data;
	buf_init(b);
	return p;
}

void
buf_json_str(struct buf *b, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':  buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '<':  buf_puts(b, "\\u003c"); break; /* safe inside HTML too */
		case '>':  buf_puts(b, "\\u003e"); break;
		case '&':  buf_puts(b, "\\u0026"); break;
		default:
			if (*p < 0x20)
				buf_printf(b, "\\u%04x", *p);
			else
				buf_putc(b, (char)*p);
		}
	}
	buf_putc(b, '"');
}

void
buf_urlencode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~')
			buf_putc(b, (char)*p);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

bool
buf_read_file(struct buf *b, const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	char chunk[8192];
	size_t n, start = b->len;
	bool ok;

	if (f == NULL)
		return false;
	while (b->len - start <= max && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, n);
	ok = !ferror(f) && !buf_failed(b);
	/* Read only: a failing close loses nothing that was read. */
	if (fclose(f) != 0)
		ok = false;
	return ok;
}
