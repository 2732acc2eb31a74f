/* provision/stats.c — VM and host statistics from one bulk call (see stats.h) */
#include "stats.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "fs.h"
#include "hash.h"

VP_DEFINE_CLEANUP(json_object *, json_object_put)

/* what vprov shows; the stats groups virsh domstats adds (perf, iothread,
 * dirty rate, memory bandwidth...) cost monitor round trips it does not need */
#define STATS_GROUPS                                                                       \
	(VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |  \
	 VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

static void vm_init(struct vp_stats_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->id = -1;
	vm->cpu_time_ns = VP_STATS_NONE;
	vm->mem_current_kib = vm->mem_maximum_kib = vm->mem_available_kib = VP_STATS_NONE;
	vm->mem_unused_kib = vm->mem_usable_kib = vm->mem_rss_kib = VP_STATS_NONE;
	vm->rd_bytes = vm->wr_bytes = vm->rx_bytes = vm->tx_bytes = VP_STATS_NONE;
	vm->cpu_percent = vm->rd_bps = vm->wr_bps = vm->rx_bps = vm->tx_bps = NAN;
}

static bool param_u64(const virTypedParameter *p, uint64_t *v)
{
	switch (p->type) {
	case VIR_TYPED_PARAM_INT:
		if (p->value.i < 0)
			return false;
		*v = (uint64_t)p->value.i;
		return true;
	case VIR_TYPED_PARAM_UINT:
		*v = p->value.ui;
		return true;
	case VIR_TYPED_PARAM_LLONG:
		if (p->value.l < 0)
			return false;
		*v = (uint64_t)p->value.l;
		return true;
	case VIR_TYPED_PARAM_ULLONG:
		*v = p->value.ul;
		return true;
	default:
		return false;
	}
}

/* add v to a sum that starts unknown */
static void add(uint64_t *sum, uint64_t v)
{
	*sum = *sum == VP_STATS_NONE ? v : *sum + v;
}

/* "block.3.rd.bytes" is prefix "block.", a number, then suffix ".rd.bytes" */
static bool indexed(const char *field, const char *prefix, const char *suffix)
{
	size_t n = strlen(prefix);
	const char *p = field + n;

	if (strncmp(field, prefix, n) != 0 || !isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return strcmp(p, suffix) == 0;
}

void vp_stats_parse_params(const virTypedParameter *params, int n, struct vp_stats_vm *vm)
{
	static const struct {
		const char *field;
		size_t off;
	} plain[] = {
		{ "cpu.time", offsetof(struct vp_stats_vm, cpu_time_ns) },
		{ "balloon.current", offsetof(struct vp_stats_vm, mem_current_kib) },
		{ "balloon.maximum", offsetof(struct vp_stats_vm, mem_maximum_kib) },
		{ "balloon.available", offsetof(struct vp_stats_vm, mem_available_kib) },
		{ "balloon.unused", offsetof(struct vp_stats_vm, mem_unused_kib) },
		{ "balloon.usable", offsetof(struct vp_stats_vm, mem_usable_kib) },
		{ "balloon.rss", offsetof(struct vp_stats_vm, mem_rss_kib) },
	};
	int i;

	for (i = 0; i < n; i++) {
		const virTypedParameter *p = &params[i];
		uint64_t v;
		size_t k;

		if (!param_u64(p, &v))
			continue;
		if (!strcmp(p->field, "state.state")) {
			vm->state = (int)v;
			continue;
		}
		if (!strcmp(p->field, "vcpu.current")) {
			vm->vcpus = (unsigned)v;
			continue;
		}
		if (!strcmp(p->field, "block.count")) {
			vm->n_disks = (unsigned)v;
			vm->disks_known = true;
			continue;
		}
		if (!strcmp(p->field, "net.count")) {
			vm->n_nics = (unsigned)v;
			vm->nics_known = true;
			continue;
		}
		for (k = 0; k < sizeof(plain) / sizeof(plain[0]); k++)
			if (!strcmp(p->field, plain[k].field)) {
				*(uint64_t *)((char *)vm + plain[k].off) = v;
				break;
			}
		if (k < sizeof(plain) / sizeof(plain[0]))
			continue;
		if (indexed(p->field, "block.", ".rd.bytes"))
			add(&vm->rd_bytes, v);
		else if (indexed(p->field, "block.", ".wr.bytes"))
			add(&vm->wr_bytes, v);
		else if (indexed(p->field, "net.", ".rx.bytes"))
			add(&vm->rx_bytes, v);
		else if (indexed(p->field, "net.", ".tx.bytes"))
			add(&vm->tx_bytes, v);
	}
	/* a running VM that libvirt says has no disks or interfaces moved no bytes */
	if (vm->disks_known && vm->n_disks == 0 && vm->state == VIR_DOMAIN_RUNNING)
		vm->rd_bytes = vm->wr_bytes = 0;
	if (vm->nics_known && vm->n_nics == 0 && vm->state == VIR_DOMAIN_RUNNING)
		vm->rx_bytes = vm->tx_bytes = 0;
}

uint64_t vp_stats_mem_used(const struct vp_stats_vm *vm, bool *from_guest)
{
	if (from_guest)
		*from_guest = false;
	if (vm->mem_available_kib != VP_STATS_NONE && vm->mem_unused_kib != VP_STATS_NONE &&
	    vm->mem_available_kib >= vm->mem_unused_kib) {
		if (from_guest)
			*from_guest = true;
		return vm->mem_available_kib - vm->mem_unused_kib;
	}
	if (vm->mem_rss_kib != VP_STATS_NONE)
		return vm->mem_rss_kib;
	return vm->mem_current_kib;
}

static void vm_clear(struct vp_stats_vm *vm)
{
	free(vm->name);
	vm->name = NULL;
}

void vp_stats_sample_clear(struct vp_stats_sample *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_vms; i++)
		vm_clear(&s->vms[i]);
	free(s->vms);
	memset(s, 0, sizeof(*s));
}

static void sample_init(struct vp_stats_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->host_memory_kib = s->host_free_kib = VP_STATS_NONE;
}

/* the records' domains into s->vms */
static void take_records(struct vp_stats_sample *s, virDomainStatsRecordPtr *recs)
{
	size_t n = 0, i;

	while (recs && recs[n])
		n++;
	s->vms = vp_calloc(n ? n : 1, sizeof(*s->vms));
	for (i = 0; i < n; i++) {
		struct vp_stats_vm *vm = &s->vms[i];
		unsigned id;

		vm_init(vm);
		/* name, UUID and id travel with the domain object: no calls */
		vm->name = vp_strdup(virDomainGetName(recs[i]->dom));
		if (virDomainGetUUIDString(recs[i]->dom, vm->uuid) < 0)
			vm->uuid[0] = '\0';
		id = virDomainGetID(recs[i]->dom);
		vm->id = id == (unsigned)-1 ? -1 : (int)id;
		vp_stats_parse_params(recs[i]->params, recs[i]->nparams, vm);
	}
	s->n_vms = n;
}

VP_DEFINE_CLEANUP(virDomainStatsRecordPtr *, virDomainStatsRecordListFree)

static void free_domains(virDomainPtr *doms)
{
	size_t i;

	for (i = 0; doms && doms[i]; i++)
		virDomainFree(doms[i]);
	free(doms);
}

/* the domains named (listed with one call), in the order named */
static int named_domains(virConnectPtr conn, const char *const *names, size_t n_names,
			 virDomainPtr **out, unsigned *calls, struct vp_error *err)
{
	virDomainPtr *all = NULL, *pick;
	size_t i, n_pick = 0;
	int n, k;

	(*calls)++;
	n = virConnectListAllDomains(conn, &all, 0);
	if (n < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the VMs");
	pick = vp_calloc(n_names + 1, sizeof(*pick));
	for (i = 0; i < n_names; i++) {
		bool dup = false;
		size_t j;

		for (j = 0; j < i; j++)
			dup = dup || !strcmp(names[j], names[i]);
		if (dup)
			continue;
		for (k = 0; k < n; k++)
			if (all[k] && !strcmp(virDomainGetName(all[k]), names[i]))
				break;
		if (k == n) {
			vp_error_set(err, VP_ERR_NOT_FOUND, "no VM named '%s'", names[i]);
			free_domains(pick);
			for (k = 0; k < n; k++)
				if (all[k])
					virDomainFree(all[k]);
			free(all);
			return -1;
		}
		pick[n_pick++] = all[k];
		all[k] = NULL;
	}
	for (k = 0; k < n; k++)
		if (all[k])
			virDomainFree(all[k]);
	free(all);
	*out = pick;
	return 0;
}

int vp_stats_sample(virConnectPtr conn, const char *const *names, size_t n_names, bool all_vms,
		    struct vp_stats_sample *out, struct vp_error *err)
{
	_cleanup_(virDomainStatsRecordListFreep) virDomainStatsRecordPtr *recs = NULL;
	/* a VM busy with a job (a migration, a snapshot) is not waited for:
	 * it gives what libvirt has without the job lock */
	unsigned flags = VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
	virNodeInfo info;
	unsigned long long free_bytes;
	int rc;

	sample_init(out);
	if (n_names > 0) {
		virDomainPtr *doms = NULL;

		if (named_domains(conn, names, n_names, &doms, &out->calls, err) < 0)
			return -1;
		out->calls++;
		out->domain_stats_calls++;
		rc = virDomainListGetStats(doms, STATS_GROUPS, &recs, flags);
		if (rc < 0)
			vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the statistics of the VMs");
		free_domains(doms);
	} else {
		if (!all_vms)
			flags |= VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE;
		out->calls++;
		out->domain_stats_calls++;
		rc = virConnectGetAllDomainStats(conn, STATS_GROUPS, &recs, flags);
		if (rc < 0)
			vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the statistics of the VMs");
	}
	if (rc < 0)
		return -1;
	out->time_ms = vp_wall_ms();
	take_records(out, recs);

	/* the host: two calls, whatever the number of VMs; a driver that
	 * cannot tell leaves them unknown */
	out->calls++;
	if (virNodeGetInfo(conn, &info) == 0) {
		out->host_cpus = info.cpus;
		out->host_memory_kib = info.memory;
	} else {
		virResetLastError();
	}
	out->calls++;
	free_bytes = virNodeGetFreeMemory(conn);
	if (free_bytes > 0)
		out->host_free_kib = free_bytes / 1024;
	else
		virResetLastError();
	return 0;
}

/* per second, from two counters dt seconds apart; NAN when either is
 * unknown or the counter went back (a disk unplugged, a restart) */
static double rate(uint64_t now, uint64_t before, double dt)
{
	if (now == VP_STATS_NONE || before == VP_STATS_NONE || now < before || dt <= 0)
		return NAN;
	return (double)(now - before) / dt;
}

void vp_stats_rates(struct vp_stats_sample *cur, const struct vp_stats_sample *prev)
{
	double dt;
	size_t i, j;

	cur->interval_s = 0;
	if (!prev || prev->time_ms >= cur->time_ms)
		return;
	dt = (double)(cur->time_ms - prev->time_ms) / 1000.0;
	cur->interval_s = dt;
	for (i = 0; i < cur->n_vms; i++) {
		struct vp_stats_vm *vm = &cur->vms[i];
		const struct vp_stats_vm *p = NULL;

		for (j = 0; j < prev->n_vms; j++)
			if (vm->uuid[0] && !strcmp(prev->vms[j].uuid, vm->uuid)) {
				p = &prev->vms[j];
				break;
			}
		/* the same run of the same VM: a restart gives a new id and
		 * counters from zero */
		if (!p || vm->id < 0 || p->id != vm->id)
			continue;
		vm->cpu_percent = rate(vm->cpu_time_ns, p->cpu_time_ns, dt);
		if (!isnan(vm->cpu_percent))
			vm->cpu_percent = vm->cpu_percent / 1e9 * 100.0;
		vm->rd_bps = rate(vm->rd_bytes, p->rd_bytes, dt);
		vm->wr_bps = rate(vm->wr_bytes, p->wr_bytes, dt);
		vm->rx_bps = rate(vm->rx_bytes, p->rx_bytes, dt);
		vm->tx_bps = rate(vm->tx_bytes, p->tx_bytes, dt);
	}
}

static double sum2(double a, double b)
{
	if (isnan(a))
		return b;
	if (isnan(b))
		return a;
	return a + b;
}

static int cmp_vm(const void *pa, const void *pb, void *by)
{
	const struct vp_stats_vm *a = pa, *b = pb;
	double ka = NAN, kb = NAN;

	switch (*(const enum vp_stats_sort *)by) {
	case VP_STATS_SORT_CPU:
		ka = a->cpu_percent;
		kb = b->cpu_percent;
		break;
	case VP_STATS_SORT_MEM: {
		uint64_t ua = vp_stats_mem_used(a, NULL), ub = vp_stats_mem_used(b, NULL);

		ka = ua == VP_STATS_NONE ? NAN : (double)ua;
		kb = ub == VP_STATS_NONE ? NAN : (double)ub;
		break;
	}
	case VP_STATS_SORT_DISK:
		ka = sum2(a->rd_bps, a->wr_bps);
		kb = sum2(b->rd_bps, b->wr_bps);
		break;
	case VP_STATS_SORT_NET:
		ka = sum2(a->rx_bps, a->tx_bps);
		kb = sum2(b->rx_bps, b->tx_bps);
		break;
	case VP_STATS_SORT_NAME:
		break;
	}
	if (!isnan(ka) || !isnan(kb)) {
		if (isnan(ka))
			return 1;
		if (isnan(kb))
			return -1;
		if (ka != kb)
			return ka > kb ? -1 : 1;
	}
	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

void vp_stats_sort(struct vp_stats_sample *s, enum vp_stats_sort by)
{
	if (s->n_vms > 1)
		qsort_r(s->vms, s->n_vms, sizeof(*s->vms), cmp_vm, &by);
}

int vp_stats_sort_parse(const char *s)
{
	static const char *const names[] = { "cpu", "mem", "disk", "net", "name" };
	size_t i;

	for (i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

/* ---- the state file ---- */

char *vp_stats_state_path(const char *state_dir, const char *uri)
{
	_cleanup_(freep) char *hash = vp_sha256_hex(uri ? uri : "", 12);
	char safe[48];
	size_t i, n = 0;

	/* readable enough to find by eye, the hash tells URIs apart */
	for (i = 0; uri && uri[i] && n + 1 < sizeof(safe); i++) {
		unsigned char c = (unsigned char)uri[i];

		if (isalnum(c) || c == '.' || c == '-')
			safe[n++] = (char)c;
		else if (n > 0 && safe[n - 1] != '_')
			safe[n++] = '_';
	}
	safe[n] = '\0';
	return vp_strdup_printf("%s/stats/%s-%s.json", state_dir, safe, hash ? hash : "0");
}

static json_object *u64_json(uint64_t v)
{
	return v == VP_STATS_NONE ? NULL : json_object_new_int64((int64_t)v);
}

static uint64_t json_u64(json_object *o, const char *key)
{
	json_object *v;
	int64_t x;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return VP_STATS_NONE;
	x = json_object_get_int64(v);
	return x < 0 ? VP_STATS_NONE : (uint64_t)x;
}

int vp_stats_state_save(const char *path, const struct vp_stats_sample *s, struct vp_error *err)
{
	_cleanup_(json_object_putp) json_object *o = json_object_new_object();
	json_object *arr = json_object_new_array();
	_cleanup_(freep) char *dir = vp_strdup(path);
	const char *text;
	char *slash;
	size_t i;

	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "time_ms", json_object_new_int64(s->time_ms));
	for (i = 0; i < s->n_vms; i++) {
		const struct vp_stats_vm *vm = &s->vms[i];
		json_object *v;

		if (!vm->uuid[0] || vm->id < 0)
			continue;
		v = json_object_new_object();
		json_object_object_add(v, "uuid", json_object_new_string(vm->uuid));
		json_object_object_add(v, "id", json_object_new_int(vm->id));
		json_object_object_add(v, "cpu_time_ns", u64_json(vm->cpu_time_ns));
		json_object_object_add(v, "rd_bytes", u64_json(vm->rd_bytes));
		json_object_object_add(v, "wr_bytes", u64_json(vm->wr_bytes));
		json_object_object_add(v, "rx_bytes", u64_json(vm->rx_bytes));
		json_object_object_add(v, "tx_bytes", u64_json(vm->tx_bytes));
		json_object_array_add(arr, v);
	}
	json_object_object_add(o, "vms", arr);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if ((slash = strrchr(dir, '/')))
		*slash = '\0';
	if (vp_mkdir_p(dir, 0700) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot make the directory '%s': %s", dir,
				    strerror(errno));
	return vp_write_atomic(path, text, strlen(text), 0600, false, err);
}

int vp_stats_state_load(const char *path, struct vp_stats_sample *out)
{
	_cleanup_(freep) char *text = NULL;
	_cleanup_(json_object_putp) json_object *o = NULL;
	json_object *arr, *t;
	size_t i, n;

	sample_init(out);
	if (!(text = vp_read_file(path, 1 << 22, NULL)))
		return 0;
	o = json_tokener_parse(text);
	if (!o || json_u64(o, "version") != 1 || !json_object_object_get_ex(o, "time_ms", &t) ||
	    !json_object_object_get_ex(o, "vms", &arr) || !json_object_is_type(arr, json_type_array))
		return 0;
	out->time_ms = json_object_get_int64(t);
	n = json_object_array_length(arr);
	out->vms = vp_calloc(n ? n : 1, sizeof(*out->vms));
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i), *u, *id;
		struct vp_stats_vm *vm = &out->vms[out->n_vms];

		if (!json_object_object_get_ex(v, "uuid", &u) || !json_object_is_type(u, json_type_string) ||
		    !json_object_object_get_ex(v, "id", &id) || !json_object_is_type(id, json_type_int) ||
		    json_object_get_string_len(u) >= VIR_UUID_STRING_BUFLEN)
			continue;
		vm_init(vm);
		snprintf(vm->uuid, sizeof(vm->uuid), "%s", json_object_get_string(u));
		vm->id = json_object_get_int(id);
		vm->cpu_time_ns = json_u64(v, "cpu_time_ns");
		vm->rd_bytes = json_u64(v, "rd_bytes");
		vm->wr_bytes = json_u64(v, "wr_bytes");
		vm->rx_bytes = json_u64(v, "rx_bytes");
		vm->tx_bytes = json_u64(v, "tx_bytes");
		out->n_vms++;
	}
	return 1;
}
