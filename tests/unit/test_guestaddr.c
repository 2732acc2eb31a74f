/* tests/unit/test_guestaddr.c — vprov ip's addresses on libvirt's
 * test:///default driver (a fresh host per test): which addresses count
 * (not loopback, link-local or unspecified), IPv4 picked before IPv6, the
 * source names; the running VM's address from the lease source under
 * "any" and from the source asked for; a VM that is not running refused
 * in one sentence; a running VM without interfaces: no address, said per
 * source, after a wait of the time asked, and a wait cancelled by the
 * reporter's flag. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "guestaddr.h"
#include "virt.h"

struct fix {
	virConnectPtr conn;
	virDomainPtr dom;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->conn = virConnectOpen("test:///default");
	if (!f->conn)
		return -1;
	f->dom = virDomainLookupByName(f->conn, "test");
	*state = f;
	return f->dom ? 0 : -1;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	virDomainFree(f->dom);
	virConnectClose(f->conn);
	free(f);
	return 0;
}

static void one_line(const struct vp_error *err)
{
	assert_true(err->msg[0]);
	assert_null(strchr(err->msg, '\n'));
}

static void test_usable(void **state)
{
	static const struct { const char *a; bool v6, ok; } t[] = {
		{ "192.168.150.130", false, true }, { "10.0.0.1", false, true },
		{ "127.0.0.1", false, false },      { "169.254.3.4", false, false },
		{ "0.0.0.0", false, false },        { "not-an-ip", false, false },
		{ "2001:db8::5", true, true },      { "fe80::1", true, false },
		{ "::1", true, false },             { "::", true, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vp_guest_ip ip = { .ipv6 = t[i].v6, .addr = (char *)t[i].a };

		assert_int_equal(vp_guest_ip_usable(&ip), t[i].ok);
	}
}

static void test_pick(void **state)
{
	struct vp_guest_ip lo[] = { { false, "127.0.0.1", 8 }, { true, "::1", 128 } };
	struct vp_guest_ip eth[] = { { true, "fe80::5054:ff:fe00:1", 64 },
				     { true, "2001:db8::7", 64 },
				     { false, "192.0.2.9", 24 } };
	struct vp_guest_iface ifs[] = { { "lo", NULL, lo, 2 }, { "eth0", "52:54:00:00:00:01", eth, 3 } };
	struct vp_guest_addrs a = { .ifs = ifs, .n_ifs = 2 };
	enum vp_addr_source s;
	struct vp_error err = { 0 };

	(void)state;
	assert_string_equal(vp_guest_addrs_pick(&a), "192.0.2.9");
	ifs[1].n_ips = 2;
	assert_string_equal(vp_guest_addrs_pick(&a), "2001:db8::7");
	a.n_ifs = 1;
	assert_null(vp_guest_addrs_pick(&a));

	assert_int_equal(vp_addr_source_parse("agent", &s, &err), 0);
	assert_int_equal(s, VP_ADDR_AGENT);
	assert_string_equal(vp_addr_source_name(s), "agent");
	assert_int_equal(vp_addr_source_parse("any", &s, &err), 0);
	assert_int_equal(s, VP_ADDR_ANY);
	assert_int_equal(vp_addr_source_parse("dhcp", &s, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "'dhcp'"));
	one_line(&err);
}

static void test_running(void **state)
{
	struct fix *f = *state;
	struct vp_guest_addrs a = { 0 };
	struct vp_error err = { 0 };
	unsigned s;

	assert_int_equal(vp_guest_addrs_get(f->dom, VP_ADDR_ANY, &a, &err), 1);
	assert_int_equal(a.source, VP_ADDR_LEASE);
	assert_true(a.n_ifs >= 1);
	assert_non_null(a.ifs[0].mac);
	assert_true(a.ifs[0].n_ips >= 1);
	assert_string_equal(vp_guest_addrs_pick(&a), a.ifs[0].ips[0].addr);
	for (s = 0; s < VP_ADDR_N_SOURCES; s++)
		assert_null(a.said[s]);
	/* one source asked for: that one answers */
	for (s = 0; s < VP_ADDR_N_SOURCES; s++) {
		assert_int_equal(vp_guest_addrs_get(f->dom, (enum vp_addr_source)s, &a, &err), 1);
		assert_int_equal(a.source, s);
	}
	assert_int_equal(vp_guest_addrs_wait(f->dom, VP_ADDR_ARP, 5000, NULL, &a, &err), 0);
	assert_int_equal(a.source, VP_ADDR_ARP);
	vp_guest_addrs_clear(&a);
}

static void test_not_running(void **state)
{
	struct fix *f = *state;
	struct vp_guest_addrs a = { 0 };
	struct vp_error err = { 0 };

	assert_int_equal(virDomainDestroy(f->dom), 0);
	assert_int_equal(vp_guest_addrs_get(f->dom, VP_ADDR_ANY, &a, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_string_equal(err.msg, "VM 'test' is not running");
	assert_int_equal(vp_guest_addrs_wait(f->dom, VP_ADDR_LEASE, 3000, NULL, &a, &err), -1);
	assert_string_equal(err.msg, "VM 'test' is not running");
	assert_int_equal(virDomainCreate(f->dom), 0);
}

static void test_no_address(void **state)
{
	struct fix *f = *state;
	struct vp_guest_addrs a = { 0 };
	struct vp_error err = { 0 };
	volatile sig_atomic_t cancel = 0;
	struct vp_reporter r = { .cancel = &cancel };
	virDomainPtr d = virDomainCreateXML(
		f->conn,
		"<domain type='test'><name>bare</name><memory>65536</memory>"
		"<os><type>hvm</type></os></domain>",
		0);
	int64_t t0;

	assert_non_null(d);
	assert_int_equal(vp_guest_addrs_get(d, VP_ADDR_ANY, &a, &err), 0);
	assert_non_null(a.said[VP_ADDR_LEASE]);
	assert_non_null(a.said[VP_ADDR_AGENT]);
	assert_non_null(a.said[VP_ADDR_ARP]);
	assert_int_equal(vp_guest_addrs_get(d, VP_ADDR_AGENT, &a, &err), 0);
	assert_null(a.said[VP_ADDR_LEASE]);
	assert_non_null(a.said[VP_ADDR_AGENT]);

	/* no wait: one sentence naming every source asked */
	assert_int_equal(vp_guest_addrs_wait(d, VP_ADDR_ANY, 0, NULL, &a, &err), -1);
	one_line(&err);
	assert_non_null(strstr(err.msg, "no address for VM 'bare'"));
	assert_non_null(strstr(err.msg, "lease: "));
	assert_non_null(strstr(err.msg, "agent: "));
	assert_non_null(strstr(err.msg, "arp: "));

	/* a wait of 2 s lasts that long, and says so */
	t0 = vp_now_ms();
	assert_int_equal(vp_guest_addrs_wait(d, VP_ADDR_LEASE, 2000, &r, &a, &err), -1);
	assert_true(vp_now_ms() - t0 >= 2000);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "after 2 s"));
	assert_null(strstr(err.msg, "agent: "));

	/* cancelled: stops at once */
	cancel = 1;
	assert_int_equal(vp_guest_addrs_wait(d, VP_ADDR_ANY, -1, &r, &a, &err), -1);
	assert_int_equal(err.code, VP_ERR_CANCELLED);
	one_line(&err);
	vp_guest_addrs_clear(&a);
	virDomainDestroy(d);
	virDomainFree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usable),
		cmocka_unit_test(test_pick),
		cmocka_unit_test_setup_teardown(test_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_address, setup, teardown),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
