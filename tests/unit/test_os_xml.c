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
#include <errno.h>
#include <unistd.h>
#include <libvirt/libvirt.h>

#include "osinfo.h"
#include "index.h"
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
	/* the profile's facts for a blank VM (not its cloud image: below) */
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

/* With no install source, a profile's cloud image is the default: the
 * plan downloads it, uploads it as a base, lays a qcow2 overlay on it and
 * uploads a cloud-init seed, attached read-only with SMBIOS ds=nocloud. */
static void test_debian12_cloud_default(void **state)
{
	_cleanup_(virConnectClosep) virConnectPtr conn = virConnectOpen("test:///default");
	_cleanup_(freep) char *caps = slurp(VP_TEST_DATA "/caps-x86_64.xml");
	char cache[] = "/tmp/vprov-test-cache-XXXXXX";
	struct vp_osinfo_opts oo = { .system_dir = "/usr/share/osinfo" };
	struct vp_osinfo *db = NULL;
	struct vp_domain_spec req = { 0 };
	struct vp_create_result res;
	struct vp_error err = { 0 };
	struct vp_plan *plan = NULL;
	const char *want[] = { "download", "pool", "base", "volume", "seed", "define", "start" };
	struct vp_create_opts opts = {
		.mode = VP_CREATE_DRY_RUN,
		.os_id = "debian12",
		.uuid = "5d3c1f7e-2b4a-4c8d-9e0f-1a2b3c4d5e6f",
	};
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(cache));
	assert_int_equal(vp_osinfo_open(&oo, &db, NULL, &err), 0);
	opts.osinfo = db;
	opts.caps_xml = caps;
	opts.cache_dir = cache;
	req.name = vp_strdup("cloudy");
	if (vp_domain_create(conn, &req, &opts, &res, &plan, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(plan->n_steps, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < plan->n_steps; i++)
		assert_string_equal(plan->steps[i].kind, want[i]);
	assert_non_null(strstr(plan->steps[0].desc, "debian-12-genericcloud-amd64.qcow2"));
	assert_non_null(strstr(res.xml, "<entry name=\"serial\">ds=nocloud</entry>"));
	assert_non_null(strstr(res.xml, "<smbios mode=\"sysinfo\"/>"));
	assert_non_null(strstr(res.xml, "cloudy-cidata.iso"));
	assert_non_null(strstr(res.xml, "role=\"seed\" owned=\"yes\""));
	assert_int_equal(res.spec.n_disks, 2);
	assert_true(res.spec.disks[1].seed);
	assert_int_equal(res.spec.disks[1].readonly, VP_YES);
	assert_string_equal(res.spec.disks[1].bus, "virtio");
	assert_string_equal(res.spec.disks[0].src.format, "qcow2");
	vp_plan_free(plan);
	vp_create_result_clear(&res);
	vp_spec_clear(&req);
	vp_osinfo_close(db);
	/* a dry run downloads nothing (the cache's empty directory aside) */
	{
		char sub[64];

		snprintf(sub, sizeof(sub), "%s/fetch", cache);
		rmdir(sub);
	}
	if (rmdir(cache) < 0)
		fail_msg("the dry run left files in %s: %s", cache, strerror(errno));
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

/* Every profile built into vprov (osinfo/db) resolves by its main short-id
 * and yields a valid domain, pinned by tests/data/os-<short-id>.xml. Where
 * another database has the same id, the golden file shows the entry that
 * wins. */
static void test_every_bundled_profile(void **state)
{
	size_t i, j, tested = 0;

	(void)state;
	assert_true(vp_osinfo_bundle_count > 0);
	for (i = 0; i < vp_osinfo_bundle_count; i++) {
		const char *text = vp_osinfo_bundle[i].text;
		struct vp_os *list = NULL;
		struct vp_error err = { 0 };
		size_t n = 0;

		if (vp_os_parse(text, strlen(text), vp_osinfo_bundle[i].path, "bundled", &list, &n,
				&err) < 0)
			fail_msg("osinfo/db/%s: %s", vp_osinfo_bundle[i].path, err.msg);
		if (n == 0)
			fail_msg("osinfo/db/%s has no <os>", vp_osinfo_bundle[i].path);
		for (j = 0; j < n; j++) {
			if (list[j].n_short_ids == 0)
				fail_msg("%s (osinfo/db/%s) has no short-id", list[j].id,
					 vp_osinfo_bundle[i].path);
			check_os(list[j].short_ids[0]);
			tested++;
			vp_os_free(&list[j]);
		}
		free(list);
	}
	assert_int_equal(tested, vp_osinfo_bundle_count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ubuntu2004), cmocka_unit_test(test_debian12),
		cmocka_unit_test(test_fedora40),   cmocka_unit_test(test_win10),
		cmocka_unit_test(test_winxp),
		cmocka_unit_test(test_debian12_cloud_default),
		cmocka_unit_test(test_every_bundled_profile),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
