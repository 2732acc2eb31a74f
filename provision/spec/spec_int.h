/* provision/spec/spec_int.h — the sub-option syntax's pieces, shared by the
 * parsers of provision/spec (not for the rest of vprov).
 *
 * virt-install's spelling: comma-separated items, each KEY=VALUE or a bare
 * VALUE; a value may be quoted with ' or " (the quotes go) and ",," is a
 * literal comma. */
#ifndef VP_SPEC_INT_H
#define VP_SPEC_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "spec.h"

struct kv {
	char *key;   /* NULL for a bare item */
	char *value;
};

struct kvlist {
	struct kv *items;
	size_t n;
};

/* Split arg into items; what is the option's name for errors ("--disk"). */
int vp_kv_split(const char *arg, const char *what, struct kvlist *out, struct vp_error *err);
void vp_kvlist_clear(struct kvlist *l);

/* virt-install's rule for free-text values (kernel arguments, a location,
 * a cpuset, ...) that hold commas the user did not double or quote, as
 * after the shell took the quotes of kernel_args="console=ttyS0,115200n8 quiet":
 * an item that known() says is not a sub-option of the option (its key is
 * unknown, or it is a bare value not valid as a bare item there) and that
 * follows an item whose key is in free_text_keys (NULL-terminated; "" stands
 * for a bare first item, the option's positional value) is part of that value:
 * it is appended to it after a comma ("KEY=VALUE" or "VALUE") and leaves
 * the list.  The value goes on taking items until a known one comes.  An
 * unknown item after any other item stays, for the parser to refuse.
 * known gets each item after a free-text one, and opaque. */
void vp_kv_join_free_text(struct kvlist *l, bool (*known)(const struct kv *kv, void *opaque),
			  void *opaque, const char *const *free_text_keys);

/* The settings one argument has given so far: a sub-option said twice is
 * a mistake to report, not "the last one wins". */
#define MAX_SEEN 32

struct seen {
	const char *field[MAX_SEEN]; /* what the item sets */
	const char *as[MAX_SEEN];    /* how the user spelled it */
	size_t n;
};

/* Record that field (spelled as) is set by opt's argument arg; an error
 * when it was set before. */
int vp_seen_once(struct seen *s, const char *field, const char *as, const char *opt,
		 const char *arg, struct vp_error *err);
bool vp_seen_has(const struct seen *s, const char *field);

/* v is one of the NULL-terminated set. */
bool vp_one_of(const char *v, const char *const *set);
/* on/yes/true/1 or off/no/false/0 */
int vp_parse_bool(const char *v, const char *what, enum vp_tristate *out, struct vp_error *err);
/* kv has a non-empty value (opt is the option's name, for the message) */
int vp_kv_need_value(const struct kv *kv, const char *opt, struct vp_error *err);
/* an absolute path of a file, within Linux's limits */
int vp_path_check(const char *what, const char *path, struct vp_error *err);

#endif
