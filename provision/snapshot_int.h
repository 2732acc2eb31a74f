/* provision/snapshot_int.h — what snapshot.c and snapshot_ext.c (external
 * snapshots) share; not for other callers. */
#ifndef VP_SNAPSHOT_INT_H
#define VP_SNAPSHOT_INT_H

#include <libxml/tree.h>

#include "snapshot.h"

/* One disk of a domain document, as snapshots see it. */
struct vp_sdisk {
	char *target;            /* vda */
	char *type;              /* file, volume, block, network */
	char *path;              /* its image (a volume's path), NULL when none */
	char *format;            /* the driver's type: qcow2, raw */
	bool skip;               /* a CD-ROM, read-only or shared: never snapshotted */
};

struct vp_sdisks {
	struct vp_sdisk *d;
	size_t n;
};

/* The disks of a <domain> element (a VM's, or a snapshot's own). */
int vp_sdisks_read(virConnectPtr conn, xmlNodePtr domain, struct vp_sdisks *out);
const struct vp_sdisk *vp_sdisk_find(const struct vp_sdisks *l, const char *target);
void vp_sdisks_clear(struct vp_sdisks *l);

/* Whether path is an overlay vprov made for disk target of VM vm (named
 * VM-TARGET.SNAP.qcow2 or VM-TARGET.SNAP-N.qcow2). */
bool vp_overlay_ours(const char *vm, const char *target, const char *path);

int vp_snap_doc(virDomainSnapshotPtr snap, xmlDocPtr *doc, struct vp_error *err);
/* Whether a snapshot document holds an external snapshot of some disk. */
bool vp_snap_doc_external(xmlDocPtr doc);

/* Take an external snapshot named name (checked and free): an overlay
 * volume per writable disk, then libvirt's snapshot reusing them. */
int vp_snapshot_ext_create(virDomainPtr dom, const char *name, const struct vp_snapshot_req *req,
			   virDomainSnapshotPtr *out, struct vp_error *err);
/* Revert to an external snapshot (the guard already passed). */
int vp_snapshot_ext_revert(virDomainPtr dom, virDomainSnapshotPtr snap, enum vp_revert_mode mode,
			   struct vp_error *err);
/* Delete an external snapshot, merging its image away (with children:
 * its descendants first); *n_deleted (may be NULL) counts up. */
int vp_snapshot_ext_delete(virDomainPtr dom, virDomainSnapshotPtr snap, bool children,
			   size_t *n_deleted, struct vp_error *err);

#endif
