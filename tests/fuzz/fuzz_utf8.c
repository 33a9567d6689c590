/*
 * utf8_valid() (form.c) and utf8_length() (field.c) against a reference
 * decoder written from the table of well-formed byte sequences, Unicode
 * §3.9 Table 3-7 (the same set as RFC 3629 §4's ABNF): a differential test.
 */
#include <stdbool.h>
#include <string.h>

#include "field.h"
#include "form.h"
#include "fuzz.h"

/* Length of the well-formed sequence at s[0..n), or 0 when there is none. */
static size_t
reference_sequence(const unsigned char *s, size_t n)
{
	/* Table 3-7: first byte range, then the range of the second byte. */
	static const struct { unsigned char lo, hi, lo2, hi2; size_t len; } rows[] = {
		{ 0x00, 0x7f, 0, 0, 1 },
		{ 0xc2, 0xdf, 0x80, 0xbf, 2 },
		{ 0xe0, 0xe0, 0xa0, 0xbf, 3 },
		{ 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 },
		{ 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 },
		{ 0xf1, 0xf3, 0x80, 0xbf, 4 },
		{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};
	size_t r, k;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		if (s[0] < rows[r].lo || s[0] > rows[r].hi)
			continue;
		if (rows[r].len > n)
			return 0;
		if (rows[r].len > 1 && (s[1] < rows[r].lo2 || s[1] > rows[r].hi2))
			return 0;
		for (k = 2; k < rows[r].len; k++)
			if (s[k] < 0x80 || s[k] > 0xbf)
				return 0;
		return rows[r].len;
	}
	return 0;
}

/* Whether s[0..n) is well-formed; *chars is its number of code points. */
static bool
reference_valid(const unsigned char *s, size_t n, size_t *chars)
{
	size_t i = 0, len;

	*chars = 0;
	while (i < n) {
		if ((len = reference_sequence(s + i, n - i)) == 0)
			return false;
		i += len;
		(*chars)++;
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chars, cut;
	bool valid = reference_valid(data, size, &chars);
	char *copy;

	/* An exact-size heap copy: any read past the end is an ASan report. */
	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	FUZZ_CHECK(utf8_valid(copy, size) == valid);
	free(copy);

	/* utf8_length() counts the characters of a valid NUL-terminated string. */
	if (valid && memchr(data, 0, size) == NULL) {
		char *s = fuzz_cstr(data, size);

		FUZZ_CHECK(utf8_length(s) == chars);
		free(s);
	}
	/* Valid text split anywhere: each side is valid exactly when the cut
	 * falls between two characters. */
	if (valid && size > 0) {
		size_t c1, c2;
		bool v1, v2;

		cut = data[0] % (size + 1);
		v1 = utf8_valid((const char *)data, cut);
		v2 = utf8_valid((const char *)data + cut, size - cut);
		FUZZ_CHECK(v1 == reference_valid(data, cut, &c1));
		FUZZ_CHECK(v2 == reference_valid(data + cut, size - cut, &c2));
		FUZZ_CHECK(v1 == v2);
		if (v1)
			FUZZ_CHECK(c1 + c2 == chars);
	}
	return 0;
}
