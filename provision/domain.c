/* provision/domain.c — list, inspect, start, stop, destroy, delete VMs */
#include "domain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "clone.h"
#include "host.h"
#include "luks.h"
#include "metadata.h"
#include "network.h"
#include "snapshot.h"
#include "spec.h"
#include "storage.h"
#include "units.h"
#include "xmlutil.h"

const char *vp_state_name(int state)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING:
		return "running";
	case VIR_DOMAIN_BLOCKED:
		return "blocked";
	case VIR_DOMAIN_PAUSED:
		return "paused";
	case VIR_DOMAIN_SHUTDOWN:
		return "shutting down";
	case VIR_DOMAIN_SHUTOFF:
		return "shut off";
	case VIR_DOMAIN_CRASHED:
		return "crashed";
	case VIR_DOMAIN_PMSUSPENDED:
		return "suspended";
	default:
		return "unknown";
	}
}

int vp_domain_lookup(virConnectPtr conn, const char *name, virDomainPtr *out,
		     struct vp_error *err)
{
	*out = virDomainLookupByName(conn, name);
	if (*out)
		return 0;
	if (vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
		return vp_error_set(err, VP_ERR_NOT_FOUND, "no VM named '%s'", name);
	return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up VM '%s'", name);
}

static int get_doc(virDomainPtr dom, unsigned flags, xmlDocPtr *doc, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virDomainGetXMLDesc(dom, flags);

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'",
					virDomainGetName(dom));
	return vp_xml_parse(xml, "a domain description", doc, err);
}

static int summarize(virDomainPtr dom, struct vp_domain_summary *s, struct vp_error *err)
{
	virDomainInfo info;
	int autostart = 0, snaps;
	_cleanup_(freep) char *md = NULL;

	memset(s, 0, sizeof(*s));
	if (virDomainGetInfo(dom, &info) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'",
					virDomainGetName(dom));
	s->name = vp_strdup(virDomainGetName(dom));
	s->id = virDomainIsActive(dom) == 1 ? (int)virDomainGetID(dom) : -1;
	s->state = vp_state_name(info.state);
	s->vcpus = info.nrVirtCpu;
	s->memory = (uint64_t)info.maxMem * 1024;
	s->persistent = virDomainIsPersistent(dom) == 1;
	if (virDomainGetAutostart(dom, &autostart) == 0)
		s->autostart = autostart != 0;
	md = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, VP_META_NS, 0);
	s->managed = md != NULL;
	snaps = virDomainSnapshotNum(dom, 0);
	s->snapshots = snaps > 0 ? (unsigned)snaps : 0;
	virResetLastError();
	return 0;
}

static int cmp_summary(const void *a, const void *b)
{
	const struct vp_domain_summary *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int vp_domain_list(virConnectPtr conn, bool all, struct vp_domain_summary **out, size_t *n,
		   struct vp_error *err)
{
	virDomainPtr *doms = NULL;
	struct vp_domain_summary *list;
	unsigned flags = all ? 0 : VIR_CONNECT_LIST_DOMAINS_ACTIVE;
	int count, i, r = 0;
	size_t k = 0;

	count = virConnectListAllDomains(conn, &doms, flags);
	if (count < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list VMs");
	list = vp_calloc((size_t)count + 1, sizeof(*list));
	for (i = 0; i < count; i++) {
		struct vp_error e2 = { 0 };

		if (r == 0 && summarize(doms[i], &list[k], &e2) == 0) {
			k++;
		} else if (r == 0 && e2.cause != VIR_ERR_NO_DOMAIN) {
			/* a VM that vanished meanwhile is no error */
			r = -1;
			if (err)
				*err = e2;
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	if (r < 0) {
		vp_domain_summaries_free(list, k);
		return -1;
	}
	qsort(list, k, sizeof(*list), cmp_summary);
	*out = list;
	*n = k;
	return 0;
}

void vp_domain_summaries_free(struct vp_domain_summary *list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++)
		free(list[i].name);
	free(list);
}

static bool meta_owns(const struct vp_meta *m, const char *path, const char *pool,
		      const char *vol)
{
	size_t i;

	for (i = 0; i < m->n_vols; i++) {
		const struct vp_meta_volume *v = &m->vols[i];

		if (!v->owned)
			continue;
		if (path && v->path && !strcmp(path, v->path))
			return true;
		if (pool && vol && v->pool && v->name && !strcmp(pool, v->pool) &&
		    !strcmp(vol, v->name))
			return true;
	}
	return false;
}

static void read_disk(virConnectPtr conn, virDomainPtr dom, xmlNodePtr disk,
		      const struct vp_meta *meta, struct vp_disk_info *d)
{
	xmlNodePtr src = vp_xml_child(disk, "source");
	xmlNodePtr tgt = vp_xml_child(disk, "target");
	xmlNodePtr bs = vp_xml_child(disk, "backingStore");
	_cleanup_(freep) char *pool = vp_xml_prop(src, "pool");
	_cleanup_(freep) char *vol = vp_xml_prop(src, "volume");
	virDomainBlockInfo bi;

	memset(d, 0, sizeof(*d));
	d->type = vp_xml_prop(disk, "type");
	d->device = vp_xml_prop(disk, "device");
	d->target = vp_xml_prop(tgt, "dev");
	d->bus = vp_xml_prop(tgt, "bus");
	d->format = vp_xml_prop(vp_xml_child(disk, "driver"), "type");
	/* <encryption> in the source (or, the older way, in the disk) */
	d->encryption = vp_xml_prop(vp_xml_child(src, "encryption"), "format");
	if (!d->encryption)
		d->encryption = vp_xml_prop(vp_xml_child(disk, "encryption"), "format");
	d->source = vp_xml_prop(src, "file");
	if (!d->source)
		d->source = vp_xml_prop(src, "dev");
	if (!d->source && pool && vol)
		d->source = vp_strdup_printf("%s/%s", pool, vol);
	if (bs && vp_xml_child(bs, "source"))
		d->backing = vp_xml_prop(vp_xml_child(bs, "source"), "file");
	d->owned = meta->present && meta_owns(meta, d->source, pool, vol);
	if (!d->source)
		return;
	/* the pool knows a volume's size whether the VM runs or not, and its
	 * backing image when the VM is off; the hypervisor is asked only for
	 * disks outside any pool */
	if (d->source[0] == '/') {
		_cleanup_(virStorageVolFreep) virStorageVolPtr v = virStorageVolLookupByPath(conn, d->source);
		virStorageVolInfo vi;

		if (v && virStorageVolGetInfo(v, &vi) == 0) {
			d->capacity = vi.capacity;
			d->allocation = vi.allocation;
		}
		if (v && !d->backing) {
			_cleanup_(freep) char *vx = virStorageVolGetXMLDesc(v, 0);
			_cleanup_(xmlFreeDocp) xmlDocPtr vd = NULL;

			if (vx && vp_xml_parse(vx, "a volume description", &vd, NULL) == 0)
				d->backing = vp_xml_xpath_string(
					vd, "string(/volume/backingStore/path)", NULL, NULL);
		}
	}
	if (!d->capacity && d->target && virDomainGetBlockInfo(dom, d->target, &bi, 0) == 0) {
		d->capacity = bi.capacity;
		d->allocation = bi.allocation;
	}
	virResetLastError();
}

/* The address vprov reserved for a NIC (by network and MAC), or NULL. */
static char *reserved_ip(const struct vp_meta *m, const char *network, const char *mac)
{
	size_t i;

	for (i = 0; network && mac && i < m->n_resv; i++)
		if (m->resv[i].network && m->resv[i].mac && !strcmp(m->resv[i].network, network) &&
		    !strcasecmp(m->resv[i].mac, mac))
			return vp_strdup(m->resv[i].ip);
	return NULL;
}

int vp_domain_info(virDomainPtr dom, struct vp_domain_info *out, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_meta meta = { 0 };
	xmlNodePtr root, devices, c, type;
	char uuid[VIR_UUID_STRING_BUFLEN];

	memset(out, 0, sizeof(*out));
	if (summarize(dom, &out->sum, err) < 0 || get_doc(dom, 0, &doc, err) < 0) {
		vp_domain_info_clear(out);
		return -1;
	}
	vp_meta_read(doc, &meta, NULL);
	if (virDomainGetUUIDString(dom, uuid) == 0)
		out->uuid = vp_strdup(uuid);
	root = xmlDocGetRootElement(doc);
	out->virt_type = vp_xml_prop(root, "type");
	type = vp_xml_child(vp_xml_child(root, "os"), "type");
	out->arch = vp_xml_prop(type, "arch");
	out->machine = vp_xml_prop(type, "machine");
	out->spec_hash = vp_strdup(meta.spec_hash);
	out->os = vp_strdup(meta.os_short_id ? meta.os_short_id : meta.os_id);
	devices = vp_xml_child(root, "devices");
	for (c = devices ? devices->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(c->name, BAD_CAST "disk")) {
			out->disks = vp_grow(out->disks, out->n_disks + 1, sizeof(*out->disks));
			read_disk(conn, dom, c, &meta, &out->disks[out->n_disks++]);
		} else if (xmlStrEqual(c->name, BAD_CAST "interface")) {
			struct vp_nic_info *n;
			xmlNodePtr src = vp_xml_child(c, "source");

			out->nics = vp_grow(out->nics, out->n_nics + 1, sizeof(*out->nics));
			n = &out->nics[out->n_nics++];
			n->type = vp_xml_prop(c, "type");
			n->source = vp_xml_prop(src, "network");
			if (!n->source)
				n->source = vp_xml_prop(src, "bridge");
			n->mac = vp_xml_prop(vp_xml_child(c, "mac"), "address");
			n->model = vp_xml_prop(vp_xml_child(c, "model"), "type");
			n->reserved_ip = reserved_ip(&meta, n->source, n->mac);
		} else if (xmlStrEqual(c->name, BAD_CAST "serial") && !out->console_log) {
			out->console_log = vp_xml_prop(vp_xml_child(c, "log"), "file");
		} else if (xmlStrEqual(c->name, BAD_CAST "graphics") && !out->graphics) {
			_cleanup_(freep) char *port = vp_xml_prop(c, "port");
			_cleanup_(freep) char *listen = vp_xml_prop(c, "listen");
			uint64_t portno = 0;

			out->graphics = vp_xml_prop(c, "type");
			if (!listen)
				listen = vp_xml_prop(vp_xml_child(c, "listen"), "address");
			if (port && vp_parse_uint(port, 1, 65535, "port", &portno, NULL) == 0 &&
			    out->graphics)
				out->display = vp_strdup_printf("%s://%s:%s", out->graphics,
								listen ? listen : "127.0.0.1", port);
		}
	}
	vp_meta_clear(&meta);
	return 0;
}

void vp_domain_info_clear(struct vp_domain_info *info)
{
	size_t i;

	if (!info)
		return;
	free(info->sum.name);
	free(info->uuid);
	free(info->virt_type);
	free(info->arch);
	free(info->machine);
	free(info->console_log);
	free(info->spec_hash);
	free(info->os);
	free(info->graphics);
	free(info->display);
	for (i = 0; i < info->n_disks; i++) {
		struct vp_disk_info *d = &info->disks[i];

		free(d->target);
		free(d->bus);
		free(d->device);
		free(d->type);
		free(d->source);
		free(d->format);
		free(d->encryption);
		free(d->backing);
	}
	free(info->disks);
	for (i = 0; i < info->n_nics; i++) {
		free(info->nics[i].type);
		free(info->nics[i].source);
		free(info->nics[i].mac);
		free(info->nics[i].model);
		free(info->nics[i].reserved_ip);
	}
	free(info->nics);
	memset(info, 0, sizeof(*info));
}

/* Whether the VM runs. */
static int running(virDomainPtr dom, bool *on, struct vp_error *err)
{
	int active = virDomainIsActive(dom);

	if (active < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'",
					virDomainGetName(dom));
	*on = active == 1;
	return 0;
}

int vp_domain_start(virDomainPtr dom, bool *was_running, struct vp_error *err)
{
	if (running(dom, was_running, err) < 0)
		return -1;
	if (*was_running)
		return 0;
	/* linked clones read its disks as they are now: a guest running on
	 * them would write under the clones' feet (libvirt does not stop it) */
	if (vp_clone_refuse_dependents(dom, "starting it would change the disks they are built on",
			     "delete them first", err) < 0)
		return -1;
	if (virDomainCreate(dom) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start VM '%s'",
					virDomainGetName(dom));
	return 0;
}

/* 1: off (or gone), 0: still on. */
static int is_off(virDomainPtr dom, struct vp_error *err)
{
	int state, reason;

	if (virDomainGetState(dom, &state, &reason, 0) < 0) {
		if (vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
			return 1; /* a transient VM is gone once off */
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'",
					virDomainGetName(dom));
	}
	return state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED;
}

static int wait_off(virDomainPtr dom, int64_t timeout_ms, volatile sig_atomic_t *cancel,
		    struct vp_error *err)
{
	int64_t deadline = timeout_ms < 0 ? -1 : vp_now_ms() + timeout_ms;
	int off;

	while ((off = is_off(dom, err)) == 0) {
		if (cancel && *cancel)
			return vp_error_set(err, VP_ERR_CANCELLED, "interrupted while waiting for VM '%s'",
					    virDomainGetName(dom));
		if (deadline >= 0 && vp_now_ms() >= deadline)
			return 0;
		usleep(50 * 1000);
	}
	return off;
}

int vp_domain_wait_shutoff(virConnectPtr conn, const char *name, int64_t timeout_ms,
			   volatile sig_atomic_t *cancel, struct vp_error *err)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;

	if (vp_domain_lookup(conn, name, &dom, err) < 0)
		return err && err->code == VP_ERR_NOT_FOUND ? 1 : -1;
	return wait_off(dom, timeout_ms, cancel, err);
}

int vp_domain_stop(virDomainPtr dom, int64_t timeout_ms, bool force,
		   volatile sig_atomic_t *cancel, enum vp_stop_result *result,
		   struct vp_error *err)
{
	const char *name = virDomainGetName(dom);
	int off;

	off = is_off(dom, err);
	if (off < 0)
		return -1;
	if (off) {
		*result = VP_WAS_STOPPED;
		return 0;
	}
	if (virDomainShutdown(dom) < 0) {
		if (!force)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot shut down VM '%s'", name);
	} else {
		off = wait_off(dom, timeout_ms, cancel, err);
		if (off < 0)
			return -1;
		if (off) {
			*result = VP_STOPPED;
			return 0;
		}
		if (!force)
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "VM '%s' did not shut down within %lld s (add --force to power it off)",
					    name, (long long)(timeout_ms / 1000));
	}
	if (virDomainDestroy(dom) < 0 && is_off(dom, NULL) != 1)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot power off VM '%s'", name);
	*result = VP_FORCED;
	return 0;
}

int vp_domain_destroy(virDomainPtr dom, bool *was_running, struct vp_error *err)
{
	if (running(dom, was_running, err) < 0)
		return -1;
	if (!*was_running)
		return 0;
	if (virDomainDestroy(dom) < 0 && is_off(dom, NULL) != 1)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot power off VM '%s'",
					virDomainGetName(dom));
	return 0;
}

/* Record in VM user's own vprov record that it owns volume v now (its
 * definition, and its live state when it runs).  -1 when user is not a VM
 * vprov made, or the record cannot be written. */
static int hand_over(virConnectPtr conn, const char *user, const struct vp_meta_volume *v)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(conn, user);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *text = NULL;
	bool persistent, active;
	unsigned flags = 0;

	if (!dom)
		goto fail;
	persistent = virDomainIsPersistent(dom) == 1;
	active = virDomainIsActive(dom) == 1;
	if (get_doc(dom, persistent ? VIR_DOMAIN_XML_INACTIVE : 0, &doc, NULL) < 0 ||
	    vp_meta_take_volume(doc, v, &text, NULL) < 0)
		goto fail;
	if (persistent)
		flags |= VIR_DOMAIN_AFFECT_CONFIG;
	if (active)
		flags |= VIR_DOMAIN_AFFECT_LIVE;
	if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, text, VP_META_PREFIX, VP_META_NS,
				 flags) < 0)
		goto fail;
	return 0;
fail:
	virResetLastError();
	return -1;
}

/* The secret holding an encrypted volume's passphrase goes with the
 * volume (and only then: a volume kept needs it).  0, or -1 with err. */
static int drop_secret(virConnectPtr conn, const struct vp_meta_volume *v,
		       struct vp_delete_report *report, struct vp_error *err)
{
	bool removed = false;

	if (!v->secret)
		return 0;
	if (vp_luks_secret_remove(conn, v->secret, v->path, &removed, err) < 0)
		return -1;
	if (removed)
		vp_strings_add(&report->removed, &report->n_removed,
			       vp_strdup_printf("secret %s (the passphrase of %s)", v->secret,
						v->path ? v->path : v->name));
	return 0;
}

/* The DHCP host entries vprov added for the VM's NICs (whatever
 * keep_storage says: an address is no storage).  Returns how many could
 * not be removed; the first failure goes to err when none came before. */
static bool has_mac(xmlDocPtr doc, const char *mac)
{
	xmlNodePtr devs = vp_xml_child(xmlDocGetRootElement(doc), "devices"), c;

	for (c = devs ? devs->children : NULL; c; c = c->next) {
		_cleanup_(freep) char *m = NULL;

		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "interface"))
			continue;
		m = vp_xml_prop(vp_xml_child(c, "mac"), "address");
		if (m && !strcasecmp(m, mac))
			return true;
	}
	return false;
}

static size_t remove_reservations(virConnectPtr conn, xmlDocPtr doc, const struct vp_meta *meta,
				  struct vp_delete_report *report, struct vp_error *err,
				  size_t failed)
{
	size_t i, n = 0;

	for (i = 0; i < meta->n_resv; i++) {
		const struct vp_meta_reservation *rv = &meta->resv[i];
		struct vp_error e2 = { 0 };
		bool gone = false;

		/* only a NIC the VM still has (a clone carries its source's
		 * record, with the source's MAC) */
		if (!rv->network || !rv->mac || !rv->ip || !has_mac(doc, rv->mac))
			continue;
		if (vp_net_unreserve(conn, rv->network, rv->mac, rv->ip, &gone, &e2) < 0) {
			if (!failed && !n && err)
				*err = e2;
			n++;
			continue;
		}
		if (gone)
			vp_strings_add(&report->removed, &report->n_removed,
				       vp_strdup_printf("the reservation of %s on network '%s'", rv->ip,
							rv->network));
	}
	return n;
}

int vp_domain_delete(virDomainPtr dom, bool keep_storage, struct vp_delete_report *report,
		     struct vp_error *err)
{
	return vp_domain_delete_snapshots(dom, keep_storage, false, report, err);
}

int vp_domain_delete_snapshots(virDomainPtr dom, bool keep_storage, bool snapshots,
			       struct vp_delete_report *report, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *name = virDomainGetName(dom);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_meta meta = { 0 };
	struct vp_error e2 = { 0 };
	size_t i, failed = 0;
	int r = -1, n_snaps;

	memset(report, 0, sizeof(*report));
	n_snaps = vp_snapshot_count(dom, &e2);
	if (n_snaps < 0 && e2.cause != VIR_ERR_NO_SUPPORT) {
		if (err)
			*err = e2;
		return -1;
	}
	memset(&e2, 0, sizeof(e2));
	if (n_snaps > 0 && !snapshots)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "VM '%s' has %d snapshot%s: add --snapshots to delete %s too",
				    name, n_snaps, n_snaps == 1 ? "" : "s", n_snaps == 1 ? "it" : "them");
	if (n_snaps > 0 &&
	    vp_snapshot_remove_all(dom, keep_storage, &report->removed, &report->n_removed, err) < 0) {
		vp_error_append(err, "VM '%s' is kept so that 'vprov delete %s --snapshots' can be run "
				"again", name, name);
		return -1;
	}
	/* the persistent definition is the record of what vprov made */
	if (get_doc(dom, virDomainIsPersistent(dom) == 1 ? VIR_DOMAIN_XML_INACTIVE : 0, &doc, err) < 0)
		return -1;
	vp_meta_read(doc, &meta, NULL);
	report->managed = meta.present;
	/* its volumes are what linked clones are built on */
	if (!keep_storage &&
	    vp_clone_refuse_dependents(dom, "they would lose their base", "delete them first, or keep its disks with --keep-storage",
			     err) < 0)
		goto out;
	if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0 && is_off(dom, NULL) != 1) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot power off VM '%s'", name);
		goto out;
	}
	/* volumes first: if this stops half way, the definition still says
	 * what is left, and running delete again finishes the job */
	for (i = 0; i < meta.n_vols && !keep_storage; i++) {
		const struct vp_meta_volume *v = &meta.vols[i];
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		_cleanup_(freep) char *user = NULL;
		struct vp_vol_info vi = { 0 };
		const char *label = v->path ? v->path : v->name;

		if (!label)
			continue;
		if (!v->owned) {
			/* a disk the user gave (vol=, path=): say it stays; a
			 * backing image is no disk of this VM and stays quietly */
			if (!v->role || strcmp(v->role, "backing") != 0)
				vp_strings_add(&report->kept, &report->n_kept,
					 vp_strdup_printf("%s (vprov did not create it)", label));
			continue;
		}
		if (v->pool && v->name && (pool = virStoragePoolLookupByName(conn, v->pool)))
			vol = virStorageVolLookupByName(pool, v->name);
		if (!vol && v->path)
			vol = virStorageVolLookupByPath(conn, v->path);
		if (!vol) {
			virResetLastError();
			/* already gone; its secret, if any, goes too */
			if (drop_secret(conn, v, report, &e2) < 0 && !failed++)
				*err = e2;
			continue;
		}
		/* the volume at that name must still be the one we made */
		if (vp_volume_describe(vol, &vi, NULL) == 0 && v->path && vi.path &&
		    strcmp(vi.path, v->path) != 0) {
			vp_strings_add(&report->kept, &report->n_kept,
				 vp_strdup_printf("%s (its path changed to %s)", label, vi.path));
			vp_vol_info_clear(&vi);
			continue;
		}
		vp_vol_info_clear(&vi);
		if (v->path && (user = vp_volume_used_by(conn, v->path, name))) {
			/* the last VM that uses it owns it, so its delete removes it */
			bool taken = hand_over(conn, user, v) == 0;

			vp_strings_add(&report->kept, &report->n_kept,
				 vp_strdup_printf("%s (VM '%s' uses it%s)", label, user,
						  taken ? ", and now owns it" : ""));
			continue;
		}
		if (v->path && (user = vp_volume_backs(conn, v->path))) {
			vp_strings_add(&report->kept, &report->n_kept,
				 vp_strdup_printf("%s (volume '%s' is a linked clone of it)", label,
						  user));
			continue;
		}
		if (vp_volume_delete(vol, &e2) < 0) {
			if (!failed++)
				*err = e2;
			continue;
		}
		vp_strings_add(&report->removed, &report->n_removed, vp_strdup(label));
		if (drop_secret(conn, v, report, &e2) < 0 && !failed++)
			*err = e2;
	}
	failed += remove_reservations(conn, doc, &meta, report, err, failed);
	if (failed) {
		vp_error_append(err, "VM '%s' is kept so that 'vprov delete %s' can be run again",
				name, name);
		goto out;
	}
	if (virDomainIsPersistent(dom) == 1 &&
	    virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
						VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
						VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA) < 0 &&
	    virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
						VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0 &&
	    virDomainUndefine(dom) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot undefine VM '%s'", name);
		goto out;
	}
	/* the console log goes with a VM vprov made, or a new VM of the same
	 * name would show this one's output (the log appends) */
	if (meta.present && vp_conn_is_local(conn)) {
		_cleanup_(freep) char *log = vp_xml_xpath_string(
			doc, "string(/domain/devices/serial[1]/log/@file)", NULL, NULL);

		_cleanup_(freep) char *dir = vp_console_log_dir(conn);
		_cleanup_(freep) char *ours = vp_strdup_printf("%s/%s-console.log", dir, name);

		/* only the file vprov named for this VM */
		if (log && !strcmp(log, ours) && unlink(log) == 0)
			vp_strings_add(&report->removed, &report->n_removed, vp_strdup(log));
	}
	r = 0;
out:
	vp_meta_clear(&meta);
	return r;
}

void vp_delete_report_clear(struct vp_delete_report *r)
{
	if (!r)
		return;
	vp_strings_free(r->removed, r->n_removed);
	vp_strings_free(r->kept, r->n_kept);
	memset(r, 0, sizeof(*r));
}

int vp_domain_xml(virDomainPtr dom, bool inactive, char **out, struct vp_error *err)
{
	*out = virDomainGetXMLDesc(dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
	if (!*out)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'",
					virDomainGetName(dom));
	return 0;
}

int vp_domain_console_log(virDomainPtr dom, char **out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	*out = NULL;
	if (get_doc(dom, 0, &doc, err) < 0)
		return -1;
	*out = vp_xml_xpath_string(doc, "string(/domain/devices/serial[1]/log/@file)", NULL, NULL);
	return 0;
}
