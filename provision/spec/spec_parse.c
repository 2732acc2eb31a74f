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
#include "spec_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fs.h"
#include "units.h"

void vp_kvlist_clear(struct kvlist *l)
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
int vp_kv_split(const char *arg, const char *what, struct kvlist *out, struct vp_error *err)
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
			vp_kvlist_clear(out);
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': unterminated quote",
					    what, arg);
		}
		tok[n] = '\0';
		if (n == 0) {
			vp_kvlist_clear(out);
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
			vp_kvlist_clear(out);
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': empty item", what,
					    arg);
		}
	}
	return 0;
}

void vp_kv_join_free_text(struct kvlist *l, bool (*known)(const struct kv *kv, void *opaque),
			  void *opaque, const char *const *free_text_keys)
{
	struct kv *into = NULL; /* the free-text item that takes what follows */
	size_t i, o = 0;

	for (i = 0; i < l->n; i++) {
		struct kv kv = l->items[i];

		if (into && !known(&kv, opaque)) {
			char *v = kv.key ? vp_strdup_printf("%s,%s=%s", into->value, kv.key, kv.value) :
					   vp_strdup_printf("%s,%s", into->value, kv.value);

			free(into->value);
			into->value = v;
			free(kv.key);
			free(kv.value);
			continue;
		}
		l->items[o] = kv;
		/* "": the positional value, which only a first bare item is */
		into = vp_one_of(kv.key ? kv.key : i == 0 ? "" : "\n", free_text_keys) ?
			       &l->items[o] : NULL;
		o++;
	}
	l->n = o;
}

bool vp_one_of(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(v, *set) == 0)
			return true;
	return false;
}

int vp_seen_once(struct seen *s, const char *field, const char *as, const char *opt,
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

bool vp_seen_has(const struct seen *s, const char *field)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->field[i], field))
			return true;
	return false;
}

int vp_parse_bool(const char *v, const char *what, enum vp_tristate *out,
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

int vp_kv_need_value(const struct kv *kv, const char *opt, struct vp_error *err)
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
int vp_path_check(const char *what, const char *path, struct vp_error *err)
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

/* --disk's sub-options: how each is spelled (virt-install's older and newer
 * names) and the setting it is, for "given twice" and the dispatch below. */
static const struct {
	const char *key, *field;
} disk_keys[] = {
	{ "path", "path" },
	{ "pool", "pool" },
	{ "vol", "vol" },
	{ "size", "size" },
	{ "format", "format" },
	{ "driver.type", "format" },
	{ "bus", "bus" },
	{ "target.bus", "bus" },
	{ "cache", "cache" },
	{ "driver.cache", "cache" },
	{ "backing_store", "backing_store" },
	{ "backing_format", "backing_format" },
	{ "device", "device" },
	{ "readonly", "readonly" },
	{ "shareable", "shareable" },
	{ "perms", "perms" },
	{ "sparse", "sparse" },
	{ "encryption", "encryption" },
	{ "secret-file", "secret-file" },
	{ "secret_file", "secret-file" },
	{ "driver.name", "driver.name" },
	{ "io", "io" },
	{ "driver.io", "io" },
	{ "discard", "discard" },
	{ "driver.discard", "discard" },
	{ "detect_zeroes", "detect_zeroes" },
	{ "driver.detect_zeroes", "detect_zeroes" },
	{ "error_policy", "error_policy" },
	{ "driver.error_policy", "error_policy" },
	{ "driver.queues", "queues" },
	{ "driver.iothread", "iothread" },
	{ "boot.order", "boot.order" },
	{ "boot_order", "boot.order" },
	{ "serial", "serial" },
	{ "wwn", "wwn" },
	{ "target.dev", "target.dev" },
	{ "target", "target.dev" },
	{ "source.protocol", "source.protocol" },
	{ "source.name", "source.name" },
	{ "source.host.name", "source.host.name" },
	{ "source.host.port", "source.host.port" },
	{ "source.host.socket", "source.host.socket" },
	{ "source.host.transport", "source.host.transport" },
	{ "address.type", "address.type" },
	{ "address.controller", "address.controller" },
	{ "address.bus", "address.bus" },
	{ "address.target", "address.target" },
	{ "address.unit", "address.unit" },
	{ "address.domain", "address.domain" },
	{ "address.slot", "address.slot" },
	{ "address.function", "address.function" },
	{ "address.multifunction", "address.multifunction" },
};
static const char *const disk_formats[] = { "qcow2", "raw", NULL };
static const char *const backing_formats[] = { "qcow2", "raw", "vmdk", "vdi", "vpc", "vhdx",
					       "qed", NULL };
static const char *const disk_buses[] = { "virtio", "sata", "scsi", "ide", "usb", "fdc", NULL };
static const char *const disk_caches[] = { "none", "writeback", "writethrough", "directsync",
					   "unsafe", "default", NULL };
static const char *const disk_devices[] = { "disk", "cdrom", "floppy", "lun", NULL };
/* libvirt's schema (domaincommon.rng) for the <driver> attributes */
static const char *const disk_ios[] = { "native", "threads", "io_uring", NULL };
static const char *const disk_discards[] = { "unmap", "ignore", NULL };
static const char *const disk_detect_zeroes[] = { "off", "on", "unmap", NULL };
static const char *const disk_error_policies[] = { "stop", "report", "ignore", "enospace", NULL };
/* network disks QEMU 7.2 opens itself (sheepdog and vxhs are gone from it) */
static const char *const disk_protocols[] = { "nbd", "iscsi", "rbd", "gluster", "http", "https",
					      "ftp", "ftps", "tftp", NULL };

static const char *disk_field(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(disk_keys) / sizeof(disk_keys[0]); i++)
		if (!strcmp(disk_keys[i].key, key))
			return disk_keys[i].field;
	return NULL;
}

/* encryption=luks makes a new, empty volume encrypted from its first
 * byte; what it cannot go with is said here, before anything is looked
 * up (an existing path is found out when the disk is resolved). */
static int luks_check(const struct vp_disk_spec *d, struct vp_error *err)
{
	if (d->vol)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk encryption=luks makes a new volume; vol= names an existing one");
	if (d->device && !strcmp(d->device, "cdrom"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk encryption=luks makes a new disk volume; a cdrom cannot be one");
	if (d->backing_store)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk encryption=luks cannot go with backing_store=: the base image's data would stay unencrypted");
	if (d->path && !d->size)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk encryption=luks makes a new volume: add size= (an existing image cannot be encrypted in place)");
	return 0;
}

/* A server of a network disk, as libvirt's schema takes <host name=>: a
 * DNS name (letters, digits, '.', '-') or an IP address. */
static int disk_host_check(const char *what, const char *v, struct vp_error *err)
{
	unsigned char addr[sizeof(struct in6_addr)];
	size_t len = strlen(v);

	if (inet_pton(AF_INET6, v, addr) == 1)
		return 0;
	if (len && len <= 253 && strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == len &&
	    v[0] != '-' && v[0] != '.')
		return 0;
	return vp_error_set(err, VP_ERR_INVALID,
			    "invalid %s '%s': give a host name or an IP address", what, v);
}

/* A guest disk name libvirt turns into an index: vd, sd, hd or fd and one
 * to three letters (vda, sdb, hdc, fda, vdaa). */
static int disk_target_check(const char *v, struct vp_error *err)
{
	size_t n = strlen(v);

	if (n >= 3 && n <= 5 && strchr("vshf", v[0]) && v[1] == 'd' &&
	    strspn(v + 2, "abcdefghijklmnopqrstuvwxyz") == n - 2)
		return 0;
	return vp_error_set(err, VP_ERR_INVALID,
			    "invalid --disk target.dev '%s': use vdX (virtio), sdX (sata, scsi, usb), hdX (ide) or fdX (floppy)",
			    v);
}

/* serial=: libvirt's schema takes letters, digits, ' ', '_', '.', '+', '-'. */
static int disk_serial_check(const char *v, struct vp_error *err)
{
	static const char ok[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _.+-";

	if (strspn(v, ok) != strlen(v))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk serial '%s': use letters, digits, ' ', '_', '.', '+' and '-'",
				    v);
	if (strlen(v) > 64)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk serial '%.64s...': at most 64 characters", v);
	return 0;
}

/* wwn=: 16 hex digits, 0x before them optional (libvirt's schema). */
static int disk_wwn_check(const char *v, struct vp_error *err)
{
	const char *h = !strncmp(v, "0x", 2) ? v + 2 : v;

	if (strlen(h) != 16 || strspn(h, "0123456789abcdefABCDEF") != 16)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk wwn '%s': give 16 hex digits, like 0x5000c50015ea71ac", v);
	return 0;
}

/* A network disk by URL, as virt-install reads one: PROTOCOL://HOST[:PORT]
 * [/NAME] (nbd://127.0.0.1:10809/export, iscsi://10.0.0.1/IQN/LUN,
 * rbd://MON:6789/POOL/IMAGE, http://host/disk.img). */
static bool is_disk_url(const char *v)
{
	size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyz+");

	return n && !strncmp(v + n, "://", 3);
}

/* nbd+unix:///EXPORT?socket=PATH (the NBD URI QEMU reads), or virt-install's
 * nbd+unix:///PATH, whose path is the socket: an NBD server on this host's
 * UNIX socket (libvirt's <host transport='unix' socket=>) */
static int disk_url_unix(struct vp_disk_spec *d, const char *v, struct vp_error *err)
{
	const char *p = v + strlen("nbd+unix://"), *q = strchr(p, '?');
	_cleanup_(freep) char *path = vp_strndup(p, q ? (size_t)(q - p) : strlen(p));
	const char *sock;

	if (*p != '/')
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': an nbd+unix URL has no host: nbd+unix:///EXPORT?socket=/PATH",
				    v);
	if (strchr(v, '#'))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': use nbd+unix:///EXPORT?socket=/PATH", v);
	if (q) {
		if (strncmp(q + 1, "socket=", 7) != 0 || strchr(q + 1, '&'))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --disk '%s': an nbd+unix URL's one query is socket=/PATH",
					    v);
		sock = q + 8;
		if (path[1])
			vp_set_str(&d->net_name, path + 1);
	} else {
		sock = path; /* virt-install's reading */
	}
	if (vp_path_check("--disk nbd+unix socket", sock, err) < 0)
		return -1;
	vp_set_str(&d->net_protocol, "nbd");
	vp_set_str(&d->net_socket, sock);
	return 0;
}

static int disk_url(struct vp_disk_spec *d, const char *v, struct vp_error *err)
{
	const char *sep = strstr(v, "://"), *host = sep + 3, *end, *colon = NULL;
	_cleanup_(freep) char *proto = vp_strndup(v, (size_t)(sep - v));
	_cleanup_(freep) char *h = NULL;
	uint64_t port = 0;

	if (!strcmp(proto, "nbd+unix"))
		return disk_url_unix(d, v, err);
	if (!vp_one_of(proto, disk_protocols))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': a network disk's protocol is nbd (nbd+unix), iscsi, rbd, gluster, http, https, ftp, ftps or tftp",
				    v);
	if (strpbrk(host, "?#"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': a network disk's URL has no query (use source.* sub-options)",
				    v);
	end = host + strcspn(host, "/");
	if (memchr(host, '@', (size_t)(end - host)))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': a user in the URL needs a libvirt <auth> secret, which vprov does not set up",
				    v);
	if (*host == '[') {
		const char *rb = memchr(host, ']', (size_t)(end - host));

		if (!rb)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --disk '%s': an IPv6 server is written [ADDRESS]", v);
		h = vp_strndup(host + 1, (size_t)(rb - host - 1));
		if (rb[1] == ':')
			colon = rb + 1;
		else if (rb + 1 != end)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --disk '%s': use PROTOCOL://HOST[:PORT]/NAME", v);
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		h = vp_strndup(host, (size_t)((colon ? colon : end) - host));
	}
	if (!*h)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': use PROTOCOL://HOST[:PORT]/NAME", v);
	if (disk_host_check("--disk source.host.name", h, err) < 0)
		return -1;
	if (colon) {
		_cleanup_(freep) char *p = vp_strndup(colon + 1, (size_t)(end - colon - 1));

		if (vp_parse_uint(p, 1, 65535, "--disk source.host.port", &port, err) < 0)
			return -1;
	}
	while (*end == '/')
		end++;
	vp_set_str(&d->net_protocol, proto);
	vp_set_str(&d->net_host, h);
	d->net_port = (unsigned)port;
	if (*end)
		vp_set_str(&d->net_name, end);
	return 0;
}

/* What a network disk needs and cannot have, once all items are read. */
static int disk_network_check(const struct vp_disk_spec *d, const char *arg, bool any_source,
			      struct vp_error *err)
{
	if (!d->net_protocol) {
		if (any_source)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk source.name= and source.host.* make a network disk: add source.protocol=");
		return 0;
	}
	if (d->path || d->pool || d->vol || d->size || d->backing_store || d->backing_format ||
	    d->sparse != VP_UNSET || d->encryption)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': a network disk is not a volume vprov makes or finds: it takes no path=, pool=, vol=, size=, sparse=, backing_store= or encryption=",
				    arg);
	if (d->net_socket && (d->net_host || d->net_port))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': a server on a UNIX socket has no source.host.name= or .port=",
				    arg);
	if (d->net_socket && strcmp(d->net_protocol, "nbd") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': vprov reaches only NBD servers over a UNIX socket, not %s",
				    arg, d->net_protocol);
	if (d->net_socket)
		return 0;
	if (!d->net_host && strcmp(d->net_protocol, "rbd") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': a %s disk needs its server: source.host.name=", arg,
				    d->net_protocol);
	if (!d->net_host && d->net_port)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': source.host.port= needs source.host.name=", arg);
	if (!d->net_name && strcmp(d->net_protocol, "nbd") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --disk '%s': a %s disk needs source.name= (%s)", arg,
				    d->net_protocol,
				    !strcmp(d->net_protocol, "iscsi") ? "the target's IQN/LUN" :
				    !strcmp(d->net_protocol, "rbd")   ? "POOL/IMAGE" :
				    !strcmp(d->net_protocol, "gluster") ? "VOLUME/PATH" :
									  "the path on the server");
	return 0;
}

/* One choice among a set, or a one-line refusal that lists them. */
static int disk_choice(const char *what, const char *v, const char *const *set, char **out,
		       struct vp_error *err)
{
	char list[160] = "";
	size_t i, n = 0;

	if (vp_one_of(v, set)) {
		vp_set_str(out, v);
		return 0;
	}
	for (i = 0; set[i]; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i == 0 ? "" : set[i + 1] ? ", " : " or ", set[i]);
	return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': use %s", what, v, list);
}

/* driver.iothread=N: QEMU runs a virtio-blk disk's I/O in one of the VM's
 * I/O threads (--iothreads, read before the disks), named by its id;
 * libvirt refuses an id the VM lacks and QEMU any other bus. */
static int disk_iothread_check(const struct vp_domain_spec *spec, const struct vp_disk_spec *d,
			       struct vp_error *err)
{
	const struct vp_machine_spec *m = &spec->mach;

	if (d->bus ? strcmp(d->bus, "virtio") != 0 :
		     d->device && strcmp(d->device, "disk") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk driver.iothread= is for virtio disks (QEMU runs no other disk in an I/O thread), not %s%s",
				    d->bus ? "bus=" : "device=", d->bus ? d->bus : d->device);
	if (!m->iothreads && !m->n_iothread_ids)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk driver.iothread=%u needs I/O threads in the VM: add --iothreads",
				    d->iothread);
	if (!vp_iothread_defined(m, d->iothread)) {
		_cleanup_(freep) char *ids = vp_iothread_list(m);

		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk driver.iothread=%u: the VM has no I/O thread %u (its I/O threads, from --iothreads: %s)",
				    d->iothread, d->iothread, ids);
	}
	return 0;
}

/* ---- --disk address.* ---- */

static const char *const addr_names[VP_ADDR_N] = { "controller", "bus", "target", "unit",
						   "domain", "slot", "function" };
/* what each type takes */
#define ADDR_DRIVE ((1u << VP_ADDR_CONTROLLER) | (1u << VP_ADDR_BUS) | (1u << VP_ADDR_TARGET) | \
		    (1u << VP_ADDR_UNIT))
#define ADDR_PCI ((1u << VP_ADDR_DOMAIN) | (1u << VP_ADDR_BUS) | (1u << VP_ADDR_SLOT) | \
		  (1u << VP_ADDR_FUNCTION))

/* a number as virt-install reads one: decimal, or hex after 0x */
static int addr_number(const char *what, const char *v, unsigned max, unsigned *out,
		       struct vp_error *err)
{
	bool hex = !strncmp(v, "0x", 2) || !strncmp(v, "0X", 2);
	const char *d = hex ? v + 2 : v;
	unsigned long long n;
	char *end;

	if (!*d || strspn(d, hex ? "0123456789abcdefABCDEF" : "0123456789") != strlen(d) ||
	    strlen(d) > 10)
		goto bad;
	n = strtoull(d, &end, hex ? 16 : 10);
	if (n > max)
		goto bad;
	*out = (unsigned)n;
	return 0;
bad:
	return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': give a number from 0 to %u", what,
			    v, max);
}

static unsigned addr_val(const struct vp_dev_address *a, int i)
{
	return a->set & (1u << i) ? a->v[i] : 0;
}

/* A drive address within what the bus's controller has (QEMU's PIIX IDE:
 * one controller, 2 buses of 2 units; AHCI: 6 ports on bus 0; the floppy
 * controller: 2 drives; virtio-scsi: targets and LUNs, one bus); bus is
 * the disk's, given or resolved. */
static int drive_address_check(const struct vp_dev_address *a, const char *bus,
			       struct vp_error *err)
{
	static const struct {
		const char *bus;
		unsigned max[4]; /* controller, bus, target, unit */
		const char *what;
	} lim[] = {
		{ "ide", { 0, 1, 0, 1 }, "the IDE controller has 2 buses of 2 units (controller 0, bus 0-1, target 0, unit 0-1)" },
		{ "sata", { 99, 0, 0, 5 }, "a SATA (AHCI) controller has 6 ports on bus 0 (bus 0, target 0, unit 0-5)" },
		{ "fdc", { 0, 0, 0, 1 }, "the floppy controller has 2 drives (controller 0, bus 0, target 0, unit 0-1)" },
		{ "scsi", { 99, 0, 99, 16383 }, "a SCSI controller has one bus of targets 0-99 and LUNs 0-16383 (bus 0)" },
	};
	size_t i, j;

	if (!a->type || strcmp(a->type, "drive") != 0)
		return 0;
	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		if (strcmp(lim[i].bus, bus) != 0)
			continue;
		for (j = 0; j < 4; j++)
			if (addr_val(a, (int)j) > lim[i].max[j])
				return vp_error_set(err, VP_ERR_INVALID,
						    "--disk address.%s=%u does not exist on bus %s: %s",
						    addr_names[j], addr_val(a, (int)j), bus, lim[i].what);
		return 0;
	}
	return vp_error_set(err, VP_ERR_INVALID,
			    "--disk address.type=drive is for sata, scsi, ide and fdc disks; a %s disk's address is %s",
			    bus, !strcmp(bus, "virtio") ? "PCI (address.type=pci)" : "its own (libvirt's choice)");
}

int vp_disk_bus_check(const struct vp_domain_spec *spec, const struct vp_disk_spec *d,
		      struct vp_error *err)
{
	const struct vp_dev_address *a = &d->addr;
	size_t i, j, n;
	bool controllers = false;

	if (!d->bus)
		return 0;
	if (d->iothread && strcmp(d->bus, "virtio") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk driver.iothread= is for virtio disks (QEMU runs no other disk in an I/O thread), not bus=%s",
				    d->bus);
	if (!a->type)
		return 0;
	/* libvirt: "Found duplicate drive address", "double use of PCI
	 * address"; the disks before this one (all, while it is parsed) */
	n = d >= spec->disks && d < spec->disks + spec->n_disks ? (size_t)(d - spec->disks) :
								  spec->n_disks;
	for (i = 0; i < n; i++) {
		const struct vp_disk_spec *o = &spec->disks[i];

		if (!o->addr.type || strcmp(o->addr.type, a->type) != 0 || !o->bus ||
		    strcmp(o->bus, d->bus) != 0)
			continue;
		for (j = 0; j < VP_ADDR_N; j++)
			if (addr_val(&o->addr, (int)j) != addr_val(a, (int)j))
				break;
		if (j == VP_ADDR_N)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address: disk %zu has the same %s address", i + 1,
					    !strcmp(a->type, "pci") ? "PCI" : d->bus);
	}
	if (!strcmp(a->type, "pci")) {
		if (strcmp(d->bus, "virtio") != 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address.type=pci is a virtio disk's; a %s disk's address is type drive",
					    d->bus);
		/* what the machine itself has on bus 0 (libvirt: "double use") */
		if (spec->x86 && addr_val(a, VP_ADDR_BUS) == 0 &&
		    addr_val(a, VP_ADDR_SLOT) == (spec->q35 ? 0x1f : 1))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address.slot=%u on PCI bus 0 is the %s machine's own %s",
					    addr_val(a, VP_ADDR_SLOT), spec->q35 ? "q35" : "pc",
					    spec->q35 ? "ISA bridge (LPC, SATA, SMBus)" : "PIIX3 (ISA, IDE, USB)");
		/* q35's buses past 0 are PCIe root ports (libvirt adds them),
		 * which have slot 0 only; a --controller may make other buses */
		for (i = 0; i < spec->n_xmlopts; i++)
			if (!strcmp(spec->xmlopts[i].option, "controller"))
				controllers = true;
		if (spec->q35 && !controllers && addr_val(a, VP_ADDR_BUS) > 0 &&
		    addr_val(a, VP_ADDR_SLOT) > 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address.slot=%u on PCI bus %u: on q35 that bus is a PCIe root port, which has slot 0 only",
					    addr_val(a, VP_ADDR_SLOT), addr_val(a, VP_ADDR_BUS));
		return 0;
	}
	return drive_address_check(a, d->bus, err);
}

/* The address.* items read, against each other and the disks before. */
static int disk_address_check(const struct vp_domain_spec *spec, struct vp_disk_spec *d,
			      struct vp_error *err)
{
	const struct vp_dev_address *a = &d->addr;
	unsigned takes;
	size_t i;

	if (!a->type) {
		if (a->set || a->multifunction != VP_UNSET)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address.* needs address.type=drive (sata, scsi, ide, fdc) or address.type=pci (virtio)");
		return 0;
	}
	takes = !strcmp(a->type, "pci") ? ADDR_PCI : ADDR_DRIVE;
	for (i = 0; i < VP_ADDR_N; i++)
		if ((a->set & (1u << i)) && !(takes & (1u << i)))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address.%s is not a %s address's: address.type=%s takes %s",
					    addr_names[i], a->type, a->type,
					    takes == ADDR_PCI ? "domain, bus, slot, function and multifunction" :
								"controller, bus, target and unit");
	if (a->multifunction != VP_UNSET && takes != ADDR_PCI)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--disk address.multifunction is a PCI address's: address.type=drive takes controller, bus, target and unit");
	if (takes == ADDR_PCI) {
		if (d->device && strcmp(d->device, "disk") != 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address.type=pci is a virtio disk's; a %s sits on sata, scsi, ide or fdc (address.type=drive)",
					    d->device);
		if (addr_val(a, VP_ADDR_DOMAIN) != 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address.domain=%u: QEMU has PCI domain 0 only",
					    addr_val(a, VP_ADDR_DOMAIN));
		if (addr_val(a, VP_ADDR_BUS) == 0 && addr_val(a, VP_ADDR_SLOT) == 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk address.type=pci needs address.slot= from 1 to 31 on bus 0 (slot 0 is the host bridge's)");
		/* the only disk on the PCI bus: one not said is virtio */
		if (!d->bus)
			vp_set_str(&d->bus, "virtio");
	}
	return vp_disk_bus_check(spec, d, err);
}

static const char disk_known[] =
	"path, pool, vol, size, format, bus, cache, backing_store, backing_format, device, readonly, shareable, perms, sparse, encryption, secret-file, driver.name, driver.type, driver.cache, driver.io, driver.discard, driver.detect_zeroes, driver.error_policy, driver.queues, driver.iothread, boot.order, serial, wwn, target.bus, target.dev, source.protocol, source.name, source.host.name, source.host.port, source.host.transport=unix, source.host.socket, address.type, address.controller|bus|target|unit (drive), address.domain|bus|slot|function|multifunction (pci)";

int vp_spec_parse_disk(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct vp_disk_spec d = { 0 };
	struct seen seen = { 0 };
	bool any_source = false, url = false, unix_transport = false;
	size_t i;
	int r = -1;

	if (strcmp(arg, "none") == 0) {
		if (spec->disks_set && spec->n_disks)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--disk none cannot be combined with other disks");
		spec->disks_set = true;
		return 0;
	}
	if (vp_kv_split(arg, "--disk", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key;
		const char *f;
		char what[48];

		if (k && i == 0 && is_disk_url(k)) {
			/* a bare URL whose query holds '=' (nbd+unix:///e?socket=/s) */
			char *v = vp_strdup_printf("%s=%s", k, kv->value);

			free(kv->key);
			kv->key = NULL;
			free(kv->value);
			kv->value = v;
			k = NULL;
		}
		if (!k) {
			if (i != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk '%s': '%s' is not a key=value item", arg,
					     kv->value);
				goto out;
			}
			k = "path"; /* a bare PATH */
		}
		f = disk_field(k);
		if (!f && !strncmp(k, "address.", 8)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "--disk %s is not a disk's on x86: address.type=drive takes controller, bus, target and unit, address.type=pci domain, bus, slot, function and multifunction",
				     k);
			goto out;
		}
		if (!f) {
			vp_error_set(err, VP_ERR_INVALID, "unknown --disk option '%s' (known: %s)", k,
				     disk_known);
			goto out;
		}
		snprintf(what, sizeof(what), "--disk %s", k);
		if (!strcmp(f, "perms")) {
			/* perms=ro is readonly=on, sh shareable=on, rw the default */
			if (!strcmp(kv->value, "sh"))
				f = "shareable";
			else if (!strcmp(kv->value, "ro") || !strcmp(kv->value, "rw"))
				f = "readonly";
		}
		if (vp_seen_once(&seen, f, k, "--disk", arg, err) < 0 ||
		    vp_spec_check_value(what, kv->value, err) < 0 ||
		    (kv->key && vp_kv_need_value(kv, "--disk", err) < 0))
			goto out;
		if (!strcmp(f, "path") && is_disk_url(kv->value)) {
			url = true;
			if (disk_url(&d, kv->value, err) < 0)
				goto out;
		} else if (!strcmp(f, "path")) {
			if (vp_path_check("--disk path", kv->value, err) < 0)
				goto out;
			vp_set_str(&d.path, kv->value);
		} else if (!strcmp(f, "pool")) {
			if (pool_name_check("--disk pool", kv->value, kv->value, err) < 0)
				goto out;
			vp_set_str(&d.pool, kv->value);
		} else if (!strcmp(f, "vol")) {
			_cleanup_(freep) char *pool = NULL;

			if (pool_vol_split("--disk vol", kv->value, &pool, &d.vol, err) < 0)
				goto out;
			free(d.pool);
			d.pool = TAKE_PTR(pool);
		} else if (!strcmp(f, "size")) {
			if (vp_parse_size(kv->value, VP_GiB, VP_MIN_DISK, VP_MAX_DISK, "--disk size",
					  &d.size, err) < 0)
				goto out;
		} else if (!strcmp(f, "format")) {
			if (!vp_one_of(kv->value, disk_formats)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid %s '%s': use qcow2 or raw", what, kv->value);
				goto out;
			}
			vp_set_str(&d.format, kv->value);
		} else if (!strcmp(f, "bus")) {
			if (!vp_one_of(kv->value, disk_buses)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid %s '%s': use virtio, sata, scsi, ide, usb or fdc",
					     what, kv->value);
				goto out;
			}
			vp_set_str(&d.bus, kv->value);
		} else if (!strcmp(f, "cache")) {
			if (disk_choice(what, kv->value, disk_caches, &d.cache, err) < 0)
				goto out;
		} else if (!strcmp(f, "backing_store")) {
			_cleanup_(freep) char *pool = NULL;
			_cleanup_(freep) char *vol = NULL;

			/* PATH, or POOL/VOLUME; what is neither is refused when
			 * the disk is resolved (provision/create.c) */
			if (kv->value[0] == '/') {
				if (vp_path_check("--disk backing_store", kv->value, err) < 0)
					goto out;
			} else if (strchr(kv->value, '/') &&
				   strchr(kv->value, '/') == strrchr(kv->value, '/')) {
				if (pool_vol_split("--disk backing_store", kv->value, &pool, &vol,
						   err) < 0)
					goto out;
			}
			vp_set_str(&d.backing_store, kv->value);
		} else if (!strcmp(f, "backing_format")) {
			if (disk_choice("--disk backing_format", kv->value, backing_formats,
					&d.backing_format, err) < 0)
				goto out;
		} else if (!strcmp(f, "device")) {
			if (disk_choice("--disk device", kv->value, disk_devices, &d.device, err) < 0)
				goto out;
		} else if (!strcmp(k, "perms")) {
			if (!strcmp(kv->value, "sh")) {
				d.shareable = VP_YES;
			} else if (!strcmp(kv->value, "ro") || !strcmp(kv->value, "rw")) {
				d.readonly = !strcmp(kv->value, "ro") ? VP_YES : VP_NO;
			} else {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk perms '%s': use ro, sh or rw", kv->value);
				goto out;
			}
		} else if (!strcmp(f, "readonly")) {
			if (vp_parse_bool(kv->value, "--disk readonly", &d.readonly, err) < 0)
				goto out;
		} else if (!strcmp(f, "shareable")) {
			if (vp_parse_bool(kv->value, "--disk shareable", &d.shareable, err) < 0)
				goto out;
		} else if (!strcmp(f, "sparse")) {
			if (vp_parse_bool(kv->value, "--disk sparse", &d.sparse, err) < 0)
				goto out;
		} else if (!strcmp(f, "encryption")) {
			if (strcmp(kv->value, "luks") != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk encryption '%s': use luks", kv->value);
				goto out;
			}
			vp_set_str(&d.encryption, kv->value);
		} else if (!strcmp(f, "secret-file")) {
			/* read by vprov on this machine, so a relative path is fine */
			vp_set_str(&d.secret_file, kv->value);
		} else if (!strcmp(f, "driver.name")) {
			if (strcmp(kv->value, "qemu") != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk driver.name '%s': QEMU's disk driver is qemu",
					     kv->value);
				goto out;
			}
			vp_set_str(&d.driver_name, kv->value);
		} else if (!strcmp(f, "io")) {
			if (disk_choice(what, kv->value, disk_ios, &d.io, err) < 0)
				goto out;
		} else if (!strcmp(f, "discard")) {
			if (disk_choice(what, kv->value, disk_discards, &d.discard, err) < 0)
				goto out;
		} else if (!strcmp(f, "detect_zeroes")) {
			if (disk_choice(what, kv->value, disk_detect_zeroes, &d.detect_zeroes, err) < 0)
				goto out;
		} else if (!strcmp(f, "error_policy")) {
			if (disk_choice(what, kv->value, disk_error_policies, &d.error_policy, err) < 0)
				goto out;
		} else if (!strcmp(f, "queues")) {
			uint64_t v;

			/* virtio-blk's limit (VIRTIO_QUEUE_MAX) */
			if (vp_parse_uint(kv->value, 1, 1024, what, &v, err) < 0)
				goto out;
			d.queues = (unsigned)v;
		} else if (!strcmp(f, "iothread")) {
			uint64_t v;

			if (vp_parse_uint(kv->value, 1, 4294967295ULL, what, &v, err) < 0)
				goto out;
			d.iothread = (unsigned)v;
		} else if (!strcmp(f, "boot.order")) {
			uint64_t v;

			if (vp_parse_uint(kv->value, 1, 9999, what, &v, err) < 0)
				goto out;
			d.boot_order = (unsigned)v;
		} else if (!strcmp(f, "serial")) {
			if (disk_serial_check(kv->value, err) < 0)
				goto out;
			vp_set_str(&d.serial, kv->value);
		} else if (!strcmp(f, "wwn")) {
			if (disk_wwn_check(kv->value, err) < 0)
				goto out;
			vp_set_str(&d.wwn, kv->value);
		} else if (!strcmp(f, "target.dev")) {
			if (disk_target_check(kv->value, err) < 0)
				goto out;
			vp_set_str(&d.target_dev, kv->value);
		} else if (!strcmp(f, "address.type")) {
			static const char *const types[] = { "drive", "pci", NULL };

			if (!vp_one_of(kv->value, types)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk address.type '%s': a disk's address on x86 is drive (sata, scsi, ide, fdc) or pci (virtio)",
					     kv->value);
				goto out;
			}
			vp_set_str(&d.addr.type, kv->value);
		} else if (!strcmp(f, "address.multifunction")) {
			if (vp_parse_bool(kv->value, what, &d.addr.multifunction, err) < 0)
				goto out;
		} else if (!strncmp(f, "address.", 8)) {
			/* the schema's ranges; the bus's own are checked after */
			static const unsigned max[VP_ADDR_N] = { 99, 255, 99, 99999, 0xffff, 31, 7 };
			int a;

			for (a = 0; strcmp(addr_names[a], f + 8); a++)
				;
			if (addr_number(what, kv->value, max[a], &d.addr.v[a], err) < 0)
				goto out;
			d.addr.set |= 1u << a;
		} else if (!strcmp(f, "source.protocol")) {
			if (disk_choice(what, kv->value, disk_protocols, &d.net_protocol, err) < 0)
				goto out;
		} else if (!strcmp(f, "source.name")) {
			any_source = true;
			vp_set_str(&d.net_name, kv->value);
		} else if (!strcmp(f, "source.host.socket")) {
			any_source = true;
			if (vp_path_check(what, kv->value, err) < 0)
				goto out;
			vp_set_str(&d.net_socket, kv->value);
		} else if (!strcmp(f, "source.host.transport")) {
			/* tcp is the default; unix goes with .socket */
			if (strcmp(kv->value, "unix") != 0 && strcmp(kv->value, "tcp") != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --disk source.host.transport '%s': use tcp or unix",
					     kv->value);
				goto out;
			}
			unix_transport = !strcmp(kv->value, "unix");
		} else if (!strcmp(f, "source.host.name")) {
			any_source = true;
			if (disk_host_check(what, kv->value, err) < 0)
				goto out;
			vp_set_str(&d.net_host, kv->value);
		} else {
			uint64_t v;

			any_source = true;
			if (vp_parse_uint(kv->value, 1, 65535, what, &v, err) < 0)
				goto out;
			d.net_port = (unsigned)v;
		}
	}
	/* a URL, then source.* items: one source, said once */
	if (url && (any_source || vp_seen_has(&seen, "source.protocol"))) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --disk '%s': give a network disk as a URL or as source.protocol=, not both",
			     arg);
		goto out;
	}
	if (unix_transport != !!d.net_socket && vp_seen_has(&seen, "source.host.transport")) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --disk '%s': source.host.transport=unix goes with source.host.socket= (and tcp without it)",
			     arg);
		goto out;
	}
	if (disk_network_check(&d, arg, any_source, err) < 0)
		goto out;
	if (d.vol && vp_seen_has(&seen, "pool")) {
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
	if (d.secret_file && !d.encryption) {
		vp_error_set(err, VP_ERR_INVALID, "--disk secret-file= needs encryption=luks");
		goto out;
	}
	if (d.encryption && luks_check(&d, err) < 0)
		goto out;
	if (d.device && !strcmp(d.device, "floppy") && d.bus && strcmp(d.bus, "fdc") != 0) {
		vp_error_set(err, VP_ERR_INVALID, "--disk device=floppy sits on bus fdc, not %s", d.bus);
		goto out;
	}
	if (d.bus && !strcmp(d.bus, "fdc") && (!d.device || strcmp(d.device, "floppy") != 0)) {
		vp_error_set(err, VP_ERR_INVALID, "--disk bus=fdc holds floppies only: add device=floppy");
		goto out;
	}
	if (d.device && !strcmp(d.device, "lun") && d.bus && strcmp(d.bus, "scsi") != 0) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--disk device=lun passes SCSI commands through: it needs bus=scsi, not %s",
			     d.bus);
		goto out;
	}
	if (d.shareable == VP_YES && d.readonly != VP_YES && d.format && strcmp(d.format, "raw")) {
		vp_error_set(err, VP_ERR_INVALID,
			     "--disk shareable=on needs format=raw: libvirt refuses to share a writable %s image",
			     d.format);
		goto out;
	}
	if (d.iothread && disk_iothread_check(spec, &d, err) < 0)
		goto out;
	if (disk_address_check(spec, &d, err) < 0)
		goto out;
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
	vp_kvlist_clear(&l);
	return r;
}

int vp_spec_parse_file_disks(struct vp_domain_spec *spec, const char *const *paths,
			     size_t n_paths, const char *const *sizes, size_t n_sizes,
			     bool nonsparse, struct vp_error *err)
{
	size_t n = n_paths > n_sizes ? n_paths : n_sizes, i;

	if (n && spec->disks_set && spec->n_disks == 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--file and --file-size cannot be combined with --nodisks or --disk none");
	for (i = 0; i < n; i++) {
		struct vp_disk_spec d = { 0 };

		if (i < n_paths) {
			if (vp_spec_check_value("--file", paths[i], err) < 0 ||
			    vp_path_check("--file", paths[i], err) < 0)
				return -1;
			vp_set_str(&d.path, paths[i]);
		}
		if (i < n_sizes &&
		    (vp_spec_check_value("--file-size", sizes[i], err) < 0 ||
		     vp_parse_size(sizes[i], VP_GiB, VP_MIN_DISK, VP_MAX_DISK, "--file-size", &d.size,
				   err) < 0)) {
			vp_disk_spec_clear(&d);
			return -1;
		}
		if (nonsparse)
			d.sparse = VP_NO;
		*vp_spec_add_disk(spec) = d;
	}
	return 0;
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

/* ip=: a dotted-quad IPv4 address (whether it is in the network's subnet
 * is checked against the host, when the plan is made). */
static int ip_check(const char *ip, struct vp_error *err)
{
	struct in_addr a;

	if (inet_pton(AF_INET, ip, &a) != 1)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network ip '%s': give an IPv4 address like 192.168.150.10",
				    ip);
	return 0;
}

/* An interface name on the host (a bridge, a macvtap's parent, a tap): a
 * Linux network interface, 1-15 bytes (IFNAMSIZ), not '.' or '..', no '/',
 * ':' or blank.  libvirt's schema allows letters, digits and "_.-\:/ " in
 * <source bridge=> and <target dev=>.  A name must pass both; of what is
 * left, vprov takes letters, digits, '_', '.' and '-' (not a backslash). */
#define VP_IFNAME_MAX 15

static int ifname_check(const char *what, const char *name, struct vp_error *err)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t len = strlen(name), bad = strspn(name, ok);

	if (bad < len && (unsigned char)name[bad] < 0x80)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': '%c' cannot be in an interface name (use letters, digits, '_', '.' and '-')",
				    what, name, name[bad]);
	if (bad < len)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': an interface name has ASCII letters, digits, '_', '.' and '-' only",
				    what, name);
	if (len == 0 || len > VP_IFNAME_MAX)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%.32s': an interface name has 1 to %d bytes", what,
				    name, VP_IFNAME_MAX);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': not an interface name",
				    what, name);
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

/* A UUID as libvirt's schema writes one: 8-4-4-4-12 hex digits. */
static bool uuid_ok(const char *v)
{
	size_t i;

	if (strlen(v) != 36)
		return false;
	for (i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? v[i] != '-' :
								!isxdigit((unsigned char)v[i]))
			return false;
	return true;
}

/* --network's sub-options, virt-install's names: the setting each is. */
static const struct {
	const char *key, *field;
} net_keys[] = {
	{ "network", "network" },
	{ "bridge", "bridge" },
	{ "type", "type" },
	{ "source", "source" },
	{ "source.mode", "source.mode" },
	{ "portgroup", "portgroup" },
	{ "source.portgroup", "portgroup" },
	{ "model", "model" },
	{ "model.type", "model" },
	{ "mac", "mac" },
	{ "mac.address", "mac" },
	{ "ip", "ip" },
	{ "mtu.size", "mtu" },
	{ "link.state", "link.state" },
	{ "driver.name", "driver.name" },
	{ "driver.queues", "queues" },
	{ "boot.order", "boot.order" },
	{ "target.dev", "target.dev" },
	{ "filterref", "filterref" },
	{ "filterref.filter", "filterref" },
	{ "trustGuestRxFilters", "trustGuestRxFilters" },
	{ "rom.bar", "rom.bar" },
	{ "rom.file", "rom.file" },
	{ "virtualport.type", "virtualport.type" },
	{ "virtualport.parameters.managerid", "managerid" },
	{ "virtualport.parameters.typeid", "typeid" },
	{ "virtualport.parameters.typeidversion", "typeidversion" },
	{ "virtualport.parameters.instanceid", "instanceid" },
	{ "virtualport.parameters.profileid", "profileid" },
	{ "virtualport.parameters.interfaceid", "interfaceid" },
};
static const char *const net_models[] = { "virtio", "e1000e", "e1000", "rtl8139", "ne2k_pci",
					  "pcnet", "vmxnet3", NULL };
static const char *const net_types[] = { "user", "network", "bridge", "direct", "default", NULL };
static const char *const net_source_modes[] = { "bridge", "vepa", "private", "passthrough", NULL };
static const char *const net_vport_types[] = { "802.1Qbg", "802.1Qbh", "openvswitch", "midonet",
					       NULL };
static const char net_known[] =
	"network, bridge, type, source, source.mode, portgroup, model, mac, ip, mtu.size, link.state, driver.name, driver.queues, boot.order, target.dev, filterref, trustGuestRxFilters, rom.bar, rom.file, virtualport.type, virtualport.parameters.*";

static const char *net_field(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(net_keys) / sizeof(net_keys[0]); i++)
		if (!strcmp(net_keys[i].key, key))
			return net_keys[i].field;
	return NULL;
}

/* A virtualport parameter: which types take it, and its value's form. */
static int vport_param(struct vp_net_spec *n, const char *f, const char *v, struct vp_error *err)
{
	uint64_t num;
	char what[64];

	snprintf(what, sizeof(what), "--network virtualport.parameters.%s", f);
	if (!strcmp(f, "managerid") || !strcmp(f, "typeidversion") || !strcmp(f, "typeid")) {
		/* 802.1Qbg's: one byte, one byte, three bytes */
		if (vp_parse_uint(v, 0, !strcmp(f, "typeid") ? 0xffffff : 0xff, what, &num, err) < 0)
			return -1;
		vp_set_str(!strcmp(f, "managerid") ? &n->vport_managerid :
			   !strcmp(f, "typeid")    ? &n->vport_typeid :
						     &n->vport_typeidversion,
			   v);
	} else if (!strcmp(f, "instanceid") || !strcmp(f, "interfaceid")) {
		if (!uuid_ok(v))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid %s '%s': give a UUID like 09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f",
					    what, v);
		vp_set_str(!strcmp(f, "instanceid") ? &n->vport_instanceid : &n->vport_interfaceid, v);
	} else {
		/* libvirt's schema: virtualPortProfileID */
		if (strlen(v) > 39 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(v))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid %s '%s': up to 39 letters, digits, '_' and '-'", what, v);
		vp_set_str(&n->vport_profileid, v);
	}
	return 0;
}

/* The virtualport's type fits the interface and has the parameters it
 * needs (libvirt: virNetDevVPortProfileCheck*): 802.1Qbg and 802.1Qbh are
 * switch protocols of a direct (macvtap) NIC, openvswitch and midonet
 * bridges; a libvirt network merges its own and takes any. */
static int vport_check(const struct vp_net_spec *n, const char *arg, struct vp_error *err)
{
	const char *t = n->vport_type;
	bool any = t || n->vport_managerid || n->vport_typeid || n->vport_typeidversion ||
		   n->vport_instanceid || n->vport_profileid || n->vport_interfaceid;
	bool qbg, qbh, ovs, mido;

	if (!any)
		return 0;
	if (!strcmp(n->type, "user"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': user networking has no switch port for virtualport.*",
				    arg);
	if (!t)
		return 0;
	if (!strcmp(n->type, "direct") && strcmp(t, "802.1Qbg") && strcmp(t, "802.1Qbh"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': a direct NIC's virtualport is 802.1Qbg or 802.1Qbh",
				    arg);
	if (!strcmp(n->type, "bridge") && strcmp(t, "openvswitch") && strcmp(t, "midonet"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': a bridge's virtualport is openvswitch or midonet",
				    arg);
	qbg = !strcmp(t, "802.1Qbg");
	qbh = !strcmp(t, "802.1Qbh");
	ovs = !strcmp(t, "openvswitch");
	mido = !strcmp(t, "midonet");
	if ((!qbg && (n->vport_managerid || n->vport_typeid || n->vport_typeidversion ||
		      n->vport_instanceid)) ||
	    (!qbh && !ovs && n->vport_profileid) || (!ovs && !mido && n->vport_interfaceid))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': virtualport %s takes %s", arg, t,
				    qbg ? "managerid, typeid, typeidversion and instanceid" :
				    qbh ? "profileid" :
				    ovs ? "profileid and interfaceid" : "interfaceid");
	if (strcmp(n->type, "network") != 0 &&
	    ((qbg && (!n->vport_managerid || !n->vport_typeid || !n->vport_typeidversion)) ||
	     (qbh && !n->vport_profileid) || (mido && !n->vport_interfaceid)))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': virtualport %s needs %s", arg, t,
				    qbg ? "managerid, typeid and typeidversion" :
				    qbh ? "profileid" : "interfaceid");
	return 0;
}

/* What one NIC's sub-options say together, once all are read. */
static int net_check(const struct vp_net_spec *n, const char *arg, struct vp_error *err)
{
	bool user = !strcmp(n->type, "user");

	if (n->ip && strcmp(n->type, "network") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': ip= reserves an address on a libvirt network: give network=NAME",
				    arg);
	if (n->source_mode && strcmp(n->type, "direct") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': source.mode= is a direct (macvtap) NIC's: give type=direct,source=IFACE",
				    arg);
	if (n->portgroup && strcmp(n->type, "network") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': portgroup= is a libvirt network's: give network=NAME",
				    arg);
	if (user && (n->target_dev || n->filterref))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': user networking has no host device for %s",
				    arg, n->target_dev ? "target.dev=" : "filterref=");
	if (n->trust_rx != VP_UNSET && strcmp(n->type, "direct") && strcmp(n->type, "network"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': trustGuestRxFilters= works on a direct (macvtap) NIC only",
				    arg);
	if ((n->mtu || n->queues > 1) && n->model && strcmp(n->model, "virtio") != 0)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --network '%s': %s needs model=virtio", arg,
				    n->mtu ? "mtu.size=" : "driver.queues=");
	return vport_check(n, arg, err);
}

int vp_spec_parse_network(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct vp_net_spec n = { 0 };
	struct seen seen = { 0 };
	char *type = NULL, *source = NULL, *network = NULL, *bridge = NULL;
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
	if (vp_kv_split(arg, "--network", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key;
		const char *f;
		char what[64];
		uint64_t v;

		if (!k) {
			/* bare first item: user, default, bridge:br0, network:default,
			 * or a type whose source= follows */
			const char *val = kv->value;

			if (i != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network '%s': '%s' is not a key=value item", arg,
					     kv->value);
				goto out;
			}
			if (!strncmp(val, "bridge:", 7) && val[7]) {
				(void)vp_seen_once(&seen, "bridge", "bridge", "--network", arg, err);
				vp_set_str(&bridge, val + 7);
			} else if (!strncmp(val, "network:", 8) && val[8]) {
				(void)vp_seen_once(&seen, "network", "network", "--network", arg, err);
				vp_set_str(&network, val + 8);
			} else if (vp_one_of(val, net_types)) {
				(void)vp_seen_once(&seen, "type", "type", "--network", arg, err);
				vp_set_str(&type, val);
			} else {
				if (vp_spec_check_value("--network", val, err) < 0)
					goto out;
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network '%s': use none, user, default, network=NAME, bridge=NAME or type=direct,source=IFACE",
					     arg);
				goto out;
			}
			continue;
		}
		f = net_field(k);
		if (!f) {
			vp_error_set(err, VP_ERR_INVALID, "unknown --network option '%s' (known: %s)",
				     k, net_known);
			goto out;
		}
		snprintf(what, sizeof(what), "--network %s", k);
		if (vp_seen_once(&seen, f, k, "--network", arg, err) < 0 ||
		    vp_spec_check_value(what, kv->value, err) < 0 ||
		    vp_kv_need_value(kv, "--network", err) < 0)
			goto out;
		if (!strcmp(f, "network")) {
			vp_set_str(&network, kv->value);
		} else if (!strcmp(f, "bridge")) {
			vp_set_str(&bridge, kv->value);
		} else if (!strcmp(f, "type")) {
			if (!vp_one_of(kv->value, net_types)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network type '%s': use user, default, network, bridge or direct",
					     kv->value);
				goto out;
			}
			vp_set_str(&type, kv->value);
		} else if (!strcmp(f, "source")) {
			vp_set_str(&source, kv->value);
		} else if (!strcmp(f, "source.mode")) {
			if (!vp_one_of(kv->value, net_source_modes)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network source.mode '%s': use bridge, vepa, private or passthrough",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.source_mode, kv->value);
		} else if (!strcmp(f, "portgroup")) {
			/* libvirt's schema: deviceName */
			if (strspn(kv->value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:") != strlen(kv->value)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network portgroup '%s': use letters, digits, '_', '.', '-' and ':'",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.portgroup, kv->value);
		} else if (!strcmp(f, "model")) {
			if (!vp_one_of(kv->value, net_models)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network model '%s': use virtio, e1000e, e1000, rtl8139, ne2k_pci, pcnet or vmxnet3",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.model, kv->value);
		} else if (!strcmp(f, "ip")) {
			if (ip_check(kv->value, err) < 0)
				goto out;
			vp_set_str(&n.ip, kv->value);
		} else if (!strcmp(f, "mac")) {
			/* RANDOM: virt-install's spelling of "pick one" */
			if (strcmp(kv->value, "RANDOM") != 0) {
				if (mac_check(kv->value, err) < 0)
					goto out;
				vp_set_str(&n.mac, kv->value);
			}
		} else if (!strcmp(f, "mtu")) {
			/* the smallest an IPv4 link may have; the largest QEMU's
			 * virtio-net host_mtu takes */
			if (vp_parse_uint(kv->value, 68, 65535, "--network mtu.size", &v, err) < 0)
				goto out;
			n.mtu = (unsigned)v;
		} else if (!strcmp(f, "link.state")) {
			enum vp_tristate up;

			if (!strcmp(kv->value, "up") || !strcmp(kv->value, "down")) {
				vp_set_str(&n.link_state, kv->value);
			} else if (vp_parse_bool(kv->value, "--network link.state", &up, err) == 0) {
				vp_set_str(&n.link_state, up == VP_YES ? "up" : "down");
			} else {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network link.state '%s': use up or down", kv->value);
				goto out;
			}
		} else if (!strcmp(f, "driver.name")) {
			if (strcmp(kv->value, "vhost") && strcmp(kv->value, "qemu")) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network driver.name '%s': use vhost or qemu", kv->value);
				goto out;
			}
			vp_set_str(&n.driver_name, kv->value);
		} else if (!strcmp(f, "queues")) {
			/* a tap device has 256 queues at most (MAX_TAP_QUEUES) */
			if (vp_parse_uint(kv->value, 1, 256, "--network driver.queues", &v, err) < 0)
				goto out;
			n.queues = (unsigned)v;
		} else if (!strcmp(f, "boot.order")) {
			if (vp_parse_uint(kv->value, 1, 9999, "--network boot.order", &v, err) < 0)
				goto out;
			n.boot_order = (unsigned)v;
		} else if (!strcmp(f, "target.dev")) {
			if (ifname_check("--network target.dev", kv->value, err) < 0)
				goto out;
			/* libvirt names its own taps so and renames any such
			 * request (or refuses it) */
			if (!strncmp(kv->value, "vnet", 4) || !strncmp(kv->value, "macvtap", 7) ||
			    !strncmp(kv->value, "macvlan", 7)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network target.dev '%s': libvirt keeps names starting vnet, macvtap and macvlan for its own",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.target_dev, kv->value);
		} else if (!strcmp(f, "filterref")) {
			/* libvirt's nwfilter schema: filter names */
			if (strspn(kv->value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") != strlen(kv->value)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network filterref '%s': a filter name has letters, digits, '_', '.', ':' and '-'",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.filterref, kv->value);
		} else if (!strcmp(f, "trustGuestRxFilters")) {
			if (vp_parse_bool(kv->value, "--network trustGuestRxFilters", &n.trust_rx, err) < 0)
				goto out;
		} else if (!strcmp(f, "rom.bar")) {
			if (vp_parse_bool(kv->value, "--network rom.bar", &n.rom_bar, err) < 0)
				goto out;
		} else if (!strcmp(f, "rom.file")) {
			if (vp_path_check("--network rom.file", kv->value, err) < 0)
				goto out;
			vp_set_str(&n.rom_file, kv->value);
		} else if (!strcmp(f, "virtualport.type")) {
			if (!vp_one_of(kv->value, net_vport_types)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --network virtualport.type '%s': use 802.1Qbg, 802.1Qbh, openvswitch or midonet",
					     kv->value);
				goto out;
			}
			vp_set_str(&n.vport_type, kv->value);
		} else if (vport_param(&n, f, kv->value, err) < 0) {
			goto out;
		}
	}
	/* the NIC's kind and where it plugs in: virt-install's network= and
	 * bridge=, or type= with source= */
	if ((network && bridge) || ((network || bridge) && type &&
				    strcmp(type, network ? "network" : "bridge"))) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --network '%s': give one of user, default, network=, bridge= or type=direct",
			     arg);
		goto out;
	}
	if ((network || bridge) && source) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --network '%s': %s= names the source; source= cannot go with it", arg,
			     network ? "network" : "bridge");
		goto out;
	}
	if (network || bridge) {
		vp_set_str(&type, network ? "network" : "bridge");
		source = network ? TAKE_PTR(network) : TAKE_PTR(bridge);
	}
	if (!type) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --network '%s': say which: none, user, default, network=NAME, bridge=NAME or type=direct,source=IFACE",
			     arg);
		goto out;
	}
	if (!strcmp(type, "user") || !strcmp(type, "default")) {
		if (source) {
			vp_error_set(err, VP_ERR_INVALID,
				     "invalid --network '%s': %s networking takes no source=", arg, type);
			goto out;
		}
	} else if (!source) {
		vp_error_set(err, VP_ERR_INVALID, "invalid --network '%s': type=%s needs source=%s", arg,
			     type, !strcmp(type, "network") ? "NETWORK" : "IFACE");
		goto out;
	} else if (!strcmp(type, "network")) {
		if (vp_spec_check_value("--network network", source, err) < 0 ||
		    network_name_check(source, err) < 0)
			goto out;
	} else if (vp_spec_check_value(!strcmp(type, "bridge") ? "--network bridge" : "--network source",
				       source, err) < 0 ||
		   ifname_check(!strcmp(type, "bridge") ? "--network bridge" : "--network source",
				source, err) < 0) {
		goto out;
	}
	n.type = TAKE_PTR(type);
	n.source = TAKE_PTR(source);
	if (net_check(&n, arg, err) < 0)
		goto out;
	*vp_spec_add_net(spec) = n;
	memset(&n, 0, sizeof(n));
	r = 0;
out:
	free(type);
	free(source);
	free(network);
	free(bridge);
	vp_net_spec_clear(&n);
	vp_kvlist_clear(&l);
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

	if (vp_kv_split(arg, "--graphics", &l, err) < 0)
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
		} else if (!vp_one_of(k, graphics_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --graphics option '%s' (known: listen, port)", k);
			goto out;
		}
		if (!strcmp(k, "type"))
			snprintf(what, sizeof(what), "--graphics");
		else
			snprintf(what, sizeof(what), "--graphics %s", k);
		if (vp_seen_once(&seen, k, k, "--graphics", arg, err) < 0 ||
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
			if (vp_kv_need_value(kv, "--graphics", err) < 0 ||
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
	vp_kvlist_clear(&l);
	return r;
}

static const char *const boot_keys[] = { "kernel", "initrd", "kernel_args", "cmdline", "extra_args",
					 "uefi", "firmware", NULL };
/* the firmware's and the BIOS's (part B), each alias with the field it sets */
static const char *const boot_fw_keys[][2] = {
	{ "menu", "menu" }, { "bootmenu.enable", "menu" }, { "bootmenu.timeout", "menu.timeout" },
	{ "useserial", "useserial" }, { "bios.useserial", "useserial" },
	{ "rebootTimeout", "rebootTimeout" }, { "bios.rebootTimeout", "rebootTimeout" },
	{ "loader", "loader" }, { "loader.readonly", "loader.readonly" }, { "loader_ro", "loader.readonly" },
	{ "loader.type", "loader.type" }, { "loader_type", "loader.type" },
	{ "loader.secure", "loader.secure" }, { "loader_secure", "loader.secure" },
	{ "nvram", "nvram" }, { "nvram.template", "nvram.template" }, { "nvram_template", "nvram.template" },
	{ "smbios.mode", "smbios.mode" }, { "smbios_mode", "smbios.mode" },
	{ "acpi.table", "acpi.table" }, { "acpi.table.type", "acpi.table.type" },
};
#define N_BOOT_FW_KEYS (sizeof(boot_fw_keys) / sizeof(boot_fw_keys[0]))
#define MAX_FW_FEATURES 8

static const char *boot_fw_field(const char *k)
{
	size_t i;

	for (i = 0; i < N_BOOT_FW_KEYS; i++)
		if (!strcmp(k, boot_fw_keys[i][0]))
			return boot_fw_keys[i][1];
	return NULL;
}

/* firmware.featureN.name / .enabled: N, and whether it is the name */
static bool boot_fw_feature(const char *k, unsigned *n, bool *name)
{
	char *end;
	unsigned long v;

	if (strncmp(k, "firmware.feature", 16) || !(k[16] >= '0' && k[16] <= '9'))
		return false;
	v = strtoul(k + 16, &end, 10);
	if (v >= MAX_FW_FEATURES || (strcmp(end, ".name") && strcmp(end, ".enabled")))
		return false;
	*n = (unsigned)v;
	*name = !strcmp(end, ".name");
	return true;
}

/* one of --boot's firmware/BIOS items into m (a --boot's own copy) */
static int boot_fw_item(struct vp_machine_spec *m, const char *field, const struct kv *kv,
			struct vp_error *err)
{
	static const char *const loader_types[] = { "rom", "pflash", NULL };
	static const char *const smbios_modes[] = { "emulate", "host", "sysinfo", NULL };
	char what[48];
	uint64_t u;

	snprintf(what, sizeof(what), "--boot %s", kv->key);
	if (!strcmp(field, "menu"))
		return vp_parse_bool(kv->value, what, &m->bootmenu, err);
	if (!strcmp(field, "useserial"))
		return vp_parse_bool(kv->value, what, &m->useserial, err);
	if (!strcmp(field, "loader.readonly"))
		return vp_parse_bool(kv->value, what, &m->loader_ro, err);
	if (!strcmp(field, "loader.secure"))
		return vp_parse_bool(kv->value, what, &m->loader_secure, err);
	if (!strcmp(field, "menu.timeout")) {
		if (vp_parse_uint(kv->value, 0, 65535, what, &u, err) < 0)
			return -1;
		vp_set_str(&m->bootmenu_timeout, kv->value);
		return 0;
	}
	if (!strcmp(field, "rebootTimeout")) {
		if (strcmp(kv->value, "-1") && vp_parse_uint(kv->value, 0, 65535, what, &u, err) < 0)
			return -1;
		vp_set_str(&m->reboot_timeout, kv->value);
		return 0;
	}
	if (!strcmp(field, "acpi.table.type")) {
		/* libvirt 9.0's schema: SLIC (a licence table) is the one type */
		if (strcmp(kv->value, "slic") != 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid %s '%s': libvirt adds ACPI tables of type slic only",
					    what, kv->value);
		vp_set_str(&m->acpi_table_type, kv->value);
		return 0;
	}
	if (!strcmp(field, "loader.type") || !strcmp(field, "smbios.mode")) {
		bool lt = !strcmp(field, "loader.type");

		if (!vp_one_of(kv->value, lt ? loader_types : smbios_modes))
			return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': use %s", what,
					    kv->value, lt ? "rom or pflash" : "emulate, host or sysinfo");
		vp_set_str(lt ? &m->loader_type : &m->smbios_mode, kv->value);
		return 0;
	}
	/* loader, nvram, nvram.template, acpi.table: files on the host */
	if (vp_path_check(what, kv->value, err) < 0)
		return -1;
	vp_set_str(!strcmp(field, "loader")	? &m->loader :
		   !strcmp(field, "nvram")	? &m->nvram :
		   !strcmp(field, "acpi.table") ? &m->acpi_table :
						  &m->nvram_template,
		   kv->value);
	return 0;
}
static const char *const boot_bare[] = { "hd", "disk", "cdrom", "network", "pxe", "fd", "floppy",
					 "uefi", "efi", NULL };
/* kernel arguments hold commas: virt-install's cmdline (kernel_args) */
static const char *const boot_free_text[] = { "kernel_args", "cmdline", "extra_args", NULL };

#define MAX_BOOT_INDEX 100

/* bootN.dev: N */
static bool boot_dev_index(const char *k, unsigned *n)
{
	char *end;
	unsigned long v;

	if (strncmp(k, "boot", 4) || !(k[4] >= '0' && k[4] <= '9'))
		return false;
	v = strtoul(k + 4, &end, 10);
	if (v >= MAX_BOOT_INDEX || strcmp(end, ".dev"))
		return false;
	*n = (unsigned)v;
	return true;
}

/* a boot device as virt-install and libvirt name it (and vprov's older names) */
static const char *boot_dev_name(const char *v)
{
	if (!strcmp(v, "hd") || !strcmp(v, "disk"))
		return "hd";
	if (!strcmp(v, "cdrom"))
		return "cdrom";
	if (!strcmp(v, "network") || !strcmp(v, "pxe"))
		return "network";
	if (!strcmp(v, "fd") || !strcmp(v, "floppy"))
		return "fd";
	return NULL;
}

static bool boot_known(const struct kv *kv, void *opaque)
{
	unsigned n;
	bool name;

	(void)opaque;
	if (!kv->key)
		return vp_one_of(kv->value, boot_bare);
	return vp_one_of(kv->key, boot_keys) || boot_fw_field(kv->key) || !strcmp(kv->key, "init") ||
	       !strcmp(kv->key, "dtb") || boot_fw_feature(kv->key, &n, &name) ||
	       boot_dev_index(kv->key, &n);
}

int vp_spec_parse_boot(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct vp_boot_spec *b = &spec->boot;
	struct seen seen = { 0 };
	size_t i, n_devs = 0;
	char *devs[VP_MAX_BOOT_DEVS] = { 0 };
	char *kernel = NULL, *initrd = NULL, *cmdline = NULL;
	enum vp_tristate uefi = VP_UNSET;
	struct vp_machine_spec fw = { 0 };
	char *feat_name[MAX_FW_FEATURES] = { 0 };
	enum vp_tristate feat_on[MAX_FW_FEATURES] = { 0 };
	char feat_field[MAX_FW_FEATURES][2][32];
	const char *by_index[MAX_BOOT_INDEX] = { 0 }; /* bootN.dev */
	bool bare;
	int r = -1;

	if (vp_kv_split(arg, "--boot", &l, err) < 0)
		return -1;
	vp_kv_join_free_text(&l, boot_known, NULL, boot_free_text);
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
				if (vp_seen_once(&seen, "uefi", v, "--boot", arg, err) < 0)
					goto out;
				uefi = VP_YES;
				continue;
			}
			dev = boot_dev_name(v);
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
		if (!strcmp(k, "dtb")) {
			vp_error_set(err, VP_ERR_INVALID,
				     "--boot dtb= is a device tree for ARM and other non-x86 guests; an x86 guest's firmware describes it with ACPI");
			goto out;
		}
		{
			unsigned bn;

			if (boot_dev_index(k, &bn)) {
				const char *dev;

				if (vp_seen_once(&seen, k, k, "--boot", arg, err) < 0 ||
				    vp_kv_need_value(kv, "--boot", err) < 0)
					goto out;
				if (!(dev = boot_dev_name(kv->value))) {
					vp_error_set(err, VP_ERR_INVALID,
						     "invalid --boot %s '%s': use hd, cdrom, network or fd", k,
						     kv->value);
					goto out;
				}
				by_index[bn] = dev;
				continue;
			}
		}
		if (!strcmp(k, "init")) {
			vp_error_set(err, VP_ERR_INVALID,
				     "--boot init= sets a container's init program (LXC), and vprov makes QEMU/KVM guests");
			goto out;
		}
		if ((field = boot_fw_field(k))) {
			if (vp_seen_once(&seen, field, k, "--boot", arg, err) < 0 ||
			    vp_kv_need_value(kv, "--boot", err) < 0 ||
			    vp_spec_check_value("--boot", kv->value, err) < 0 ||
			    boot_fw_item(&fw, field, kv, err) < 0)
				goto out;
			continue;
		}
		{
			unsigned fn;
			bool is_name;

			if (boot_fw_feature(k, &fn, &is_name)) {
				snprintf(feat_field[fn][is_name], sizeof(feat_field[fn][is_name]),
					 "feature%u.%s", fn, is_name ? "name" : "enabled");
				if (vp_seen_once(&seen, feat_field[fn][is_name], k, "--boot", arg, err) < 0 ||
				    vp_kv_need_value(kv, "--boot", err) < 0)
					goto out;
				if (is_name) {
					if (strspn(kv->value, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
					    strlen(kv->value)) {
						vp_error_set(err, VP_ERR_INVALID,
							     "invalid --boot %s '%s': a firmware feature such as secure-boot or enrolled-keys",
							     k, kv->value);
						goto out;
					}
					vp_set_str(&feat_name[fn], kv->value);
				} else if (vp_parse_bool(kv->value, "--boot firmware.feature enabled",
							 &feat_on[fn], err) < 0) {
					goto out;
				}
				continue;
			}
		}
		if (!vp_one_of(k, boot_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --boot option '%s' (known: hd, cdrom, network, fd, bootN.dev, uefi, kernel, initrd, kernel_args, menu, bootmenu.timeout, useserial, rebootTimeout, loader, loader.readonly, loader.type, loader.secure, nvram, nvram.template, firmware, firmware.featureN.name|enabled, smbios.mode, acpi.table, acpi.table.type)",
				     k);
			goto out;
		}
		field = !strcmp(k, "cmdline") || !strcmp(k, "extra_args") ? "kernel_args" :
			!strcmp(k, "firmware") ? "uefi" : k;
		snprintf(what, sizeof(what), "--boot %s", k);
		if (vp_seen_once(&seen, field, k, "--boot", arg, err) < 0 ||
		    vp_spec_check_value(what, kv->value, err) < 0)
			goto out;
		if (strcmp(field, "kernel_args") && vp_kv_need_value(kv, "--boot", err) < 0)
			goto out;
		if (!strcmp(k, "kernel")) {
			if (vp_path_check("--boot kernel", kv->value, err) < 0)
				goto out;
			vp_set_str(&kernel, kv->value);
		} else if (!strcmp(k, "initrd")) {
			if (vp_path_check("--boot initrd", kv->value, err) < 0)
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
		} else if (vp_parse_bool(kv->value, "--boot uefi", &uefi, err) < 0) {
			goto out;
		}
	}
	/* bootN.dev: the list in N's order (virt-install lets them overwrite
	 * a bare list's places: one way or the other here) */
	bare = n_devs > 0;
	for (i = 0; i < MAX_BOOT_INDEX; i++) {
		size_t j;

		if (!by_index[i])
			continue;
		if (bare) {
			vp_error_set(err, VP_ERR_INVALID,
				     "invalid --boot '%s': give the boot devices as a list (cdrom,hd) or as bootN.dev=, not both",
				     arg);
			goto out;
		}
		for (j = 0; j < n_devs; j++)
			if (!strcmp(devs[j], by_index[i])) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --boot '%s': '%s' is listed twice", arg, by_index[i]);
				goto out;
			}
		devs[n_devs++] = vp_strdup(by_index[i]);
	}
	if (fw.acpi_table_type && !fw.acpi_table && !spec->mach.acpi_table) {
		vp_error_set(err, VP_ERR_INVALID, "--boot acpi.table.type= needs acpi.table=PATH");
		goto out;
	}
	if ((initrd || cmdline) && !kernel && !b->kernel) {
		vp_error_set(err, VP_ERR_INVALID, "--boot initrd= and kernel_args= need kernel=");
		goto out;
	}
	for (i = 0; i < MAX_FW_FEATURES; i++) {
		if (!feat_name[i] != !feat_on[i]) {
			vp_error_set(err, VP_ERR_INVALID,
				     "invalid --boot '%s': firmware.feature%zu needs both .name= and .enabled=",
				     arg, i);
			goto out;
		}
		if (feat_name[i])
			vp_strings_add(&fw.fw_features, &fw.n_fw_features,
				       vp_strdup_printf("%s:%s", feat_name[i],
							feat_on[i] == VP_YES ? "yes" : "no"));
	}
	if (fw.n_fw_features && (fw.loader || spec->mach.loader)) {
		vp_error_set(err, VP_ERR_INVALID,
			     "invalid --boot '%s': firmware.featureN has libvirt pick the firmware, loader= names it: give one",
			     arg);
		goto out;
	}
	if (fw.bootmenu_timeout && fw.bootmenu == VP_NO) {
		vp_error_set(err, VP_ERR_INVALID, "invalid --boot '%s': a boot menu timeout with menu=off",
			     arg);
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
	{
		/* a --boot's firmware/BIOS items over what earlier ones said */
		struct vp_machine_spec *m = &spec->mach;

		if (fw.bootmenu != VP_UNSET)
			m->bootmenu = fw.bootmenu;
		if (fw.useserial != VP_UNSET)
			m->useserial = fw.useserial;
		if (fw.loader_ro != VP_UNSET)
			m->loader_ro = fw.loader_ro;
		if (fw.loader_secure != VP_UNSET)
			m->loader_secure = fw.loader_secure;
#define FW_TAKE(f)                      \
		if (fw.f) {                    \
			free(m->f);            \
			m->f = TAKE_PTR(fw.f); \
		}
		FW_TAKE(bootmenu_timeout)
		FW_TAKE(reboot_timeout)
		FW_TAKE(loader)
		FW_TAKE(loader_type)
		FW_TAKE(nvram)
		FW_TAKE(nvram_template)
		FW_TAKE(smbios_mode)
		FW_TAKE(acpi_table)
		FW_TAKE(acpi_table_type)
#undef FW_TAKE
		if (fw.n_fw_features) {
			vp_strings_free(m->fw_features, m->n_fw_features);
			m->fw_features = TAKE_PTR(fw.fw_features);
			m->n_fw_features = fw.n_fw_features;
			fw.n_fw_features = 0;
		}
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
	free(kernel);
	free(initrd);
	free(cmdline);
	for (i = 0; i < MAX_FW_FEATURES; i++)
		free(feat_name[i]);
	vp_machine_spec_clear(&fw);
	vp_kvlist_clear(&l);
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

/* a location, and the paths in its tree, may hold commas (virt-install) */
static const char *const location_free_text[] = { "", "kernel", "initrd", NULL };

static bool location_known(const struct kv *kv, void *opaque)
{
	(void)opaque;
	return kv->key && (!strcmp(kv->key, "kernel") || !strcmp(kv->key, "initrd"));
}

int vp_spec_parse_location(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct vp_install_spec *in = &spec->install;
	struct kvlist l;
	struct seen seen = { 0 };
	char *location = NULL, *kernel = NULL, *initrd = NULL;
	size_t i;
	int r = -1;

	if (vp_kv_split(arg, "--location", &l, err) < 0)
		return -1;
	vp_kv_join_free_text(&l, location_known, NULL, location_free_text);
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
		if (vp_seen_once(&seen, kv->key, kv->key, "--location", arg, err) < 0 ||
		    vp_kv_need_value(kv, "--location", err) < 0 ||
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
	vp_kvlist_clear(&l);
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

	if (vp_kv_split(arg, "--install", &l, err) < 0)
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
		if (vp_seen_once(&seen, k, k, "--install", arg, err) < 0 || vp_kv_need_value(kv, "--install", err) < 0 ||
		    vp_spec_check_value("--install", kv->value, err) < 0)
			goto out;
		if (!strcmp(k, "no_install")) {
			if (vp_parse_bool(kv->value, "--install no_install", &no_install, err) < 0)
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
	vp_kvlist_clear(&l);
	return r;
}

int vp_spec_parse_console(struct vp_domain_spec *spec, const char *arg, struct vp_error *err)
{
	struct kvlist l;
	struct seen seen = { 0 };
	const char *target = NULL;
	size_t i;
	int r = -1;

	if (vp_kv_split(arg, "--console", &l, err) < 0)
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
		if (vp_seen_once(&seen, !strcmp(k, "type") ? "type" : "target", k, "--console", arg, err) < 0)
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
	vp_kvlist_clear(&l);
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

	if (*arg && vp_kv_split(arg, "--unattended", &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		char what[48];

		if (!kv->key || !vp_one_of(kv->key, unattended_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --unattended option '%s' (known: profile, admin-password-file, user-login, user-password-file)",
				     kv->key ? kv->key : kv->value);
			goto out;
		}
		snprintf(what, sizeof(what), "--unattended %s", kv->key);
		if (vp_seen_once(&seen, kv->key, kv->key, "--unattended", arg, err) < 0 ||
		    vp_kv_need_value(kv, "--unattended", err) < 0 || vp_spec_check_value(what, kv->value, err) < 0)
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
			if (vp_path_check(what, kv->value, err) < 0)
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
	vp_kvlist_clear(&l);
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
	} else if (*arg && vp_kv_split(arg, "--cloud-init", &l, err) < 0) {
		return -1;
	}
	for (i = 0; i < l.n; i++) {
		struct kv *kv = &l.items[i];
		const char *k = kv->key ? kv->key : kv->value;
		char what[48];

		if (!vp_one_of(k, cloud_init_keys)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "unknown --cloud-init option '%s' (known: root-password-generate, root-password-file, disable, root-ssh-key, clouduser-ssh-key, user-data, meta-data, network-config, hostname, or none)",
				     k);
			goto out;
		}
		snprintf(what, sizeof(what), "--cloud-init %s", k);
		if (!strcmp(k, "root-password-generate") || !strcmp(k, "disable")) {
			enum vp_tristate *t = !strcmp(k, "disable") ? &n.disable :
								     &n.root_password_generate;

			if (vp_seen_once(&seen, k, k, "--cloud-init", arg, err) < 0 ||
			    vp_parse_bool(kv->key ? kv->value : "on", what, t, err) < 0)
				goto out;
			continue;
		}
		if (!kv->key) {
			vp_error_set(err, VP_ERR_INVALID, "--cloud-init %s= needs a value", k);
			goto out;
		}
		if (vp_kv_need_value(kv, "--cloud-init", err) < 0 || vp_spec_check_value(what, kv->value, err) < 0)
			goto out;
		if (!strcmp(k, "root-ssh-key")) {
			vp_strings_add(&n.root_ssh_keys, &n.n_root_ssh_keys, vp_strdup(kv->value));
			continue;
		}
		if (!strcmp(k, "clouduser-ssh-key")) {
			vp_strings_add(&n.clouduser_ssh_keys, &n.n_clouduser_ssh_keys, vp_strdup(kv->value));
			continue;
		}
		if (vp_seen_once(&seen, k, k, "--cloud-init", arg, err) < 0)
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
	vp_kvlist_clear(&l);
	return r;
}
