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
 * ISO 9660 names without ";1" and case-insensitively); valid while iso is. */
void vp_iso_reader(struct vp_iso *iso, const char *location, struct vp_tree_reader *r);

/* Copy the member relpath into the file dest (created 0644, replaced
 * atomically); VP_ERR_NOT_FOUND when there is no such member. */
int vp_iso_extract(struct vp_iso *iso, const char *relpath, const char *dest,
		   struct vp_error *err);

/* A reader over a local directory (a mounted ISO, an unpacked tree). */
int vp_dir_reader(const char *dir, struct vp_tree_reader *r, struct vp_error *err);
void vp_dir_reader_free(struct vp_tree_reader *r);

#endif
