/* tests/unit/test_pool.c — storage pools: the document of each type
 * (golden, validated against storagepool.rng), bad requests refused with
 * the option named, hostile values kept as data; on libvirt's built-in
 * test:///default driver (a fresh host per test): create as a plan that
 * leaves nothing when a step fails, list and info with the VM behind each
 * volume (vprov's metadata: owned or not), delete refused while a VM uses
 * a volume and while unused volumes remain unless told, then done. */
#include "golden.h"

#include "alloc.h"
#include "cleanup.h"
#include "plan.h"
#include "pool.h"
#include "storage.h"
#include "virt.h"
#include "xmlutil.h"

#define URI "test:///default"
#define UUID "6a1c2d3e-4f50-4c6f-9a0b-0f5d1a393e8d"

static char *xml_of(const struct vp_pool_request *r)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_error err = { 0 };

	if (vp_pool_build_xml(r, &doc, &err) < 0)
		fail_msg("%s", err.msg);
	return vp_xml_format(doc);
}

static void test_xml_types(void **state)
{
	struct vp_pool_request dir = { .name = "fast", .type = "dir", .target = "/srv/vm-fast",
				       .uuid = UUID };
	struct vp_pool_request fs = { .name = "data", .type = "fs", .target = "/srv/data",
				      .source_dev = "/dev/vdb1", .source_format = "ext4",
				      .uuid = UUID, .build = true };
	struct vp_pool_request nfs = { .name = "nas", .type = "netfs", .target = "/mnt/nas",
				       .source_host = "nas.lab", .source_path = "/export/vms",
				       .source_format = "nfs", .uuid = UUID };
	struct vp_pool_request lvm = { .name = "vg0", .type = "logical", .source_dev = "/dev/sdb",
				       .uuid = UUID, .build = true };
	struct vp_pool_request lvm2 = { .name = "lv", .type = "logical", .source_name = "vmvg",
					.uuid = UUID };
	char *x[5], *all;
	int i;

	(void)state;
	x[0] = xml_of(&dir);
	x[1] = xml_of(&fs);
	x[2] = xml_of(&nfs);
	x[3] = xml_of(&lvm);
	x[4] = xml_of(&lvm2);
	all = vp_strdup_printf("%s%s%s%s%s", x[0], x[1], x[2], x[3], x[4]);
	golden("pools.xml", all);
	/* a logical pool's target is where LVM puts its group's devices */
	assert_non_null(strstr(x[4], "<path>/dev/vmvg</path>"));
	assert_non_null(strstr(x[3], "<name>vg0</name>"));
	for (i = 0; i < 5; i++)
		free(x[i]);
	free(all);
}

static void refused(const struct vp_pool_request *r, const char *want)
{
	xmlDocPtr doc = NULL;
	struct vp_error err = { 0 };

	assert_int_equal(vp_pool_build_xml(r, &doc, &err), -1);
	assert_null(doc);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_null(strchr(err.msg, '\n'));
	if (!strstr(err.msg, want))
		fail_msg("'%s' does not say '%s'", err.msg, want);
}

static void test_bad_requests(void **state)
{
	(void)state;
	refused(&(struct vp_pool_request){ .name = "p", .type = "zfs", .target = "/a" },
		"invalid pool type 'zfs'");
	refused(&(struct vp_pool_request){ .name = "p", .type = "dir" }, "needs --target PATH");
	refused(&(struct vp_pool_request){ .name = "p", .type = "dir", .target = "rel/dir" },
		"must be an absolute path");
	refused(&(struct vp_pool_request){ .name = "p", .type = "fs", .target = "/a" },
		"needs --source-dev");
	refused(&(struct vp_pool_request){ .name = "p", .type = "netfs", .target = "/a",
					   .source_host = "h" },
		"--source-path");
	refused(&(struct vp_pool_request){ .name = "p", .type = "dir", .target = "/a",
					   .source_dev = "/dev/sdb" },
		"takes no --source-* option");
	refused(&(struct vp_pool_request){ .name = "p", .type = "dir", .target = "/a", .build = true },
		"--build is for fs and logical pools");
	refused(&(struct vp_pool_request){ .name = "p", .type = "fs", .target = "/a",
					   .source_dev = "/dev/x", .build = true },
		"--build of an fs pool needs --source-format");
	refused(&(struct vp_pool_request){ .name = "p", .type = "logical", .build = true },
		"needs --source-dev");
	refused(&(struct vp_pool_request){ .name = "p", .type = "fs", .target = "/a",
					   .source_dev = "/dev/x", .source_format = "nfs" },
		"invalid --source-format 'nfs'");
	refused(&(struct vp_pool_request){ .name = "p", .type = "netfs", .target = "/a",
					   .source_host = "h", .source_path = "/e",
					   .source_format = "nfs,x" },
		"invalid --source-format");
	refused(&(struct vp_pool_request){ .name = "a'/><x", .type = "dir", .target = "/a" },
		"a'/><x");
	refused(&(struct vp_pool_request){ .name = "p", .type = "netfs", .target = "/a",
					   .source_host = "h\"><y", .source_path = "/e" },
		"invalid --source-host 'h\"><y'");
	refused(&(struct vp_pool_request){ .name = "p", .type = "dir", .target = "/a\nb" },
		"--target");
}

/* a value with markup in it stays a value */
static void test_hostile_target(void **state)
{
	struct vp_pool_request r = { .name = "p", .type = "netfs", .target = "/mnt/a'/><x",
				     .source_host = "nas", .source_path = "/e&f'\"><y", .uuid = UUID };
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_error err = { 0 };
	char *v;

	(void)state;
	assert_int_equal(vp_pool_build_xml(&r, &doc, &err), 0);
	v = vp_xml_xpath_string(doc, "string(/pool/target/path)", NULL, NULL);
	assert_string_equal(v, "/mnt/a'/><x");
	free(v);
	v = vp_xml_xpath_string(doc, "string(/pool/source/dir/@path)", NULL, NULL);
	assert_string_equal(v, "/e&f'\"><y");
	free(v);
	v = vp_xml_xpath_string(doc, "count(/pool/*)", NULL, NULL);
	assert_string_equal(v, "4"); /* name, uuid, source, target: nothing injected */
	free(v);
}

struct fix {
	virConnectPtr conn;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->conn = virConnectOpen(URI);
	*state = f;
	return f->conn ? 0 : -1;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	virConnectClose(f->conn);
	free(f);
	return 0;
}

static int create(virConnectPtr conn, const struct vp_pool_request *r, const char *fail_at,
		  struct vp_error *err)
{
	struct vp_apply_opts ao = { .fail_at = fail_at };
	struct vp_plan *plan = NULL;
	int rc;

	if (vp_pool_plan(conn, r, &plan, NULL, err) < 0)
		return -1;
	rc = vp_plan_apply(conn, plan, &ao, NULL, err);
	vp_plan_free(plan);
	return rc;
}

static void test_create_plan(void **state)
{
	struct fix *f = *state;
	struct vp_pool_request r = { .name = "fast", .type = "dir", .target = "/vprov-unit/fast",
				     .autostart = true };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	struct vp_pool_info pi = { 0 };
	struct vp_pool_info *all = NULL;
	_cleanup_(freep) char *xml = NULL;
	size_t n = 0, i;
	bool seen = false;

	/* the plan: define, build (its directory), start, autostart */
	assert_int_equal(vp_pool_plan(f->conn, &r, &plan, &xml, &err), 0);
	assert_int_equal(plan->n_steps, 4);
	assert_string_equal(plan->steps[0].kind, "define");
	assert_string_equal(plan->steps[1].kind, "build");
	assert_string_equal(plan->steps[2].kind, "start");
	assert_string_equal(plan->steps[3].kind, "autostart");
	assert_non_null(strstr(plan->steps[1].desc, "make its directory"));
	assert_non_null(strstr(xml, "<path>/vprov-unit/fast</path>"));
	vp_plan_free(plan);

	/* an fs pool without --build formats nothing; a logical one is not built */
	r = (struct vp_pool_request){ .name = "d", .type = "fs", .target = "/m", .source_dev = "/dev/x" };
	assert_int_equal(vp_pool_plan(f->conn, &r, &plan, NULL, &err), 0);
	assert_int_equal(plan->n_steps, 3);
	assert_non_null(strstr(plan->steps[1].desc, "make its mount point"));
	assert_null(strstr(plan->steps[1].desc, "file system"));
	vp_plan_free(plan);
	r = (struct vp_pool_request){ .name = "v", .type = "logical" };
	assert_int_equal(vp_pool_plan(f->conn, &r, &plan, NULL, &err), 0);
	assert_int_equal(plan->n_steps, 2);
	assert_string_equal(plan->steps[1].kind, "start");
	vp_plan_free(plan);

	/* a step that fails leaves no pool */
	r = (struct vp_pool_request){ .name = "fast", .type = "dir", .target = "/vprov-unit/fast",
				      .autostart = true };
	assert_int_equal(create(f->conn, &r, "start", &err), -1);
	assert_int_equal(vp_pool_get(f->conn, "fast", false, &pi, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_int_equal(create(f->conn, &r, "autostart", &err), -1);
	assert_int_equal(vp_pool_get(f->conn, "fast", false, &pi, &err), -1);

	/* made, running, starting at boot */
	assert_int_equal(create(f->conn, &r, NULL, &err), 0);
	assert_int_equal(vp_pool_get(f->conn, "fast", false, &pi, &err), 0);
	assert_string_equal(pi.type, "dir");
	assert_string_equal(pi.state, "running");
	assert_string_equal(pi.target, "/vprov-unit/fast");
	assert_true(pi.active && pi.persistent && pi.autostart);
	assert_int_equal(pi.n_volumes, 0);
	vp_pool_info_clear(&pi);

	/* a name taken */
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_pool_plan(f->conn, &r, &plan, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	assert_string_equal(err.msg, "storage pool 'fast' exists already");

	assert_int_equal(vp_pool_list(f->conn, &all, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (!strcmp(all[i].name, "fast")) {
			seen = true;
			assert_true(all[i].capacity > 0);
			assert_true(all[i].available <= all[i].capacity);
		}
	assert_true(seen);
	assert_true(n >= 2); /* and the driver's own default-pool, in name order */
	for (i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1].name, all[i].name) < 0);
	vp_pool_infos_free(all, n);
}

static virStorageVolPtr new_vol(virStoragePoolPtr pool, const char *name)
{
	struct vp_volume_request vr = { .name = name, .capacity = 1 << 20, .format = "qcow2",
					.sparse = true };
	struct vp_error err = { 0 };
	virStorageVolPtr vol = NULL;

	if (vp_volume_create(pool, &vr, &vol, &err) < 0)
		fail_msg("%s", err.msg);
	return vol;
}

static virDomainPtr define_user(virConnectPtr conn, const char *vm, const char *path,
				bool owned)
{
	char *xml = vp_strdup_printf(
		"<domain type='test'><name>%s</name><memory>65536</memory>"
		"<metadata><vprov:vm xmlns:vprov='" "https://vprov.dev/xmlns/domain/1" "' version='0.1.0'>"
		"<vprov:volume role='disk' owned='%s' pool='lab' name='d1.qcow2' path='%s'/>"
		"</vprov:vm></metadata>"
		"<os><type>hvm</type></os><devices><disk type='file' device='disk'>"
		"<source file='%s'/><target dev='vda'/></disk></devices></domain>",
		vm, owned ? "yes" : "no", path, path);
	virDomainPtr d = virDomainDefineXML(conn, xml);

	free(xml);
	assert_non_null(d);
	return d;
}

static void test_delete(void **state)
{
	struct fix *f = *state;
	struct vp_pool_request r = { .name = "lab", .type = "dir", .target = "/vprov-unit/lab" };
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	virStorageVolPtr v1, v2;
	virDomainPtr dom;
	struct vp_error err = { 0 };
	struct vp_pool_info pi = { 0 };
	struct vp_pool_deleted del = { 0 };
	_cleanup_(freep) char *p1 = NULL;

	assert_int_equal(create(f->conn, &r, NULL, &err), 0);
	pool = virStoragePoolLookupByName(f->conn, "lab");
	v1 = new_vol(pool, "d1.qcow2");
	v2 = new_vol(pool, "spare.qcow2");
	p1 = virStorageVolGetPath(v1);
	dom = define_user(f->conn, "web1", p1, true);

	/* info: the VM behind each volume, as vprov recorded it */
	assert_int_equal(vp_pool_get(f->conn, "lab", true, &pi, &err), 0);
	assert_int_equal(pi.n_volumes, 2);
	assert_int_equal(pi.n_vols, 2);
	assert_string_equal(pi.vols[0].name, "d1.qcow2");
	assert_int_equal(pi.vols[0].n_users, 1);
	assert_string_equal(pi.vols[0].users[0].vm, "web1");
	assert_string_equal(pi.vols[0].users[0].role, "disk");
	assert_true(pi.vols[0].users[0].owned);
	assert_string_equal(pi.vols[1].name, "spare.qcow2");
	assert_int_equal(pi.vols[1].n_users, 0);
	vp_pool_info_clear(&pi);

	/* refused while the VM is there, naming it, even with --volumes */
	assert_int_equal(vp_pool_delete(f->conn, "lab", true, &del, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_string_equal(err.msg, "cannot delete storage pool 'lab': VMs use its volumes: "
				     "'d1.qcow2' (VM 'web1') (delete those VMs first)");
	assert_non_null(virStoragePoolLookupByName(f->conn, "lab") ? pool : NULL);

	/* a disk not made by vprov counts too */
	assert_int_equal(virDomainUndefine(dom), 0);
	virDomainFree(dom);
	dom = define_user(f->conn, "other", p1, false);
	assert_int_equal(vp_pool_delete(f->conn, "lab", true, &del, &err), -1);
	assert_non_null(strstr(err.msg, "(VM 'other')"));
	assert_int_equal(virDomainUndefine(dom), 0);
	virDomainFree(dom);

	/* volumes no VM uses: only with --volumes */
	assert_int_equal(vp_pool_delete(f->conn, "lab", false, &del, &err), -1);
	assert_string_equal(err.msg, "cannot delete storage pool 'lab': it holds 2 volumes no VM "
				     "uses ('d1.qcow2', 'spare.qcow2'); add --volumes to delete them with it");
	assert_int_equal(vp_pool_delete(f->conn, "lab", true, &del, &err), 0);
	assert_int_equal(del.n_volumes, 2);
	assert_true(del.undefined);
	vp_pool_deleted_clear(&del);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_pool_get(f->conn, "lab", false, &pi, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	virStorageVolFree(v1);
	virStorageVolFree(v2);
}

/* an inactive pool is looked into (started, then stopped again) */
static void test_delete_inactive(void **state)
{
	struct fix *f = *state;
	struct vp_pool_request r = { .name = "idle", .type = "dir", .target = "/vprov-unit/idle" };
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	struct vp_error err = { 0 };
	struct vp_pool_deleted del = { 0 };
	struct vp_pool_info pi = { 0 };

	assert_int_equal(create(f->conn, &r, NULL, &err), 0);
	pool = virStoragePoolLookupByName(f->conn, "idle");
	virStorageVolFree(new_vol(pool, "x.qcow2"));
	assert_int_equal(virStoragePoolDestroy(pool), 0);
	assert_int_equal(vp_pool_get(f->conn, "idle", true, &pi, &err), 0);
	assert_false(pi.active);
	assert_int_equal(pi.n_volumes, -1);
	vp_pool_info_clear(&pi);
	assert_int_equal(vp_pool_delete(f->conn, "idle", false, &del, &err), -1);
	assert_non_null(strstr(err.msg, "it holds 1 volume no VM uses ('x.qcow2')"));
	assert_int_equal(virStoragePoolIsActive(pool), 0); /* as it was */
	assert_int_equal(vp_pool_delete(f->conn, "idle", true, &del, &err), 0);
	vp_pool_deleted_clear(&del);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_types),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_hostile_target),
		cmocka_unit_test_setup_teardown(test_create_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_inactive, setup, teardown),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
