/* provision/guestaddr.h — a running guest's addresses as libvirt learns
 * them (virDomainInterfaceAddresses), from one of three sources:
 *
 *   lease  the DHCP leases of the libvirt network the guest is on (its
 *          dnsmasq): works for any guest on a network libvirt runs, needs
 *          nothing inside the guest;
 *   agent  the QEMU guest agent inside the guest: every interface and
 *          address, also on bridges libvirt does not run, but only with
 *          qemu-guest-agent installed and the agent channel in the VM;
 *   arp    the host's neighbour table: whatever the guest has talked to
 *          the host from, without DHCP or an agent.
 *
 * "any" asks them in that order and keeps the first that gives an address
 * to reach the guest at (not loopback, not link-local); the result says
 * which one it was, and what each source said when none gave one. */
#ifndef VP_GUESTADDR_H
#define VP_GUESTADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "report.h"
#include "virt.h"

enum vp_addr_source { VP_ADDR_LEASE, VP_ADDR_AGENT, VP_ADDR_ARP, VP_ADDR_ANY };
#define VP_ADDR_N_SOURCES 3

struct vp_guest_ip {
	bool ipv6;
	char *addr;
	unsigned prefix;
};

struct vp_guest_iface {
	char *name;                        /* as the source names it (vnet0, eth0); may be NULL */
	char *mac;                         /* may be NULL */
	struct vp_guest_ip *ips;
	size_t n_ips;
};

struct vp_guest_addrs {
	enum vp_addr_source source;        /* the one that answered */
	struct vp_guest_iface *ifs;
	size_t n_ifs;
	/* what each source said when it gave no address ("no lease yet",
	 * libvirt's reason); NULL: not asked, or it answered */
	char *said[VP_ADDR_N_SOURCES];
};

/* "lease", "agent", "arp", "any" */
const char *vp_addr_source_name(enum vp_addr_source s);
/* VP_ERR_INVALID naming the word and the known ones. */
int vp_addr_source_parse(const char *word, enum vp_addr_source *out, struct vp_error *err);

/* Ask once.  1: an address was found (out->source: where); 0: none yet
 * (out->said: what each source asked said); -1 with err: the VM is not
 * running, or libvirt failed otherwise. */
int vp_guest_addrs_get(virDomainPtr dom, enum vp_addr_source want, struct vp_guest_addrs *out,
		       struct vp_error *err);

/* Ask every second until an address is found, or timeout_ms has passed
 * (0: ask once; negative: no end).  0 when found; -1 with err: none in time (VP_ERR_RUNTIME,
 * one sentence saying how long and what each source said), the VM not
 * running or stopped meanwhile, or the reporter's cancel flag
 * (VP_ERR_CANCELLED).  A NULL reporter is never cancelled. */
int vp_guest_addrs_wait(virDomainPtr dom, enum vp_addr_source want, int64_t timeout_ms,
			const struct vp_reporter *r, struct vp_guest_addrs *out,
			struct vp_error *err);

/* The address to reach the guest at: the first IPv4 that is not loopback
 * or link-local, else the first such IPv6; NULL: none. */
const char *vp_guest_addrs_pick(const struct vp_guest_addrs *a);

/* An address a guest can be reached at (not loopback, not link-local,
 * not unspecified). */
bool vp_guest_ip_usable(const struct vp_guest_ip *ip);

void vp_guest_addrs_clear(struct vp_guest_addrs *a);

#endif
