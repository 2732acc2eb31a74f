/* bench/xfer.c — the storage side of `vprov migrate` as a program of its
 * own (build/vprov-xferbench), for bench/bench.sh's migrate-offline
 * section and for tests/e2e/test_migrate_offline.sh until the command
 * exists.  It drives the library as migrate.c does, without a domain:
 *
 *   vprov-xferbench migrate SRC_URI DST_URI [--dest-pool P] [--readonly]
 *                   [--live-empty] [--fail-at KIND] VOLPATH...
 *       each source volume (by path) a disk of a would-be VM: resolved
 *       (vp_migrate_disks_resolve), planned (vp_migrate_add_storage_steps)
 *       and applied on DST_URI's connection (an unwind removes what it
 *       made).  SIGINT cancels.  Prints per disk "DST_PATH SHA256" on
 *       success; one line "xferbench: ..." on stderr and exit 1 (2: a
 *       request error) otherwise.  XFER_PROGRESS=1: progress lines on
 *       stderr; XFER_SLOW=1: a pause at each, so a test can interrupt a
 *       copy in the middle; XFER_PLAN=1: the steps on stderr first;
 *       XFER_CORRUPT=1: a byte of the first copy changed before it is
 *       verified.
 *   vprov-xferbench copy SRC_URI SRC_VOLPATH DST_URI DST_POOL NAME
 *       the bare stream copy (an empty raw volume NAME made first, kept),
 *       then a read-back checksum; prints
 *       "copy_us=.. verify_us=.. bytes=.. data=.. sha256=..". */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "migrate_int.h"
#include "storage.h"
#include "transfer.h"
#include "xmlutil.h"

static volatile sig_atomic_t cancel_flag;

static void on_sigint(int sig)
{
	(void)sig;
	cancel_flag = 1;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_bytes(void *opaque, const char *scope, const char *stage, uint64_t done,
		     uint64_t total)
{
	(void)opaque;
	(void)scope;
	if (getenv("XFER_PROGRESS"))
		fprintf(stderr, "progress %s %llu %llu\n", stage, (unsigned long long)done,
			(unsigned long long)total);
	/* tests: a slow copy, for a signal to arrive in the middle of it */
	if (getenv("XFER_SLOW") && done > 0 && done < total) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

static const struct vp_reporter_ops ops = { .bytes = on_bytes };

/* XFER_CORRUPT=1 (tests): before the first verify step, one byte of the
 * first disk's copy on the destination is changed (through the storage
 * API), as a fault on the way would change it. */
static int corrupt_hook(void *opaque, const struct vp_step *st, enum vp_hook_point at)
{
	struct vp_migrate_ctx *mc = opaque;
	const struct vp_migrate_disk *d = &mc->disks[0];
	virStoragePoolPtr pool;
	virStorageVolPtr vol = NULL;
	virStreamPtr s = NULL;
	static bool done;
	int rc = -1;

	if (done || at != VP_HOOK_BEFORE || strcmp(st->kind, "verify") != 0 || !getenv("XFER_CORRUPT"))
		return 0;
	done = true;
	pool = virStoragePoolLookupByName(mc->dst, d->dst_pool);
	if (pool)
		vol = virStorageVolLookupByName(pool, d->vol_name);
	if (vol && (s = virStreamNew(mc->dst, 0)) &&
	    virStorageVolUpload(vol, s, 1 << 20, 1, 0) == 0 && virStreamSend(s, "X", 1) == 1 &&
	    virStreamFinish(s) == 0)
		rc = 0;
	if (s)
		virStreamFree(s);
	if (vol)
		virStorageVolFree(vol);
	if (pool)
		virStoragePoolFree(pool);
	return rc;
}

static int fail(const struct vp_error *err)
{
	fprintf(stderr, "xferbench: %s\n", err->msg);
	return err->code == VP_ERR_INVALID || err->code == VP_ERR_EXISTS ? 2 : 1;
}

static virConnectPtr open_uri(const char *uri, struct vp_error *err)
{
	virConnectPtr c = virConnectOpenAuth(uri, virConnectAuthPtrDefault, 0);

	if (!c)
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot connect to '%s'", uri);
	return c;
}

/* A disk of the source volume at path, as migrate.c lists them. */
static int disk_of(virConnectPtr src, const char *path, size_t i, bool readonly,
		   struct vp_migrate_disk *d, struct vp_error *err)
{
	virStorageVolPtr vol = NULL;
	struct vp_vol_info vi = { 0 };
	char *xml;
	xmlDocPtr doc = NULL;

	memset(d, 0, sizeof(*d));
	d->target = vp_strdup_printf("vd%c", (char)('a' + i));
	d->device = vp_strdup("disk");
	d->readonly = readonly;
	d->src_path = vp_strdup(path);
	if (vp_volume_find_by_path(src, path, &vol, err) < 0)
		return -1;
	if (!vol)
		return 0;                 /* in no pool: resolve says so */
	if (vp_volume_describe(vol, &vi, err) < 0) {
		virStorageVolFree(vol);
		return -1;
	}
	d->src_pool = vi.pool;
	d->vol_name = vi.name;
	d->format = vi.format;
	d->capacity = vi.capacity;
	d->allocation = vi.allocation;
	vi.pool = vi.name = vi.format = NULL;
	xml = virStorageVolGetXMLDesc(vol, 0);
	if (xml && vp_xml_parse(xml, "a volume description", &doc, NULL) == 0) {
		d->backing_path = vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL, NULL);
		d->backing_format = vp_xml_xpath_string(doc, "string(/volume/backingStore/format/@type)",
							NULL, NULL);
		if (d->backing_path && !*d->backing_path) {
			free(d->backing_path);
			d->backing_path = NULL;
		}
		xmlFreeDoc(doc);
	}
	free(xml);
	vp_vol_info_clear(&vi);
	virStorageVolFree(vol);
	return 0;
}

static int do_migrate(int argc, char **argv)
{
	struct vp_error err = { 0 };
	struct vp_reporter rep = { .ops = &ops, .cancel = &cancel_flag };
	struct vp_migrate_ctx mc = { 0 };
	struct vp_plan *plan = NULL;
	const char *fail_at = NULL;
	bool readonly = false, live_empty = false;
	int i, rc = 1;
	size_t k;

	if (argc < 4)
		goto usage;
	mc.req.dest_uri = argv[3];
	mc.reporter = &rep;
	for (i = 4; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--dest-pool") && i + 1 < argc)
			mc.req.dest_pool = argv[++i];
		else if (!strcmp(argv[i], "--readonly"))
			readonly = true;
		else if (!strcmp(argv[i], "--live-empty"))
			live_empty = true;
		else if (!strcmp(argv[i], "--fail-at") && i + 1 < argc)
			fail_at = argv[++i];
		else
			goto usage;
	}
	if (i >= argc)
		goto usage;
	if (live_empty) {
		mc.live = true;
		mc.req.copy_storage = true;
	}
	if (!(mc.src = open_uri(argv[2], &err)) || !(mc.dst = open_uri(argv[3], &err)))
		goto out;
	mc.disks = vp_grow(NULL, (size_t)(argc - i), sizeof(*mc.disks));
	for (; i < argc; i++) {
		if (disk_of(mc.src, argv[i], mc.n_disks, readonly, &mc.disks[mc.n_disks], &err) < 0) {
			mc.n_disks++;
			goto out;
		}
		mc.n_disks++;
	}
	if (vp_migrate_disks_resolve(&mc, &err) < 0)
		goto out;
	plan = vp_plan_new("migrate", "xferbench");
	if (vp_migrate_add_storage_steps(plan, &mc, !live_empty, &err) < 0)
		goto out;
	{
		struct vp_apply_opts ao = {
			.reporter = &rep, .fail_at = fail_at, .hook = corrupt_hook, .hook_opaque = &mc,
		};

		if (getenv("XFER_PLAN")) {
			for (k = 0; k < plan->n_steps; k++)
				fprintf(stderr, "step %s: %s\n", plan->steps[k].kind, plan->steps[k].desc);
		}
		if (vp_plan_apply(mc.dst, plan, &ao, NULL, &err) < 0)
			goto out;
	}
	for (k = 0; k < mc.n_disks; k++)
		printf("%s %s\n", mc.disks[k].dst_path ? mc.disks[k].dst_path : "-",
		       mc.disks[k].copy ? "copied" : "kept");
	rc = 0;
out:
	if (rc)
		rc = fail(&err);
	vp_plan_free(plan);
	for (k = 0; k < mc.n_disks; k++)
		vp_migrate_disk_clear(&mc.disks[k]);
	free(mc.disks);
	if (mc.src)
		virConnectClose(mc.src);
	if (mc.dst)
		virConnectClose(mc.dst);
	return rc;
usage:
	fprintf(stderr, "usage: vprov-xferbench migrate SRC_URI DST_URI [--dest-pool P] [--readonly] [--live-empty] [--fail-at KIND] VOLPATH...\n");
	return 2;
}

static int do_copy(int argc, char **argv)
{
	struct vp_error err = { 0 };
	struct vp_reporter rep = { .ops = &ops, .cancel = &cancel_flag };
	virConnectPtr src = NULL, dst = NULL;
	virStorageVolPtr sv = NULL, dv = NULL;
	virStoragePoolPtr pool = NULL;
	struct vp_transfer_result res;
	struct vp_transfer_opts o = { .stage = "copy", .reporter = &rep };
	char hex[65];
	long long t0, t1, t2;
	int rc = 1;

	if (argc != 7) {
		fprintf(stderr, "usage: vprov-xferbench copy SRC_URI SRC_VOLPATH DST_URI DST_POOL NAME\n");
		return 2;
	}
	if (!(src = open_uri(argv[2], &err)) || !(dst = open_uri(argv[4], &err)))
		goto out;
	if (!(sv = virStorageVolLookupByPath(src, argv[3]))) {
		vp_error_libvirt(&err, VP_ERR_NOT_FOUND, "no volume '%s'", argv[3]);
		goto out;
	}
	if (vp_pool_lookup(dst, argv[5], &pool, &err) < 0)
		goto out;
	{
		struct vp_volume_request req = { .name = argv[6], .format = "raw", .sparse = true };

		if (vp_volume_length(sv, &req.capacity, &err) < 0 ||
		    vp_volume_create(pool, &req, &dv, &err) < 0)
			goto out;
	}
	t0 = now_us();
	if (vp_volume_transfer(sv, dv, &o, &res, &err) < 0)
		goto out;
	t1 = now_us();
	if (vp_volume_sha256(dv, "verify", &rep, hex, NULL, &err) < 0)
		goto out;
	t2 = now_us();
	if (strcmp(hex, res.sha256) != 0) {
		vp_error_set(&err, VP_ERR_RUNTIME, "read back %s, sent %s", hex, res.sha256);
		goto out;
	}
	printf("copy_us=%lld verify_us=%lld bytes=%llu data=%llu sha256=%s\n", t1 - t0, t2 - t1,
	       (unsigned long long)res.length, (unsigned long long)res.data, res.sha256);
	rc = 0;
out:
	if (rc)
		rc = fail(&err);
	if (sv)
		virStorageVolFree(sv);
	if (dv)
		virStorageVolFree(dv);
	if (pool)
		virStoragePoolFree(pool);
	if (src)
		virConnectClose(src);
	if (dst)
		virConnectClose(dst);
	return rc;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigint };

	sigaction(SIGINT, &sa, NULL);
	vp_init();
	if (argc >= 2 && !strcmp(argv[1], "migrate"))
		return do_migrate(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "copy"))
		return do_copy(argc, argv);
	fprintf(stderr, "usage: vprov-xferbench migrate|copy ...\n");
	return 2;
}
