/* tests/unit/test_os_xml.c — `create --os X --print-xml` pinned by golden
 * files: the system database plus vprov's built-in profiles, an x86_64 KVM
 * host (capabilities captured from a real libvirtd, tests/data), a fixed
 * UUID; libvirt's test:///default driver answers for pools and networks.
 * Every output also validates against libvirt's domain schema.
 * VP_UPDATE_GOLDEN=1 rewrites the golden files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "osinfo.h"
#include "cleanup.h"
#include "golden.h"
#include "create.h"
#include "schema.h"
#include "xmlutil.h"

static void check_os(const char *os_id)
{
	_cleanup_(virConnectClosep) virConnectPtr conn = virConnectOpen("test:///default");
	_cleanup_(freep) char *caps = slurp(VP_TEST_DATA "/caps-x86_64.xml");
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_osinfo_opts oo = { .system_dir = "/usr/share/osinfo" };
	struct vp_osinfo *db = NULL;
	struct vp_domain_spec req = { 0 };
	struct vp_create_result res;
	struct vp_error err = { 0 };
	char name[64], file[96];
	struct vp_create_opts opts = {
		.mode = VP_CREATE_PRINT_XML,
		.os_id = os_id,
		.uuid = "5d3c1f7e-2b4a-4c8d-9e0f-1a2b3c4d5e6f",
	};

	assert_non_null(conn);
	assert_non_null(caps);
	assert_int_equal(vp_osinfo_open(&oo, &db, NULL, &err), 0);
	opts.osinfo = db;
	opts.caps_xml = caps;
	snprintf(name, sizeof(name), "vm-%s", os_id);
	req.name = vp_strdup(name);
	/* the profile's devices on a blank disk: not its cloud image (the
	 * default install source where a profile has one) */
	req.install.no_install = VP_YES;
	if (vp_domain_create(conn, &req, &opts, &res, NULL, NULL, &err) < 0)
		fail_msg("%s: %s", os_id, err.msg);
	assert_int_equal(vp_xml_parse(res.xml, "output", &doc, &err), 0);
	if (vp_schema_validate(VP_SCHEMA_DOMAIN, doc, &err) < 0)
		fail_msg("%s: %s", os_id, err.msg);
	snprintf(file, sizeof(file), "os-%s.xml", os_id);
	golden(file, res.xml);
	vp_create_result_clear(&res);
	vp_spec_clear(&req);
	vp_osinfo_close(db);
}

static void test_ubuntu2004(void **state)
{
	(void)state;
	check_os("ubuntu20.04");
}

static void test_debian12(void **state)
{
	(void)state;
	check_os("debian12");
}

static void test_fedora40(void **state)
{
	(void)state;
	check_os("fedora40");
}

static void test_win10(void **state)
{
	(void)state;
	check_os("win10");
}

static void test_winxp(void **state)
{
	(void)state;
	check_os("winxp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ubuntu2004), cmocka_unit_test(test_debian12),
		cmocka_unit_test(test_fedora40),   cmocka_unit_test(test_win10),
		cmocka_unit_test(test_winxp),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
