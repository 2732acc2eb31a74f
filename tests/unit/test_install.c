/* tests/unit/test_install.c — a create with an install run against
 * libvirt's test:///default driver: the installer's files taken from a
 * local tree, files injected into its initrd, both uploaded into a pool,
 * the install run's document and the final definition; and a failure
 * after the uploads removing them again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "cleanup.h"
#include "create.h"
#include "fs.h"
#include "storage.h"
#include "units.h"

#define URI "test:///default"
#define KERNEL_BYTES 40000
#define INITRD_BYTES 70001

struct fixture {
	virConnectPtr conn;
	char dir[64];            /* the tree, the cache and the state of the test's own */
	char tree[128], cache[128], state[128], preseed[128];
};

static void write_file(const char *path, size_t n, char fill)
{
	char *buf = malloc(n);
	struct vp_error err = { 0 };

	assert_non_null(buf);
	memset(buf, fill, n);
	assert_int_equal(vp_write_atomic(path, buf, n, 0644, false, &err), 0);
	free(buf);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char p[256];

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/vprov-install.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->tree, sizeof(f->tree), "%s/tree", f->dir);
	snprintf(f->cache, sizeof(f->cache), "%s/cache", f->dir);
	snprintf(f->state, sizeof(f->state), "%s/state", f->dir);
	snprintf(f->preseed, sizeof(f->preseed), "%s/preseed.cfg", f->dir);
	snprintf(p, sizeof(p), "%s/debian-installer/amd64", f->tree);
	if (vp_mkdir_p(p, 0755) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/debian-installer/amd64/linux", f->tree);
	write_file(p, KERNEL_BYTES, 'k');
	snprintf(p, sizeof(p), "%s/debian-installer/amd64/initrd.gz", f->tree);
	write_file(p, INITRD_BYTES, 'i');
	write_file(f->preseed, 100, '#');
	f->conn = virConnectOpen(URI);
	if (!f->conn)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	virConnectClose(f->conn);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void request(struct fixture *f, struct vp_domain_spec *s, const char *name)
{
	struct vp_error err = { 0 };
	char loc[256];

	vp_spec_defaults(s);
	s->name = vp_strdup(name);
	s->memory = 512 * VP_MiB;
	assert_int_equal(vp_spec_parse_disk(s, "size=1", &err), 0);
	assert_int_equal(vp_spec_parse_network(s, "none", &err), 0);
	assert_int_equal(vp_spec_parse_graphics(s, "none", &err), 0);
	/* the test driver's guests are i686: the amd64 files are named */
	snprintf(loc, sizeof(loc),
		 "%s,kernel=debian-installer/amd64/linux,initrd=debian-installer/amd64/initrd.gz",
		 f->tree);
	assert_int_equal(vp_spec_parse_location(s, loc, &err), 0);
	s->install.extra_args = vp_strdup("auto=true");
	s->install.inject = vp_calloc(1, sizeof(char *));
	s->install.inject[s->install.n_inject++] = vp_strdup(f->preseed);
}

static uint64_t vol_capacity(virConnectPtr c, const char *name)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	virStorageVolPtr vol;
	virStorageVolInfo info;
	struct vp_error err = { 0 };

	if (vp_pool_lookup(c, "default", &pool, &err) < 0)
		return 0;
	vol = virStorageVolLookupByName(pool, name);
	if (!vol)
		return 0;
	if (virStorageVolGetInfo(vol, &info) < 0)
		info.capacity = 0;
	virStorageVolFree(vol);
	return info.capacity;
}

/* The test driver cannot take uploads (virStorageVolUpload): the first
 * upload fails after its volume was made, and the unwind removes it with
 * the disk, leaves no domain, and no temporary file of the install (the
 * initrd with the preseed added) stays in the cache.  (The real uploads
 * are tested end to end, tests/e2e/test_install*.sh.) */
static void test_upload_failure_unwinds(void **state)
{
	struct fixture *f = *state;
	struct vp_domain_spec s = { 0 };
	struct vp_create_result res = { 0 };
	struct vp_error err = { 0 };
	struct vp_create_opts opts = {
		.mode = VP_CREATE_REAL,
		.cache_dir = f->cache,
		.state_dir = f->state,
	};
	struct vp_plan *plan = NULL;
	char cmd[256];

	request(f, &s, "inst2");
	assert_int_equal(vp_domain_create(f->conn, &s, &opts, &res, &plan, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "cannot upload"));
	assert_non_null(strstr(err.msg, "inst2-install-kernel"));
	assert_int_equal(vol_capacity(f->conn, "inst2.qcow2"), 0);
	assert_int_equal(vol_capacity(f->conn, "inst2-install-kernel"), 0);
	assert_int_equal(vol_capacity(f->conn, "inst2-install-initrd"), 0);
	assert_null(virDomainLookupByName(f->conn, "inst2"));
	vp_create_result_clear(&res);
	vp_plan_free(plan);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/tmp' 2>/dev/null)\"", f->cache);
	assert_int_equal(system(cmd), 0);
	vp_spec_clear(&s);
}

/* A dry run reads the tree and makes nothing; its plan goes download,
 * initrd, then the host's steps; the install run's document and the final
 * one differ as they should. */
static void test_dry_run(void **state)
{
	struct fixture *f = *state;
	struct vp_domain_spec s = { 0 };
	struct vp_create_result res = { 0 };
	struct vp_error err = { 0 };
	struct vp_create_opts opts = {
		.mode = VP_CREATE_DRY_RUN,
		.cache_dir = f->cache,
		.state_dir = f->state,
	};
	struct vp_plan *plan = NULL;
	const char *kinds[] = { "download", "initrd", "pool", "volume", "upload", "upload", "define", "start" };
	size_t i;

	request(f, &s, "inst3");
	if (vp_domain_create(f->conn, &s, &opts, &res, &plan, NULL, &err) < 0)
		fail_msg("dry run: %s", err.msg);
	assert_int_equal(plan->n_steps, sizeof(kinds) / sizeof(kinds[0]));
	for (i = 0; i < plan->n_steps; i++)
		assert_string_equal(plan->steps[i].kind, kinds[i]);
	assert_null(virDomainLookupByName(f->conn, "inst3"));
	assert_non_null(res.install_xml);
	assert_non_null(strstr(res.install_xml, "inst3-install-kernel</kernel>"));
	assert_non_null(strstr(res.install_xml, "<cmdline>auto=true console=ttyS0,115200n8</cmdline>"));
	assert_non_null(strstr(res.install_xml, "<on_reboot>destroy</on_reboot>"));
	assert_null(strstr(res.xml, "<kernel>"));
	assert_non_null(strstr(res.xml, "<boot dev=\"hd\"/>"));
	assert_non_null(strstr(res.xml, "<on_reboot>restart</on_reboot>"));
	assert_non_null(strstr(res.xml, "role=\"kernel\" owned=\"yes\""));
	vp_create_result_clear(&res);
	vp_plan_free(plan);
	vp_spec_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_upload_failure_unwinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
