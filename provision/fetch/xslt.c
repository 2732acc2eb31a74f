/* provision/fetch/xslt.c — loading libxslt on first use (xslt.h) */
#include "xslt.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct vp_xslt_lib vp_xslt;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[VP_ERROR_MAX];
static __thread char last_error[VP_ERROR_MAX];

void vp_xslt_keep_error(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	if (last_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

const char *vp_xslt_last_error(void)
{
	return last_error;
}

void vp_xslt_clear_error(void)
{
	last_error[0] = 0;
}

static void load(void)
{
	void *h = dlopen("libxslt.so.1", RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!h) {
		snprintf(load_error, sizeof(load_error),
			 "cannot load libxslt (libxslt.so.1; Debian package libxslt1.1): %s",
			 dlerror());
		return;
	}
#define VP_XSLT_LOAD(f)                                                 \
	if (!(vp_xslt.f = (__typeof__(f) *)dlsym(h, #f)) && !missing)  \
		missing = #f;
	VP_XSLT_FUNCS(VP_XSLT_LOAD)
#undef VP_XSLT_LOAD
	if (missing) {
		snprintf(load_error, sizeof(load_error),
			 "the libxslt installed here is too old: it has no %s", missing);
		return;
	}
	/* libxslt's messages go to stderr unless someone takes them */
	vp_xslt.xsltSetGenericErrorFunc(NULL, vp_xslt_keep_error);
}

int vp_xslt_load(struct vp_error *err)
{
	pthread_once(&once, load);
	if (load_error[0])
		return vp_error_set(err, VP_ERR_RUNTIME, "%s", load_error);
	return 0;
}
