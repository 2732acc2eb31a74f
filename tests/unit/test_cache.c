/* tests/unit/test_cache.c — listing and pruning the download cache
 *
 * Entries are made the real way, by fetching file:// URLs, and then aged
 * by rewriting their sidecars' last-used times.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <gnutls/crypto.h>
#include <json.h>

#include "alloc.h"
#include "clock.h"
#include "fetch.h"
#include "fs.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct {
	char dir[256];
	char root[PATH_MAX];
	char cache[512];
	char fetch[600];
	char *urls[3];
	char sha[3][65];
	size_t sizes[3];
	int gen;
} g;

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(vp_write_all(fd, data, len), 0);
	assert_int_equal(close(fd), 0);
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[32];
	size_t i;

	assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, d), 0);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Set the last-used time in the sidecar beside data_path. */
static void set_used(const char *data_path, int64_t used_ms)
{
	char *json = vp_strdup(data_path), *text;
	json_object *o;
	const char *out;

	memcpy(json + strlen(json) - 4, "json", 4);
	text = vp_read_file(json, 65536, NULL);
	assert_non_null(text);
	o = json_tokener_parse(text);
	assert_non_null(o);
	json_object_object_add(o, "used_ms", json_object_new_int64(used_ms));
	out = json_object_to_json_string(o);
	write_file(json, out, strlen(out));
	json_object_put(o);
	free(text);
	free(json);
}

static int count_files(void)
{
	struct dirent *de;
	DIR *d = opendir(g.fetch);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static bool exists(const char *name)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", g.fetch, name);
	return access(p, F_OK) == 0;
}

/* three entries, a (1000 B) used 10 days ago, b (2000 B) 1 day ago, c (3000 B) now;
 * paths[] in that order */
static void fill(char *paths[3])
{
	struct vp_fetch_item it[3] = { 0 };
	struct vp_fetch_opts o = { .cache_dir = g.cache };
	struct vp_error err = { 0 };
	int64_t now = vp_wall_ms();
	size_t i;

	for (i = 0; i < 3; i++) {
		it[i].url = g.urls[i];
		it[i].sha256 = g.sha[i];
		it[i].what = "file";
	}
	assert_int_equal(vp_fetch_files(it, 3, &o, &err), 0);
	set_used(it[0].path, now - 10 * DAY_MS);
	set_used(it[1].path, now - DAY_MS);
	set_used(it[2].path, now);
	for (i = 0; i < 3; i++) {
		paths[i] = it[i].path;
		it[i].path = NULL;
	}
}

static int group_setup(void **state)
{
	char tmpl[] = "/tmp/vp-test-cache-XXXXXX";
	size_t i;

	(void)state;
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(g.dir, sizeof(g.dir), "%s", tmpl);
	snprintf(g.root, sizeof(g.root), "%s/root", g.dir);
	if (mkdir(g.root, 0755) < 0)
		return -1;
	for (i = 0; i < 3; i++) {
		char path[PATH_MAX * 2];
		size_t len = 1000 * (i + 1);
		char *buf = vp_grow(NULL, len, 1);

		memset(buf, 'a' + (int)i, len);
		snprintf(path, sizeof(path), "%s/%c.img", g.root, 'a' + (int)i);
		write_file(path, buf, len);
		sha256_hex(buf, len, g.sha[i]);
		g.sizes[i] = len;
		g.urls[i] = vp_strdup_printf("file://%s", path);
		free(buf);
	}
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[PATH_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++)
		free(g.urls[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	snprintf(g.cache, sizeof(g.cache), "%s/cache%d", g.dir, ++g.gen);
	snprintf(g.fetch, sizeof(g.fetch), "%s/fetch", g.cache);
	return 0;
}

static void free_paths(char *paths[3])
{
	size_t i;

	for (i = 0; i < 3; i++)
		free(paths[i]);
}

static void test_list(void **state)
{
	struct vp_cache_entry *e = NULL;
	struct vp_error err = { 0 };
	char *paths[3];
	size_t n = 99, i;

	(void)state;
	/* no cache yet: empty, not an error */
	assert_int_equal(vp_cache_list(g.cache, &e, &n, &err), 0);
	assert_int_equal(n, 0);
	vp_cache_entries_free(e, n);

	fill(paths);
	assert_int_equal(vp_cache_list(g.cache, &e, &n, &err), 0);
	assert_int_equal(n, 3);
	/* newest use first: c, b, a */
	for (i = 0; i < 3; i++) {
		size_t k = 2 - i;

		assert_string_equal(e[i].url, g.urls[k]);
		assert_string_equal(e[i].path, paths[k]);
		assert_string_equal(e[i].sha256, g.sha[k]);
		assert_int_equal(e[i].size, g.sizes[k]);
		assert_true(e[i].fetched_ms > 0);
		assert_null(e[i].etag);
	}
	assert_true(e[0].used_ms > e[1].used_ms && e[1].used_ms > e[2].used_ms);
	vp_cache_entries_free(e, n);
	free_paths(paths);
}

static void test_prune_by_age(void **state)
{
	struct vp_cache_entry *gone = NULL, *e = NULL;
	struct vp_error err = { 0 };
	uint64_t freed = 0;
	char *paths[3];
	size_t n = 0;

	(void)state;
	fill(paths);
	assert_int_equal(vp_cache_prune(g.cache, 2 * DAY_MS, UINT64_MAX, &gone, &n, &freed, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(gone[0].url, g.urls[0]);
	assert_int_equal(freed, 1000);
	vp_cache_entries_free(gone, n);
	assert_int_equal(access(paths[0], F_OK), -1);
	assert_int_equal(access(paths[1], F_OK), 0);
	assert_int_equal(vp_cache_list(g.cache, &e, &n, &err), 0);
	assert_int_equal(n, 2);
	vp_cache_entries_free(e, n);
	assert_int_equal(count_files(), 4);

	/* -1: every entry */
	assert_int_equal(vp_cache_prune(g.cache, -1, UINT64_MAX, NULL, NULL, &freed, &err), 0);
	assert_int_equal(freed, 5000);
	assert_int_equal(count_files(), 0);
	free_paths(paths);
}

static void test_prune_by_size(void **state)
{
	struct vp_cache_entry *gone = NULL;
	struct vp_error err = { 0 };
	uint64_t freed = 0;
	char *paths[3];
	size_t n = 0;

	(void)state;
	fill(paths);
	/* 6000 bytes held; at most 3500: the least recently used go, a then b */
	assert_int_equal(vp_cache_prune(g.cache, INT64_MAX, 3500, &gone, &n, &freed, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(gone[0].url, g.urls[0]);
	assert_string_equal(gone[1].url, g.urls[1]);
	assert_int_equal(freed, 3000);
	vp_cache_entries_free(gone, n);
	assert_int_equal(access(paths[2], F_OK), 0);
	assert_int_equal(count_files(), 2);

	/* within the limit: nothing to do */
	assert_int_equal(vp_cache_prune(g.cache, INT64_MAX, 3000, &gone, &n, &freed, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(freed, 0);
	vp_cache_entries_free(gone, n);
	free_paths(paths);
}

static void test_prune_leftovers(void **state)
{
	struct vp_error err = { 0 };
	char name[4][200], path[PATH_MAX * 2];
	uint64_t freed = 0;
	char *paths[3];
	size_t n = 0, i;
	pid_t dead;

	(void)state;
	fill(paths);
	/* a process id that is gone */
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);

	snprintf(name[0], sizeof(name[0]), KEY ".data.%ld.0badf00d.tmp", (long)dead);
	snprintf(name[1], sizeof(name[1]), KEY ".json.%ld.12345678.tmp", (long)dead);
	/* ours, as if a download of another thread were running */
	snprintf(name[2], sizeof(name[2]), KEY ".data.%ld.cafebabe.tmp", (long)getpid());
	/* a sidecar without its file */
	snprintf(name[3], sizeof(name[3]), "%s", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.json");
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", g.fetch, name[i]);
		write_file(path, "0123456789", 10);
	}
	assert_int_equal(vp_cache_prune(g.cache, INT64_MAX, UINT64_MAX, NULL, &n, &freed, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(freed, 30);
	assert_false(exists(name[0]));
	assert_false(exists(name[1]));
	assert_true(exists(name[2]));
	assert_false(exists(name[3]));
	assert_int_equal(count_files(), 7);
	for (i = 0; i < 3; i++)
		assert_int_equal(access(paths[i], F_OK), 0);
	free_paths(paths);
}

static void test_broken_sidecar_ignored(void **state)
{
	struct vp_cache_entry *e = NULL;
	struct vp_error err = { 0 };
	char *paths[3], *json;
	size_t n = 0;

	(void)state;
	fill(paths);
	json = vp_strdup(paths[1]);
	memcpy(json + strlen(json) - 4, "json", 4);
	write_file(json, "{ not json", 10);
	assert_int_equal(vp_cache_list(g.cache, &e, &n, &err), 0);
	assert_int_equal(n, 2);
	vp_cache_entries_free(e, n);

	/* and the fetch does not trust it: fetched again, whole */
	{
		struct vp_fetch_item it = { .url = g.urls[1], .sha256 = g.sha[1], .what = "b" };
		struct vp_fetch_opts o = { .cache_dir = g.cache };

		assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
		assert_false(it.cached);
		assert_int_equal(it.size, 2000);
		vp_fetch_item_clear(&it);
	}
	assert_int_equal(vp_cache_list(g.cache, &e, &n, &err), 0);
	assert_int_equal(n, 3);
	vp_cache_entries_free(e, n);
	free(json);
	free_paths(paths);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_list, setup),
		cmocka_unit_test_setup(test_prune_by_age, setup),
		cmocka_unit_test_setup(test_prune_by_size, setup),
		cmocka_unit_test_setup(test_prune_leftovers, setup),
		cmocka_unit_test_setup(test_broken_sidecar_ignored, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
