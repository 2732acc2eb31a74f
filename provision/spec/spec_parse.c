/* provision/spec_parse.c — virt-install's sub-option syntax into a spec
 *
 *   --disk size=20,pool=default,bus=virtio
 *   --disk /var/lib/libvirt/images/base.qcow2,bus=sata
 *   --boot kernel=/boot/vmlinuz,initrd=/boot/initrd.img,kernel_args="console=ttyS0,115200n8"
 *
 * Items are separated by commas; a value may be quoted with ' or " (the
 * quotes go), and ",," is a literal comma.
 */
#include "spec.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fs.h"
#include "units.h"

struct kv {
	char *key;   /* NULL for a bare item */
	char *value;
};

struct kvlist {
	struct kv *items;
	size_t n;
};

static void kvlist_clear(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Split arg into items.  what is the option name for errors. */
static int kv_split(const char *arg, const char *what, struct kvlist *out, struct vp_error *err)
{
	const char *p = arg;
	size_t len = strlen(arg);
	_cleanup_(freep) char *tok = vp_grow(NULL, len + 1, 1);

	memset(out, 0, sizeof(*out));
	if (!*arg)
		return vp_error_set(err, VP_ERR_INVALID, "%s needs a value", what);
	while (1) {
		size_t n = 0;
		char quote = 0;
		char *eq;
		struct kv *kv;

		while (*p) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else
					tok[n++] = *p;
				p++;
			} else if (*p == '"' || *p == '\'') {
				quote = *p++;
			} else if (*p == ',' && p[1] == ',') {
				tok[n++] = ',';
				p += 2;
			} else if (*p == ',') {
				break;
			} else {
				tok[n++] = *p++;
			}
		}
		if (quote) {
			kvlist_clear(out);
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': unterminated quote",
					    what, arg);
		}
		tok[n] = '\0';
		if (n == 0) {
			kvlist_clear(out);
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': empty item", what,
					    arg);
		}
		out->items = vp_grow(out->items, out->n + 1, sizeof(*out->items));
		kv = &out->items[out->n++];
		eq = strchr(tok, '=');
		/* a key is a word; "kernel_args=a=b" has key kernel_args */
		if (eq && eq != tok) {
			char *k;
			bool word = true;

			for (k = tok; k < eq; k++)
				if (!isalnum((unsigned char)*k) && *k != '_' && *k != '.' && *k != '-')
					word = false;
			if (word) {
				kv->key = vp_strndup(tok, (size_t)(eq - tok));
				kv->value = vp_strdup(eq + 1);
			} else {
				kv->key = NULL;
				kv->value = vp_strdup(tok);
			}
		} else {
			kv->key = NULL;
			kv->value = vp_strdup(tok);
		}
		if (!*p)
			break;
		p++; /* the comma */
		if (!*p) {
			kvlist_clear(out);
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': empty item", what,
					    arg);
		}
	}
	return 0;
}

static bool one_of(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(v, *set) == 0)
			return true;
	return false;
}

/* The settings one argument has given so far: a sub-option said twice is
 * a mistake to report, not "the last one wins". */
#define MAX_SEEN 16

struct seen {
	const char *field[MAX_SEEN]; /* what the item sets */
	const char *as[MAX_SEEN];    /* how the user spelled it */
	size_t n;
};

static int once(struct seen *s, const char *field, const char *as, const char *opt,
		const char *arg, struct vp_error *err)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->field[i], field) != 0)
			continue;
		if (!strcmp(s->as[i], as))
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': '%s' is given twice",
					    opt, arg, as);
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': '%s' and '%s' are one setting, given twice", opt,
				    arg, s->as[i], as);
	}
	if (s->n < MAX_SEEN) {
		s->field[s->n] = field;
		s->as[s->n] = as;
		s->n++;
	}
	return 0;
}

static bool seen_has(const struct seen *s, const char *field)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->field[i], field))
			return true;
	return false;
}

static int parse_bool(const char *v, const char *what, enum vp_tristate *out,
		      struct vp_error *err)
{
	if (!strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = VP_YES;
	else if (!strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = VP_NO;
	else
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': use on or off", what, v);
	return 0;
}

static int need_value(const struct kv *kv, const char *opt, struct vp_error *err)
{
	if (!*kv->value)
		return vp_error_set(err, VP_ERR_INVALID, "%s %s= needs a value", opt, kv->key);
	return 0;
}

/* Linux limits (PATH_MAX, NAME_MAX), whatever the build host's headers say:
 * the path is used on the libvirt host. */
#define VP_PATH_MAX 4095
#define VP_NAME_MAX 255

/* A path that names a file: absolute (libvirt's schema wants one for
 * <source file=>, <kernel> and <initrd>), its last part not empty, '.' or
 * '..', and within the host's limits. */
static int path_check(const char *what, const char *path, struct vp_error *err)
{
	const char *p, *base = strrchr(path, '/');

	if (path[0] != '/')
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' must be an absolute path", what,
				    path);
	base++;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return vp_error_set(err, VP_ERR_INVALID,
				    "%s '%s' names a directory; give the path of a file", what, path);
	if (strlen(path) > VP_PATH_MAX)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%.64s...': longer than %d bytes", what, path,
				    VP_PATH_MAX);
	for (p = path; *p; p += strcspn(p, "/")) {
		p += strspn(p, "/");
		if (strcspn(p, "/") > VP_NAME_MAX)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid %s '%.64s...': a part of it is longer than %d bytes",
					    what, path, VP_NAME_MAX);
	}
	return 0;
}

/* A storage pool's name (libvirt's schema: objectName): not empty, no '/'.
 * shown is the value as the user gave it, for the message. */
static int pool_name_check(const char *what, const char *shown, const char *name,
			   struct vp_error *err)
{
	if (!*name || strchr(name, '/'))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': a pool name is not empty and has no '/'", what,
				    shown);
	return 0;
}

/* A volume's name in its pool: libvirt's schema (volName) refuses '/',
 * '.' and '..'; a directory pool's volume is a file, so at most NAME_MAX. */
static int vol_name_check(const char *what, const char *shown, const char *name,
			  struct vp_error *err)
{
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': a volume name is not empty, '.' or '..' and has no '/'",
				    what, shown);
	if (strlen(name) > VP_NAME_MAX)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%.64s...': a volume name is at most %d bytes", what,
				    shown, VP_NAME_MAX);
	return 0;
}

/* POOL/VOLUME into its parts. */
static int pool_vol_split(const char *what, const char *v, char **pool, char **vol,
			  struct vp_error *err)
{
	const char *slash = strchr(v, '/');
	_cleanup_(freep) char *p = NULL;

	if (!slash || slash == v || !slash[1] || strchr(slash + 1, '/'))
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': use POOL/VOLUME", what, v);
	p = vp_strndup(v, (size_t)(slash - v));
	if (pool_name_check(what, v, p, err) < 0 || vol_name_check(what, v, slash + 1, err) < 0)
		return -1;
	*pool = TAKE_PTR(p);
	*vol = vp_strdup(slash + 1);
	return 0;
}

static const char *const disk_keys[] = { "path", "pool", "vol", "size", "format", "bus", "cache",
					 "backing_store", "backing_format", "device", "readonly",
					 "sparse", NULL };
static const char *const disk_formats[] = { "qcow2", "raw", NULL };
static const char *const backing_formats[] = { "qcow2", "raw", "vmdk", "vdi", "vpc", "vhdx",
					       "qed", NULL };
static const char *const disk_buses[] = { "virtio", "sata", "scsi", "ide", "usb", NULL };
static const char *const disk_caches[] = { "none", "writeback", "writethrough", "directsync",
					   "unsafe", "default", NULL };
static const char *const disk_devices[] = { "disk", "cdrom", NULL };

int vp_spec_parse_disk(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct vp_disk_spec d = { 0 };
	struct seen seen = { 0 };
	size_t i;
	int r = -1;

	if (strcmp(arg, "none") == 0) {
		if (spec->disks_set && spec->n_disks)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk none cannot be combined with other disks");
		spec->disks_set = true;
		return 0;
	}
	if (kv_split(arg, "--disk", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key;
		char what[32];

		if (!k) {
			if (i != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk '%s': '%s' is not a key=value item", arg,
					     kv->value);
				goto out;
			}
			k = "path"; /* a bare PATH */
		} else if (!one_of(k, disk_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --disk option '%s' (known: path, pool, vol, size, format, bus, cache, backing_store, backing_format, device, readonly, sparse)",
				     k);
			goto out;
		}
		snprintf(what, sizeof(what), "--disk %s", k);
		if (once(&seen, k, k, "--disk", arg, err) < 0 ||
		    vp_spec_check_value(what, kv->value, err) < 0 ||
		    (kv->key && need_value(kv, "--disk", err) < 0))
			goto out;
		if (!strcmp(k, "path")) {
			if (path_check("--disk path", kv->value, err) < 0)
				goto out;
			vp_set_str(&d.path, kv->value);
		} else if (!strcmp(k, "pool")) {
			if (pool_name_check("--disk pool", kv->value, kv->value, err) < 0)
				goto out;
			vp_set_str(&d.pool, kv->value);
		} else if (!strcmp(k, "vol")) {
			_cleanup_(freep) char *pool = NULL;

			if (pool_vol_split("--disk vol", kv->value, &pool, &d.vol, err) < 0)
				goto out;
			free(d.pool);
			d.pool = TAKE_PTR(pool);
		} else if (!strcmp(k, "size")) {
			if (vp_parse_size(kv->value, VP_GiB, VP_MIN_DISK, VP_MAX_DISK, "--disk size",
					  &d.size, err) < 0)
				goto out;
		} else if (!strcmp(k, "format")) {
			if (!one_of(kv->value, disk_formats)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk format '%s': use qcow2 or raw", kv->value);
				goto out;
			}
			vp_set_str(&d.format, kv->value);
		} else if (!strcmp(k, "bus")) {
			if (!one_of(kv->value, disk_buses)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk bus '%s': use virtio, sata, scsi, ide or usb",
					     kv->value);
				goto out;
			}
			vp_set_str(&d.bus, kv->value);
		} else if (!strcmp(k, "cache")) {
			if (!one_of(kv->value, disk_caches)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk cache '%s': use none, writeback, writethrough, directsync, unsafe or default",
					     kv->value);
				goto out;
			}
			vp_set_str(&d.cache, kv->value);
		} else if (!strcmp(k, "backing_store")) {
			_cleanup_(freep) char *pool = NULL;
			_cleanup_(freep) char *vol = NULL;

			/* PATH, or POOL/VOLUME; what is neither is refused when
			 * the disk is resolved (provision/create.c) */
			if (kv->value[0] == '/') {
				if (path_check("--disk backing_store", kv->value, err) < 0)
					goto out;
			} else if (strchr(kv->value, '/') &&
				   strchr(kv->value, '/') == strrchr(kv->value, '/')) {
				if (pool_vol_split("--disk backing_store", kv->value, &pool, &vol,
						   err) < 0)
					goto out;
			}
			vp_set_str(&d.backing_store, kv->value);
		} else if (!strcmp(k, "backing_format")) {
			if (!one_of(kv->value, backing_formats)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk backing_format '%s': use qcow2, raw, vmdk, vdi, vpc, vhdx or qed",
					     kv->value);
				goto out;
			}
			vp_set_str(&d.backing_format, kv->value);
		} else if (!strcmp(k, "device")) {
			if (!one_of(kv->value, disk_devices)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk device '%s': use disk or cdrom", kv->value);
				goto out;
			}
			vp_set_str(&d.device, kv->value);
		} else if (!strcmp(k, "readonly")) {
			if (parse_bool(kv->value, "--disk readonly", &d.readonly, err) < 0)
				goto out;
		} else if (parse_bool(kv->value, "--disk sparse", &d.sparse, err) < 0) {
			goto out;
		}
	}
	if (d.vol && seen_has(&seen, "pool")) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--disk takes pool= or vol=POOL/VOLUME, not both (vol= names the pool)");
		goto out;
	}
	if (d.vol && d.path) {
		vp_error_set(err, VP_ERR_INVALID, "--disk takes path= or vol=, not both");
		goto out;
	}
	if (d.path && d.pool) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--disk takes path= or pool=, not both (the pool follows from the path)");
		goto out;
	}
	if (d.vol && d.size) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--disk vol= names an existing volume; size= cannot go with it");
		goto out;
	}
	if (d.backing_format && !d.backing_store) {
		vp_error_set(err, VP_ERR_INVALID, "--disk backing_format= needs backing_store=");
		goto out;
	}
	if (d.backing_store && d.format && strcmp(d.format, "qcow2") != 0) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--disk backing_store= needs format=qcow2 (a %s image has no backing file)",
			     d.format);
		goto out;
	}
	if (d.backing_store && d.vol) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--disk backing_store= makes a new volume; vol= names an existing one");
		goto out;
	}
	if (spec->disks_set && spec->n_disks == 0) {
		/* an earlier --disk none */
		vp_error_set(err, VP_ERR_INVALID, "--disk none cannot be combined with other disks");
		goto out;
	}
	*vp_spec_add_disk(spec) = d;
	memset(&d, 0, sizeof(d));
	r = 0;
out:
	vp_disk_spec_clear(&d);
	kvlist_clear(&l);
	return r;
}

static int mac_check(const char *mac, struct vp_error *err)
{
	size_t i;

	if (strlen(mac) != 17)
		goto bad;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (mac[i] != ':')
				goto bad;
		} else if (!isxdigit((unsigned char)mac[i])) {
			goto bad;
		}
	}
	if (strtol((char[]){ mac[0], mac[1], 0 }, NULL, 16) & 1)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network mac '%s': a multicast address cannot be a NIC's",
				    mac);
	return 0;
bad:
	return vp_error_set(err, VP_ERR_INVALID,
			    "invalid --network mac '%s': use six hex pairs like 52:54:00:12:34:56", mac);
}

/* A bridge is a Linux network interface: 1-15 bytes (IFNAMSIZ), not '.' or
 * '..', no '/', ':' or blank.  libvirt's schema allows letters, digits and
 * "_.-\:/ " in <source bridge=>.  A name must pass both; of what is
 * left, vprov takes letters, digits, '_', '.' and '-' (not a backslash). */
#define VP_IFNAME_MAX 15

static int bridge_check(const char *name, struct vp_error *err)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t len = strlen(name), bad = strspn(name, ok);

	if (bad < len && (unsigned char)name[bad] < 0x80)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network bridge '%s': '%c' cannot be in an interface name (use letters, digits, '_', '.' and '-')",
				    name, name[bad]);
	if (bad < len)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network bridge '%s': an interface name has ASCII letters, digits, '_', '.' and '-' only",
				    name);
	if (len == 0 || len > VP_IFNAME_MAX)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network bridge '%.32s': an interface name has 1 to %d bytes",
				    name, VP_IFNAME_MAX);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network bridge '%s': not an interface name", name);
	return 0;
}

/* A libvirt network's name: not empty, no '/' (libvirt refuses it). */
static int network_name_check(const char *name, struct vp_error *err)
{
	if (!*name || strchr(name, '/'))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network network '%s': a network name is not empty and has no '/'",
				    name);
	return 0;
}

/* Set a NIC's type and source, once. */
static int net_source(struct vp_net_spec *n, const char *type, const char *source,
		      const char *arg, struct vp_error *err)
{
	if (n->type)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': give one of user, network= or bridge=", arg);
	if (vp_spec_check_value(!strcmp(type, "bridge") ? "--network bridge" : "--network network",
				source, err) < 0)
		return -1;
	if (!strcmp(type, "bridge") && bridge_check(source, err) < 0)
		return -1;
	if (!strcmp(type, "network") && network_name_check(source, err) < 0)
		return -1;
	vp_set_str(&n->type, type);
	vp_set_str(&n->source, source);
	return 0;
}

static const char *const net_keys[] = { "network", "bridge", "type", "model", "mac", NULL };
static const char *const net_models[] = { "virtio", "e1000e", "e1000", "rtl8139", "ne2k_pci",
					  "pcnet", "vmxnet3", NULL };

int vp_spec_parse_network(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct vp_net_spec n = { 0 };
	struct seen seen = { 0 };
	size_t i;
	int r = -1;

	if (strcmp(arg, "none") == 0) {
		if (spec->nets_set && spec->n_nets)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--network none cannot be combined with other networks");
		spec->nets_set = true;
		return 0;
	}
	if (spec->nets_set && spec->n_nets == 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--network none cannot be combined with other networks");
	if (kv_split(arg, "--network", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key;
		char what[32];

		if (!k) {
			/* bare first item: "user", "bridge:br0", "network:default" */
			if (i != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network '%s': '%s' is not a key=value item", arg,
					     kv->value);
				goto out;
			}
			if (!strcmp(kv->value, "user")) {
				vp_set_str(&n.type, "user");
			} else if (!strncmp(kv->value, "bridge:", 7) && kv->value[7]) {
				if (net_source(&n, "bridge", kv->value + 7, arg, err) < 0)
					goto out;
			} else if (!strncmp(kv->value, "network:", 8) && kv->value[8]) {
				if (net_source(&n, "network", kv->value + 8, arg, err) < 0)
					goto out;
			} else {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network '%s': use none, user, network=NAME or bridge=NAME",
					     arg);
				goto out;
			}
			continue;
		}
		if (!one_of(k, net_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --network option '%s' (known: network, bridge, type, model, mac)",
				     k);
			goto out;
		}
		snprintf(what, sizeof(what), "--network %s", k);
		if (once(&seen, k, k, "--network", arg, err) < 0 ||
		    vp_spec_check_value(what, kv->value, err) < 0 ||
		    need_value(kv, "--network", err) < 0)
			goto out;
		if (!strcmp(k, "network") || !strcmp(k, "bridge")) {
			if (net_source(&n, k, kv->value, arg, err) < 0)
				goto out;
		} else if (!strcmp(k, "type")) {
			if (strcmp(kv->value, "user") != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network type '%s': use type=user, network=NAME or bridge=NAME",
					     kv->value);
				goto out;
			}
			if (n.type) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network '%s': give one of user, network= or bridge=",
					     arg);
				goto out;
			}
			vp_set_str(&n.type, "user");
		} else if (!strcmp(k, "model")) {
			if (!one_of(kv->value, net_models)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network model '%s': use virtio, e1000e, e1000, rtl8139, ne2k_pci, pcnet or vmxnet3",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.model, kv->value);
		} else {
			if (mac_check(kv->value, err) < 0)
				goto out;
			vp_set_str(&n.mac, kv->value);
		}
	}
	if (!n.type) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --network '%s': say which: none, user, network=NAME or bridge=NAME",
			     arg);
		goto out;
	}
	*vp_spec_add_net(spec) = n;
	memset(&n, 0, sizeof(n));
	r = 0;
out:
	vp_net_spec_clear(&n);
	kvlist_clear(&l);
	return r;
}

/* An IPv4 or IPv6 address, as libvirt's schema takes it in <listen
 * address=>: IPv6 is written back in its canonical form, which the
 * schema's pattern always matches (it misses some valid spellings, such as
 * 1::2:1.2.3.4).  The schema also takes a host name; vprov does not, as
 * its meaning would depend on the host's resolver. */
static int listen_check(const char *v, char **out, struct vp_error *err)
{
	unsigned char addr[sizeof(struct in6_addr)];
	char text[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, v, addr) == 1) {
		vp_set_str(out, v);
		return 0;
	}
	if (inet_pton(AF_INET6, v, addr) == 1 && inet_ntop(AF_INET6, addr, text, sizeof(text))) {
		vp_set_str(out, text);
		return 0;
	}
	return vp_error_set(err, VP_ERR_INVALID,
			    "invalid --graphics listen '%s': give an IP address such as 127.0.0.1, 0.0.0.0 or ::1",
			    v);
}

static const char *const graphics_keys[] = { "type", "listen", "port", NULL };

int vp_spec_parse_graphics(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct seen seen = { 0 };
	size_t i;
	int r = -1;
	char *type = NULL, *listen = NULL;
	int port = 0;

	if (kv_split(arg, "--graphics", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key;
		char what[32];

		if (!k) {
			if (i != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --graphics '%s': use none, vnc or spice", arg);
				goto out;
			}
			k = "type"; /* the bare first item */
		} else if (!one_of(k, graphics_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --graphics option '%s' (known: listen, port)", k);
			goto out;
		}
		if (!strcmp(k, "type"))
			snprintf(what, sizeof(what), "--graphics");
		else
			snprintf(what, sizeof(what), "--graphics %s", k);
		if (once(&seen, k, k, "--graphics", arg, err) < 0 ||
		    vp_spec_check_value(what, kv->value, err) < 0)
			goto out;
		if (!strcmp(k, "type")) {
			if (strcmp(kv->value, "none") && strcmp(kv->value, "vnc") &&
			    strcmp(kv->value, "spice")) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --graphics '%s': use none, vnc or spice", arg);
				goto out;
			}
			vp_set_str(&type, kv->value);
		} else if (!strcmp(k, "listen")) {
			if (need_value(kv, "--graphics", err) < 0 ||
			    listen_check(kv->value, &listen, err) < 0)
				goto out;
		} else {
			uint64_t v;

			if (vp_parse_uint(kv->value, 5900, 65535, "--graphics port", &v, err) < 0)
				goto out;
			port = (int)v;
		}
	}
	if (!type) {
		vp_error_set(err, VP_ERR_INVALID, "invalid --graphics '%s': use none, vnc or spice",
			     arg);
		goto out;
	}
	if (!strcmp(type, "none") && (listen || port)) {
		vp_error_set(err, VP_ERR_INVALID, "--graphics none takes no listen= or port=");
		goto out;
	}
	free(spec->graphics.type);
	free(spec->graphics.listen);
	spec->graphics.type = type;
	spec->graphics.listen = listen;
	spec->graphics.port = port;
	type = listen = NULL;
	r = 0;
out:
	free(type);
	free(listen);
	kvlist_clear(&l);
	return r;
}

static const char *const boot_keys[] = { "kernel", "initrd", "kernel_args", "cmdline", "uefi",
					 "firmware", NULL };

int vp_spec_parse_boot(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct vp_boot_spec *b = &spec->boot;
	struct seen seen = { 0 };
	size_t i, n_devs = 0;
	char *devs[VP_MAX_BOOT_DEVS] = { 0 };
	char *kernel = NULL, *initrd = NULL, *cmdline = NULL;
	enum vp_tristate uefi = VP_UNSET;
	int r = -1;

	if (kv_split(arg, "--boot", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key;
		const char *field;
		char what[32];

		if (!k) {
			const char *v = kv->value;
			const char *dev = NULL;
			size_t j;

			if (vp_spec_check_value("--boot", v, err) < 0)
				goto out;
			if (!strcmp(v, "uefi") || !strcmp(v, "efi")) {
				if (once(&seen, "uefi", v, "--boot", arg, err) < 0)
					goto out;
				uefi = VP_YES;
				continue;
			}
			if (!strcmp(v, "hd") || !strcmp(v, "disk"))
				dev = "hd";
			else if (!strcmp(v, "cdrom"))
				dev = "cdrom";
			else if (!strcmp(v, "network") || !strcmp(v, "pxe"))
				dev = "network";
			else if (!strcmp(v, "fd") || !strcmp(v, "floppy"))
				dev = "fd";
			if (!dev) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --boot item '%s': use hd, cdrom, network, uefi or kernel=,initrd=,kernel_args=",
					     v);
				goto out;
			}
			for (j = 0; j < n_devs; j++)
				if (!strcmp(devs[j], dev)) {
					vp_error_set(err, VP_ERR_INVALID,
						     "invalid --boot '%s': '%s' is listed twice", arg, v);
					goto out;
				}
			if (n_devs == VP_MAX_BOOT_DEVS) {
				vp_error_set(err, VP_ERR_INVALID, "invalid --boot '%s': too many devices",
					     arg);
				goto out;
			}
			devs[n_devs++] = vp_strdup(dev);
			continue;
		}
		if (!one_of(k, boot_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --boot option '%s' (known: hd, cdrom, network, uefi, kernel, initrd, kernel_args)",
				     k);
			goto out;
		}
		field = !strcmp(k, "cmdline") ? "kernel_args" : !strcmp(k, "firmware") ? "uefi" : k;
		snprintf(what, sizeof(what), "--boot %s", k);
		if (once(&seen, field, k, "--boot", arg, err) < 0 ||
		    vp_spec_check_value(what, kv->value, err) < 0)
			goto out;
		if (strcmp(field, "kernel_args") && need_value(kv, "--boot", err) < 0)
			goto out;
		if (!strcmp(k, "kernel")) {
			if (path_check("--boot kernel", kv->value, err) < 0)
				goto out;
			vp_set_str(&kernel, kv->value);
		} else if (!strcmp(k, "initrd")) {
			if (path_check("--boot initrd", kv->value, err) < 0)
				goto out;
			vp_set_str(&initrd, kv->value);
		} else if (!strcmp(field, "kernel_args")) {
			vp_set_str(&cmdline, kv->value);
		} else if (!strcmp(k, "firmware")) {
			if (strcmp(kv->value, "efi") && strcmp(kv->value, "bios")) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --boot firmware '%s': use efi or bios", kv->value);
				goto out;
			}
			uefi = !strcmp(kv->value, "efi") ? VP_YES : VP_NO;
		} else if (parse_bool(kv->value, "--boot uefi", &uefi, err) < 0) {
			goto out;
		}
	}
	if ((initrd || cmdline) && !kernel && !b->kernel) {
		vp_error_set(err, VP_ERR_INVALID, "--boot initrd= and kernel_args= need kernel=");
		goto out;
	}
	/* all or nothing: a --boot that fails leaves the spec as it was */
	if (kernel) {
		free(b->kernel);
		b->kernel = TAKE_PTR(kernel);
	}
	if (initrd) {
		free(b->initrd);
		b->initrd = TAKE_PTR(initrd);
	}
	if (cmdline) {
		free(b->cmdline);
		b->cmdline = TAKE_PTR(cmdline);
	}
	if (uefi != VP_UNSET)
		b->uefi = uefi;
	if (n_devs) {
		for (i = 0; i < b->n_devs; i++)
			free(b->devs[i]);
		for (i = 0; i < n_devs; i++)
			b->devs[i] = devs[i];
		b->n_devs = n_devs;
		n_devs = 0;
	}
	r = 0;
out:
	for (i = 0; i < n_devs; i++)
		free(devs[i]);
	free(kernel);
	free(initrd);
	free(cmdline);
	kvlist_clear(&l);
	return r;
}

/* ---- the install source --------------------------------------------------- */

/* A path inside an installer tree: relative, and never above its root. */
static int tree_path_check(const char *what, const char *v, struct vp_error *err)
{
	if (v[0] == '/')
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': give the path inside the tree (e.g. install.amd/vmlinuz)",
				    what, v);
	if (!vp_relpath_inside(v))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': it must stay inside the tree", what, v);
	return 0;
}

int vp_spec_parse_location(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct vp_install_spec *in = &spec->install;
	struct kvlist l;
	struct seen seen = { 0 };
	char *location = NULL, *kernel = NULL, *initrd = NULL;
	size_t i;
	int r = -1;

	if (kv_split(arg, "--location", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		char what[32];

		if (!kv->key || (i == 0 && strcmp(kv->key, "kernel") && strcmp(kv->key, "initrd"))) {
			const char *v = kv->key ? arg : kv->value;

			if (i != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --location '%s': '%s' is not kernel= or initrd=", arg,
					     kv->value);
				goto out;
			}
			/* a location that holds '=' is still one */
			if (kv->key)
				v = l.n > 1 ? NULL : arg;
			if (!v) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --location '%s': write ',' in it as ',,'", arg);
				goto out;
			}
			if (vp_spec_check_value("--location", v, err) < 0)
				goto out;
			location = vp_strdup(v);
			continue;
		}
		if (strcmp(kv->key, "kernel") && strcmp(kv->key, "initrd")) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --location option '%s' (known: kernel, initrd)", kv->key);
			goto out;
		}
		snprintf(what, sizeof(what), "--location %s", kv->key);
		if (once(&seen, kv->key, kv->key, "--location", arg, err) < 0 ||
		    need_value(kv, "--location", err) < 0 ||
		    vp_spec_check_value(what, kv->value, err) < 0 ||
		    tree_path_check(what, kv->value, err) < 0)
			goto out;
		vp_set_str(!strcmp(kv->key, "kernel") ? &kernel : &initrd, kv->value);
	}
	if (!location) {
		vp_error_set(err, VP_ERR_INVALID, "--location needs a URL, a directory or an ISO image");
		goto out;
	}
	if (!kernel != !initrd) {
		vp_error_set(err, VP_ERR_INVALID, "--location needs both kernel= and initrd=, or neither");
		goto out;
	}
	vp_set_str(&in->location, location);
	vp_set_str(&in->kernel_hint, kernel);
	vp_set_str(&in->initrd_hint, initrd);
	r = 0;
out:
	free(location);
	free(kernel);
	free(initrd);
	kvlist_clear(&l);
	return r;
}

int vp_spec_parse_install(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct vp_install_spec *in = &spec->install;
	struct kvlist l;
	struct seen seen = { 0 };
	enum vp_tristate no_install = VP_UNSET;
	char *os = NULL;
	size_t i;
	int r = -1;

	if (kv_split(arg, "--install", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key ? kv->key : "os";

		if (strcmp(k, "os") && strcmp(k, "no_install")) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --install option '%s' (known: an OS profile id, os=ID, no_install=yes)",
				     k);
			goto out;
		}
		if (once(&seen, k, k, "--install", arg, err) < 0 || need_value(kv, "--install", err) < 0 ||
		    vp_spec_check_value("--install", kv->value, err) < 0)
			goto out;
		if (!strcmp(k, "no_install")) {
			if (parse_bool(kv->value, "--install no_install", &no_install, err) < 0)
				goto out;
		} else {
			vp_set_str(&os, kv->value);
		}
	}
	if (os && no_install == VP_YES) {
		vp_error_set(err, VP_ERR_INVALID, "--install %s: an OS to install and no_install=yes contradict",
			     arg);
		goto out;
	}
	if (os)
		vp_set_str(&in->tree_os, os);
	if (no_install != VP_UNSET)
		in->no_install = no_install;
	r = 0;
out:
	free(os);
	kvlist_clear(&l);
	return r;
}

int vp_spec_parse_console(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct seen seen = { 0 };
	const char *target = NULL;
	size_t i;
	int r = -1;

	if (kv_split(arg, "--console", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key ? kv->key : "type";

		if (strcmp(k, "type") && strcmp(k, "target_type") && strcmp(k, "target.type")) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --console option '%s' (known: pty, target_type=serial|virtio)",
				     k);
			goto out;
		}
		if (once(&seen, !strcmp(k, "type") ? "type" : "target", k, "--console", arg, err) < 0)
			goto out;
		if (!strcmp(k, "type")) {
			if (strcmp(kv->value, "pty") != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --console '%s': vprov's consoles are pty (the serial console is always there, logged)",
					     arg);
				goto out;
			}
		} else if (!strcmp(kv->value, "serial") || !strcmp(kv->value, "virtio")) {
			target = kv->value;
		} else {
			vp_error_set(err, VP_ERR_INVALID,
				     "invalid --console target_type '%s': use serial or virtio", kv->value);
			goto out;
		}
	}
	if (target)
		vp_set_str(&spec->console_target, target);
	r = 0;
out:
	kvlist_clear(&l);
	return r;
}

static const char *const unattended_keys[] = { "profile", "admin-password-file", "user-login",
					       "user-password-file", NULL };

int vp_spec_parse_unattended(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct vp_unattended_spec *u = &spec->install.unattended;
	struct vp_unattended_spec n = { .set = true };
	struct kvlist l = { 0 };
	struct seen seen = { 0 };
	size_t i;
	int r = -1;

	if (*arg && kv_split(arg, "--unattended", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		char what[48];

		if (!kv->key || !one_of(kv->key, unattended_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --unattended option '%s' (known: profile, admin-password-file, user-login, user-password-file)",
				     kv->key ? kv->key : kv->value);
			goto out;
		}
		snprintf(what, sizeof(what), "--unattended %s", kv->key);
		if (once(&seen, kv->key, kv->key, "--unattended", arg, err) < 0 ||
		    need_value(kv, "--unattended", err) < 0 || vp_spec_check_value(what, kv->value, err) < 0)
			goto out;
		if (!strcmp(kv->key, "profile")) {
			if (strcmp(kv->value, "jeos") && strcmp(kv->value, "desktop")) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --unattended profile '%s': use jeos or desktop", kv->value);
				goto out;
			}
			vp_set_str(&n.profile, kv->value);
		} else if (!strcmp(kv->key, "user-login")) {
			vp_set_str(&n.user_login, kv->value);
		} else {
			if (path_check(what, kv->value, err) < 0)
				goto out;
			vp_set_str(!strcmp(kv->key, "admin-password-file") ? &n.admin_password_file :
									    &n.user_password_file,
				   kv->value);
		}
	}
	free(u->profile);
	free(u->admin_password_file);
	free(u->user_login);
	free(u->user_password_file);
	*u = n;
	memset(&n, 0, sizeof(n));
	r = 0;
out:
	free(n.profile);
	free(n.admin_password_file);
	free(n.user_login);
	free(n.user_password_file);
	kvlist_clear(&l);
	return r;
}

static const char *const cloud_init_keys[] = { "root-password-generate", "root-password-file",
					       "disable", "root-ssh-key", "clouduser-ssh-key",
					       "user-data", "meta-data", "network-config",
					       "hostname", NULL };

int vp_spec_parse_cloud_init(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct vp_cloud_spec n = { .init_set = true };
	struct vp_cloud_spec *c = &spec->cloud;
	struct kvlist l = { 0 };
	struct seen seen = { 0 };
	size_t i;
	int r = -1;

	if (!strcmp(arg, "none")) {
		n.init_none = true;
	} else if (*arg && kv_split(arg, "--cloud-init", &l, err) < 0) {
		return -1;
	}
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key ? kv->key : kv->value;
		char what[48];

		if (!one_of(k, cloud_init_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --cloud-init option '%s' (known: root-password-generate, root-password-file, disable, root-ssh-key, clouduser-ssh-key, user-data, meta-data, network-config, hostname, or none)",
				     k);
			goto out;
		}
		snprintf(what, sizeof(what), "--cloud-init %s", k);
		if (!strcmp(k, "root-password-generate") || !strcmp(k, "disable")) {
			enum vp_tristate *t = !strcmp(k, "disable") ? &n.disable :
								     &n.root_password_generate;

			if (once(&seen, k, k, "--cloud-init", arg, err) < 0 ||
			    parse_bool(kv->key ? kv->value : "on", what, t, err) < 0)
				goto out;
			continue;
		}
		if (!kv->key) {
			vp_error_set(err, VP_ERR_INVALID, "--cloud-init %s= needs a value", k);
			goto out;
		}
		if (need_value(kv, "--cloud-init", err) < 0 || vp_spec_check_value(what, kv->value, err) < 0)
			goto out;
		if (!strcmp(k, "root-ssh-key")) {
			vp_strings_add(&n.root_ssh_keys, &n.n_root_ssh_keys, vp_strdup(kv->value));
			continue;
		}
		if (!strcmp(k, "clouduser-ssh-key")) {
			vp_strings_add(&n.clouduser_ssh_keys, &n.n_clouduser_ssh_keys, vp_strdup(kv->value));
			continue;
		}
		if (once(&seen, k, k, "--cloud-init", arg, err) < 0)
			goto out;
		vp_set_str(!strcmp(k, "hostname")           ? &n.hostname :
			   !strcmp(k, "root-password-file") ? &n.root_password_file :
			   !strcmp(k, "user-data")          ? &n.user_data :
			   !strcmp(k, "meta-data")          ? &n.meta_data :
							      &n.network_config,
			   kv->value);
	}
	if (n.root_password_file && n.root_password_generate == VP_YES) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--cloud-init root-password-file and root-password-generate=on cannot go together");
		goto out;
	}
	n.image = TAKE_PTR(c->image);
	n.edits = TAKE_PTR(c->edits);
	n.n_edits = c->n_edits;
	c->n_edits = 0;
	vp_cloud_spec_clear(c);
	*c = n;
	memset(&n, 0, sizeof(n));
	r = 0;
out:
	vp_cloud_spec_clear(&n);
	kvlist_clear(&l);
	return r;
}
