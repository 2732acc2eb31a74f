/* provision/snapshot.h — snapshots of a VM: create, list in tree order,
 * inspect, revert, delete.  Every function takes the VM it acts on; none
 * prints.
 *
 * Internal snapshots live inside the VM's qcow2 disks (of a running VM,
 * with its memory).  External ones (disk_only) freeze each writable disk's
 * current image and put a new qcow2 overlay on it, made as a volume of
 * the disk's pool named VM-TARGET.SNAP.qcow2 (VM-TARGET.SNAP-N.qcow2 when
 * that is taken); libvirt takes them.  libvirt 9.0 cannot revert them and
 * deletes only their metadata, so vprov does both: a revert points each
 * disk at a new overlay on the snapshot's frozen image and removes the
 * overlay it leaves (when no snapshot needs it); a delete merges the one
 * image built on the frozen image into it (block commit, with a pivot
 * when that is the image a running guest writes; qemu-img commit on a
 * local host when the guest is off) and removes the merged overlay, so
 * the chain never grows without bound.  A VM holds snapshots of one kind:
 * mixing them is refused. */
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
	bool external;           /* disks frozen under overlays (--disk-only) */
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

struct vp_apply_opts;

/* What to take. */
struct vp_snapshot_req {
	const char *name;        /* NULL: the default name of now, -2, -3, ... appended when taken */
	const char *description; /* NULL or "": none */
	bool disk_only;          /* external overlays, disks only (the VM may run or be off) */
	bool quiesce;            /* with disk_only: the guest agent freezes the file systems */
	const struct vp_apply_opts *apply; /* the overlays' journal (NULL: in memory) */
};

/* Take a snapshot.  Internal: refused (INVALID) when a disk is raw.
 * EXISTS when the name is taken; INVALID when the VM has snapshots of the
 * other kind, or quiesce without a running guest with an agent channel.
 * *out (may be NULL) describes the new snapshot. */
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
 * state the snapshot was taken in (shut off for an external one);
 * reverting a running VM to a snapshot without memory would power it off
 * and lose its running state, so that is refused (INVALID) and the caller
 * must say --running or --paused. */
int vp_snapshot_revert(virDomainPtr dom, const char *name, enum vp_revert_mode mode,
		       struct vp_error *err);

/* Delete the snapshot (its children are re-parented onto its parent), or
 * with children the snapshot and all its descendants.  *n_deleted (may be
 * NULL): how many went. */
int vp_snapshot_delete(virDomainPtr dom, const char *name, bool children, size_t *n_deleted,
		       struct vp_error *err);

/* Remove every snapshot of the VM (powered off first): their metadata,
 * internal snapshots' data, and the overlays vprov made for external ones
 * (unless keep_files), whose paths are added to removed. */
int vp_snapshot_remove_all(virDomainPtr dom, bool keep_files, char ***removed, size_t *n_removed,
			   struct vp_error *err);

/* How many snapshots the VM has (internal and external); -1 with err
 * filled when libvirt cannot tell. */
int vp_snapshot_count(virDomainPtr dom, struct vp_error *err);

void vp_snapshot_info_clear(struct vp_snapshot_info *s);
void vp_snapshot_infos_free(struct vp_snapshot_info *list, size_t n);

#endif
