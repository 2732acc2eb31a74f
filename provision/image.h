/* provision/image.h — cloud images as read-only bases of thin overlays
 *
 * An image is named by an OS profile id (its cloud-init image for the
 * guest's architecture), a URL, a file on this machine, or POOL/VOL (a
 * volume on the host, used as it is).  URLs are downloaded once into the
 * fetch cache (provision/fetch); a file or a download is then uploaded
 * once per pool through a sparse libvirt stream (so remote hosts work) as
 * a base volume named by its content:
 *
 *     <stem>.base-<first 16 hex digits of its sha256>.<qcow2|raw>
 *
 * so a later create, on any machine, finds it again by checksum instead
 * of uploading it twice.  A base is never written: a VM gets a qcow2
 * overlay on it, and vprov never records a base as a VM's own, so
 * deleting the VM keeps it.  `vprov image rm` refuses while overlays
 * depend on it.
 *
 * create.c drives the create side (open while resolving, steps to apply);
 * cmd/image.c the `vprov image` commands. */
#ifndef VP_IMAGE_H
#define VP_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"
#include "report.h"
#include "spec.h"
#include "virt.h"

struct vp_osinfo;

struct vp_image_env {
	const char *cache_dir;              /* downloads and hash sums; required */
	const char *state_dir;              /* locks on bases being uploaded; NULL: none */
	const struct vp_reporter *reporter;
	struct vp_osinfo *osinfo;           /* ID forms */
	long stall_timeout_ms;              /* downloads: 0 for the default */
	const char *profile;                /* a URL that is this OS profile's cloud
	                                     * image: failures name it */
};

struct vp_image;

/* Open the image arg names (ID|URL|PATH|POOL/VOL) for guest architecture
 * arch.  An ID is an OS profile's short id (or full id): *profile (may be
 * NULL) gets it, for the caller to use as the VM's profile.  Looks only:
 * a URL's download is a step; a cached one is found in the cache. */
int vp_image_open(const char *arg, const char *arch, const struct vp_image_env *env,
		  struct vp_image **out, const char **profile, struct vp_error *err);
void vp_image_free(struct vp_image *im);

/* The cloud-init image an OS profile names for arch (NULL: none); the
 * caller frees it. */
char *vp_image_of_profile(struct vp_osinfo *db, const char *os_id, const char *arch);

/* One line saying what the image is, for notes ("the cloud image
 * 'URL' (cached, 2.1 GiB qcow2)"). */
char *vp_image_describe(const struct vp_image *im);

/* Against a create: disk di of s (new, not yet resolved) becomes the
 * overlay and pool the base's pool.  Looks for the base there; sets what
 * is known (the backing image when it is on the host already, the
 * overlay's size: at least the image's). */
int vp_image_resolve(struct vp_image *im, virConnectPtr conn, struct vp_domain_spec *s,
		     size_t di, const char *pool, struct vp_plan *plan, struct vp_error *err);

/* Once disk di is resolved (its pool, volume and name): the overlay's
 * format, size and, when known, backing image. */
int vp_image_settle(struct vp_image *im, virConnectPtr conn, struct vp_error *err);

/* The steps: with host false, "download" (a URL not in the cache; it
 * changes nothing on the host and goes first); with host true, "base"
 * (the upload unless the pool has it, before the overlay's volume). */
void vp_image_add_steps(struct vp_image *im, struct vp_plan *plan, bool host);

/* ---- vprov image ------------------------------------------------------ */

struct vp_base_info {
	char *pool, *name, *path, *format;
	char *sha16;                        /* from its name */
	uint64_t capacity, allocation;
	char **used_by;                     /* VMs with an overlay on it */
	size_t n_used_by;
};
void vp_base_info_clear(struct vp_base_info *b);
void vp_base_infos_free(struct vp_base_info *b, size_t n);

/* True when name is a base volume's ("<stem>.base-<16 hex>.<ext>"). */
bool vp_image_is_base_name(const char *name);

/* Every base volume in conn's active pools (pool NULL) or in one pool. */
int vp_image_list(virConnectPtr conn, const char *pool, struct vp_base_info **out, size_t *n,
		  struct vp_error *err);

/* Download (ID, URL) or read (PATH) an image and upload it as a base into
 * pool (NULL: default) unless the pool has it; out gets the base and
 * *uploaded whether it was uploaded now. */
int vp_image_pull(virConnectPtr conn, const char *arg, const char *pool, const char *arch,
		  const struct vp_image_env *env, struct vp_base_info *out, bool *uploaded,
		  struct vp_error *err);

/* Remove a base (POOL/VOL, or a volume name that is a base in exactly one
 * pool); VP_ERR_INVALID naming the VMs while overlays depend on it. */
int vp_image_rm(virConnectPtr conn, const char *which, struct vp_base_info *removed,
		struct vp_error *err);

#endif
