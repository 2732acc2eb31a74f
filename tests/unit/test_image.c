/* tests/unit/test_image.c — the base volumes of cloud images on libvirt's
 * built-in test:///default driver (a fresh host per test): base names
 * recognised exactly, an empty pool lists nothing, a base is listed with
 * its pool, format, sizes and checksum prefix (other volumes are not),
 * the VMs whose overlays sit on it are named and `rm` refuses until they
 * are gone, a name in two pools must be given as POOL/VOL, and bad
 * requests (unknown pool or base, a volume to pull, an unreadable file,
 * a word that is no OS id) are refused with one sentence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "cleanup.h"
#include "image.h"
#include "virt.h"

#define URI "test:///default"
#define BASE "deb.base-0123456789abcdef.qcow2"
#define OVERLAY_OF(path) \
	"<volume><name>web1.qcow2</name><capacity unit='G'>2</capacity>" \
	"<target><format type='qcow2'/></target>" \
	"<backingStore><path>" path "</path><format type='qcow2'/></backingStore></volume>"

static int setup(void **state)
{
	virConnectPtr conn = virConnectOpen(URI);

	*state = conn;
	return conn ? 0 : -1;
}

static int teardown(void **state)
{
	virConnectClose(*state);
	return 0;
}

static void add_volume(virConnectPtr conn, const char *pool, const char *xml)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(conn, pool);
	virStorageVolPtr v;

	assert_non_null(p);
	v = virStorageVolCreateXML(p, xml, 0);
	assert_non_null(v);
	virStorageVolFree(v);
	virStoragePoolFree(p);
}

static void add_base(virConnectPtr conn, const char *pool, const char *name)
{
	_cleanup_(freep) char *xml = vp_strdup_printf(
		"<volume><name>%s</name><capacity unit='M'>64</capacity>"
		"<allocation unit='M'>3</allocation><target><format type='qcow2'/></target></volume>",
		name);

	add_volume(conn, pool, xml);
}

static void add_pool(virConnectPtr conn, const char *name)
{
	_cleanup_(freep) char *xml = vp_strdup_printf(
		"<pool type='dir'><name>%s</name><target><path>/%s</path></target></pool>", name, name);
	virStoragePoolPtr p = virStoragePoolCreateXML(conn, xml, 0);

	assert_non_null(p);
	virStoragePoolFree(p);
}

/* a VM whose first disk is the file at path */
static void add_vm(virConnectPtr conn, const char *name, const char *path)
{
	_cleanup_(freep) char *xml = vp_strdup_printf(
		"<domain type='test'><name>%s</name><memory>65536</memory>"
		"<os><type>hvm</type></os><devices><disk type='file' device='disk'>"
		"<source file='%s'/><target dev='vda' bus='virtio'/></disk></devices></domain>",
		name, path);
	virDomainPtr d = virDomainDefineXML(conn, xml);

	assert_non_null(d);
	virDomainFree(d);
}

static void test_base_names(void **state)
{
	(void)state;
	assert_true(vp_image_is_base_name("debian-12.base-0123456789abcdef.qcow2"));
	assert_true(vp_image_is_base_name("x.base-0123456789abcdef.raw"));
	assert_true(vp_image_is_base_name("a.base-b.base-0123456789abcdef.qcow2"));
	assert_false(vp_image_is_base_name(".base-0123456789abcdef.qcow2"));       /* no stem */
	assert_false(vp_image_is_base_name("x.base-0123456789ABCDEF.qcow2"));      /* upper case */
	assert_false(vp_image_is_base_name("x.base-0123456789abcde.qcow2"));       /* 15 digits */
	assert_false(vp_image_is_base_name("x.base-0123456789abcdefa.qcow2"));     /* 17 */
	assert_false(vp_image_is_base_name("x.base-0123456789abcdeg.qcow2"));      /* not hex */
	assert_false(vp_image_is_base_name("x.base-0123456789abcdef.vmdk"));
	assert_false(vp_image_is_base_name("x.base-0123456789abcdef.qcow2.bak"));
	assert_false(vp_image_is_base_name("x.base-0123456789abcdef"));
	assert_false(vp_image_is_base_name("web1.qcow2"));
	assert_false(vp_image_is_base_name(""));
}

static void test_list_empty(void **state)
{
	virConnectPtr conn = *state;
	struct vp_base_info *b = (void *)1;
	struct vp_error err = { 0 };
	size_t n = 99;

	assert_int_equal(vp_image_list(conn, NULL, &b, &n, &err), 0);
	assert_int_equal(n, 0);
	vp_base_infos_free(b, n);
	assert_int_equal(vp_image_list(conn, "default-pool", &b, &n, &err), 0);
	assert_int_equal(n, 0);
	vp_base_infos_free(b, n);
	assert_int_equal(vp_image_list(conn, "nosuch", &b, &n, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "nosuch"));
	assert_null(b);
	assert_int_equal(n, 0);
}

static void test_list_bases(void **state)
{
	virConnectPtr conn = *state;
	struct vp_base_info *b = NULL;
	struct vp_error err = { 0 };
	size_t n = 0;

	add_base(conn, "default-pool", BASE);
	add_base(conn, "default-pool", "web1.qcow2"); /* a VM's disk, no base */
	add_base(conn, "default-pool", "deb.base-0123.qcow2");
	assert_int_equal(vp_image_list(conn, NULL, &b, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(b[0].pool, "default-pool");
	assert_string_equal(b[0].name, BASE);
	assert_string_equal(b[0].sha16, "0123456789abcdef");
	assert_string_equal(b[0].path, "/default-pool/" BASE);
	assert_string_equal(b[0].format, "qcow2");
	assert_int_equal(b[0].capacity, 64ULL << 20);
	assert_int_equal(b[0].allocation, 3ULL << 20);
	assert_int_equal(b[0].n_used_by, 0);
	vp_base_infos_free(b, n);
}

static void test_used_by_and_rm(void **state)
{
	virConnectPtr conn = *state;
	struct vp_base_info *b = NULL, gone = { 0 };
	struct vp_error err = { 0 };
	virDomainPtr d;
	size_t n = 0;

	add_base(conn, "default-pool", BASE);
	add_volume(conn, "default-pool", OVERLAY_OF("/default-pool/" BASE));
	add_vm(conn, "web1", "/default-pool/web1.qcow2");
	add_vm(conn, "other", "/default-pool/nothing.qcow2");
	assert_int_equal(vp_image_list(conn, "default-pool", &b, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(b[0].n_used_by, 1);
	assert_string_equal(b[0].used_by[0], "web1");
	vp_base_infos_free(b, n);

	/* refused, naming the VM, and the base stays */
	assert_int_equal(vp_image_rm(conn, BASE, &gone, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "'web1'"));
	assert_null(strstr(err.msg, "other"));
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(vp_image_list(conn, NULL, &b, &n, &err), 0);
	assert_int_equal(n, 1);
	vp_base_infos_free(b, n);

	/* once the VM is gone (its overlay may stay: no VM uses it) */
	d = virDomainLookupByName(conn, "web1");
	assert_non_null(d);
	assert_int_equal(virDomainUndefine(d), 0);
	virDomainFree(d);
	assert_int_equal(vp_image_rm(conn, "default-pool/" BASE, &gone, &err), 0);
	assert_string_equal(gone.pool, "default-pool");
	assert_string_equal(gone.name, BASE);
	vp_base_info_clear(&gone);
	assert_int_equal(vp_image_list(conn, NULL, &b, &n, &err), 0);
	assert_int_equal(n, 0);
	vp_base_infos_free(b, n);
}

static void test_rm_which(void **state)
{
	virConnectPtr conn = *state;
	struct vp_base_info gone = { 0 };
	struct vp_error err = { 0 };

	assert_int_equal(vp_image_rm(conn, BASE, &gone, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "no base image '" BASE "'"));

	add_pool(conn, "second");
	add_base(conn, "default-pool", BASE);
	add_base(conn, "second", BASE);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_image_rm(conn, BASE, &gone, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "in 2 pools"));
	/* POOL/VOL picks one; a pool whose name is a prefix is another pool */
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_image_rm(conn, "sec/" BASE, &gone, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_int_equal(vp_image_rm(conn, "second/" BASE, &gone, &err), 0);
	assert_string_equal(gone.pool, "second");
	vp_base_info_clear(&gone);
	assert_int_equal(vp_image_rm(conn, BASE, &gone, &err), 0);
	assert_string_equal(gone.pool, "default-pool");
	vp_base_info_clear(&gone);
}

static void test_pull_refused(void **state)
{
	virConnectPtr conn = *state;
	struct vp_image_env env = { .cache_dir = "/nonexistent/cache" };
	struct vp_base_info b = { 0 };
	struct vp_error err = { 0 };
	bool up = true;

	assert_int_equal(vp_image_pull(conn, "default-pool/x.qcow2", NULL, "x86_64", &env, &b, &up, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "is a volume on the host already"));
	assert_false(up);

	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_image_pull(conn, "/nonexistent/x.qcow2", NULL, "x86_64", &env, &b, &up, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "/nonexistent/x.qcow2"));

	/* no OS database: a bare word is no image */
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_image_pull(conn, "debian12", NULL, "x86_64", &env, &b, &up, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "image 'debian12' is no OS profile"));

	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_image_pull(conn, "", NULL, "x86_64", &env, &b, &up, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
}

static void test_pull_pool_checked_first(void **state)
{
	virConnectPtr conn = *state;
	char dir[] = "/tmp/vp-test-image.XXXXXX";
	_cleanup_(freep) char *file = NULL;
	_cleanup_(freep) char *cache = NULL;
	struct vp_image_env env = { 0 };
	struct vp_base_info b = { 0 };
	struct vp_error err = { 0 };
	bool up = true;
	char cmd[128];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	file = vp_strdup_printf("%s/disk.raw", dir);
	cache = vp_strdup_printf("%s/cache", dir);
	env.cache_dir = cache;
	f = fopen(file, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 1 << 20), 0);
	fclose(f);
	/* the pool is looked at before anything is read or sent */
	assert_int_equal(vp_image_pull(conn, file, "nosuch", "x86_64", &env, &b, &up, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "nosuch"));
	assert_false(up);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_names),
		cmocka_unit_test_setup_teardown(test_list_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_bases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_used_by_and_rm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rm_which, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pull_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pull_pool_checked_first, setup, teardown),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
