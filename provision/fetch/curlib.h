/* provision/fetch/curlib.h — libcurl, loaded on first use
 *
 * Downloads go through libcurl (libcurl.so.4); like libvirt
 * (provision/virt.h) and libarchive (arlib.h) it is dlopen()ed by the
 * commands that download, so no other command pays for loading it.  Call
 * through the table: vp_curl.curl_easy_init().  Types come from libcurl's
 * own headers with __typeof__, so every call is still type-checked; a
 * function missing from the list fails to compile.
 *
 * curl's own type-checking macros (curl/typecheck-gcc.h) would turn
 * vp_curl.curl_easy_setopt(...) into a macro call, so they are off here;
 * download.c sets options through small typed helpers instead.
 */
#ifndef VP_CURLIB_H
#define VP_CURLIB_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "error.h"

#define VP_CURL_FUNCS(X)                                                                  \
	X(curl_global_init) X(curl_version_info)                                             \
	X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_setopt) X(curl_easy_getinfo)      \
	X(curl_easy_strerror) X(curl_easy_perform)                                           \
	X(curl_multi_init) X(curl_multi_cleanup) X(curl_multi_setopt)                        \
	X(curl_multi_add_handle) X(curl_multi_remove_handle) X(curl_multi_perform)           \
	X(curl_multi_poll) X(curl_multi_info_read) X(curl_multi_strerror)                    \
	X(curl_share_init) X(curl_share_cleanup) X(curl_share_setopt) X(curl_share_strerror) \
	X(curl_slist_append) X(curl_slist_free_all)

struct vp_curl_lib {
#define VP_CURL_MEMBER(f) __typeof__(f) *f;
	VP_CURL_FUNCS(VP_CURL_MEMBER)
#undef VP_CURL_MEMBER
};

extern struct vp_curl_lib vp_curl;

/* Load libcurl.so.4 and run curl_global_init() once per process
 * (thread-safe); -1 with a sentence in err when it cannot be loaded or is
 * older than 7.85 (CURLOPT_PROTOCOLS_STR). */
int vp_curl_load(struct vp_error *err);

#endif
