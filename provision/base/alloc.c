/* provision/base/alloc.c — allocation that aborts on out-of-memory */
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void vp_oom(void)
{
	static const char msg[] = "vprov: out of memory\n";

	/* no stdio: it may itself need memory */
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	abort();
}

char *vp_strdup(const char *s)
{
	char *r;

	if (!s)
		return NULL;
	r = strdup(s);
	if (!r)
		vp_oom();
	return r;
}

char *vp_strndup(const char *s, size_t n)
{
	char *r;

	if (!s)
		return NULL;
	r = strndup(s, n);
	if (!r)
		vp_oom();
	return r;
}

char *vp_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	if (vasprintf(&r, fmt, ap) < 0)
		vp_oom();
	va_end(ap);
	return r;
}

void vp_set_str(char **dst, const char *s)
{
	char *copy = vp_strdup(s);

	free(*dst);
	*dst = copy;
}

void *vp_grow(void *p, size_t n, size_t size)
{
	void *r = reallocarray(p, n ? n : 1, size);

	if (!r)
		vp_oom();
	return r;
}

void *vp_calloc(size_t n, size_t size)
{
	void *r = calloc(n ? n : 1, size ? size : 1);

	if (!r)
		vp_oom();
	return r;
}

void vp_strings_add(char ***list, size_t *n, char *s)
{
	*list = vp_grow(*list, *n + 1, sizeof(char *));
	(*list)[(*n)++] = s;
}

void vp_strings_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}
