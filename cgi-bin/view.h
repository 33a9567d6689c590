/*
 * C's view of ctemplate (the one C++ file of the portal, view.cc).
 *
 * Templates are loaded and frozen once at start-up (view_set_load); each
 * request builds one dictionary tree (view_dict_new ... view_dict_free) and
 * expands it. Every template starts with {{%AUTOESCAPE context="HTML"}}, so
 * values set here are escaped by ctemplate and never by C.
 *
 * Ownership: a struct view_set and a top-level struct view_dict belong to
 * their creator; section dictionaries belong to their parent and are freed
 * with it.
 */
#ifndef PORTAL_VIEW_H
#define PORTAL_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct view_set;
struct view_dict;
struct buf;

/* Loads every *.tpl of `dir` and freezes the cache. NULL on error, with a
 * message in err. */
struct view_set  *view_set_load(const char *dir, char *err, size_t errlen);
void              view_set_free(struct view_set *);

struct view_dict *view_dict_new(void);
void              view_dict_free(struct view_dict *);
void              view_set_str(struct view_dict *, const char *key, const char *value);
void              view_set_int(struct view_dict *, const char *key, long long value);
void              view_show(struct view_dict *, const char *section);
/* A new repetition of `section`; owned by its parent. NULL on failure. */
struct view_dict *view_add(struct view_dict *, const char *section);

/* Expands template `name` (e.g. "request.tpl") into out; false on error. */
bool              view_expand(struct view_set *, const char *name,
                      struct view_dict *, struct buf *out);

#ifdef __cplusplus
}
#endif

#endif
