/* provision/snapshot.c — snapshots of a VM (see snapshot.h); the external
 * ones' own work is in snapshot_ext.c */
#include "snapshot_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "cleanup.h"
#include "clone.h"
#include "xmlutil.h"

int vp_snapshot_name_check(const char *name, struct vp_error *err)
{
	const unsigned char *p;

	if (!name || !*name)
		return vp_error_set(err, VP_ERR_INVALID, "a snapshot name cannot be empty");
	if (strlen(name) > VP_SNAPSHOT_NAME_MAX)
		return vp_error_set(err, VP_ERR_INVALID,
				    "snapshot name '%.20s...' is too long: at most %d bytes",
				    name, VP_SNAPSHOT_NAME_MAX);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return vp_error_set(err, VP_ERR_INVALID, "'%s' cannot be a snapshot name", name);
	for (p = (const unsigned char *)name; *p; p++) {
		if (*p == '/')
			return vp_error_set(err, VP_ERR_INVALID,
					    "snapshot name '%s' cannot hold a '/'", name);
		if (*p < 0x20 || *p == 0x7f)
			return vp_error_set(err, VP_ERR_INVALID,
					    "snapshot name '%s' cannot hold control characters",
					    name);
	}
	return 0;
}

void vp_snapshot_default_name(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(buf, len, "snap-%Y%m%d-%H%M%S", &tm))
		snprintf(buf, len, "snap-%lld", (long long)t);
}

void vp_snapshot_info_clear(struct vp_snapshot_info *s)
{
	free(s->name);
	free(s->parent);
	free(s->description);
	free(s->state);
	memset(s, 0, sizeof(*s));
}

void vp_snapshot_infos_free(struct vp_snapshot_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vp_snapshot_info_clear(&list[i]);
	free(list);
}

static int lookup(virDomainPtr dom, const char *name, virDomainSnapshotPtr *out,
		  struct vp_error *err)
{
	if (vp_snapshot_name_check(name, err) < 0)
		return -1;
	*out = virDomainSnapshotLookupByName(dom, name, 0);
	if (*out)
		return 0;
	if (vp_libvirt_error_is(VIR_ERR_NO_DOMAIN_SNAPSHOT))
		return vp_error_set(err, VP_ERR_NOT_FOUND, "VM '%s' has no snapshot named '%s'",
				    virDomainGetName(dom), name);
	return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up snapshot '%s' of VM '%s'",
				name, virDomainGetName(dom));
}

/* Fill *out from the snapshot's XML (name, parent, description, state,
 * creation time) and whether it is current. */
static int describe_new(virDomainPtr dom, virDomainSnapshotPtr snap, bool just_made,
			struct vp_snapshot_info *out, struct vp_error *err);

static int describe(virDomainPtr dom, virDomainSnapshotPtr snap, struct vp_snapshot_info *out,
		    struct vp_error *err)
{
	return describe_new(dom, snap, false, out, err);
}

/* just_made: a snapshot just taken, current by definition (one call less) */
static int describe_new(virDomainPtr dom, virDomainSnapshotPtr snap, bool just_made,
			struct vp_snapshot_info *out, struct vp_error *err)
{
	const char *name = virDomainSnapshotGetName(snap);
	_cleanup_(freep) char *xml = virDomainSnapshotGetXMLDesc(snap, 0);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *created = NULL;
	xmlNodePtr root;
	int cur;

	memset(out, 0, sizeof(*out));
	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot read snapshot '%s' of VM '%s'", name ? name : "?",
					virDomainGetName(dom));
	if (vp_xml_parse(xml, "a snapshot description", &doc, err) < 0)
		return -1;
	if (just_made)
		cur = 1;
	else if ((cur = virDomainSnapshotIsCurrent(snap, 0)) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot tell whether snapshot '%s' of VM '%s' is current",
					name ? name : "?", virDomainGetName(dom));
	root = xmlDocGetRootElement(doc);
	out->name = vp_xml_text(vp_xml_child(root, "name"));
	if (!out->name)
		out->name = vp_strdup(name ? name : "?");
	out->parent = vp_xml_text(vp_xml_child(vp_xml_child(root, "parent"), "name"));
	out->description = vp_xml_text(vp_xml_child(root, "description"));
	if (out->description && !*out->description) {
		free(out->description);
		out->description = NULL;
	}
	out->state = vp_xml_text(vp_xml_child(root, "state"));
	if (!out->state)
		out->state = vp_strdup("unknown");
	created = vp_xml_text(vp_xml_child(root, "creationTime"));
	out->created = created ? strtoll(created, NULL, 10) : 0;
	out->current = cur == 1;
	out->external = vp_snap_doc_external(doc);
	out->memory = !out->external &&
		      (!strcmp(out->state, "running") || !strcmp(out->state, "paused") ||
		       !strcmp(out->state, "blocked"));
	return 0;
}

/* A raw disk cannot hold internal snapshots: find the first (read-write
 * disks only: CD-ROMs and read-only disks are not snapshotted). */
static int refuse_raw(virDomainPtr dom, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virDomainGetXMLDesc(dom, 0);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr devs, d;

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'",
					virDomainGetName(dom));
	if (vp_xml_parse(xml, "a domain description", &doc, err) < 0)
		return -1;
	devs = vp_xml_child(xmlDocGetRootElement(doc), "devices");
	for (d = devs ? devs->children : NULL; d; d = d->next) {
		_cleanup_(freep) char *device = NULL, *format = NULL, *target = NULL;
		_cleanup_(freep) char *file = NULL, *dev = NULL, *vol = NULL;
		xmlNodePtr src;

		if (d->type != XML_ELEMENT_NODE || xmlStrcmp(d->name, BAD_CAST "disk"))
			continue;
		device = vp_xml_prop(d, "device");
		if ((device && strcmp(device, "disk")) || vp_xml_child(d, "readonly"))
			continue;
		format = vp_xml_prop(vp_xml_child(d, "driver"), "type");
		if (!format || strcmp(format, "raw"))
			continue;
		target = vp_xml_prop(vp_xml_child(d, "target"), "dev");
		src = vp_xml_child(d, "source");
		file = vp_xml_prop(src, "file");
		dev = vp_xml_prop(src, "dev");
		vol = vp_xml_prop(src, "volume");
		return vp_error_set(err, VP_ERR_INVALID,
				    "raw disk %s (%s) of VM '%s' cannot hold internal snapshots: "
				    "convert it to qcow2 first",
				    target ? target : "?",
				    file ? file : dev ? dev : vol ? vol : "no source",
				    virDomainGetName(dom));
	}
	return 0;
}

/* A VM holds snapshots of one kind: an internal snapshot of an image that
 * is frozen under an overlay, or an overlay on an image holding internal
 * snapshots, would tie the two together in ways neither revert undoes. */
static int refuse_mixing(virDomainPtr dom, bool disk_only, struct vp_error *err)
{
	virDomainSnapshotPtr *snaps = NULL;
	int n, i;

	/* libvirt filters by kind itself: one call, no document each */
	n = virDomainListAllSnapshots(dom, &snaps, disk_only ? VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL
							     : VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL);
	if (n < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the snapshots of VM '%s'",
					virDomainGetName(dom));
	if (n > 0)
		vp_error_set(err, VP_ERR_INVALID,
			     "VM '%s' has %s snapshots (such as '%s'): vprov does not mix them with "
			     "%s ones; delete those first",
			     virDomainGetName(dom), disk_only ? "internal" : "external",
			     virDomainSnapshotGetName(snaps[0]),
			     disk_only ? "external (--disk-only)" : "internal");
	for (i = 0; i < n; i++)
		virDomainSnapshotFree(snaps[i]);
	free(snaps);
	return n > 0 ? -1 : 0;
}

static bool exists(virDomainPtr dom, const char *name)
{
	virDomainSnapshotPtr s = virDomainSnapshotLookupByName(dom, name, 0);

	if (!s)
		return false;
	virDomainSnapshotFree(s);
	return true;
}

int vp_snapshot_create(virDomainPtr dom, const struct vp_snapshot_req *req,
		       struct vp_snapshot_info *out, struct vp_error *err)
{
	const char *name = req->name, *description = req->description;
	char buf[VP_SNAPSHOT_NAME_MAX + 1];
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(virDomainSnapshotFreep) virDomainSnapshotPtr snap = NULL;
	xmlNodePtr root;

	if (name) {
		if (vp_snapshot_name_check(name, err) < 0)
			return -1;
		if (exists(dom, name))
			return vp_error_set(err, VP_ERR_EXISTS, "VM '%s' has a snapshot named '%s' already",
					    virDomainGetName(dom), name);
	} else {
		char base[32];
		int i;

		vp_snapshot_default_name((int64_t)time(NULL), base, sizeof(base));
		snprintf(buf, sizeof(buf), "%s", base);
		for (i = 2; exists(dom, buf) && i < 1000; i++)
			snprintf(buf, sizeof(buf), "%s-%d", base, i);
		name = buf;
	}
	if (refuse_mixing(dom, req->disk_only, err) < 0)
		return -1;
	/* an internal snapshot is written into the very files linked clones
	 * read (an external one only freezes them) */
	if (!req->disk_only &&
	    vp_clone_refuse_dependents(dom, "an internal snapshot would be written into them",
				       "delete them first, or take an external one with --disk-only", err) < 0)
		return -1;
	if (req->disk_only) {
		if (vp_snapshot_ext_create(dom, name, req, &snap, err) < 0)
			return -1;
		if (out && describe_new(dom, snap, true, out, err) < 0)
			return -1;
		return 0;
	}
	if (req->quiesce)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--quiesce needs --disk-only: an internal snapshot of a running VM "
				    "holds its memory, and so a consistent state already");
	if (refuse_raw(dom, err) < 0)
		return -1;

	doc = xmlNewDoc(BAD_CAST "1.0");
	root = xmlNewNode(NULL, BAD_CAST "domainsnapshot");
	xmlDocSetRootElement(doc, root);
	vp_xml_add(root, "name", name);
	if (description && *description)
		vp_xml_add(root, "description", description);
	xml = vp_xml_format(doc);
	if (!xml)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot write the snapshot's XML");

	snap = virDomainSnapshotCreateXML(dom, xml, 0);
	if (!snap)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot take snapshot '%s' of VM '%s'", name,
					virDomainGetName(dom));
	if (out && describe_new(dom, snap, true, out, err) < 0)
		return -1;
	return 0;
}

static int by_created(const void *a, const void *b)
{
	const struct vp_snapshot_info *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Append the children of parent (NULL: the roots) from src to dst, each
 * followed by its own subtree; src is sorted by creation time. */
static void walk(struct vp_snapshot_info *src, bool *taken, size_t n, const char *parent,
		 unsigned depth, struct vp_snapshot_info *dst, size_t *k)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bool child;

		if (taken[i])
			continue;
		if (parent)
			child = src[i].parent && !strcmp(src[i].parent, parent);
		else {
			size_t j;

			/* a root: no parent, or a parent that is not listed */
			child = true;
			for (j = 0; src[i].parent && j < n; j++)
				if (!strcmp(src[j].name, src[i].parent))
					child = false;
		}
		if (!child)
			continue;
		taken[i] = true;
		dst[*k] = src[i];
		dst[*k].depth = depth;
		(*k)++;
		walk(src, taken, n, dst[*k - 1].name, depth + 1, dst, k);
	}
}

int vp_snapshot_list(virDomainPtr dom, struct vp_snapshot_info **out, size_t *n,
		     struct vp_error *err)
{
	virDomainSnapshotPtr *snaps = NULL;
	struct vp_snapshot_info *all, *sorted;
	bool *taken;
	int got, i;
	size_t k = 0, j;
	int rc = 0;

	*out = NULL;
	*n = 0;
	got = virDomainListAllSnapshots(dom, &snaps, 0);
	if (got < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the snapshots of VM '%s'",
					virDomainGetName(dom));
	all = vp_calloc((size_t)got + 1, sizeof(*all));
	for (i = 0; i < got; i++) {
		if (rc == 0 && describe(dom, snaps[i], &all[i], err) < 0)
			rc = -1;
		virDomainSnapshotFree(snaps[i]);
	}
	free(snaps);
	if (rc < 0) {
		vp_snapshot_infos_free(all, (size_t)got);
		return -1;
	}
	qsort(all, (size_t)got, sizeof(*all), by_created);
	for (i = 0; i < got; i++)
		for (j = 0; j < (size_t)got; j++)
			if (all[j].parent && !strcmp(all[j].parent, all[i].name))
				all[i].n_children++;
	sorted = vp_calloc((size_t)got + 1, sizeof(*sorted));
	taken = vp_calloc((size_t)got + 1, sizeof(*taken));
	walk(all, taken, (size_t)got, NULL, 0, sorted, &k);
	/* a cycle cannot happen, but nothing is dropped if it did */
	for (j = 0; j < (size_t)got; j++)
		if (!taken[j])
			sorted[k++] = all[j];
	free(taken);
	free(all);
	*out = sorted;
	*n = k;
	return 0;
}

int vp_snapshot_info(virDomainPtr dom, const char *name, struct vp_snapshot_info *out,
		     struct vp_error *err)
{
	_cleanup_(virDomainSnapshotFreep) virDomainSnapshotPtr snap = NULL;
	struct vp_snapshot_info *all = NULL;
	size_t n = 0, i;

	memset(out, 0, sizeof(*out));
	if (lookup(dom, name, &snap, err) < 0)
		return -1;
	if (describe(dom, snap, out, err) < 0)
		return -1;
	/* the children and the depth come from the tree */
	if (vp_snapshot_list(dom, &all, &n, err) < 0) {
		vp_snapshot_info_clear(out);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(all[i].name, out->name)) {
			out->n_children = all[i].n_children;
			out->depth = all[i].depth;
		}
	vp_snapshot_infos_free(all, n);
	return 0;
}

int vp_snapshot_revert(virDomainPtr dom, const char *name, enum vp_revert_mode mode,
		       struct vp_error *err)
{
	_cleanup_(virDomainSnapshotFreep) virDomainSnapshotPtr snap = NULL;
	struct vp_snapshot_info info;
	unsigned flags = 0;
	int active;
	bool external;

	if (lookup(dom, name, &snap, err) < 0)
		return -1;
	if (vp_clone_refuse_dependents(dom, "a revert would change the disks they are built on",
				       "delete them first", err) < 0)
		return -1;
	/* whether it is current does not matter here: one call less */
	if (describe_new(dom, snap, true, &info, err) < 0)
		return -1;
	active = virDomainIsActive(dom);
	if (active < 0) {
		vp_snapshot_info_clear(&info);
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'",
					virDomainGetName(dom));
	}
	external = info.external;
	if (mode == VP_REVERT_AS_TAKEN && active && !info.memory) {
		int st = VIR_DOMAIN_RUNNING, reason = 0;

		if (virDomainGetState(dom, &st, &reason, 0) < 0)
			st = VIR_DOMAIN_RUNNING;
		if (external)
			vp_error_set(err, VP_ERR_INVALID,
				     "VM '%s' is %s and snapshot '%s' holds its disks only: reverting "
				     "would discard its running state; add --running to start it from "
				     "the snapshot's disks, or --paused to leave it paused",
				     virDomainGetName(dom),
				     st == VIR_DOMAIN_PAUSED ? "paused" : "running", name);
		else
			vp_error_set(err, VP_ERR_INVALID,
				     "VM '%s' is %s and snapshot '%s' was taken %s: reverting would "
				     "discard its running state; add --running to start it from the "
				     "snapshot's disks, or --paused to leave it paused",
				     virDomainGetName(dom),
				     st == VIR_DOMAIN_PAUSED ? "paused" : "running", name,
				     !strcmp(info.state, "shutoff") ? "shut off" : info.state);
		vp_snapshot_info_clear(&info);
		return -1;
	}
	vp_snapshot_info_clear(&info);
	if (external)
		return vp_snapshot_ext_revert(dom, snap, mode, err);
	if (mode == VP_REVERT_RUNNING)
		flags |= VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING;
	else if (mode == VP_REVERT_PAUSED)
		flags |= VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED;
	if (virDomainRevertToSnapshot(snap, flags) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot revert VM '%s' to snapshot '%s'",
					virDomainGetName(dom), name);
	/* --running and --paused promise a VM that runs afterwards.  The QEMU
	 * driver (9.0) keeps that itself: it starts the VM reverted to a
	 * shut-off snapshot (paused with REVERT_PAUSED), and so nothing is
	 * started twice here (tests/e2e/test_snapshot.sh); libvirt's test
	 * driver leaves it shut off despite the flag, so it is started (and
	 * paused) here when that happens (that driver has no
	 * VIR_DOMAIN_START_PAUSED either) */
	if (mode != VP_REVERT_AS_TAKEN && virDomainIsActive(dom) == 0) {
		if (virDomainCreate(dom) < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"VM '%s' was reverted to snapshot '%s' but cannot be started",
						virDomainGetName(dom), name);
		if (mode == VP_REVERT_PAUSED && virDomainSuspend(dom) < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"VM '%s' was reverted to snapshot '%s' but cannot be paused",
						virDomainGetName(dom), name);
	}
	return 0;
}

int vp_snapshot_delete(virDomainPtr dom, const char *name, bool children, size_t *n_deleted,
		       struct vp_error *err)
{
	_cleanup_(virDomainSnapshotFreep) virDomainSnapshotPtr snap = NULL;
	int before, after;

	if (n_deleted)
		*n_deleted = 0;
	if (lookup(dom, name, &snap, err) < 0)
		return -1;
	{
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

		if (vp_snap_doc(snap, &doc, err) < 0)
			return -1;
		if (vp_snap_doc_external(doc))
			return vp_snapshot_ext_delete(dom, snap, children, n_deleted, err);
	}
	before = virDomainSnapshotNum(dom, 0);
	if (virDomainSnapshotDelete(snap, children ? VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN : 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot delete snapshot '%s' of VM '%s'", name,
					virDomainGetName(dom));
	after = virDomainSnapshotNum(dom, 0);
	if (n_deleted)
		*n_deleted = before >= 0 && after >= 0 && before > after ? (size_t)(before - after) : 1;
	return 0;
}

int vp_snapshot_count(virDomainPtr dom, struct vp_error *err)
{
	int n = virDomainSnapshotNum(dom, 0);

	if (n < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot count the snapshots of VM '%s'",
					virDomainGetName(dom));
	return n;
}
