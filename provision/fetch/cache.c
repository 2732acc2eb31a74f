/* provision/fetch/cache.c — the download cache: sidecars, listing, pruning */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "fetch.h"
#include "fs.h"

#define KEY_LEN 64
#define SIDECAR_MAX (64 * 1024)
/* a temporary file whose process still runs but that nobody wrote to for
 * this long is left over too (the process id was reused) */
#define TMP_STALE_MS (24 * 3600 * 1000LL)
/* a .data without its sidecar younger than this may be a download between
 * its rename and its sidecar */
#define ORPHAN_GRACE_MS (60 * 1000LL)

VP_DEFINE_CLEANUP(DIR *, closedir)
VP_DEFINE_CLEANUP(json_object *, json_object_put)

char *vp_cache_fetch_dir(const char *cache_dir, bool make, struct vp_error *err)
{
	_cleanup_(freep) char *dir = NULL;

	if (!cache_dir || !*cache_dir) {
		vp_error_set(err, VP_ERR_INVALID, "no cache directory to download into");
		return NULL;
	}
	dir = vp_strdup_printf("%s/fetch", cache_dir);
	if (make && vp_mkdir_p(dir, 0755) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot create the download cache '%s': %s", dir,
			     strerror(errno));
		return NULL;
	}
	return TAKE_PTR(dir);
}

char *vp_cache_tmp_name(const char *base)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)vp_now_ms() ^ (uint32_t)(uintptr_t)&r;
	return vp_strdup_printf("%s.%ld.%08" PRIx32 ".tmp", base, (long)getpid(), r);
}

void vp_cache_meta_clear(struct vp_cache_meta *m)
{
	if (!m)
		return;
	free(m->url);
	free(m->sha256);
	free(m->etag);
	free(m->last_modified);
	*m = (struct vp_cache_meta){ .filetime = -1 };
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool get_int(json_object *o, const char *key, int64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[n] == '\0' || s[n] == '.';
}

int vp_cache_meta_read(const char *json_path, struct vp_cache_meta *m)
{
	_cleanup_(freep) char *text = vp_read_file(json_path, SIDECAR_MAX, NULL);
	_cleanup_(json_object_putp) json_object *o = NULL;
	const char *url, *sha;
	int64_t size = -1, filetime = -1, fetched = 0, used = 0;

	*m = (struct vp_cache_meta){ .filetime = -1 };
	if (!text || !(o = json_tokener_parse(text)) || !json_object_is_type(o, json_type_object))
		return -1;
	url = get_str(o, "url");
	sha = get_str(o, "sha256");
	if (!url || !sha || strlen(sha) != KEY_LEN || !is_hex(sha, KEY_LEN) ||
	    !get_int(o, "size", &size) || size < 0)
		return -1;
	get_int(o, "filetime", &filetime);
	get_int(o, "fetched_ms", &fetched);
	if (!get_int(o, "used_ms", &used))
		used = fetched;
	m->url = vp_strdup(url);
	m->sha256 = vp_strdup(sha);
	m->etag = vp_strdup(get_str(o, "etag"));
	m->last_modified = vp_strdup(get_str(o, "last_modified"));
	m->size = (uint64_t)size;
	m->filetime = filetime;
	m->fetched_ms = fetched;
	m->used_ms = used;
	return 0;
}

static void add_str(json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

int vp_cache_meta_write(const char *json_path, const struct vp_cache_meta *m, bool durable,
			struct vp_error *err)
{
	_cleanup_(json_object_putp) json_object *o = json_object_new_object();
	_cleanup_(freep) char *tmp = vp_cache_tmp_name(json_path);
	const char *text;
	int fd, e;

	if (!o)
		vp_oom();
	add_str(o, "url", m->url);
	json_object_object_add(o, "size", json_object_new_int64((int64_t)m->size));
	add_str(o, "sha256", m->sha256);
	add_str(o, "etag", m->etag);
	add_str(o, "last_modified", m->last_modified);
	if (m->filetime >= 0)
		json_object_object_add(o, "filetime", json_object_new_int64(m->filetime));
	json_object_object_add(o, "fetched_ms", json_object_new_int64(m->fetched_ms));
	json_object_object_add(o, "used_ms", json_object_new_int64(m->used_ms));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		vp_oom();

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
	if (vp_write_all(fd, text, strlen(text)) < 0 || vp_write_all(fd, "\n", 1) < 0 ||
	    (durable && fsync(fd) < 0)) {
		e = errno;
		close(fd);
		unlink(tmp);
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(e));
	}
	if (close(fd) < 0 || rename(tmp, json_path) < 0) {
		e = errno;
		unlink(tmp);
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", json_path,
				    strerror(e));
	}
	return 0;
}

/* ---- listing ------------------------------------------------------------ */

static void entry_clear(struct vp_cache_entry *e)
{
	free(e->url);
	free(e->path);
	free(e->sha256);
	free(e->etag);
	free(e->last_modified);
	*e = (struct vp_cache_entry){ 0 };
}

void vp_cache_entries_free(struct vp_cache_entry *e, size_t n)
{
	size_t i;

	for (i = 0; e && i < n; i++)
		entry_clear(&e[i]);
	free(e);
}

static int by_use_newest_first(const void *a, const void *b)
{
	const struct vp_cache_entry *x = a, *y = b;

	if (x->used_ms != y->used_ms)
		return x->used_ms < y->used_ms ? 1 : -1;
	return strcmp(x->path, y->path);
}

/* "<64 hex>.<suffix>" */
static bool is_entry_name(const char *name, const char *suffix)
{
	return strlen(name) == KEY_LEN + strlen(suffix) && is_hex(name, KEY_LEN) &&
	       !strcmp(name + KEY_LEN, suffix);
}

static int list_dir(const char *dir, struct vp_cache_entry **out, size_t *n,
		    struct vp_error *err)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct vp_cache_entry *v = NULL;
	size_t count = 0;
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read the download cache '%s': %s",
				    dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		_cleanup_(freep) char *json = NULL;
		_cleanup_(freep) char *data = NULL;
		struct vp_cache_meta m;
		struct stat st;

		if (!is_entry_name(de->d_name, ".json"))
			continue;
		json = vp_strdup_printf("%s/%s", dir, de->d_name);
		data = vp_strdup_printf("%s/%.*s.data", dir, KEY_LEN, de->d_name);
		if (stat(data, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (vp_cache_meta_read(json, &m) < 0)
			continue;
		v = vp_grow(v, count + 1, sizeof(*v));
		v[count++] = (struct vp_cache_entry){
			.url = TAKE_PTR(m.url),
			.path = TAKE_PTR(data),
			.sha256 = TAKE_PTR(m.sha256),
			.etag = TAKE_PTR(m.etag),
			.last_modified = TAKE_PTR(m.last_modified),
			.size = (uint64_t)st.st_size,
			.fetched_ms = m.fetched_ms,
			.used_ms = m.used_ms,
		};
		vp_cache_meta_clear(&m);
	}
	if (count)
		qsort(v, count, sizeof(*v), by_use_newest_first);
	*out = v;
	*n = count;
	return 0;
}

int vp_cache_list(const char *cache_dir, struct vp_cache_entry **out, size_t *n,
		  struct vp_error *err)
{
	_cleanup_(freep) char *dir = vp_cache_fetch_dir(cache_dir, false, err);

	*out = NULL;
	*n = 0;
	if (!dir)
		return -1;
	return list_dir(dir, out, n, err);
}

/* ---- pruning ------------------------------------------------------------ */

/* The process id in "<key>.data.<pid>.<random>.tmp" or
 * "<key>.json.<pid>[.<random>].tmp"; 0 when name is none of ours. */
static pid_t tmp_owner(const char *name)
{
	size_t len = strlen(name);
	const char *p;
	char *end;
	long pid;

	if (len < KEY_LEN + 6 + 5 || !is_hex(name, KEY_LEN) || strcmp(name + len - 4, ".tmp"))
		return 0;
	p = name + KEY_LEN;
	if (strncmp(p, ".data.", 6) && strncmp(p, ".json.", 6))
		return 0;
	p += 6;
	if (*p < '0' || *p > '9')
		return 0;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno || pid <= 0 || pid > INT32_MAX || *end != '.')
		return 0;
	return (pid_t)pid;
}

static bool process_gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static int64_t mtime_ms(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
}

static int remove_entry(const char *dir, const struct vp_cache_entry *e, struct vp_error *err)
{
	const char *slash = strrchr(e->path, '/');
	_cleanup_(freep) char *json = vp_strdup_printf("%s/%.*s.json", dir, KEY_LEN,
						       slash ? slash + 1 : e->path);

	/* the sidecar first: a reader then sees no entry rather than one
	 * whose file is gone */
	if (unlink(json) < 0 && errno != ENOENT)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot remove '%s': %s", json,
				    strerror(errno));
	if (unlink(e->path) < 0 && errno != ENOENT)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot remove '%s': %s", e->path,
				    strerror(errno));
	return 0;
}

/* Temporary files of downloads that are gone, files without their other
 * half; returns the bytes freed, or -1. */
static int sweep_leftovers(const char *dir, int64_t now, uint64_t *freed, struct vp_error *err)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read the download cache '%s': %s",
				    dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		_cleanup_(freep) char *path = NULL;
		_cleanup_(freep) char *other = NULL;
		struct stat st;
		bool drop = false;
		pid_t pid;

		if (de->d_name[0] == '.')
			continue;
		path = vp_strdup_printf("%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if ((pid = tmp_owner(de->d_name)) > 0) {
			drop = process_gone(pid) || now - mtime_ms(&st) > TMP_STALE_MS;
		} else if (is_entry_name(de->d_name, ".data")) {
			other = vp_strdup_printf("%s/%.*s.json", dir, KEY_LEN, de->d_name);
			drop = access(other, F_OK) < 0 && errno == ENOENT &&
			       now - mtime_ms(&st) > ORPHAN_GRACE_MS;
		} else if (is_entry_name(de->d_name, ".json")) {
			other = vp_strdup_printf("%s/%.*s.data", dir, KEY_LEN, de->d_name);
			drop = access(other, F_OK) < 0 && errno == ENOENT;
		}
		if (!drop)
			continue;
		if (unlink(path) < 0) {
			if (errno == ENOENT)
				continue;
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot remove '%s': %s", path,
					    strerror(errno));
		}
		*freed += (uint64_t)st.st_size;
	}
	return 0;
}

int vp_cache_prune(const char *cache_dir, int64_t older_than_ms, uint64_t max_bytes,
		   struct vp_cache_entry **removed, size_t *n_removed, uint64_t *freed_bytes,
		   struct vp_error *err)
{
	_cleanup_(freep) char *dir = vp_cache_fetch_dir(cache_dir, false, err);
	struct vp_cache_entry *v = NULL, *gone = NULL;
	size_t n = 0, n_gone = 0, i;
	uint64_t total = 0, freed = 0;
	int64_t now = vp_wall_ms();
	int r = -1;

	if (removed)
		*removed = NULL;
	if (n_removed)
		*n_removed = 0;
	if (freed_bytes)
		*freed_bytes = 0;
	if (!dir || list_dir(dir, &v, &n, err) < 0)
		return -1;

	for (i = 0; i < n; i++)
		total += v[i].size;
	/* v is newest use first: walk from the least recently used */
	for (i = n; i-- > 0;) {
		bool old = older_than_ms < 0 || now - v[i].used_ms >= older_than_ms;

		if (!old && total <= max_bytes)
			continue;
		if (remove_entry(dir, &v[i], err) < 0)
			goto out;
		total -= v[i].size;
		freed += v[i].size;
		gone = vp_grow(gone, n_gone + 1, sizeof(*gone));
		gone[n_gone++] = v[i];
		v[i] = (struct vp_cache_entry){ 0 };
	}
	if (sweep_leftovers(dir, now, &freed, err) < 0)
		goto out;
	r = 0;
out:
	vp_cache_entries_free(v, n);
	if (removed && r == 0) {
		*removed = gone;
		if (n_removed)
			*n_removed = n_gone;
		gone = NULL;
	}
	vp_cache_entries_free(gone, n_gone);
	if (freed_bytes)
		*freed_bytes = freed;
	return r;
}
