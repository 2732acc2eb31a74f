/* provision/network.h — libvirt networks: create (a plan, like a VM's),
 * list, info, start, stop, delete, DHCP leases; and the DHCP reservations
 * `vprov create --network network=NAME,ip=A.B.C.D` makes for a VM.
 *
 * A network's addresses follow one rule, so scripts can count on them:
 * the subnet is given as CIDR (or the first free 192.168.N.0/24, N from
 * 100 up, is taken); the host's (gateway's) address is the subnet's first
 * host address; DHCP, on by default for nat, isolated, routed and open,
 * hands out the second half of the subnet without the broadcast address
 * (192.168.150.0/24: .128-.254).  A bridge-mode network uses an existing
 * host bridge and has no addresses of its own.
 *
 * Overlaps are refused before anything is defined: with every network of
 * the connection (active or not, IPv4 and IPv6) and, when the host is this
 * machine, with its routes (/proc/net/route, /proc/net/ipv6_route).
 */
#ifndef VP_NETWORK_H
#define VP_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>

#include "error.h"
#include "plan.h"
#include "virt.h"

/* ---- addresses (pure) -------------------------------------------------- */

struct vp_cidr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char addr[16];  /* network byte order; IPv4 in the first 4 */
	unsigned prefix;
};

/* "192.168.150.0/24", "fd00:1::/64": the network address (host bits zero)
 * and a prefix that leaves room for a host and a gateway (IPv4 /8-/30,
 * IPv6 /8-/126).  what names the option in the message ("--subnet"). */
int vp_cidr_parse(const char *text, int family, const char *what, struct vp_cidr *out,
		  struct vp_error *err);
/* "192.168.150.0/24" */
void vp_cidr_format(const struct vp_cidr *c, char *buf, size_t len);
bool vp_cidr_overlap(const struct vp_cidr *a, const struct vp_cidr *b);
/* addr (network byte order, of c's family) lies in c. */
bool vp_cidr_contains(const struct vp_cidr *c, const unsigned char *addr);
/* The address n past the network address (n may not leave the subnet),
 * as text. */
void vp_cidr_nth(const struct vp_cidr *c, uint64_t n, char *buf, size_t len);
/* The default DHCP range of an IPv4 subnet: the second half without the
 * broadcast address (for a /30 and smaller: the hosts after the gateway). */
void vp_cidr_dhcp_default(const struct vp_cidr *c, char *start, char *end, size_t len);

/* A route of the host's routing table. */
struct vp_route {
	struct vp_cidr dst;
	char dev[32];
};
/* The contents of /proc/net/route or /proc/net/ipv6_route (family says
 * which), without default routes, multicast, link-local and local
 * (own-address) entries: what a new subnet must not overlap. */
int vp_routes_parse(const char *text, int family, struct vp_route **out, size_t *n);

/* ---- building a network (pure) ----------------------------------------- */

enum vp_net_mode { VP_NET_NAT, VP_NET_ISOLATED, VP_NET_ROUTED, VP_NET_BRIDGE, VP_NET_OPEN };
/* "nat" ... "open"; -1 when unknown */
int vp_net_mode_parse(const char *s);
const char *vp_net_mode_name(enum vp_net_mode m);

/* A network, resolved: every address chosen. */
struct vp_net_def {
	char *name, *uuid;
	enum vp_net_mode mode;
	char *bridge;            /* bridge: the host's; others: NULL lets libvirt pick virbrN */
	char *domain;            /* DNS domain, or NULL */
	bool has_v4;
	struct vp_cidr v4;
	char *gateway;           /* the first host address */
	char *dhcp_start, *dhcp_end; /* NULL: no DHCP */
	bool has_v6;
	struct vp_cidr v6;
	char *gateway6;
};
void vp_net_def_clear(struct vp_net_def *d);

/* The network document from templates/network.xml.  Not validated. */
int vp_net_build_xml(const struct vp_net_def *d, xmlDocPtr *out, struct vp_error *err);

/* ---- creating one ------------------------------------------------------ */

struct vp_net_req {
	const char *name;
	enum vp_net_mode mode;
	const char *subnet;      /* CIDR; NULL: the first free 192.168.N.0/24 */
	const char *dhcp;        /* "START-END", "none"; NULL: the default range */
	const char *bridge;
	const char *domain;
	const char *ipv6;        /* CIDR, or NULL */
	bool autostart;
	const char *uuid;        /* tests: instead of a random one */
	/* tests: the host's routing tables instead of /proc/net (NULL: read
	 * them on a local host) */
	const char *routes4, *routes6;
};

struct vp_net_create_result {
	struct vp_net_def def;
	char *xml;
};
void vp_net_create_result_clear(struct vp_net_create_result *r);

/* Check req (INVALID, one sentence) without a host: for usage errors
 * before connecting. */
int vp_net_req_check(const struct vp_net_req *req, struct vp_error *err);

/* Resolve req against conn (the subnet, overlaps: INVALID naming the
 * other network or route) into res and a plan (steps "network-define",
 * "network-start", "network-autostart"); with ao (not NULL) apply it:
 * a failure after the definition removes it again.  plan (may be NULL)
 * gets the plan, to free after res. */
int vp_net_create(virConnectPtr conn, const struct vp_net_req *req,
		  const struct vp_apply_opts *ao, struct vp_net_create_result *res,
		  struct vp_plan **plan, struct vp_error *err);

/* ---- existing networks ------------------------------------------------- */

struct vp_net_host {
	char *mac, *name, *ip;
};

struct vp_net_info {
	char *name, *uuid;
	char *mode;              /* nat, isolated, routed, bridge, open, or libvirt's forward mode */
	char *bridge;
	char *subnet, *gateway;  /* IPv4 CIDR and host address, or NULL */
	char *dhcp_start, *dhcp_end;
	char *subnet6, *gateway6;
	char *domain;
	bool active, autostart, persistent;
	struct vp_net_host *hosts;   /* DHCP reservations (IPv4) */
	size_t n_hosts;
	char **vms;                  /* the VMs with a NIC on it, by name */
	size_t n_vms;
};
void vp_net_info_clear(struct vp_net_info *i);
void vp_net_infos_free(struct vp_net_info *l, size_t n);

int vp_net_list(virConnectPtr conn, struct vp_net_info **out, size_t *n, struct vp_error *err);
int vp_net_info(virConnectPtr conn, const char *name, struct vp_net_info *out,
		struct vp_error *err);
/* *was: it was already running / already stopped. */
int vp_net_start(virConnectPtr conn, const char *name, bool *was, struct vp_error *err);
/* Refused (RUNTIME, naming them) while a defined VM has a NIC on it. */
int vp_net_stop(virConnectPtr conn, const char *name, bool *was, struct vp_error *err);
int vp_net_delete(virConnectPtr conn, const char *name, struct vp_error *err);

struct vp_net_lease {
	char *mac, *ip, *hostname, *vm;  /* vm: the VM with that MAC, or NULL */
	int prefix;
	int64_t expiry;                  /* seconds since the epoch */
};
int vp_net_leases(virConnectPtr conn, const char *name, struct vp_net_lease **out, size_t *n,
		  struct vp_error *err);
void vp_net_leases_free(struct vp_net_lease *l, size_t n);

/* ---- reservations ------------------------------------------------------ */

/* A random 52:54:00 MAC no VM of conn uses. */
void vp_net_random_mac(virConnectPtr conn, char out[18]);

/* May vm reserve ip on network (mac: its NIC's)?  INVALID when ip is not
 * a host address of the network's IPv4 subnet or it has no DHCP; EXISTS
 * when ip is reserved for, or leased to, another MAC (naming it). */
int vp_net_reserve_check(virConnectPtr conn, const char *network, const char *mac,
			 const char *ip, struct vp_error *err);

/* The plan step "reserve" (journalled: its undo removes the entry):
 * <host mac name ip/> added to the network's DHCP (its definition, and
 * the running network too). */
void vp_net_reserve_step(struct vp_plan *plan, const char *network, const char *mac,
			 const char *vm, const char *ip);

/* Remove network's DHCP host entry of mac and ip (the definition's and
 * the running network's); *removed false when there was none (or the
 * network is gone). */
int vp_net_unreserve(virConnectPtr conn, const char *network, const char *mac, const char *ip,
		     bool *removed, struct vp_error *err);

#endif
