#include "mail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "field.h"

/* RFC 5322 §2.1.1: a line SHOULD be at most 78 characters, MUST be at
 * most 998, CRLF excluded; we keep to 78 (but for a long address, at most
 * 254). RFC 2045 §6.7 (5): a quoted-printable line is at most 76. */
#define LINE_SHOULD 78
#define QP_LINE     76

static bool
is_ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Text that may go into a header as it is: printable ASCII with nothing a
 * mail reader would take for an encoded word ("=?", RFC 2047 §6.1), which
 * would show other words than were written. */
static bool
header_plain(const char *s)
{
	return is_ascii_printable(s) && strstr(s, "=?") == NULL;
}

/* The length of the buffer's last line so far (after its last CRLF). */
static size_t
line_length(const struct buf *b)
{
	size_t i = b->len;

	while (i > 0 && b->data[i - 1] != '\n')
		i--;
	return b->len - i;
}

/* RFC 2047 encoded words, folded between words. Each word holds whole
 * UTF-8 characters, so each decodes alone (RFC 2047 §5 (3)). An encoded
 * word is an atom (its characters are all atext), so it is also safe in a
 * phrase: no ',' '"' or '<' of the text can reach the header as such. */
static void
encode_words(struct buf *b, const char *text)
{
	/* 39 bytes -> 52 base64 characters: a word of 64, and a header line of
	 * at most 76 with its name (RFC 2047 §2). */
	const size_t chunk = 39;
	size_t len = strlen(text), off = 0;

	while (off < len) {
		char encoded[sodium_base64_ENCODED_LEN(39, sodium_base64_VARIANT_ORIGINAL)];
		size_t n = len - off < chunk ? len - off : chunk;

		/* Never split a UTF-8 sequence between two encoded words. */
		while (off + n < len && n > 1 && ((unsigned char)text[off + n] & 0xc0) == 0x80)
			n--;
		sodium_bin2base64(encoded, sizeof(encoded), (const unsigned char *)text + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		if (off > 0)
			buf_puts(b, "\r\n ");
		buf_printf(b, "=?UTF-8?B?%s?=", encoded);
		off += n;
	}
}

/*
 * Printable ASCII as an unstructured field body (RFC 5322 §3.2.5), folded
 * (§2.2.3: a CRLF put before a space that is already there, so unfolding
 * gives the text back) to keep lines within 78 where the words allow. Each
 * folded line starts with its spaces and then a word, never white space
 * only. Writes nothing and returns false when a word is too long for a line
 * of 78: encoded words, which can be cut anywhere, take the text then.
 */
static bool
fold_ascii(struct buf *b, const char *text)
{
	size_t col0 = line_length(b);
	int pass;

	for (pass = 0; pass < 2; pass++) {
		size_t col = col0, i = 0, len = strlen(text);

		while (i < len) {
			size_t j = i, k;

			while (j < len && text[j] == ' ')
				j++;
			k = j;
			while (k < len && text[k] != ' ')
				k++;
			/* [i, k): spaces then a word; fold before it when the line
			 * would be too long, if it has a word and is not the first. */
			if (k > j && i > 0 && col + (k - i) > LINE_SHOULD) {
				if (pass == 1)
					buf_puts(b, "\r\n");
				col = 0;
			}
			col += k - i;
			if (col > LINE_SHOULD)
				return false;
			if (pass == 1)
				buf_append(b, text + i, k - i);
			i = k;
		}
	}
	return true;
}

void
mail_encode_header(struct buf *b, const char *text)
{
	if (header_plain(text) && fold_ascii(b, text))
		return;
	encode_words(b, text);
}

void
mail_encode_phrase(struct buf *b, const char *name)
{
	const char *p;
	size_t quoted = 2;

	for (p = name; *p != '\0'; p++)
		quoted += *p == '"' || *p == '\\' ? 2 : 1;
	/* RFC 5322 §3.2.4: a quoted-string, '"' and '\' escaped, so a ',' or a
	 * '<' of a name is text, never an address or a list separator. */
	if (header_plain(name) && line_length(b) + quoted <= LINE_SHOULD) {
		buf_putc(b, '"');
		for (p = name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(b, '\\');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
		return;
	}
	encode_words(b, name);
}

/* A header value may never carry a line break (header injection). */
static bool
header_safe(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

/* An addr-spec that stands alone between angle brackets: one '@' with text
 * on both sides, printable ASCII without white space or the specials that
 * would end it or start another address (RFC 5322 §3.2.3, §3.4.1). The
 * form's own check (field.c) is stricter; this one guards the header. */
static bool
address_safe(const char *s)
{
	const char *at;

	if (s == NULL || (at = strchr(s, '@')) == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strlen(s) > 254)
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    strchr("<>()[]\\,;:\"", *s) != NULL)
			return false;
	return true;
}

/* The id of a notification: digits only (it names a file of the spool and
 * stands in the Message-ID). */
static bool
id_safe(const char *s)
{
	size_t n = s != NULL ? strspn(s, "0123456789") : 0;

	return n > 0 && n <= 20 && s[n] == '\0';
}

/* "Name <address>": the name as a phrase, the address on the same line
 * when it fits in 78, else on a folded line of its own. */
static void
name_addr(struct buf *b, const char *name, const char *address)
{
	if (*name != '\0') {
		mail_encode_phrase(b, name);
		buf_puts(b, line_length(b) + 3 + strlen(address) > LINE_SHOULD ? "\r\n " : " ");
	}
	buf_printf(b, "<%s>\r\n", address);
}

/*
 * The body as quoted-printable (RFC 2045 §6.7): LF line ends become CRLF
 * (hard line breaks), a bare CR is dropped; every encoded line is at most
 * 76 characters, longer ones broken with a soft line break ("=" at the end).
 * A UTF-8 character's escapes stay on one line. Space and tab are escaped
 * at the end of a line (rule 3). A '.' beginning a line stays as it is:
 * curl doubles it on the wire (RFC 5321 §4.5.2), and the lines are far
 * below the 1,000-octet limit even so.
 */
/* The next byte that reaches the wire: CRs are dropped. */
static const unsigned char *
skip_cr(const unsigned char *p)
{
	while (*p == '\r')
		p++;
	return p;
}

static void
qp_body(struct buf *b, const char *body)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)body;
	size_t col = 0;

	while (*(p = skip_cr(p)) != '\0') {
		const unsigned char *next;
		size_t n = 1, k, width;
		bool literal, line_ends;

		if (*p == '\n') {
			buf_puts(b, "\r\n");
			col = 0;
			p++;
			continue;
		}
		/* One character: a whole UTF-8 sequence if it is one. */
		if (*p >= 0xc0)
			while (n < 4 && (p[n] & 0xc0) == 0x80)
				n++;
		next = skip_cr(p + n);
		line_ends = *next == '\0' || *next == '\n';
		literal = (*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && !line_ends);
		width = literal ? 1 : 3 * n;
		/* Room for the character and, unless the line ends after it, the
		 * "=" of a soft line break. */
		if (col + width > (line_ends ? QP_LINE : QP_LINE - 1)) {
			buf_puts(b, "=\r\n");
			col = 0;
		}
		for (k = 0; k < n; k++) {
			if (literal)
				buf_putc(b, (char)p[k]);
			else {
				buf_putc(b, '=');
				buf_putc(b, hex[p[k] >> 4]);
				buf_putc(b, hex[p[k] & 15]);
			}
		}
		col += width;
		p += n;
	}
	if (col > 0)
		buf_puts(b, "\r\n");
}

bool
mail_format(struct buf *b, const struct mail_config *cfg, const struct mail_message *m,
    const char *date)
{
	if (!address_safe(m->to_address) || !header_safe(m->to_name) || !header_safe(m->subject) ||
	    !address_safe(cfg->from) || !id_safe(m->notification_id) || !header_safe(date) ||
	    m->body == NULL)
		return false;
	buf_printf(b, "Date: %s\r\n", date);
	buf_puts(b, "From: ");
	name_addr(b, "Mutual Aid Portal", cfg->from);
	buf_puts(b, "To: ");
	name_addr(b, m->to_name, m->to_address);
	buf_puts(b, "Subject: ");
	mail_encode_header(b, m->subject);
	buf_puts(b, "\r\n");
	buf_printf(b, "Message-ID: <notification-%s@mutual-aid-portal>\r\n", m->notification_id);
	buf_puts(b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\nAuto-Submitted: auto-generated\r\n\r\n");
	qp_body(b, m->body);
	return !buf_failed(b);
}

struct upload {
	const char *data;
	size_t      left;
};

static size_t
read_upload(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->data, n);
	u->data += n;
	u->left -= n;
	return n;
}

void
mail_sender_close(struct mail_sender *s)
{
	if (s != NULL && s->curl != NULL)
		curl_easy_cleanup(s->curl);
	if (s != NULL)
		s->curl = NULL;
}

static bool
deliver_smtp(const struct mail_config *cfg, struct mail_sender *sender,
    const struct mail_message *m, const struct buf *msg, char *err, size_t errlen)
{
	CURL *curl;
	struct curl_slist *rcpt = NULL;
	struct upload up = { msg->data, msg->len };
	char from[300], to[300];
	CURLcode rc;

	/* Reuse the kept handle: curl_easy_reset() keeps its live connection. */
	if (sender != NULL && sender->curl != NULL) {
		curl = sender->curl;
		curl_easy_reset(curl);
	} else
		curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return false;
	}
	snprintf(from, sizeof(from), "<%s>", cfg->from);
	snprintf(to, sizeof(to), "<%s>", m->to_address);
	if ((rcpt = curl_slist_append(rcpt, to)) == NULL) {
		curl_easy_cleanup(curl);
		if (sender != NULL)
			sender->curl = NULL;
		snprintf(err, errlen, "out of memory");
		return false;
	}
	curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	/* A server that accepts the connection and then stalls must not hold
	 * the outbox: the whole exchange of one message is bounded, and after
	 * the timeout the message is retried later like any other failure. */
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, cfg->timeout_seconds > 0 ? cfg->timeout_seconds : 30L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	/* STARTTLS as mail_tls.h says (smtps:// is TLS from the start, whatever
	 * the mode). The certificate and the host name are always verified:
	 * libcurl's defaults, set here so that nothing turns them off. */
	if ((rc = curl_easy_setopt(curl, CURLOPT_USE_SSL, cfg->tls == MAIL_TLS_REQUIRED ?
	    (long)CURLUSESSL_ALL : cfg->tls == MAIL_TLS_TRY ? (long)CURLUSESSL_TRY :
	    (long)CURLUSESSL_NONE)) != CURLE_OK ||
	    (rc = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L)) != CURLE_OK ||
	    (rc = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L)) != CURLE_OK) {
		/* Never send with less protection than asked for. */
		snprintf(err, errlen, "TLS settings refused: %s", curl_easy_strerror(rc));
		curl_slist_free_all(rcpt);
		curl_easy_cleanup(curl);
		if (sender != NULL)
			sender->curl = NULL;
		return false;
	}
	if (cfg->smtp_user != NULL && *cfg->smtp_user != '\0') {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
	}
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	/* After a failure start over with a new connection. */
	if (sender != NULL && rc == CURLE_OK)
		sender->curl = curl;
	else {
		curl_easy_cleanup(curl);
		if (sender != NULL)
			sender->curl = NULL;
	}
	return rc == CURLE_OK;
}

/* Writes the message as spool_dir/notification-ID.eml, atomically: a
 * reader never sees half a file, and writing it again replaces it. */
static bool
deliver_file(const struct mail_config *cfg, const struct mail_message *m,
    const struct buf *msg, char *err, size_t errlen)
{
	char tmp[4096], final[4096];
	int fd;
	ssize_t w;

	snprintf(tmp, sizeof(tmp), "%s/.notification-%s.tmp", cfg->spool_dir, m->notification_id);
	snprintf(final, sizeof(final), "%s/notification-%s.eml", cfg->spool_dir, m->notification_id);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) {
		snprintf(err, errlen, "open %s: %s", tmp, strerror(errno));
		return false;
	}
	w = write(fd, msg->data, msg->len);
	if (w < 0 || (size_t)w != msg->len || fsync(fd) < 0) {
		snprintf(err, errlen, "write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return false;
	}
	if (close(fd) < 0 || rename(tmp, final) < 0) {
		snprintf(err, errlen, "rename to %s: %s", final, strerror(errno));
		unlink(tmp);
		return false;
	}
	return true;
}

bool
mail_deliver(const struct mail_config *cfg, struct mail_sender *sender,
    const struct mail_message *m, char *err, size_t errlen)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	struct buf msg;
	bool ok;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0) {
		snprintf(err, errlen, "no date");
		return false;
	}
	buf_init(&msg);
	if (!mail_format(&msg, cfg, m, date)) {
		buf_free(&msg);
		snprintf(err, errlen, "the message could not be formatted (bad address?)");
		return false;
	}
	ok = cfg->smtp_url != NULL ? deliver_smtp(cfg, sender, m, &msg, err, errlen)
	                           : deliver_file(cfg, m, &msg, err, errlen);
	buf_free(&msg);
	return ok;
}
