/* provision/spec.c — layering, canonical text and hash of a VM spec */
#include "spec.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "cleanup.h"
#include "hash.h"
#include "text.h"

static void source_clear(struct vp_disk_source *s)
{
	free(s->type);
	free(s->path);
	free(s->pool);
	free(s->volume);
	free(s->format);
	free(s->backing_path);
	free(s->backing_format);
	free(s->backing_pool);
	free(s->backing_volume);
	free(s->encryption);
	free(s->secret_uuid);
	memset(s, 0, sizeof(*s));
}

void vp_disk_spec_clear(struct vp_disk_spec *d)
{
	if (!d)
		return;
	free(d->path);
	free(d->pool);
	free(d->vol);
	free(d->format);
	free(d->bus);
	free(d->cache);
	free(d->backing_store);
	free(d->backing_format);
	free(d->device);
	free(d->encryption);
	free(d->secret_file);
	free(d->driver_name);
	free(d->io);
	free(d->discard);
	free(d->detect_zeroes);
	free(d->error_policy);
	free(d->serial);
	free(d->wwn);
	free(d->target_dev);
	free(d->net_protocol);
	free(d->net_name);
	free(d->net_host);
	free(d->net_socket);
	free(d->addr.type);
	free(d->target);
	source_clear(&d->src);
	memset(d, 0, sizeof(*d));
}

void vp_net_spec_clear(struct vp_net_spec *n)
{
	if (!n)
		return;
	free(n->type);
	free(n->source);
	free(n->model);
	free(n->mac);
	free(n->ip);
	free(n->source_mode);
	free(n->portgroup);
	free(n->link_state);
	free(n->driver_name);
	free(n->target_dev);
	free(n->filterref);
	free(n->rom_file);
	free(n->vport_type);
	free(n->vport_managerid);
	free(n->vport_typeid);
	free(n->vport_typeidversion);
	free(n->vport_instanceid);
	free(n->vport_profileid);
	free(n->vport_interfaceid);
	memset(n, 0, sizeof(*n));
}

static void boot_clear(struct vp_boot_spec *b)
{
	size_t i;

	for (i = 0; i < b->n_devs; i++)
		free(b->devs[i]);
	free(b->kernel);
	free(b->initrd);
	free(b->cmdline);
	memset(b, 0, sizeof(*b));
}

void vp_install_spec_clear(struct vp_install_spec *in)
{
	size_t i;

	free(in->location);
	free(in->kernel_hint);
	free(in->initrd_hint);
	free(in->extra_args);
	for (i = 0; i < in->n_inject; i++)
		free(in->inject[i]);
	free(in->inject);
	free(in->cdrom);
	free(in->tree_os);
	free(in->unattended.profile);
	free(in->unattended.admin_password_file);
	free(in->unattended.user_login);
	free(in->unattended.user_password_file);
	free(in->kernel);
	free(in->initrd);
	free(in->kernel_pool);
	free(in->kernel_vol);
	free(in->initrd_pool);
	free(in->initrd_vol);
	free(in->cmdline);
	free(in->media_pool);
	free(in->media_vol);
	memset(in, 0, sizeof(*in));
}

static char **strv_copy(char *const *v, size_t n)
{
	char **out = n ? vp_calloc(n, sizeof(*out)) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = vp_strdup(v[i]);
	return out;
}

void vp_cloud_spec_clear(struct vp_cloud_spec *c)
{
	free(c->image);
	free(c->hostname);
	free(c->root_password_file);
	vp_strings_free(c->root_ssh_keys, c->n_root_ssh_keys);
	vp_strings_free(c->clouduser_ssh_keys, c->n_clouduser_ssh_keys);
	free(c->user_data);
	free(c->meta_data);
	free(c->network_config);
	vp_strings_free(c->edits, c->n_edits);
	free(c->seed_pool);
	free(c->seed_vol);
	free(c->ssh_user);
	free(c->ssh_key);
	memset(c, 0, sizeof(*c));
}

bool vp_install_requested(const struct vp_install_spec *in)
{
	return in->location || in->cdrom || in->tree_os || in->no_install == VP_YES ||
	       in->pxe == VP_YES;
}

static void xmlopts_clear(struct vp_domain_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->n_xmlopts; i++) {
		free(spec->xmlopts[i].option);
		free(spec->xmlopts[i].arg);
	}
	free(spec->xmlopts);
	spec->xmlopts = NULL;
	spec->n_xmlopts = 0;
}

void vp_spec_clear(struct vp_domain_spec *spec)
{
	size_t i;

	if (!spec)
		return;
	free(spec->name);
	free(spec->virt_type);
	free(spec->arch);
	free(spec->machine);
	for (i = 0; i < spec->n_disks; i++)
		vp_disk_spec_clear(&spec->disks[i]);
	free(spec->disks);
	for (i = 0; i < spec->n_nets; i++)
		vp_net_spec_clear(&spec->nets[i]);
	free(spec->nets);
	free(spec->graphics.type);
	free(spec->graphics.listen);
	free(spec->console_target);
	boot_clear(&spec->boot);
	vp_machine_spec_clear(&spec->mach);
	vp_install_spec_clear(&spec->install);
	vp_cloud_spec_clear(&spec->cloud);
	free(spec->dev.disk_bus);
	free(spec->dev.net_model);
	free(spec->dev.usb_model);
	free(spec->dev.video_model);
	free(spec->os.id);
	free(spec->os.short_id);
	free(spec->os.name);
	xmlopts_clear(spec);
	free(spec->uuid);
	free(spec->cpu_mode);
	free(spec->console_log);
	free(spec->spec_hash);
	memset(spec, 0, sizeof(*spec));
}

struct vp_disk_spec *vp_spec_add_disk(struct vp_domain_spec *spec)
{
	spec->disks = vp_grow(spec->disks, spec->n_disks + 1, sizeof(*spec->disks));
	memset(&spec->disks[spec->n_disks], 0, sizeof(*spec->disks));
	spec->disks_set = true;
	return &spec->disks[spec->n_disks++];
}

struct vp_net_spec *vp_spec_add_net(struct vp_domain_spec *spec)
{
	spec->nets = vp_grow(spec->nets, spec->n_nets + 1, sizeof(*spec->nets));
	memset(&spec->nets[spec->n_nets], 0, sizeof(*spec->nets));
	spec->nets_set = true;
	return &spec->nets[spec->n_nets++];
}

static void copy_disk(struct vp_disk_spec *d, const struct vp_disk_spec *s)
{
	memset(d, 0, sizeof(*d));
	d->path = vp_strdup(s->path);
	d->pool = vp_strdup(s->pool);
	d->vol = vp_strdup(s->vol);
	d->size = s->size;
	d->format = vp_strdup(s->format);
	d->bus = vp_strdup(s->bus);
	d->cache = vp_strdup(s->cache);
	d->backing_store = vp_strdup(s->backing_store);
	d->backing_format = vp_strdup(s->backing_format);
	d->device = vp_strdup(s->device);
	d->readonly = s->readonly;
	d->sparse = s->sparse;
	d->install_media = s->install_media;
	d->seed = s->seed;
	d->encryption = vp_strdup(s->encryption);
	d->secret_file = vp_strdup(s->secret_file);
	d->shareable = s->shareable;
	d->driver_name = vp_strdup(s->driver_name);
	d->io = vp_strdup(s->io);
	d->discard = vp_strdup(s->discard);
	d->detect_zeroes = vp_strdup(s->detect_zeroes);
	d->error_policy = vp_strdup(s->error_policy);
	d->queues = s->queues;
	d->boot_order = s->boot_order;
	d->serial = vp_strdup(s->serial);
	d->wwn = vp_strdup(s->wwn);
	d->target_dev = vp_strdup(s->target_dev);
	d->net_protocol = vp_strdup(s->net_protocol);
	d->net_name = vp_strdup(s->net_name);
	d->net_host = vp_strdup(s->net_host);
	d->net_port = s->net_port;
	d->net_socket = vp_strdup(s->net_socket);
	d->iothread = s->iothread;
	d->addr = s->addr;
	d->addr.type = vp_strdup(s->addr.type);
}

static void copy_net(struct vp_net_spec *n, const struct vp_net_spec *s)
{
	n->type = vp_strdup(s->type);
	n->source = vp_strdup(s->source);
	n->model = vp_strdup(s->model);
	n->mac = vp_strdup(s->mac);
	n->ip = vp_strdup(s->ip);
	n->source_mode = vp_strdup(s->source_mode);
	n->portgroup = vp_strdup(s->portgroup);
	n->mtu = s->mtu;
	n->link_state = vp_strdup(s->link_state);
	n->driver_name = vp_strdup(s->driver_name);
	n->queues = s->queues;
	n->boot_order = s->boot_order;
	n->target_dev = vp_strdup(s->target_dev);
	n->filterref = vp_strdup(s->filterref);
	n->trust_rx = s->trust_rx;
	n->rom_bar = s->rom_bar;
	n->rom_file = vp_strdup(s->rom_file);
	n->vport_type = vp_strdup(s->vport_type);
	n->vport_managerid = vp_strdup(s->vport_managerid);
	n->vport_typeid = vp_strdup(s->vport_typeid);
	n->vport_typeidversion = vp_strdup(s->vport_typeidversion);
	n->vport_instanceid = vp_strdup(s->vport_instanceid);
	n->vport_profileid = vp_strdup(s->vport_profileid);
	n->vport_interfaceid = vp_strdup(s->vport_interfaceid);
}

static void merge_str(char **dst, const char *src)
{
	if (src)
		vp_set_str(dst, src);
}

static void merge_tri(enum vp_tristate *dst, enum vp_tristate src)
{
	if (src != VP_UNSET)
		*dst = src;
}

static void merge_strings(char ***dst, size_t *n_dst, char **src, size_t n_src)
{
	size_t i;

	if (!n_src)
		return;
	vp_strings_free(*dst, *n_dst);
	*dst = NULL;
	*n_dst = 0;
	for (i = 0; i < n_src; i++)
		vp_strings_add(dst, n_dst, vp_strdup(src[i]));
}

/* part B: --memory/--vcpus/--cpu/--iothreads and --boot's extras; the
 * topology and the CPU are each one setting */
static void merge_machine(struct vp_machine_spec *d, const struct vp_machine_spec *s)
{
	if (s->mem_current)
		d->mem_current = s->mem_current;
	if (s->mem_hotplug) {
		d->mem_hotplug = s->mem_hotplug;
		d->mem_slots = s->mem_slots;
	}
	if (s->vcpus_max)
		d->vcpus_max = s->vcpus_max;
	if (s->sockets || s->dies || s->cores || s->threads) {
		d->sockets = s->sockets;
		d->dies = s->dies;
		d->cores = s->cores;
		d->threads = s->threads;
	}
	merge_str(&d->vcpu_cpuset, s->vcpu_cpuset);
	merge_str(&d->vcpu_placement, s->vcpu_placement);
	if (s->cpu_mode) {
		vp_set_str(&d->cpu_mode, s->cpu_mode);
		vp_set_str(&d->cpu_model, s->cpu_model);
		vp_set_str(&d->cpu_fallback, s->cpu_fallback);
		vp_set_str(&d->cpu_vendor, s->cpu_vendor);
		vp_set_str(&d->cpu_match, s->cpu_match);
		vp_set_str(&d->cpu_check, s->cpu_check);
		vp_set_str(&d->cpu_cache_mode, s->cpu_cache_mode);
		vp_set_str(&d->cpu_cache_level, s->cpu_cache_level);
		d->cpu_migratable = s->cpu_migratable;
		vp_strings_free(d->cpu_features, d->n_cpu_features);
		d->cpu_features = NULL;
		d->n_cpu_features = 0;
		merge_strings(&d->cpu_features, &d->n_cpu_features, s->cpu_features,
			      s->n_cpu_features);
		vp_numa_cells_free(d->cells, d->n_cells);
		d->cells = NULL;
		d->n_cells = 0;
		if (s->n_cells) {
			size_t i;

			d->cells = vp_grow(NULL, s->n_cells, sizeof(*d->cells));
			for (i = 0; i < s->n_cells; i++) {
				const struct vp_numa_cell *c = &s->cells[i];
				struct vp_numa_cell *o = &d->cells[i];

				*o = *c;
				o->cpus = vp_strdup(c->cpus);
				o->mem_given = vp_strdup(c->mem_given);
				o->unit = vp_strdup(c->unit);
				o->mem_access = vp_strdup(c->mem_access);
				o->sib_ids = c->n_sib ? vp_grow(NULL, c->n_sib, sizeof(unsigned)) : NULL;
				o->sib_values = c->n_sib ? vp_grow(NULL, c->n_sib, sizeof(unsigned)) : NULL;
				if (c->n_sib) {
					memcpy(o->sib_ids, c->sib_ids, c->n_sib * sizeof(unsigned));
					memcpy(o->sib_values, c->sib_values, c->n_sib * sizeof(unsigned));
				}
			}
			d->n_cells = s->n_cells;
		}
	}
	if (s->iothreads || s->n_iothread_ids || s->defio_pool_min || s->defio_pool_max) {
		/* --iothreads is one setting */
		size_t i;

		for (i = 0; i < d->n_iothread_ids; i++) {
			free(d->iothread_ids[i].pool_min);
			free(d->iothread_ids[i].pool_max);
		}
		free(d->iothread_ids);
		d->iothread_ids = NULL;
		d->iothreads = s->iothreads;
		if (s->n_iothread_ids) {
			d->iothread_ids = vp_grow(NULL, s->n_iothread_ids, sizeof(*d->iothread_ids));
			for (i = 0; i < s->n_iothread_ids; i++) {
				d->iothread_ids[i].id = s->iothread_ids[i].id;
				d->iothread_ids[i].pool_min = vp_strdup(s->iothread_ids[i].pool_min);
				d->iothread_ids[i].pool_max = vp_strdup(s->iothread_ids[i].pool_max);
			}
		}
		d->n_iothread_ids = s->n_iothread_ids;
		vp_set_str(&d->defio_pool_min, s->defio_pool_min);
		vp_set_str(&d->defio_pool_max, s->defio_pool_max);
	}
	merge_tri(&d->bootmenu, s->bootmenu);
	merge_tri(&d->useserial, s->useserial);
	merge_tri(&d->loader_ro, s->loader_ro);
	merge_tri(&d->loader_secure, s->loader_secure);
	merge_str(&d->bootmenu_timeout, s->bootmenu_timeout);
	merge_str(&d->reboot_timeout, s->reboot_timeout);
	merge_str(&d->loader, s->loader);
	merge_str(&d->loader_type, s->loader_type);
	merge_str(&d->nvram, s->nvram);
	merge_str(&d->nvram_template, s->nvram_template);
	merge_str(&d->smbios_mode, s->smbios_mode);
	merge_strings(&d->fw_features, &d->n_fw_features, s->fw_features, s->n_fw_features);
	merge_str(&d->acpi_table, s->acpi_table);
	merge_str(&d->acpi_table_type, s->acpi_table_type);
}

int vp_spec_merge(struct vp_domain_spec *dst, const struct vp_domain_spec *src,
		  struct vp_error *err)
{
	size_t i;

	(void)err;
	merge_str(&dst->name, src->name);
	if (src->memory)
		dst->memory = src->memory;
	if (src->vcpus)
		dst->vcpus = src->vcpus;
	merge_str(&dst->virt_type, src->virt_type);
	merge_str(&dst->arch, src->arch);
	merge_str(&dst->machine, src->machine);
	if (src->disks_set) {
		for (i = 0; i < dst->n_disks; i++)
			vp_disk_spec_clear(&dst->disks[i]);
		free(dst->disks);
		dst->disks = NULL;
		dst->n_disks = 0;
		for (i = 0; i < src->n_disks; i++)
			copy_disk(vp_spec_add_disk(dst), &src->disks[i]);
		dst->disks_set = true;
	}
	if (src->nets_set) {
		for (i = 0; i < dst->n_nets; i++)
			vp_net_spec_clear(&dst->nets[i]);
		free(dst->nets);
		dst->nets = NULL;
		dst->n_nets = 0;
		for (i = 0; i < src->n_nets; i++)
			copy_net(vp_spec_add_net(dst), &src->nets[i]);
		dst->nets_set = true;
	}
	merge_str(&dst->graphics.type, src->graphics.type);
	merge_str(&dst->graphics.listen, src->graphics.listen);
	merge_str(&dst->console_target, src->console_target);
	if (src->graphics.port)
		dst->graphics.port = src->graphics.port;
	if (src->boot.n_devs) {
		for (i = 0; i < dst->boot.n_devs; i++)
			free(dst->boot.devs[i]);
		for (i = 0; i < src->boot.n_devs; i++)
			dst->boot.devs[i] = vp_strdup(src->boot.devs[i]);
		dst->boot.n_devs = src->boot.n_devs;
	}
	merge_tri(&dst->boot.uefi, src->boot.uefi);
	merge_machine(&dst->mach, &src->mach);
	merge_str(&dst->boot.kernel, src->boot.kernel);
	merge_str(&dst->boot.initrd, src->boot.initrd);
	merge_str(&dst->boot.cmdline, src->boot.cmdline);
	if (vp_install_requested(&src->install) || src->install.extra_args ||
	    src->install.n_inject || src->install.unattended.set) {
		const struct vp_install_spec *si = &src->install;
		struct vp_install_spec *di = &dst->install;

		merge_str(&di->location, si->location);
		merge_str(&di->kernel_hint, si->kernel_hint);
		merge_str(&di->initrd_hint, si->initrd_hint);
		merge_str(&di->extra_args, si->extra_args);
		merge_str(&di->cdrom, si->cdrom);
		merge_str(&di->tree_os, si->tree_os);
		merge_tri(&di->no_install, si->no_install);
		merge_tri(&di->pxe, si->pxe);
		if (si->n_inject) {
			for (i = 0; i < di->n_inject; i++)
				free(di->inject[i]);
			free(di->inject);
			di->inject = vp_calloc(si->n_inject, sizeof(*di->inject));
			for (i = 0; i < si->n_inject; i++)
				di->inject[i] = vp_strdup(si->inject[i]);
			di->n_inject = si->n_inject;
		}
		if (si->unattended.set) {
			di->unattended.set = true;
			merge_str(&di->unattended.profile, si->unattended.profile);
			merge_str(&di->unattended.admin_password_file, si->unattended.admin_password_file);
			merge_str(&di->unattended.user_login, si->unattended.user_login);
			merge_str(&di->unattended.user_password_file, si->unattended.user_password_file);
		}
	}
	merge_str(&dst->cloud.image, src->cloud.image);
	if (src->cloud.n_edits) {
		vp_strings_free(dst->cloud.edits, dst->cloud.n_edits);
		dst->cloud.edits = strv_copy(src->cloud.edits, src->cloud.n_edits);
		dst->cloud.n_edits = src->cloud.n_edits;
	}
	if (src->cloud.init_set) {
		/* --cloud-init is one option: the later one replaces it whole */
		char *image = TAKE_PTR(dst->cloud.image);
		size_t n_edits = dst->cloud.n_edits;
		char **edits = TAKE_PTR(dst->cloud.edits);

		dst->cloud.n_edits = 0;
		const struct vp_cloud_spec *sc = &src->cloud;
		struct vp_cloud_spec *dc = &dst->cloud;

		vp_cloud_spec_clear(dc);
		dc->image = image;
		dc->edits = edits;
		dc->n_edits = n_edits;
		dc->init_set = true;
		dc->init_none = sc->init_none;
		dc->hostname = vp_strdup(sc->hostname);
		dc->root_password_file = vp_strdup(sc->root_password_file);
		dc->root_password_generate = sc->root_password_generate;
		dc->disable = sc->disable;
		dc->root_ssh_keys = strv_copy(sc->root_ssh_keys, sc->n_root_ssh_keys);
		dc->n_root_ssh_keys = sc->n_root_ssh_keys;
		dc->clouduser_ssh_keys = strv_copy(sc->clouduser_ssh_keys, sc->n_clouduser_ssh_keys);
		dc->n_clouduser_ssh_keys = sc->n_clouduser_ssh_keys;
		dc->user_data = vp_strdup(sc->user_data);
		dc->meta_data = vp_strdup(sc->meta_data);
		dc->network_config = vp_strdup(sc->network_config);
	}
	merge_tri(&dst->import, src->import);
	merge_tri(&dst->autostart, src->autostart);
	merge_tri(&dst->transient, src->transient);
	if (src->disk_size)
		dst->disk_size = src->disk_size;
	merge_str(&dst->dev.disk_bus, src->dev.disk_bus);
	merge_str(&dst->dev.net_model, src->dev.net_model);
	merge_str(&dst->dev.usb_model, src->dev.usb_model);
	merge_str(&dst->dev.video_model, src->dev.video_model);
	merge_tri(&dst->dev.rng, src->dev.rng);
	merge_tri(&dst->dev.balloon, src->dev.balloon);
	merge_tri(&dst->dev.agent, src->dev.agent);
	merge_tri(&dst->dev.tablet, src->dev.tablet);
	merge_tri(&dst->dev.localtime, src->dev.localtime);
	merge_tri(&dst->dev.hyperv, src->dev.hyperv);
	if (src->os.id) {
		vp_set_str(&dst->os.id, src->os.id);
		vp_set_str(&dst->os.short_id, src->os.short_id);
		vp_set_str(&dst->os.name, src->os.name);
	}
	if (src->n_xmlopts) { /* a list: replaces */
		xmlopts_clear(dst);
		dst->xmlopts = vp_calloc(src->n_xmlopts, sizeof(*dst->xmlopts));
		for (i = 0; i < src->n_xmlopts; i++) {
			dst->xmlopts[i].option = vp_strdup(src->xmlopts[i].option);
			dst->xmlopts[i].arg = vp_strdup(src->xmlopts[i].arg);
		}
		dst->n_xmlopts = src->n_xmlopts;
	}
	return 0;
}

void vp_spec_defaults(struct vp_domain_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->memory = VP_DEFAULT_MEMORY;
	spec->vcpus = VP_DEFAULT_VCPUS;
	spec->disk_size = VP_DEFAULT_DISK_SIZE;
	spec->graphics.type = vp_strdup("vnc");
	spec->import = VP_NO;
	spec->autostart = VP_NO;
	spec->transient = VP_NO;
}

/* A growing text buffer for the canonical form. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *key, const char *val)
{
	size_t need;
	const char *v;

	if (!val)
		return;
	need = strlen(key) + strlen(val) * 4 + 3;
	if (b->len + need + 1 > b->cap) {
		b->cap = (b->len + need + 1) * 2;
		b->p = vp_grow(b->p, b->cap, 1);
	}
	b->len += (size_t)sprintf(b->p + b->len, "%s=", key);
	/* escape so that no value can forge another line */
	for (v = val; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (c == '\\' || c == '\n' || c < 0x20)
			b->len += (size_t)sprintf(b->p + b->len, "\\x%02x", c);
		else
			b->p[b->len++] = (char)c;
	}
	b->p[b->len++] = '\n';
	b->p[b->len] = '\0';
}

static void buf_addu(struct buf *b, const char *key, uint64_t v)
{
	char tmp[32];

	if (!v)
		return;
	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	buf_add(b, key, tmp);
}

static void buf_addt(struct buf *b, const char *key, enum vp_tristate t)
{
	if (t != VP_UNSET)
		buf_add(b, key, t == VP_YES ? "yes" : "no");
}

char *vp_spec_canonical(const struct vp_domain_spec *s)
{
	struct buf b = { 0 };
	char key[64];
	size_t i;

	b.cap = 256;
	b.p = vp_grow(NULL, b.cap, 1);
	b.p[0] = '\0';
	buf_add(&b, "format", "vprov-spec-1");
	buf_add(&b, "name", s->name);
	buf_addu(&b, "memory", s->memory);
	buf_addu(&b, "vcpus", s->vcpus);
	buf_add(&b, "virt_type", s->virt_type);
	buf_add(&b, "arch", s->arch);
	buf_add(&b, "machine", s->machine);
	if (s->disks_set)
		buf_addu(&b, "disks", s->n_disks + 1);
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];

#define DK(f) (snprintf(key, sizeof(key), "disk%zu.%s", i, f), key)
		buf_add(&b, DK("path"), d->path);
		buf_add(&b, DK("pool"), d->pool);
		buf_add(&b, DK("vol"), d->vol);
		buf_addu(&b, DK("size"), d->size);
		buf_add(&b, DK("format"), d->format);
		buf_add(&b, DK("bus"), d->bus);
		buf_add(&b, DK("cache"), d->cache);
		buf_add(&b, DK("backing_store"), d->backing_store);
		buf_add(&b, DK("backing_format"), d->backing_format);
		buf_add(&b, DK("device"), d->device);
		buf_addt(&b, DK("readonly"), d->readonly);
		buf_addt(&b, DK("sparse"), d->sparse);
		buf_add(&b, DK("encryption"), d->encryption);
		buf_add(&b, DK("secret-file"), d->secret_file);
		buf_addt(&b, DK("shareable"), d->shareable);
		buf_add(&b, DK("driver.name"), d->driver_name);
		buf_add(&b, DK("io"), d->io);
		buf_add(&b, DK("discard"), d->discard);
		buf_add(&b, DK("detect_zeroes"), d->detect_zeroes);
		buf_add(&b, DK("error_policy"), d->error_policy);
		buf_addu(&b, DK("queues"), d->queues);
		buf_addu(&b, DK("boot.order"), d->boot_order);
		buf_add(&b, DK("serial"), d->serial);
		buf_add(&b, DK("wwn"), d->wwn);
		buf_add(&b, DK("target.dev"), d->target_dev);
		buf_add(&b, DK("source.protocol"), d->net_protocol);
		buf_add(&b, DK("source.name"), d->net_name);
		buf_add(&b, DK("source.host.name"), d->net_host);
		buf_addu(&b, DK("source.host.port"), d->net_port);
		buf_add(&b, DK("source.host.socket"), d->net_socket);
		buf_addu(&b, DK("driver.iothread"), d->iothread);
		buf_add(&b, DK("address.type"), d->addr.type);
		{
			static const char *const an[VP_ADDR_N] = { "controller", "bus", "target", "unit",
								   "domain", "slot", "function" };
			size_t a;
			char v[16];

			for (a = 0; a < VP_ADDR_N; a++) {
				if (!(d->addr.set & (1u << a)))
					continue;
				snprintf(v, sizeof(v), "%u", d->addr.v[a]);
				snprintf(key, sizeof(key), "disk%zu.address.%s", i, an[a]);
				buf_add(&b, key, v);
			}
		}
		buf_addt(&b, DK("address.multifunction"), d->addr.multifunction);
#undef DK
	}
	if (s->nets_set)
		buf_addu(&b, "nets", s->n_nets + 1);
	for (i = 0; i < s->n_nets; i++) {
		const struct vp_net_spec *n = &s->nets[i];

#define NK(f) (snprintf(key, sizeof(key), "net%zu.%s", i, f), key)
		buf_add(&b, NK("type"), n->type);
		buf_add(&b, NK("source"), n->source);
		buf_add(&b, NK("model"), n->model);
		buf_add(&b, NK("mac"), n->mac);
		buf_add(&b, NK("ip"), n->ip);
		buf_add(&b, NK("source.mode"), n->source_mode);
		buf_add(&b, NK("portgroup"), n->portgroup);
		buf_addu(&b, NK("mtu.size"), n->mtu);
		buf_add(&b, NK("link.state"), n->link_state);
		buf_add(&b, NK("driver.name"), n->driver_name);
		buf_addu(&b, NK("driver.queues"), n->queues);
		buf_addu(&b, NK("boot.order"), n->boot_order);
		buf_add(&b, NK("target.dev"), n->target_dev);
		buf_add(&b, NK("filterref"), n->filterref);
		buf_addt(&b, NK("trustGuestRxFilters"), n->trust_rx);
		buf_addt(&b, NK("rom.bar"), n->rom_bar);
		buf_add(&b, NK("rom.file"), n->rom_file);
		buf_add(&b, NK("virtualport.type"), n->vport_type);
		buf_add(&b, NK("virtualport.managerid"), n->vport_managerid);
		buf_add(&b, NK("virtualport.typeid"), n->vport_typeid);
		buf_add(&b, NK("virtualport.typeidversion"), n->vport_typeidversion);
		buf_add(&b, NK("virtualport.instanceid"), n->vport_instanceid);
		buf_add(&b, NK("virtualport.profileid"), n->vport_profileid);
		buf_add(&b, NK("virtualport.interfaceid"), n->vport_interfaceid);
#undef NK
	}
	buf_add(&b, "graphics", s->graphics.type);
	buf_add(&b, "graphics.listen", s->graphics.listen);
	buf_addu(&b, "graphics.port", (uint64_t)s->graphics.port);
	buf_add(&b, "console", s->console_target);
	for (i = 0; i < s->boot.n_devs; i++)
		buf_add(&b, "boot.dev", s->boot.devs[i]);
	buf_addt(&b, "boot.uefi", s->boot.uefi);
	buf_add(&b, "boot.kernel", s->boot.kernel);
	buf_add(&b, "boot.initrd", s->boot.initrd);
	buf_add(&b, "boot.cmdline", s->boot.cmdline);
	buf_add(&b, "install.location", s->install.location);
	buf_add(&b, "install.kernel", s->install.kernel_hint);
	buf_add(&b, "install.initrd", s->install.initrd_hint);
	buf_add(&b, "install.extra_args", s->install.extra_args);
	for (i = 0; i < s->install.n_inject; i++)
		buf_add(&b, "install.inject", s->install.inject[i]);
	buf_add(&b, "install.cdrom", s->install.cdrom);
	buf_add(&b, "install.tree_os", s->install.tree_os);
	buf_addt(&b, "install.no_install", s->install.no_install);
	buf_addt(&b, "install.pxe", s->install.pxe);
	buf_add(&b, "install.unattended", s->install.unattended.set ? "yes" : NULL);
	buf_add(&b, "cloud.image", s->cloud.image);
	buf_add(&b, "cloud.init", s->cloud.init_set ? (s->cloud.init_none ? "none" : "yes") : NULL);
	buf_add(&b, "cloud.hostname", s->cloud.hostname);
	buf_add(&b, "cloud.root_password_file", s->cloud.root_password_file);
	buf_addt(&b, "cloud.root_password_generate", s->cloud.root_password_generate);
	buf_addt(&b, "cloud.disable", s->cloud.disable);
	for (i = 0; i < s->cloud.n_root_ssh_keys; i++)
		buf_add(&b, "cloud.root_ssh_key", s->cloud.root_ssh_keys[i]);
	for (i = 0; i < s->cloud.n_clouduser_ssh_keys; i++)
		buf_add(&b, "cloud.clouduser_ssh_key", s->cloud.clouduser_ssh_keys[i]);
	buf_add(&b, "cloud.user_data", s->cloud.user_data);
	buf_add(&b, "cloud.meta_data", s->cloud.meta_data);
	buf_add(&b, "cloud.network_config", s->cloud.network_config);
	for (i = 0; i < s->cloud.n_edits; i++)
		buf_add(&b, "cloud.edit", s->cloud.edits[i]);
	buf_addt(&b, "import", s->import);
	buf_addt(&b, "autostart", s->autostart);
	buf_addt(&b, "transient", s->transient);
	buf_addu(&b, "disk_size", s->disk_size);
	buf_add(&b, "dev.disk_bus", s->dev.disk_bus);
	buf_add(&b, "dev.net_model", s->dev.net_model);
	buf_add(&b, "dev.usb_model", s->dev.usb_model);
	buf_add(&b, "dev.video_model", s->dev.video_model);
	buf_addt(&b, "dev.rng", s->dev.rng);
	buf_addt(&b, "dev.balloon", s->dev.balloon);
	buf_addt(&b, "dev.agent", s->dev.agent);
	buf_addt(&b, "dev.tablet", s->dev.tablet);
	buf_addt(&b, "dev.localtime", s->dev.localtime);
	buf_addt(&b, "dev.hyperv", s->dev.hyperv);
	buf_add(&b, "os", s->os.id);
	for (i = 0; i < s->n_xmlopts; i++) {
		snprintf(key, sizeof(key), "xmlopt%zu.%s", i, s->xmlopts[i].option);
		buf_add(&b, key, s->xmlopts[i].arg);
	}
	{
		const struct vp_machine_spec *m = &s->mach;

		buf_addu(&b, "memory.current", m->mem_current);
		buf_addu(&b, "memory.hotplug", m->mem_hotplug);
		buf_addu(&b, "memory.slots", m->mem_slots);
		buf_addu(&b, "vcpus.max", m->vcpus_max);
		buf_addu(&b, "topology.sockets", m->sockets);
		buf_addu(&b, "topology.dies", m->dies);
		buf_addu(&b, "topology.cores", m->cores);
		buf_addu(&b, "topology.threads", m->threads);
		buf_add(&b, "vcpus.cpuset", m->vcpu_cpuset);
		buf_add(&b, "vcpus.placement", m->vcpu_placement);
		buf_add(&b, "cpu.mode", m->cpu_mode);
		buf_add(&b, "cpu.model", m->cpu_model);
		buf_add(&b, "cpu.fallback", m->cpu_fallback);
		buf_add(&b, "cpu.vendor", m->cpu_vendor);
		buf_add(&b, "cpu.match", m->cpu_match);
		buf_add(&b, "cpu.check", m->cpu_check);
		buf_add(&b, "cpu.cache_mode", m->cpu_cache_mode);
		buf_add(&b, "cpu.cache_level", m->cpu_cache_level);
		buf_addt(&b, "cpu.migratable", m->cpu_migratable);
		for (i = 0; i < m->n_cpu_features; i++)
			buf_add(&b, "cpu.feature", m->cpu_features[i]);
		for (i = 0; i < m->n_cells; i++) {
			const struct vp_numa_cell *c = &m->cells[i];
			size_t j;

			snprintf(key, sizeof(key), "cpu.numa%zu.id", i);
			buf_addu(&b, key, (uint64_t)(c->id + 1));
			snprintf(key, sizeof(key), "cpu.numa%zu.cpus", i);
			buf_add(&b, key, c->cpus);
			snprintf(key, sizeof(key), "cpu.numa%zu.memory", i);
			buf_addu(&b, key, c->memory);
			snprintf(key, sizeof(key), "cpu.numa%zu.unit", i);
			buf_add(&b, key, c->unit);
			snprintf(key, sizeof(key), "cpu.numa%zu.memAccess", i);
			buf_add(&b, key, c->mem_access);
			snprintf(key, sizeof(key), "cpu.numa%zu.discard", i);
			buf_addt(&b, key, c->discard);
			for (j = 0; j < c->n_sib; j++) {
				snprintf(key, sizeof(key), "cpu.numa%zu.distance%u", i, c->sib_ids[j]);
				buf_addu(&b, key, c->sib_values[j]);
			}
		}
		buf_addu(&b, "iothreads", m->iothreads);
		for (i = 0; i < m->n_iothread_ids; i++) {
			buf_addu(&b, "iothreadids.id", m->iothread_ids[i].id);
			buf_add(&b, "iothreadids.thread_pool_min", m->iothread_ids[i].pool_min);
			buf_add(&b, "iothreadids.thread_pool_max", m->iothread_ids[i].pool_max);
		}
		buf_add(&b, "defaultiothread.thread_pool_min", m->defio_pool_min);
		buf_add(&b, "defaultiothread.thread_pool_max", m->defio_pool_max);
		buf_addt(&b, "boot.menu", m->bootmenu);
		buf_add(&b, "boot.menu_timeout", m->bootmenu_timeout);
		buf_addt(&b, "boot.useserial", m->useserial);
		buf_add(&b, "boot.reboot_timeout", m->reboot_timeout);
		buf_add(&b, "boot.loader", m->loader);
		buf_addt(&b, "boot.loader_ro", m->loader_ro);
		buf_add(&b, "boot.loader_type", m->loader_type);
		buf_addt(&b, "boot.loader_secure", m->loader_secure);
		buf_add(&b, "boot.nvram", m->nvram);
		buf_add(&b, "boot.nvram_template", m->nvram_template);
		buf_add(&b, "boot.smbios_mode", m->smbios_mode);
		for (i = 0; i < m->n_fw_features; i++)
			buf_add(&b, "boot.firmware_feature", m->fw_features[i]);
		buf_add(&b, "boot.acpi_table", m->acpi_table);
		buf_add(&b, "boot.acpi_table_type", m->acpi_table_type);
	}
	return b.p;
}

char *vp_spec_hash(const struct vp_domain_spec *spec)
{
	_cleanup_(freep) char *text = vp_spec_canonical(spec);

	return vp_sha256_hex(text, 64);
}

int vp_name_check(const char *name, struct vp_error *err)
{
	size_t i, len;

	if (!name || !*name)
		return vp_error_set(err, VP_ERR_INVALID, "a VM name is required");
	len = strlen(name);
	if (len > 64)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid VM name '%.64s...': longer than 64 characters", name);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (isalnum(c) && c < 0x80)
			continue;
		if (i > 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		if (c < 0x20 || c >= 0x7f)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid VM name: character 0x%02x is not allowed (use letters, digits, '.', '_' and '-')",
					    c);
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid VM name '%s': '%c' is not allowed (use letters, digits, '.', '_' and '-', starting with a letter or digit)",
				    name, c);
	}
	return 0;
}

int vp_spec_check_value(const char *what, const char *value, struct vp_error *err)
{
	const unsigned char *bad = (const unsigned char *)vp_text_bad(value);

	if (!bad)
		return 0;
	if (bad[0] < 0x20 || bad[0] == 0x7f)
		return vp_error_set(err, VP_ERR_INVALID,
				    "%s contains a control character (\\x%02x), which a domain description cannot hold",
				    what, bad[0]);
	if (bad[0] == 0xef && bad[1] == 0xbf && (bad[2] == 0xbe || bad[2] == 0xbf))
		return vp_error_set(err, VP_ERR_INVALID,
				    "%s contains the non-character U+%s, which a domain description cannot hold",
				    what, bad[2] == 0xbe ? "FFFE" : "FFFF");
	return vp_error_set(err, VP_ERR_INVALID,
			    "%s contains a byte that is not UTF-8 (\\x%02x), which a domain description cannot hold",
			    what, bad[0]);
}

/* Field what of the i-th of n items of a kind ("disk"), named "--disk path
 * (disk 2)" when there are several; kind NULL: a field of the spec. */
static int check_field(const char *what, const char *kind, size_t i, size_t n,
		       const char *value, struct vp_error *err)
{
	char name[96];

	if (!value)
		return 0;
	if (kind && n > 1) {
		snprintf(name, sizeof(name), "%s (%s %zu)", what, kind, i + 1);
		return vp_spec_check_value(name, value, err);
	}
	return vp_spec_check_value(what, value, err);
}

int vp_spec_check_text(const struct vp_domain_spec *s, struct vp_error *err)
{
	const struct { const char *what; const char *value; } top[] = {
		{ "--name", s->name },
		{ "--virt-type", s->virt_type },
		{ "--arch", s->arch },
		{ "--machine", s->machine },
		{ "--graphics", s->graphics.type },
		{ "--graphics listen", s->graphics.listen },
		{ "--boot kernel", s->boot.kernel },
		{ "--boot initrd", s->boot.initrd },
		{ "--boot kernel_args", s->boot.cmdline },
		{ "--location", s->install.location },
		{ "--location kernel", s->install.kernel_hint },
		{ "--location initrd", s->install.initrd_hint },
		{ "--extra-args", s->install.extra_args },
		{ "--cdrom", s->install.cdrom },
		{ "--install", s->install.tree_os },
		{ "--unattended profile", s->install.unattended.profile },
		{ "--unattended admin-password-file", s->install.unattended.admin_password_file },
		{ "--unattended user-login", s->install.unattended.user_login },
		{ "--unattended user-password-file", s->install.unattended.user_password_file },
		{ "--image", s->cloud.image },
		{ "--cloud-init hostname", s->cloud.hostname },
		{ "--cloud-init root-password-file", s->cloud.root_password_file },
		{ "--cloud-init user-data", s->cloud.user_data },
		{ "--cloud-init meta-data", s->cloud.meta_data },
		{ "--cloud-init network-config", s->cloud.network_config },
		{ "the OS profile's disk bus", s->dev.disk_bus },
		{ "the OS profile's NIC model", s->dev.net_model },
		{ "the OS profile's USB model", s->dev.usb_model },
		{ "the OS profile's video model", s->dev.video_model },
		{ "--os profile id", s->os.id },
		{ "--os short id", s->os.short_id },
		{ "--os profile name", s->os.name },
		{ "--vcpus cpuset", s->mach.vcpu_cpuset },
		{ "--vcpus placement", s->mach.vcpu_placement },
		{ "--cpu mode", s->mach.cpu_mode },
		{ "--cpu model", s->mach.cpu_model },
		{ "--cpu model.fallback", s->mach.cpu_fallback },
		{ "--cpu vendor", s->mach.cpu_vendor },
		{ "--cpu match", s->mach.cpu_match },
		{ "--cpu check", s->mach.cpu_check },
		{ "--cpu cache.mode", s->mach.cpu_cache_mode },
		{ "--cpu cache.level", s->mach.cpu_cache_level },
		{ "--boot bootmenu.timeout", s->mach.bootmenu_timeout },
		{ "--boot rebootTimeout", s->mach.reboot_timeout },
		{ "--boot loader", s->mach.loader },
		{ "--boot loader.type", s->mach.loader_type },
		{ "--boot nvram", s->mach.nvram },
		{ "--boot nvram.template", s->mach.nvram_template },
		{ "--boot smbios.mode", s->mach.smbios_mode },
	};
	size_t i;

	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (check_field(top[i].what, NULL, 0, 1, top[i].value, err) < 0)
			return -1;
	for (i = 0; i < s->mach.n_cpu_features; i++)
		if (check_field("--cpu feature", NULL, 0, 1, s->mach.cpu_features[i], err) < 0)
			return -1;
	for (i = 0; i < s->mach.n_fw_features; i++)
		if (check_field("--boot firmware.feature", NULL, 0, 1, s->mach.fw_features[i], err) < 0)
			return -1;
	for (i = 0; i < s->boot.n_devs && i < VP_MAX_BOOT_DEVS; i++)
		if (check_field("--boot", NULL, 0, 1, s->boot.devs[i], err) < 0)
			return -1;
	for (i = 0; i < s->install.n_inject; i++)
		if (check_field("--initrd-inject", NULL, 0, 1, s->install.inject[i], err) < 0)
			return -1;
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];
		const struct { const char *what; const char *value; } f[] = {
			{ "--disk path", d->path },
			{ "--disk pool", d->pool },
			{ "--disk vol", d->vol },
			{ "--disk format", d->format },
			{ "--disk bus", d->bus },
			{ "--disk cache", d->cache },
			{ "--disk backing_store", d->backing_store },
			{ "--disk backing_format", d->backing_format },
			{ "--disk device", d->device },
			{ "--disk encryption", d->encryption },
			{ "--disk secret-file", d->secret_file },
			{ "--disk driver.name", d->driver_name },
			{ "--disk driver.io", d->io },
			{ "--disk driver.discard", d->discard },
			{ "--disk driver.detect_zeroes", d->detect_zeroes },
			{ "--disk driver.error_policy", d->error_policy },
			{ "--disk serial", d->serial },
			{ "--disk wwn", d->wwn },
			{ "--disk target.dev", d->target_dev },
			{ "--disk source.protocol", d->net_protocol },
			{ "--disk source.name", d->net_name },
			{ "--disk source.host.name", d->net_host },
			{ "--disk source.host.socket", d->net_socket },
		};
		size_t j;

		for (j = 0; j < sizeof(f) / sizeof(f[0]); j++)
			if (check_field(f[j].what, "disk", i, s->n_disks, f[j].value, err) < 0)
				return -1;
	}
	for (i = 0; i < s->n_nets; i++) {
		const struct vp_net_spec *n = &s->nets[i];
		const char *source = "--network source";

		if (n->type && !strcmp(n->type, "network"))
			source = "--network network";
		else if (n->type && !strcmp(n->type, "bridge"))
			source = "--network bridge";
		if (check_field("--network type", "network", i, s->n_nets, n->type, err) < 0 ||
		    check_field(source, "network", i, s->n_nets, n->source, err) < 0 ||
		    check_field("--network model", "network", i, s->n_nets, n->model, err) < 0 ||
		    check_field("--network mac", "network", i, s->n_nets, n->mac, err) < 0 ||
		    check_field("--network ip", "network", i, s->n_nets, n->ip, err) < 0)
			return -1;
		{
			const struct { const char *what; const char *value; } f[] = {
				{ "--network source.mode", n->source_mode },
				{ "--network portgroup", n->portgroup },
				{ "--network link.state", n->link_state },
				{ "--network driver.name", n->driver_name },
				{ "--network target.dev", n->target_dev },
				{ "--network filterref", n->filterref },
				{ "--network rom.file", n->rom_file },
				{ "--network virtualport.type", n->vport_type },
				{ "--network virtualport.parameters.managerid", n->vport_managerid },
				{ "--network virtualport.parameters.typeid", n->vport_typeid },
				{ "--network virtualport.parameters.typeidversion", n->vport_typeidversion },
				{ "--network virtualport.parameters.instanceid", n->vport_instanceid },
				{ "--network virtualport.parameters.profileid", n->vport_profileid },
				{ "--network virtualport.parameters.interfaceid", n->vport_interfaceid },
			};
			size_t j;

			for (j = 0; j < sizeof(f) / sizeof(f[0]); j++)
				if (check_field(f[j].what, "network", i, s->n_nets, f[j].value, err) < 0)
					return -1;
		}
	}
	for (i = 0; i < s->n_xmlopts; i++) {
		char what[64];

		snprintf(what, sizeof(what), "--%s", s->xmlopts[i].option);
		if (check_field(what, NULL, 0, 1, s->xmlopts[i].arg, err) < 0)
			return -1;
	}
	return 0;
}
