/* provision/migrate_int.h — what the parts of a migration share (not for
 * cmd/): migrate.c resolves the VM and drives the domain side (live
 * migration, define and undefine); migrate_storage.c the storage side (which
 * destination pool and volume each disk gets, creating them, streaming and
 * verifying their bytes, backing images found or copied first). */
#ifndef VP_MIGRATE_INT_H
#define VP_MIGRATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migrate.h"

struct vp_migrate_disk {
	char *target;            /* "vda" */
	char *device;            /* "disk", "cdrom" */
	bool readonly;
	char *src_path;          /* on the source host */
	char *src_pool;          /* the source pool holding it; NULL when in none */
	char *vol_name;          /* the volume's name (kept on the destination) */
	char *format;            /* "qcow2", "raw", ... */
	uint64_t capacity;       /* bytes */
	uint64_t allocation;     /* bytes used on the source */
	char *backing_path;      /* its backing image on the source, NULL when none */
	char *backing_format;
	/* filled by vp_migrate_disks_resolve */
	char *dst_pool;          /* the destination pool */
	char *dst_path;          /* the volume's path there */
	char *dst_backing_path;  /* the backing image's path there (found by checksum or copied) */
	bool backing_copy;       /* this disk's steps copy the backing image there first (not found there,
				  * and no earlier disk copies it) */
	bool copy;               /* its bytes move (offline, or live with --copy-storage) */
	bool owned;              /* vprov's metadata says the VM owns it (removed from the source) */
};

struct vp_migrate_ctx {
	virConnectPtr src;           /* referenced */
	virConnectPtr dst;           /* referenced */
	virDomainPtr dom;            /* referenced */
	char *name;
	struct vp_migrate_req req;   /* strings referenced */
	bool live;                   /* resolved from req.mode and the VM's state */
	char *xml;                   /* the VM's inactive definition with vprov's metadata */
	struct vp_migrate_disk *disks;
	size_t n_disks;
	const struct vp_reporter *reporter;
};

/* migrate_storage.c.  Map every disk of mc (already listed with their
 * source fields by migrate.c) to a destination pool and path, set copy, and
 * check what would fail later: a volume of that name already in the
 * destination pool (EXISTS), not enough free space there (NO_SPACE or
 * INVALID with the figures), a backing image that is neither found on the
 * destination by checksum nor copyable.  Changes nothing. */
int vp_migrate_disks_resolve(struct vp_migrate_ctx *mc, struct vp_error *err);

/* migrate_storage.c.  Add the steps that make the destination's storage
 * ready, in order: backing images first (found or copied), then for each
 * disk a journalled volume of the same name, format and capacity in its
 * destination pool (undo: deleted), and when stream is true its bytes
 * streamed from the source (sparse-aware) and verified (size and sha256
 * of both sides).  Without stream (live --copy-storage) the volumes are
 * created empty for libvirt to fill. */
int vp_migrate_add_storage_steps(struct vp_plan *plan, struct vp_migrate_ctx *mc, bool stream,
				 struct vp_error *err);

/* Free what a disk holds (not d itself). */
void vp_migrate_disk_clear(struct vp_migrate_disk *d);
void vp_migrate_ctx_free(void *ctx);

/* migrate.c, pure: the domain document xml as the destination gets it:
 * each disk's source (file, or pool/volume) that disks lists by target is
 * rewritten to its dst_path (a file there), its backing store to
 * dst_backing_path when set, and vprov's record of the volume (metadata.h)
 * to the destination's pool and path; all else (the UUID, the metadata's
 * roles and owners) is kept.  INVALID when xml is not a domain. */
int vp_migrate_rewrite_xml(const char *xml, const struct vp_migrate_disk *disks, size_t n,
			   char **out, struct vp_error *err);

#endif
