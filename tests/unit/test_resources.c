/* tests/unit/test_resources.c — the checks before create: the arithmetic
 * and its sentences (memory, vCPUs with its warning band, pools: full
 * capacity for non-sparse disks, metadata only for sparse ones, the
 * overcommit warning, unknown figures not judged), then on libvirt's
 * test:///default driver (16 CPUs, 3 GiB and no memory statistics: judged
 * by its total) the figures read, a refusal with every reason in one line
 * and the --force hint, --force turning them into the plan's warnings,
 * the JSON of the plan, and a whole create refused with nothing made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "cleanup.h"
#include "create.h"
#include "plan.h"
#include "resources.h"
#include "units.h"
#include "virt.h"

#define URI "test:///default"

static struct vp_res_check figures(uint64_t asked, uint64_t avail, unsigned vcpus, unsigned cpus)
{
	struct vp_res_check r = { 0 };

	r.host = vp_strdup("h1");
	r.mem_asked = asked;
	r.mem_available = avail;
	r.mem_known = true;
	r.mem_source = "free+buffers+cached";
	r.vcpus = vcpus;
	r.host_cpus = cpus;
	return r;
}

static void add_pool(struct vp_res_check *r, const char *name, bool known, uint64_t avail,
		     uint64_t asked, uint64_t needed, size_t n, size_t n_sparse)
{
	struct vp_res_pool *p;

	r->pools = vp_grow(r->pools, r->n_pools + 1, sizeof(*r->pools));
	p = &r->pools[r->n_pools++];
	memset(p, 0, sizeof(*p));
	p->name = vp_strdup(name);
	p->known = known;
	p->available = avail;
	p->asked = asked;
	p->needed = needed;
	p->n_disks = n;
	p->n_sparse = n_sparse;
}

static void test_memory(void **state)
{
	struct vp_res_check r = figures(64 * VP_GiB, (uint64_t)(22.9 * VP_GiB), 2, 2);

	(void)state;
	vp_resources_judge(&r);
	assert_int_equal(r.n_refusals, 1);
	assert_string_equal(r.refusals[0],
			    "not enough memory on host 'h1': 64 GiB asked, 22.9 GiB available");
	assert_int_equal(r.n_warnings, 0);
	/* equal is enough; unknown is not judged */
	r.mem_asked = r.mem_available;
	vp_resources_judge(&r);
	assert_int_equal(r.n_refusals, 0);
	r.mem_asked = 100 * VP_GiB;
	r.mem_known = false;
	vp_resources_judge(&r);
	assert_int_equal(r.n_refusals, 0);
	vp_resources_clear(&r);
}

static void test_vcpus(void **state)
{
	struct vp_res_check r = figures(VP_GiB, 8 * VP_GiB, 2, 2);

	(void)state;
	vp_resources_judge(&r);
	assert_int_equal(r.n_refusals + r.n_warnings, 0);
	/* above the host's count: a warning, up to 4 per host CPU */
	r.vcpus = 3;
	vp_resources_judge(&r);
	assert_int_equal(r.n_refusals, 0);
	assert_int_equal(r.n_warnings, 1);
	assert_string_equal(r.warnings[0], "3 vCPUs asked, more than the 2 CPUs of host 'h1': "
					   "the VM runs, but its vCPUs wait for each other");
	r.vcpus = 8;
	vp_resources_judge(&r);
	assert_int_equal(r.n_refusals, 0);
	assert_int_equal(r.n_warnings, 1);
	r.vcpus = 9;
	vp_resources_judge(&r);
	assert_int_equal(r.n_warnings, 0);
	assert_int_equal(r.n_refusals, 1);
	assert_string_equal(r.refusals[0], "too many vCPUs for host 'h1': 9 asked, 2 host CPUs "
					   "(at most 4 per host CPU)");
	r.host_cpus = 0; /* unknown */
	vp_resources_judge(&r);
	assert_int_equal(r.n_refusals + r.n_warnings, 0);
	vp_resources_clear(&r);
}

static void test_pools(void **state)
{
	struct vp_res_check r = figures(VP_GiB, 8 * VP_GiB, 1, 2);

	(void)state;
	/* non-sparse: the whole capacity now */
	add_pool(&r, "fast", true, 20 * VP_GiB, 30 * VP_GiB, 30 * VP_GiB, 1, 0);
	/* sparse: fits now, may outgrow the pool later */
	add_pool(&r, "big", true, 20 * VP_GiB, 30 * VP_GiB, VP_QCOW2_NEW_BYTES, 1, 1);
	/* sparse, and not even its metadata fits */
	add_pool(&r, "full", true, 100 * 1024, 10 * VP_GiB, VP_QCOW2_NEW_BYTES, 1, 1);
	/* not running yet: not judged */
	add_pool(&r, "new", false, 0, 30 * VP_GiB, 30 * VP_GiB, 1, 0);
	/* room enough */
	add_pool(&r, "ok", true, 50 * VP_GiB, 30 * VP_GiB, 30 * VP_GiB, 2, 0);
	vp_resources_judge(&r);
	assert_int_equal(r.n_refusals, 2);
	assert_string_equal(r.refusals[0], "not enough space in storage pool 'fast' on host 'h1': "
					   "30 GiB asked for new disks (not sparse), 20 GiB available");
	assert_string_equal(r.refusals[1], "not enough space in storage pool 'full' on host 'h1': "
					   "256 KiB needed now for the new disks, 100 KiB available");
	assert_int_equal(r.n_warnings, 1);
	assert_string_equal(r.warnings[0],
			    "the new disks in storage pool 'big' on host 'h1' can grow to 30 GiB, more "
			    "than its 20 GiB available (overcommitted: guests that fill them will stop "
			    "on a full pool)");
	vp_resources_clear(&r);
}

static void test_summary_json(void **state)
{
	struct vp_res_check r = figures(2 * VP_GiB, 3 * VP_GiB, 2, 16);
	json_object *o, *m, *p, *v;
	_cleanup_(freep) char *s = NULL;

	(void)state;
	add_pool(&r, "default", true, 100 * VP_GiB, 20 * VP_GiB, VP_QCOW2_NEW_BYTES, 1, 1);
	vp_resources_judge(&r);
	s = vp_resources_summary(&r);
	assert_string_equal(s, "host 'h1': memory 2 GiB asked, 3 GiB available; 2 vCPUs, 16 host "
			       "CPUs; pool 'default': 20 GiB of new disks (sparse), 100 GiB available");
	o = vp_resources_json(&r);
	assert_true(json_object_object_get_ex(o, "memory", &m));
	assert_true(json_object_object_get_ex(m, "available_bytes", &v));
	assert_int_equal(json_object_get_int64(v), 3 * VP_GiB);
	assert_true(json_object_object_get_ex(o, "pools", &p));
	assert_int_equal(json_object_array_length(p), 1);
	assert_true(json_object_object_get_ex(json_object_array_get_idx(p, 0), "needed_now_bytes", &v));
	assert_int_equal(json_object_get_int64(v), VP_QCOW2_NEW_BYTES);
	json_object_put(o);
	vp_resources_clear(&r);
}

/* the test driver's fixed node: 16 CPUs, 3 GiB, no memory statistics */
static void test_on_test_driver(void **state)
{
	virConnectPtr conn = virConnectOpen(URI);
	struct vp_domain_spec s = { 0 };
	struct vp_disk_spec *d;
	struct vp_res_check r = { 0 };
	struct vp_res_check *kept = NULL;
	struct vp_error err = { 0 };
	struct vp_plan *plan = vp_plan_new("create", "t1");

	(void)state;
	assert_non_null(conn);
	s.memory = 2 * VP_GiB;
	s.vcpus = 2;
	d = vp_spec_add_disk(&s);
	d->src.create = true;
	d->src.pool = vp_strdup("default-pool");
	d->src.format = vp_strdup("qcow2");
	d->src.capacity = 200 * VP_GiB;
	d->sparse = VP_NO;
	assert_int_equal(vp_resources_read(conn, &s, &r, &err), 0);
	assert_int_equal(r.host_cpus, 16);
	assert_true(r.mem_known);
	assert_int_equal(r.mem_available, 3 * VP_GiB);
	assert_string_equal(r.mem_source, "total");
	assert_int_equal(r.n_pools, 1);
	assert_true(r.pools[0].known);
	assert_int_equal(r.pools[0].available, 100 * VP_GiB);
	assert_int_equal(r.pools[0].needed, 200 * VP_GiB);
	vp_resources_clear(&r);

	s.memory = 4 * VP_GiB;
	assert_int_equal(vp_resources_check(conn, &s, false, plan, &kept, &err), -1);
	assert_null(kept);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_null(strchr(err.msg, '\n'));
	assert_non_null(strstr(err.msg, "not enough memory on host '"));
	assert_non_null(strstr(err.msg, "': 4 GiB asked, 3 GiB available; not enough space in "
					"storage pool 'default-pool' on host '"));
	assert_non_null(strstr(err.msg, "200 GiB asked for new disks (not sparse), 100 GiB "
					"available (add --force to create it anyway)"));
	assert_int_equal(plan->n_warnings, 0);

	assert_int_equal(vp_resources_check(conn, &s, true, plan, &kept, &err), 0);
	assert_non_null(kept);
	assert_int_equal(plan->n_warnings, 2);
	assert_non_null(strstr(plan->warnings[0], "4 GiB asked, 3 GiB available; going on (--force)"));
	assert_int_equal(kept->n_refusals, 2);
	vp_resources_free(kept);
	vp_plan_free(plan);
	vp_spec_clear(&s);
	virConnectClose(conn);
}

/* a whole create: refused in the dry run and for real, nothing made */
static void test_create_refused(void **state)
{
	virConnectPtr conn = virConnectOpen(URI);
	struct vp_domain_spec req = { 0 };
	struct vp_create_opts opts = { .mode = VP_CREATE_DRY_RUN };
	struct vp_create_result res = { 0 };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	json_object *pj, *rj;
	int n_before = virConnectNumOfDefinedDomains(conn) + virConnectNumOfDomains(conn);

	(void)state;
	req.name = vp_strdup("big1");
	req.memory = 8 * VP_GiB;
	req.disks_set = true;
	req.nets_set = true;
	assert_int_equal(vp_domain_create(conn, &req, &opts, &res, &plan, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "8 GiB asked, 3 GiB available (add --force"));
	vp_create_result_clear(&res);
	vp_plan_free(plan);
	opts.mode = VP_CREATE_REAL;
	assert_int_equal(vp_domain_create(conn, &req, &opts, &res, &plan, NULL, &err), -1);
	vp_create_result_clear(&res);
	vp_plan_free(plan);
	assert_int_equal(virConnectNumOfDefinedDomains(conn) + virConnectNumOfDomains(conn), n_before);

	/* --force: the dry run goes on, the figures in its plan */
	opts.mode = VP_CREATE_DRY_RUN;
	opts.force = true;
	assert_int_equal(vp_domain_create(conn, &req, &opts, &res, &plan, NULL, &err), 0);
	assert_non_null(res.resources);
	pj = vp_plan_to_json(plan);
	json_object_object_add(pj, "resources", vp_resources_json(res.resources));
	assert_true(json_object_object_get_ex(pj, "resources", &rj));
	assert_true(json_object_object_get_ex(rj, "refusals", &rj));
	assert_int_equal(json_object_array_length(rj), 1);
	json_object_put(pj);
	vp_create_result_clear(&res);
	vp_plan_free(plan);

	/* --print-xml weighs nothing: it may be for another host */
	opts.mode = VP_CREATE_PRINT_XML;
	opts.force = false;
	assert_int_equal(vp_domain_create(conn, &req, &opts, &res, &plan, NULL, &err), 0);
	assert_null(res.resources);
	vp_create_result_clear(&res);
	vp_plan_free(plan);
	vp_spec_clear(&req);
	virConnectClose(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_summary_json),
		cmocka_unit_test(test_on_test_driver),
		cmocka_unit_test(test_create_refused),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
