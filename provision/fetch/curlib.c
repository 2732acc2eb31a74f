/* provision/fetch/curlib.c — loading libcurl on first use (curlib.h) */
#include "curlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct vp_curl_lib vp_curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[VP_ERROR_MAX];

static void load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;
	const curl_version_info_data *v;
	CURLcode rc;

	if (!h) {
		snprintf(load_error, sizeof(load_error),
			 "cannot load libcurl (libcurl.so.4; Debian package libcurl4): %s", dlerror());
		return;
	}
#define VP_CURL_LOAD(f)                                                  \
	if (!(vp_curl.f = (__typeof__(f) *)dlsym(h, #f)) && !missing)   \
		missing = #f;
	VP_CURL_FUNCS(VP_CURL_LOAD)
#undef VP_CURL_LOAD
	if (missing) {
		snprintf(load_error, sizeof(load_error),
			 "the libcurl installed here is too old: it has no %s", missing);
		return;
	}
	v = vp_curl.curl_version_info(CURLVERSION_NOW);
	if (!v || v->version_num < 0x075500) {
		snprintf(load_error, sizeof(load_error),
			 "the libcurl installed here (%s) is too old: vprov needs 7.85 or later",
			 v && v->version ? v->version : "unknown version");
		return;
	}
	rc = vp_curl.curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		snprintf(load_error, sizeof(load_error), "cannot initialise libcurl: %s",
			 vp_curl.curl_easy_strerror(rc));
}

int vp_curl_load(struct vp_error *err)
{
	pthread_once(&once, load);
	if (load_error[0])
		return vp_error_set(err, VP_ERR_RUNTIME, "%s", load_error);
	return 0;
}
