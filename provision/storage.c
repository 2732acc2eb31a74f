/* provision/storage.c — pools and volumes through libvirt */
#include "storage.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "host.h"
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

int vp_pool_create_dir(virConnectPtr conn, const char *name, const char *path,
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

	if (virStoragePoolIsActive(pool) == 1 && virStoragePoolDestroy(pool) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop storage pool '%s'", name);
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
	dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!dir)
		abort();
	if (vp_pool_find_by_dir(conn, dir, &pool, err) < 0)
		return -1;
	if (!pool || virStoragePoolIsActive(pool) != 1)
		return 0;
	/* a file put there behind libvirt's back shows after a refresh */
	if (virStoragePoolRefresh(pool, 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot refresh storage pool '%s'",
					virStoragePoolGetName(pool));
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

int vp_image_probe_local(const char *path, char **format, uint64_t *capacity,
			 struct vp_error *err)
{
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char hdr[32];
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return vp_error_set(err, errno == ENOENT ? VP_ERR_NOT_FOUND : VP_ERR_RUNTIME,
				    "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot stat '%s': %s", path,
				    strerror(errno));
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n == (ssize_t)sizeof(hdr) && memcmp(hdr, "QFI\xfb", 4) == 0) {
		uint64_t size;

		memcpy(&size, hdr + 24, sizeof(size));
		*format = vp_strdup("qcow2");
		*capacity = be64toh(size);
		return 0;
	}
	*format = vp_strdup("raw");
	*capacity = (uint64_t)st.st_size;
	return 0;
}
