/* provision/migrate.c — the domain side of a migration (see migrate.h):
 * resolve the VM and the destination, list its disks, build the plan, and
 * the steps that move the definition: libvirt's live migration (watched
 * from this thread, aborted on --timeout or an interrupt), the definition
 * on the destination for an offline move, then the source's part.  The
 * storage steps come from migrate_storage.c. */
#include "migrate_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/tree.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "domain.h"
#include "host.h"
#include "journal.h"
#include "metadata.h"
#include "snapshot.h"
#include "storage.h"
#include "units.h"
#include "xmlutil.h"

/* What only this file keeps beside the shared context (which comes first,
 * so the plan's ctx is both). */
struct mctx {
	struct vp_migrate_ctx mc;
	char *uuid;
	char *dst_uri;               /* the destination's own URI (virConnectGetURI) */
	char *live_xml;              /* live: the running VM, migratable */
	char *dest_xml;              /* live: DEST_XML; offline: the definition to define */
	char *persist_xml;           /* live: PERSIST_XML */
	bool p2p;                    /* the source's daemon dials the destination */
	unsigned long flags;         /* live: VIR_MIGRATE_* */
	struct vp_reporter gate;     /* the apply's reporter: the user's, until the commit point */
	volatile sig_atomic_t never; /* what gate cancels by after the commit point */
};

static struct mctx *mctx_of(const struct vp_apply *ap)
{
	return ap->plan->ctx;
}

static bool streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

void vp_migrate_disk_clear(struct vp_migrate_disk *d)
{
	free(d->target);
	free(d->device);
	free(d->src_path);
	free(d->src_pool);
	free(d->vol_name);
	free(d->format);
	free(d->backing_path);
	free(d->backing_format);
	free(d->dst_pool);
	free(d->dst_path);
	free(d->dst_backing_path);
}

void vp_migrate_ctx_free(void *ctx)
{
	struct mctx *x = ctx;
	size_t i;

	if (!x)
		return;
	for (i = 0; i < x->mc.n_disks; i++)
		vp_migrate_disk_clear(&x->mc.disks[i]);
	free(x->mc.disks);
	free(x->mc.name);
	free(x->mc.xml);
	free(x->uuid);
	free(x->dst_uri);
	free(x->live_xml);
	free(x->dest_xml);
	free(x->persist_xml);
	free(x);
}

/* ---- the destination's document (pure) ------------------------------------ */

static const struct vp_migrate_disk *disk_by_target(const struct vp_migrate_disk *disks, size_t n,
						    const char *target)
{
	size_t i;

	for (i = 0; target && i < n; i++)
		if (streq(disks[i].target, target))
			return &disks[i];
	return NULL;
}

static void rewrite_disk(xmlNodePtr disk, const struct vp_migrate_disk *d)
{
	xmlNodePtr src = vp_xml_child(disk, "source");
	xmlNodePtr bs = vp_xml_child(disk, "backingStore");
	_cleanup_(freep) char *type = vp_xml_prop(disk, "type");

	if (d->dst_path && src && !streq(d->dst_path, d->src_path)) {
		if (streq(type, "block")) {
			vp_xml_set(src, "dev", d->dst_path);
		} else {
			/* a pool's volume is a file there: the destination's
			 * pool may be another one, or none */
			vp_xml_set(disk, "type", "file");
			vp_xml_set(src, "pool", NULL);
			vp_xml_set(src, "volume", NULL);
			vp_xml_set(src, "mode", NULL);
			vp_xml_set(src, "file", d->dst_path);
		}
	}
	if (d->dst_backing_path && bs && vp_xml_child(bs, "source"))
		vp_xml_set(vp_xml_child(bs, "source"), "file", d->dst_backing_path);
}

/* vprov's record of a volume (metadata.h) follows it to the destination. */
static void rewrite_meta(xmlNodePtr vm, const struct vp_migrate_disk *disks, size_t n)
{
	xmlNodePtr v;
	size_t i;

	for (v = vm->children; v; v = v->next) {
		_cleanup_(freep) char *path = NULL, *pool = NULL, *name = NULL;

		if (v->type != XML_ELEMENT_NODE || !xmlStrEqual(v->name, BAD_CAST "volume") ||
		    !v->ns || !xmlStrEqual(v->ns->href, BAD_CAST VP_META_NS))
			continue;
		path = vp_xml_prop(v, "path");
		pool = vp_xml_prop(v, "pool");
		name = vp_xml_prop(v, "name");
		for (i = 0; i < n; i++) {
			const struct vp_migrate_disk *d = &disks[i];

			if (d->dst_path && ((path && streq(path, d->src_path)) ||
					    (!path && streq(pool, d->src_pool) && streq(name, d->vol_name)))) {
				vp_xml_set(v, "path", d->dst_path);
				vp_xml_set(v, "pool", d->dst_pool);
				break;
			}
			if (d->dst_backing_path && path && streq(path, d->backing_path)) {
				vp_xml_set(v, "path", d->dst_backing_path);
				break;
			}
		}
	}
}

int vp_migrate_rewrite_xml(const char *xml, const struct vp_migrate_disk *disks, size_t n,
			   char **out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, devices, c, meta;

	*out = NULL;
	if (vp_xml_parse(xml, "a domain description", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (!root || !xmlStrEqual(root->name, BAD_CAST "domain"))
		return vp_error_set(err, VP_ERR_INVALID, "the document is not a domain description");
	devices = vp_xml_child(root, "devices");
	for (c = devices ? devices->children : NULL; c; c = c->next) {
		_cleanup_(freep) char *target = NULL;
		const struct vp_migrate_disk *d;

		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "disk"))
			continue;
		target = vp_xml_prop(vp_xml_child(c, "target"), "dev");
		if ((d = disk_by_target(disks, n, target)))
			rewrite_disk(c, d);
	}
	for (meta = vp_xml_child(root, "metadata"), c = meta ? meta->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns &&
		    xmlStrEqual(c->ns->href, BAD_CAST VP_META_NS) &&
		    xmlStrEqual(c->name, BAD_CAST VP_META_ROOT))
			rewrite_meta(c, disks, n);
	*out = vp_xml_format(doc);
	return 0;
}

/* ---- resolving ------------------------------------------------------------- */

/* The destination URI names a host the source's daemon can dial (it has a
 * host part and is not a local socket). */
static bool dialable(const char *uri)
{
	const char *p = strstr(uri, "://"), *plus = strchr(uri, '+');

	if (!p || p[3] == '/' || p[3] == '\0')
		return false;
	return !(plus && plus < p && !strncmp(plus, "+unix", 5));
}

static bool meta_owns(const struct vp_meta *m, const char *path, const char *pool,
		      const char *vol)
{
	size_t i;

	for (i = 0; m->present && i < m->n_vols; i++) {
		const struct vp_meta_volume *v = &m->vols[i];

		if (!v->owned)
			continue;
		if (streq(path, v->path) || (streq(pool, v->pool) && streq(vol, v->name)))
			return true;
	}
	return false;
}

static int read_disk(struct mctx *x, xmlNodePtr disk, const struct vp_meta *meta,
		     struct vp_error *err)
{
	struct vp_migrate_ctx *mc = &x->mc;
	xmlNodePtr src = vp_xml_child(disk, "source");
	xmlNodePtr bs = vp_xml_child(disk, "backingStore");
	_cleanup_(freep) char *pool = vp_xml_prop(src, "pool");
	_cleanup_(freep) char *volume = vp_xml_prop(src, "volume");
	_cleanup_(freep) char *path = vp_xml_prop(src, "file");
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	struct vp_migrate_disk d = { 0 };
	struct vp_vol_info vi = { 0 };
	const char *slash;

	if (!path)
		path = vp_xml_prop(src, "dev");
	if (!path && pool && volume) {
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = virStoragePoolLookupByName(mc->src, pool);

		if (p)
			vol = virStorageVolLookupByName(p, volume);
		if (!vol)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot find volume '%s' in pool '%s' (disk of VM '%s')",
						volume, pool, mc->name);
		path = virStorageVolGetPath(vol);
	}
	if (!path)
		return 0; /* an empty cdrom: nothing moves */
	d.target = vp_xml_prop(vp_xml_child(disk, "target"), "dev");
	d.device = vp_xml_prop(disk, "device");
	if (!d.device)
		d.device = vp_strdup("disk");
	d.readonly = vp_xml_child(disk, "readonly") != NULL;
	d.src_path = vp_strdup(path);
	d.format = vp_xml_prop(vp_xml_child(disk, "driver"), "type");
	if (!vol && vp_volume_find_by_path(mc->src, path, &vol, err) < 0)
		goto fail;
	if (vol) {
		_cleanup_(freep) char *vx = virStorageVolGetXMLDesc(vol, 0);
		_cleanup_(xmlFreeDocp) xmlDocPtr vd = NULL;

		if (vp_volume_describe(vol, &vi, err) < 0)
			goto fail;
		d.src_pool = TAKE_PTR(vi.pool);
		d.vol_name = TAKE_PTR(vi.name);
		if (!d.format)
			d.format = TAKE_PTR(vi.format);
		d.capacity = vi.capacity;
		d.allocation = vi.allocation;
		if (vx && vp_xml_parse(vx, "a volume description", &vd, NULL) == 0) {
			d.backing_path = vp_xml_xpath_string(vd, "string(/volume/backingStore/path)",
							     NULL, NULL);
			d.backing_format = vp_xml_xpath_string(
				vd, "string(/volume/backingStore/format/@type)", NULL, NULL);
		}
		vp_vol_info_clear(&vi);
	} else {
		virDomainBlockInfo bi;

		slash = strrchr(path, '/');
		d.vol_name = vp_strdup(slash ? slash + 1 : path);
		if (d.target && virDomainIsActive(mc->dom) == 1 &&
		    virDomainGetBlockInfo(mc->dom, d.target, &bi, 0) == 0) {
			d.capacity = bi.capacity;
			d.allocation = bi.allocation;
		}
	}
	if (!d.backing_path && bs && vp_xml_child(bs, "source")) {
		d.backing_path = vp_xml_prop(vp_xml_child(bs, "source"), "file");
		d.backing_format = vp_xml_prop(vp_xml_child(bs, "format"), "type");
	}
	if (!d.format)
		d.format = vp_strdup("raw");
	d.owned = meta_owns(meta, d.src_path, d.src_pool, d.vol_name);
	virResetLastError();
	mc->disks = vp_grow(mc->disks, mc->n_disks + 1, sizeof(*mc->disks));
	mc->disks[mc->n_disks++] = d;
	return 0;
fail:
	vp_migrate_disk_clear(&d);
	return -1;
}

static int list_disks(struct mctx *x, const char *xml, const char *meta_xml, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL, mdoc = NULL;
	struct vp_meta meta = { 0 };
	xmlNodePtr devices, c;
	int r = 0;

	if (vp_xml_parse(xml, "a domain description", &doc, err) < 0 ||
	    vp_xml_parse(meta_xml, "a domain description", &mdoc, err) < 0)
		return -1;
	vp_meta_read(mdoc, &meta, NULL);
	devices = vp_xml_child(xmlDocGetRootElement(doc), "devices");
	for (c = devices ? devices->children : NULL; c && r == 0; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "disk"))
			r = read_disk(x, c, &meta, err);
	vp_meta_clear(&meta);
	return r;
}

/* Two connections to one host: the same URI, or the same host UUID (what
 * libvirt itself refuses to migrate between).  The host name is not
 * compared: libvirt 9 does not either, and two daemons on one machine (or
 * cloned hosts) share one. */
static int same_host(struct mctx *x, const struct vp_migrate_req *req, struct vp_error *err)
{
	_cleanup_(freep) char *src_uri = virConnectGetURI(x->mc.src);
	struct vp_host_caps a = { 0 }, b = { 0 };
	int r = 0;

	if (!src_uri || !x->dst_uri)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the URI of a connection");
	if (streq(src_uri, x->dst_uri))
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot migrate VM '%s' to '%s': it is the host the VM is on",
				    x->mc.name, req->dest_uri);
	if (vp_host_caps_get(x->mc.src, &a, NULL) == 0 && vp_host_caps_get(x->mc.dst, &b, NULL) == 0 &&
	    a.host_uuid && streq(a.host_uuid, b.host_uuid))
		r = vp_error_set(err, VP_ERR_INVALID,
				 "cannot migrate VM '%s' to '%s': it is the host the VM is on (both have host UUID %s)",
				 x->mc.name, req->dest_uri, a.host_uuid);
	virResetLastError();
	vp_host_caps_clear(&a);
	vp_host_caps_clear(&b);
	return r;
}

static int name_clash(struct mctx *x, const struct vp_migrate_req *req, struct vp_error *err)
{
	_cleanup_(virDomainFreep) virDomainPtr by_name = virDomainLookupByName(x->mc.dst, x->mc.name);
	_cleanup_(virDomainFreep) virDomainPtr by_uuid = NULL;

	if (by_name)
		return vp_error_set(err, VP_ERR_EXISTS,
				    "cannot migrate VM '%s' to '%s': a VM of that name is there",
				    x->mc.name, req->dest_uri);
	by_uuid = virDomainLookupByUUIDString(x->mc.dst, x->uuid);
	virResetLastError();
	if (by_uuid)
		return vp_error_set(err, VP_ERR_EXISTS,
				    "cannot migrate VM '%s' to '%s': VM '%s' there has its UUID %s",
				    x->mc.name, req->dest_uri, virDomainGetName(by_uuid), x->uuid);
	return 0;
}

static int check_state(struct mctx *x, const struct vp_migrate_req *req, struct vp_error *err)
{
	int state = 0, reason = 0;
	bool running;

	if (virDomainGetState(x->mc.dom, &state, &reason, 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'",
					x->mc.name);
	running = state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_PAUSED ||
		  state == VIR_DOMAIN_BLOCKED;
	if (!running && state != VIR_DOMAIN_SHUTOFF)
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot migrate VM '%s': it is %s; only a running, paused or shut-off VM moves",
				    x->mc.name, vp_state_name(state));
	if (req->mode == VP_MIGRATE_LIVE && !running)
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot migrate VM '%s' live: it is shut off (without --live it moves offline)",
				    x->mc.name);
	if (req->mode == VP_MIGRATE_OFFLINE && running)
		return vp_error_set(err, VP_ERR_INVALID,
				    "cannot migrate VM '%s' offline: it is %s (shut it down first, or migrate it live)",
				    x->mc.name, vp_state_name(state));
	x->mc.live = running;
	/* libvirt moves no snapshot: their records would stay behind (and an
	 * external one's frozen images with them) */
	{
		int n = vp_snapshot_count(x->mc.dom, err);

		if (n < 0)
			return -1;
		if (n > 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot migrate VM '%s': it has %d snapshot%s, which do not move with it (delete them first: vprov snapshot delete)",
					    x->mc.name, n, n == 1 ? "" : "s");
	}
	return 0;
}

/* ---- the steps -------------------------------------------------------------- */

struct job {
	virDomainPtr dom;
	virConnectPtr dconn;         /* client-managed: the destination */
	const char *uri;             /* peer to peer: the destination's URI */
	virTypedParameterPtr params;
	int n;
	unsigned int flags;
	int rc;
	virErrorPtr error;
	volatile int done;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	virDomainPtr moved = NULL;

	if (j->uri) {
		j->rc = virDomainMigrateToURI3(j->dom, j->uri, j->params, (unsigned)j->n, j->flags);
	} else {
		moved = virDomainMigrate3(j->dom, j->dconn, j->params, (unsigned)j->n, j->flags);
		j->rc = moved ? 0 : -1;
	}
	if (j->rc < 0)
		j->error = virSaveLastError();
	if (moved)
		virDomainFree(moved);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int add_params(struct mctx *x, struct job *j, struct vp_error *err)
{
	const struct vp_migrate_ctx *mc = &x->mc;
	int max = 0;
	size_t i;

	if (virTypedParamsAddString(&j->params, &j->n, &max, VIR_MIGRATE_PARAM_DEST_NAME, mc->name) < 0 ||
	    virTypedParamsAddString(&j->params, &j->n, &max, VIR_MIGRATE_PARAM_DEST_XML, x->dest_xml) < 0 ||
	    virTypedParamsAddString(&j->params, &j->n, &max, VIR_MIGRATE_PARAM_PERSIST_XML,
				    x->persist_xml) < 0 ||
	    (mc->req.bandwidth_mib &&
	     virTypedParamsAddULLong(&j->params, &j->n, &max, VIR_MIGRATE_PARAM_BANDWIDTH,
				     mc->req.bandwidth_mib) < 0))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot set the migration's parameters");
	for (i = 0; mc->req.copy_storage && i < mc->n_disks; i++)
		if (mc->disks[i].copy && !mc->disks[i].readonly &&
		    virTypedParamsAddString(&j->params, &j->n, &max, VIR_MIGRATE_PARAM_MIGRATE_DISKS,
					    mc->disks[i].target) < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot set the migration's parameters");
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Watch the job: progress through the reporter every ~500 ms; abort it on
 * the timeout or an interrupt.  Returns what stopped it: 0 nothing, 1 the
 * timeout, 2 an interrupt. */
static int watch(struct mctx *x, struct job *j)
{
	const struct vp_migrate_ctx *mc = &x->mc;
	const struct vp_reporter *r = mc->reporter;
	int64_t t0 = vp_now_ms(), last = 0;
	int why = 0;
	bool aborted = false;
	_cleanup_(freep) char *stage = vp_strdup_printf("migrate VM '%s'", mc->name);

	while (!__atomic_load_n(&j->done, __ATOMIC_ACQUIRE)) {
		int64_t now = vp_now_ms();

		if (!why && mc->req.timeout_ms > 0 && now - t0 >= mc->req.timeout_ms)
			why = 1;
		if (!why && vp_report_cancelled(r))
			why = 2;
		/* until libvirt takes it (the job may not have begun yet);
		 * the guest goes on running on the source */
		if (why && !aborted)
			aborted = virDomainAbortJob(mc->dom) == 0;
		if (now - last >= 500) {
			virTypedParameterPtr p = NULL;
			int n = 0, type = 0;
			unsigned long long done = 0, total = 0;

			last = now;
			if (virDomainGetJobStats(mc->dom, &type, &p, &n, 0) == 0) {
				if (type != VIR_DOMAIN_JOB_NONE) {
					virTypedParamsGetULLong(p, n, VIR_DOMAIN_JOB_DATA_PROCESSED, &done);
					virTypedParamsGetULLong(p, n, VIR_DOMAIN_JOB_DATA_TOTAL, &total);
					vp_report_bytes(r, stage, done, total);
				}
				virTypedParamsFree(p, n);
			}
		}
		virResetLastError();
		sleep_ms(50);
	}
	return why;
}

static int step_migrate(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct mctx *x = mctx_of(ap);
	struct vp_migrate_ctx *mc = &x->mc;
	struct job j = { .dom = mc->dom, .flags = (unsigned)x->flags, .rc = -1 };
	pthread_t t;
	int why, state = 0;

	(void)st;
	if (add_params(x, &j, err) < 0)
		goto out;
	if (x->p2p)
		j.uri = mc->req.dest_uri;
	else
		j.dconn = mc->dst;
	if (pthread_create(&t, NULL, run_job, &j) != 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot start the migration's thread");
		goto out;
	}
	why = watch(x, &j);
	pthread_join(t, NULL);
	if (j.rc == 0) {
		/* the commit point: the VM runs on the destination; an
		 * interrupt from now on must not unwind what it uses there */
		x->gate.cancel = &x->never;
		if (why)
			vp_report_note(mc->reporter, "the migration had ended when it was %s",
				       why == 1 ? "timed out" : "interrupted");
		goto out;
	}
	if (virDomainGetState(mc->dom, &state, NULL, 0) < 0)
		state = -1;
	virResetLastError();
	if (why == 1)
		vp_error_set(err, VP_ERR_RUNTIME,
			     "cannot migrate VM '%s' to '%s': aborted after the --timeout of %lld s",
			     mc->name, mc->req.dest_uri, (long long)(mc->req.timeout_ms / 1000));
	else if (why == 2)
		vp_error_set(err, VP_ERR_CANCELLED, "interrupted: the migration of VM '%s' was aborted",
			     mc->name);
	else if (j.error && j.error->code == VIR_ERR_MIGRATE_UNSAFE)
		vp_error_libvirt_saved(err, VP_ERR_INVALID, TAKE_PTR(j.error),
				       "cannot migrate VM '%s' to '%s' (--copy-storage copies its disks; --unsafe, when both hosts really see the same files, lets libvirt go on)",
				       mc->name, mc->req.dest_uri);
	else
		vp_error_libvirt_saved(err, VP_ERR_RUNTIME, TAKE_PTR(j.error),
				       "cannot migrate VM '%s' to '%s'", mc->name, mc->req.dest_uri);
	if (state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_PAUSED)
		vp_error_append(err, "it goes on %s on this host",
				state == VIR_DOMAIN_RUNNING ? "running" : "paused");
	else if (state >= 0)
		vp_error_append(err, "it is %s on this host", vp_state_name(state));
out:
	if (j.error)
		virFreeError(j.error);
	virTypedParamsFree(j.params, j.n);
	return j.rc < 0 ? -1 : 0;
}

static int step_define(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct mctx *x = mctx_of(ap);
	struct vp_migrate_ctx *mc = &x->mc;
	json_object *u = vp_undo_new("domain");
	virDomainPtr dom;
	int idx;

	(void)st;
	vp_undo_set(u, "uuid", x->uuid);
	vp_undo_set(u, "name", mc->name);
	if ((idx = vp_apply_intent(ap, u, err)) < 0)
		return -1;
	dom = virDomainDefineXML(mc->dst, x->dest_xml);
	if (!dom) {
		_cleanup_(virDomainFreep) virDomainPtr other = NULL;

		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot define VM '%s' on '%s'", mc->name,
				 mc->req.dest_uri);
		/* a VM of that name or UUID made there meanwhile is not ours */
		other = virDomainLookupByUUIDString(mc->dst, x->uuid);
		if (!other)
			other = virDomainLookupByName(mc->dst, mc->name);
		virResetLastError();
		if (other)
			vp_apply_failed(ap, idx);
		return -1;
	}
	virDomainFree(dom);
	/* the commit point of an offline move */
	x->gate.cancel = &x->never;
	return 0;
}

static int step_undefine_source(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_migrate_ctx *mc = &mctx_of(ap)->mc;

	(void)st;
	if (virDomainUndefineFlags(mc->dom, VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
						    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
						    VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA) < 0 &&
	    virDomainUndefineFlags(mc->dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
						    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0 &&
	    virDomainUndefine(mc->dom) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot undefine VM '%s' on the source host",
					mc->name);
	return 0;
}

static int step_delete_source_volume(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_migrate_ctx *mc = &mctx_of(ap)->mc;
	const struct vp_migrate_disk *d = st->data;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	_cleanup_(freep) char *user = NULL;

	if (vp_volume_find_by_path(mc->src, d->src_path, &vol, err) < 0)
		return -1;
	if (!vol)
		return 0; /* gone already */
	if ((user = vp_volume_used_by(mc->src, d->src_path, mc->name)))
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "kept volume '%s' on the source host: VM '%s' there uses it",
				    d->src_path, user);
	if ((user = vp_volume_backs(mc->src, d->src_path)))
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "kept volume '%s' on the source host: volume '%s' is a linked clone of it",
				    d->src_path, user);
	return vp_volume_delete(vol, err);
}

/* Steps after the commit point: the source's part.  They run on the
 * source's connection, outside the journal (the VM has moved; nothing of
 * the destination's may be undone), and their failures are warnings. */
static bool after_commit(const struct vp_step *st)
{
	return st->run == step_undefine_source || st->run == step_delete_source_volume;
}

static void add_source_steps(struct vp_plan *plan, struct mctx *x, bool undefine)
{
	struct vp_migrate_ctx *mc = &x->mc;
	struct vp_step *st;
	size_t i;

	if (undefine) {
		st = vp_plan_add(plan, "undefine-source", step_undefine_source,
				 "undefine VM '%s' on the source host", mc->name);
		vp_step_detail_str(st, "name", mc->name);
	}
	for (i = 0; i < mc->n_disks; i++) {
		const struct vp_migrate_disk *d = &mc->disks[i];

		if (!d->copy)
			continue;
		if (!d->owned) {
			vp_plan_note(plan, "volume '%s' stays on the source host (vprov did not create it for VM '%s')",
				     d->src_path, mc->name);
			continue;
		}
		st = vp_plan_add(plan, "delete-source-volume", step_delete_source_volume,
				 "delete volume '%s' on the source host", d->src_path);
		st->data = (void *)d;
		vp_step_detail_str(st, "path", d->src_path);
		vp_step_detail_str(st, "pool", d->src_pool);
	}
}

static void flag_names(struct vp_step *st, unsigned long f)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {
		{ VIR_MIGRATE_LIVE, "live" },
		{ VIR_MIGRATE_PEER2PEER, "peer2peer" },
		{ VIR_MIGRATE_PERSIST_DEST, "persist-dest" },
		{ VIR_MIGRATE_UNDEFINE_SOURCE, "undefine-source" },
		{ VIR_MIGRATE_NON_SHARED_DISK, "non-shared-disk" },
		{ VIR_MIGRATE_NON_SHARED_INC, "non-shared-inc" },
		{ VIR_MIGRATE_UNSAFE, "unsafe" },
	};
	json_object *a = json_object_new_array();
	size_t i;

	if (!st->detail)
		st->detail = json_object_new_object();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].flag)
			json_object_array_add(a, json_object_new_string(names[i].name));
	json_object_object_add(st->detail, "flags", a);
}

static int plan_live(struct vp_plan *plan, struct mctx *x, struct vp_error *err)
{
	struct vp_migrate_ctx *mc = &x->mc;
	bool backing = false;
	char bw[48] = "";
	struct vp_step *st;
	size_t i, n_copy = 0;

	if (mc->req.copy_storage && vp_migrate_add_storage_steps(plan, mc, false, err) < 0)
		return -1;
	for (i = 0; mc->req.copy_storage && i < mc->n_disks; i++) {
		if (!mc->disks[i].copy || mc->disks[i].readonly)
			continue;
		n_copy++;
		backing = backing || mc->disks[i].backing_path;
	}
	x->p2p = dialable(mc->req.dest_uri);
	x->flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST;
	if (x->p2p)
		x->flags |= VIR_MIGRATE_PEER2PEER;
	if (!mc->req.keep_source)
		x->flags |= VIR_MIGRATE_UNDEFINE_SOURCE;
	/* a linked clone's backing image is on the destination already (the
	 * storage steps): only the top image moves, never flattened */
	if (n_copy)
		x->flags |= backing ? VIR_MIGRATE_NON_SHARED_INC : VIR_MIGRATE_NON_SHARED_DISK;
	if (mc->req.unsafe)
		x->flags |= VIR_MIGRATE_UNSAFE;
	if (vp_migrate_rewrite_xml(x->live_xml, mc->disks, mc->n_disks, &x->dest_xml, err) < 0 ||
	    vp_migrate_rewrite_xml(mc->xml, mc->disks, mc->n_disks, &x->persist_xml, err) < 0)
		return -1;
	if (mc->req.bandwidth_mib)
		snprintf(bw, sizeof(bw), ", at most %llu MiB/s",
			 (unsigned long long)mc->req.bandwidth_mib);
	st = vp_plan_add(plan, "migrate", step_migrate,
			 "migrate VM '%s' live to '%s' (%s%s%s)", mc->name, mc->req.dest_uri,
			 x->p2p ? "peer to peer" : "through this client",
			 n_copy ? ", copying its disks" : ", its disks shared", bw);
	vp_step_detail_str(st, "uri", mc->req.dest_uri);
	vp_step_detail_str(st, "form", x->p2p ? "peer2peer" : "client");
	vp_step_detail_u64(st, "bandwidth_mib", mc->req.bandwidth_mib);
	flag_names(st, x->flags);
	if (n_copy && !mc->req.keep_source)
		add_source_steps(plan, x, false);
	return 0;
}

static int plan_offline(struct vp_plan *plan, struct mctx *x, struct vp_error *err)
{
	struct vp_migrate_ctx *mc = &x->mc;
	struct vp_step *st;

	if (vp_migrate_add_storage_steps(plan, mc, true, err) < 0 ||
	    vp_migrate_rewrite_xml(mc->xml, mc->disks, mc->n_disks, &x->dest_xml, err) < 0)
		return -1;
	st = vp_plan_add(plan, "define", step_define, "define VM '%s' on '%s'", mc->name,
			 mc->req.dest_uri);
	vp_step_detail_str(st, "uri", mc->req.dest_uri);
	vp_step_detail_str(st, "uuid", x->uuid);
	if (!mc->req.keep_source)
		add_source_steps(plan, x, true);
	return 0;
}

int vp_migrate_plan(virConnectPtr src, virDomainPtr dom, virConnectPtr dst,
		    const struct vp_migrate_req *req, const struct vp_reporter *r,
		    struct vp_plan **out, struct vp_error *err)
{
	struct mctx *x = vp_calloc(1, sizeof(*x));
	struct vp_migrate_ctx *mc = &x->mc;
	struct vp_plan *plan = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN];
	const char *name = virDomainGetName(dom);
	unsigned inactive = VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE;

	*out = NULL;
	mc->src = src;
	mc->dst = dst;
	mc->dom = dom;
	mc->req = *req;
	mc->reporter = r;
	mc->name = vp_strdup(name ? name : "?");
	if (!req->dest_uri || !*req->dest_uri) {
		vp_error_set(err, VP_ERR_INVALID, "cannot migrate VM '%s': no destination URI", mc->name);
		goto fail;
	}
	if (virDomainGetUUIDString(dom, uuid) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the UUID of VM '%s'", mc->name);
		goto fail;
	}
	x->uuid = vp_strdup(uuid);
	x->dst_uri = virConnectGetURI(dst);
	if (check_state(x, req, err) < 0 || same_host(x, req, err) < 0 || name_clash(x, req, err) < 0)
		goto fail;
	if (virDomainIsPersistent(dom) == 1)
		inactive |= VIR_DOMAIN_XML_INACTIVE;
	else if (!mc->live) {
		vp_error_set(err, VP_ERR_INVALID, "cannot migrate VM '%s': it is transient and not running",
			     mc->name);
		goto fail;
	}
	mc->xml = virDomainGetXMLDesc(dom, inactive);
	if (!mc->xml || (mc->live && !(x->live_xml = virDomainGetXMLDesc(
					      dom, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE)))) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the definition of VM '%s'", mc->name);
		goto fail;
	}
	if (list_disks(x, mc->live ? x->live_xml : mc->xml, mc->xml, err) < 0 ||
	    vp_migrate_disks_resolve(mc, err) < 0)
		goto fail;
	plan = vp_plan_new("migrate", mc->name);
	plan->ctx = x;
	plan->free_ctx = vp_migrate_ctx_free;
	x = NULL;
	if ((mc->live ? plan_live : plan_offline)(plan, plan->ctx, err) < 0) {
		vp_plan_free(plan);
		return -1;
	}
	*out = plan;
	return 0;
fail:
	vp_migrate_ctx_free(x);
	return -1;
}

/* ---- the whole operation ------------------------------------------------------ */

int vp_migrate(virConnectPtr src, virDomainPtr dom, virConnectPtr dst,
	       const struct vp_migrate_req *req, const struct vp_migrate_opts *opts,
	       struct vp_plan **plan_out, struct vp_undo_report *undo, struct vp_error *err)
{
	struct vp_lock lock = { .fd = -1 };
	struct vp_plan *plan = NULL, head;
	struct vp_apply_opts ao = {
		.state_dir = opts->state_dir,
		.fail_at = opts->fail_at,
		.hook = opts->hook,
		.hook_opaque = opts->hook_opaque,
	};
	struct mctx *x;
	size_t i, n_head;
	int r = -1;

	if (undo)
		memset(undo, 0, sizeof(*undo));
	if (plan_out)
		*plan_out = NULL;
	if (!opts->dry_run && vp_journal_lock(src, opts->state_dir, "vm", virDomainGetName(dom),
					      opts->reporter, &lock, err) < 0)
		return -1;
	if (vp_migrate_plan(src, dom, dst, req, opts->reporter, &plan, err) < 0)
		goto out;
	if (opts->dry_run) {
		vp_plan_report_warnings(plan, opts->reporter);
		r = 0;
		goto out;
	}
	x = plan->ctx;
	/* the apply's reporter is the user's, except that after the commit
	 * point its cancel flag is one nothing sets (see step_migrate) */
	if (opts->reporter)
		x->gate = *opts->reporter;
	if (!x->gate.cancel)
		x->gate.cancel = &x->never;
	ao.reporter = &x->gate;
	for (n_head = 0; n_head < plan->n_steps && !after_commit(&plan->steps[n_head]); n_head++)
		;
	head = *plan;
	head.n_steps = n_head;
	head.free_ctx = NULL;
	if (vp_plan_apply(dst, &head, &ao, undo, err) < 0)
		goto out;
	plan->warned = head.warned;
	for (i = n_head; i < plan->n_steps; i++) {
		struct vp_apply ap = { .conn = src, .plan = plan, .opts = &ao, .step = &plan->steps[i] };
		struct vp_error e2 = { 0 };

		if (plan->steps[i].run(&ap, &plan->steps[i], &e2) < 0)
			vp_report_warn(opts->reporter, "VM '%s' has moved, but: %s", x->mc.name, e2.msg);
	}
	r = 0;
out:
	vp_journal_unlock(&lock);
	if (plan_out)
		*plan_out = plan;
	else
		vp_plan_free(plan);
	return r;
}
