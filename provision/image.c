/* provision/image.c — cloud images as read-only bases of thin overlays:
 * found (a profile's, a URL's, a file's, a volume), downloaded into the
 * cache, uploaded once per pool as a base named by its checksum, and
 * listed, pulled and removed for `vprov image`. */
#include "image.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "alloc.h"
#include "cleanup.h"
#include "fetch.h"
#include "fs.h"
#include "hash.h"
#include "journal.h"
#include "osinfo.h"
#include "storage.h"
#include "text.h"
#include "units.h"
#include "xmlutil.h"

enum kind { K_URL, K_FILE, K_VOLUME };

struct vp_image {
	enum kind kind;
	char *arg;               /* as given */
	char *url;               /* K_URL */
	char *profile;           /* the profile it came from (ID form) */
	struct vp_image_env env;
	/* this machine's copy: the file, or the download once there */
	char *local;
	char sha[65];            /* its sha256, once known */
	char *format;            /* qcow2 | raw */
	uint64_t vsize, fsize;
	bool cached;             /* a URL found in the cache while resolving */
	/* the host */
	char *pool;              /* where the base goes */
	char *base;              /* its volume name, once the sha is known */
	bool base_there;         /* the pool has it (found by checksum) */
	/* the overlay */
	struct vp_domain_spec *s;
	size_t di;
	uint64_t want;           /* the size asked for (0: not said) */
	uint64_t floor;          /* the size a disk gets without one */
};

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

void vp_image_free(struct vp_image *im)
{
	if (!im)
		return;
	free(im->arg);
	free(im->url);
	free(im->profile);
	free(im->local);
	free(im->format);
	free(im->pool);
	free(im->base);
	free(im);
}

static void image_freep(struct vp_image **p)
{
	vp_image_free(*p);
}

char *vp_image_of_profile(struct vp_osinfo *db, const char *os_id, const char *arch)
{
	struct vp_os_profile prof;
	struct vp_error e = { 0 };
	const char *best = NULL;
	char *url;
	size_t i;
	int score = -1;

	if (!db || !os_id || vp_osinfo_profile(db, os_id, arch, &prof, &e) < 0)
		return NULL;
	/* a cloud-init image for the arch, qcow2 before raw, as listed */
	for (i = 0; i < prof.os->n_images; i++) {
		const struct vp_os_link *l = &prof.os->images[i];
		int sc;

		if (!l->cloud_init || !l->url || (l->arch && strcmp(l->arch, arch) != 0))
			continue;
		sc = streq(l->format, "qcow2") ? 2 : (!l->format || streq(l->format, "raw")) ? 1 : -1;
		if (sc > score) {
			score = sc;
			best = l->url;
		}
	}
	/* the profile owns its strings: a copy outlives it */
	url = best ? vp_strdup(best) : NULL;
	vp_os_profile_clear(&prof);
	return url;
}

/* What a base made from name gets called: its last part, without an
 * image extension, letters, digits, '.', '_' and '-' only. */
static char *stem_of(const char *name)
{
	const char *b = strrchr(name, '/');
	char *s = vp_strdup(b ? b + 1 : name);
	char *q = strchr(s, '?');
	size_t n;
	static const char *const ext[] = { ".qcow2", ".img", ".raw", ".qcow", NULL };
	size_t i;

	if (q)
		*q = '\0';
	n = strlen(s);
	for (i = 0; ext[i]; i++) {
		size_t e = strlen(ext[i]);

		if (n > e && !strcasecmp(s + n - e, ext[i])) {
			s[n - e] = '\0';
			break;
		}
	}
	for (q = s; *q; q++)
		if (!isalnum((unsigned char)*q) && *q != '.' && *q != '_' && *q != '-')
			*q = '-';
	if (!*s || strlen(s) > 100) {
		free(s);
		s = vp_strdup("image");
	}
	return s;
}

bool vp_image_is_base_name(const char *name)
{
	const char *p = strstr(name, ".base-");
	size_t i;

	if (!p || p == name)
		return false;
	while (strstr(p + 1, ".base-"))
		p = strstr(p + 1, ".base-");
	p += 6;
	for (i = 0; i < 16; i++)
		if (!isxdigit((unsigned char)p[i]) || isupper((unsigned char)p[i]))
			return false;
	return !strcmp(p + 16, ".qcow2") || !strcmp(p + 16, ".raw");
}

/* A local file's sha256, kept in <cache>/image-sums by its device, inode,
 * size and modification time, so the same file is hashed once. */
static int file_sha(const char *cache_dir, const char *path, char hex[65], struct vp_error *err)
{
	_cleanup_(freep) char *real = realpath(path, NULL);
	_cleanup_(freep) char *dir = NULL;
	_cleanup_(freep) char *file = NULL;
	_cleanup_(freep) char *key = NULL;
	_cleanup_(freep) char *text = NULL;
	char want[200];
	unsigned long long size;
	struct stat sb;

	if (!real || stat(real, &sb) < 0)
		return vp_error_set(err, VP_ERR_NOT_FOUND, "cannot read image '%s': %s", path,
				    strerror(errno));
	snprintf(want, sizeof(want), "%ju %ju %jd %ld.%09ld ", (uintmax_t)sb.st_dev,
		 (uintmax_t)sb.st_ino, (intmax_t)sb.st_size, (long)sb.st_mtim.tv_sec,
		 sb.st_mtim.tv_nsec);
	if (cache_dir) {
		key = vp_sha256_hex(real, 64);
		dir = vp_strdup_printf("%s/image-sums", cache_dir);
		file = vp_strdup_printf("%s/%s", dir, key ? key : "x");
		text = vp_read_file(file, 4096, NULL);
		if (text && !strncmp(text, want, strlen(want)) &&
		    strlen(text + strlen(want)) >= 64) {
			memcpy(hex, text + strlen(want), 64);
			hex[64] = '\0';
			return 0;
		}
	}
	if (vp_sha256_file(real, hex, &size) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read image '%s': %s", path,
				    strerror(errno));
	if (dir && vp_mkdir_p(dir, 0700) == 0) {
		_cleanup_(freep) char *line = vp_strdup_printf("%s%s\n", want, hex);
		struct vp_error e = { 0 };

		vp_write_atomic(file, line, strlen(line), 0600, false, &e); /* only a shortcut */
	}
	return 0;
}

/* What the file on this machine is: a qcow2 or raw image, its sizes. */
static int probe_local(struct vp_image *im, const char *what, struct vp_error *err)
{
	struct stat sb;

	free(im->format);
	im->format = NULL;
	if (vp_image_probe_local(im->local, what, &im->format, &im->vsize, err) < 0)
		return -1;
	if (!streq(im->format, "qcow2") && !streq(im->format, "raw"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "%s '%s' is a %s image; a base must be qcow2 or raw (convert it with 'qemu-img convert -O qcow2')",
				    what, im->arg, im->format ? im->format : "unknown");
	if (stat(im->local, &sb) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s': %s", im->local,
				    strerror(errno));
	im->fsize = (uint64_t)sb.st_size;
	return 0;
}

static void name_base(struct vp_image *im)
{
	_cleanup_(freep) char *stem = stem_of(im->url ? im->url : im->local);

	free(im->base);
	im->base = vp_strdup_printf("%s.base-%.16s.%s", stem, im->sha, im->format);
}

int vp_image_open(const char *arg, const char *arch, const struct vp_image_env *env,
		  struct vp_image **out, const char **profile, struct vp_error *err)
{
	_cleanup_(image_freep) struct vp_image *im = vp_calloc(1, sizeof(*im));
	const char *slash = strchr(arg, '/');

	*out = NULL;
	if (profile)
		*profile = NULL;
	im->arg = vp_strdup(arg);
	im->env = *env;
	if (!*arg)
		return vp_error_set(err, VP_ERR_INVALID, "no image given: name an OS id, a URL, a file or POOL/VOLUME");
	if (vp_fetch_is_url(arg)) {
		im->kind = K_URL;
		im->url = vp_strdup(arg);
		im->profile = vp_strdup(env->profile);
	} else if (arg[0] == '/' || arg[0] == '.' || access(arg, F_OK) == 0) {
		/* a file here; images/base.qcow2 is POOL/VOL unless such a file is */
		im->kind = K_FILE;
		im->local = vp_strdup(arg);
	} else if (slash) {
		if (slash == arg || !slash[1] || strchr(slash + 1, '/'))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid image '%s': give an OS id, a URL, a file or POOL/VOLUME",
					    arg);
		im->kind = K_VOLUME;
	} else {
		char *url;

		if (!env->osinfo || !vp_osinfo_has(env->osinfo, arg))
			return vp_error_set(err, VP_ERR_INVALID,
					    "image '%s' is no OS profile, URL, file or POOL/VOLUME ('vprov osinfo list' shows the profiles)",
					    arg);
		url = vp_image_of_profile(env->osinfo, arg, arch);
		if (!url)
			return vp_error_set(err, VP_ERR_NOT_FOUND,
					    "OS profile '%s' names no cloud image for %s (install with --location or --cdrom, or give --image URL|FILE)",
					    arg, arch);
		im->kind = K_URL;
		im->url = url;
		im->profile = vp_strdup(arg);
		if (profile)
			*profile = arg;
	}
	if (im->kind == K_URL) {
		struct vp_fetch_item it = { .url = im->url, .what = "cloud image" };
		struct vp_fetch_opts fo = { .cache_dir = env->cache_dir, .offline = true };
		struct vp_error e = { 0 };

		if (!env->cache_dir)
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "downloading '%s' needs a cache directory (set $XDG_CACHE_HOME or $HOME)",
					    im->url);
		/* kept once downloaded: a create does not ask the server again
		 * (`vprov image pull` does) */
		if (vp_fetch_files(&it, 1, &fo, &e) == 0) {
			im->local = TAKE_PTR(it.path);
			memcpy(im->sha, it.sha256_hex, sizeof(im->sha));
			im->cached = true;
			vp_fetch_item_clear(&it);
			if (probe_local(im, "cloud image", err) < 0)
				return -1;
			name_base(im);
		} else if (e.code != VP_ERR_NOT_FOUND) {
			*err = e;
			return -1;
		}
	} else if (im->kind == K_FILE) {
		if (probe_local(im, "image", err) < 0 || file_sha(env->cache_dir, im->local, im->sha, err) < 0)
			return -1;
		name_base(im);
	}
	*out = TAKE_PTR(im);
	return 0;
}

char *vp_image_describe(const struct vp_image *im)
{
	char size[32];

	if (im->kind == K_VOLUME)
		return vp_strdup_printf("the volume '%s'", im->arg);
	if (im->local)
		vp_format_size(im->vsize, size, sizeof(size));
	if (im->kind == K_FILE)
		return vp_strdup_printf("the image '%s' (%s %s)", im->local, size, im->format);
	if (im->cached)
		return vp_strdup_printf("the cloud image '%s' (cached, %s %s)", im->url, size, im->format);
	return vp_strdup_printf("the cloud image '%s' (to download)", im->url);
}

/* The overlay's size once the image's is known: what was asked (never
 * below the image), else the larger of the image and the usual disk. */
static int size_overlay(struct vp_image *im, struct vp_error *err)
{
	struct vp_disk_source *src = &im->s->disks[im->di].src;
	char want[32], have[32];

	if (im->want && im->vsize && im->want < im->vsize) {
		vp_format_size(im->want, want, sizeof(want));
		vp_format_size(im->vsize, have, sizeof(have));
		return vp_error_set(err, VP_ERR_INVALID,
				    "disk size %s is smaller than the image '%s' (%s)", want, im->arg, have);
	}
	src->capacity = im->want ? im->want : im->floor > im->vsize ? im->floor : im->vsize;
	return 0;
}

static int find_base(struct vp_image *im, virConnectPtr conn, struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

	im->base_there = false;
	if (!im->base)
		return 0;
	pool = virStoragePoolLookupByName(conn, im->pool);
	if (!pool || virStoragePoolIsActive(pool) != 1) {
		virResetLastError();
		return 0; /* made or started by this create: it holds none */
	}
	if (vp_volume_find(pool, im->base, &vol, err) < 0)
		return -1;
	im->base_there = vol != NULL;
	return 0;
}

/* The overlay's backing image, from the base volume on the host. */
static int back_on(struct vp_image *im, virConnectPtr conn, struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	struct vp_disk_source *src = &im->s->disks[im->di].src;
	struct vp_vol_info vi = { 0 };
	int r = -1;

	if (vp_pool_lookup(conn, im->pool, &pool, err) < 0 || vp_volume_find(pool, im->base, &vol, err) < 0)
		return -1;
	if (!vol)
		return vp_error_set(err, VP_ERR_NOT_FOUND, "base image '%s' is not in pool '%s'",
				    im->base, im->pool);
	if (vp_volume_describe(vol, &vi, err) < 0)
		return -1;
	if (!vi.path) {
		vp_error_set(err, VP_ERR_INVALID, "base image '%s/%s' has no path on the host", im->pool,
			     im->base);
		goto out;
	}
	if (!im->format) /* POOL/VOL: the volume's own */
		im->format = vp_strdup(vi.format ? vi.format : "raw");
	vp_set_str(&src->backing_path, vi.path);
	vp_set_str(&src->backing_pool, im->pool);
	vp_set_str(&src->backing_volume, im->base);
	vp_set_str(&src->backing_format, im->format);
	if (!im->vsize)
		im->vsize = vi.capacity;
	r = size_overlay(im, err);
out:
	vp_vol_info_clear(&vi);
	return r;
}

int vp_image_resolve(struct vp_image *im, virConnectPtr conn, struct vp_domain_spec *s, size_t di,
		     const char *pool, struct vp_plan *plan, struct vp_error *err)
{
	struct vp_disk_spec *d = &s->disks[di];

	(void)plan;
	im->s = s;
	im->di = di;
	im->want = d->size;
	im->floor = s->disk_size ? s->disk_size : VP_DEFAULT_DISK_SIZE;
	d->size = 0;
	if (im->kind == K_VOLUME) {
		/* the volume as it is, in its own pool: a linked clone of it
		 * (settle reads its path, format and size) */
		const char *slash = strchr(im->arg, '/');
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = NULL;

		im->pool = vp_strndup(im->arg, (size_t)(slash - im->arg));
		im->base = vp_strdup(slash + 1);
		if (vp_pool_lookup(conn, im->pool, &p, err) < 0)
			return -1;
		if (virStoragePoolIsActive(p) != 1)
			return vp_error_set(err, VP_ERR_INVALID,
					    "storage pool '%s' is not active (start it with 'virsh pool-start %s')",
					    im->pool, im->pool);
		if (find_base(im, conn, err) < 0)
			return -1;
		if (!im->base_there)
			return vp_error_set(err, VP_ERR_NOT_FOUND,
					    "--image '%s': pool '%s' has no volume '%s'", im->arg,
					    im->pool, im->base);
		return 0;
	}
	im->pool = vp_strdup(pool);
	return find_base(im, conn, err);
}

/* After the overlay disk is resolved (its pool, volume, format): the
 * backing facts known now. */
static int settle(struct vp_image *im, virConnectPtr conn, struct vp_error *err)
{
	struct vp_disk_source *src = &im->s->disks[im->di].src;

	vp_set_str(&src->format, "qcow2");
	if (im->base_there)
		return back_on(im, conn, err);
	if (im->base) {
		/* where the upload will put it: a placeholder until create
		 * joins the pool's directory to it (provision/create.c
		 * upload_path), and the upload says it */
		vp_set_str(&src->backing_pool, im->pool);
		vp_set_str(&src->backing_volume, im->base);
		vp_set_str(&src->backing_format, im->format);
		free(src->backing_path);
		src->backing_path = vp_strdup_printf("/%s/%s", im->pool, im->base);
	}
	return size_overlay(im, err);
}

int vp_image_settle(struct vp_image *im, virConnectPtr conn, struct vp_error *err)
{
	return settle(im, conn, err);
}

/* ---- the steps -------------------------------------------------------- */

static int download(struct vp_image *im, struct vp_error *err)
{
	/* a profile's URL that fails names the profile: its facts are stale */
	_cleanup_(freep) char *what = im->profile ? vp_strdup_printf("%s's cloud image", im->profile) :
						    vp_strdup("cloud image");
	struct vp_fetch_item it = { .url = im->url, .what = what };
	struct vp_fetch_opts fo = {
		.cache_dir = im->env.cache_dir,
		.reporter = im->env.reporter,
		.stall_timeout_ms = im->env.stall_timeout_ms,
	};
	struct vp_error e = { 0 };

	if (vp_fetch_files(&it, 1, &fo, &e) < 0) {
		if (e.code == VP_ERR_CANCELLED) {
			*err = e;
			return -1;
		}
		return vp_error_set(err, e.code,
				    "%s (install another way with --location or --cdrom, or give a file with --image or 'vprov image import')",
				    e.msg);
	}
	free(im->local);
	im->local = TAKE_PTR(it.path);
	memcpy(im->sha, it.sha256_hex, sizeof(im->sha));
	vp_fetch_item_clear(&it);
	if (probe_local(im, "cloud image", err) < 0)
		return -1;
	name_base(im);
	return 0;
}

static int step_download(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_image *im = st->data;

	if (download(im, err) < 0 || find_base(im, ap->conn, err) < 0)
		return -1;
	return settle(im, ap->conn, err);
}

/* Upload this machine's copy as the base, under a lock on its name so
 * two creates do not upload it twice. */
static int upload_base(struct vp_image *im, virConnectPtr conn, struct vp_apply *ap,
		       struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(freep) char *key = vp_strdup_printf("%s/%s", im->pool, im->base);
	virStorageVolPtr vol = NULL;
	struct vp_lock lock = { .fd = -1 };
	int r = -1;

	if (vp_journal_lock(conn, im->env.state_dir, "image", key, im->env.reporter, &lock, err) < 0)
		return -1;
	if (find_base(im, conn, err) < 0)
		goto out;
	if (im->base_there) {
		r = 0; /* uploaded meanwhile by another vprov */
		goto out;
	}
	if (vp_pool_lookup(conn, im->pool, &pool, err) < 0)
		goto out;
	{
		struct vp_volume_request req = {
			.name = im->base,
			.capacity = im->fsize,
			.format = "raw", /* the bytes as they are: the file is the image */
			.sparse = true,
		};

		if (vp_volume_create_step(ap, pool, im->pool, &req, NULL, &vol, err) < 0)
			goto out;
	}
	if (vp_volume_upload_sparse(vol, im->local, "upload base image", im->env.reporter, err) < 0) {
		if (!ap) {
			struct vp_error e2 = { 0 };

			vp_volume_delete(vol, &e2);
		}
		goto out;
	}
	/* libvirt reads the format from the bytes again */
	{
		struct vp_error e2 = { 0 };

		vp_pool_refresh(pool, &e2);  /* best effort: the volume is there */
	}
	im->base_there = true;
	r = 0;
out:
	if (vol)
		virStorageVolFree(vol);
	vp_journal_unlock(&lock);
	return r;
}

static int step_base(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_image *im = st->data;

	if (!im->base_there && upload_base(im, ap->conn, ap, err) < 0)
		return -1;
	return back_on(im, ap->conn, err);
}

void vp_image_add_steps(struct vp_image *im, struct vp_plan *plan, bool host)
{
	struct vp_step *st;
	char size[32];

	if (!im || im->kind == K_VOLUME)
		return;
	if (!host) {
		if (im->kind != K_URL || im->cached)
			return;
		st = vp_plan_add(plan, "download", step_download, "download the cloud image '%s'",
				 im->url);
		st->data = im;
		vp_step_detail_str(st, "url", im->url);
		return;
	}
	if (im->base_there) {
		st = vp_plan_add(plan, "base", step_base,
				 "use base image '%s' in pool '%s' (found by its checksum)", im->base,
				 im->pool);
	} else if (im->base) {
		vp_format_size(im->fsize, size, sizeof(size));
		st = vp_plan_add(plan, "base", step_base,
				 "upload '%s' as base image '%s' into pool '%s' (%s, sparse)", im->local,
				 im->base, im->pool, size);
	} else {
		st = vp_plan_add(plan, "base", step_base,
				 "upload the downloaded image as a base into pool '%s' unless it holds it already",
				 im->pool);
	}
	st->data = im;
	vp_step_detail_str(st, "pool", im->pool);
	vp_step_detail_str(st, "volume", im->base);
	vp_step_detail_str(st, "sha256", im->sha[0] ? im->sha : NULL);
	vp_step_detail_str(st, "action", im->base_there ? "use" : "upload");
}

/* ---- vprov image ------------------------------------------------------ */

void vp_base_info_clear(struct vp_base_info *b)
{
	if (!b)
		return;
	free(b->pool);
	free(b->name);
	free(b->path);
	free(b->format);
	free(b->sha16);
	vp_strings_free(b->used_by, b->n_used_by);
	memset(b, 0, sizeof(*b));
}

void vp_base_infos_free(struct vp_base_info *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vp_base_info_clear(&b[i]);
	free(b);
}

/* The backing image's path of the volume at path (NULL: none). */
static char *backing_of(virConnectPtr conn, const char *path)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = virStorageVolLookupByPath(conn, path);
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_error e = { 0 };

	if (!vol) {
		virResetLastError();
		return NULL;
	}
	xml = virStorageVolGetXMLDesc(vol, 0);
	if (!xml || vp_xml_parse(xml, "volume", &doc, &e) < 0) {
		virResetLastError();
		return NULL;
	}
	return vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL, NULL);
}

static bool has_str(char **l, size_t n, const char *x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (streq(l[i], x))
			return true;
	return false;
}

/* The VMs with a disk whose backing image is one of the bases': a disk's
 * file (or pool volume) whose volume says so, or, for a running VM, a
 * backing chain libvirt shows that names the base. */
static void users_of(virConnectPtr conn, struct vp_base_info *b, size_t n)
{
	virDomainPtr *doms = NULL;
	int nd, i;

	if (!n)
		return;
	nd = virConnectListAllDomains(conn, &doms, 0);
	if (nd < 0) {
		virResetLastError();
		return;
	}
	for (i = 0; i < nd; i++) {
		/* live for a running VM: its backing chains are shown */
		_cleanup_(freep) char *xml = virDomainGetXMLDesc(doms[i], 0);
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		xmlXPathContextPtr xc = NULL;
		xmlXPathObjectPtr xo = NULL;
		struct vp_error e = { 0 };
		size_t k;
		int j;

		if (!xml || vp_xml_parse(xml, "domain", &doc, &e) < 0)
			goto next;
		xc = xmlXPathNewContext(doc);
		/* the disks' files, pool volumes, and (running VMs) backing chains */
		xo = xc ? xmlXPathEvalExpression(
				  BAD_CAST "/domain/devices/disk/source/@file"
					   " | /domain/devices/disk/source[@pool and @volume]"
					   " | /domain/devices/disk//backingStore/source/@file",
				  xc) :
			  NULL;
		for (j = 0; xo && xo->nodesetval && j < xo->nodesetval->nodeNr; j++) {
			xmlNodePtr node = xo->nodesetval->nodeTab[j];
			bool in_chain = node->type == XML_ATTRIBUTE_NODE && node->parent &&
					node->parent->parent &&
					xmlStrEqual(node->parent->parent->name, BAD_CAST "backingStore");
			_cleanup_(freep) char *f = NULL;

			if (node->type == XML_ELEMENT_NODE) {
				xmlChar *pn = xmlGetProp(node, BAD_CAST "pool");
				xmlChar *vn = xmlGetProp(node, BAD_CAST "volume");
				virStoragePoolPtr p = pn ? virStoragePoolLookupByName(conn, (const char *)pn) : NULL;
				virStorageVolPtr v = p && vn ? virStorageVolLookupByName(p, (const char *)vn) : NULL;

				struct vp_vol_info vi = { 0 };
				struct vp_error e2 = { 0 };

				if (v && vp_volume_describe(v, &vi, &e2) == 0)
					f = TAKE_PTR(vi.path);
				vp_vol_info_clear(&vi);
				if (v)
					virStorageVolFree(v);
				if (p)
					virStoragePoolFree(p);
				xmlFree(pn);
				xmlFree(vn);
				virResetLastError();
			} else {
				xmlChar *c = xmlNodeGetContent(node);

				f = c ? vp_strdup((const char *)c) : NULL;
				xmlFree(c);
			}
			/* a disk's own image: what its volume says is under it */
			if (f && !in_chain) {
				char *bk = backing_of(conn, f);

				free(f);
				f = bk;
			}
			for (k = 0; f && k < n; k++)
				if (streq(f, b[k].path) &&
				    !has_str(b[k].used_by, b[k].n_used_by, virDomainGetName(doms[i])))
					vp_strings_add(&b[k].used_by, &b[k].n_used_by,
						       vp_strdup(virDomainGetName(doms[i])));
		}
		xmlXPathFreeObject(xo);
		xmlXPathFreeContext(xc);
next:
		virDomainFree(doms[i]);
	}
	free(doms);
	virResetLastError();
}

static int list_pool(virStoragePoolPtr pool, struct vp_base_info **out, size_t *n,
		     struct vp_error *err)
{
	virStorageVolPtr *vols = NULL;
	int nv, i;

	if (virStoragePoolIsActive(pool) != 1)
		return 0;
	nv = virStoragePoolListAllVolumes(pool, &vols, 0);
	if (nv < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the volumes of pool '%s'",
					virStoragePoolGetName(pool));
	for (i = 0; i < nv; i++) {
		const char *name = virStorageVolGetName(vols[i]);
		struct vp_vol_info vi = { 0 };
		struct vp_error e = { 0 };

		if (name && vp_image_is_base_name(name) && vp_volume_describe(vols[i], &vi, &e) == 0) {
			struct vp_base_info *b;

			*out = vp_grow(*out, *n + 1, sizeof(**out));
			b = &(*out)[(*n)++];
			memset(b, 0, sizeof(*b));
			b->pool = vp_strdup(virStoragePoolGetName(pool));
			b->name = vp_strdup(name);
			b->path = TAKE_PTR(vi.path);
			b->format = TAKE_PTR(vi.format);
			b->sha16 = vp_strndup(strstr(name, ".base-") + 6, 16);
			b->capacity = vi.capacity;
			b->allocation = vi.allocation;
		}
		vp_vol_info_clear(&vi);
		virStorageVolFree(vols[i]);
	}
	free(vols);
	return 0;
}

int vp_image_list(virConnectPtr conn, const char *pool, struct vp_base_info **out, size_t *n,
		  struct vp_error *err)
{
	int r = 0;

	*out = NULL;
	*n = 0;
	if (pool) {
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = NULL;

		if (vp_pool_lookup(conn, pool, &p, err) < 0)
			return -1;
		r = list_pool(p, out, n, err);
	} else {
		virStoragePoolPtr *pools = NULL;
		int np = virConnectListAllStoragePools(conn, &pools, 0), i;

		if (np < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the storage pools");
		for (i = 0; i < np; i++) {
			if (r == 0 && list_pool(pools[i], out, n, err) < 0)
				r = -1;
			virStoragePoolFree(pools[i]);
		}
		free(pools);
	}
	if (r < 0) {
		vp_base_infos_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	users_of(conn, *out, *n);
	return 0;
}

static int info_of(virConnectPtr conn, const char *pool, const char *name,
		   struct vp_base_info *out, struct vp_error *err)
{
	struct vp_base_info *all = NULL;
	size_t n = 0, i;

	if (vp_image_list(conn, pool, &all, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (streq(all[i].name, name)) {
			*out = all[i];
			memset(&all[i], 0, sizeof(all[i]));
			break;
		}
	vp_base_infos_free(all, n);
	if (i == n)
		return vp_error_set(err, VP_ERR_NOT_FOUND, "pool '%s' holds no base image '%s'", pool,
				    name);
	return 0;
}

int vp_image_pull(virConnectPtr conn, const char *arg, const char *pool, const char *arch,
		  const struct vp_image_env *env, struct vp_base_info *out, bool *uploaded,
		  struct vp_error *err)
{
	_cleanup_(image_freep) struct vp_image *im = NULL;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = NULL;

	memset(out, 0, sizeof(*out));
	*uploaded = false;
	if (vp_image_open(arg, arch, env, &im, NULL, err) < 0)
		return -1;
	if (im->kind == K_VOLUME)
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is a volume on the host already; give an OS id, a URL or a file",
				    arg);
	im->pool = vp_strdup(pool ? pool : VP_DEFAULT_POOL);
	if (vp_pool_lookup(conn, im->pool, &p, err) < 0)
		return -1;
	if (virStoragePoolIsActive(p) != 1)
		return vp_error_set(err, VP_ERR_INVALID,
				    "storage pool '%s' is not active (start it with 'virsh pool-start %s')",
				    im->pool, im->pool);
	/* pull asks the server again: a newer image replaces the cached one */
	if (im->kind == K_URL && download(im, err) < 0)
		return -1;
	if (find_base(im, conn, err) < 0)
		return -1;
	if (!im->base_there) {
		if (upload_base(im, conn, NULL, err) < 0)
			return -1;
		*uploaded = true;
	}
	return info_of(conn, im->pool, im->base, out, err);
}

int vp_image_rm(virConnectPtr conn, const char *which, struct vp_base_info *removed,
		struct vp_error *err)
{
	struct vp_base_info *all = NULL, *b = NULL;
	const char *slash = strchr(which, '/');
	size_t n = 0, i, hits = 0;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	int r = -1;

	memset(removed, 0, sizeof(*removed));
	if (vp_image_list(conn, NULL, &all, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		bool match = slash ? !strncmp(which, all[i].pool, (size_t)(slash - which)) &&
					     !all[i].pool[slash - which] && streq(slash + 1, all[i].name) :
				     streq(which, all[i].name);

		if (match) {
			hits++;
			b = &all[i];
		}
	}
	if (!hits) {
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "no base image '%s' ('vprov image list' shows them)", which);
		goto out;
	}
	if (hits > 1) {
		vp_error_set(err, VP_ERR_INVALID,
			     "base image '%s' is in %zu pools; name one as POOL/VOLUME", which, hits);
		goto out;
	}
	if (b->n_used_by) {
		_cleanup_(freep) char *names = NULL;

		for (i = 0; i < b->n_used_by; i++) {
			char *t = vp_strdup_printf("%s%s'%s'", names ? names : "", names ? ", " : "",
						   b->used_by[i]);

			free(names);
			names = t;
		}

		vp_error_set(err, VP_ERR_INVALID,
			     "base image '%s/%s' backs the disks of %s; delete %s first", b->pool,
			     b->name, names, b->n_used_by == 1 ? "that VM" : "those VMs");
		goto out;
	}
	vol = virStorageVolLookupByPath(conn, b->path);
	if (!vol) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot find base image '%s/%s'", b->pool, b->name);
		goto out;
	}
	if (vp_volume_delete(vol, err) < 0)
		goto out;
	*removed = *b;
	memset(b, 0, sizeof(*b));
	r = 0;
out:
	vp_base_infos_free(all, n);
	return r;
}
