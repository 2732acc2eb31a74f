/* provision/fetch/download.c — downloads through libcurl into the verified cache (fetch.h)
 *
 * Each URL is one struct dl: its cache entry, its temporary file and the
 * SHA-256 of what that file holds so far, and its attempts.  run() drives
 * all of a call's transfers over one curl multi handle (one connection
 * pool, so the kernel and initrd of a tree share kept-alive connections),
 * starts retries when their backoff ends, and checks the reporter's cancel
 * flag at least every POLL_MS.  A transfer that completes is verified and
 * renamed into the cache at once; a failure anywhere stops the others and
 * unlinks every temporary file.
 */
#include "fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gnutls/crypto.h>

#include "alloc.h"
#include "cache.h"
#include "cleanup.h"
#include "clock.h"
#include "curlib.h"
#include "hasher.h"
#include "fs.h"
#include "hash.h"

#define DEFAULT_CONNECT_MS 15000
#define DEFAULT_STALL_MS 30000
#define DEFAULT_RETRIES 4
#define DEFAULT_BACKOFF_MS 500
#define BACKOFF_MAX_MS 60000
#define PROGRESS_EVERY_MS 100
#define POLL_MS 100
#define MAX_REDIRECTS 10
#define STALL_BYTES_PER_S 1024
#define BUFFER_SIZE (128 * 1024)
#define PROTOCOLS "http,https,ftp,file"
/* a server must not send us to a local file */
#define REDIRECT_PROTOCOLS "http,https,ftp"

struct vp_fetch_session {
	pthread_mutex_t lock;         /* held by the call using the share */
	CURLSH *share;                /* connections, DNS, TLS sessions */
};

enum dl_state { DL_WAIT, DL_RUN, DL_DONE };

/* why a callback stopped a transfer */
enum dl_abort { AB_NONE, AB_CANCEL, AB_TOO_BIG, AB_WRITE, AB_BAD_RANGE };

struct dl {
	/* what */
	const char *url;              /* as given: may hold user:password@ */
	char *shown;                  /* without user:password@: messages, sidecar, key */
	const char *what;             /* "kernel"; NULL: the URL names itself */
	char expect[65];              /* the expected SHA-256, lowercase; "" none */
	uint64_t max;                 /* most body bytes accepted */
	bool http_url;                /* http:// or https:// */
	char *stage;                  /* progress stage; NULL: no progress */
	const struct vp_reporter *reporter;

	/* the cache entry */
	char *data_path, *json_path;
	struct vp_cache_meta old;
	bool have_old;
	bool conditional;             /* ask with the old entry's validators */

	/* the temporary file: written bytes, hashed as they come */
	char *tmp_path;
	int fd;
	struct vp_hasher *hash;          /* SHA-256 of what was written, on its own thread */
	uint64_t written;
	bool tmp_http;                /* its bytes came over HTTP */
	char *if_range;               /* the validator those bytes came with */

	/* this response */
	bool http, body_started, discard;
	long status;
	char reason[96];
	char *etag, *last_modified;
	bool have_crange;
	uint64_t crange_start;
	int64_t crange_total;         /* -1: unknown */
	int64_t clen;                 /* Content-Length, -1: none */
	uint64_t total;               /* expected file size, 0: unknown */
	enum dl_abort abort;
	int write_errno;

	/* the attempts */
	CURL *easy;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	enum dl_state state;
	int64_t next_ms;
	unsigned attempts;
	uint64_t body_bytes;
	int64_t last_report_ms;
	bool not_found;               /* the final answer was "no such file" */

	/* the result */
	bool cached;
	uint64_t size;
	char sha_hex[65];
};

/* ---- small helpers ---------------------------------------------------------- */

/* url without the user:password@ of its authority */
static char *redact(const char *url)
{
	const char *s = strstr(url, "://"), *auth, *end, *at;

	if (!s)
		return vp_strdup(url);
	auth = s + 3;
	end = auth + strcspn(auth, "/?#");
	at = memrchr(auth, '@', (size_t)(end - auth));
	if (!at)
		return vp_strdup(url);
	return vp_strdup_printf("%.*s%s", (int)(auth - url), url, at + 1);
}

/* "kernel from 'URL'" or "'URL'" */
static void subject(const struct dl *d, char *buf, size_t len)
{
	if (d->what)
		snprintf(buf, len, "%s from '%s'", d->what, d->shown);
	else
		snprintf(buf, len, "'%s'", d->shown);
}

static int fail(const struct dl *d, struct vp_error *err, enum vp_errcode code, const char *why)
{
	char subj[VP_ERROR_MAX];

	subject(d, subj, sizeof(subj));
	return vp_error_set(err, code, "cannot download %s: %s", subj, why);
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool scheme_is(const char *url, const char *scheme)
{
	return !strncasecmp(url, scheme, strlen(scheme));
}

/* "2 s", "1.5 s" */
static void seconds(long ms, char *buf, size_t len)
{
	if (ms % 1000)
		snprintf(buf, len, "%ld.%ld s", ms / 1000, (ms % 1000) / 100);
	else
		snprintf(buf, len, "%ld s", ms / 1000);
}

static long connect_ms(const struct vp_fetch_opts *o)
{
	return o->connect_timeout_ms > 0 ? o->connect_timeout_ms : DEFAULT_CONNECT_MS;
}

/* curl counts the low-speed time in whole seconds */
static long stall_s(const struct vp_fetch_opts *o)
{
	long ms = o->stall_timeout_ms > 0 ? o->stall_timeout_ms : DEFAULT_STALL_MS;

	return (ms + 999) / 1000;
}

static unsigned retries(const struct vp_fetch_opts *o)
{
	return o->retries ? o->retries : DEFAULT_RETRIES;
}

static int64_t backoff(const struct vp_fetch_opts *o, unsigned attempt)
{
	int64_t ms = o->backoff_ms > 0 ? o->backoff_ms : DEFAULT_BACKOFF_MS;

	while (attempt-- > 1 && ms < BACKOFF_MAX_MS)
		ms *= 2;
	return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

static void report(struct dl *d, uint64_t done, uint64_t total, bool force)
{
	int64_t now;

	if (!d->stage || !d->reporter)
		return;
	now = vp_now_ms();
	if (!force && now - d->last_report_ms < PROGRESS_EVERY_MS)
		return;
	d->last_report_ms = now;
	vp_report_bytes(d->reporter, d->stage, done, total);
}

/* ---- the temporary file -------------------------------------------------------- */

static void tmp_discard(struct dl *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->tmp_path)
		unlink(d->tmp_path);
	free(d->tmp_path);
	d->tmp_path = NULL;
	vp_hasher_free(d->hash);
	d->hash = NULL;
	d->written = 0;
	free(d->if_range);
	d->if_range = NULL;
}

static int tmp_open(struct dl *d)
{
	d->tmp_path = vp_cache_tmp_name(d->data_path);
	d->fd = open(d->tmp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (d->fd < 0) {
		free(d->tmp_path);
		d->tmp_path = NULL;
		return -1;
	}
	if (!(d->hash = vp_hasher_new())) {
		int e = errno;

		tmp_discard(d);
		errno = e;
		return -1;
	}
	d->written = 0;
	return 0;
}

/* Start the file over: the server sent the whole body again. */
static int tmp_restart(struct dl *d)
{
	if (d->fd < 0)
		return 0;
	free(d->if_range);
	d->if_range = NULL;
	d->written = 0;
	vp_hasher_free(d->hash);
	d->hash = NULL;
	if (ftruncate(d->fd, 0) < 0 || lseek(d->fd, 0, SEEK_SET) < 0)
		return -1;
	if (!(d->hash = vp_hasher_new()))
		return -1;
	return 0;
}

/* ---- curl callbacks ------------------------------------------------------------ */

static bool header_is(const char *line, const char *name, const char **value)
{
	size_t n = strlen(name);
	const char *v;

	if (strncasecmp(line, name, n) || line[n] != ':')
		return false;
	for (v = line + n + 1; *v == ' ' || *v == '\t'; v++)
		;
	*value = v;
	return true;
}

static bool parse_u64(const char *s, uint64_t *out, const char **end)
{
	char *e;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &e, 10);
	if (errno)
		return false;
	*end = e;
	return true;
}

/* "bytes 100-199/1000" or "bytes 100-199/ *" */
static void parse_content_range(struct dl *d, const char *v)
{
	uint64_t a, b, t;
	const char *p;

	if (strncasecmp(v, "bytes ", 6))
		return;
	if (!parse_u64(v + 6, &a, &p) || *p != '-' || !parse_u64(p + 1, &b, &p) || *p != '/')
		return;
	d->have_crange = true;
	d->crange_start = a;
	d->crange_total = parse_u64(p + 1, &t, &p) ? (int64_t)t : -1;
}

static size_t on_header(char *buf, size_t size, size_t nmemb, void *opaque)
{
	struct dl *d = opaque;
	size_t n = size * nmemb, len = n;
	char line[2048];
	const char *v;
	uint64_t u;

	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len >= sizeof(line))
		return n; /* nothing we read is that long */
	memcpy(line, buf, len);
	line[len] = '\0';

	if (!strncmp(line, "HTTP/", 5)) {
		/* a new response (after a redirect, the next one) */
		const char *p = strchr(line, ' ');

		d->http = true;
		d->status = p ? strtol(p + 1, NULL, 10) : 0;
		d->reason[0] = '\0';
		if (p && (p = strchr(p + 1, ' ')))
			snprintf(d->reason, sizeof(d->reason), "%s", p + 1);
		free(d->etag);
		free(d->last_modified);
		d->etag = d->last_modified = NULL;
		d->have_crange = false;
		d->crange_total = -1;
		d->clen = -1;
	} else if (header_is(line, "etag", &v)) {
		vp_set_str(&d->etag, v);
	} else if (header_is(line, "last-modified", &v)) {
		vp_set_str(&d->last_modified, v);
	} else if (header_is(line, "content-range", &v)) {
		parse_content_range(d, v);
	} else if (header_is(line, "content-length", &v)) {
		if (parse_u64(v, &u, &v) && u <= INT64_MAX)
			d->clen = (int64_t)u;
	}
	return n;
}

/* The first bytes of a body: is it the file, and where in it do they go? */
static bool body_begins(struct dl *d)
{
	d->body_started = true;
	if (d->http) {
		if (d->status != 200 && d->status != 206) {
			d->discard = true; /* an error page */
			return true;
		}
		if (d->status == 200 && d->written > 0 && tmp_restart(d) < 0) {
			d->write_errno = errno;
			d->abort = AB_WRITE;
			return false;
		}
		if (d->status == 206 && (!d->have_crange || d->crange_start != d->written)) {
			d->abort = AB_BAD_RANGE;
			return false;
		}
		if (d->status == 206)
			d->total = d->crange_total > 0 ? (uint64_t)d->crange_total : 0;
		else
			d->total = d->clen > 0 ? (uint64_t)d->clen : 0;
		if (d->status == 200) {
			/* what a resumed request must still match */
			const char *strong = d->etag && strncmp(d->etag, "W/", 2) ? d->etag : NULL;

			vp_set_str(&d->if_range, strong ? strong : d->last_modified);
		}
		d->tmp_http = true;
	} else {
		curl_off_t cl = -1;

		vp_curl.curl_easy_getinfo(d->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
		d->total = cl > 0 ? d->written + (uint64_t)cl : 0;
		d->tmp_http = false;
	}
	if (d->total > d->max) {
		/* announced too big: not a byte of it */
		d->abort = AB_TOO_BIG;
		return false;
	}
	return true;
}

static size_t on_body(char *buf, size_t size, size_t nmemb, void *opaque)
{
	struct dl *d = opaque;
	size_t n = size * nmemb;

	if (n == 0)
		return 0;
	if (vp_report_cancelled(d->reporter)) {
		d->abort = AB_CANCEL;
		return 0;
	}
	if (!d->body_started && !body_begins(d))
		return 0;
	if (d->discard)
		return n;
	if (d->written + n > d->max) {
		d->abort = AB_TOO_BIG;
		return 0;
	}
	if (d->fd < 0 && tmp_open(d) < 0) {
		d->write_errno = errno;
		d->abort = AB_WRITE;
		return 0;
	}
	if (vp_write_all(d->fd, buf, n) < 0) {
		d->write_errno = errno;
		d->abort = AB_WRITE;
		return 0;
	}
	if (vp_hasher_feed(d->hash, buf, n) < 0) {
		d->write_errno = errno;
		d->abort = AB_WRITE;
		return 0;
	}
	d->written += n;
	d->body_bytes += n;
	report(d, d->written, d->total, false);
	if (vp_report_cancelled(d->reporter)) {
		d->abort = AB_CANCEL;
		return 0;
	}
	return n;
}

/* ---- one attempt ------------------------------------------------------------------ */

static void opt_long(CURLcode *rc, CURL *h, CURLoption opt, long v)
{
	if (*rc == CURLE_OK)
		*rc = vp_curl.curl_easy_setopt(h, opt, v);
}

static void opt_off(CURLcode *rc, CURL *h, CURLoption opt, curl_off_t v)
{
	if (*rc == CURLE_OK)
		*rc = vp_curl.curl_easy_setopt(h, opt, v);
}

static void opt_str(CURLcode *rc, CURL *h, CURLoption opt, const char *v)
{
	if (*rc == CURLE_OK)
		*rc = vp_curl.curl_easy_setopt(h, opt, v);
}

static void opt_ptr(CURLcode *rc, CURL *h, CURLoption opt, void *v)
{
	if (*rc == CURLE_OK)
		*rc = vp_curl.curl_easy_setopt(h, opt, v);
}

static void opt_fn(CURLcode *rc, CURL *h, CURLoption opt, curl_write_callback v)
{
	if (*rc == CURLE_OK)
		*rc = vp_curl.curl_easy_setopt(h, opt, v);
}

static void add_header(struct dl *d, const char *name, const char *value)
{
	_cleanup_(freep) char *line = vp_strdup_printf("%s: %s", name, value);
	struct curl_slist *l = vp_curl.curl_slist_append(d->headers, line);

	if (!l)
		vp_oom();
	d->headers = l;
}

static void response_reset(struct dl *d)
{
	d->http = d->body_started = d->discard = false;
	d->status = 0;
	d->reason[0] = '\0';
	free(d->etag);
	free(d->last_modified);
	d->etag = d->last_modified = NULL;
	d->have_crange = false;
	d->crange_total = -1;
	d->clen = -1;
	d->total = 0;
	d->abort = AB_NONE;
	d->write_errno = 0;
	d->errbuf[0] = '\0';
}

static int dl_start(struct dl *d, CURLM *multi, const struct vp_fetch_opts *o,
		    struct vp_error *err)
{
	CURLcode rc = CURLE_OK;
	CURLMcode mc;
	char range[32];
	CURL *h;

	response_reset(d);
	if (!(h = d->easy = vp_curl.curl_easy_init()))
		return fail(d, err, VP_ERR_RUNTIME, "libcurl cannot start a transfer");
	opt_str(&rc, h, CURLOPT_URL, d->url);
	opt_str(&rc, h, CURLOPT_PROTOCOLS_STR, PROTOCOLS);
	opt_str(&rc, h, CURLOPT_REDIR_PROTOCOLS_STR, REDIRECT_PROTOCOLS);
	opt_long(&rc, h, CURLOPT_FOLLOWLOCATION, 1L);
	opt_long(&rc, h, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	opt_long(&rc, h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms(o));
	opt_long(&rc, h, CURLOPT_LOW_SPEED_LIMIT, (long)STALL_BYTES_PER_S);
	opt_long(&rc, h, CURLOPT_LOW_SPEED_TIME, stall_s(o));
	opt_long(&rc, h, CURLOPT_NOSIGNAL, 1L);
	opt_long(&rc, h, CURLOPT_FAILONERROR, 0L);
	opt_long(&rc, h, CURLOPT_SSL_VERIFYPEER, 1L);
	opt_long(&rc, h, CURLOPT_SSL_VERIFYHOST, 2L);
	opt_long(&rc, h, CURLOPT_FILETIME, 1L);
	opt_long(&rc, h, CURLOPT_BUFFERSIZE, (long)BUFFER_SIZE);
	opt_str(&rc, h, CURLOPT_USERAGENT, "vprov/" VP_VERSION);
	opt_fn(&rc, h, CURLOPT_WRITEFUNCTION, on_body);
	opt_ptr(&rc, h, CURLOPT_WRITEDATA, d);
	opt_fn(&rc, h, CURLOPT_HEADERFUNCTION, on_header);
	opt_ptr(&rc, h, CURLOPT_HEADERDATA, d);
	opt_ptr(&rc, h, CURLOPT_ERRORBUFFER, d->errbuf);
	opt_ptr(&rc, h, CURLOPT_PRIVATE, d);
	if (o->session)
		opt_ptr(&rc, h, CURLOPT_SHARE, o->session->share);

	if (d->written > 0) {
		/* resume; CURLOPT_RANGE rather than RESUME_FROM, so that a
		 * server sending the whole file again is not an error */
		snprintf(range, sizeof(range), "%" PRIu64 "-", d->written);
		opt_str(&rc, h, CURLOPT_RANGE, range);
		if (d->if_range)
			add_header(d, "If-Range", d->if_range);
	} else if (d->conditional && d->http_url) {
		if (d->old.etag)
			add_header(d, "If-None-Match", d->old.etag);
		if (d->old.last_modified)
			add_header(d, "If-Modified-Since", d->old.last_modified);
	} else if (d->conditional && d->old.filetime >= 0) {
		opt_long(&rc, h, CURLOPT_TIMECONDITION, (long)CURL_TIMECOND_IFMODSINCE);
		opt_off(&rc, h, CURLOPT_TIMEVALUE_LARGE, (curl_off_t)d->old.filetime);
	}
	if (d->headers)
		opt_ptr(&rc, h, CURLOPT_HTTPHEADER, d->headers);
	if (rc != CURLE_OK)
		return fail(d, err, VP_ERR_RUNTIME, vp_curl.curl_easy_strerror(rc));
	mc = vp_curl.curl_multi_add_handle(multi, h);
	if (mc != CURLM_OK)
		return fail(d, err, VP_ERR_RUNTIME, vp_curl.curl_multi_strerror(mc));
	d->attempts++;
	d->state = DL_RUN;
	return 0;
}

static void dl_stop(struct dl *d, CURLM *multi)
{
	if (d->easy) {
		vp_curl.curl_multi_remove_handle(multi, d->easy);
		vp_curl.curl_easy_cleanup(d->easy);
		d->easy = NULL;
	}
	if (d->headers)
		vp_curl.curl_slist_free_all(d->headers);
	d->headers = NULL;
}

/* ---- outcomes ------------------------------------------------------------------------ */

/* what the next attempt should be */
enum outcome { DONE, RETRY, FINAL };

/* A transient failure: again after the backoff, or the last word. */
static enum outcome transient(struct dl *d, const struct vp_fetch_opts *o, const char *why,
			      struct vp_error *err)
{
	char msg[VP_ERROR_MAX];

	if (d->attempts > retries(o)) {
		snprintf(msg, sizeof(msg), "%s after %u attempts", why, d->attempts);
		fail(d, err, VP_ERR_RUNTIME, msg);
		return FINAL;
	}
	/* bytes from an HTTP response with no validator cannot safely be
	 * continued: the file may have changed in between */
	if (d->written > 0 && d->tmp_http && !d->if_range)
		tmp_restart(d);
	d->next_ms = vp_now_ms() + backoff(o, d->attempts);
	d->state = DL_WAIT;
	return RETRY;
}

static void served_from_cache(struct dl *d)
{
	d->cached = true;
	d->size = d->old.size;
	snprintf(d->sha_hex, sizeof(d->sha_hex), "%s", d->old.sha256);
	d->old.used_ms = vp_wall_ms();
	/* best effort: a read-only cache still serves */
	vp_cache_meta_write(d->json_path, &d->old, false, NULL);
	d->state = DL_DONE;
	report(d, d->size, d->size, true);
}

/* 304 Not Modified, or a file:// or FTP time condition not met */
static enum outcome revalidated(struct dl *d, const struct vp_fetch_opts *o, struct vp_error *err)
{
	struct stat st;

	if (stat(d->data_path, &st) < 0 || (uint64_t)st.st_size != d->old.size) {
		/* the cached copy went away meanwhile (pruned): ask again,
		 * this time for the body */
		d->conditional = false;
		d->next_ms = 0;
		d->state = DL_WAIT;
		return RETRY;
	}
	if (d->etag)
		vp_set_str(&d->old.etag, d->etag);
	if (d->last_modified)
		vp_set_str(&d->old.last_modified, d->last_modified);
	tmp_discard(d);
	served_from_cache(d);
	return DONE;
}

/* The body is complete: verify it and move it into the cache. */
static enum outcome complete(struct dl *d, const struct vp_fetch_opts *o, int64_t filetime,
			     struct vp_error *err)
{
	struct vp_cache_meta m = { .filetime = -1 };
	unsigned char digest[32];
	char why[VP_ERROR_MAX], subj[VP_ERROR_MAX];

	if (d->http && d->status == 200 && !d->body_started && d->written > 0 &&
	    tmp_restart(d) < 0) {
		snprintf(why, sizeof(why), "cannot write '%s': %s", d->tmp_path, strerror(errno));
		fail(d, err, VP_ERR_RUNTIME, why);
		return FINAL;
	}
	if (d->fd < 0 && tmp_open(d) < 0) { /* an empty file */
		snprintf(why, sizeof(why), "cannot create a file in '%s': %s", d->data_path,
			 strerror(errno));
		fail(d, err, VP_ERR_RUNTIME, why);
		return FINAL;
	}
	if (d->total && d->written != d->total) {
		snprintf(why, sizeof(why), "the server sent %" PRIu64 " of %" PRIu64 " bytes",
			 d->written, d->total);
		return transient(d, o, why, err);
	}
	/* No fsync() of the file itself: a cache entry need not survive a
	 * crash, only never be served wrong.  Its sidecar, written durably
	 * after the rename, records the size, and every hit checks it: a file
	 * the crash cut short (the journal commits its size only with data
	 * written, ext4 data=ordered, XFS, btrfs) is fetched again. */
	vp_hasher_finish(d->hash, digest);
	d->hash = NULL;
	hex(digest, sizeof(digest), d->sha_hex);
	if (d->expect[0] && strcmp(d->sha_hex, d->expect)) {
		subject(d, subj, sizeof(subj));
		vp_error_set(err, VP_ERR_RUNTIME,
			     "%s does not match its published checksum: expected %s, got %s; "
			     "the download was discarded",
			     subj, d->expect, d->sha_hex);
		d->sha_hex[0] = '\0';
		return FINAL;
	}
	if (close(d->fd) < 0) {
		d->fd = -1;
		snprintf(why, sizeof(why), "cannot write '%s': %s", d->tmp_path, strerror(errno));
		fail(d, err, VP_ERR_RUNTIME, why);
		return FINAL;
	}
	d->fd = -1;
	if (rename(d->tmp_path, d->data_path) < 0) {
		snprintf(why, sizeof(why), "cannot move the download into '%s': %s", d->data_path,
			 strerror(errno));
		fail(d, err, VP_ERR_RUNTIME, why);
		return FINAL;
	}
	free(d->tmp_path);
	d->tmp_path = NULL;
	d->size = d->written;

	m.url = d->shown;
	m.sha256 = d->sha_hex;
	m.etag = d->http ? d->etag : NULL;
	m.last_modified = d->http ? d->last_modified : NULL;
	m.size = d->size;
	m.filetime = d->http ? -1 : filetime;
	m.fetched_ms = m.used_ms = vp_wall_ms();
	if (vp_cache_meta_write(d->json_path, &m, true, err) < 0) {
		unlink(d->data_path);
		return FINAL;
	}
	tmp_discard(d);
	d->state = DL_DONE;
	report(d, d->size, d->size, true);
	return DONE;
}

static bool curl_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

/* "Couldn't connect" -> "couldn't connect", but not "HTTP" or "SSL" */
static void lower_first(char *s)
{
	if (s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z')
		s[0] = (char)(s[0] - 'A' + 'a');
}

/* curl's account of a failure, as one of our sentences */
static void curl_why(struct dl *d, CURLcode rc, const struct vp_fetch_opts *o, char *buf,
		     size_t len)
{
	char t[32];

	if (rc == CURLE_OPERATION_TIMEDOUT) {
		curl_off_t connected = 0;

		vp_curl.curl_easy_getinfo(d->easy, CURLINFO_CONNECT_TIME_T, &connected);
		if (connected == 0 && !d->http) {
			seconds(connect_ms(o), t, sizeof(t));
			snprintf(buf, len, "no connection within %s", t);
		} else {
			snprintf(buf, len, "the transfer stalled (under 1 KiB/s for %ld s)", stall_s(o));
		}
		return;
	}
	if (rc == CURLE_COULDNT_CONNECT) {
		long oserr = 0;

		vp_curl.curl_easy_getinfo(d->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNREFUSED) {
			snprintf(buf, len, "the connection was refused");
			return;
		}
		if (oserr > 0) {
			char os[128];

			snprintf(os, sizeof(os), "%s", strerror((int)oserr));
			lower_first(os);
			snprintf(buf, len, "cannot connect: %s", os);
			return;
		}
	}
	snprintf(buf, len, "%s", d->errbuf[0] ? d->errbuf : vp_curl.curl_easy_strerror(rc));
	lower_first(buf);
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '.' || buf[len - 1] == ' ' || buf[len - 1] == '\n'))
		buf[--len] = '\0';
}

/* HTTP/2 and later send no reason phrase */
static const char *reason_of(long status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

static enum outcome dl_finish(struct dl *d, CURLM *multi, CURLcode rc,
			      const struct vp_fetch_opts *o, struct vp_error *err)
{
	char why[VP_ERROR_MAX] = "";
	long status = 0, unmet = 0;
	curl_off_t filetime = -1;

	vp_curl.curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &status);
	vp_curl.curl_easy_getinfo(d->easy, CURLINFO_CONDITION_UNMET, &unmet);
	vp_curl.curl_easy_getinfo(d->easy, CURLINFO_FILETIME_T, &filetime);
	if (rc != CURLE_OK && d->abort == AB_NONE)
		curl_why(d, rc, o, why, sizeof(why));
	dl_stop(d, multi);

	switch (d->abort) {
	case AB_NONE:
		break;
	case AB_CANCEL:
		fail(d, err, VP_ERR_CANCELLED, "cancelled");
		return FINAL;
	case AB_TOO_BIG:
		snprintf(why, sizeof(why), "it is larger than the %" PRIu64 " bytes allowed", d->max);
		fail(d, err, VP_ERR_RUNTIME, why);
		return FINAL;
	case AB_WRITE:
		snprintf(why, sizeof(why), "cannot write '%s': %s",
			 d->tmp_path ? d->tmp_path : d->data_path, strerror(d->write_errno));
		fail(d, err, VP_ERR_RUNTIME, why);
		return FINAL;
	case AB_BAD_RANGE:
		tmp_restart(d);
		return transient(d, o, "the server resumed at the wrong place", err);
	}

	if (rc == CURLE_OK && d->http) {
		d->status = status;
		if (!d->reason[0])
			snprintf(d->reason, sizeof(d->reason), "%s", reason_of(status));
		snprintf(why, sizeof(why), "HTTP %ld%s%s", status, d->reason[0] ? " " : "", d->reason);
		if (status == 200 || status == 206)
			return complete(d, o, -1, err);
		if (status == 304 && d->conditional && d->written == 0)
			return revalidated(d, o, err);
		if (status == 404 || status == 410) {
			d->not_found = true;
			fail(d, err, VP_ERR_NOT_FOUND, why);
			return FINAL;
		}
		if (status == 416) {
			/* the part we hold is no longer a prefix of the file */
			tmp_restart(d);
			return transient(d, o, why, err);
		}
		if (status >= 500 || status == 408 || status == 429)
			return transient(d, o, why, err);
		fail(d, err, VP_ERR_RUNTIME, why);
		return FINAL;
	}
	if (rc == CURLE_OK) { /* file://, FTP */
		if (unmet && d->conditional && d->written == 0)
			return revalidated(d, o, err);
		return complete(d, o, filetime, err);
	}
	if (rc == CURLE_FILE_COULDNT_READ_FILE || rc == CURLE_REMOTE_FILE_NOT_FOUND) {
		d->not_found = true;
		fail(d, err, VP_ERR_NOT_FOUND, why);
		return FINAL;
	}
	if (curl_transient(rc))
		return transient(d, o, why, err);
	fail(d, err, VP_ERR_RUNTIME, why);
	return FINAL;
}

/* ---- a call's transfers ------------------------------------------------------------ */

static void dl_free(struct dl *d)
{
	tmp_discard(d);
	if (d->headers)
		vp_curl.curl_slist_free_all(d->headers);
	free(d->shown);
	free(d->stage);
	free(d->data_path);
	free(d->json_path);
	free(d->etag);
	free(d->last_modified);
	vp_cache_meta_clear(&d->old);
}

static bool valid_sha256(const char *s, char out[65])
{
	size_t i;

	if (strlen(s) != 64)
		return false;
	for (i = 0; i < 64; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		out[i] = c;
	}
	out[64] = '\0';
	return true;
}

static const char *basename_of(const char *url)
{
	const char *end = url + strcspn(url, "?#"), *p = end;

	while (p > url && p[-1] != '/')
		p--;
	return p < end ? p : url;
}

static int dl_init(struct dl *d, const char *dir, const char *url, const char *what,
		   const char *sha256, uint64_t max, bool progress, const struct vp_fetch_opts *o,
		   struct vp_error *err)
{
	_cleanup_(freep) char *key = NULL;
	struct stat st;

	d->fd = -1;
	d->url = url;
	d->what = what;
	d->max = max;
	d->reporter = o->reporter;
	d->shown = redact(url ? url : "");
	if (!url || !vp_fetch_is_url(url))
		return fail(d, err, VP_ERR_INVALID, "not an http, https, ftp or file URL");
	if (sha256 && !valid_sha256(sha256, d->expect))
		return vp_error_set(err, VP_ERR_INVALID,
				    "the checksum given for %s is not a SHA-256 in hex: '%s'",
				    what ? what : d->shown, sha256);
	d->http_url = scheme_is(url, "http://") || scheme_is(url, "https://");
	if (progress)
		d->stage = vp_strdup_printf("download %.*s", what ? (int)strlen(what) :
					    (int)strcspn(basename_of(d->shown), "?#"),
					    what ? what : basename_of(d->shown));
	if (!(key = vp_sha256_hex(d->shown, 64)))
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot compute SHA-256 digests (gnutls)");
	d->data_path = vp_strdup_printf("%s/%s.data", dir, key);
	d->json_path = vp_strdup_printf("%s/%s.json", dir, key);
	d->have_old = vp_cache_meta_read(d->json_path, &d->old) == 0 &&
		      !strcmp(d->old.url, d->shown) && stat(d->data_path, &st) == 0 &&
		      S_ISREG(st.st_mode) && (uint64_t)st.st_size == d->old.size;
	if (!d->have_old)
		vp_cache_meta_clear(&d->old);
	return 0;
}

/* Serve from the cache without asking (0), or say a request is needed
 * (1), or -1: offline and not in the cache. */
static int dl_plan(struct dl *d, const struct vp_fetch_opts *o, struct vp_error *err)
{
	char why[VP_ERROR_MAX];

	if (d->have_old && d->expect[0] && !strcmp(d->old.sha256, d->expect)) {
		/* the very bytes asked for: nothing to revalidate */
		served_from_cache(d);
		return 0;
	}
	if (o->offline) {
		if (d->have_old && !d->expect[0]) {
			served_from_cache(d);
			return 0;
		}
		if (d->have_old) {
			snprintf(why, sizeof(why),
				 "the cached copy does not match the checksum expected "
				 "(expected %s, cached %s), and offline mode makes no requests",
				 d->expect, d->old.sha256);
			return fail(d, err, VP_ERR_NOT_FOUND, why);
		}
		return fail(d, err, VP_ERR_NOT_FOUND,
			    "it is not in the cache, and offline mode makes no requests");
	}
	/* a checksum that the cached copy does not match: fetch it whole */
	d->conditional = d->have_old && !d->expect[0];
	d->state = DL_WAIT;
	d->next_ms = 0;
	return 1;
}

static bool all_done(const struct dl *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].state != DL_DONE)
			return false;
	return true;
}

static int run(struct dl *v, size_t n, const struct vp_fetch_opts *o, struct vp_error *err)
{
	CURLM *multi = NULL;
	bool requests = false;
	int r = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		int p = dl_plan(&v[i], o, err);

		if (p < 0)
			return -1;
		requests |= p > 0;
	}
	if (!requests)
		return 0;
	if (vp_curl_load(err) < 0)
		return -1;
	if (!(multi = vp_curl.curl_multi_init()))
		return vp_error_set(err, VP_ERR_RUNTIME, "libcurl cannot start a transfer");
	if (o->session)
		pthread_mutex_lock(&o->session->lock);

	for (;;) {
		int64_t now = vp_now_ms(), timeout = POLL_MS;
		bool failed = false;
		int running = 0;
		CURLMcode mc;
		CURLMsg *msg;
		int queued;

		if (vp_report_cancelled(o->reporter)) {
			for (i = 0; i < n && v[i].state == DL_DONE; i++)
				;
			fail(&v[i < n ? i : 0], err, VP_ERR_CANCELLED, "cancelled");
			goto out;
		}
		for (i = 0; i < n; i++)
			if (v[i].state == DL_WAIT && v[i].next_ms <= now &&
			    dl_start(&v[i], multi, o, err) < 0)
				goto out;
		if (all_done(v, n))
			break;

		mc = vp_curl.curl_multi_perform(multi, &running);
		if (mc != CURLM_OK) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot download: %s",
				     vp_curl.curl_multi_strerror(mc));
			goto out;
		}
		while (!failed && (msg = vp_curl.curl_multi_info_read(multi, &queued))) {
			struct dl *d = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			vp_curl.curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&d);
			failed = dl_finish(d, multi, msg->data.result, o, err) == FINAL;
		}
		if (failed)
			goto out;
		if (all_done(v, n))
			break;

		now = vp_now_ms();
		for (i = 0; i < n; i++)
			if (v[i].state == DL_WAIT)
				timeout = v[i].next_ms <= now ? 0 :
					  v[i].next_ms - now < timeout ? v[i].next_ms - now : timeout;
		if (timeout > 0) {
			mc = vp_curl.curl_multi_poll(multi, NULL, 0, (int)timeout, NULL);
			if (mc != CURLM_OK) {
				vp_error_set(err, VP_ERR_RUNTIME, "cannot download: %s",
					     vp_curl.curl_multi_strerror(mc));
				goto out;
			}
		}
	}
	r = 0;
out:
	for (i = 0; i < n; i++) {
		dl_stop(&v[i], multi);
		if (r < 0)
			tmp_discard(&v[i]);
	}
	vp_curl.curl_multi_cleanup(multi);
	if (o->session)
		pthread_mutex_unlock(&o->session->lock);
	return r;
}

/* ---- the API ---------------------------------------------------------------------- */

int vp_fetch_session_new(struct vp_fetch_session **out, struct vp_error *err)
{
	static const curl_lock_data shared[] = { CURL_LOCK_DATA_CONNECT, CURL_LOCK_DATA_DNS,
						 CURL_LOCK_DATA_SSL_SESSION };
	struct vp_fetch_session *s;
	CURLSHcode sc = CURLSHE_OK;
	size_t i;

	*out = NULL;
	if (vp_curl_load(err) < 0)
		return -1;
	s = vp_calloc(1, sizeof(*s));
	if (!(s->share = vp_curl.curl_share_init())) {
		free(s);
		return vp_error_set(err, VP_ERR_RUNTIME, "libcurl cannot share connections");
	}
	for (i = 0; i < sizeof(shared) / sizeof(shared[0]) && sc == CURLSHE_OK; i++)
		sc = vp_curl.curl_share_setopt(s->share, CURLSHOPT_SHARE, shared[i]);
	if (sc != CURLSHE_OK) {
		vp_curl.curl_share_cleanup(s->share);
		free(s);
		return vp_error_set(err, VP_ERR_RUNTIME, "libcurl cannot share connections: %s",
				    vp_curl.curl_share_strerror(sc));
	}
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;
}

void vp_fetch_session_free(struct vp_fetch_session *s)
{
	if (!s)
		return;
	vp_curl.curl_share_cleanup(s->share);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void item_reset(struct vp_fetch_item *it)
{
	free(it->path);
	it->path = NULL;
	it->size = 0;
	it->sha256_hex[0] = '\0';
	it->cached = false;
	it->body_bytes = 0;
	it->attempts = 0;
}

void vp_fetch_item_clear(struct vp_fetch_item *it)
{
	if (it)
		item_reset(it);
}

int vp_fetch_files(struct vp_fetch_item *items, size_t n, const struct vp_fetch_opts *o,
		   struct vp_error *err)
{
	_cleanup_(freep) char *dir = NULL;
	struct dl *v = NULL;
	int r = -1;
	size_t i;

	for (i = 0; i < n; i++)
		item_reset(&items[i]);
	if (n == 0)
		return 0;
	if (!o)
		return vp_error_set(err, VP_ERR_INVALID, "no download options given");
	if (!(dir = vp_cache_fetch_dir(o->cache_dir, true, err)))
		return -1;
	v = vp_calloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i].fd = -1;
	for (i = 0; i < n; i++)
		if (dl_init(&v[i], dir, items[i].url, items[i].what ? items[i].what : "file",
			    items[i].sha256, UINT64_MAX, true, o, err) < 0)
			goto out;
	r = run(v, n, o, err);
	for (i = 0; i < n; i++) {
		items[i].attempts = v[i].attempts;
		items[i].body_bytes = v[i].body_bytes;
		if (r < 0)
			continue;
		items[i].path = TAKE_PTR(v[i].data_path);
		items[i].size = v[i].size;
		snprintf(items[i].sha256_hex, sizeof(items[i].sha256_hex), "%s", v[i].sha_hex);
		items[i].cached = v[i].cached;
	}
out:
	for (i = 0; i < n; i++)
		dl_free(&v[i]);
	free(v);
	return r;
}

int vp_fetch_text(const char *url, size_t max, const struct vp_fetch_opts *o, char **body,
		  size_t *len, struct vp_error *err)
{
	_cleanup_(freep) char *dir = NULL;
	struct vp_error e = { 0 };
	struct dl d = { .fd = -1 };
	size_t got = 0;
	int r = -1;

	*body = NULL;
	if (len)
		*len = 0;
	if (!o)
		return vp_error_set(err, VP_ERR_INVALID, "no download options given");
	if (!(dir = vp_cache_fetch_dir(o->cache_dir, true, err)))
		return -1;
	if (dl_init(&d, dir, url, NULL, NULL, max, false, o, err) < 0)
		goto out;
	if (run(&d, 1, o, &e) < 0) {
		if (d.not_found) {
			r = 1;
		} else if (err) {
			*err = e;
		}
		goto out;
	}
	if (d.size > max) {
		char why[VP_ERROR_MAX];

		snprintf(why, sizeof(why), "it is larger than the %zu bytes allowed", max);
		fail(&d, err, VP_ERR_RUNTIME, why);
		goto out;
	}
	if (!(*body = vp_read_file(d.data_path, max, &got))) {
		char why[VP_ERROR_MAX];

		snprintf(why, sizeof(why), "cannot read the cached copy '%s': %s", d.data_path,
			 strerror(errno));
		fail(&d, err, VP_ERR_RUNTIME, why);
		goto out;
	}
	if (len)
		*len = got;
	r = 0;
out:
	dl_free(&d);
	return r;
}
