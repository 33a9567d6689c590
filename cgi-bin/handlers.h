/* The route handlers (one file per concern: h_*.c). */
#ifndef PORTAL_HANDLERS_H
#define PORTAL_HANDLERS_H

#include "app.h"

void h_healthz(struct ctx *);
void h_healthz_json(struct ctx *);
void h_home(struct ctx *);
void h_duty(struct ctx *);
/* The viewer's duty and the on-call chain, for the home page (h_duty.c). */
bool duty_section(struct ctx *, struct view_dict *);
void h_request_new(struct ctx *);
/* Whether c->me may file the kind (h_request.c). */
bool may_file(struct ctx *, enum request_kind, const struct rule **why);
/* Adds a KIND section (ID, LABEL, DESCRIPTION, CLAUSE) per kind c->me may file. */
void fileable_kinds(struct ctx *, struct view_dict *);
void h_request_create(struct ctx *);
void h_request_show(struct ctx *);
void h_request_json(struct ctx *);
void h_request_print(struct ctx *);
void h_deployments(struct ctx *);
void h_inbox(struct ctx *);
void h_inbox_json(struct ctx *);
void h_notification_ack(struct ctx *);
void h_policy(struct ctx *);
void h_history(struct ctx *);
void h_dashboard(struct ctx *);
/* One's own second factor (h_account.c). */
void h_account_totp(struct ctx *);
void h_account_totp_confirm(struct ctx *);
/* One's account page and sessions (h_sessions.c). */
void h_account(struct ctx *);
void h_account_session_end(struct ctx *);
/* One's own password (h_password.c). */
void h_account_password(struct ctx *);
void h_account_password_change(struct ctx *);
void h_admin_accounts(struct ctx *);
/* The audit trail for administrators (h_admin_audit.c). */
void h_admin_audit(struct ctx *);
void h_admin_account_create(struct ctx *);
void h_admin_account(struct ctx *);
void h_admin_account_update(struct ctx *);
void h_history_json(struct ctx *);
void h_history_csv(struct ctx *);
/* One RFC 4180 CSV field, formulas neutralized. */
void csv_field(struct buf *, const char *);

#endif
