/*
 * Pages: one dictionary per request, the page template expanded first and
 * then placed in the layout (department name, navigation by role, unread
 * count). Errors are full pages, or JSON on JSON routes.
 */
#ifndef PORTAL_PAGE_H
#define PORTAL_PAGE_H

#include "app.h"
#include "buf.h"
#include "view.h"

/* A new dictionary for a page, holding what every page shows. */
struct view_dict *page_dict(struct ctx *);
/* Expands `tpl` with `d` inside the layout and sends it; frees `d`. */
void              page_send(struct ctx *, int status, const char *title,
                      const char *tpl, struct view_dict *d);
/* A full error page (or {"error": ...} on JSON routes). `clause` may be NULL. */
void              page_error(struct ctx *, int status, const char *message,
                      const char *clause);
void              json_send(struct ctx *, int status, struct buf *);

#endif
