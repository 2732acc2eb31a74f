/* tests/unit/test_profile_net.c — OS profiles meeting the network, against
 * tests/fetch-server.py on 127.0.0.1 and libvirt's test:///default driver
 * (with x86_64 host capabilities): an installer tree's plan gets the
 * profile's network-install memory (rocky9 on x86_64); an Alpine netboot
 * tree gets the profile's alpine_repo= and modloop= for the tree actually
 * used, before the user's --extra-args, which win; a profile's cloud image
 * or tree that is gone fails naming the profile and the URL, and leaves
 * nothing behind. */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
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
#include <libvirt/libvirt.h>

#include "cleanup.h"
#include "clock.h"
#include "create.h"
#include "fs.h"
#include "osinfo.h"
#include "units.h"
#include "virt.h"

#define SERVER_SCRIPT VP_TEST_DATA "/../fetch-server.py"
#define ALPINE "/alpine/v3.21/releases/x86_64"
#define ROCKY "/rocky/9/BaseOS/x86_64/os"

static struct {
	char dir[64], root[128], user[128], cache[128], state[128], portfile[128];
	char base[64];
	pid_t server;
	char *caps;
} g;

static void put(const char *rel, const char *text)
{
	char p[512];
	struct vp_error err = { 0 };
	char *slash;

	snprintf(p, sizeof(p), "%s/%s", g.root, rel);
	slash = strrchr(p, '/');
	*slash = '\0';
	if (vp_mkdir_p(p, 0755) < 0)
		fail_msg("mkdir %s", p);
	*slash = '/';
	assert_int_equal(vp_write_atomic(p, text, strlen(text), 0644, false, &err), 0);
}

static int group_setup(void **state)
{
	char tmpl[] = "/tmp/vp-test-profnet-XXXXXX";
	char p[512];
	int64_t deadline;
	char *s;
	FILE *f;

	(void)state;
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(g.dir, sizeof(g.dir), "%s", tmpl);
	snprintf(g.root, sizeof(g.root), "%s/root", g.dir);
	snprintf(g.user, sizeof(g.user), "%s/user", g.dir);
	snprintf(g.cache, sizeof(g.cache), "%s/cache", g.dir);
	snprintf(g.state, sizeof(g.state), "%s/state", g.dir);
	snprintf(g.portfile, sizeof(g.portfile), "%s/port", g.dir);
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	/* a Rocky Linux 9 tree as the mirrors lay it out */
	put(ROCKY "/.treeinfo", "[general]\nfamily = Rocky Linux\nversion = 9.5\narch = x86_64\n"
				"[images-x86_64]\nkernel = images/pxeboot/vmlinuz\n"
				"initrd = images/pxeboot/initrd.img\n");
	put(ROCKY "/images/pxeboot/vmlinuz", "KERNEL");
	put(ROCKY "/images/pxeboot/initrd.img", "INITRD");
	/* Alpine's netboot files: no metadata file at all */
	put(ALPINE "/netboot/vmlinuz-virt", "KERNEL");
	put(ALPINE "/netboot/initramfs-virt", "INITRD");
	put(ALPINE "/netboot/modloop-virt", "MODLOOP");
	/* the same under a mirror's unversioned name */
	put("mirror/latest-stable/releases/x86_64/netboot/vmlinuz-virt", "KERNEL");
	put("mirror/latest-stable/releases/x86_64/netboot/initramfs-virt", "INITRD");
	g.server = fork();
	if (g.server < 0)
		return -1;
	if (g.server == 0) {
		execlp("python3", "python3", SERVER_SCRIPT, "--root", g.root, "--port-file",
		       g.portfile, (char *)NULL);
		_exit(127);
	}
	/* a bound on a hung start only, not a speed check */
	deadline = vp_now_ms() + 60000;
	while (!(s = vp_read_file(g.portfile, 64, NULL))) {
		if (vp_now_ms() > deadline || waitpid(g.server, NULL, WNOHANG) != 0)
			return -1;
		usleep(20000);
	}
	snprintf(g.base, sizeof(g.base), "http://127.0.0.1:%d", atoi(s));
	free(s);
	/* a user profile whose cloud image and tree are gone from the server */
	snprintf(p, sizeof(p), "%s/os/example.org", g.user);
	if (vp_mkdir_p(p, 0755) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/os/example.org/exgone-1.xml", g.user);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fprintf(f,
		"<libosinfo version=\"0.0.1\"><os id=\"http://example.org/exgone/1\">"
		"<short-id>exgone1</short-id><name>Example Gone 1</name><version>1</version>"
		"<vendor>Example</vendor><family>linux</family><distro>exgone</distro>"
		"<resources arch=\"all\"><recommended><ram>268435456</ram>"
		"<storage>1073741824</storage></recommended></resources>"
		"<tree arch=\"x86_64\"><url>%s/gone/tree/</url><kernel>vmlinuz</kernel>"
		"<initrd>initrd</initrd></tree>"
		"<image arch=\"x86_64\" format=\"qcow2\" cloud-init=\"true\">"
		"<url>%s/gone/cloud.qcow2</url></image></os></libosinfo>\n",
		g.base, g.base);
	fclose(f);
	/* ... and one whose tree goes away between the plan and the download */
	snprintf(p, sizeof(p), "%s/os/example.org/exflaky-1.xml", g.user);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fprintf(f,
		"<libosinfo version=\"0.0.1\"><os id=\"http://example.org/exflaky/1\">"
		"<short-id>exflaky1</short-id><name>Example Flaky 1</name><version>1</version>"
		"<vendor>Example</vendor><family>linux</family><distro>exflaky</distro>"
		"<tree arch=\"x86_64\"><url>%s/flaky/tree</url><kernel>vmlinuz</kernel>"
		"<initrd>initrd</initrd></tree></os></libosinfo>\n",
		g.base);
	fclose(f);
	put("flaky/tree/vmlinuz", "KERNEL");
	put("flaky/tree/initrd", "INITRD");
	g.caps = vp_read_file(VP_TEST_DATA "/caps-x86_64.xml", 1 << 20, NULL);
	return g.caps ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[256];

	(void)state;
	if (g.server > 0) {
		kill(g.server, SIGTERM);
		waitpid(g.server, NULL, 0);
	}
	free(g.caps);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g.dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A dry run (or a real create) of request with profile os_id (NULL: as the
 * tree says), bundled profiles and the user directory only: the system
 * database's older copies shadow nothing here. */
static int (*hook)(void *opaque, const struct vp_step *st, enum vp_hook_point at);

static int create(struct vp_domain_spec *req, const char *os_id, enum vp_create_mode mode,
		  struct vp_create_result *res, struct vp_error *err)
{
	_cleanup_(virConnectClosep) virConnectPtr conn = virConnectOpen("test:///default");
	struct vp_osinfo_opts oo = { .user_dir = g.user };
	struct vp_osinfo *db = NULL;
	struct vp_create_opts opts = {
		.mode = mode,
		.cache_dir = g.cache,
		.state_dir = g.state,
		.os_id = os_id,
		.caps_xml = g.caps,
		.force = true, /* the test host's memory is not the point */
		.hook = hook,
	};
	struct vp_plan *plan = NULL;
	int r;

	assert_non_null(conn);
	if (vp_osinfo_open(&oo, &db, NULL, err) < 0)
		return -1;
	opts.osinfo = db;
	r = vp_domain_create(conn, req, &opts, res, &plan, NULL, err);
	vp_plan_free(plan);
	vp_osinfo_close(db);
	return r;
}

static void tree_request(struct vp_domain_spec *s, const char *name, const char *location,
			 const char *extra)
{
	memset(s, 0, sizeof(*s));
	s->name = vp_strdup(name);
	s->arch = vp_strdup("x86_64");
	s->virt_type = vp_strdup("qemu");
	s->graphics.type = vp_strdup("none");
	s->install.location = vp_strdup(location);
	s->install.extra_args = vp_strdup(extra);
}

/* rocky9's tree on x86_64: 3 GiB (network-install) for the install run,
 * where the profile recommends 1.5 GiB; --memory still wins. */
static void test_tree_gets_network_install_memory(void **state)
{
	_cleanup_(freep) char *url = vp_strdup_printf("%s" ROCKY "/", g.base);
	struct vp_domain_spec s;
	struct vp_create_result res = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	tree_request(&s, "rk1", url, NULL);
	if (create(&s, "rocky9", VP_CREATE_DRY_RUN, &res, &err) < 0)
		fail_msg("dry run: %s", err.msg);
	assert_string_equal(res.spec.os.short_id, "rocky9");
	assert_int_equal(res.spec.memory, 3 * VP_GiB);
	assert_string_equal(res.memory_from, "rocky9's network-install resources on x86_64");
	assert_true(res.spec.install.run);
	vp_create_result_clear(&res);

	/* the tree names its profile when none is given */
	if (create(&s, NULL, VP_CREATE_DRY_RUN, &res, &err) < 0)
		fail_msg("dry run: %s", err.msg);
	assert_string_equal(res.spec.os.short_id, "rocky9");
	assert_int_equal(res.spec.memory, 3 * VP_GiB);
	vp_create_result_clear(&res);

	s.memory = VP_GiB;
	if (create(&s, "rocky9", VP_CREATE_DRY_RUN, &res, &err) < 0)
		fail_msg("dry run: %s", err.msg);
	assert_int_equal(res.spec.memory, VP_GiB);
	assert_string_equal(res.memory_from, "--memory");
	vp_create_result_clear(&res);
	vp_spec_clear(&s);

	/* no installer (a blank disk): the recommended memory */
	memset(&s, 0, sizeof(s));
	s.name = vp_strdup("rk2");
	s.arch = vp_strdup("x86_64");
	s.virt_type = vp_strdup("qemu");
	s.install.no_install = VP_YES;
	if (create(&s, "rocky9", VP_CREATE_DRY_RUN, &res, &err) < 0)
		fail_msg("dry run: %s", err.msg);
	assert_int_equal(res.spec.memory, 1536 * VP_MiB);
	assert_string_equal(res.memory_from, "rocky9's recommended resources on x86_64");
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

static void assert_cmdline(const char *location, const char *os_id, const char *extra,
			   const char *want)
{
	struct vp_domain_spec s;
	struct vp_create_result res = { 0 };
	struct vp_error err = { 0 };

	tree_request(&s, "alp1", location, extra);
	if (create(&s, os_id, VP_CREATE_DRY_RUN, &res, &err) < 0)
		fail_msg("dry run of '%s': %s", location, err.msg);
	assert_string_equal(res.spec.os.short_id, "alpinelinux3.21");
	if (!res.spec.install.cmdline || strcmp(res.spec.install.cmdline, want) != 0)
		fail_msg("kernel arguments '%s', wanted '%s'", res.spec.install.cmdline, want);
	assert_non_null(strstr(res.install_xml, "<cmdline>"));
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

/* The Alpine netboot tree at a mirror of one's own: the repository and the
 * modloop are that mirror's, dot segments gone. */
static void test_alpine_kernel_args(void **state)
{
	_cleanup_(freep) char *url = vp_strdup_printf("%s" ALPINE, g.base);
	_cleanup_(freep) char *slash = vp_strdup_printf("%s" ALPINE "/", g.base);
	_cleanup_(freep) char *want = vp_strdup_printf(
		"alpine_repo=%s/alpine/v3.21/main modloop=%s" ALPINE "/netboot/modloop-virt "
		"console=ttyS0 break=top", g.base, g.base);
	_cleanup_(freep) char *want_own = vp_strdup_printf(
		"alpine_repo=%s/alpine/v3.21/main console=ttyS0 modloop=http://example.org/m",
		g.base);

	(void)state;
	assert_cmdline(url, "alpinelinux3.21", "console=ttyS0 break=top", want);
	assert_cmdline(slash, "alpinelinux3.21", "console=ttyS0 break=top", want);
	/* recognised as Alpine 3.21 by its netboot/ files and its vX.Y directory */
	assert_cmdline(url, NULL, "console=ttyS0 break=top", want);
	/* the user's modloop= wins; the profile's alpine_repo= stays */
	assert_cmdline(url, "alpinelinux3.21", "console=ttyS0 modloop=http://example.org/m", want_own);
}

/* A mirror path that names no version: Alpine, version unknown, so the
 * profile is the user's to give; its arguments follow that tree. */
static void test_alpine_unversioned(void **state)
{
	_cleanup_(freep) char *url = vp_strdup_printf("%s/mirror/latest-stable/releases/x86_64", g.base);
	_cleanup_(freep) char *want = vp_strdup_printf(
		"alpine_repo=%s/mirror/latest-stable/main "
		"modloop=%s/mirror/latest-stable/releases/x86_64/netboot/modloop-virt console=ttyS0",
		g.base, g.base);
	struct vp_domain_spec s;
	struct vp_create_result res = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_cmdline(url, "alpinelinux3.21", "console=ttyS0", want);
	/* without --os nothing says which Alpine: no profile, no arguments */
	tree_request(&s, "alp2", url, "console=ttyS0");
	if (create(&s, NULL, VP_CREATE_DRY_RUN, &res, &err) < 0)
		fail_msg("dry run: %s", err.msg);
	assert_null(res.spec.os.short_id);
	assert_string_equal(res.spec.install.cmdline, "console=ttyS0");
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

/* Files of a directory tree, recursively (the cache must hold none of a
 * failed download). */
static size_t count_files(const char *dir, const char *skip)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (skip && !strcmp(e->d_name, skip)))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			n += count_files(p, skip);
		else if (!strstr(e->d_name, ".lock"))
			n++;
	}
	closedir(d);
	return n;
}

/* Files of the fetch cache still being written (<key>.data.<pid>.<random>.tmp) */
static size_t count_tmp(const char *cache)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *e;
	size_t n = 0, len;

	snprintf(dir, sizeof(dir), "%s/fetch", cache);
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)))
		if ((len = strlen(e->d_name)) > 4 && !strcmp(e->d_name + len - 4, ".tmp"))
			n++;
	closedir(d);
	return n;
}

/* Every <key>.data of the fetch cache has its <key>.json record. */
static bool entries_whole(const char *cache)
{
	char dir[PATH_MAX], rec[PATH_MAX + 300];
	DIR *d;
	struct dirent *e;
	bool ok = true;
	size_t len;

	snprintf(dir, sizeof(dir), "%s/fetch", cache);
	if (!(d = opendir(dir)))
		return true;
	while ((e = readdir(d))) {
		len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".data"))
			continue;
		snprintf(rec, sizeof(rec), "%s/%.*s.json", dir, (int)(len - 5), e->d_name);
		if (access(rec, F_OK) < 0)
			ok = false;
	}
	closedir(d);
	return ok;
}

/* A profile's cloud image and tree that the server no longer has: the
 * error names the profile and the URL; no VM, no volume, no file stays. */
static void test_gone_names_profile(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr conn = virConnectOpen("test:///default");
	_cleanup_(freep) char *img = vp_strdup_printf("%s/gone/cloud.qcow2", g.base);
	char cache[256];
	struct vp_domain_spec s = { 0 };
	struct vp_create_result res = { 0 };
	struct vp_error err = { 0 };
	size_t before;

	(void)state;
	snprintf(cache, sizeof(cache), "%s", g.cache);
	before = count_files(cache, NULL);
	s.name = vp_strdup("gone1");
	s.arch = vp_strdup("x86_64");
	s.virt_type = vp_strdup("qemu");
	assert_int_equal(create(&s, "exgone1", VP_CREATE_REAL, &res, &err), -1);
	if (!strstr(err.msg, "exgone1's cloud image") || !strstr(err.msg, img) ||
	    !strstr(err.msg, "HTTP 404") || strchr(err.msg, '\n'))
		fail_msg("the error does not name the profile, the URL and the status: %s", err.msg);
	vp_create_result_clear(&res);
	assert_null(virDomainLookupByName(conn, "gone1"));
	assert_int_equal(count_files(cache, NULL), before);
	vp_spec_clear(&s);

	/* --install ID: its tree's kernel is gone */
	memset(&s, 0, sizeof(s));
	s.name = vp_strdup("gone2");
	s.arch = vp_strdup("x86_64");
	s.virt_type = vp_strdup("qemu");
	s.graphics.type = vp_strdup("none");
	s.install.tree_os = vp_strdup("exgone1");
	assert_int_equal(create(&s, NULL, VP_CREATE_REAL, &res, &err), -1);
	if (!strstr(err.msg, "exgone1") || !strstr(err.msg, g.base) || strchr(err.msg, '\n'))
		fail_msg("the error does not name the profile and the URL: %s", err.msg);
	vp_create_result_clear(&res);
	assert_null(virDomainLookupByName(conn, "gone2"));
	assert_int_equal(count_files(cache, NULL), before);
	vp_spec_clear(&s);
}

/* The mirror loses the kernel once the plan has seen it. */
static int drop_kernel(void *opaque, const struct vp_step *st, enum vp_hook_point at)
{
	char p[256];

	(void)opaque;
	if (at == VP_HOOK_BEFORE && !strcmp(st->kind, "download")) {
		snprintf(p, sizeof(p), "%s/flaky/tree/vmlinuz", g.root);
		unlink(p);
	}
	return 0;
}

/* A profile's tree whose kernel fails to download: the error names the
 * profile, the file and the URL; no VM, volume or cached file stays. */
static void test_download_names_profile(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr conn = virConnectOpen("test:///default");
	_cleanup_(freep) char *k = vp_strdup_printf("%s/flaky/tree/vmlinuz", g.base);
	struct vp_domain_spec s = { 0 };
	struct vp_create_result res = { 0 };
	struct vp_error err = { 0 };
	size_t before = count_files(g.cache, NULL), after;

	(void)state;
	s.name = vp_strdup("flaky1");
	s.arch = vp_strdup("x86_64");
	s.virt_type = vp_strdup("qemu");
	s.graphics.type = vp_strdup("none");
	s.install.tree_os = vp_strdup("exflaky1");
	hook = drop_kernel;
	assert_int_equal(create(&s, NULL, VP_CREATE_REAL, &res, &err), -1);
	hook = NULL;
	if (!strstr(err.msg, "exflaky1's kernel") || !strstr(err.msg, k) ||
	    !strstr(err.msg, "HTTP 404") || strchr(err.msg, '\n'))
		fail_msg("the error does not name the profile, the URL and the status: %s", err.msg);
	vp_create_result_clear(&res);
	assert_null(virDomainLookupByName(conn, "flaky1"));
	/* no partial file; the initrd, fetched side by side with the kernel,
	 * may have finished first and stays as a whole cache entry (its data
	 * and its record), which the next try reuses */
	after = count_files(g.cache, NULL);
	if (after != before && after != before + 2)
		fail_msg("%zu files in the cache, %zu before", after, before);
	assert_int_equal(count_tmp(g.cache), 0);
	assert_true(entries_whole(g.cache));
	vp_spec_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_gets_network_install_memory),
		cmocka_unit_test(test_alpine_kernel_args),
		cmocka_unit_test(test_alpine_unversioned),
		cmocka_unit_test(test_gone_names_profile),
		cmocka_unit_test(test_download_names_profile),
	};

	vp_init();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
