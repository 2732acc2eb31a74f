/* provision/snapshot_ext.c — external (--disk-only) snapshots, which
 * libvirt 9.0 can take but not revert, and delete only in part: vprov does
 * both itself (see snapshot.h for the model).
 *
 * A disk's images: the one the VM writes (the top), and below it, each
 * read-only from then on, the image that was the top when a snapshot was
 * taken (its "frozen" image: the snapshot's own <domain> names it).
 * Overlays vprov makes are pool volumes beside the disk named
 * VM-TARGET.SNAP.qcow2 (VM-TARGET.SNAP-N.qcow2 when that is taken); only
 * volumes named so, with a backing image, are ever removed here. */
#include "snapshot_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "host.h"
#include "plan.h"
#include "run.h"
#include "schema.h"
#include "storage.h"
#include "xmlutil.h"


void vp_sdisks_clear(struct vp_sdisks *l)
{
	size_t i;

	for (i = 0; l && i < l->n; i++) {
		free(l->d[i].target);
		free(l->d[i].path);
		free(l->d[i].format);
		free(l->d[i].type);
	}
	if (l) {
		free(l->d);
		memset(l, 0, sizeof(*l));
	}
}

/* The path of volume vol in pool (type='volume' disks). */
static char *volume_path(virConnectPtr conn, const char *pool, const char *vol)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr v = NULL;
	struct vp_vol_info vi = { 0 };
	char *path;

	if (!pool || !vol || !(p = virStoragePoolLookupByName(conn, pool)) ||
	    !(v = virStorageVolLookupByName(p, vol)) || vp_volume_describe(v, &vi, NULL) < 0) {
		virResetLastError();
		return NULL;
	}
	path = TAKE_PTR(vi.path);
	vp_vol_info_clear(&vi);
	return path;
}

int vp_sdisks_read(virConnectPtr conn, xmlNodePtr domain, struct vp_sdisks *out)
{
	xmlNodePtr devs = vp_xml_child(domain, "devices"), d;

	memset(out, 0, sizeof(*out));
	for (d = devs ? devs->children : NULL; d; d = d->next) {
		_cleanup_(freep) char *device = NULL;
		struct vp_sdisk *s;
		xmlNodePtr src;

		if (d->type != XML_ELEMENT_NODE || xmlStrcmp(d->name, BAD_CAST "disk"))
			continue;
		out->d = vp_grow(out->d, out->n + 1, sizeof(*out->d));
		s = &out->d[out->n++];
		memset(s, 0, sizeof(*s));
		device = vp_xml_prop(d, "device");
		s->target = vp_xml_prop(vp_xml_child(d, "target"), "dev");
		s->type = vp_xml_prop(d, "type");
		s->format = vp_xml_prop(vp_xml_child(d, "driver"), "type");
		s->skip = (device && strcmp(device, "disk")) || vp_xml_child(d, "readonly") ||
			  vp_xml_child(d, "shareable") || !s->target;
		src = vp_xml_child(d, "source");
		if (s->type && !strcmp(s->type, "volume")) {
			_cleanup_(freep) char *pool = vp_xml_prop(src, "pool");
			_cleanup_(freep) char *vol = vp_xml_prop(src, "volume");

			s->path = volume_path(conn, pool, vol);
		} else if (!s->type || !strcmp(s->type, "file")) {
			s->path = vp_xml_prop(src, "file");
		}
	}
	return 0;
}

/* Whether the disk at target carries <encryption> (in its source, or the
 * older way in the disk): a LUKS volume (provision/luks.h). */
static bool luks_disk(xmlDocPtr doc, const char *target)
{
	xmlNodePtr devs = vp_xml_child(xmlDocGetRootElement(doc), "devices"), d;

	for (d = devs ? devs->children : NULL; d && target; d = d->next) {
		_cleanup_(freep) char *dev = NULL;

		if (d->type != XML_ELEMENT_NODE || xmlStrcmp(d->name, BAD_CAST "disk"))
			continue;
		dev = vp_xml_prop(vp_xml_child(d, "target"), "dev");
		if (dev && !strcmp(dev, target))
			return vp_xml_child(vp_xml_child(d, "source"), "encryption") ||
			       vp_xml_child(d, "encryption");
	}
	return false;
}

/* The disks of dom's definition (flags: virDomainGetXMLDesc's, 0 for the
 * live one); err may be NULL. */
static int vm_sdisks(virDomainPtr dom, unsigned int flags, struct vp_sdisks *out,
		     struct vp_error *err)
{
	_cleanup_(freep) char *xml = virDomainGetXMLDesc(dom, flags);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'",
					virDomainGetName(dom));
	if (vp_xml_parse(xml, "a domain description", &doc, err) < 0)
		return -1;
	vp_sdisks_read(virDomainGetConnect(dom), xmlDocGetRootElement(doc), out);
	return 0;
}

const struct vp_sdisk *vp_sdisk_find(const struct vp_sdisks *l, const char *target)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->d[i].target && !strcmp(l->d[i].target, target))
			return &l->d[i];
	return NULL;
}

/* ---- images and their backing ------------------------------------------- */

/* The backing image of the image at path (and its format), from its pool;
 * *backing NULL when it has none or is in no pool. */
static void backing_of(virConnectPtr conn, const char *path, char **backing, char **format)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr v = virStorageVolLookupByPath(conn, path);
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	*backing = NULL;
	if (format)
		*format = NULL;
	if (!v || !(xml = virStorageVolGetXMLDesc(v, 0)) ||
	    vp_xml_parse(xml, "a volume description", &doc, NULL) < 0) {
		virResetLastError();
		return;
	}
	*backing = vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL, NULL);
	if (format)
		*format = vp_xml_xpath_string(doc, "string(/volume/backingStore/format/@type)", NULL,
					      NULL);
}

/* Refresh the pool holding path, so that headers rewritten behind
 * libvirt's back (a commit, a rebase) show. */
static void refresh_pool_of(virConnectPtr conn, const char *path)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr v = virStorageVolLookupByPath(conn, path);
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = v ? virStoragePoolLookupByVolume(v) : NULL;

	struct vp_error e = { 0 };

	if (p)
		vp_pool_refresh(p, &e);  /* best effort */
	virResetLastError();
}

bool vp_overlay_ours(const char *vm, const char *target, const char *path)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	size_t lv = strlen(vm), lt = strlen(target), lb;

	base = base ? base + 1 : path;
	if (!base)
		return false;
	lb = strlen(base);
	/* VM-TARGET.X.qcow2 with X not empty */
	return lb > lv + 1 + lt + 1 + 6 && !strncmp(base, vm, lv) && base[lv] == '-' &&
	       !strncmp(base + lv + 1, target, lt) && base[lv + 1 + lt] == '.' &&
	       !strcmp(base + lb - 6, ".qcow2");
}

/* ---- the snapshots' view of a disk ------------------------------------- */

/* What the snapshots say about one disk: each snapshot's frozen image and
 * the overlay made when it was taken. */
struct sview {
	size_t n;
	char **names;            /* snapshot names */
	char **frozen;           /* its frozen image of the disk, or NULL */
	char **overlay;          /* the overlay made then, or NULL */
	bool *current;
	bool *external;
};

static void sview_clear(struct sview *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free(v->names[i]);
		free(v->frozen[i]);
		free(v->overlay[i]);
	}
	free(v->names);
	free(v->frozen);
	free(v->overlay);
	free(v->current);
	free(v->external);
	memset(v, 0, sizeof(*v));
}

int vp_snap_doc(virDomainSnapshotPtr snap, xmlDocPtr *doc, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virDomainSnapshotGetXMLDesc(snap, 0);

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read snapshot '%s'",
					virDomainSnapshotGetName(snap));
	return vp_xml_parse(xml, "a snapshot description", doc, err);
}

bool vp_snap_doc_external(xmlDocPtr doc)
{
	_cleanup_(freep) char *n = vp_xml_xpath_string(
		doc, "string(count(/domainsnapshot/disks/disk[@snapshot='external']))", NULL, NULL);

	return n && strcmp(n, "0") != 0;
}

/* The overlay a snapshot document names for target, or NULL. */
static char *doc_overlay(xmlDocPtr doc, const char *target)
{
	xmlNodePtr disks = vp_xml_child(xmlDocGetRootElement(doc), "disks"), d;

	for (d = disks ? disks->children : NULL; d; d = d->next) {
		_cleanup_(freep) char *name = NULL, *mode = NULL;

		if (d->type != XML_ELEMENT_NODE)
			continue;
		name = vp_xml_prop(d, "name");
		mode = vp_xml_prop(d, "snapshot");
		if (name && !strcmp(name, target) && mode && !strcmp(mode, "external"))
			return vp_xml_prop(vp_xml_child(d, "source"), "file");
	}
	return NULL;
}

/* The image of target in a snapshot document's <domain> (the frozen one). */
static char *doc_frozen(virConnectPtr conn, xmlDocPtr doc, const char *target, char **format)
{
	struct vp_sdisks l = { 0 };
	const struct vp_sdisk *s;
	char *path = NULL;

	if (format)
		*format = NULL;
	vp_sdisks_read(conn, vp_xml_child(xmlDocGetRootElement(doc), "domain"), &l);
	if ((s = vp_sdisk_find(&l, target))) {
		path = vp_strdup(s->path);
		if (format)
			*format = vp_strdup(s->format);
	}
	vp_sdisks_clear(&l);
	return path;
}

static int sview_read(virDomainPtr dom, const char *target, struct sview *v, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	virDomainSnapshotPtr *snaps = NULL;
	int got, i, rc = 0;

	memset(v, 0, sizeof(*v));
	got = virDomainListAllSnapshots(dom, &snaps, 0);
	if (got < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the snapshots of VM '%s'",
					virDomainGetName(dom));
	v->names = vp_calloc((size_t)got + 1, sizeof(char *));
	v->frozen = vp_calloc((size_t)got + 1, sizeof(char *));
	v->overlay = vp_calloc((size_t)got + 1, sizeof(char *));
	v->current = vp_calloc((size_t)got + 1, sizeof(bool));
	v->external = vp_calloc((size_t)got + 1, sizeof(bool));
	for (i = 0; i < got; i++) {
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

		if (rc == 0 && vp_snap_doc(snaps[i], &doc, err) == 0) {
			size_t k = v->n++;

			v->names[k] = vp_strdup(virDomainSnapshotGetName(snaps[i]));
			v->external[k] = vp_snap_doc_external(doc);
			v->current[k] = virDomainSnapshotIsCurrent(snaps[i], 0) == 1;
			if (v->external[k]) {
				v->overlay[k] = doc_overlay(doc, target);
				if (v->overlay[k])
					v->frozen[k] = doc_frozen(conn, doc, target, NULL);
			}
		} else {
			rc = -1;
		}
		virDomainSnapshotFree(snaps[i]);
	}
	free(snaps);
	virResetLastError();
	if (rc < 0)
		sview_clear(v);
	return rc;
}

static bool sview_frozen(const struct sview *v, const char *path, const char *except)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->frozen[i] && !strcmp(v->frozen[i], path) &&
		    (!except || strcmp(v->names[i], except)))
			return true;
	return false;
}

/* Every image that something still needs, with its backing: the chain
 * under the top, and under each snapshot's frozen image and its overlay
 * (while that exists), except snapshot except's frozen image itself. */
struct images {
	size_t n;
	char **path, **backing;
};

static void images_clear(struct images *im)
{
	size_t i;

	for (i = 0; i < im->n; i++) {
		free(im->path[i]);
		free(im->backing[i]);
	}
	free(im->path);
	free(im->backing);
	memset(im, 0, sizeof(*im));
}

static bool images_has(const struct images *im, const char *path)
{
	size_t i;

	for (i = 0; i < im->n; i++)
		if (!strcmp(im->path[i], path))
			return true;
	return false;
}

static void images_walk(virConnectPtr conn, struct images *im, const char *top)
{
	char *p = top ? vp_strdup(top) : NULL;
	unsigned depth = 0;

	while (p && !images_has(im, p) && depth++ < 256) {
		char *b = NULL;

		backing_of(conn, p, &b, NULL);
		im->path = vp_grow(im->path, im->n + 1, sizeof(char *));
		im->backing = vp_grow(im->backing, im->n + 1, sizeof(char *));
		im->path[im->n] = p;
		im->backing[im->n] = b;
		im->n++;
		p = b ? vp_strdup(b) : NULL;
	}
	free(p);
}

/* with overlays, also every overlay a snapshot made that still exists
 * (needed by nothing once a revert left it, but still vprov's) */
static void images_read(virConnectPtr conn, const struct sview *v, const char *top,
			bool overlays, struct images *im)
{
	size_t i;

	memset(im, 0, sizeof(*im));
	images_walk(conn, im, top);
	for (i = 0; i < v->n; i++) {
		_cleanup_(virStorageVolFreep) virStorageVolPtr ov = NULL;

		if (overlays && v->overlay[i] &&
		    (ov = virStorageVolLookupByPath(conn, v->overlay[i])))
			images_walk(conn, im, v->overlay[i]);
		virResetLastError();
		images_walk(conn, im, v->frozen[i]);
	}
}

/* The images whose backing is path. */
static size_t images_children(const struct images *im, const char *path, const char **first)
{
	size_t i, n = 0;

	*first = NULL;
	for (i = 0; i < im->n; i++)
		if (im->backing[i] && !strcmp(im->backing[i], path)) {
			if (!n)
				*first = im->path[i];
			n++;
		}
	return n;
}

/* A volume in path's pool built on path that is not one of vm's overlays
 * (a linked clone of it, say), or NULL. */
static char *foreign_child(virConnectPtr conn, const char *vm, const char *path)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = virStorageVolLookupByPath(conn, path);
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool =
		vol ? virStoragePoolLookupByVolume(vol) : NULL;
	virStorageVolPtr *vols = NULL;
	int n = pool ? virStoragePoolListAllVolumes(pool, &vols, 0) : -1, k;
	char *found = NULL;
	size_t lv = strlen(vm);

	for (k = 0; k < n; k++) {
		_cleanup_(freep) char *xml = found ? NULL : virStorageVolGetXMLDesc(vols[k], 0);
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		_cleanup_(freep) char *b = NULL, *vp = NULL;
		const char *base;

		if (xml && vp_xml_parse(xml, "a volume description", &doc, NULL) == 0 &&
		    (b = vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL, NULL)) &&
		    !strcmp(b, path) &&
		    (vp = vp_xml_xpath_string(doc, "string(/volume/target/path)", NULL, NULL))) {
			base = strrchr(vp, '/');
			base = base ? base + 1 : vp;
			/* vm's own overlays are named VM-TARGET.SNAP.qcow2 */
			const char *dot = !strncmp(base, vm, lv) && base[lv] == '-'
						  ? strchr(base + lv + 1, '.') : NULL;
			_cleanup_(freep) char *t = dot ? vp_strndup(base + lv + 1,
								    (size_t)(dot - base - lv - 1))
						       : NULL;

			if (!t || !vp_overlay_ours(vm, t, base))
				found = TAKE_PTR(vp);
		}
		virStorageVolFree(vols[k]);
	}
	free(vols);
	virResetLastError();
	return found;
}

/* Remove the image at path, unless a VM other than vm has it in a disk's
 * chain, or a volume other than vm's overlays is built on it (a linked
 * clone): then it stays and that is an error. */
static int delete_image(virConnectPtr conn, const char *vm, const char *path,
			struct vp_error *err)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr v = NULL;
	_cleanup_(freep) char *user = vp_volume_used_by(conn, path, vm);

	if (!user)
		user = foreign_child(conn, vm, path);

	if (user)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "'%s' is kept: '%s' is built on it", path, user);

	if (vp_volume_find_by_path(conn, path, &v, err) < 0)
		return -1;
	if (!v)
		return 0;
	return vp_volume_delete(v, err);
}

/* ---- create -------------------------------------------------------------- */

struct ext_create {
	virDomainPtr dom;
	const char *name, *description;
	unsigned flags;
	struct vp_sdisks disks;
	char **overlay;          /* per disk: the path of its new overlay */
	virDomainSnapshotPtr snap;
};

struct ext_step {
	size_t i;
	char *pool, *vol, *backing, *backing_format;
	uint64_t capacity;
};

static void ext_step_free(void *p)
{
	struct ext_step *s = p;

	if (!s)
		return;
	free(s->pool);
	free(s->vol);
	free(s->backing);
	free(s->backing_format);
	free(s);
}

static void ext_create_free(void *p)
{
	struct ext_create *c = p;
	size_t i;

	for (i = 0; i < c->disks.n; i++)
		free(c->overlay[i]);
	free(c->overlay);
	vp_sdisks_clear(&c->disks);
	if (c->snap)
		virDomainSnapshotFree(c->snap);
	free(c);
}

static int step_overlay(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct ext_create *c = ap->plan->ctx;
	struct ext_step *s = st->data;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	struct vp_vol_info vi = { 0 };
	struct vp_volume_request req = {
		.name = s->vol,
		.capacity = s->capacity,
		.format = "qcow2",
		.sparse = true,
		.backing_path = s->backing,
		.backing_format = s->backing_format,
	};

	if (vp_pool_lookup(ap->conn, s->pool, &pool, err) < 0)
		return -1;
	if (vp_volume_create_step(ap, pool, s->pool, &req, NULL, &vol, err) < 0)
		return -1;
	if (vp_volume_describe(vol, &vi, err) < 0)
		return -1;
	c->overlay[s->i] = TAKE_PTR(vi.path);
	vp_vol_info_clear(&vi);
	return 0;
}

static int step_snapshot(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct ext_create *c = ap->plan->ctx;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	_cleanup_(freep) char *xml = NULL;
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "domainsnapshot"), disks;
	size_t i;

	(void)st;
	xmlDocSetRootElement(doc, root);
	vp_xml_add(root, "name", c->name);
	if (c->description && *c->description)
		vp_xml_add(root, "description", c->description);
	disks = vp_xml_add(root, "disks", NULL);
	for (i = 0; i < c->disks.n; i++) {
		const struct vp_sdisk *d = &c->disks.d[i];
		xmlNodePtr x;

		if (!d->target)
			continue;
		x = vp_xml_add(disks, "disk", NULL);
		vp_xml_set(x, "name", d->target);
		if (d->skip) {
			vp_xml_set(x, "snapshot", "no");
			continue;
		}
		vp_xml_set(x, "snapshot", "external");
		vp_xml_set(x, "type", "file");
		vp_xml_set(vp_xml_add(x, "driver", NULL), "type", "qcow2");
		vp_xml_set(vp_xml_add(x, "source", NULL), "file", c->overlay[i]);
	}
	xml = vp_xml_format(doc);
	if (!xml)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write the snapshot's XML");
	c->snap = virDomainSnapshotCreateXML(c->dom, xml, c->flags);
	if (!c->snap) {
		if (c->flags & VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot take snapshot '%s' of VM '%s' with --quiesce "
						"(it needs qemu-guest-agent running in the guest)",
						c->name, virDomainGetName(c->dom));
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot take snapshot '%s' of VM '%s'",
					c->name, virDomainGetName(c->dom));
	}
	return 0;
}

/* A free volume name in pool for VM-TARGET.SNAP.qcow2 (SNAP-2, -3, ...). */
static char *overlay_name(virStoragePoolPtr pool, const char *vm, const char *target,
			  const char *snap)
{
	int i;

	for (i = 1; i < 1000; i++) {
		char *n = i == 1 ? vp_strdup_printf("%s-%s.%s.qcow2", vm, target, snap)
				 : vp_strdup_printf("%s-%s.%s-%d.qcow2", vm, target, snap, i);
		virStorageVolPtr v = virStorageVolLookupByName(pool, n);

		if (!v) {
			virResetLastError();
			return n;
		}
		virStorageVolFree(v);
		free(n);
	}
	return NULL;
}

/* Add a step that makes a new overlay on backing (format bformat) for disk
 * target, in backing's pool. */
static int plan_overlay(struct vp_plan *plan, virConnectPtr conn, const char *vm,
			const char *target, const char *snap, const char *backing,
			const char *bformat, size_t i, struct vp_error *err)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	struct vp_vol_info vi = { 0 };
	struct ext_step *s;
	struct vp_step *st;
	char *name;

	if (!backing)
		return vp_error_set(err, VP_ERR_INVALID,
				    "disk %s of VM '%s' is not a file or a pool volume: vprov takes "
				    "external snapshots only of those",
				    target, vm);
	if (vp_volume_find_by_path(conn, backing, &vol, err) < 0)
		return -1;
	if (!vol)
		return vp_error_set(err, VP_ERR_INVALID,
				    "disk %s of VM '%s' (%s) is in no storage pool: vprov makes "
				    "overlays as volumes of the disk's pool",
				    target, vm, backing);
	if (vp_volume_describe(vol, &vi, err) < 0)
		return -1;
	if (!vi.pool || !(pool = virStoragePoolLookupByVolume(vol))) {
		vp_vol_info_clear(&vi);
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot find the pool of '%s'", backing);
	}
	name = overlay_name(pool, vm, target, snap);
	if (!name) {
		vp_vol_info_clear(&vi);
		return vp_error_set(err, VP_ERR_EXISTS, "no free volume name for the overlay of disk %s "
				    "of VM '%s' in pool '%s'", target, vm, vi.pool);
	}
	s = vp_calloc(1, sizeof(*s));
	s->i = i;
	s->pool = vp_strdup(vi.pool);
	s->vol = name;
	s->backing = vp_strdup(backing);
	s->backing_format = vp_strdup(bformat ? bformat : vi.format ? vi.format : "raw");
	s->capacity = vi.capacity;
	st = vp_plan_add(plan, "volume", step_overlay, "create overlay '%s' in pool '%s' on %s",
			 name, vi.pool, backing);
	st->data = s;
	st->free_data = ext_step_free;
	vp_vol_info_clear(&vi);
	return 0;
}

static bool has_agent(xmlDocPtr doc)
{
	_cleanup_(freep) char *n = vp_xml_xpath_string(
		doc,
		"string(count(/domain/devices/channel/target[@name='org.qemu.guest_agent.0']))",
		NULL, NULL);

	return n && strcmp(n, "0") != 0;
}

int vp_snapshot_ext_create(virDomainPtr dom, const char *name, const struct vp_snapshot_req *req,
			   virDomainSnapshotPtr *out, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *vm = virDomainGetName(dom);
	_cleanup_(freep) char *xml = virDomainGetXMLDesc(dom, 0);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_apply_opts none = { 0 };
	struct ext_create *c;
	struct vp_plan *plan;
	size_t i, n_ext = 0;
	int active = virDomainIsActive(dom), rc;

	*out = NULL;
	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'", vm);
	if (vp_xml_parse(xml, "a domain description", &doc, err) < 0)
		return -1;
	if (req->quiesce && active != 1)
		return vp_error_set(err, VP_ERR_INVALID,
				    "VM '%s' is not running: --quiesce asks its guest agent to flush "
				    "the guest's file systems, which needs a running guest", vm);
	if (req->quiesce && !has_agent(doc))
		return vp_error_set(err, VP_ERR_INVALID,
				    "VM '%s' has no guest agent channel (org.qemu.guest_agent.0): "
				    "--quiesce needs one, with qemu-guest-agent running in the guest",
				    vm);
	plan = vp_plan_new("snapshot", vm);
	c = vp_calloc(1, sizeof(*c));
	plan->ctx = c;
	plan->free_ctx = ext_create_free;
	c->dom = dom;
	c->name = name;
	c->description = req->description;
	c->flags = VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT |
		   VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC;
	if (req->quiesce)
		c->flags |= VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE;
	vp_sdisks_read(conn, xmlDocGetRootElement(doc), &c->disks);
	c->overlay = vp_calloc(c->disks.n + 1, sizeof(char *));
	for (i = 0; i < c->disks.n; i++) {
		const struct vp_sdisk *d = &c->disks.d[i];

		if (d->skip)
			continue;
		if (luks_disk(doc, d->target)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "cannot take a disk-only snapshot of VM '%s': disk %s is LUKS-encrypted, and the overlay would hold the guest's new writes unencrypted",
				     vm, d->target);
			vp_plan_free(plan);
			return -1;
		}
		if (plan_overlay(plan, conn, vm, d->target, name, d->path, d->format, i, err) < 0) {
			vp_plan_free(plan);
			return -1;
		}
		n_ext++;
	}
	if (!n_ext) {
		vp_plan_free(plan);
		return vp_error_set(err, VP_ERR_INVALID, "VM '%s' has no writable disk to snapshot", vm);
	}
	vp_plan_add(plan, "snapshot", step_snapshot, "take snapshot '%s' of VM '%s' (disks only)",
		    name, vm);
	rc = vp_plan_apply(conn, plan, req->apply ? req->apply : &none, NULL, err);
	if (rc == 0)
		*out = TAKE_PTR(c->snap);
	vp_plan_free(plan);
	return rc;
}

/* ---- switching a disk to another image ---------------------------------- */

/* Point the disks of the VM's persistent definition at new images
 * (targets[i] -> paths[i], formats[i]). */
static int redefine_disks(virDomainPtr dom, char **targets, char **paths, char **formats,
			  size_t n, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	_cleanup_(freep) char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE |
							   VIR_DOMAIN_XML_SECURE);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *out = NULL;
	_cleanup_(virDomainFreep) virDomainPtr nd = NULL;
	xmlNodePtr devs, d;
	size_t i;

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'",
					virDomainGetName(dom));
	if (vp_xml_parse(xml, "a domain description", &doc, err) < 0)
		return -1;
	devs = vp_xml_child(xmlDocGetRootElement(doc), "devices");
	for (d = devs ? devs->children : NULL; d; d = d->next) {
		_cleanup_(freep) char *t = NULL;
		xmlNodePtr src, bs, drv;

		if (d->type != XML_ELEMENT_NODE || xmlStrcmp(d->name, BAD_CAST "disk"))
			continue;
		t = vp_xml_prop(vp_xml_child(d, "target"), "dev");
		for (i = 0; t && i < n; i++) {
			if (strcmp(t, targets[i]))
				continue;
			vp_xml_set(d, "type", "file");
			src = vp_xml_child(d, "source");
			if (src)
				vp_xml_drop(src);
			src = vp_xml_add_before(d, vp_xml_child(d, "target"), "source");
			vp_xml_set(src, "file", paths[i]);
			while ((bs = vp_xml_child(d, "backingStore")))
				vp_xml_drop(bs);
			drv = vp_xml_child(d, "driver");
			if (!drv) {
				drv = vp_xml_add_before(d, src, "driver");
				vp_xml_set(drv, "name", "qemu");
			}
			vp_xml_set(drv, "type", formats[i] ? formats[i] : "qcow2");
		}
	}
	if (vp_schema_validate(VP_SCHEMA_DOMAIN, doc, err) < 0)
		return -1;
	out = vp_xml_format(doc);
	if (!out || !(nd = virDomainDefineXML(conn, out)))
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot point the disks of VM '%s' at their new images",
					virDomainGetName(dom));
	return 0;
}

/* Redefine snapshot name's metadata with the image of target in its
 * <domain> replaced by path (format): its frozen image moved. */
static int refreeze(virDomainPtr dom, const char *name, const char *target, const char *path,
		    const char *format, bool current, struct vp_error *err)
{
	_cleanup_(virDomainSnapshotFreep) virDomainSnapshotPtr snap = NULL;
	_cleanup_(virDomainSnapshotFreep) virDomainSnapshotPtr nsnap = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *xml = NULL;
	xmlNodePtr devs, d;
	unsigned flags = VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE;

	snap = virDomainSnapshotLookupByName(dom, name, 0);
	if (!snap)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up snapshot '%s'", name);
	if (vp_snap_doc(snap, &doc, err) < 0)
		return -1;
	devs = vp_xml_child(vp_xml_child(xmlDocGetRootElement(doc), "domain"), "devices");
	for (d = devs ? devs->children : NULL; d; d = d->next) {
		_cleanup_(freep) char *t = NULL;
		xmlNodePtr src, drv;

		if (d->type != XML_ELEMENT_NODE || xmlStrcmp(d->name, BAD_CAST "disk"))
			continue;
		t = vp_xml_prop(vp_xml_child(d, "target"), "dev");
		if (!t || strcmp(t, target))
			continue;
		vp_xml_set(d, "type", "file");
		if ((src = vp_xml_child(d, "source")))
			vp_xml_drop(src);
		src = vp_xml_add_before(d, vp_xml_child(d, "target"), "source");
		vp_xml_set(src, "file", path);
		if ((drv = vp_xml_child(d, "driver")) && format)
			vp_xml_set(drv, "type", format);
	}
	xml = vp_xml_format(doc);
	if (current)
		flags |= VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT;
	if (!xml || !(nsnap = virDomainSnapshotCreateXML(dom, xml, flags)))
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot update snapshot '%s' of VM '%s'", name,
					virDomainGetName(dom));
	return 0;
}

/* ---- revert -------------------------------------------------------------- */

static void sweep(virDomainPtr dom, const char *target, const char *path);

int vp_snapshot_ext_revert(virDomainPtr dom, virDomainSnapshotPtr snap, enum vp_revert_mode mode,
			   struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *vm = virDomainGetName(dom), *name = virDomainSnapshotGetName(snap);
	_cleanup_(xmlFreeDocp) xmlDocPtr sdoc = NULL;
	_cleanup_(virDomainSnapshotFreep) virDomainSnapshotPtr cur = NULL;
	_cleanup_(freep) char *sxml = NULL;
	struct vp_sdisks now = { 0 };
	struct vp_apply_opts none = { 0 };
	struct ext_create *c;
	struct vp_plan *plan;
	char **targets, **paths, **formats, **old;
	size_t i, n = 0;
	int rc = -1;

	if (vp_snap_doc(snap, &sdoc, err) < 0)
		return -1;
	if (virDomainIsActive(dom) == 1) {
		/* the guard (vp_snapshot_revert) let it through: power off */
		if (virDomainDestroy(dom) < 0 && virDomainIsActive(dom) == 1)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot power off VM '%s'", vm);
	}
	if (vm_sdisks(dom, VIR_DOMAIN_XML_INACTIVE, &now, err) < 0)
		return -1;

	/* a new overlay on each disk's frozen image, made as a plan */
	plan = vp_plan_new("snapshot-revert", vm);
	c = vp_calloc(1, sizeof(*c));
	plan->ctx = c;
	plan->free_ctx = ext_create_free;
	c->dom = dom;
	c->name = name;
	vp_sdisks_read(conn, vp_xml_child(xmlDocGetRootElement(sdoc), "domain"), &c->disks);
	c->overlay = vp_calloc(c->disks.n + 1, sizeof(char *));
	targets = vp_calloc(c->disks.n + 1, sizeof(char *));
	paths = vp_calloc(c->disks.n + 1, sizeof(char *));
	formats = vp_calloc(c->disks.n + 1, sizeof(char *));
	old = vp_calloc(c->disks.n + 1, sizeof(char *));
	for (i = 0; i < c->disks.n; i++) {
		const struct vp_sdisk *d = &c->disks.d[i];
		_cleanup_(freep) char *ov = d->target ? doc_overlay(sdoc, d->target) : NULL;
		const struct vp_sdisk *cur_d;

		if (d->skip || !ov)
			continue;
		cur_d = vp_sdisk_find(&now, d->target);
		if (!cur_d) {
			vp_error_set(err, VP_ERR_INVALID,
				     "VM '%s' has no disk %s any more: cannot revert it to snapshot '%s'",
				     vm, d->target, name);
			goto out;
		}
		if (plan_overlay(plan, conn, vm, d->target, name, d->path, d->format, i, err) < 0)
			goto out;
		targets[n] = d->target;
		old[n] = cur_d->path;
		n++;
	}
	if (vp_plan_apply(conn, plan, &none, NULL, err) < 0)
		goto out;
	for (i = 0, n = 0; i < c->disks.n; i++)
		if (c->overlay[i]) {
			paths[n] = c->overlay[i];
			formats[n] = "qcow2";
			n++;
		}
	if (redefine_disks(dom, targets, paths, formats, n, err) < 0) {
		for (i = 0; i < n; i++)
			delete_image(conn, vm, paths[i], NULL);
		goto out;
	}
	/* the images the VM wrote until now are discarded: removed when they
	 * are overlays vprov made that no snapshot needs */
	for (i = 0; i < n; i++)
		if (old[i])
			sweep(dom, targets[i], old[i]);
	/* the snapshot is the current one again */
	sxml = virDomainSnapshotGetXMLDesc(snap, 0);
	if (!sxml || !(cur = virDomainSnapshotCreateXML(dom, sxml,
							 VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE |
							 VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT))) {
		vp_error_libvirt(err, VP_ERR_RUNTIME,
				 "VM '%s' was reverted to snapshot '%s' but cannot mark it current",
				 vm, name);
		goto out;
	}
	if (mode == VP_REVERT_RUNNING || mode == VP_REVERT_PAUSED) {
		unsigned flags = mode == VP_REVERT_PAUSED ? VIR_DOMAIN_START_PAUSED : 0;

		if (virDomainCreateWithFlags(dom, flags) < 0) {
			vp_error_libvirt(err, VP_ERR_RUNTIME,
					 "VM '%s' was reverted to snapshot '%s' but cannot be started",
					 vm, name);
			goto out;
		}
	}
	rc = 0;
out:
	free(targets);
	free(paths);
	free(formats);
	free(old);
	vp_plan_free(plan);
	vp_sdisks_clear(&now);
	return rc;
}

/* ---- delete -------------------------------------------------------------- */

/* Wait for the block job on target to finish (or, for an active commit,
 * to be ready, then pivot). */
static int finish_commit(virDomainPtr dom, const char *target, bool active, struct vp_error *err)
{
	const char *vm = virDomainGetName(dom);
	int i;

	for (i = 0; i < 20 * 60 * 10; i++) {
		virDomainBlockJobInfo info;
		int r = virDomainGetBlockJobInfo(dom, target, &info, 0);

		if (r < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot follow the merge of disk %s of VM '%s'",
						target, vm);
		if (r == 0)
			return active ? vp_error_set(err, VP_ERR_RUNTIME,
						     "the merge of disk %s of VM '%s' ended "
						     "before it could be pivoted",
						     target, vm)
				      : 0;
		if (active && info.end > 0 && info.cur == info.end &&
		    virDomainBlockJobAbort(dom, target, VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT) == 0)
			return 0;
		virResetLastError();
		usleep(100 * 1000);
	}
	virDomainBlockJobAbort(dom, target, 0);
	return vp_error_set(err, VP_ERR_RUNTIME, "the merge of disk %s of VM '%s' did not finish "
			    "within 20 minutes; it was cancelled", target, vm);
}

/* Merge image child into its backing frozen for disk target: the chain
 * one shorter; what referred to child refers to frozen afterwards. */
static int merge_now(virDomainPtr dom, const char *target, const char *child,
		     const char *frozen, const char *fformat, const char *top,
		     const struct images *im, const struct sview *v, const char *except,
		     struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *vm = virDomainGetName(dom);
	bool running = virDomainIsActive(dom) == 1;
	bool in_chain = false;
	size_t i;
	const char *p;
	_cleanup_(freep) char *user = vp_volume_used_by(conn, child, vm);

	/* a linked clone built on child (or on frozen) would see its backing
	 * change under it */
	if (!user)
		user = vp_volume_used_by(conn, frozen, vm);
	if (!user)
		user = foreign_child(conn, vm, child);
	if (!user)
		user = foreign_child(conn, vm, frozen);
	if (user)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "cannot merge '%s' into '%s' (disk %s of VM '%s'): '%s' is "
				    "built on them",
				    child, frozen, target, vm, user);

	/* is child in the chain the running guest has open? */
	for (p = top; p && running;) {
		if (!strcmp(p, child)) {
			in_chain = true;
			break;
		}
		for (i = 0; i < im->n && strcmp(im->path[i], p); i++)
			;
		p = i < im->n ? im->backing[i] : NULL;
	}
	if (in_chain) {
		bool active = !strcmp(child, top);
		unsigned flags = active ? VIR_DOMAIN_BLOCK_COMMIT_ACTIVE : 0;

		if (virDomainBlockCommit(dom, target, frozen, active ? NULL : child, 0, flags) < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot merge '%s' into '%s' (disk %s of VM '%s')",
						child, frozen, target, vm);
		if (finish_commit(dom, target, active, err) < 0)
			return -1;
		/* a job that failed ends like one that succeeded: the chain says */
		{
			_cleanup_(freep) char *live = virDomainGetXMLDesc(dom, 0);
			_cleanup_(freep) char *quoted = vp_strdup_printf("'%s'", child);

			if (!live || strstr(live, quoted))
				return vp_error_set(err, VP_ERR_RUNTIME,
						    "the merge of '%s' into '%s' (disk %s of VM '%s') "
						    "did not complete; nothing was removed",
						    child, frozen, target, vm);
		}
		/* the persistent definition follows a pivot of a running
		 * persistent VM; say it again in case */
		if (active) {
			char *t[1] = { (char *)target }, *pp[1] = { (char *)frozen },
			     *f[1] = { (char *)fformat };

			if (redefine_disks(dom, t, pp, f, 1, err) < 0)
				return -1;
		}
	} else {
		char *commit[] = { "qemu-img", "commit", "-q", "-f", "qcow2", (char *)child, NULL };
		_cleanup_(freep) char *what = vp_strdup_printf("merge '%s' into '%s'", child, frozen);

		if (!vp_conn_is_local(conn))
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "cannot merge '%s' into '%s' on the remote host of VM '%s': "
					    "no running guest has it open (libvirt 9.0 merges only "
					    "there), and vprov runs qemu-img only on this host",
					    child, frozen, vm);
		if (vp_run_quiet(what, commit, NULL, err) < 0)
			return -1;
		/* what was on child now sits on frozen */
		for (i = 0; i < im->n; i++) {
			char *rebase[] = { "qemu-img", "rebase", "-q", "-u", "-f", "qcow2", "-F",
					   (char *)(fformat ? fformat : "qcow2"), "-b",
					   (char *)frozen, im->path[i], NULL };

			if (!im->backing[i] || strcmp(im->backing[i], child))
				continue;
			free(what);
			what = vp_strdup_printf("rebase '%s' onto '%s'", im->path[i], frozen);
			if (vp_run_quiet(what, rebase, NULL, err) < 0)
				return -1;
		}
		if (!strcmp(child, top)) {
			char *t[1] = { (char *)target }, *pp[1] = { (char *)frozen },
			     *f[1] = { (char *)fformat };

			if (redefine_disks(dom, t, pp, f, 1, err) < 0)
				return -1;
		}
	}
	/* a snapshot that froze child has frozen its content now */
	for (i = 0; i < v->n; i++)
		if (v->frozen[i] && !strcmp(v->frozen[i], child) && strcmp(v->names[i], except) &&
		    refreeze(dom, v->names[i], target, frozen, fformat, v->current[i], err) < 0)
			return -1;
	refresh_pool_of(conn, frozen);
	return delete_image(conn, vm, child, err);
}

/* Merge child into frozen (merge_now).  On a remote host vprov cannot run
 * qemu-img, and libvirt 9.0 merges only in a running guest: a shut-off VM
 * whose chain holds child is started paused (no guest code runs) for the
 * block commit, and powered off again afterwards. */
static int merge_down(virDomainPtr dom, const char *target, const char *child,
		      const char *frozen, const char *fformat, const char *top,
		      const struct images *im, const struct sview *v, const char *except,
		      struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *p;
	bool in_chain = false;
	size_t i;
	int rc;

	if (virDomainIsActive(dom) != 0 || vp_conn_is_local(conn))
		return merge_now(dom, target, child, frozen, fformat, top, im, v, except, err);
	for (p = top; p;) {
		if (!strcmp(p, child)) {
			in_chain = true;
			break;
		}
		for (i = 0; i < im->n && strcmp(im->path[i], p); i++)
			;
		p = i < im->n ? im->backing[i] : NULL;
	}
	if (!in_chain)
		return merge_now(dom, target, child, frozen, fformat, top, im, v, except, err);
	if (virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot merge '%s' into '%s' on the remote host: VM '%s' is "
					"shut off, and starting it paused for libvirt's block commit "
					"failed",
					child, frozen, virDomainGetName(dom));
	rc = merge_now(dom, target, child, frozen, fformat, top, im, v, except, err);
	if (virDomainDestroy(dom) < 0 && virDomainIsActive(dom) == 1 && rc == 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"VM '%s' was started paused to merge its disk %s and cannot "
					"be powered off again",
					virDomainGetName(dom), target);
	return rc;
}

/* Remove, from path down its chain, the images of disk target that vprov
 * made and nothing needs any more: no snapshot freezes them, they are not
 * under the VM's image or a frozen one, nothing needed is built on them. */
static void sweep(virDomainPtr dom, const char *target, const char *path)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *vm = virDomainGetName(dom), *child;
	struct vp_sdisks now = { 0 };
	const struct vp_sdisk *top;
	struct sview v = { 0 };
	struct images im = { 0 };
	char *p = path ? vp_strdup(path) : NULL;
	unsigned depth = 0;

	if (!p || vm_sdisks(dom, 0, &now, NULL) < 0)
		goto out;
	top = vp_sdisk_find(&now, target);
	if (!top || !top->path || sview_read(dom, target, &v, NULL) < 0)
		goto out;
	images_read(conn, &v, top->path, false, &im);
	while (p && depth++ < 256 && vp_overlay_ours(vm, target, p) && !sview_frozen(&v, p, NULL) &&
	       !images_has(&im, p) && images_children(&im, p, &child) == 0) {
		char *b = NULL;

		backing_of(conn, p, &b, NULL);
		if (delete_image(conn, vm, p, NULL) < 0) {
			free(b);
			break;
		}
		free(p);
		p = b;
	}
out:
	free(p);
	images_clear(&im);
	sview_clear(&v);
	vp_sdisks_clear(&now);
	virResetLastError();
}

/* Images of disk target that vprov made and no snapshot freezes any more
 * (left under branches when their snapshot went) are merged with the one
 * image built on them, or removed when nothing is: the chain holds only
 * what a snapshot or the VM needs. */
static int collapse(virDomainPtr dom, const char *target, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *vm = virDomainGetName(dom);
	int round;

	for (round = 0; round < 64; round++) {
		struct vp_sdisks now = { 0 };
		const struct vp_sdisk *top;
		struct sview v = { 0 };
		struct images im = { 0 };
		bool changed = false;
		size_t i;
		int r = 0;

		if (vm_sdisks(dom, 0, &now, NULL) < 0)
			return 0;
		top = vp_sdisk_find(&now, target);
		if (!top || !top->path || sview_read(dom, target, &v, NULL) < 0) {
			vp_sdisks_clear(&now);
			return 0;
		}
		refresh_pool_of(conn, top->path);
		images_read(conn, &v, top->path, false, &im);
		for (i = 0; i < im.n && !changed; i++) {
			const char *x = im.path[i], *child = NULL;
			size_t nc;

			if (!vp_overlay_ours(vm, target, x) || !strcmp(x, top->path) ||
			    sview_frozen(&v, x, NULL))
				continue;
			nc = images_children(&im, x, &child);
			if (nc == 1 && vp_overlay_ours(vm, target, child)) {
				r = merge_down(dom, target, child, x, "qcow2", top->path, &im, &v, "",
					       err);
				changed = true;
			}
		}
		images_clear(&im);
		sview_clear(&v);
		vp_sdisks_clear(&now);
		if (r < 0)
			return -1;
		if (!changed)
			return 0;
	}
	return 0;
}

static int ext_delete_one(virDomainPtr dom, virDomainSnapshotPtr snap, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *vm = virDomainGetName(dom), *name = virDomainSnapshotGetName(snap);
	_cleanup_(xmlFreeDocp) xmlDocPtr sdoc = NULL;
	struct vp_sdisks sd = { 0 }, now = { 0 };
	char **below = NULL;     /* "TARGET\nPATH": under an image removed */
	size_t i, n_below = 0;
	int rc = -1;

	if (vp_snap_doc(snap, &sdoc, err) < 0)
		return -1;
	vp_sdisks_read(conn, vp_xml_child(xmlDocGetRootElement(sdoc), "domain"), &sd);
	for (i = 0; i < sd.n; i++) {
		const struct vp_sdisk *d = &sd.d[i];
		_cleanup_(freep) char *ov = d->target ? doc_overlay(sdoc, d->target) : NULL;
		const struct vp_sdisk *top;
		struct sview v = { 0 };
		struct images im = { 0 };
		const char *child = NULL;
		size_t nc;
		int r = 0;

		if (d->skip || !ov || !d->path)
			continue;
		vp_sdisks_clear(&now);
		if (vm_sdisks(dom, 0, &now, err) < 0)
			goto out;
		top = vp_sdisk_find(&now, d->target);
		refresh_pool_of(conn, d->path);
		if (sview_read(dom, d->target, &v, err) < 0)
			goto out;
		images_read(conn, &v, top ? top->path : NULL, false, &im);
		nc = images_children(&im, d->path, &child);
		if (nc == 1 && vp_overlay_ours(vm, d->target, child)) {
			r = merge_down(dom, d->target, child, d->path, d->format,
				       top ? top->path : "", &im, &v, name, err);
		} else if (nc == 0) {
			/* nothing is built on it: it goes unless it is needed */
			if (vp_overlay_ours(vm, d->target, d->path) &&
			    !sview_frozen(&v, d->path, name) && !(top && !strcmp(top->path, d->path))) {
				char *b = NULL;

				backing_of(conn, d->path, &b, NULL);
				r = delete_image(conn, vm, d->path, err);
				if (b)
					vp_strings_add(&below, &n_below, vp_strdup_printf("%s\n%s", d->target, b));
				free(b);
			}
		} else if (nc > 1) {
			/* branches (reverts, then snapshots): the image stays under
			 * them, and is merged once one branch is left (collapse) */
			r = 0;
		} else {
			r = vp_error_set(err, VP_ERR_INVALID,
					 "cannot delete snapshot '%s' of VM '%s': the image on its disk "
					 "%s (%s) was not made by vprov",
					 name, vm, d->target, child);
		}
		images_clear(&im);
		sview_clear(&v);
		if (r < 0)
			goto out;
	}
	if (virDomainSnapshotDelete(snap, VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot delete snapshot '%s' of VM '%s'", name,
				 vm);
		goto out;
	}
	for (i = 0; i < n_below; i++) {
		char *nl = strchr(below[i], '\n');

		*nl = '\0';
		sweep(dom, below[i], nl + 1);
	}
	for (i = 0; i < sd.n; i++)
		if (!sd.d[i].skip && sd.d[i].target && collapse(dom, sd.d[i].target, err) < 0) {
			vp_error_append(err, "snapshot '%s' is deleted; deleting another one tries "
					"the merge again", name);
			goto out;
		}
	rc = 0;
out:
	vp_strings_free(below, n_below);
	vp_sdisks_clear(&sd);
	vp_sdisks_clear(&now);
	return rc;
}

int vp_snapshot_ext_delete(virDomainPtr dom, virDomainSnapshotPtr snap, bool children,
			   size_t *n_deleted, struct vp_error *err)
{
	if (children) {
		virDomainSnapshotPtr *kids = NULL;
		int n = virDomainSnapshotListAllChildren(snap, &kids, 0), i, rc = 0;

		if (n < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot list the children of snapshot '%s'",
						virDomainSnapshotGetName(snap));
		/* newest first: a child is deleted before its parent */
		for (i = n - 1; i >= 0; i--) {
			if (rc == 0 && vp_snapshot_ext_delete(dom, kids[i], true, n_deleted, err) < 0)
				rc = -1;
			virDomainSnapshotFree(kids[i]);
		}
		free(kids);
		if (rc < 0)
			return -1;
	}
	if (ext_delete_one(dom, snap, err) < 0)
		return -1;
	if (n_deleted)
		(*n_deleted)++;
	return 0;
}

/* ---- everything, for vprov delete --snapshots --------------------------- */

int vp_snapshot_remove_all(virDomainPtr dom, bool keep_files, char ***removed, size_t *n_removed,
			   struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *vm = virDomainGetName(dom);
	virDomainSnapshotPtr *roots = NULL;
	struct vp_sdisks now = { 0 };
	char **doomed = NULL;
	size_t n_doomed = 0, i, j;
	int n, rc = 0;

	if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0 && virDomainIsActive(dom) == 1)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot power off VM '%s'", vm);
	if (vm_sdisks(dom, VIR_DOMAIN_XML_INACTIVE, &now, err) < 0)
		return -1;
	/* the overlays vprov made, found before the snapshots that name them go */
	for (i = 0; i < now.n; i++) {
		struct sview v = { 0 };
		struct images im = { 0 };

		if (now.d[i].skip || !now.d[i].target)
			continue;
		if (sview_read(dom, now.d[i].target, &v, err) < 0) {
			rc = -1;
			break;
		}
		images_read(conn, &v, now.d[i].path, true, &im);
		/* top down: images_read walks each chain from its top */
		for (j = 0; j < im.n; j++)
			if (vp_overlay_ours(vm, now.d[i].target, im.path[j]))
				vp_strings_add(&doomed, &n_doomed, vp_strdup(im.path[j]));
		/* and any overlay of this disk in the pools of its chain that a
		 * failure or an interrupt left out of it */
		for (j = 0; j < im.n; j++) {
			_cleanup_(virStorageVolFreep) virStorageVolPtr vol =
				virStorageVolLookupByPath(conn, im.path[j]);
			_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool =
				vol ? virStoragePoolLookupByVolume(vol) : NULL;
			virStorageVolPtr *vols = NULL;
			int nv = pool ? virStoragePoolListAllVolumes(pool, &vols, 0) : -1, k;

			for (k = 0; k < nv; k++) {
				struct vp_vol_info vi = { 0 };
				size_t m;
				bool known = false;

				if (vp_volume_describe(vols[k], &vi, NULL) == 0 && vi.path &&
				    vp_overlay_ours(vm, now.d[i].target, vi.path)) {
					_cleanup_(freep) char *b = NULL, *user = NULL;

					/* only one built on this VM's images, that no
					 * other VM uses (a VM may be named like an
					 * overlay) */
					backing_of(conn, vi.path, &b, NULL);
					for (m = 0; m < n_doomed && !known; m++)
						known = !strcmp(doomed[m], vi.path);
					if (!known && b && images_has(&im, b) &&
					    !(user = vp_volume_used_by(conn, vi.path, vm)))
						vp_strings_add(&doomed, &n_doomed, vp_strdup(vi.path));
				}
				vp_vol_info_clear(&vi);
				virStorageVolFree(vols[k]);
			}
			free(vols);
			virResetLastError();
		}
		images_clear(&im);
		sview_clear(&v);
	}
	vp_sdisks_clear(&now);
	if (rc < 0)
		goto out;
	n = virDomainListAllSnapshots(dom, &roots, VIR_DOMAIN_SNAPSHOT_LIST_ROOTS);
	if (n < 0) {
		rc = vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the snapshots of VM '%s'", vm);
		goto out;
	}
	for (i = 0; i < (size_t)n; i++) {
		/* internal ones really (their data leaves the disks); external
		 * ones are metadata, their overlays go below */
		if (rc == 0 &&
		    virDomainSnapshotDelete(roots[i], VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN) < 0 &&
		    virDomainSnapshotDelete(roots[i], VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
							  VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY) < 0)
			rc = vp_error_libvirt(err, VP_ERR_RUNTIME,
					      "cannot delete the snapshots of VM '%s'", vm);
		virDomainSnapshotFree(roots[i]);
	}
	free(roots);
	if (rc < 0 || keep_files)
		goto out;
	/* an image goes only once nothing left is built on it */
	for (size_t pass = 0; pass < n_doomed + 1 && rc == 0; pass++) {
		bool any = false;

		for (i = 0; i < n_doomed; i++) {
			bool needed = false;

			if (!doomed[i])
				continue;
			for (j = 0; j < n_doomed && !needed; j++) {
				char *b = NULL;

				if (j == i || !doomed[j])
					continue;
				backing_of(conn, doomed[j], &b, NULL);
				needed = b && !strcmp(b, doomed[i]);
				free(b);
			}
			if (needed)
				continue;
			if (delete_image(conn, vm, doomed[i], err) < 0) {
				rc = -1;
				break;
			}
			vp_strings_add(removed, n_removed, TAKE_PTR(doomed[i]));
			any = true;
		}
		if (!any)
			break;
	}
out:
	vp_strings_free(doomed, n_doomed);
	return rc;
}
