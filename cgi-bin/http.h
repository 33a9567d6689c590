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

#define HTTP_BODY_MAX (32 * 1024)

enum http_method { METHOD_GET, METHOD_HEAD, METHOD_POST, METHOD_OTHER };

struct http_request {
	FCGX_Request    *fcgi;
	enum http_method method;
	const char      *method_name;
	const char      *path;         /* DOCUMENT_URI: normalized by nginx */
	const char      *query;        /* QUERY_STRING, may be "" */
	const char      *remote_addr;
	const char      *cookie;       /* HTTP_COOKIE or NULL */
	const char      *sec_fetch_site;
	bool             https;
	struct form      query_form;   /* parsed query string */
	struct form      body_form;    /* parsed urlencoded body (POST) */
	/* Response headers added by handlers (Set-Cookie, Location, Allow). */
	struct buf       headers;
	bool             responded;
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
const char      *http_status_text(int status);

#endif
