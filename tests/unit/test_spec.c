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

/* --image, --cloud-init and --inject over a lower layer: the image and
 * the edits survive a --cloud-init laid over them, and the canonical form
 * (the spec hash) sees all three */
static void test_merge_cloud(void **state)
{
	struct vp_domain_spec low = { 0 }, cli = { 0 }, out = { 0 };
	struct vp_error err = { 0 };
	char *c1, *c2;

	(void)state;
	low.cloud.image = strdup("debian12");
	low.cloud.edits = calloc(2, sizeof(char *));
	low.cloud.edits[0] = strdup("serial-console");
	low.cloud.edits[1] = strdup("hostname=a");
	low.cloud.n_edits = 2;
	assert_int_equal(vp_spec_parse_cloud_init(&cli, "hostname=web1,disable=on", &err), 0);
	assert_int_equal(vp_spec_merge(&out, &low, &err), 0);
	c1 = vp_spec_canonical(&out);
	assert_int_equal(vp_spec_merge(&out, &cli, &err), 0);
	assert_string_equal(out.cloud.image, "debian12");
	assert_int_equal(out.cloud.n_edits, 2);
	assert_string_equal(out.cloud.edits[1], "hostname=a");
	assert_string_equal(out.cloud.hostname, "web1");
	assert_int_equal(out.cloud.disable, VP_YES);
	c2 = vp_spec_canonical(&out);
	assert_non_null(strstr(c1, "serial-console"));
	assert_non_null(strstr(c2, "web1"));
	assert_string_not_equal(c1, c2);
	free(c1);
	free(c2);
	vp_spec_clear(&low);
	vp_spec_clear(&cli);
	vp_spec_clear(&out);
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

/* Every text field a caller can set is checked, and named as the user
 * knows it; the message stays one line. */
static void test_check_text(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	struct field { char **slot; const char *needle; };
	size_t i;

	(void)state;
	s.name = vp_strdup("web1");
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,pool=default,bus=virtio", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "/data/b.qcow2", &err), 0);
	assert_int_equal(vp_spec_parse_network(&s, "network=default,model=virtio", &err), 0);
	assert_int_equal(vp_spec_parse_network(&s, "bridge=br0", &err), 0);
	assert_int_equal(vp_spec_parse_graphics(&s, "vnc,listen=::1", &err), 0);
	assert_int_equal(vp_spec_parse_boot(&s, "cdrom,hd,kernel=/k,initrd=/i,kernel_args=caf\xc3\xa9", &err), 0);
	s.virt_type = vp_strdup("kvm");
	s.arch = vp_strdup("x86_64");
	s.machine = vp_strdup("q35");
	s.dev.disk_bus = vp_strdup("sata");
	s.dev.net_model = vp_strdup("e1000e");
	s.dev.usb_model = vp_strdup("qemu-xhci");
	s.dev.video_model = vp_strdup("vga");
	s.os.id = vp_strdup("http://debian.org/debian/12");
	s.os.short_id = vp_strdup("debian12");
	s.os.name = vp_strdup("Debian 12");
	s.disks[0].format = vp_strdup("qcow2");
	s.disks[0].cache = vp_strdup("none");
	s.disks[0].backing_store = vp_strdup("/b.qcow2");
	s.disks[0].backing_format = vp_strdup("qcow2");
	s.disks[0].device = vp_strdup("disk");
	s.nets[0].mac = vp_strdup("52:54:00:00:00:01");
	assert_int_equal(vp_spec_check_text(&s, &err), 0);

	{
		const struct field fields[] = {
			{ &s.name, "--name contains" },
			{ &s.virt_type, "--virt-type contains" },
			{ &s.arch, "--arch contains" },
			{ &s.machine, "--machine contains" },
			{ &s.graphics.type, "--graphics contains" },
			{ &s.graphics.listen, "--graphics listen contains" },
			{ &s.boot.kernel, "--boot kernel contains" },
			{ &s.boot.initrd, "--boot initrd contains" },
			{ &s.boot.cmdline, "--boot kernel_args contains a control character (\\x01), which a domain description cannot hold" },
			{ &s.boot.devs[1], "--boot contains" },
			{ &s.dev.disk_bus, "the OS profile's disk bus contains" },
			{ &s.dev.net_model, "the OS profile's NIC model contains" },
			{ &s.dev.usb_model, "the OS profile's USB model contains" },
			{ &s.dev.video_model, "the OS profile's video model contains" },
			{ &s.os.id, "--os profile id contains" },
			{ &s.os.short_id, "--os short id contains" },
			{ &s.os.name, "--os profile name contains" },
			{ &s.disks[0].path, "--disk path (disk 1) contains" },
			{ &s.disks[0].pool, "--disk pool (disk 1) contains" },
			{ &s.disks[0].format, "--disk format (disk 1) contains" },
			{ &s.disks[0].bus, "--disk bus (disk 1) contains" },
			{ &s.disks[0].cache, "--disk cache (disk 1) contains" },
			{ &s.disks[0].backing_store, "--disk backing_store (disk 1) contains" },
			{ &s.disks[0].backing_format, "--disk backing_format (disk 1) contains" },
			{ &s.disks[0].device, "--disk device (disk 1) contains" },
			{ &s.disks[1].path, "--disk path (disk 2) contains" },
			{ &s.disks[1].vol, "--disk vol (disk 2) contains" },
			{ &s.nets[0].type, "--network type (network 1) contains" },
			{ &s.nets[0].source, "--network network (network 1) contains" },
			{ &s.nets[0].model, "--network model (network 1) contains" },
			{ &s.nets[0].mac, "--network mac (network 1) contains" },
			{ &s.nets[1].source, "--network bridge (network 2) contains" },
		};

		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			char *was = *fields[i].slot;

			*fields[i].slot = vp_strdup("a\x01" "b");
			if (vp_spec_check_text(&s, &err) != -1)
				fail_msg("a control character in field %zu ('%s') passed", i,
					 fields[i].needle);
			assert_int_equal(err.code, VP_ERR_INVALID);
			if (!strstr(err.msg, fields[i].needle))
				fail_msg("field %zu: '%s' lacks '%s'", i, err.msg, fields[i].needle);
			free(*fields[i].slot);
			*fields[i].slot = vp_strdup("caf\xc3\xa9\xff");
			assert_int_equal(vp_spec_check_text(&s, &err), -1);
			assert_non_null(strstr(err.msg, "a byte that is not UTF-8 (\\xff)"));
			free(*fields[i].slot);
			*fields[i].slot = vp_strdup("\xef\xbf\xbf");
			assert_int_equal(vp_spec_check_text(&s, &err), -1);
			assert_non_null(strstr(err.msg, "U+FFFF"));
			assert_null(strchr(err.msg, '\n'));
			free(*fields[i].slot);
			*fields[i].slot = was;
			assert_int_equal(vp_spec_check_text(&s, &err), 0);
		}
	}
	/* one disk, one network: no number */
	vp_spec_clear(&s);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1", &err), 0);
	s.disks[0].bus = vp_strdup("virtio\n");
	assert_int_equal(vp_spec_check_text(&s, &err), -1);
	assert_non_null(strstr(err.msg, "--disk bus contains a control character (\\x0a)"));
	vp_spec_clear(&s);
	/* an empty spec has nothing to refuse */
	assert_int_equal(vp_spec_check_text(&s, &err), 0);
	assert_int_equal(vp_spec_check_value("--x", NULL, &err), 0);
	assert_int_equal(vp_spec_check_value("--x", "", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_merge_cloud),
		cmocka_unit_test(test_merge_scalars),
		cmocka_unit_test(test_merge_lists_replace),
		cmocka_unit_test(test_canonical_and_hash),
		cmocka_unit_test(test_check_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
