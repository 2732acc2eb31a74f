/* provision/storage.h — pools and volumes, only through libvirt's storage
 * API, so the same calls work on a remote host. */
#ifndef VP_STORAGE_H
#define VP_STORAGE_H

#include <stdbool.h>
#include <stdint.h>
#include "virt.h"
#include <libxml/tree.h>

#include "error.h"

#define VP_DEFAULT_POOL "default"

struct vp_vol_info {
	char *name, *path, *pool;
	char *type;           /* file, block, dir, network, netdir, ploop */
	char *format;         /* qcow2, raw, ... (NULL if the pool does not say) */
	uint64_t capacity, allocation;
};

struct vp_volume_request {
	const char *name;
	uint64_t capacity;
	const char *format;          /* qcow2 | raw */
	bool sparse;                 /* false: allocate (raw) / preallocate metadata (qcow2) */
	const char *backing_path;    /* linked clone of this image ... */
	const char *backing_format;  /* ... in this format */
	const char *encryption;      /* "luks": encrypted with the passphrase ... */
	const char *secret_uuid;     /* ... of this libvirt secret (provision/luks.h) */
	virStorageVolPtr copy_of;    /* a copy of this volume's content, made by the
	                              * host (virStorageVolCreateXMLFrom: sparse, in
	                              * any pool of the host); NULL: a new, empty one */
};

int vp_volume_describe(virStorageVolPtr vol, struct vp_vol_info *out, struct vp_error *err);
void vp_vol_info_clear(struct vp_vol_info *info);

/* NOT_FOUND when there is no pool of that name. */
int vp_pool_lookup(virConnectPtr conn, const char *name, virStoragePoolPtr *out,
		   struct vp_error *err);
/* The pool's target directory (or device directory) and its type. */
int vp_pool_target(virStoragePoolPtr pool, char **path, char **type, struct vp_error *err);
/* The pool whose target is dir, or *out = NULL when none is. */
int vp_pool_find_by_dir(virConnectPtr conn, const char *dir, virStoragePoolPtr *out,
			struct vp_error *err);
/* Start the pool if it is inactive. */
int vp_pool_ensure_active(virStoragePoolPtr pool, struct vp_error *err);
/* Where libvirt keeps images on this connection's host. */
char *vp_pool_default_dir(virConnectPtr conn);
/* A pool name for dir that no pool has yet: its last component, then
 * NAME-1, NAME-2, ...; taken lists names already promised to others. */
char *vp_pool_free_name(virConnectPtr conn, const char *dir, char *const *taken, size_t n_taken);

/* Define (with uuid, which may be NULL), build, start and autostart a
 * directory pool.  The document is validated against storagepool.rng
 * first.  A pool that was defined and then failed to start is undefined
 * again. */
int vp_pool_create_dir(virConnectPtr conn, const char *name, const char *uuid, const char *path,
		       virStoragePoolPtr *out, struct vp_error *err);
/* Undo vp_pool_create_dir (the directory stays). */
int vp_pool_remove(virStoragePoolPtr pool, struct vp_error *err);

/* Refresh the pool.  libvirt refuses a refresh while a volume is being
 * built, cloned or uploaded in the pool (by anyone, or by its own refresh
 * after an upload): that refusal is waited out, up to 60 s. */
int vp_pool_refresh(virStoragePoolPtr pool, struct vp_error *err);

/* The volume at path, also when its pool has not seen it yet (refreshes the
 * pool holding its directory); *out = NULL when there is none. */
int vp_volume_find_by_path(virConnectPtr conn, const char *path, virStorageVolPtr *out,
			   struct vp_error *err);
/* The volume name in pool, or *out = NULL. */
int vp_volume_find(virStoragePoolPtr pool, const char *name, virStorageVolPtr *out,
		   struct vp_error *err);

/* The volume document for req (validated against storagevol.rng). */
int vp_volume_build_xml(const struct vp_volume_request *req, xmlDocPtr *out,
			struct vp_error *err);
int vp_volume_create(virStoragePoolPtr pool, const struct vp_volume_request *req,
		     virStorageVolPtr *out, struct vp_error *err);
int vp_volume_delete(virStorageVolPtr vol, struct vp_error *err);

/* vp_volume_create as a step of an apply (plan.h): the undo ("volume":
 * pool_name, the name, path when known) is journalled before the volume is
 * made and closed with its key after, so an unwind removes exactly it.  A
 * volume of that name there already fails with err->cause
 * VIR_ERR_STORAGE_VOL_EXIST and leaves nothing to undo (it is someone
 * else's); callers say what that means for them.  ap NULL: no journal. */
struct vp_apply;
int vp_volume_create_step(struct vp_apply *ap, virStoragePoolPtr pool, const char *pool_name,
			  const struct vp_volume_request *req, const char *path,
			  virStorageVolPtr *out, struct vp_error *err);

struct vp_reporter;

/* Upload the local file path into vol (which must be at least as large)
 * through a libvirt stream in chunks of 4 MiB, so it works on remote
 * hosts; progress (stage, bytes) and cancel through r (may be NULL). */
int vp_volume_upload_file(virStorageVolPtr vol, const char *path, const char *stage,
			  const struct vp_reporter *r, struct vp_error *err);

/* The same for a disk image that may have holes (a qcow2 base, a raw
 * image): a sparse stream (VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM), so the
 * holes cross the connection as lengths, not zeros, and stay holes on the
 * host; the file's holes are found with SEEK_DATA/SEEK_HOLE. */
int vp_volume_upload_sparse(virStorageVolPtr vol, const char *path, const char *stage,
			    const struct vp_reporter *r, struct vp_error *err);

/* The name of a VM other than except (may be NULL) that has path as a
 * disk or in a disk's backing chain (malloc'd), or NULL. */
char *vp_volume_used_by(virConnectPtr conn, const char *path, const char *except);
/* "POOL/VOL" of a volume in an active pool whose backing image is path
 * (malloc'd), or NULL. */
char *vp_volume_backs(virConnectPtr conn, const char *path);

/* Without libvirt: the format and virtual size of a local image file, from
 * its header (qcow2, vmdk, vdi, vhdx, vpc) or its length (raw).  Never
 * blocks (a FIFO is refused, not opened for reading).  VP_ERR_NOT_FOUND
 * when there is no such file; VP_ERR_INVALID, naming what, when path is a
 * directory, a FIFO, a socket or a character device, or a file that
 * cannot be a disk image (a raw image is a whole number of 512-byte
 * sectors, and not empty).  Block devices: format "raw", their size. */
int vp_image_probe_local(const char *path, const char *what, char **format, uint64_t *capacity,
			 struct vp_error *err);

#endif
