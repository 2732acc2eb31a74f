/* provision/migrate_storage.c — the storage side of a migration: where each
 * disk goes on the destination, and the steps that put it there.
 *
 * Which disks move (d->copy):
 *   - offline: every disk with a source (an empty cdrom has none);
 *   - live with --copy-storage: every disk; the writable ones are created
 *     empty for libvirt's copy-storage to fill while the guest runs, the
 *     read-only ones (cdroms, seeds) are streamed here, since libvirt
 *     mirrors only disks the guest writes;
 *   - live without: none (the hosts share the storage; the paths stay).
 * A read-only disk the VM does not own (an ISO other VMs use too) that
 * the destination has already, a volume of the same name and the same
 * sha256 in the destination pool, is used there and not copied again; a
 * seed is the VM's own and small, and is copied with it.
 *
 * Destination pool: --dest-pool, else the pool of the source pool's name,
 * else 'default'; it must be active there.  Volumes keep their names.
 *
 * Backing images (linked clones, cloud-image overlays) are never
 * flattened: the base goes first, into the disk's destination pool.  A
 * base named by its content (image.h: <stem>.base-<sha256 prefix>.<fmt>)
 * that is there already, of the same length and capacity, is the same
 * base; another backing image is there when a volume of its name has its
 * sha256.  Otherwise it is copied (once, whichever disks share it) and
 * verified like a disk.  Only one level of backing is handled; deeper
 * chains are refused.
 *
 * Streamed volumes are the source's files byte for byte: the destination
 * volume is first made as an empty raw volume of the file's length (so the
 * holes the sparse upload skips read as zeros, and the bytes come out
 * identical), then filled by provision/transfer.c, whose pass also
 * rewrites a qcow2 overlay's backing file name to the base's path on the
 * destination; libvirt reads format, capacity and backing from the bytes
 * when it refreshes the pool.  The verify step then reads the copy back
 * through a sparse download and compares its sha256 and length with
 * what was sent, and its format, capacity and backing with the source's.
 */
#include "migrate_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "cleanup.h"
#include "image.h"
#include "metadata.h"
#include "storage.h"
#include "transfer.h"
#include "units.h"
#include "xmlutil.h"

/* ---- resolve ------------------------------------------------------------- */

struct dst_pool {
	char *name;
	char *target;
	uint64_t available;
	uint64_t need;               /* what the copies into it will take */
};

struct pools {
	struct dst_pool *v;
	size_t n;
};

static void pools_clear(struct pools *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].target);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* The destination pool name, active: what it holds (looked up once). */
static struct dst_pool *pool_get(struct pools *p, virConnectPtr dst, const char *name,
				 struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	virStoragePoolInfo info;
	struct dst_pool *dp;
	char *target = NULL;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			return &p->v[i];
	if (vp_pool_lookup(dst, name, &pool, err) < 0)
		return NULL;
	if (virStoragePoolIsActive(pool) != 1) {
		vp_error_set(err, VP_ERR_INVALID, "storage pool '%s' on the destination is not active",
			     name);
		return NULL;
	}
	if (virStoragePoolGetInfo(pool, &info) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read storage pool '%s' on the destination",
				 name);
		return NULL;
	}
	if (vp_pool_target(pool, &target, NULL, err) < 0)
		return NULL;
	if (!target || !*target) {
		free(target);
		vp_error_set(err, VP_ERR_INVALID,
			     "storage pool '%s' on the destination has no target path for volumes",
			     name);
		return NULL;
	}
	p->v = vp_grow(p->v, p->n + 1, sizeof(*p->v));
	dp = &p->v[p->n++];
	memset(dp, 0, sizeof(*dp));
	dp->name = vp_strdup(name);
	dp->target = target;
	dp->available = info.available;
	return dp;
}

static bool pool_usable(virConnectPtr conn, const char *name)
{
	virStoragePoolPtr pool = virStoragePoolLookupByName(conn, name);
	bool ok = pool && virStoragePoolIsActive(pool) == 1;

	if (pool)
		virStoragePoolFree(pool);
	virResetLastError();
	return ok;
}

static struct dst_pool *choose_pool(struct vp_migrate_ctx *mc, struct pools *p,
				    const struct vp_migrate_disk *d, struct vp_error *err)
{
	const char *name;

	if (mc->req.dest_pool) {
		name = mc->req.dest_pool;
	} else if (d->src_pool && pool_usable(mc->dst, d->src_pool)) {
		name = d->src_pool;
	} else if (pool_usable(mc->dst, VP_DEFAULT_POOL)) {
		name = VP_DEFAULT_POOL;
	} else {
		if (d->src_pool && strcmp(d->src_pool, VP_DEFAULT_POOL) != 0)
			vp_error_set(err, VP_ERR_INVALID,
				     "no storage pool on the destination for disk '%s': neither '%s' (its pool here) nor '%s' is there and active; name one with --dest-pool",
				     d->target, d->src_pool, VP_DEFAULT_POOL);
		else
			vp_error_set(err, VP_ERR_INVALID,
				     "no storage pool on the destination for disk '%s': '%s' is not there or not active; name one with --dest-pool",
				     d->target, VP_DEFAULT_POOL);
		return NULL;
	}
	return pool_get(p, mc->dst, name, err);
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	return vp_strdup_printf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

/* The metadata volume of the VM at path, or NULL. */
static const struct vp_meta_volume *meta_vol(const struct vp_meta *m, const char *path)
{
	size_t i;

	for (i = 0; path && i < m->n_vols; i++)
		if (m->vols[i].path && !strcmp(m->vols[i].path, path))
			return &m->vols[i];
	return NULL;
}

/* The backing image's volume on the source, checked to have no backing of
 * its own. */
static int source_base(struct vp_migrate_ctx *mc, const struct vp_migrate_disk *d,
		       virStorageVolPtr *out, struct vp_error *err)
{
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *deeper = NULL;

	if (vp_volume_find_by_path(mc->src, d->backing_path, out, err) < 0)
		return -1;
	if (!*out)
		return vp_error_set(err, VP_ERR_INVALID,
				    "the backing image '%s' of disk '%s' is in no storage pool on the source: only a pool's volumes can be streamed (define a pool for its directory first)",
				    d->backing_path, d->target);
	xml = virStorageVolGetXMLDesc(*out, 0);
	if (xml && vp_xml_parse(xml, "a volume description", &doc, NULL) == 0)
		deeper = vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL, NULL);
	if (deeper && *deeper)
		return vp_error_set(err, VP_ERR_INVALID,
				    "the backing image '%s' of disk '%s' has a backing image of its own ('%s'): chains deeper than one image cannot be migrated yet",
				    d->backing_path, d->target, deeper);
	return 0;
}

/* The file's length, or 0 when the driver cannot say. */
static int length_known(virStorageVolPtr vol, uint64_t *len, struct vp_error *err)
{
	*len = 0;
	if (vp_volume_length(vol, len, err) == 0)
		return 0;
	return err && err->cause == VIR_ERR_NO_SUPPORT ? 0 : -1;
}

/* Is the volume name in pool dp on the destination the same as the
 * source volume src?  1 yes, 0 no such volume, -1 err (also when a
 * different volume has the name: EXISTS). */
static int same_there(struct vp_migrate_ctx *mc, struct dst_pool *dp, virStorageVolPtr src,
		      const char *what, bool by_name, char **path, struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr there = NULL;
	const char *name = virStorageVolGetName(src);
	struct vp_vol_info vi = { 0 };
	virStorageVolInfo a, b;
	uint64_t la = 0, lb = 0;
	int r = -1;

	if (vp_pool_lookup(mc->dst, dp->name, &pool, err) < 0 ||
	    vp_volume_find(pool, name, &there, err) < 0)
		return -1;
	if (!there)
		return 0;
	if (virStorageVolGetInfo(src, &a) < 0 || virStorageVolGetInfo(there, &b) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot compare volume '%s' on both hosts",
					name);
	/* the files' lengths too, where the hosts tell them (libvirt's test
	 * driver does not) */
	if (length_known(src, &la, err) < 0 || length_known(there, &lb, err) < 0)
		return -1;
	if (a.capacity != b.capacity || la != lb)
		return vp_error_set(err, VP_ERR_EXISTS,
				    "volume '%s' already exists in pool '%s' on the destination, and it is not %s (its size differs)",
				    name, dp->name, what);
	if (!by_name) {
		char ha[65], hb[65];

		if (vp_volume_sha256(src, "checksum on the source", mc->reporter, ha, NULL, err) < 0 ||
		    vp_volume_sha256(there, "checksum on the destination", mc->reporter, hb, NULL,
				     err) < 0)
			return -1;
		if (strcmp(ha, hb) != 0)
			return vp_error_set(err, VP_ERR_EXISTS,
					    "volume '%s' already exists in pool '%s' on the destination, and it is not %s (its sha256 differs)",
					    name, dp->name, what);
	}
	if (vp_volume_describe(there, &vi, err) < 0)
		return -1;
	if (vi.path) {
		*path = vi.path;
		vi.path = NULL;
		r = 1;
	} else {
		vp_error_set(err, VP_ERR_RUNTIME, "volume '%s' in pool '%s' on the destination has no path",
			     name, dp->name);
	}
	vp_vol_info_clear(&vi);
	return r;
}

static int resolve_backing(struct vp_migrate_ctx *mc, size_t i, struct dst_pool *dp,
			   struct vp_error *err)
{
	struct vp_migrate_disk *d = &mc->disks[i];
	_cleanup_(virStorageVolFreep) virStorageVolPtr base = NULL;
	_cleanup_(freep) char *what = NULL;
	virStorageVolInfo info;
	char *path = NULL;
	size_t j;
	int r;

	/* the header's backing name is rewritten on the way: qcow2 only */
	if (!d->format || strcmp(d->format, "qcow2") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "disk '%s' is a %s image on a backing image: only qcow2 overlays can be migrated with their backing",
				    d->target, d->format ? d->format : "raw");
	/* a base an earlier disk brings (or found) into the same pool */
	for (j = 0; j < i; j++) {
		const struct vp_migrate_disk *e = &mc->disks[j];

		if (e->copy && e->backing_path && e->dst_backing_path &&
		    !strcmp(e->backing_path, d->backing_path) && !strcmp(e->dst_pool, d->dst_pool)) {
			vp_set_str(&d->dst_backing_path, e->dst_backing_path);
			return 0;
		}
	}
	if (source_base(mc, d, &base, err) < 0)
		return -1;
	what = vp_strdup_printf("the backing image of disk '%s'", d->target);
	r = same_there(mc, dp, base, what, vp_image_is_base_name(virStorageVolGetName(base)), &path,
		       err);
	if (r < 0)
		return -1;
	if (r == 1) {
		d->dst_backing_path = path;
		return 0;
	}
	if (virStorageVolGetInfo(base, &info) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read volume '%s'",
					virStorageVolGetName(base));
	d->backing_copy = true;
	d->dst_backing_path = join_path(dp->target, virStorageVolGetName(base));
	dp->need += info.allocation;
	return 0;
}

int vp_migrate_disks_resolve(struct vp_migrate_ctx *mc, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_meta meta = { 0 };
	struct pools pools = { 0 };
	bool copying = !mc->live || mc->req.copy_storage;
	size_t i;
	int rc = -1;

	if (mc->xml && vp_xml_parse(mc->xml, "the VM's description", &doc, err) < 0)
		return -1;
	if (doc && vp_meta_read(doc, &meta, err) < 0)
		return -1;
	for (i = 0; i < mc->n_disks; i++) {
		struct vp_migrate_disk *d = &mc->disks[i];
		const struct vp_meta_volume *mv = meta_vol(&meta, d->src_path);
		struct dst_pool *dp;
		int there;

		d->owned = mv && mv->owned;
		d->copy = false;
		d->backing_copy = false;
		free(d->dst_pool);
		free(d->dst_path);
		free(d->dst_backing_path);
		d->dst_pool = d->dst_path = d->dst_backing_path = NULL;
		if (!d->src_path)
			continue;               /* an empty cdrom */
		if (!copying) {
			vp_set_str(&d->dst_path, d->src_path);    /* shared storage */
			vp_set_str(&d->dst_backing_path, d->backing_path);
			continue;
		}
		if (!d->src_pool || !d->vol_name) {
			vp_error_set(err, VP_ERR_INVALID,
				     "disk '%s' ('%s') is in no storage pool on the source: only a pool's volumes can be streamed (define a pool for its directory first)",
				     d->target, d->src_path);
			goto out;
		}
		if (!(dp = choose_pool(mc, &pools, d, err)))
			goto out;
		vp_set_str(&d->dst_pool, dp->name);
		free(d->dst_path);
		d->dst_path = join_path(dp->target, d->vol_name);
		there = 0;
		if (d->readonly && !d->owned) {
			/* shared read-only media: the destination may have it already */
			_cleanup_(virStorageVolFreep) virStorageVolPtr v = virStorageVolLookupByPath(mc->src, d->src_path);
			_cleanup_(freep) char *what = vp_strdup_printf("the read-only disk '%s'", d->target);
			char *path = NULL;

			if (!v) {
				vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot find volume '%s' on the source",
						 d->src_path);
				goto out;
			}
			there = same_there(mc, dp, v, what, false, &path, err);
			if (there < 0)
				goto out;
			if (there) {
				free(d->dst_path);
				d->dst_path = path;
			}
		} else {
			_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
			_cleanup_(virStorageVolFreep) virStorageVolPtr clash = NULL;

			if (vp_pool_lookup(mc->dst, dp->name, &pool, err) < 0 ||
			    vp_volume_find(pool, d->vol_name, &clash, err) < 0)
				goto out;
			if (clash) {
				vp_error_set(err, VP_ERR_EXISTS,
					     "volume '%s' already exists in pool '%s' on the destination",
					     d->vol_name, dp->name);
				goto out;
			}
		}
		if (there)
			continue;
		d->copy = true;
		dp->need += d->allocation;
		if (d->backing_path && resolve_backing(mc, i, dp, err) < 0)
			goto out;
	}
	for (i = 0; i < pools.n; i++) {
		char need[32], avail[32];

		if (pools.v[i].need <= pools.v[i].available)
			continue;
		vp_format_size(pools.v[i].need, need, sizeof(need));
		vp_format_size(pools.v[i].available, avail, sizeof(avail));
		vp_error_set(err, VP_ERR_INVALID,
			     "not enough free space in storage pool '%s' on the destination: the copies need %s, it has %s free",
			     pools.v[i].name, need, avail);
		goto out;
	}
	rc = 0;
out:
	pools_clear(&pools);
	vp_meta_clear(&meta);
	return rc;
}

/* ---- steps --------------------------------------------------------------- */

/* One volume made on the destination: a disk, or a backing image. */
struct job {
	struct vp_migrate_ctx *mc;
	char *what;                  /* "disk 'vda'", "the backing image of disk 'vda'" */
	char *src_path;              /* the volume on the source */
	char *pool, *name, *dst_path;
	bool stream;                 /* its bytes are copied here; else made empty */
	char *format;                /* made empty: as this ... */
	uint64_t capacity;
	char *backing_path, *backing_format;   /* ... on this base (a destination path) */
	char *backing_to;            /* streamed qcow2: the backing name its header gets */
	bool copied;
	struct vp_transfer_result res;
};

static void job_free(void *p)
{
	struct job *j = p;

	if (!j)
		return;
	free(j->what);
	free(j->src_path);
	free(j->pool);
	free(j->name);
	free(j->dst_path);
	free(j->format);
	free(j->backing_path);
	free(j->backing_format);
	free(j->backing_to);
	free(j);
}

static int source_vol(struct job *j, virStorageVolPtr *out, struct vp_error *err)
{
	*out = virStorageVolLookupByPath(j->mc->src, j->src_path);
	if (!*out)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot find volume '%s' on the source",
					j->src_path);
	return 0;
}

static int step_create(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct job *j = st->data;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr src = NULL;
	virStorageVolPtr vol = NULL;
	struct vp_volume_request req = {
		.name = j->name,
		.capacity = j->capacity,
		.format = j->format,
		.sparse = true,
		.backing_path = j->backing_path,
		.backing_format = j->backing_format,
	};

	if (vp_pool_lookup(ap->conn, j->pool, &pool, err) < 0)
		return -1;
	if (j->stream) {
		/* an empty file of the source file's length: the bytes come next */
		if (source_vol(j, &src, err) < 0 || vp_volume_length(src, &req.capacity, err) < 0)
			return -1;
		req.format = "raw";
		req.backing_path = NULL;
		req.backing_format = NULL;
	}
	if (vp_volume_create_step(ap, pool, j->pool, &req, j->dst_path, &vol, err) < 0) {
		if (err->cause == VIR_ERR_STORAGE_VOL_EXIST)
			vp_error_set(err, VP_ERR_EXISTS,
				     "volume '%s' in pool '%s' on the destination was made meanwhile by someone else",
				     j->name, j->pool);
		return -1;
	}
	virStorageVolFree(vol);
	return 0;
}

static int dest_vol(struct vp_apply *ap, struct job *j, virStoragePoolPtr *pool,
		    virStorageVolPtr *out, struct vp_error *err)
{
	if (vp_pool_lookup(ap->conn, j->pool, pool, err) < 0 ||
	    vp_volume_find(*pool, j->name, out, err) < 0)
		return -1;
	if (!*out)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "volume '%s' in pool '%s' on the destination has gone", j->name,
				    j->pool);
	return 0;
}

static int step_copy(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct job *j = st->data;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr src = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr dst = NULL;
	_cleanup_(freep) char *stage = vp_strdup_printf("copy %s", j->name);
	struct vp_transfer_opts o = {
		.stage = stage,
		.reporter = ap->opts->reporter,
		.backing_to = j->backing_to,
	};

	if (source_vol(j, &src, err) < 0 || dest_vol(ap, j, &pool, &dst, err) < 0)
		return -1;
	if (vp_volume_transfer(src, dst, &o, &j->res, err) < 0)
		return -1;
	j->copied = true;
	return 0;
}

static int step_verify(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct job *j = st->data;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr src = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr dst = NULL;
	_cleanup_(freep) char *stage = vp_strdup_printf("verify %s", j->name);
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *backing = NULL;
	struct vp_vol_info a = { 0 }, b = { 0 };
	char hex[65];
	uint64_t len = 0;
	int rc = -1;

	if (!j->copied)
		return vp_error_set(err, VP_ERR_RUNTIME, "volume '%s' was not copied", j->name);
	if (vp_pool_lookup(ap->conn, j->pool, &pool, err) < 0 || vp_pool_refresh(pool, err) < 0 ||
	    source_vol(j, &src, err) < 0 || dest_vol(ap, j, &pool, &dst, err) < 0)
		return -1;
	if (vp_volume_sha256(dst, stage, ap->opts->reporter, hex, &len, err) < 0)
		return -1;
	if (len != j->res.length || strcmp(hex, j->res.sha256) != 0)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "the copy of %s in pool '%s' on the destination does not match what was sent: %llu bytes with sha256 %s there, %llu bytes with sha256 %s sent",
				    j->what, j->pool, (unsigned long long)len, hex,
				    (unsigned long long)j->res.length, j->res.sha256);
	if (vp_volume_describe(src, &a, err) < 0 || vp_volume_describe(dst, &b, err) < 0)
		goto out;
	if (a.capacity != b.capacity ||
	    (a.format && (!b.format || strcmp(a.format, b.format) != 0))) {
		vp_error_set(err, VP_ERR_RUNTIME,
			     "the copy of %s in pool '%s' on the destination reads as %s of %llu bytes, the source as %s of %llu bytes",
			     j->what, j->pool, b.format ? b.format : "?", (unsigned long long)b.capacity,
			     a.format ? a.format : "?", (unsigned long long)a.capacity);
		goto out;
	}
	if (j->backing_to) {
		xml = virStorageVolGetXMLDesc(dst, 0);
		if (xml && vp_xml_parse(xml, "a volume description", &doc, NULL) == 0)
			backing = vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL, NULL);
		if (!backing || strcmp(backing, j->backing_to) != 0) {
			vp_error_set(err, VP_ERR_RUNTIME,
				     "the copy of %s on the destination has backing image '%s', not '%s'",
				     j->what, backing ? backing : "(none)", j->backing_to);
			goto out;
		}
	}
	rc = 0;
out:
	vp_vol_info_clear(&a);
	vp_vol_info_clear(&b);
	return rc;
}

static struct job *job_new(struct vp_migrate_ctx *mc, const char *what, const char *src_path,
			   const char *pool, const char *name, const char *dst_path)
{
	struct job *j = vp_grow(NULL, 1, sizeof(*j));

	memset(j, 0, sizeof(*j));
	j->mc = mc;
	j->what = vp_strdup(what);
	j->src_path = vp_strdup(src_path);
	j->pool = vp_strdup(pool);
	j->name = vp_strdup(name);
	j->dst_path = vp_strdup(dst_path);
	return j;
}

static void add_job_steps(struct vp_plan *plan, struct job *j, const char *kind,
			  const char *size_note)
{
	struct vp_step *st;

	if (j->stream)
		st = vp_plan_add(plan, kind, step_create,
				 "create volume '%s' in pool '%s' on the destination for %s (%s)",
				 j->name, j->pool, j->what, size_note);
	else
		st = vp_plan_add(plan, kind, step_create,
				 "create empty volume '%s' in pool '%s' on the destination for %s (%s), for the live migration to fill",
				 j->name, j->pool, j->what, size_note);
	st->data = j;
	st->free_data = job_free;
	vp_step_detail_str(st, "pool", j->pool);
	vp_step_detail_str(st, "volume", j->name);
	vp_step_detail_str(st, "path", j->dst_path);
	vp_step_detail_str(st, "source", j->src_path);
	if (!j->stream)
		return;
	st = vp_plan_add(plan, "copy", step_copy,
			 "stream '%s' into volume '%s' on the destination (sparse)%s%s%s", j->src_path,
			 j->name, j->backing_to ? ", its backing file renamed to '" : "",
			 j->backing_to ? j->backing_to : "", j->backing_to ? "'" : "");
	st->data = j;
	vp_step_detail_str(st, "source", j->src_path);
	vp_step_detail_str(st, "volume", j->name);
	if (j->backing_to)
		vp_step_detail_str(st, "backing", j->backing_to);
	st = vp_plan_add(plan, "verify", step_verify,
			 "verify volume '%s' on the destination (sha256 and length of its bytes, format and capacity)",
			 j->name);
	st->data = j;
	vp_step_detail_str(st, "volume", j->name);
}

static char *size_note(uint64_t capacity, const char *format, uint64_t allocation)
{
	char c[32], a[32];

	vp_format_size(capacity, c, sizeof(c));
	vp_format_size(allocation, a, sizeof(a));
	return vp_strdup_printf("%s %s, %s used", c, format ? format : "raw", a);
}

int vp_migrate_add_storage_steps(struct vp_plan *plan, struct vp_migrate_ctx *mc, bool stream,
				 struct vp_error *err)
{
	size_t i;

	/* the backing images first: the overlays name them */
	for (i = 0; i < mc->n_disks; i++) {
		const struct vp_migrate_disk *d = &mc->disks[i];
		_cleanup_(virStorageVolFreep) virStorageVolPtr base = NULL;
		_cleanup_(freep) char *what = NULL;
		_cleanup_(freep) char *note = NULL;
		const char *slash;
		struct vp_vol_info bi = { 0 };
		struct job *j;

		if (!d->copy || !d->backing_copy)
			continue;
		if (source_base(mc, d, &base, err) < 0 || vp_volume_describe(base, &bi, err) < 0)
			return -1;
		slash = strrchr(d->dst_backing_path, '/');
		what = vp_strdup_printf("the backing image of disk '%s'", d->target);
		j = job_new(mc, what, d->backing_path, d->dst_pool, slash ? slash + 1 : d->dst_backing_path,
			    d->dst_backing_path);
		j->stream = true;        /* a base is read-only: always its bytes */
		note = size_note(bi.capacity, bi.format, bi.allocation);
		add_job_steps(plan, j, "backing", note);
		vp_vol_info_clear(&bi);
	}
	for (i = 0; i < mc->n_disks; i++) {
		const struct vp_migrate_disk *d = &mc->disks[i];
		_cleanup_(freep) char *what = NULL;
		_cleanup_(freep) char *note = NULL;
		struct job *j;

		if (!d->copy)
			continue;
		what = vp_strdup_printf("disk '%s'", d->target);
		j = job_new(mc, what, d->src_path, d->dst_pool, d->vol_name, d->dst_path);
		/* libvirt mirrors only the disks the guest writes: read-only ones
		 * are streamed for a live migration too */
		j->stream = stream || d->readonly;
		j->format = vp_strdup(d->format ? d->format : "raw");
		j->capacity = d->capacity;
		if (d->backing_path && d->dst_backing_path) {
			if (j->stream) {
				/* a no-op when the header names that path already */
				j->backing_to = vp_strdup(d->dst_backing_path);
			} else {
				j->backing_path = vp_strdup(d->dst_backing_path);
				j->backing_format = d->backing_format ? vp_strdup(d->backing_format) : NULL;
			}
		}
		note = size_note(d->capacity, d->format, d->allocation);
		add_job_steps(plan, j, "volume", note);
	}
	return 0;
}
