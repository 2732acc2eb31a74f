/* provision/fetch/arlib.h — libarchive, loaded on first use
 *
 * ISO 9660 images are read and initrd archives (newc cpio, gzip) written
 * with libarchive; like libvirt (provision/virt.h) it is dlopen()ed by the
 * commands that need it, so no other command pays for loading it.  Call
 * through the table: vp_ar.archive_read_new().  Types come from libarchive's
 * own headers with __typeof__, so every call is still type-checked; a
 * function missing from the list fails to compile.
 */
#ifndef VP_ARLIB_H
#define VP_ARLIB_H

#include <archive.h>
#include <archive_entry.h>

#include "error.h"

#define VP_ARCHIVE_FUNCS(X)                                                               \
	X(archive_error_string) X(archive_errno)                                             \
	X(archive_read_new) X(archive_read_free) X(archive_read_close)                       \
	X(archive_read_support_format_iso9660) X(archive_read_support_format_cpio)           \
	X(archive_read_support_format_empty) X(archive_read_support_filter_all)              \
	X(archive_read_open_filename) X(archive_read_open_fd) X(archive_read_open_memory)    \
	X(archive_read_next_header) X(archive_read_data) X(archive_read_data_skip)           \
	X(archive_read_set_options) X(archive_read_support_format_raw)                       \
	X(archive_filter_count) X(archive_filter_bytes)                                      \
	X(archive_write_new) X(archive_write_free) X(archive_write_close)                    \
	X(archive_write_set_format_cpio_newc) X(archive_write_add_filter_gzip)               \
	X(archive_write_add_filter_none) X(archive_write_set_bytes_per_block)                \
	X(archive_write_set_bytes_in_last_block) X(archive_write_set_options)                \
	X(archive_write_open_fd) X(archive_write_header) X(archive_write_data)               \
	X(archive_write_finish_entry) X(archive_write_set_format_iso9660)                      \
	X(archive_write_open)                                                                \
	X(archive_entry_new) X(archive_entry_free) X(archive_entry_clear)                    \
	X(archive_entry_pathname) X(archive_entry_size) X(archive_entry_size_is_set)         \
	X(archive_entry_filetype) X(archive_entry_mode) X(archive_entry_symlink)             \
	X(archive_entry_set_pathname) X(archive_entry_set_size) X(archive_entry_set_filetype) \
	X(archive_entry_set_perm) X(archive_entry_set_mtime) X(archive_entry_set_nlink)      \
	X(archive_entry_set_uid) X(archive_entry_set_gid) X(archive_entry_set_ino)            \
	X(archive_entry_hardlink)

struct vp_archive_lib {
#define VP_AR_MEMBER(f) __typeof__(f) *f;
	VP_ARCHIVE_FUNCS(VP_AR_MEMBER)
#undef VP_AR_MEMBER
};

extern struct vp_archive_lib vp_ar;

/* Load libarchive.so.13 once per process (thread-safe); -1 with a sentence
 * in err when it cannot be loaded. */
int vp_archive_load(struct vp_error *err);

#endif
