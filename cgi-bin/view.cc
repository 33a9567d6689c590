// The one C++ file: an opaque-handle C API over ctemplate (see view.h).
// No exception may cross into C: every entry point catches them.
#include "view.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <new>
#include <string>
#include <vector>

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>

extern "C" {
#include "buf.h"
}

struct view_set {
	ctemplate::TemplateCache *cache;
};

// A handle on one dictionary of a request's tree. The root handle owns the
// ctemplate dictionary (which owns its sections) and every child handle.
struct view_dict {
	ctemplate::TemplateDictionary *dict;
	view_dict *root;
	std::vector<view_dict *> children;	// only in the root
};

extern "C" struct view_set *
view_set_load(const char *dir, char *err, size_t errlen)
{
	view_set *set = NULL;
	DIR *d = NULL;
	struct dirent *ent;
	size_t loaded = 0;

	try {
		set = new view_set;
		set->cache = new ctemplate::TemplateCache();
		set->cache->SetTemplateRootDirectory(dir);
		if ((d = opendir(dir)) == NULL) {
			snprintf(err, errlen, "cannot open template directory %s", dir);
			view_set_free(set);
			return NULL;
		}
		while ((ent = readdir(d)) != NULL) {
			size_t n = strlen(ent->d_name);

			if (n < 5 || strcmp(ent->d_name + n - 4, ".tpl") != 0)
				continue;
			if (!set->cache->LoadTemplate(ent->d_name, ctemplate::DO_NOT_STRIP)) {
				snprintf(err, errlen, "template %s/%s does not load", dir, ent->d_name);
				closedir(d);
				view_set_free(set);
				return NULL;
			}
			loaded++;
		}
		closedir(d);
		if (loaded == 0) {
			snprintf(err, errlen, "no templates in %s", dir);
			view_set_free(set);
			return NULL;
		}
		// Frozen: no template is ever read from disk again.
		set->cache->Freeze();
		return set;
	} catch (...) {
		snprintf(err, errlen, "out of memory loading templates");
		if (d != NULL)
			closedir(d);
		view_set_free(set);
		return NULL;
	}
}

extern "C" void
view_set_free(struct view_set *set)
{
	if (set == NULL)
		return;
	delete set->cache;
	delete set;
}

extern "C" struct view_dict *
view_dict_new(void)
{
	try {
		view_dict *vd = new view_dict;
		vd->dict = new ctemplate::TemplateDictionary("page");
		vd->root = vd;
		return vd;
	} catch (...) {
		return NULL;
	}
}

extern "C" void
view_dict_free(struct view_dict *vd)
{
	if (vd == NULL || vd->root != vd)
		return;	// children are freed with their root
	for (view_dict *child : vd->children)
		delete child;
	delete vd->dict;
	delete vd;
}

extern "C" void
view_set_str(struct view_dict *vd, const char *key, const char *value)
{
	if (vd == NULL || value == NULL)
		return;
	try {
		vd->dict->SetValue(key, value);
	} catch (...) {
	}
}

extern "C" void
view_set_int(struct view_dict *vd, const char *key, long long value)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", value);
	view_set_str(vd, key, num);
}

extern "C" void
view_show(struct view_dict *vd, const char *section)
{
	if (vd == NULL)
		return;
	try {
		vd->dict->ShowSection(section);
	} catch (...) {
	}
}

extern "C" struct view_dict *
view_add(struct view_dict *vd, const char *section)
{
	view_dict *h = NULL;

	if (vd == NULL)
		return NULL;
	try {
		h = new view_dict;
		h->root = vd->root;
		h->root->children.push_back(h);
	} catch (...) {
		delete h;
		return NULL;
	}
	try {
		h->dict = vd->dict->AddSectionDictionary(section);
	} catch (...) {
		h->dict = NULL;
		return NULL;	// freed with the root
	}
	return h;
}

extern "C" bool
view_expand(struct view_set *set, const char *name, struct view_dict *vd, struct buf *out)
{
	if (set == NULL || vd == NULL)
		return false;
	try {
		std::string text;
		if (!set->cache->ExpandWithData(name, ctemplate::DO_NOT_STRIP, vd->dict, NULL, &text))
			return false;
		buf_append(out, text.data(), text.size());
		return !buf_failed(out);
	} catch (...) {
		return false;
	}
}
