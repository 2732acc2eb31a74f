/* provision/reinstall.c — vprov create --reinstall VM (reinstall.h)
 *
 * The VM's definition is read once (inactive, with its secrets, so the
 * install run keeps a VNC password), edited into the install run's
 * document and never written back: virDomainCreateXML of a document with
 * the name and UUID of a defined, shut-off VM starts that VM with the
 * document as its live configuration and keeps the persistent one apart.
 * The start checks first that the VM is still off and its definition what
 * was read (another tool may have changed it meanwhile), and after that
 * it still is.
 */
#include "reinstall.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "cleanup.h"
#include "host.h"
#include "install.h"
#include "journal.h"
#include "osinfo.h"
#include "schema.h"
#include "storage.h"
#include "xmlutil.h"

#define XML_FLAGS (VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE)

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool is_el(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static void drop_all(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	while ((n = vp_xml_child(parent, name)))
		vp_xml_drop(n);
}

/* ---- the install run's document ------------------------------------------ */

/* The device's <boot order=N> (0: none). */
static unsigned boot_order(xmlNodePtr dev)
{
	_cleanup_(freep) char *o = vp_xml_prop(vp_xml_child(dev, "boot"), "order");

	return o ? (unsigned)strtoul(o, NULL, 10) : 0;
}

static bool has_boot_orders(xmlNodePtr devices)
{
	xmlNodePtr n;

	for (n = devices ? devices->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && boot_order(n))
			return true;
	return false;
}

/* dev boots first: order 1, every other order one down (libvirt refuses
 * two devices of one order). */
static void boot_first(xmlNodePtr devices, xmlNodePtr dev)
{
	xmlNodePtr n, b;
	char num[16];

	for (n = devices->children; n; n = n->next) {
		unsigned o;

		if (n == dev || n->type != XML_ELEMENT_NODE || !(o = boot_order(n)))
			continue;
		snprintf(num, sizeof(num), "%u", o + 1);
		vp_xml_set(vp_xml_child(n, "boot"), "order", num);
	}
	if (!(b = vp_xml_child(dev, "boot")))
		b = vp_xml_add(dev, "boot", NULL);
	vp_xml_set(b, "order", "1");
}

static bool target_used(xmlNodePtr devices, const char *dev)
{
	xmlNodePtr n;

	for (n = devices->children; n; n = n->next) {
		_cleanup_(freep) char *t = NULL;

		if (!is_el(n, "disk"))
			continue;
		t = vp_xml_prop(vp_xml_child(n, "target"), "dev");
		if (streq(t, dev))
			return true;
	}
	return false;
}

/* A new cdrom for the installer's ISO, as virt-install's defaults make
 * one: SATA on a q35 machine, SCSI on ARM and RISC-V's virt machine, else
 * IDE; the first free target name of that bus. */
static int add_cdrom(xmlDocPtr doc, xmlNodePtr devices, xmlNodePtr *out, struct vp_error *err)
{
	_cleanup_(freep) char *arch = vp_xml_xpath_string(doc, "string(/domain/os/type/@arch)", NULL, NULL);
	_cleanup_(freep) char *machine = vp_xml_xpath_string(doc, "string(/domain/os/type/@machine)", NULL, NULL);
	const char *bus = "ide", *prefix = "hd";
	xmlNodePtr last = NULL, n, disk;
	char dev[8];
	int c;

	if (machine && strstr(machine, "q35")) {
		bus = "sata";
		prefix = "sd";
	} else if (streq(arch, "aarch64") || streq(arch, "armv7l") || streq(arch, "riscv64")) {
		bus = "scsi";
		prefix = "sd";
	}
	for (c = 'a'; c <= 'z'; c++) {
		snprintf(dev, sizeof(dev), "%s%c", prefix, c);
		if (!target_used(devices, dev))
			break;
	}
	if (c > 'z')
		return vp_error_set(err, VP_ERR_INVALID,
				    "the VM has no free %s target for the installer's cdrom", bus);
	for (n = devices->children; n; n = n->next)
		if (is_el(n, "disk"))
			last = n;
	/* after the disks (libvirt keeps them first), or first of all */
	disk = vp_xml_add_before(devices, last ? last->next : devices->children, "disk");
	vp_xml_set(disk, "type", "file");
	vp_xml_set(disk, "device", "cdrom");
	n = vp_xml_add(disk, "driver", NULL);
	vp_xml_set(n, "name", "qemu");
	vp_xml_set(n, "type", "raw");
	n = vp_xml_add(disk, "target", NULL);
	vp_xml_set(n, "dev", dev);
	vp_xml_set(n, "bus", bus);
	vp_xml_add(disk, "readonly", NULL);
	*out = disk;
	return 0;
}

/* The ISO into the VM's first cdrom (its own medium, if any, is not the
 * installer's), or into a new one. */
static int insert_media(xmlDocPtr doc, xmlNodePtr devices, const struct vp_reinstall_boot *b,
			xmlNodePtr *out, struct vp_error *err)
{
	xmlNodePtr n, cd = NULL, src, drv;

	for (n = devices->children; n && !cd; n = n->next) {
		_cleanup_(freep) char *d = is_el(n, "disk") ? vp_xml_prop(n, "device") : NULL;

		if (streq(d, "cdrom"))
			cd = n;
	}
	if (!cd && add_cdrom(doc, devices, &cd, err) < 0)
		return -1;
	vp_xml_set(cd, "type", b->media_block ? "block" : "file");
	drop_all(cd, "source");
	/* <source> before <target>, as libvirt writes it */
	src = vp_xml_add_before(cd, vp_xml_child(cd, "target"), "source");
	vp_xml_set(src, b->media_block ? "dev" : "file", b->media);
	/* an ISO is raw whatever the cdrom held before */
	if ((drv = vp_xml_child(cd, "driver")) && xmlHasProp(drv, BAD_CAST "type"))
		vp_xml_set(drv, "type", "raw");
	*out = cd;
	return 0;
}

int vp_reinstall_edit(xmlDocPtr doc, const struct vp_reinstall_boot *b, struct vp_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr os = vp_xml_child(root, "os");
	xmlNodePtr devices = vp_xml_child(root, "devices");
	xmlNodePtr first = NULL, n, anchor;
	bool orders;

	if (!os || !devices)
		return vp_error_set(err, VP_ERR_INVALID, "the VM's definition has no <os> or no <devices>");
	if (!b->kernel && !b->media && !b->pxe)
		return vp_error_set(err, VP_ERR_INVALID,
				    "a reinstall needs an install method: --location, --cdrom, --install ID or --pxe");
	orders = has_boot_orders(devices);
	/* the installer's reboot ends the run */
	if (!(n = vp_xml_child(root, "on_reboot")))
		n = vp_xml_add_before(root, vp_xml_child(root, "on_crash") ? vp_xml_child(root, "on_crash") : devices,
				      "on_reboot");
	vp_xml_set_text(n, "destroy");
	if (b->media && insert_media(doc, devices, b, &first, err) < 0)
		return -1;
	if (b->pxe && !b->kernel && !b->media) {
		if (!(first = vp_xml_child(devices, "interface")))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--pxe boots the install run from the network, and the VM has no network interface");
	}
	/* what the definition boots directly is not the installer */
	drop_all(os, "kernel");
	drop_all(os, "initrd");
	drop_all(os, "cmdline");
	drop_all(os, "dtb");
	drop_all(os, "boot");
	if (b->kernel) {
		/* after <type>, the firmware and its settings; before <bootmenu> */
		anchor = NULL;
		for (n = os->children; n; n = n->next)
			if (is_el(n, "bootmenu") || is_el(n, "smbios") || is_el(n, "bios") ||
			    is_el(n, "acpi")) {
				anchor = n;
				break;
			}
		vp_xml_set_text(vp_xml_add_before(os, anchor, "kernel"), b->kernel);
		if (b->initrd)
			vp_xml_set_text(vp_xml_add_before(os, anchor, "initrd"), b->initrd);
		if (b->cmdline)
			vp_xml_set_text(vp_xml_add_before(os, anchor, "cmdline"), b->cmdline);
		return 0;
	}
	if (orders) {
		/* <os><boot dev=> cannot go beside them */
		boot_first(devices, first);
		return 0;
	}
	/* virt-install's boot order for an install run: the medium, then a
	 * disk when the VM has one */
	anchor = NULL;
	for (n = os->children; n; n = n->next)
		if (is_el(n, "bootmenu") || is_el(n, "smbios") || is_el(n, "bios") || is_el(n, "acpi")) {
			anchor = n;
			break;
		}
	vp_xml_set(vp_xml_add_before(os, anchor, "boot"), "dev", b->media ? "cdrom" : "network");
	for (n = devices->children; n; n = n->next) {
		_cleanup_(freep) char *d = is_el(n, "disk") ? vp_xml_prop(n, "device") : NULL;

		if (is_el(n, "disk") && (!d || streq(d, "disk"))) {
			vp_xml_set(vp_xml_add_before(os, anchor, "boot"), "dev", "hd");
			break;
		}
	}
	return 0;
}

/* ---- resolve -------------------------------------------------------------- */

struct rstate {
	struct vp_reinstall_result *res;
	struct vp_install *ins;
	xmlDocPtr base;              /* the definition as read */
	bool validate;
	const struct vp_reporter *reporter;
};

static void rstate_free(void *p)
{
	struct rstate *rs = p;

	if (!rs)
		return;
	vp_install_free(rs->ins);
	xmlFreeDoc(rs->base);
	free(rs);
}

/* The VM by name, else by UUID.  An id names only a running VM, which a
 * reinstall refuses anyway. */
static int find_vm(virConnectPtr conn, const char *domain, virDomainPtr *out, struct vp_error *err)
{
	*out = virDomainLookupByName(conn, domain);
	if (*out)
		return 0;
	if (!vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up VM '%s'", domain);
	if (strlen(domain) == 36 && strspn(domain, "0123456789abcdefABCDEF-") == 36) {
		*out = virDomainLookupByUUIDString(conn, domain);
		if (*out)
			return 0;
		if (!vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up VM '%s'", domain);
	}
	virResetLastError();
	return vp_error_set(err, VP_ERR_NOT_FOUND, "--reinstall: no VM named '%s' on this host", domain);
}

static const char *state_word(int state)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING: return "running";
	case VIR_DOMAIN_BLOCKED: return "running (blocked)";
	case VIR_DOMAIN_PAUSED: return "paused";
	case VIR_DOMAIN_SHUTDOWN: return "shutting down";
	case VIR_DOMAIN_CRASHED: return "crashed";
	case VIR_DOMAIN_PMSUSPENDED: return "suspended";
	default: return "not shut off";
	}
}

/* The VM must be shut off: its install run is a start of it. */
static int check_off(virDomainPtr dom, const char *name, struct vp_error *err)
{
	int state = 0, reason = 0;

	if (virDomainGetState(dom, &state, &reason, 0) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'", name);
	if (state != VIR_DOMAIN_SHUTOFF)
		return vp_error_set(err, VP_ERR_INVALID,
				    "VM '%s' is %s: stop it first ('vprov stop %s'), a reinstall boots it",
				    name, state_word(state), name);
	/* libvirt starts the install run beside a saved state, which the
	 * next start would then resume over the reinstalled disks */
	switch (virDomainHasManagedSaveImage(dom, 0)) {
	case 0:
		return 0;
	case 1:
		return vp_error_set(err, VP_ERR_INVALID,
				    "VM '%s' has a saved state its next start would resume over the reinstalled disks: remove it first ('virsh managedsave-remove %s')",
				    name, name);
	default:
		/* a driver without managed saves (the test driver has them) */
		if (vp_libvirt_error_is(VIR_ERR_NO_SUPPORT)) {
			virResetLastError();
			return 0;
		}
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot tell whether VM '%s' has a saved state",
					name);
	}
}

/* The VM's graphics, architecture and OS, for the installer's arguments. */
static void read_vm(xmlDocPtr doc, struct vp_domain_spec *s)
{
	xmlNodePtr devices = vp_xml_child(xmlDocGetRootElement(doc), "devices");

	s->arch = vp_xml_xpath_string(doc, "string(/domain/os/type/@arch)", NULL, NULL);
	if (s->arch && !*s->arch)
		vp_set_str(&s->arch, NULL);
	s->x86 = streq(s->arch, "x86_64") || streq(s->arch, "i686");
	/* no display: the installer is told to speak on the serial console */
	if (!vp_xml_child(devices, "graphics"))
		s->graphics.type = vp_strdup("none");
	s->os.id = vp_xml_xpath_string(doc, "string(/domain/metadata/libosinfo:libosinfo/libosinfo:os/@id)",
				       "libosinfo", "http://libosinfo.org/xmlns/libvirt/domain/1.0");
	if (s->os.id && !*s->os.id)
		vp_set_str(&s->os.id, NULL);
}

/* A --cdrom POOL/VOL: the volume's path on the host. */
static int media_volume(virConnectPtr conn, struct vp_disk_spec *d, struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	virStorageVolPtr vol = NULL;
	struct vp_vol_info vi = { 0 };
	int r = -1;

	if (vp_pool_lookup(conn, d->pool, &pool, err) < 0 || vp_volume_find(pool, d->vol, &vol, err) < 0)
		return -1;
	if (!vol)
		return vp_error_set(err, VP_ERR_NOT_FOUND, "--cdrom: no volume '%s' in pool '%s'",
				    d->vol, d->pool);
	if (vp_volume_describe(vol, &vi, err) == 0) {
		vp_set_str(&d->src.path, vi.path);
		if (vi.type && !strcmp(vi.type, "block"))
			vp_set_str(&d->src.type, "block");
		r = 0;
	}
	vp_vol_info_clear(&vi);
	virStorageVolFree(vol);
	return r;
}

/* The install run's document, from the definition as read and the spec
 * as the uploads left it. */
static int build_install(struct rstate *rs, struct vp_error *err)
{
	struct vp_domain_spec *s = &rs->res->spec;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlCopyDoc(rs->base, 1);
	struct vp_reinstall_boot b = {
		.kernel = s->install.kernel,
		.initrd = s->install.initrd,
		.cmdline = s->install.cmdline,
		.pxe = s->install.pxe == VP_YES,
	};
	size_t i;

	if (!doc)
		vp_oom();
	for (i = 0; i < s->n_disks; i++)
		if (s->disks[i].install_media) {
			b.media = s->disks[i].src.path;
			b.media_block = streq(s->disks[i].src.type, "block");
		}
	if (vp_reinstall_edit(doc, &b, err) < 0)
		return -1;
	if (rs->validate && vp_schema_validate(VP_SCHEMA_DOMAIN, doc, err) < 0)
		return -1;
	free(rs->res->install_xml);
	rs->res->install_xml = vp_xml_format(doc);
	return 0;
}

/* ---- the steps ------------------------------------------------------------ */

static struct rstate *state_of(struct vp_apply *ap)
{
	return ap->plan->ctx;
}

static int step_start(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct rstate *rs = state_of(ap);
	struct vp_reinstall_result *res = rs->res;
	struct vp_domain_spec *s = &res->spec;
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	_cleanup_(virDomainFreep) virDomainPtr run = NULL;
	_cleanup_(freep) char *now = NULL;
	json_object *u;

	(void)st;
	dom = virDomainLookupByUUIDString(ap->conn, s->uuid);
	if (!dom)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot find VM '%s' to reinstall it", s->name);
	if (check_off(dom, s->name, err) < 0)
		return -1;
	now = virDomainGetXMLDesc(dom, XML_FLAGS);
	if (!now)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'", s->name);
	if (strcmp(now, res->xml) != 0)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "the definition of VM '%s' changed while the reinstall was prepared; nothing was started",
				    s->name);
	if (build_install(rs, err) < 0)
		return -1;
	u = vp_undo_new("domain-start");
	vp_undo_set(u, "uuid", s->uuid);
	vp_undo_set(u, "name", s->name);
	if (vp_apply_intent(ap, u, err) < 0)
		return -1;
	run = virDomainCreateXML(ap->conn, res->install_xml, 0);
	if (!run)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start the install run of VM '%s'",
					s->name);
	/* libvirt keeps the definition apart from the live document; a driver
	 * that did not would have it the install run's: put it back */
	free(now);
	now = virDomainGetXMLDesc(dom, XML_FLAGS);
	if (now && strcmp(now, res->xml) != 0) {
		_cleanup_(virDomainFreep) virDomainPtr def = virDomainDefineXML(ap->conn, res->xml);

		if (!def)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"the install run of VM '%s' changed its definition, which cannot be put back",
						s->name);
		vp_report_warn(ap->opts->reporter,
			       "the install run of VM '%s' changed its definition; it was put back", s->name);
	}
	virResetLastError();
	return 0;
}

static int remove_volume(virConnectPtr conn, const char *pool_name, const char *name,
			 struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	virStorageVolPtr vol = NULL;
	int r;

	if (vp_pool_lookup(conn, pool_name, &pool, err) < 0 || vp_volume_find(pool, name, &vol, err) < 0)
		return -1;
	if (!vol)
		return 0;
	r = vp_volume_delete(vol, err);
	virStorageVolFree(vol);
	return r;
}

/* QEMU read the kernel and the initrd into the guest's memory when it
 * started (a reboot ends the run), so they go now, as virt-install removes
 * its uploads once the guest is created: the definition cannot say they
 * are the VM's.  A failure only warns: the install runs already. */
static int step_cleanup(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_install_spec *in = &state_of(ap)->res->spec.install;
	const char *const vols[][2] = {
		{ in->kernel_pool, in->kernel_vol },
		{ in->initrd_pool, in->initrd_vol },
	};
	size_t i;

	(void)st;
	(void)err;
	for (i = 0; i < 2; i++) {
		struct vp_error e2 = { 0 };

		if (!vols[i][1])
			continue;
		if (remove_volume(ap->conn, vols[i][0], vols[i][1], &e2) < 0)
			vp_report_warn(ap->opts->reporter,
				       "cannot remove volume '%s' of pool '%s' ('virsh vol-delete %s --pool %s' does): %s",
				       vols[i][1], vols[i][0], vols[i][1], vols[i][0], e2.msg);
	}
	return 0;
}

static void add_steps(struct rstate *rs, struct vp_plan *plan)
{
	struct vp_domain_spec *s = &rs->res->spec;
	struct vp_step *st;

	vp_install_add_steps(rs->ins, s, plan, false);
	vp_install_add_steps(rs->ins, s, plan, true);
	st = vp_plan_add(plan, "start", step_start,
			 "start VM '%s' for its install run (it powers off when the installer reboots; its definition stays as it is)",
			 s->name);
	vp_step_detail_str(st, "vm", s->name);
	vp_step_detail_str(st, "uuid", s->uuid);
	if (s->install.kernel_vol) {
		st = vp_plan_add(plan, "cleanup", step_cleanup,
				 "remove volumes '%s' and '%s' of pool '%s' once the install run has loaded them",
				 s->install.kernel_vol, s->install.initrd_vol, s->install.kernel_pool);
		vp_step_detail_str(st, "pool", s->install.kernel_pool);
	}
}

/* The pool the installer's files are uploaded into: the host's default
 * one, which a reinstall does not make (a create does). */
static int boot_pool(virConnectPtr conn, bool print, struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;

	if (print)
		return 0;
	pool = virStoragePoolLookupByName(conn, VP_DEFAULT_POOL);
	if (pool)
		return 0;
	if (!vp_libvirt_error_is(VIR_ERR_NO_STORAGE_POOL))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up storage pool '%s'",
					VP_DEFAULT_POOL);
	virResetLastError();
	return vp_error_set(err, VP_ERR_NOT_FOUND,
			    "the installer's files go into storage pool '%s', and this host has none (a 'vprov create' makes it)",
			    VP_DEFAULT_POOL);
}

int vp_reinstall_plan(virConnectPtr conn, const char *domain, const struct vp_install_spec *in,
		      const struct vp_reinstall_opts *opts, struct vp_reinstall_result *res,
		      struct vp_plan **out, struct vp_error *err)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	struct vp_domain_spec *s = &res->spec;
	struct vp_domain_spec layer = { 0 };
	struct vp_plan *plan = NULL;
	struct rstate *rs;
	char uuid[VIR_UUID_STRING_BUFLEN];
	bool print = opts->mode == VP_CREATE_PRINT_XML;
	const struct vp_tree *t;
	int r = -1;
	size_t i;

	memset(res, 0, sizeof(*res));
	*out = NULL;
	if (in->no_install == VP_YES)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--reinstall installs: --install no_install=yes does not go with it");
	if (!in->location && !in->cdrom && !in->tree_os && in->pxe != VP_YES)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--reinstall needs an install method: --location, --cdrom, --install ID or --pxe");
	if (find_vm(conn, domain, &dom, err) < 0)
		return -1;
	s->name = vp_strdup(virDomainGetName(dom));
	if (virDomainGetUUIDString(dom, uuid) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the UUID of VM '%s'", s->name);
	s->uuid = vp_strdup(uuid);
	if (virDomainIsPersistent(dom) != 1)
		return vp_error_set(err, VP_ERR_INVALID,
				    "VM '%s' is transient: a reinstall keeps a definition as it is, and it has none",
				    s->name);
	if (check_off(dom, s->name, err) < 0)
		return -1;
	res->xml = virDomainGetXMLDesc(dom, XML_FLAGS);
	if (!res->xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the XML of VM '%s'", s->name);

	rs = vp_calloc(1, sizeof(*rs));
	rs->res = res;
	rs->validate = !print;
	rs->reporter = opts->reporter;
	plan = vp_plan_new("reinstall", s->name);
	plan->ctx = rs;
	plan->free_ctx = rstate_free;
	if (vp_xml_parse(res->xml, "the VM's definition", &rs->base, err) < 0)
		goto out;
	read_vm(rs->base, s);
	/* the request's install method, over the VM's own settings */
	layer.install = *in;
	if (vp_spec_merge(s, &layer, err) < 0) {
		memset(&layer.install, 0, sizeof(layer.install));
		goto out;
	}
	memset(&layer.install, 0, sizeof(layer.install));
	vp_spec_clear(&layer);
	/* the profile of the installer's arguments: --os, else the VM's own
	 * (its libosinfo metadata), else the tree's */
	if (opts->os_id) {
		vp_set_str(&s->os.short_id, opts->os_id);
		vp_set_str(&s->os.id, NULL);
	} else if (s->os.id && opts->osinfo && vp_osinfo_has(opts->osinfo, s->os.id)) {
		struct vp_os_profile prof;
		struct vp_error e2 = { 0 };

		if (vp_osinfo_profile(opts->osinfo, s->os.id, s->arch ? s->arch : "x86_64", &prof,
				      &e2) == 0) {
			if (prof.os->n_short_ids)
				s->os.short_id = vp_strdup(prof.os->short_ids[0]);
			vp_os_profile_clear(&prof);
		}
	}
	if (in->location || in->cdrom || in->tree_os) {
		struct vp_install_env env = {
			.cache_dir = opts->cache_dir,
			.reporter = opts->reporter,
			.osinfo = opts->osinfo,
			.local = vp_conn_is_local(conn),
			.stall_timeout_ms = opts->fetch_stall_ms,
		};
		_cleanup_(freep) char *what = NULL;

		if (!env.cache_dir) {
			vp_error_set(err, VP_ERR_RUNTIME,
				     "installing needs a cache directory (set $XDG_CACHE_HOME or $HOME)");
			goto out;
		}
		if (vp_install_open(&s->install, s->arch ? s->arch : "x86_64", &env, &rs->ins, err) < 0)
			goto out;
		what = vp_install_describe(rs->ins);
		t = vp_install_tree(rs->ins);
		/* a recognised tree names the profile of its arguments when
		 * neither --os nor the VM's own metadata does */
		if (t && t->os_id && !s->os.short_id && !s->os.id && opts->osinfo &&
		    vp_osinfo_has(opts->osinfo, t->os_id))
			s->os.short_id = vp_strdup(t->os_id);
		vp_plan_note(plan, t ? "found %s" : "the install run boots %s", what);
	}
	if (vp_install_resolve(rs->ins, s, VP_DEFAULT_POOL, plan, err) < 0)
		goto out;
	for (i = 0; i < s->n_disks; i++)
		if (s->disks[i].install_media && s->disks[i].vol && !s->disks[i].src.path &&
		    media_volume(conn, &s->disks[i], err) < 0)
			goto out;
	if ((s->install.kernel_vol || s->install.media_vol) && boot_pool(conn, print, err) < 0)
		goto out;
	if (s->install.media_vol) {
		res->media_pool = vp_strdup(s->install.media_pool);
		res->media_vol = vp_strdup(s->install.media_vol);
	}
	/* uploaded media's path is known once it is uploaded */
	for (i = 0; i < s->n_disks; i++)
		if (s->disks[i].install_media && !s->disks[i].src.path)
			s->disks[i].src.path = vp_strdup_printf("/%s/%s", s->install.media_pool,
								s->install.media_vol);
	if (build_install(rs, err) < 0)
		goto out;
	add_steps(rs, plan);
	*out = TAKE_PTR(plan);
	r = 0;
out:
	vp_plan_free(plan);
	return r;
}

int vp_domain_reinstall(virConnectPtr conn, const char *domain, const struct vp_install_spec *in,
			const struct vp_reinstall_opts *opts, struct vp_reinstall_result *res,
			struct vp_plan **plan_out, struct vp_undo_report *undo, struct vp_error *err)
{
	struct vp_apply_opts ao = {
		.state_dir = opts->state_dir,
		.reporter = opts->reporter,
		.fail_at = opts->fail_at,
		.hook = opts->hook,
		.hook_opaque = opts->hook_opaque,
	};
	struct vp_plan *plan = NULL;
	struct vp_lock lock = { .fd = -1 };
	int r = -1;

	if (undo)
		memset(undo, 0, sizeof(*undo));
	if (plan_out)
		*plan_out = NULL;
	if (vp_reinstall_plan(conn, domain, in, opts, res, &plan, err) < 0)
		goto out;
	if (opts->mode != VP_CREATE_REAL) {
		vp_plan_report_warnings(plan, opts->reporter);
		r = 0;
		goto out;
	}
	/* a create or another reinstall of this VM waits; the start looks
	 * again at what the plan read */
	if (vp_journal_lock(conn, opts->state_dir, "vm", res->spec.name, opts->reporter, &lock,
			    err) < 0)
		goto out;
	r = vp_plan_apply(conn, plan, &ao, undo, err);
out:
	vp_journal_unlock(&lock);
	if (plan_out)
		*plan_out = plan;
	else
		vp_plan_free(plan);
	return r;
}

int vp_reinstall_cleanup(virConnectPtr conn, struct vp_reinstall_result *res,
			 struct vp_error *err)
{
	if (!res->media_vol)
		return 0;
	if (remove_volume(conn, res->media_pool, res->media_vol, err) < 0)
		return -1;
	free(res->media_vol);
	res->media_vol = NULL;
	return 0;
}

void vp_reinstall_result_clear(struct vp_reinstall_result *res)
{
	if (!res)
		return;
	vp_spec_clear(&res->spec);
	free(res->xml);
	free(res->install_xml);
	free(res->media_pool);
	free(res->media_vol);
	memset(res, 0, sizeof(*res));
}
