/* osinfo/resolve.c — a profile with its inheritance, and the spec it gives
 *
 * osinfo-db describes most things once, in an old release, and lets later
 * releases inherit through derives-from (or clones, for rebuilds of another
 * distribution, or upgrades when a release says neither): devices accumulate down the chain (a release may mark an
 * inherited device unsupported), resources and firmware come from the
 * nearest release that says them.
 */
#include "osinfo.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "units.h"
#include "index.h"

#define MAX_CHAIN 64

#define STALE (-2)

/* Parse the file of entry e and take out the <os> with its id; STALE when
 * the file changed since the index saw it. */
static int load_os(struct vp_osinfo *db, const struct vp_os_entry *e, struct vp_os *out,
		   struct vp_error *err)
{
	_cleanup_(freep) char *text = NULL;
	struct vp_os *list = NULL;
	size_t len, n = 0, i;
	int found = -1;

	if (!vp_osinfo_file_current(db, e->file))
		return STALE;
	if (vp_osinfo_read_file(e->file, &text, &len, err) < 0 ||
	    vp_os_parse(text, len, e->file, e->source, &list, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (found < 0 && !strcmp(list[i].id, e->id)) {
			*out = list[i];
			found = (int)i;
			continue;
		}
		vp_os_free(&list[i]);
	}
	free(list);
	if (found < 0)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "OS '%s' is no longer in '%s' (the database changed; run again)",
				    e->id, e->file);
	return 0;
}

static void not_found(struct vp_osinfo *db, const char *id, struct vp_error *err)
{
	char *sug[3];
	size_t n = vp_osinfo_suggest(db, id, sug, 3), i;

	if (n == 0)
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "unknown OS '%s' (see 'vprov osinfo list')", id);
	else if (n == 1)
		vp_error_set(err, VP_ERR_NOT_FOUND, "unknown OS '%s'; did you mean %s?", id, sug[0]);
	else if (n == 2)
		vp_error_set(err, VP_ERR_NOT_FOUND, "unknown OS '%s'; did you mean %s or %s?", id,
			     sug[0], sug[1]);
	else
		vp_error_set(err, VP_ERR_NOT_FOUND, "unknown OS '%s'; did you mean %s, %s or %s?", id,
			     sug[0], sug[1], sug[2]);
	for (i = 0; i < n; i++)
		free(sug[i]);
}

/* The resources of one class (min or rec) for arch in os, arch-specific
 * before "all". */
static const struct vp_os_resources *res_of(const struct vp_os *os, const char *arch, bool rec)
{
	const struct vp_os_resources *all = NULL;
	size_t i;

	for (i = 0; i < os->n_resources; i++) {
		const struct vp_os_resources *r = rec ? &os->resources[i].rec : &os->resources[i].min;

		if (!r->set)
			continue;
		if (!strcmp(os->resources[i].arch, arch))
			return r;
		if (!strcmp(os->resources[i].arch, "all") && !all)
			all = r;
	}
	return all;
}

enum { C_MIN, C_REC, C_NET };
enum { F_RAM, F_CPUS, F_DISK, N_FIELDS };

static uint64_t field(const struct vp_os_resources *r, unsigned f)
{
	return f == F_RAM ? r->ram : f == F_CPUS ? r->n_cpus : r->storage;
}

/* One figure of one class for arch in os, as libosinfo and virt-install
 * look it up: the entry for arch when it says that figure, else the one
 * for "all"; *from gets the entry's arch.  0: not said. */
static uint64_t field_of(const struct vp_os *os, const char *arch, int cls, unsigned f,
			 const char **from)
{
	const char *pass[2] = { arch, "all" };
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < os->n_resources; i++) {
			const struct vp_os_res_entry *e = &os->resources[i];
			const struct vp_os_resources *r = cls == C_MIN ? &e->min :
							  cls == C_REC ? &e->rec :
									 &e->net;
			uint64_t v;

			if (!r->set || strcmp(e->arch, pass[k]) != 0 || !(v = field(r, f)))
				continue;
			*from = e->arch;
			return v;
		}
	return 0;
}

/* "[twice ]rocky9's recommended resources on x86_64" */
static char *res_from(const char *prefix, const char *os, const char *what, const char *arch)
{
	return !strcmp(arch, "all") ?
		       vp_strdup_printf("%s%s's %s resources for all architectures", prefix, os, what) :
		       vp_strdup_printf("%s%s's %s resources on %s", prefix, os, what, arch);
}

static void add_device(struct vp_os_profile *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n_devices; i++)
		if (!strcmp(p->devices[i], id))
			return;
	p->devices = vp_grow(p->devices, p->n_devices + 1, sizeof(char *));
	p->devices[p->n_devices++] = vp_strdup(id);
}

static void drop_device(struct vp_os_profile *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n_devices; i++)
		if (!strcmp(p->devices[i], id)) {
			free(p->devices[i]);
			p->devices[i] = p->devices[--p->n_devices];
			return;
		}
}

static int resolve(struct vp_osinfo *db, const char *id, const char *arch,
		   struct vp_os_profile *out, struct vp_error *err);

int vp_osinfo_check(struct vp_osinfo *db, const char *id, struct vp_error *err)
{
	/* an id the index does not know may be in a file changed since */
	if (vp_osinfo_find(db, id) || (vp_osinfo_refresh(db) == 1 && vp_osinfo_find(db, id)))
		return 0;
	not_found(db, id, err);
	return -1;
}

int vp_osinfo_profile(struct vp_osinfo *db, const char *id, const char *arch,
		      struct vp_os_profile *out, struct vp_error *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	if (vp_osinfo_check(db, id, err) < 0)
		return -1;
	r = resolve(db, id, arch, out, err);
	if (r == STALE) {
		/* a file changed under the index: rebuild it, then once more */
		db->fully_checked = false;
		vp_osinfo_refresh(db);
		r = resolve(db, id, arch, out, err);
	}
	if (r == STALE)
		r = vp_error_set(err, VP_ERR_RUNTIME,
				 "the OS database keeps changing while it is read; run again");
	return r;
}

static int resolve(struct vp_osinfo *db, const char *id, const char *arch,
		   struct vp_os_profile *out, struct vp_error *err)
{
	struct vp_os chain[MAX_CHAIN];
	struct vp_os_entry *e = vp_osinfo_find(db, id);
	bool fw_done_efi = false, fw_done_bios = false;
	size_t n = 0, i, j;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (!e) {
		not_found(db, id, err);
		return -1;
	}
	out->arch = vp_strdup(arch);
	out->shadowed = vp_strdup(e->shadowed);
	out->shadowed_source = vp_strdup(e->shadowed_source);
	if (e->shadowed_source)
		out->why = vp_osinfo_choice(db, e->source, e->shadowed_source);
	else
		out->why = vp_strdup_printf("no other database defines %s", e->id);
	/* walk up: the OS, its parent, ... */
	while (e) {
		const char *next;

		for (i = 0; i < n; i++)
			if (!strcmp(chain[i].id, e->id))
				break;
		if (i < n)
			break; /* a cycle: stop at the repeat */
		if (n == MAX_CHAIN)
			break;
		if ((r = load_os(db, e, &chain[n], err)) < 0)
			goto out;
		r = -1;
		out->chain = vp_grow(out->chain, out->n_chain + 1, sizeof(char *));
		out->chain_short = vp_grow(out->chain_short, out->n_chain + 1, sizeof(char *));
		out->chain_short[out->n_chain] =
			vp_strdup(chain[n].n_short_ids ? chain[n].short_ids[0] : chain[n].id);
		out->chain[out->n_chain++] = vp_strdup(chain[n].id);
		/* derives-from, else clones (rebuilds of RHEL), else upgrades */
		next = chain[n].derives_from ? chain[n].derives_from :
		       chain[n].clones	      ? chain[n].clones :
						chain[n].upgrades;
		n++;
		e = next ? vp_osinfo_find(db, next) : NULL;
	}
	/* resources: the nearest release that says them */
	for (i = 0; i < n && !(out->min.set && out->rec.set); i++) {
		const struct vp_os_resources *rm = res_of(&chain[i], arch, false);
		const struct vp_os_resources *rr = res_of(&chain[i], arch, true);

		if (!out->min.set && rm)
			out->min = *rm;
		if (!out->rec.set && rr)
			out->rec = *rr;
	}
	/* what a VM gets, field by field, from the nearest release that says
	 * anything about that field */
	{
		bool done[N_FIELDS] = { false };
		unsigned f;

		for (i = 0; i < n; i++)
			for (f = 0; f < N_FIELDS; f++) {
				const char *ra = NULL, *ma = NULL;
				uint64_t rec = field_of(&chain[i], arch, C_REC, f, &ra);
				uint64_t min = field_of(&chain[i], arch, C_MIN, f, &ma);
				uint64_t v;

				if (done[f] || (!rec && !min))
					continue;
				done[f] = true;
				/* recommended, else twice the minimum; never below the
				 * minimum (rocky9 on aarch64: 1.5 GiB recommended for
				 * all architectures, 2 GiB minimum on aarch64) */
				v = rec ? rec : 2 * min;
				if (min > v)
					v = min;
				if (f == F_RAM) {
					out->use.ram = v;
					out->ram_from =
						rec && v == rec ? res_from("", out->chain_short[i], "recommended", ra) :
						rec		  ? res_from("", out->chain_short[i], "minimum", ma) :
								    res_from("twice ", out->chain_short[i], "minimum", ma);
				} else if (f == F_CPUS) {
					out->use.n_cpus = (unsigned)v;
				} else {
					out->use.storage = v;
				}
			}
		out->use.set = done[F_RAM] || done[F_CPUS] || done[F_DISK];
		/* an installer's memory: the nearest network-install figure */
		for (i = 0; i < n && !out->install_ram; i++) {
			const char *na = NULL;
			uint64_t v = field_of(&chain[i], arch, C_NET, F_RAM, &na);

			if (v) {
				out->install_ram = v;
				out->install_ram_from = res_from("", out->chain_short[i], "network-install", na);
			}
		}
	}
	/* devices: from the oldest ancestor down, each release adding or
	 * withdrawing its own */
	for (i = n; i-- > 0;)
		for (j = 0; j < chain[i].n_devices; j++) {
			if (chain[i].devices[j].supported)
				add_device(out, chain[i].devices[j].id);
			else
				drop_device(out, chain[i].devices[j].id);
		}
	/* firmware: the nearest statement for this arch (or all) */
	for (i = 0; i < n; i++)
		for (j = 0; j < chain[i].n_firmware; j++) {
			const struct vp_os_firmware *fw = &chain[i].firmware[j];

			if (strcmp(fw->arch, arch) && strcmp(fw->arch, "all"))
				continue;
			if (fw->type && !strcmp(fw->type, "efi") && !fw_done_efi) {
				out->efi_supported = fw->supported;
				fw_done_efi = true;
			} else if (fw->type && !strcmp(fw->type, "bios") && !fw_done_bios) {
				out->bios_unsupported = !fw->supported;
				fw_done_bios = true;
			}
		}
	out->os = vp_grow(NULL, 1, sizeof(*out->os));
	*out->os = chain[0];
	memset(&chain[0], 0, sizeof(chain[0]));
	r = 0;
out:
	for (i = 0; i < n; i++)
		vp_os_free(&chain[i]);
	if (r < 0)
		vp_os_profile_clear(out);
	return r;
}

void vp_os_profile_clear(struct vp_os_profile *p)
{
	size_t i;

	if (!p)
		return;
	if (p->os) {
		vp_os_free(p->os);
		free(p->os);
	}
	for (i = 0; i < p->n_devices; i++)
		free(p->devices[i]);
	free(p->devices);
	free(p->ram_from);
	free(p->install_ram_from);
	for (i = 0; i < p->n_chain; i++) {
		free(p->chain[i]);
		free(p->chain_short[i]);
	}
	free(p->chain);
	free(p->chain_short);
	free(p->arch);
	free(p->shadowed);
	free(p->shadowed_source);
	free(p->why);
	memset(p, 0, sizeof(*p));
}

/* ---- the spec a profile gives ------------------------------------------ */

static bool has(const struct vp_os_profile *p, const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < p->n_devices; i++)
		if (!strcmp(p->devices[i], a) || (b && !strcmp(p->devices[i], b)))
			return true;
	return false;
}

static bool is_windows(const struct vp_os_profile *p)
{
	const char *f = p->os->family;

	return f && (!strcmp(f, "winnt") || !strcmp(f, "win9x") || !strcmp(f, "win16"));
}

void vp_os_profile_spec(const struct vp_os_profile *p, struct vp_domain_spec *l)
{
	bool x86 = p->arch && (!strcmp(p->arch, "x86_64") || !strcmp(p->arch, "i686"));
	bool virtio_net = has(p, VP_DEV_VIRTIO_NET, VP_DEV_VIRTIO1_NET);
	bool virtio1 = has(p, VP_DEV_VIRTIO1_NET, NULL);
	bool q35 = has(p, VP_DEV_Q35, NULL) && (virtio1 || !virtio_net);
	bool win = is_windows(p);

	memset(l, 0, sizeof(*l));
	l->os.id = vp_strdup(p->os->id);
	l->os.short_id = p->os->n_short_ids ? vp_strdup(p->os->short_ids[0]) : NULL;
	l->os.name = vp_strdup(p->os->name);

	/* resources: recommended, else twice the minimum */
	l->memory = vp_os_profile_memory(p, false, NULL);
	l->vcpus = p->use.n_cpus;
	l->disk_size = p->use.storage;
	if (l->vcpus > VP_MAX_VCPUS)
		l->vcpus = VP_MAX_VCPUS;
	if (l->disk_size && l->disk_size < VP_MIN_DISK)
		l->disk_size = VP_MIN_DISK;
	if (l->disk_size > VP_MAX_DISK)
		l->disk_size = VP_MAX_DISK;

	/* machine: q35 when the OS knows it and (if it knows virtio at all)
	 * virtio 1.0; else the i440fx PC */
	if (x86)
		l->machine = vp_strdup(q35 ? "q35" : "pc");

	/* devices: virtio only where the OS drives it */
	if (!has(p, VP_DEV_VIRTIO_BLK, VP_DEV_VIRTIO1_BLK))
		l->dev.disk_bus = vp_strdup(!x86 ? "scsi" : q35 ? "sata" : "ide");
	if (!virtio_net)
		l->dev.net_model = vp_strdup(has(p, VP_DEV_E1000E, NULL) ? "e1000e" :
					     has(p, VP_DEV_E1000, NULL)	 ? "e1000" :
					     has(p, VP_DEV_RTL8139, NULL)	 ? "rtl8139" :
					     q35				 ? "e1000e" :
										   "e1000");
	l->dev.rng = has(p, VP_DEV_VIRTIO_RNG, VP_DEV_VIRTIO1_RNG) ? VP_YES : VP_NO;
	/* the balloon and the agent channel cost nothing where unused; only an
	 * OS with no virtio at all (Windows before its drivers) goes without */
	if (!virtio_net && !has(p, VP_DEV_VIRTIO_BLK, VP_DEV_VIRTIO1_BLK)) {
		l->dev.balloon = has(p, VP_DEV_VIRTIO_BALLOON, VP_DEV_VIRTIO1_BALLOON) ? VP_YES : VP_NO;
		l->dev.agent = has(p, VP_DEV_VIRTIO_SERIAL, VP_DEV_VIRTIO1_SERIAL) ? VP_YES : VP_NO;
	}
	/* without an XHCI driver: USB 2, EHCI with its three UHCI companions,
	 * on either machine (as virt-install does).  An OS with only USB 1
	 * drivers still finds its UHCI controllers, and SPICE's USB
	 * redirection of USB 2 devices needs the EHCI, which PIIX3's lone
	 * UHCI does not have. */
	if (!has(p, VP_DEV_QEMU_XHCI, NULL))
		l->dev.usb_model = vp_strdup("ich9-ehci1");
	/* without a virtio-gpu driver: a VGA-compatible display.  Which one
	 * (qxl with SPICE, bochs with UEFI, else vga) depends on the graphics
	 * and firmware: vp_video_model() picks it once they are known. */
	if (!has(p, VP_DEV_VIRTIO1_GPU, NULL))
		l->dev.video_model = vp_strdup("vga");
	l->dev.tablet = has(p, VP_DEV_USB_TABLET, NULL) ? VP_YES : VP_NO;
	if (win) {
		l->dev.localtime = VP_YES;
		l->dev.hyperv = VP_YES;
	}

	/* firmware: UEFI when the OS cannot boot from BIOS */
	if (p->efi_supported && p->bios_unsupported)
		l->boot.uefi = VP_YES;
}

uint64_t vp_os_profile_memory(const struct vp_os_profile *p, bool installer, const char **from)
{
	uint64_t m = p->use.ram;
	const char *f = p->ram_from;

	if (installer && p->install_ram > m) {
		m = p->install_ram;
		f = p->install_ram_from;
	}
	if (m && m < VP_MIN_MEMORY)
		m = VP_MIN_MEMORY;
	if (m > VP_MAX_MEMORY)
		m = VP_MAX_MEMORY;
	if (from)
		*from = m ? f : NULL;
	return m;
}

const struct vp_os_link *vp_os_profile_tree(const struct vp_os_profile *p, const char *arch)
{
	size_t i;

	for (i = 0; p->os && i < p->os->n_trees; i++) {
		const struct vp_os_link *t = &p->os->trees[i];

		if (t->url && (!t->arch || !strcmp(t->arch, arch) || !strcmp(t->arch, "all")))
			return t;
	}
	return NULL;
}
