/* tests/unit/test_snapshot.c — internal snapshots on libvirt's built-in
 * test:///default driver (a fresh host per test, with its running VM
 * "test"): names checked (one sentence, INVALID), a default name, the
 * create/list/info/revert/delete round trip, the tree in parent-first
 * order with the current snapshot marked, a missing snapshot NOT_FOUND,
 * a name taken EXISTS, delete with and without its children, a revert
 * that would discard a running state refused without --running/--paused,
 * a raw disk refused with its name; external (--disk-only) snapshots not
 * mixed with internal ones, --quiesce refused without a running guest
 * with an agent channel, a disk outside any pool refused; vprov's delete
 * refusing a VM with snapshots unless told, and the count in the list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cleanup.h"
#include "domain.h"
#include "snapshot.h"
#include "snapshot_int.h"
#include "virt.h"

#define URI "test:///default"
#define REQ(n, d) (&(struct vp_snapshot_req){ .name = (n), .description = (d) })

struct fix {
	virConnectPtr conn;
	virDomainPtr dom;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->conn = virConnectOpen(URI);
	if (!f->conn)
		return -1;
	f->dom = virDomainLookupByName(f->conn, "test");
	*state = f;
	return f->dom ? 0 : -1;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	virDomainFree(f->dom);
	virConnectClose(f->conn);
	free(f);
	return 0;
}

static void one_line(const struct vp_error *err)
{
	assert_true(err->msg[0]);
	assert_null(strchr(err->msg, '\n'));
}

static void take(virDomainPtr dom, const char *name)
{
	struct vp_error err = { 0 };

	if (vp_snapshot_create(dom, REQ(name, NULL), NULL, &err) < 0)
		fail_msg("create %s: %s", name, err.msg);
}

static void revert(virDomainPtr dom, const char *name)
{
	struct vp_error err = { 0 };

	if (vp_snapshot_revert(dom, name, VP_REVERT_AS_TAKEN, &err) < 0)
		fail_msg("revert %s: %s", name, err.msg);
}

/* the names in list order as "a b(1) *c" (depth in parentheses, * current) */
static void expect_tree(virDomainPtr dom, const char *want)
{
	struct vp_snapshot_info *l = NULL;
	struct vp_error err = { 0 };
	char got[512] = "";
	size_t n = 0, i;

	if (vp_snapshot_list(dom, &l, &n, &err) < 0)
		fail_msg("list: %s", err.msg);
	for (i = 0; i < n; i++) {
		char one[128];

		if (l[i].depth)
			snprintf(one, sizeof(one), "%s%s%s(%u)", i ? " " : "", l[i].current ? "*" : "",
				 l[i].name, l[i].depth);
		else
			snprintf(one, sizeof(one), "%s%s%s", i ? " " : "", l[i].current ? "*" : "",
				 l[i].name);
		strncat(got, one, sizeof(got) - strlen(got) - 1);
	}
	vp_snapshot_infos_free(l, n);
	assert_string_equal(got, want);
}

static void test_names(void **state)
{
	struct vp_error err = { 0 };
	char long_name[VP_SNAPSHOT_NAME_MAX + 2];
	char def[64];

	(void)state;
	assert_int_equal(vp_snapshot_name_check("before-upgrade", &err), 0);
	assert_int_equal(vp_snapshot_name_check("with space é", &err), 0);
	memset(long_name, 'x', sizeof(long_name));
	long_name[VP_SNAPSHOT_NAME_MAX] = '\0';
	assert_int_equal(vp_snapshot_name_check(long_name, &err), 0);
	long_name[VP_SNAPSHOT_NAME_MAX] = 'x';
	long_name[VP_SNAPSHOT_NAME_MAX + 1] = '\0';

	static const char *const bad[] = { "", "a/b", "a\nb", "tab\there", "del\x7f", ".", ".." };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(vp_snapshot_name_check(bad[i], &err), -1);
		assert_int_equal(err.code, VP_ERR_INVALID);
		one_line(&err);
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_name_check(long_name, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "64 bytes"));
	one_line(&err);

	vp_snapshot_default_name(0, def, sizeof(def));
	assert_int_equal(strlen(def), strlen("snap-YYYYMMDD-HHMMSS"));
	assert_memory_equal(def, "snap-19", 7);
}

static void test_round_trip(void **state)
{
	struct fix *f = *state;
	struct vp_snapshot_info s = { 0 };
	struct vp_error err = { 0 };
	size_t n = 0;

	expect_tree(f->dom, "");
	assert_int_equal(vp_snapshot_count(f->dom, &err), 0);
	assert_int_equal(vp_snapshot_create(f->dom, REQ("s1", "before the upgrade"), &s, &err), 0);
	assert_string_equal(s.name, "s1");
	assert_string_equal(s.state, "running");
	assert_true(s.memory);
	assert_true(s.current);
	assert_null(s.parent);
	assert_true(s.created > 0);
	vp_snapshot_info_clear(&s);

	assert_int_equal(vp_snapshot_create(f->dom, REQ(NULL, NULL), &s, &err), 0);
	assert_memory_equal(s.name, "snap-", 5);
	assert_string_equal(s.parent, "s1");
	{
		char want[128];

		snprintf(want, sizeof(want), "s1 *%s(1)", s.name);
		expect_tree(f->dom, want);
	}
	assert_int_equal(vp_snapshot_count(f->dom, &err), 2);
	vp_snapshot_info_clear(&s);

	assert_int_equal(vp_snapshot_info(f->dom, "s1", &s, &err), 0);
	assert_string_equal(s.description, "before the upgrade");
	assert_false(s.current);
	assert_int_equal(s.n_children, 1);
	vp_snapshot_info_clear(&s);

	revert(f->dom, "s1");
	assert_int_equal(vp_snapshot_info(f->dom, "s1", &s, &err), 0);
	assert_true(s.current);
	vp_snapshot_info_clear(&s);
	assert_int_equal(virDomainIsActive(f->dom), 1);

	/* the name taken */
	assert_int_equal(vp_snapshot_create(f->dom, REQ("s1", NULL), NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	one_line(&err);

	assert_int_equal(vp_snapshot_delete(f->dom, "s1", false, &n, &err), 0);
	assert_int_equal(n, 1);
	{
		struct vp_snapshot_info *l = NULL;
		size_t k = 0;

		/* the child is kept, now a root */
		assert_int_equal(vp_snapshot_list(f->dom, &l, &k, &err), 0);
		assert_int_equal(k, 1);
		assert_null(l[0].parent);
		assert_int_equal(l[0].depth, 0);
		vp_snapshot_infos_free(l, k);
	}
}

static void test_tree_order(void **state)
{
	struct fix *f = *state;

	take(f->dom, "a");
	take(f->dom, "b");       /* child of a */
	revert(f->dom, "a");
	take(f->dom, "c");       /* second child of a */
	revert(f->dom, "b");
	take(f->dom, "d");       /* child of b */
	expect_tree(f->dom, "a b(1) *d(2) c(1)");
	revert(f->dom, "c");
	expect_tree(f->dom, "a b(1) d(2) *c(1)");
}

static void test_missing(void **state)
{
	struct fix *f = *state;
	struct vp_snapshot_info s = { 0 };
	struct vp_error err = { 0 };

	take(f->dom, "there");
	assert_int_equal(vp_snapshot_info(f->dom, "nope", &s, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "'nope'"));
	one_line(&err);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_revert(f->dom, "nope", VP_REVERT_RUNNING, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_delete(f->dom, "nope", true, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	/* a bad name is INVALID before libvirt is asked */
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_info(f->dom, "x/y", &s, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_create(f->dom, REQ("", NULL), NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	one_line(&err);
	expect_tree(f->dom, "*there");
}

static void test_delete_children(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	size_t n = 0;

	take(f->dom, "keep");
	take(f->dom, "a");
	take(f->dom, "b");
	take(f->dom, "c");
	revert(f->dom, "keep");
	expect_tree(f->dom, "*keep a(1) b(2) c(3)");
	assert_int_equal(vp_snapshot_delete(f->dom, "a", true, &n, &err), 0);
	assert_int_equal(n, 3);
	expect_tree(f->dom, "*keep");
}

static void test_revert_running_state(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };

	assert_int_equal(virDomainDestroy(f->dom), 0);
	take(f->dom, "off");
	assert_int_equal(virDomainCreate(f->dom), 0);

	assert_int_equal(vp_snapshot_revert(f->dom, "off", VP_REVERT_AS_TAKEN, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "--running"));
	assert_non_null(strstr(err.msg, "shut off"));
	one_line(&err);
	assert_int_equal(virDomainIsActive(f->dom), 1);

	memset(&err, 0, sizeof(err));
	if (vp_snapshot_revert(f->dom, "off", VP_REVERT_RUNNING, &err) < 0)
		fail_msg("revert --running: %s", err.msg);
	assert_int_equal(virDomainIsActive(f->dom), 1);

	if (vp_snapshot_revert(f->dom, "off", VP_REVERT_PAUSED, &err) < 0)
		fail_msg("revert --paused: %s", err.msg);
	{
		int st = 0, reason = 0;

		assert_int_equal(virDomainGetState(f->dom, &st, &reason, 0), 0);
		assert_int_equal(st, VIR_DOMAIN_PAUSED);
	}

	/* a shut-off VM reverts to a shut-off snapshot without a flag */
	assert_int_equal(virDomainDestroy(f->dom), 0);
	revert(f->dom, "off");
	assert_int_equal(virDomainIsActive(f->dom), 0);
}

static void test_raw_refused(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	virDomainPtr d = virDomainDefineXML(
		f->conn,
		"<domain type='test'><name>rawvm</name><memory>65536</memory>"
		"<os><type>hvm</type></os><devices>"
		"<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
		"<source file='/iso/x.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>"
		"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
		"<source file='/guest/a.qcow2'/><target dev='vda' bus='virtio'/></disk>"
		"<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
		"<source file='/guest/b.img'/><target dev='vdb' bus='virtio'/></disk>"
		"</devices></domain>");

	assert_non_null(d);
	assert_int_equal(vp_snapshot_create(d, REQ("s", NULL), NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "raw disk vdb (/guest/b.img)"));
	assert_non_null(strstr(err.msg, "cannot hold internal snapshots"));
	one_line(&err);
	assert_int_equal(virDomainSnapshotNum(d, 0), 0);
	virDomainUndefine(d);
	virDomainFree(d);
}

static void test_external_refusals(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_snapshot_req q = { .name = "q", .disk_only = true, .quiesce = true };
	struct vp_snapshot_req x = { .name = "x", .disk_only = true };

	/* the running "test" VM has no guest agent channel */
	assert_int_equal(vp_snapshot_create(f->dom, &q, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "no guest agent channel"));
	one_line(&err);
	/* nor, shut off, a running guest at all */
	assert_int_equal(virDomainDestroy(f->dom), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_create(f->dom, &q, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "is not running"));
	/* its disk is in no pool: vprov makes overlays only as pool volumes */
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_create(f->dom, &x, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "in no storage pool"));
	one_line(&err);
	assert_int_equal(vp_snapshot_count(f->dom, &err), 0);
	/* --quiesce alone */
	q.disk_only = false;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_create(f->dom, &q, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "--disk-only"));
	/* internal snapshots there: no external one beside them */
	take(f->dom, "inside");
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_snapshot_create(f->dom, &x, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "has internal snapshots (such as 'inside')"));
	one_line(&err);
	assert_int_equal(vp_snapshot_count(f->dom, &err), 1);
}

static void test_vm_delete(void **state)
{
	struct fix *f = *state;
	struct vp_delete_report rep = { 0 };
	struct vp_domain_summary *l = NULL;
	struct vp_error err = { 0 };
	size_t n = 0, i;
	bool seen = false;

	take(f->dom, "a");
	take(f->dom, "b");
	assert_int_equal(vp_domain_list(f->conn, true, &l, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (!strcmp(l[i].name, "test")) {
			assert_int_equal(l[i].snapshots, 2);
			seen = true;
		}
	assert_true(seen);
	vp_domain_summaries_free(l, n);

	/* refused, and nothing changed */
	assert_int_equal(vp_domain_delete(f->dom, false, &rep, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "VM 'test' has 2 snapshots: add --snapshots"));
	one_line(&err);
	vp_delete_report_clear(&rep);
	assert_int_equal(virDomainIsActive(f->dom), 1);
	assert_int_equal(vp_snapshot_count(f->dom, &err), 2);

	assert_int_equal(vp_domain_delete_snapshots(f->dom, false, true, &rep, &err), 0);
	vp_delete_report_clear(&rep);
	{
		virDomainPtr gone = virDomainLookupByName(f->conn, "test");

		assert_null(gone);
	}
}

/* only VM-TARGET.SNAP.qcow2 is an overlay vprov may remove */
static void test_overlay_names(void **state)
{
	(void)state;
	assert_true(vp_overlay_ours("web1", "vda", "/p/web1-vda.before.qcow2"));
	assert_true(vp_overlay_ours("web1", "vda", "/p/web1-vda.before-2.qcow2"));
	assert_true(vp_overlay_ours("web1", "vda", "web1-vda.with space.qcow2"));
	assert_false(vp_overlay_ours("web1", "vda", "/p/web1.qcow2"));
	assert_false(vp_overlay_ours("web1", "vdb", "/p/web1-vdb.qcow2"));      /* a second disk */
	assert_false(vp_overlay_ours("web1", "vda", "/p/web1-vda..qcow2"));     /* no SNAP */
	assert_false(vp_overlay_ours("web1", "vda", "/p/web10-vda.s.qcow2"));   /* another VM */
	assert_false(vp_overlay_ours("web1", "vda", "/p/web1-vdab.s.qcow2"));   /* another disk */
	assert_false(vp_overlay_ours("web1", "vda", "/p/web1-vda.s.raw"));
	assert_false(vp_overlay_ours("web1", "vda", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_overlay_names),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_children, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revert_running_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_delete, setup, teardown),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
