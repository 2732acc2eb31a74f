/* provision/base/fs.h — files and directories: atomic writes, mkdir -p,
 * and where vprov keeps its files (XDG base directories). */
#ifndef VP_FS_H
#define VP_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* mkdir -p with mode for the directories it makes; 0 or -1 with errno. */
int vp_mkdir_p(const char *dir, mode_t mode);

/* Write len bytes of data to path atomically: a temporary file in the same
 * directory, fsync()ed when durable, then renamed over path (and the
 * directory fsync()ed when durable).  mode applies to the new file.
 * Readers see the old content or the new, never a part. */
int vp_write_atomic(const char *path, const void *data, size_t len, mode_t mode, bool durable,
		    struct vp_error *err);

/* Write all of buf to fd (retrying short writes and EINTR); 0 or -1 with errno. */
int vp_write_all(int fd, const void *buf, size_t len);

/* Read a whole (small) file, NUL-terminated; NULL with errno. */
char *vp_read_file(const char *path, size_t max, size_t *len);

/* A path that stays inside whatever it is taken relative to (an installer
 * tree, an image): not empty, not absolute, no ".." component. */
bool vp_relpath_inside(const char *p);

/* Per-user directories (malloc'd, NULL when neither the XDG variable nor
 * $HOME is an absolute path):
 *   cache: $XDG_CACHE_HOME/vprov, else /var/cache/vprov for root and
 *          ~/.cache/vprov for others (may be wiped: downloads, indexes,
 *          verdicts);
 *   state: $XDG_STATE_HOME/vprov or ~/.local/state/vprov (must survive a
 *          reboot: the undo journals of operations in flight). */
char *vp_cache_dir(void);
char *vp_state_dir(void);
/* $XDG_DATA_HOME/vprov or ~/.local/share/vprov: what vprov keeps for the
 * user for good (its own SSH key). */
char *vp_data_dir(void);

#endif
