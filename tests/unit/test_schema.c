/* tests/unit/test_schema.c — libvirt RelaxNG validation */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cleanup.h"
#include "schema.h"
#include "xmlutil.h"

static int validate(enum vp_schema which, const char *xml, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	assert_int_equal(vp_xml_parse(xml, "test", &doc, err), 0);
	return vp_schema_validate(which, doc, err);
}

static void test_valid_domain(void **state)
{
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(validate(VP_SCHEMA_DOMAIN,
				  "<domain type='qemu'><name>a</name><memory>1024</memory>"
				  "<os><type>hvm</type></os></domain>",
				  &err), 0);
}

static void test_invalid_domain(void **state)
{
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(validate(VP_SCHEMA_DOMAIN,
				  "<domain type='qemu'><name>a</name><memory>lots</memory>"
				  "<os><type>hvm</type></os></domain>",
				  &err), -1);
	assert_non_null(strstr(err.msg, "domain.rng"));
	assert_non_null(strstr(err.msg, "bug in vprov"));
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(validate(VP_SCHEMA_DOMAIN,
				  "<domain type='qemu'><name>a</name><memory>1</memory>"
				  "<os><type>hvm</type></os><devices><disk type='file'><frobnicate/></disk></devices></domain>",
				  &err), -1);
	assert_int_equal(validate(VP_SCHEMA_DOMAIN, "<domain type='warp'><name>a</name></domain>", &err), -1);
}

static void test_volume_and_pool(void **state)
{
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(validate(VP_SCHEMA_STORAGEVOL,
				  "<volume><name>a.qcow2</name><capacity>1024</capacity>"
				  "<target><format type='qcow2'/></target></volume>",
				  &err), 0);
	assert_int_equal(validate(VP_SCHEMA_STORAGEVOL, "<volume><capacity>1</capacity></volume>", &err), -1);
	assert_non_null(strstr(err.msg, "storagevol.rng"));
	assert_int_equal(validate(VP_SCHEMA_STORAGEPOOL,
				  "<pool type='dir'><name>p</name><target><path>/x</path></target></pool>",
				  &err), 0);
	assert_int_equal(validate(VP_SCHEMA_STORAGEPOOL, "<pool type='dir'><target/></pool>", &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_domain),
		cmocka_unit_test(test_invalid_domain),
		cmocka_unit_test(test_volume_and_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
