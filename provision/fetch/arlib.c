/* provision/fetch/arlib.c — loading libarchive on first use (arlib.h) */
#include "arlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct vp_archive_lib vp_ar;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[VP_ERROR_MAX];

static void load(void)
{
	void *h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!h) {
		snprintf(load_error, sizeof(load_error),
			 "cannot load libarchive (libarchive.so.13; Debian package libarchive13): %s",
			 dlerror());
		return;
	}
#define VP_AR_LOAD(f)                                                  \
	if (!(vp_ar.f = (__typeof__(f) *)dlsym(h, #f)) && !missing)   \
		missing = #f;
	VP_ARCHIVE_FUNCS(VP_AR_LOAD)
#undef VP_AR_LOAD
	if (missing)
		snprintf(load_error, sizeof(load_error),
			 "the libarchive installed here is too old: it has no %s", missing);
}

int vp_archive_load(struct vp_error *err)
{
	pthread_once(&once, load);
	if (load_error[0])
		return vp_error_set(err, VP_ERR_RUNTIME, "%s", load_error);
	return 0;
}
