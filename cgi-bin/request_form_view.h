/*
 * The new-request form (request_form_view.c): which fields a person sees
 * and the page itself.
 */
#ifndef PORTAL_REQUEST_FORM_VIEW_H
#define PORTAL_REQUEST_FORM_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "policy.h"
#include "request_form.h"

/* Whether the form shows (and the portal reads) field `f` of `kind` for
 * this person. */
bool   request_field_shown(struct ctx *, enum request_kind, enum request_field f);

/* The department's structure: a bureau or district must be one of its own
 * (a spelling that matches no approver would route nowhere). Sets the
 * errors; how many. */
size_t request_form_check_structure(const struct policy *, char *const values[RF__MAX],
           const char *errors[RF__MAX]);

/* The form's heading and lead for this person: an outside agency's in
 * the department's name. */
void   request_form_title(struct ctx *, enum request_kind, char *title, size_t tlen,
           char *desc, size_t dlen);

/* The form of `kind` with `status`. `values` fill the inputs (what was
 * typed after an error, defaults otherwise); `errors` and `rules` (the rule
 * behind each error) may be NULL. */
void   request_form_show(struct ctx *, int status, enum request_kind, char *const values[RF__MAX],
           const char *const errors[RF__MAX], const struct rule *const rules[RF__MAX]);

#endif
