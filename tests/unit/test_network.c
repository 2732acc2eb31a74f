/* tests/unit/test_network.c — networks: CIDR parsing and arithmetic (the
 * host address, the default DHCP range), overlaps, the route-table parser
 * on fixture text; the network XML per mode against golden files, each
 * valid against libvirt's network.rng; and on libvirt's test:///default
 * driver (its network "default", 192.168.122.0/24, used by VM "test"):
 * create (a free subnet picked, overlaps refused naming the other network
 * or route, nothing defined), a failure after the definition leaving
 * nothing, stop/delete refused while a VM uses the network, reservations
 * (checked, added by a journalled step, undone by the unwind, removed),
 * and a VM created with network=default,ip= that carries the reservation
 * in its metadata and takes it away on delete. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "cleanup.h"
#include "create.h"
#include "domain.h"
#include "golden.h"
#include "network.h"
#include "schema.h"
#include "units.h"
#include "xmlutil.h"

#define URI "test:///default"

static void one_line(const struct vp_error *err)
{
	assert_true(err->msg[0]);
	assert_null(strchr(err->msg, '\n'));
}

static void cidr(const char *text, int family, struct vp_cidr *c)
{
	struct vp_error err = { 0 };

	if (vp_cidr_parse(text, family, "--subnet", c, &err) < 0)
		fail_msg("%s: %s", text, err.msg);
}

/* ---- addresses --------------------------------------------------------- */

static void test_cidr_parse(void **state)
{
	struct vp_cidr c;
	struct vp_error err = { 0 };
	char buf[80];

	(void)state;
	cidr("192.168.150.0/24", AF_INET, &c);
	assert_int_equal(c.prefix, 24);
	vp_cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "192.168.150.0/24");
	cidr("fd00:150::/64", AF_INET6, &c);
	vp_cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "fd00:150::/64");

	assert_int_equal(vp_cidr_parse("192.168.150.1/24", AF_INET, "--subnet", &c, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "host bits are set (the subnet is 192.168.150.0/24)"));
	one_line(&err);
	assert_int_equal(vp_cidr_parse("192.168.150.0", AF_INET, "--subnet", &c, &err), -1);
	assert_non_null(strstr(err.msg, "give a subnet as ADDRESS/PREFIX"));
	assert_int_equal(vp_cidr_parse("192.168.150.0/31", AF_INET, "--subnet", &c, &err), -1);
	assert_non_null(strstr(err.msg, "prefix length is a number from 8 to 30"));
	assert_int_equal(vp_cidr_parse("192.168.150.0/2x", AF_INET, "--subnet", &c, &err), -1);
	assert_int_equal(vp_cidr_parse("192.168.150.0/", AF_INET, "--subnet", &c, &err), -1);
	assert_int_equal(vp_cidr_parse("300.1.1.0/24", AF_INET, "--subnet", &c, &err), -1);
	assert_non_null(strstr(err.msg, "'300.1.1.0' is not an IPv4 address"));
	assert_int_equal(vp_cidr_parse("fd00::/64", AF_INET, "--subnet", &c, &err), -1);
	assert_int_equal(vp_cidr_parse("fd00::1/64", AF_INET6, "--ipv6", &c, &err), -1);
	assert_non_null(strstr(err.msg, "invalid --ipv6 'fd00::1/64': host bits are set (the subnet is fd00::/64)"));
}

static void test_cidr_arith(void **state)
{
	struct vp_cidr a, b;
	char s[64], e[64];
	unsigned char addr[16];

	(void)state;
	cidr("192.168.150.0/24", AF_INET, &a);
	vp_cidr_nth(&a, 1, s, sizeof(s));
	assert_string_equal(s, "192.168.150.1");
	vp_cidr_dhcp_default(&a, s, e, sizeof(s));
	assert_string_equal(s, "192.168.150.128");
	assert_string_equal(e, "192.168.150.254");
	cidr("10.9.0.0/16", AF_INET, &a);
	vp_cidr_dhcp_default(&a, s, e, sizeof(s));
	assert_string_equal(s, "10.9.128.0");
	assert_string_equal(e, "10.9.255.254");
	/* carries across bytes */
	vp_cidr_nth(&a, 256 + 5, s, sizeof(s));
	assert_string_equal(s, "10.9.1.5");
	cidr("192.168.150.64/26", AF_INET, &a);
	vp_cidr_dhcp_default(&a, s, e, sizeof(s));
	assert_string_equal(s, "192.168.150.96");
	assert_string_equal(e, "192.168.150.126");
	/* the smallest: a /30 has two hosts, the gateway and one more */
	cidr("192.168.150.4/30", AF_INET, &a);
	vp_cidr_dhcp_default(&a, s, e, sizeof(s));
	assert_string_equal(s, "192.168.150.6");
	assert_string_equal(e, "192.168.150.6");
	cidr("fd00:150::/64", AF_INET6, &a);
	vp_cidr_nth(&a, 1, s, sizeof(s));
	assert_string_equal(s, "fd00:150::1");

	/* overlaps */
	cidr("192.168.150.0/24", AF_INET, &a);
	cidr("192.168.150.128/25", AF_INET, &b);
	assert_true(vp_cidr_overlap(&a, &b));
	assert_true(vp_cidr_overlap(&b, &a));
	cidr("192.168.0.0/16", AF_INET, &b);
	assert_true(vp_cidr_overlap(&a, &b));
	cidr("192.168.151.0/24", AF_INET, &b);
	assert_false(vp_cidr_overlap(&a, &b));
	cidr("fd00::/8", AF_INET6, &b);
	assert_false(vp_cidr_overlap(&a, &b));
	cidr("fd00:150::/64", AF_INET6, &a);
	assert_true(vp_cidr_overlap(&a, &b));
	cidr("fc00::/16", AF_INET6, &a);
	assert_false(vp_cidr_overlap(&a, &b));

	cidr("192.168.150.0/24", AF_INET, &a);
	inet_pton(AF_INET, "192.168.150.77", addr);
	assert_true(vp_cidr_contains(&a, addr));
	inet_pton(AF_INET, "192.168.151.1", addr);
	assert_false(vp_cidr_contains(&a, addr));
}

/* /proc/net/route of a host with a default route, its LAN, a libvirt
 * bridge, a route through a gateway and one that is down. */
static const char route4[] =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	"eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	"eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
	"virbr0\t007AA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
	"eth0\t0000000A\t010200C0\t0003\t0\t0\t0\t000000FF\t0\t0\t0\n"
	"eth1\t0010AC00\t00000000\t0000\t0\t0\t0\t0000F0FF\t0\t0\t0\n";

/* /proc/net/ipv6_route: a ULA /64, link-local, the default, a local
 * (own-address) entry, multicast, a route via a gateway. */
static const char route6[] =
	"fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
	"fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n"
	"fd000000000000000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000004 00000000 80200001     eth0\n"
	"ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000004 00000000 00000001     eth0\n"
	"20010db8000100000000000000000000 30 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n";

static void test_routes(void **state)
{
	struct vp_route *r = NULL;
	size_t n = 0;
	char buf[80];

	(void)state;
	vp_routes_parse(route4, AF_INET, &r, &n);
	assert_int_equal(n, 3);
	vp_cidr_format(&r[0].dst, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.0/24");
	assert_string_equal(r[0].dev, "eth0");
	vp_cidr_format(&r[1].dst, buf, sizeof(buf));
	assert_string_equal(buf, "192.168.122.0/24");
	assert_string_equal(r[1].dev, "virbr0");
	vp_cidr_format(&r[2].dst, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8");
	free(r);

	vp_routes_parse(route6, AF_INET6, &r, &n);
	assert_int_equal(n, 2);
	vp_cidr_format(&r[0].dst, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::/64");
	vp_cidr_format(&r[1].dst, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:1::/48");
	free(r);

	vp_routes_parse("", AF_INET, &r, &n);
	assert_int_equal(n, 0);
	vp_routes_parse("garbage\nmore garbage here 1 2 3\n", AF_INET6, &r, &n);
	assert_int_equal(n, 0);
	free(r);
}

/* ---- the XML ----------------------------------------------------------- */

static void def(struct vp_net_def *d, enum vp_net_mode mode, const char *subnet, bool dhcp)
{
	char a[64], b[64];

	memset(d, 0, sizeof(*d));
	d->name = vp_strdup("lab");
	d->uuid = vp_strdup("6f1c0a2e-5b7d-4e8f-9a01-23456789abcd");
	d->mode = mode;
	if (!subnet)
		return;
	cidr(subnet, AF_INET, &d->v4);
	d->has_v4 = true;
	vp_cidr_nth(&d->v4, 1, a, sizeof(a));
	d->gateway = vp_strdup(a);
	if (dhcp) {
		vp_cidr_dhcp_default(&d->v4, a, b, sizeof(a));
		d->dhcp_start = vp_strdup(a);
		d->dhcp_end = vp_strdup(b);
	}
}

static void check_xml(const struct vp_net_def *d, const char *golden_name)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_error err = { 0 };
	char *xml;

	if (vp_net_build_xml(d, &doc, &err) < 0)
		fail_msg("build: %s", err.msg);
	if (vp_schema_validate(VP_SCHEMA_NETWORK, doc, &err) < 0)
		fail_msg("%s: %s", golden_name, err.msg);
	xml = vp_xml_format(doc);
	golden(golden_name, xml);
	free(xml);
}

static void test_xml_modes(void **state)
{
	struct vp_net_def d;
	char a[64];

	(void)state;
	def(&d, VP_NET_NAT, "192.168.150.0/24", true);
	check_xml(&d, "net-nat.xml");
	vp_net_def_clear(&d);

	def(&d, VP_NET_ISOLATED, "192.168.151.0/24", false);
	d.bridge = vp_strdup("vpbr151");
	check_xml(&d, "net-isolated.xml");
	vp_net_def_clear(&d);

	def(&d, VP_NET_ROUTED, "10.9.0.0/16", true);
	d.domain = vp_strdup("lab.example");
	check_xml(&d, "net-routed.xml");
	vp_net_def_clear(&d);

	def(&d, VP_NET_OPEN, "192.168.152.0/24", true);
	cidr("fd00:152::/64", AF_INET6, &d.v6);
	d.has_v6 = true;
	vp_cidr_nth(&d.v6, 1, a, sizeof(a));
	d.gateway6 = vp_strdup(a);
	check_xml(&d, "net-open-ipv6.xml");
	vp_net_def_clear(&d);

	def(&d, VP_NET_BRIDGE, NULL, false);
	d.bridge = vp_strdup("br0");
	check_xml(&d, "net-bridge.xml");
	vp_net_def_clear(&d);
}

/* A hostile name is text in <name>, never markup. */
static void test_xml_hostile(void **state)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_error err = { 0 };
	struct vp_net_def d;
	_cleanup_(freep) char *name = NULL;

	(void)state;
	def(&d, VP_NET_NAT, "192.168.150.0/24", true);
	free(d.name);
	d.name = vp_strdup("a'/><x");
	assert_int_equal(vp_net_build_xml(&d, &doc, &err), 0);
	name = vp_xml_xpath_string(doc, "string(/network/name)", NULL, NULL);
	assert_string_equal(name, "a'/><x");
	assert_null(vp_xml_xpath_string(doc, "string(/network/x)", NULL, NULL));
	vp_net_def_clear(&d);
}

static void test_req_check(void **state)
{
	struct vp_error err = { 0 };
	struct vp_net_req r = { .name = "lab", .mode = VP_NET_BRIDGE };

	(void)state;
	assert_int_equal(vp_net_req_check(&r, &err), -1);
	assert_non_null(strstr(err.msg, "--mode bridge needs --bridge"));
	r.bridge = "br0";
	r.subnet = "192.168.150.0/24";
	assert_int_equal(vp_net_req_check(&r, &err), -1);
	assert_non_null(strstr(err.msg, "--subnet, --dhcp, --ipv6 and --domain are not for it"));
	r.subnet = NULL;
	assert_int_equal(vp_net_req_check(&r, &err), 0);
	r.bridge = "a-bridge-name-too-long";
	assert_int_equal(vp_net_req_check(&r, &err), -1);
	assert_non_null(strstr(err.msg, "invalid --bridge"));
	r = (struct vp_net_req){ .name = "lab", .dhcp = "192.168.150.10" };
	assert_int_equal(vp_net_req_check(&r, &err), -1);
	assert_non_null(strstr(err.msg, "give START-END"));
	r = (struct vp_net_req){ .name = "a/b" };
	assert_int_equal(vp_net_req_check(&r, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	r = (struct vp_net_req){ .name = "lab", .domain = "a b" };
	assert_int_equal(vp_net_req_check(&r, &err), -1);
	one_line(&err);
}

/* ---- on the test driver ------------------------------------------------ */

struct fix {
	virConnectPtr conn;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->conn = virConnectOpen(URI);
	*state = f;
	return f->conn ? 0 : -1;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	virConnectClose(f->conn);
	free(f);
	return 0;
}

static int n_networks(virConnectPtr c)
{
	return virConnectNumOfNetworks(c) + virConnectNumOfDefinedNetworks(c);
}

static const struct vp_apply_opts no_journal = { 0 };

static void test_create(void **state)
{
	struct fix *f = *state;
	struct vp_net_create_result res = { 0 };
	struct vp_net_info info = { 0 };
	struct vp_error err = { 0 };
	struct vp_net_req req = { .name = "lab", .mode = VP_NET_NAT, .autostart = true };
	int before = n_networks(f->conn);

	/* the first free 192.168.N.0/24 from 100 */
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), 0);
	assert_int_equal(n_networks(f->conn), before + 1);
	vp_net_create_result_clear(&res);
	assert_int_equal(vp_net_info(f->conn, "lab", &info, &err), 0);
	assert_string_equal(info.mode, "nat");
	assert_string_equal(info.subnet, "192.168.100.0/24");
	assert_string_equal(info.gateway, "192.168.100.1");
	assert_string_equal(info.dhcp_start, "192.168.100.128");
	assert_string_equal(info.dhcp_end, "192.168.100.254");
	assert_true(info.active);
	assert_true(info.autostart);
	assert_int_equal(info.n_vms, 0);
	vp_net_info_clear(&info);

	/* the next one skips it, and a route the host has */
	req = (struct vp_net_req){ .name = "lab2", .mode = VP_NET_ISOLATED, .dhcp = "none",
				   .routes4 = "eth9\t0065A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" };
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), 0);
	vp_net_create_result_clear(&res);
	assert_int_equal(vp_net_info(f->conn, "lab2", &info, &err), 0);
	assert_string_equal(info.mode, "isolated");
	assert_string_equal(info.subnet, "192.168.102.0/24");
	assert_null(info.dhcp_start);
	vp_net_info_clear(&info);

	/* a name taken */
	req = (struct vp_net_req){ .name = "lab", .mode = VP_NET_NAT };
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	vp_net_create_result_clear(&res);

	/* list: sorted, with default */
	{
		struct vp_net_info *l = NULL;
		size_t n = 0;

		assert_int_equal(vp_net_list(f->conn, &l, &n, &err), 0);
		assert_int_equal(n, 3);
		assert_string_equal(l[0].name, "default");
		assert_string_equal(l[1].name, "lab");
		assert_string_equal(l[2].name, "lab2");
		assert_int_equal(l[0].n_vms, 1);
		assert_string_equal(l[0].vms[0], "test");
		vp_net_infos_free(l, n);
	}
	assert_int_equal(vp_net_delete(f->conn, "lab", &err), 0);
	assert_int_equal(vp_net_delete(f->conn, "lab2", &err), 0);
	assert_int_equal(n_networks(f->conn), before);
	assert_int_equal(vp_net_delete(f->conn, "lab", &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
}

static void test_overlap_refused(void **state)
{
	struct fix *f = *state;
	struct vp_net_create_result res = { 0 };
	struct vp_error err = { 0 };
	struct vp_net_req req = { .name = "lab", .subnet = "192.168.122.128/25" };
	int before = n_networks(f->conn);

	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_string_equal(err.msg, "cannot create network 'lab': subnet 192.168.122.128/25 overlaps network 'default' (192.168.122.0/24)");
	vp_net_create_result_clear(&res);
	assert_int_equal(n_networks(f->conn), before);

	/* a host route */
	req = (struct vp_net_req){ .name = "lab", .subnet = "10.1.0.0/16", .routes4 = route4 };
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), -1);
	assert_string_equal(err.msg, "cannot create network 'lab': subnet 10.1.0.0/16 overlaps the host's route to 10.0.0.0/8 on 'eth0'");
	vp_net_create_result_clear(&res);

	/* IPv6, against a host route, then against a network */
	req = (struct vp_net_req){ .name = "lab", .subnet = "192.168.160.0/24", .ipv6 = "fd00::/48",
				   .routes4 = route4, .routes6 = route6 };
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), -1);
	assert_string_equal(err.msg, "cannot create network 'lab': subnet fd00::/48 overlaps the host's route to fd00::/64 on 'eth0'");
	vp_net_create_result_clear(&res);
	req = (struct vp_net_req){ .name = "six", .subnet = "192.168.160.0/24", .ipv6 = "fd10::/64" };
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), 0);
	vp_net_create_result_clear(&res);
	req = (struct vp_net_req){ .name = "lab", .subnet = "192.168.161.0/24", .ipv6 = "fd10::/56" };
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), -1);
	assert_string_equal(err.msg, "cannot create network 'lab': subnet fd10::/56 overlaps network 'six' (fd10::/64)");
	vp_net_create_result_clear(&res);
	assert_int_equal(vp_net_delete(f->conn, "six", &err), 0);
	assert_int_equal(n_networks(f->conn), before);

	/* a DHCP range outside the subnet, or over the host address */
	req = (struct vp_net_req){ .name = "lab", .subnet = "192.168.160.0/24",
				   .dhcp = "192.168.161.10-192.168.161.20" };
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "the range is not inside the subnet 192.168.160.0/24"));
	vp_net_create_result_clear(&res);
	req.dhcp = "192.168.160.1-192.168.160.20";
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "holds the network, host (192.168.160.1) or broadcast address"));
	vp_net_create_result_clear(&res);
	req.dhcp = "192.168.160.20-192.168.160.10";
	assert_int_equal(vp_net_create(f->conn, &req, &no_journal, &res, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "ends before it starts"));
	vp_net_create_result_clear(&res);
	assert_int_equal(n_networks(f->conn), before);
}

/* A plan that fails after the definition leaves no network; a dry run
 * (no apply options) makes none. */
static void test_create_unwinds(void **state)
{
	struct fix *f = *state;
	struct vp_net_create_result res = { 0 };
	struct vp_error err = { 0 };
	struct vp_plan *plan = NULL;
	struct vp_apply_opts ao = { .fail_at = "network-start" };
	struct vp_net_req req = { .name = "lab", .subnet = "192.168.150.0/24" };
	int before = n_networks(f->conn);

	assert_int_equal(vp_net_create(f->conn, &req, &ao, &res, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "network-start"));
	assert_int_equal(n_networks(f->conn), before);
	vp_net_create_result_clear(&res);
	ao.fail_at = "network-autostart";
	req.autostart = true;
	assert_int_equal(vp_net_create(f->conn, &req, &ao, &res, NULL, &err), -1);
	assert_int_equal(n_networks(f->conn), before);
	vp_net_create_result_clear(&res);

	assert_int_equal(vp_net_create(f->conn, &req, NULL, &res, &plan, &err), 0);
	assert_int_equal(plan->n_steps, 3);
	assert_string_equal(plan->steps[0].kind, "network-define");
	assert_string_equal(plan->steps[0].desc, "define network 'lab' (nat, 192.168.150.0/24, host 192.168.150.1, DHCP 192.168.150.128-192.168.150.254)");
	assert_string_equal(plan->steps[1].kind, "network-start");
	assert_string_equal(plan->steps[2].kind, "network-autostart");
	assert_int_equal(n_networks(f->conn), before);
	vp_plan_free(plan);
	vp_net_create_result_clear(&res);
}

static void test_in_use(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	bool was;

	assert_int_equal(vp_net_delete(f->conn, "default", &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_string_equal(err.msg, "cannot delete network 'default': VM 'test' uses it (delete it first)");
	assert_int_equal(vp_net_stop(f->conn, "default", &was, &err), -1);
	assert_string_equal(err.msg, "cannot stop network 'default': VM 'test' uses it (delete it first)");
	assert_int_equal(virNetworkIsActive(virNetworkLookupByName(f->conn, "default")), 1);
	assert_int_equal(vp_net_start(f->conn, "default", &was, &err), 0);
	assert_true(was);
}

static bool has_host(virConnectPtr c, const char *net, const char *ip)
{
	struct vp_net_info info = { 0 };
	struct vp_error err = { 0 };
	bool r = false;
	size_t i;

	assert_int_equal(vp_net_info(c, net, &info, &err), 0);
	for (i = 0; i < info.n_hosts; i++)
		r = r || !strcmp(info.hosts[i].ip, ip);
	vp_net_info_clear(&info);
	return r;
}

static int step_fail(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	(void)ap;
	(void)st;
	return vp_error_set(err, VP_ERR_RUNTIME, "a later step failed");
}

static void test_reservation(void **state)
{
	struct fix *f = *state;
	struct vp_error err = { 0 };
	struct vp_plan *plan;
	struct vp_undo_report undo = { 0 };
	bool gone;
	char mac[18];

	(void)state;
	vp_net_random_mac(f->conn, mac);
	assert_memory_equal(mac, "52:54:00:", 9);
	assert_int_equal(strlen(mac), 17);

	/* checks */
	assert_int_equal(vp_net_reserve_check(f->conn, "default", mac, "192.168.122.10", &err), 0);
	assert_int_equal(vp_net_reserve_check(f->conn, "default", mac, "192.168.123.10", &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_string_equal(err.msg, "cannot reserve 192.168.123.10 on network 'default': it is not in the network's subnet 192.168.122.0/24");
	assert_int_equal(vp_net_reserve_check(f->conn, "default", mac, "192.168.122.255", &err), -1);
	assert_non_null(strstr(err.msg, "it is the subnet's broadcast address"));
	assert_int_equal(vp_net_reserve_check(f->conn, "default", mac, "192.168.122.1", &err), -1);
	assert_non_null(strstr(err.msg, "it is the subnet's host address"));
	assert_int_equal(vp_net_reserve_check(f->conn, "nosuch", mac, "192.168.122.10", &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);

	/* the step adds it; a later failure unwinds it */
	plan = vp_plan_new("create", "r1");
	vp_net_reserve_step(plan, "default", mac, "r1", "192.168.122.10");
	vp_plan_add(plan, "later", step_fail, "fail");
	assert_string_equal(plan->steps[0].kind, "reserve");
	assert_int_equal(vp_plan_apply(f->conn, plan, &no_journal, &undo, &err), -1);
	assert_non_null(strstr(err.msg, "a later step failed"));
	assert_int_equal(undo.n_removed, 1);
	assert_string_equal(undo.removed[0], "the reservation of 192.168.122.10 on network 'default'");
	vp_undo_report_clear(&undo);
	vp_plan_free(plan);
	assert_false(has_host(f->conn, "default", "192.168.122.10"));

	/* and stays when all goes well */
	plan = vp_plan_new("create", "r1");
	vp_net_reserve_step(plan, "default", mac, "r1", "192.168.122.10");
	assert_int_equal(vp_plan_apply(f->conn, plan, &no_journal, NULL, &err), 0);
	vp_plan_free(plan);
	assert_true(has_host(f->conn, "default", "192.168.122.10"));

	/* another MAC cannot have it; this MAC cannot have a second */
	assert_int_equal(vp_net_reserve_check(f->conn, "default", "52:54:00:aa:bb:cc", "192.168.122.10", &err), -1);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	{
		char want[200];

		snprintf(want, sizeof(want),
			 "cannot reserve 192.168.122.10 on network 'default': it is reserved for %s ('r1')", mac);
		assert_string_equal(err.msg, want);
	}
	assert_int_equal(vp_net_reserve_check(f->conn, "default", mac, "192.168.122.11", &err), -1);
	assert_non_null(strstr(err.msg, "already has a reservation there (192.168.122.10)"));

	/* removed; a second removal finds nothing */
	assert_int_equal(vp_net_unreserve(f->conn, "default", mac, "192.168.122.10", &gone, &err), 0);
	assert_true(gone);
	assert_false(has_host(f->conn, "default", "192.168.122.10"));
	assert_int_equal(vp_net_unreserve(f->conn, "default", mac, "192.168.122.10", &gone, &err), 0);
	assert_false(gone);
	assert_int_equal(vp_net_unreserve(f->conn, "nosuch", mac, "192.168.122.10", &gone, &err), 0);
	assert_false(gone);
}

/* vprov create --network network=default,ip=...: the MAC chosen, the
 * step in the plan, the record in the metadata, info, delete. */
static void test_vm_reservation(void **state)
{
	struct fix *f = *state;
	struct vp_domain_spec s = { 0 };
	struct vp_create_result res = { 0 };
	struct vp_create_opts opts = { .mode = VP_CREATE_REAL };
	struct vp_error err = { 0 };
	struct vp_plan *plan = NULL;
	struct vp_domain_info info = { 0 };
	struct vp_delete_report rep = { 0 };
	virDomainPtr dom;
	size_t i;
	bool seen = false;

	vp_spec_defaults(&s);
	s.name = vp_strdup("r1");
	s.memory = 256 * VP_MiB;
	assert_int_equal(vp_spec_parse_disk(&s, "none", &err), 0);
	assert_int_equal(vp_spec_parse_graphics(&s, "none", &err), 0);
	assert_int_equal(vp_spec_parse_network(&s, "network=default,ip=192.168.122.20", &err), 0);
	assert_string_equal(s.nets[0].ip, "192.168.122.20");
	assert_null(s.nets[0].mac);
	opts.mode = VP_CREATE_DRY_RUN;
	assert_int_equal(vp_domain_create(f->conn, &s, &opts, &res, &plan, NULL, &err), 0);
	for (i = 0; i < plan->n_steps; i++)
		if (!strcmp(plan->steps[i].kind, "reserve")) {
			seen = true;
			assert_non_null(strstr(plan->steps[i].desc, "reserve 192.168.122.20 on network 'default' for VM 'r1'"));
			assert_string_equal(plan->steps[i + 1].kind, "define");
		}
	assert_true(seen);
	vp_plan_free(plan);
	vp_create_result_clear(&res);
	assert_false(has_host(f->conn, "default", "192.168.122.20"));

	opts.mode = VP_CREATE_REAL;
	if (vp_domain_create(f->conn, &s, &opts, &res, NULL, NULL, &err) < 0)
		fail_msg("create: %s", err.msg);
	assert_non_null(res.spec.nets[0].mac);
	assert_non_null(strstr(res.xml, "<vprov:reservation network=\"default\""));
	vp_create_result_clear(&res);
	assert_true(has_host(f->conn, "default", "192.168.122.20"));

	dom = virDomainLookupByName(f->conn, "r1");
	assert_non_null(dom);
	assert_int_equal(vp_domain_info(dom, &info, &err), 0);
	assert_int_equal(info.n_nics, 1);
	assert_string_equal(info.nics[0].reserved_ip, "192.168.122.20");
	vp_domain_info_clear(&info);

	/* a second VM cannot take the address: refused before anything is made */
	free(s.name);
	s.name = vp_strdup("r2");
	assert_int_equal(vp_domain_create(f->conn, &s, &opts, &res, NULL, NULL, &err), -1);
	assert_int_equal(err.code, VP_ERR_EXISTS);
	assert_non_null(strstr(err.msg, "cannot reserve 192.168.122.20 on network 'default': it is reserved for 52:54:00:"));
	vp_create_result_clear(&res);
	assert_null(virDomainLookupByName(f->conn, "r2"));

	/* and a failed create takes its reservation back */
	free(s.nets[0].ip);
	s.nets[0].ip = vp_strdup("192.168.122.21");
	opts.fail_at = "start";
	assert_int_equal(vp_domain_create(f->conn, &s, &opts, &res, NULL, NULL, &err), -1);
	vp_create_result_clear(&res);
	assert_false(has_host(f->conn, "default", "192.168.122.21"));
	opts.fail_at = NULL;

	/* a copy of r1 (as a clone is: its record, another MAC) takes no
	 * reservation of r1's away */
	{
		char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE), *p;
		virDomainPtr copy;
		struct vp_delete_report r2 = { 0 };

		assert_non_null(xml);
		p = strstr(xml, "<name>r1</name>");
		assert_non_null(p);
		p[7] = '3';
		p = strstr(xml, "<uuid>");
		assert_non_null(p);
		p[6] = p[6] == 'a' ? 'b' : 'a';
		p = strstr(xml, "<mac address='52:54:00:");
		assert_non_null(p);
		p[23] = p[23] == 'f' ? '0' : 'f';
		copy = virDomainDefineXML(f->conn, xml);
		free(xml);
		assert_non_null(copy);
		assert_int_equal(vp_domain_delete(copy, false, &r2, &err), 0);
		for (i = 0; i < r2.n_removed; i++)
			assert_null(strstr(r2.removed[i], "reservation"));
		vp_delete_report_clear(&r2);
		virDomainFree(copy);
		assert_true(has_host(f->conn, "default", "192.168.122.20"));
	}

	assert_int_equal(vp_domain_delete(dom, false, &rep, &err), 0);
	seen = false;
	for (i = 0; i < rep.n_removed; i++)
		seen = seen || !strcmp(rep.removed[i], "the reservation of 192.168.122.20 on network 'default'");
	assert_true(seen);
	vp_delete_report_clear(&rep);
	virDomainFree(dom);
	assert_false(has_host(f->conn, "default", "192.168.122.20"));
	vp_spec_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_arith),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_xml_modes),
		cmocka_unit_test(test_xml_hostile),
		cmocka_unit_test(test_req_check),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_unwinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reservation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_reservation, setup, teardown),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
