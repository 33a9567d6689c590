#include "form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const struct form_limits form_default_limits = {
	.max_bytes = (size_t)128 * 1024,
	.max_pairs = 256,
};

void
form_init(struct form *f)
{
	f->pairs = NULL;
	f->n = 0;
}

void
form_free(struct form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->pairs[i].name);
		free(f->pairs[i].value);
	}
	free(f->pairs);
	form_init(f);
}

const char *
form_error_text(enum form_error e)
{
	switch (e) {
	case FORM_OK:         return "no error";
	case FORM_TOO_LARGE:  return "The form is larger than this portal accepts.";
	case FORM_TOO_MANY:   return "The form has more fields than this portal accepts.";
	case FORM_BAD_ESCAPE: return "The form is not correctly encoded (a '%' escape is malformed).";
	case FORM_NUL:        return "The form contains a NUL byte, which no field may hold.";
	case FORM_CONTROL:    return "The form contains a control character, which no field may hold.";
	case FORM_BAD_UTF8:   return "The form contains bytes that are not valid UTF-8 text.";
	case FORM_NOMEM:      return "The server ran out of memory reading the form.";
	}
	return "The form could not be read.";
}

bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned char c = *p;
		size_t n;
		unsigned long cp;

		if (c < 0x80) {
			p++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3; cp = c & 0x07;
		} else
			return false;	/* continuation byte, 0xc0/0xc1, > 0xf4 */
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		p += n + 1;
	}
	return true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes src[0..len) into a new NUL-terminated string in *out. */
static enum form_error
decode(const char *src, size_t len, char **out)
{
	char *dst;
	size_t i, j;

	if (len == SIZE_MAX || (dst = malloc(len + 1)) == NULL)
		return FORM_NOMEM;
	for (i = j = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			int hi, lo;

			if (i + 2 >= len || (hi = hexval(src[i + 1])) < 0 ||
			    (lo = hexval(src[i + 2])) < 0) {
				free(dst);
				return FORM_BAD_ESCAPE;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0') {
			free(dst);
			return FORM_NUL;
		}
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
			free(dst);
			return FORM_CONTROL;
		}
		dst[j++] = (char)c;
	}
	dst[j] = '\0';
	if (!utf8_valid(dst, j)) {
		free(dst);
		return FORM_BAD_UTF8;
	}
	/* The C1 controls U+0080..U+009F (NEL, CSI...) are control characters
	 * too: in valid UTF-8 they are 0xC2 followed by 0x80..0x9F. */
	for (i = 0; i + 1 < j; i++)
		if ((unsigned char)dst[i] == 0xc2 && (unsigned char)dst[i + 1] <= 0x9f) {
			free(dst);
			return FORM_CONTROL;
		}
	*out = dst;
	return FORM_OK;
}

enum form_error
form_parse(struct form *f, const char *src, size_t len,
    const struct form_limits *lim)
{
	size_t start, end, cap = 0;
	enum form_error e;

	form_init(f);
	if (lim == NULL)
		lim = &form_default_limits;
	if (len > lim->max_bytes)
		return FORM_TOO_LARGE;
	if (memchr(src, '\0', len) != NULL)
		return FORM_NUL;
	for (start = 0; start < len; start = end + 1) {
		const char *eq;
		size_t nlen, seglen;
		struct form_pair *pair;

		end = start;
		while (end < len && src[end] != '&')
			end++;
		seglen = end - start;
		if (seglen == 0)
			continue;	/* "a=1&&b=2": empty sequences are skipped */
		if (f->n == lim->max_pairs) {
			form_free(f);
			return FORM_TOO_MANY;
		}
		if (f->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct form_pair *np;

			if ((np = realloc(f->pairs, ncap * sizeof(*np))) == NULL) {
				form_free(f);
				return FORM_NOMEM;
			}
			f->pairs = np;
			cap = ncap;
		}
		eq = memchr(src + start, '=', seglen);
		nlen = eq ? (size_t)(eq - (src + start)) : seglen;
		pair = &f->pairs[f->n];
		pair->name = pair->value = NULL;
		if ((e = decode(src + start, nlen, &pair->name)) != FORM_OK) {
			form_free(f);
			return e;
		}
		e = eq ? decode(eq + 1, seglen - nlen - 1, &pair->value)
		       : decode("", 0, &pair->value);
		if (e != FORM_OK) {
			free(pair->name);
			form_free(f);
			return e;
		}
		f->n++;
	}
	return FORM_OK;
}

const char *
form_get_nth(const struct form *f, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->pairs[i].name, name) == 0 && nth-- == 0)
			return f->pairs[i].value;
	return NULL;
}

const char *
form_get(const struct form *f, const char *name)
{
	return form_get_nth(f, name, 0);
}

size_t
form_count(const struct form *f, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->pairs[i].name, name) == 0)
			n++;
	return n;
}

bool
form_add(struct form *f, const char *name, const char *value)
{
	struct form_pair *np;

	if ((np = realloc(f->pairs, (f->n + 1) * sizeof(*np))) == NULL)
		return false;
	f->pairs = np;
	np[f->n].name = strdup(name);
	np[f->n].value = strdup(value);
	if (np[f->n].name == NULL || np[f->n].value == NULL) {
		free(np[f->n].name);
		free(np[f->n].value);
		return false;
	}
	f->n++;
	return true;
}
