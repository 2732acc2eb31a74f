/* provision/network.c — libvirt networks, and the DHCP reservations of VMs
 *
 * A network is built from templates/network.xml with the tree API,
 * validated against libvirt's network.rng, and created by a plan (define,
 * start, autostart) whose journal undefines it again when a later step
 * fails.  Addresses are plain bytes in network order; IPv4 and IPv6 share
 * the arithmetic.
 */
#include "network.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "host.h"
#include "journal.h"
#include "schema.h"
#include "uuid.h"
#include "xmlutil.h"

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static size_t alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* ---- addresses --------------------------------------------------------- */

static void mask_bytes(unsigned char *a, size_t len, unsigned prefix)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned bits = prefix > 8 * i ? prefix - 8 * (unsigned)i : 0;

		if (bits < 8)
			a[i] &= (unsigned char)(bits ? 0xff << (8 - bits) : 0);
	}
}

int vp_cidr_parse(const char *text, int family, const char *what, struct vp_cidr *out,
		  struct vp_error *err)
{
	const char *slash = strchr(text, '/');
	char addr[64], *end;
	unsigned long prefix;
	unsigned char masked[16];
	unsigned lo = 8, hi;

	memset(out, 0, sizeof(*out));
	out->family = family;
	hi = family == AF_INET6 ? 126 : 30;
	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': give a subnet as %s", what,
				    text, family == AF_INET6 ? "ADDRESS/PREFIX (fd00:1::/64)" :
							       "ADDRESS/PREFIX (192.168.150.0/24)");
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - text), text);
	if (inet_pton(family, addr, out->addr) != 1)
		return vp_error_set(err, VP_ERR_INVALID, "invalid %s '%s': '%s' is not an %s address",
				    what, text, addr, family == AF_INET6 ? "IPv6" : "IPv4");
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (!isdigit((unsigned char)slash[1]) || *end || errno || prefix < lo || prefix > hi)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': the prefix length is a number from %u to %u", what,
				    text, lo, hi);
	out->prefix = (unsigned)prefix;
	memcpy(masked, out->addr, sizeof(masked));
	mask_bytes(masked, alen(family), out->prefix);
	if (memcmp(masked, out->addr, alen(family)) != 0) {
		struct vp_cidr m = *out;
		char want[80];

		memcpy(m.addr, masked, sizeof(masked));
		vp_cidr_format(&m, want, sizeof(want));
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%s': host bits are set (the subnet is %s)", what, text,
				    want);
	}
	return 0;
}

void vp_cidr_format(const struct vp_cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(c->family, c->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, c->prefix);
}

bool vp_cidr_overlap(const struct vp_cidr *a, const struct vp_cidr *b)
{
	unsigned char x[16], y[16];
	unsigned p = a->prefix < b->prefix ? a->prefix : b->prefix;

	if (a->family != b->family)
		return false;
	memcpy(x, a->addr, 16);
	memcpy(y, b->addr, 16);
	mask_bytes(x, alen(a->family), p);
	mask_bytes(y, alen(a->family), p);
	return memcmp(x, y, alen(a->family)) == 0;
}

bool vp_cidr_contains(const struct vp_cidr *c, const unsigned char *addr)
{
	struct vp_cidr h = { .family = c->family, .prefix = 8 * (unsigned)alen(c->family) };

	memcpy(h.addr, addr, alen(c->family));
	return vp_cidr_overlap(c, &h) && c->prefix <= h.prefix;
}

/* a + n, in place (big-endian bytes) */
static void add_n(unsigned char *a, size_t len, uint64_t n)
{
	size_t i = len;

	while (n && i > 0) {
		uint64_t v = a[--i] + (n & 0xff);

		a[i] = (unsigned char)v;
		n = (n >> 8) + (v >> 8);
	}
}

void vp_cidr_nth(const struct vp_cidr *c, uint64_t n, char *buf, size_t len)
{
	unsigned char a[16];
	char t[INET6_ADDRSTRLEN] = "?";

	memcpy(a, c->addr, 16);
	add_n(a, alen(c->family), n);
	inet_ntop(c->family, a, t, sizeof(t));
	snprintf(buf, len, "%s", t);
}

/* How many addresses an IPv4 subnet has. */
static uint64_t v4_size(const struct vp_cidr *c)
{
	return (uint64_t)1 << (32 - c->prefix);
}

void vp_cidr_dhcp_default(const struct vp_cidr *c, char *start, char *end, size_t len)
{
	uint64_t size = v4_size(c);

	/* .0 the network, .1 the host, the last the broadcast address */
	vp_cidr_nth(c, size >= 8 ? size / 2 : 2, start, len);
	vp_cidr_nth(c, size - 2, end, len);
}

/* The offset of addr in c (addr inside c, IPv4). */
static uint64_t v4_offset(const struct vp_cidr *c, const unsigned char *addr)
{
	uint32_t a = ((uint32_t)addr[0] << 24) | ((uint32_t)addr[1] << 16) |
		     ((uint32_t)addr[2] << 8) | addr[3];
	uint32_t b = ((uint32_t)c->addr[0] << 24) | ((uint32_t)c->addr[1] << 16) |
		     ((uint32_t)c->addr[2] << 8) | c->addr[3];

	return a - b;
}

static int hexval(int ch)
{
	return isdigit(ch) ? ch - '0' : tolower(ch) - 'a' + 10;
}

/* n hex digits at s into bytes (as written: left to right). */
static bool hex_bytes(const char *s, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	for (i = 0; i < n / 2; i++)
		out[i] = (unsigned char)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
	return true;
}

static void add_route(struct vp_route **out, size_t *n, const struct vp_cidr *c, const char *dev)
{
	struct vp_route *r;

	*out = vp_grow(*out, *n + 1, sizeof(**out));
	r = &(*out)[(*n)++];
	memset(r, 0, sizeof(*r));
	r->dst = *c;
	snprintf(r->dev, sizeof(r->dev), "%s", dev);
}

/* One line of /proc/net/route: Iface Destination Gateway Flags RefCnt Use
 * Metric Mask ...; Destination and Mask are the kernel's raw 32-bit words
 * (network byte order in memory) printed as this machine's integers. */
static void route4_line(const char *line, struct vp_route **out, size_t *n)
{
	char dev[32], dst[16], gw[16], mask[16];
	unsigned flags;
	uint32_t d, m;
	unsigned char mb[4];
	struct vp_cidr c = { .family = AF_INET };
	unsigned bits = 0;

	if (sscanf(line, "%31s %15s %15s %x %*s %*s %*s %15s", dev, dst, gw, &flags, mask) != 5)
		return;
	if (strlen(dst) != 8 || strlen(mask) != 8 || strspn(dst, "0123456789abcdefABCDEF") != 8 ||
	    strspn(mask, "0123456789abcdefABCDEF") != 8)
		return; /* the header */
	d = (uint32_t)strtoul(dst, NULL, 16);
	m = (uint32_t)strtoul(mask, NULL, 16);
	if (!(flags & 0x1) || m == 0)
		return; /* down, or a default route */
	memcpy(c.addr, &d, 4);
	memcpy(mb, &m, 4);
	while (bits < 32 && (mb[bits / 8] & (0x80 >> (bits % 8))))
		bits++;
	c.prefix = bits;
	mask_bytes(c.addr, 4, c.prefix);
	add_route(out, n, &c, dev);
}

/* One line of /proc/net/ipv6_route: dest(32 hex) plen src splen nexthop
 * metric refcnt use flags dev. */
static void route6_line(const char *line, struct vp_route **out, size_t *n)
{
	char dst[40], plen[8], dev[32];
	unsigned flags;
	struct vp_cidr c = { .family = AF_INET6 };

	if (sscanf(line, "%39s %7s %*s %*s %*s %*s %*s %*s %x %31s", dst, plen, &flags, dev) != 4)
		return;
	if (strlen(dst) != 32 || !hex_bytes(dst, 32, c.addr) || !isxdigit((unsigned char)plen[0]))
		return;
	c.prefix = (unsigned)strtoul(plen, NULL, 16);
	if (c.prefix == 0 || c.prefix > 128 || !(flags & 0x1) || (flags & 0x80000000u))
		return; /* default, down, or one of the host's own addresses (RTF_LOCAL) */
	if (c.addr[0] == 0xff || (c.addr[0] == 0xfe && (c.addr[1] & 0xc0) == 0x80))
		return; /* multicast, link-local */
	mask_bytes(c.addr, 16, c.prefix);
	add_route(out, n, &c, dev);
}

int vp_routes_parse(const char *text, int family, struct vp_route **out, size_t *n)
{
	const char *p = text, *nl;
	char line[512];

	*out = NULL;
	*n = 0;
	while (p && *p) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
		if (family == AF_INET6)
			route6_line(line, out, n);
		else
			route4_line(line, out, n);
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* ---- building ---------------------------------------------------------- */

static const char *const mode_names[] = {
	[VP_NET_NAT] = "nat", [VP_NET_ISOLATED] = "isolated", [VP_NET_ROUTED] = "routed",
	[VP_NET_BRIDGE] = "bridge", [VP_NET_OPEN] = "open",
};

int vp_net_mode_parse(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(s, mode_names[i]))
			return (int)i;
	return -1;
}

const char *vp_net_mode_name(enum vp_net_mode m)
{
	return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "?";
}

void vp_net_def_clear(struct vp_net_def *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->uuid);
	free(d->bridge);
	free(d->domain);
	free(d->gateway);
	free(d->dhcp_start);
	free(d->dhcp_end);
	free(d->gateway6);
	memset(d, 0, sizeof(*d));
}

int vp_net_build_xml(const struct vp_net_def *d, xmlDocPtr *out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, n, ip;
	static const char *const forward[] = {
		[VP_NET_NAT] = "nat", [VP_NET_ISOLATED] = NULL, [VP_NET_ROUTED] = "route",
		[VP_NET_BRIDGE] = "bridge", [VP_NET_OPEN] = "open",
	};
	char prefix[8];

	*out = NULL;
	if (vp_xml_parse(vp_template_network, "templates/network.xml", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	vp_xml_set_text(vp_xml_child(root, "name"), d->name);
	if (d->uuid)
		vp_xml_set_text(vp_xml_child(root, "uuid"), d->uuid);
	else
		vp_xml_drop(vp_xml_child(root, "uuid"));
	if (forward[d->mode]) {
		n = vp_xml_add(root, "forward", NULL);
		vp_xml_set(n, "mode", forward[d->mode]);
	}
	if (d->bridge) {
		n = vp_xml_add(root, "bridge", NULL);
		vp_xml_set(n, "name", d->bridge);
		if (d->mode != VP_NET_BRIDGE) {
			vp_xml_set(n, "stp", "on");
			vp_xml_set(n, "delay", "0");
		}
	}
	if (d->domain) {
		n = vp_xml_add(root, "domain", NULL);
		vp_xml_set(n, "name", d->domain);
	}
	if (d->has_v4) {
		ip = vp_xml_add(root, "ip", NULL);
		vp_xml_set(ip, "address", d->gateway);
		snprintf(prefix, sizeof(prefix), "%u", d->v4.prefix);
		vp_xml_set(ip, "prefix", prefix);
		if (d->dhcp_start && d->dhcp_end) {
			n = vp_xml_add(vp_xml_add(ip, "dhcp", NULL), "range", NULL);
			vp_xml_set(n, "start", d->dhcp_start);
			vp_xml_set(n, "end", d->dhcp_end);
		}
	}
	if (d->has_v6) {
		ip = vp_xml_add(root, "ip", NULL);
		vp_xml_set(ip, "family", "ipv6");
		vp_xml_set(ip, "address", d->gateway6);
		snprintf(prefix, sizeof(prefix), "%u", d->v6.prefix);
		vp_xml_set(ip, "prefix", prefix);
	}
	*out = TAKE_PTR(doc);
	return 0;
}

/* ---- reading existing networks ----------------------------------------- */

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

/* The subnet of an <ip> element (address + prefix or netmask); false when
 * it has none that parses. */
static bool ip_subnet(xmlNodePtr ip, struct vp_cidr *c, char **gateway)
{
	_cleanup_(freep) char *family = vp_xml_prop(ip, "family");
	_cleanup_(freep) char *addr = vp_xml_prop(ip, "address");
	_cleanup_(freep) char *prefix = vp_xml_prop(ip, "prefix");
	_cleanup_(freep) char *netmask = vp_xml_prop(ip, "netmask");
	unsigned char m[4];

	memset(c, 0, sizeof(*c));
	c->family = streq(family, "ipv6") ? AF_INET6 : AF_INET;
	if (!addr || inet_pton(c->family, addr, c->addr) != 1)
		return false;
	if (prefix) {
		c->prefix = (unsigned)strtoul(prefix, NULL, 10);
	} else if (netmask && c->family == AF_INET && inet_pton(AF_INET, netmask, m) == 1) {
		uint32_t v = ntohl(*(uint32_t *)m);

		while (c->prefix < 32 && (v & (0x80000000u >> c->prefix)))
			c->prefix++;
	} else {
		c->prefix = c->family == AF_INET6 ? 64 : 24;
	}
	if (c->prefix > 8 * alen(c->family))
		return false;
	if (gateway)
		*gateway = TAKE_PTR(addr);
	mask_bytes(c->addr, alen(c->family), c->prefix);
	return true;
}

static int net_doc(virNetworkPtr net, xmlDocPtr *doc, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virNetworkGetXMLDesc(net, VIR_NETWORK_XML_INACTIVE);

	/* the definition; a driver without that flag (the test driver) has
	 * only the one */
	if (!xml && vp_libvirt_error_is(VIR_ERR_INVALID_ARG))
		xml = virNetworkGetXMLDesc(net, 0);
	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the definition of network '%s'",
					virNetworkGetName(net));
	return vp_xml_parse(xml, "a network definition", doc, err);
}

/* What a VM's NICs are: (network, mac) pairs, macs lowercase. */
struct nic {
	char *vm, *network, *mac;
};

static void nics_free(struct nic *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].vm);
		free(l[i].network);
		free(l[i].mac);
	}
	free(l);
}

static void lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Every NIC of every VM of conn (their definitions; a running VM's live
 * one too, for the MAC libvirt chose). */
static void host_nics(virConnectPtr conn, struct nic **out, size_t *n)
{
	virDomainPtr *doms = NULL;
	int nd = virConnectListAllDomains(conn, &doms, 0), i, pass;

	*out = NULL;
	*n = 0;
	for (i = 0; i < nd; i++) {
		const char *vm = virDomainGetName(doms[i]);

		for (pass = 0; pass < 2; pass++) {
			_cleanup_(freep) char *xml = NULL;
			_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
			xmlNodePtr devs, c;

			if (pass == 1 && virDomainIsActive(doms[i]) != 1)
				break;
			xml = virDomainGetXMLDesc(doms[i], pass ? 0 : VIR_DOMAIN_XML_INACTIVE);
			if (!xml || vp_xml_parse(xml, "a domain definition", &doc, NULL) < 0)
				continue;
			devs = vp_xml_child(xmlDocGetRootElement(doc), "devices");
			for (c = devs ? devs->children : NULL; c; c = c->next) {
				_cleanup_(freep) char *type = NULL;
				struct nic *x;

				if (!is_elem(c, "interface"))
					continue;
				type = vp_xml_prop(c, "type");
				*out = vp_grow(*out, *n + 1, sizeof(**out));
				x = &(*out)[(*n)++];
				x->vm = vp_strdup(vm);
				x->network = streq(type, "network") ? vp_xml_prop(vp_xml_child(c, "source"), "network") : NULL;
				x->mac = vp_xml_prop(vp_xml_child(c, "mac"), "address");
				lower(x->mac);
			}
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virResetLastError();
}

/* The VMs with a NIC on network, each once, sorted as libvirt lists them. */
static void vms_on(const struct nic *nics, size_t n, const char *network, char ***out, size_t *n_out)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		bool seen = false;

		if (!streq(nics[i].network, network))
			continue;
		for (j = 0; j < *n_out && !seen; j++)
			seen = streq((*out)[j], nics[i].vm);
		if (!seen)
			vp_strings_add(out, n_out, vp_strdup(nics[i].vm));
	}
}

static const char *vm_of_mac(const struct nic *nics, size_t n, const char *mac)
{
	_cleanup_(freep) char *m = vp_strdup(mac);
	size_t i;

	lower(m);
	for (i = 0; i < n; i++)
		if (streq(nics[i].mac, m))
			return nics[i].vm;
	return NULL;
}

static void read_info(xmlDocPtr doc, struct vp_net_info *out)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), c, h;
	_cleanup_(freep) char *fmode = NULL;
	xmlNodePtr fwd = vp_xml_child(root, "forward");

	out->uuid = vp_xml_text(vp_xml_child(root, "uuid"));
	out->bridge = vp_xml_prop(vp_xml_child(root, "bridge"), "name");
	out->domain = vp_xml_prop(vp_xml_child(root, "domain"), "name");
	fmode = vp_xml_prop(fwd, "mode");
	if (!fwd)
		out->mode = vp_strdup("isolated");
	else if (!fmode || streq(fmode, "nat"))
		out->mode = vp_strdup("nat");
	else if (streq(fmode, "route"))
		out->mode = vp_strdup("routed");
	else
		out->mode = TAKE_PTR(fmode);
	for (c = root->children; c; c = c->next) {
		struct vp_cidr cidr;
		char *gw = NULL;
		char text[80];
		xmlNodePtr dhcp, range;

		if (!is_elem(c, "ip") || !ip_subnet(c, &cidr, &gw))
			continue;
		vp_cidr_format(&cidr, text, sizeof(text));
		if (cidr.family == AF_INET6) {
			if (!out->subnet6) {
				out->subnet6 = vp_strdup(text);
				out->gateway6 = gw;
				gw = NULL;
			}
			free(gw);
			continue;
		}
		if (out->subnet) {
			free(gw);
			continue;
		}
		out->subnet = vp_strdup(text);
		out->gateway = gw;
		dhcp = vp_xml_child(c, "dhcp");
		range = vp_xml_child(dhcp, "range");
		out->dhcp_start = vp_xml_prop(range, "start");
		out->dhcp_end = vp_xml_prop(range, "end");
		for (h = dhcp ? dhcp->children : NULL; h; h = h->next) {
			struct vp_net_host *x;

			if (!is_elem(h, "host"))
				continue;
			out->hosts = vp_grow(out->hosts, out->n_hosts + 1, sizeof(*out->hosts));
			x = &out->hosts[out->n_hosts++];
			x->mac = vp_xml_prop(h, "mac");
			x->name = vp_xml_prop(h, "name");
			x->ip = vp_xml_prop(h, "ip");
			lower(x->mac);
		}
	}
}

static int describe(virNetworkPtr net, const struct nic *nics, size_t n_nics,
		    struct vp_net_info *out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	int autostart = 0;

	memset(out, 0, sizeof(*out));
	if (net_doc(net, &doc, err) < 0)
		return -1;
	out->name = vp_strdup(virNetworkGetName(net));
	read_info(doc, out);
	out->active = virNetworkIsActive(net) == 1;
	out->persistent = virNetworkIsPersistent(net) == 1;
	if (virNetworkGetAutostart(net, &autostart) == 0)
		out->autostart = autostart != 0;
	vms_on(nics, n_nics, out->name, &out->vms, &out->n_vms);
	virResetLastError();
	return 0;
}

void vp_net_info_clear(struct vp_net_info *i)
{
	size_t k;

	if (!i)
		return;
	free(i->name);
	free(i->uuid);
	free(i->mode);
	free(i->bridge);
	free(i->subnet);
	free(i->gateway);
	free(i->dhcp_start);
	free(i->dhcp_end);
	free(i->subnet6);
	free(i->gateway6);
	free(i->domain);
	for (k = 0; k < i->n_hosts; k++) {
		free(i->hosts[k].mac);
		free(i->hosts[k].name);
		free(i->hosts[k].ip);
	}
	free(i->hosts);
	vp_strings_free(i->vms, i->n_vms);
	memset(i, 0, sizeof(*i));
}

void vp_net_infos_free(struct vp_net_info *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vp_net_info_clear(&l[i]);
	free(l);
}

static int cmp_info(const void *a, const void *b)
{
	return strcmp(((const struct vp_net_info *)a)->name, ((const struct vp_net_info *)b)->name);
}

int vp_net_list(virConnectPtr conn, struct vp_net_info **out, size_t *n, struct vp_error *err)
{
	virNetworkPtr *nets = NULL;
	struct nic *nics = NULL;
	size_t n_nics = 0;
	int nn = virConnectListAllNetworks(conn, &nets, 0), i, r = 0;

	*out = NULL;
	*n = 0;
	if (nn < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list networks");
	host_nics(conn, &nics, &n_nics);
	*out = vp_calloc((size_t)nn + 1, sizeof(**out));
	for (i = 0; i < nn; i++) {
		if (r == 0 && describe(nets[i], nics, n_nics, &(*out)[*n], err) < 0)
			r = -1;
		else if (r == 0)
			(*n)++;
		virNetworkFree(nets[i]);
	}
	free(nets);
	nics_free(nics, n_nics);
	if (r < 0) {
		vp_net_infos_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	qsort(*out, *n, sizeof(**out), cmp_info);
	return 0;
}

static int lookup(virConnectPtr conn, const char *name, virNetworkPtr *out, struct vp_error *err)
{
	*out = virNetworkLookupByName(conn, name);
	if (*out)
		return 0;
	if (vp_libvirt_error_is(VIR_ERR_NO_NETWORK))
		return vp_error_set(err, VP_ERR_NOT_FOUND, "no network named '%s'", name);
	return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up network '%s'", name);
}

int vp_net_info(virConnectPtr conn, const char *name, struct vp_net_info *out,
		struct vp_error *err)
{
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;
	struct nic *nics = NULL;
	size_t n_nics = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (lookup(conn, name, &net, err) < 0)
		return -1;
	host_nics(conn, &nics, &n_nics);
	r = describe(net, nics, n_nics, out, err);
	nics_free(nics, n_nics);
	return r;
}

int vp_net_start(virConnectPtr conn, const char *name, bool *was, struct vp_error *err)
{
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;

	*was = false;
	if (lookup(conn, name, &net, err) < 0)
		return -1;
	if (virNetworkIsActive(net) == 1) {
		*was = true;
		return 0;
	}
	if (virNetworkCreate(net) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start network '%s'", name);
	return 0;
}

/* RUNTIME naming the VMs with a NIC on the network. */
static int refuse_used(virConnectPtr conn, const char *name, const char *what,
		       struct vp_error *err)
{
	struct nic *nics = NULL;
	char **vms = NULL;
	size_t n_nics = 0, n_vms = 0, i;
	char list[512] = "";
	size_t len = 0;

	host_nics(conn, &nics, &n_nics);
	vms_on(nics, n_nics, name, &vms, &n_vms);
	nics_free(nics, n_nics);
	if (!n_vms)
		return 0;
	for (i = 0; i < n_vms && len < sizeof(list) - 80; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s'%s'", i ? ", " : "", vms[i]);
	if (i < n_vms)
		snprintf(list + len, sizeof(list) - len, " and %zu more", n_vms - i);
	vp_error_set(err, VP_ERR_RUNTIME, "cannot %s network '%s': VM%s %s %s it (delete %s first)",
		     what, name, n_vms == 1 ? "" : "s", list, n_vms == 1 ? "uses" : "use",
		     n_vms == 1 ? "it" : "them");
	vp_strings_free(vms, n_vms);
	return -1;
}

int vp_net_stop(virConnectPtr conn, const char *name, bool *was, struct vp_error *err)
{
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;

	*was = false;
	if (lookup(conn, name, &net, err) < 0)
		return -1;
	if (virNetworkIsActive(net) != 1) {
		*was = true;
		return 0;
	}
	if (refuse_used(conn, name, "stop", err) < 0)
		return -1;
	if (virNetworkDestroy(net) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop network '%s'", name);
	return 0;
}

int vp_net_delete(virConnectPtr conn, const char *name, struct vp_error *err)
{
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;

	if (lookup(conn, name, &net, err) < 0 || refuse_used(conn, name, "delete", err) < 0)
		return -1;
	if (virNetworkIsActive(net) == 1 && virNetworkDestroy(net) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot stop network '%s'", name);
	if (virNetworkIsPersistent(net) == 1 && virNetworkUndefine(net) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot undefine network '%s'", name);
	return 0;
}

void vp_net_leases_free(struct vp_net_lease *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].mac);
		free(l[i].ip);
		free(l[i].hostname);
		free(l[i].vm);
	}
	free(l);
}

int vp_net_leases(virConnectPtr conn, const char *name, struct vp_net_lease **out, size_t *n,
		  struct vp_error *err)
{
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;
	virNetworkDHCPLeasePtr *leases = NULL;
	struct nic *nics = NULL;
	size_t n_nics = 0;
	int nl, i;

	*out = NULL;
	*n = 0;
	if (lookup(conn, name, &net, err) < 0)
		return -1;
	if (virNetworkIsActive(net) != 1)
		return vp_error_set(err, VP_ERR_RUNTIME, "network '%s' is not active: it has no leases",
				    name);
	nl = virNetworkGetDHCPLeases(net, NULL, &leases, 0);
	if (nl < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the DHCP leases of network '%s'",
					name);
	host_nics(conn, &nics, &n_nics);
	*out = vp_calloc((size_t)nl + 1, sizeof(**out));
	for (i = 0; i < nl; i++) {
		struct vp_net_lease *l = &(*out)[(*n)++];
		const char *vm;

		l->mac = vp_strdup(leases[i]->mac);
		lower(l->mac);
		l->ip = vp_strdup(leases[i]->ipaddr);
		l->hostname = vp_strdup(leases[i]->hostname);
		l->prefix = (int)leases[i]->prefix;
		l->expiry = (int64_t)leases[i]->expirytime;
		vm = l->mac ? vm_of_mac(nics, n_nics, l->mac) : NULL;
		l->vm = vm ? vp_strdup(vm) : NULL;
		virNetworkDHCPLeaseFree(leases[i]);
	}
	free(leases);
	nics_free(nics, n_nics);
	return 0;
}

/* ---- creating ---------------------------------------------------------- */

void vp_net_create_result_clear(struct vp_net_create_result *r)
{
	if (!r)
		return;
	vp_net_def_clear(&r->def);
	free(r->xml);
	memset(r, 0, sizeof(*r));
}

/* An interface name: 1-15 bytes of letters, digits, '_', '.', '-'. */
static int ifname_check(const char *what, const char *name, struct vp_error *err)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t len = strlen(name);

	if (!len || len > 15 || strspn(name, ok) != len || !strcmp(name, ".") || !strcmp(name, ".."))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid %s '%.40s': an interface name has 1 to 15 letters, digits, '_', '.' or '-'",
				    what, name);
	return 0;
}

/* "START-END" of IPv4 addresses. */
static int dhcp_parse(const char *text, unsigned char start[4], unsigned char end[4],
		      struct vp_error *err)
{
	const char *dash = strchr(text, '-');
	char a[32];

	if (!dash || (size_t)(dash - text) >= sizeof(a))
		goto bad;
	snprintf(a, sizeof(a), "%.*s", (int)(dash - text), text);
	if (inet_pton(AF_INET, a, start) != 1 || inet_pton(AF_INET, dash + 1, end) != 1)
		goto bad;
	return 0;
bad:
	return vp_error_set(err, VP_ERR_INVALID,
			    "invalid --dhcp '%s': give START-END (192.168.150.128-192.168.150.254) or none",
			    text);
}

int vp_net_req_check(const struct vp_net_req *req, struct vp_error *err)
{
	struct vp_cidr c;
	unsigned char s[4], e[4];

	if (!req->name || !*req->name || strchr(req->name, '/') || strlen(req->name) > 200)
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid network name '%.40s': not empty, no '/', at most 200 bytes",
				    req->name ? req->name : "");
	if (req->mode == VP_NET_BRIDGE) {
		if (!req->bridge)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--mode bridge needs --bridge BR, the host bridge to use");
		if (req->subnet || req->dhcp || req->ipv6 || req->domain)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--mode bridge uses the host bridge's own addressing: --subnet, --dhcp, --ipv6 and --domain are not for it");
	}
	if (req->bridge && ifname_check("--bridge", req->bridge, err) < 0)
		return -1;
	if (req->subnet && vp_cidr_parse(req->subnet, AF_INET, "--subnet", &c, err) < 0)
		return -1;
	if (req->ipv6 && vp_cidr_parse(req->ipv6, AF_INET6, "--ipv6", &c, err) < 0)
		return -1;
	if (req->dhcp && strcmp(req->dhcp, "none") != 0 && dhcp_parse(req->dhcp, s, e, err) < 0)
		return -1;
	if (req->domain && (!*req->domain || strspn(req->domain, "abcdefghijklmnopqrstuvwxyz"
					    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(req->domain)))
		return vp_error_set(err, VP_ERR_INVALID,
				    "invalid --domain '%.64s': a DNS domain has letters, digits, '.' and '-'",
				    req->domain);
	return 0;
}

/* What a new subnet must not overlap: the connection's networks ... */
struct taken {
	char *what;              /* "network 'lab' (192.168.150.0/24)" */
	struct vp_cidr c;
};

static void taken_add(struct taken **l, size_t *n, const struct vp_cidr *c, char *what)
{
	*l = vp_grow(*l, *n + 1, sizeof(**l));
	(*l)[*n].c = *c;
	(*l)[(*n)++].what = what;
}

static void taken_free(struct taken *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i].what);
	free(l);
}

static int taken_networks(virConnectPtr conn, struct taken **l, size_t *n, struct vp_error *err)
{
	virNetworkPtr *nets = NULL;
	int nn = virConnectListAllNetworks(conn, &nets, 0), i, r = 0;

	if (nn < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot list networks");
	for (i = 0; i < nn; i++) {
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		xmlNodePtr c;

		/* a network that cannot be read might overlap: say so */
		if (r == 0 && net_doc(nets[i], &doc, err) < 0)
			r = -1;
		if (r == 0)
			for (c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
				struct vp_cidr cidr;
				char text[80];

				if (!is_elem(c, "ip") || !ip_subnet(c, &cidr, NULL))
					continue;
				vp_cidr_format(&cidr, text, sizeof(text));
				taken_add(l, n, &cidr, vp_strdup_printf("network '%s' (%s)",
									 virNetworkGetName(nets[i]), text));
			}
		virNetworkFree(nets[i]);
	}
	free(nets);
	return r;
}

/* ... and the host's routes (given, or read when the host is this one). */
static void taken_routes(virConnectPtr conn, const struct vp_net_req *req, struct taken **l,
			 size_t *n)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		int family = pass ? AF_INET6 : AF_INET;
		const char *given = pass ? req->routes6 : req->routes4;
		_cleanup_(freep) char *text = NULL;
		struct vp_route *r = NULL;
		size_t nr = 0, i;

		if (!given && (req->routes4 || req->routes6))
			continue;
		if (!given) {
			if (!vp_conn_is_local(conn))
				return;
			{
				_cleanup_(freep) char *uri = virConnectGetURI(conn);

				if (uri && !strncmp(uri, "test:", 5))
					return; /* the test driver's host is no machine */
			}
			text = vp_read_file(pass ? "/proc/net/ipv6_route" : "/proc/net/route",
					    1 << 20, NULL);
			if (!text)
				continue;
			given = text;
		}
		vp_routes_parse(given, family, &r, &nr);
		for (i = 0; i < nr; i++) {
			char t[80];

			vp_cidr_format(&r[i].dst, t, sizeof(t));
			taken_add(l, n, &r[i].dst,
				  vp_strdup_printf("the host's route to %s on '%s'", t, r[i].dev));
		}
		free(r);
	}
}

static const struct taken *overlaps(const struct taken *l, size_t n, const struct vp_cidr *c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vp_cidr_overlap(&l[i].c, c))
			return &l[i];
	return NULL;
}

static int resolve_v4(const struct vp_net_req *req, const struct taken *tk, size_t n_tk,
		      struct vp_net_def *d, struct vp_error *err)
{
	const struct taken *o;
	char text[80], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	uint64_t size;

	if (req->subnet) {
		vp_cidr_parse(req->subnet, AF_INET, "--subnet", &d->v4, NULL);
		if ((o = overlaps(tk, n_tk, &d->v4)))
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot create network '%s': subnet %s overlaps %s",
					    req->name, req->subnet, o->what);
	} else {
		unsigned i;

		for (i = 100; i < 255; i++) {
			snprintf(text, sizeof(text), "192.168.%u.0/24", i);
			vp_cidr_parse(text, AF_INET, "--subnet", &d->v4, NULL);
			if (!overlaps(tk, n_tk, &d->v4))
				break;
		}
		if (i == 255)
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot create network '%s': every subnet 192.168.100.0/24 to 192.168.254.0/24 is taken (give --subnet)",
					    req->name);
	}
	d->has_v4 = true;
	size = v4_size(&d->v4);
	vp_cidr_nth(&d->v4, 1, a, sizeof(a));
	d->gateway = vp_strdup(a);
	if (req->dhcp && !strcmp(req->dhcp, "none"))
		return 0;
	if (req->dhcp) {
		unsigned char s[4], e[4];
		uint64_t os, oe;

		dhcp_parse(req->dhcp, s, e, NULL);
		vp_cidr_format(&d->v4, text, sizeof(text));
		if (!vp_cidr_contains(&d->v4, s) || !vp_cidr_contains(&d->v4, e))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --dhcp '%s': the range is not inside the subnet %s",
					    req->dhcp, text);
		os = v4_offset(&d->v4, s);
		oe = v4_offset(&d->v4, e);
		if (os > oe)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --dhcp '%s': the range ends before it starts", req->dhcp);
		if (os <= 1 || oe >= size - 1)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --dhcp '%s': the range holds the network, host (%s) or broadcast address of %s",
					    req->dhcp, d->gateway, text);
		inet_ntop(AF_INET, s, a, sizeof(a));
		inet_ntop(AF_INET, e, b, sizeof(b));
		d->dhcp_start = vp_strdup(a);
		d->dhcp_end = vp_strdup(b);
		return 0;
	}
	vp_cidr_dhcp_default(&d->v4, a, b, sizeof(a));
	d->dhcp_start = vp_strdup(a);
	d->dhcp_end = vp_strdup(b);
	return 0;
}

static int resolve(virConnectPtr conn, const struct vp_net_req *req, struct vp_net_def *d,
		   struct vp_error *err)
{
	_cleanup_(virNetworkFreep) virNetworkPtr other = NULL;
	struct taken *tk = NULL;
	size_t n_tk = 0;
	char uuid[37];
	int r = -1;

	if (vp_net_req_check(req, err) < 0)
		return -1;
	other = virNetworkLookupByName(conn, req->name);
	if (other)
		return vp_error_set(err, VP_ERR_EXISTS, "a network named '%s' already exists", req->name);
	virResetLastError();
	d->name = vp_strdup(req->name);
	if (req->uuid) {
		d->uuid = vp_strdup(req->uuid);
	} else {
		if (vp_uuid_generate(uuid, err) < 0)
			return -1;
		d->uuid = vp_strdup(uuid);
	}
	d->mode = req->mode;
	d->bridge = vp_strdup(req->bridge);
	d->domain = vp_strdup(req->domain);
	if (req->mode == VP_NET_BRIDGE)
		return 0;
	if (taken_networks(conn, &tk, &n_tk, err) < 0)
		goto out;
	taken_routes(conn, req, &tk, &n_tk);
	if (resolve_v4(req, tk, n_tk, d, err) < 0)
		goto out;
	if (req->ipv6) {
		const struct taken *o;
		char a[INET6_ADDRSTRLEN];

		vp_cidr_parse(req->ipv6, AF_INET6, "--ipv6", &d->v6, NULL);
		if ((o = overlaps(tk, n_tk, &d->v6))) {
			vp_error_set(err, VP_ERR_INVALID, "cannot create network '%s': subnet %s overlaps %s",
				     req->name, req->ipv6, o->what);
			goto out;
		}
		d->has_v6 = true;
		vp_cidr_nth(&d->v6, 1, a, sizeof(a));
		d->gateway6 = vp_strdup(a);
	}
	r = 0;
out:
	taken_free(tk, n_tk);
	return r;
}

struct nstate {
	struct vp_net_create_result *res;
};

static struct vp_net_create_result *res_of(struct vp_apply *ap)
{
	return ((struct nstate *)ap->plan->ctx)->res;
}

static json_object *network_undo(const struct vp_net_def *d, const char *kind)
{
	json_object *u = vp_undo_new(kind);

	vp_undo_set(u, "uuid", d->uuid);
	vp_undo_set(u, "name", d->name);
	return u;
}

static int step_net_define(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_net_create_result *res = res_of(ap);
	virNetworkPtr net;
	int idx;

	(void)st;
	if ((idx = vp_apply_intent(ap, network_undo(&res->def, "network"), err)) < 0)
		return -1;
	net = virNetworkDefineXML(ap->conn, res->xml);
	if (!net) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot define network '%s'", res->def.name);
		/* a name or UUID taken meanwhile is not ours to undo */
		{
			_cleanup_(virNetworkFreep) virNetworkPtr o =
				virNetworkLookupByUUIDString(ap->conn, res->def.uuid);

			if (!o)
				vp_apply_failed(ap, idx);
			virResetLastError();
		}
		return -1;
	}
	virNetworkFree(net);
	return 0;
}

static int step_net_start(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_net_create_result *res = res_of(ap);
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;

	(void)st;
	if (vp_apply_intent(ap, network_undo(&res->def, "network-start"), err) < 0)
		return -1;
	net = virNetworkLookupByUUIDString(ap->conn, res->def.uuid);
	if (!net || virNetworkCreate(net) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start network '%s'", res->def.name);
	return 0;
}

static int step_net_autostart(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_net_create_result *res = res_of(ap);
	_cleanup_(virNetworkFreep) virNetworkPtr net =
		virNetworkLookupByUUIDString(ap->conn, res->def.uuid);

	(void)st;
	/* no undo of its own: undefining the network undoes it */
	if (!net || virNetworkSetAutostart(net, 1) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot mark network '%s' to start at boot", res->def.name);
	return 0;
}

static void add_steps(struct vp_plan *plan, const struct vp_net_req *req,
		      const struct vp_net_def *d)
{
	struct vp_step *st;
	char sub[80] = "", sub6[80] = "", what[400];

	if (d->has_v4)
		vp_cidr_format(&d->v4, sub, sizeof(sub));
	if (d->has_v6)
		vp_cidr_format(&d->v6, sub6, sizeof(sub6));
	if (d->mode == VP_NET_BRIDGE)
		snprintf(what, sizeof(what), "on host bridge '%s'", d->bridge);
	else
		snprintf(what, sizeof(what), "%s, host %s, DHCP %s%s%s%s%s%s%s", sub, d->gateway,
			 d->dhcp_start ? d->dhcp_start : "off", d->dhcp_start ? "-" : "",
			 d->dhcp_end ? d->dhcp_end : "", d->has_v6 ? ", IPv6 " : "", sub6,
			 d->bridge ? ", bridge " : "", d->bridge ? d->bridge : "");
	st = vp_plan_add(plan, "network-define", step_net_define, "define network '%s' (%s, %s)",
			 d->name, vp_net_mode_name(d->mode), what);
	vp_step_detail_str(st, "network", d->name);
	vp_step_detail_str(st, "uuid", d->uuid);
	vp_step_detail_str(st, "mode", vp_net_mode_name(d->mode));
	vp_step_detail_str(st, "bridge", d->bridge);
	vp_step_detail_str(st, "subnet", d->has_v4 ? sub : NULL);
	vp_step_detail_str(st, "gateway", d->gateway);
	vp_step_detail_str(st, "dhcp_start", d->dhcp_start);
	vp_step_detail_str(st, "dhcp_end", d->dhcp_end);
	vp_step_detail_str(st, "ipv6", d->has_v6 ? sub6 : NULL);
	st = vp_plan_add(plan, "network-start", step_net_start, "start network '%s'", d->name);
	vp_step_detail_str(st, "network", d->name);
	if (req->autostart) {
		st = vp_plan_add(plan, "network-autostart", step_net_autostart,
				 "mark network '%s' to start when the host boots", d->name);
		vp_step_detail_str(st, "network", d->name);
	}
}

int vp_net_create(virConnectPtr conn, const struct vp_net_req *req,
		  const struct vp_apply_opts *ao, struct vp_net_create_result *res,
		  struct vp_plan **plan_out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_lock lock = { .fd = -1 };
	struct vp_plan *plan = NULL;
	struct nstate *ns;
	int r = -1;

	memset(res, 0, sizeof(*res));
	if (plan_out)
		*plan_out = NULL;
	/* one create at a time on this machine picks a subnet and a name */
	if (ao && vp_journal_lock(conn, ao->state_dir, "network", "subnets", ao->reporter, &lock,
				  err) < 0)
		return -1;
	if (resolve(conn, req, &res->def, err) < 0 || vp_net_build_xml(&res->def, &doc, err) < 0 ||
	    vp_schema_validate(VP_SCHEMA_NETWORK, doc, err) < 0)
		goto out;
	res->xml = vp_xml_format(doc);
	plan = vp_plan_new("net-create", req->name);
	ns = vp_calloc(1, sizeof(*ns));
	ns->res = res;
	plan->ctx = ns;
	plan->free_ctx = free;
	add_steps(plan, req, &res->def);
	r = ao ? vp_plan_apply(conn, plan, ao, NULL, err) : 0;
out:
	vp_journal_unlock(&lock);
	if (plan_out)
		*plan_out = plan;
	else
		vp_plan_free(plan);
	return r;
}

/* ---- reservations ------------------------------------------------------ */

void vp_net_random_mac(virConnectPtr conn, char out[18])
{
	struct nic *nics = NULL;
	size_t n = 0;
	int tries = 0;

	host_nics(conn, &nics, &n);
	do
		vp_mac_random(out);
	while (vm_of_mac(nics, n, out) && ++tries < 100);
	nics_free(nics, n);
}

int vp_net_reserve_check(virConnectPtr conn, const char *network, const char *mac,
			 const char *ip, struct vp_error *err)
{
	struct vp_net_info info = { 0 };
	struct vp_cidr c;
	unsigned char a[4];
	_cleanup_(freep) char *m = vp_strdup(mac);
	uint64_t off;
	size_t i;
	int r = -1;

	lower(m);
	if (inet_pton(AF_INET, ip, a) != 1)
		return vp_error_set(err, VP_ERR_INVALID, "invalid --network ip '%s': not an IPv4 address",
				    ip);
	if (vp_net_info(conn, network, &info, err) < 0)
		return -1;
	if (!info.subnet) {
		vp_error_set(err, VP_ERR_INVALID,
			     "cannot reserve %s on network '%s': it has no IPv4 subnet", ip, network);
		goto out;
	}
	vp_cidr_parse(info.subnet, AF_INET, "subnet", &c, NULL);
	if (!vp_cidr_contains(&c, a)) {
		vp_error_set(err, VP_ERR_INVALID,
			     "cannot reserve %s on network '%s': it is not in the network's subnet %s",
			     ip, network, info.subnet);
		goto out;
	}
	off = v4_offset(&c, a);
	if (off == 0 || off == v4_size(&c) - 1 || streq(ip, info.gateway)) {
		vp_error_set(err, VP_ERR_INVALID,
			     "cannot reserve %s on network '%s': it is the subnet's %s address", ip,
			     network, off == 0 ? "network" : off == v4_size(&c) - 1 ? "broadcast" : "host");
		goto out;
	}
	if (!info.dhcp_start) {
		vp_error_set(err, VP_ERR_INVALID,
			     "cannot reserve %s on network '%s': it has no DHCP server", ip, network);
		goto out;
	}
	for (i = 0; i < info.n_hosts; i++) {
		const struct vp_net_host *h = &info.hosts[i];

		if (streq(h->ip, ip) && !streq(h->mac, m)) {
			vp_error_set(err, VP_ERR_EXISTS,
				     "cannot reserve %s on network '%s': it is reserved for %s%s%s%s", ip,
				     network, h->mac ? h->mac : "another host", h->name ? " ('" : "",
				     h->name ? h->name : "", h->name ? "')" : "");
			goto out;
		}
		if (streq(h->mac, m)) {
			vp_error_set(err, VP_ERR_EXISTS,
				     "cannot reserve %s on network '%s': MAC %s already has a reservation there (%s)",
				     ip, network, m, h->ip ? h->ip : "?");
			goto out;
		}
	}
	if (info.active) {
		struct vp_net_lease *l = NULL;
		size_t nl = 0;
		struct vp_error e2 = { 0 };

		/* a driver without leases (the test driver) has none to clash */
		if (vp_net_leases(conn, network, &l, &nl, &e2) == 0)
			for (i = 0; i < nl; i++)
				if (streq(l[i].ip, ip) && !streq(l[i].mac, m)) {
					vp_error_set(err, VP_ERR_EXISTS,
						     "cannot reserve %s on network '%s': it is leased to %s%s%s%s",
						     ip, network, l[i].mac, l[i].vm ? " (VM '" : "",
						     l[i].vm ? l[i].vm : "", l[i].vm ? "')" : "");
					vp_net_leases_free(l, nl);
					goto out;
				}
		vp_net_leases_free(l, nl);
	}
	r = 0;
out:
	vp_net_info_clear(&info);
	return r;
}

static char *host_xml(const char *mac, const char *name, const char *ip)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr h;
	xmlBufferPtr buf;
	char *r;

	if (!doc)
		vp_oom();
	h = xmlNewDocNode(doc, NULL, BAD_CAST "host", NULL);
	if (!h)
		vp_oom();
	xmlDocSetRootElement(doc, h);
	vp_xml_set(h, "mac", mac);
	vp_xml_set(h, "name", name);
	vp_xml_set(h, "ip", ip);
	buf = xmlBufferCreate();
	if (!buf)
		vp_oom();
	xmlNodeDump(buf, doc, h, 0, 0);
	r = vp_strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return r;
}

static unsigned update_flags(virNetworkPtr net)
{
	return VIR_NETWORK_UPDATE_AFFECT_CONFIG |
	       (virNetworkIsActive(net) == 1 ? VIR_NETWORK_UPDATE_AFFECT_LIVE : 0);
}

struct reserve {
	char *network, *mac, *vm, *ip;
};

static void reserve_free(void *p)
{
	struct reserve *r = p;

	if (!r)
		return;
	free(r->network);
	free(r->mac);
	free(r->vm);
	free(r->ip);
	free(r);
}

static int step_reserve(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	const struct reserve *rs = st->data;
	_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;
	_cleanup_(freep) char *xml = host_xml(rs->mac, rs->vm, rs->ip);
	json_object *u;
	int idx;

	if (lookup(ap->conn, rs->network, &net, err) < 0)
		return -1;
	u = vp_undo_new("dhcp-host");
	vp_undo_set(u, "network", rs->network);
	vp_undo_set(u, "mac", rs->mac);
	vp_undo_set(u, "ip", rs->ip);
	if ((idx = vp_apply_intent(ap, u, err)) < 0)
		return -1;
	if (virNetworkUpdate(net, VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
			     VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, xml, update_flags(net)) < 0) {
		vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot reserve %s on network '%s'", rs->ip,
				 rs->network);
		vp_apply_failed(ap, idx);
		return -1;
	}
	return 0;
}

void vp_net_reserve_step(struct vp_plan *plan, const char *network, const char *mac,
			 const char *vm, const char *ip)
{
	struct reserve *rs = vp_calloc(1, sizeof(*rs));
	struct vp_step *st;

	rs->network = vp_strdup(network);
	rs->mac = vp_strdup(mac);
	rs->vm = vp_strdup(vm);
	rs->ip = vp_strdup(ip);
	st = vp_plan_add(plan, "reserve", step_reserve,
			 "reserve %s on network '%s' for VM '%s' (DHCP host entry for %s)", ip,
			 network, vm, mac);
	st->data = rs;
	st->free_data = reserve_free;
	vp_step_detail_str(st, "network", network);
	vp_step_detail_str(st, "mac", mac);
	vp_step_detail_str(st, "ip", ip);
}

int vp_net_unreserve(virConnectPtr conn, const char *network, const char *mac, const char *ip,
		     bool *removed, struct vp_error *err)
{
	_cleanup_(virNetworkFreep) virNetworkPtr net = virNetworkLookupByName(conn, network);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(freep) char *m = vp_strdup(mac), *xml = NULL;
	struct vp_net_info info = { 0 };
	bool found = false;
	size_t i;

	*removed = false;
	if (!net) {
		if (vp_libvirt_error_is(VIR_ERR_NO_NETWORK))
			return 0;
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up network '%s'", network);
	}
	if (net_doc(net, &doc, err) < 0)
		return -1;
	lower(m);
	read_info(doc, &info);
	for (i = 0; i < info.n_hosts && !found; i++)
		found = streq(info.hosts[i].mac, m) && streq(info.hosts[i].ip, ip);
	vp_net_info_clear(&info);
	if (!found)
		return 0; /* gone, or not the entry that was made */
	xml = host_xml(m, NULL, ip);
	if (virNetworkUpdate(net, VIR_NETWORK_UPDATE_COMMAND_DELETE, VIR_NETWORK_SECTION_IP_DHCP_HOST,
			     -1, xml, update_flags(net)) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME,
					"cannot remove the reservation of %s on network '%s'", ip, network);
	*removed = true;
	return 0;
}
