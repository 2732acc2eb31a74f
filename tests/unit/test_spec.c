/* tests/unit/test_spec.c — layering specs, their canonical text and hash */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spec.h"
#include "units.h"

static void test_defaults(void **state)
{
	struct vp_domain_spec s;

	(void)state;
	vp_spec_defaults(&s);
	assert_int_equal(s.memory, 2048 * VP_MiB);
	assert_int_equal(s.vcpus, 2);
	assert_string_equal(s.graphics.type, "vnc");
	assert_false(s.disks_set);
	assert_false(s.nets_set);
	vp_spec_clear(&s);
}

static void test_merge_scalars(void **state)
{
	struct vp_domain_spec base, cli = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	vp_spec_defaults(&base);
	cli.name = vp_strdup("web1");
	cli.memory = 4 * VP_GiB;
	cli.autostart = VP_YES;
	cli.graphics.type = vp_strdup("none");
	assert_int_equal(vp_spec_merge(&base, &cli, &err), 0);
	assert_string_equal(base.name, "web1");
	assert_int_equal(base.memory, 4 * VP_GiB);
	assert_int_equal(base.vcpus, 2); /* not said: the lower layer shows */
	assert_int_equal(base.autostart, VP_YES);
	assert_int_equal(base.transient, VP_NO);
	assert_string_equal(base.graphics.type, "none");
	/* the source is copied, not shared */
	free(cli.name);
	cli.name = vp_strdup("other");
	assert_string_equal(base.name, "web1");
	vp_spec_clear(&cli);
	vp_spec_clear(&base);
}

static void test_merge_lists_replace(void **state)
{
	struct vp_domain_spec profile = { 0 }, cli = { 0 }, out = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&profile, "size=30", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&profile, "size=5,bus=sata", &err), 0);
	assert_int_equal(vp_spec_parse_network(&profile, "network=lab", &err), 0);
	assert_int_equal(vp_spec_parse_boot(&profile, "cdrom,hd", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&cli, "size=8", &err), 0);
	assert_int_equal(vp_spec_parse_network(&cli, "none", &err), 0);

	assert_int_equal(vp_spec_merge(&out, &profile, &err), 0);
	assert_int_equal(out.n_disks, 2);
	assert_int_equal(out.n_nets, 1);
	assert_int_equal(vp_spec_merge(&out, &cli, &err), 0);
	assert_int_equal(out.n_disks, 1);
	assert_int_equal(out.disks[0].size, 8 * VP_GiB);
	assert_null(out.disks[0].bus);
	assert_true(out.nets_set);
	assert_int_equal(out.n_nets, 0);
	assert_int_equal(out.boot.n_devs, 2); /* the CLI said nothing about boot */
	assert_string_equal(out.boot.devs[0], "cdrom");
	vp_spec_clear(&profile);
	vp_spec_clear(&cli);
	vp_spec_clear(&out);
}

static void test_canonical_and_hash(void **state)
{
	struct vp_domain_spec a = { 0 }, b = { 0 };
	struct vp_error err = { 0 };
	char *ca, *cb, *ha, *hb;

	(void)state;
	a.name = vp_strdup("web1");
	a.memory = 2 * VP_GiB;
	assert_int_equal(vp_spec_parse_disk(&a, "size=10,pool=default", &err), 0);
	b.name = vp_strdup("web1");
	b.memory = 2 * VP_GiB;
	assert_int_equal(vp_spec_parse_disk(&b, "pool=default,size=10", &err), 0);

	ca = vp_spec_canonical(&a);
	cb = vp_spec_canonical(&b);
	assert_string_equal(ca, cb); /* key order on the command line does not matter */
	assert_non_null(strstr(ca, "name=web1\n"));
	assert_non_null(strstr(ca, "disk0.size=10737418240\n"));
	ha = vp_spec_hash(&a);
	hb = vp_spec_hash(&b);
	assert_int_equal(strlen(ha), 64);
	assert_string_equal(ha, hb);
	free(cb);
	free(hb);

	b.vcpus = 4;
	hb = vp_spec_hash(&b);
	assert_string_not_equal(ha, hb);
	free(hb);

	/* a value cannot forge another line of the canonical text */
	vp_set_str(&b.name, "web1\nmemory=1");
	cb = vp_spec_canonical(&b);
	assert_null(strstr(cb, "\nmemory=1\n"));
	assert_non_null(strstr(cb, "name=web1\\x0amemory=1\n"));
	free(cb);
	free(ca);
	free(ha);
	vp_spec_clear(&a);
	vp_spec_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_merge_scalars),
		cmocka_unit_test(test_merge_lists_replace),
		cmocka_unit_test(test_canonical_and_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
