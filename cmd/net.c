/* cmd/net.c — vprov net create|list|info|start|stop|delete|lease: libvirt
 * networks (nat, isolated, routed, bridge, open) */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vprov.h"
#include "cleanup.h"
#include "fs.h"
#include "network.h"
#include "plan.h"

static const struct vp_opt create_opts[] = {
	VP_OPT_VALUE(0, "mode", "MODE", "nat (the default), isolated, routed, bridge or open",
		     .comp = VP_COMP_WORDS, .words = "nat isolated routed bridge open"),
	VP_OPT_VALUE(0, "subnet", "CIDR", "the IPv4 subnet (192.168.150.0/24); the host takes its\n"
					  "first address.  Default: the first free 192.168.N.0/24\n"
					  "(N from 100 up)"),
	VP_OPT_VALUE(0, "dhcp", "START-END|none", "the DHCP range (default: the subnet's second half\n"
						  "without the broadcast address), or none"),
	VP_OPT_VALUE(0, "bridge", "BR", "--mode bridge: the existing host bridge to use; other\n"
					"modes: the name of the bridge libvirt makes (default virbrN)"),
	VP_OPT_VALUE(0, "domain", "D", "the DNS domain of the network's guests"),
	VP_OPT_VALUE(0, "ipv6", "CIDR", "an IPv6 subnet too (fd00:150::/64); the host takes its\n"
					"first address"),
	VP_OPT_FLAG(0, "autostart", "start the network when the host boots"),
	VP_OPT_FLAG(0, "dry-run", "check everything, say what would be done, change nothing"),
	VP_OPT_FLAG(0, "print-xml", "print the network's XML; change nothing"),
	VP_OPT_FLAG(0, "json", "print the result (or with --dry-run the plan) as JSON"),
	VP_OPT_END,
};

static const struct vp_opt json_opts[] = {
	VP_OPT_FLAG(0, "json", "print JSON"),
	VP_OPT_END,
};

static const struct vp_opt no_opts[] = {
	VP_OPT_END,
};

static const char description[] =
	"Modes: nat (guests reach out through the host's address, the default),\n"
	"isolated (guests reach each other and the host only), routed (the host\n"
	"routes the subnet without NAT), open (addresses without any firewall rules\n"
	"from libvirt) and bridge (guests join an existing host bridge, whose own\n"
	"network gives them addresses).\n"
	"\n"
	"Addresses: the host (gateway) takes the subnet's first address; DHCP hands\n"
	"out the second half of the subnet without the broadcast address\n"
	"(192.168.150.0/24: .128 to .254), so the first half is free for\n"
	"reservations (vprov create --network network=NAME,ip=A.B.C.D).  A subnet\n"
	"that overlaps another network of the host, or one of its routes (when the\n"
	"host is this machine), is refused before anything is defined.\n"
	"\n"
	"A network a defined VM uses is neither stopped nor deleted.\n"
	"\n"
	"  vprov net create lab --subnet 192.168.150.0/24\n"
	"  vprov net create backend --mode isolated --dhcp none\n"
	"  vprov net create lan --mode bridge --bridge br0\n"
	"  vprov net info lab\n"
	"  vprov net lease lab";

static int check_create(struct vp_ctx *ctx, const struct vp_args *a)
{
	const char *mode = vp_arg_str(a, "mode");
	struct vp_error err = { 0 };
	int m = mode ? vp_net_mode_parse(mode) : VP_NET_NAT;
	struct vp_net_req req = {
		.name = vp_arg_pos(a, 0),
		.subnet = vp_arg_str(a, "subnet"),
		.dhcp = vp_arg_str(a, "dhcp"),
		.bridge = vp_arg_str(a, "bridge"),
		.domain = vp_arg_str(a, "domain"),
		.ipv6 = vp_arg_str(a, "ipv6"),
	};

	if (m < 0)
		return vp_usage_error(ctx, "invalid --mode '%s': use nat, isolated, routed, bridge or open",
				      mode);
	req.mode = (enum vp_net_mode)m;
	if (vp_arg_flag(a, "dry-run") && vp_arg_flag(a, "print-xml"))
		return vp_usage_error(ctx, "--dry-run and --print-xml exclude each other");
	if (vp_net_req_check(&req, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg);
	return VP_EXIT_OK;
}

static json_object *info_json(const struct vp_net_info *n)
{
	json_object *o = json_object_new_object(), *arr;
	size_t i;

	json_object_object_add(o, "name", vp_json_str(n->name));
	json_object_object_add(o, "uuid", vp_json_str(n->uuid));
	json_object_object_add(o, "mode", vp_json_str(n->mode));
	json_object_object_add(o, "bridge", vp_json_str(n->bridge));
	json_object_object_add(o, "subnet", vp_json_str(n->subnet));
	json_object_object_add(o, "gateway", vp_json_str(n->gateway));
	json_object_object_add(o, "dhcp_start", vp_json_str(n->dhcp_start));
	json_object_object_add(o, "dhcp_end", vp_json_str(n->dhcp_end));
	json_object_object_add(o, "ipv6_subnet", vp_json_str(n->subnet6));
	json_object_object_add(o, "ipv6_gateway", vp_json_str(n->gateway6));
	json_object_object_add(o, "domain", vp_json_str(n->domain));
	json_object_object_add(o, "active", json_object_new_boolean(n->active));
	json_object_object_add(o, "autostart", json_object_new_boolean(n->autostart));
	json_object_object_add(o, "persistent", json_object_new_boolean(n->persistent));
	arr = json_object_new_array();
	for (i = 0; i < n->n_hosts; i++) {
		json_object *h = json_object_new_object();

		json_object_object_add(h, "mac", vp_json_str(n->hosts[i].mac));
		json_object_object_add(h, "name", vp_json_str(n->hosts[i].name));
		json_object_object_add(h, "ip", vp_json_str(n->hosts[i].ip));
		json_object_array_add(arr, h);
	}
	json_object_object_add(o, "reservations", arr);
	arr = json_object_new_array();
	for (i = 0; i < n->n_vms; i++)
		json_object_array_add(arr, vp_json_str(n->vms[i]));
	json_object_object_add(o, "vms", arr);
	return o;
}

static int net_create(struct vp_ctx *ctx, const struct vp_args *a)
{
	_cleanup_(freep) char *state = vp_state_dir();
	struct vp_net_create_result res = { 0 };
	struct vp_test_pause pause = { 0 };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	const char *mode = vp_arg_str(a, "mode");
	bool dry = vp_arg_flag(a, "dry-run"), print = vp_arg_flag(a, "print-xml");
	struct vp_apply_opts ao = {
		.state_dir = state,
		.reporter = &ctx->reporter,
	};
	struct vp_net_req req = {
		.name = vp_arg_pos(a, 0),
		.mode = mode ? (enum vp_net_mode)vp_net_mode_parse(mode) : VP_NET_NAT,
		.subnet = vp_arg_str(a, "subnet"),
		.dhcp = vp_arg_str(a, "dhcp"),
		.bridge = vp_arg_str(a, "bridge"),
		.domain = vp_arg_str(a, "domain"),
		.ipv6 = vp_arg_str(a, "ipv6"),
		.autostart = vp_arg_flag(a, "autostart"),
	};
	int rc = VP_EXIT_OK;
	size_t i;

	vp_test_knobs(&ao.fail_at, &ao.hook, &ao.hook_opaque, &pause);
	if (vp_net_create(ctx->conn, &req, dry || print ? NULL : &ao, &res, &plan, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	vp_reporter_done(ctx);
	if (print) {
		fputs(res.xml, stdout);
	} else if (ctx->json) {
		struct vp_net_info info = { 0 };
		json_object *o;

		if (!dry && vp_net_info(ctx->conn, req.name, &info, &err) == 0) {
			o = info_json(&info);
		} else {
			o = json_object_new_object();
			json_object_object_add(o, "name", vp_json_str(req.name));
		}
		json_object_object_add(o, "created", json_object_new_boolean(!dry));
		json_object_object_add(o, "plan", vp_plan_to_json(plan));
		vp_net_info_clear(&info);
		vp_json_print(o);
	} else if (dry) {
		for (i = 0; i < plan->n_steps; i++)
			printf("would %s\n", plan->steps[i].desc);
	} else {
		const struct vp_net_def *d = &res.def;

		printf("created network '%s' (%s)\n", d->name, vp_net_mode_name(d->mode));
		if (d->has_v4) {
			char sub[80];

			vp_cidr_format(&d->v4, sub, sizeof(sub));
			printf("  subnet: %s, host %s\n", sub, d->gateway);
			if (d->dhcp_start)
				printf("  dhcp:   %s - %s\n", d->dhcp_start, d->dhcp_end);
			else
				printf("  dhcp:   off\n");
		}
		if (d->has_v6) {
			char sub[80];

			vp_cidr_format(&d->v6, sub, sizeof(sub));
			printf("  ipv6:   %s, host %s\n", sub, d->gateway6);
		}
		if (d->bridge)
			printf("  bridge: %s\n", d->bridge);
		if (req.autostart)
			printf("  starts when the host boots\n");
	}
out:
	vp_plan_free(plan);
	vp_net_create_result_clear(&res);
	return rc;
}

static void dhcp_text(const struct vp_net_info *n, char *buf, size_t len)
{
	if (n->dhcp_start)
		snprintf(buf, len, "%s-%s", n->dhcp_start, n->dhcp_end ? n->dhcp_end : "?");
	else
		snprintf(buf, len, "-");
}

static int net_list(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_net_info *l = NULL;
	struct vp_error err = { 0 };
	size_t n = 0, i, w = 4;
	char dhcp[80];

	(void)a;
	if (vp_net_list(ctx->conn, &l, &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(arr, info_json(&l[i]));
		vp_json_print(arr);
		vp_net_infos_free(l, n);
		return VP_EXIT_OK;
	}
	for (i = 0; i < n; i++)
		if (strlen(l[i].name) > w)
			w = strlen(l[i].name);
	printf("%-*s  %-8s  %-8s  %-9s  %-18s  %-31s  %s\n", (int)w, "NAME", "MODE", "STATE",
	       "AUTOSTART", "SUBNET", "DHCP", "VMS");
	for (i = 0; i < n; i++) {
		dhcp_text(&l[i], dhcp, sizeof(dhcp));
		printf("%-*s  %-8s  %-8s  %-9s  %-18s  %-31s  %zu\n", (int)w, l[i].name, l[i].mode,
		       l[i].active ? "active" : "inactive", l[i].autostart ? "yes" : "no",
		       l[i].subnet ? l[i].subnet : l[i].bridge ? l[i].bridge : "-", dhcp, l[i].n_vms);
	}
	vp_net_infos_free(l, n);
	return VP_EXIT_OK;
}

static int net_info(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_net_info n = { 0 };
	struct vp_error err = { 0 };
	char dhcp[80];
	size_t i;

	if (vp_net_info(ctx->conn, vp_arg_pos(a, 0), &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		vp_json_print(info_json(&n));
		vp_net_info_clear(&n);
		return VP_EXIT_OK;
	}
	dhcp_text(&n, dhcp, sizeof(dhcp));
	printf("name:         %s\n", n.name);
	printf("uuid:         %s\n", n.uuid ? n.uuid : "-");
	printf("mode:         %s\n", n.mode);
	printf("bridge:       %s\n", n.bridge ? n.bridge : "-");
	printf("subnet:       %s\n", n.subnet ? n.subnet : "-");
	printf("host address: %s\n", n.gateway ? n.gateway : "-");
	printf("dhcp:         %s\n", dhcp);
	if (n.subnet6)
		printf("ipv6:         %s (host %s)\n", n.subnet6, n.gateway6 ? n.gateway6 : "-");
	if (n.domain)
		printf("domain:       %s\n", n.domain);
	printf("state:        %s\n", n.active ? "active" : "inactive");
	printf("autostart:    %s\n", n.autostart ? "yes" : "no");
	printf("persistent:   %s\n", n.persistent ? "yes" : "no");
	printf("reservations: %zu\n", n.n_hosts);
	for (i = 0; i < n.n_hosts; i++)
		printf("  %-15s  %s  %s\n", n.hosts[i].ip ? n.hosts[i].ip : "-",
		       n.hosts[i].mac ? n.hosts[i].mac : "-", n.hosts[i].name ? n.hosts[i].name : "");
	printf("vms:          ");
	for (i = 0; i < n.n_vms; i++)
		printf("%s%s", i ? ", " : "", n.vms[i]);
	printf("%s\n", n.n_vms ? "" : "-");
	vp_net_info_clear(&n);
	return VP_EXIT_OK;
}

static int net_start(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	bool was;

	if (vp_net_start(ctx->conn, vp_arg_pos(a, 0), &was, &err) < 0)
		return vp_fail(ctx, &err);
	printf(was ? "network '%s' is already active\n" : "started network '%s'\n", vp_arg_pos(a, 0));
	return VP_EXIT_OK;
}

static int net_stop(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };
	bool was;

	if (vp_net_stop(ctx->conn, vp_arg_pos(a, 0), &was, &err) < 0)
		return vp_fail(ctx, &err);
	printf(was ? "network '%s' is not active\n" : "stopped network '%s'\n", vp_arg_pos(a, 0));
	return VP_EXIT_OK;
}

static int net_delete(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_error err = { 0 };

	if (vp_net_delete(ctx->conn, vp_arg_pos(a, 0), &err) < 0)
		return vp_fail(ctx, &err);
	printf("deleted network '%s'\n", vp_arg_pos(a, 0));
	return VP_EXIT_OK;
}

static int net_lease(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct vp_net_lease *l = NULL;
	struct vp_error err = { 0 };
	size_t n = 0, i;

	if (vp_net_leases(ctx->conn, vp_arg_pos(a, 0), &l, &n, &err) < 0)
		return vp_fail(ctx, &err);
	if (ctx->json) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "mac", vp_json_str(l[i].mac));
			json_object_object_add(o, "ip", vp_json_str(l[i].ip));
			json_object_object_add(o, "prefix", json_object_new_int(l[i].prefix));
			json_object_object_add(o, "hostname", vp_json_str(l[i].hostname));
			json_object_object_add(o, "expiry", json_object_new_int64(l[i].expiry));
			json_object_object_add(o, "vm", vp_json_str(l[i].vm));
			json_object_array_add(arr, o);
		}
		vp_json_print(arr);
	} else {
		printf("%-17s  %-18s  %-20s  %-19s  %s\n", "MAC", "IP", "HOSTNAME", "EXPIRES", "VM");
		for (i = 0; i < n; i++) {
			char ip[64], t[32] = "-";
			time_t tt = (time_t)l[i].expiry;
			struct tm tm;

			snprintf(ip, sizeof(ip), "%s/%d", l[i].ip ? l[i].ip : "?", l[i].prefix);
			if (tt > 0 && localtime_r(&tt, &tm))
				strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
			printf("%-17s  %-18s  %-20s  %-19s  %s\n", l[i].mac ? l[i].mac : "-", ip,
			       l[i].hostname ? l[i].hostname : "-", t, l[i].vm ? l[i].vm : "-");
		}
	}
	vp_net_leases_free(l, n);
	return VP_EXIT_OK;
}

#define NET_SUBCMD(n, s, o, r)                                                        \
	{ .name = (n), .args = "NAME", .arg_what = "a network name", .min_args = 1,     \
	  .max_args = 1, .arg_comp = VP_COMP_NETWORK, .summary = (s), .opts = (o),      \
	  .needs = VP_NEED_CONN, .run = (r) }

static const struct vp_cmd net_create_cmd = {
	.name = "create",
	.args = "NAME",
	.arg_what = "a network name",
	.min_args = 1,
	.max_args = 1,
	.summary = "define and start a network (--mode nat|isolated|routed|bridge|open)",
	.opts = create_opts,
	.needs = VP_NEED_CONN | VP_NEED_SIGNALS,
	.check = check_create,
	.run = net_create,
};

static const struct vp_cmd net_list_cmd = {
	.name = "list",
	.summary = "the host's networks: mode, state, subnet, DHCP range, how many VMs",
	.opts = json_opts,
	.needs = VP_NEED_CONN,
	.run = net_list,
};

static const struct vp_cmd net_info_cmd =
	NET_SUBCMD("info", "one network: addresses, reservations, the VMs on it", json_opts, net_info);
static const struct vp_cmd net_start_cmd = NET_SUBCMD("start", "start a network", no_opts, net_start);
static const struct vp_cmd net_stop_cmd =
	NET_SUBCMD("stop", "stop a network (not while a defined VM uses it)", no_opts, net_stop);
static const struct vp_cmd net_delete_cmd =
	NET_SUBCMD("delete", "stop and undefine a network (not while a defined VM uses it)",
		   no_opts, net_delete);
static const struct vp_cmd net_lease_cmd =
	NET_SUBCMD("lease", "the network's DHCP leases, with the VM of each MAC", json_opts,
		   net_lease);

static const struct vp_cmd *const net_subcmds[] = {
	&net_create_cmd, &net_list_cmd, &net_info_cmd, &net_start_cmd,
	&net_stop_cmd,   &net_delete_cmd, &net_lease_cmd, NULL,
};

const struct vp_cmd vp_cmd_net = {
	.name = "net",
	.summary = "libvirt networks: create, list, info, start, stop, delete, lease",
	.description = description,
	.subcmds = net_subcmds,
};
