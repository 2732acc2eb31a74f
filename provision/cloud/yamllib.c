/* provision/cloud/yamllib.c — loading libyaml on first use (yamllib.h) */
#include "yamllib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct vp_yaml_lib vp_yaml;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[VP_ERROR_MAX];

static void load(void)
{
	void *h = dlopen("libyaml-0.so.2", RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!h) {
		snprintf(load_error, sizeof(load_error),
			 "cannot load libyaml (libyaml-0.so.2; Debian package libyaml-0-2): %s",
			 dlerror());
		return;
	}
#define VP_YAML_LOAD(f)                                                  \
	if (!(vp_yaml.f = (__typeof__(f) *)dlsym(h, #f)) && !missing)   \
		missing = #f;
	VP_YAML_FUNCS(VP_YAML_LOAD)
#undef VP_YAML_LOAD
	if (missing)
		snprintf(load_error, sizeof(load_error),
			 "the libyaml installed here is too old: it has no %s", missing);
}

int vp_yaml_load(struct vp_error *err)
{
	pthread_once(&once, load);
	if (load_error[0])
		return vp_error_set(err, VP_ERR_RUNTIME, "%s", load_error);
	return 0;
}
