/* cmd/ip.c — vprov ip NAME [--wait TIME] [--source lease|agent|arp|any] [--json] */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "guestaddr.h"
#include "units.h"
#include "vprov.h"

static const struct vp_opt options[] = {
	VP_OPT_VALUE('w', "wait", "TIME",
		     "wait up to TIME (seconds, or 30s, 5m) for an address to appear;\n"
		     "without it vprov asks once"),
	VP_OPT_VALUE(0, "source", "SOURCE",
		     "where to ask: lease (the network's DHCP leases), agent (the\n"
		     "QEMU guest agent), arp (the host's ARP table), or any (the\n"
		     "default: those three in that order)",
		     .comp = VP_COMP_WORDS, .words = "lease agent arp any"),
	VP_OPT_FLAG(0, "json", "print a JSON object"),
	VP_OPT_END,
};

int vp_addr_args(struct vp_ctx *ctx, const struct vp_args *a, int64_t *wait_ms,
		 enum vp_addr_source *src)
{
	struct vp_error err = { 0 };
	const char *v;

	if ((v = vp_arg_str(a, "wait")) &&
	    vp_parse_duration(v, 7 * 24 * 3600 * 1000LL, "--wait", wait_ms, &err) < 0)
		return vp_fail(ctx, &err);
	if ((v = vp_arg_str(a, "source")) && vp_addr_source_parse(v, src, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	return VP_EXIT_OK;
}

static int check(struct vp_ctx *ctx, const struct vp_args *a)
{
	int64_t w = 0;
	enum vp_addr_source s = VP_ADDR_ANY;

	return vp_addr_args(ctx, a, &w, &s);
}

static const char *source_what(enum vp_addr_source s)
{
	switch (s) {
	case VP_ADDR_LEASE: return "the network's DHCP leases";
	case VP_ADDR_AGENT: return "the guest agent";
	case VP_ADDR_ARP: return "the host's ARP table";
	default: return "";
	}
}

static void print_json(const char *name, const struct vp_guest_addrs *g)
{
	json_object *o = json_object_new_object(), *ifs = json_object_new_array();
	size_t i, j;

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "source", json_object_new_string(vp_addr_source_name(g->source)));
	json_object_object_add(o, "address", vp_json_str(vp_guest_addrs_pick(g)));
	for (i = 0; i < g->n_ifs; i++) {
		json_object *f = json_object_new_object(), *ips = json_object_new_array();

		json_object_object_add(f, "name", vp_json_str(g->ifs[i].name));
		json_object_object_add(f, "mac", vp_json_str(g->ifs[i].mac));
		for (j = 0; j < g->ifs[i].n_ips; j++) {
			json_object *ip = json_object_new_object();

			json_object_object_add(ip, "type", json_object_new_string(
								  g->ifs[i].ips[j].ipv6 ? "ipv6" : "ipv4"));
			json_object_object_add(ip, "address", vp_json_str(g->ifs[i].ips[j].addr));
			json_object_object_add(ip, "prefix",
					       json_object_new_int((int)g->ifs[i].ips[j].prefix));
			json_object_array_add(ips, ip);
		}
		json_object_object_add(f, "addresses", ips);
		json_object_array_add(ifs, f);
	}
	json_object_object_add(o, "interfaces", ifs);
	vp_json_print(o);
}

static void print_text(const struct vp_guest_addrs *g)
{
	size_t i, j, w = 9;

	for (i = 0; i < g->n_ifs; i++)
		if (g->ifs[i].name && strlen(g->ifs[i].name) > w)
			w = strlen(g->ifs[i].name);
	printf("%-*s  %-17s  %-8s  %s\n", (int)w, "INTERFACE", "MAC", "PROTOCOL", "ADDRESS");
	for (i = 0; i < g->n_ifs; i++)
		for (j = 0; j < g->ifs[i].n_ips; j++)
			printf("%-*s  %-17s  %-8s  %s/%u\n", (int)w,
			       g->ifs[i].name ? g->ifs[i].name : "-",
			       g->ifs[i].mac ? g->ifs[i].mac : "-",
			       g->ifs[i].ips[j].ipv6 ? "ipv6" : "ipv4", g->ifs[i].ips[j].addr,
			       g->ifs[i].ips[j].prefix);
	printf("source: %s (%s)\n", vp_addr_source_name(g->source), source_what(g->source));
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_guest_addrs g = { 0 };
	struct vp_error err = { 0 };
	int64_t wait_ms = 0;
	enum vp_addr_source src = VP_ADDR_ANY;
	int rc = vp_addr_args(ctx, a, &wait_ms, &src);

	if (rc != VP_EXIT_OK)
		return rc;
	if (vp_guest_addrs_wait(ctx->dom, src, wait_ms, &ctx->reporter, &g, &err) < 0) {
		vp_reporter_done(ctx);
		vp_guest_addrs_clear(&g);
		return vp_fail(ctx, &err);
	}
	vp_reporter_done(ctx);
	if (ctx->json)
		print_json(ctx->name, &g);
	else
		print_text(&g);
	vp_guest_addrs_clear(&g);
	return VP_EXIT_OK;
}

const struct vp_cmd vp_cmd_ip = {
	.name = "ip",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 1,
	.max_args = 1,
	.arg_comp = VP_COMP_VM,
	.summary = "show a running VM's addresses and where they came from",
	.description =
		"Asks libvirt for the guest's addresses per interface (MAC, interface,\n"
		"addresses with their prefix) from the DHCP leases of the libvirt network\n"
		"it is on (lease), the QEMU guest agent inside it (agent: needs\n"
		"qemu-guest-agent in the guest), or the host's ARP table (arp), and says\n"
		"which one answered.  With --source any (the default) they are asked in\n"
		"that order, and the first that knows an address to reach the guest at\n"
		"(not loopback, not link-local) answers.\n"
		"\n"
		"With --wait, vprov asks every second until an address appears; when the\n"
		"time is up it fails with one line saying what each source said.  Ctrl+C\n"
		"stops the wait.  A VM that is not running has no address: exit 1.",
	.opts = options,
	.needs = VP_NEED_CONN | VP_NEED_DOMAIN | VP_NEED_SIGNALS,
	.check = check,
	.run = run,
};
