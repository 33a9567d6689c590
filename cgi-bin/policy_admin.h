/* portalctl's policy commands (policy_admin.c). */
#ifndef PORTAL_POLICY_ADMIN_H
#define PORTAL_POLICY_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

struct db;

#define POLICY_EXIT_BAD 2   /* the file has problems: nothing was changed */
#define POLICY_EXIT_DB  1   /* the database failed */

/* The file a policy argument names: a path, or a preset of PORTAL_ROOT. */
bool policy_path(const char *name, char *out, size_t len);

int  policy_cmd_check(const char *arg);
/* The rules of a file, one a line, tab-separated (no database). */
int  policy_cmd_rules(const char *arg);
int  policy_cmd_load(struct db *, const char *arg, const char *who);
/* Loads the policy only when none was ever loaded (first start). */
int  policy_cmd_init(struct db *, const char *arg, const char *who);
int  policy_cmd_show(struct db *);

#endif
