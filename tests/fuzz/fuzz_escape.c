/*
 * The encoders that put untrusted text into responses (buf.c):
 * buf_json_str() (JSON, RFC 8259 §7, also safe inside HTML) and
 * buf_urlencode() (query-string values, RFC 3986 §2).
 *
 * Invariants: the JSON is one string literal, with no raw control character,
 * '<', '>' or '&', that a JSON reader decodes back to the text; the
 * percent-encoding holds only unreserved characters and "%XX", and
 * form_parse() reads it back to the text (when the text is one a form may
 * carry at all).
 */
#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "fuzz.h"

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Reads one JSON string literal (RFC 8259 §7), escapes of ASCII only, as the
 * encoder writes them; the decoded bytes go to out. False when malformed. */
static bool
json_read(const char *s, char *out)
{
	if (*s++ != '"')
		return false;
	for (; *s != '"'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\0' || c < 0x20 || c == '<' || c == '>' || c == '&')
			return false;
		if (c != '\\') {
			*out++ = (char)c;
			continue;
		}
		switch (*++s) {
		case '"':  *out++ = '"'; break;
		case '\\': *out++ = '\\'; break;
		case '/':  *out++ = '/'; break;
		case 'n':  *out++ = '\n'; break;
		case 'r':  *out++ = '\r'; break;
		case 't':  *out++ = '\t'; break;
		case 'b':  *out++ = '\b'; break;
		case 'f':  *out++ = '\f'; break;
		case 'u': {
			int v = 0, i, h;

			for (i = 1; i <= 4; i++) {
				if ((h = hexval(s[i])) < 0)
					return false;
				v = v * 16 + h;
			}
			if (v == 0 || v > 0x7f)
				return false;   /* the encoder escapes ASCII only */
			*out++ = (char)v;
			s += 4;
			break;
		}
		default:
			return false;
		}
	}
	*out = '\0';
	return s[1] == '\0';
}

/*
 * A control character no field may hold: C0 but TAB, CR and LF, DEL, and
 * the C1 controls U+0080..U+009F (0xC2 0x80..0x9F in UTF-8).
 */
static bool
has_control(const char *text)
{
	const unsigned char *p;

	if (strpbrk(text, "\x01\x02\x03\x04\x05\x06\x07\x08"
	    "\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f") != NULL)
		return true;
	for (p = (const unsigned char *)text; p[0] != '\0'; p++)
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *back;
	size_t len = strlen(text), i;
	struct buf b;
	struct form f;

	buf_init(&b);
	buf_json_str(&b, text);
	FUZZ_CHECK(!buf_failed(&b));
	back = malloc(b.len + 1);
	FUZZ_CHECK(back != NULL);
	FUZZ_CHECK(json_read(b.data, back));
	FUZZ_CHECK(strcmp(back, text) == 0);
	free(back);
	buf_free(&b);

	buf_init(&b);
	buf_puts(&b, "v=");
	buf_urlencode(&b, text);
	FUZZ_CHECK(!buf_failed(&b));
	for (i = 2; i < b.len; i++) {
		char c = b.data[i];

		if (c == '%') {
			FUZZ_CHECK(i + 2 < b.len && hexval(b.data[i + 1]) >= 0 && hexval(b.data[i + 2]) >= 0);
			i += 2;
		} else
			FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL);
	}
	if (form_parse(&f, b.data, b.len, &(struct form_limits){ b.len, 1 }) == FORM_OK) {
		FUZZ_CHECK(f.n == 1 && strcmp(f.pairs[0].value, text) == 0);
		form_free(&f);
	} else
		/* Refused only for what no form may carry. */
		FUZZ_CHECK(!utf8_valid(text, len) || has_control(text));
	buf_free(&b);
	free(text);
	return 0;
}
