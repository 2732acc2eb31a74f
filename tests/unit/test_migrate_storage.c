/* tests/unit/test_migrate_storage.c — the storage side of a migration
 * (provision/migrate_storage.c) between two libvirt test-driver hosts
 * (tests/data/migrate-src.xml and migrate-dst.xml, a fresh pair per
 * test): each disk's destination pool (--dest-pool, the source pool's
 * name, 'default'; a missing or inactive pool refused), its path there,
 * which disks move (offline; live with and without --copy-storage; a
 * shared ISO the destination has already), ownership from vprov's
 * metadata, a name taken there (EXISTS), a pool too small (the figures
 * in the message), a disk in no pool, backing images found there by
 * name and checksum-derived name or copied first; the steps planned; the
 * empty volumes of a live --copy-storage made on the destination with
 * their format, capacity and backing; and a streamed copy the test
 * driver cannot do (it has no volume streams) failing with nothing left
 * on the destination.  Also the qcow2 header rewrite of
 * provision/transfer.c on hand-made headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <endian.h>

#include "alloc.h"
#include "cleanup.h"
#include "migrate_int.h"
#include "storage.h"
#include "transfer.h"
#include "xmlutil.h"

#define SRC_URI "test://" VP_TEST_DATA "/migrate-src.xml"
#define DST_URI "test://" VP_TEST_DATA "/migrate-dst.xml"

/* vprov's record of VM web1: its disk and its seed are its own */
static const char *web1_xml =
	"<domain type='test'><name>web1</name><memory>65536</memory><os><type>hvm</type></os>"
	"<metadata><vprov:vm xmlns:vprov='https://vprov.dev/xmlns/domain/1' version='0.1.0'>"
	"<vprov:volume role='disk' owned='yes' pool='images' name='web1.qcow2' path='/src/images/web1.qcow2'/>"
	"<vprov:volume role='seed' owned='yes' pool='images' name='web1-seed.iso' path='/src/images/web1-seed.iso'/>"
	"<vprov:volume role='disk' owned='no' pool='images' name='shared.iso' path='/src/images/shared.iso'/>"
	"</vprov:vm></metadata></domain>";

struct fix {
	struct vp_migrate_ctx mc;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->mc.src = virConnectOpen(SRC_URI);
	f->mc.dst = virConnectOpen(DST_URI);
	f->mc.name = vp_strdup("web1");
	f->mc.xml = vp_strdup(web1_xml);
	f->mc.req.dest_uri = DST_URI;
	*state = f;
	return f->mc.src && f->mc.dst ? 0 : -1;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	size_t i;

	for (i = 0; i < f->mc.n_disks; i++)
		vp_migrate_disk_clear(&f->mc.disks[i]);
	free(f->mc.disks);
	free(f->mc.name);
	free(f->mc.xml);
	virConnectClose(f->mc.src);
	virConnectClose(f->mc.dst);
	free(f);
	return 0;
}

/* A disk as migrate.c lists it: its source fields from the volume at path
 * on the source (or only the path, when it is in no pool). */
static struct vp_migrate_disk *add_disk(struct fix *f, const char *target, const char *path,
					bool readonly)
{
	struct vp_migrate_disk *d;
	virStorageVolPtr vol = virStorageVolLookupByPath(f->mc.src, path);

	f->mc.disks = vp_grow(f->mc.disks, f->mc.n_disks + 1, sizeof(*f->mc.disks));
	d = &f->mc.disks[f->mc.n_disks++];
	memset(d, 0, sizeof(*d));
	d->target = vp_strdup(target);
	d->device = vp_strdup(readonly ? "cdrom" : "disk");
	d->readonly = readonly;
	d->src_path = vp_strdup(path);
	if (vol) {
		struct vp_vol_info vi = { 0 };
		struct vp_error err = { 0 };
		char *xml = virStorageVolGetXMLDesc(vol, 0);
		xmlDocPtr doc = NULL;

		assert_int_equal(vp_volume_describe(vol, &vi, &err), 0);
		d->src_pool = vi.pool;
		d->vol_name = vi.name;
		d->format = vi.format;
		d->capacity = vi.capacity;
		d->allocation = vi.allocation;
		vi.pool = vi.name = vi.format = NULL;
		vp_vol_info_clear(&vi);
		assert_int_equal(vp_xml_parse(xml, "volume", &doc, &err), 0);
		d->backing_path = vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL, NULL);
		if (d->backing_path && !*d->backing_path) {
			free(d->backing_path);
			d->backing_path = NULL;
		}
		if (d->backing_path)
			d->backing_format = vp_strdup("qcow2");
		xmlFreeDoc(doc);
		free(xml);
		virStorageVolFree(vol);
	}
	virResetLastError();
	return d;
}

static void one_line(const struct vp_error *err)
{
	assert_true(err->msg[0]);
	assert_null(strchr(err->msg, '\n'));
}

/* ---- mapping -------------------------------------------------------------- */

static void test_offline_mapping(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_migrate_disk *d, *seed, *iso;

	d = add_disk(f, "vda", "/src/images/web1.qcow2", false);
	seed = add_disk(f, "vdb", "/src/images/web1-seed.iso", true);
	iso = add_disk(f, "sda", "/src/images/shared.iso", true);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	d = &f->mc.disks[0];
	seed = &f->mc.disks[1];
	iso = &f->mc.disks[2];
	/* no pool 'images' there: 'default' */
	assert_string_equal(d->dst_pool, "default");
	assert_string_equal(d->dst_path, "/dst/default/web1.qcow2");
	assert_true(d->copy);
	assert_true(d->owned);
	assert_null(d->dst_backing_path);
	/* the seed is the VM's: copied, owned */
	assert_string_equal(seed->dst_path, "/dst/default/web1-seed.iso");
	assert_true(seed->copy);
	assert_true(seed->owned);
	/* a shared ISO not there yet: copied, not owned (the source keeps it) */
	assert_string_equal(iso->dst_path, "/dst/default/shared.iso");
	assert_true(iso->copy);
	assert_false(iso->owned);
}

static void test_dest_pool_given(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };

	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	f->mc.req.dest_pool = "spare";
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_string_equal(f->mc.disks[0].dst_pool, "spare");
	assert_string_equal(f->mc.disks[0].dst_path, "/dst/spare/web1.qcow2");
}

static void test_same_pool_name(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	virStoragePoolPtr p;

	/* a pool named like the source's on the destination wins over 'default' */
	p = virStoragePoolCreateXML(f->mc.dst,
				    "<pool type='dir'><name>images</name><target><path>/dst/images</path></target></pool>",
				    0);
	assert_non_null(p);
	virStoragePoolFree(p);
	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_string_equal(f->mc.disks[0].dst_pool, "images");
	assert_string_equal(f->mc.disks[0].dst_path, "/dst/images/web1.qcow2");
}

static void test_pool_missing_or_inactive(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	virStoragePoolPtr p;

	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	f->mc.req.dest_pool = "nope";
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "'nope'"));
	one_line(&err);

	p = virStoragePoolLookupByName(f->mc.dst, "spare");
	assert_int_equal(virStoragePoolDestroy(p), 0);
	virStoragePoolFree(p);
	f->mc.req.dest_pool = "spare";
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_string_equal(err.msg, "storage pool 'spare' on the destination is not active");

	/* neither the source pool's name nor 'default' */
	p = virStoragePoolLookupByName(f->mc.dst, "default");
	assert_int_equal(virStoragePoolDestroy(p), 0);
	virStoragePoolFree(p);
	f->mc.req.dest_pool = NULL;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "disk 'vda'"));
	assert_non_null(strstr(err.msg, "'images'"));
	assert_non_null(strstr(err.msg, "--dest-pool"));
	one_line(&err);
}

static void test_name_clash(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	virStoragePoolPtr p = virStoragePoolLookupByName(f->mc.dst, "default");
	virStorageVolPtr v;

	v = virStorageVolCreateXML(p,
				   "<volume><name>web1.qcow2</name><capacity>1048576</capacity><target><format type='qcow2'/></target></volume>",
				   0);
	assert_non_null(v);
	virStorageVolFree(v);
	virStoragePoolFree(p);
	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	assert_string_equal(err.msg,
			    "volume 'web1.qcow2' already exists in pool 'default' on the destination");
}

/* The test driver's pools hold 100 GiB: leave 1 GiB free in 'small'. */
static void fill_small(struct fix *f)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(f->mc.dst, "small");
	virStorageVolPtr v;
	virStoragePoolInfo info;
	char xml[512];

	assert_int_equal(virStoragePoolGetInfo(p, &info), 0);
	snprintf(xml, sizeof(xml),
		 "<volume><name>filler</name><capacity>%llu</capacity><allocation>%llu</allocation></volume>",
		 info.available - (1ULL << 30), info.available - (1ULL << 30));
	v = virStorageVolCreateXML(p, xml, 0);
	assert_non_null(v);
	virStorageVolFree(v);
	virStoragePoolFree(p);
	f->mc.req.dest_pool = "small";
}

static void test_no_space(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };

	fill_small(f);
	/* web1.qcow2 uses 2 GiB */
	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_string_equal(err.msg,
			    "not enough free space in storage pool 'small' on the destination: the copies need 2 GiB, it has 1 GiB free");
}

static void test_no_space_sum(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };

	fill_small(f);
	/* the ISO (600 MiB) fits alone ... */
	add_disk(f, "sda", "/src/images/shared.iso", true);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	/* ... not with a clone (3 MiB) and its base (700 MiB) copied too: 1303 MiB */
	add_disk(f, "vda", "/src/images/clone1.qcow2", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "the copies need 1.3 GiB, it has 1 GiB free"));
}

static void test_not_in_pool(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };

	add_disk(f, "vda", "/elsewhere/disk.img", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_string_equal(err.msg,
			    "disk 'vda' ('/elsewhere/disk.img') is in no storage pool on the source: only a pool's volumes can be streamed (define a pool for its directory first)");
}

static void test_live_shared_storage(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_plan *plan = vp_plan_new("migrate", "web1");

	/* a disk in no pool is fine when nothing moves */
	add_disk(f, "vda", "/elsewhere/disk.img", false);
	add_disk(f, "vdb", "/src/images/cloud1.qcow2", false);
	f->mc.live = true;
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_false(f->mc.disks[0].copy);
	assert_string_equal(f->mc.disks[0].dst_path, "/elsewhere/disk.img");
	assert_false(f->mc.disks[1].copy);
	assert_string_equal(f->mc.disks[1].dst_backing_path,
			    "/src/images/deb.base-0123456789abcdef.qcow2");
	assert_int_equal(vp_migrate_add_storage_steps(plan, &f->mc, false, &err), 0);
	assert_int_equal(plan->n_steps, 0);
	vp_plan_free(plan);
}

/* ---- backing images ------------------------------------------------------- */

static void test_backing_found_by_name(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_plan *plan = vp_plan_new("migrate", "web1");
	size_t i;

	add_disk(f, "vda", "/src/images/cloud1.qcow2", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_true(f->mc.disks[0].copy);
	assert_false(f->mc.disks[0].backing_copy);
	assert_string_equal(f->mc.disks[0].dst_backing_path,
			    "/dst/default/deb.base-0123456789abcdef.qcow2");
	assert_int_equal(vp_migrate_add_storage_steps(plan, &f->mc, true, &err), 0);
	assert_int_equal(plan->n_steps, 3);
	assert_string_equal(plan->steps[0].kind, "volume");
	assert_string_equal(plan->steps[1].kind, "copy");
	assert_string_equal(plan->steps[2].kind, "verify");
	assert_non_null(strstr(plan->steps[1].desc,
			       "its backing file renamed to '/dst/default/deb.base-0123456789abcdef.qcow2'"));
	for (i = 0; i < plan->n_steps; i++)
		assert_null(strstr(plan->steps[i].desc, "backing image of"));
	vp_plan_free(plan);
}

static void test_backing_size_differs(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	virStoragePoolPtr p = virStoragePoolLookupByName(f->mc.dst, "spare");
	virStorageVolPtr v;

	/* a base of that name but another size is not the same base */
	v = virStorageVolCreateXML(p,
				   "<volume><name>deb.base-0123456789abcdef.qcow2</name><capacity>1048576</capacity><target><format type='qcow2'/></target></volume>",
				   0);
	assert_non_null(v);
	virStorageVolFree(v);
	virStoragePoolFree(p);
	add_disk(f, "vda", "/src/images/cloud1.qcow2", false);
	f->mc.req.dest_pool = "spare";
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	assert_non_null(strstr(err.msg, "'deb.base-0123456789abcdef.qcow2'"));
	assert_non_null(strstr(err.msg, "the backing image of disk 'vda'"));
	one_line(&err);
}

static void test_backing_copied_once(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_plan *plan = vp_plan_new("migrate", "web1");
	virStoragePoolPtr p;
	virStorageVolPtr v;

	/* two overlays of one plain base, not on the destination: copied
	 * once, first; counted once against the free space */
	p = virStoragePoolLookupByName(f->mc.src, "images");
	v = virStorageVolCreateXML(p,
				   "<volume><name>clone2.qcow2</name><capacity unit='GiB'>4</capacity>"
				   "<target><format type='qcow2'/></target><backingStore><path>/src/images/plain-base.qcow2</path>"
				   "<format type='qcow2'/></backingStore></volume>",
				   0);
	assert_non_null(v);
	virStorageVolFree(v);
	virStoragePoolFree(p);
	add_disk(f, "vda", "/src/images/clone1.qcow2", false);
	add_disk(f, "vdb", "/src/images/clone2.qcow2", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_true(f->mc.disks[0].backing_copy);
	assert_false(f->mc.disks[1].backing_copy);
	assert_string_equal(f->mc.disks[0].dst_backing_path, "/dst/default/plain-base.qcow2");
	assert_string_equal(f->mc.disks[1].dst_backing_path, "/dst/default/plain-base.qcow2");
	assert_int_equal(vp_migrate_add_storage_steps(plan, &f->mc, true, &err), 0);
	assert_int_equal(plan->n_steps, 9);
	assert_string_equal(plan->steps[0].kind, "backing");
	assert_non_null(strstr(plan->steps[0].desc, "'plain-base.qcow2'"));
	assert_string_equal(plan->steps[1].kind, "copy");
	assert_string_equal(plan->steps[2].kind, "verify");
	assert_string_equal(plan->steps[3].kind, "volume");
	assert_string_equal(plan->steps[6].kind, "volume");
	vp_plan_free(plan);
}

static void test_backing_chain_too_deep(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	virStoragePoolPtr p = virStoragePoolLookupByName(f->mc.src, "images");
	virStorageVolPtr v;

	v = virStorageVolCreateXML(p,
				   "<volume><name>deep.qcow2</name><capacity unit='GiB'>4</capacity>"
				   "<target><format type='qcow2'/></target><backingStore><path>/src/images/clone1.qcow2</path>"
				   "<format type='qcow2'/></backingStore></volume>",
				   0);
	assert_non_null(v);
	virStorageVolFree(v);
	virStoragePoolFree(p);
	add_disk(f, "vda", "/src/images/deep.qcow2", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "chains deeper than one image"));
	one_line(&err);
}

/* ---- applying ------------------------------------------------------------- */

static void test_live_copy_storage_volumes(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_plan *plan = vp_plan_new("migrate", "web1");
	virStoragePoolPtr p;
	virStorageVolPtr v;
	char *xml;

	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	add_disk(f, "vdb", "/src/images/cloud1.qcow2", false);
	f->mc.live = true;
	f->mc.req.copy_storage = true;
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_true(f->mc.disks[0].copy);
	assert_int_equal(vp_migrate_add_storage_steps(plan, &f->mc, false, &err), 0);
	/* empty volumes only: libvirt's copy-storage fills them */
	assert_int_equal(plan->n_steps, 2);
	assert_string_equal(plan->steps[0].kind, "volume");
	assert_string_equal(plan->steps[1].kind, "volume");
	assert_int_equal(vp_plan_apply(f->mc.dst, plan, &(struct vp_apply_opts){ 0 }, NULL, &err), 0);
	vp_plan_free(plan);

	p = virStoragePoolLookupByName(f->mc.dst, "default");
	v = virStorageVolLookupByName(p, "web1.qcow2");
	assert_non_null(v);
	xml = virStorageVolGetXMLDesc(v, 0);
	assert_non_null(strstr(xml, "<capacity unit='bytes'>10737418240</capacity>"));
	assert_non_null(strstr(xml, "<format type='qcow2'/>"));
	free(xml);
	virStorageVolFree(v);
	v = virStorageVolLookupByName(p, "cloud1.qcow2");
	assert_non_null(v);
	xml = virStorageVolGetXMLDesc(v, 0);
	assert_non_null(strstr(xml, "<path>/dst/default/deb.base-0123456789abcdef.qcow2</path>"));
	free(xml);
	virStorageVolFree(v);
	virStoragePoolFree(p);
}

static void test_stream_fails_cleanly(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_plan *plan = vp_plan_new("migrate", "web1");
	virStoragePoolPtr p;
	virStorageVolPtr v;
	int before, after;

	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_int_equal(vp_migrate_add_storage_steps(plan, &f->mc, true, &err), 0);
	p = virStoragePoolLookupByName(f->mc.dst, "default");
	before = virStoragePoolNumOfVolumes(p);
	/* the test driver has no volume streams (nor file lengths): the
	 * streamed copy fails, and says so; nothing stays behind */
	assert_int_equal(vp_plan_apply(f->mc.dst, plan, &(struct vp_apply_opts){ 0 }, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "not supported"));
	one_line(&err);
	after = virStoragePoolNumOfVolumes(p);
	assert_int_equal(before, after);
	v = virStorageVolLookupByName(p, "web1.qcow2");
	assert_null(v);
	virResetLastError();
	virStoragePoolFree(p);
	vp_plan_free(plan);
}

static void test_live_base_streamed_first(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_plan *plan = vp_plan_new("migrate", "web1");
	virStoragePoolPtr p;
	virStorageVolPtr v;

	/* live --copy-storage of a clone whose base is not there: the base
	 * is streamed first (libvirt copies only what the guest writes), which
	 * the test driver cannot: nothing is left */
	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	add_disk(f, "vdb", "/src/images/clone1.qcow2", false);
	f->mc.live = true;
	f->mc.req.copy_storage = true;
	f->mc.req.dest_pool = "spare";
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_true(f->mc.disks[1].backing_copy);
	assert_int_equal(vp_migrate_add_storage_steps(plan, &f->mc, false, &err), 0);
	/* the base is streamed even so: a read-only base is libvirt's to use, not to copy */
	assert_string_equal(plan->steps[0].kind, "backing");
	assert_int_equal(vp_plan_apply(f->mc.dst, plan, &(struct vp_apply_opts){ 0 }, NULL, &err), -1);
	p = virStoragePoolLookupByName(f->mc.dst, "spare");
	assert_int_equal(virStoragePoolNumOfVolumes(p), 0);
	v = virStorageVolLookupByName(p, "web1.qcow2");
	assert_null(v);
	virResetLastError();
	virStoragePoolFree(p);
	vp_plan_free(plan);
}

static void test_fail_at_copy_unwinds(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_plan *plan = vp_plan_new("migrate", "web1");
	virStoragePoolPtr p;

	add_disk(f, "vda", "/src/images/web1.qcow2", false);
	add_disk(f, "vdb", "/src/images/web1-seed.iso", true);
	f->mc.live = true;
	f->mc.req.copy_storage = true;
	f->mc.req.dest_pool = "spare";
	assert_int_equal(vp_migrate_disks_resolve(&f->mc, &err), 0);
	assert_int_equal(vp_migrate_add_storage_steps(plan, &f->mc, false, &err), 0);
	/* the writable disk made empty; the read-only seed streamed; a
	 * failure after both volumes were made removes both */
	assert_int_equal(plan->n_steps, 4);
	assert_string_equal(plan->steps[0].kind, "volume");
	assert_string_equal(plan->steps[1].kind, "volume");
	assert_string_equal(plan->steps[2].kind, "copy");
	assert_string_equal(plan->steps[3].kind, "verify");
	assert_int_equal(vp_plan_apply(f->mc.dst, plan,
				       &(struct vp_apply_opts){ .fail_at = "copy" }, NULL, &err),
			 -1);
	p = virStoragePoolLookupByName(f->mc.dst, "spare");
	assert_int_equal(virStoragePoolNumOfVolumes(p), 0);
	virStoragePoolFree(p);
	vp_plan_free(plan);
}

/* ---- the qcow2 header's backing name -------------------------------------- */

/* A qcow2 v3 header with 64 KiB clusters naming backing name at 0x200. */
static unsigned char *header(const char *name, size_t *len)
{
	unsigned char *h = calloc(1, 65536);
	uint32_t v32;
	uint64_t v64;

	memcpy(h, "QFI\xfb", 4);
	v32 = htobe32(3);
	memcpy(h + 4, &v32, 4);
	v64 = htobe64(0x200);
	memcpy(h + 8, &v64, 8);
	v32 = htobe32((uint32_t)strlen(name));
	memcpy(h + 16, &v32, 4);
	v32 = htobe32(16);
	memcpy(h + 20, &v32, 4);
	v64 = htobe64(1ULL << 30);
	memcpy(h + 24, &v64, 8);
	memcpy(h + 0x200, name, strlen(name));
	*len = 65536;
	return h;
}

static void test_qcow2_backing_name(void **state)
{
	struct vp_error err = { 0 };
	const char *longer = "/var/lib/libvirt/images/a-much-longer-directory/base.qcow2";
	size_t len, need = 0;
	unsigned char *h = header("/src/base.qcow2", &len);
	uint32_t v32;

	(void)state;
	/* too little of the file yet: asks for the header */
	assert_int_equal(vp_qcow2_set_backing_name(h, 20, longer, &need, &err), 0);
	assert_int_equal(need, 104);
	/* with the header: asks for the name's bytes */
	assert_int_equal(vp_qcow2_set_backing_name(h, 104, longer, &need, &err), 0);
	assert_int_equal(need, 0x200 + strlen(longer));
	/* longer */
	assert_int_equal(vp_qcow2_set_backing_name(h, len, longer, &need, &err), 1);
	memcpy(&v32, h + 16, 4);
	assert_int_equal(be32toh(v32), strlen(longer));
	assert_memory_equal(h + 0x200, longer, strlen(longer));
	assert_int_equal(h[0x200 + strlen(longer)], 0);
	/* the same again: nothing to do */
	assert_int_equal(vp_qcow2_set_backing_name(h, len, longer, &need, &err), 0);
	/* shorter: the old name's tail is cleared */
	assert_int_equal(vp_qcow2_set_backing_name(h, len, "/b.qcow2", &need, &err), 1);
	memcpy(&v32, h + 16, 4);
	assert_int_equal(be32toh(v32), 8);
	assert_memory_equal(h + 0x200, "/b.qcow2", 8);
	assert_int_equal(h[0x208], 0);
	assert_int_equal(h[0x200 + strlen(longer) - 1], 0);
	free(h);

	/* something after the name: a longer one would overwrite it */
	h = header("/src/base.qcow2", &len);
	h[0x200 + 20] = 0x7f;
	assert_int_equal(vp_qcow2_set_backing_name(h, len, longer, &need, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "would overwrite other header data"));
	/* past the first cluster */
	{
		char big[1024];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		big[0] = '/';
		memset(&err, 0, sizeof(err));
		assert_int_equal(vp_qcow2_set_backing_name(h, len, big, &need, &err), -1);
	}
	free(h);

	/* no backing file; not qcow2 */
	h = header("x", &len);
	memset(h + 8, 0, 12);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_qcow2_set_backing_name(h, len, longer, &need, &err), -1);
	assert_string_equal(err.msg, "the image has no backing file to rename");
	memcpy(h, "RAW!", 4);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_qcow2_set_backing_name(h, len, longer, &need, &err), -1);
	assert_string_equal(err.msg, "the image is not a qcow2 file");
	free(h);

	/* data in an external file: refused */
	h = header("/src/base.qcow2", &len);
	h[79] = 4;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vp_qcow2_set_backing_name(h, len, longer, &need, &err), -1);
	assert_non_null(strstr(err.msg, "external file"));
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offline_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dest_pool_given, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_pool_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_missing_or_inactive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_space_sum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_in_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_shared_storage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backing_found_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backing_size_differs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backing_copied_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backing_chain_too_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_copy_storage_volumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_base_streamed_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_at_copy_unwinds, setup, teardown),
		cmocka_unit_test(test_qcow2_backing_name),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
