/* tests/unit/test_flow.c — create, list, info, delete, the plan's apply
 * and its journal against libvirt's built-in test:///default driver (in
 * memory, per process: every test opens its own connection and closes it,
 * and with the last one closed the driver starts from its default host
 * again, so a failing test cannot poison the next). */
#include <pthread.h>
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
#include "domain.h"
#include "journal.h"
#include "storage.h"
#include "units.h"

#define URI "test:///default"

struct fixture {
	virConnectPtr conn;
	char state[64];          /* a state directory of the test's own */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->conn = virConnectOpen(URI);
	snprintf(f->state, sizeof(f->state), "/tmp/vprov-flow.XXXXXX");
	if (!f->conn || !mkdtemp(f->state)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	virConnectClose(f->conn);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->state);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
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

static int create_opts(struct fixture *f, struct vp_domain_spec *s, struct vp_create_opts *opts,
		       struct vp_error *err)
{
	struct vp_create_result res;
	int r;

	opts->state_dir = f->state;
	r = vp_domain_create(f->conn, s, opts, &res, NULL, NULL, err);
	vp_create_result_clear(&res);
	return r;
}

static int create(struct fixture *f, struct vp_domain_spec *s, struct vp_error *err)
{
	struct vp_create_opts opts = { .mode = VP_CREATE_REAL };

	return create_opts(f, s, &opts, err);
}

static bool has_volume(virConnectPtr c, const char *pool, const char *vol)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);
	_cleanup_(virStorageVolFreep) virStorageVolPtr v = p ? virStorageVolLookupByName(p, vol) : NULL;

	return v != NULL;
}

static bool has_pool(virConnectPtr c, const char *pool)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);

	return p != NULL;
}

static bool has_domain(virConnectPtr c, const char *name)
{
	_cleanup_(virDomainFreep) virDomainPtr d = virDomainLookupByName(c, name);

	return d != NULL;
}

/* Journals left in the fixture's state directory. */
static int journals_left(struct fixture *f)
{
	_cleanup_(freep) char *dir = vp_journal_dir(f->conn, f->state);
	char cmd[256];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls '%s' 2>/dev/null | grep -c '\\.journal$'", dir);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static void test_create_info_list_delete(void **state)
{
	struct fixture *f = *state;
	virConnectPtr c = f->conn;
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_domain_info info;
	struct vp_domain_summary *list = NULL;
	struct vp_delete_report rep;
	virDomainPtr dom;
	size_t n = 0, i;
	bool found = false;

	request(&s, "f1", "size=1");
	assert_false(has_volume(c, "default", "f1.qcow2"));
	if (create(f, &s, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(has_domain(c, "f1"));
	/* the test driver has no pool 'default': vprov made it, as virt-install does */
	assert_true(has_volume(c, "default", "f1.qcow2"));
	assert_int_equal(journals_left(f), 0);

	assert_int_equal(vp_domain_lookup(c, "f1", &dom, &err), 0);
	assert_int_equal(vp_domain_info(dom, &info, &err), 0);
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

	assert_int_equal(vp_domain_delete(dom, false, &rep, &err), 0);
	virDomainFree(dom);
	assert_true(rep.managed);
	assert_int_equal(rep.n_removed, 1);
	assert_int_equal(rep.n_kept, 0);
	vp_delete_report_clear(&rep);
	assert_false(has_domain(c, "f1"));
	assert_false(has_volume(c, "default", "f1.qcow2"));
	vp_spec_clear(&s);

	/* a VM vprov did not make: undefined, its disks untouched */
	assert_int_equal(vp_domain_lookup(c, "test", &dom, &err), 0);
	assert_int_equal(vp_domain_delete(dom, false, &rep, &err), 0);
	virDomainFree(dom);
	assert_false(rep.managed);
	assert_int_equal(rep.n_removed, 0);
	vp_delete_report_clear(&rep);
	assert_int_equal(vp_domain_lookup(c, "nosuch", &dom, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
}

/* A create that makes a pool, two volumes, the definition, starts and
 * marks autostart: every kind of step there is. */
static void full_request(struct vp_domain_spec *s, const char *name)
{
	struct vp_error err = { 0 };

	request(s, name, "size=1");
	assert_int_equal(vp_spec_parse_disk(s, "size=2", &err), 0);
	s->autostart = VP_YES;
}

static const char *const kinds[] = { "pool", "volume", "define", "start", "autostart" };

/* Fail at each step (instead of it; once its undo is recorded; right
 * after it ran): nothing remains, no journal stays. */
static int fail_hook(void *opaque, const struct vp_step *st, enum vp_hook_point at)
{
	const char *const *want = opaque;

	return !strcmp(want[0], st->kind) &&
	       !strcmp(want[1], at == VP_HOOK_BEFORE ? "before" : at == VP_HOOK_INTENT ? "intent" : "after");
}

static void test_fault_injection_every_step(void **state)
{
	static const char *const points[] = { "before", "intent", "after" };
	struct fixture *f = *state;
	struct census before = count(f->conn);
	size_t k, p;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct vp_domain_spec s;
		struct vp_error err = { 0 };
		struct vp_create_opts opts = { .mode = VP_CREATE_REAL, .fail_at = kinds[k] };

		full_request(&s, "rb");
		assert_int_equal(create_opts(f, &s, &opts, &err), -1);
		if (!strstr(err.msg, "failing on purpose"))
			fail_msg("step %s: %s", kinds[k], err.msg);
		same_census(before, count(f->conn));
		assert_false(has_domain(f->conn, "rb"));
		assert_int_equal(journals_left(f), 0);
		for (p = 0; p < 3; p++) {
			const char *want[2] = { kinds[k], points[p] };
			struct vp_create_opts o2 = { .mode = VP_CREATE_REAL, .hook = fail_hook,
						     .hook_opaque = want };

			/* autostart records no undo of its own */
			if (!strcmp(kinds[k], "autostart") && p == 1)
				continue;
			memset(&err, 0, sizeof(err));
			if (create_opts(f, &s, &o2, &err) != -1)
				fail_msg("step %s %s: the create went through", kinds[k], points[p]);
			if (!strstr(err.msg, "failing on purpose"))
				fail_msg("step %s %s: %s", kinds[k], points[p], err.msg);
			same_census(before, count(f->conn));
			assert_false(has_domain(f->conn, "rb"));
			assert_int_equal(journals_left(f), 0);
		}
		vp_spec_clear(&s);
	}
	/* and it all works when nothing fails */
	{
		struct vp_domain_spec s;
		struct vp_error err = { 0 };

		full_request(&s, "rb");
		if (create(f, &s, &err) < 0)
			fail_msg("%s", err.msg);
		assert_true(has_domain(f->conn, "rb"));
		vp_spec_clear(&s);
	}
}

static void test_rollback_transient(void **state)
{
	struct fixture *f = *state;
	struct census before = count(f->conn);
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_create_opts opts = { .mode = VP_CREATE_REAL, .fail_at = "start" };

	request(&s, "tr", "size=1");
	s.transient = VP_YES;
	assert_int_equal(create_opts(f, &s, &opts, &err), -1);
	same_census(before, count(f->conn));
	assert_int_equal(create(f, &s, &err), 0);
	{
		_cleanup_(virDomainFreep) virDomainPtr d = virDomainLookupByName(f->conn, "tr");

		assert_non_null(d);
		assert_int_equal(virDomainIsPersistent(d), 0);
	}
	s.autostart = VP_YES;
	vp_set_str(&s.name, "tr2");
	assert_int_equal(create(f, &s, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	vp_spec_clear(&s);
}

/* Ctrl+C once the pool and the volumes exist: everything goes, and the
 * error says it was an interrupt. */
struct cancel_at {
	volatile sig_atomic_t flag;
	virConnectPtr conn;
	bool saw_pool, saw_volumes;
	const char *kind;
};

static int cancel_hook(void *opaque, const struct vp_step *st, enum vp_hook_point at)
{
	struct cancel_at *c = opaque;

	if (at == VP_HOOK_AFTER && !strcmp(st->kind, c->kind)) {
		c->saw_pool = has_pool(c->conn, "default");
		/* after the first volume step, one volume; after the others, both */
		c->saw_volumes = has_volume(c->conn, "default", "cx.qcow2") &&
				 (!strcmp(c->kind, "volume") || has_volume(c->conn, "default", "cx-1.qcow2"));
		c->flag = 2; /* SIGINT */
	}
	return 0;
}

static void test_cancel_after_volumes(void **state)
{
	struct fixture *f = *state;
	struct census before = count(f->conn);
	size_t k;

	for (k = 1; k < 5; k++) {
		struct cancel_at c = { .conn = f->conn, .kind = kinds[k] };
		struct vp_reporter r = { .cancel = &c.flag };
		struct vp_create_opts opts = { .mode = VP_CREATE_REAL, .reporter = &r,
					       .hook = cancel_hook, .hook_opaque = &c };
		struct vp_domain_spec s;
		struct vp_error err = { 0 };

		request(&s, "cx", "size=1");
		assert_int_equal(vp_spec_parse_disk(&s, "size=1", &err), 0);
		if (!strcmp(kinds[k], "autostart"))
			s.autostart = VP_YES;
		assert_int_equal(create_opts(f, &s, &opts, &err), -1);
		if (err.code != VP_ERR_CANCELLED)
			fail_msg("cancel after %s: %s", kinds[k], err.msg);
		assert_non_null(strstr(err.msg, "everything made was removed"));
		/* the pool and the volumes did exist when the interrupt came */
		assert_true(c.saw_pool);
		assert_true(c.saw_volumes);
		same_census(before, count(f->conn));
		assert_false(has_pool(f->conn, "default"));
		assert_false(has_domain(f->conn, "cx"));
		assert_int_equal(journals_left(f), 0);
		vp_spec_clear(&s);
	}
}

static void test_dry_modes_touch_nothing(void **state)
{
	struct fixture *f = *state;
	virConnectPtr c = f->conn;
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct census before = count(c);
	struct vp_create_opts opts = { .mode = VP_CREATE_DRY_RUN };
	struct vp_create_result res;
	struct vp_plan *plan = NULL;
	bool pool_line = false, vol_line = false;
	size_t i;

	request(&s, "dry", "size=3");
	assert_int_equal(vp_spec_parse_disk(&s, "path=/somewhere/new/x.qcow2,size=1", &err), 0);
	assert_int_equal(vp_create_plan(c, &s, &opts, &res, &plan, &err), 0);
	for (i = 0; i < plan->n_steps; i++) {
		if (strstr(plan->steps[i].desc, "create storage pool 'default'"))
			pool_line = true;
		if (strstr(plan->steps[i].desc, "create volume 'dry.qcow2' in pool 'default' (3 GiB, qcow2)"))
			vol_line = true;
	}
	assert_true(pool_line);
	assert_true(vol_line);
	assert_non_null(strstr(res.xml, "<name>dry</name>"));
	assert_non_null(strstr(res.xml, "/somewhere/new/x.qcow2"));
	vp_plan_free(plan);
	vp_create_result_clear(&res);
	same_census(before, count(c));

	opts.mode = VP_CREATE_PRINT_XML;
	assert_int_equal(vp_create_plan(c, &s, &opts, &res, &plan, &err), 0);
	assert_non_null(strstr(res.xml, "<domain"));
	vp_plan_free(plan);
	vp_create_result_clear(&res);
	same_census(before, count(c));
	vp_spec_clear(&s);
}

/* Resolving a request makes nothing, even a pool it needs: pools are steps. */
static void test_resolve_makes_nothing(void **state)
{
	struct fixture *f = *state;
	struct census before = count(f->conn);
	struct vp_create_opts opts = { .mode = VP_CREATE_REAL };
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_create_result res;
	struct vp_plan *plan = NULL;

	request(&s, "rs", "size=1");
	assert_int_equal(vp_spec_parse_disk(&s, "path=/elsewhere/data/rs.qcow2,size=1", &err), 0);
	assert_int_equal(vp_create_plan(f->conn, &s, &opts, &res, &plan, &err), 0);
	same_census(before, count(f->conn));
	assert_false(has_pool(f->conn, "default"));
	assert_false(has_pool(f->conn, "data"));
	assert_int_equal(plan->n_steps, 6); /* 2 pools, 2 volumes, define, start */
	assert_string_equal(plan->steps[0].kind, "pool");
	assert_string_equal(plan->steps[1].kind, "pool");
	vp_plan_free(plan);
	vp_create_result_clear(&res);
	vp_spec_clear(&s);
}

static void expect_refusal(struct fixture *f, const char *name, const char *disk,
			   void (*tweak)(struct vp_domain_spec *), enum vp_errcode code,
			   const char *needle)
{
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct census before = count(f->conn);

	request(&s, name, disk);
	if (tweak)
		tweak(&s);
	if (create(f, &s, &err) != -1)
		fail_msg("request '%s' was accepted", name);
	if (err.code != code || !strstr(err.msg, needle))
		fail_msg("request '%s': got [%d] '%s', wanted [%d] '%s'", name, err.code, err.msg, code,
			 needle);
	same_census(before, count(f->conn));
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
	struct fixture *f = *state;

	expect_refusal(f, "test", "size=1", NULL, VP_ERR_EXISTS, "already exists");
	expect_refusal(f, "u1", "pool=nosuchpool,size=1", NULL, VP_ERR_NOT_FOUND,
		       "unknown storage pool 'nosuchpool'");
	expect_refusal(f, "u2", "vol=default-pool/nosuch.qcow2", NULL, VP_ERR_NOT_FOUND, "has no volume");
	expect_refusal(f, "u3", "size=1", kvm, VP_ERR_INVALID, "virt type 'kvm' is not available");
	expect_refusal(f, "u4", "size=1", arm, VP_ERR_INVALID, "cannot run aarch64 guests");
	expect_refusal(f, "u5", "none", import_nothing, VP_ERR_INVALID, "--import needs a disk");
	expect_refusal(f, "u6", "size=1", no_kernel, VP_ERR_INVALID, "does not exist");
	expect_refusal(f, "u7", "size=1", bad_net, VP_ERR_NOT_FOUND, "unknown network 'nosuchnet'");
	expect_refusal(f, "u8", "size=1,bus=ide", NULL, VP_ERR_INVALID, "bus ide does not exist on machine q35");
	expect_refusal(f, "u9", "backing_store=default-pool/nosuch.qcow2", NULL, VP_ERR_NOT_FOUND,
		       "backing image");
	expect_refusal(f, "u10", "backing_store=nopool/x.qcow2", NULL, VP_ERR_NOT_FOUND,
		       "unknown storage pool 'nopool'");
	expect_refusal(f, "u11", "backing_store=relative/path/x", NULL, VP_ERR_INVALID,
		       "absolute path or POOL/VOLUME");
	/* no pool is planned for the root or the system's own trees */
	expect_refusal(f, "u12", "path=/u12.qcow2,size=1", NULL, VP_ERR_INVALID, "system directory");
	expect_refusal(f, "u13", "path=/etc/vprov-u13/x.qcow2,size=1", NULL, VP_ERR_INVALID,
		       "system directory");
}

/* Special files, directories and files that are no image are refused
 * before anything is planned (this machine is the host of test:///). */
static void test_refuses_non_images(void **state)
{
	struct fixture *f = *state;
	char fifo[128], text[128], dir[128], spec[256];

	snprintf(fifo, sizeof(fifo), "%s/fifo", f->state);
	snprintf(text, sizeof(text), "%s/notes.txt", f->state);
	snprintf(dir, sizeof(dir), "%s/adir", f->state);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	{
		FILE *t = fopen(text, "w");

		assert_non_null(t);
		fputs("not a disk image\n", t);
		fclose(t);
	}
	/* a FIFO must not block: nothing opens it for reading */
	snprintf(spec, sizeof(spec), "path=%s", fifo);
	expect_refusal(f, "n1", spec, NULL, VP_ERR_INVALID, "is a FIFO, not a disk image");
	expect_refusal(f, "n2", "path=/dev/null", NULL, VP_ERR_INVALID,
		       "is a character device, not a disk image");
	snprintf(spec, sizeof(spec), "path=%s", dir);
	expect_refusal(f, "n3", spec, NULL, VP_ERR_INVALID, "is a directory, not a disk image");
	snprintf(spec, sizeof(spec), "path=%s", text);
	expect_refusal(f, "n4", spec, NULL, VP_ERR_INVALID, "is not a disk image");
	snprintf(spec, sizeof(spec), "backing_store=%s", text);
	expect_refusal(f, "n5", spec, NULL, VP_ERR_INVALID, "is not a disk image");
	snprintf(spec, sizeof(spec), "backing_store=%s", fifo);
	expect_refusal(f, "n6", spec, NULL, VP_ERR_INVALID, "is a FIFO");
	expect_refusal(f, "n7", "backing_store=/dev/null", NULL, VP_ERR_INVALID, "character device");
	/* no pool was made for the user's directory on the way */
	assert_int_equal(count(f->conn).pools, 1);
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
	struct fixture *f = *state;
	virConnectPtr c = f->conn;
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_create_opts opts = { .mode = VP_CREATE_REAL, .state_dir = f->state };
	struct vp_create_result res;
	struct vp_delete_report rep;
	struct census before;
	virDomainPtr dom;

	make_volume(c, "default-pool", "base.qcow2", 2 * VP_GiB);
	make_volume(c, "default-pool", "data.qcow2", VP_GiB);
	before = count(c);

	/* smaller than its base: refused, nothing made */
	request(&s, "lc", "backing_store=default-pool/base.qcow2,size=1");
	assert_int_equal(create(f, &s, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "smaller than its backing image"));
	same_census(before, count(c));
	vp_spec_clear(&s);

	/* the clone takes the base's size; an existing volume is only used */
	request(&s, "lc", "backing_store=default-pool/base.qcow2");
	assert_int_equal(vp_spec_parse_disk(&s, "vol=default-pool/data.qcow2", &err), 0);
	if (vp_domain_create(c, &s, &opts, &res, NULL, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.spec.disks[0].src.capacity, 2 * VP_GiB);
	assert_true(res.spec.disks[0].src.create);
	assert_string_equal(res.spec.disks[0].src.backing_path, "/default-pool/base.qcow2");
	assert_false(res.spec.disks[1].src.create);
	assert_non_null(strstr(res.xml, "role=\"backing\" owned=\"no\""));
	vp_create_result_clear(&res);
	vp_spec_clear(&s);

	/* another VM uses lc's own disk (refused unless --check
	 * path_in_use=off, as virt-install does): delete keeps it, and
	 * hands it over */
	request(&s, "other", NULL);
	assert_int_equal(vp_spec_parse_disk(&s, "vol=default/lc.qcow2", &err), 0);
	assert_int_equal(create(f, &s, &err), -1);
	assert_non_null(strstr(err.msg, "disk '/var/lib/libvirt/images/lc.qcow2' is in use by VM 'lc'"));
	{
		struct vp_create_opts shared = { .mode = VP_CREATE_REAL,
						 .checks_off = VP_CHECK_PATH_IN_USE };

		if (create_opts(f, &s, &shared, &err) < 0)
			fail_msg("%s", err.msg);
	}
	vp_spec_clear(&s);

	assert_int_equal(vp_domain_lookup(c, "lc", &dom, &err), 0);
	assert_int_equal(vp_domain_delete(dom, false, &rep, &err), 0);
	virDomainFree(dom);
	assert_int_equal(rep.n_removed, 0);
	assert_int_equal(rep.n_kept, 2);
	assert_non_null(strstr(rep.kept[0], "lc.qcow2 (VM 'other' uses it, and now owns it)"));
	assert_non_null(strstr(rep.kept[1], "data.qcow2 (vprov did not create it)"));
	vp_delete_report_clear(&rep);
	assert_true(has_volume(c, "default", "lc.qcow2"));
	assert_true(has_volume(c, "default-pool", "base.qcow2"));
	assert_true(has_volume(c, "default-pool", "data.qcow2"));

	/* the last user's delete removes it: nobody's disk is left behind */
	assert_int_equal(vp_domain_lookup(c, "other", &dom, &err), 0);
	assert_int_equal(vp_domain_delete(dom, false, &rep, &err), 0);
	virDomainFree(dom);
	assert_int_equal(rep.n_removed, 1);
	assert_non_null(strstr(rep.removed[0], "lc.qcow2"));
	vp_delete_report_clear(&rep);
	assert_false(has_volume(c, "default", "lc.qcow2"));
}

struct worker {
	struct fixture *f;
	const char *name;
	int index;
	int rc;
	struct vp_error err;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct fixture mine = *w->f;
	struct vp_domain_spec s;
	char name[32], disk[32];

	mine.conn = virConnectOpen(URI);
	if (w->name)
		snprintf(name, sizeof(name), "%s", w->name);
	else
		snprintf(name, sizeof(name), "par%d", w->index);
	snprintf(disk, sizeof(disk), "size=%d", w->index + 1);
	request(&s, name, disk);
	w->rc = mine.conn ? create(&mine, &s, &w->err) : -1;
	vp_spec_clear(&s);
	if (mine.conn)
		virConnectClose(mine.conn);
	return NULL;
}

/* Fleets run many creates at once: the library keeps no shared state. */
static void test_parallel_creates(void **state)
{
	struct fixture *f = *state;
	virConnectPtr c = f->conn;
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	pthread_t t[6];
	struct worker w[6];
	int i;

	/* the pool exists first: creating it is not what runs in parallel */
	request(&s, "seed", "size=1");
	assert_int_equal(create(f, &s, &err), 0);
	vp_spec_clear(&s);
	for (i = 0; i < 6; i++) {
		w[i] = (struct worker){ .f = f, .index = i };
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 6; i++) {
		char name[32], vol[32];

		pthread_join(t[i], NULL);
		if (w[i].rc != 0)
			fail_msg("worker %d: %s", i, w[i].err.msg);
		snprintf(name, sizeof(name), "par%d", i);
		snprintf(vol, sizeof(vol), "par%d.qcow2", i);
		assert_true(has_domain(c, name));
		assert_true(has_volume(c, "default", vol));
	}
}

/* Eight creates of one name at once: one wins, the others are told the
 * name is taken (exit 2 class), and the winner's VM and volume stand. */
static void test_parallel_same_name(void **state)
{
	struct fixture *f = *state;
	virConnectPtr c = f->conn;
	pthread_t t[8];
	struct worker w[8];
	int i, won = 0;

	for (i = 0; i < 8; i++) {
		w[i] = (struct worker){ .f = f, .index = 0, .name = "same" };
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		if (w[i].rc == 0) {
			won++;
			continue;
		}
		if (w[i].err.code != VP_ERR_EXISTS || !strstr(w[i].err.msg, "'same'"))
			fail_msg("loser %d: [%d] %s", i, w[i].err.code, w[i].err.msg);
	}
	assert_int_equal(won, 1);
	assert_true(has_domain(c, "same"));
	assert_true(has_volume(c, "default", "same.qcow2"));
	assert_false(has_volume(c, "default", "same-1.qcow2"));
}

/* A create that died half-way (the journal stays, its lock gone) is rolled
 * back by the next process that looks, by identity: a volume another
 * process made meanwhile under the same name is not touched. */
static void test_recover_dead_journal(void **state)
{
	struct fixture *f = *state;
	virConnectPtr c = f->conn;
	struct vp_journal *j = NULL;
	struct vp_error err = { 0 };
	struct vp_domain_spec s;
	json_object *u;
	int idx;

	/* what the dead create made: a VM and a volume */
	request(&s, "dead", "size=1");
	assert_int_equal(create(f, &s, &err), 0);
	vp_spec_clear(&s);
	make_volume(c, "default", "other.qcow2", VP_GiB);
	{
		_cleanup_(virDomainFreep) virDomainPtr d = virDomainLookupByName(c, "dead");
		char uuid[VIR_UUID_STRING_BUFLEN];

		assert_non_null(d);
		assert_int_equal(virDomainGetUUIDString(d, uuid), 0);
		assert_int_equal(vp_journal_begin(c, f->state, "create", "dead", &j, &err), 0);
		u = json_object_new_object();
		json_object_object_add(u, "kind", json_object_new_string("volume"));
		json_object_object_add(u, "pool", json_object_new_string("default"));
		json_object_object_add(u, "name", json_object_new_string("dead.qcow2"));
		idx = vp_journal_intent(j, u, &err);
		assert_true(idx >= 0);
		vp_journal_done(j, idx, NULL);
		/* a volume made under a name whose key no longer matches */
		u = json_object_new_object();
		json_object_object_add(u, "kind", json_object_new_string("volume"));
		json_object_object_add(u, "pool", json_object_new_string("default"));
		json_object_object_add(u, "name", json_object_new_string("other.qcow2"));
		idx = vp_journal_intent(j, u, &err);
		assert_true(idx >= 0);
		{
			json_object *id = json_object_new_object();

			json_object_object_add(id, "key", json_object_new_string("/nonexistent/other"));
			vp_journal_done(j, idx, id);
		}
		u = json_object_new_object();
		json_object_object_add(u, "kind", json_object_new_string("domain"));
		json_object_object_add(u, "uuid", json_object_new_string(uuid));
		json_object_object_add(u, "name", json_object_new_string("dead"));
		assert_true(vp_journal_intent(j, u, &err) >= 0);
	}
	/* the process "dies": its lock goes, the file stays */
	vp_journal_free(j);
	assert_int_equal(journals_left(f), 1);
	assert_int_equal(vp_journal_recover(c, f->state, NULL, &err), 1);
	assert_int_equal(journals_left(f), 0);
	assert_false(has_domain(c, "dead"));
	assert_false(has_volume(c, "default", "dead.qcow2"));
	assert_true(has_volume(c, "default", "other.qcow2"));
	/* nothing more to do the second time */
	assert_int_equal(vp_journal_recover(c, f->state, NULL, &err), 0);
}

/* A volume the journal made and knows by key is still kept when a VM uses
 * it: a live migration whose vprov died goes on in the source's libvirtd
 * and may end with the guest running on the volume made for it. */
static void test_recover_keeps_volume_in_use(void **state)
{
	struct fixture *f = *state;
	virConnectPtr c = f->conn;
	struct vp_journal *j = NULL;
	struct vp_error err = { 0 };
	struct vp_domain_spec s;
	json_object *u, *id;
	int idx;

	request(&s, "arrived", "size=1");
	assert_int_equal(create(f, &s, &err), 0);
	vp_spec_clear(&s);
	{
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = virStoragePoolLookupByName(c, "default");
		_cleanup_(virStorageVolFreep) virStorageVolPtr v = NULL;

		assert_non_null(p);
		v = virStorageVolLookupByName(p, "arrived.qcow2");
		assert_non_null(v);
		assert_int_equal(vp_journal_begin(c, f->state, "migrate", "arrived", &j, &err), 0);
		u = json_object_new_object();
		json_object_object_add(u, "kind", json_object_new_string("volume"));
		json_object_object_add(u, "pool", json_object_new_string("default"));
		json_object_object_add(u, "name", json_object_new_string("arrived.qcow2"));
		idx = vp_journal_intent(j, u, &err);
		assert_true(idx >= 0);
		id = json_object_new_object();
		json_object_object_add(id, "key", json_object_new_string(virStorageVolGetKey(v)));
		vp_journal_done(j, idx, id);
	}
	vp_journal_free(j);
	vp_journal_recover(c, f->state, NULL, &err);
	assert_true(has_domain(c, "arrived"));
	assert_true(has_volume(c, "default", "arrived.qcow2"));
}

/* A live process's journal is left alone. */
static void test_recover_skips_live(void **state)
{
	struct fixture *f = *state;
	struct vp_journal *j = NULL;
	struct vp_error err = { 0 };
	json_object *u = json_object_new_object();

	assert_int_equal(vp_journal_begin(f->conn, f->state, "create", "live", &j, &err), 0);
	json_object_object_add(u, "kind", json_object_new_string("domain"));
	json_object_object_add(u, "uuid", json_object_new_string("6695eb01-f6a4-8304-79aa-97f2502e193f"));
	assert_true(vp_journal_intent(j, u, &err) >= 0);
	assert_int_equal(vp_journal_recover(f->conn, f->state, NULL, &err), 0);
	assert_true(has_domain(f->conn, "test")); /* the test driver's VM has that UUID */
	assert_int_equal(journals_left(f), 1);
	vp_journal_commit(j);
	assert_int_equal(journals_left(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_info_list_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_injection_every_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_transient, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_after_volumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_modes_touch_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_makes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_non_images, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linked_clone_and_ownership, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parallel_creates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parallel_same_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_dead_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_keeps_volume_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_skips_live, setup, teardown),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
