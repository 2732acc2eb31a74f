/* provision/storage.c — pools and volumes through libvirt */
#include "storage.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "host.h"
#include "plan.h"
#include "report.h"
#include "schema.h"
#include "spec.h"
#include "xmlutil.h"

int vp_volume_describe(virStorageVolPtr vol, struct vp_vol_info *out, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virStorageVolGetXMLDesc(vol, 0);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	const char *name = virStorageVolGetName(vol);
	virStorageVolInfo info;

	memset(out, 0, sizeof(*out));
	if (!xml || virStorageVolGetInfo(vol, &info) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read volume '%s'",
					name ? name : "?");
	if (vp_xml_parse(xml, "a volume description", &doc, err) < 0)
		return -1;
	out->name = vp_strdup(name);
	out->path = vp_xml_xpath_string(doc, "string(/volume/target/path)", NULL, NULL);
	out->type = vp_xml_xpath_string(doc, "string(/volume/@type)", NULL, NULL);
	out->format = vp_xml_xpath_string(doc, "string(/volume/target/format/@type)", NULL, NULL);
	if (!out->type)
		out->type = vp_strdup("file");
	out->capacity = info.capacity;
	out->allocation = info.allocation;
	pool = virStoragePoolLookupByVolume(vol);
	if (pool)
		out->pool = vp_strdup(virStoragePoolGetName(pool));
	return 0;
}

void vp_vol_info_clear(struct vp_vol_info *info)
{
	if (!info)
		return;
	free(info->name);
	free(info->path);
	free(info->pool);
	free(info->type);
	free(info->format);
	memset(info, 0, sizeof(*info));
}

int vp_pool_lookup(virConnectPtr conn, const char *name, virStoragePoolPtr *out,
		   struct vp_error *err)
{
	*out = virStoragePoolLookupByName(conn, name);
	if (*out)
		return 0;
	if (vp_libvirt_error_is(VIR_ERR_NO_STORAGE_POOL))
		return vp_error_set(err, VP_ERR_NOT_FOUND, "unknown storage pool '%s'", name);
	return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up storage pool '%s'", name);
}

int vp_pool_target(virStoragePoolPtr pool, char **path, char **type, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virStoragePoolGetXMLDesc(pool, 0);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read storage pool '%s'",
					virStoragePoolGetName(pool));
	if (vp_xml_parse(xml, "a pool description", &doc, err) < 0)
		return -1;
	if (path)
		*path = vp_xml_xpath_string(doc, "string(/pool/target/path)", NULL, NULL);
	if (type)
		*type = vp_xml_xpath_string(doc, "string(/pool/@type)", NULL, NULL);
	return 0;
}

/* "/a/b/" and "/a//b" name "/a/b". */
static char *normalize_dir(const char *dir)
{
	char *r = vp_strdup(dir), *w = r;
	const char *p;

	for (p = dir; *p; p++) {
		if (*p == '/' && w > r && w[-1] == '/')
			continue;
		*w++ = *p;
	}
	while (w > r + 1 && w[-1] == '/')
		w--;
	*w = '\0';
	return r;
}

int vp_pool_find_by_dir(virConnectPtr conn, const char *dir, virStoragePoolPtr *out,
			struct vp_error *err)
{
	virStoragePoolPtr *pools = NULL;
	_cleanup_(freep) char *want = normalize_dir(dir);
	int n, i;

	*out = NULL;
	n = virConnectListAllStoragePools(conn, &pools, 0);
	if (n < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list storage pools");
	for (i = 0; i < n; i++) {
		_cleanup_(freep) char *path = NULL;
		_cleanup_(freep) char *type = NULL;
		_cleanup_(freep) char *norm = NULL;

		if (!*out && vp_pool_target(pools[i], &path, &type, NULL) == 0 && path) {
			norm = normalize_dir(path);
			if (!strcmp(norm, want) && type &&
			    (!strcmp(type, "dir") || !strcmp(type, "fs") || !strcmp(type, "netfs"))) {
				*out = pools[i];
				continue;
			}
		}
		virStoragePoolFree(pools[i]);
	}
	free(pools);
	return 0;
}

int vp_pool_ensure_active(virStoragePoolPtr pool, struct vp_error *err)
{
	int active = virStoragePoolIsActive(pool);

	if (active < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read storage pool '%s'",
					virStoragePoolGetName(pool));
	if (active == 0 && virStoragePoolCreate(pool, 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start storage pool '%s'",
					virStoragePoolGetName(pool));
	return 0;
}

char *vp_pool_default_dir(virConnectPtr conn)
{
	const char *home = vp_session_home(conn);

	if (home)
		return vp_strdup_printf("%s/.local/share/libvirt/images", home);
	return vp_strdup("/var/lib/libvirt/images");
}

static bool name_taken(virConnectPtr conn, const char *name, char *const *taken, size_t n_taken)
{
	virStoragePoolPtr p;
	size_t i;

	for (i = 0; i < n_taken; i++)
		if (!strcmp(taken[i], name))
			return true;
	p = virStoragePoolLookupByName(conn, name);
	if (p) {
		virStoragePoolFree(p);
		return true;
	}
	return false;
}

char *vp_pool_free_name(virConnectPtr conn, const char *dir, char *const *taken, size_t n_taken)
{
	_cleanup_(freep) char *norm = normalize_dir(dir);
	const char *base = strrchr(norm, '/');
	_cleanup_(freep) char *stem = NULL;
	char *p;
	int i;

	base = base && base[1] ? base + 1 : "images";
	stem = vp_strdup(base);
	for (p = stem; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			*p = '_';
	if (!name_taken(conn, stem, taken, n_taken))
		return TAKE_PTR(stem);
	for (i = 1;; i++) {
		char *cand = vp_strdup_printf("%s-%d", stem, i);

		if (!name_taken(conn, cand, taken, n_taken))
			return cand;
		free(cand);
	}
}

int vp_pool_create_dir(virConnectPtr conn, const char *name, const char *uuid, const char *path,
		       virStoragePoolPtr *out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *xml = NULL;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	xmlNodePtr root;

	if (vp_xml_parse(vp_template_pool_dir, "templates/pool-dir.xml", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	vp_xml_set_text(vp_xml_child(root, "name"), name);
	if (uuid)
		vp_xml_set_text(vp_xml_child(root, "uuid"), uuid);
	else
		vp_xml_drop(vp_xml_child(root, "uuid"));
	vp_xml_set_text(vp_xml_child(vp_xml_child(root, "target"), "path"), path);
	if (vp_schema_validate(VP_SCHEMA_STORAGEPOOL, doc, err) < 0)
		return -1;
	xml = vp_xml_format(doc);
	pool = virStoragePoolDefineXML(conn, xml, 0);
	if (!pool)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot define storage pool '%s' at '%s'", name, path);
	if (virStoragePoolBuild(pool, VIR_STORAGE_POOL_BUILD_NO_OVERWRITE) < 0 &&
	    !vp_libvirt_error_is(VIR_ERR_NO_SUPPORT)) {
		/* the directory may exist already; only a failed start matters */
	}
	if (virStoragePoolCreate(pool, 0) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start storage pool '%s' at '%s'", name,
				 path);
		virStoragePoolUndefine(pool);
		return -1;
	}
	virStoragePoolSetAutostart(pool, 1);
	*out = TAKE_PTR(pool);
	return 0;
}

int vp_pool_remove(virStoragePoolPtr pool, struct vp_error *err)
{
	const char *name = virStoragePoolGetName(pool);
	/* a transient pool (one whose definition is gone) ends with its stop */
	int persistent = virStoragePoolIsPersistent(pool);

	if (virStoragePoolIsActive(pool) == 1 && virStoragePoolDestroy(pool) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop storage pool '%s'", name);
	if (persistent == 0)
		return 0;
	if (virStoragePoolUndefine(pool) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot undefine storage pool '%s'",
					name);
	return 0;
}

int vp_volume_find(virStoragePoolPtr pool, const char *name, virStorageVolPtr *out,
		   struct vp_error *err)
{
	*out = virStorageVolLookupByName(pool, name);
	if (*out || vp_libvirt_error_is(VIR_ERR_NO_STORAGE_VOL))
		return 0;
	return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up volume '%s' in pool '%s'",
				name, virStoragePoolGetName(pool));
}

int vp_pool_refresh(virStoragePoolPtr pool, struct vp_error *err)
{
	int64_t deadline = vp_now_ms() + 60000;
	long pause_ms = 100;

	for (;;) {
		struct timespec ts;

		if (virStoragePoolRefresh(pool, 0) == 0)
			return 0;
		/* "pool 'x' has asynchronous jobs running" is an internal error */
		if ((!vp_libvirt_error_is(VIR_ERR_INTERNAL_ERROR) &&
		     !vp_libvirt_error_is(VIR_ERR_OPERATION_INVALID)) ||
		    vp_now_ms() >= deadline)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot refresh storage pool '%s'",
						virStoragePoolGetName(pool));
		ts.tv_sec = pause_ms / 1000;
		ts.tv_nsec = (pause_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		if (pause_ms < 1000)
			pause_ms *= 2;
	}
}

int vp_volume_find_by_path(virConnectPtr conn, const char *path, virStorageVolPtr *out,
			   struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(freep) char *dir = NULL;
	const char *slash;

	*out = virStorageVolLookupByPath(conn, path);
	if (*out)
		return 0;
	slash = strrchr(path, '/');
	if (!slash || !slash[1])
		return 0;
	dir = vp_strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (vp_pool_find_by_dir(conn, dir, &pool, err) < 0)
		return -1;
	if (!pool || virStoragePoolIsActive(pool) != 1)
		return 0;
	/* a file put there behind libvirt's back shows after a refresh */
	if (vp_pool_refresh(pool, err) < 0)
		return -1;
	return vp_volume_find(pool, slash + 1, out, err);
}

int vp_volume_build_xml(const struct vp_volume_request *req, xmlDocPtr *out,
			struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, target;
	char num[32];

	if (vp_xml_parse(vp_template_volume, "templates/volume.xml", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	vp_xml_set_text(vp_xml_child(root, "name"), req->name);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)req->capacity);
	vp_xml_set_text(vp_xml_child(root, "capacity"), num);
	if (req->sparse || strcmp(req->format, "raw") != 0)
		snprintf(num, sizeof(num), "0");
	vp_xml_set_text(vp_xml_child(root, "allocation"), num);
	target = vp_xml_child(root, "target");
	vp_xml_set(vp_xml_child(target, "format"), "type", req->format);
	if (req->backing_path) {
		xmlNodePtr bs = vp_xml_add(root, "backingStore", NULL);

		vp_xml_add(bs, "path", req->backing_path);
		if (req->backing_format)
			vp_xml_set(vp_xml_add(bs, "format", NULL), "type", req->backing_format);
	}
	if (req->encryption) {
		xmlNodePtr enc = vp_xml_add(target, "encryption", NULL);
		xmlNodePtr sec;

		vp_xml_set(enc, "format", req->encryption);
		sec = vp_xml_add(enc, "secret", NULL);
		vp_xml_set(sec, "type", "passphrase");
		vp_xml_set(sec, "uuid", req->secret_uuid);
	}
	if (vp_schema_validate(VP_SCHEMA_STORAGEVOL, doc, err) < 0)
		return -1;
	*out = TAKE_PTR(doc);
	return 0;
}

int vp_volume_create(virStoragePoolPtr pool, const struct vp_volume_request *req,
		     virStorageVolPtr *out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *xml = NULL;
	unsigned int flags = 0;

	if (vp_volume_build_xml(req, &doc, err) < 0)
		return -1;
	xml = vp_xml_format(doc);
	if (!req->sparse && !strcmp(req->format, "qcow2") && !req->backing_path)
		flags |= VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA;
	if (req->copy_of)
		*out = virStorageVolCreateXMLFrom(pool, xml, req->copy_of, 0);
	else
		*out = virStorageVolCreateXML(pool, xml, flags);
	if (!*out)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot create volume '%s' in pool '%s'", req->name,
					virStoragePoolGetName(pool));
	return 0;
}

int vp_volume_delete(virStorageVolPtr vol, struct vp_error *err)
{
	if (virStorageVolDelete(vol, 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot delete volume '%s'",
					virStorageVolGetName(vol));
	return 0;
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISLNK(m))
		return "a symbolic link";
	return "not a regular file";
}

int vp_image_probe_local(const char *path, const char *what, char **format, uint64_t *capacity,
			 struct vp_error *err)
{
	static const struct {
		const char *magic;
		size_t off, len;
		const char *format;
	} magics[] = {
		{ "QFI\xfb", 0, 4, "qcow2" },     { "KDMV", 0, 4, "vmdk" },
		{ "vhdxfile", 0, 8, "vhdx" },      { "conectix", 0, 8, "vpc" },
		{ "\x7f\x10\xda\xbe", 64, 4, "vdi" },
	};
	_cleanup_(closep) int fd = -1;
	unsigned char hdr[72];
	struct stat st;
	ssize_t n;
	size_t i;

	/* stat first: opening a FIFO for reading would wait for a writer */
	if (stat(path, &st) < 0)
		return vp_error_set(err, errno == ENOENT ? VP_ERR_NOT_FOUND : VP_ERR_INVALID,
				    "%s '%s' cannot be read: %s", what, path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' is %s, not a disk image", what, path,
				    file_kind(st.st_mode));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' cannot be read: %s", what, path,
				    strerror(errno));
	if (fstat(fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)))
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' is not a disk image", what, path);
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);

		*format = vp_strdup("raw");
		*capacity = end > 0 ? (uint64_t)end : 0;
		return 0;
	}
	n = pread(fd, hdr, sizeof(hdr), 0);
	for (i = 0; n > 0 && i < sizeof(magics) / sizeof(magics[0]); i++) {
		if ((size_t)n < magics[i].off + magics[i].len ||
		    memcmp(hdr + magics[i].off, magics[i].magic, magics[i].len) != 0)
			continue;
		*format = vp_strdup(magics[i].format);
		*capacity = (uint64_t)st.st_size;
		if (!strcmp(magics[i].format, "qcow2") && n >= 32) {
			uint64_t size;

			memcpy(&size, hdr + 24, sizeof(size));
			*capacity = be64toh(size);
		}
		return 0;
	}
	if (st.st_size == 0 || st.st_size % 512 != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "%s '%s' is not a disk image (%lld bytes: neither a known image format nor whole 512-byte sectors)",
				    what, path, (long long)st.st_size);
	*format = vp_strdup("raw");
	*capacity = (uint64_t)st.st_size;
	return 0;
}

/* The domain's live description (its definition when it is off). */
static int domain_doc(virDomainPtr dom, xmlDocPtr *doc)
{
	_cleanup_(freep) char *xml = virDomainGetXMLDesc(dom, 0);

	if (!xml)
		return -1;
	return vp_xml_parse(xml, "a domain description", doc, NULL);
}

/* Does any <source file=|dev=> below node name path? */
static bool refers_to(xmlNodePtr node, const char *path)
{
	xmlNodePtr c;

	for (c = node; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(c->name, BAD_CAST "source")) {
			xmlChar *f = xmlGetProp(c, BAD_CAST "file");
			xmlChar *d = xmlGetProp(c, BAD_CAST "dev");
			bool hit = (f && !strcmp((const char *)f, path)) ||
				   (d && !strcmp((const char *)d, path));

			xmlFree(f);
			xmlFree(d);
			if (hit)
				return true;
		}
		if (refers_to(c->children, path))
			return true;
	}
	return false;
}

/* Is path a disk, or in the backing chain of a disk, of a VM other than
 * self?  Returns that VM's name (malloc'd) or NULL. */
char *vp_volume_used_by(virConnectPtr conn, const char *path, const char *self)
{
	virDomainPtr *doms = NULL;
	char *user = NULL;
	int n, i;

	n = virConnectListAllDomains(conn, &doms, 0);
	for (i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		xmlNodePtr devices, c;

		if (!user && (!self || strcmp(name, self) != 0) && domain_doc(doms[i], &doc) == 0) {
			devices = vp_xml_child(xmlDocGetRootElement(doc), "devices");
			for (c = devices ? devices->children : NULL; c && !user; c = c->next)
				if (c->type == XML_ELEMENT_NODE &&
				    xmlStrEqual(c->name, BAD_CAST "disk") && refers_to(c->children, path))
					user = vp_strdup(name);
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virResetLastError();
	return user;
}

/* Also the base of some other volume, in any active pool?  (A clone of a
 * VM that is shut off names its base nowhere but in its volume.) */
char *vp_volume_backs(virConnectPtr conn, const char *path)
{
	virStoragePoolPtr *pools = NULL;
	char *user = NULL;
	int np, p;

	np = conn ? virConnectListAllStoragePools(conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)
		  : -1;
	for (p = 0; p < np; p++) {
		virStorageVolPtr *vols = NULL;
		int n = user ? 0 : virStoragePoolListAllVolumes(pools[p], &vols, 0), i;

		for (i = 0; i < n; i++) {
			_cleanup_(freep) char *xml = NULL;
			_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
			_cleanup_(freep) char *bp = NULL;

			if (!user && (xml = virStorageVolGetXMLDesc(vols[i], 0)) &&
			    vp_xml_parse(xml, "a volume description", &doc, NULL) == 0) {
				bp = vp_xml_xpath_string(doc, "string(/volume/backingStore/path)", NULL,
							 NULL);
				if (bp && !strcmp(bp, path))
					user = vp_strdup_printf("%s/%s", virStoragePoolGetName(pools[p]),
								virStorageVolGetName(vols[i]));
			}
			virStorageVolFree(vols[i]);
		}
		free(vols);
		virStoragePoolFree(pools[p]);
	}
	free(pools);
	virResetLastError();
	return user;
}

int vp_volume_upload_file(virStorageVolPtr vol, const char *path, const char *stage,
			  const struct vp_reporter *r, struct vp_error *err)
{
	enum { CHUNK = 4 << 20 };
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_(freep) char *buf = NULL;
	virStreamPtr st = NULL;
	const char *name = virStorageVolGetName(vol);
	struct stat sb;
	uint64_t done = 0;
	int64_t last = 0;

	if (fd < 0 || fstat(fd, &sb) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s': %s", path, strerror(errno));
	buf = vp_grow(NULL, CHUNK, 1);
	st = virStreamNew(virStorageVolGetConnect(vol), 0);
	if (!st || virStorageVolUpload(vol, st, 0, (unsigned long long)sb.st_size, 0) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot upload '%s' into volume '%s'", path,
				 name ? name : "?");
		goto fail;
	}
	vp_report_bytes(r, stage, 0, (uint64_t)sb.st_size);
	while (done < (uint64_t)sb.st_size) {
		ssize_t n = read(fd, buf, CHUNK);
		ssize_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s': %s", path,
				     n < 0 ? strerror(errno) : "it got shorter while being uploaded");
			virStreamAbort(st);
			goto fail;
		}
		while (off < n) {
			int w = virStreamSend(st, buf + off, (size_t)(n - off));

			if (w < 0) {
				vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot upload '%s' into volume '%s'",
						 path, name ? name : "?");
				virStreamAbort(st);
				goto fail;
			}
			off += w;
		}
		done += (uint64_t)n;
		if (vp_report_cancelled(r)) {
			virStreamAbort(st);
			vp_error_set(err, VP_ERR_CANCELLED, "the upload of '%s' was interrupted", path);
			goto fail;
		}
		if (vp_now_ms() - last >= 100) {
			last = vp_now_ms();
			vp_report_bytes(r, stage, done, (uint64_t)sb.st_size);
		}
	}
	if (virStreamFinish(st) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot upload '%s' into volume '%s'", path,
				 name ? name : "?");
		goto fail;
	}
	vp_report_bytes(r, stage, done, (uint64_t)sb.st_size);
	virStreamFree(st);
	return 0;
fail:
	if (st)
		virStreamFree(st);
	return -1;
}

/* ---- sparse uploads ------------------------------------------------------- */

struct sparse_src {
	int fd;
	uint64_t size, done;       /* done: bytes of the file passed, data or hole */
	const char *stage;
	const struct vp_reporter *r;
	int64_t last;
	bool cancelled;
};

static void sparse_progress(struct sparse_src *s)
{
	if (vp_now_ms() - s->last >= 100 || s->done >= s->size) {
		s->last = vp_now_ms();
		vp_report_bytes(s->r, s->stage, s->done, s->size);
	}
}

static int sparse_read(virStreamPtr st, char *data, size_t nbytes, void *opaque)
{
	struct sparse_src *s = opaque;
	ssize_t n;

	(void)st;
	if (vp_report_cancelled(s->r)) {
		s->cancelled = true;
		errno = ECANCELED;
		return -1;
	}
	do
		n = read(s->fd, data, nbytes);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		s->done += (uint64_t)n;
		sparse_progress(s);
	}
	return (int)n;
}

/* Where the file is now: in data or a hole, and how long that lasts. */
static int sparse_hole(virStreamPtr st, int *in_data, long long *length, void *opaque)
{
	struct sparse_src *s = opaque;
	off_t cur = lseek(s->fd, 0, SEEK_CUR), next;

	(void)st;
	if (cur < 0)
		return -1;
	if ((uint64_t)cur >= s->size) {
		*in_data = 0;
		*length = 0;
		return 0;
	}
	next = lseek(s->fd, cur, SEEK_DATA);
	if (next < 0 && errno == ENXIO) {            /* a hole to the end */
		*in_data = 0;
		*length = (long long)(s->size - (uint64_t)cur);
	} else if (next < 0) {
		return -1;
	} else if (next > cur) {                     /* a hole, then data */
		*in_data = 0;
		*length = (long long)(next - cur);
	} else {                                     /* data, up to the next hole */
		next = lseek(s->fd, cur, SEEK_HOLE);
		if (next < 0)
			return -1;
		*in_data = 1;
		*length = (long long)(next - cur);
	}
	return lseek(s->fd, cur, SEEK_SET) < 0 ? -1 : 0;
}

static int sparse_skip(virStreamPtr st, long long length, void *opaque)
{
	struct sparse_src *s = opaque;

	(void)st;
	if (lseek(s->fd, (off_t)length, SEEK_CUR) < 0)
		return -1;
	s->done += (uint64_t)length;
	sparse_progress(s);
	return 0;
}

int vp_volume_upload_sparse(virStorageVolPtr vol, const char *path, const char *stage,
			    const struct vp_reporter *r, struct vp_error *err)
{
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC);
	const char *name = virStorageVolGetName(vol);
	struct sparse_src src = { .fd = -1, .stage = stage, .r = r };
	virStreamPtr st = NULL;
	struct stat sb;
	int rc = -1;

	if (fd < 0 || fstat(fd, &sb) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read '%s': %s", path, strerror(errno));
	src.fd = fd;
	src.size = (uint64_t)sb.st_size;
	st = virStreamNew(virStorageVolGetConnect(vol), 0);
	if (!st || virStorageVolUpload(vol, st, 0, 0, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot upload '%s' into volume '%s'", path,
				 name ? name : "?");
		goto out;
	}
	vp_report_bytes(r, stage, 0, src.size);
	if (virStreamSparseSendAll(st, sparse_read, sparse_hole, sparse_skip, &src) < 0) {
		if (src.cancelled)
			vp_error_set(err, VP_ERR_CANCELLED, "the upload of '%s' was interrupted", path);
		else
			vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot upload '%s' into volume '%s'", path,
					 name ? name : "?");
		virStreamAbort(st);
		goto out;
	}
	if (virStreamFinish(st) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot upload '%s' into volume '%s'", path,
				 name ? name : "?");
		goto out;
	}
	vp_report_bytes(r, stage, src.size, src.size);
	rc = 0;
out:
	if (st)
		virStreamFree(st);
	return rc;
}

int vp_volume_create_step(struct vp_apply *ap, virStoragePoolPtr pool, const char *pool_name,
			  const struct vp_volume_request *req, const char *path,
			  virStorageVolPtr *out, struct vp_error *err)
{
	json_object *u, *id;
	int idx = -1;

	if (ap) {
		u = vp_undo_new("volume");
		vp_undo_set(u, "pool", pool_name);
		vp_undo_set(u, "name", req->name);
		vp_undo_set(u, "path", path);
		if ((idx = vp_apply_intent(ap, u, err)) < 0)
			return -1;
	}
	if (vp_volume_create(pool, req, out, err) < 0) {
		if (ap && err->cause == VIR_ERR_STORAGE_VOL_EXIST)
			vp_apply_failed(ap, idx);
		return -1;
	}
	if (ap) {
		id = json_object_new_object();
		vp_undo_set(id, "key", virStorageVolGetKey(*out));
		vp_apply_done(ap, idx, id);
	}
	return 0;
}
