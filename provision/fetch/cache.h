/* provision/fetch/cache.h — the download cache's files, shared by
 * download.c and cache.c (callers use fetch.h)
 *
 * <cache_dir>/fetch/<key>.data holds a verified download; <key>.json its
 * sidecar; <key> is the SHA-256 (hex) of the URL with any user:password@
 * taken out.  Temporary files are "<key>.data.<pid>.<random>.tmp" (and
 * .json.<pid>.<random>.tmp): vp_cache_prune() removes those of processes
 * that are gone.
 */
#ifndef VP_FETCH_CACHE_H
#define VP_FETCH_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct vp_cache_meta {
	char *url;                 /* without user:password@ */
	char *sha256;              /* of the .data file, hex */
	char *etag, *last_modified;/* the HTTP validators as the server sent them; NULL: none */
	uint64_t size;
	int64_t filetime;          /* the file's time (seconds) for file:// and FTP; -1 unknown */
	int64_t fetched_ms, used_ms;
};

/* "<cache_dir>/fetch" (malloc'd), made with mode 0755 when make is set. */
char *vp_cache_fetch_dir(const char *cache_dir, bool make, struct vp_error *err);

/* A name for a temporary file beside base: "<base>.<pid>.<random>.tmp". */
char *vp_cache_tmp_name(const char *base);

/* Read a sidecar: 0, or -1 when it is missing or not one of ours. */
int vp_cache_meta_read(const char *json_path, struct vp_cache_meta *m);
/* Write a sidecar atomically (a uniquely named temporary file renamed over
 * it, so threads and processes writing the same entry never mix). */
int vp_cache_meta_write(const char *json_path, const struct vp_cache_meta *m, bool durable,
			struct vp_error *err);
void vp_cache_meta_clear(struct vp_cache_meta *m);

#endif
