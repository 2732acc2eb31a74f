/* provision/cloud/gfs.c — loading libguestfs on first use (gfs.h) */
#include "gfs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct vp_gfs_lib vp_gfs;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[VP_ERROR_MAX];

static void load(void)
{
	void *h = dlopen("libguestfs.so.0", RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!h) {
		snprintf(load_error, sizeof(load_error),
			 "cannot load libguestfs (libguestfs.so.0; Debian package libguestfs0): %s",
			 dlerror());
		return;
	}
#define VP_GFS_LOAD(f)                                                  \
	if (!(vp_gfs.f = (__typeof__(f) *)dlsym(h, #f)) && !missing)   \
		missing = #f;
	VP_GFS_FUNCS(VP_GFS_LOAD)
#undef VP_GFS_LOAD
	if (missing)
		snprintf(load_error, sizeof(load_error),
			 "the libguestfs installed here is too old: it has no %s", missing);
}

int vp_gfs_load(struct vp_error *err)
{
	pthread_once(&once, load);
	if (load_error[0])
		return vp_error_set(err, VP_ERR_RUNTIME, "%s", load_error);
	return 0;
}

void vp_gfs_strv_free(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}
