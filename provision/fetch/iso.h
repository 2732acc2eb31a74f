/* provision/fetch/iso.h — ISO 9660 images read in-process (libarchive,
 * loaded on first use), as a tree reader. */
#ifndef VP_ISO_H
#define VP_ISO_H

#include "error.h"
#include "tree.h"

struct vp_iso;

/* Open the image at path; VP_ERR_INVALID when it is not an ISO 9660 image. */
int vp_iso_open(const char *path, struct vp_iso **out, struct vp_error *err);
void vp_iso_close(struct vp_iso *iso);

/* A reader over the image (Rock Ridge / Joliet names where present, else
 * ISO 9660 names without ";1" and case-insensitively); valid while iso is.
 * Symbolic links and hard links inside the image are followed; relpaths
 * that are absolute or hold ".." are refused.  location NULL: the image's
 * path; r->is_iso is set and r->volume_id is the image's. */
void vp_iso_reader(struct vp_iso *iso, const char *location, struct vp_tree_reader *r);

/* The image's volume id (the primary volume descriptor's, trailing blanks
 * dropped; "Fedora-E-dvd-x86_64-40"), or NULL when it has none. */
const char *vp_iso_volume_id(const struct vp_iso *iso);

/* Copy the member relpath into the file dest (created 0644, replaced
 * atomically); VP_ERR_NOT_FOUND when there is no such member. */
int vp_iso_extract(struct vp_iso *iso, const char *relpath, const char *dest,
		   struct vp_error *err);

/* A reader over a local directory (a mounted ISO, an unpacked tree):
 * symbolic links are followed (packages install trees with them), relpaths
 * that are absolute or hold ".." are refused; exists means a regular file.
 * r->location is dir; VP_ERR_NOT_FOUND when dir is not a directory. */
int vp_dir_reader(const char *dir, struct vp_tree_reader *r, struct vp_error *err);
void vp_dir_reader_free(struct vp_tree_reader *r);

#endif
