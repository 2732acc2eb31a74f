/* provision/cloud/gfs.h — libguestfs, loaded on first use
 *
 * Guest disk edits go through libguestfs (libguestfs.so.0); like libvirt
 * (provision/virt.h) and libcurl (provision/fetch/curlib.h) it is
 * dlopen()ed by the commands that edit disks, so no other command pays for
 * loading it (and the libraries it pulls in).  Call through the table:
 * vp_gfs.guestfs_create().  Types come from libguestfs's own header with
 * __typeof__, so every call is still type-checked; a function missing from
 * the list fails to compile.  Only the _argv forms of the functions with
 * optional arguments are listed: a variadic call through a pointer would
 * check nothing.
 */
#ifndef VP_GFS_H
#define VP_GFS_H

#define GUESTFS_NO_DEPRECATED 1
#include <guestfs.h>

#include "cleanup.h"
#include "error.h"

#define VP_GFS_FUNCS(X)                                                                   \
	X(guestfs_create) X(guestfs_close) X(guestfs_set_error_handler) X(guestfs_last_error) \
	X(guestfs_last_errno) X(guestfs_set_backend) X(guestfs_set_backend_settings)          \
	X(guestfs_get_backend) X(guestfs_set_identifier)                                     \
	X(guestfs_add_drive_opts_argv) X(guestfs_launch) X(guestfs_shutdown)                 \
	X(guestfs_inspect_os) X(guestfs_inspect_get_mountpoints) X(guestfs_inspect_get_type) \
	X(guestfs_mount) X(guestfs_mount_ro) X(guestfs_umount_all) X(guestfs_sync)           \
	X(guestfs_exists) X(guestfs_is_file) X(guestfs_is_dir) X(guestfs_is_symlink)         \
	X(guestfs_read_file) X(guestfs_write) X(guestfs_upload) X(guestfs_mkdir_p)           \
	X(guestfs_chmod) X(guestfs_chown) X(guestfs_glob_expand) X(guestfs_rm_f)             \
	X(guestfs_rm_rf) X(guestfs_truncate) X(guestfs_ln_sf) X(guestfs_list_partitions)    \
	X(guestfs_list_devices) X(guestfs_vfs_type)                                          \
	X(guestfs_findfs_uuid) X(guestfs_findfs_label)

struct vp_gfs_lib {
#define VP_GFS_MEMBER(f) __typeof__(f) *f;
	VP_GFS_FUNCS(VP_GFS_MEMBER)
#undef VP_GFS_MEMBER
};

extern struct vp_gfs_lib vp_gfs;

/* Load libguestfs.so.0 once per process (thread-safe); -1 with a sentence
 * in err when it cannot be loaded. */
int vp_gfs_load(struct vp_error *err);

/* Close a handle (NULL is fine); for _cleanup_(vp_gfs_closep). */
static inline void vp_gfs_closep(guestfs_h **g)
{
	if (*g)
		vp_gfs.guestfs_close(*g);
}

/* Free a NULL-terminated list of strings libguestfs returned (NULL is
 * fine); for _cleanup_(vp_gfs_strvp). */
void vp_gfs_strv_free(char **v);
static inline void vp_gfs_strvp(char ***v)
{
	vp_gfs_strv_free(*v);
}

#endif
