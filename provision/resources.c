/* provision/resources.c — the host's memory, CPUs and pool space against
 * a new VM (the rules: resources.h) */
#include "resources.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cleanup.h"
#include "units.h"

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* free + buffers + cached, in bytes; false when the driver has no such figures */
static bool mem_stats(virConnectPtr conn, uint64_t *avail)
{
	virNodeMemoryStatsPtr p = NULL;
	int n = 0, i;
	uint64_t kib = 0;
	bool have_free = false;

	if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) < 0 || n <= 0)
		goto none;
	p = vp_calloc((size_t)n, sizeof(*p));
	if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, p, &n, 0) < 0)
		goto none;
	for (i = 0; i < n; i++) {
		if (streq(p[i].field, VIR_NODE_MEMORY_STATS_FREE))
			have_free = true;
		if (streq(p[i].field, VIR_NODE_MEMORY_STATS_FREE) ||
		    streq(p[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) ||
		    streq(p[i].field, VIR_NODE_MEMORY_STATS_CACHED))
			kib += p[i].value;
	}
	free(p);
	*avail = kib * 1024;
	return have_free;
none:
	free(p);
	virResetLastError();
	return false;
}

static struct vp_res_pool *pool_entry(struct vp_res_check *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_pools; i++)
		if (streq(r->pools[i].name, name))
			return &r->pools[i];
	r->pools = vp_grow(r->pools, r->n_pools + 1, sizeof(*r->pools));
	memset(&r->pools[r->n_pools], 0, sizeof(*r->pools));
	r->pools[r->n_pools].name = vp_strdup(name);
	return &r->pools[r->n_pools++];
}

int vp_resources_read(virConnectPtr conn, const struct vp_domain_spec *s, struct vp_res_check *r,
		      struct vp_error *err)
{
	virNodeInfo ni;
	size_t i;

	(void)err;
	memset(r, 0, sizeof(*r));
	r->host = virConnectGetHostname(conn);
	if (!r->host)
		r->host = vp_strdup("?");
	r->mem_asked = s->memory;
	r->vcpus = s->vcpus;
	if (virNodeGetInfo(conn, &ni) == 0) {
		r->host_cpus = ni.cpus;
		if (mem_stats(conn, &r->mem_available)) {
			r->mem_source = "free+buffers+cached";
		} else {
			/* a driver without memory figures (test:///default): its size */
			r->mem_available = (uint64_t)ni.memory * 1024;
			r->mem_source = "total";
		}
		r->mem_known = true;
	}
	virResetLastError();
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];
		struct vp_res_pool *p;

		if (!d->src.create || !d->src.pool)
			continue;
		p = pool_entry(r, d->src.pool);
		p->n_disks++;
		p->asked += d->src.capacity;
		if (d->sparse == VP_NO) {
			p->needed += d->src.capacity;
		} else {
			p->n_sparse++;
			if (!streq(d->src.format, "raw"))
				p->needed += VP_QCOW2_NEW_BYTES;
		}
	}
	for (i = 0; i < r->n_pools; i++) {
		struct vp_res_pool *p = &r->pools[i];
		virStoragePoolPtr pool = virStoragePoolLookupByName(conn, p->name);
		virStoragePoolInfo info;

		/* libvirt's figures as they are: they follow the volumes made
		 * and deleted through it; a refresh is not worth its risk (one
		 * that fails, a file vanishing under it, stops the pool) */
		if (pool && virStoragePoolIsActive(pool) == 1) {
			if (virStoragePoolGetInfo(pool, &info) == 0) {
				p->known = true;
				p->available = info.available;
			}
		}
		if (pool)
			virStoragePoolFree(pool);
		virResetLastError();
	}
	return 0;
}

static void add(char ***list, size_t *n, char *s)
{
	vp_strings_add(list, n, s);
}

void vp_resources_judge(struct vp_res_check *r)
{
	char a[32], b[32];
	size_t i;

	vp_strings_free(r->refusals, r->n_refusals);
	vp_strings_free(r->warnings, r->n_warnings);
	r->refusals = r->warnings = NULL;
	r->n_refusals = r->n_warnings = 0;
	if (r->mem_known && r->mem_asked > r->mem_available) {
		vp_format_size(r->mem_asked, a, sizeof(a));
		vp_format_size(r->mem_available, b, sizeof(b));
		add(&r->refusals, &r->n_refusals,
		    vp_strdup_printf("not enough memory on host '%s': %s asked, %s available", r->host, a, b));
	}
	if (r->host_cpus && r->vcpus > (uint64_t)r->host_cpus * VP_VCPU_REFUSE_RATIO)
		add(&r->refusals, &r->n_refusals,
		    vp_strdup_printf("too many vCPUs for host '%s': %u asked, %u host CPU%s (at most %u per host CPU)",
				     r->host, r->vcpus, r->host_cpus, r->host_cpus == 1 ? "" : "s",
				     VP_VCPU_REFUSE_RATIO));
	else if (r->host_cpus && r->vcpus > r->host_cpus)
		add(&r->warnings, &r->n_warnings,
		    vp_strdup_printf("%u vCPUs asked, more than the %u CPU%s of host '%s': the VM runs, but its vCPUs wait for each other",
				     r->vcpus, r->host_cpus, r->host_cpus == 1 ? "" : "s", r->host));
	r->n_host_refusals = r->n_refusals;
	for (i = 0; i < r->n_pools; i++) {
		const struct vp_res_pool *p = &r->pools[i];

		if (!p->known)
			continue;
		if (p->needed > p->available) {
			vp_format_size(p->n_sparse ? p->needed : p->asked, a, sizeof(a));
			vp_format_size(p->available, b, sizeof(b));
			add(&r->refusals, &r->n_refusals,
			    p->n_sparse ? vp_strdup_printf("not enough space in storage pool '%s' on host '%s': %s needed now for the new disks, %s available",
							   p->name, r->host, a, b)
					: vp_strdup_printf("not enough space in storage pool '%s' on host '%s': %s asked for new disks (not sparse), %s available",
							   p->name, r->host, a, b));
		} else if (p->asked > p->available) {
			vp_format_size(p->asked, a, sizeof(a));
			vp_format_size(p->available, b, sizeof(b));
			add(&r->warnings, &r->n_warnings,
			    vp_strdup_printf("the new disks in storage pool '%s' on host '%s' can grow to %s, more than its %s available (overcommitted: guests that fill them will stop on a full pool)",
					     p->name, r->host, a, b));
		}
	}
}

int vp_resources_check(virConnectPtr conn, const struct vp_domain_spec *s, bool force,
		       struct vp_plan *plan, struct vp_res_check **out, struct vp_error *err)
{
	return vp_resources_check_disks(conn, s, force, false, plan, out, err);
}

int vp_resources_check_disks(virConnectPtr conn, const struct vp_domain_spec *s, bool force,
			     bool disks_off, struct vp_plan *plan, struct vp_res_check **out,
			     struct vp_error *err)
{
	struct vp_res_check *r = vp_calloc(1, sizeof(*r));
	size_t i;
	int rc = 0;

	if (out)
		*out = NULL;
	if (vp_resources_read(conn, s, r, err) < 0) {
		vp_resources_free(r);
		return -1;
	}
	vp_resources_judge(r);
	for (i = 0; i < r->n_warnings; i++)
		vp_plan_warn(plan, "%s", r->warnings[i]);
	/* --check disk_size=off: the pools' refusals are warnings */
	while (disks_off && !force && r->n_refusals > r->n_host_refusals) {
		char *last = r->refusals[--r->n_refusals];

		vp_plan_warn(plan, "%s; going on (check disk_size is off)", last);
		vp_strings_add(&r->warnings, &r->n_warnings, last);
	}
	if (r->n_refusals && force) {
		for (i = 0; i < r->n_refusals; i++)
			vp_plan_warn(plan, "%s; going on (--force)", r->refusals[i]);
	} else if (r->n_refusals) {
		_cleanup_(freep) char *all = vp_strdup(r->refusals[0]);

		for (i = 1; i < r->n_refusals; i++) {
			char *t = vp_strdup_printf("%s; %s", all, r->refusals[i]);

			free(all);
			all = t;
		}
		rc = vp_error_set(err, VP_ERR_INVALID, "%s (add --force to create it anyway)", all);
	}
	if (out && rc == 0)
		*out = r;
	else
		vp_resources_free(r);
	return rc;
}

static json_object *u64(uint64_t v)
{
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

json_object *vp_resources_json(const struct vp_res_check *r)
{
	json_object *o, *m, *c, *pools, *ref, *warn;
	size_t i;

	if (!r)
		return NULL;
	o = json_object_new_object();
	m = json_object_new_object();
	c = json_object_new_object();
	pools = json_object_new_array();
	ref = json_object_new_array();
	warn = json_object_new_array();
	json_object_object_add(o, "host", json_object_new_string(r->host));
	json_object_object_add(m, "asked_bytes", u64(r->mem_asked));
	json_object_object_add(m, "available_bytes", r->mem_known ? u64(r->mem_available) : NULL);
	json_object_object_add(m, "source", r->mem_source ? json_object_new_string(r->mem_source) : NULL);
	json_object_object_add(o, "memory", m);
	json_object_object_add(c, "asked", json_object_new_int64(r->vcpus));
	json_object_object_add(c, "host_cpus", r->host_cpus ? json_object_new_int64(r->host_cpus) : NULL);
	json_object_object_add(o, "vcpus", c);
	for (i = 0; i < r->n_pools; i++) {
		const struct vp_res_pool *p = &r->pools[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "name", json_object_new_string(p->name));
		json_object_object_add(j, "available_bytes", p->known ? u64(p->available) : NULL);
		json_object_object_add(j, "new_capacity_bytes", u64(p->asked));
		json_object_object_add(j, "needed_now_bytes", u64(p->needed));
		json_object_object_add(j, "disks", json_object_new_int64((int64_t)p->n_disks));
		json_object_object_add(j, "sparse_disks", json_object_new_int64((int64_t)p->n_sparse));
		json_object_array_add(pools, j);
	}
	json_object_object_add(o, "pools", pools);
	for (i = 0; i < r->n_refusals; i++)
		json_object_array_add(ref, json_object_new_string(r->refusals[i]));
	for (i = 0; i < r->n_warnings; i++)
		json_object_array_add(warn, json_object_new_string(r->warnings[i]));
	json_object_object_add(o, "refusals", ref);
	json_object_object_add(o, "warnings", warn);
	return o;
}

char *vp_resources_summary(const struct vp_res_check *r)
{
	char a[32], b[32];
	char *t;
	size_t i;

	vp_format_size(r->mem_asked, a, sizeof(a));
	if (r->mem_known) {
		vp_format_size(r->mem_available, b, sizeof(b));
		t = vp_strdup_printf("host '%s': memory %s asked, %s available; ", r->host, a, b);
	} else {
		t = vp_strdup_printf("host '%s': memory %s asked, available unknown; ", r->host, a);
	}
	{
		char *n = r->host_cpus ? vp_strdup_printf("%s%u vCPU%s, %u host CPU%s", t, r->vcpus,
							  r->vcpus == 1 ? "" : "s", r->host_cpus,
							  r->host_cpus == 1 ? "" : "s")
				       : vp_strdup_printf("%s%u vCPU%s, host CPUs unknown", t, r->vcpus,
							  r->vcpus == 1 ? "" : "s");
		free(t);
		t = n;
	}
	for (i = 0; i < r->n_pools; i++) {
		const struct vp_res_pool *p = &r->pools[i];
		char *n;

		vp_format_size(p->asked, a, sizeof(a));
		if (p->known)
			vp_format_size(p->available, b, sizeof(b));
		n = vp_strdup_printf("%s; pool '%s': %s of new disks%s, %s%s", t, p->name, a,
				     p->n_sparse == p->n_disks ? " (sparse)" : p->n_sparse ? " (some sparse)" : "",
				     p->known ? b : "space unknown", p->known ? " available" : " (not running yet)");
		free(t);
		t = n;
	}
	return t;
}

void vp_resources_clear(struct vp_res_check *r)
{
	size_t i;

	if (!r)
		return;
	free(r->host);
	for (i = 0; i < r->n_pools; i++)
		free(r->pools[i].name);
	free(r->pools);
	vp_strings_free(r->refusals, r->n_refusals);
	vp_strings_free(r->warnings, r->n_warnings);
	memset(r, 0, sizeof(*r));
}

void vp_resources_free(struct vp_res_check *r)
{
	vp_resources_clear(r);
	free(r);
}
