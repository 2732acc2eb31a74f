/* provision/fetch/fetch.h — downloads through libcurl into a verified cache
 *
 * libcurl is loaded on first use (curlib.h), as libvirt is: commands that
 * never download do not pay for loading it.
 *
 * The cache: <cache_dir>/fetch/<sha256 of the URL>.data with a JSON
 * sidecar <...>.json (url, size, sha256, etag, last_modified, fetched and
 * last-used times).  A download goes to a temporary file in the same
 * directory and is renamed into place only when it is complete and, where
 * a checksum is known, verified: no partial or unverified file is ever
 * visible as cached.  A cached entry is revalidated with the server
 * (If-None-Match / If-Modified-Since): a 304 transfers no body bytes.
 *
 * Transfers: kernel and initrd (any set of items) go in parallel over one
 * curl multi handle with kept-alive connections; redirects are followed;
 * connect and low-speed (stall) timeouts; transient failures (connection
 * reset or refused mid-transfer, 5xx, 408, 429, timeouts) are retried with
 * exponential backoff, resuming with Range from the bytes already in the
 * temporary file; 4xx other than those is final at once.  TLS peer and
 * host verification are always on.  URLs: http, https, ftp, file.
 */
#ifndef VP_FETCH_H
#define VP_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "report.h"

struct vp_fetch_opts {
	const char *cache_dir;            /* vprov's cache dir (vp_cache_dir()); required */
	const struct vp_reporter *reporter; /* progress (stage "download <what>", bytes) and cancel */
	long connect_timeout_ms;          /* 0: 15000 */
	long stall_timeout_ms;            /* below 1 KiB/s for this long: a transient failure; 0: 30000
	                                   * (curl counts it in whole seconds, rounded up) */
	unsigned retries;                 /* further attempts after a transient failure; 0: 4 */
	long backoff_ms;                  /* first retry delay, doubled each time; 0: 500 */
	bool offline;                     /* the cache only: no request at all */
	struct vp_fetch_session *session; /* connections kept between calls; NULL: one call's */
};

/* Connections, DNS answers and TLS sessions kept from one call to the next
 * (a tree's .treeinfo, then its kernel and initrd, over one kept-alive
 * connection).  Any thread may use a session; calls that share one run one
 * at a time.  Free it after the last call that uses it. */
struct vp_fetch_session;
int vp_fetch_session_new(struct vp_fetch_session **out, struct vp_error *err);
void vp_fetch_session_free(struct vp_fetch_session *s);

struct vp_fetch_item {
	/* in */
	const char *url;
	const char *sha256;               /* expected (hex), or NULL when the tree publishes none */
	const char *what;                 /* "kernel", "initrd": names it in messages and progress */
	/* out */
	char *path;                       /* the verified file in the cache (malloc'd) */
	uint64_t size;
	char sha256_hex[65];              /* what the file hashes to */
	bool cached;                      /* served from the cache (revalidated, or offline) */
	uint64_t body_bytes;              /* body bytes received by this call (0 when cached) */
	unsigned attempts;                /* requests made (0: served from the cache unasked) */
};

/* Fetch every item into the cache, in parallel.  A cached entry whose
 * sha256 is the one expected is served without a request; one without an
 * expected sha256 is revalidated.  On failure every item's outputs are
 * cleared (but for attempts and body_bytes, which still say what was
 * tried), nothing partial stays in the cache, and err names
 * the item and URL that failed and why ("cannot download kernel from
 * 'URL': HTTP 404 Not Found"; "kernel from 'URL' does not match its
 * published checksum: expected X, got Y; the download was discarded",
 * code VP_ERR_NOT_FOUND for 404/410 and for what offline mode does not
 * hold, VP_ERR_CANCELLED when the reporter cancelled, VP_ERR_INVALID for a
 * URL or sha256 that is not one, VP_ERR_RUNTIME otherwise). */
int vp_fetch_files(struct vp_fetch_item *items, size_t n, const struct vp_fetch_opts *o,
		   struct vp_error *err);
void vp_fetch_item_clear(struct vp_fetch_item *it);

/* A small file (MANIFEST, .treeinfo, SHA256SUMS) into memory, at most max
 * bytes (more is an error), NUL-terminated.  Cached and revalidated like
 * the files above, with the same retries.  Returns 0, or 1 when the server
 * says it does not exist (404, 410; FTP/file: no such file) with *body
 * NULL, or -1 with err.  Offline, a file the cache does not hold is an
 * error (VP_ERR_NOT_FOUND), not 1: nothing says it does not exist. */
int vp_fetch_text(const char *url, size_t max, const struct vp_fetch_opts *o, char **body,
		  size_t *len, struct vp_error *err);

/* The cache's entries, newest use first. */
struct vp_cache_entry {
	char *url, *path, *sha256, *etag, *last_modified;
	uint64_t size;
	int64_t fetched_ms, used_ms;      /* wall-clock ms since the epoch */
};

int vp_cache_list(const char *cache_dir, struct vp_cache_entry **out, size_t *n,
		  struct vp_error *err);
/* Remove entries not used for older_than_ms (-1: every entry; INT64_MAX:
 * none for their age), then the
 * least recently used until the cache holds at most max_bytes (UINT64_MAX:
 * no limit), and any temporary file a dead download left.  *removed (may be
 * NULL) gets what was removed. */
int vp_cache_prune(const char *cache_dir, int64_t older_than_ms, uint64_t max_bytes,
		   struct vp_cache_entry **removed, size_t *n_removed, uint64_t *freed_bytes,
		   struct vp_error *err);
void vp_cache_entries_free(struct vp_cache_entry *e, size_t n);

/* True when url is one libcurl fetches here (http://, https://, ftp://, file://). */
bool vp_fetch_is_url(const char *url);

#endif
