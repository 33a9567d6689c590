/*
 * http_cookie_find() (http.c), the Cookie header lookup behind
 * http_cookie(), against a reference that reads the header the other way
 * round (split at every ';', then drop the spaces before each pair,
 * RFC 6265 §5.4's "; " separator): a differential test.
 *
 * Input: byte 0 chooses the output buffer's size (0..63, or the size the
 * portal uses for the session cookie) and byte 1 the cookie name (the
 * portal's two, or one taken from the input); the rest is the header.
 */
#include <stdbool.h>
#include <string.h>

#include "auth.h"
#include "fuzz.h"
#include "http.h"

/* Reference: the value of the first pair named `name`, its length in *vlen. */
static const char *
reference_find(const char *header, const char *name, size_t *vlen)
{
	const char *pair = header, *semi;
	size_t nlen = strlen(name);

	for (;;) {
		size_t plen;

		semi = strchr(pair, ';');
		plen = semi ? (size_t)(semi - pair) : strlen(pair);
		while (plen > 0 && *pair == ' ') {
			pair++;
			plen--;
		}
		if (plen > nlen && memcmp(pair, name, nlen) == 0 && pair[nlen] == '=') {
			*vlen = plen - nlen - 1;
			return pair + nlen + 1;
		}
		if (semi == NULL)
			return NULL;
		pair = semi + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { SESSION_COOKIE, PRECSRF_COOKIE };
	char *header, *name, *out, *cut;
	const char *want;
	size_t outlen, vlen = 0;
	bool found;

	if (size < 2)
		return 0;
	outlen = data[0] == 0xff ? TOKEN_CHARS + 1 : data[0] % 64;
	header = fuzz_cstr(data + 2, size - 2);
	if (data[1] % 4 < 2)
		name = strdup(names[data[1] % 4]);
	else if ((cut = strchr(header, '|')) != NULL) {
		/* "name|header": a name of the input's own (may be empty). */
		*cut = '\0';
		name = strdup(header);
		memmove(header, cut + 1, strlen(cut + 1) + 1);
	} else
		name = strdup("x");
	FUZZ_CHECK(name != NULL);
	/* Exactly outlen bytes: ASan reports any write past them. */
	out = malloc(outlen ? outlen : 1);
	FUZZ_CHECK(out != NULL);

	found = http_cookie_find(header, name, out, outlen);
	want = reference_find(header, name, &vlen);
	if (want != NULL && vlen + 1 <= outlen) {
		FUZZ_CHECK(found);
		FUZZ_CHECK(strlen(out) == vlen && memcmp(out, want, vlen) == 0);
		FUZZ_CHECK(strchr(out, ';') == NULL);
	} else
		FUZZ_CHECK(!found);   /* absent, or too long: never cut short */
	FUZZ_CHECK(!http_cookie_find(NULL, name, out, outlen));

	free(out);
	free(name);
	free(header);
	return 0;
}
