/* provision/pool.c — create, list, inspect and delete storage pools
 *
 * Create is a plan like a VM's: each step journals its undo before it
 * changes the host, so a build or a start that fails leaves no definition
 * and no directory behind.  Info reads every VM's disks and vprov's
 * metadata once to say who uses each volume; delete uses the same to
 * refuse while any VM does.
 */
#include "pool.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "cleanup.h"
#include "host.h"
#include "metadata.h"
#include "schema.h"
#include "spec.h"
#include "storage.h"
#include "units.h"
#include "uuid.h"
#include "xmlutil.h"

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* ---- the document ------------------------------------------------------ */

static bool is_type(const char *t)
{
	return streq(t, "dir") || streq(t, "fs") || streq(t, "logical") || streq(t, "netfs");
}

static const char *formats_of(const char *t)
{
	if (streq(t, "fs"))
		return "auto, ext2, ext3, ext4, ufs, iso9660, udf, gfs, gfs2, vfat, hfs+, xfs, ocfs2 or vmfs";
	if (streq(t, "netfs"))
		return "auto, nfs, cifs or glusterfs";
	if (streq(t, "logical"))
		return "auto or lvm2";
	return "nothing";
}

static bool format_ok(const char *t, const char *f)
{
	const char *list = formats_of(t), *p;
	size_t n = strlen(f);

	if (!n || strchr(f, ',') || strchr(f, ' '))
		return false;
	for (p = list; (p = strstr(p, f)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == ' ' || !p[n]))
			return true;
	return false;
}

int vp_pool_build_xml(const struct vp_pool_request *req, xmlDocPtr *out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, src, target;
	const char *t = req->type;

	*out = NULL;
	if (vp_name_check(req->name, err) < 0)
		return -1;
	if (!is_type(t))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid pool type '%s': give dir, fs, logical or netfs", t ? t : "");
	if (!streq(t, "logical") && !req->target)
		return vp_error_set(err, VP_ERR_INVALID, "a %s pool needs --target PATH", t);
	if (req->target && req->target[0] != '/')
		return vp_error_set(err, VP_ERR_INVALID, "--target '%s' must be an absolute path",
				    req->target);
	if (streq(t, "fs") && !req->source_dev)
		return vp_error_set(err, VP_ERR_INVALID,
				    "an fs pool needs --source-dev DEV (a block device)");
	if (streq(t, "netfs") && (!req->source_host || !req->source_path))
		return vp_error_set(err, VP_ERR_INVALID,
				    "a netfs pool needs --source-host HOST and --source-path PATH");
	if (streq(t, "dir") && (req->source_dev || req->source_host || req->source_path ||
				req->source_format || req->source_name))
		return vp_error_set(err, VP_ERR_INVALID, "a dir pool takes no --source-* option");
	if (!streq(t, "netfs") && (req->source_host || req->source_path))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--source-host and --source-path are for netfs pools");
	if (streq(t, "netfs") && req->source_dev)
		return vp_error_set(err, VP_ERR_INVALID, "--source-dev is for fs and logical pools");
	if (!streq(t, "logical") && req->source_name)
		return vp_error_set(err, VP_ERR_INVALID, "--source-name is for logical pools");
	if (req->build && !streq(t, "fs") && !streq(t, "logical"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--build is for fs and logical pools (a %s pool's directory is made anyway)",
				    t);
	if (streq(t, "fs") && req->build && (!req->source_format || streq(req->source_format, "auto")))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--build of an fs pool needs --source-format (ext4, xfs, ...): the file system to make");
	if (streq(t, "logical") && req->build && !req->source_dev)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--build of a logical pool needs --source-dev DEV (the physical volume)");
	if (req->source_host &&
	    (!*req->source_host ||
	     strspn(req->source_host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_") !=
		     strlen(req->source_host)))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --source-host '%s': give a host name or an address",
				    req->source_host);
	if (req->source_format && !format_ok(t, req->source_format))
		return vp_error_set(err, VP_ERR_INVALID, "invalid --source-format '%s' for pool type '%s': give %s",
				    req->source_format, t, formats_of(t));
	if (req->source_dev && req->source_dev[0] != '/')
		return vp_error_set(err, VP_ERR_INVALID, "--source-dev '%s' must be an absolute path",
				    req->source_dev);
	{
		const char *vals[][2] = {
			{ "--target", req->target },           { "--source-dev", req->source_dev },
			{ "--source-host", req->source_host }, { "--source-path", req->source_path },
			{ "--source-format", req->source_format }, { "--source-name", req->source_name },
		};
		size_t i;

		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			if (vals[i][1] && vp_spec_check_value(vals[i][0], vals[i][1], err) < 0)
				return -1;
	}

	if (vp_xml_parse(vp_template_pool_dir, "templates/pool-dir.xml", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	vp_xml_set(root, "type", t);
	vp_xml_set_text(vp_xml_child(root, "name"), req->name);
	if (req->uuid)
		vp_xml_set_text(vp_xml_child(root, "uuid"), req->uuid);
	else
		vp_xml_drop(vp_xml_child(root, "uuid"));
	target = vp_xml_child(root, "target");
	if (!streq(t, "dir")) {
		src = vp_xml_add_before(root, target, "source");
		if (streq(t, "netfs")) {
			vp_xml_set(vp_xml_add(src, "host", NULL), "name", req->source_host);
			vp_xml_set(vp_xml_add(src, "dir", NULL), "path", req->source_path);
		}
		if (streq(t, "logical"))
			vp_xml_add(src, "name", req->source_name ? req->source_name : req->name);
		if (req->source_dev)
			vp_xml_set(vp_xml_add(src, "device", NULL), "path", req->source_dev);
		if (req->source_format || streq(t, "logical"))
			vp_xml_set(vp_xml_add(src, "format", NULL), "type",
				   req->source_format ? req->source_format : "lvm2");
	}
	if (req->target) {
		vp_xml_set_text(vp_xml_child(target, "path"), req->target);
	} else {
		/* logical: where LVM puts the group's devices */
		_cleanup_(freep) char *dev = vp_strdup_printf("/dev/%s", req->source_name ? req->source_name : req->name);

		vp_xml_set_text(vp_xml_child(target, "path"), dev);
	}
	if (vp_schema_validate(VP_SCHEMA_STORAGEPOOL, doc, err) < 0) {
		/* what the schema rejects here is a value the user gave */
		err->code = VP_ERR_INVALID;
		return -1;
	}
	*out = TAKE_PTR(doc);
	return 0;
}

/* ---- create: the plan -------------------------------------------------- */

struct pcreate {
	char *name, *type, *target, *xml;
	char uuid[37];
	unsigned build_flags;
	bool local;
};

static void pcreate_free(void *p)
{
	struct pcreate *pc = p;

	if (!pc)
		return;
	free(pc->name);
	free(pc->type);
	free(pc->target);
	free(pc->xml);
	free(pc);
}

static struct pcreate *pc_of(struct vp_apply *ap)
{
	return ap->plan->ctx;
}

static int lookup(virConnectPtr conn, const char *name, virStoragePoolPtr *out,
		  struct vp_error *err)
{
	return vp_pool_lookup(conn, name, out, err);
}

static int step_define(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct pcreate *pc = pc_of(ap);
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	json_object *u;
	int idx;

	(void)st;
	/* the directory the build makes (dir, fs and netfs: made by libvirt
	 * on this machine, so it can be seen missing now) */
	if (pc->local && pc->target && !streq(pc->type, "logical") &&
	    vp_apply_missing_dirs(ap, pc->target, err) < 0)
		return -1;
	u = vp_undo_new("pool");
	vp_undo_set(u, "uuid", pc->uuid);
	vp_undo_set(u, "name", pc->name);
	if ((idx = vp_apply_intent(ap, u, err)) < 0)
		return -1;
	pool = virStoragePoolDefineXML(ap->conn, pc->xml, 0);
	if (!pool) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot define storage pool '%s'", pc->name);
		if (err->cause == VIR_ERR_OPERATION_FAILED || err->cause == VIR_ERR_STORAGE_POOL_BUILT) {
			/* a pool of that name (or on that source) came meanwhile:
			 * someone else's, not to be undone */
			vp_apply_failed(ap, idx);
		}
		return -1;
	}
	return 0;
}

static int step_build(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct pcreate *pc = pc_of(ap);
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;

	(void)st;
	if (lookup(ap->conn, pc->name, &pool, err) < 0)
		return -1;
	if (virStoragePoolBuild(pool, pc->build_flags) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot build storage pool '%s'", pc->name);
	return 0;
}

static int step_start(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct pcreate *pc = pc_of(ap);
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;

	(void)st;
	if (lookup(ap->conn, pc->name, &pool, err) < 0)
		return -1;
	if (virStoragePoolCreate(pool, 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start storage pool '%s'", pc->name);
	return 0;
}

static int step_autostart(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct pcreate *pc = pc_of(ap);
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;

	(void)st;
	if (lookup(ap->conn, pc->name, &pool, err) < 0)
		return -1;
	if (virStoragePoolSetAutostart(pool, 1) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot mark storage pool '%s' to start at boot", pc->name);
	return 0;
}

int vp_pool_plan(virConnectPtr conn, const struct vp_pool_request *req, struct vp_plan **out,
		 char **xml_out, struct vp_error *err)
{
	struct vp_pool_request r = *req;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct pcreate *pc;
	struct vp_plan *plan;
	struct vp_step *st;
	virStoragePoolPtr other;
	const char *what;

	*out = NULL;
	if (xml_out)
		*xml_out = NULL;
	pc = vp_calloc(1, sizeof(*pc));
	if (req->uuid)
		snprintf(pc->uuid, sizeof(pc->uuid), "%s", req->uuid);
	else if (vp_uuid_generate(pc->uuid, err) < 0)
		goto fail;
	r.uuid = pc->uuid;
	if (vp_pool_build_xml(&r, &doc, err) < 0)
		goto fail;
	other = virStoragePoolLookupByName(conn, req->name);
	if (other) {
		virStoragePoolFree(other);
		vp_error_set(err, VP_ERR_EXISTS, "storage pool '%s' exists already", req->name);
		goto fail;
	}
	virResetLastError();
	pc->name = vp_strdup(req->name);
	pc->type = vp_strdup(req->type);
	pc->target = vp_strdup(req->target);
	pc->xml = vp_xml_format(doc);
	pc->local = vp_conn_is_local(conn);
	pc->build_flags = req->build ? VIR_STORAGE_POOL_BUILD_NO_OVERWRITE : 0;
	plan = vp_plan_new("pool-create", req->name);
	plan->ctx = pc;
	plan->free_ctx = pcreate_free;

	if (streq(req->type, "dir"))
		st = vp_plan_add(plan, "define", step_define, "define dir storage pool '%s' at '%s'",
				 req->name, req->target);
	else if (streq(req->type, "fs"))
		st = vp_plan_add(plan, "define", step_define,
				 "define fs storage pool '%s': '%s' mounted at '%s'", req->name,
				 req->source_dev, req->target);
	else if (streq(req->type, "netfs"))
		st = vp_plan_add(plan, "define", step_define,
				 "define netfs storage pool '%s': %s:%s mounted at '%s'", req->name,
				 req->source_host, req->source_path, req->target);
	else
		st = vp_plan_add(plan, "define", step_define,
				 "define logical storage pool '%s' on volume group '%s'", req->name,
				 req->source_name ? req->source_name : req->name);
	vp_step_detail_str(st, "pool", req->name);
	vp_step_detail_str(st, "uuid", pc->uuid);
	vp_step_detail_str(st, "type", req->type);
	vp_step_detail_str(st, "target", req->target);

	what = NULL;
	if (streq(req->type, "dir"))
		what = "make its directory";
	else if ((streq(req->type, "fs") || streq(req->type, "netfs")) && !req->build)
		what = "make its mount point";
	else if (streq(req->type, "fs"))
		what = "make its mount point and a file system on the device unless it has one (never over one)";
	else if (req->build)
		what = "make the volume group on the device unless it carries one (never over one)";
	if (what) {
		st = vp_plan_add(plan, "build", step_build, "build storage pool '%s': %s", req->name,
				 what);
		vp_step_detail_str(st, "pool", req->name);
		vp_step_detail_str(st, "formats", req->build ? "only an empty device" : "nothing");
	}
	st = vp_plan_add(plan, "start", step_start, "start storage pool '%s'", req->name);
	vp_step_detail_str(st, "pool", req->name);
	if (req->autostart) {
		st = vp_plan_add(plan, "autostart", step_autostart,
				 "mark storage pool '%s' to start when the host boots", req->name);
		vp_step_detail_str(st, "pool", req->name);
	}
	if (xml_out)
		*xml_out = vp_strdup(pc->xml);
	*out = plan;
	return 0;
fail:
	pcreate_free(pc);
	return -1;
}

/* ---- who uses what ----------------------------------------------------- */

struct use {
	char *path, *pool, *vol;   /* what (path, or pool/vol) */
	char *vm, *role;
	bool owned;
};

struct uses {
	struct use *v;
	size_t n;
};

static void uses_clear(struct uses *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		free(u->v[i].path);
		free(u->v[i].pool);
		free(u->v[i].vol);
		free(u->v[i].vm);
		free(u->v[i].role);
	}
	free(u->v);
	memset(u, 0, sizeof(*u));
}

static bool uses_has_path(const struct uses *u, const char *vm, const char *path)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (streq(u->v[i].vm, vm) && streq(u->v[i].path, path))
			return true;
	return false;
}

static void uses_add(struct uses *u, const char *vm, const char *role, bool owned, const char *path,
		     const char *pool, const char *vol)
{
	struct use *e;

	u->v = vp_grow(u->v, u->n + 1, sizeof(*u->v));
	e = &u->v[u->n++];
	e->vm = vp_strdup(vm);
	e->role = vp_strdup(role ? role : "disk");
	e->owned = owned;
	e->path = vp_strdup(path);
	e->pool = vp_strdup(pool);
	e->vol = vp_strdup(vol);
}

/* Every VM's volumes: vprov's record first (roles, owned), then each
 * disk and backing file its definition names that the record does not. */
static void uses_gather(virConnectPtr conn, struct uses *u)
{
	virDomainPtr *doms = NULL;
	int n, i;

	n = virConnectListAllDomains(conn, &doms, 0);
	for (i = 0; i < n; i++) {
		const char *vm = virDomainGetName(doms[i]);
		_cleanup_(freep) char *xml = virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE);
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		_cleanup_(xmlXPathFreeContextp) xmlXPathContextPtr xc = NULL;
		_cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr xo = NULL;
		struct vp_meta m = { 0 };
		size_t k;
		int j;

		if (!xml || vp_xml_parse(xml, "a domain description", &doc, NULL) < 0)
			goto next;
		if (vp_meta_read(doc, &m, NULL) == 0)
			for (k = 0; k < m.n_vols; k++)
				uses_add(u, vm, m.vols[k].role, m.vols[k].owned, m.vols[k].path,
					 m.vols[k].pool, m.vols[k].name);
		vp_meta_clear(&m);
		xc = xmlXPathNewContext(doc);
		xo = xc ? xmlXPathEvalExpression(
				  BAD_CAST "/domain/devices/disk//source[@file or @dev or @volume]", xc)
			: NULL;
		for (j = 0; xo && xo->nodesetval && j < xo->nodesetval->nodeNr; j++) {
			xmlNodePtr s = xo->nodesetval->nodeTab[j];
			_cleanup_(freep) char *f = vp_xml_prop(s, "file");
			_cleanup_(freep) char *d = vp_xml_prop(s, "dev");
			_cleanup_(freep) char *p = vp_xml_prop(s, "pool");
			_cleanup_(freep) char *v = vp_xml_prop(s, "volume");
			const char *path = f ? f : d;
			bool backing = s->parent && xmlStrEqual(s->parent->name, BAD_CAST "backingStore");

			if (path && uses_has_path(u, vm, path))
				continue;
			uses_add(u, vm, backing ? "backing" : "disk", false, path, p, v);
		}
next:
		virDomainFree(doms[i]);
	}
	free(doms);
	virResetLastError();
}

static void vol_users(const struct uses *u, const char *pool, struct vp_pool_vol *pv)
{
	size_t i, j;

	for (i = 0; i < u->n; i++) {
		const struct use *e = &u->v[i];
		bool dup = false;

		if (!(streq(e->path, pv->path) || (streq(e->pool, pool) && streq(e->vol, pv->name))))
			continue;
		for (j = 0; j < pv->n_users; j++)
			dup |= streq(pv->users[j].vm, e->vm);
		if (dup)
			continue;
		pv->users = vp_grow(pv->users, pv->n_users + 1, sizeof(*pv->users));
		pv->users[pv->n_users].vm = vp_strdup(e->vm);
		pv->users[pv->n_users].role = vp_strdup(e->role);
		pv->users[pv->n_users].owned = e->owned;
		pv->n_users++;
	}
}

/* ---- list and info ----------------------------------------------------- */

static const char *state_name(int s)
{
	switch (s) {
	case VIR_STORAGE_POOL_INACTIVE:
		return "inactive";
	case VIR_STORAGE_POOL_BUILDING:
		return "building";
	case VIR_STORAGE_POOL_RUNNING:
		return "running";
	case VIR_STORAGE_POOL_DEGRADED:
		return "degraded";
	case VIR_STORAGE_POOL_INACCESSIBLE:
		return "inaccessible";
	default:
		return "unknown";
	}
}

static int describe(virStoragePoolPtr pool, bool with_vols, const struct uses *u,
		    struct vp_pool_info *out, struct vp_error *err)
{
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	virStoragePoolInfo info;
	char uuid[VIR_UUID_STRING_BUFLEN];
	int autostart = 0;

	memset(out, 0, sizeof(*out));
	out->name = vp_strdup(virStoragePoolGetName(pool));
	out->n_volumes = -1;
	if (virStoragePoolGetInfo(pool, &info) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read storage pool '%s'", out->name);
	if (virStoragePoolGetUUIDString(pool, uuid) == 0)
		out->uuid = vp_strdup(uuid);
	out->state = vp_strdup(state_name(info.state));
	out->active = virStoragePoolIsActive(pool) == 1;
	out->persistent = virStoragePoolIsPersistent(pool) == 1;
	if (virStoragePoolGetAutostart(pool, &autostart) == 0)
		out->autostart = autostart != 0;
	if (out->active) {
		out->capacity = info.capacity;
		out->allocation = info.allocation;
		out->available = info.available;
	}
	xml = virStoragePoolGetXMLDesc(pool, 0);
	if (!xml || vp_xml_parse(xml, "a storage pool description", &doc, err) < 0)
		return xml ? -1
			   : vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read storage pool '%s'",
					      out->name);
	out->type = vp_xml_xpath_string(doc, "string(/pool/@type)", NULL, NULL);
	out->target = vp_xml_xpath_string(doc, "string(/pool/target/path)", NULL, NULL);
	out->source_dev = vp_xml_xpath_string(doc, "string(/pool/source/device/@path)", NULL, NULL);
	out->source_host = vp_xml_xpath_string(doc, "string(/pool/source/host/@name)", NULL, NULL);
	out->source_path = vp_xml_xpath_string(doc, "string(/pool/source/dir/@path)", NULL, NULL);
	out->source_format = vp_xml_xpath_string(doc, "string(/pool/source/format/@type)", NULL, NULL);
	out->source_name = vp_xml_xpath_string(doc, "string(/pool/source/name)", NULL, NULL);
	if (!out->active)
		return 0;
	if (!with_vols) {
		int n = virStoragePoolListAllVolumes(pool, NULL, 0);

		if (n < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot list the volumes of storage pool '%s'", out->name);
		out->n_volumes = n;
		return 0;
	}
	{
		virStorageVolPtr *vols = NULL;
		int n = virStoragePoolListAllVolumes(pool, &vols, 0), i;

		if (n < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot list the volumes of storage pool '%s'", out->name);
		out->n_volumes = n;
		out->vols = vp_calloc((size_t)n + 1, sizeof(*out->vols));
		for (i = 0; i < n; i++) {
			struct vp_vol_info vi = { 0 };
			struct vp_pool_vol *pv = &out->vols[out->n_vols];

			if (vp_volume_describe(vols[i], &vi, NULL) == 0) {
				pv->name = TAKE_PTR(vi.name);
				pv->path = TAKE_PTR(vi.path);
				pv->format = TAKE_PTR(vi.format);
				pv->capacity = vi.capacity;
				pv->allocation = vi.allocation;
				vol_users(u, out->name, pv);
				out->n_vols++;
			}
			vp_vol_info_clear(&vi);
			virStorageVolFree(vols[i]);
		}
		free(vols);
		virResetLastError();
	}
	return 0;
}

static int cmp_info(const void *a, const void *b)
{
	return strcmp(((const struct vp_pool_info *)a)->name, ((const struct vp_pool_info *)b)->name);
}

static int cmp_vol(const void *a, const void *b)
{
	return strcmp(((const struct vp_pool_vol *)a)->name, ((const struct vp_pool_vol *)b)->name);
}

int vp_pool_list(virConnectPtr conn, struct vp_pool_info **out, size_t *n_out,
		 struct vp_error *err)
{
	virStoragePoolPtr *pools = NULL;
	struct vp_pool_info *v;
	int n, i, r = 0;
	size_t k = 0;

	*out = NULL;
	*n_out = 0;
	n = virConnectListAllStoragePools(conn, &pools, 0);
	if (n < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the storage pools");
	v = vp_calloc((size_t)n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		if (r == 0 && describe(pools[i], false, NULL, &v[k], err) < 0)
			r = -1;
		k++;
		virStoragePoolFree(pools[i]);
	}
	free(pools);
	if (r < 0) {
		vp_pool_infos_free(v, k);
		return -1;
	}
	qsort(v, k, sizeof(*v), cmp_info);
	*out = v;
	*n_out = k;
	return 0;
}

int vp_pool_get(virConnectPtr conn, const char *name, bool with_volumes, struct vp_pool_info *out,
		struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	struct uses u = { 0 };
	int r;

	memset(out, 0, sizeof(*out));
	if (vp_pool_lookup(conn, name, &pool, err) < 0)
		return -1;
	if (with_volumes)
		uses_gather(conn, &u);
	/* no refresh: one that fails (a file vanishing under it) makes
	 * libvirt stop the pool; what 'virsh pool-refresh' last read is shown */
	r = describe(pool, with_volumes, &u, out, err);
	uses_clear(&u);
	if (r == 0 && out->n_vols)
		qsort(out->vols, out->n_vols, sizeof(*out->vols), cmp_vol);
	return r;
}

void vp_pool_info_clear(struct vp_pool_info *p)
{
	size_t i, j;

	if (!p)
		return;
	free(p->name);
	free(p->uuid);
	free(p->type);
	free(p->target);
	free(p->state);
	free(p->source_dev);
	free(p->source_host);
	free(p->source_path);
	free(p->source_format);
	free(p->source_name);
	for (i = 0; i < p->n_vols; i++) {
		free(p->vols[i].name);
		free(p->vols[i].path);
		free(p->vols[i].format);
		for (j = 0; j < p->vols[i].n_users; j++) {
			free(p->vols[i].users[j].vm);
			free(p->vols[i].users[j].role);
		}
		free(p->vols[i].users);
	}
	free(p->vols);
	memset(p, 0, sizeof(*p));
}

void vp_pool_infos_free(struct vp_pool_info *p, size_t n)
{
	size_t i;

	for (i = 0; p && i < n; i++)
		vp_pool_info_clear(&p[i]);
	free(p);
}

/* ---- delete ------------------------------------------------------------ */

/* "'a.qcow2' (VM 'web1'), 'b.qcow2' (VMs 'x', 'y')" */
static char *users_text(const struct vp_pool_info *pi)
{
	char *t = vp_strdup("");
	size_t i, j;

	for (i = 0; i < pi->n_vols; i++) {
		const struct vp_pool_vol *v = &pi->vols[i];
		char *n;

		if (!v->n_users)
			continue;
		n = vp_strdup_printf("%s%s'%s' (VM%s ", t, *t ? ", " : "", v->name,
				     v->n_users > 1 ? "s" : "");
		free(t);
		t = n;
		for (j = 0; j < v->n_users; j++) {
			n = vp_strdup_printf("%s%s'%s'%s", t, j ? ", " : "", v->users[j].vm,
					     j + 1 == v->n_users ? ")" : "");
			free(t);
			t = n;
		}
	}
	return t;
}

/* The file system's own lost+found of an fs pool: no one's volume */
static bool fs_own(const struct vp_pool_info *pi, const struct vp_pool_vol *v)
{
	return streq(pi->type, "fs") && streq(v->name, "lost+found");
}

int vp_pool_delete(virConnectPtr conn, const char *name, bool volumes, struct vp_pool_deleted *out,
		   struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	struct vp_pool_info pi = { 0 };
	bool started = false, looked = false;
	size_t i, n_free = 0;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (vp_pool_lookup(conn, name, &pool, err) < 0)
		return -1;
	/* an inactive pool is started to see inside; one that cannot be
	 * (its device or server gone) is only undefined: its storage is
	 * left as it is */
	if (virStoragePoolIsActive(pool) != 1) {
		if (virStoragePoolCreate(pool, 0) == 0)
			started = true;
		virResetLastError();
	}
	if (virStoragePoolIsActive(pool) == 1) {
		if (vp_pool_get(conn, name, true, &pi, err) < 0)
			goto out;
		looked = true;
	}
	if (looked) {
		_cleanup_(freep) char *users = users_text(&pi);

		if (*users) {
			vp_error_set(err, VP_ERR_RUNTIME,
				     "cannot delete storage pool '%s': VMs use its volumes: %s (delete those VMs first)",
				     name, users);
			goto out;
		}
		/* a base in this pool under a volume of another pool */
		for (i = 0; i < pi.n_vols; i++) {
			_cleanup_(freep) char *backs = pi.vols[i].path ? vp_volume_backs(conn, pi.vols[i].path) : NULL;
			size_t nl = strlen(name);

			if (backs && !(strncmp(backs, name, nl) == 0 && backs[nl] == '/')) {
				vp_error_set(err, VP_ERR_RUNTIME,
					     "cannot delete storage pool '%s': its volume '%s' is the backing image of volume '%s'",
					     name, pi.vols[i].name, backs);
				goto out;
			}
		}
		for (i = 0; i < pi.n_vols; i++)
			n_free += !fs_own(&pi, &pi.vols[i]);
		if (n_free && !volumes) {
			_cleanup_(freep) char *list = vp_strdup("");
			size_t k = 0;

			for (i = 0; i < pi.n_vols && k < 5; i++) {
				char *t;

				if (fs_own(&pi, &pi.vols[i]))
					continue;
				t = vp_strdup_printf("%s%s'%s'", list, k++ ? ", " : "", pi.vols[i].name);
				free(list);
				list = t;
			}
			vp_error_set(err, VP_ERR_RUNTIME,
				     "cannot delete storage pool '%s': it holds %zu volume%s no VM uses (%s%s); add --volumes to delete them with it",
				     name, n_free, n_free == 1 ? "" : "s", list, n_free > 5 ? ", ..." : "");
			goto out;
		}
		for (i = 0; i < pi.n_vols; i++) {
			_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

			if (fs_own(&pi, &pi.vols[i]))
				continue;
			if (vp_volume_find(pool, pi.vols[i].name, &vol, err) < 0)
				goto out;
			if (!vol)
				continue;
			if (vp_volume_delete(vol, err) < 0)
				goto out;
			vp_strings_add(&out->volumes, &out->n_volumes, vp_strdup(pi.vols[i].name));
		}
	}
	if (virStoragePoolIsActive(pool) == 1 && virStoragePoolDestroy(pool) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop storage pool '%s'", name);
		goto out;
	}
	started = false;
	/* the directory or mount point, only when empty (libvirt rmdir()s
	 * it); a volume group is never removed */
	if (looked && (streq(pi.type, "dir") || streq(pi.type, "fs") || streq(pi.type, "netfs"))) {
		if (virStoragePoolDelete(pool, 0) == 0)
			out->dir_removed = true;
		virResetLastError();
	}
	if (virStoragePoolIsPersistent(pool) == 1) {
		if (virStoragePoolUndefine(pool) < 0) {
			vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot undefine storage pool '%s'", name);
			goto out;
		}
		out->undefined = true;
	}
	r = 0;
out:
	if (started)
		virStoragePoolDestroy(pool); /* as it was found */
	vp_pool_info_clear(&pi);
	return r;
}

void vp_pool_deleted_clear(struct vp_pool_deleted *d)
{
	if (!d)
		return;
	vp_strings_free(d->volumes, d->n_volumes);
	memset(d, 0, sizeof(*d));
}
