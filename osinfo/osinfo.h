/* osinfo/osinfo.h — OS profiles from the osinfo-db XML database
 *
 * The database libvirt's tools use (Debian's osinfo-db, /usr/share/osinfo),
 * read with libxml2, without libosinfo: an index (short-id and id -> file,
 * with the fields a listing needs) is cached on disk and rebuilt when any
 * file of the database changes, so resolving one OS parses only the files
 * of that OS and its ancestors.
 *
 * Where profiles come from:
 *   bundled   profiles compiled into vprov (osinfo/db), dated by
 *             osinfo/db/VERSION
 *   system    $OSINFO_SYSTEM_DIR, else /usr/share/osinfo, dated by its
 *             VERSION file
 *   local     $OSINFO_LOCAL_DIR, else /etc/osinfo
 *   user      $OSINFO_USER_DIR, else $XDG_CONFIG_HOME/osinfo (~/.config/osinfo)
 * For the same id (or short-id) the user's entry wins, then the local one;
 * between system and bundled the newer database wins (an undated system
 * database counts as newer).  vp_os_profile.why says which won and why.
 */
#ifndef VP_OSINFO_H
#define VP_OSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "report.h"
#include "spec.h"

struct vp_os_resources {
	bool set;
	unsigned n_cpus;             /* 0: not said */
	uint64_t ram, storage, cpu_hz;
};

struct vp_os_link {                  /* an install medium, tree or cloud image */
	char *arch, *url, *kernel, *initrd, *format;
	/* a tree's <?vprov-kernel-args ...?>: arguments its kernel needs, with
	 * {tree} standing for the tree's URL (vp_os_kernel_args); NULL: none */
	char *kernel_args;
	bool live, cloud_init;
};

struct vp_os_device {
	char *id;
	bool supported;
};

struct vp_os_firmware {
	char *arch, *type;
	bool supported;
};

struct vp_os_res_entry {
	char *arch;                  /* "all" or an architecture */
	struct vp_os_resources min, rec;
	struct vp_os_resources max;  /* the most the OS can use */
	struct vp_os_resources net;  /* <network-install>: what its installer needs */
};

/* One <os> of the database, as its file says it (nothing inherited). */
struct vp_os {
	char *id;
	char **short_ids;
	size_t n_short_ids;
	char *name, *version, *vendor, *family, *distro, *codename;
	char *release_date, *eol_date, *release_status;
	char *derives_from, *upgrades, *clones;
	struct vp_os_res_entry *resources;
	size_t n_resources;
	struct vp_os_device *devices;
	size_t n_devices;
	struct vp_os_firmware *firmware;
	size_t n_firmware;
	struct vp_os_link *media, *trees, *images;
	size_t n_media, n_trees, n_images;
	char *file;                  /* the file it came from ("bundled:..." for ours) */
	char *source;                /* bundled, system, local or user */
};

/* A profile with its inheritance applied, for one architecture. */
struct vp_os_profile {
	struct vp_os *os;
	struct vp_os_resources min, rec;   /* the nearest release that says them */
	/* what to give a VM, per field: at the nearest release that says
	 * anything about it, the recommended value, else twice the minimum */
	struct vp_os_resources use;
	/* where use.ram came from, for the plan ("rocky9's recommended
	 * resources on x86_64"); NULL when nothing said it */
	char *ram_from;
	/* the memory an installer needs (booted from a tree or an ISO): the
	 * nearest network-install figure for the arch, else "all"; 0: none */
	uint64_t install_ram;
	char *install_ram_from;
	char **devices;              /* supported device ids, inherited */
	size_t n_devices;
	bool efi_supported, bios_unsupported;
	char **chain;                /* ids walked: the OS, then its ancestors */
	char **chain_short;          /* their short-ids (or ids) */
	size_t n_chain;
	char *arch;
	char *shadowed;              /* the file of the definition this one won over, if any */
	char *shadowed_source;       /* its source: bundled, system, local or user */
	char *why;                   /* why this definition was chosen, one sentence */
};

/* One line of a listing. */
struct vp_os_summary {
	char *id, *short_id, *aliases, *name, *version, *family, *distro;
	char *release_date, *eol_date, *source, *file;
};

struct vp_osinfo_opts {
	const char *system_dir, *local_dir, *user_dir; /* NULL: not searched */
	const char *cache_dir;       /* where the index is kept; NULL: none */
	bool no_bundled;             /* tests: leave the built-in profiles out */
	bool lazy;                   /* a stale index is not rebuilt at open: lookups
	                              * read the files the ids name, and the caller
	                              * reindexes afterwards (vp_osinfo_stale) */
	const struct vp_reporter *reporter; /* a file that does not parse: a warning */
};

/* An open database.  Not shared between threads: lookups may rebuild or
 * extend it; a fleet opens one per worker (or serializes lookups). */
struct vp_osinfo;

/* The directories libosinfo would search, from the environment. */
void vp_osinfo_default_opts(struct vp_osinfo_opts *o, char **bufs /* 3 to free */);

/* Open the database: load the index, rebuilding it when the files changed.
 * *rebuilt tells whether it was (NULL allowed). */
int vp_osinfo_open(const struct vp_osinfo_opts *opts, struct vp_osinfo **out, bool *rebuilt,
		   struct vp_error *err);
void vp_osinfo_close(struct vp_osinfo *db);

/* With opts.lazy: true when the cached index is still out of date (a
 * lookup was answered from the files); run 'vprov osinfo reindex' then. */
bool vp_osinfo_stale(const struct vp_osinfo *db);

/* A short-id (alias included) or full id; NOT_FOUND names up to three
 * suggestions ("unknown OS 'x'; did you mean a or b?"). */
int vp_osinfo_profile(struct vp_osinfo *db, const char *id, const char *arch,
		      struct vp_os_profile *out, struct vp_error *err);
void vp_os_profile_clear(struct vp_os_profile *p);

/* The profile's own installer tree for arch (one for that arch, for "all",
 * or for none named), or NULL. */
const struct vp_os_link *vp_os_profile_tree(const struct vp_os_profile *p, const char *arch);

/* 0 when id names a profile; else NOT_FOUND with the suggestions, as
 * vp_osinfo_profile() would say it, without resolving anything. */
int vp_osinfo_check(struct vp_osinfo *db, const char *id, struct vp_error *err);

/* True when name is exactly a short-id or id of the database. */
bool vp_osinfo_has(struct vp_osinfo *db, const char *name);

/* A name that is a release line but no profile ("ubuntu20": the short-ids
 * ubuntu20.04 and ubuntu20.10): the release of that line supported longest
 * (no end of life yet beats any date, then the later end of life, then an
 * LTS, then the earlier release) in *pick, with its end of life (NULL:
 * none yet) in *eol (may be NULL).  *pick NULL when name is no line. */
int vp_osinfo_line_pick(struct vp_osinfo *db, const char *name, char **pick, char **eol,
			struct vp_error *err);

/* Up to max short-ids that name suggests (prefix, then near misses). */
size_t vp_osinfo_suggest(struct vp_osinfo *db, const char *name, char **out, size_t max);

/* Every OS, sorted by distro then version (newest first), filtered when
 * family/distro are not NULL. */
int vp_osinfo_list(struct vp_osinfo *db, const char *family, const char *distro,
		   struct vp_os_summary **out, size_t *n, struct vp_error *err);
void vp_os_summaries_free(struct vp_os_summary *l, size_t n);

/* Parse every <os> of one document (a file's text); exposed for tests. */
int vp_os_parse(const char *text, size_t len, const char *file, const char *source,
		struct vp_os **out, size_t *n, struct vp_error *err);
void vp_os_free(struct vp_os *os);

/* The spec layer a profile gives (pure): memory, vCPUs and disk size from
 * its recommended resources (twice the minimum when none), q35 or i440fx,
 * virtio devices only where the OS drives them, UEFI when it requires it,
 * USB 3 or 2.  virt_type may be NULL. */
void vp_os_profile_spec(const struct vp_os_profile *p, struct vp_domain_spec *layer);

/* The memory a VM of profile p gets: use.ram, or for an install run that
 * boots an installer (a tree or an ISO) the profile's network-install
 * figure where that is larger; clamped as vp_os_profile_spec() does.
 * *from (may be NULL) says where it came from (owned by p); 0 when the
 * profile says nothing. */
uint64_t vp_os_profile_memory(const struct vp_os_profile *p, bool installer, const char **from);

/* The kernel arguments a tree link carries (its <?vprov-kernel-args?>),
 * with {tree} replaced by tree_url (its trailing '/' dropped) and each
 * URL-valued argument's dot segments removed (RFC 3986 5.2.4), malloc'd;
 * NULL when the link has none. */
char *vp_os_kernel_args(const struct vp_os_link *l, const char *tree_url);

/* RFC 3986 remove_dot_segments on the path of url (scheme://authority/path,
 * or a bare path), query and fragment kept; malloc'd. */
char *vp_url_normalize(const char *url);

/* Device ids the decisions above look at. */
#define VP_DEV_VIRTIO_NET "http://pcisig.com/pci/1af4/1000"
#define VP_DEV_VIRTIO1_NET "http://pcisig.com/pci/1af4/1041"
#define VP_DEV_VIRTIO_BLK "http://pcisig.com/pci/1af4/1001"
#define VP_DEV_VIRTIO1_BLK "http://pcisig.com/pci/1af4/1042"
#define VP_DEV_VIRTIO_RNG "http://pcisig.com/pci/1af4/1005"
#define VP_DEV_VIRTIO1_RNG "http://pcisig.com/pci/1af4/1044"
#define VP_DEV_VIRTIO_BALLOON "http://pcisig.com/pci/1af4/1002"
#define VP_DEV_VIRTIO1_BALLOON "http://pcisig.com/pci/1af4/1045"
#define VP_DEV_VIRTIO_SERIAL "http://pcisig.com/pci/1af4/1003"
#define VP_DEV_VIRTIO1_SERIAL "http://pcisig.com/pci/1af4/1043"
#define VP_DEV_VIRTIO1_GPU "http://pcisig.com/pci/1af4/1050"
#define VP_DEV_QEMU_XHCI "http://pcisig.com/pci/1b36/0004"
#define VP_DEV_ICH9_EHCI "http://pcisig.com/pci/8086/293a"
#define VP_DEV_USB_TABLET "http://usb.org/usb/80ee/0021"
#define VP_DEV_E1000E "http://pcisig.com/pci/8086/10d3"
#define VP_DEV_E1000 "http://pcisig.com/pci/8086/100e"
#define VP_DEV_RTL8139 "http://pcisig.com/pci/10ec/8139"
#define VP_DEV_Q35 "http://qemu.org/chipset/x86/q35"
#define VP_DEV_QXL "http://pcisig.com/pci/1b36/0100"

#endif
