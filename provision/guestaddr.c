/* provision/guestaddr.c — a guest's addresses from the lease, agent or arp
 * source of virDomainInterfaceAddresses */
#include "guestaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "clock.h"

static const char *const source_names[] = { "lease", "agent", "arp", "any" };
static const unsigned source_flag[VP_ADDR_N_SOURCES] = {
	VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
	VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT,
	VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP,
};

const char *vp_addr_source_name(enum vp_addr_source s)
{
	return (unsigned)s <= VP_ADDR_ANY ? source_names[s] : "?";
}

int vp_addr_source_parse(const char *word, enum vp_addr_source *out, struct vp_error *err)
{
	unsigned i;

	for (i = 0; i <= VP_ADDR_ANY; i++)
		if (word && !strcmp(word, source_names[i])) {
			*out = (enum vp_addr_source)i;
			return 0;
		}
	return vp_error_set(err, VP_ERR_INVALID,
			    "unknown address source '%s' (known: lease, agent, arp, any)",
			    word ? word : "");
}

bool vp_guest_ip_usable(const struct vp_guest_ip *ip)
{
	unsigned char b[16];

	if (!ip->addr)
		return false;
	if (!ip->ipv6) {
		if (inet_pton(AF_INET, ip->addr, b) != 1)
			return false;
		/* 0/8, 127/8, 169.254/16 */
		return b[0] != 0 && b[0] != 127 && !(b[0] == 169 && b[1] == 254);
	}
	if (inet_pton(AF_INET6, ip->addr, b) != 1)
		return false;
	{
		static const unsigned char zero[16];
		static const unsigned char one[16] = { [15] = 1 };

		if (!memcmp(b, zero, 16) || !memcmp(b, one, 16))
			return false;
	}
	return !(b[0] == 0xfe && (b[1] & 0xc0) == 0x80);  /* fe80::/10 */
}

const char *vp_guest_addrs_pick(const struct vp_guest_addrs *a)
{
	size_t i, j;
	int v6;

	for (v6 = 0; v6 < 2; v6++)
		for (i = 0; i < a->n_ifs; i++)
			for (j = 0; j < a->ifs[i].n_ips; j++) {
				const struct vp_guest_ip *ip = &a->ifs[i].ips[j];

				if (ip->ipv6 == (bool)v6 && vp_guest_ip_usable(ip))
					return ip->addr;
			}
	return NULL;
}

static void ifs_free(struct vp_guest_iface *ifs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		free(ifs[i].name);
		free(ifs[i].mac);
		for (j = 0; j < ifs[i].n_ips; j++)
			free(ifs[i].ips[j].addr);
		free(ifs[i].ips);
	}
	free(ifs);
}

void vp_guest_addrs_clear(struct vp_guest_addrs *a)
{
	unsigned i;

	if (!a)
		return;
	ifs_free(a->ifs, a->n_ifs);
	for (i = 0; i < VP_ADDR_N_SOURCES; i++)
		free(a->said[i]);
	memset(a, 0, sizeof(*a));
}

/* One source.  1: a usable address (out->ifs filled); 0: none (out->said
 * filled); -1: the VM is gone or stopped. */
static int ask(virDomainPtr dom, enum vp_addr_source src, struct vp_guest_addrs *out,
	       struct vp_error *err)
{
	virDomainInterfacePtr *ifaces = NULL;
	struct vp_guest_iface *ifs;
	int n, i, found = 0;
	unsigned j;

	virResetLastError();
	n = virDomainInterfaceAddresses(dom, &ifaces, source_flag[src], 0);
	if (n < 0) {
		struct vp_error e = { 0 };
		bool invalid = vp_libvirt_error_is(VIR_ERR_OPERATION_INVALID);

		/* libvirt's reason, as one short clause (saved first: the next
		 * call clears it) */
		vp_error_set(&e, VP_ERR_RUNTIME, "failed");
		vp_error_append_reason(&e, virGetLastErrorMessage());
		if (invalid && virDomainIsActive(dom) == 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "VM '%s' is not running",
					    virDomainGetName(dom));
		out->said[src] = vp_strdup(e.msg + strlen("failed: "));
		return 0;
	}
	ifs = vp_calloc((size_t)n + 1, sizeof(*ifs));
	for (i = 0; i < n; i++) {
		virDomainInterfacePtr f = ifaces[i];
		struct vp_guest_iface *g = &ifs[i];

		g->name = f->name ? vp_strdup(f->name) : NULL;
		g->mac = f->hwaddr ? vp_strdup(f->hwaddr) : NULL;
		g->ips = vp_calloc(f->naddrs + 1, sizeof(*g->ips));
		for (j = 0; j < f->naddrs; j++) {
			struct vp_guest_ip *ip = &g->ips[g->n_ips];

			if (!f->addrs[j].addr)
				continue;
			ip->ipv6 = f->addrs[j].type == VIR_IP_ADDR_TYPE_IPV6;
			ip->addr = vp_strdup(f->addrs[j].addr);
			ip->prefix = f->addrs[j].prefix;
			if (vp_guest_ip_usable(ip))
				found = 1;
			g->n_ips++;
		}
		virDomainInterfaceFree(f);
	}
	free(ifaces);
	if (!found) {
		out->said[src] = vp_strdup(n == 0 ? (src == VP_ADDR_LEASE ? "no lease yet"
								   : "no interface with an address")
						  : "no address to reach the guest at");
		ifs_free(ifs, (size_t)n);
		return 0;
	}
	ifs_free(out->ifs, out->n_ifs);
	out->ifs = ifs;
	out->n_ifs = (size_t)n;
	out->source = src;
	return 1;
}

int vp_guest_addrs_get(virDomainPtr dom, enum vp_addr_source want, struct vp_guest_addrs *out,
		       struct vp_error *err)
{
	unsigned s;
	int r;

	vp_guest_addrs_clear(out);
	r = virDomainIsActive(dom);
	if (r < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot ask about VM '%s'",
					virDomainGetName(dom));
	if (r == 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "VM '%s' is not running", virDomainGetName(dom));
	for (s = 0; s < VP_ADDR_N_SOURCES; s++) {
		if (want != VP_ADDR_ANY && (unsigned)want != s)
			continue;
		r = ask(dom, (enum vp_addr_source)s, out, err);
		if (r != 0)
			return r;
	}
	return 0;
}

/* "lease: no lease yet; agent: ...; arp: ..." */
static char *said_text(const struct vp_guest_addrs *a)
{
	char *t = vp_strdup(""), *n;
	unsigned s;

	for (s = 0; s < VP_ADDR_N_SOURCES; s++) {
		if (!a->said[s])
			continue;
		n = vp_strdup_printf("%s%s%s: %s", t, t[0] ? "; " : "", source_names[s], a->said[s]);
		free(t);
		t = n;
	}
	return t;
}

int vp_guest_addrs_wait(virDomainPtr dom, enum vp_addr_source want, int64_t timeout_ms,
			const struct vp_reporter *r, struct vp_guest_addrs *out,
			struct vp_error *err)
{
	int64_t start = vp_now_ms();
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : start + timeout_ms;
	bool said_waiting = false;

	for (;;) {
		int64_t next = vp_now_ms() + 1000;
		int got = vp_guest_addrs_get(dom, want, out, err);

		if (got < 0)
			return -1;
		if (got > 0)
			return 0;
		if (vp_now_ms() >= deadline) {
			char *why = said_text(out);

			if (timeout_ms > 0)
				vp_error_set(err, VP_ERR_RUNTIME,
					     "no address for VM '%s' after %lld s (%s)",
					     virDomainGetName(dom), (long long)(timeout_ms / 1000), why);
			else
				vp_error_set(err, VP_ERR_RUNTIME, "no address for VM '%s' (%s)",
					     virDomainGetName(dom), why);
			free(why);
			return -1;
		}
		if (!said_waiting) {
			vp_report_progress(r, "waiting for an address", 0, 0);
			said_waiting = true;
		}
		while (vp_now_ms() < next && vp_now_ms() < deadline) {
			struct timespec ts = { 0, 100 * 1000000L };

			if (vp_report_cancelled(r))
				return vp_error_set(err, VP_ERR_CANCELLED,
						    "interrupted while waiting for an address of VM '%s'",
						    virDomainGetName(dom));
			nanosleep(&ts, NULL);
		}
		if (vp_report_cancelled(r))
			return vp_error_set(err, VP_ERR_CANCELLED,
					    "interrupted while waiting for an address of VM '%s'",
					    virDomainGetName(dom));
	}
}
