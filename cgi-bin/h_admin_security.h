/*
 * The administrator's security operations on an account (h_admin.c's
 * account_ops): reset its second factor, end all its sessions. Each, like
 * the other operations, runs in the caller's transaction and is audited
 * by it with `note`. NULL on success or the problem in words.
 */
#ifndef PORTAL_H_ADMIN_SECURITY_H
#define PORTAL_H_ADMIN_SECURITY_H

#include <stddef.h>

#include "password.h"   /* h_admin.c's password rules come with it */

struct ctx;

const char *admin_op_totp_reset(struct ctx *, const char *op, const char *id, const char *login,
                char *note, size_t notelen);
const char *admin_op_end_sessions(struct ctx *, const char *op, const char *id, const char *login,
                char *note, size_t notelen);

#endif
