/*
 * One HTTP request as FastCGI hands it over (RFC 3875 meta-variables), and
 * the response written back. Bodies are read only up to a limit: a larger
 * CONTENT_LENGTH is refused before a byte of it is read.
 */
#ifndef PORTAL_HTTP_H
#define PORTAL_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <fcgiapp.h>

#include "buf.h"
#include "form.h"

/* Every field of the longest form at its maximum length in characters of
 * 3 bytes, percent-encoded (9 bytes each), fits: ~10,000 characters. */
#define HTTP_BODY_MAX ((size_t)128 * 1024)

enum http_method { METHOD_GET, METHOD_HEAD, METHOD_POST, METHOD_OTHER };

struct http_request {
	FCGX_Request    *fcgi;
	enum http_method method;
	const char      *method_name;
	const char      *path;         /* DOCUMENT_URI: normalized by nginx */
	const char      *query;        /* QUERY_STRING, may be "" */
	const char      *remote_addr;  /* set by nginx (REMOTE_ADDR), never a
	                                  client's header: see nginx/portal.conf.in */
	const char      *cookie;       /* HTTP_COOKIE or NULL */
	const char      *sec_fetch_site;
	const char      *origin;       /* HTTP_ORIGIN or NULL */
	const char      *host;         /* HTTP_HOST or NULL */
	const char      *user_agent;   /* HTTP_USER_AGENT or NULL */
	const char      *referer;      /* HTTP_REFERER or NULL (login_return.c) */
	bool             https;
	struct form      query_form;   /* parsed query string */
	struct form      body_form;    /* parsed urlencoded body (POST) */
	/* Response headers added by handlers (Set-Cookie, Location, Allow). */
	struct buf       headers;
	/* The response is kept here until http_flush(), so that a request the
	 * database failed before anything was committed can be answered again
	 * from the start (ride-through, app.c). */
	struct buf       out;
	bool             responded;
	bool             streaming;    /* http_begin(): written as it is made */
	bool             body_read;    /* the body was read (once only) */
};

enum body_status {
	BODY_OK,
	BODY_TOO_LARGE,    /* 413 */
	BODY_BAD_TYPE,     /* 415 */
	BODY_BAD_FORM,     /* 400: see *form_error */
	BODY_IO            /* 400 */
};

void             http_request_init(struct http_request *, FCGX_Request *);
void             http_request_free(struct http_request *);
enum form_error  http_parse_query(struct http_request *);
enum body_status http_read_body(struct http_request *, enum form_error *);

/* Whether a Content-Type is application/x-www-form-urlencoded (any case,
 * with or without parameters, white space allowed before the ';'). */
bool             http_form_type_ok(const char *type);

/* Whether an Origin header (RFC 6454 §7) names this site: absent (older
 * browsers, other clients: the CSRF token decides), or exactly
 * "http[s]://" + Host. "null" and every other origin are another site. */
bool             http_same_origin(const char *origin, const char *host, bool https);

/* A cookie's value (copied into out), or false when absent/too long. */
bool             http_cookie(const struct http_request *, const char *name,
                     char *out, size_t outlen);
/* The same on a Cookie header's text (NULL: no header), without FastCGI:
 * the first pair named `name`, its value NUL-terminated in out. */
bool             http_cookie_find(const char *header, const char *name,
                     char *out, size_t outlen);
void             http_add_header(struct http_request *, const char *name,
                     const char *value);
/* Sends status, headers and body. Content-Type given without charset for
 * non-text types. */
void             http_send(struct http_request *, int status, const char *content_type,
                     const char *body, size_t len);
void             http_redirect(struct http_request *, int status, const char *location);
/* Writes the response kept by http_send(). */
void             http_flush(struct http_request *);
/* Forgets the response made so far (not once streaming), to answer again. */
bool             http_reset_response(struct http_request *);

/* A response whose length is not known in advance (an export): the status
 * and headers now, then the body in pieces with http_write(). */
void             http_begin(struct http_request *, int status, const char *content_type);
bool             http_write(struct http_request *, const char *data, size_t len);
const char      *http_status_text(int status);

#endif
