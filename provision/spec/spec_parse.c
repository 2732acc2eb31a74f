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

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
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
	_cleanup_(freep) char *tok = malloc(len + 1);

	if (!tok)
		abort();
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
				kv->key = strndup(tok, (size_t)(eq - tok));
				kv->value = vp_strdup(eq + 1);
				if (!kv->key)
					abort();
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

		if (!k) {
			if (i != 0 || d.path) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk '%s': '%s' is not a key=value item", arg,
					     kv->value);
				goto out;
			}
			vp_set_str(&d.path, kv->value);
			continue;
		}
		if (need_value(kv, "--disk", err) < 0)
			goto out;
		if (!strcmp(k, "path")) {
			vp_set_str(&d.path, kv->value);
		} else if (!strcmp(k, "pool")) {
			vp_set_str(&d.pool, kv->value);
		} else if (!strcmp(k, "vol")) {
			char *slash = strchr(kv->value, '/');

			if (!slash || slash == kv->value || !slash[1] || strchr(slash + 1, '/')) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk vol='%s': use vol=POOL/VOLUME", kv->value);
				goto out;
			}
			free(d.pool);
			d.pool = strndup(kv->value, (size_t)(slash - kv->value));
			vp_set_str(&d.vol, slash + 1);
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
			vp_set_str(&d.backing_store, kv->value);
		} else if (!strcmp(k, "backing_format")) {
			if (!one_of(kv->value, backing_formats)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk backing_format '%s': use qcow2 or raw",
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
		} else if (!strcmp(k, "readonly") || !strcmp(k, "sparse")) {
			if (parse_bool(kv->value, !strcmp(k, "readonly") ? "--disk readonly" : "--disk sparse",
				       !strcmp(k, "readonly") ? &d.readonly : &d.sparse, err) < 0)
				goto out;
		} else {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --disk option '%s' (known: path, pool, vol, size, format, bus, cache, backing_store, backing_format, device, readonly, sparse)",
				     k);
			goto out;
		}
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

static const char *const net_models[] = { "virtio", "e1000e", "e1000", "rtl8139", "ne2k_pci",
					  "pcnet", "vmxnet3", NULL };

int vp_spec_parse_network(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct vp_net_spec n = { 0 };
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

		if (!k) {
			/* bare first item: "user", "default" (a network), "bridge:br0" */
			if (i != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network '%s': '%s' is not a key=value item", arg,
					     kv->value);
				goto out;
			}
			if (!strcmp(kv->value, "user")) {
				vp_set_str(&n.type, "user");
			} else if (!strncmp(kv->value, "bridge:", 7) && kv->value[7]) {
				vp_set_str(&n.type, "bridge");
				vp_set_str(&n.source, kv->value + 7);
			} else if (!strncmp(kv->value, "network:", 8) && kv->value[8]) {
				vp_set_str(&n.type, "network");
				vp_set_str(&n.source, kv->value + 8);
			} else {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network '%s': use none, user, network=NAME or bridge=NAME",
					     arg);
				goto out;
			}
			continue;
		}
		if (need_value(kv, "--network", err) < 0)
			goto out;
		if (!strcmp(k, "network") || !strcmp(k, "bridge")) {
			if (n.type) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network '%s': give one of user, network= or bridge=",
					     arg);
				goto out;
			}
			vp_set_str(&n.type, k);
			vp_set_str(&n.source, kv->value);
		} else if (!strcmp(k, "type")) {
			if (strcmp(kv->value, "user") != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network type '%s': use type=user, network=NAME or bridge=NAME",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.type, "user");
		} else if (!strcmp(k, "model")) {
			if (!one_of(kv->value, net_models)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network model '%s': use virtio, e1000e, e1000, rtl8139 or vmxnet3",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.model, kv->value);
		} else if (!strcmp(k, "mac")) {
			if (mac_check(kv->value, err) < 0)
				goto out;
			vp_set_str(&n.mac, kv->value);
		} else {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --network option '%s' (known: network, bridge, type, model, mac)",
				     k);
			goto out;
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

int vp_spec_parse_graphics(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	size_t i;
	int r = -1;
	char *type = NULL, *listen = NULL;
	int port = 0;

	if (kv_split(arg, "--graphics", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key;

		if (!k || !strcmp(k, "type")) {
			if ((!k && i != 0) ||
			    (strcmp(kv->value, "none") && strcmp(kv->value, "vnc") &&
			     strcmp(kv->value, "spice"))) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --graphics '%s': use none, vnc or spice", arg);
				goto out;
			}
			vp_set_str(&type, kv->value);
		} else if (!strcmp(k, "listen")) {
			if (need_value(kv, "--graphics", err) < 0)
				goto out;
			if (strspn(kv->value, "0123456789abcdefABCDEF.:") != strlen(kv->value)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --graphics listen '%s': give an IP address",
					     kv->value);
				goto out;
			}
			vp_set_str(&listen, kv->value);
		} else if (!strcmp(k, "port")) {
			uint64_t v;

			if (vp_parse_uint(kv->value, 5900, 65535, "--graphics port", &v, err) < 0)
				goto out;
			port = (int)v;
		} else {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --graphics option '%s' (known: listen, port)", k);
			goto out;
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

int vp_spec_parse_boot(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct vp_boot_spec *b = &spec->boot;
	size_t i, n_devs = 0;
	char *devs[VP_MAX_BOOT_DEVS] = { 0 };
	int r = -1;

	if (kv_split(arg, "--boot", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key;

		if (!k) {
			const char *v = kv->value;
			const char *dev = NULL;
			size_t j;

			if (!strcmp(v, "uefi") || !strcmp(v, "efi")) {
				b->uefi = VP_YES;
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
		if (strcmp(k, "kernel_args") && strcmp(k, "cmdline") && need_value(kv, "--boot", err) < 0)
			goto out;
		if (!strcmp(k, "kernel")) {
			vp_set_str(&b->kernel, kv->value);
		} else if (!strcmp(k, "initrd")) {
			vp_set_str(&b->initrd, kv->value);
		} else if (!strcmp(k, "kernel_args") || !strcmp(k, "cmdline")) {
			vp_set_str(&b->cmdline, kv->value);
		} else if (!strcmp(k, "uefi") || !strcmp(k, "firmware")) {
			if (!strcmp(k, "firmware")) {
				if (strcmp(kv->value, "efi") && strcmp(kv->value, "bios")) {
					vp_error_set(err, VP_ERR_INVALID,
						     "invalid --boot firmware '%s': use efi or bios",
						     kv->value);
					goto out;
				}
				b->uefi = !strcmp(kv->value, "efi") ? VP_YES : VP_NO;
			} else if (parse_bool(kv->value, "--boot uefi", &b->uefi, err) < 0) {
				goto out;
			}
		} else {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --boot option '%s' (known: hd, cdrom, network, uefi, kernel, initrd, kernel_args)",
				     k);
			goto out;
		}
	}
	if ((b->initrd || b->cmdline) && !b->kernel) {
		vp_error_set(err, VP_ERR_INVALID, "--boot initrd= and kernel_args= need kernel=");
		goto out;
	}
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
	kvlist_clear(&l);
	return r;
}
