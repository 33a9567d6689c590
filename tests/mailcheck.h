/*
 * Readers of the messages mail.c writes, shared by its unit tests
 * (tests/unit/test_mail.c) and its fuzzer (tests/fuzz/fuzz_mail.c). They
 * read the message as a receiving mail program would, independently of
 * mail.c's code: unfolding (RFC 5322 §2.2.3), encoded words (RFC 2047),
 * quoted-strings (RFC 5322 §3.2.4) and quoted-printable (RFC 2045 §6.7).
 * Each returns false or NULL for a malformed message instead of asserting,
 * so that each caller reports in its own way. Strings returned are
 * malloc'ed; the caller frees them.
 */
#ifndef PORTAL_TESTS_MAILCHECK_H
#define PORTAL_TESTS_MAILCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* Every LF is preceded by CR, and there is no bare CR. */
static inline bool
mc_crlf_only(const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			return false;
		if (*p == '\r' && p[1] != '\n')
			return false;
	}
	return true;
}

/* The longest line of s (CRLF excluded). */
static inline size_t
mc_longest_line(const char *s)
{
	size_t longest = 0, n;

	while (*s != '\0') {
		n = strcspn(s, "\r\n");
		if (n > longest)
			longest = n;
		s += n;
		s += strspn(s, "\r\n") > 2 ? 2 : strspn(s, "\r\n");
	}
	return longest;
}

/* The header block (up to and with the CRLF before the empty line) and
 * where the body starts; false when there is no empty line. */
static inline bool
mc_split(const char *msg, char **head, const char **body)
{
	const char *sep = strstr(msg, "\r\n\r\n");

	if (sep == NULL || (*head = strndup(msg, (size_t)(sep - msg) + 2)) == NULL)
		return false;
	*body = sep + 4;
	return true;
}

/* The header block unfolded: every CRLF followed by white space removed,
 * the white space kept. NULL when a line is white space only or the block
 * starts with a continuation (folding that unfolds into something else). */
static inline char *
mc_unfold(const char *head)
{
	char *out = malloc(strlen(head) + 1), *o = out;
	const char *p, *line = head;

	if (out == NULL || head[0] == ' ' || head[0] == '\t') {
		free(out);
		return NULL;
	}
	for (p = head; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			const char *q = line;

			while (q < p && (*q == ' ' || *q == '\t'))
				q++;
			if (q == p) {
				free(out);
				return NULL;
			}
			line = p + 2;
			if (p[2] == ' ' || p[2] == '\t') {
				p++;   /* drop the CRLF, keep the white space */
				continue;
			}
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* How many lines of an unfolded block start with "name:". */
static inline int
mc_count_header(const char *unfolded, const char *name)
{
	size_t n = strlen(name);
	const char *p = unfolded;
	int count = 0;

	while (*p != '\0') {
		if (strncmp(p, name, n) == 0 && p[n] == ':')
			count++;
		p = strstr(p, "\r\n");
		if (p == NULL)
			break;
		p += 2;
	}
	return count;
}

/* The value of header `name` (after "name: ") in an unfolded block. */
static inline char *
mc_header(const char *unfolded, const char *name)
{
	size_t n = strlen(name);
	const char *p = unfolded, *eol;

	while (*p != '\0') {
		eol = strstr(p, "\r\n");
		if (eol == NULL)
			return NULL;
		if (strncmp(p, name, n) == 0 && p[n] == ':' && p[n + 1] == ' ')
			return strndup(p + n + 2, (size_t)(eol - (p + n + 2)));
		p = eol + 2;
	}
	return NULL;
}

/* Whether s[0..n) is whole UTF-8 sequences by their lead bytes (the
 * encoder may carry invalid text, but never cuts a sequence it starts). */
static inline bool
mc_whole_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = s[i] < 0xc0 ? 1 : s[i] < 0xe0 ? 2 : s[i] < 0xf0 ? 3 : 4;
		size_t k;

		if (s[i] >= 0xc0 && i + len > n)
			return false;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80) {
				len = k;
				break;
			}
		i += len;
	}
	return true;
}

/*
 * Decodes text made of RFC 2047 encoded words separated by `sep` (the
 * folding "\r\n " the encoder writes, or " " once unfolded), appending it
 * into out[0..outlen) (NUL-terminated). Checks each word's form, that it is
 * at most 75 characters (§2) and holds whole UTF-8 sequences. The white
 * space between two words is not text (§6.2). Returns the number of words,
 * or -1.
 */
static inline int
mc_decode_words(const char *enc, const char *sep, char *out, size_t outlen)
{
	const char *p = enc;
	size_t used = 0;
	int words = 0;

	out[0] = '\0';
	for (;;) {
		const char *end;
		size_t b64len, binlen = 0;
		unsigned char bin[256];

		if (strncmp(p, "=?UTF-8?B?", 10) != 0 || (end = strstr(p + 10, "?=")) == NULL ||
		    (size_t)(end + 2 - p) > 75)
			return -1;
		b64len = (size_t)(end - (p + 10));
		if (sodium_base642bin(bin, sizeof(bin), p + 10, b64len, NULL, &binlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0 || !mc_whole_utf8(bin, binlen) ||
		    used + binlen + 1 > outlen)
			return -1;
		memcpy(out + used, bin, binlen);
		used += binlen;
		out[used] = '\0';
		words++;
		p = end + 2;
		if (*p == '\0')
			return words;
		if (strncmp(p, sep, strlen(sep)) != 0)
			return -1;
		p += strlen(sep);
	}
}

/*
 * An unfolded "display-name <addr>" or "<addr>" with nothing else (RFC 5322
 * §3.4 name-addr): the name a quoted-string or encoded words separated by a
 * space, then exactly one angle-addr, then the end. The name (unquoted or
 * decoded) goes to name, the address to addr. False for anything else: a
 * list of several addresses, a comma or '<' outside quotes, a second '@'.
 */
static inline bool
mc_parse_mailbox(const char *v, char *name, size_t namelen, char *addr, size_t addrlen)
{
	const char *lt, *gt;
	size_t n = 0;

	name[0] = '\0';
	if (*v == '"') {
		for (v++; *v != '"'; v++) {
			if (*v == '\0' || *v == '\r' || *v == '\n')
				return false;
			if (*v == '\\' && *++v == '\0')
				return false;
			if (n + 1 >= namelen)
				return false;
			name[n++] = *v;
		}
		name[n] = '\0';
		v++;
		if (*v++ != ' ')
			return false;
	} else if (*v == '=') {
		char *words;
		const char *end = strstr(v, " <");

		if (end == NULL || (words = strndup(v, (size_t)(end - v))) == NULL)
			return false;
		n = (size_t)mc_decode_words(words, " ", name, namelen);
		free(words);
		if ((int)n < 1)
			return false;
		v = end + 1;
	}
	if (*v != '<' || (gt = strchr(v, '>')) == NULL || gt[1] != '\0')
		return false;
	lt = v + 1;
	if ((size_t)(gt - lt) + 1 > addrlen || memchr(lt, '<', (size_t)(gt - lt)) != NULL ||
	    memchr(lt, ',', (size_t)(gt - lt)) != NULL || memchr(lt, ' ', (size_t)(gt - lt)) != NULL)
		return false;
	memcpy(addr, lt, (size_t)(gt - lt));
	addr[gt - lt] = '\0';
	return strchr(addr, '@') != NULL && strchr(strchr(addr, '@') + 1, '@') == NULL;
}

static inline int
mc_hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * Decodes a quoted-printable body (RFC 2045 §6.7) into text with CRLF line
 * ends, strictly: only printable ASCII, space and tab; "=XX" with upper-case
 * hex (rule 1); no line over 76 characters (rule 5); no space or tab at the
 * end of a line (rule 3); '=' only in an escape or as a soft line break.
 * NULL when the body breaks any of these.
 */
static inline char *
mc_qp_decode(const char *body)
{
	char *out = malloc(strlen(body) + 1), *o = out;
	const char *p = body;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		size_t len = strcspn(p, "\r\n"), i;
		const char *eol = p + len;

		if (len > 76 || (eol[0] != '\0' && (eol[0] != '\r' || eol[1] != '\n')) ||
		    (len > 0 && (eol[-1] == ' ' || eol[-1] == '\t')))
			goto bad;
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];

			if (c == '=') {
				int hi, lo;

				if (i + 1 == len && eol[0] != '\0')
					break;   /* a soft line break */
				if (i + 2 >= len + 0 || (hi = mc_hexval(p[i + 1])) < 0 ||
				    (lo = mc_hexval(p[i + 2])) < 0)
					goto bad;
				*o++ = (char)(hi << 4 | lo);
				i += 2;
			} else if ((c >= 33 && c <= 126) || c == ' ' || c == '\t')
				*o++ = (char)c;
			else
				goto bad;
		}
		if (eol[0] == '\0')
			break;
		if (!(len > 0 && eol[-1] == '=' && i < len)) {
			*o++ = '\r';
			*o++ = '\n';
		}
		p = eol + 2;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

#endif
