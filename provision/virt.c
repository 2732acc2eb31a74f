/* provision/virt.c — loading libvirt on first use (see virt.h) */
#define VP_VIRT_NO_REDIRECT
#include "virt.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct vp_libvirt vp_lv;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[VP_ERROR_MAX];

static void quiet(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static void load(void)
{
	void *h = dlopen("libvirt.so.0", RTLD_NOW | RTLD_GLOBAL);
	const char *missing = NULL;

	if (!h) {
		snprintf(load_error, sizeof(load_error), "cannot load libvirt (libvirt.so.0): %s",
			 dlerror());
		return;
	}
#define VP_LV_LOAD(f)                                                  \
	if (!(vp_lv.f = (__typeof__(f) *)dlsym(h, #f)) && !missing)   \
		missing = #f;
	VP_LIBVIRT_FUNCS(VP_LV_LOAD)
#undef VP_LV_LOAD
	vp_lv.auth_default = (virConnectAuthPtr *)dlsym(h, "virConnectAuthPtrDefault");
	if (!vp_lv.auth_default && !missing)
		missing = "virConnectAuthPtrDefault";
	if (missing) {
		snprintf(load_error, sizeof(load_error),
			 "the libvirt installed here is too old: it has no %s", missing);
		return;
	}
	vp_lv.virInitialize();
	vp_lv.virSetErrorFunc(NULL, quiet);
}

int vp_libvirt_load(struct vp_error *err)
{
	pthread_once(&once, load);
	if (load_error[0])
		return vp_error_set(err, VP_ERR_RUNTIME, "%s", load_error);
	return 0;
}

void vp_init(void)
{
	vp_libvirt_load(NULL);
}

int vp_error_libvirt_saved(struct vp_error *err, enum vp_errcode code, virErrorPtr saved,
			   const char *fmt, ...)
{
	const char *why = saved && saved->code != VIR_ERR_OK ? saved->message : NULL;
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vp_error_setv(err, code, fmt, ap);
		va_end(ap);
		if (!why || !*why || strcmp(why, "no error") == 0)
			why = "unknown libvirt error";
		vp_error_append_reason(err, why);
		err->cause = saved ? saved->code : 0;
	}
	if (saved)
		vp_lv.virFreeError(saved);
	return -1;
}

int vp_libvirt_error_is(int code)
{
	virErrorPtr e = vp_lv.virGetLastError ? vp_lv.virGetLastError() : NULL;

	return e && e->code == code;
}
