#include "password.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <crack.h>

#include "account.h"
#include "db.h"
#include "field.h"

/* What is left of a password once context words are taken out must have
 * at least this many letters and digits (NIST SP 800-63B §5.1.1.2). */
#define CONTEXT_LEFT_MIN 8

static char message[400];

static int
min_length(struct db *db)
{
	DB_STATEMENT(sql, "password.min_length", 0,
	    "SELECT setting_int('password_min_length', 12) AS n");
	PGresult *res = db != NULL ? db_run(db, &sql, NULL) : NULL;
	long long n = res != NULL && PQntuples(res) == 1 ? db_int(res, 0, "n") : PASSWORD_MIN_DEFAULT;

	PQclear(res);
	return n >= 8 && n <= 64 ? (int)n : PASSWORD_MIN_DEFAULT;
}

/* The letters and digits of `s`, lower case (ASCII; other bytes kept). */
static void
folded(const char *s, char *out, size_t outlen, int letters_only)
{
	size_t o = 0;

	for (; s != NULL && *s != '\0' && o + 1 < outlen; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x80 || isalpha(ch) || (!letters_only && isdigit(ch)))
			out[o++] = (char)tolower(ch);
	}
	out[o] = '\0';
}

/* Cuts every occurrence of `w` (3 characters or more) out of `pw`. */
static void
cut_all(char *pw, const char *w)
{
	char *hit;

	if (strlen(w) < 3)
		return;
	while ((hit = strstr(pw, w)) != NULL)
		memmove(hit, hit + strlen(w), strlen(hit + strlen(w)) + 1);
}

/* Removes from `pw` (folded) every occurrence of `words` and of each of
 * its words of 3 characters or more (folded). */
static void
remove_words(char *pw, const char *words)
{
	char w[PASSWORD_MAX + 1];
	const char *p = words;

	/* The whole first ("ac-8e7" as "ac8e7"), then each of its words. */
	folded(words, w, sizeof(w), 0);
	cut_all(pw, w);
	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, " -._'");
		char word[128];

		snprintf(word, sizeof(word), "%.*s", (int)(n < 127 ? n : 127), p);
		folded(word, w, sizeof(w), 0);
		cut_all(pw, w);
		p += n;
		p += strspn(p, " -._'");
	}
}

/* libcrack2's verdict on `s`: NULL or its reason. */
static const char *
cracklib(const char *s)
{
	const char *dict = GetDefaultCracklibDict();
	char pwd[512];

	snprintf(pwd, sizeof(pwd), "%s.pwd", dict);
	if (access(pwd, R_OK) != 0)
		return "the portal's password dictionary is missing (cracklib-runtime); tell an administrator";
	return FascistCheck(s, dict);
}

const char *
password_rules(struct db *db, const char *password, const char *login, const char *name,
    const char *department)
{
	char left[PASSWORD_MAX + 1], letters[PASSWORD_MAX + 1];
	const char *why;
	int min = min_length(db);

	if (password == NULL || utf8_length(password) < (size_t)min) {
		snprintf(message, sizeof(message), "The password must have at least %d characters. "
		    "A passphrase of several unrelated words is long and easy to remember.", min);
		return message;
	}
	if (strlen(password) > PASSWORD_MAX)
		return "The password must have at most 256 bytes.";
	if (!utf8_valid(password, strlen(password)))
		return "The password is not valid UTF-8 text.";
	folded(password, left, sizeof(left), 0);
	remove_words(left, login);
	remove_words(left, name);
	remove_words(left, department);
	if (strlen(left) < CONTEXT_LEFT_MIN)
		return "The password is too close to your login, your name or the department's name. "
		    "Choose one that does not contain them.";
	folded(password, letters, sizeof(letters), 1);
	if ((why = cracklib(password)) != NULL ||
	    (strlen(letters) >= 4 && (why = cracklib(letters)) != NULL &&
	     strstr(why, "dictionary") != NULL && strlen(password) - strlen(letters) <= 6)) {
		snprintf(message, sizeof(message), "The password is too easy to guess (%s). Choose "
		    "another, for example several unrelated words.", why);
		return message;
	}
	return NULL;
}
