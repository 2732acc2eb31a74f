/* tests/unit/test_units.c — sizes, counts and durations from users */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "units.h"

static uint64_t size_ok(const char *s, uint64_t unit)
{
	struct vp_error err = { 0 };
	uint64_t v = 0;

	assert_int_equal(vp_parse_size(s, unit, 1, UINT64_MAX, "--memory", &v, &err), 0);
	return v;
}

static void size_bad(const char *s, const char *needle)
{
	struct vp_error err = { 0 };
	uint64_t v = 12345;

	assert_int_equal(vp_parse_size(s, VP_MiB, VP_MiB, 16 * VP_TiB, "--memory", &v, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, needle));
	assert_non_null(strstr(err.msg, "--memory"));
	assert_int_equal(v, 12345); /* untouched on error */
	assert_null(strchr(err.msg, '\n'));
}

static void test_size_units(void **state)
{
	(void)state;
	assert_int_equal(size_ok("2048", VP_MiB), 2048 * VP_MiB);
	assert_int_equal(size_ok("2G", VP_MiB), 2 * VP_GiB);
	assert_int_equal(size_ok("2g", VP_MiB), 2 * VP_GiB);
	assert_int_equal(size_ok("512M", VP_MiB), 512 * VP_MiB);
	assert_int_equal(size_ok("2GiB", VP_MiB), 2 * VP_GiB);
	assert_int_equal(size_ok("1.5G", VP_MiB), 1536 * VP_MiB);
	assert_int_equal(size_ok("0.5", VP_GiB), 512 * VP_MiB);
	assert_int_equal(size_ok("10GB", VP_MiB), 10000000000ULL);
	assert_int_equal(size_ok("1T", VP_MiB), VP_TiB);
	assert_int_equal(size_ok("4096K", VP_MiB), 4 * VP_MiB);
	assert_int_equal(size_ok("1000b", VP_MiB), 1000);
	assert_int_equal(size_ok("20", VP_GiB), 20 * VP_GiB);
	assert_int_equal(size_ok("1 GiB", VP_MiB), VP_GiB);
}

static void test_size_errors(void **state)
{
	(void)state;
	size_bad("0", "between");
	size_bad("-1", "negative");
	size_bad("-2G", "negative");
	size_bad("2X", "unknown unit 'X'");
	size_bad("G", "not a number");
	size_bad("", "needs a size");
	size_bad("abc", "not a number");
	size_bad("17T", "between");
	size_bad("999999999999999999999", "too large");
	size_bad("99999999999P", "too large");
	size_bad("1.5.5G", "unknown unit");
	size_bad("0.1K", "between"); /* 102 bytes, under the minimum */
}

static void test_uint(void **state)
{
	struct vp_error err = { 0 };
	uint64_t v = 0;

	(void)state;
	assert_int_equal(vp_parse_uint("4", 1, 1024, "--vcpus", &v, &err), 0);
	assert_int_equal(v, 4);
	assert_int_equal(vp_parse_uint("0", 1, 1024, "--vcpus", &v, &err), -1);
	assert_non_null(strstr(err.msg, "between 1 and 1024"));
	assert_int_equal(vp_parse_uint("1025", 1, 1024, "--vcpus", &v, &err), -1);
	assert_int_equal(vp_parse_uint("-1", 1, 1024, "--vcpus", &v, &err), -1);
	assert_int_equal(vp_parse_uint("2x", 1, 1024, "--vcpus", &v, &err), -1);
	assert_non_null(strstr(err.msg, "not a whole number"));
	assert_int_equal(vp_parse_uint(" 2", 1, 1024, "--vcpus", &v, &err), -1);
	assert_int_equal(vp_parse_uint("", 1, 1024, "--vcpus", &v, &err), -1);
	assert_int_equal(vp_parse_uint("99999999999999999999999", 1, 1024, "--vcpus", &v, &err), -1);
}

static void test_duration(void **state)
{
	struct vp_error err = { 0 };
	int64_t ms = 0;

	(void)state;
	assert_int_equal(vp_parse_duration("30", 3600000, "--wait", &ms, &err), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(vp_parse_duration("30s", 3600000, "--wait", &ms, &err), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(vp_parse_duration("500ms", 3600000, "--wait", &ms, &err), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(vp_parse_duration("5m", 3600000, "--wait", &ms, &err), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(vp_parse_duration("1h", 3600000, "--wait", &ms, &err), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(vp_parse_duration("1.5", 3600000, "--wait", &ms, &err), 0);
	assert_int_equal(ms, 1500);
	assert_int_equal(vp_parse_duration("-1", 3600000, "--wait", &ms, &err), 0);
	assert_int_equal(ms, -1);
	assert_int_equal(vp_parse_duration("2h", 3600000, "--wait", &ms, &err), -1);
	assert_non_null(strstr(err.msg, "too long"));
	assert_int_equal(vp_parse_duration("5d", 3600000, "--wait", &ms, &err), -1);
	assert_non_null(strstr(err.msg, "unknown unit"));
	assert_int_equal(vp_parse_duration("x", 3600000, "--wait", &ms, &err), -1);
	assert_int_equal(vp_parse_duration("-x", 3600000, "--wait", &ms, &err), -1);
}

static void test_format(void **state)
{
	char buf[32];

	(void)state;
	vp_format_size(20 * VP_GiB, buf, sizeof(buf));
	assert_string_equal(buf, "20 GiB");
	vp_format_size(1536 * VP_MiB, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 GiB");
	vp_format_size(512 * VP_MiB, buf, sizeof(buf));
	assert_string_equal(buf, "512 MiB");
	vp_format_size(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1000 bytes");
	vp_format_size(VP_KiB, buf, sizeof(buf));
	assert_string_equal(buf, "1 KiB");
	vp_format_size(16 * VP_TiB, buf, sizeof(buf));
	assert_string_equal(buf, "16 TiB");
	vp_format_size(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "16.0 EiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_units), cmocka_unit_test(test_size_errors),
		cmocka_unit_test(test_uint),       cmocka_unit_test(test_duration),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
