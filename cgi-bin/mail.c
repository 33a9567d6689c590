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

static bool
is_ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

void
mail_encode_header(struct buf *b, const char *text)
{
	/* 39 bytes -> 52 base64 characters: a word of 64, and a header line of
	 * at most 76 with its name (RFC 2047 §2). */
	const size_t chunk = 39;
	size_t len = strlen(text), off = 0;

	if (is_ascii_printable(text)) {
		buf_puts(b, text);
		return;
	}
	while (off < len) {
		char encoded[sodium_base64_ENCODED_LEN(39, sodium_base64_VARIANT_ORIGINAL)];
		size_t n = len - off < chunk ? len - off : chunk;

		/* Never split a UTF-8 sequence between two encoded words. */
		while (off + n < len && n > 0 && ((unsigned char)text[off + n] & 0xc0) == 0x80)
			n--;
		sodium_bin2base64(encoded, sizeof(encoded), (const unsigned char *)text + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		if (off > 0)
			buf_puts(b, "\r\n ");
		buf_printf(b, "=?UTF-8?B?%s?=", encoded);
		off += n;
	}
}

/* A header value may never carry a line break (header injection). */
static bool
header_safe(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

bool
mail_format(struct buf *b, const struct mail_config *cfg, const struct mail_message *m,
    const char *date)
{
	const char *p;

	if (!header_safe(m->to_address) || !header_safe(m->to_name) || !header_safe(m->subject) ||
	    !header_safe(cfg->from) || strchr(m->to_address, '@') == NULL)
		return false;
	buf_printf(b, "Date: %s\r\n", date);
	buf_printf(b, "From: Mutual Aid Portal <%s>\r\n", cfg->from);
	buf_puts(b, "To: ");
	mail_encode_header(b, m->to_name);
	/* After an encoded word the address goes on a folded line of its own. */
	buf_printf(b, "%s<%s>\r\n", is_ascii_printable(m->to_name) ? " " : "\r\n ", m->to_address);
	buf_puts(b, "Subject: ");
	mail_encode_header(b, m->subject);
	buf_puts(b, "\r\n");
	buf_printf(b, "Message-ID: <notification-%s@mutual-aid-portal>\r\n", m->notification_id);
	buf_puts(b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n");
	/* Body: LF to CRLF; a line starting with '.' is doubled by curl itself
	 * (RFC 5321 §4.5.2), and our lines stay far below 998 bytes. */
	for (p = m->body; *p; p++) {
		if (*p == '\n')
			buf_puts(b, "\r\n");
		else if (*p != '\r')	/* a bare CR never reaches the wire */
			buf_putc(b, *p);
	}
	if (p > m->body && p[-1] != '\n')
		buf_puts(b, "\r\n");
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
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	/* Use TLS when the server offers STARTTLS; smtps:// always uses it. */
	curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
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
