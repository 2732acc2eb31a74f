/* provision/domain_xml.c — fill the domain template from a resolved spec
 *
 * Pure: no libvirt call, no file system, no clock.  Everything host-specific
 * (paths, domain type, machine, uuid) was resolved into the spec by
 * vp_create_plan() (provision/create.h).  Values go in as data through the tree API, so no
 * name, path or kernel argument can change the document's structure.
 */
#include "domain_xml.h"
#include "xmlopts.h"

#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "metadata.h"
#include "xmlutil.h"

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool has_install_media(const struct vp_domain_spec *s)
{
	size_t i;

	for (i = 0; i < s->n_disks; i++)
		if (s->disks[i].install_media)
			return true;
	return false;
}

/* Some disk or NIC has its own boot.order=. */
static bool has_boot_orders(const struct vp_domain_spec *s)
{
	size_t i;

	for (i = 0; i < s->n_disks; i++)
		if (s->disks[i].boot_order)
			return true;
	for (i = 0; i < s->n_nets; i++)
		if (s->nets[i].boot_order)
			return true;
	return false;
}

/* --boot acpi.table=: a table QEMU adds to the guest's ACPI (SLIC) */
static void build_acpi(xmlNodePtr os, const struct vp_machine_spec *m)
{
	if (!m->acpi_table)
		return;
	vp_xml_set(vp_xml_add(vp_xml_add(os, "acpi", NULL), "table", m->acpi_table), "type",
		   m->acpi_table_type ? m->acpi_table_type : "slic");
}

static void build_os(xmlNodePtr os, const struct vp_domain_spec *s, bool install)
{
	xmlNodePtr type = vp_xml_child(os, "type");
	size_t i;

	const struct vp_machine_spec *m = &s->mach;

	vp_xml_set(type, "arch", s->arch);
	vp_xml_set(type, "machine", s->machine);
	/* a loader of the user's is the firmware: libvirt (9.0) refuses it
	 * beside firmware autoselection */
	if (s->boot.uefi == VP_YES && !m->loader)
		vp_xml_set(os, "firmware", "efi");
	if (m->n_fw_features && !m->loader) {
		/* what libvirt's firmware autoselection must (not) pick */
		xmlNodePtr fw = vp_xml_add(os, "firmware", NULL);

		for (i = 0; i < m->n_fw_features; i++) {
			const char *c = strrchr(m->fw_features[i], ':');
			_cleanup_(freep) char *name = vp_strndup(m->fw_features[i],
								(size_t)(c - m->fw_features[i]));
			xmlNodePtr f = vp_xml_add(fw, "feature", NULL);

			vp_xml_set(f, "enabled", c + 1);
			vp_xml_set(f, "name", name);
		}
	}
	if (m->loader) {
		xmlNodePtr l = vp_xml_add(os, "loader", m->loader);

		if (m->loader_ro != VP_UNSET)
			vp_xml_set(l, "readonly", m->loader_ro == VP_YES ? "yes" : "no");
		if (m->loader_secure != VP_UNSET)
			vp_xml_set(l, "secure", m->loader_secure == VP_YES ? "yes" : "no");
		vp_xml_set(l, "type", m->loader_type);
	}
	if (m->nvram || m->nvram_template) {
		xmlNodePtr n = vp_xml_add(os, "nvram", m->nvram);

		vp_xml_set(n, "template", m->nvram_template);
	}
	if (install && s->install.kernel) {
		vp_xml_add(os, "kernel", s->install.kernel);
		if (s->install.initrd)
			vp_xml_add(os, "initrd", s->install.initrd);
		if (s->install.cmdline)
			vp_xml_add(os, "cmdline", s->install.cmdline);
		build_acpi(os, m);
	} else if (install) {
		build_acpi(os, m);
		/* the installer's ISO, or the network, first; then the disks */
		if (has_install_media(s))
			vp_xml_set(vp_xml_add(os, "boot", NULL), "dev", "cdrom");
		if (s->install.pxe == VP_YES)
			vp_xml_set(vp_xml_add(os, "boot", NULL), "dev", "network");
		vp_xml_set(vp_xml_add(os, "boot", NULL), "dev", "hd");
	} else {
		if (s->boot.kernel) {
			vp_xml_add(os, "kernel", s->boot.kernel);
			if (s->boot.initrd)
				vp_xml_add(os, "initrd", s->boot.initrd);
			if (s->boot.cmdline)
				vp_xml_add(os, "cmdline", s->boot.cmdline);
		}
		build_acpi(os, m);
		/* beside a kernel too, as virt-install writes --boot kernel=K,hd */
		for (i = 0; i < s->boot.n_devs; i++)
			vp_xml_set(vp_xml_add(os, "boot", NULL), "dev", s->boot.devs[i]);
	}
	if (m->bootmenu != VP_UNSET || m->bootmenu_timeout) {
		xmlNodePtr bm = vp_xml_add(os, "bootmenu", NULL);

		/* a timeout alone means a menu (libvirt needs enable=) */
		vp_xml_set(bm, "enable", m->bootmenu == VP_NO ? "no" : "yes");
		vp_xml_set(bm, "timeout", m->bootmenu_timeout);
	}
	if (m->smbios_mode)
		vp_xml_set(vp_xml_add(os, "smbios", NULL), "mode", m->smbios_mode);
	/* SeaBIOS prints to the serial console too, so the console log tells
	 * a disk that does not boot from a guest that says nothing (not with
	 * UEFI or a loader of the user's: the BIOS's setting) */
	if (m->useserial == VP_YES || m->reboot_timeout ||
	    (m->useserial == VP_UNSET && s->x86 && s->boot.uefi != VP_YES && !m->loader)) {
		xmlNodePtr bios = vp_xml_add(os, "bios", NULL);

		if (m->useserial != VP_NO)
			vp_xml_set(bios, "useserial", "yes");
		vp_xml_set(bios, "rebootTimeout", m->reboot_timeout);
	}
}

/* <iothreads>, <iothreadids>, <defaultiothread> after <vcpu> */
static void build_iothreads(xmlNodePtr vcpu, const struct vp_machine_spec *m)
{
	xmlNodePtr after = vcpu, n, t;
	char num[32];
	size_t i;

	if (m->iothreads) {
		n = xmlNewNode(NULL, BAD_CAST "iothreads");
		snprintf(num, sizeof(num), "%u", m->iothreads);
		xmlNodeSetContent(n, BAD_CAST num);
		after = xmlAddNextSibling(after, n);
	}
	if (m->n_iothread_ids) {
		n = xmlNewNode(NULL, BAD_CAST "iothreadids");
		after = xmlAddNextSibling(after, n);
		for (i = 0; i < m->n_iothread_ids; i++) {
			t = vp_xml_add(n, "iothread", NULL);
			snprintf(num, sizeof(num), "%u", m->iothread_ids[i].id);
			vp_xml_set(t, "id", num);
			vp_xml_set(t, "thread_pool_min", m->iothread_ids[i].pool_min);
			vp_xml_set(t, "thread_pool_max", m->iothread_ids[i].pool_max);
		}
	}
	if (m->defio_pool_min || m->defio_pool_max) {
		n = xmlNewNode(NULL, BAD_CAST "defaultiothread");
		xmlAddNextSibling(after, n);
		vp_xml_set(n, "thread_pool_min", m->defio_pool_min);
		vp_xml_set(n, "thread_pool_max", m->defio_pool_max);
	}
}

/* <vcpu>, <iothreads>, <maxMemory>, <currentMemory>: part B */
static void build_sizing(xmlNodePtr root, const struct vp_domain_spec *s)
{
	const struct vp_machine_spec *m = &s->mach;
	xmlNodePtr vcpu = vp_xml_child(root, "vcpu");
	char num[32];

	if (m->vcpus_max && m->vcpus_max != s->vcpus) {
		snprintf(num, sizeof(num), "%u", m->vcpus_max);
		vp_xml_set_text(vcpu, num);
		snprintf(num, sizeof(num), "%u", s->vcpus);
		vp_xml_set(vcpu, "current", num);
	}
	if (m->vcpu_cpuset)
		vp_xml_set(vcpu, "cpuset", m->vcpu_cpuset);
	if (m->vcpu_placement) /* else the template's static */
		vp_xml_set(vcpu, "placement", m->vcpu_placement);
	build_iothreads(vcpu, m);
	if (m->mem_current && m->mem_current < s->memory) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)(m->mem_current / 1024));
		vp_xml_set_text(vp_xml_child(root, "currentMemory"), num);
	}
	if (m->mem_hotplug) {
		xmlNodePtr mm = xmlNewNode(NULL, BAD_CAST "maxMemory");

		snprintf(num, sizeof(num), "%llu", (unsigned long long)(m->mem_hotplug / 1024));
		xmlNodeSetContent(mm, BAD_CAST num);
		if (m->mem_slots) {
			snprintf(num, sizeof(num), "%u", m->mem_slots);
			vp_xml_set(mm, "slots", num);
		}
		xmlAddPrevSibling(vp_xml_child(root, "memory"), mm);
	}
}

/* --cpu numa.cellN.*: the user's cells, their attributes in virt-install's order */
static void build_numa(xmlNodePtr cpu, const struct vp_machine_spec *m)
{
	xmlNodePtr numa = vp_xml_add(cpu, "numa", NULL);
	char num[32];
	size_t i, j;

	for (i = 0; i < m->n_cells; i++) {
		const struct vp_numa_cell *c = &m->cells[i];
		xmlNodePtr cell = vp_xml_add(numa, "cell", NULL), d;

		if (c->id >= 0) {
			snprintf(num, sizeof(num), "%d", c->id);
			vp_xml_set(cell, "id", num);
		}
		vp_xml_set(cell, "cpus", c->cpus);
		if (c->unit) {
			vp_xml_set(cell, "memory", c->mem_given);
			vp_xml_set(cell, "unit", c->unit);
		} else {
			snprintf(num, sizeof(num), "%llu", (unsigned long long)(c->memory / 1024));
			vp_xml_set(cell, "memory", num);
		}
		vp_xml_set(cell, "memAccess", c->mem_access);
		if (c->discard != VP_UNSET)
			vp_xml_set(cell, "discard", c->discard == VP_YES ? "yes" : "no");
		if (!c->n_sib)
			continue;
		d = vp_xml_add(cell, "distances", NULL);
		for (j = 0; j < c->n_sib; j++) {
			xmlNodePtr sib = vp_xml_add(d, "sibling", NULL);

			snprintf(num, sizeof(num), "%u", c->sib_ids[j]);
			vp_xml_set(sib, "id", num);
			snprintf(num, sizeof(num), "%u", c->sib_values[j]);
			vp_xml_set(sib, "value", num);
		}
	}
}

/* <cpu>: the user's --cpu, else vprov's choice (spec->cpu_mode); the
 * topology; a NUMA cell when memory is hotpluggable (libvirt needs one) */
static void build_cpu(xmlNodePtr root, const struct vp_domain_spec *s)
{
	const struct vp_machine_spec *m = &s->mach;
	const char *mode = m->cpu_mode ? m->cpu_mode : s->cpu_mode;
	bool topo = m->sockets || m->cores || m->threads || m->dies;
	xmlNodePtr cpu;
	char num[32];
	size_t i;

	if (!mode && !topo && !m->mem_hotplug && !m->n_cells)
		return;
	cpu = vp_xml_add_before(root, vp_xml_child(root, "clock"), "cpu");
	if (mode)
		vp_xml_set(cpu, "mode", mode);
	if (!m->cpu_mode) {
		/* vprov's own */
		if (streq(mode, "host-passthrough"))
			vp_xml_set(cpu, "check", "none");
		if (mode)
			vp_xml_set(cpu, "migratable", "on");
	} else {
		vp_xml_set(cpu, "match", m->cpu_match);
		vp_xml_set(cpu, "check", m->cpu_check);
		if (m->cpu_migratable != VP_UNSET)
			vp_xml_set(cpu, "migratable", m->cpu_migratable == VP_YES ? "on" : "off");
		if (m->cpu_model || m->cpu_fallback)
			vp_xml_set(vp_xml_add(cpu, "model", m->cpu_model), "fallback", m->cpu_fallback);
		if (m->cpu_vendor)
			vp_xml_add(cpu, "vendor", m->cpu_vendor);
	}
	if (topo) {
		xmlNodePtr t = vp_xml_add(cpu, "topology", NULL);
		const unsigned v[4] = { m->sockets, m->dies, m->cores, m->threads };
		static const char *const names[4] = { "sockets", "dies", "cores", "threads" };

		for (i = 0; i < 4; i++) {
			snprintf(num, sizeof(num), "%u", v[i] ? v[i] : 1);
			vp_xml_set(t, names[i], num);
		}
	}
	if (m->cpu_mode && (m->cpu_cache_mode || m->cpu_cache_level)) {
		xmlNodePtr c = vp_xml_add(cpu, "cache", NULL);

		vp_xml_set(c, "level", m->cpu_cache_level);
		vp_xml_set(c, "mode", m->cpu_cache_mode);
	}
	for (i = 0; m->cpu_mode && i < m->n_cpu_features; i++) {
		const char *c = strchr(m->cpu_features[i], ':');
		_cleanup_(freep) char *policy = vp_strndup(m->cpu_features[i],
							  (size_t)(c - m->cpu_features[i]));
		xmlNodePtr f = vp_xml_add(cpu, "feature", NULL);

		vp_xml_set(f, "policy", policy);
		vp_xml_set(f, "name", c + 1);
	}
	if (m->n_cells) {
		build_numa(cpu, m);
	} else if (m->mem_hotplug) {
		/* one cell with every vCPU and all the memory */
		xmlNodePtr cell = vp_xml_add(vp_xml_add(cpu, "numa", NULL), "cell", NULL);
		unsigned n = m->vcpus_max ? m->vcpus_max : s->vcpus;

		vp_xml_set(cell, "id", "0");
		if (n > 1)
			snprintf(num, sizeof(num), "0-%u", n - 1);
		else
			snprintf(num, sizeof(num), "0");
		vp_xml_set(cell, "cpus", num);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)(s->memory / 1024));
		vp_xml_set(cell, "memory", num);
		vp_xml_set(cell, "unit", "KiB");
	}
}

/* A network disk's server and name (source.protocol=, or a URL). */
static void build_net_source(xmlNodePtr source, const struct vp_disk_spec *d)
{
	char port[16];

	vp_xml_set(source, "protocol", d->net_protocol);
	if (d->net_name)
		vp_xml_set(source, "name", d->net_name);
	if (d->net_socket) {
		/* the server's UNIX socket on the host (nbd+unix://) */
		xmlNodePtr host = vp_xml_add(source, "host", NULL);

		vp_xml_set(host, "transport", "unix");
		vp_xml_set(host, "socket", d->net_socket);
	}
	if (d->net_host) {
		xmlNodePtr host = vp_xml_add(source, "host", NULL);

		vp_xml_set(host, "name", d->net_host);
		if (d->net_port) {
			snprintf(port, sizeof(port), "%u", d->net_port);
			vp_xml_set(host, "port", port);
		}
	}
}

static void set_uint(xmlNodePtr n, const char *attr, unsigned v)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", v);
	vp_xml_set(n, attr, num);
}

/* <address>, its attributes in virt-install's order */
static void build_address(xmlNodePtr dev, const struct vp_dev_address *a)
{
	static const struct {
		int i;
		const char *name;
	} order[] = { { VP_ADDR_DOMAIN, "domain" }, { VP_ADDR_CONTROLLER, "controller" },
		      { VP_ADDR_BUS, "bus" },       { VP_ADDR_SLOT, "slot" },
		      { VP_ADDR_FUNCTION, "function" }, { VP_ADDR_TARGET, "target" },
		      { VP_ADDR_UNIT, "unit" } };
	xmlNodePtr n = vp_xml_add(dev, "address", NULL);
	size_t k;

	vp_xml_set(n, "type", a->type);
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		if (a->set & (1u << order[k].i))
			set_uint(n, order[k].name, a->v[order[k].i]);
	if (a->multifunction != VP_UNSET)
		vp_xml_set(n, "multifunction", a->multifunction == VP_YES ? "on" : "off");
}

/* boot_order: the disk's <boot order>, 0 for none */
static void build_disk(xmlNodePtr devices, xmlNodePtr before, const struct vp_disk_spec *d,
		       bool install, unsigned boot_order)
{
	const struct vp_disk_source *src = &d->src;
	xmlNodePtr disk = vp_xml_add_before(devices, before, "disk");
	xmlNodePtr driver, source, target;
	bool cdrom = streq(d->device, "cdrom");
	bool block = streq(src->type, "block") && streq(d->device ? d->device : "disk", "disk");
	const char *cache = d->cache ? d->cache : block ? "none" : NULL;
	const char *discard = d->discard;

	/* as virt-install: a block device gets cache=none and native I/O (no
	 * host page cache between the guest and the device); it and a new
	 * sparse volume pass the guest's TRIM through, so freed blocks go back
	 * to the host.  A fully allocated volume (sparse=no) or an existing
	 * image keeps its allocation unless discard=unmap says otherwise. */
	if (!discard && streq(d->device ? d->device : "disk", "disk") &&
	    (block || (src->create && d->sparse != VP_NO)))
		discard = "unmap";
	vp_xml_set(disk, "type", src->type);
	vp_xml_set(disk, "device", d->device ? d->device : "disk");
	driver = vp_xml_add(disk, "driver", NULL);
	vp_xml_set(driver, "name", "qemu");
	vp_xml_set(driver, "type", src->format);
	if (cache)
		vp_xml_set(driver, "cache", cache);
	if (d->io)
		vp_xml_set(driver, "io", d->io);
	else if (block && (streq(cache, "none") || streq(cache, "directsync")))
		vp_xml_set(driver, "io", "native");
	if (discard)
		vp_xml_set(driver, "discard", discard);
	if (d->detect_zeroes)
		vp_xml_set(driver, "detect_zeroes", d->detect_zeroes);
	if (d->error_policy)
		vp_xml_set(driver, "error_policy", d->error_policy);
	if (d->queues)
		set_uint(driver, "queues", d->queues);
	if (d->iothread)
		set_uint(driver, "iothread", d->iothread);
	/* the installer's ISO is ejected once the install run is over */
	source = d->install_media && !install ? NULL : vp_xml_add(disk, "source", NULL);
	if (!source) {
		vp_xml_set(disk, "type", "file");
	} else if (streq(src->type, "network")) {
		build_net_source(source, d);
	} else if (streq(src->type, "block")) {
		vp_xml_set(source, "dev", src->path);
	} else if (streq(src->type, "volume")) {
		vp_xml_set(source, "pool", src->pool);
		vp_xml_set(source, "volume", src->volume);
	} else {
		vp_xml_set(source, "file", src->path);
	}
	if (source && src->encryption) {
		/* the image's own encryption: QEMU unlocks it with the
		 * passphrase of the secret (provision/luks.h) */
		xmlNodePtr enc = vp_xml_add(source, "encryption", NULL);
		xmlNodePtr sec;

		vp_xml_set(enc, "format", src->encryption);
		sec = vp_xml_add(enc, "secret", NULL);
		vp_xml_set(sec, "type", "passphrase");
		vp_xml_set(sec, "uuid", src->secret_uuid);
	}
	target = vp_xml_add(disk, "target", NULL);
	vp_xml_set(target, "dev", d->target);
	vp_xml_set(target, "bus", d->bus);
	if (cdrom || d->readonly == VP_YES)
		vp_xml_add(disk, "readonly", NULL);
	if (d->shareable == VP_YES)
		vp_xml_add(disk, "shareable", NULL);
	if (d->serial)
		vp_xml_add(disk, "serial", d->serial);
	if (d->wwn)
		vp_xml_add(disk, "wwn", d->wwn);
	if (boot_order)
		set_uint(vp_xml_add(disk, "boot", NULL), "order", boot_order);
	if (d->addr.type)
		build_address(disk, &d->addr);
}

static void build_virtualport(xmlNodePtr iface, const struct vp_net_spec *n)
{
	xmlNodePtr vp, p;

	if (!n->vport_type && !n->vport_managerid && !n->vport_typeid && !n->vport_typeidversion &&
	    !n->vport_instanceid && !n->vport_profileid && !n->vport_interfaceid)
		return;
	vp = vp_xml_add(iface, "virtualport", NULL);
	if (n->vport_type)
		vp_xml_set(vp, "type", n->vport_type);
	if (!n->vport_managerid && !n->vport_typeid && !n->vport_typeidversion &&
	    !n->vport_instanceid && !n->vport_profileid && !n->vport_interfaceid)
		return;
	p = vp_xml_add(vp, "parameters", NULL);
	vp_xml_set(p, "managerid", n->vport_managerid);
	vp_xml_set(p, "typeid", n->vport_typeid);
	vp_xml_set(p, "typeidversion", n->vport_typeidversion);
	vp_xml_set(p, "instanceid", n->vport_instanceid);
	vp_xml_set(p, "profileid", n->vport_profileid);
	vp_xml_set(p, "interfaceid", n->vport_interfaceid);
}

static void build_interface(xmlNodePtr devices, xmlNodePtr before, const struct vp_net_spec *n,
			    const char *model, unsigned boot_order)
{
	xmlNodePtr iface = vp_xml_add_before(devices, before, "interface");
	xmlNodePtr source = NULL, x;

	vp_xml_set(iface, "type", n->type);
	if (n->trust_rx != VP_UNSET)
		vp_xml_set(iface, "trustGuestRxFilters", n->trust_rx == VP_YES ? "yes" : "no");
	if (n->mac)
		vp_xml_set(vp_xml_add(iface, "mac", NULL), "address", n->mac);
	if (streq(n->type, "network")) {
		source = vp_xml_add(iface, "source", NULL);
		vp_xml_set(source, "network", n->source);
		if (n->portgroup)
			vp_xml_set(source, "portgroup", n->portgroup);
	} else if (streq(n->type, "bridge")) {
		vp_xml_set(vp_xml_add(iface, "source", NULL), "bridge", n->source);
	} else if (streq(n->type, "direct")) {
		/* macvtap on a host interface; libvirt's default mode is vepa */
		source = vp_xml_add(iface, "source", NULL);
		vp_xml_set(source, "dev", n->source);
		if (n->source_mode)
			vp_xml_set(source, "mode", n->source_mode);
	}
	build_virtualport(iface, n);
	if (n->target_dev)
		vp_xml_set(vp_xml_add(iface, "target", NULL), "dev", n->target_dev);
	vp_xml_set(vp_xml_add(iface, "model", NULL), "type", n->model ? n->model : model);
	if (n->driver_name || n->queues) {
		x = vp_xml_add(iface, "driver", NULL);
		if (n->driver_name)
			vp_xml_set(x, "name", n->driver_name);
		if (n->queues)
			set_uint(x, "queues", n->queues);
	}
	if (n->filterref)
		vp_xml_set(vp_xml_add(iface, "filterref", NULL), "filter", n->filterref);
	if (n->link_state)
		vp_xml_set(vp_xml_add(iface, "link", NULL), "state", n->link_state);
	if (n->mtu)
		set_uint(vp_xml_add(iface, "mtu", NULL), "size", n->mtu);
	if (n->rom_bar != VP_UNSET || n->rom_file) {
		x = vp_xml_add(iface, "rom", NULL);
		if (n->rom_bar != VP_UNSET)
			vp_xml_set(x, "bar", n->rom_bar == VP_YES ? "on" : "off");
		if (n->rom_file)
			vp_xml_set(x, "file", n->rom_file);
	}
	if (boot_order)
		set_uint(vp_xml_add(iface, "boot", NULL), "order", boot_order);
}

/* What a SPICE user expects besides the picture, as virt-install gives it:
 * the spicevmc channel (the guest's spice-vdagent: shared clipboard, the
 * display following the window's size, the client's pointer), the guest's
 * sound played by the viewer (HDA: ich9 on q35, ich6 on the PC), and two
 * USB redirection slots for the viewer's USB devices (two, not four: four
 * would take every USB 2 port). */
static void build_spice_extras(xmlNodePtr devices, xmlNodePtr before, const struct vp_domain_spec *s)
{
	xmlNodePtr n;
	int i;

	n = vp_xml_add_before(devices, before, "channel");
	vp_xml_set(n, "type", "spicevmc");
	n = vp_xml_add(n, "target", NULL);
	vp_xml_set(n, "type", "virtio");
	vp_xml_set(n, "name", "com.redhat.spice.0");
	if (s->x86) {
		n = vp_xml_add_before(devices, before, "sound");
		vp_xml_set(n, "model", s->q35 ? "ich9" : "ich6");
	}
	if (streq(s->dev.usb_model, "none") || !s->x86)
		return;
	for (i = 0; i < 2; i++) {
		n = vp_xml_add_before(devices, before, "redirdev");
		vp_xml_set(n, "bus", "usb");
		vp_xml_set(n, "type", "spicevmc");
	}
}

static void build_graphics(xmlNodePtr devices, xmlNodePtr before, const struct vp_domain_spec *s)
{
	const char *listen = s->graphics.listen ? s->graphics.listen : "127.0.0.1";
	xmlNodePtr input, g, l, video, model;
	char port[16];

	if (s->dev.tablet != VP_NO && !streq(s->dev.usb_model, "none")) {
		input = vp_xml_add_before(devices, before, "input");
		vp_xml_set(input, "type", "tablet");
		vp_xml_set(input, "bus", "usb");
	}
	g = vp_xml_add_before(devices, before, "graphics");
	vp_xml_set(g, "type", s->graphics.type);
	if (s->graphics.port) {
		snprintf(port, sizeof(port), "%d", s->graphics.port);
		vp_xml_set(g, "port", port);
		vp_xml_set(g, "autoport", "no");
	} else {
		vp_xml_set(g, "autoport", "yes");
	}
	l = vp_xml_add(g, "listen", NULL);
	vp_xml_set(l, "type", "address");
	vp_xml_set(l, "address", listen);
	if (streq(s->graphics.type, "spice") && s->local)
		/* a viewer on this host: compressing its images costs CPU
		 * on both sides and saves nothing */
		vp_xml_set(vp_xml_add(g, "image", NULL), "compression", "off");
	video = vp_xml_add_before(devices, before, "video");
	model = vp_xml_add(video, "model", NULL);
	/* no model said: an OS profile without one drives virtio-gpu (on
	 * either machine); with no profile, virtio on q35, on the PC what
	 * any OS drives: qxl with SPICE, else VGA */
	vp_xml_set(model, "type", s->dev.video_model			    ? s->dev.video_model :
				  s->q35 || !s->x86 || s->os.id	    ? "virtio" :
				  streq(s->graphics.type, "spice") ? "qxl" :
								     "vga");
	if (streq(s->graphics.type, "spice"))
		build_spice_extras(devices, before, s);
}

/* USB: qemu-xhci (USB 3) by default; USB 2 (EHCI with its UHCI companions)
 * or USB 1 for OSes that lack an XHCI driver; none at all. */
static void build_usb(xmlNodePtr devices, const struct vp_domain_spec *s)
{
	xmlNodePtr usb = vp_xml_child(devices, "controller");
	const char *model = s->dev.usb_model;
	static const char *const companions[] = { "ich9-uhci1", "ich9-uhci2", "ich9-uhci3" };
	size_t i;

	if (!model || streq(model, "qemu-xhci"))
		return;
	if (streq(model, "none")) {
		vp_xml_set(usb, "model", "none");
		vp_xml_set(usb, "ports", NULL);
		return;
	}
	vp_xml_set(usb, "model", model);
	vp_xml_set(usb, "ports", NULL);
	if (!streq(model, "ich9-ehci1"))
		return;
	for (i = 0; i < 3; i++) {
		xmlNodePtr c = vp_xml_add_before(devices, usb->next, "controller");
		char port[4];

		vp_xml_set(c, "type", "usb");
		vp_xml_set(c, "model", companions[2 - i]);
		snprintf(port, sizeof(port), "%zu", (2 - i) * 2);
		vp_xml_set(vp_xml_add(c, "master", NULL), "startport", port);
	}
}

/* Windows guests: local-time RTC; on KVM the Hyper-V enlightenments. */
static void build_windows_bits(xmlNodePtr root, const struct vp_domain_spec *s)
{
	xmlNodePtr clock = vp_xml_child(root, "clock"), hv, n;

	if (s->dev.localtime == VP_YES)
		vp_xml_set(clock, "offset", "localtime");
	if (s->dev.hyperv != VP_YES || !streq(s->virt_type, "kvm"))
		return;
	hv = vp_xml_add(vp_xml_child(root, "features"), "hyperv", NULL);
	vp_xml_set(hv, "mode", "custom");
	vp_xml_set(vp_xml_add(hv, "relaxed", NULL), "state", "on");
	vp_xml_set(vp_xml_add(hv, "vapic", NULL), "state", "on");
	n = vp_xml_add(hv, "spinlocks", NULL);
	vp_xml_set(n, "state", "on");
	vp_xml_set(n, "retries", "8191");
	n = vp_xml_add(clock, "timer", NULL);
	vp_xml_set(n, "name", "hypervclock");
	vp_xml_set(n, "present", "yes");
}

/* The profile the VM was made from, as libvirt's tools record it. */
static void build_libosinfo(xmlNodePtr md, const struct vp_domain_spec *s)
{
	xmlNodePtr lo, os;
	xmlNsPtr ns;

	if (!s->os.id)
		return;
	lo = vp_xml_add(md, "libosinfo", NULL);
	ns = xmlNewNs(lo, BAD_CAST "http://libosinfo.org/xmlns/libvirt/domain/1.0",
		      BAD_CAST "libosinfo");
	xmlSetNs(lo, ns);
	os = vp_xml_add(lo, "os", NULL);
	xmlSetNs(os, ns);
	vp_xml_set(os, "id", s->os.id);
}

static void build_metadata(xmlNodePtr md, const struct vp_domain_spec *s)
{
	xmlNodePtr vm = vp_xml_add(md, VP_META_ROOT, NULL);
	xmlNsPtr ns = xmlNewNs(vm, BAD_CAST VP_META_NS, BAD_CAST VP_META_PREFIX);
	xmlNodePtr n;
	size_t i;

	xmlSetNs(vm, ns);
	vp_xml_set(vm, "version", VP_VERSION);
	if (s->os.id) {
		n = vp_xml_add(vm, "profile", NULL);
		xmlSetNs(n, ns);
		vp_xml_set(n, "id", s->os.id);
		vp_xml_set(n, "short-id", s->os.short_id);
	}
	if (s->spec_hash) {
		n = vp_xml_add(vm, "spec-hash", s->spec_hash);
		xmlSetNs(n, ns);
	}
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_source *src = &s->disks[i].src;

		/* the installer's ISO is not the VM's: recorded below only when
		 * vprov uploaded it for this VM */
		if (s->disks[i].install_media)
			continue;
		/* a network disk is the server's, not a volume of this host */
		if (streq(src->type, "network"))
			continue;
		n = vp_xml_add(vm, "volume", NULL);
		xmlSetNs(n, ns);
		vp_xml_set(n, "role", s->disks[i].seed ? "seed" : "disk");
		vp_xml_set(n, "owned", src->create || s->disks[i].seed ? "yes" : "no");
		vp_xml_set(n, "pool", src->pool);
		vp_xml_set(n, "name", src->volume);
		vp_xml_set(n, "path", src->path);
		if (src->secret_uuid) {
			/* the secret goes with the volume */
			vp_xml_set(n, "encryption", src->encryption);
			vp_xml_set(n, "secret", src->secret_uuid);
		}
		if (src->backing_path || src->backing_volume) {
			n = vp_xml_add(vm, "volume", NULL);
			xmlSetNs(n, ns);
			vp_xml_set(n, "role", "backing");
			vp_xml_set(n, "owned", "no");
			vp_xml_set(n, "pool", src->backing_pool);
			vp_xml_set(n, "name", src->backing_volume);
			vp_xml_set(n, "path", src->backing_path);
		}
	}
	/* addresses reserved for its NICs: removed with the VM */
	for (i = 0; i < s->n_nets; i++) {
		if (!s->nets[i].ip)
			continue;
		n = vp_xml_add(vm, "reservation", NULL);
		xmlSetNs(n, ns);
		vp_xml_set(n, "network", s->nets[i].source);
		vp_xml_set(n, "mac", s->nets[i].mac);
		vp_xml_set(n, "ip", s->nets[i].ip);
	}
	/* what the install run boots: removed with the VM */
	{
		const struct { const char *role, *pool, *name, *path; } iv[] = {
			{ "kernel", s->install.kernel_pool, s->install.kernel_vol, s->install.kernel },
			{ "initrd", s->install.initrd_pool, s->install.initrd_vol, s->install.initrd },
			{ "media", s->install.media_pool, s->install.media_vol, NULL },
		};

		for (i = 0; i < sizeof(iv) / sizeof(iv[0]); i++) {
			if (!iv[i].name)
				continue;
			n = vp_xml_add(vm, "volume", NULL);
			xmlSetNs(n, ns);
			vp_xml_set(n, "role", iv[i].role);
			vp_xml_set(n, "owned", "yes");
			vp_xml_set(n, "pool", iv[i].pool);
			vp_xml_set(n, "name", iv[i].name);
			vp_xml_set(n, "path", iv[i].path);
		}
	}
	/* the key the seed got, for vprov ssh */
	if (s->cloud.ssh_user || s->cloud.ssh_key) {
		n = vp_xml_add(vm, "ssh", NULL);
		xmlSetNs(n, ns);
		vp_xml_set(n, "user", s->cloud.ssh_user);
		vp_xml_set(n, "key", s->cloud.ssh_key);
	}
}

static int build(const struct vp_domain_spec *s, bool install, xmlDocPtr *out,
		 struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, devices, anchor, n;
	char num[32];
	bool scsi = false;
	unsigned shift = 0;
	size_t i;

	if (!s->name || !s->virt_type || !s->arch || !s->memory || !s->vcpus)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "cannot build the domain XML: the spec is not resolved");
	if (vp_xml_parse(vp_template_domain, "templates/domain.xml", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	vp_xml_set(root, "type", s->virt_type);
	vp_xml_set_text(vp_xml_child(root, "name"), s->name);
	if (s->uuid)
		vp_xml_set_text(vp_xml_child(root, "uuid"), s->uuid);
	else
		vp_xml_drop(vp_xml_child(root, "uuid"));
	build_libosinfo(vp_xml_child(root, "metadata"), s);
	build_metadata(vp_xml_child(root, "metadata"), s);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)(s->memory / 1024));
	vp_xml_set_text(vp_xml_child(root, "memory"), num);
	vp_xml_set_text(vp_xml_child(root, "currentMemory"), num);
	snprintf(num, sizeof(num), "%u", s->vcpus);
	vp_xml_set_text(vp_xml_child(root, "vcpu"), num);
	build_sizing(root, s);
	build_os(vp_xml_child(root, "os"), s, install);
	if (s->cloud.seed_vol) {
		/* cloud-init's NoCloud source, named in SMBIOS besides the
		 * seed's volume label */
		xmlNodePtr os = vp_xml_child(root, "os");
		xmlNodePtr si = xmlNewNode(NULL, BAD_CAST "sysinfo");

		xmlAddPrevSibling(os, si);
		vp_xml_set(si, "type", "smbios");
		vp_xml_set(vp_xml_add(vp_xml_add(si, "system", NULL), "entry", "ds=nocloud"), "name",
			   "serial");
		if (!s->mach.smbios_mode) /* else the user's mode */
			vp_xml_set(vp_xml_add(os, "smbios", NULL), "mode", "sysinfo");
	}
	if (install) /* the installer's reboot ends the install run */
		vp_xml_set_text(vp_xml_child(root, "on_reboot"), "destroy");

	if (!s->x86) {
		/* acpi/apic/vmport and the x86 timers do not exist elsewhere */
		vp_xml_drop(vp_xml_child(root, "features"));
		vp_xml_set_text(vp_xml_child(root, "clock"), NULL);
		while ((n = vp_xml_child(vp_xml_child(root, "clock"), "timer")))
			vp_xml_drop(n);
	}
	build_cpu(root, s);

	/* per-device boot orders (boot.order=): libvirt refuses them beside
	 * <os><boot dev=>, which go, as virt-install drops them.  The install
	 * run boots its ISO (or the network) first: it takes order 1 and the
	 * orders given move one down. */
	if (has_boot_orders(s)) {
		xmlNodePtr os = vp_xml_child(root, "os");

		while ((n = vp_xml_child(os, "boot")))
			vp_xml_drop(n);
		if (install && !s->install.kernel &&
		    (has_install_media(s) || s->install.pxe == VP_YES))
			shift = 1;
	}
	devices = vp_xml_child(root, "devices");
	/* disks first, in the order given */
	anchor = devices->children;
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];

		build_disk(devices, anchor, d, install,
			   shift && d->install_media ? 1 :
			   d->boot_order ? d->boot_order + shift : 0);
		if (streq(s->disks[i].bus, "scsi"))
			scsi = true;
	}
	/* controllers follow the usb one */
	anchor = vp_xml_child(devices, "serial");
	if (scsi) {
		n = vp_xml_add_before(devices, anchor, "controller");
		vp_xml_set(n, "type", "scsi");
		vp_xml_set(n, "model", "virtio-scsi");
	}
	if (s->q35) {
		n = vp_xml_add_before(devices, anchor, "controller");
		vp_xml_set(n, "type", "pci");
		vp_xml_set(n, "model", "pcie-root");
		for (i = 0; i < VP_PCIE_ROOT_PORTS; i++) {
			n = vp_xml_add_before(devices, anchor, "controller");
			vp_xml_set(n, "type", "pci");
			vp_xml_set(n, "model", "pcie-root-port");
		}
	}
	for (i = 0; i < s->n_nets; i++) {
		const struct vp_net_spec *nt = &s->nets[i];
		/* a PXE install run boots the first NIC */
		bool pxe_first = shift && i == 0 && !has_install_media(s);

		build_interface(devices, anchor, nt, s->dev.net_model ? s->dev.net_model : "virtio",
				pxe_first ? 1 : nt->boot_order ? nt->boot_order + shift : 0);
	}
	n = vp_xml_child(vp_xml_child(devices, "serial"), "log");
	if (s->console_log)
		vp_xml_set(n, "file", s->console_log);
	else
		vp_xml_drop(n);
	if (s->graphics.type && !streq(s->graphics.type, "none"))
		build_graphics(devices, vp_xml_child(devices, "memballoon"), s);
	build_usb(devices, s);
	if (s->dev.agent == VP_NO)
		vp_xml_drop(vp_xml_child(devices, "channel"));
	if (s->dev.rng == VP_NO)
		vp_xml_drop(vp_xml_child(devices, "rng"));
	if (s->dev.balloon == VP_NO) /* libvirt adds one unless told 'none' */
		vp_xml_set(vp_xml_child(devices, "memballoon"), "model", "none");
	if (s->console_target && streq(s->console_target, "virtio")) {
		n = vp_xml_add_before(devices, vp_xml_child(devices, "channel"), "console");
		vp_xml_set(n, "type", "pty");
		vp_xml_set(vp_xml_add(n, "target", NULL), "type", "virtio");
	}
	if (s->x86)
		build_windows_bits(root, s);
	/* the user's --watchdog, --features, ...: last, so that they win */
	if (vp_xmlopts_apply(doc, s, err) < 0)
		return -1;

	*out = TAKE_PTR(doc);
	return 0;
}

int vp_domain_build_xml(const struct vp_domain_spec *s, xmlDocPtr *out, struct vp_error *err)
{
	return build(s, false, out, err);
}

int vp_domain_build_install_xml(const struct vp_domain_spec *s, xmlDocPtr *out,
				struct vp_error *err)
{
	return build(s, true, out, err);
}
