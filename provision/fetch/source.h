/* provision/fetch/source.h — an install location opened as a tree: a URL
 * (http, https, ftp, file), a local directory or an ISO image, with a
 * reader for detection (tree.h) and a way to get its files as local,
 * verified files. */
#ifndef VP_SOURCE_H
#define VP_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "fetch.h"
#include "tree.h"

enum vp_source_kind { VP_SOURCE_URL, VP_SOURCE_DIR, VP_SOURCE_ISO };

struct vp_source;

/* Open location: a URL vp_fetch_is_url() accepts, else a local directory
 * or ISO image (absolute or relative path).  fo is kept (must outlive the
 * source).  A path that does not exist, or a file that is no ISO 9660
 * image: VP_ERR_INVALID / VP_ERR_NOT_FOUND naming it. */
int vp_source_open(const char *location, const struct vp_fetch_opts *fo, struct vp_source **out,
		   struct vp_error *err);
void vp_source_close(struct vp_source *s);

enum vp_source_kind vp_source_kind(const struct vp_source *s);
const struct vp_tree_reader *vp_source_reader(const struct vp_source *s);
/* The absolute path of a DIR or ISO source (NULL for URLs). */
const char *vp_source_path(const struct vp_source *s);
/* The URL of relpath in a URL source (malloc'd); NULL for others. */
char *vp_source_url(const struct vp_source *s, const char *relpath);

struct vp_source_file {
	/* in */
	const char *relpath;
	const char *sha256;          /* published checksum, or NULL */
	const char *what;            /* kernel, initrd */
	bool hash;                   /* a local file: its SHA-256 even when none is published
	                              * (downloads are always hashed) */
	/* out */
	char *path;                  /* a local file holding it */
	bool temp;                   /* path is a temporary file the caller unlinks */
	uint64_t size;
	char sha256_hex[65];         /* "" for a local file neither checked nor hashed */
	bool cached;                 /* URL: served from the cache */
	uint64_t body_bytes;         /* URL: body bytes transferred */
	char *url;                   /* URL: where it came from */
};

/* Local, verified copies of files: a URL source fetches them (in
 * parallel, through the cache), a directory gives its own files, an ISO
 * image extracts them into tmp_dir.  A published checksum that does not
 * match is an error naming the file; nothing is left behind on failure. */
int vp_source_get(struct vp_source *s, struct vp_source_file *files, size_t n,
		  const char *tmp_dir, struct vp_error *err);
void vp_source_file_clear(struct vp_source_file *f);

/* What 'vprov fetch' does: open location, recognise the tree, and (when
 * download) get its kernel and initrd as verified local files (an ISO's
 * are extracted into tmp_dir, and removed by vp_tree_fetch_clear). */
struct vp_tree_fetch {
	struct vp_tree tree;
	enum vp_source_kind kind;
	struct vp_source_file files[2];      /* kernel, initrd */
	bool downloaded;
};

int vp_tree_fetch(const char *location, const char *kernel_hint, const char *initrd_hint,
		  const char *arch, const struct vp_fetch_opts *fo, const char *tmp_dir,
		  bool download, struct vp_tree_fetch *out, struct vp_error *err);
void vp_tree_fetch_clear(struct vp_tree_fetch *f);

/* HEAD (or the FTP/file equivalent) of url: 1 when it exists, 0 when the
 * server says it does not, -1 with err. */
int vp_fetch_exists(const char *url, const struct vp_fetch_opts *o, struct vp_error *err);

#endif
