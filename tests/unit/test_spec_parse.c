/* tests/unit/test_spec_parse.c — virt-install's sub-option syntax */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "spec.h"
#include "units.h"

static void expect_error(int (*fn)(struct vp_domain_spec *, const char *, struct vp_error *),
			 const char *arg, const char *needle)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	if (fn(&s, arg, &err) != -1)
		fail_msg("'%s' was accepted", arg);
	assert_int_equal(err.code, VP_ERR_INVALID);
	if (!strstr(err.msg, needle))
		fail_msg("error for '%s' is '%s', wanted '%s' in it", arg, err.msg, needle);
	assert_null(strchr(err.msg, '\n'));
	vp_spec_clear(&s);
}

static void test_disk_keys(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	struct vp_disk_spec *d;

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&s, "size=20,pool=fast,format=raw,bus=sata,cache=none", &err), 0);
	assert_int_equal(s.n_disks, 1);
	d = &s.disks[0];
	assert_int_equal(d->size, 20 * VP_GiB);
	assert_string_equal(d->pool, "fast");
	assert_string_equal(d->format, "raw");
	assert_string_equal(d->bus, "sata");
	assert_string_equal(d->cache, "none");
	assert_true(s.disks_set);

	assert_int_equal(vp_spec_parse_disk(&s, "/var/lib/libvirt/images/a.qcow2,bus=scsi", &err), 0);
	assert_string_equal(s.disks[1].path, "/var/lib/libvirt/images/a.qcow2");
	assert_string_equal(s.disks[1].bus, "scsi");

	assert_int_equal(vp_spec_parse_disk(&s, "vol=images/base.qcow2", &err), 0);
	assert_string_equal(s.disks[2].pool, "images");
	assert_string_equal(s.disks[2].vol, "base.qcow2");

	assert_int_equal(vp_spec_parse_disk(&s, "size=0.5,backing_store=images/b.qcow2,backing_format=qcow2", &err), 0);
	assert_int_equal(s.disks[3].size, 512 * VP_MiB);
	assert_string_equal(s.disks[3].backing_store, "images/b.qcow2");
	assert_string_equal(s.disks[3].backing_format, "qcow2");

	/* quoting and ",," */
	assert_int_equal(vp_spec_parse_disk(&s, "path='/data/a,b.qcow2',size=1", &err), 0);
	assert_string_equal(s.disks[4].path, "/data/a,b.qcow2");
	assert_int_equal(vp_spec_parse_disk(&s, "path=/data/c,,d.qcow2,size=1", &err), 0);
	assert_string_equal(s.disks[5].path, "/data/c,d.qcow2");
	/* a bare path with '=' in it is still a path */
	assert_int_equal(vp_spec_parse_disk(&s, "/data/x=y.qcow2", &err), 0);
	assert_string_equal(s.disks[6].path, "/data/x=y.qcow2");
	assert_int_equal(vp_spec_parse_disk(&s, "device=cdrom,path=/iso/a.iso,readonly=on", &err), 0);
	assert_string_equal(s.disks[7].device, "cdrom");
	assert_int_equal(s.disks[7].readonly, VP_YES);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,sparse=no", &err), 0);
	assert_int_equal(s.disks[8].sparse, VP_NO);
	vp_spec_clear(&s);
}

static void test_disk_none(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&s, "none", &err), 0);
	assert_true(s.disks_set);
	assert_int_equal(s.n_disks, 0);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1", &err), -1);
	assert_non_null(strstr(err.msg, "none"));
	vp_spec_clear(&s);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "none", &err), -1);
	vp_spec_clear(&s);
}

static void test_disk_errors(void **state)
{
	(void)state;
	expect_error(vp_spec_parse_disk, "size=abc", "--disk size");
	expect_error(vp_spec_parse_disk, "size=0", "between");
	expect_error(vp_spec_parse_disk, "size=-5", "negative");
	expect_error(vp_spec_parse_disk, "size=100T", "between");
	expect_error(vp_spec_parse_disk, "foo=bar", "unknown --disk option 'foo'");
	expect_error(vp_spec_parse_disk, "format=vmdk", "qcow2 or raw");
	expect_error(vp_spec_parse_disk, "bus=floppy", "bus");
	expect_error(vp_spec_parse_disk, "cache=fast", "cache");
	expect_error(vp_spec_parse_disk, "vol=novolume", "POOL/VOLUME");
	expect_error(vp_spec_parse_disk, "vol=/a", "POOL/VOLUME");
	expect_error(vp_spec_parse_disk, "vol=a/b/c", "POOL/VOLUME");
	expect_error(vp_spec_parse_disk, "vol=p/v,size=2", "size=");
	expect_error(vp_spec_parse_disk, "path=/a,vol=p/v", "not both");
	expect_error(vp_spec_parse_disk, "path=/a,pool=p", "not both");
	expect_error(vp_spec_parse_disk, "size=1,,", "unknown unit ','");
	expect_error(vp_spec_parse_disk, "size=1,", "empty item");
	expect_error(vp_spec_parse_disk, ",size=1", "empty item");
	expect_error(vp_spec_parse_disk, "path='/a", "unterminated quote");
	expect_error(vp_spec_parse_disk, "", "needs a value");
	expect_error(vp_spec_parse_disk, "pool=", "needs a value");
	expect_error(vp_spec_parse_disk, "size=1,bogus", "not a key=value");
	expect_error(vp_spec_parse_disk, "backing_format=qcow2", "needs backing_store");
	expect_error(vp_spec_parse_disk, "backing_store=/b.qcow2,format=raw", "format=qcow2");
	expect_error(vp_spec_parse_disk, "readonly=maybe", "on or off");
}

static void test_network(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_network(&s, "network=default,model=e1000e,mac=52:54:00:aa:bb:cc", &err), 0);
	assert_string_equal(s.nets[0].type, "network");
	assert_string_equal(s.nets[0].source, "default");
	assert_string_equal(s.nets[0].model, "e1000e");
	assert_string_equal(s.nets[0].mac, "52:54:00:aa:bb:cc");
	assert_int_equal(vp_spec_parse_network(&s, "bridge=br0", &err), 0);
	assert_string_equal(s.nets[1].type, "bridge");
	assert_string_equal(s.nets[1].source, "br0");
	assert_int_equal(vp_spec_parse_network(&s, "user", &err), 0);
	assert_string_equal(s.nets[2].type, "user");
	assert_int_equal(vp_spec_parse_network(&s, "bridge:br1", &err), 0);
	assert_string_equal(s.nets[3].source, "br1");
	assert_int_equal(vp_spec_parse_network(&s, "none", &err), -1);
	vp_spec_clear(&s);

	assert_int_equal(vp_spec_parse_network(&s, "none", &err), 0);
	assert_true(s.nets_set);
	assert_int_equal(s.n_nets, 0);
	assert_int_equal(vp_spec_parse_network(&s, "user", &err), -1);
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_network, "bogus", "use none, user");
	expect_error(vp_spec_parse_network, "network=a,bridge=b", "one of");
	expect_error(vp_spec_parse_network, "mac=52:54:00:aa:bb:cc", "say which");
	expect_error(vp_spec_parse_network, "user,mac=zz", "six hex pairs");
	expect_error(vp_spec_parse_network, "user,mac=52:54:00:aa:bb:cc:dd", "six hex pairs");
	expect_error(vp_spec_parse_network, "user,mac=01:00:5e:00:00:01", "multicast");
	expect_error(vp_spec_parse_network, "user,model=fancy", "model");
	expect_error(vp_spec_parse_network, "user,speed=1", "unknown --network option 'speed'");
	expect_error(vp_spec_parse_network, "type=direct", "type");
}

static void test_graphics(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_graphics(&s, "spice,listen=127.0.0.1,port=5905", &err), 0);
	assert_string_equal(s.graphics.type, "spice");
	assert_string_equal(s.graphics.listen, "127.0.0.1");
	assert_int_equal(s.graphics.port, 5905);
	assert_int_equal(vp_spec_parse_graphics(&s, "none", &err), 0);
	assert_string_equal(s.graphics.type, "none");
	assert_null(s.graphics.listen);
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_graphics, "sdl", "none, vnc or spice");
	expect_error(vp_spec_parse_graphics, "vnc,port=80", "between 5900");
	expect_error(vp_spec_parse_graphics, "vnc,listen=localhost", "IP address");
	expect_error(vp_spec_parse_graphics, "none,port=5900", "no listen");
	expect_error(vp_spec_parse_graphics, "listen=127.0.0.1", "none, vnc or spice");
}

static void test_boot(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_boot(&s, "cdrom,hd,network", &err), 0);
	assert_int_equal(s.boot.n_devs, 3);
	assert_string_equal(s.boot.devs[0], "cdrom");
	assert_string_equal(s.boot.devs[2], "network");
	assert_int_equal(vp_spec_parse_boot(&s, "uefi", &err), 0);
	assert_int_equal(s.boot.uefi, VP_YES);
	assert_int_equal(s.boot.n_devs, 3); /* a --boot without devices keeps them */
	assert_int_equal(vp_spec_parse_boot(&s,
		"kernel=/boot/vmlinuz,initrd=/boot/initrd.img,kernel_args=\"console=ttyS0,115200n8 root=/dev/vda1\"",
		&err), 0);
	assert_string_equal(s.boot.kernel, "/boot/vmlinuz");
	assert_string_equal(s.boot.initrd, "/boot/initrd.img");
	assert_string_equal(s.boot.cmdline, "console=ttyS0,115200n8 root=/dev/vda1");
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k,kernel_args=a=b c='d'", &err), 0);
	assert_string_equal(s.boot.cmdline, "a=b c=d");
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_boot, "floppydisk", "invalid --boot item");
	expect_error(vp_spec_parse_boot, "hd,hd", "twice");
	expect_error(vp_spec_parse_boot, "initrd=/i", "need kernel=");
	expect_error(vp_spec_parse_boot, "kernel_args=quiet", "need kernel=");
	expect_error(vp_spec_parse_boot, "kernel=", "needs a value");
	expect_error(vp_spec_parse_boot, "firmware=coreboot", "efi or bios");
	expect_error(vp_spec_parse_boot, "menu=on", "unknown --boot option 'menu'");
}

static void test_names(void **state)
{
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_name_check("web1", &err), 0);
	assert_int_equal(vp_name_check("a.b_c-d", &err), 0);
	assert_int_equal(vp_name_check("1", &err), 0);
	assert_int_equal(vp_name_check("", &err), -1);
	assert_int_equal(vp_name_check(NULL, &err), -1);
	assert_int_equal(vp_name_check("a'/><x", &err), -1);
	assert_non_null(strstr(err.msg, "'''"));
	assert_int_equal(vp_name_check("a b", &err), -1);
	assert_int_equal(vp_name_check("a/b", &err), -1);
	assert_int_equal(vp_name_check("-a", &err), -1);
	assert_int_equal(vp_name_check(".a", &err), -1);
	assert_int_equal(vp_name_check("a&b", &err), -1);
	assert_int_equal(vp_name_check("a\nb", &err), -1);
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(vp_name_check("caf\xc3\xa9", &err), -1);
	assert_int_equal(vp_name_check("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &err), 0);
	assert_int_equal(vp_name_check("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &err), -1);
	assert_non_null(strstr(err.msg, "64"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_keys), cmocka_unit_test(test_disk_none),
		cmocka_unit_test(test_disk_errors), cmocka_unit_test(test_network),
		cmocka_unit_test(test_graphics), cmocka_unit_test(test_boot),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
