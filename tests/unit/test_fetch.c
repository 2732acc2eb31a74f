/* tests/unit/test_fetch.c — downloads into the verified cache, against a real HTTP server
 *
 * tests/fetch-server.py runs on 127.0.0.1 (port 0, --port-file) for the
 * whole group; each test gets a fresh cache, no faults and zeroed server
 * statistics, so what /__stats says is what that test caused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <gnutls/crypto.h>
#include <json.h>

#include "alloc.h"
#include "clock.h"
#include "fetch.h"
#include "fs.h"

#define SERVER_SCRIPT VP_TEST_DATA "/../fetch-server.py"
#define KERNEL_SIZE (300 * 1024)
#define INITRD_SIZE (2 * 1024 * 1024 + 123)
#define MANIFEST "installer-amd64/current/images/netboot/linux\nbuild-info\n"

static struct {
	char dir[256];
	char root[PATH_MAX];
	char cache[PATH_MAX];
	char faults[PATH_MAX];
	char portfile[PATH_MAX];
	char log[PATH_MAX];
	char base[64];
	int port;
	pid_t server;
	char kernel_sha[65], initrd_sha[65];
	int cache_gen;
} g;

/* ---- helpers ---------------------------------------------------------------- */

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[32];
	size_t i;

	assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, d), 0);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(vp_write_all(fd, data, len), 0);
	assert_int_equal(close(fd), 0);
}

static void make_random_file(const char *name, size_t len, char sha[65])
{
	char path[PATH_MAX * 2];
	unsigned char *buf = vp_grow(NULL, len, 1);
	size_t off = 0;

	while (off < len) {
		ssize_t n = getrandom(buf + off, len - off, 0);

		assert_true(n > 0);
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "%s/%s", g.root, name);
	write_file(path, buf, len);
	sha256_hex(buf, len, sha);
	free(buf);
}

static void set_faults(const char *json)
{
	write_file(g.faults, json, strlen(json));
}

/* A raw HTTP GET, so that the statistics are read without the code under test. */
static char *raw_get(const char *path)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g.port) };
	char req[512], *buf = NULL, *body;
	size_t len = 0, cap = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
		 path);
	assert_int_equal(vp_write_all(fd, req, strlen(req)), 0);
	for (;;) {
		ssize_t n;

		if (len + 4096 > cap) {
			cap = cap ? 2 * cap : 8192;
			buf = vp_grow(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len - 1);
		assert_true(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	body = strstr(buf, "\r\n\r\n");
	assert_non_null(body);
	body = vp_strdup(body + 4);
	free(buf);
	return body;
}

struct pstats {
	int64_t requests, body_bytes;
	int statuses[16];
	size_t n_statuses;
};

static struct pstats stats_of(const char *path)
{
	char *text = raw_get("/__stats");
	json_object *o = json_tokener_parse(text), *p, *v;
	struct pstats s = { 0 };
	size_t i;

	assert_non_null(o);
	if (json_object_object_get_ex(o, path, &p)) {
		json_object_object_get_ex(p, "requests", &v);
		s.requests = json_object_get_int64(v);
		json_object_object_get_ex(p, "body_bytes", &v);
		s.body_bytes = json_object_get_int64(v);
		json_object_object_get_ex(p, "statuses", &v);
		for (i = 0; i < json_object_array_length(v) && i < 16; i++)
			s.statuses[s.n_statuses++] = json_object_get_int(json_object_array_get_idx(v, i));
	}
	json_object_put(o);
	free(text);
	return s;
}

static char *url(const char *path)
{
	return vp_strdup_printf("%s%s", g.base, path);
}

/* files in the cache's fetch directory: all of them, and temporary ones */
static void count_cache(const char *cache, int *files, int *tmps)
{
	char dir[PATH_MAX * 2];
	struct dirent *de;
	DIR *d;

	*files = *tmps = 0;
	snprintf(dir, sizeof(dir), "%s/fetch", cache);
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		(*files)++;
		if (n > 4 && !strcmp(de->d_name + n - 4, ".tmp"))
			(*tmps)++;
	}
	closedir(d);
}

static void assert_cache_empty(void)
{
	int files, tmps;

	count_cache(g.cache, &files, &tmps);
	assert_int_equal(tmps, 0);
	assert_int_equal(files, 0);
}

static void assert_file_is(const char *path, const char *sha, size_t size)
{
	size_t len = 0;
	char *data = vp_read_file(path, 64 * 1024 * 1024, &len);
	char got[65];

	assert_non_null(data);
	assert_int_equal(len, size);
	sha256_hex(data, len, got);
	assert_string_equal(got, sha);
	free(data);
}

static void items_clear(struct vp_fetch_item *it, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vp_fetch_item_clear(&it[i]);
}

static struct vp_fetch_opts opts(void)
{
	return (struct vp_fetch_opts){ .cache_dir = g.cache, .backoff_ms = 50 };
}

/* ---- a reporter that records ------------------------------------------------- */

struct rec {
	char done_order[8][64];   /* stages in the order they reached done == total */
	size_t n_done;
	unsigned reports;
	bool cancel_on_progress;
	volatile sig_atomic_t cancel;
};

static void rec_progress(void *opaque, const char *scope, const char *stage, uint64_t done,
			 uint64_t total)
{
	struct rec *r = opaque;

	r->reports++;
	assert_true(total == 0 || done <= total);
	if (total > 0 && done == total && r->n_done < 8) {
		size_t i;

		for (i = 0; i < r->n_done; i++)
			if (!strcmp(r->done_order[i], stage))
				return;
		snprintf(r->done_order[r->n_done++], sizeof(r->done_order[0]), "%s", stage);
	}
	if (r->cancel_on_progress)
		r->cancel = 1;
}

static const struct vp_reporter_ops rec_ops = { .progress = rec_progress };

/* ---- fixtures ---------------------------------------------------------------- */

static int group_setup(void **state)
{
	char tmpl[] = "/tmp/vp-test-fetch-XXXXXX";
	int64_t deadline;
	char *s;

	(void)state;
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(g.dir, sizeof(g.dir), "%s", tmpl);
	snprintf(g.root, sizeof(g.root), "%s/root", g.dir);
	snprintf(g.faults, sizeof(g.faults), "%s/faults.json", g.dir);
	snprintf(g.portfile, sizeof(g.portfile), "%s/port", g.dir);
	snprintf(g.log, sizeof(g.log), "%s/server.log", g.dir);
	/* the server is on 127.0.0.1: no proxy between */
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	if (mkdir(g.root, 0755) < 0)
		return -1;
	make_random_file("kernel", KERNEL_SIZE, g.kernel_sha);
	make_random_file("initrd", INITRD_SIZE, g.initrd_sha);
	{
		char p[PATH_MAX * 2];

		snprintf(p, sizeof(p), "%s/MANIFEST", g.root);
		write_file(p, MANIFEST, strlen(MANIFEST));
	}
	set_faults("[]");

	g.server = fork();
	if (g.server < 0)
		return -1;
	if (g.server == 0) {
		execlp("python3", "python3", SERVER_SCRIPT, "--root", g.root, "--port-file",
		       g.portfile, "--faults", g.faults, "--log", g.log, (char *)NULL);
		_exit(127);
	}
	deadline = vp_now_ms() + 15000;
	while (!(s = vp_read_file(g.portfile, 64, NULL))) {
		if (vp_now_ms() > deadline || waitpid(g.server, NULL, WNOHANG) != 0)
			return -1;
		usleep(20000);
	}
	g.port = atoi(s);
	free(s);
	snprintf(g.base, sizeof(g.base), "http://127.0.0.1:%d", g.port);
	return g.port > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[PATH_MAX * 2];

	(void)state;
	if (g.server > 0) {
		kill(g.server, SIGTERM);
		waitpid(g.server, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	char *r;

	(void)state;
	snprintf(g.cache, sizeof(g.cache), "%s/cache%d", g.dir, ++g.cache_gen);
	set_faults("[]");
	r = raw_get("/__reset");
	free(r);
	return 0;
}

/* ---- the tests ----------------------------------------------------------------- */

static void test_parallel_and_cached(void **state)
{
	char *ku = url("/kernel"), *iu = url("/initrd");
	struct vp_fetch_item it[2] = {
		{ .url = ku, .sha256 = g.kernel_sha, .what = "kernel" },
		{ .url = iu, .sha256 = g.initrd_sha, .what = "initrd" },
	};
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	struct pstats k, i;

	(void)state;
	assert_int_equal(vp_fetch_files(it, 2, &o, &err), 0);
	assert_false(it[0].cached);
	assert_false(it[1].cached);
	assert_int_equal(it[0].size, KERNEL_SIZE);
	assert_int_equal(it[1].size, INITRD_SIZE);
	assert_int_equal(it[0].body_bytes, KERNEL_SIZE);
	assert_int_equal(it[0].attempts, 1);
	assert_int_equal(it[1].attempts, 1);
	assert_string_equal(it[0].sha256_hex, g.kernel_sha);
	assert_string_equal(it[1].sha256_hex, g.initrd_sha);
	assert_file_is(it[0].path, g.kernel_sha, KERNEL_SIZE);
	assert_file_is(it[1].path, g.initrd_sha, INITRD_SIZE);
	k = stats_of("/kernel");
	i = stats_of("/initrd");
	assert_int_equal(k.body_bytes, KERNEL_SIZE);
	assert_int_equal(i.body_bytes, INITRD_SIZE);

	/* again, with the checksums: served from the cache, nothing asked */
	free(raw_get("/__reset"));
	assert_int_equal(vp_fetch_files(it, 2, &o, &err), 0);
	assert_true(it[0].cached);
	assert_true(it[1].cached);
	assert_int_equal(it[0].body_bytes, 0);
	assert_int_equal(it[1].body_bytes, 0);
	assert_string_equal(it[1].sha256_hex, g.initrd_sha);
	assert_file_is(it[1].path, g.initrd_sha, INITRD_SIZE);
	assert_int_equal(stats_of("/kernel").body_bytes + stats_of("/initrd").body_bytes, 0);

	/* and without checksums: revalidated with the server, 304, no body */
	it[0].sha256 = it[1].sha256 = NULL;
	assert_int_equal(vp_fetch_files(it, 2, &o, &err), 0);
	assert_true(it[0].cached);
	assert_true(it[1].cached);
	assert_int_equal(it[0].attempts, 1);
	assert_string_equal(it[0].sha256_hex, g.kernel_sha);
	k = stats_of("/kernel");
	i = stats_of("/initrd");
	assert_int_equal(k.requests, 1);
	assert_int_equal(k.body_bytes + i.body_bytes, 0);
	assert_int_equal(k.statuses[0], 304);
	assert_int_equal(i.statuses[0], 304);

	items_clear(it, 2);
	free(ku);
	free(iu);
}

static void test_parallel_overlap(void **state)
{
	char *ku = url("/kernel"), *iu = url("/initrd");
	/* the initrd first in the list, and slow: the kernel still finishes first */
	struct vp_fetch_item it[2] = {
		{ .url = iu, .sha256 = g.initrd_sha, .what = "initrd" },
		{ .url = ku, .sha256 = g.kernel_sha, .what = "kernel" },
	};
	struct rec rec = { 0 };
	struct vp_reporter rep = { .ops = &rec_ops, .opaque = &rec, .cancel = &rec.cancel };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };

	(void)state;
	o.reporter = &rep;
	set_faults("[{\"path\": \"/initrd\", \"kind\": \"stall\", \"after\": 65536, \"seconds\": 1}]");
	assert_int_equal(vp_fetch_files(it, 2, &o, &err), 0);
	assert_int_equal(rec.n_done, 2);
	assert_string_equal(rec.done_order[0], "download kernel");
	assert_string_equal(rec.done_order[1], "download initrd");
	assert_int_equal(it[0].attempts, 2);
	assert_int_equal(it[1].attempts, 1);
	assert_file_is(it[0].path, g.initrd_sha, INITRD_SIZE);
	items_clear(it, 2);
	free(ku);
	free(iu);
}

static void test_checksum_mismatch(void **state)
{
	char *ku = url("/kernel");
	struct vp_fetch_item it = { .url = ku, .sha256 = g.initrd_sha, .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "kernel from '"));
	assert_non_null(strstr(err.msg, ku));
	assert_non_null(strstr(err.msg, "does not match its published checksum"));
	assert_non_null(strstr(err.msg, g.initrd_sha)); /* expected */
	assert_non_null(strstr(err.msg, g.kernel_sha)); /* got */
	assert_null(it.path);
	assert_false(it.cached);
	assert_cache_empty();
	free(ku);
}

static void test_not_found(void **state)
{
	char *ku = url("/kernel"), *mu = url("/no/such/initrd");
	struct vp_fetch_item it[2] = {
		{ .url = ku, .what = "kernel" },
		{ .url = mu, .what = "initrd" },
	};
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	struct pstats s;
	int files, tmps;

	(void)state;
	assert_int_equal(vp_fetch_files(&it[1], 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "cannot download initrd from '"));
	assert_non_null(strstr(err.msg, "HTTP 404 Not Found"));
	assert_int_equal(it[1].attempts, 1);
	s = stats_of("/no/such/initrd");
	assert_int_equal(s.requests, 1);
	assert_null(it[1].path);
	assert_cache_empty();

	/* with another item beside it: the whole call fails, nothing partial stays */
	assert_int_equal(vp_fetch_files(it, 2, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_null(it[0].path);
	count_cache(g.cache, &files, &tmps);
	assert_int_equal(tmps, 0);
	items_clear(it, 2);
	free(ku);
	free(mu);
}

static void test_retry_after_500(void **state)
{
	char *ku = url("/kernel");
	struct vp_fetch_item it = { .url = ku, .sha256 = g.kernel_sha, .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	struct pstats s;

	(void)state;
	set_faults("[{\"path\": \"/kernel\", \"kind\": \"status\", \"status\": 500}]");
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_int_equal(it.attempts, 2);
	assert_file_is(it.path, g.kernel_sha, KERNEL_SIZE);
	/* the server's last two answers for it (a transfer the previous test
	 * abandoned may still have been counted after its reset) */
	s = stats_of("/kernel");
	assert_true(s.requests >= 2 && s.n_statuses >= 2);
	assert_int_equal(s.statuses[s.n_statuses - 2], 500);
	assert_int_equal(s.statuses[s.n_statuses - 1], 200);

	/* 500 every time: given up after 1 + retries attempts */
	vp_fetch_item_clear(&it);
	snprintf(g.cache + strlen(g.cache), 8, "-b");
	free(raw_get("/__reset"));
	set_faults("[{\"path\": \"/k*\", \"kind\": \"status\", \"status\": 503, \"times\": 100}]");
	o.cache_dir = g.cache;
	o.retries = 2;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "HTTP 503 Service Unavailable after 3 attempts"));
	assert_int_equal(stats_of("/kernel").requests, 3);
	assert_cache_empty();
	free(ku);
}

static void test_resume_after_drop(void **state)
{
	char *iu = url("/initrd");
	struct vp_fetch_item it = { .url = iu, .sha256 = g.initrd_sha, .what = "initrd" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	struct pstats s;

	(void)state;
	set_faults("[{\"path\": \"/initrd\", \"kind\": \"drop\", \"after\": 1000000}]");
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_int_equal(it.attempts, 2);
	assert_false(it.cached);
	assert_int_equal(it.body_bytes, INITRD_SIZE);
	assert_file_is(it.path, g.initrd_sha, INITRD_SIZE);
	s = stats_of("/initrd");
	assert_int_equal(s.requests, 2);
	assert_int_equal(s.statuses[0], 200);
	assert_int_equal(s.statuses[1], 206); /* resumed with Range */
	/* the server sent the file once, not once and a half */
	assert_int_equal(s.body_bytes, INITRD_SIZE);

	/* dropped every time: the partial file does not stay behind */
	vp_fetch_item_clear(&it);
	snprintf(g.cache + strlen(g.cache), 8, "-b");
	o.cache_dir = g.cache;
	o.retries = 2;
	free(raw_get("/__reset"));
	set_faults("[{\"path\": \"/initrd\", \"kind\": \"drop\", \"after\": 300000, \"times\": 9}]");
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "after 3 attempts"));
	assert_int_equal(it.attempts, 3);
	assert_int_equal(stats_of("/initrd").body_bytes, 900000); /* each attempt resumed */
	assert_cache_empty();
	free(iu);
}

static void test_stall_timeout(void **state)
{
	char *ku = url("/kernel");
	struct vp_fetch_item it = { .url = ku, .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	int64_t t0 = vp_now_ms();

	(void)state;
	set_faults("[{\"path\": \"/kernel\", \"kind\": \"stall\", \"after\": 1000, \"seconds\": 10, "
		   "\"times\": 5}]");
	o.stall_timeout_ms = 1500;
	o.retries = 1; /* 0 would mean the default, 4 */
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "cannot download kernel from '"));
	assert_non_null(strstr(err.msg, "the transfer stalled (under 1 KiB/s for 2 s) after 2 attempts"));
	assert_int_equal(it.attempts, 2);
	assert_true(vp_now_ms() - t0 < 9000); /* not the server's 10 s stall */
	assert_cache_empty();
	free(ku);
}

static void test_offline(void **state)
{
	char *ku = url("/kernel");
	struct vp_fetch_item it = { .url = ku, .sha256 = g.kernel_sha, .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	free(raw_get("/__reset"));

	o.offline = true;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_true(it.cached);
	assert_int_equal(it.attempts, 0);
	assert_file_is(it.path, g.kernel_sha, KERNEL_SIZE);
	it.sha256 = NULL;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_true(it.cached);
	assert_string_equal(it.sha256_hex, g.kernel_sha);
	assert_int_equal(stats_of("/kernel").requests, 0);

	/* an empty cache */
	snprintf(g.cache + strlen(g.cache), 8, "-empty");
	o.cache_dir = g.cache;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "cannot download kernel from '"));
	assert_non_null(strstr(err.msg, "not in the cache, and offline mode makes no requests"));
	assert_null(it.path);
	assert_int_equal(stats_of("/kernel").requests, 0);
	free(ku);
}

static void test_text(void **state)
{
	char *mu = url("/MANIFEST"), *nu = url("/no/MANIFEST"), *ku = url("/kernel");
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	char *body = (char *)1;
	size_t len = 99;
	int files, tmps;

	(void)state;
	assert_int_equal(vp_fetch_text(nu, 4096, &o, &body, &len, &err), 1);
	assert_null(body);
	assert_int_equal(len, 0);

	assert_int_equal(vp_fetch_text(mu, 4096, &o, &body, &len, &err), 0);
	assert_string_equal(body, MANIFEST);
	assert_int_equal(len, strlen(MANIFEST));
	free(body);
	/* a second read revalidates: no body bytes */
	assert_int_equal(vp_fetch_text(mu, 4096, &o, &body, &len, &err), 0);
	assert_string_equal(body, MANIFEST);
	free(body);
	assert_int_equal(stats_of("/MANIFEST").requests, 2);
	assert_int_equal(stats_of("/MANIFEST").body_bytes, strlen(MANIFEST));
	/* one 200 and one 304: the server records a request once its reply
	 * is sent, so under load the second can be recorded first */
	assert_int_equal(stats_of("/MANIFEST").statuses[0] + stats_of("/MANIFEST").statuses[1],
			 200 + 304);
	assert_true(stats_of("/MANIFEST").statuses[0] == 304 || stats_of("/MANIFEST").statuses[1] == 304);

	/* max is enforced, while downloading and from the cache */
	assert_int_equal(vp_fetch_text(ku, 1000, &o, &body, &len, &err), -1);
	assert_null(body);
	assert_non_null(strstr(err.msg, "larger than the 1000 bytes allowed"));
	assert_int_equal(vp_fetch_text(mu, 10, &o, &body, &len, &err), -1);
	assert_non_null(strstr(err.msg, "larger than the 10 bytes allowed"));
	count_cache(g.cache, &files, &tmps);
	assert_int_equal(tmps, 0);
	assert_int_equal(files, 2); /* MANIFEST's entry only */

	/* an error is an error, not "missing" */
	set_faults("[{\"path\": \"/MANIFEST\", \"kind\": \"status\", \"status\": 403}]");
	assert_int_equal(vp_fetch_text(mu, 4096, &o, &body, &len, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "HTTP 403 Forbidden"));
	free(mu);
	free(nu);
	free(ku);
}

static void test_file_urls(void **state)
{
	char *ku = vp_strdup_printf("file://%s/kernel", g.root);
	char *mu = vp_strdup_printf("file://%s/MANIFEST", g.root);
	char *nu = vp_strdup_printf("file://%s/no-such-file", g.root);
	struct vp_fetch_item it = { .url = ku, .sha256 = g.kernel_sha, .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	char *body = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_false(it.cached);
	assert_int_equal(it.attempts, 1);
	assert_file_is(it.path, g.kernel_sha, KERNEL_SIZE);
	/* unchanged: the file's time says so */
	it.sha256 = NULL;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_true(it.cached);
	assert_int_equal(it.attempts, 1);
	assert_int_equal(it.body_bytes, 0);

	assert_int_equal(vp_fetch_text(mu, 4096, &o, &body, &len, &err), 0);
	assert_string_equal(body, MANIFEST);
	free(body);
	assert_int_equal(vp_fetch_text(nu, 4096, &o, &body, &len, &err), 1);
	assert_null(body);

	it.url = nu;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_int_equal(it.attempts, 1);
	vp_fetch_item_clear(&it);
	free(ku);
	free(mu);
	free(nu);
}

static void test_changed_file_refetched(void **state)
{
	char *su = url("/changing"), path[PATH_MAX * 2], sha[65];
	struct vp_fetch_item it = { .url = su, .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	struct timespec later[2];

	(void)state;
	snprintf(path, sizeof(path), "%s/changing", g.root);
	write_file(path, "one\n", 4);
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_int_equal(it.size, 4);
	write_file(path, "two!!\n", 6);
	clock_gettime(CLOCK_REALTIME, &later[0]);
	later[0].tv_sec += 10;
	later[1] = later[0];
	assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_false(it.cached);
	assert_int_equal(it.size, 6);
	sha256_hex("two!!\n", 6, sha);
	assert_file_is(it.path, sha, 6);
	vp_fetch_item_clear(&it);
	free(su);
}

static void test_cancel(void **state)
{
	char *ku = url("/kernel"), *iu = url("/initrd");
	struct vp_fetch_item it[2] = {
		{ .url = ku, .sha256 = g.kernel_sha, .what = "kernel" },
		{ .url = iu, .sha256 = g.initrd_sha, .what = "initrd" },
	};
	struct rec rec = { .cancel_on_progress = true };
	struct vp_reporter rep = { .ops = &rec_ops, .opaque = &rec, .cancel = &rec.cancel };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };

	(void)state;
	o.reporter = &rep;
	assert_int_equal(vp_fetch_files(it, 2, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_CANCELLED);
	assert_non_null(strstr(err.msg, "cancelled"));
	assert_true(rec.reports >= 1);
	assert_null(it[0].path);
	assert_null(it[1].path);
	assert_cache_empty();

	/* cancelled before anything started */
	assert_int_equal(vp_fetch_files(it, 2, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_CANCELLED);
	assert_cache_empty();
	items_clear(it, 2);
	free(ku);
	free(iu);
}

static void test_credentials_redacted(void **state)
{
	char *ku = vp_strdup_printf("http://user:s3cret@127.0.0.1:%d/kernel", g.port);
	char *mu = vp_strdup_printf("http://user:s3cret@127.0.0.1:%d/missing", g.port);
	struct vp_fetch_item it = { .url = ku, .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	struct vp_cache_entry *e = NULL;
	char *json, *sidecar;
	size_t n = 0;

	(void)state;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	json = vp_strdup(it.path);
	memcpy(json + strlen(json) - 4, "json", 4);
	sidecar = vp_read_file(json, 65536, NULL);
	assert_non_null(sidecar);
	assert_null(strstr(sidecar, "s3cret"));
	assert_int_equal(vp_cache_list(g.cache, &e, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_null(strstr(e[0].url, "s3cret"));
	assert_non_null(strstr(e[0].url, "/kernel"));
	vp_cache_entries_free(e, n);

	it.url = mu;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_null(strstr(err.msg, "s3cret"));
	free(json);
	free(sidecar);
	free(ku);
	free(mu);
}

static void test_connection_refused(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char *ku;
	struct vp_fetch_item it = { .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };

	(void)state;
	/* a port bound but not listening: connections are refused */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	ku = vp_strdup_printf("http://127.0.0.1:%d/kernel", ntohs(a.sin_port));
	it.url = ku;
	o.retries = 1;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "cannot download kernel from '"));
	assert_non_null(strstr(err.msg, "': the connection was refused after 2 attempts"));
	assert_int_equal(it.attempts, 2);
	assert_null(strchr(err.msg, '\n'));
	close(fd);
	assert_cache_empty();
	free(ku);
}

/* The client ports of the requests for path the server logged after offset. */
static size_t client_ports(long offset, const char *path, int *ports, size_t max)
{
	char *log = vp_read_file(g.log, 16 * 1024 * 1024, NULL), *line, *save = NULL;
	char needle[256];
	size_t n = 0;

	assert_non_null(log);
	snprintf(needle, sizeof(needle), "\"GET %s HTTP/1.1\"", path);
	for (line = strtok_r(log + offset, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = strstr(line, " 127.0.0.1:");

		if (p && strstr(line, needle) && n < max)
			ports[n++] = atoi(p + 11);
	}
	free(log);
	return n;
}

static long log_size(void)
{
	struct stat st;

	return stat(g.log, &st) == 0 ? (long)st.st_size : 0;
}

static void test_session_keeps_connections(void **state)
{
	char *mu = url("/MANIFEST"), *ku = url("/kernel"), *body = NULL;
	struct vp_fetch_item it = { .url = ku, .sha256 = g.kernel_sha, .what = "kernel" };
	struct vp_fetch_session *s = NULL;
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	int ports[8];
	long off;
	size_t n;

	(void)state;
	/* without a session, each call opens its own connection */
	off = log_size();
	assert_int_equal(vp_fetch_text(mu, 4096, &o, &body, NULL, &err), 0);
	free(body);
	assert_int_equal(vp_fetch_text(mu, 4096, &o, &body, NULL, &err), 0);
	free(body);
	assert_int_equal(client_ports(off, "/MANIFEST", ports, 8), 2);
	assert_int_not_equal(ports[0], ports[1]);

	/* with one, the next call goes over the same connection */
	assert_int_equal(vp_fetch_session_new(&s, &err), 0);
	o.session = s;
	off = log_size();
	assert_int_equal(vp_fetch_text(mu, 4096, &o, &body, NULL, &err), 0);
	assert_string_equal(body, MANIFEST);
	free(body);
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), 0);
	assert_file_is(it.path, g.kernel_sha, KERNEL_SIZE);
	n = client_ports(off, "/MANIFEST", ports, 8);
	assert_int_equal(n, 1);
	assert_int_equal(client_ports(off, "/kernel", ports + 1, 7), 1);
	assert_int_equal(ports[0], ports[1]);
	vp_fetch_session_free(s);
	vp_fetch_item_clear(&it);
	free(mu);
	free(ku);
}

struct worker {
	pthread_t t;
	int rc;
	bool same;
};

static void *fetch_worker(void *arg)
{
	struct worker *w = arg;
	char *ku = url("/kernel"), *iu = url("/initrd");
	struct vp_fetch_item it[2] = {
		{ .url = ku, .sha256 = g.kernel_sha, .what = "kernel" },
		{ .url = iu, .sha256 = g.initrd_sha, .what = "initrd" },
	};
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };

	w->rc = vp_fetch_files(it, 2, &o, &err);
	w->same = w->rc == 0 && !strcmp(it[0].sha256_hex, g.kernel_sha) &&
		  !strcmp(it[1].sha256_hex, g.initrd_sha) && it[1].size == INITRD_SIZE;
	items_clear(it, 2);
	free(ku);
	free(iu);
	return NULL;
}

/* many operations at once (a fleet) fetching the same tree into one cache */
static void test_threads(void **state)
{
	struct worker w[4];
	int files, tmps;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&w[i].t, NULL, fetch_worker, &w[i]), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(w[i].t, NULL), 0);
		assert_int_equal(w[i].rc, 0);
		assert_true(w[i].same);
	}
	count_cache(g.cache, &files, &tmps);
	assert_int_equal(tmps, 0);
	assert_int_equal(files, 4); /* two entries, each a file and its sidecar */
}

static void test_bad_input(void **state)
{
	struct vp_fetch_item it = { .url = "gopher://example.org/x", .what = "kernel" };
	struct vp_fetch_opts o = opts();
	struct vp_error err = { 0 };
	char *body = NULL;

	(void)state;
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "not an http, https, ftp or file URL"));
	it.url = "http://127.0.0.1:1/kernel";
	it.sha256 = "abc";
	assert_int_equal(vp_fetch_files(&it, 1, &o, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "not a SHA-256"));
	o.cache_dir = NULL;
	assert_int_equal(vp_fetch_text("http://127.0.0.1:1/x", 10, &o, &body, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_int_equal(vp_fetch_files(&it, 0, &o, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parallel_and_cached, setup),
		cmocka_unit_test_setup(test_parallel_overlap, setup),
		cmocka_unit_test_setup(test_checksum_mismatch, setup),
		cmocka_unit_test_setup(test_not_found, setup),
		cmocka_unit_test_setup(test_retry_after_500, setup),
		cmocka_unit_test_setup(test_resume_after_drop, setup),
		cmocka_unit_test_setup(test_stall_timeout, setup),
		cmocka_unit_test_setup(test_offline, setup),
		cmocka_unit_test_setup(test_text, setup),
		cmocka_unit_test_setup(test_file_urls, setup),
		cmocka_unit_test_setup(test_changed_file_refetched, setup),
		cmocka_unit_test_setup(test_cancel, setup),
		cmocka_unit_test_setup(test_credentials_redacted, setup),
		cmocka_unit_test_setup(test_connection_refused, setup),
		cmocka_unit_test_setup(test_session_keeps_connections, setup),
		cmocka_unit_test_setup(test_threads, setup),
		cmocka_unit_test_setup(test_bad_input, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
