/*
 * Password rules of NIST SP 800-63B §5.1.1.2 (CJIS Security Policy 5.6.2.1
 * follows it): at least password_min_length characters (a setting, 12),
 * at most PASSWORD_MAX bytes, no composition rules, no periodic change; a
 * password is refused when it is common or easily guessed (libcrack2's
 * FascistCheck and its dictionary, on the password and on its letters
 * alone, so that "password1234" is the word it is) or when little of it is
 * left once the login, the person's name and the department's name are
 * taken out of it (context-specific words).
 */
#ifndef PORTAL_PASSWORD_H
#define PORTAL_PASSWORD_H

struct db;

#define PASSWORD_MIN_DEFAULT 12

/* NULL when `password` may be used, else why not, in words a person
 * understands (static storage, valid until the next call). `login`, `name`
 * and `department` may be NULL; `db` (may be NULL) gives the setting. */
const char *password_rules(struct db *, const char *password, const char *login,
                const char *name, const char *department);

#endif
