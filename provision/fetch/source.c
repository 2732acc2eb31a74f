/* provision/fetch/source.c — install locations as trees (source.h) */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "hash.h"
#include "iso.h"

struct vp_source {
	enum vp_source_kind kind;
	char *location;              /* as given */
	char *base;                  /* URL: with a trailing '/'; DIR/ISO: absolute path */
	const struct vp_fetch_opts *fo;
	struct vp_tree_reader reader;
	struct vp_iso *iso;
};

/* ---- a URL as a tree ---------------------------------------------------- */

char *vp_source_url(const struct vp_source *s, const char *relpath)
{
	if (s->kind != VP_SOURCE_URL)
		return NULL;
	return vp_strdup_printf("%s%s", s->base, relpath);
}

static int url_read(void *opaque, const char *relpath, size_t max, char **buf, size_t *len,
		    struct vp_error *err)
{
	struct vp_source *s = opaque;
	_cleanup_(freep) char *url = vp_source_url(s, relpath);

	return vp_fetch_text(url, max, s->fo, buf, len, err);
}

static int url_exists(void *opaque, const char *relpath, struct vp_error *err)
{
	struct vp_source *s = opaque;
	_cleanup_(freep) char *url = vp_source_url(s, relpath);

	return vp_fetch_exists(url, s->fo, err);
}

/* ---- open --------------------------------------------------------------- */

int vp_source_open(const char *location, const struct vp_fetch_opts *fo, struct vp_source **out,
		   struct vp_error *err)
{
	_cleanup_(freep) struct vp_source *s = vp_calloc(1, sizeof(*s));
	struct stat st;

	*out = NULL;
	s->fo = fo;
	if (vp_fetch_is_url(location)) {
		size_t n = strlen(location);

		s->kind = VP_SOURCE_URL;
		s->base = vp_strdup_printf("%s%s", location, n && location[n - 1] == '/' ? "" : "/");
		s->reader.read = url_read;
		s->reader.exists = url_exists;
		s->reader.opaque = s;
		s->reader.is_url = true;
	} else if (strstr(location, "://")) {
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot use location '%s': only http, https, ftp and file URLs, local directories and ISO images can be installed from",
				    location);
	} else {
		char *abs;

		if (stat(location, &st) < 0)
			return vp_error_set(err, errno == ENOENT ? VP_ERR_NOT_FOUND : VP_ERR_INVALID,
					    "cannot use location '%s': %s", location, strerror(errno));
		abs = realpath(location, NULL);
		if (!abs)
			return vp_error_set(err, VP_ERR_INVALID, "cannot use location '%s': %s",
					    location, strerror(errno));
		s->base = abs;
		if (S_ISDIR(st.st_mode)) {
			s->kind = VP_SOURCE_DIR;
			if (vp_dir_reader(abs, &s->reader, err) < 0) {
				free(s->base);
				return -1;
			}
		} else if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
			s->kind = VP_SOURCE_ISO;
			if (vp_iso_open(abs, &s->iso, err) < 0) {
				free(s->base);
				return -1;
			}
			vp_iso_reader(s->iso, location, &s->reader);
			s->reader.is_iso = true;
		} else {
			free(s->base);
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot use location '%s': not a directory or an ISO image",
					    location);
		}
	}
	s->location = vp_strdup(location);
	s->reader.location = s->location;
	*out = TAKE_PTR(s);
	return 0;
}

void vp_source_close(struct vp_source *s)
{
	if (!s)
		return;
	if (s->kind == VP_SOURCE_DIR)
		vp_dir_reader_free(&s->reader);
	vp_iso_close(s->iso);
	free(s->location);
	free(s->base);
	free(s);
}

enum vp_source_kind vp_source_kind(const struct vp_source *s)
{
	return s->kind;
}

const struct vp_tree_reader *vp_source_reader(const struct vp_source *s)
{
	return &s->reader;
}

const char *vp_source_path(const struct vp_source *s)
{
	return s->kind == VP_SOURCE_URL ? NULL : s->base;
}

/* ---- files -------------------------------------------------------------- */

void vp_source_file_clear(struct vp_source_file *f)
{
	if (!f)
		return;
	if (f->temp && f->path)
		unlink(f->path);
	free(f->path);
	free(f->url);
	f->path = f->url = NULL;
	f->temp = false;
}

static int verify(struct vp_source_file *f, const char *where, struct vp_error *err)
{
	unsigned long long size = 0;
	struct stat st;

	/* nothing to check it against and nobody asking: its size will do */
	if (!f->sha256 && !f->hash) {
		if (stat(f->path, &st) < 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot read %s '%s': %s", f->what,
					    where, strerror(errno));
		f->size = (uint64_t)st.st_size;
		f->sha256_hex[0] = '\0';
		return 0;
	}
	if (vp_sha256_file(f->path, f->sha256_hex, &size) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read %s '%s': %s", f->what, where,
				    strerror(errno));
	f->size = size;
	if (f->sha256 && strcasecmp(f->sha256, f->sha256_hex) != 0)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "%s '%s' does not match its published checksum: expected %s, got %s",
				    f->what, where, f->sha256, f->sha256_hex);
	return 0;
}

int vp_source_get(struct vp_source *s, struct vp_source_file *files, size_t n,
		  const char *tmp_dir, struct vp_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		files[i].path = files[i].url = NULL;
		files[i].temp = false;
		if (!vp_relpath_inside(files[i].relpath))
			return vp_error_set(err, VP_ERR_INVALID,
					    "the %s path '%s' must be relative to the tree and stay inside it",
					    files[i].what, files[i].relpath);
	}
	if (s->kind == VP_SOURCE_URL) {
		struct vp_fetch_item *items = vp_calloc(n ? n : 1, sizeof(*items));
		char **urls = vp_calloc(n ? n : 1, sizeof(*urls));
		int r;

		for (i = 0; i < n; i++) {
			urls[i] = vp_source_url(s, files[i].relpath);
			items[i].url = urls[i];
			items[i].sha256 = files[i].sha256;
			items[i].what = files[i].what;
		}
		r = vp_fetch_files(items, n, s->fo, err);
		/* the tree said the file is there: its absence is the server's
		 * failure, not a mistake in the request */
		if (r < 0 && err && err->code == VP_ERR_NOT_FOUND)
			err->code = VP_ERR_RUNTIME;
		for (i = 0; i < n; i++) {
			if (r == 0) {
				files[i].path = TAKE_PTR(items[i].path);
				files[i].size = items[i].size;
				memcpy(files[i].sha256_hex, items[i].sha256_hex, sizeof(files[i].sha256_hex));
				files[i].cached = items[i].cached;
				files[i].body_bytes = items[i].body_bytes;
				files[i].url = TAKE_PTR(urls[i]);
			}
			vp_fetch_item_clear(&items[i]);
			free(urls[i]);
		}
		free(items);
		free(urls);
		return r;
	}
	for (i = 0; i < n; i++) {
		struct vp_source_file *f = &files[i];
		_cleanup_(freep) char *where = vp_strdup_printf("%s/%s", s->base, f->relpath);

		if (s->kind == VP_SOURCE_DIR) {
			struct stat st;

			if (stat(where, &st) < 0 || !S_ISREG(st.st_mode)) {
				vp_error_set(err, VP_ERR_NOT_FOUND, "the tree at '%s' has no %s '%s'",
					     s->location, f->what, f->relpath);
				goto fail;
			}
			f->path = TAKE_PTR(where);
			if (verify(f, f->path, err) < 0)
				goto fail;
			continue;
		}
		if (vp_mkdir_p(tmp_dir, 0700) < 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot make directory '%s': %s", tmp_dir,
				     strerror(errno));
			goto fail;
		}
		f->path = vp_strdup_printf("%s/%s.%ld", tmp_dir, f->what, (long)getpid());
		f->temp = true;
		if (vp_iso_extract(s->iso, f->relpath, f->path, err) < 0)
			goto fail;
		if (verify(f, where, err) < 0)
			goto fail;
	}
	return 0;
fail:
	for (i = 0; i < n; i++)
		vp_source_file_clear(&files[i]);
	return -1;
}

int vp_tree_fetch(const char *location, const char *kernel_hint, const char *initrd_hint,
		  const char *arch, const struct vp_fetch_opts *fo, const char *tmp_dir,
		  bool download, struct vp_tree_fetch *out, struct vp_error *err)
{
	struct vp_source *s = NULL;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (vp_source_open(location, fo, &s, err) < 0)
		return -1;
	out->kind = s->kind;
	if (vp_tree_detect(&s->reader, arch, kernel_hint, initrd_hint, &out->tree, err) < 0)
		goto out;
	out->files[0].relpath = out->tree.kernel;
	out->files[0].sha256 = out->tree.kernel_sha256;
	out->files[0].what = "kernel";
	out->files[0].hash = true;
	out->files[1].relpath = out->tree.initrd;
	out->files[1].sha256 = out->tree.initrd_sha256;
	out->files[1].what = "initrd";
	out->files[1].hash = true;
	if (download) {
		if (vp_source_get(s, out->files, 2, tmp_dir, err) < 0)
			goto out;
		out->downloaded = true;
	}
	r = 0;
out:
	vp_source_close(s);
	if (r < 0)
		vp_tree_fetch_clear(out);
	return r;
}

void vp_tree_fetch_clear(struct vp_tree_fetch *f)
{
	if (!f)
		return;
	vp_source_file_clear(&f->files[0]);
	vp_source_file_clear(&f->files[1]);
	vp_tree_clear(&f->tree);
	memset(f, 0, sizeof(*f));
}
