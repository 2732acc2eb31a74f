/* provision/spec.h — what a VM should be, before and after resolution.
 *
 * A struct vp_domain_spec is built in layers (lowest priority first):
 * built-in defaults, an OS profile, a template, a fleet file, the command
 * line; vp_spec_merge() lays one over another.  Fields left at zero / NULL
 * / VP_UNSET are "not said" and let lower layers show through.
 *
 * vp_create_plan() (provision/create.h) then resolves a spec against a
 * host: it fills the fields marked "resolved" (paths of volumes, domain
 * type, machine, ...).
 * vp_domain_build_xml() reads a resolved spec and nothing else.
 */
#ifndef VP_SPEC_H
#define VP_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "error.h"

enum vp_tristate { VP_UNSET = 0, VP_NO, VP_YES };

#define VP_DEFAULT_MEMORY (2048ULL * 1024 * 1024)
#define VP_DEFAULT_VCPUS 2
#define VP_DEFAULT_DISK_SIZE (20ULL * 1024 * 1024 * 1024)
#define VP_MIN_MEMORY (16ULL * 1024 * 1024)
#define VP_MAX_MEMORY (16ULL * 1024 * 1024 * 1024 * 1024)
#define VP_MIN_DISK (1ULL * 1024 * 1024)
#define VP_MAX_DISK (64ULL * 1024 * 1024 * 1024 * 1024)
#define VP_MAX_VCPUS 1024
#define VP_MAX_BOOT_DEVS 4

/* Where a disk's bytes live once resolved. */
struct vp_disk_source {
	char *type;            /* "file", "block" or "volume" (network pools) */
	char *path;            /* file/block: the path on the host */
	char *pool, *volume;   /* the storage volume, when there is one */
	char *format;          /* qcow2, raw, ... as the driver type */
	bool create;           /* vprov creates this volume */
	uint64_t capacity;     /* bytes, for volumes to create */
	char *backing_path;    /* overlay: the base image's path ... */
	char *backing_format;  /* ... and format */
	char *backing_pool, *backing_volume;
	char *encryption;      /* "luks": the new volume is encrypted ... */
	char *secret_uuid;     /* ... with the passphrase in this libvirt secret */
};

/* --disk address.*: where a disk sits, on its controller (type drive) or
 * on the PCI bus (type pci, a virtio disk) */
enum { VP_ADDR_CONTROLLER, VP_ADDR_BUS, VP_ADDR_TARGET, VP_ADDR_UNIT, VP_ADDR_DOMAIN,
       VP_ADDR_SLOT, VP_ADDR_FUNCTION, VP_ADDR_N };

struct vp_dev_address {
	char *type;                    /* drive|pci; NULL: libvirt's choice */
	unsigned v[VP_ADDR_N];         /* the values said ... */
	unsigned set;                  /* ... 1 << VP_ADDR_x for each */
	enum vp_tristate multifunction;
};

struct vp_disk_spec {
	/* requested */
	char *path;            /* path=PATH, or a bare PATH */
	char *pool;            /* pool=NAME, or the POOL of vol=POOL/VOL */
	char *vol;             /* the VOL of vol=POOL/VOL */
	uint64_t size;         /* bytes; 0: not said */
	char *format;          /* qcow2|raw */
	char *bus;             /* virtio|sata|scsi|ide|usb */
	char *cache;           /* none|writeback|writethrough|directsync|unsafe|default */
	char *backing_store;   /* PATH or POOL/VOL */
	char *backing_format;
	char *device;          /* disk|cdrom */
	enum vp_tristate readonly;
	enum vp_tristate sparse;
	bool install_media;    /* the installer's ISO: inserted for the install run only */
	bool seed;             /* the cloud-init seed vprov uploaded: read-only, the VM's own */
	char *encryption;      /* encryption=luks: a new LUKS-encrypted volume */
	char *secret_file;     /* secret-file=F: its passphrase, the whole file; NULL: generated */
	/* virt-install's further --disk sub-options, written into the <disk> as
	 * given (NULL / 0 / VP_UNSET: not said); perms=ro|sh set readonly and
	 * shareable, driver.type= is format= */
	enum vp_tristate shareable;  /* shareable=on, perms=sh */
	char *driver_name;           /* driver.name=qemu (QEMU's only one) */
	char *io;                    /* driver.io, io=: native|threads|io_uring */
	char *discard;               /* driver.discard, discard=: unmap|ignore */
	char *detect_zeroes;         /* driver.detect_zeroes, detect_zeroes=: off|on|unmap */
	char *error_policy;          /* driver.error_policy, error_policy=: stop|report|ignore|enospace */
	unsigned queues;             /* driver.queues: virtio-blk queues */
	unsigned boot_order;         /* boot.order, boot_order: per-device boot order */
	char *serial;                /* serial= */
	char *wwn;                   /* wwn=: 16 hex digits, 0x optional */
	char *target_dev;            /* target.dev, target=: the guest's name for it */
	char *net_protocol;          /* a network disk (source.protocol= or a URL as path): */
	char *net_name;              /*   nbd|iscsi|rbd|gluster|http(s)|ftp(s)|tftp, the */
	char *net_host;              /*   export/IQN/image (source.name), the server */
	unsigned net_port;           /*   (source.host.name, .port; 0: the protocol's) */
	char *net_socket;            /*   or its UNIX socket (nbd+unix://, source.host.socket) */
	unsigned iothread;           /* driver.iothread: an I/O thread of --iothreads (its id) */
	struct vp_dev_address addr;  /* address.* */
	/* resolved */
	char *target;          /* vda, sda, hda, ... */
	struct vp_disk_source src;
};

struct vp_net_spec {
	char *type;            /* network|bridge|user */
	char *source;          /* network or bridge name */
	char *model;           /* virtio, e1000e, ... */
	char *mac;             /* aa:bb:cc:dd:ee:ff */
	char *ip;              /* network=: an IPv4 address reserved for it (a DHCP host entry) */
	/* virt-install's further --network sub-options, written into the
	 * <interface> as given (NULL / 0 / VP_UNSET: not said).  type is also
	 * "direct" (macvtap on the host interface source) or "default" (what
	 * virt-install's --network default picks, resolved by vp_create_plan) */
	char *source_mode;     /* source.mode: direct's bridge|vepa|private|passthrough */
	char *portgroup;       /* portgroup=, source.portgroup: the network's port group */
	unsigned mtu;          /* mtu.size */
	char *link_state;      /* link.state: up|down */
	char *driver_name;     /* driver.name: vhost|qemu */
	unsigned queues;       /* driver.queues: multiqueue virtio-net */
	unsigned boot_order;   /* boot.order */
	char *target_dev;      /* target.dev: the host's tap device name */
	char *filterref;       /* filterref=, filterref.filter: an nwfilter */
	enum vp_tristate trust_rx;     /* trustGuestRxFilters */
	enum vp_tristate rom_bar;      /* rom.bar */
	char *rom_file;                /* rom.file */
	char *vport_type;      /* virtualport.type: 802.1Qbg|802.1Qbh|openvswitch|midonet */
	char *vport_managerid, *vport_typeid, *vport_typeidversion; /* virtualport.parameters.* */
	char *vport_instanceid, *vport_profileid, *vport_interfaceid;
};

struct vp_graphics_spec {
	char *type;            /* none|vnc|spice; NULL: not said */
	char *listen;          /* address; NULL: 127.0.0.1 */
	int port;              /* 0: automatic */
};

struct vp_boot_spec {
	char *devs[VP_MAX_BOOT_DEVS]; /* hd|cdrom|network|fd, in order */
	size_t n_devs;
	enum vp_tristate uefi;
	char *kernel, *initrd, *cmdline;
};

/* How the guest OS gets onto the disks: virt-install's two phases.  With
 * an install source, the VM's first run is the install run (the installer's
 * kernel and initrd booted directly, or an installer ISO), transient, with
 * on_reboot=destroy; the persistent definition is the final VM, which
 * boots its disks. */
struct vp_unattended_spec {
	bool set;                      /* --unattended given */
	char *profile;                 /* jeos|desktop */
	char *admin_password_file;
	char *user_login;
	char *user_password_file;
};

struct vp_install_spec {
	/* requested */
	char *location;                /* --location URL|DIR|ISO */
	char *kernel_hint, *initrd_hint; /* --location ...,kernel=REL,initrd=REL */
	char *extra_args;              /* --extra-args */
	char **inject;                 /* --initrd-inject FILE ... */
	size_t n_inject;
	char *cdrom;                   /* --cdrom PATH|URL|POOL/VOL */
	char *tree_os;                 /* --install ID: the profile's own tree */
	enum vp_tristate no_install;   /* --install no_install=yes: a blank VM on purpose */
	enum vp_tristate pxe;          /* --pxe: boot from the network */
	struct vp_unattended_spec unattended;
	/* resolved */
	bool run;                      /* the VM has an install run */
	char *kernel, *initrd;         /* host paths of the uploaded kernel and initrd */
	char *kernel_pool, *kernel_vol, *initrd_pool, *initrd_vol;
	char *cmdline;                 /* the install run's kernel arguments */
	char *media_pool, *media_vol;  /* an ISO vprov uploaded for this VM */
};

/* A cloud image under the first disk (a thin overlay on a base volume
 * that is never modified) and the cloud-init NoCloud seed, with
 * virt-install's --cloud-init sub-options. */
struct vp_cloud_spec {
	/* requested */
	char *image;                   /* --image ID|URL|PATH|POOL/VOL; "": the profile's */
	bool init_set;                 /* --cloud-init given (bare: virt-install's defaults) */
	bool init_none;                /* --cloud-init none: no seed */
	char *hostname;
	char *root_password_file;
	enum vp_tristate root_password_generate;
	enum vp_tristate disable;
	char **root_ssh_keys, **clouduser_ssh_keys; /* public key files */
	size_t n_root_ssh_keys, n_clouduser_ssh_keys;
	char *user_data, *meta_data, *network_config; /* files */
	char **edits;                  /* --inject OPTION[=VALUE], in order: guest edits
	                                * (provision/cloud/edit.h) on the new overlay */
	size_t n_edits;
	/* resolved */
	char *seed_pool, *seed_vol;    /* the seed volume vprov uploads for this VM */
	char *ssh_user, *ssh_key;      /* who logs in with which private key (the seed got
	                                * its .pub): the metadata's <vprov:ssh> */
};

/* What devices a guest OS can drive; an OS profile says, the builder obeys.
 * Unset fields take the modern defaults (virtio, qemu-xhci, ...). */
struct vp_device_prefs {
	char *disk_bus;                /* bus for disks that do not name one */
	char *net_model;               /* model for NICs that do not name one */
	char *usb_model;               /* qemu-xhci, ich9-ehci1, piix3-uhci, none */
	char *video_model;             /* virtio, vga, qxl, bochs */
	enum vp_tristate rng;          /* virtio RNG (from /dev/urandom; --rng says otherwise) */
	enum vp_tristate balloon;      /* virtio memory balloon */
	enum vp_tristate agent;        /* virtio-serial guest-agent channel */
	enum vp_tristate tablet;       /* USB tablet with graphics */
	enum vp_tristate localtime;    /* RTC in local time (Windows) */
	enum vp_tristate hyperv;       /* Hyper-V enlightenments (Windows, on KVM) */
};

/* The OS profile a spec came from (for the record in the metadata). */
struct vp_os_ref {
	char *id;                      /* http://debian.org/debian/12 */
	char *short_id;                /* debian12 */
	char *name;                    /* Debian 12 */
};

/* An option that is a piece of domain XML (provision/spec/xmlopts.h):
 * --watchdog i6300esb,action=reset is { "watchdog", "i6300esb,action=reset" }. */
struct vp_xmlopt {
	char *option;                  /* without the dashes */
	char *arg;                     /* as given (checked when it was parsed) */
};

/* One <iothread> of <iothreadids>: --iothreads iothreadids.iothreadN.* */
struct vp_iothread_id {
	unsigned id;                   /* 1.. */
	char *pool_min, *pool_max;     /* thread_pool_min/max as given (checked); NULL: not said */
};

/* A guest NUMA node: --cpu numa.cellN.* */
struct vp_numa_cell {
	int id;                        /* id= as given; -1: not said (libvirt: its place) */
	char *cpus;                    /* the vCPUs, a cpuset (0-1,4); NULL: none */
	uint64_t memory;               /* bytes */
	char *mem_given, *unit;        /* with unit=: memory= and unit= as given (written so) */
	char *mem_access;              /* shared|private */
	enum vp_tristate discard;
	unsigned *sib_ids, *sib_values; /* distances.siblingM.id/value, in M's order */
	size_t n_sib;
};

/* Issue 12, part B: virt-install's --memory, --vcpus, --cpu, --iothreads
 * sub-options and --boot's firmware/BIOS ones.  Zero / NULL / VP_UNSET:
 * not said.  Values are checked when parsed (provision/spec/spec_cpu.c). */
struct vp_machine_spec {
	/* --memory: spec->memory is <memory> (with maxmemory=, the old
	 * spelling, that one), this the balloon's start */
	uint64_t mem_current;          /* <currentMemory>, bytes; 0: = memory */
	uint64_t mem_hotplug;          /* <maxMemory>, bytes: memory hotplug */
	unsigned mem_slots;            /* its slots= */
	/* --vcpus: spec->vcpus is the vCPUs that run (<vcpu current=>) */
	unsigned vcpus_max;            /* <vcpu>: hotpluggable up to; 0: = vcpus */
	unsigned sockets, dies, cores, threads; /* <cpu><topology>, all four or none */
	char *vcpu_cpuset, *vcpu_placement;
	/* --cpu: cpu_mode set replaces vprov's choice (spec->cpu_mode) */
	char *cpu_mode;                /* host-passthrough|host-model|maximum|custom */
	char *cpu_model, *cpu_fallback, *cpu_vendor, *cpu_match, *cpu_check;
	char *cpu_cache_mode, *cpu_cache_level;
	enum vp_tristate cpu_migratable;
	char **cpu_features;           /* "POLICY:NAME", in the document's order */
	size_t n_cpu_features;
	struct vp_numa_cell *cells;    /* numa.cellN, in N's order (they replace the
	                                * cell vprov adds for maxMemory) */
	size_t n_cells;
	/* --iothreads: the count, the ids (libvirt gives the threads the ids
	 * doesn't name the smallest free ids, and takes max(count, ids) threads)
	 * and the default I/O thread's worker pool */
	unsigned iothreads;
	struct vp_iothread_id *iothread_ids; /* iothreadids.iothreadN, in N's order */
	size_t n_iothread_ids;
	char *defio_pool_min, *defio_pool_max; /* defaultiothread.thread_pool_min/max */
	/* --boot */
	enum vp_tristate bootmenu, useserial, loader_ro, loader_secure;
	char *bootmenu_timeout, *reboot_timeout; /* ms, s (-1..65535) as given */
	char *loader, *loader_type, *nvram, *nvram_template, *smbios_mode;
	char **fw_features;            /* "NAME:yes|no", firmware.featureN, in N's order */
	size_t n_fw_features;
	char *acpi_table, *acpi_table_type; /* acpi.table=PATH, .type (slic, libvirt 9.0's only) */
};

void vp_machine_spec_clear(struct vp_machine_spec *m);
void vp_numa_cells_free(struct vp_numa_cell *cells, size_t n);

struct vp_domain_spec {
	char *name;
	uint64_t memory;               /* bytes; 0: not said */
	unsigned vcpus;                /* 0: not said */
	char *virt_type;               /* kvm|qemu|<what the host offers>; NULL: choose */
	char *arch, *machine;          /* NULL: the host's arch, its modern machine */
	struct vp_disk_spec *disks;
	size_t n_disks;
	bool disks_set;                /* --disk given (--disk none: set, zero disks) */
	struct vp_net_spec *nets;
	size_t n_nets;
	bool nets_set;                 /* --network given (none: set, zero nets) */
	struct vp_graphics_spec graphics;
	char *console_target;          /* serial (default) | virtio: --console pty,target_type= */
	struct vp_boot_spec boot;
	struct vp_install_spec install;
	struct vp_cloud_spec cloud;
	enum vp_tristate import;
	enum vp_tristate autostart;
	enum vp_tristate transient;
	uint64_t disk_size;            /* new disks without size=; 0: not said */
	struct vp_device_prefs dev;
	struct vp_os_ref os;
	struct vp_xmlopt *xmlopts;     /* --watchdog, --controller, --features, ...
	                                * in command-line order */
	size_t n_xmlopts;
	struct vp_machine_spec mach;   /* part B: --memory/--vcpus/--cpu/--iothreads/--boot extras */

	/* resolved */
	char *uuid;
	char *cpu_mode;                /* host-passthrough (kvm) or NULL */
	char *console_log;             /* where the serial console is kept */
	char *spec_hash;               /* sha256 of vp_spec_canonical() */
	bool x86;                      /* arch is x86_64 or i686 */
	bool q35;                      /* machine is a PCIe (q35) machine */
	bool local;                    /* the host is this machine: its viewers are local */
};

void vp_spec_clear(struct vp_domain_spec *spec);
void vp_install_spec_clear(struct vp_install_spec *in);
void vp_cloud_spec_clear(struct vp_cloud_spec *c);

/* True when the request names an install source (--location, --cdrom,
 * --install ID) or --pxe / no_install. */
bool vp_install_requested(const struct vp_install_spec *in);
void vp_disk_spec_clear(struct vp_disk_spec *d);
void vp_net_spec_clear(struct vp_net_spec *n);

/* Lay every field said in src over dst (deep copies).  Lists (disks,
 * networks, boot devices) replace, never append. */
int vp_spec_merge(struct vp_domain_spec *dst, const struct vp_domain_spec *src,
		  struct vp_error *err);

/* The built-in defaults, as a layer. */
void vp_spec_defaults(struct vp_domain_spec *spec);

/* A stable text of everything requested (not resolved): the same request
 * gives the same text.  Caller frees. */
char *vp_spec_canonical(const struct vp_domain_spec *spec);

/* sha256 hex of vp_spec_canonical(); caller frees. */
char *vp_spec_hash(const struct vp_domain_spec *spec);

/* Append a zeroed disk / network to the spec and return it. */
struct vp_disk_spec *vp_spec_add_disk(struct vp_domain_spec *spec);
struct vp_net_spec *vp_spec_add_net(struct vp_domain_spec *spec);

/* Names: letters, digits, '.', '_' and '-', starting with a letter or
 * digit, at most 64 characters: safe as a libvirt name, a file name and a
 * host name. */
int vp_name_check(const char *name, struct vp_error *err);

/* One value the user gave for what (e.g. "--boot kernel_args"): fails
 * with VP_ERR_INVALID when it holds a control character, a byte that is
 * not UTF-8 or a character XML cannot hold (see vp_text_bad()), as no
 * domain description can carry it. */
int vp_spec_check_value(const char *what, const char *value, struct vp_error *err);

/* Every text field a caller can set in spec (name, virt_type, arch,
 * machine, each disk's and network's requested fields, graphics, boot,
 * device preferences, the OS profile reference) through
 * vp_spec_check_value(), each named as the user knows it ("--disk path").
 * For specs not made by vp_spec_parse_*() (fleet files, profiles, tools
 * calling the library), before anything is built from them. */
int vp_spec_check_text(const struct vp_domain_spec *spec, struct vp_error *err);

/* What a disk's sub-options need of its bus once the bus is known (given,
 * or resolved by vp_create_plan from the device, the profile and the
 * machine): an address of the bus's kind within its controller's range,
 * an I/O thread only for virtio. */
int vp_disk_bus_check(const struct vp_domain_spec *spec, const struct vp_disk_spec *d,
		      struct vp_error *err);

/* --disk, --network, --graphics and --boot values, virt-install spelling:
 * comma-separated key=value items, values may be quoted ('..' or "..") and
 * ",," stands for a literal comma.  Each parses into the spec.  A
 * sub-option given twice is an error, not "the last one wins", and every
 * value is checked at parse time against what libvirt's domain schema and
 * the host accept where it ends up (VP_ERR_INVALID, naming the option). */
int vp_spec_parse_disk(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
int vp_spec_parse_network(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
int vp_spec_parse_graphics(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
int vp_spec_parse_boot(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
/* virt-install's older disk options: --file PATH and --file-size GiB (each
 * repeatable, paired in order: the n-th size goes with the n-th path, a
 * size without a path is a new disk in the default pool) and --nonsparse
 * (those disks fully allocated).  Each pair is the disk --disk
 * path=PATH,size=N[,sparse=no] would give. */
int vp_spec_parse_file_disks(struct vp_domain_spec *spec, const char *const *paths,
			     size_t n_paths, const char *const *sizes, size_t n_sizes,
			     bool nonsparse, struct vp_error *err);

/* The install source and the install run, virt-install's spelling:
 * --location URL|DIR|ISO[,kernel=REL,initrd=REL], --install ID|os=ID|
 * no_install=yes, --console pty[,target_type=serial|virtio], --unattended
 * [profile=jeos|desktop,admin-password-file=F,user-login=U,user-password-file=F]
 * (an empty arg: the defaults). */
int vp_spec_parse_location(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
int vp_spec_parse_install(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
int vp_spec_parse_console(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
int vp_spec_parse_unattended(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
/* --cloud-init [root-password-generate=on|off,root-password-file=F,
 * disable=on|off,root-ssh-key=F,clouduser-ssh-key=F,user-data=F,
 * meta-data=F,network-config=F,hostname=H] (the key options may repeat),
 * or "none"; "" is the bare option. */
int vp_spec_parse_cloud_init(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);

/* virt-install's --memory N[,maxmemory=M,currentMemory=C,maxMemory=H,
 * maxMemory.slots=S] (and hotplugmemorymax=, hotplugmemoryslots=); sizes
 * in vprov's units (plain: MiB). */
int vp_spec_parse_memory(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
/* --vcpus N[,maxvcpus=M,sockets=,dies=,cores=,threads=,cpuset=,placement=] */
int vp_spec_parse_vcpus(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
/* --cpu MODE|MODEL[,+feat,-feat,POLICY=feat,match=,check=,mode=,model=,
 * model.fallback=,vendor=,migratable=,cache.mode=,cache.level=,topology.*=] */
int vp_spec_parse_cpu(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
/* --iothreads N[,iothreadids.iothreadN.id=,.thread_pool_min=,.thread_pool_max=,
 * defaultiothread.thread_pool_min=,defaultiothread.thread_pool_max=] */
int vp_spec_parse_iothreads(struct vp_domain_spec *spec, const char *arg, struct vp_error *err);
/* After --memory, --vcpus and --cpu: virt-install's topology rules, then
 * the NUMA cells against the vCPUs and the memory (the cells fill what was
 * not said).  The vCPU count
 * (maxvcpus, else vcpus; the topology's product when neither was given)
 * fills the topology's missing values (cores first, then sockets, dies 1,
 * threads); an impossible one is an error. */
int vp_spec_topology_fill(struct vp_domain_spec *spec, struct vp_error *err);
/* The VM has the I/O thread id (libvirt's numbering: the ids given, the
 * rest of the count filled with the smallest free ones). */
bool vp_iothread_defined(const struct vp_machine_spec *m, unsigned id);
/* Those ids, comma-separated (the listed ones first); caller frees. */
char *vp_iothread_list(const struct vp_machine_spec *m);

#endif
