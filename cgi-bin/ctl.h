/*
 * portalctl's own pieces (portalctl.c is the command table and main):
 * ctl.c the owner's connection and how errors are said, ctl_migrate.c
 * migrations and the first policy, ctl_user.c accounts and the demo.
 *
 * Exit codes, for every command: 0 done; CTL_FAILED the database failed or
 * was unreachable; CTL_BAD_INPUT bad input (one line on stderr naming the
 * problem; nothing changed).
 */
#ifndef PORTAL_CTL_H
#define PORTAL_CTL_H

#include <stdbool.h>

struct buf;
struct db;

#define CTL_FAILED    1
#define CTL_BAD_INPUT 2

/* "portalctl: <message>" on stderr; CTL_BAD_INPUT. */
int  ctl_bad_input(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "portalctl: <what>: <the database's error>" on stderr; CTL_FAILED. */
int  ctl_failed(struct db *, const char *what);
/* The name recorded as who did it: the operator's login, else "portalctl". */
const char *ctl_operator(void);
/* Connects as the owner role (PORTAL_OWNER_DSN, PORTAL_DSN, or the local
 * cluster of PORTAL_VAR); `dsn` (initialised by the caller) keeps the
 * connection string for the PostgreSQL programs backup and restore run. */
bool ctl_connect_owner(struct db *, struct buf *dsn);

int  ctl_migrate(struct db *);
int  ctl_init(struct db *, int argc, char **argv);
int  ctl_demo(struct db *);
int  ctl_user_add(struct db *, int argc, char **argv);
int  ctl_user_duty(struct db *, int argc, char **argv);
int  ctl_user_list(struct db *);
int  ctl_user_totp(struct db *, int argc, char **argv);
int  ctl_setting(struct db *, int argc, char **argv);
int  ctl_audit_list(struct db *, int argc, char **argv);
/* --totp-secret of user add: `given` checked as base32, or "new" made into
 * `made` (33 bytes); NULL when neither. */
const char *ctl_totp_choose(const char *given, char made[33]);
/* Sets the second factor of `login` in the open transaction. */
bool ctl_totp_set(struct db *, const char *login, const char *secret);
/* The second factor of an account just created, in the open transaction:
 * `secret` when given; none when `none` (--no-totp: it enrols at its first
 * sign-in); else one made into `made` (33 bytes) when the account must
 * have one (sql/016), `made` left as it was otherwise. */
bool ctl_totp_for_new(struct db *, const char *login, const char *secret, bool none, char made[33]);

#endif
