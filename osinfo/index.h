/* osinfo/index.h — inside the osinfo module: the index and the built-in
 * profiles (not for use outside osinfo/). */
#ifndef VP_OSINFO_INDEX_H
#define VP_OSINFO_INDEX_H

#include "osinfo.h"

/* One <os> as the index knows it; the strings point into the index text. */
struct vp_os_entry {
	char *id;
	char *short_ids;       /* comma-joined, first is the main one; never NULL */
	char *name, *version, *family, *distro, *release_date, *eol_date;
	char *source;          /* bundled, system, local, user */
	char *file;            /* path, or "bundled:os/..." */
	char *shadowed;        /* the file of the definition this one won over */
	char *shadowed_source; /* its source */
};

struct vp_stamp {              /* a file or directory as it was when indexed */
	char *path;
	int64_t mtime_ns, size;    /* mtime -1: did not exist */
};

struct vp_osinfo {
	char *text;            /* the index, as cached; everything points into it */
	struct vp_os_entry *e;
	size_t n;
	struct vp_stamp *files, *dirs;
	size_t n_files, n_dirs;
	bool fully_checked;    /* every file's stamp was compared this time */
	bool stale;            /* the cached index is out of date and not rebuilt */
	struct vp_os_entry *side; /* entries found from the files while stale (owned) */
	size_t n_side;
	char sig[65];          /* of the configuration: directories, built-ins */
	char sys_version[16];  /* the system database's VERSION (YYYYMMDD), "" when none */
	char *roots[3];        /* system, local, user */
	char *cache_dir;
	bool no_bundled;
	const struct vp_reporter *reporter;
};

/* The profiles compiled in from osinfo/db (generated at build time). */
struct vp_bundle_file {
	const char *path;      /* os/<vendor>/<name>.xml */
	const char *text;
};
extern const struct vp_bundle_file vp_osinfo_bundle[];
extern const size_t vp_osinfo_bundle_count;
extern const char vp_osinfo_bundle_hash[];
extern const char vp_osinfo_bundle_version[]; /* its snapshot date, YYYYMMDD (osinfo/db/VERSION) */

/* Why a definition from source won over one from loser_source, in one
 * sentence without a final period (owned by the caller). */
char *vp_osinfo_choice(const struct vp_osinfo *db, const char *source, const char *loser_source);

/* By id or short-id (aliases included); NULL when unknown. */
struct vp_os_entry *vp_osinfo_find(struct vp_osinfo *db, const char *name);

/* Compare every file with the index and rebuild it when any changed.
 * Returns 1 when it was rebuilt. */
int vp_osinfo_refresh(struct vp_osinfo *db);

/* Is this file as the index saw it?  (Built-in ones always are.) */
bool vp_osinfo_file_current(struct vp_osinfo *db, const char *path);

/* A profile file's text: a path, or "bundled:os/..." */
int vp_osinfo_read_file(const char *path, char **text, size_t *len, struct vp_error *err);

#endif
