/*
 * The status banner at the top of a request's page (issue 13): the state in
 * plain words, whom the request waits for and since when, and what was
 * provisionally authorized. Who acts next is read from the policy (the
 * approve rule in force, the dispatch and close rules' actors), never
 * written here.
 */
#ifndef PORTAL_REQUEST_BANNER_H
#define PORTAL_REQUEST_BANNER_H

#include <stddef.h>

#include "app.h"
#include "view.h"

/* Sets BANNER_STATE, BANNER_WAIT (who it waits for, or absent), BANNER_SINCE
 * ("12 min") and BANNER_PROVISIONAL in `d`, from a request_fetch() row. */
void request_banner(struct ctx *, struct view_dict *d, const PGresult *req);

/* "12 min", "3 h 5 min", "2 days": a duration in minutes, in words. */
void minutes_words(long long minutes, char *out, size_t len);

#endif
