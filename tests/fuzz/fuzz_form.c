/*
 * form_parse() (form.c), the strict application/x-www-form-urlencoded parser
 * of request bodies and query strings, with the default limits and with
 * tight ones. The input is used twice: as a body (the bytes as they are,
 * NUL included, as http_read_body() passes them) and as a query string
 * (up to its first NUL, as http_parse_query() passes QUERY_STRING).
 *
 * Invariants of an accepted form: at most max_pairs pairs; every name and
 * value valid UTF-8 (RFC 3629) with no NUL and no control character but TAB,
 * CR and LF; form_get / form_count agree with the pairs; and the form,
 * encoded again, parses back to the same pairs. A refused input leaves an
 * empty form and an error with a text.
 */
#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "fuzz.h"

static void
check_text(const char *s)
{
	const unsigned char *p;

	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(utf8_valid(s, strlen(s)));
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		FUZZ_CHECK((*p >= 0x20 && *p != 0x7f) || *p == '\t' || *p == '\r' || *p == '\n');
}

/* The pairs encoded again; '&' between pairs, '=' always written. */
static void
encode(struct buf *b, const struct form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (i > 0)
			buf_putc(b, '&');
		buf_urlencode(b, f->pairs[i].name);
		buf_putc(b, '=');
		buf_urlencode(b, f->pairs[i].value);
	}
}

static void
check_form(const struct form *f, const struct form_limits *lim)
{
	struct form again;
	struct buf b;
	size_t i;

	FUZZ_CHECK(f->n <= lim->max_pairs);
	for (i = 0; i < f->n; i++) {
		const char *name = f->pairs[i].name;
		size_t k, before = 0;

		check_text(name);
		check_text(f->pairs[i].value);
		for (k = 0; k < i; k++)
			if (strcmp(f->pairs[k].name, name) == 0)
				before++;
		/* The (before)-th value of this name is this pair's. */
		FUZZ_CHECK(form_get_nth(f, name, before) == f->pairs[i].value);
		FUZZ_CHECK(form_count(f, name) > before);
		if (before == 0)
			FUZZ_CHECK(form_get(f, name) == f->pairs[i].value);
	}
	/* Round trip: what it accepted, encoded again, reads the same. The
	 * encoding may be up to three times longer than the values. */
	buf_init(&b);
	encode(&b, f);
	FUZZ_CHECK(!buf_failed(&b));
	FUZZ_CHECK(form_parse(&again, b.data ? b.data : "", b.len,
	    &(struct form_limits){ b.len, lim->max_pairs }) == FORM_OK);
	/* Pairs whose name and value are both empty encode as "=" and come
	 * back; none is ever dropped or added. */
	FUZZ_CHECK(again.n == f->n);
	for (i = 0; i < f->n; i++) {
		FUZZ_CHECK(strcmp(again.pairs[i].name, f->pairs[i].name) == 0);
		FUZZ_CHECK(strcmp(again.pairs[i].value, f->pairs[i].value) == 0);
	}
	form_free(&again);
	buf_free(&b);
}

static void
parse_and_check(const char *src, size_t len, const struct form_limits *lim)
{
	struct form f;
	enum form_error e;

	e = form_parse(&f, src, len, lim);
	FUZZ_CHECK(form_error_text(e) != NULL);
	if (e != FORM_OK) {
		/* Refused whole: nothing half-parsed reaches a handler. */
		FUZZ_CHECK(f.n == 0 && f.pairs == NULL);
		FUZZ_CHECK(e == FORM_TOO_LARGE || e == FORM_TOO_MANY || e == FORM_BAD_ESCAPE ||
		    e == FORM_NUL || e == FORM_CONTROL || e == FORM_BAD_UTF8 || e == FORM_NOMEM);
		if (e == FORM_TOO_LARGE)
			FUZZ_CHECK(len > lim->max_bytes);
		return;
	}
	FUZZ_CHECK(len <= lim->max_bytes);
	check_form(&f, lim);
	form_free(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct form_limits tight = { 64, 4 };
	char *body, *query;

	/* The body: an exact-size heap copy, so ASan sees any read past it. */
	body = malloc(size ? size : 1);
	FUZZ_CHECK(body != NULL);
	memcpy(body, data, size);
	parse_and_check(body, size, &form_default_limits);
	parse_and_check(body, size, &tight);
	free(body);

	/* The query string. */
	query = fuzz_cstr(data, size);
	parse_and_check(query, strlen(query), &form_default_limits);
	free(query);
	return 0;
}
