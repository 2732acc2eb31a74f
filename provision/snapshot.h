/* provision/snapshot.h — internal snapshots of a VM (qcow2): create, list
 * in tree order, inspect, revert, delete.  External (--disk-only)
 * snapshots are not handled yet (issue 9).  Every function takes the VM it
 * acts on; none prints. */
#ifndef VP_SNAPSHOT_H
#define VP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "virt.h"

#include "error.h"

#define VP_SNAPSHOT_NAME_MAX 64

struct vp_snapshot_info {
	char *name;
	char *parent;            /* NULL for a root */
	char *description;       /* NULL when none */
	char *state;             /* the VM's state when taken: running, paused, shutoff, ... */
	int64_t created;         /* seconds since the epoch; 0 when unknown */
	bool current;            /* the snapshot the VM is based on now */
	bool memory;             /* holds the guest's memory (taken running or paused) */
	unsigned depth;          /* 0 for a root; in vp_snapshot_list's order */
	size_t n_children;
	uint64_t size;           /* bytes used, 0 when libvirt cannot tell */
};

/* INVALID with one sentence unless name is non-empty, at most
 * VP_SNAPSHOT_NAME_MAX bytes, without '/' or control characters, and not
 * "." or "..". */
int vp_snapshot_name_check(const char *name, struct vp_error *err);

/* "snap-YYYYMMDD-HHMMSS" for t (local time) into buf. */
void vp_snapshot_default_name(int64_t t, char *buf, size_t len);

/* What to take; later: disk_only (external overlays), quiesce. */
struct vp_snapshot_req {
	const char *name;        /* NULL: the default name of now, -2, -3, ... appended when taken */
	const char *description; /* NULL or "": none */
};

/* Take an internal snapshot.  Refused (INVALID) when a disk is raw;
 * EXISTS when the name is taken.  *out (may be NULL) describes the new
 * snapshot. */
int vp_snapshot_create(virDomainPtr dom, const struct vp_snapshot_req *req,
		       struct vp_snapshot_info *out, struct vp_error *err);

/* Every snapshot, parents before their children (siblings by creation
 * time), with depth set. */
int vp_snapshot_list(virDomainPtr dom, struct vp_snapshot_info **out, size_t *n,
		     struct vp_error *err);

/* One snapshot; NOT_FOUND when the VM has none of that name. */
int vp_snapshot_info(virDomainPtr dom, const char *name, struct vp_snapshot_info *out,
		     struct vp_error *err);

enum vp_revert_mode { VP_REVERT_AS_TAKEN = 0, VP_REVERT_RUNNING, VP_REVERT_PAUSED };

/* Revert to the snapshot.  With VP_REVERT_AS_TAKEN the VM ends in the
 * state the snapshot was taken in; reverting a running VM to a snapshot
 * taken shut off would power it off and lose its running state, so that
 * is refused (INVALID) and the caller must say --running or --paused. */
int vp_snapshot_revert(virDomainPtr dom, const char *name, enum vp_revert_mode mode,
		       struct vp_error *err);

/* Delete the snapshot (its children are re-parented onto its parent), or
 * with children the snapshot and all its descendants.  *n_deleted (may be
 * NULL): how many went. */
int vp_snapshot_delete(virDomainPtr dom, const char *name, bool children, size_t *n_deleted,
		       struct vp_error *err);

/* How many snapshots the VM has (internal and external); -1 with err
 * filled when libvirt cannot tell. */
int vp_snapshot_count(virDomainPtr dom, struct vp_error *err);

void vp_snapshot_info_clear(struct vp_snapshot_info *s);
void vp_snapshot_infos_free(struct vp_snapshot_info *list, size_t n);

#endif
