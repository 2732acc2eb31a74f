/* provision/create.c — resolve a spec against a host into a plan, then
 * apply it
 *
 * One path serves --print-xml, --dry-run and the real thing, so what is
 * printed is what would be submitted.  Resolution looks and never
 * touches: pools to make or start, volumes to create, the definition and
 * the start become steps of a plan (provision/plan.h), and applying it
 * journals each step's undo before the step runs, so a failure, an
 * interrupt or a crash leaves nothing half-made.
 */
#include "create.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "domain_xml.h"
#include "host.h"
#include "journal.h"
#include "kvm.h"
#include "network.h"
#include "install.h"
#include "cloudinit.h"
#include "image.h"
#include "edit.h"
#include "inject.h"
#include "luks.h"
#include "osinfo.h"
#include "resources.h"
#include "schema.h"
#include "storage.h"
#include "text.h"
#include "units.h"
#include "xmledit.h"
#include "xmlopts.h"
#include "xmlutil.h"

/* A pool this create needs that does not exist (make it) or is not
 * active (start it). */
struct planned_pool {
	char *name, *dir;
	char uuid[37];
	bool exists;             /* defined but inactive: only start it */
};

/* What resolving a disk left for the apply to find out: a new volume's
 * name in a pool that was not active (its volumes could not be listed),
 * or an existing image in a directory a remote host has no pool for yet. */
struct disk_late {
	bool name, lookup;
};

/* What the steps share; owned by the plan. */
struct cstate {
	struct vp_create_result *res;
	struct planned_pool *pools;
	size_t n_pools;
	struct disk_late *late;  /* one per disk */
	bool local;
	bool validate;           /* check the XML against libvirt's schema */
	struct vp_install *ins;  /* the install run's source and steps, if any */
	struct vp_image *img;    /* the cloud image under the first disk, if any */
	struct vp_cloudinit *ci; /* the cloud-init seed, if any */
	struct vp_edit_list edits; /* --inject: guest edits of the new overlay */
	struct vp_xmledits xml_edits; /* --xml: made on each document before validation */
	struct vp_luks_key *keys;  /* per disk: a secret-file's passphrase, read at resolve */
	size_t n_keys;
	const char *cache_dir;
	const struct vp_reporter *reporter;
};

struct ctx {
	virConnectPtr conn;
	const struct vp_create_opts *opts;
	struct vp_create_result *res;
	struct vp_domain_spec *s;
	struct vp_host_caps caps;
	const struct vp_guest_caps *guest;
	bool local;
	struct cstate *cs;
	struct vp_plan *plan;
};

static bool real(const struct ctx *c)
{
	return c->opts->mode == VP_CREATE_REAL;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void cstate_free(void *p)
{
	struct cstate *cs = p;
	size_t i;

	if (!cs)
		return;
	for (i = 0; i < cs->n_pools; i++) {
		free(cs->pools[i].name);
		free(cs->pools[i].dir);
	}
	free(cs->pools);
	free(cs->late);
	vp_install_free(cs->ins);
	vp_image_free(cs->img);
	vp_cloudinit_free(cs->ci);
	vp_edit_list_clear(&cs->edits);
	vp_xmledits_clear(&cs->xml_edits);
	for (i = 0; i < cs->n_keys; i++)
		vp_luks_key_clear(&cs->keys[i]);
	free(cs->keys);
	free(cs);
}


/* ---- the VM itself: name, arch, type, machine ------------------------ */

static int host_caps(struct ctx *c, struct vp_error *err)
{
	if (c->caps.host_arch)
		return 0;
	if (c->opts->caps_xml)
		return vp_host_caps_parse(c->opts->caps_xml, &c->caps, err);
	return vp_host_caps_get(c->conn, &c->caps, err);
}

static int resolve_machine(struct ctx *c, const struct vp_guest_caps *g, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;

	if (s->machine) {
		if (g->n_machines && !vp_guest_has_machine(g, s->machine)) {
			char list[256] = "";
			size_t i, len = 0;

			for (i = 0; i < g->n_machines && len < sizeof(list) - 40; i++)
				if (!strchr(g->machines[i], '-') || i < 4)
					len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
								len ? ", " : "", g->machines[i]);
			return vp_error_set(err, VP_ERR_INVALID,
					    "machine '%s' is not available for %s guests on this host (available: %s)",
					    s->machine, s->arch, list);
		}
	} else if (s->x86) {
		if (!g->n_machines || vp_guest_has_machine(g, "q35"))
			s->machine = vp_strdup("q35");
		else
			s->machine = vp_strdup("pc");
	} else if (streq(s->arch, "aarch64") || streq(s->arch, "armv7l") ||
		   streq(s->arch, "riscv64")) {
		s->machine = vp_strdup("virt");
	}
	s->q35 = s->machine && (!strcmp(s->machine, "q35") || !strncmp(s->machine, "pc-q35", 6));
	return 0;
}

static int resolve_vm(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	const struct vp_guest_caps *g;
	virDomainPtr dom;
	char uuid[37];

	if (vp_name_check(s->name, err) < 0)
		return -1;
	dom = virDomainLookupByName(c->conn, s->name);
	if (dom) {
		virDomainFree(dom);
		return vp_error_set(err, VP_ERR_EXISTS, "a VM named '%s' already exists", s->name);
	}
	if (!vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up VM '%s'", s->name);
	if (!s->memory)
		s->memory = VP_DEFAULT_MEMORY;
	if (!s->vcpus)
		s->vcpus = VP_DEFAULT_VCPUS;
	/* --memory / --vcpus sub-options against what a profile gave */
	if (s->mach.mem_current > s->memory)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --memory: currentMemory is more than the VM's memory (%llu MiB)",
				    (unsigned long long)(s->memory >> 20));
	if (s->mach.mem_hotplug && s->mach.mem_hotplug < s->memory)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --memory: maxMemory is less than the VM's memory (%llu MiB)",
				    (unsigned long long)(s->memory >> 20));
	if (s->mach.vcpus_max && s->mach.vcpus_max < s->vcpus)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --vcpus: maxvcpus is less than the VM's vCPUs (%u)", s->vcpus);
	if (host_caps(c, err) < 0)
		return -1;
	if (!s->arch)
		s->arch = vp_strdup(c->caps.host_arch);
	g = vp_host_caps_guest(&c->caps, s->arch);
	if (!g)
		return vp_error_set(err, VP_ERR_INVALID,
				    "this host cannot run %s guests (no emulator for that architecture)",
				    s->arch);
	c->guest = g;
	s->x86 = streq(s->arch, "x86_64") || streq(s->arch, "i686");
	if (s->virt_type && !vp_guest_has_type(g, s->virt_type))
		return vp_error_set(err, VP_ERR_INVALID,
				    "virt type '%s' is not available for %s guests on this host (available: %s%s%s)",
				    s->virt_type, s->arch, g->types[0] ? g->types[0] : "none",
				    g->n_types > 1 ? ", " : "", g->n_types > 1 ? g->types[1] : "");
	if (!s->virt_type && !g->n_types)
		return vp_error_set(err, VP_ERR_INVALID, "this host offers no way to run %s guests",
				    s->arch);
	if (resolve_machine(c, g, err) < 0)
		return -1;
	if (c->opts->uuid)
		snprintf(uuid, sizeof(uuid), "%s", c->opts->uuid);
	else if (vp_uuid_generate(uuid, err) < 0)
		return -1;
	s->uuid = vp_strdup(uuid);
	{
		_cleanup_(freep) char *dir = vp_console_log_dir(c->conn);

		s->console_log = vp_strdup_printf("%s/%s-console.log", dir, s->name);
	}
	return 0;
}

/* No name given: one from the OS profile, as virt-install makes it
 * (virtinst's Guest.generate_name): the profile's id, "-unknown" cut
 * off ("fedora-unknown" gives "fedora"), then "-2", "-3", ... past the
 * names VMs on the host have; with no profile "vm1", "vm2", ...; a guest
 * of another architecture than the host's gets it as a suffix
 * ("debian12-aarch64", then "debian12-aarch64-2").  vp_domain_create
 * takes the name's lock once it is picked, and looks again. */
static int pick_name(struct ctx *c, const char *os_id, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	_cleanup_(freep) char *base = NULL;
	const char *arch;
	bool numbered;
	unsigned i;

	if (host_caps(c, err) < 0)
		return -1;
	arch = s->arch ? s->arch : c->caps.host_arch;
	if (os_id) {
		size_t n = strlen(os_id);

		if (n > 8 && !strcmp(os_id + n - 8, "-unknown"))
			n -= 8;
		base = vp_strndup(os_id, n);
	} else {
		base = vp_strdup("vm");
	}
	numbered = !os_id;
	if (arch && c->caps.host_arch && strcmp(arch, c->caps.host_arch) != 0) {
		char *t = vp_strdup_printf("%s-%s", base, streq(arch, "armv7l") ? "arm" : arch);

		free(base);
		base = t;
		numbered = false;
	}
	for (i = numbered ? 1 : 0; i < 100000; i++) {
		_cleanup_(freep) char *cand = NULL;
		virDomainPtr dom;

		if (i == 0)
			cand = vp_strdup(base);
		else if (numbered)
			cand = vp_strdup_printf("%s%u", base, i);
		else if (i == 1)
			continue;   /* virt-install's second is NAME-2 */
		else
			cand = vp_strdup_printf("%s-%u", base, i);
		if (vp_name_check(cand, err) < 0)
			return -1;
		dom = virDomainLookupByName(c->conn, cand);
		if (dom) {
			virDomainFree(dom);
			continue;
		}
		if (!vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up VM '%s'", cand);
		s->name = TAKE_PTR(cand);
		free(c->plan->subject);
		c->plan->subject = vp_strdup(s->name);
		vp_plan_note(c->plan, "using the name '%s'%s (give one as the first argument or with --name)",
			     s->name, os_id ? ", after the OS profile" : "");
		return 0;
	}
	return vp_error_set(err, VP_ERR_EXISTS, "no free VM name after '%s' on this host", base);
}

/* The domain type, once everything cheaper was resolved: what the user
 * pinned, else KVM where it really runs guests (the probe, once per host),
 * else TCG. */
static int choose_virt_type(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	const struct vp_guest_caps *g = c->guest;
	struct vp_kvm_check chk = { 0 };
	int r = 0;

	if (s->virt_type)
		goto cpu;
	/* KVM runs the host's own architecture, and i686 guests on an
	 * x86_64 host (the same CPU in 32-bit mode) */
	if (!vp_guest_has_type(g, "kvm") ||
	    !(streq(s->arch, c->caps.host_arch) ||
	      (streq(s->arch, "i686") && streq(c->caps.host_arch, "x86_64")))) {
		s->virt_type = vp_strdup(vp_guest_has_type(g, "qemu") ? "qemu" : g->types[0]);
		goto cpu;
	}
	vp_kvm_cached(c->conn, &c->caps, c->opts->cache_dir, &chk);
	if (chk.verdict == VP_KVM_UNKNOWN && real(c)) {
		struct vp_kvm_probe_opts po = {
			.cache_dir = c->opts->cache_dir,
			.state_dir = c->opts->state_dir,
			.reporter = c->opts->reporter,
			.machine = s->machine,
			.unless_known = true,
		};
		struct vp_error e2 = { 0 };

		vp_kvm_check_clear(&chk);
		vp_report_note(c->opts->reporter,
			       "checking once whether KVM runs guests on this host (a probe boots for a few seconds)");
		if (vp_kvm_probe(c->conn, &c->caps, &po, &chk, &e2) < 0) {
			if (e2.code == VP_ERR_CANCELLED) {
				*err = e2;
				r = -1;
				goto out;
			}
			vp_plan_warn(c->plan,
				     "could not check whether KVM runs guests on this host (%s); using TCG software emulation (choose with --virt-type)",
				     e2.msg);
			s->virt_type = vp_strdup("qemu");
			goto cpu;
		}
		/* another vprov may have probed while this one waited */
		c->res->kvm_probed = !chk.cached;
		if (chk.verdict == VP_KVM_BROKEN && !chk.cached)
			vp_plan_warn(c->plan,
				     "KVM cannot run guests on this host (%s); using TCG software emulation ('vprov host check' says more; choose with --virt-type)",
				     chk.evidence ? chk.evidence : "the probe did not finish");
	}
	if (chk.verdict == VP_KVM_BROKEN) {
		s->virt_type = vp_strdup("qemu");
	} else {
		s->virt_type = vp_strdup("kvm");
		if (chk.verdict == VP_KVM_UNKNOWN)
			vp_plan_warn(c->plan,
				     "whether KVM runs guests on this host is not known yet: a real create checks it first and uses TCG if it does not ('vprov host check' checks now)");
	}
cpu:
	/* --cpu host-passthrough / host-model copy the host's CPU, which only
	 * KVM can give a guest: QEMU refuses to start them under TCG.  The
	 * closest TCG has is its max model (every feature it emulates), so a
	 * script written for KVM hosts still gets a VM that runs. */
	if (s->mach.cpu_mode && !streq(s->virt_type, "kvm") &&
	    (streq(s->mach.cpu_mode, "host-passthrough") || streq(s->mach.cpu_mode, "host-model"))) {
		vp_plan_warn(c->plan,
			     "--cpu %s needs KVM and this VM runs under TCG (%s): using QEMU's maximum CPU model instead",
			     s->mach.cpu_mode, s->virt_type);
		vp_set_str(&s->mach.cpu_mode, "maximum");
		vp_set_str(&s->mach.cpu_fallback, NULL);
		vp_set_str(&s->mach.cpu_cache_mode, NULL);
		vp_set_str(&s->mach.cpu_cache_level, NULL);
	}
	/* the CPU real guests need, and the one the KVM probe tried */
	if (streq(s->virt_type, "kvm"))
		vp_set_str(&s->cpu_mode, "host-passthrough");
	/* TCG's default CPU (qemu64) lacks x86-64-v2, which current
	 * distributions need; the emulator's 'max' model boots them, at the
	 * same speed */
	else if (streq(s->virt_type, "qemu"))
		vp_set_str(&s->cpu_mode, "maximum");
out:
	vp_kvm_check_clear(&chk);
	return r;
}

/* ---- networks ---------------------------------------------------------- */

/* network=NAME,ip=A: the NIC needs a MAC for its DHCP host entry (one is
 * chosen when none was given), and the address must be free for it in
 * the network's subnet: checked now, before anything is made. */
static int resolve_reservation(struct ctx *c, struct vp_net_spec *n, struct vp_error *err)
{
	if (!n->ip)
		return 0;
	if (!n->mac) {
		char mac[18];

		vp_net_random_mac(c->conn, mac);
		n->mac = vp_strdup(mac);
	}
	if (c->opts->mode == VP_CREATE_PRINT_XML)
		return 0;
	return vp_net_reserve_check(c->conn, n->source, n->mac, n->ip, err);
}

/* The reservations' steps: after the volumes, before the definition. */
static void add_reserve_steps(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->s->n_nets; i++)
		if (c->s->nets[i].ip)
			vp_net_reserve_step(c->plan, c->s->nets[i].source, c->s->nets[i].mac,
					    c->s->name, c->s->nets[i].ip);
}

/* The interface of the host's default route, when it is a bridge (whose
 * name *out gets): where virt-install's --network default plugs a VM on
 * a host set up for bridged guests. */
static bool default_route_bridge(char **out)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], ifname[32], path[96];
	unsigned long dest, mask;
	struct stat st;
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %lx %*x %*x %*d %*d %*d %lx", ifname, &dest, &mask) != 3 ||
		    dest != 0 || mask != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", ifname);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			*out = vp_strdup(ifname);
			found = true;
		}
		break;
	}
	fclose(f);
	return found;
}

/* --network default, and the network of a VM given no --network, as
 * virt-install has them: user networking on a session connection, the
 * host's bridge when its default route goes through one (a local host
 * only), else the libvirt network 'default'. */
static void resolve_default_net(struct ctx *c, struct vp_net_spec *n)
{
	_cleanup_(freep) char *uri = virConnectGetURI(c->conn);
	char *br = NULL;

	if (uri && strstr(uri, "/session")) {
		vp_set_str(&n->type, "user");
	} else if (c->local && default_route_bridge(&br)) {
		vp_set_str(&n->type, "bridge");
		free(n->source);
		n->source = br;
	} else {
		vp_set_str(&n->type, "network");
		vp_set_str(&n->source, "default");
	}
}

static int resolve_networks(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	size_t i;

	if (!s->nets_set) {
		_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;
		struct vp_net_spec *n = vp_spec_add_net(s);

		resolve_default_net(c, n);
		if (!streq(n->type, "network"))
			return 0;
		net = virNetworkLookupByName(c->conn, n->source);
		if (net && virNetworkIsActive(net) == 1)
			return 0;
		virResetLastError();
		/* vprov never starts a network on its own: that would create a
		 * bridge with addresses the user did not ask for */
		vp_plan_warn(c->plan,
			     "network '%s' is %s, so '%s' gets no network (choose one with --network)",
			     n->source, net ? "not active" : "not defined", s->name);
		vp_net_spec_clear(n);
		s->n_nets--;
		return 0;
	}
	for (i = 0; i < s->n_nets; i++) {
		struct vp_net_spec *n = &s->nets[i];
		_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;
		const char *model = n->model ? n->model : s->dev.net_model ? s->dev.net_model : "virtio";
		int active;

		if (streq(n->type, "default"))
			resolve_default_net(c, n);
		if ((n->mtu || n->queues > 1) && !streq(model, "virtio"))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--network %s needs a virtio NIC, and this one is %s (add model=virtio)",
					    n->mtu ? "mtu.size=" : "driver.queues=", model);
		if (!streq(n->type, "network"))
			continue;
		net = virNetworkLookupByName(c->conn, n->source);
		if (!net) {
			if (vp_libvirt_error_is(VIR_ERR_NO_NETWORK))
				return vp_error_set(err, VP_ERR_NOT_FOUND, "unknown network '%s'",
						    n->source);
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up network '%s'",
						n->source);
		}
		active = virNetworkIsActive(net);
		if (active == 0 && c->opts->mode != VP_CREATE_PRINT_XML)
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "network '%s' is not active (start it with 'virsh net-start %s')",
					    n->source, n->source);
		if (resolve_reservation(c, n, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- host devices ------------------------------------------------------ */

/* The text of node device XML's capability child name, NULL when absent */
static char *cap_text(xmlNodePtr cap, const char *name)
{
	xmlNodePtr n = vp_xml_child(cap, name);

	return n ? vp_xml_text(n) : NULL;
}

/* The <capability> of node device name, in *doc */
static int nodedev_cap(struct ctx *c, const char *option, const char *name, xmlDocPtr *doc,
		       xmlNodePtr *cap, struct vp_error *err)
{
	_cleanup_(virNodeDeviceFreep) virNodeDevicePtr dev = virNodeDeviceLookupByName(c->conn, name);
	_cleanup_(freep) char *xml = NULL;

	if (!dev) {
		if (vp_libvirt_error_is(VIR_ERR_NO_NODE_DEVICE))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--%s '%s': the host has no device of that name "
					    "(virsh nodedev-list lists them)", option, name);
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up host device '%s'", name);
	}
	if (!(xml = virNodeDeviceGetXMLDesc(dev, 0)))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read host device '%s'", name);
	if (vp_xml_parse(xml, "a host device's description", doc, err) < 0)
		return -1;
	*cap = vp_xml_child(xmlDocGetRootElement(*doc), "capability");
	if (!*cap)
		return vp_error_set(err, VP_ERR_RUNTIME, "host device '%s' has no capability", name);
	return 0;
}

/* How many of the host's USB devices have this vendor and product */
static int usb_same_ids(struct ctx *c, const char *vendor, const char *product)
{
	virNodeDevicePtr *devs = NULL;
	int n = virConnectListAllNodeDevices(c->conn, &devs,
					     VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV), i, same = 0;

	for (i = 0; i < n; i++) {
		_cleanup_(freep) char *xml = virNodeDeviceGetXMLDesc(devs[i], 0);
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		xmlNodePtr cap;

		if (xml && vp_xml_parse(xml, "a host device's description", &doc, NULL) == 0 &&
		    (cap = vp_xml_child(xmlDocGetRootElement(doc), "capability"))) {
			_cleanup_(freep) char *v = vp_xml_prop(vp_xml_child(cap, "vendor"), "id");
			_cleanup_(freep) char *p = vp_xml_prop(vp_xml_child(cap, "product"), "id");

			same += streq(v, vendor) && streq(p, product);
		}
		virNodeDeviceFree(devs[i]);
	}
	free(devs);
	virResetLastError();
	return same;
}

/* --hostdev NAME: the host's node device NAME, as the address the option
 * takes (xmlopts.h): a PCI device's DOMAIN:BUS:SLOT.FUNCTION, a USB
 * device's VENDOR:PRODUCT (its BUS.DEVICE when another device has the same
 * ids), a network interface's parent device, as virt-install looks them up. */
static int hostdev_lookup(void *opaque, const char *option, const char *name, char **address,
			  struct vp_error *err)
{
	struct ctx *c = opaque;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *type = NULL, *parent = NULL;
	xmlNodePtr cap;

	if (nodedev_cap(c, option, name, &doc, &cap, err) < 0)
		return -1;
	type = vp_xml_prop(cap, "type");
	if (streq(type, "pci")) {
		_cleanup_(freep) char *d = cap_text(cap, "domain"), *b = cap_text(cap, "bus"),
				      *s = cap_text(cap, "slot"), *f = cap_text(cap, "function");

		if (!d || !b || !s || !f)
			return vp_error_set(err, VP_ERR_RUNTIME, "host device '%s' has no PCI address", name);
		*address = vp_strdup_printf("%04lx:%02lx:%02lx.%lx", strtoul(d, NULL, 0),
					    strtoul(b, NULL, 0), strtoul(s, NULL, 0), strtoul(f, NULL, 0));
		return 0;
	}
	if (streq(type, "usb_device")) {
		_cleanup_(freep) char *v = vp_xml_prop(vp_xml_child(cap, "vendor"), "id");
		_cleanup_(freep) char *p = vp_xml_prop(vp_xml_child(cap, "product"), "id");
		_cleanup_(freep) char *b = cap_text(cap, "bus"), *d = cap_text(cap, "device");

		if (v && p && usb_same_ids(c, v, p) <= 1)
			*address = vp_strdup_printf("%s:%s", v, p);
		else if (b && d)
			*address = vp_strdup_printf("%03lu.%03lu", strtoul(b, NULL, 10), strtoul(d, NULL, 10));
		else
			return vp_error_set(err, VP_ERR_RUNTIME, "host device '%s' has no USB ids", name);
		return 0;
	}
	parent = cap_text(xmlDocGetRootElement(doc), "parent");
	if (streq(type, "net") && parent)
		return hostdev_lookup(opaque, option, parent, address, err);
	return vp_error_set(err, VP_ERR_INVALID,
			    "--%s '%s' is a %s device: it passes PCI and USB devices (and a network "
			    "interface's PCI device) to the VM", option, name, type ? type : "unknown");
}

/* --hostdev's node device names, looked up on the host */
static int resolve_hostdevs(struct ctx *c, struct vp_error *err)
{
	return vp_xmlopts_lookup_names(c->s, hostdev_lookup, c, err);
}

/* ---- boot -------------------------------------------------------------- */

static int check_local_file(struct ctx *c, const char *what, const char *path,
			    struct vp_error *err)
{
	struct stat st;

	if (path[0] != '/')
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' must be an absolute path", what,
				    path);
	if (!c->local)
		return 0;
	if (stat(path, &st) < 0)
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' does not exist", what, path);
	if (!S_ISREG(st.st_mode))
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' is not a file", what, path);
	return 0;
}

/* Per-device boot orders (boot.order=): each number once; the --boot
 * device list goes, as libvirt takes one or the other and virt-install
 * drops the list. */
static int boot_orders_check(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	struct vp_boot_spec *b = &s->boot;
	size_t i, j, n = s->n_disks + s->n_nets;
	bool any = false;

	for (i = 0; i < n; i++) {
		unsigned oi = i < s->n_disks ? s->disks[i].boot_order :
					       s->nets[i - s->n_disks].boot_order;

		if (!oi)
			continue;
		any = true;
		for (j = i + 1; j < n; j++) {
			unsigned oj = j < s->n_disks ? s->disks[j].boot_order :
						       s->nets[j - s->n_disks].boot_order;

			if (oi == oj)
				return vp_error_set(err, VP_ERR_INVALID,
						    "boot.order=%u is given to two devices (%s %zu and %s %zu); each device needs its own",
						    oi, i < s->n_disks ? "disk" : "network",
						    (i < s->n_disks ? i : i - s->n_disks) + 1,
						    j < s->n_disks ? "disk" : "network",
						    (j < s->n_disks ? j : j - s->n_disks) + 1);
		}
	}
	if (!any || !b->n_devs)
		return 0;
	{
		char list[64] = "";
		size_t len = 0;

		for (i = 0; i < b->n_devs; i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? "," : "",
						b->devs[i]);
		vp_plan_warn(c->plan,
			     "--boot %s is left out: the devices' boot.order= set the boot order (libvirt takes one or the other)",
			     list);
	}
	for (i = 0; i < b->n_devs; i++) {
		free(b->devs[i]);
		b->devs[i] = NULL;
	}
	b->n_devs = 0;
	return 0;
}

static int resolve_boot(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	struct vp_boot_spec *b = &s->boot;
	bool cdrom = false, has_orders = false;
	size_t i;

	if (b->kernel) {
		if (s->import == VP_YES)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--import boots the first disk; it cannot go with --boot kernel=");
		if (check_local_file(c, "kernel", b->kernel, err) < 0)
			return -1;
		if (b->initrd && check_local_file(c, "initrd", b->initrd, err) < 0)
			return -1;
		return 0;
	}
	if (s->import == VP_YES && s->n_disks == 0)
		return vp_error_set(err, VP_ERR_INVALID, "--import needs a disk to boot from");
	if (boot_orders_check(c, err) < 0)
		return -1;
	for (i = 0; i < s->n_disks; i++)
		has_orders |= s->disks[i].boot_order != 0;
	for (i = 0; i < s->n_nets; i++)
		has_orders |= s->nets[i].boot_order != 0;
	if (b->n_devs || has_orders)
		return 0;
	if (s->n_disks && streq(s->disks[0].device, "floppy")) {
		/* a floppy first boots the floppy, as virt-install has it; then
		 * the disks, if any */
		b->devs[b->n_devs++] = vp_strdup("fd");
		for (i = 0; i < s->n_disks; i++)
			if (!s->disks[i].device || streq(s->disks[i].device, "disk")) {
				b->devs[b->n_devs++] = vp_strdup("hd");
				break;
			}
		return 0;
	}
	for (i = 0; i < s->n_disks; i++)
		if (streq(s->disks[i].device, "cdrom") && !s->disks[i].install_media)
			cdrom = true;
	if (cdrom && s->import != VP_YES)
		b->devs[b->n_devs++] = vp_strdup("cdrom");
	b->devs[b->n_devs++] = vp_strdup("hd");
	return 0;
}

/* ---- disks ------------------------------------------------------------- */


static void fill_source_from_volume(struct vp_disk_source *src, const struct vp_vol_info *vi)
{
	free(src->type);
	if (streq(vi->type, "block"))
		src->type = vp_strdup("block");
	else if (streq(vi->type, "network") || streq(vi->type, "netdir") || !vi->path)
		src->type = vp_strdup("volume");
	else
		src->type = vp_strdup("file");
	vp_set_str(&src->path, vi->path);
	vp_set_str(&src->pool, vi->pool);
	vp_set_str(&src->volume, vi->name);
	vp_set_str(&src->format, vi->format ? vi->format : "raw");
	src->capacity = vi->capacity;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return vp_strdup(".");
	return vp_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Directories vprov never makes a storage pool for: the root and the
 * system's own trees (a disk path there is almost always a mistake, and a
 * pool would let libvirt re-own what it finds there). */
static bool system_dir(const char *dir)
{
	static const char *const trees[] = { "/dev", "/proc", "/sys", "/run", "/etc", "/boot",
					     "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
					     "/libx32", NULL };
	size_t i;

	if (!strcmp(dir, "/"))
		return true;
	for (i = 0; trees[i]; i++) {
		size_t n = strlen(trees[i]);

		if (!strncmp(dir, trees[i], n) && (dir[n] == '\0' || dir[n] == '/'))
			return true;
	}
	return false;
}

static struct planned_pool *planned_find(struct ctx *c, const char *name, const char *dir)
{
	size_t i;

	for (i = 0; i < c->cs->n_pools; i++)
		if ((name && !strcmp(c->cs->pools[i].name, name)) ||
		    (dir && c->cs->pools[i].dir && !strcmp(c->cs->pools[i].dir, dir)))
			return &c->cs->pools[i];
	return NULL;
}

static struct planned_pool *planned_add(struct ctx *c, const char *name, const char *dir,
					bool exists, struct vp_error *err)
{
	struct cstate *cs = c->cs;
	struct planned_pool *pp;

	cs->pools = vp_grow(cs->pools, cs->n_pools + 1, sizeof(*cs->pools));
	pp = &cs->pools[cs->n_pools++];
	memset(pp, 0, sizeof(*pp));
	pp->name = vp_strdup(name);
	pp->dir = vp_strdup(dir);
	pp->exists = exists;
	if (!exists && vp_uuid_generate(pp->uuid, err) < 0)
		return NULL;
	return pp;
}

/* An existing pool the create uses: when it is not active, starting it
 * is a step.  *active says whether it is active now. */
static int use_pool(struct ctx *c, virStoragePoolPtr pool, bool *active, struct vp_error *err)
{
	const char *name = virStoragePoolGetName(pool);
	int a = virStoragePoolIsActive(pool);

	if (a < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read storage pool '%s'", name);
	*active = a == 1;
	if (!*active && !planned_find(c, name, NULL)) {
		_cleanup_(freep) char *dir = NULL;

		if (vp_pool_target(pool, &dir, NULL, err) < 0)
			return -1;
		if (!planned_add(c, name, dir, true, err))
			return -1;
	}
	return 0;
}

/* The pool holding dir: an existing one, one this create plans, or a new
 * one named after the directory, as virt-install does.  *pool is NULL
 * when the pool is only planned; *active false when it is not running
 * yet (its volumes cannot be listed before the apply). */
static int pool_for_dir(struct ctx *c, const char *dir, virStoragePoolPtr *pool,
			char **pool_name, bool *active, struct vp_error *err)
{
	struct planned_pool *pp;
	char **taken;
	char *name;
	size_t i;

	*pool = NULL;
	*active = false;
	if (vp_pool_find_by_dir(c->conn, dir, pool, err) < 0)
		return -1;
	if (*pool) {
		*pool_name = vp_strdup(virStoragePoolGetName(*pool));
		return use_pool(c, *pool, active, err);
	}
	if ((pp = planned_find(c, NULL, dir))) {
		*pool_name = vp_strdup(pp->name);
		return 0;
	}
	if (system_dir(dir))
		return vp_error_set(err, VP_ERR_INVALID,
				    "vprov makes no storage pool for '%s', a system directory; keep disk images elsewhere (e.g. /var/lib/libvirt/images)",
				    dir);
	taken = vp_calloc(c->cs->n_pools + 1, sizeof(char *));
	for (i = 0; i < c->cs->n_pools; i++)
		taken[i] = c->cs->pools[i].name;
	name = vp_pool_free_name(c->conn, dir, taken, c->cs->n_pools);
	free(taken);
	pp = planned_add(c, name, dir, false, err);
	*pool_name = name;
	return pp ? 0 : -1;
}

/* The default pool, made at libvirt's images directory when missing. */
static int default_pool(struct ctx *c, virStoragePoolPtr *pool, char **pool_name, bool *active,
			struct vp_error *err)
{
	_cleanup_(freep) char *dir = NULL;

	*active = false;
	*pool = virStoragePoolLookupByName(c->conn, VP_DEFAULT_POOL);
	*pool_name = vp_strdup(VP_DEFAULT_POOL);
	if (*pool)
		return use_pool(c, *pool, active, err);
	if (!vp_libvirt_error_is(VIR_ERR_NO_STORAGE_POOL))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up storage pool '%s'",
					VP_DEFAULT_POOL);
	if (planned_find(c, VP_DEFAULT_POOL, NULL))
		return 0;
	dir = vp_pool_default_dir(c->conn);
	return planned_add(c, VP_DEFAULT_POOL, dir, false, err) ? 0 : -1;
}

/* An existing image named by path, known to libvirt as a volume.
 * found=false when there is none. */
static int existing_by_path(struct ctx *c, const char *path, struct vp_vol_info *vi,
			    bool *found, struct vp_error *err)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

	*found = false;
	if (vp_volume_find_by_path(c->conn, path, &vol, err) < 0)
		return -1;
	if (vol) {
		*found = true;
		return vp_volume_describe(vol, vi, err);
	}
	return 0;
}

/* On this machine, what the file at path is, before anything else is
 * decided: nothing there (*found false), a disk image (its format and
 * size in vi), or a refusal (a directory, a FIFO, a device that is not a
 * disk, a file that is no image). */
static int local_image(struct ctx *c, const char *what, const char *path, struct vp_vol_info *vi,
		       bool *found, struct vp_error *err)
{
	struct vp_error e2 = { 0 };
	struct stat st;

	*found = false;
	if (!c->local)
		return 0;
	if (vp_image_probe_local(path, what, &vi->format, &vi->capacity, &e2) < 0) {
		if (e2.code == VP_ERR_NOT_FOUND)
			return 0;
		*err = e2;
		return -1;
	}
	*found = true;
	vi->path = vp_strdup(path);
	vi->type = vp_strdup(stat(path, &st) == 0 && S_ISBLK(st.st_mode) ? "block" : "file");
	return 0;
}

static int resolve_backing(struct ctx *c, struct vp_disk_spec *d, struct vp_error *err)
{
	struct vp_disk_source *src = &d->src;
	struct vp_vol_info vi = { 0 };
	struct vp_vol_info here = { 0 }; /* the file at the path, seen on this machine */
	const char *b = d->backing_store;
	bool found = false;
	char want[32], have[32];
	int r = -1;

	if (b[0] != '/') {
		/* POOL/VOL */
		const char *slash = strchr(b, '/');
		_cleanup_(freep) char *pname = NULL;
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

		if (!slash || slash == b || !slash[1] || strchr(slash + 1, '/'))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --disk backing_store '%s': give an absolute path or POOL/VOLUME",
					    b);
		pname = vp_strndup(b, (size_t)(slash - b));
		if (vp_pool_lookup(c->conn, pname, &pool, err) < 0)
			return -1;
		if (virStoragePoolIsActive(pool) != 1)
			return vp_error_set(err, VP_ERR_INVALID,
					    "storage pool '%s' is not active (start it with 'virsh pool-start %s')",
					    pname, pname);
		if (vp_volume_find(pool, slash + 1, &vol, err) < 0)
			return -1;
		if (!vol)
			return vp_error_set(err, VP_ERR_NOT_FOUND,
					    "backing image '%s' does not exist: pool '%s' has no volume '%s'",
					    b, pname, slash + 1);
		if (vp_volume_describe(vol, &vi, err) < 0)
			return -1;
		if (c->local && vi.path && streq(vi.type, "file")) {
			struct vp_vol_info li = { 0 };
			bool lf = false;

			r = local_image(c, "backing image", vi.path, &li, &lf, err);
			vp_vol_info_clear(&li);
			if (r < 0)
				goto out;
			r = -1;
		}
		found = true;
	} else {
		_cleanup_(freep) char *dir = dir_of(b);
		_cleanup_(freep) char *pname = NULL;
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		bool lfound = false, active = false;

		/* what the file is decides before any pool is looked at */
		if (local_image(c, "backing image", b, &here, &lfound, err) < 0)
			goto out;
		if (c->local && !lfound) {
			vp_error_set(err, VP_ERR_INVALID, "backing image '%s' does not exist", b);
			goto out;
		}
		if (streq(here.type, "block")) {
			vp_error_set(err, VP_ERR_INVALID,
				     "backing image '%s' is a block device; a linked clone needs an image file",
				     b);
			goto out;
		}
		if (existing_by_path(c, b, &vi, &found, err) < 0)
			goto out;
		if (!found) {
			/* a base outside any pool: its directory gets one, as
			 * virt-install does, so libvirt reads its size and format */
			if (pool_for_dir(c, dir, &pool, &pname, &active, err) < 0)
				goto out;
			if (c->local) {
				/* what the look at the file found */
				vi = here;
				memset(&here, 0, sizeof(here));
				found = true;
				vp_set_str(&vi.pool, pname);
				vp_set_str(&vi.name, strrchr(b, '/') + 1);
			} else {
				/* a remote host, a directory no pool holds: nothing
				 * more can be known without changing the host */
				vi.path = vp_strdup(b);
				vi.pool = vp_strdup(pname);
				vi.name = vp_strdup(strrchr(b, '/') + 1);
			}
		}
	}
	vp_set_str(&src->backing_path, vi.path);
	vp_set_str(&src->backing_pool, vi.pool);
	vp_set_str(&src->backing_volume, vi.name);
	if (d->backing_format)
		vp_set_str(&src->backing_format, d->backing_format);
	else
		vp_set_str(&src->backing_format, vi.format ? vi.format : "raw");
	if (!vi.path) {
		vp_error_set(err, VP_ERR_INVALID,
			     "backing image '%s' has no path on the host; it cannot back a linked clone",
			     b);
		goto out;
	}
	if (d->size && vi.capacity && d->size < vi.capacity) {
		vp_format_size(d->size, want, sizeof(want));
		vp_format_size(vi.capacity, have, sizeof(have));
		vp_error_set(err, VP_ERR_INVALID,
			     "disk size %s is smaller than its backing image '%s' (%s)", want, b, have);
		goto out;
	}
	src->capacity = d->size ? d->size : vi.capacity;
	if (!src->capacity)
		src->capacity = c->s->disk_size ? c->s->disk_size : VP_DEFAULT_DISK_SIZE;
	r = 0;
out:
	vp_vol_info_clear(&vi);
	vp_vol_info_clear(&here);
	return r;
}

/* Is cand taken in pool (NULL: planned, not made yet), at dir on this
 * machine, or by an earlier disk of this VM? */
static int name_taken(struct ctx *c, virStoragePoolPtr pool, const char *pool_name,
		      const char *dir, const char *cand, bool *taken, struct vp_error *err)
{
	const struct vp_domain_spec *s = c->s;
	size_t j;

	*taken = false;
	for (j = 0; j < s->n_disks; j++)
		if (streq(s->disks[j].src.volume, cand) && streq(s->disks[j].src.pool, pool_name))
			*taken = true;
	if (!*taken && pool) {
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

		if (vp_volume_find(pool, cand, &vol, err) < 0)
			return -1;
		*taken = vol != NULL;
	}
	if (!*taken && dir && c->local) {
		_cleanup_(freep) char *p = vp_strdup_printf("%s/%s", dir, cand);
		struct stat st;

		*taken = lstat(p, &st) == 0;
	}
	return 0;
}

/* A volume name for a new disk of this VM: NAME.EXT, then NAME-1.EXT, ...
 * skipping names taken. */
static int free_volume_name(struct ctx *c, virStoragePoolPtr pool, const char *pool_name,
			    const char *dir, const char *ext, char **out, struct vp_error *err)
{
	int i;

	for (i = 0;; i++) {
		_cleanup_(freep) char *cand = i ? vp_strdup_printf("%s-%d.%s", c->s->name, i, ext)
					       : vp_strdup_printf("%s.%s", c->s->name, ext);
		bool taken;

		if (name_taken(c, pool, pool_name, dir, cand, &taken, err) < 0)
			return -1;
		if (!taken) {
			*out = TAKE_PTR(cand);
			return 0;
		}
	}
}

static int resolve_disk(struct ctx *c, size_t idx, struct vp_error *err)
{
	struct vp_disk_spec *d = &c->s->disks[idx];
	struct disk_late *late = &c->cs->late[idx];
	struct vp_disk_source *src = &d->src;
	struct vp_vol_info vi = { 0 };
	struct vp_vol_info here = { 0 }; /* the file at the path, seen on this machine */
	bool found = false;
	int r = -1;

	if (d->net_protocol) {
		/* a network disk: the server's, opened by QEMU itself; nothing
		 * on this host to find or make */
		src->type = vp_strdup("network");
		src->format = vp_strdup(d->format ? d->format : "raw");
		return 0;
	}
	if (d->vol) {
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

		if (vp_pool_lookup(c->conn, d->pool, &pool, err) < 0)
			return -1;
		if (virStoragePoolIsActive(pool) != 1)
			return vp_error_set(err, VP_ERR_INVALID,
					    "storage pool '%s' is not active (start it with 'virsh pool-start %s')",
					    d->pool, d->pool);
		if (vp_volume_find(pool, d->vol, &vol, err) < 0)
			return -1;
		if (!vol)
			return vp_error_set(err, VP_ERR_NOT_FOUND, "pool '%s' has no volume '%s'",
					    d->pool, d->vol);
		if (vp_volume_describe(vol, &vi, err) < 0)
			return -1;
		if (c->local && vi.path && streq(vi.type, "file")) {
			struct vp_vol_info li = { 0 };
			bool lf;

			r = local_image(c, "disk", vi.path, &li, &lf, err);
			vp_vol_info_clear(&li);
			if (r < 0)
				goto out;
			r = -1;
		}
		fill_source_from_volume(src, &vi);
		if (d->format && !streq(d->format, src->format)) {
			vp_error_set(err, VP_ERR_INVALID, "volume '%s/%s' is %s, not %s", d->pool,
				     d->vol, src->format, d->format);
			goto out;
		}
		r = 0;
		goto out;
	}
	if (d->path) {
		_cleanup_(freep) char *dir = NULL;
		_cleanup_(freep) char *pname = NULL;
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		bool lfound = false, active = false;
		const char *base;

		if (d->path[0] != '/')
			return vp_error_set(err, VP_ERR_INVALID,
					    "disk path '%s' must be an absolute path", d->path);
		base = strrchr(d->path, '/') + 1;
		if (!*base)
			return vp_error_set(err, VP_ERR_INVALID, "disk path '%s' names a directory",
					    d->path);
		/* what is there decides first: a FIFO, a directory, a text file
		 * are refused before anything is looked up or planned */
		if (local_image(c, "disk", d->path, &here, &lfound, err) < 0)
			goto out;
		if (lfound && streq(here.type, "block")) {
			if (d->size || d->backing_store) {
				vp_error_set(err, VP_ERR_INVALID,
					     "disk '%s' is a block device; drop size= and backing_store= to use it",
					     d->path);
				goto out;
			}
			src->type = vp_strdup("block");
			src->path = vp_strdup(d->path);
			src->format = vp_strdup(d->format ? d->format : "raw");
			r = 0;
			goto out;
		}
		if (c->local && !lfound && !d->size && !d->backing_store) {
			vp_error_set(err, VP_ERR_INVALID,
				     "disk '%s' does not exist (add size= to create it)", d->path);
			goto out;
		}
		if (existing_by_path(c, d->path, &vi, &found, err) < 0)
			goto out;
		dir = dir_of(d->path);
		if (!found) {
			if (pool_for_dir(c, dir, &pool, &pname, &active, err) < 0)
				goto out;
			if (c->local) {
				/* what the look at the file found, if anything */
				if (lfound) {
					vi = here;
					memset(&here, 0, sizeof(here));
					found = true;
					vp_set_str(&vi.pool, pname);
					vp_set_str(&vi.name, base);
				}
			} else if (!d->size && !d->backing_store) {
				/* remote, in a directory no pool held: the pool the
				 * apply makes will show what is there */
				late->lookup = true;
				src->type = vp_strdup("file");
				src->path = vp_strdup(d->path);
				src->pool = TAKE_PTR(pname);
				src->volume = vp_strdup(base);
				src->format = vp_strdup(d->format ? d->format : "raw");
				r = 0;
				goto out;
			}
		}
		if (found) {
			if (d->encryption) {
				vp_error_set(err, VP_ERR_INVALID,
					     "disk '%s' already exists; encryption=luks makes a new volume and cannot encrypt one that is there",
					     d->path);
				goto out;
			}
			if (d->size || d->backing_store) {
				vp_error_set(err, VP_ERR_INVALID,
					     "disk '%s' already exists; drop size= and backing_store= to use it as it is",
					     d->path);
				goto out;
			}
			fill_source_from_volume(src, &vi);
			if (d->format && !streq(d->format, src->format)) {
				vp_error_set(err, VP_ERR_INVALID, "disk '%s' is %s, not %s", d->path,
					     src->format, d->format);
				goto out;
			}
			r = 0;
			goto out;
		}
		if (streq(d->device, "cdrom")) {
			vp_error_set(err, VP_ERR_INVALID, "cdrom image '%s' does not exist", d->path);
			goto out;
		}
		if (!d->size && !d->backing_store) {
			vp_error_set(err, VP_ERR_INVALID,
				     "disk '%s' does not exist (add size= to create it)", d->path);
			goto out;
		}
		src->create = true;
		src->type = vp_strdup("file");
		src->path = vp_strdup(d->path);
		src->pool = TAKE_PTR(pname);
		src->volume = vp_strdup(base);
	} else {
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		_cleanup_(freep) char *pname = NULL;
		_cleanup_(freep) char *dir = NULL;
		_cleanup_(freep) char *ptype = NULL;
		const char *fmt = d->format ? d->format : "qcow2";
		bool active = false;

		if (streq(d->device, "cdrom")) {
			vp_error_set(err, VP_ERR_INVALID, "a cdrom needs path= or vol=");
			goto out;
		}
		/* pool=default is the default pool, made when missing as
		 * virt-install makes it; any other pool must exist */
		if (d->pool && strcmp(d->pool, VP_DEFAULT_POOL) != 0) {
			if (vp_pool_lookup(c->conn, d->pool, &pool, err) < 0)
				goto out;
			if (use_pool(c, pool, &active, err) < 0)
				goto out;
			pname = vp_strdup(d->pool);
		} else if (default_pool(c, &pool, &pname, &active, err) < 0) {
			goto out;
		}
		if (pool) {
			if (vp_pool_target(pool, &dir, &ptype, err) < 0)
				goto out;
		} else {
			struct planned_pool *pp = planned_find(c, pname, NULL);

			dir = vp_strdup(pp ? pp->dir : NULL);
		}
		src->create = true;
		src->pool = TAKE_PTR(pname);
		/* a pool that is not running yet cannot list its volumes: the
		 * apply picks the name once it runs */
		late->name = pool && !active;
		if (free_volume_name(c, active ? pool : NULL, src->pool, dir,
				     streq(fmt, "raw") ? "img" : "qcow2", &src->volume, err) < 0)
			goto out;
		if (ptype && strcmp(ptype, "dir") && strcmp(ptype, "fs") && strcmp(ptype, "netfs") &&
		    strcmp(ptype, "logical") && strcmp(ptype, "disk")) {
			src->type = vp_strdup("volume");
		} else {
			src->type = vp_strdup(streq(ptype, "logical") || streq(ptype, "disk") ? "block" : "file");
			src->path = vp_strdup_printf("%s/%s", dir ? dir : "", src->volume);
		}
	}
	/* a volume to create */
	vp_set_str(&src->format, d->format ? d->format : "qcow2");
	if (d->backing_store) {
		if (resolve_backing(c, d, err) < 0)
			goto out;
	} else {
		src->capacity = d->size ? d->size : c->s->disk_size ? c->s->disk_size : VP_DEFAULT_DISK_SIZE;
	}
	r = 0;
out:
	vp_vol_info_clear(&vi);
	vp_vol_info_clear(&here);
	return r;
}

/* The prefix of the names of a bus's disks. */
static const char *target_prefix(const char *bus)
{
	return streq(bus, "virtio") ? "vd" : streq(bus, "ide") ? "hd" : streq(bus, "fdc") ? "fd" : "sd";
}

/* Does a disk other than skip have this target name (given or assigned)? */
static bool target_taken(const struct vp_domain_spec *s, size_t skip, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_disks; i++)
		if (i != skip && (streq(s->disks[i].target_dev, name) || streq(s->disks[i].target, name)))
			return true;
	return false;
}

/* A disk's bus: given, implied by its device or its target.dev=, or the
 * machine's and the OS profile's default. */
static const char *default_bus(const struct vp_domain_spec *s, const struct vp_disk_spec *d)
{
	const char *t = d->target_dev;

	if (streq(d->device, "floppy"))
		return "fdc";
	if (streq(d->device, "lun"))
		return "scsi";
	if (t && !strncmp(t, "vd", 2))
		return "virtio";
	if (t && !strncmp(t, "hd", 2))
		return "ide";
	if (t && !strncmp(t, "fd", 2))
		return "fdc";
	if (streq(d->device, "cdrom") || (t && !strncmp(t, "sd", 2)))
		return s->x86 && !s->q35 && !t ? "ide" : s->x86 ? "sata" : "scsi";
	if (!s->dev.disk_bus)
		return "virtio";
	/* a profile's non-virtio bus follows the machine the user chose */
	if (streq(s->dev.disk_bus, "ide") && s->q35)
		return "sata";
	return s->dev.disk_bus;
}

/* What a disk's bus cannot do, in libvirt's and QEMU's words. */
static int bus_check(const struct vp_domain_spec *s, const struct vp_disk_spec *d,
		     struct vp_error *err)
{
	const char *prefix = target_prefix(d->bus);

	if (streq(d->bus, "ide") && s->q35)
		return vp_error_set(err, VP_ERR_INVALID,
				    "bus ide does not exist on machine q35 (use bus=sata, or --machine pc)");
	if (streq(d->bus, "virtio") && streq(d->device, "cdrom"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "a cdrom cannot sit on bus virtio (use bus=sata or bus=scsi)");
	if (streq(d->bus, "fdc") && !streq(d->device, "floppy"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk target.dev '%s' names a floppy: add device=floppy", d->target_dev);
	if (streq(d->device, "lun") && !streq(d->bus, "scsi"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk device=lun passes SCSI commands through: it needs bus=scsi, not %s",
				    d->bus);
	if (d->target_dev && strncmp(d->target_dev, prefix, 2) != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk target.dev '%s' does not fit bus %s, whose disks are %sa, %sb, ...",
				    d->target_dev, d->bus, prefix, prefix);
	if (d->queues && !streq(d->bus, "virtio"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk driver.queues= is virtio-blk's: the disk on bus %s has none",
				    d->bus);
	if (d->wwn && !streq(d->bus, "ide") && !streq(d->bus, "scsi"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk wwn= needs bus=scsi or bus=ide (libvirt gives a WWN to no other disk)");
	return vp_disk_bus_check(s, d, err); /* address.*, driver.iothread */
}

/* Bus and target name (vda, sda, hda, fda) of every disk: the names given
 * with target.dev= first, then the next free one of its bus for each
 * other disk. */
static int assign_targets(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	unsigned next[4] = { 0 }, count[4] = { 0 }; /* vd, sd, hd, fd */
	size_t i;

	for (i = 0; i < s->n_disks; i++) {
		struct vp_disk_spec *d = &s->disks[i];

		if (!d->bus)
			d->bus = vp_strdup(default_bus(s, d));
		if (bus_check(s, d, err) < 0)
			return -1;
		if (d->target_dev && target_taken(s, i, d->target_dev))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk target.dev '%s' is given to two disks", d->target_dev);
	}
	for (i = 0; i < s->n_disks; i++) {
		struct vp_disk_spec *d = &s->disks[i];
		const char *prefix = target_prefix(d->bus);
		size_t k = prefix[0] == 'v' ? 0 : prefix[0] == 's' ? 1 : prefix[0] == 'h' ? 2 : 3;
		char name[16];

		if (++count[k] > (k == 2 ? 4u : k == 3 ? 2u : 26u * 27))
			return vp_error_set(err, VP_ERR_INVALID,
					    k == 2 ? "bus ide has room for 4 disks at most" :
					    k == 3 ? "a VM has 2 floppy drives at most" : "too many disks");
		if (d->target_dev) {
			if ((k == 2 && strcmp(d->target_dev, "hdd") > 0) ||
			    (k == 3 && strcmp(d->target_dev, "fdb") > 0))
				return vp_error_set(err, VP_ERR_INVALID,
						    "--disk target.dev '%s': bus %s has %s only",
						    d->target_dev, d->bus,
						    k == 2 ? "hda to hdd" : "fda and fdb");
			vp_set_str(&d->target, d->target_dev);
			continue;
		}
		do {
			unsigned n = next[k]++;

			if (n < 26)
				snprintf(name, sizeof(name), "%s%c", prefix, 'a' + n);
			else if (n < 26 * 27)
				snprintf(name, sizeof(name), "%s%c%c", prefix, 'a' + n / 26 - 1,
					 'a' + n % 26);
			else
				return vp_error_set(err, VP_ERR_INVALID, "too many disks");
		} while (target_taken(s, i, name));
		vp_set_str(&d->target, name);
	}
	return 0;
}

/* What a resolved disk's sub-options cannot be together, now that its
 * kind and format are known (QEMU or libvirt would refuse the VM at its
 * first start). */
static int disk_check(const struct vp_disk_spec *d, struct vp_error *err)
{
	const struct vp_disk_source *src = &d->src;
	const char *what = d->path ? d->path : d->vol ? d->vol : d->net_name ? d->net_name : d->target;
	bool block = streq(src->type, "block");
	const char *cache = d->cache ? d->cache :
			    block && (!d->device || streq(d->device, "disk")) ? "none" : NULL;

	if (streq(d->io, "native") && !streq(cache, "none") && !streq(cache, "directsync"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk io=native needs cache=none or cache=directsync (QEMU's native AIO bypasses the host's page cache)");
	if (d->shareable == VP_YES && d->readonly != VP_YES && !streq(src->format, "raw"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "disk '%s' is %s: libvirt shares only raw images between VMs (shareable=on needs format=raw, or readonly=on)",
				    what, src->format);
	if (streq(d->device, "lun") && !block &&
	    !(streq(src->type, "network") && streq(d->net_protocol, "iscsi")))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk device=lun passes SCSI commands to a block device or an iSCSI LUN; '%s' is neither",
				    what);
	return 0;
}

/* The first disk becomes the image's overlay: it must be a new one. */
static int check_image_disk(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	struct vp_disk_spec *d;

	if (!s->n_disks)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--image needs a disk to lay its overlay on (drop --disk none)");
	d = &s->disks[0];
	if (d->path || d->vol || d->backing_store || d->net_protocol ||
	    (d->device && !streq(d->device, "disk")))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--image makes the first disk, a new overlay: give it as --disk size=N[,pool=P], not an existing path, volume or backing_store");
	if (d->format && !streq(d->format, "qcow2"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--image makes a qcow2 overlay; the first disk cannot be %s", d->format);
	if (vp_install_requested(&s->install) || c->cs->ins)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--image is an install source of its own; it cannot go with --location, --cdrom, --install or --pxe");
	if (s->import == VP_YES || s->boot.kernel)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--image boots its overlay; it cannot go with --import or --boot kernel=");
	return 0;
}

/* --inject: the edits checked now, made on the new overlay (the first
 * disk, on a cloud image or a backing store) by a step before the first
 * boot, with libguestfs on this machine. */
static int resolve_edits(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	const struct vp_disk_source *src = s->n_disks ? &s->disks[0].src : NULL;
	size_t i;

	if (!c->local)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--inject edits the new disk with libguestfs on this machine, and the host is remote; edit the image before it is uploaded ('vprov inject --disk FILE')");
	if (!src || !src->create || (!c->cs->img && !src->backing_path && !src->backing_volume))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--inject edits the overlay this create lays on an image: give --image or --disk backing_store=");
	for (i = 0; i < s->cloud.n_edits; i++) {
		const char *e = s->cloud.edits[i];
		const char *eq = strchr(e, '=');
		_cleanup_(freep) char *name = eq ? vp_strndup(e, (size_t)(eq - e)) : vp_strdup(e);
		struct vp_error e2 = { 0 };
		size_t k;
		bool known = false;

		for (k = 0; vp_edit_options[k]; k++)
			known = known || !strcmp(vp_edit_options[k], name);
		if (!known)
			return vp_error_set(err, VP_ERR_INVALID,
					    "unknown --inject edit '%s' (known: serial-console, hostname=, ssh-inject=, root-password=, write=, upload=, mkdir=, chmod=, firstboot-command=, sysprep, nocloud-seed)",
					    name);
		if (vp_edit_list_add(&c->cs->edits, name, eq ? eq + 1 : "", &e2) < 0)
			return vp_error_set(err, VP_ERR_INVALID, "--inject %s: %s", e, e2.msg);
	}
	return 0;
}

/* Where the installer's files and the seed go: the pool of the first disk
 * this create makes, else the default pool (made when missing). */
static int boot_pool(struct ctx *c, char **name, struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	bool active;
	size_t i;

	for (i = 0; i < c->s->n_disks; i++)
		if (c->s->disks[i].src.create && c->s->disks[i].src.pool) {
			*name = vp_strdup(c->s->disks[i].src.pool);
			return 0;
		}
	return default_pool(c, &pool, name, &active, err);
}

/* Where an upload of volume vol into pool_name will be: *path gets the
 * pool's target directory (the one this create will make it with, when it
 * is planned) and vol, so that --print-xml and --dry-run show the document
 * the VM gets (the upload sets it again).  Pools that are not directories
 * leave *path as it is. */
static int upload_path(struct ctx *c, const char *pool_name, const char *vol, char **path,
		       struct vp_error *err)
{
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(freep) char *dir = NULL;
	_cleanup_(freep) char *ptype = NULL;

	if (!pool_name || !vol)
		return 0;
	if ((pool = virStoragePoolLookupByName(c->conn, pool_name))) {
		if (vp_pool_target(pool, &dir, &ptype, err) < 0)
			return -1;
		if (!dir || (ptype && strcmp(ptype, "dir") && strcmp(ptype, "fs") && strcmp(ptype, "netfs")))
			return 0;
	} else {
		struct planned_pool *pp = planned_find(c, pool_name, NULL);

		virResetLastError();
		if (!pp || !pp->dir)
			return 0;
		dir = vp_strdup(pp->dir);
	}
	free(*path);
	*path = vp_strdup_printf("%s/%s", dir, vol);
	return 0;
}

/* The cloud-init seed's path as its upload into pool_name will give it */
static int seed_path(struct ctx *c, const char *pool_name, struct vp_error *err)
{
	struct vp_disk_spec *d = NULL;
	size_t i;

	for (i = 0; i < c->s->n_disks; i++)
		if (c->s->disks[i].seed)
			d = &c->s->disks[i];
	if (!d || !d->src.volume)
		return 0;
	return upload_path(c, pool_name, d->src.volume, &d->src.path, err);
}

static int resolve_disks(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	size_t i, n;

	if (!s->disks_set) {
		struct vp_disk_spec *d = vp_spec_add_disk(s);

		d->size = s->disk_size ? s->disk_size : VP_DEFAULT_DISK_SIZE;
		s->disks_set = false; /* still "not said" for the canonical form */
	}
	/* room for the installer's ISO and the cloud-init seed, which come later */
	c->cs->late = vp_calloc(s->n_disks + 3, sizeof(*c->cs->late));
	if (c->cs->img && check_image_disk(c, err) < 0)
		return -1;
	for (i = 0; i < s->n_disks; i++)
		if (resolve_disk(c, i, err) < 0)
			return -1;
	if (c->cs->img) {
		struct vp_disk_source *src = &s->disks[0].src;

		/* the base's path, as its upload will give it when its pool
		 * is one this create makes */
		if (vp_image_resolve(c->cs->img, c->conn, s, 0, s->disks[0].src.pool, c->plan, err) < 0 ||
		    vp_image_settle(c->cs->img, c->conn, err) < 0 ||
		    upload_path(c, src->backing_pool, src->backing_volume, &src->backing_path, err) < 0)
			return -1;
	}
	{
		_cleanup_(freep) char *pool = NULL;

		if ((s->cloud.init_set || c->cs->img) &&
		    (boot_pool(c, &pool, err) < 0 ||
		     vp_cloudinit_resolve(c->conn, s, pool, c->cs->img != NULL,
					  c->opts->mode != VP_CREATE_REAL, c->opts->cache_dir, c->plan,
					  &c->cs->ci, err) < 0 ||
		     seed_path(c, pool, err) < 0))
			return -1;
	}
	if (s->cloud.n_edits && resolve_edits(c, err) < 0)
		return -1;
	n = s->n_disks;
	if (c->cs->ins || vp_install_requested(&s->install) || s->install.extra_args ||
	    s->install.n_inject || s->install.unattended.set) {
		_cleanup_(freep) char *pool = NULL;

		if (c->cs->ins && boot_pool(c, &pool, err) < 0)
			return -1;
		if (vp_install_resolve(c->cs->ins, s, pool, c->plan, err) < 0 ||
		    upload_path(c, s->install.kernel_pool, s->install.kernel_vol, &s->install.kernel,
				err) < 0 ||
		    upload_path(c, s->install.initrd_pool, s->install.initrd_vol, &s->install.initrd,
				err) < 0)
			return -1;
	}
	/* the installer's ISO: resolved like any disk, unless it is a volume
	 * the apply uploads */
	for (i = n; i < s->n_disks; i++)
		if (!s->disks[i].src.type && resolve_disk(c, i, err) < 0)
			return -1;
	if (assign_targets(c, err) < 0)
		return -1;
	for (i = 0; i < s->n_disks; i++)
		if (disk_check(&s->disks[i], err) < 0)
			return -1;
	return 0;
}

/* encryption=luks: a new volume in a pool with paths, a secret UUID for
 * its passphrase, and the passphrase file read now (it may be a pipe;
 * kept, wiped when the plan goes, only for a real create). */
static int resolve_luks(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	size_t i;

	for (i = 0; i < s->n_disks; i++) {
		struct vp_disk_spec *d = &s->disks[i];
		struct vp_disk_source *src = &d->src;
		char uuid[37];

		if (!d->encryption)
			continue;
		if (c->cs->img && i == 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--image lays the first disk over the cloud image, whose data would stay unencrypted: encryption=luks needs a new, empty disk (encrypt a second disk, or install with --location)");
		if (!src->create)
			return vp_error_set(err, VP_ERR_INVALID,
					    "disk '%s' already exists; encryption=luks makes a new volume and cannot encrypt one that is there",
					    d->path ? d->path : src->volume);
		if (src->backing_path || src->backing_volume)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk encryption=luks cannot go with backing_store=: the base image's data would stay unencrypted");
		if (!src->path)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk encryption=luks needs a pool whose volumes are files or devices (dir, fs, netfs, logical); pool '%s' is not one",
					    src->pool);
		if (vp_uuid_generate(uuid, err) < 0)
			return -1;
		vp_set_str(&src->encryption, d->encryption);
		vp_set_str(&src->secret_uuid, uuid);
		if (!d->secret_file)
			continue;
		if (!c->cs->keys) {
			c->cs->keys = vp_calloc(s->n_disks, sizeof(*c->cs->keys));
			c->cs->n_keys = s->n_disks;
		}
		if (vp_luks_key_read(d->secret_file, "--disk secret-file", &c->cs->keys[i], err) < 0)
			return -1;
		if (!real(c))
			vp_luks_key_clear(&c->cs->keys[i]);
	}
	return 0;
}

/* ---- the steps --------------------------------------------------------- */

static struct cstate *state_of(struct vp_apply *ap)
{
	return ap->plan->ctx;
}

static size_t index_of(const struct vp_step *st)
{
	return (size_t)(uintptr_t)st->data;
}

static int step_pool(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct planned_pool *pp = &cs->pools[index_of(st)];
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	json_object *u;
	int idx;

	if (pp->exists) {
		char uuid[VIR_UUID_STRING_BUFLEN];

		if (vp_pool_lookup(ap->conn, pp->name, &pool, err) < 0)
			return -1;
		if (virStoragePoolIsActive(pool) == 1)
			return 0;
		if (virStoragePoolGetUUIDString(pool, uuid) < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read storage pool '%s'",
						pp->name);
		u = vp_undo_new("pool-start");
		vp_undo_set(u, "uuid", uuid);
		vp_undo_set(u, "name", pp->name);
		if (vp_apply_intent(ap, u, err) < 0)
			return -1;
		return vp_pool_ensure_active(pool, err);
	}
	if (cs->local && vp_apply_missing_dirs(ap, pp->dir, err) < 0)
		return -1;
	u = vp_undo_new("pool");
	vp_undo_set(u, "uuid", pp->uuid);
	vp_undo_set(u, "name", pp->name);
	if ((idx = vp_apply_intent(ap, u, err)) < 0)
		return -1;
	if (vp_pool_create_dir(ap->conn, pp->name, pp->uuid, pp->dir, &pool, err) < 0) {
		if (err->cause == VIR_ERR_STORAGE_POOL_BUILT || err->cause == VIR_ERR_OPERATION_FAILED ||
		    err->cause == VIR_ERR_OPERATION_INVALID) {
			_cleanup_(virStoragePoolFreep) virStoragePoolPtr other =
				virStoragePoolLookupByName(ap->conn, pp->name);

			if (other) {
				vp_apply_failed(ap, idx);
				return vp_error_set(err, VP_ERR_EXISTS,
						    "storage pool '%s' was made meanwhile by someone else",
						    pp->name);
			}
		}
		return -1;
	}
	return 0;
}

/* Late facts of a disk, once the pools are there. */
static int settle_disk(struct vp_apply *ap, struct vp_domain_spec *s, size_t i,
		       struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct vp_disk_spec *d = &s->disks[i];
	struct vp_disk_source *src = &d->src;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
	struct vp_vol_info vi = { 0 };

	if (!cs->late[i].lookup)
		return 0;
	if (vp_pool_lookup(ap->conn, src->pool, &pool, err) < 0 ||
	    vp_volume_find(pool, src->volume, &vol, err) < 0)
		return -1;
	if (!vol)
		return vp_error_set(err, VP_ERR_INVALID,
				    "disk '%s' does not exist (add size= to create it)", d->path);
	if (vp_volume_describe(vol, &vi, err) < 0)
		return -1;
	fill_source_from_volume(src, &vi);
	vp_vol_info_clear(&vi);
	if (d->format && !streq(d->format, src->format))
		return vp_error_set(err, VP_ERR_INVALID, "disk '%s' is %s, not %s", d->path,
				    src->format, d->format);
	cs->late[i].lookup = false;
	return 0;
}

/* A new volume's name, when its pool was not running at resolve: the
 * pool runs now, so a name no volume there has. */
static int settle_name(struct vp_apply *ap, virStoragePoolPtr pool, size_t i,
		       struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct vp_domain_spec *s = &cs->res->spec;
	struct vp_disk_source *src = &s->disks[i].src;
	struct ctx c = { .conn = ap->conn, .s = s, .local = cs->local };
	_cleanup_(freep) char *dir = NULL;
	char *name = NULL;

	if (!cs->late[i].name)
		return 0;
	free(src->volume);
	src->volume = NULL; /* not taken by this disk itself */
	if (vp_pool_target(pool, &dir, NULL, err) < 0 ||
	    free_volume_name(&c, pool, src->pool, NULL, streq(src->format, "raw") ? "img" : "qcow2",
			     &name, err) < 0)
		return -1;
	free(src->volume);
	src->volume = name;
	if (src->path) {
		free(src->path);
		src->path = vp_strdup_printf("%s/%s", dir ? dir : "", name);
	}
	cs->late[i].name = false;
	return 0;
}

/* The secret holding an encrypted volume's passphrase, before the volume
 * (libvirt's storage driver reads it to write the LUKS header).  The
 * passphrase is wiped as soon as libvirt has it. */
static int step_secret(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct vp_domain_spec *s = &cs->res->spec;
	size_t i = index_of(st);
	struct vp_disk_spec *d = &s->disks[i];
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(freep) char *desc = NULL;
	struct vp_luks_key gen = { 0 };
	struct vp_luks_key *key = i < cs->n_keys && cs->keys[i].data ? &cs->keys[i] : &gen;
	int r;

	if (vp_pool_lookup(ap->conn, d->src.pool, &pool, err) < 0 || settle_name(ap, pool, i, err) < 0)
		return -1;
	if (!d->secret_file && vp_luks_key_generate(&gen, err) < 0)
		return -1;
	desc = vp_strdup_printf("vprov: disk %s of VM %s", d->target ? d->target : "?", s->name);
	r = vp_luks_secret_define_step(ap, ap->conn, d->src.secret_uuid, desc, d->src.path, key, err);
	vp_luks_key_clear(key);
	return r;
}

static int step_volume(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct vp_domain_spec *s = &cs->res->spec;
	size_t i = index_of(st);
	struct vp_disk_source *src = &s->disks[i].src;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	struct vp_vol_info vi = { 0 };
	virStorageVolPtr vol = NULL;

	if (vp_pool_lookup(ap->conn, src->pool, &pool, err) < 0 ||
	    settle_name(ap, pool, i, err) < 0)
		return -1;
	{
		struct vp_volume_request req = {
			.name = src->volume,
			.capacity = src->capacity,
			.format = src->format,
			.sparse = s->disks[i].sparse != VP_NO,
			.backing_path = src->backing_path,
			.backing_format = src->backing_format,
			.encryption = src->encryption,
			.secret_uuid = src->secret_uuid,
		};

		int tries = 0, r;

		/* qemu-img times its LUKS key derivation by the thread's CPU
		 * time; on a busy host that reads 0 now and then and it gives
		 * up ("Unable to get accurate CPU usage"): try again, twice */
		while ((r = vp_volume_create_step(ap, pool, src->pool, &req, src->path, &vol, err)) < 0 &&
		       src->encryption && ++tries < 3 && strstr(err->msg, "accurate CPU usage"))
			memset(err, 0, sizeof(*err));
		if (r < 0) {
			if (err->cause == VIR_ERR_STORAGE_VOL_EXIST)
				return vp_error_set(err, VP_ERR_EXISTS,
						    "volume '%s' in pool '%s' was made meanwhile by someone else",
						    src->volume, src->pool);
			return -1;
		}
	}
	/* the host has the last word on where the volume is */
	if (vp_volume_describe(vol, &vi, err) < 0) {
		virStorageVolFree(vol);
		return -1;
	}
	if (vi.path && !streq(vi.path, src->path))
		vp_set_str(&src->path, vi.path);
	vp_vol_info_clear(&vi);
	virStorageVolFree(vol);
	return 0;
}

static int step_inject(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	const struct vp_disk_source *src = &cs->res->spec.disks[0].src;
	struct vp_inject_disk d = { .path = src->path, .format = src->format };
	struct vp_inject_opts o = {
		.force_tcg = vp_inject_want_tcg(ap->conn, cs->cache_dir),
		.reporter = cs->reporter,
	};
	struct vp_inject_result res = { 0 };
	int r;

	(void)st;
	/* nothing to undo: the volume's own undo removes the overlay */
	r = vp_inject_apply(&d, 1, &cs->edits, &o, &res, err);
	if (res.password)
		vp_report_note(cs->reporter,
			       "--inject root-password=random set the root password %s for VM '%s' (shown only now)",
			       res.password, cs->res->spec.name);
	vp_inject_result_clear(&res);
	return r;
}

/* A document vprov built, finished: the --xml edits in order, then
 * libvirt's schema (unless --print-xml); *out its text. */
static int finish_doc(struct cstate *cs, xmlDocPtr doc, char **out, struct vp_error *err)
{
	if (vp_xmledit_apply(&cs->xml_edits, doc, err) < 0)
		return -1;
	if (cs->validate && vp_schema_validate(VP_SCHEMA_DOMAIN, doc, err) < 0) {
		/* edited, it is the request's: say so, with the schema's words */
		const char *at = strstr(err->msg, " (at "), *end = strstr(err->msg, "); this is a bug");
		char why[VP_ERROR_MAX];

		if (!cs->xml_edits.n || !at || !end || end < at)
			return -1;
		snprintf(why, sizeof(why), "%.*s", (int)(end - at - 5), at + 5);
		return vp_error_set(err, VP_ERR_INVALID,
				    "the domain XML after the --xml edits does not match libvirt's schema (at %s)",
				    why);
	}
	free(*out);
	*out = vp_xml_format(doc);
	return 0;
}

/* The document to submit, from the spec as the earlier steps left it. */
static int final_xml(struct vp_apply *ap, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct vp_domain_spec *s = &cs->res->spec;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	size_t i;

	for (i = 0; i < s->n_disks; i++)
		if (settle_disk(ap, s, i, err) < 0)
			return -1;
	if (vp_domain_build_xml(s, &doc, err) < 0)
		return -1;
	return finish_doc(cs, doc, &cs->res->xml, err);
}

/* The install run's document, from the spec as the uploads left it. */
static int install_xml(struct vp_apply *ap, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	if (vp_domain_build_install_xml(&cs->res->spec, &doc, err) < 0)
		return -1;
	return finish_doc(cs, doc, &cs->res->install_xml, err);
}

/* A VM of this name that is not the one this create made. */
static int name_race(struct vp_apply *ap, const struct vp_domain_spec *s, int idx,
		     struct vp_error *err)
{
	_cleanup_(virDomainFreep) virDomainPtr other = virDomainLookupByName(ap->conn, s->name);
	char uuid[VIR_UUID_STRING_BUFLEN];

	if (!other || virDomainGetUUIDString(other, uuid) < 0 || streq(uuid, s->uuid)) {
		virResetLastError();
		return 0;
	}
	vp_apply_failed(ap, idx);
	return vp_error_set(err, VP_ERR_EXISTS, "a VM named '%s' was made meanwhile by someone else",
			    s->name);
}

static json_object *domain_undo(const struct vp_domain_spec *s)
{
	json_object *u = vp_undo_new("domain");

	vp_undo_set(u, "uuid", s->uuid);
	vp_undo_set(u, "name", s->name);
	return u;
}

static int step_define(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_domain_spec *s = &state_of(ap)->res->spec;
	virDomainPtr dom;
	int idx;

	(void)st;
	if (final_xml(ap, err) < 0)
		return -1;
	if ((idx = vp_apply_intent(ap, domain_undo(s), err)) < 0)
		return -1;
	dom = virDomainDefineXML(ap->conn, state_of(ap)->res->xml);
	if (!dom) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot define VM '%s'", s->name);
		name_race(ap, s, idx, err);
		return -1;
	}
	virDomainFree(dom);
	return 0;
}

static int step_start(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct cstate *cs = state_of(ap);
	struct vp_domain_spec *s = &cs->res->spec;
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	int log_idx = -1, idx;
	struct stat sb;

	(void)st;
	/* the console log the start opens is this create's when it is new */
	if (cs->local && s->console_log && lstat(s->console_log, &sb) < 0 && errno == ENOENT) {
		json_object *u = vp_undo_new("file");

		vp_undo_set(u, "path", s->console_log);
		if ((log_idx = vp_apply_intent(ap, u, err)) < 0)
			return -1;
	}
	if (s->transient == VP_YES) {
		if (final_xml(ap, err) < 0 || (s->install.run && install_xml(ap, err) < 0))
			return -1;
		if ((idx = vp_apply_intent(ap, domain_undo(s), err)) < 0)
			return -1;
		dom = virDomainCreateXML(ap->conn, s->install.run ? cs->res->install_xml : cs->res->xml, 0);
		if (!dom) {
			vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start VM '%s'", s->name);
			name_race(ap, s, idx, err);
			return -1;
		}
	} else if (s->install.run) {
		json_object *u = domain_undo(s);

		/* the install run: the defined VM started with the installer's
		 * document, which ends at the installer's reboot; the
		 * definition (the final VM) stays as defined */
		json_object_object_add(u, "kind", json_object_new_string("domain-start"));
		if (install_xml(ap, err) < 0 || vp_apply_intent(ap, u, err) < 0)
			return -1;
		dom = virDomainCreateXML(ap->conn, cs->res->install_xml, 0);
		if (!dom)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start the install run of VM '%s'",
						s->name);
	} else {
		json_object *u = domain_undo(s);

		/* its own undo (power it off), though undoing the definition
		 * does that too: every start is journalled before it runs */
		json_object_object_add(u, "kind", json_object_new_string("domain-start"));
		if (vp_apply_intent(ap, u, err) < 0)
			return -1;
		dom = virDomainLookupByUUIDString(ap->conn, s->uuid);
		if (!dom)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot find VM '%s' to start it",
						s->name);
		if (virDomainCreate(dom) < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start VM '%s'", s->name);
	}
	if (log_idx >= 0) {
		if (lstat(s->console_log, &sb) == 0) {
			json_object *id = json_object_new_object();

			json_object_object_add(id, "dev", json_object_new_int64((int64_t)sb.st_dev));
			json_object_object_add(id, "ino", json_object_new_int64((int64_t)sb.st_ino));
			vp_apply_done(ap, log_idx, id);
		} else {
			vp_apply_failed(ap, log_idx);
		}
	}
	return 0;
}

static int step_autostart(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_domain_spec *s = &state_of(ap)->res->spec;
	_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByUUIDString(ap->conn, s->uuid);

	(void)st;
	/* no undo of its own: undoing the definition undoes this */
	if (!dom || virDomainSetAutostart(dom, 1) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot mark VM '%s' to start at boot", s->name);
	return 0;
}

/* The steps, in the order they run. */
static void add_steps(struct ctx *c)
{
	const struct vp_domain_spec *s = c->s;
	struct cstate *cs = c->cs;
	struct vp_step *st;
	char size[32];
	size_t i;

	/* what needs nothing of the host goes first: a download that fails
	 * has made nothing to undo */
	vp_install_add_steps(cs->ins, c->s, c->plan, false);
	vp_image_add_steps(cs->img, c->plan, false);
	for (i = 0; i < cs->n_pools; i++) {
		const struct planned_pool *pp = &cs->pools[i];

		if (pp->exists)
			st = vp_plan_add(c->plan, "pool", step_pool, "start storage pool '%s'", pp->name);
		else if (streq(pp->name, VP_DEFAULT_POOL))
			st = vp_plan_add(c->plan, "pool", step_pool, "create storage pool '%s' at '%s'",
					 pp->name, pp->dir);
		else
			st = vp_plan_add(c->plan, "pool", step_pool,
					 "create storage pool '%s' for directory '%s'", pp->name, pp->dir);
		st->data = (void *)(uintptr_t)i;
		vp_step_detail_str(st, "pool", pp->name);
		vp_step_detail_str(st, "directory", pp->dir);
		vp_step_detail_str(st, "action", pp->exists ? "start" : "create");
	}
	/* the base image before the overlay on it */
	vp_image_add_steps(cs->img, c->plan, true);
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_source *src = &s->disks[i].src;

		if (!src->create)
			continue;
		vp_format_size(src->capacity, size, sizeof(size));
		if (src->secret_uuid) {
			const char *file = s->disks[i].secret_file;

			if (file)
				st = vp_plan_add(c->plan, "secret", step_secret,
						 "define secret %s holding the LUKS passphrase of volume '%s' (read from '%s')",
						 src->secret_uuid, src->volume, file);
			else
				st = vp_plan_add(c->plan, "secret", step_secret,
						 "define secret %s holding the LUKS passphrase of volume '%s' (generated, never shown)",
						 src->secret_uuid, src->volume);
			st->data = (void *)(uintptr_t)i;
			vp_step_detail_str(st, "uuid", src->secret_uuid);
			vp_step_detail_str(st, "volume", src->volume);
			vp_step_detail_str(st, "path", src->path);
			vp_step_detail_str(st, "passphrase", file ? "file" : "generated");
			vp_step_detail_str(st, "secret_file", file);
		}
		if (src->backing_path)
			st = vp_plan_add(c->plan, "volume", step_volume,
					 "create volume '%s' in pool '%s' (%s, %s, linked clone of '%s')",
					 src->volume, src->pool, size, src->format, src->backing_path);
		else
			st = vp_plan_add(c->plan, "volume", step_volume,
					 "create volume '%s' in pool '%s' (%s, %s%s)", src->volume,
					 src->pool, size, src->format,
					 src->encryption ? ", LUKS-encrypted" : "");
		st->data = (void *)(uintptr_t)i;
		vp_step_detail_str(st, "pool", src->pool);
		vp_step_detail_str(st, "volume", src->volume);
		vp_step_detail_str(st, "path", src->path);
		vp_step_detail_str(st, "format", src->format);
		vp_step_detail_u64(st, "capacity_bytes", src->capacity);
		if (src->backing_path)
			vp_step_detail_str(st, "backing_store", src->backing_path);
		if (src->encryption) {
			vp_step_detail_str(st, "encryption", src->encryption);
			vp_step_detail_str(st, "secret", src->secret_uuid);
		}
	}
	vp_cloudinit_add_steps(cs->ci, c->plan);
	if (cs->edits.n) {
		_cleanup_(freep) char *list = NULL;

		for (i = 0; i < cs->edits.n; i++) {
			char *t = vp_strdup_printf("%s%s%s", list ? list : "", list ? ", " : "",
						   cs->edits.v[i].label);

			free(list);
			list = t;
		}
		st = vp_plan_add(c->plan, "inject", step_inject,
				 "edit '%s' before the first boot (one libguestfs launch): %s",
				 s->disks[0].src.volume, list);
		vp_step_detail_str(st, "edits", list);
	}
	vp_install_add_steps(cs->ins, c->s, c->plan, true);
	add_reserve_steps(c);
	vp_format_size(s->memory, size, sizeof(size));
	if (s->transient != VP_YES) {
		st = vp_plan_add(c->plan, "define", step_define, "define VM '%s' (%s, %s, %s, %s, %u vCPU%s)",
				 s->name, s->virt_type, s->arch, s->machine ? s->machine : "default machine",
				 size, s->vcpus, s->vcpus == 1 ? "" : "s");
		vp_step_detail_str(st, "vm", s->name);
		vp_step_detail_str(st, "uuid", s->uuid);
		if (s->install.run)
			st = vp_plan_add(c->plan, "start", step_start,
					 "start VM '%s' for its install run (it powers off when the installer reboots; the definition boots the disks then)",
					 s->name);
		else
			st = vp_plan_add(c->plan, "start", step_start, "start VM '%s'", s->name);
	} else {
		st = vp_plan_add(c->plan, "start", step_start,
				 "create and start transient VM '%s' (%s, %s, %s, %s, %u vCPU%s)", s->name,
				 s->virt_type, s->arch, s->machine ? s->machine : "default machine", size,
				 s->vcpus, s->vcpus == 1 ? "" : "s");
	}
	vp_step_detail_str(st, "vm", s->name);
	vp_step_detail_str(st, "uuid", s->uuid);
	if (s->autostart == VP_YES) {
		st = vp_plan_add(c->plan, "autostart", step_autostart,
				 "mark VM '%s' to start when the host boots", s->name);
		vp_step_detail_str(st, "vm", s->name);
	}
}

/* ---- virt-install's checks (--check) ----------------------------------- */

/* Each VM of the host but the one being made, its description parsed;
 * fn returns true to stop. */
static int each_vm(struct ctx *c, bool (*fn)(void *opaque, const char *name, xmlNodePtr devices),
		   void *opaque, struct vp_error *err)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(c->conn, &doms, 0), i;
	bool stop = false;

	if (n < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list the host's VMs");
	for (i = 0; i < n; i++) {
		_cleanup_(freep) char *xml = stop ? NULL : virDomainGetXMLDesc(doms[i], 0);
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

		if (xml && vp_xml_parse(xml, "a domain description", &doc, NULL) == 0)
			stop = fn(opaque, virDomainGetName(doms[i]),
				  vp_xml_child(xmlDocGetRootElement(doc), "devices"));
		virDomainFree(doms[i]);
	}
	free(doms);
	virResetLastError();
	return 0;
}

struct path_use {
	const char *path;
	bool readonly;
	char *users;             /* "a, b" */
};

/* Does this <source>, or one in its backing chain, name path? */
static bool names_path(xmlNodePtr disk, const char *path)
{
	xmlNodePtr c;

	for (c = disk ? disk->children : NULL; c; c = c->next) {
		_cleanup_(xmlFreep) xmlChar *f = NULL;
		_cleanup_(xmlFreep) xmlChar *d = NULL;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(c->name, BAD_CAST "source")) {
			f = xmlGetProp(c, BAD_CAST "file");
			d = xmlGetProp(c, BAD_CAST "dev");
			if ((f && !strcmp((const char *)f, path)) || (d && !strcmp((const char *)d, path)))
				return true;
		} else if (xmlStrEqual(c->name, BAD_CAST "backingStore") && names_path(c, path)) {
			return true;
		}
	}
	return false;
}

static bool path_user(void *opaque, const char *name, xmlNodePtr devices)
{
	struct path_use *u = opaque;
	xmlNodePtr d;

	for (d = devices ? devices->children : NULL; d; d = d->next) {
		if (d->type != XML_ELEMENT_NODE || !xmlStrEqual(d->name, BAD_CAST "disk") ||
		    !names_path(d, u->path))
			continue;
		/* read-only beside read-only is no conflict, as in virt-install */
		if (u->readonly && vp_xml_child(d, "readonly"))
			continue;
		if (u->users) {
			char *t = vp_strdup_printf("%s, '%s'", u->users, name);

			free(u->users);
			u->users = t;
		} else {
			u->users = vp_strdup_printf("'%s'", name);
		}
		break;
	}
	return false;
}

/* path_in_use: an existing disk another VM has (virt-install's check,
 * read-only ones beside read-only ones excepted). */
static int check_paths_in_use(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	bool off = c->opts->checks_off & VP_CHECK_PATH_IN_USE;
	size_t i;

	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];
		struct path_use u = {
			.path = d->src.path,
			.readonly = d->readonly == VP_YES || streq(d->device, "cdrom"),
		};

		if (d->src.create || d->seed || !d->src.path)
			continue;
		if (each_vm(c, path_user, &u, err) < 0)
			return -1;
		if (!u.users)
			continue;
		if (off) {
			vp_plan_warn(c->plan, "disk '%s' is in use by VM %s as well (check path_in_use is off)",
				     u.path, u.users);
		} else {
			vp_error_set(err, VP_ERR_INVALID,
				     "disk '%s' is in use by VM %s (--check path_in_use=off allows it)",
				     u.path, u.users);
			free(u.users);
			return -1;
		}
		free(u.users);
	}
	return 0;
}

struct mac_use {
	const char *mac;
	char *user;
};

static bool mac_user(void *opaque, const char *name, xmlNodePtr devices)
{
	struct mac_use *u = opaque;
	xmlNodePtr n;

	for (n = devices ? devices->children : NULL; n; n = n->next) {
		_cleanup_(freep) char *a = NULL;

		if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "interface"))
			continue;
		a = vp_xml_prop(vp_xml_child(n, "mac"), "address");
		if (a && !strcasecmp(a, u->mac)) {
			u->user = vp_strdup(name);
			return true;
		}
	}
	return false;
}

/* mac_in_use: a MAC address the request gives that another VM has. */
static int check_macs(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	bool off = c->opts->checks_off & VP_CHECK_MAC_IN_USE;
	size_t i;

	for (i = 0; i < s->n_nets; i++) {
		struct mac_use u = { .mac = s->nets[i].mac };

		if (!u.mac)
			continue;
		if (each_vm(c, mac_user, &u, err) < 0)
			return -1;
		if (!u.user)
			continue;
		if (off)
			vp_plan_warn(c->plan, "MAC address '%s' is in use by VM '%s' as well (check mac_in_use is off)",
				     u.mac, u.user);
		else
			vp_error_set(err, VP_ERR_INVALID,
				     "MAC address '%s' is in use by VM '%s' (--check mac_in_use=off allows it)",
				     u.mac, u.user);
		free(u.user);
		if (!off)
			return -1;
	}
	return 0;
}

/* ---- resolve, then apply ---------------------------------------------- */

/* The install source, opened and recognised before the profile is laid
 * down: a tree that says what it is chooses the profile when the user
 * did not (a profile guessed from the VM's name gives way to it). */
static int open_install(struct ctx *c, const struct vp_domain_spec *request, const char **os_id,
			struct vp_error *err)
{
	const struct vp_install_spec *in = &request->install;
	struct vp_install_env env = {
		.cache_dir = c->opts->cache_dir,
		.reporter = c->opts->reporter,
		.osinfo = c->opts->osinfo,
		.local = c->local,
		.stall_timeout_ms = c->opts->fetch_stall_ms,
	};
	const struct vp_tree *t;
	_cleanup_(freep) char *what = NULL;

	if (!in->location && !in->tree_os && !in->cdrom)
		return 0;
	if (!env.cache_dir)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "installing from '%s' needs a cache directory (set $XDG_CACHE_HOME or $HOME)",
				    in->location ? in->location : in->cdrom ? in->cdrom : in->tree_os);
	if (host_caps(c, err) < 0)
		return -1;
	if (vp_install_open(in, request->arch ? request->arch : c->caps.host_arch, &env, &c->cs->ins,
			    err) < 0)
		return -1;
	what = vp_install_describe(c->cs->ins);
	t = vp_install_tree(c->cs->ins);
	/* --install ID names the profile, whatever its tree is recognised as */
	if (in->tree_os && (!*os_id || c->opts->os_from_name))
		*os_id = in->tree_os;
	if (!t) {
		vp_plan_note(c->plan, "the install run boots %s", what);
		return 0;
	}
	if (!t->os_id) {
		vp_plan_note(c->plan, "found %s", what);
		return 0;
	}
	if (in->tree_os) {
		vp_plan_note(c->plan, "found %s", what);
	} else if ((!*os_id || c->opts->os_from_name) && c->opts->osinfo &&
		   vp_osinfo_has(c->opts->osinfo, t->os_id)) {
		*os_id = t->os_id;
		vp_plan_note(c->plan, "found %s: using OS profile '%s' (choose another with --os)", what,
			     t->os_id);
	} else if (*os_id && strcmp(*os_id, t->os_id) != 0) {
		vp_plan_warn(c->plan, "found %s, which looks like '%s', not the OS profile '%s' given",
			     what, t->os_id, *os_id);
	} else {
		vp_plan_note(c->plan, "found %s", what);
	}
	return 0;
}

static int image_open(struct ctx *c, const char *arg, const char *arch, const char *of,
		      const char **profile, struct vp_error *err)
{
	struct vp_image_env env = {
		.cache_dir = c->opts->cache_dir,
		.state_dir = c->opts->state_dir,
		.reporter = c->opts->reporter,
		.osinfo = c->opts->osinfo,
		.stall_timeout_ms = c->opts->fetch_stall_ms,
		.profile = of,
	};

	return vp_image_open(arg, arch, &env, &c->cs->img, profile, err);
}

/* --image ID|URL|PATH|POOL/VOL, opened before the profile is laid down:
 * an OS id chooses the profile when the user did not. */
static int open_image(struct ctx *c, const struct vp_domain_spec *request, const char **os_id,
		      struct vp_error *err)
{
	const char *img = request->cloud.image, *profile = NULL;
	_cleanup_(freep) char *what = NULL;

	if (!img || !*img)
		return 0; /* none, or the profile's: once the profile is known */
	if (host_caps(c, err) < 0 ||
	    image_open(c, img, request->arch ? request->arch : c->caps.host_arch, NULL, &profile,
		       err) < 0)
		return -1;
	what = vp_image_describe(c->cs->img);
	if (profile && (!*os_id || c->opts->os_from_name)) {
		*os_id = profile;
		vp_plan_note(c->plan, "using %s and the OS profile '%s'", what, profile);
	} else {
		vp_plan_note(c->plan, "using %s", what);
	}
	return 0;
}

/* No install source, no disk to boot, no kernel: the profile's cloud
 * image is the default (or --image given bare). */
static int default_image(struct ctx *c, const struct vp_domain_spec *request, const char *os_id,
			 struct vp_error *err)
{
	const struct vp_domain_spec *s = c->s;
	_cleanup_(freep) char *url = NULL;
	_cleanup_(freep) char *what = NULL;
	bool bare = request->cloud.image && !*request->cloud.image;
	size_t i;

	if (c->cs->img || (request->cloud.image && !bare))
		return 0;
	if (!bare) {
		if (c->cs->ins || vp_install_requested(&s->install) || s->import == VP_YES ||
		    s->boot.kernel)
			return 0;
		for (i = 0; i < s->n_disks; i++)
			if (s->disks[i].path || s->disks[i].vol || s->disks[i].backing_store ||
			    s->disks[i].device || s->disks[i].net_protocol)
				return 0;
		if (s->disks_set && !s->n_disks)
			return 0;
		for (i = 0; i < s->boot.n_devs; i++)
			if (strcmp(s->boot.devs[i], "hd") != 0)
				return 0;
	}
	url = os_id ? vp_image_of_profile(c->opts->osinfo, os_id, s->arch ? s->arch : c->caps.host_arch) :
		      NULL;
	if (!url) {
		if (bare)
			return vp_error_set(err, VP_ERR_INVALID,
					    os_id ? "--image without a value takes the OS profile's cloud image, and '%s' names none for this architecture; give --image URL|FILE|POOL/VOL" :
						    "--image without a value takes the OS profile's cloud image: choose a profile with --os, or give --image URL|FILE|POOL/VOL%s",
					    os_id ? os_id : "");
		return 0;
	}
	if (image_open(c, url, s->arch ? s->arch : c->caps.host_arch, os_id, NULL, err) < 0)
		return -1;
	what = vp_image_describe(c->cs->img);
	vp_plan_note(c->plan,
		     "installing from %s, the cloud image of OS profile '%s' (choose another with --image, or install with --location or --cdrom)",
		     what, os_id);
	return 0;
}

/* Something the VM can boot without an install run: an existing image, an
 * overlay on one, a cdrom, a kernel, or --import. */
static bool has_boot_source(const struct vp_domain_spec *s)
{
	size_t i;

	if (s->import == VP_YES || s->boot.kernel || s->install.no_install == VP_YES)
		return true;
	for (i = 0; i < s->n_disks; i++)
		if (!s->disks[i].src.create || s->disks[i].src.backing_path ||
		    s->disks[i].src.backing_volume || streq(s->disks[i].device, "cdrom"))
			return true;
	for (i = 0; i < s->boot.n_devs; i++)
		if (streq(s->boot.devs[i], "network"))
			return true;
	return false;
}

/* ---- the display ---------------------------------------------------------- */

/* An OS without a virtio-gpu driver (its profile's "vga") gets the display
 * that suits its graphics and firmware, as virt-install picks it: qxl with
 * SPICE, whose 2D commands it carries (with VNC it is only a VGA with more
 * memory); bochs on UEFI, a linear framebuffer without the VGA legacy that
 * OVMF's GOP drives; else the standard VGA.  A model the user named stays. */
static void resolve_display(struct vp_domain_spec *s, const struct vp_domain_spec *request)
{
	if (request->dev.video_model || !streq(s->dev.video_model, "vga"))
		return;
	if (s->x86 && streq(s->graphics.type, "spice"))
		vp_set_str(&s->dev.video_model, "qxl");
	else if (s->boot.uefi == VP_YES)
		vp_set_str(&s->dev.video_model, "bochs");
}

int vp_create_plan(virConnectPtr conn, const struct vp_domain_spec *request,
		   const struct vp_create_opts *opts, struct vp_create_result *res,
		   struct vp_plan **out, struct vp_error *err)
{
	struct ctx c = { .conn = conn, .opts = opts, .res = res };
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	const char *os_id = opts->os_id;
	_cleanup_(freep) char *mem_from = NULL;
	uint64_t prof_mem = 0;
	size_t i;
	int r = -1;

	memset(res, 0, sizeof(*res));
	*out = NULL;
	c.s = &res->spec;
	c.cs = vp_calloc(1, sizeof(*c.cs));
	c.cs->res = res;
	c.cs->cache_dir = opts->cache_dir;
	c.cs->reporter = opts->reporter;
	vp_xmledits_copy(&c.cs->xml_edits, opts->xml_edits);
	c.plan = vp_plan_new("create", request->name);
	c.plan->ctx = c.cs;
	c.plan->free_ctx = cstate_free;
	for (i = 0; i < opts->n_notes; i++)
		vp_plan_warn(c.plan, "%s", opts->notes[i]);
	/* the layers: built-in defaults, the OS profile, the request */
	vp_spec_defaults(c.s);
	c.local = c.cs->local = vp_conn_is_local(conn);
	if (open_install(&c, request, &os_id, err) < 0 || open_image(&c, request, &os_id, err) < 0)
		goto out;
	if (opts->osinfo && os_id) {
		struct vp_os_profile prof;
		struct vp_domain_spec layer;
		const char *from = NULL;
		/* an installer booted from a tree or an ISO (or the network)
		 * needs the profile's network-install memory; a cloud image or
		 * an imported disk does not */
		bool installer = c.cs->ins || request->install.pxe == VP_YES;

		/* resources can differ per architecture: know it first */
		if (host_caps(&c, err) < 0)
			goto out;
		if (vp_osinfo_profile(opts->osinfo, os_id,
				      request->arch ? request->arch : c.caps.host_arch, &prof, err) < 0)
			goto out;
		vp_os_profile_spec(&prof, &layer);
		layer.memory = prof_mem = vp_os_profile_memory(&prof, installer, &from);
		mem_from = from ? vp_strdup(from) : NULL;
		vp_spec_merge(c.s, &layer, err);
		vp_spec_clear(&layer);
		vp_os_profile_clear(&prof);
	}
	if (vp_spec_merge(c.s, request, err) < 0)
		goto out;
	if (!c.s->name && pick_name(&c, opts->osinfo ? os_id : NULL, err) < 0)
		goto out;
	res->memory_from = request->memory ? vp_strdup("--memory") :
			   mem_from && prof_mem == c.s->memory ? vp_strdup(mem_from) :
								  vp_strdup("vprov's default");
	if (opts->osinfo && host_caps(&c, err) < 0)
		goto out;
	if (opts->osinfo && default_image(&c, request, os_id, err) < 0)
		goto out;
	if (vp_spec_check_text(c.s, err) < 0)
		goto out;
	c.cs->validate = opts->mode != VP_CREATE_PRINT_XML;
	if (c.s->transient == VP_YES && c.s->autostart == VP_YES) {
		vp_error_set(err, VP_ERR_INVALID,
			     "a transient VM cannot start at boot (drop --autostart or --transient)");
		goto out;
	}
	c.s->spec_hash = vp_spec_hash(c.s);
	if (resolve_vm(&c, err) < 0 || check_macs(&c, err) < 0 || resolve_networks(&c, err) < 0 ||
	    resolve_hostdevs(&c, err) < 0 || resolve_disks(&c, err) < 0 || check_paths_in_use(&c, err) < 0 ||
	    resolve_luks(&c, err) < 0 ||
	    resolve_boot(&c, err) < 0 || choose_virt_type(&c, err) < 0)
		goto out;
	resolve_display(c.s, request);
	c.s->local = c.local;
	/* the document, validated before anything is made; the apply builds
	 * it again once volumes have their final paths */
	if (vp_domain_build_xml(c.s, &doc, err) < 0 || finish_doc(c.cs, doc, &res->xml, err) < 0)
		goto out;
	if (c.s->install.run) {
		xmlFreeDoc(doc);
		doc = NULL;
		if (vp_domain_build_install_xml(c.s, &doc, err) < 0 ||
		    finish_doc(c.cs, doc, &res->install_xml, err) < 0)
			goto out;
	} else if (!c.cs->img && !has_boot_source(c.s)) {
		vp_plan_warn(c.plan,
			     "VM '%s' has nothing to boot: its disks are new and empty (give --location, --cdrom, --import with an existing disk, or --boot kernel=; --install no_install=yes says it is meant so)",
			     c.s->name);
	}
	/* room on the host for it (--print-xml may be for another host) */
	if (opts->mode != VP_CREATE_PRINT_XML &&
	    vp_resources_check_disks(conn, c.s, opts->force, opts->checks_off & VP_CHECK_DISK_SIZE,
				     c.plan, &res->resources, err) < 0)
		goto out;
	add_steps(&c);
	*out = TAKE_PTR(c.plan);
	r = 0;
out:
	vp_plan_free(c.plan);
	vp_host_caps_clear(&c.caps);
	return r;
}

int vp_domain_create(virConnectPtr conn, const struct vp_domain_spec *request,
		     const struct vp_create_opts *opts, struct vp_create_result *res,
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
	if (opts->mode == VP_CREATE_REAL && request->name &&
	    vp_journal_lock(conn, opts->state_dir, "vm", request->name, opts->reporter, &lock, err) < 0) {
		memset(res, 0, sizeof(*res));
		return -1;
	}
	if (vp_create_plan(conn, request, opts, res, &plan, err) < 0)
		goto out;
	/* a name picked by the plan: its lock now, and a look whether another
	 * create took it meanwhile (then the plan is made again) */
	for (int tries = 0; opts->mode == VP_CREATE_REAL && !request->name && lock.fd < 0; tries++) {
		virDomainPtr dom;

		if (vp_journal_lock(conn, opts->state_dir, "vm", res->spec.name, opts->reporter, &lock,
				    err) < 0)
			goto out;
		dom = virDomainLookupByName(conn, res->spec.name);
		if (!dom)
			break;
		virDomainFree(dom);
		vp_journal_unlock(&lock);
		lock.fd = -1;
		vp_plan_free(plan);
		plan = NULL;
		vp_create_result_clear(res);
		if (tries == 10) {
			vp_error_set(err, VP_ERR_EXISTS, "the VM names this create picked were taken meanwhile; give one");
			goto out;
		}
		if (vp_create_plan(conn, request, opts, res, &plan, err) < 0)
			goto out;
	}
	if (opts->mode != VP_CREATE_REAL) {
		vp_plan_report_warnings(plan, opts->reporter);
		r = 0;
		goto out;
	}
	r = vp_plan_apply(conn, plan, &ao, undo, err);
out:
	vp_journal_unlock(&lock);
	if (plan_out)
		*plan_out = plan;
	else
		vp_plan_free(plan);
	return r;
}

void vp_create_result_clear(struct vp_create_result *res)
{
	if (!res)
		return;
	vp_spec_clear(&res->spec);
	free(res->xml);
	free(res->install_xml);
	free(res->memory_from);
	vp_resources_free(res->resources);
	memset(res, 0, sizeof(*res));
}
