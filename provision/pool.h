/* provision/pool.h — storage pools as a user manages them: create (a plan:
 * define, build, start, autostart, each undone on failure), list, info
 * with the VM behind each volume, and delete that refuses while VMs use it.
 *
 * Building never formats what the user did not ask to format: a dir pool's
 * build makes its directory, fs and netfs pools get their mount point,
 * and only with req->build does an fs pool get a file system (mkfs) or a
 * logical pool a volume group (pvcreate, vgcreate) — and then only on a
 * device that carries none (libvirt's NO_OVERWRITE: a device with a file
 * system or an LVM label is refused, never overwritten).  Delete removes
 * the pool's directory only when it is empty and never removes a volume
 * group. */
#ifndef VP_POOL_H
#define VP_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>

#include "error.h"
#include "plan.h"
#include "virt.h"

struct vp_pool_request {
	const char *name;
	const char *type;            /* dir | fs | logical | netfs */
	const char *target;          /* dir: the directory; fs, netfs: the mount point;
	                              * logical: /dev/VG (default) */
	const char *source_dev;      /* fs: the block device; logical: a PV (optional) */
	const char *source_host;     /* netfs: the server ... */
	const char *source_path;     /* ... and its export */
	const char *source_format;   /* fs: auto, ext4, xfs, ...; netfs: auto, nfs, cifs, glusterfs */
	const char *source_name;     /* logical: the volume group (default: the pool's name) */
	const char *uuid;            /* NULL: a new one */
	bool build;                  /* fs: mkfs, logical: vgcreate, both only on an empty device */
	bool autostart;
};

/* The pool document for req, validated against storagepool.rng; usage
 * errors (VP_ERR_INVALID) name the option that is missing or wrong. */
int vp_pool_build_xml(const struct vp_pool_request *req, xmlDocPtr *out, struct vp_error *err);

/* Resolve req against conn's host (the name must be free) into a plan:
 * define, build (when the type needs it, see above), start, autostart.
 * xml (may be NULL) gets the document.  Apply it with vp_plan_apply(). */
int vp_pool_plan(virConnectPtr conn, const struct vp_pool_request *req, struct vp_plan **plan,
		 char **xml, struct vp_error *err);

/* A VM that uses a volume: its name, what the volume is to it (disk,
 * backing, seed, or what vprov's metadata says) and whether vprov made
 * the volume for it (it goes when the VM is deleted). */
struct vp_vol_user {
	char *vm, *role;
	bool owned;
};

struct vp_pool_vol {
	char *name, *path, *format;
	uint64_t capacity, allocation;
	struct vp_vol_user *users;
	size_t n_users;
};

struct vp_pool_info {
	char *name, *uuid, *type, *target;
	char *state;                 /* running, inactive, building, degraded, inaccessible */
	bool active, persistent, autostart;
	uint64_t capacity, allocation, available;  /* bytes; 0 while inactive */
	long n_volumes;              /* -1 while inactive */
	char *source_dev, *source_host, *source_path, *source_format, *source_name;
	struct vp_pool_vol *vols;    /* vp_pool_get with volumes only */
	size_t n_vols;
};

/* Every pool of the host (volumes counted, not listed). */
int vp_pool_list(virConnectPtr conn, struct vp_pool_info **out, size_t *n, struct vp_error *err);
/* One pool; with_volumes: its volumes and the VMs that use each. */
int vp_pool_get(virConnectPtr conn, const char *name, bool with_volumes, struct vp_pool_info *out,
		struct vp_error *err);
void vp_pool_info_clear(struct vp_pool_info *p);
void vp_pool_infos_free(struct vp_pool_info *p, size_t n);

struct vp_pool_deleted {
	char **volumes;              /* volumes deleted with it (--volumes) */
	size_t n_volumes;
	bool dir_removed;            /* its directory (or mount point) is gone */
	bool undefined;              /* it had a definition, now gone */
};

/* Delete the pool: refused (VP_ERR_RUNTIME, naming them) while a VM uses
 * any of its volumes, and while it holds other volumes unless volumes is
 * true (then they are deleted first); then stop it, remove its directory
 * when empty (dir, fs, netfs) and undefine it.  An inactive pool is
 * started to look inside first. */
int vp_pool_delete(virConnectPtr conn, const char *name, bool volumes, struct vp_pool_deleted *out,
		   struct vp_error *err);
void vp_pool_deleted_clear(struct vp_pool_deleted *d);

#endif
