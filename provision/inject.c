/* provision/inject.c — a VM's disks (or one disk) resolved, refused while
 * running, and edited in one appliance launch (inject.h) */
#include "inject.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "clone.h"
#include "domain.h"
#include "host.h"
#include "kvm.h"
#include "storage.h"
#include "xmlutil.h"

void vp_domain_inject_result_clear(struct vp_domain_inject_result *r)
{
	if (!r)
		return;
	vp_inject_result_clear(&r->edits);
	vp_strings_free(r->disks, r->n_disks);
	memset(r, 0, sizeof(*r));
}

struct disks {
	char **paths, **formats;
	size_t n;
};

static void disks_clear(struct disks *d)
{
	vp_strings_free(d->paths, d->n);
	vp_strings_free(d->formats, d->n);
	memset(d, 0, sizeof(*d));
}

static void disks_add(struct disks *d, char *path, char *format)
{
	size_t n = d->n;

	vp_strings_add(&d->paths, &n, path);
	n = d->n;
	vp_strings_add(&d->formats, &n, format);
	d->n = n;
}

/* pool/vol: its path and format, through the storage API */
static int volume_path(virConnectPtr conn, const char *pool_name, const char *vol_name,
		       char **path, char **format, struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	struct vp_vol_info info = { 0 };

	if (vp_pool_lookup(conn, pool_name, &pool, err) < 0 ||
	    vp_volume_find(pool, vol_name, &vol, err) < 0)
		return -1;
	if (!vol)
		return vp_error_set(err, VP_ERR_NOT_FOUND, "no volume '%s' in pool '%s'", vol_name,
				    pool_name);
	if (vp_volume_describe(vol, &info, err) < 0)
		return -1;
	if (!info.path || (info.type && strcmp(info.type, "file") && strcmp(info.type, "block"))) {
		vp_error_set(err, VP_ERR_INVALID,
			     "volume '%s/%s' is not a file or a block device vprov can edit",
			     pool_name, vol_name);
		vp_vol_info_clear(&info);
		return -1;
	}
	*path = TAKE_PTR(info.path);
	*format = TAKE_PTR(info.format);
	vp_vol_info_clear(&info);
	return 0;
}

/* A local image: its format from its header. */
static int local_disk(const char *path, struct disks *d, struct vp_error *err)
{
	char *format = NULL;
	uint64_t cap = 0;

	if (vp_image_probe_local(path, "the disk", &format, &cap, err) < 0)
		return -1;
	disks_add(d, vp_strdup(path), format);
	return 0;
}

/* --disk PATH or POOL/VOL: a path when it looks like one or exists here. */
static int resolve_disk_arg(virConnectPtr conn, const char *arg, struct disks *d,
			    struct vp_error *err)
{
	const char *slash = strchr(arg, '/');
	_cleanup_(freep) char *pool = NULL;
	char *path = NULL, *format = NULL;

	if (!*arg)
		return vp_error_set(err, VP_ERR_INVALID, "--disk needs a path or POOL/VOL");
	if (arg[0] == '/' || arg[0] == '.' || !slash || strchr(slash + 1, '/') ||
	    access(arg, F_OK) == 0)
		return local_disk(arg, d, err);
	pool = vp_strndup(arg, (size_t)(slash - arg));
	if (volume_path(conn, pool, slash + 1, &path, &format, err) < 0)
		return -1;
	disks_add(d, path, format);
	return 0;
}

/* The writable disk images of a VM's (inactive) definition. */
static int domain_disks(virConnectPtr conn, virDomainPtr dom, const char *name, struct disks *d,
			const struct vp_reporter *rep, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virDomainGetXMLDesc(dom, virDomainIsPersistent(dom) == 1
								? VIR_DOMAIN_XML_INACTIVE : 0);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr devices, c;

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'", name);
	if (vp_xml_parse(xml, "a domain description", &doc, err) < 0)
		return -1;
	devices = vp_xml_child(xmlDocGetRootElement(doc), "devices");
	for (c = devices ? devices->children : NULL; c; c = c->next) {
		_cleanup_(freep) char *device = NULL, *type = NULL, *format = NULL, *target = NULL;
		xmlNodePtr src, drv;
		char *path = NULL, *fmt = NULL;

		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "disk"))
			continue;
		device = vp_xml_prop(c, "device");
		if ((device && strcmp(device, "disk")) || vp_xml_child(c, "readonly"))
			continue;
		type = vp_xml_prop(c, "type");
		src = vp_xml_child(c, "source");
		drv = vp_xml_child(c, "driver");
		format = vp_xml_prop(drv, "type");
		target = vp_xml_prop(vp_xml_child(c, "target"), "dev");
		if (!src)
			continue;
		if (!type || !strcmp(type, "file")) {
			path = vp_xml_prop(src, "file");
		} else if (!strcmp(type, "block")) {
			path = vp_xml_prop(src, "dev");
		} else if (!strcmp(type, "volume")) {
			_cleanup_(freep) char *pool = vp_xml_prop(src, "pool"), *vol = vp_xml_prop(src, "volume");

			if (!pool || !vol)
				continue;
			if (volume_path(conn, pool, vol, &path, &fmt, err) < 0)
				return -1;
		} else {
			vp_report_warn(rep, "VM '%s': disk %s is a %s disk; vprov edits only local images",
				       name, target ? target : "?", type);
			continue;
		}
		if (!path)
			continue;
		if (format) {
			free(fmt);
			fmt = TAKE_PTR(format);
		}
		disks_add(d, path, fmt);
	}
	if (!d->n)
		return vp_error_set(err, VP_ERR_INVALID, "VM '%s' has no writable disk image to edit",
				    name);
	return 0;
}

static char *canonical(const char *path)
{
	char buf[PATH_MAX];

	return vp_strdup(realpath(path, buf) ? buf : path);
}

/* The running VM (malloc'd name) whose disks or their backing chains hold
 * one of paths, or NULL. */
static char *running_user(virConnectPtr conn, const struct disks *d, char **which)
{
	virDomainPtr *doms = NULL;
	char *user = NULL;
	int n, i;

	n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	for (i = 0; i < n; i++) {
		_cleanup_(freep) char *xml = user ? NULL : virDomainGetXMLDesc(doms[i], 0);
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		_cleanup_(xmlXPathFreeContextp) xmlXPathContextPtr ctx = NULL;
		_cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr obj = NULL;
		int k;

		if (!xml || vp_xml_parse(xml, "a domain description", &doc, NULL) < 0 ||
		    !(ctx = xmlXPathNewContext(doc)) ||
		    !(obj = xmlXPathEvalExpression(
			      BAD_CAST "/domain/devices/disk//source/@file | /domain/devices/disk//source/@dev",
			      ctx)) ||
		    !obj->nodesetval)
			goto next;
		for (k = 0; k < obj->nodesetval->nodeNr && !user; k++) {
			_cleanup_(xmlFreep) xmlChar *v = xmlNodeGetContent(obj->nodesetval->nodeTab[k]);
			_cleanup_(freep) char *cv = NULL;
			size_t j;

			if (!v)
				continue;
			cv = canonical((const char *)v);
			for (j = 0; j < d->n && !user; j++) {
				_cleanup_(freep) char *cp = canonical(d->paths[j]);

				if (!strcmp(cp, cv)) {
					user = vp_strdup(virDomainGetName(doms[i]));
					*which = d->paths[j];
				}
			}
		}
next:
		virDomainFree(doms[i]);
	}
	free(doms);
	virResetLastError();
	return user;
}

bool vp_inject_want_tcg(virConnectPtr conn, const char *cache_dir)
{
	struct vp_host_caps caps = { 0 };
	struct vp_kvm_check chk = { 0 };
	bool tcg = true;

	if (cache_dir && vp_host_caps_get(conn, &caps, NULL) == 0) {
		vp_kvm_cached(conn, &caps, cache_dir, &chk);
		tcg = chk.verdict != VP_KVM_WORKS;
		vp_kvm_check_clear(&chk);
	}
	vp_host_caps_clear(&caps);
	return tcg;
}

int vp_domain_inject(virConnectPtr conn, const char *name, const char *disk,
		     const struct vp_edit_list *edits, const struct vp_domain_inject_opts *opts,
		     struct vp_domain_inject_result *res, struct vp_error *err)
{
	static const struct vp_domain_inject_opts no_opts;
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	_cleanup_(freep) char *user = NULL;
	struct disks d = { 0 };
	struct vp_inject_disk *list = NULL;
	struct vp_inject_opts io = { 0 };
	char *which = NULL;
	size_t i;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	opts = opts ? opts : &no_opts;
	if (!name == !disk)
		return vp_error_set(err, VP_ERR_INVALID, "give either a VM name or --disk, not %s",
				    name ? "both" : "neither");
	if (!vp_conn_is_local(conn)) {
		_cleanup_(freep) char *uri = virConnectGetURI(conn);

		return vp_error_set(err, VP_ERR_INVALID,
				    "guest disks are edited on this machine only, and '%s' is another host",
				    uri ? uri : "the connection");
	}
	if (name) {
		int active;

		if (vp_domain_lookup(conn, name, &dom, err) < 0)
			return -1;
		active = virDomainIsActive(dom);
		if (active < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'",
						name);
		if (active)
			return vp_error_set(err, VP_ERR_INVALID,
					    "VM '%s' is running: stop it first ('vprov stop %s'); its disks cannot be edited while it runs",
					    name, name);
		/* linked clones read its disks as they are now */
		if (vp_clone_refuse_dependents(dom, "editing them would change what the clones see",
					       "delete them first", err) < 0)
			goto out;
		if (domain_disks(conn, dom, name, &d, opts->reporter, err) < 0)
			goto out;
	} else if (resolve_disk_arg(conn, disk, &d, err) < 0) {
		goto out;
	}
	if ((user = running_user(conn, &d, &which))) {
		vp_error_set(err, VP_ERR_INVALID,
			     "the disk '%s' is in use by running VM '%s': stop it first ('vprov stop %s')",
			     which, user, user);
		goto out;
	}
	if (disk) {
		/* an image others are built on (a linked clone's SRC, a cloud
		 * image's base) is what they read: edited, they would be corrupt */
		for (i = 0; i < d.n; i++) {
			_cleanup_(freep) char *real = realpath(d.paths[i], NULL);
			_cleanup_(freep) char *over = vp_volume_backs(conn, real ? real : d.paths[i]);

			if (over) {
				vp_error_set(err, VP_ERR_INVALID,
					     "the disk '%s' is the backing image of volume '%s': editing it would corrupt what is built on it",
					     d.paths[i], over);
				goto out;
			}
		}
	}
	for (i = 0; i < d.n; i++)
		if (access(d.paths[i], F_OK) < 0) {
			vp_error_set(err, VP_ERR_NOT_FOUND, "the disk '%s' does not exist", d.paths[i]);
			goto out;
		}
	io.reporter = opts->reporter;
	io.force_tcg = res->tcg = vp_inject_want_tcg(conn, opts->cache_dir);
	list = vp_calloc(d.n, sizeof(*list));
	for (i = 0; i < d.n; i++) {
		list[i].path = d.paths[i];
		list[i].format = d.formats[i];
	}
	rc = opts->dry_run ? 0 : vp_inject_apply(list, d.n, edits, &io, &res->edits, err);
	res->n_disks = d.n;
	res->disks = TAKE_PTR(d.paths);
out:
	free(list);
	disks_clear(&d);
	return rc;
}
