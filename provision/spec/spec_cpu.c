/* provision/spec/spec_cpu.c — the VM's memory, vCPUs, CPU and I/O threads,
 * virt-install's spelling
 *
 *   --memory 1024,maxmemory=4096      --memory 2G,maxMemory=8G,maxMemory.slots=16
 *   --vcpus 4,maxvcpus=8,sockets=2    --vcpus sockets=2,cores=2,threads=2
 *   --cpu host-model                  --cpu Haswell,+vmx,-hle,match=exact
 *   --iothreads 2                     --iothreads 2,iothreadids.iothread0.id=4
 *
 * virt-install's older names keep their meaning: --memory's maxmemory= is
 * <memory> (the bare value then <currentMemory>), --vcpus's maxvcpus= is
 * <vcpu> (the bare value then its current=).
 */
#include "spec.h"
#include "spec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "units.h"

static void iothread_ids_free(struct vp_iothread_id *ids, size_t n);
struct numa_slot;
static bool numa_key(const char *k, unsigned long *n, const char **rest);
static int numa_item(struct numa_slot *slots, const struct kv *kv, struct vp_error *err);
static int numa_cells(struct numa_slot *slots, struct vp_machine_spec *n, struct vp_error *err);
static int numa_fit(struct vp_domain_spec *spec, struct vp_error *err);
static struct numa_slot *numa_slots_new(void);

void vp_numa_cells_free(struct vp_numa_cell *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(cells[i].cpus);
		free(cells[i].mem_given);
		free(cells[i].unit);
		free(cells[i].mem_access);
		free(cells[i].sib_ids);
		free(cells[i].sib_values);
	}
	free(cells);
}

/* Free the part --cpu sets (a later --cpu replaces it whole). */
static void cpu_part_free(struct vp_machine_spec *m)
{
	free(m->cpu_mode);
	free(m->cpu_model);
	free(m->cpu_fallback);
	free(m->cpu_vendor);
	free(m->cpu_match);
	free(m->cpu_check);
	free(m->cpu_cache_mode);
	free(m->cpu_cache_level);
	vp_strings_free(m->cpu_features, m->n_cpu_features);
	vp_numa_cells_free(m->cells, m->n_cells);
}

void vp_machine_spec_clear(struct vp_machine_spec *m)
{
	free(m->vcpu_cpuset);
	free(m->vcpu_placement);
	cpu_part_free(m);
	free(m->bootmenu_timeout);
	free(m->reboot_timeout);
	free(m->loader);
	free(m->loader_type);
	free(m->nvram);
	free(m->nvram_template);
	free(m->smbios_mode);
	vp_strings_free(m->fw_features, m->n_fw_features);
	free(m->acpi_table);
	free(m->acpi_table_type);
	iothread_ids_free(m->iothread_ids, m->n_iothread_ids);
	free(m->defio_pool_min);
	free(m->defio_pool_max);
	memset(m, 0, sizeof(*m));
}

/* the item's key, or for a bare first item the option's positional name */
static const char *item_key(const struct kv *kv, size_t i, const char *first)
{
	return kv->key ? kv->key : i == 0 ? first : NULL;
}

/* ---- --memory -------------------------------------------------------------- */

static const char *const memory_keys[] = { "memory", "currentMemory", "maxmemory", "maxMemory",
					   "hotplugmemorymax", "maxMemory.slots",
					   "hotplugmemoryslots", NULL };

/* virt-install's pair of an amount and its maximum (--memory N,maxmemory=M,
 * --vcpus N,maxvcpus=M): without an explicit current one, N is the current
 * amount and M the total; with one, M (when given) is the total. */
static void older_names(uint64_t *total, uint64_t *cur, uint64_t max)
{
	if (*cur) {
		if (max)
			*total = max;
	} else if (max) {
		*cur = *total;
		*total = max;
	}
}

int vp_spec_parse_memory(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct seen seen = { 0 };
	uint64_t mem = 0, cur = 0, max = 0, hot = 0, slots = 0;
	size_t i;
	int r = -1;

	if (vp_kv_split(arg, "--memory", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		const struct kv *kv = &l.items[i];
		const char *k = item_key(kv, i, "memory");
		char what[48];

		if (!k || !vp_one_of(k, memory_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     !k || strcmp(k, "maxmemory.slots") ?
					     "unknown --memory option '%s' (known: memory, currentMemory, maxmemory, maxMemory, maxMemory.slots, hotplugmemorymax, hotplugmemoryslots)" :
					     "unknown --memory option '%s': the hotplug slots are maxMemory.slots (maxmemory is <memory>)",
				     k ? k : kv->value);
			goto out;
		}
		if (kv->key)
			snprintf(what, sizeof(what), "--memory %s", k);
		else
			snprintf(what, sizeof(what), "--memory");
		if (vp_seen_once(&seen, !strcmp(k, "hotplugmemorymax") ? "maxMemory" :
					!strcmp(k, "hotplugmemoryslots") ? "maxMemory.slots" : k,
				 k, "--memory", arg, err) < 0 ||
		    vp_kv_need_value(kv, "--memory", err) < 0)
			goto out;
		if (strstr(k, "slots")) {
			if (vp_parse_uint(kv->value, 1, 255, what, &slots, err) < 0)
				goto out;
			continue;
		}
		if (vp_parse_size(kv->value, VP_MiB, VP_MIN_MEMORY, VP_MAX_MEMORY, what,
				  !strcmp(k, "memory")        ? &mem :
				  !strcmp(k, "currentMemory") ? &cur :
				  !strcmp(k, "maxmemory")     ? &max :
								&hot,
				  err) < 0)
			goto out;
	}
	/* virt-install's older names: without currentMemory=, memory is the
	 * balloon's start and maxmemory the <memory> */
	older_names(&mem, &cur, max);
	if (cur && mem && cur > mem) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --memory '%s': the current memory is more than the maximum", arg);
		goto out;
	}
	if (hot && mem && hot < mem) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --memory '%s': maxMemory (the hotplug limit) is less than the memory",
			     arg);
		goto out;
	}
	if (slots && !hot) {
		vp_error_set(err, VP_ERR_INVALID, "invalid --memory '%s': maxMemory.slots needs maxMemory=",
			     arg);
		goto out;
	}
	if (mem)
		spec->memory = mem;
	spec->mach.mem_current = cur == mem ? 0 : cur;
	spec->mach.mem_hotplug = hot;
	spec->mach.mem_slots = (unsigned)slots;
	r = 0;
out:
	vp_kvlist_clear(&l);
	return r;
}

/* ---- --vcpus --------------------------------------------------------------- */

static const char *const vcpus_keys[] = { "vcpus", "vcpu", "maxvcpus", "vcpu.current", "sockets",
					  "dies", "cores", "threads", "cpuset", "vcpu.cpuset",
					  "placement", "vcpu.placement", NULL };

static bool vcpus_known(const struct kv *kv, void *opaque)
{
	(void)opaque;
	return kv->key && vp_one_of(kv->key, vcpus_keys);
}

/* a host CPU list as libvirt reads it: 0-3,^2,6 */
static int cpuset_check(const char *what, const char *v, struct vp_error *err)
{
	if (!*v || strspn(v, "0123456789,-^") != strlen(v))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': give host CPUs such as 0-3,6", what, v);
	return 0;
}

static int topo_set(unsigned *field, const struct kv *kv, const char *what, struct vp_error *err)
{
	uint64_t v;

	if (vp_parse_uint(kv->value, 1, VP_MAX_VCPUS, what, &v, err) < 0)
		return -1;
	*field = (unsigned)v;
	return 0;
}

int vp_spec_parse_vcpus(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	static const char *const free_text[] = { "cpuset", "vcpu.cpuset", NULL };
	struct vp_machine_spec *m = &spec->mach;
	struct kvlist l;
	struct seen seen = { 0 };
	uint64_t vcpu = 0, cur = 0, max = 0;
	unsigned topo[4] = { 0 };
	const char *cpuset = NULL, *placement = NULL;
	size_t i;
	int r = -1;

	if (vp_kv_split(arg, "--vcpus", &l, err) < 0)
		return -1;
	vp_kv_join_free_text(&l, vcpus_known, NULL, free_text);
	for (i = 0; i < l.n; i++) {
		const struct kv *kv = &l.items[i];
		const char *k = item_key(kv, i, "vcpus");
		const char *field;
		char what[48];

		if (!k || !vp_one_of(k, vcpus_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --vcpus option '%s' (known: vcpus, maxvcpus, vcpu.current, sockets, dies, cores, threads, cpuset, placement)",
				     k ? k : kv->value);
			goto out;
		}
		field = !strcmp(k, "vcpus") ? "vcpu" : !strncmp(k, "vcpu.", 5) && strcmp(k, "vcpu.current") ? k + 5 : k;
		if (kv->key)
			snprintf(what, sizeof(what), "--vcpus %s", k);
		else
			snprintf(what, sizeof(what), "--vcpus");
		if (vp_seen_once(&seen, field, k, "--vcpus", arg, err) < 0 ||
		    vp_kv_need_value(kv, "--vcpus", err) < 0)
			goto out;
		if (!strcmp(field, "vcpu") || !strcmp(field, "maxvcpus") || !strcmp(field, "vcpu.current")) {
			if (vp_parse_uint(kv->value, 1, VP_MAX_VCPUS, what,
					  !strcmp(field, "vcpu") ? &vcpu : !strcmp(field, "maxvcpus") ? &max : &cur,
					  err) < 0)
				goto out;
		} else if (!strcmp(field, "cpuset")) {
			if (strcmp(kv->value, "auto") && cpuset_check(what, kv->value, err) < 0)
				goto out;
			cpuset = kv->value;
		} else if (!strcmp(field, "placement")) {
			if (strcmp(kv->value, "static") && strcmp(kv->value, "auto")) {
				vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': use static or auto", what,
					     kv->value);
				goto out;
			}
			placement = kv->value;
		} else if (topo_set(&topo[!strcmp(k, "sockets") ? 0 : !strcmp(k, "dies") ? 1 :
					  !strcmp(k, "cores") ? 2 : 3],
				    kv, what, err) < 0) {
			goto out;
		}
	}
	/* virt-install's older names: maxvcpus is <vcpu>, the count then its current */
	older_names(&vcpu, &cur, max);
	if (cur && vcpu && cur > vcpu) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --vcpus '%s': more vCPUs running (%llu) than the maximum (%llu)", arg,
			     (unsigned long long)cur, (unsigned long long)vcpu);
		goto out;
	}
	if (cpuset && !strcmp(cpuset, "auto")) {
		/* virt-install: cpuset=auto is placement=auto */
		if (placement && strcmp(placement, "auto")) {
			vp_error_set(err, VP_ERR_INVALID,
				     "invalid --vcpus '%s': cpuset=auto is placement=auto", arg);
			goto out;
		}
		placement = "auto";
		cpuset = NULL;
	}
	if (vcpu && cur && cur != vcpu) {
		spec->vcpus = (unsigned)cur;
		m->vcpus_max = (unsigned)vcpu;
	} else if (vcpu || cur) {
		spec->vcpus = (unsigned)(vcpu ? vcpu : cur);
		m->vcpus_max = 0;
	}
	if (topo[0] || topo[1] || topo[2] || topo[3]) {
		m->sockets = topo[0];
		m->dies = topo[1];
		m->cores = topo[2];
		m->threads = topo[3];
	}
	if (cpuset)
		vp_set_str(&m->vcpu_cpuset, cpuset);
	if (placement)
		vp_set_str(&m->vcpu_placement, placement);
	r = 0;
out:
	vp_kvlist_clear(&l);
	return r;
}

int vp_spec_topology_fill(struct vp_domain_spec *spec, struct vp_error *err)
{
	struct vp_machine_spec *m = &spec->mach;
	unsigned long long total, n;

	if (!m->sockets && !m->dies && !m->cores && !m->threads)
		return numa_fit(spec, err);
#define OR1(x) ((unsigned long long)((x) ? (x) : 1))
	total = OR1(m->sockets) * OR1(m->dies) * OR1(m->cores) * OR1(m->threads);
	n = m->vcpus_max ? m->vcpus_max : spec->vcpus;
	if (!n) {
		/* the topology says how many */
		if (total > VP_MAX_VCPUS)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid CPU topology: %llu vCPUs, more than %d", total,
					    VP_MAX_VCPUS);
		spec->vcpus = (unsigned)total;
		n = total;
	}
	/* virt-install's order: cores take what is left, then sockets, then
	 * threads; dies stay 1 */
	if (!m->cores && n / total)
		m->cores = (unsigned)(n / total);
	total = OR1(m->sockets) * OR1(m->dies) * OR1(m->cores) * OR1(m->threads);
	if (!m->sockets && n / total)
		m->sockets = (unsigned)(n / total);
	if (!m->dies)
		m->dies = 1;
	total = OR1(m->sockets) * OR1(m->dies) * OR1(m->cores) * OR1(m->threads);
	if (!m->threads && n / total)
		m->threads = (unsigned)(n / total);
	total = OR1(m->sockets) * OR1(m->dies) * OR1(m->cores) * OR1(m->threads);
	if (total != n)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid CPU topology: sockets=%llu * dies=%llu * cores=%llu * threads=%llu is %llu vCPUs, not the %llu asked for",
				    OR1(m->sockets), OR1(m->dies), OR1(m->cores), OR1(m->threads),
				    total, n);
#undef OR1
	if (!m->sockets)
		m->sockets = 1;
	if (!m->cores)
		m->cores = 1;
	if (!m->threads)
		m->threads = 1;
	return numa_fit(spec, err);
}

/* ---- --cpu ----------------------------------------------------------------- */

static const char *const cpu_policies[] = { "force", "require", "optional", "disable", "forbid",
					    NULL };
static const char *const cpu_keys[] = { "model", "mode", "match", "check", "migratable",
					"model.fallback", "vendor", "cache.mode", "cache.level",
					"topology.sockets", "topology.dies", "topology.cores",
					"topology.threads", "secure", NULL };


static bool is_numa_key(const char *k)
{
	unsigned long n;
	const char *rest;

	return !strncmp(k, "numa.", 5) || numa_key(k, &n, &rest);
}

/* a sub-option of --cpu (for the free-text cpus= of a NUMA cell) */
static bool cpu_known(const struct kv *kv, void *opaque)
{
	(void)opaque;
	if (!kv->key)
		return kv->value[0] == '+' || kv->value[0] == '-';
	return vp_one_of(kv->key, cpu_keys) || vp_one_of(kv->key, cpu_policies) ||
	       is_numa_key(kv->key);
}

/* a CPU model or feature name as QEMU spells them */
static int cpu_name_check(const char *what, const char *v, struct vp_error *err)
{
	size_t i;

	if (!*v)
		return vp_error_set(err, VP_ERR_INVALID, "%s needs a name", what);
	for (i = 0; v[i]; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9') || strchr("-_.", v[i])))
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s'", what, v);
	return 0;
}

static int cpu_word(const char *what, const char *v, const char *const *set, const char *use,
		    char **out, struct vp_error *err)
{
	if (!vp_one_of(v, set))
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': use %s", what, v, use);
	vp_set_str(out, v);
	return 0;
}

int vp_spec_parse_cpu(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	static const char *const modes[] = { "host-passthrough", "host-model", "custom", "maximum",
					     NULL };
	static const char *const matches[] = { "exact", "minimum", "strict", NULL };
	static const char *const checks[] = { "none", "partial", "full", NULL };
	static const char *const fallbacks[] = { "allow", "forbid", NULL };
	static const char *const cache_modes[] = { "emulate", "passthrough", "disable", NULL };
	struct vp_machine_spec n = { 0 };
	struct vp_machine_spec *m = &spec->mach;
	/* the features by policy, in virt-install's order: POLICY= items first */
	char **feats[5] = { 0 }, **signs[5] = { 0 };
	size_t n_feats[5] = { 0 }, n_signs[5] = { 0 };
	unsigned topo[4] = { 0 };
	struct kvlist l;
	struct seen seen = { 0 };
	const char **free_text = NULL;
	struct numa_slot *slots = NULL;
	enum vp_tristate secure = VP_UNSET;
	size_t i, j;
	int r = -1;

	if (vp_kv_split(arg, "--cpu", &l, err) < 0)
		return -1;
	/* a cell's cpus= is a list with commas (0-1,4), as virt-install reads it */
	free_text = vp_grow(NULL, l.n + 1, sizeof(*free_text));
	for (i = 0, j = 0; i < l.n; i++)
		if (l.items[i].key && is_numa_key(l.items[i].key) &&
		    strlen(l.items[i].key) > 5 &&
		    !strcmp(l.items[i].key + strlen(l.items[i].key) - 5, ".cpus"))
			free_text[j++] = l.items[i].key;
	free_text[j] = NULL;
	vp_kv_join_free_text(&l, cpu_known, NULL, free_text);
	slots = numa_slots_new();
	for (i = 0; i < l.n; i++) {
		const struct kv *kv = &l.items[i];
		const char *k = kv->key;
		char what[48];

		if (k && is_numa_key(k)) {
			if (vp_kv_need_value(kv, "--cpu", err) < 0 || numa_item(slots, kv, err) < 0)
				goto out;
			continue;
		}

		if (!k && (kv->value[0] == '+' || kv->value[0] == '-')) {
			size_t p = kv->value[0] == '+' ? 0 : 3;

			if (cpu_name_check("--cpu feature", kv->value + 1, err) < 0)
				goto out;
			vp_strings_add(&signs[p], &n_signs[p], vp_strdup(kv->value + 1));
			continue;
		}
		if (!k && i == 0)
			k = "model";
		if (!k || (!vp_one_of(k, cpu_keys) && !vp_one_of(k, cpu_policies))) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --cpu option '%s' (known: a mode or model, +FEATURE, -FEATURE, force=, require=, optional=, disable=, forbid=, mode, model, match, check, migratable, model.fallback, vendor, cache.mode, cache.level, topology.sockets|dies|cores|threads)",
				     k ? k : kv->value);
			goto out;
		}
		snprintf(what, sizeof(what), "--cpu %s", k);
		if (vp_kv_need_value(kv, "--cpu", err) < 0)
			goto out;
		if (vp_one_of(k, cpu_policies)) {
			for (j = 0; strcmp(cpu_policies[j], k); j++)
				;
			if (cpu_name_check(what, kv->value, err) < 0)
				goto out;
			vp_strings_add(&feats[j], &n_feats[j], vp_strdup(kv->value));
			continue;
		}
		if (vp_seen_once(&seen, k, k, "--cpu", arg, err) < 0)
			goto out;
		if (!strcmp(k, "secure")) {
			if (vp_parse_bool(kv->value, what, &secure, err) < 0)
				goto out;
			continue;
		}
		if (!strcmp(k, "model")) {
			const char *v = kv->value;

			/* the special models are modes */
			if (!strcmp(v, "host") || !strcmp(v, "host-copy"))
				v = "host-model";
			if (vp_one_of(v, modes) && strcmp(v, "custom")) {
				if (n.cpu_mode && strcmp(n.cpu_mode, v)) {
					vp_error_set(err, VP_ERR_INVALID,
						     "invalid --cpu '%s': model %s and mode=%s contradict", arg,
						     kv->value, n.cpu_mode);
					goto out;
				}
				vp_set_str(&n.cpu_mode, v);
				continue;
			}
			if (cpu_name_check(what, v, err) < 0)
				goto out;
			vp_set_str(&n.cpu_model, v);
		} else if (!strcmp(k, "mode")) {
			if (n.cpu_mode && strcmp(n.cpu_mode, kv->value)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --cpu '%s': model %s and mode=%s contradict", arg,
					     n.cpu_mode, kv->value);
				goto out;
			}
			if (cpu_word(what, kv->value, modes, "host-passthrough, host-model, maximum or custom",
				     &n.cpu_mode, err) < 0)
				goto out;
		} else if (!strcmp(k, "match")) {
			if (cpu_word(what, kv->value, matches, "exact, minimum or strict", &n.cpu_match, err) < 0)
				goto out;
		} else if (!strcmp(k, "check")) {
			if (cpu_word(what, kv->value, checks, "none, partial or full", &n.cpu_check, err) < 0)
				goto out;
		} else if (!strcmp(k, "model.fallback")) {
			if (cpu_word(what, kv->value, fallbacks, "allow or forbid", &n.cpu_fallback, err) < 0)
				goto out;
		} else if (!strcmp(k, "cache.mode")) {
			if (cpu_word(what, kv->value, cache_modes, "emulate, passthrough or disable",
				     &n.cpu_cache_mode, err) < 0)
				goto out;
		} else if (!strcmp(k, "cache.level")) {
			uint64_t v;

			if (vp_parse_uint(kv->value, 1, 3, what, &v, err) < 0)
				goto out;
			vp_set_str(&n.cpu_cache_level, kv->value);
		} else if (!strcmp(k, "vendor")) {
			if (cpu_name_check(what, kv->value, err) < 0)
				goto out;
			vp_set_str(&n.cpu_vendor, kv->value);
		} else if (!strcmp(k, "migratable")) {
			if (vp_parse_bool(kv->value, what, &n.cpu_migratable, err) < 0)
				goto out;
		} else {
			const char *t = k + strlen("topology.");

			if (topo_set(&topo[!strcmp(t, "sockets") ? 0 : !strcmp(t, "dies") ? 1 :
					   !strcmp(t, "cores") ? 2 : 3],
				     kv, what, err) < 0)
				goto out;
		}
	}
	if (n.cpu_model && (!n.cpu_mode || !strcmp(n.cpu_mode, "custom"))) {
		vp_set_str(&n.cpu_mode, "custom");
		if (!n.cpu_match)
			vp_set_str(&n.cpu_match, "exact"); /* virt-install's */
	}
	if (!n.cpu_mode) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --cpu '%s': give a mode (host-passthrough, host-model, maximum) or a CPU model",
			     arg);
		goto out;
	}
	if (!strcmp(n.cpu_mode, "custom") && !n.cpu_model) {
		vp_error_set(err, VP_ERR_INVALID, "invalid --cpu '%s': mode=custom needs a model", arg);
		goto out;
	}
	if (n.cpu_model && strcmp(n.cpu_mode, "custom")) {
		vp_error_set(err, VP_ERR_INVALID, "invalid --cpu '%s': a model goes with mode=custom", arg);
		goto out;
	}
	for (j = 0; j < 5; j++) {
		for (i = 0; i < n_feats[j]; i++)
			vp_strings_add(&n.cpu_features, &n.n_cpu_features,
				       vp_strdup_printf("%s:%s", cpu_policies[j], feats[j][i]));
		for (i = 0; i < n_signs[j]; i++)
			vp_strings_add(&n.cpu_features, &n.n_cpu_features,
				       vp_strdup_printf("%s:%s", cpu_policies[j], signs[j][i]));
	}
	/* virt-install's secure=on (its default) adds to a named model the
	 * security features (spec-ctrl, ssbd, ibpb, virt-ssbd, md-clear) the
	 * host's host-model CPU has, which vprov does not look up; off is
	 * what vprov does.  host-model and host-passthrough pass the host's
	 * features anyway: there it means nothing, in virt-install too. */
	if (secure == VP_YES && !strcmp(n.cpu_mode, "custom")) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--cpu secure=on: vprov does not add the host's security features to a named model; name them (require=spec-ctrl,require=ssbd,...) or use host-model");
		goto out;
	}
	if (numa_cells(slots, &n, err) < 0)
		goto out;
	/* a feature named twice is refused (virt-install keeps the last policy) */
	for (i = 0; i < n.n_cpu_features; i++)
		for (j = i + 1; j < n.n_cpu_features; j++)
			if (!strcmp(strchr(n.cpu_features[i], ':'), strchr(n.cpu_features[j], ':'))) {
				vp_error_set(err, VP_ERR_INVALID, "invalid --cpu '%s': feature '%s' is given twice",
					     arg, strchr(n.cpu_features[i], ':') + 1);
				goto out;
			}
	/* the whole CPU part is this --cpu's */
	cpu_part_free(m);
	m->cpu_mode = TAKE_PTR(n.cpu_mode);
	m->cpu_model = TAKE_PTR(n.cpu_model);
	m->cpu_fallback = TAKE_PTR(n.cpu_fallback);
	m->cpu_vendor = TAKE_PTR(n.cpu_vendor);
	m->cpu_match = TAKE_PTR(n.cpu_match);
	m->cpu_check = TAKE_PTR(n.cpu_check);
	m->cpu_cache_mode = TAKE_PTR(n.cpu_cache_mode);
	m->cpu_cache_level = TAKE_PTR(n.cpu_cache_level);
	m->cpu_migratable = n.cpu_migratable;
	m->cpu_features = TAKE_PTR(n.cpu_features);
	m->n_cpu_features = n.n_cpu_features;
	n.n_cpu_features = 0;
	m->cells = TAKE_PTR(n.cells);
	m->n_cells = n.n_cells;
	n.n_cells = 0;
	/* topology.*: the same settings as --vcpus sockets= ...; said in both,
	 * they must agree */
	for (j = 0; j < 4; j++) {
		unsigned *f = j == 0 ? &m->sockets : j == 1 ? &m->dies : j == 2 ? &m->cores : &m->threads;

		if (!topo[j])
			continue;
		if (*f && *f != topo[j]) {
			vp_error_set(err, VP_ERR_INVALID,
				     "invalid --cpu '%s': its topology differs from --vcpus's", arg);
			goto out;
		}
		*f = topo[j];
	}
	r = 0;
out:
	for (j = 0; j < 5; j++) {
		vp_strings_free(feats[j], n_feats[j]);
		vp_strings_free(signs[j], n_signs[j]);
	}
	vp_machine_spec_clear(&n);
	free(free_text);
	free(slots);
	vp_kvlist_clear(&l);
	return r;
}

/* ---- --cpu numa.cellN.* ------------------------------------------------------ */

#define MAX_NUMA 128 /* QEMU's MAX_NODES */

/* what one numa.cellN / cellN gathered while the items were read */
struct numa_slot {
	bool used;
	const char *id, *cpus, *memory, *unit, *mem_access, *discard;
	const char *sib_id[MAX_NUMA], *sib_value[MAX_NUMA];
	bool sib_used[MAX_NUMA];
};

/* "numa.cellN.REST" or virt-install's older "cellN.REST": N and REST */
static bool numa_key(const char *k, unsigned long *n, const char **rest)
{
	const char *p;
	char *end;

	if (!strncmp(k, "numa.cell", 9))
		p = k + 9;
	else if (!strncmp(k, "cell", 4))
		p = k + 4;
	else
		return false;
	if (*p < '0' || *p > '9')
		return false;
	*n = strtoul(p, &end, 10);
	if (*end != '.' || *n >= MAX_NUMA)
		return false;
	*rest = end + 1;
	return true;
}

static struct numa_slot *numa_slots_new(void)
{
	struct numa_slot *s = vp_grow(NULL, MAX_NUMA, sizeof(*s));

	memset(s, 0, MAX_NUMA * sizeof(*s));
	return s;
}

/* Take one numa.* item into slots; -1 with err for a key that is not one */
static int numa_item(struct numa_slot *slots, const struct kv *kv, struct vp_error *err)
{
	unsigned long n, sib;
	const char *rest, **field = NULL;
	char *end;

	if (!strncmp(kv->key, "numa.interconnects.", 19) ||
	    (numa_key(kv->key, &n, &rest) && !strncmp(rest, "cache", 5)))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--cpu %s: NUMA caches and interconnects (ACPI HMAT) are not something vprov writes; give them with --xml",
				    kv->key);
	if (!numa_key(kv->key, &n, &rest))
		goto unknown;
	if (!strcmp(rest, "id"))
		field = &slots[n].id;
	else if (!strcmp(rest, "cpus"))
		field = &slots[n].cpus;
	else if (!strcmp(rest, "memory"))
		field = &slots[n].memory;
	else if (!strcmp(rest, "unit"))
		field = &slots[n].unit;
	else if (!strcmp(rest, "memAccess"))
		field = &slots[n].mem_access;
	else if (!strcmp(rest, "discard"))
		field = &slots[n].discard;
	else if (!strncmp(rest, "distances.sibling", 17) && rest[17] >= '0' && rest[17] <= '9') {
		sib = strtoul(rest + 17, &end, 10);
		if (sib < MAX_NUMA && !strcmp(end, ".id"))
			field = &slots[n].sib_id[sib];
		else if (sib < MAX_NUMA && !strcmp(end, ".value"))
			field = &slots[n].sib_value[sib];
		if (field)
			slots[n].sib_used[sib] = true;
	}
	if (!field)
		goto unknown;
	if (*field)
		return vp_error_set(err, VP_ERR_INVALID, "invalid --cpu: '%s' is given twice", kv->key);
	*field = kv->value;
	slots[n].used = true;
	return 0;
unknown:
	return vp_error_set(err, VP_ERR_INVALID,
			    "unknown --cpu option '%s' (NUMA: numa.cellN.id|cpus|memory|unit|memAccess|discard, numa.cellN.distances.siblingM.id|value, N below %d)",
			    kv->key, MAX_NUMA);
}

/* libvirt's memory units (the schema's 'unit') in bytes */
static uint64_t unit_bytes(const char *u)
{
	static const struct {
		const char *name;
		uint64_t bytes;
	} units[] = {
		{ "b", 1 }, { "bytes", 1 }, { "KB", 1000ULL }, { "k", VP_KiB }, { "KiB", VP_KiB },
		{ "MB", 1000000ULL }, { "M", VP_MiB }, { "MiB", VP_MiB }, { "GB", 1000000000ULL },
		{ "G", VP_GiB }, { "GiB", VP_GiB }, { "TB", 1000000000000ULL },
		{ "T", VP_GiB * 1024 }, { "TiB", VP_GiB * 1024 },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(units[i].name, u))
			return units[i].bytes;
	return 0;
}

/* a vCPU list into bits; -1 with err when it is not one */
static int cpuset_bits(const char *what, const char *v, unsigned char *bits, unsigned *highest,
		       struct vp_error *err)
{
	const char *p = v;

	*highest = 0;
	for (;;) {
		unsigned long a, b;
		char *end;

		if (*p < '0' || *p > '9')
			goto bad;
		a = b = strtoul(p, &end, 10);
		p = end;
		if (*p == '-') {
			if (p[1] < '0' || p[1] > '9')
				goto bad;
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		if (a > b || b >= VP_MAX_VCPUS)
			goto bad;
		for (; a <= b; a++)
			bits[a / 8] |= (unsigned char)(1u << (a % 8));
		if (b > *highest)
			*highest = (unsigned)b;
		if (!*p)
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	return vp_error_set(err, VP_ERR_INVALID,
			    "invalid %s '%s': give vCPUs such as 0-3 or 0,2 (below %d; no ^)", what, v,
			    VP_MAX_VCPUS);
}

/* The cells the slots say, checked as libvirt checks them. */
static int numa_cells(struct numa_slot *slots, struct vp_machine_spec *n, struct vp_error *err)
{
	unsigned char seen_cpus[VP_MAX_VCPUS / 8] = { 0 };
	int ids[MAX_NUMA];
	size_t i, j;
	char what[80];

	for (i = 0; i < MAX_NUMA; i++) {
		struct numa_slot *sl = &slots[i];
		struct vp_numa_cell c = { .id = -1 };
		struct vp_numa_cell *into;
		uint64_t v;

		if (!sl->used)
			continue;
		snprintf(what, sizeof(what), "--cpu numa.cell%zu", i);
		if (!sl->memory)
			return vp_error_set(err, VP_ERR_INVALID,
					    "%s needs its memory= (libvirt's cells all have one)", what);
		if (sl->id) {
			snprintf(what, sizeof(what), "--cpu numa.cell%zu.id", i);
			if (vp_parse_uint(sl->id, 0, MAX_NUMA - 1, what, &v, err) < 0)
				return -1;
			c.id = (int)v;
		}
		if (sl->unit) {
			uint64_t u = unit_bytes(sl->unit);

			snprintf(what, sizeof(what), "--cpu numa.cell%zu.memory", i);
			if (!u)
				return vp_error_set(err, VP_ERR_INVALID,
						    "invalid --cpu numa.cell%zu.unit '%s': use b, KiB (k), MiB (M), GiB (G), TiB (T), KB, MB, GB or TB",
						    i, sl->unit);
			if (vp_parse_uint(sl->memory, 1, VP_MAX_MEMORY / u, what, &v, err) < 0)
				return -1;
			/* libvirt rounds up to KiB */
			c.memory = (v * u + VP_KiB - 1) / VP_KiB * VP_KiB;
		} else {
			snprintf(what, sizeof(what), "--cpu numa.cell%zu.memory", i);
			if (vp_parse_size(sl->memory, VP_MiB, VP_MiB, VP_MAX_MEMORY, what, &c.memory,
					  err) < 0)
				return -1;
		}
		if (sl->mem_access && strcmp(sl->mem_access, "shared") && strcmp(sl->mem_access, "private"))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --cpu numa.cell%zu.memAccess '%s': use shared or private", i,
					    sl->mem_access);
		if (sl->discard) {
			snprintf(what, sizeof(what), "--cpu numa.cell%zu.discard", i);
			if (vp_parse_bool(sl->discard, what, &c.discard, err) < 0)
				return -1;
		}
		if (sl->cpus) {
			unsigned char bits[VP_MAX_VCPUS / 8] = { 0 };
			unsigned hi, k;

			snprintf(what, sizeof(what), "--cpu numa.cell%zu.cpus", i);
			if (cpuset_bits(what, sl->cpus, bits, &hi, err) < 0)
				return -1;
			for (k = 0; k <= hi; k++)
				if (bits[k / 8] & seen_cpus[k / 8] & (1u << (k % 8)))
					return vp_error_set(err, VP_ERR_INVALID,
							    "invalid --cpu numa.cell%zu.cpus '%s': vCPU %u is in another cell too",
							    i, sl->cpus, k);
			for (k = 0; k < sizeof(bits); k++)
				seen_cpus[k] |= bits[k];
		}
		for (j = 0; j < MAX_NUMA; j++) {
			if (!sl->sib_used[j])
				continue;
			if (!sl->sib_id[j] || !sl->sib_value[j])
				return vp_error_set(err, VP_ERR_INVALID,
						    "--cpu numa.cell%zu.distances.sibling%zu needs both id= and value=",
						    i, j);
			c.sib_ids = vp_grow(c.sib_ids, c.n_sib + 1, sizeof(*c.sib_ids));
			c.sib_values = vp_grow(c.sib_values, c.n_sib + 1, sizeof(*c.sib_values));
			snprintf(what, sizeof(what), "--cpu numa.cell%zu.distances.sibling%zu.id", i, j);
			if (vp_parse_uint(sl->sib_id[j], 0, MAX_NUMA - 1, what, &v, err) < 0)
				goto bad_cell;
			c.sib_ids[c.n_sib] = (unsigned)v;
			snprintf(what, sizeof(what), "--cpu numa.cell%zu.distances.sibling%zu.value", i, j);
			if (vp_parse_uint(sl->sib_value[j], 10, 255, what, &v, err) < 0)
				goto bad_cell;
			c.sib_values[c.n_sib++] = (unsigned)v;
		}
		c.cpus = vp_strdup(sl->cpus);
		if (sl->unit) {
			c.mem_given = vp_strdup(sl->memory);
			c.unit = vp_strdup(sl->unit);
		}
		c.mem_access = vp_strdup(sl->mem_access);
		n->cells = vp_grow(n->cells, n->n_cells + 1, sizeof(*n->cells));
		into = &n->cells[n->n_cells++];
		*into = c;
		continue;
bad_cell:
		free(c.sib_ids);
		free(c.sib_values);
		return -1;
	}
	/* libvirt: one cell per id, ids 0..cells-1 (a cell without one takes its place) */
	for (i = 0; i < n->n_cells; i++) {
		ids[i] = n->cells[i].id >= 0 ? n->cells[i].id : (int)i;
		if ((size_t)ids[i] >= n->n_cells)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --cpu: NUMA cell id %d with %zu cells (ids go from 0 to %zu)",
					    ids[i], n->n_cells, n->n_cells - 1);
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return vp_error_set(err, VP_ERR_INVALID,
						    "invalid --cpu: two NUMA cells have id %d", ids[i]);
	}
	/* distances: to itself 10, to another cell more (11-255) */
	for (i = 0; i < n->n_cells; i++)
		for (j = 0; j < n->cells[i].n_sib; j++) {
			unsigned sid = n->cells[i].sib_ids[j], val = n->cells[i].sib_values[j];

			if (sid >= n->n_cells)
				return vp_error_set(err, VP_ERR_INVALID,
						    "invalid --cpu: NUMA cell %d's distance names cell %u, which does not exist",
						    ids[i], sid);
			if ((int)sid == ids[i] ? val != 10 : val == 10)
				return vp_error_set(err, VP_ERR_INVALID,
						    "invalid --cpu: NUMA cell %d's distance to cell %u is %u: a cell's own is 10, another's 11 to 255",
						    ids[i], sid, val);
		}
	return 0;
}

/* After --memory, --vcpus and --cpu: the cells hold every vCPU and all the
 * memory (libvirt takes <memory> from the cells; a vCPU in none is a QEMU
 * warning and a guest without it on any node).  Said nowhere else, the
 * cells say how much of each. */
static int numa_fit(struct vp_domain_spec *spec, struct vp_error *err)
{
	const struct vp_machine_spec *m = &spec->mach;
	unsigned char bits[VP_MAX_VCPUS / 8] = { 0 };
	uint64_t sum = 0;
	unsigned hi = 0, any = 0, n, h, k;
	size_t i;

	if (!m->n_cells)
		return 0;
	for (i = 0; i < m->n_cells; i++) {
		struct vp_error ignore = { 0 };

		sum += m->cells[i].memory;
		if (m->cells[i].cpus && cpuset_bits("", m->cells[i].cpus, bits, &h, &ignore) == 0) {
			any = 1;
			if (h > hi)
				hi = h;
		}
	}
	if (!spec->memory)
		spec->memory = sum;
	else if (sum != spec->memory)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--cpu numa.cell*.memory add up to %llu MiB, not the VM's %llu MiB (--memory): libvirt takes the cells' sum",
				    (unsigned long long)(sum / VP_MiB),
				    (unsigned long long)(spec->memory / VP_MiB));
	if (!any)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--cpu numa.cell*: give each cell's vCPUs (numa.cellN.cpus=)");
	n = m->vcpus_max ? m->vcpus_max : spec->vcpus;
	if (!n)
		spec->vcpus = n = hi + 1;
	if (hi >= n)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--cpu numa.cell*.cpus name vCPU %u, and the VM has %u (0-%u)", hi, n,
				    n - 1);
	for (k = 0; k < n; k++)
		if (!(bits[k / 8] & (1u << (k % 8))))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--cpu numa.cell*.cpus: vCPU %u is in no NUMA cell (give every vCPU, 0-%u, a cell)",
					    k, n - 1);
	return 0;
}

/* ---- --iothreads ------------------------------------------------------------ */

static void iothread_ids_free(struct vp_iothread_id *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ids[i].pool_min);
		free(ids[i].pool_max);
	}
	free(ids);
}

/* The ids libvirt gives the threads: the ids listed, then the smallest free
 * ones until there are max(count, ids) threads. */
bool vp_iothread_defined(const struct vp_machine_spec *m, unsigned id)
{
	size_t i, count = m->iothreads > m->n_iothread_ids ? m->iothreads : m->n_iothread_ids;
	size_t fill = count - m->n_iothread_ids, free_below = 0;
	unsigned k;

	if (!id)
		return false;
	for (i = 0; i < m->n_iothread_ids; i++)
		if (m->iothread_ids[i].id == id)
			return true;
	/* id is free: filled when it is among the first `fill` free ids */
	for (k = 1; k <= id && free_below <= fill; k++) {
		for (i = 0; i < m->n_iothread_ids && m->iothread_ids[i].id != k; i++)
			;
		if (i == m->n_iothread_ids)
			free_below++;
	}
	return free_below <= fill;
}

char *vp_iothread_list(const struct vp_machine_spec *m)
{
	size_t i, count = m->iothreads > m->n_iothread_ids ? m->iothreads : m->n_iothread_ids;
	size_t n = 0, len = 0;
	char *out = vp_grow(NULL, count * 12 + 1, 1);
	unsigned k;

	out[0] = '\0';
	for (i = 0; i < m->n_iothread_ids; i++, n++)
		len += (size_t)sprintf(out + len, "%s%u", n ? "," : "", m->iothread_ids[i].id);
	for (k = 1; n < count; k++) {
		for (i = 0; i < m->n_iothread_ids && m->iothread_ids[i].id != k; i++)
			;
		if (i == m->n_iothread_ids)
			len += (size_t)sprintf(out + len, "%s%u", n++ ? "," : "", k);
	}
	return out;
}

#define MAX_IOTHREAD_IDX 1024

/* thread_pool_min/max of what (a prefix such as "--iothreads defaultiothread"):
 * libvirt's int, max at least 1, min <= max */
static int pool_check(const char *what, const char *min, const char *max, struct vp_error *err)
{
	char name[96];
	uint64_t lo = 0, hi = 0;

	snprintf(name, sizeof(name), "%s.thread_pool_min", what);
	if (min && vp_parse_uint(min, 0, 2147483647, name, &lo, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.thread_pool_max", what);
	if (max && vp_parse_uint(max, 1, 2147483647, name, &hi, err) < 0)
		return -1;
	if (min && max && lo > hi)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s: thread_pool_min %s is more than thread_pool_max %s", what,
				    min, max);
	return 0;
}

int vp_spec_parse_iothreads(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	static const char pre[] = "iothreadids.iothread";
	struct vp_machine_spec *m = &spec->mach;
	struct {
		bool used;
		const char *id, *min, *max;
	} *slot = NULL;
	struct vp_iothread_id *ids = NULL;
	const char *dmin = NULL, *dmax = NULL;
	size_t n_ids = 0, i, j;
	uint64_t count = 0;
	bool have_count = false;
	struct kvlist l;
	int r = -1;

	if (vp_kv_split(arg, "--iothreads", &l, err) < 0)
		return -1;
	slot = vp_grow(NULL, MAX_IOTHREAD_IDX, sizeof(*slot));
	memset(slot, 0, MAX_IOTHREAD_IDX * sizeof(*slot));
	for (i = 0; i < l.n; i++) {
		const struct kv *kv = &l.items[i];
		const char *k = item_key(kv, i, "iothreads");
		const char **field = NULL;
		char what[80];

		if (!k) {
			vp_error_set(err, VP_ERR_INVALID,
				     "invalid --iothreads '%s': '%s' is not a key=value item (the number of I/O threads goes first)",
				     arg, kv->value);
			goto out;
		}
		if (kv->key)
			snprintf(what, sizeof(what), "--iothreads %s", k);
		else
			snprintf(what, sizeof(what), "--iothreads");
		if (vp_kv_need_value(kv, "--iothreads", err) < 0)
			goto out;
		if (!strcmp(k, "iothreads")) {
			if (have_count) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --iothreads '%s': 'iothreads' is given twice", arg);
				goto out;
			}
			if (vp_parse_uint(kv->value, 1, 1024, what, &count, err) < 0)
				goto out;
			have_count = true;
			continue;
		}
		if (!strncmp(k, pre, sizeof(pre) - 1)) {
			const char *p = k + sizeof(pre) - 1, *dot;
			char *end;
			unsigned long n;

			dot = strchr(p, '.');
			n = strtoul(p, &end, 10);
			if (dot && end == dot && p != dot && *p != '-' && *p != '+' &&
			    n < MAX_IOTHREAD_IDX) {
				field = !strcmp(dot, ".id")		 ? &slot[n].id :
					!strcmp(dot, ".thread_pool_min") ? &slot[n].min :
					!strcmp(dot, ".thread_pool_max") ? &slot[n].max :
									   NULL;
				if (field)
					slot[n].used = true;
			}
		} else if (!strcmp(k, "defaultiothread.thread_pool_min")) {
			field = &dmin;
		} else if (!strcmp(k, "defaultiothread.thread_pool_max")) {
			field = &dmax;
		}
		if (!field) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --iothreads option '%s' (known: iothreads, iothreadids.iothreadN.id|thread_pool_min|thread_pool_max with N below %d, defaultiothread.thread_pool_min|thread_pool_max)",
				     k, MAX_IOTHREAD_IDX);
			goto out;
		}
		if (*field) {
			vp_error_set(err, VP_ERR_INVALID, "invalid --iothreads '%s': '%s' is given twice",
				     arg, k);
			goto out;
		}
		*field = kv->value;
	}
	if (pool_check("--iothreads defaultiothread", dmin, dmax, err) < 0)
		goto out;
	for (i = 0; i < MAX_IOTHREAD_IDX; i++) {
		char what[64];
		uint64_t id;

		if (!slot[i].used)
			continue;
		if (!slot[i].id) {
			vp_error_set(err, VP_ERR_INVALID,
				     "invalid --iothreads '%s': iothreadids.iothread%zu needs its id= (libvirt's <iothread id>)",
				     arg, i);
			goto out;
		}
		snprintf(what, sizeof(what), "--iothreads iothreadids.iothread%zu.id", i);
		if (vp_parse_uint(slot[i].id, 1, 4294967295ULL, what, &id, err) < 0)
			goto out;
		snprintf(what, sizeof(what), "--iothreads iothreadids.iothread%zu", i);
		if (pool_check(what, slot[i].min, slot[i].max, err) < 0)
			goto out;
		for (j = 0; j < n_ids; j++)
			if (ids[j].id == id) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --iothreads '%s': I/O thread id %llu is given twice",
					     arg, (unsigned long long)id);
				goto out;
			}
		ids = vp_grow(ids, n_ids + 1, sizeof(*ids));
		ids[n_ids].id = (unsigned)id;
		ids[n_ids].pool_min = vp_strdup(slot[i].min);
		ids[n_ids].pool_max = vp_strdup(slot[i].max);
		n_ids++;
	}
	if (!have_count && !n_ids && !dmin && !dmax) {
		vp_error_set(err, VP_ERR_INVALID, "invalid --iothreads '%s': give a number of I/O threads",
			     arg);
		goto out;
	}
	/* the option is one setting: it replaces what a lower layer said */
	m->iothreads = (unsigned)count;
	iothread_ids_free(m->iothread_ids, m->n_iothread_ids);
	m->iothread_ids = TAKE_PTR(ids);
	m->n_iothread_ids = n_ids;
	n_ids = 0;
	vp_set_str(&m->defio_pool_min, dmin);
	vp_set_str(&m->defio_pool_max, dmax);
	r = 0;
out:
	iothread_ids_free(ids, n_ids);
	free(slot);
	vp_kvlist_clear(&l);
	return r;
}
