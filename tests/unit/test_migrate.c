/* tests/unit/test_migrate.c — the domain side of vprov migrate, on
 * libvirt's test driver: the source is test:///default (its running VM
 * "test", and shut-off VMs defined per test), the destination a second
 * driver instance, test:///<tests/data/migrate-host.xml> (VMs "busy" and
 * "twin"), a different host to libvirt.  Resolve only (the test driver
 * cannot migrate): the VM's state against --live/--offline, the same host
 * refused by URI, a name or UUID clash EXISTS, the plan's steps and the
 * live migration's flags (peer to peer only when the destination URI names
 * a host), nothing changed on either host; and the destination document
 * rewritten by the pure function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cleanup.h"
#include "migrate_int.h"
#include "virt.h"

#define SRC "test:///default"
#define DST "test://" VP_TEST_DATA "/migrate-host.xml"

struct fix {
	virConnectPtr src, dst;
	virDomainPtr dom;        /* "test", running */
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	vp_init();
	f->src = virConnectOpen(SRC);
	f->dst = virConnectOpen(DST);
	if (!f->src || !f->dst)
		return -1;
	f->dom = virDomainLookupByName(f->src, "test");
	*state = f;
	return f->dom ? 0 : -1;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	virDomainFree(f->dom);
	virConnectClose(f->src);
	virConnectClose(f->dst);
	free(f);
	return 0;
}

static void one_line(const struct vp_error *err)
{
	assert_true(err->msg[0]);
	assert_null(strchr(err->msg, '\n'));
}

/* A shut-off VM without disks on the source (uuid may be NULL). */
static virDomainPtr define_off(virConnectPtr c, const char *name, const char *uuid)
{
	char xml[512];
	virDomainPtr d;

	snprintf(xml, sizeof(xml),
		 "<domain type='test'><name>%s</name>%s%s%s<memory>65536</memory>"
		 "<os><type>hvm</type></os></domain>",
		 name, uuid ? "<uuid>" : "", uuid ? uuid : "", uuid ? "</uuid>" : "");
	d = virDomainDefineXML(c, xml);
	assert_non_null(d);
	return d;
}

static int count_domains(virConnectPtr c)
{
	virDomainPtr *l = NULL;
	int n = virConnectListAllDomains(c, &l, 0), i;

	for (i = 0; i < n; i++)
		virDomainFree(l[i]);
	free(l);
	return n;
}

static const struct vp_step *step_of(const struct vp_plan *p, const char *kind)
{
	size_t i;

	for (i = 0; i < p->n_steps; i++)
		if (!strcmp(p->steps[i].kind, kind))
			return &p->steps[i];
	return NULL;
}

static bool has_flag(const struct vp_step *st, const char *flag)
{
	json_object *a = NULL;
	size_t i;

	if (!st->detail || !json_object_object_get_ex(st->detail, "flags", &a))
		return false;
	for (i = 0; i < json_object_array_length(a); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(a, i)), flag))
			return true;
	return false;
}

/* ---- resolve ---- */

static void test_same_uri_refused(void **state)
{
	struct fix *f = *state;
	virConnectPtr again = virConnectOpen(SRC);
	struct vp_migrate_req req = { .dest_uri = SRC };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };

	assert_non_null(again);
	assert_int_equal(vp_migrate_plan(f->src, f->dom, again, &req, NULL, &plan, &err), -1);
	assert_null(plan);
	assert_int_equal(err.code, VP_ERR_INVALID);
	one_line(&err);
	assert_non_null(strstr(err.msg, "it is the host the VM is on"));
	assert_non_null(strstr(err.msg, "'test'"));
	virConnectClose(again);
}

static void test_state_against_mode(void **state)
{
	struct fix *f = *state;
	_cleanup_(virDomainFreep) virDomainPtr off = define_off(f->src, "mv-off", NULL);
	struct vp_migrate_req req = { .dest_uri = DST, .mode = VP_MIGRATE_OFFLINE };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };

	/* running, --offline */
	assert_int_equal(vp_migrate_plan(f->src, f->dom, f->dst, &req, NULL, &plan, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	one_line(&err);
	assert_non_null(strstr(err.msg, "cannot migrate VM 'test' offline: it is running"));
	/* shut off, --live */
	req.mode = VP_MIGRATE_LIVE;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_migrate_plan(f->src, off, f->dst, &req, NULL, &plan, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	one_line(&err);
	assert_non_null(strstr(err.msg, "cannot migrate VM 'mv-off' live: it is shut off"));
	/* paused counts as running: live is fine, offline not */
	assert_int_equal(virDomainSuspend(f->dom), 0);
	req.mode = VP_MIGRATE_OFFLINE;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_migrate_plan(f->src, f->dom, f->dst, &req, NULL, &plan, &err), -1);
	assert_non_null(strstr(err.msg, "it is paused"));
	req.mode = VP_MIGRATE_LIVE;
	assert_int_equal(vp_migrate_plan(f->src, f->dom, f->dst, &req, NULL, &plan, &err), 0);
	assert_non_null(step_of(plan, "migrate"));
	vp_plan_free(plan);
	assert_int_equal(virDomainResume(f->dom), 0);
	assert_int_equal(virDomainUndefine(off), 0);
}

static void test_name_clash(void **state)
{
	struct fix *f = *state;
	_cleanup_(virDomainFreep) virDomainPtr busy = define_off(f->src, "busy", NULL);
	struct vp_migrate_req req = { .dest_uri = DST };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	int before = count_domains(f->dst);

	assert_int_equal(vp_migrate_plan(f->src, busy, f->dst, &req, NULL, &plan, &err), -1);
	assert_null(plan);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	one_line(&err);
	assert_non_null(strstr(err.msg, "cannot migrate VM 'busy' to '" DST "': a VM of that name is there"));
	assert_int_equal(count_domains(f->dst), before);
	assert_int_equal(virDomainUndefine(busy), 0);
}

static void test_uuid_clash(void **state)
{
	struct fix *f = *state;
	_cleanup_(virDomainFreep) virDomainPtr d =
		define_off(f->src, "mv-twin", "2f0c1d7e-5a4b-4c3d-9e8f-0a1b2c3d4e5f");
	struct vp_migrate_req req = { .dest_uri = DST };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };

	assert_int_equal(vp_migrate_plan(f->src, d, f->dst, &req, NULL, &plan, &err), -1);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	one_line(&err);
	assert_non_null(strstr(err.msg, "VM 'twin' there has its UUID 2f0c1d7e-5a4b-4c3d-9e8f-0a1b2c3d4e5f"));
	assert_int_equal(virDomainUndefine(d), 0);
}

static void test_live_plan(void **state)
{
	struct fix *f = *state;
	struct vp_migrate_req req = { .dest_uri = DST, .bandwidth_mib = 50 };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	const struct vp_step *st;
	int src_before = count_domains(f->src), dst_before = count_domains(f->dst);
	json_object *j, *v;

	/* auto: running, so live; the destination a local socket: through
	 * this client, not peer to peer */
	assert_int_equal(vp_migrate_plan(f->src, f->dom, f->dst, &req, NULL, &plan, &err), 0);
	assert_non_null(plan);
	assert_string_equal(plan->op, "migrate");
	assert_string_equal(plan->subject, "test");
	assert_null(step_of(plan, "define"));
	assert_null(step_of(plan, "undefine-source"));
	assert_null(step_of(plan, "delete-source-volume"));
	st = step_of(plan, "migrate");
	assert_non_null(st);
	assert_non_null(strstr(st->desc, "migrate VM 'test' live to '" DST "' (through this client"));
	assert_non_null(strstr(st->desc, "at most 50 MiB/s"));
	assert_true(has_flag(st, "live"));
	assert_true(has_flag(st, "persist-dest"));
	assert_true(has_flag(st, "undefine-source"));
	assert_false(has_flag(st, "peer2peer"));
	assert_false(has_flag(st, "non-shared-disk"));
	assert_false(has_flag(st, "unsafe"));
	j = vp_plan_to_json(plan);
	assert_true(json_object_object_get_ex(j, "steps", &v));
	assert_int_equal(json_object_array_length(v), plan->n_steps);
	json_object_put(j);
	vp_plan_free(plan);

	/* a destination URI with a host: peer to peer; --keep-source and
	 * --unsafe reach the flags */
	req.dest_uri = "qemu+tcp://b.example/system";
	req.keep_source = true;
	req.unsafe = true;
	assert_int_equal(vp_migrate_plan(f->src, f->dom, f->dst, &req, NULL, &plan, &err), 0);
	st = step_of(plan, "migrate");
	assert_non_null(st);
	assert_non_null(strstr(st->desc, "(peer to peer"));
	assert_true(has_flag(st, "peer2peer"));
	assert_false(has_flag(st, "undefine-source"));
	assert_true(has_flag(st, "unsafe"));
	vp_plan_free(plan);

	/* resolving changed nothing */
	assert_int_equal(count_domains(f->src), src_before);
	assert_int_equal(count_domains(f->dst), dst_before);
	assert_int_equal(virDomainIsActive(f->dom), 1);
}

static void test_offline_plan(void **state)
{
	struct fix *f = *state;
	_cleanup_(virDomainFreep) virDomainPtr off = define_off(f->src, "mv-cold", NULL);
	struct vp_migrate_req req = { .dest_uri = DST };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	size_t i, def = 0, undef = 0;

	assert_int_equal(vp_migrate_plan(f->src, off, f->dst, &req, NULL, &plan, &err), 0);
	assert_null(step_of(plan, "migrate"));
	/* the definition on the destination first, the source's undefine after */
	for (i = 0; i < plan->n_steps; i++) {
		if (!strcmp(plan->steps[i].kind, "define"))
			def = i + 1;
		if (!strcmp(plan->steps[i].kind, "undefine-source"))
			undef = i + 1;
	}
	assert_true(def > 0 && undef > def);
	assert_string_equal(plan->steps[def - 1].desc, "define VM 'mv-cold' on '" DST "'");
	vp_plan_free(plan);

	/* --keep-source: nothing on the source is touched */
	req.keep_source = true;
	assert_int_equal(vp_migrate_plan(f->src, off, f->dst, &req, NULL, &plan, &err), 0);
	assert_non_null(step_of(plan, "define"));
	assert_null(step_of(plan, "undefine-source"));
	vp_plan_free(plan);
	assert_null(virDomainLookupByName(f->dst, "mv-cold"));
	assert_int_equal(virDomainUndefine(off), 0);
}

static void test_dry_run_changes_nothing(void **state)
{
	struct fix *f = *state;
	struct vp_migrate_req req = { .dest_uri = DST };
	struct vp_migrate_opts o = { .dry_run = true };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	int src_before = count_domains(f->src), dst_before = count_domains(f->dst);

	assert_int_equal(vp_migrate(f->src, f->dom, f->dst, &req, &o, &plan, NULL, &err), 0);
	assert_non_null(step_of(plan, "migrate"));
	vp_plan_free(plan);
	assert_int_equal(count_domains(f->src), src_before);
	assert_int_equal(count_domains(f->dst), dst_before);
	assert_int_equal(virDomainIsActive(f->dom), 1);
}

/* ---- the destination's document ---- */

static const char doc[] =
	"<domain type='kvm'>"
	"<name>web1</name><uuid>11111111-2222-3333-4444-555555555555</uuid>"
	"<metadata><vprov:vm xmlns:vprov='https://vprov.dev/xmlns/domain/1' version='0.1.0'>"
	"<vprov:spec-hash>abc</vprov:spec-hash>"
	"<vprov:volume role='disk' owned='yes' pool='default' name='web1.qcow2' path='/a/images/web1.qcow2'/>"
	"<vprov:volume role='backing' owned='no' pool='images' name='base.qcow2' path='/a/base/base.qcow2'/>"
	"<vprov:volume role='disk' owned='yes' pool='fast' name='data.raw'/>"
	"</vprov:vm></metadata>"
	"<devices>"
	"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
	"<source file='/a/images/web1.qcow2'/>"
	"<backingStore type='file'><format type='qcow2'/><source file='/a/base/base.qcow2'/></backingStore>"
	"<target dev='vda' bus='virtio'/></disk>"
	"<disk type='volume' device='disk'><driver name='qemu' type='raw'/>"
	"<source pool='fast' volume='data.raw'/><target dev='vdb' bus='virtio'/></disk>"
	"<disk type='file' device='cdrom'><source file='/iso/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>"
	"</devices></domain>";

static void test_rewrite_xml(void **state)
{
	struct vp_migrate_disk disks[2] = {
		{ .target = "vda", .src_path = "/a/images/web1.qcow2", .src_pool = "default",
		  .vol_name = "web1.qcow2", .backing_path = "/a/base/base.qcow2",
		  .dst_pool = "default", .dst_path = "/b/images/web1.qcow2",
		  .dst_backing_path = "/b/base/base.qcow2" },
		{ .target = "vdb", .src_path = "/a/fast/data.raw", .src_pool = "fast",
		  .vol_name = "data.raw", .dst_pool = "slow", .dst_path = "/b/slow/data.raw" },
	};
	struct vp_error err = { 0 };
	char *out = NULL;

	(void)state;
	assert_int_equal(vp_migrate_rewrite_xml(doc, disks, 2, &out, &err), 0);
	assert_non_null(out);
	/* the disks point at the destination's files */
	assert_non_null(strstr(out, "<source file=\"/b/images/web1.qcow2\"/>"));
	assert_null(strstr(out, "/a/images/web1.qcow2"));
	assert_non_null(strstr(out, "<source file=\"/b/base/base.qcow2\"/>"));
	assert_non_null(strstr(out, "<disk type=\"file\" device=\"disk\">\n      <driver name=\"qemu\" type=\"raw\"/>\n      <source file=\"/b/slow/data.raw\"/>"));
	assert_null(strstr(out, "volume=\"data.raw\""));
	/* a disk not listed stays as it was */
	assert_non_null(strstr(out, "<source file=\"/iso/x.iso\"/>"));
	/* vprov's record follows: pool and path, roles and owners kept */
	assert_non_null(strstr(out, "role=\"disk\" owned=\"yes\" pool=\"default\" name=\"web1.qcow2\" path=\"/b/images/web1.qcow2\""));
	assert_non_null(strstr(out, "role=\"backing\" owned=\"no\" pool=\"images\" name=\"base.qcow2\" path=\"/b/base/base.qcow2\""));
	assert_non_null(strstr(out, "role=\"disk\" owned=\"yes\" pool=\"slow\" name=\"data.raw\" path=\"/b/slow/data.raw\""));
	assert_non_null(strstr(out, "<vprov:spec-hash>abc</vprov:spec-hash>"));
	assert_non_null(strstr(out, "<uuid>11111111-2222-3333-4444-555555555555</uuid>"));
	free(out);

	/* no disks to map: the same document */
	assert_int_equal(vp_migrate_rewrite_xml(doc, NULL, 0, &out, &err), 0);
	assert_non_null(strstr(out, "<source file=\"/a/images/web1.qcow2\"/>"));
	assert_non_null(strstr(out, "<source pool=\"fast\" volume=\"data.raw\"/>"));
	free(out);

	/* not a domain */
	assert_int_equal(vp_migrate_rewrite_xml("<pool type='dir'/>", NULL, 0, &out, &err), -1);
	assert_null(out);
	assert_int_equal(err.code, VP_ERR_INVALID);
	one_line(&err);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_migrate_rewrite_xml("<domain", NULL, 0, &out, &err), -1);
	assert_null(out);
	one_line(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_uri_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_against_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uuid_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_changes_nothing, setup, teardown),
		cmocka_unit_test(test_rewrite_xml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
