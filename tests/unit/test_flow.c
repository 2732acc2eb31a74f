/* tests/unit/test_flow.c — create, list, info, delete and rollback against
 * libvirt's built-in test:///default driver (in memory, per process). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "cleanup.h"
#include "create.h"
#include "domain.h"
#include "storage.h"
#include "units.h"

#define URI "test:///default"

static virConnectPtr open_conn(void)
{
	virConnectPtr c = virConnectOpen(URI);

	assert_non_null(c);
	return c;
}

struct census {
	int domains, pools, vols;
};

static struct census count(virConnectPtr c)
{
	struct census n = { 0 };
	virStoragePoolPtr *pools = NULL;
	int i, np;

	n.domains = virConnectNumOfDomains(c) + virConnectNumOfDefinedDomains(c);
	np = virConnectListAllStoragePools(c, &pools, 0);
	n.pools = np;
	for (i = 0; i < np; i++) {
		int nv = virStoragePoolNumOfVolumes(pools[i]);

		if (nv > 0)
			n.vols += nv;
		virStoragePoolFree(pools[i]);
	}
	free(pools);
	return n;
}

static void same_census(struct census a, struct census b)
{
	assert_int_equal(a.domains, b.domains);
	assert_int_equal(a.pools, b.pools);
	assert_int_equal(a.vols, b.vols);
}

/* A command-line layer over the defaults, as cmd/create.c builds it. */
static void request(struct vp_domain_spec *s, const char *name, const char *disk)
{
	struct vp_error err = { 0 };

	vp_spec_defaults(s);
	s->name = vp_strdup(name);
	s->memory = 512 * VP_MiB;
	if (disk)
		assert_int_equal(vp_spec_parse_disk(s, disk, &err), 0);
	assert_int_equal(vp_spec_parse_network(s, "none", &err), 0);
	assert_int_equal(vp_spec_parse_graphics(s, "none", &err), 0);
}

static int create(virConnectPtr c, struct vp_domain_spec *s, enum vp_create_mode mode,
		  enum vp_create_step fail_at, struct vp_error *err)
{
	struct vp_create_opts opts = { .mode = mode, .fail_at = fail_at };
	struct vp_create_result res;
	int r = vp_domain_create(c, s, &opts, &res, err);

	vp_create_result_clear(&res);
	return r;
}

static bool has_volume(virConnectPtr c, const char *pool, const char *vol)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);
	_cleanup_(virStorageVolFreep) virStorageVolPtr v = p ? virStorageVolLookupByName(p, vol) : NULL;

	return v != NULL;
}

static bool has_domain(virConnectPtr c, const char *name)
{
	_cleanup_(virDomainFreep) virDomainPtr d = virDomainLookupByName(c, name);

	return d != NULL;
}

static void test_create_info_list_delete(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr c = open_conn();
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_domain_info info;
	struct vp_domain_summary *list = NULL;
	struct vp_delete_report rep;
	size_t n = 0, i;
	bool found = false;

	(void)state;
	request(&s, "f1", "size=1");
	assert_false(has_volume(c, "default", "f1.qcow2"));
	if (create(c, &s, VP_CREATE_REAL, VP_STEP_NONE, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(has_domain(c, "f1"));
	/* the test driver has no pool 'default': vprov made it, as virt-install does */
	assert_true(has_volume(c, "default", "f1.qcow2"));

	assert_int_equal(vp_domain_info(c, "f1", &info, &err), 0);
	assert_string_equal(info.sum.state, "running");
	assert_true(info.sum.managed);
	assert_int_equal(info.sum.memory, 512 * VP_MiB);
	assert_int_equal(info.n_disks, 1);
	assert_string_equal(info.disks[0].target, "vda");
	assert_true(info.disks[0].owned);
	assert_non_null(strstr(info.disks[0].source, "f1.qcow2"));
	assert_int_equal(info.disks[0].capacity, VP_GiB);
	assert_non_null(info.console_log);
	assert_non_null(strstr(info.console_log, "f1-console.log"));
	assert_int_equal(strlen(info.spec_hash), 64);
	vp_domain_info_clear(&info);

	assert_int_equal(vp_domain_list(c, false, &list, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (!strcmp(list[i].name, "f1")) {
			found = true;
			assert_true(list[i].managed);
		} else if (!strcmp(list[i].name, "test")) {
			assert_false(list[i].managed);
		}
	assert_true(found);
	vp_domain_summaries_free(list, n);

	assert_int_equal(vp_domain_delete(c, "f1", false, &rep, &err), 0);
	assert_true(rep.managed);
	assert_int_equal(rep.n_removed, 1);
	assert_int_equal(rep.n_kept, 0);
	vp_delete_report_clear(&rep);
	assert_false(has_domain(c, "f1"));
	assert_false(has_volume(c, "default", "f1.qcow2"));
	vp_spec_clear(&s);

	/* a VM vprov did not make: undefined, its disks untouched */
	assert_int_equal(vp_domain_delete(c, "test", false, &rep, &err), 0);
	assert_false(rep.managed);
	assert_int_equal(rep.n_removed, 0);
	vp_delete_report_clear(&rep);
	assert_int_equal(vp_domain_info(c, "nosuch", &info, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
}

static void rollback_at(enum vp_create_step step)
{
	_cleanup_(virConnectClosep) virConnectPtr c = open_conn();
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct census before = count(c);

	request(&s, "rb", "size=1");
	assert_int_equal(vp_spec_parse_disk(&s, "size=2", &err), 0);
	s.autostart = VP_YES;
	assert_int_equal(create(c, &s, VP_CREATE_REAL, step, &err), -1);
	assert_non_null(strstr(err.msg, "failing on purpose"));
	same_census(before, count(c));
	assert_false(has_domain(c, "rb"));
	vp_spec_clear(&s);
}

static void test_rollback_every_step(void **state)
{
	(void)state;
	rollback_at(VP_STEP_POOL);
	rollback_at(VP_STEP_VOLUME);
	rollback_at(VP_STEP_DEFINE);
	rollback_at(VP_STEP_START);
	rollback_at(VP_STEP_AUTOSTART);
}

static void test_rollback_transient(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr c = open_conn();
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct census before = count(c);

	(void)state;
	request(&s, "tr", "size=1");
	s.transient = VP_YES;
	assert_int_equal(create(c, &s, VP_CREATE_REAL, VP_STEP_START, &err), -1);
	same_census(before, count(c));
	assert_int_equal(create(c, &s, VP_CREATE_REAL, VP_STEP_NONE, &err), 0);
	{
		_cleanup_(virDomainFreep) virDomainPtr d = virDomainLookupByName(c, "tr");

		assert_non_null(d);
		assert_int_equal(virDomainIsPersistent(d), 0);
	}
	s.autostart = VP_YES;
	vp_set_str(&s.name, "tr2");
	assert_int_equal(create(c, &s, VP_CREATE_REAL, VP_STEP_NONE, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	vp_spec_clear(&s);
}

static void test_cancel(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr c = open_conn();
	volatile sig_atomic_t cancel = 1;
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct census before = count(c);
	struct vp_create_opts opts = { .mode = VP_CREATE_REAL, .cancel = &cancel };
	struct vp_create_result res;

	(void)state;
	request(&s, "cx", "size=1");
	assert_int_equal(vp_domain_create(c, &s, &opts, &res, &err), -1);
	vp_create_result_clear(&res);
	assert_int_equal(err.code, VP_ERR_CANCELLED);
	same_census(before, count(c));
	vp_spec_clear(&s);
}

static void test_dry_modes_touch_nothing(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr c = open_conn();
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct census before = count(c);
	struct vp_create_opts opts = { .mode = VP_CREATE_DRY_RUN };
	struct vp_create_result res;
	bool pool_line = false, vol_line = false;
	size_t i;

	(void)state;
	request(&s, "dry", "size=3");
	assert_int_equal(vp_spec_parse_disk(&s, "path=/somewhere/new/x.qcow2,size=1", &err), 0);
	assert_int_equal(vp_domain_create(c, &s, &opts, &res, &err), 0);
	for (i = 0; i < res.n_actions; i++) {
		if (strstr(res.actions[i], "create storage pool 'default'"))
			pool_line = true;
		if (strstr(res.actions[i], "create volume 'dry.qcow2' in pool 'default' (3 GiB, qcow2)"))
			vol_line = true;
	}
	assert_true(pool_line);
	assert_true(vol_line);
	assert_non_null(strstr(res.xml, "<name>dry</name>"));
	assert_non_null(strstr(res.xml, "/somewhere/new/x.qcow2"));
	vp_create_result_clear(&res);
	same_census(before, count(c));

	opts.mode = VP_CREATE_PRINT_XML;
	assert_int_equal(vp_domain_create(c, &s, &opts, &res, &err), 0);
	assert_non_null(strstr(res.xml, "<domain"));
	vp_create_result_clear(&res);
	same_census(before, count(c));
	vp_spec_clear(&s);
}

static void expect_refusal(const char *name, const char *disk, void (*tweak)(struct vp_domain_spec *),
			   enum vp_errcode code, const char *needle)
{
	_cleanup_(virConnectClosep) virConnectPtr c = open_conn();
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct census before = count(c);

	request(&s, name, disk);
	if (tweak)
		tweak(&s);
	if (create(c, &s, VP_CREATE_REAL, VP_STEP_NONE, &err) != -1)
		fail_msg("request '%s' was accepted", name);
	if (err.code != code || !strstr(err.msg, needle))
		fail_msg("request '%s': got [%d] '%s', wanted [%d] '%s'", name, err.code, err.msg, code,
			 needle);
	same_census(before, count(c));
	vp_spec_clear(&s);
}

static void kvm(struct vp_domain_spec *s)
{
	vp_set_str(&s->virt_type, "kvm");
}

static void arm(struct vp_domain_spec *s)
{
	vp_set_str(&s->arch, "aarch64");
}

static void import_nothing(struct vp_domain_spec *s)
{
	s->import = VP_YES;
}

static void no_kernel(struct vp_domain_spec *s)
{
	s->boot.kernel = vp_strdup("/nonexistent/vmlinuz");
}

static void bad_net(struct vp_domain_spec *s)
{
	struct vp_error err = { 0 };

	s->nets_set = false;
	assert_int_equal(vp_spec_parse_network(s, "network=nosuchnet", &err), 0);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_refusal("test", "size=1", NULL, VP_ERR_EXISTS, "already exists");
	expect_refusal("u1", "pool=nosuchpool,size=1", NULL, VP_ERR_NOT_FOUND,
		       "unknown storage pool 'nosuchpool'");
	expect_refusal("u2", "vol=default-pool/nosuch.qcow2", NULL, VP_ERR_NOT_FOUND, "has no volume");
	expect_refusal("u3", "size=1", kvm, VP_ERR_INVALID, "virt type 'kvm' is not available");
	expect_refusal("u4", "size=1", arm, VP_ERR_INVALID, "cannot run aarch64 guests");
	expect_refusal("u5", "none", import_nothing, VP_ERR_INVALID, "--import needs a disk");
	expect_refusal("u6", "size=1", no_kernel, VP_ERR_INVALID, "does not exist");
	expect_refusal("u7", "size=1", bad_net, VP_ERR_NOT_FOUND, "unknown network 'nosuchnet'");
	expect_refusal("u8", "size=1,bus=ide", NULL, VP_ERR_INVALID, "bus ide does not exist on machine q35");
	expect_refusal("u9", "backing_store=default-pool/nosuch.qcow2", NULL, VP_ERR_NOT_FOUND,
		       "backing image");
	expect_refusal("u10", "backing_store=nopool/x.qcow2", NULL, VP_ERR_NOT_FOUND,
		       "unknown storage pool 'nopool'");
	expect_refusal("u11", "backing_store=relative/path/x", NULL, VP_ERR_INVALID,
		       "absolute path or POOL/VOLUME");
}

static void make_volume(virConnectPtr c, const char *pool, const char *name, uint64_t size)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);
	struct vp_volume_request req = { .name = name, .capacity = size, .format = "qcow2", .sparse = true };
	struct vp_error err = { 0 };
	virStorageVolPtr v = NULL;

	assert_non_null(p);
	if (vp_volume_create(p, &req, &v, &err) < 0)
		fail_msg("%s", err.msg);
	virStorageVolFree(v);
}

static void test_linked_clone_and_ownership(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr c = open_conn();
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_create_opts opts = { .mode = VP_CREATE_REAL };
	struct vp_create_result res;
	struct vp_delete_report rep;
	struct census before;

	(void)state;
	make_volume(c, "default-pool", "base.qcow2", 2 * VP_GiB);
	make_volume(c, "default-pool", "data.qcow2", VP_GiB);
	before = count(c);

	/* smaller than its base: refused, nothing made */
	request(&s, "lc", "backing_store=default-pool/base.qcow2,size=1");
	assert_int_equal(create(c, &s, VP_CREATE_REAL, VP_STEP_NONE, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "smaller than its backing image"));
	same_census(before, count(c));
	vp_spec_clear(&s);

	/* the clone takes the base's size; an existing volume is only used */
	request(&s, "lc", "backing_store=default-pool/base.qcow2");
	assert_int_equal(vp_spec_parse_disk(&s, "vol=default-pool/data.qcow2", &err), 0);
	if (vp_domain_create(c, &s, &opts, &res, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.spec.disks[0].src.capacity, 2 * VP_GiB);
	assert_true(res.spec.disks[0].src.create);
	assert_string_equal(res.spec.disks[0].src.backing_path, "/default-pool/base.qcow2");
	assert_false(res.spec.disks[1].src.create);
	assert_non_null(strstr(res.xml, "role=\"backing\" owned=\"no\""));
	vp_create_result_clear(&res);
	vp_spec_clear(&s);

	/* another VM uses lc's own disk: delete keeps it */
	request(&s, "other", NULL);
	assert_int_equal(vp_spec_parse_disk(&s, "vol=default/lc.qcow2", &err), 0);
	s.transient = VP_YES;
	if (create(c, &s, VP_CREATE_REAL, VP_STEP_NONE, &err) < 0)
		fail_msg("%s", err.msg);
	vp_spec_clear(&s);

	assert_int_equal(vp_domain_delete(c, "lc", false, &rep, &err), 0);
	assert_int_equal(rep.n_removed, 0);
	assert_int_equal(rep.n_kept, 2);
	assert_non_null(strstr(rep.kept[0], "lc.qcow2 (VM 'other' uses it)"));
	assert_non_null(strstr(rep.kept[1], "data.qcow2 (vprov did not create it)"));
	vp_delete_report_clear(&rep);
	assert_true(has_volume(c, "default", "lc.qcow2"));
	assert_true(has_volume(c, "default-pool", "base.qcow2"));
	assert_true(has_volume(c, "default-pool", "data.qcow2"));
}

struct worker {
	int index;
	int rc;
	char msg[VP_ERROR_MAX];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	virConnectPtr c = virConnectOpen(URI);
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	char name[32], disk[32];

	snprintf(name, sizeof(name), "par%d", w->index);
	snprintf(disk, sizeof(disk), "size=%d", w->index + 1);
	request(&s, name, disk);
	w->rc = c ? create(c, &s, VP_CREATE_REAL, VP_STEP_NONE, &err) : -1;
	snprintf(w->msg, sizeof(w->msg), "%s", err.msg);
	vp_spec_clear(&s);
	if (c)
		virConnectClose(c);
	return NULL;
}

/* Fleets run many creates at once: the library keeps no shared state. */
static void test_parallel_creates(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr c = open_conn();
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	pthread_t t[6];
	struct worker w[6];
	int i;

	(void)state;
	/* the pool exists first: creating it is not what runs in parallel */
	request(&s, "seed", "size=1");
	assert_int_equal(create(c, &s, VP_CREATE_REAL, VP_STEP_NONE, &err), 0);
	vp_spec_clear(&s);
	for (i = 0; i < 6; i++) {
		w[i].index = i;
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 6; i++) {
		char name[32], vol[32];

		pthread_join(t[i], NULL);
		if (w[i].rc != 0)
			fail_msg("worker %d: %s", i, w[i].msg);
		snprintf(name, sizeof(name), "par%d", i);
		snprintf(vol, sizeof(vol), "par%d.qcow2", i);
		assert_true(has_domain(c, name));
		assert_true(has_volume(c, "default", vol));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_info_list_delete),
		cmocka_unit_test(test_rollback_every_step),
		cmocka_unit_test(test_rollback_transient),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_dry_modes_touch_nothing),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_linked_clone_and_ownership),
		cmocka_unit_test(test_parallel_creates),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
