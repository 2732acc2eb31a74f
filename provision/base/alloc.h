/* provision/base/alloc.h — allocation and string helpers that never fail
 * (out of memory aborts with one line, as there is nothing sane to undo).
 * NULL in gives NULL out where a string is copied. */
#ifndef VP_ALLOC_H
#define VP_ALLOC_H

#include <stddef.h>

/* strdup; NULL stays NULL. */
char *vp_strdup(const char *s);
/* The first n bytes of s (fewer when s is shorter), terminated. */
char *vp_strndup(const char *s, size_t n);
/* asprintf. */
char *vp_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Replace *dst by a copy of s. */
void vp_set_str(char **dst, const char *s);
/* reallocarray. */
void *vp_grow(void *p, size_t n, size_t size);
/* calloc(n, size) with n * size checked. */
void *vp_calloc(size_t n, size_t size);
/* Append s (taken) to the list of *n strings. */
void vp_strings_add(char ***list, size_t *n, char *s);
/* Free n strings and the list. */
void vp_strings_free(char **list, size_t n);
/* Out of memory: one line on stderr, then abort. */
__attribute__((noreturn)) void vp_oom(void);

#endif
