#include "http.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *
param(FCGX_Request *r, const char *name)
{
	return FCGX_GetParam(name, r->envp);
}

void
http_request_init(struct http_request *h, FCGX_Request *r)
{
	const char *m, *https;

	memset(h, 0, sizeof(*h));
	h->fcgi = r;
	m = param(r, "REQUEST_METHOD");
	h->method_name = m ? m : "";
	h->method = METHOD_OTHER;
	if (strcmp(h->method_name, "GET") == 0)
		h->method = METHOD_GET;
	else if (strcmp(h->method_name, "HEAD") == 0)
		h->method = METHOD_HEAD;
	else if (strcmp(h->method_name, "POST") == 0)
		h->method = METHOD_POST;
	h->path = param(r, "DOCUMENT_URI");
	if (h->path == NULL)
		h->path = "/";
	h->query = param(r, "QUERY_STRING");
	if (h->query == NULL)
		h->query = "";
	h->remote_addr = param(r, "REMOTE_ADDR");
	if (h->remote_addr == NULL || *h->remote_addr == '\0' || strlen(h->remote_addr) > 64)
		h->remote_addr = "unknown";
	h->cookie = param(r, "HTTP_COOKIE");
	h->sec_fetch_site = param(r, "HTTP_SEC_FETCH_SITE");
	h->origin = param(r, "HTTP_ORIGIN");
	h->host = param(r, "HTTP_HOST");
	h->user_agent = param(r, "HTTP_USER_AGENT");
	h->referer = param(r, "HTTP_REFERER");
	https = param(r, "HTTPS");
	h->https = https != NULL && strcasecmp(https, "on") == 0;
	form_init(&h->query_form);
	form_init(&h->body_form);
	buf_init(&h->headers);
	buf_init(&h->out);
}

void
http_request_free(struct http_request *h)
{
	form_free(&h->query_form);
	form_free(&h->body_form);
	buf_free(&h->headers);
	buf_free(&h->out);
}

enum form_error
http_parse_query(struct http_request *h)
{
	return form_parse(&h->query_form, h->query, strlen(h->query), NULL);
}

bool
http_form_type_ok(const char *type)
{
	static const char form_type[] = "application/x-www-form-urlencoded";
	size_t n = sizeof(form_type) - 1;

	if (type == NULL || strncasecmp(type, form_type, n) != 0)
		return false;
	/* RFC 9110 §8.3.1: type/subtype *( OWS ";" OWS parameter ) */
	for (type += n; *type == ' ' || *type == '\t'; type++)
		;
	return *type == '\0' || *type == ';';
}

enum body_status
http_read_body(struct http_request *h, enum form_error *ferr)
{
	const char *type = param(h->fcgi, "CONTENT_TYPE");
	const char *lenstr = param(h->fcgi, "CONTENT_LENGTH");
	unsigned long long len = 0;
	char *body, *end;
	int got;

	*ferr = FORM_OK;
	if (lenstr != NULL && *lenstr != '\0') {
		errno = 0;
		len = strtoull(lenstr, &end, 10);
		if (errno != 0 || *end != '\0')
			return BODY_IO;
	}
	/* Never trust CONTENT_LENGTH beyond the limit: refuse before reading. */
	if (len > HTTP_BODY_MAX)
		return BODY_TOO_LARGE;
	if (len == 0)
		return BODY_OK;
	if (!http_form_type_ok(type))
		return BODY_BAD_TYPE;
	if ((body = malloc((size_t)len)) == NULL)
		return BODY_IO;
	got = FCGX_GetStr(body, (int)len, h->fcgi->in);
	if (got < 0 || (unsigned long long)got != len) {
		free(body);
		return BODY_IO;
	}
	*ferr = form_parse(&h->body_form, body, (size_t)len, NULL);
	free(body);
	return *ferr == FORM_OK ? BODY_OK : BODY_BAD_FORM;
}

bool
http_same_origin(const char *origin, const char *host, bool https)
{
	const char *scheme = https ? "https://" : "http://";
	size_t n = strlen(scheme);

	if (origin == NULL)
		return true;
	if (host == NULL || *host == '\0')
		return false;
	return strncasecmp(origin, scheme, n) == 0 && strcasecmp(origin + n, host) == 0;
}

bool
http_cookie_find(const char *header, const char *name, char *out, size_t outlen)
{
	const char *p = header;
	size_t nlen = strlen(name);

	if (p == NULL)
		return false;
	/* RFC 6265 §5.4: "name=value" pairs separated by "; ". */
	while (*p != '\0') {
		const char *end;
		size_t vlen;

		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			vlen = (size_t)(end - p) - nlen - 1;
			if (vlen + 1 > outlen)
				return false;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}

bool
http_cookie(const struct http_request *h, const char *name, char *out, size_t outlen)
{
	return http_cookie_find(h->cookie, name, out, outlen);
}

void
http_add_header(struct http_request *h, const char *name, const char *value)
{
	/* Header values come from our own code, never from request input;
	 * refuse CR/LF anyway so a mistake cannot split the response. */
	if (strpbrk(value, "\r\n") != NULL)
		return;
	buf_printf(&h->headers, "%s: %s\r\n", name, value);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

/* The status line and headers into `to`; length < 0: not known (no
 * Content-Length). */
static void
head_into(struct http_request *h, struct buf *to, int status, const char *content_type,
    long long length)
{
	h->responded = true;
	/* libfcgi's own FCGX_FPrintF knows no %zu: format with the C library. */
	buf_printf(to, "Status: %d %s\r\n", status, http_status_text(status));
	if (content_type != NULL)
		buf_printf(to, "Content-Type: %s\r\n", content_type);
	/* Pages carry personal data: never cached by browsers or proxies. */
	buf_puts(to, "Cache-Control: no-store\r\n");
	if (length >= 0)
		buf_printf(to, "Content-Length: %lld\r\n", length);
	buf_append(to, h->headers.data, h->headers.len);
	buf_puts(to, "\r\n");
}

void
http_send(struct http_request *h, int status, const char *content_type,
    const char *body, size_t len)
{
	if (h->responded)
		return;
	head_into(h, &h->out, status, content_type, (long long)len);
	if (h->method != METHOD_HEAD && len > 0)
		buf_append(&h->out, body, len);
}

void
http_flush(struct http_request *h)
{
	if (h->out.len > 0 && !buf_failed(&h->out) && h->out.len <= (size_t)INT_MAX)
		FCGX_PutStr(h->out.data, (int)h->out.len, h->fcgi->out);
	buf_reset(&h->out);
}

bool
http_reset_response(struct http_request *h)
{
	if (h->streaming)
		return false;
	buf_free(&h->out);
	buf_free(&h->headers);
	buf_init(&h->out);
	buf_init(&h->headers);
	h->responded = false;
	return true;
}

void
http_begin(struct http_request *h, int status, const char *content_type)
{
	struct buf head;

	if (h->responded)
		return;
	h->streaming = true;
	buf_init(&head);
	head_into(h, &head, status, content_type, -1);
	if (!buf_failed(&head))
		FCGX_PutStr(head.data, (int)head.len, h->fcgi->out);
	buf_free(&head);
}

bool
http_write(struct http_request *h, const char *data, size_t len)
{
	if (h->method == METHOD_HEAD || len == 0)
		return true;
	return len <= (size_t)INT_MAX && FCGX_PutStr(data, (int)len, h->fcgi->out) == (int)len;
}

void
http_redirect(struct http_request *h, int status, const char *location)
{
	http_add_header(h, "Location", location);
	http_send(h, status, "text/plain; charset=utf-8", "", 0);
}
