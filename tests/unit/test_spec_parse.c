/* tests/unit/test_spec_parse.c — virt-install's sub-option syntax */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* --cloud-init: virt-install's sub-options, repeatable keys, bare, none,
 * and the later option replacing the earlier whole */
static void test_cloud_init(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_cloud_init(&s,
		"hostname=web1,root-ssh-key=/a.pub,root-ssh-key=/b.pub,clouduser-ssh-key=c.pub,"
		"user-data=ud,meta-data=md,network-config=nc,disable=on", &err), 0);
	assert_true(s.cloud.init_set);
	assert_false(s.cloud.init_none);
	assert_string_equal(s.cloud.hostname, "web1");
	assert_int_equal(s.cloud.n_root_ssh_keys, 2);
	assert_string_equal(s.cloud.root_ssh_keys[1], "/b.pub");
	assert_int_equal(s.cloud.n_clouduser_ssh_keys, 1);
	assert_string_equal(s.cloud.user_data, "ud");
	assert_string_equal(s.cloud.meta_data, "md");
	assert_string_equal(s.cloud.network_config, "nc");
	assert_int_equal(s.cloud.disable, VP_YES);
	assert_int_equal(s.cloud.root_password_generate, VP_UNSET);
	/* a later --cloud-init replaces the earlier; --image stays */
	vp_set_str(&s.cloud.image, "debian12");
	assert_int_equal(vp_spec_parse_cloud_init(&s, "root-password-generate", &err), 0);
	assert_int_equal(s.cloud.root_password_generate, VP_YES);
	assert_null(s.cloud.hostname);
	assert_int_equal(s.cloud.n_root_ssh_keys, 0);
	assert_string_equal(s.cloud.image, "debian12");
	assert_int_equal(vp_spec_parse_cloud_init(&s, "", &err), 0);
	assert_true(s.cloud.init_set);
	assert_false(s.cloud.init_none);
	assert_int_equal(vp_spec_parse_cloud_init(&s, "none", &err), 0);
	assert_true(s.cloud.init_none);
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_cloud_init, "bogus=1", "unknown --cloud-init option 'bogus'");
	expect_error(vp_spec_parse_cloud_init, "hostname=a,hostname=b", "'hostname' is given twice");
	expect_error(vp_spec_parse_cloud_init, "disable=maybe", "use on or off");
	expect_error(vp_spec_parse_cloud_init, "user-data", "user-data= needs a value");
	expect_error(vp_spec_parse_cloud_init, "root-password-file=/p,root-password-generate=on",
		     "cannot go together");
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

/* A sub-option given twice is refused, whichever spelling it came in;
 * nothing of a refused argument reaches the spec. */
static void test_install_options(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_location(&s, "http://deb.debian.org/debian/dists/bookworm/main/installer-amd64/", &err), 0);
	assert_string_equal(s.install.location, "http://deb.debian.org/debian/dists/bookworm/main/installer-amd64/");
	assert_null(s.install.kernel_hint);
	assert_int_equal(vp_spec_parse_location(&s, "/srv/tree,kernel=images/pxeboot/vmlinuz,initrd=images/pxeboot/initrd.img", &err), 0);
	assert_string_equal(s.install.location, "/srv/tree");
	assert_string_equal(s.install.kernel_hint, "images/pxeboot/vmlinuz");
	assert_string_equal(s.install.initrd_hint, "images/pxeboot/initrd.img");
	/* a URL with a query string is still one location */
	assert_int_equal(vp_spec_parse_location(&s, "http://h/tree?arch=x86_64", &err), 0);
	assert_string_equal(s.install.location, "http://h/tree?arch=x86_64");
	expect_error(vp_spec_parse_location, "/srv/tree,kernel=/boot/vmlinuz,initrd=i", "inside the tree");
	expect_error(vp_spec_parse_location, "/srv/tree,kernel=../../etc/passwd,initrd=i", "stay inside the tree");
	expect_error(vp_spec_parse_location, "/srv/tree,kernel=k", "both kernel= and initrd=");
	expect_error(vp_spec_parse_location, "/srv/tree,kernel=k,kernel=k2,initrd=i", "twice");
	expect_error(vp_spec_parse_location, "/srv/tree,menu=on", "unknown --location option 'menu'");
	expect_error(vp_spec_parse_location, "", "needs a value");

	assert_int_equal(vp_spec_parse_install(&s, "debian12", &err), 0);
	assert_string_equal(s.install.tree_os, "debian12");
	assert_int_equal(vp_spec_parse_install(&s, "no_install=yes", &err), 0);
	assert_int_equal(s.install.no_install, VP_YES);
	expect_error(vp_spec_parse_install, "debian12,no_install=yes", "contradict");
	expect_error(vp_spec_parse_install, "bootdev=cdrom", "unknown --install option 'bootdev'");

	assert_int_equal(vp_spec_parse_console(&s, "pty,target_type=serial", &err), 0);
	assert_string_equal(s.console_target, "serial");
	assert_int_equal(vp_spec_parse_console(&s, "pty,target_type=virtio", &err), 0);
	assert_string_equal(s.console_target, "virtio");
	expect_error(vp_spec_parse_console, "pty,path=/tmp/x", "unknown --console option 'path'");
	expect_error(vp_spec_parse_console, "tcp", "consoles are pty");
	expect_error(vp_spec_parse_console, "pty,target_type=sclp", "use serial or virtio");

	assert_int_equal(vp_spec_parse_unattended(&s, "", &err), 0);
	assert_true(s.install.unattended.set);
	assert_null(s.install.unattended.profile);
	assert_int_equal(vp_spec_parse_unattended(&s, "profile=desktop,admin-password-file=/root/pw,user-login=ann", &err), 0);
	assert_string_equal(s.install.unattended.profile, "desktop");
	assert_string_equal(s.install.unattended.admin_password_file, "/root/pw");
	assert_string_equal(s.install.unattended.user_login, "ann");
	expect_error(vp_spec_parse_unattended, "admin-password=secret", "unknown --unattended option 'admin-password'");
	expect_error(vp_spec_parse_unattended, "profile=server", "jeos or desktop");
	vp_spec_clear(&s);
}

static void test_repeated_keys(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	expect_error(vp_spec_parse_disk, "size=1,size=2",
		     "invalid --disk 'size=1,size=2': 'size' is given twice");
	expect_error(vp_spec_parse_disk, "/a.qcow2,path=/b.qcow2", "'path' is given twice");
	expect_error(vp_spec_parse_disk, "size=1,pool=a,pool=b", "'pool' is given twice");
	expect_error(vp_spec_parse_disk, "vol=p/a,vol=p/b", "'vol' is given twice");
	expect_error(vp_spec_parse_disk, "size=1,bus=sata,bus=virtio", "'bus' is given twice");
	expect_error(vp_spec_parse_disk, "size=1,readonly=on,readonly=off", "'readonly' is given twice");
	expect_error(vp_spec_parse_disk, "pool=a,vol=b/c", "not both");
	expect_error(vp_spec_parse_disk, "vol=b/c,pool=b", "not both");
	expect_error(vp_spec_parse_network, "network=a,network=b",
		     "invalid --network 'network=a,network=b': 'network' is given twice");
	expect_error(vp_spec_parse_network, "user,mac=52:54:00:00:00:01,mac=52:54:00:00:00:02",
		     "'mac' is given twice");
	expect_error(vp_spec_parse_network, "user,model=virtio,model=e1000", "'model' is given twice");
	expect_error(vp_spec_parse_network, "network=a,type=user", "one of");
	expect_error(vp_spec_parse_boot, "kernel=/a,kernel=/b",
		     "invalid --boot 'kernel=/a,kernel=/b': 'kernel' is given twice");
	expect_error(vp_spec_parse_boot, "kernel=/a,initrd=/i,initrd=/j", "'initrd' is given twice");
	expect_error(vp_spec_parse_boot, "kernel=/a,kernel_args=x,cmdline=y",
		     "'kernel_args' and 'cmdline' are one setting, given twice");
	expect_error(vp_spec_parse_boot, "uefi,firmware=bios", "given twice");
	expect_error(vp_spec_parse_boot, "uefi=on,uefi=off", "'uefi' is given twice");
	expect_error(vp_spec_parse_boot, "hd,hd", "twice");
	expect_error(vp_spec_parse_boot, "network,pxe", "twice");
	expect_error(vp_spec_parse_graphics, "vnc,port=5901,port=5902",
		     "invalid --graphics 'vnc,port=5901,port=5902': 'port' is given twice");
	expect_error(vp_spec_parse_graphics, "vnc,listen=::1,listen=::1", "'listen' is given twice");
	expect_error(vp_spec_parse_graphics, "vnc,type=spice", "'type' is given twice");

	/* a list of boot devices is not a repetition */
	assert_int_equal(vp_spec_parse_boot(&s, "cdrom,hd,network,fd", &err), 0);
	assert_int_equal(s.boot.n_devs, 4);
	/* a refused --boot leaves what an earlier one said */
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k1", &err), 0);
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k2,initrd=/i,kernel=/k3", &err), -1);
	assert_string_equal(s.boot.kernel, "/k1");
	assert_null(s.boot.initrd);
	/* a later --boot may add to an earlier one's kernel */
	assert_int_equal(vp_spec_parse_boot(&s, "kernel_args=quiet", &err), 0);
	assert_string_equal(s.boot.cmdline, "quiet");
	assert_int_equal(vp_spec_parse_graphics(&s, "vnc,listen=::1,port=5901", &err), 0);
	assert_int_equal(vp_spec_parse_graphics(&s, "spice,port=5902,port=5903", &err), -1);
	assert_string_equal(s.graphics.type, "vnc");
	assert_int_equal(s.graphics.port, 5901);
	vp_spec_clear(&s);
}

/* Values libvirt's domain schema (or the host) would refuse are refused
 * when parsed, as usage errors, not later as a schema failure. */
static void test_schema_values(void **state)
{
	static const char *const good_bridges[] = { "br0", "br-lan.10", "virbr_0", "abcdefghijklmno", NULL };
	static const char *const bad_bridges[] = { "a b", "x/y", ".", "..", "abcdefghijklmnop", "a:b",
						   "a\\b", "caf\xc3\xa9", "a@b", NULL };
	static const struct { const char *in, *out; } good_listen[] = {
		{ "127.0.0.1", "127.0.0.1" }, { "0.0.0.0", "0.0.0.0" }, { "::", "::" },
		{ "::1", "::1" }, { "::ffff:1.2.3.4", "::ffff:1.2.3.4" },
		{ "FE80::0:1", "fe80::1" },
		/* valid, but not in the schema's pattern: written canonically */
		{ "1::2:1.2.3.4", "1::2:102:304" },
	};
	static const char *const bad_listen[] = { "localhost", "example.com", "1.2.3", "256.1.1.1",
						  "01.2.3.4", "fe80::1%eth0", "[::1]", "1.2.3.4:5900",
						  ":::", "abcd::12345", NULL };
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	char arg[600], big[400];
	size_t i;

	(void)state;
	for (i = 0; good_bridges[i]; i++) {
		snprintf(arg, sizeof(arg), "bridge=%s", good_bridges[i]);
		if (vp_spec_parse_network(&s, arg, &err) < 0)
			fail_msg("'%s' refused: %s", arg, err.msg);
		assert_string_equal(s.nets[i].source, good_bridges[i]);
	}
	vp_spec_clear(&s);
	for (i = 0; bad_bridges[i]; i++) {
		snprintf(arg, sizeof(arg), "bridge=%s", bad_bridges[i]);
		expect_error(vp_spec_parse_network, arg, "invalid --network bridge");
		snprintf(arg, sizeof(arg), "bridge:%s", bad_bridges[i]);
		expect_error(vp_spec_parse_network, arg, "invalid --network bridge");
	}
	expect_error(vp_spec_parse_network, "bridge=", "needs a value");
	expect_error(vp_spec_parse_network, "network=a/b", "invalid --network network 'a/b'");
	expect_error(vp_spec_parse_network, "network:a/b", "invalid --network network 'a/b'");
	expect_error(vp_spec_parse_network, "network=", "needs a value");
	assert_int_equal(vp_spec_parse_network(&s, "network=my lab", &err), 0); /* libvirt allows it */
	vp_spec_clear(&s);

	for (i = 0; i < sizeof(good_listen) / sizeof(good_listen[0]); i++) {
		snprintf(arg, sizeof(arg), "vnc,listen=%s", good_listen[i].in);
		if (vp_spec_parse_graphics(&s, arg, &err) < 0)
			fail_msg("'%s' refused: %s", arg, err.msg);
		assert_string_equal(s.graphics.listen, good_listen[i].out);
	}
	vp_spec_clear(&s);
	for (i = 0; bad_listen[i]; i++) {
		snprintf(arg, sizeof(arg), "spice,listen=%s", bad_listen[i]);
		expect_error(vp_spec_parse_graphics, arg, "invalid --graphics listen");
	}

	/* disks: absolute paths of files, pool and volume names libvirt takes */
	expect_error(vp_spec_parse_disk, "path=disk.qcow2,size=1", "--disk path 'disk.qcow2' must be an absolute path");
	expect_error(vp_spec_parse_disk, "disk.qcow2,size=1", "must be an absolute path");
	expect_error(vp_spec_parse_disk, "path=/,size=1", "names a directory");
	expect_error(vp_spec_parse_disk, "path=/tmp/,size=1", "names a directory");
	expect_error(vp_spec_parse_disk, "path=/tmp/.,size=1", "names a directory");
	expect_error(vp_spec_parse_disk, "path=/tmp/..,size=1", "names a directory");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(arg, sizeof(arg), "path=/tmp/%s,size=1", big);
	expect_error(vp_spec_parse_disk, arg, "longer than 255 bytes");
	expect_error(vp_spec_parse_disk, "pool=a/b,size=1", "--disk pool 'a/b'");
	expect_error(vp_spec_parse_disk, "vol=p/..", "--disk vol 'p/..': a volume name");
	expect_error(vp_spec_parse_disk, "vol=p/.", "--disk vol 'p/.'");
	snprintf(arg, sizeof(arg), "vol=p/%s", big);
	expect_error(vp_spec_parse_disk, arg, "at most 255 bytes");
	expect_error(vp_spec_parse_disk, "size=1,backing_store=/tmp/", "--disk backing_store '/tmp/'");
	expect_error(vp_spec_parse_disk, "size=1,backing_store=p/..", "--disk backing_store 'p/..'");
	expect_error(vp_spec_parse_disk, "size=1,backing_format=vmdk,format=qcow2,backing_format=raw",
		     "given twice");
	/* what is neither PATH nor POOL/VOL is refused when resolved */
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,backing_store=a/b/c", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "path=/var/lib/libvirt/images/caf\xc3\xa9 1.qcow2,size=1", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "vol=my pool/a b.qcow2", &err), 0);
	vp_spec_clear(&s);

	/* boot: <kernel> and <initrd> are absolute paths of files */
	expect_error(vp_spec_parse_boot, "kernel=vmlinuz", "--boot kernel 'vmlinuz' must be an absolute path");
	expect_error(vp_spec_parse_boot, "kernel=/", "--boot kernel '/'");
	expect_error(vp_spec_parse_boot, "kernel=/k,initrd=initrd.img", "--boot initrd 'initrd.img'");
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k,kernel_args=", &err), 0);
	assert_string_equal(s.boot.cmdline, "");
	vp_spec_clear(&s);
}

/* A control character, a byte that is not UTF-8 or a non-character in any
 * value is refused at parse time, naming the option, in one line. */
static void test_control_characters(void **state)
{
	static const struct { int (*fn)(struct vp_domain_spec *, const char *, struct vp_error *);
			      const char *arg, *needle; } cases[] = {
		{ vp_spec_parse_boot, "kernel=/k,kernel_args=a\x01" "b",
		  "--boot kernel_args contains a control character (\\x01), which a domain description cannot hold" },
		{ vp_spec_parse_boot, "kernel=/k,cmdline=a\nb", "--boot cmdline contains a control character (\\x0a)" },
		{ vp_spec_parse_boot, "kernel=/k\x7f", "--boot kernel contains a control character (\\x7f)" },
		{ vp_spec_parse_boot, "kernel=/k,initrd=/i\t", "--boot initrd contains a control character (\\x09)" },
		{ vp_spec_parse_boot, "hd\x1b", "--boot contains a control character (\\x1b)" },
		{ vp_spec_parse_disk, "path=/a\xff,size=1", "--disk path contains a byte that is not UTF-8 (\\xff)" },
		{ vp_spec_parse_disk, "/a\xc0\xaf,size=1", "--disk path contains a byte that is not UTF-8 (\\xc0)" },
		{ vp_spec_parse_disk, "pool=p\x01,size=1", "--disk pool contains a control character" },
		{ vp_spec_parse_disk, "vol=p/v\x01", "--disk vol contains a control character" },
		{ vp_spec_parse_disk, "size=1,backing_store=/b\x01", "--disk backing_store contains a control character" },
		{ vp_spec_parse_disk, "size=1,bus=virtio\n", "--disk bus contains a control character" },
		{ vp_spec_parse_disk, "size=1\x01", "--disk size contains a control character" },
		{ vp_spec_parse_disk, "path=/a\xef\xbf\xbe,size=1", "--disk path contains the non-character U+FFFE" },
		{ vp_spec_parse_disk, "path=/a\xed\xa0\x80,size=1", "not UTF-8 (\\xed)" },
		{ vp_spec_parse_network, "network=a\x01", "--network network contains a control character" },
		{ vp_spec_parse_network, "network:a\nb", "--network network contains a control character" },
		{ vp_spec_parse_network, "bridge=br\x01", "--network bridge contains a control character" },
		{ vp_spec_parse_network, "user,mac=52:54:00:00:00:0\x01", "--network mac contains a control character" },
		{ vp_spec_parse_network, "user,model=virtio\xff", "--network model contains a byte that is not UTF-8" },
		{ vp_spec_parse_graphics, "vnc,listen=::1\x01", "--graphics listen contains a control character" },
		{ vp_spec_parse_graphics, "vnc\x01", "--graphics contains a control character" },
	};
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p;

		expect_error(cases[i].fn, cases[i].arg, cases[i].needle);
		cases[i].fn(&s, cases[i].arg, &err);
		for (p = err.msg; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fail_msg("message for case %zu holds byte 0x%02x: %s", i, *p, err.msg);
		vp_spec_clear(&s);
	}
	/* text beyond ASCII is fine */
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k,kernel_args=caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xae", &err), 0);
	assert_string_equal(s.boot.cmdline, "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xae");
	vp_spec_clear(&s);
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
		cmocka_unit_test(test_cloud_init),
		cmocka_unit_test(test_disk_keys), cmocka_unit_test(test_disk_none),
		cmocka_unit_test(test_install_options),
		cmocka_unit_test(test_disk_errors), cmocka_unit_test(test_network),
		cmocka_unit_test(test_graphics), cmocka_unit_test(test_boot),
		cmocka_unit_test(test_names), cmocka_unit_test(test_repeated_keys),
		cmocka_unit_test(test_schema_values), cmocka_unit_test(test_control_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
