/* provision/clone.c — resolve a clone of a shut-off VM into a plan (its
 * volumes, its NVRAM, the sysprep edit, the definition), then apply it
 * with the journal, so a failure or an interrupt leaves no half volume
 * and no domain.
 *
 * The cloud-init seed: SRC's seed volume is SRC's own (owned="yes"), so
 * its delete removes it; a clone that only referred to it would lose a
 * disk of its definition then and not start.  Dropping it instead would
 * change the machine (a disk fewer, an SMBIOS entry naming a data source
 * that is gone).  So the clone gets a copy as its own volume (NEW-cidata.iso,
 * a few hundred KiB).  The copy carries SRC's instance-id and host name:
 * cloud-init in a plain clone sees the instance it already set up and does
 * nothing again; after --sysprep (which removes /var/lib/cloud) it runs
 * once more from that seed, as it would on SRC.
 */
#include "clone.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "domain.h"
#include "edit.h"
#include "host.h"
#include "inject.h"
#include "metadata.h"
#include "schema.h"
#include "spec.h"
#include "storage.h"
#include "transfer.h"
#include "units.h"
#include "uuid.h"
#include "xmlutil.h"

/* where qemu:///system keeps the NVRAM of a firmware it chose itself */
#define VP_LIBVIRT_NVRAM_DIR "/var/lib/libvirt/qemu/nvram"

/* What the steps share; owned by the plan. */
struct cstate {
	struct vp_clone_result *res;
	xmlDocPtr src_doc;         /* SRC's inactive definition */
	bool local;
	bool validate;
	const char *cache_dir;
	const struct vp_reporter *reporter;
};

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void cstate_free(void *p)
{
	struct cstate *cs = p;

	if (!cs)
		return;
	xmlFreeDoc(cs->src_doc);
	free(cs);
}

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static bool is_ours(xmlNodePtr n, const char *name)
{
	return is_elem(n, name) && n->ns && xmlStrEqual(n->ns->href, BAD_CAST VP_META_NS);
}

/* vprov's <vprov:vm> record in a domain document, or NULL. */
static xmlNodePtr meta_record(xmlDocPtr doc)
{
	xmlNodePtr md = vp_xml_child(xmlDocGetRootElement(doc), "metadata"), c;

	for (c = md ? md->children : NULL; c; c = c->next)
		if (is_ours(c, VP_META_ROOT))
			return c;
	return NULL;
}

static int domain_doc(virDomainPtr dom, unsigned flags, xmlDocPtr *doc, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virDomainGetXMLDesc(dom, flags);

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the definition of VM '%s'",
					virDomainGetName(dom));
	return vp_xml_parse(xml, "a domain definition", doc, err);
}

/* ---- dependents: linked clones built on a VM's disks ------------------- */

char *vp_clone_name_list(char *const *names, size_t n)
{
	char *out = vp_strdup("");
	size_t i;

	for (i = 0; i < n; i++) {
		char *t = vp_strdup_printf("%s%s'%s'", out, i ? ", " : "", names[i]);

		free(out);
		out = t;
	}
	return out;
}

/* The paths of the volumes dom's record says it owns; without a record,
 * of its disks. */
static void own_paths(xmlDocPtr doc, char ***paths, size_t *n)
{
	xmlNodePtr devs = vp_xml_child(xmlDocGetRootElement(doc), "devices"), d, vm, c;

	vm = meta_record(doc);
	for (d = devs && !vm ? devs->children : NULL; d; d = d->next) {
		xmlNodePtr src = is_elem(d, "disk") ? vp_xml_child(d, "source") : NULL;
		char *p = src ? vp_xml_prop(src, "file") : NULL;

		if (!p && src)
			p = vp_xml_prop(src, "dev");
		if (p)
			vp_strings_add(paths, n, p);
	}
	for (c = vm ? vm->children : NULL; c; c = c->next) {
		char *owned = is_ours(c, "volume") ? vp_xml_prop(c, "owned") : NULL;

		if (streq(owned, "yes")) {
			char *p = vp_xml_prop(c, "path");

			if (p)
				vp_strings_add(paths, n, p);
		}
		free(owned);
	}
}

/* Does doc come from vprov clone and is one of its disks built on one of
 * paths (a backing volume of its record)? */
static bool built_on(xmlDocPtr doc, char *const *paths, size_t n)
{
	xmlNodePtr vm = meta_record(doc), c;
	bool cloned = false, hit = false;
	size_t i;

	for (c = vm ? vm->children : NULL; c; c = c->next)
		if (is_ours(c, "clone"))
			cloned = true;
	for (c = vm ? vm->children : NULL; c && cloned && !hit; c = c->next) {
		char *role = is_ours(c, "volume") ? vp_xml_prop(c, "role") : NULL;
		char *p = streq(role, "backing") ? vp_xml_prop(c, "path") : NULL;

		for (i = 0; p && i < n; i++)
			if (!strcmp(p, paths[i]))
				hit = true;
		free(role);
		free(p);
	}
	return hit;
}

int vp_clone_dependents(virDomainPtr dom, char ***names, size_t *n, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	char **paths = NULL;
	size_t n_paths = 0;
	virDomainPtr *doms = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN] = "";
	int nd, i;

	*names = NULL;
	*n = 0;
	if (domain_doc(dom, VIR_DOMAIN_XML_INACTIVE, &doc, err) < 0)
		return -1;
	own_paths(doc, &paths, &n_paths);
	if (!n_paths)
		return 0;
	if (virDomainGetUUIDString(dom, uuid) < 0)
		virResetLastError();
	nd = virConnectListAllDomains(conn, &doms, 0);
	if (nd < 0) {
		vp_strings_free(paths, n_paths);
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the VMs of this host");
	}
	for (i = 0; i < nd; i++) {
		char other[VIR_UUID_STRING_BUFLEN];
		_cleanup_(freep) char *xml = NULL;
		_cleanup_(xmlFreeDocp) xmlDocPtr od = NULL;

		if (virDomainGetUUIDString(doms[i], other) == 0 && strcmp(other, uuid) != 0 &&
		    (xml = virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE)) &&
		    vp_xml_parse(xml, "a domain definition", &od, NULL) == 0 &&
		    built_on(od, paths, n_paths))
			vp_strings_add(names, n, vp_strdup(virDomainGetName(doms[i])));
		virDomainFree(doms[i]);
	}
	free(doms);
	virResetLastError();
	vp_strings_free(paths, n_paths);
	return 0;
}

/* ---- resolve ----------------------------------------------------------- */

static void disk_clear(struct vp_clone_disk *d)
{
	free(d->target);
	free(d->device);
	free(d->src_pool);
	free(d->src_vol);
	free(d->src_path);
	free(d->src_format);
	free(d->src_backing);
	free(d->pool);
	free(d->vol);
	free(d->path);
	free(d->format);
}

void vp_clone_result_clear(struct vp_clone_result *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->n_disks; i++)
		disk_clear(&res->disks[i]);
	free(res->disks);
	for (i = 0; i < res->n_nics; i++) {
		free(res->nics[i].old_mac);
		free(res->nics[i].mac);
	}
	free(res->nics);
	free(res->src);
	free(res->name);
	free(res->uuid);
	free(res->console_log);
	free(res->nvram);
	free(res->src_nvram);
	free(res->xml);
	memset(res, 0, sizeof(*res));
}

struct rctx {
	virConnectPtr conn;
	const struct vp_clone_opts *opts;
	struct vp_clone_result *res;
	struct cstate *cs;
	struct vp_plan *plan;
	struct vp_meta meta;
};

/* Is the volume (pool/name or path) one SRC's record lists, and how? */
static const struct vp_meta_volume *meta_find(const struct vp_meta *m, const char *pool,
					      const char *name, const char *path)
{
	size_t i;

	for (i = 0; i < m->n_vols; i++) {
		const struct vp_meta_volume *v = &m->vols[i];

		if ((path && streq(v->path, path)) ||
		    (pool && name && streq(v->pool, pool) && streq(v->name, name)))
			return v;
	}
	return NULL;
}

static const char *ext_of(const char *format)
{
	if (!format || !strcmp(format, "raw"))
		return "img";
	return format;
}

/* Is name taken in pool, or by an earlier disk of this clone? */
static int vol_taken(struct rctx *c, virStoragePoolPtr pool, const char *pool_name,
		     const char *name, bool *taken, struct vp_error *err)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	size_t i;

	*taken = false;
	for (i = 0; i < c->res->n_disks; i++)
		if (c->res->disks[i].how != VP_CLONE_SHARED && streq(c->res->disks[i].pool, pool_name) &&
		    streq(c->res->disks[i].vol, name))
			*taken = true;
	if (*taken)
		return 0;
	if (vp_volume_find(pool, name, &vol, err) < 0)
		return -1;
	*taken = vol != NULL;
	return 0;
}

/* The clone's volume name: as create names disks (NEW.EXT, NEW-1.EXT, ...),
 * the seed as cloud-init names it (NEW-cidata.iso: taken is an error). */
static int new_volume_name(struct rctx *c, struct vp_clone_disk *d, virStoragePoolPtr pool,
			   struct vp_error *err)
{
	bool taken;
	int i;

	if (d->seed) {
		char *cand = vp_strdup_printf("%s-cidata.iso", c->res->name);

		if (vol_taken(c, pool, d->pool, cand, &taken, err) < 0) {
			free(cand);
			return -1;
		}
		if (taken) {
			vp_error_set(err, VP_ERR_EXISTS,
				     "pool '%s' already has a volume '%s' (the clone's cloud-init seed)",
				     d->pool, cand);
			free(cand);
			return -1;
		}
		d->vol = cand;
		return 0;
	}
	for (i = 0;; i++) {
		char *cand = i ? vp_strdup_printf("%s-%d.%s", c->res->name, i, ext_of(d->format))
			       : vp_strdup_printf("%s.%s", c->res->name, ext_of(d->format));

		if (vol_taken(c, pool, d->pool, cand, &taken, err) < 0) {
			free(cand);
			return -1;
		}
		if (!taken) {
			d->vol = cand;
			return 0;
		}
		free(cand);
	}
}

/* The backing image a volume's description names, if any. */
static char *volume_backing(virStorageVolPtr vol)
{
	_cleanup_(freep) char *xml = virStorageVolGetXMLDesc(vol, 0);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	if (!xml || vp_xml_parse(xml, "a volume description", &doc, NULL) < 0) {
		virResetLastError();
		return NULL;
	}
	return vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL, NULL);
}

/* SRC's volume behind the disk, by pool/volume or by path. */
static int disk_volume(struct rctx *c, const char *type, xmlNodePtr src, virStorageVolPtr *out,
		       char **label, struct vp_error *err)
{
	*out = NULL;
	if (streq(type, "volume")) {
		_cleanup_(freep) char *pname = vp_xml_prop(src, "pool");
		_cleanup_(freep) char *vname = vp_xml_prop(src, "volume");
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;

		*label = vp_strdup_printf("%s/%s", pname ? pname : "?", vname ? vname : "?");
		if (!pname || !vname)
			return 0;
		if (vp_pool_lookup(c->conn, pname, &pool, err) < 0)
			return -1;
		return vp_volume_find(pool, vname, out, err);
	}
	if (streq(type, "file") || streq(type, "block")) {
		char *p = vp_xml_prop(src, streq(type, "file") ? "file" : "dev");

		*label = p;
		if (!p)
			return 0;
		return vp_volume_find_by_path(c->conn, p, out, err);
	}
	*label = NULL;
	return 0;
}

static int resolve_disk(struct rctx *c, xmlNodePtr node, struct vp_error *err)
{
	struct vp_clone_result *res = c->res;
	struct vp_clone_disk *d;
	_cleanup_(freep) char *type = vp_xml_prop(node, "type");
	_cleanup_(freep) char *label = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	xmlNodePtr src = vp_xml_child(node, "source");
	const struct vp_meta_volume *mv = NULL;
	struct vp_vol_info vi = { 0 };
	bool owned, shared_flag;
	int r = -1;

	res->disks = vp_grow(res->disks, res->n_disks + 1, sizeof(*res->disks));
	d = &res->disks[res->n_disks++];
	memset(d, 0, sizeof(*d));
	d->device = vp_xml_prop(node, "device");
	if (!d->device)
		d->device = vp_strdup("disk");
	d->target = vp_xml_prop(vp_xml_child(node, "target"), "dev");
	d->src_format = vp_xml_prop(vp_xml_child(node, "driver"), "type");
	shared_flag = vp_xml_child(node, "shareable") != NULL;
	d->writable = !vp_xml_child(node, "readonly") && !shared_flag &&
		      (streq(d->device, "disk") || streq(d->device, "lun"));
	d->how = VP_CLONE_SHARED;
	if (src && disk_volume(c, type, src, &vol, &label, err) < 0)
		return -1;
	if (vol) {
		if (vp_volume_describe(vol, &vi, err) < 0)
			return -1;
		d->src_pool = vp_strdup(vi.pool);
		d->src_vol = vp_strdup(vi.name);
		d->src_path = vp_strdup(vi.path);
		d->capacity = vi.capacity;
		if (!d->src_format)
			d->src_format = vp_strdup(vi.format ? vi.format : "raw");
	} else if (label && !streq(type, "volume")) {
		d->src_path = vp_strdup(label);
	}
	if (c->meta.present)
		mv = meta_find(&c->meta, d->src_pool, d->src_vol, d->src_path);
	d->seed = mv && streq(mv->role, "seed") && mv->owned;
	/* SRC's own disks: its record says so; without a record, every
	 * writable disk (as virt-clone copies them) */
	owned = c->meta.present ? (mv && mv->owned) : d->writable;
	d->pool = vp_strdup(d->src_pool);
	d->vol = vp_strdup(d->src_vol);
	d->path = vp_strdup(d->src_path);
	d->format = vp_strdup(d->src_format);
	if (!src || !label || (!d->writable && !d->seed) || !owned) {
		if (d->writable && label)
			vp_plan_warn(c->plan,
				     "disk %s ('%s') is not VM '%s''s own (vprov did not create it): the clone uses it too, so never run both at once",
				     d->target ? d->target : "?", label, res->src);
		vp_vol_info_clear(&vi);
		return 0;
	}
	/* a copy would need a secret of its own; an overlay would hold the
	 * clone's writes unencrypted */
	if (vp_xml_child(src, "encryption") || vp_xml_child(node, "encryption")) {
		vp_error_set(err, VP_ERR_INVALID,
			     "cannot clone VM '%s': disk %s is LUKS-encrypted, and vprov does not clone encrypted disks",
			     res->src, d->target ? d->target : "?");
		goto out;
	}
	if (!vol) {
		vp_error_set(err, VP_ERR_INVALID,
			     "disk %s of VM '%s' ('%s') is in no active storage pool, so it cannot be copied through the pool API (define a pool for its directory)",
			     d->target ? d->target : "?", res->src, label);
		goto out;
	}
	if (vp_pool_lookup(c->conn, d->src_pool, &pool, err) < 0)
		goto out;
	d->src_backing = volume_backing(vol);
	if (c->opts->linked && !d->seed) {
		d->how = VP_CLONE_OVERLAY;
		vp_set_str(&d->format, "qcow2");
	} else if (d->src_backing && streq(d->src_format, "qcow2")) {
		virStorageVolInfo info;

		d->how = VP_CLONE_STREAM;
		/* the file's length; hosts that cannot say (older, or libvirt's
		 * test driver) give what it holds */
		if (virStorageVolGetInfoFlags(vol, &info, VIR_STORAGE_VOL_GET_PHYSICAL) < 0 &&
		    (!vp_libvirt_error_is(VIR_ERR_NO_SUPPORT) || virStorageVolGetInfo(vol, &info) < 0)) {
			vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the size of volume '%s/%s'",
					 d->src_pool, d->src_vol);
			goto out;
		}
		d->physical = info.allocation;
	} else {
		d->how = VP_CLONE_COPY;
	}
	free(d->vol);
	d->vol = NULL;
	if (new_volume_name(c, d, pool, err) < 0)
		goto out;
	free(d->path);
	d->path = NULL;
	if (vi.path) {
		/* where the host will put it: beside SRC's in the same pool */
		const char *slash = strrchr(vi.path, '/');

		if (slash)
			d->path = vp_strdup_printf("%.*s/%s", (int)(slash - vi.path), vi.path, d->vol);
	}
	r = 0;
out:
	vp_vol_info_clear(&vi);
	return r;
}

/* Every MAC address the VMs of this host use (lowercase). */
static void host_macs(virConnectPtr conn, char ***out, size_t *n)
{
	virDomainPtr *doms = NULL;
	int nd = virConnectListAllDomains(conn, &doms, 0), i;

	for (i = 0; i < nd; i++) {
		_cleanup_(freep) char *xml = virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE);
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		xmlNodePtr devs, c;

		if (xml && vp_xml_parse(xml, "a domain definition", &doc, NULL) == 0) {
			devs = vp_xml_child(xmlDocGetRootElement(doc), "devices");
			for (c = devs ? devs->children : NULL; c; c = c->next) {
				char *m = is_elem(c, "interface") ? vp_xml_prop(vp_xml_child(c, "mac"), "address") : NULL;
				char *p;

				for (p = m; p && *p; p++)
					if (*p >= 'A' && *p <= 'F')
						*p = (char)(*p - 'A' + 'a');
				if (m)
					vp_strings_add(out, n, m);
			}
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virResetLastError();
}

static bool in_list(char *const *l, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return true;
	return false;
}

static int resolve_nics(struct rctx *c, struct vp_error *err)
{
	xmlNodePtr devs = vp_xml_child(xmlDocGetRootElement(c->cs->src_doc), "devices"), n;
	char **used = NULL;
	size_t n_used = 0;

	host_macs(c->conn, &used, &n_used);
	for (n = devs ? devs->children : NULL; n; n = n->next) {
		struct vp_clone_nic *nic;
		char mac[18];
		int tries = 0;

		if (!is_elem(n, "interface"))
			continue;
		c->res->nics = vp_grow(c->res->nics, c->res->n_nics + 1, sizeof(*c->res->nics));
		nic = &c->res->nics[c->res->n_nics++];
		nic->old_mac = vp_xml_prop(vp_xml_child(n, "mac"), "address");
		do
			vp_mac_random(mac);
		while (in_list(used, n_used, mac) && ++tries < 100);
		nic->mac = vp_strdup(mac);
		vp_strings_add(&used, &n_used, vp_strdup(mac));
	}
	vp_strings_free(used, n_used);
	return 0;
}

/* path with SRC's name in its last component replaced by NEW's, or NULL
 * when the last component does not hold SRC's name. */
static char *renamed(const char *path, const char *src, const char *name)
{
	const char *base = strrchr(path, '/');
	const char *hit;

	base = base ? base + 1 : path;
	hit = strstr(base, src);
	if (!hit)
		return NULL;
	return vp_strdup_printf("%.*s%s%s", (int)(hit - path), path, name, hit + strlen(src));
}

static void resolve_files(struct rctx *c)
{
	xmlNodePtr root = xmlDocGetRootElement(c->cs->src_doc);
	xmlNodePtr devs = vp_xml_child(root, "devices"), n;
	_cleanup_(freep) char *nv = vp_xml_text(vp_xml_child(vp_xml_child(root, "os"), "nvram"));

	for (n = devs ? devs->children : NULL; n && !c->res->console_log; n = n->next) {
		_cleanup_(freep) char *log = NULL;

		if (is_elem(n, "serial") || is_elem(n, "console"))
			log = vp_xml_prop(vp_xml_child(n, "log"), "file");
		if (log)
			c->res->console_log = renamed(log, c->res->src, c->res->name);
		if (log && !c->res->console_log)
			vp_plan_warn(c->plan,
				     "the console log '%s' is not named after VM '%s': the clone logs to it too",
				     log, c->res->src);
	}
	if ((!nv || !*nv) && c->cs->local) {
		/* a firmware libvirt chooses (firmware='efi') keeps its variables
		 * where it always does, named after the VM, out of the definition */
		_cleanup_(freep) char *fw = vp_xml_prop(vp_xml_child(root, "os"), "firmware");
		_cleanup_(freep) char *uri = virConnectGetURI(c->conn);

		if (streq(fw, "efi") && uri && !strncmp(uri, "qemu", 4) && strstr(uri, "/system")) {
			c->res->src_nvram = vp_strdup_printf(VP_LIBVIRT_NVRAM_DIR "/%s_VARS.fd", c->res->src);
			c->res->nvram = vp_strdup_printf(VP_LIBVIRT_NVRAM_DIR "/%s_VARS.fd", c->res->name);
			c->res->nvram_implicit = true;
		}
		virResetLastError();
	} else if (nv && *nv) {
		char *dir_end = strrchr(nv, '/');

		c->res->src_nvram = vp_strdup(nv);
		c->res->nvram = renamed(nv, c->res->src, c->res->name);
		if (!c->res->nvram)
			c->res->nvram = vp_strdup_printf("%.*s/%s_VARS.fd",
							 dir_end ? (int)(dir_end - nv) : 0, nv,
							 c->res->name);
	}
}

/* ---- the clone's document --------------------------------------------- */

static void set_disk_source(xmlNodePtr node, const struct vp_clone_disk *d)
{
	_cleanup_(freep) char *type = vp_xml_prop(node, "type");
	xmlNodePtr src = vp_xml_child(node, "source"), drv = vp_xml_child(node, "driver"), c;

	if (streq(type, "volume")) {
		vp_xml_set(src, "pool", d->pool);
		vp_xml_set(src, "volume", d->vol);
	} else if (streq(type, "block")) {
		vp_xml_set(src, "dev", d->path);
	} else {
		vp_xml_set(src, "file", d->path);
	}
	if (drv)
		vp_xml_set(drv, "type", d->format);
	/* a chain spelled out in the definition is SRC's: the host finds the
	 * clone's in its header */
	while ((c = vp_xml_child(node, "backingStore")))
		vp_xml_drop(c);
}

static xmlNodePtr meta_add(xmlNodePtr vm, const char *name)
{
	xmlNodePtr n = vp_xml_add(vm, name, NULL);

	xmlSetNs(n, vm->ns);
	return n;
}

static void update_record(xmlDocPtr doc, const struct vp_clone_result *res, const char *src_uuid)
{
	xmlNodePtr vm = meta_record(doc), c, n;
	size_t i;

	if (!vm) {
		/* SRC was not made by vprov: the clone gets a record, so that its
		 * delete knows its volumes */
		xmlNodePtr root = xmlDocGetRootElement(doc);
		xmlNodePtr md = vp_xml_child(root, "metadata");
		xmlNsPtr ns;

		if (!md)
			md = vp_xml_add_before(root, vp_xml_child(root, "memory"), "metadata");
		vm = vp_xml_add(md, VP_META_ROOT, NULL);
		ns = xmlNewNs(vm, BAD_CAST VP_META_NS, BAD_CAST VP_META_PREFIX);
		xmlSetNs(vm, ns);
		vp_xml_set(vm, "version", VP_VERSION);
	}
	for (c = vm->children; c;) {
		xmlNodePtr next = c->next;

		/* SRC's origin record, if it is a clone itself, is not the clone's */
		if (is_ours(c, "clone"))
			vp_xml_drop(c);
		/* what SRC owns stays SRC's (an install run's kernel, say): the
		 * clone's delete must never remove it; its own volumes follow */
		else if (is_ours(c, "volume"))
			vp_xml_set(c, "owned", "no");
		c = next;
	}
	for (i = 0; i < res->n_disks; i++) {
		const struct vp_clone_disk *d = &res->disks[i];
		xmlNodePtr v = NULL;

		if (d->how == VP_CLONE_SHARED)
			continue;
		for (c = vm->children; c && !v; c = c->next) {
			_cleanup_(freep) char *p = is_ours(c, "volume") ? vp_xml_prop(c, "path") : NULL;
			_cleanup_(freep) char *po = is_ours(c, "volume") ? vp_xml_prop(c, "pool") : NULL;
			_cleanup_(freep) char *nm = is_ours(c, "volume") ? vp_xml_prop(c, "name") : NULL;
			_cleanup_(freep) char *role = is_ours(c, "volume") ? vp_xml_prop(c, "role") : NULL;

			if (!streq(role, "backing") &&
			    ((d->src_path && streq(p, d->src_path)) ||
			     (streq(po, d->src_pool) && streq(nm, d->src_vol))))
				v = c;
		}
		if (!v) {
			v = meta_add(vm, "volume");
			vp_xml_set(v, "role", d->seed ? "seed" : "disk");
		}
		vp_xml_set(v, "owned", "yes");
		vp_xml_set(v, "pool", d->pool);
		vp_xml_set(v, "name", d->vol);
		vp_xml_set(v, "path", d->path);
		if (d->how == VP_CLONE_OVERLAY) {
			/* SRC's volume, used and never removed by the clone */
			n = meta_add(vm, "volume");
			vp_xml_set(n, "role", "backing");
			vp_xml_set(n, "owned", "no");
			vp_xml_set(n, "pool", d->src_pool);
			vp_xml_set(n, "name", d->src_vol);
			vp_xml_set(n, "path", d->src_path);
		}
	}
	n = meta_add(vm, "clone");
	vp_xml_set(n, "source", res->src);
	vp_xml_set(n, "source-uuid", src_uuid);
	vp_xml_set(n, "linked", res->linked ? "yes" : "no");
}

/* The clone's definition: SRC's with everything that makes a machine
 * itself replaced. */
static int build_doc(struct cstate *cs, xmlDocPtr *out, struct vp_error *err)
{
	const struct vp_clone_result *res = cs->res;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlCopyDoc(cs->src_doc, 1);
	_cleanup_(freep) char *src_uuid = NULL;
	xmlNodePtr root, devs, n, os, nv;
	size_t di = 0, ni = 0;

	if (!doc)
		vp_oom();
	root = xmlDocGetRootElement(doc);
	src_uuid = vp_xml_text(vp_xml_child(root, "uuid"));
	vp_xml_set_text(vp_xml_child(root, "name"), res->name);
	if (vp_xml_child(root, "uuid"))
		vp_xml_set_text(vp_xml_child(root, "uuid"), res->uuid);
	else
		vp_xml_set_text(vp_xml_add_before(root, vp_xml_child(root, "memory"), "uuid"), res->uuid);
	devs = vp_xml_child(root, "devices");
	for (n = devs ? devs->children : NULL; n; n = n->next) {
		if (is_elem(n, "disk")) {
			if (di < res->n_disks && res->disks[di].how != VP_CLONE_SHARED)
				set_disk_source(n, &res->disks[di]);
			di++;
		} else if (is_elem(n, "interface")) {
			xmlNodePtr mac = vp_xml_child(n, "mac"), t;

			if (ni < res->n_nics) {
				if (!mac)
					mac = vp_xml_add(n, "mac", NULL);
				vp_xml_set(mac, "address", res->nics[ni].mac);
			}
			ni++;
			/* a device name SRC was given (vnet0) would clash */
			if ((t = vp_xml_child(n, "target")))
				vp_xml_drop(t);
		} else if ((is_elem(n, "serial") || is_elem(n, "console")) && res->console_log) {
			xmlNodePtr log = vp_xml_child(n, "log");
			_cleanup_(freep) char *f = vp_xml_prop(log, "file");
			_cleanup_(freep) char *nf = f ? renamed(f, res->src, res->name) : NULL;

			if (nf)
				vp_xml_set(log, "file", nf);
		}
	}
	os = vp_xml_child(root, "os");
	nv = vp_xml_child(os, "nvram");
	if (nv && res->src_nvram) {
		if (res->nvram)
			vp_xml_set_text(nv, res->nvram);
		else /* libvirt makes a fresh one from its template */
			vp_xml_drop(nv);
	}
	update_record(doc, res, src_uuid);
	if (cs->validate && vp_schema_validate(VP_SCHEMA_DOMAIN, doc, err) < 0)
		return -1;
	*out = TAKE_PTR(doc);
	return 0;
}

/* ---- the steps --------------------------------------------------------- */

static int check_off(virDomainPtr dom, const char *name, struct vp_error *err);

static struct cstate *state_of(struct vp_apply *ap)
{
	return ap->plan->ctx;
}

static size_t index_of(const struct vp_step *st)
{
	return (size_t)(uintptr_t)st->data;
}

static int step_volume(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct vp_clone_disk *d = &cs->res->disks[index_of(st)];
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr src_pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr from = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	struct vp_volume_request req = {
		.name = d->vol,
		.capacity = d->capacity,
		.format = d->format,
		.sparse = true,
	};
	struct vp_vol_info vi = { 0 };

	if (vp_pool_lookup(ap->conn, d->pool, &pool, err) < 0 ||
	    vp_pool_lookup(ap->conn, d->src_pool, &src_pool, err) < 0 ||
	    vp_volume_find(src_pool, d->src_vol, &from, err) < 0)
		return -1;
	if (!from)
		return vp_error_set(err, VP_ERR_NOT_FOUND, "volume '%s/%s' of VM '%s' is gone",
				    d->src_pool, d->src_vol, cs->res->src);
	/* a copy of a disk being written is no copy */
	{
		_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(ap->conn, cs->res->src);

		if (!dom)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot find VM '%s' any more",
						cs->res->src);
		if (check_off(dom, cs->res->src, err) < 0)
			return -1;
	}
	switch (d->how) {
	case VP_CLONE_COPY:
		req.copy_of = from;
		break;
	case VP_CLONE_OVERLAY:
		req.backing_path = d->src_path;
		req.backing_format = d->src_format;
		break;
	case VP_CLONE_STREAM:
		/* the file as it is (a qcow2 naming its backing image) */
		req.format = "raw";
		req.capacity = d->physical;
		break;
	case VP_CLONE_SHARED:
		return 0;
	}
	if (vp_volume_create_step(ap, pool, d->pool, &req, d->path, &vol, err) < 0) {
		if (err->cause == VIR_ERR_STORAGE_VOL_EXIST)
			return vp_error_set(err, VP_ERR_EXISTS,
					    "volume '%s' in pool '%s' was made meanwhile by someone else",
					    d->vol, d->pool);
		return -1;
	}
	if (d->how == VP_CLONE_STREAM) {
		_cleanup_(freep) char *stage = vp_strdup_printf("copy %s", d->src_vol);
		struct vp_transfer_opts to = { .stage = stage, .reporter = cs->reporter };
		struct vp_transfer_result tr;

		if (vp_volume_transfer(from, vol, &to, &tr, err) < 0)
			return -1;
	}
	/* the host has the last word on where the volume is */
	if (vp_volume_describe(vol, &vi, err) < 0)
		return -1;
	if (vi.path)
		vp_set_str(&d->path, vi.path);
	vp_vol_info_clear(&vi);
	return 0;
}

/* A copy of SRC's NVRAM (the firmware's variables: its boot entries). */
static int step_nvram(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	const struct vp_clone_result *res = cs->res;
	_cleanup_(closep) int in = -1;
	_cleanup_(closep) int out = -1;
	json_object *u, *id;
	struct stat sb;
	char buf[65536];
	ssize_t n;
	int idx;

	(void)st;
	in = open(res->src_nvram, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		if (errno == ENOENT)
			return 0; /* SRC never ran: libvirt makes the clone's from its template */
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s': %s", res->src_nvram,
				    strerror(errno));
	}
	u = vp_undo_new("file");
	vp_undo_set(u, "path", res->nvram);
	if ((idx = vp_apply_intent(ap, u, err)) < 0)
		return -1;
	out = open(res->nvram, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		vp_apply_failed(ap, idx);
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot create '%s': %s", res->nvram,
				    strerror(errno));
	}
	if (fstat(out, &sb) == 0) {
		id = json_object_new_object();
		json_object_object_add(id, "dev", json_object_new_int64((int64_t)sb.st_dev));
		json_object_object_add(id, "ino", json_object_new_int64((int64_t)sb.st_ino));
		vp_apply_done(ap, idx, id);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", res->nvram,
					    strerror(errno));
	if (n < 0 || fsync(out) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot copy '%s': %s", res->src_nvram,
				    strerror(errno));
	/* the owner libvirt gave SRC's */
	if (fstat(in, &sb) == 0 && fchown(out, sb.st_uid, sb.st_gid) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot change the owner of '%s': %s",
				    res->nvram, strerror(errno));
	return 0;
}

static int step_sysprep(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	const struct vp_clone_result *res = cs->res;
	_cleanup_(freep) struct vp_inject_disk *disks = vp_calloc(res->n_disks + 1, sizeof(*disks));
	struct vp_edit_list edits = { 0 };
	struct vp_inject_opts o = {
		.force_tcg = vp_inject_want_tcg(ap->conn, cs->cache_dir),
		.reporter = cs->reporter,
	};
	struct vp_inject_result ir = { 0 };
	size_t i, n = 0;
	int r;

	(void)st;
	for (i = 0; i < res->n_disks; i++)
		if (res->disks[i].how != VP_CLONE_SHARED && !res->disks[i].seed)
			disks[n++] = (struct vp_inject_disk){ .path = res->disks[i].path,
							      .format = res->disks[i].src_format &&
									res->disks[i].how != VP_CLONE_OVERLAY ?
									res->disks[i].src_format :
									"qcow2" };
	if (vp_edit_list_add(&edits, "sysprep", NULL, err) < 0)
		return -1;
	/* nothing to undo: the volumes' own undo removes what was edited */
	r = vp_inject_apply(disks, n, &edits, &o, &ir, err);
	vp_inject_result_clear(&ir);
	vp_edit_list_clear(&edits);
	return r;
}

static json_object *domain_undo(const struct vp_clone_result *res)
{
	json_object *u = vp_undo_new("domain");

	vp_undo_set(u, "uuid", res->uuid);
	vp_undo_set(u, "name", res->name);
	return u;
}

static int step_define(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct vp_clone_result *res = cs->res;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	int idx;

	(void)st;
	if (build_doc(cs, &doc, err) < 0)
		return -1;
	free(res->xml);
	res->xml = vp_xml_format(doc);
	if ((idx = vp_apply_intent(ap, domain_undo(res), err)) < 0)
		return -1;
	dom = virDomainDefineXML(ap->conn, res->xml);
	if (!dom) {
		_cleanup_(virDomainFreep) virDomainPtr other = NULL;
		char uuid[VIR_UUID_STRING_BUFLEN];

		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot define VM '%s'", res->name);
		other = virDomainLookupByName(ap->conn, res->name);
		if (other && virDomainGetUUIDString(other, uuid) == 0 && !streq(uuid, res->uuid)) {
			vp_apply_failed(ap, idx);
			vp_error_set(err, VP_ERR_EXISTS,
				     "a VM named '%s' was made meanwhile by someone else", res->name);
		}
		virResetLastError();
		return -1;
	}
	return 0;
}

static const char *how_word(const struct vp_clone_disk *d)
{
	switch (d->how) {
	case VP_CLONE_COPY:
		return "copy";
	case VP_CLONE_STREAM:
		return "copy";
	case VP_CLONE_OVERLAY:
		return "overlay";
	case VP_CLONE_SHARED:
		break;
	}
	return "shared";
}

static void add_steps(struct rctx *c)
{
	const struct vp_clone_result *res = c->res;
	struct vp_step *st;
	char size[32];
	size_t i;

	for (i = 0; i < res->n_disks; i++) {
		const struct vp_clone_disk *d = &res->disks[i];

		if (d->how == VP_CLONE_SHARED)
			continue;
		vp_format_size(d->capacity, size, sizeof(size));
		if (d->how == VP_CLONE_OVERLAY)
			st = vp_plan_add(c->plan, "volume", step_volume,
					 "create volume '%s' in pool '%s' (%s, qcow2, linked clone of '%s')",
					 d->vol, d->pool, size, d->src_path);
		else if (d->how == VP_CLONE_STREAM)
			st = vp_plan_add(c->plan, "volume", step_volume,
					 "copy volume '%s/%s' to '%s' in pool '%s' (%s, %s, keeping its backing image '%s')",
					 d->src_pool, d->src_vol, d->vol, d->pool, size, d->format,
					 d->src_backing);
		else
			st = vp_plan_add(c->plan, "volume", step_volume,
					 "copy volume '%s/%s' to '%s' in pool '%s' (%s, %s%s)", d->src_pool,
					 d->src_vol, d->vol, d->pool, size, d->format,
					 d->seed ? ", the cloud-init seed" : "");
		st->data = (void *)(uintptr_t)i;
		vp_step_detail_str(st, "target", d->target);
		vp_step_detail_str(st, "action", how_word(d));
		vp_step_detail_str(st, "from", d->src_path ? d->src_path : d->src_vol);
		vp_step_detail_str(st, "pool", d->pool);
		vp_step_detail_str(st, "volume", d->vol);
		vp_step_detail_str(st, "path", d->path);
		vp_step_detail_str(st, "format", d->format);
		vp_step_detail_u64(st, "capacity_bytes", d->capacity);
		if (d->how == VP_CLONE_OVERLAY)
			vp_step_detail_str(st, "backing_store", d->src_path);
		else if (d->src_backing)
			vp_step_detail_str(st, "backing_store", d->src_backing);
	}
	if (res->nvram && c->cs->local) {
		st = vp_plan_add(c->plan, "nvram", step_nvram, "copy the NVRAM '%s' to '%s'",
				 res->src_nvram, res->nvram);
		vp_step_detail_str(st, "from", res->src_nvram);
		vp_step_detail_str(st, "path", res->nvram);
	}
	if (res->sysprep) {
		st = vp_plan_add(c->plan, "inject", step_sysprep,
				 "reset the clone's disks for a new machine (one libguestfs launch): --sysprep (empty /etc/machine-id, no SSH host keys, no /var/lib/cloud, logs and leases cleared)");
		vp_step_detail_str(st, "edits", "--sysprep");
	}
	st = vp_plan_add(c->plan, "define", step_define, "define VM '%s' (a %s clone of '%s', UUID %s)",
			 res->name, res->linked ? "linked" : "full", res->src, res->uuid);
	vp_step_detail_str(st, "vm", res->name);
	vp_step_detail_str(st, "uuid", res->uuid);
	vp_step_detail_str(st, "source", res->src);
}

static int check_off(virDomainPtr dom, const char *name, struct vp_error *err)
{
	int state = 0, reason = 0;

	if (virDomainGetState(dom, &state, &reason, 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'", name);
	if (state != VIR_DOMAIN_SHUTOFF)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "VM '%s' is %s: a clone is made of a shut-off VM (stop it first with 'vprov stop %s')",
				    name, vp_state_name(state), name);
	return 0;
}

int vp_clone_plan(virConnectPtr conn, const char *src, const char *new_name,
		  const struct vp_clone_opts *opts, struct vp_clone_result *res,
		  struct vp_plan **out, struct vp_error *err)
{
	struct rctx c = { .conn = conn, .opts = opts, .res = res };
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	_cleanup_(virDomainFreep) virDomainPtr taken = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *xml = NULL;
	xmlNodePtr devs, n;
	char uuid[37];
	size_t i, editable = 0;
	int r = -1;

	memset(res, 0, sizeof(*res));
	*out = NULL;
	if (vp_name_check(new_name, err) < 0)
		return -1;
	if (vp_domain_lookup(conn, src, &dom, err) < 0)
		return -1;
	if (!strcmp(src, new_name))
		return vp_error_set(err, VP_ERR_EXISTS, "a VM named '%s' already exists (it is the one to clone)",
				    new_name);
	taken = virDomainLookupByName(conn, new_name);
	if (taken)
		return vp_error_set(err, VP_ERR_EXISTS, "a VM named '%s' already exists", new_name);
	if (!vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up VM '%s'", new_name);
	virResetLastError();
	if (check_off(dom, src, err) < 0)
		return -1;
	res->src = vp_strdup(src);
	res->name = vp_strdup(new_name);
	res->linked = opts->linked;
	res->sysprep = opts->sysprep;
	if (opts->uuid)
		snprintf(uuid, sizeof(uuid), "%s", opts->uuid);
	else if (vp_uuid_generate(uuid, err) < 0)
		return -1;
	res->uuid = vp_strdup(uuid);

	c.cs = vp_calloc(1, sizeof(*c.cs));
	c.cs->res = res;
	c.cs->cache_dir = opts->cache_dir;
	c.cs->reporter = opts->reporter;
	c.cs->local = vp_conn_is_local(conn);
	c.cs->validate = true;
	c.plan = vp_plan_new("clone", new_name);
	c.plan->ctx = c.cs;
	c.plan->free_ctx = cstate_free;
	/* with its secrets (a VNC password), which the clone keeps */
	xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml) {
		virResetLastError();
		xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
	}
	if (!xml) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the definition of VM '%s'", src);
		goto out;
	}
	if (vp_xml_parse(xml, "a domain definition", &c.cs->src_doc, err) < 0)
		goto out;
	vp_meta_read(c.cs->src_doc, &c.meta, NULL);
	if (opts->sysprep && !c.cs->local) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--sysprep edits the clone's disks with libguestfs on this machine, and the connection is to another host");
		goto out;
	}
	devs = vp_xml_child(xmlDocGetRootElement(c.cs->src_doc), "devices");
	for (n = devs ? devs->children : NULL; n; n = n->next)
		if (is_elem(n, "disk") && resolve_disk(&c, n, err) < 0)
			goto out;
	for (i = 0; i < res->n_disks; i++)
		if (res->disks[i].how != VP_CLONE_SHARED && !res->disks[i].seed)
			editable++;
	if (opts->sysprep && !editable) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--sysprep has no disk to edit: VM '%s' has no disk of its own that the clone copies",
			     src);
		goto out;
	}
	if (resolve_nics(&c, err) < 0)
		goto out;
	resolve_files(&c);
	if (res->nvram && c.cs->local) {
		struct stat sb;

		if (lstat(res->nvram, &sb) == 0) {
			vp_error_set(err, VP_ERR_EXISTS,
				     "'%s' exists already (the NVRAM of an earlier VM named '%s'?)",
				     res->nvram, new_name);
			goto out;
		}
	}
	if (res->nvram && !c.cs->local) {
		vp_plan_warn(c.plan,
			     "the NVRAM of VM '%s' is on another host and is not copied: the clone starts with fresh firmware variables",
			     src);
		free(res->nvram);
		res->nvram = NULL;
	}
	if (opts->linked)
		vp_plan_note(c.plan,
			     "a linked clone is built on the disks of VM '%s': vprov refuses to start, edit or delete '%s' while the clone exists, since any change to them would corrupt the clone",
			     src, src);
	/* the document, validated before anything is made; define builds it
	 * again with the volumes' final paths */
	if (build_doc(c.cs, &doc, err) < 0)
		goto out;
	res->xml = vp_xml_format(doc);
	add_steps(&c);
	*out = TAKE_PTR(c.plan);
	r = 0;
out:
	vp_meta_clear(&c.meta);
	vp_plan_free(c.plan);
	return r;
}

int vp_domain_clone(virConnectPtr conn, const char *src, const char *new_name,
		    const struct vp_clone_opts *opts, struct vp_clone_result *res,
		    struct vp_plan **plan_out, struct vp_undo_report *undo, struct vp_error *err)
{
	struct vp_apply_opts ao = {
		.state_dir = opts->state_dir,
		.reporter = opts->reporter,
		.fail_at = opts->fail_at,
		.hook = opts->hook,
		.hook_opaque = opts->hook_opaque,
	};
	struct vp_plan *plan = NULL;
	struct vp_lock lock = { .fd = -1 };
	int r = -1;

	if (undo)
		memset(undo, 0, sizeof(*undo));
	if (plan_out)
		*plan_out = NULL;
	memset(res, 0, sizeof(*res));
	if (!opts->dry_run && new_name && vp_name_check(new_name, err) == 0 &&
	    vp_journal_lock(conn, opts->state_dir, "vm", new_name, opts->reporter, &lock, err) < 0)
		return -1;
	if (vp_clone_plan(conn, src, new_name, opts, res, &plan, err) < 0)
		goto out;
	if (opts->dry_run) {
		vp_plan_report_warnings(plan, opts->reporter);
		r = 0;
		goto out;
	}
	r = vp_plan_apply(conn, plan, &ao, undo, err);
out:
	vp_journal_unlock(&lock);
	if (plan_out)
		*plan_out = plan;
	else
		vp_plan_free(plan);
	return r;
}

int vp_clone_refuse_dependents(virDomainPtr dom, const char *why, const char *what_to_do,
			       struct vp_error *err)
{
	char **deps = NULL;
	size_t n = 0;
	_cleanup_(freep) char *list = NULL;

	if (vp_clone_dependents(dom, &deps, &n, err) < 0)
		return -1;
	if (!n)
		return 0;
	list = vp_clone_name_list(deps, n);
	vp_strings_free(deps, n);
	return vp_error_set(err, VP_ERR_RUNTIME,
			    "VM '%s' has linked clones built on its disks: %s (%s; %s)",
			    virDomainGetName(dom), list, why, what_to_do);
}
