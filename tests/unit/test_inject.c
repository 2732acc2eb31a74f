/* tests/unit/test_inject.c — guest edits without an appliance: each
 * edit's value parsed (good and bad, relative guest paths refused, key and
 * password files read, the password kept only as a SHA-512 crypt hash),
 * the order of the list, and the pure text rewriting: kernel command lines,
 * /etc/default/grub, grub.cfg, BLS entries (console= added, an existing
 * console=ttyS... replaced, idempotent, other arguments kept), /etc/hosts
 * /etc/shadow and the mounts of an /etc/fstab; --nocloud-seed's seed. */
#include <crypt.h>
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "cleanup.h"
#include "edit.h"
#include "fs.h"
#include "seed.h"

#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkR1Zr0ClUe8nQUtFsS1dqLhBeM8mq3iXz0q1cXyl9A me@host"
#define PW "s3cret Pw \"x\""

static char dir[] = "/tmp/vp-test-inject.XXXXXX";

static char *path_of(const char *name)
{
	return vp_strdup_printf("%s/%s", dir, name);
}

static void write_text(const char *name, const char *text)
{
	struct vp_error err = { 0 };
	_cleanup_(freep) char *p = path_of(name);

	assert_int_equal(vp_write_atomic(p, text, strlen(text), 0600, false, &err), 0);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	write_text("key.pub", "# comment\n\n" KEY "\r\n");
	write_text("empty.pub", "# only a comment\n\n");
	write_text("pw", PW "\nsecond line\n");
	write_text("up", "data");
	return 0;
}

static int teardown(void **state)
{
	_cleanup_(freep) char *cmd = vp_strdup_printf("rm -rf '%s'", dir);

	(void)state;
	return system(cmd) == 0 ? 0 : -1;
}

/* add one edit; expect success */
static const struct vp_edit *good(struct vp_edit_list *l, const char *opt, const char *value)
{
	struct vp_error err = { 0 };

	if (vp_edit_list_add(l, opt, value, &err) != 0)
		fail_msg("--%s '%s' was refused: %s", opt, value ? value : "(null)", err.msg);
	return &l->v[l->n - 1];
}

/* add one edit; expect VP_ERR_INVALID whose message holds needle, and the list unchanged */
static void bad(const char *opt, const char *value, const char *needle)
{
	struct vp_edit_list l = { 0 };
	struct vp_error err = { 0 };

	if (vp_edit_list_add(&l, opt, value, &err) == 0)
		fail_msg("--%s '%s' was accepted", opt, value);
	assert_int_equal(err.code, VP_ERR_INVALID);
	if (!strstr(err.msg, needle))
		fail_msg("--%s '%s': '%s' does not say '%s'", opt, value, err.msg, needle);
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(l.n, 0);
	vp_edit_list_clear(&l);
}

static void test_parse_good(void **state)
{
	struct vp_edit_list l = { 0 };
	_cleanup_(freep) char *keyfile = path_of("key.pub");
	_cleanup_(freep) char *pwfile = path_of("pw");
	_cleanup_(freep) char *up = path_of("up");
	_cleanup_(freep) char *v = NULL;
	const struct vp_edit *e;
	void *h = dlopen("libcrypt.so.1", RTLD_NOW);
	__typeof__(crypt) *crypt_fn = h ? (__typeof__(crypt) *)dlsym(h, "crypt") : NULL;

	(void)state;
	e = good(&l, "hostname", "web-1.example.org");
	assert_int_equal(e->kind, VP_EDIT_HOSTNAME);
	assert_string_equal(e->text, "web-1.example.org");
	assert_string_equal(e->label, "--hostname web-1.example.org");

	v = vp_strdup_printf("alice:file:%s", keyfile);
	e = good(&l, "ssh-inject", v);
	assert_int_equal(e->kind, VP_EDIT_SSH_INJECT);
	assert_string_equal(e->text, "alice");
	assert_string_equal(e->data, KEY "\n"); /* comments, blank lines and \r dropped */
	assert_string_equal(e->label, "--ssh-inject alice");
	e = good(&l, "ssh-inject", "root:string:" KEY);
	assert_string_equal(e->text, "root");
	assert_string_equal(e->data, KEY "\n");

	free(v);
	v = vp_strdup_printf("file:%s", pwfile);
	e = good(&l, "root-password", v);
	assert_int_equal(e->pw, VP_PW_FILE);
	/* only the hash is kept, and it is the first line's */
	assert_non_null(e->data);
	assert_memory_equal(e->data, "$6$", 3);
	assert_null(strstr(e->data, "s3cret"));
	assert_non_null(crypt_fn);
	assert_string_equal(crypt_fn(PW, e->data), e->data);
	assert_string_equal(e->label, "--root-password");
	e = good(&l, "root-password", "random");
	assert_int_equal(e->pw, VP_PW_RANDOM);
	e = good(&l, "root-password", "locked");
	assert_int_equal(e->pw, VP_PW_LOCKED);

	e = good(&l, "write", "/etc/motd:hello: world");
	assert_int_equal(e->kind, VP_EDIT_WRITE);
	assert_string_equal(e->path, "/etc/motd");
	assert_string_equal(e->data, "hello: world"); /* split at the first ':' */
	assert_int_equal(e->data_len, 12);
	e = good(&l, "write", "/empty:");
	assert_int_equal(e->data_len, 0);

	free(v);
	v = vp_strdup_printf("%s:/opt/up", up);
	e = good(&l, "upload", v);
	assert_int_equal(e->kind, VP_EDIT_UPLOAD);
	assert_string_equal(e->text, up);
	assert_string_equal(e->path, "/opt/up");

	e = good(&l, "mkdir", "/opt/a/b");
	assert_int_equal(e->kind, VP_EDIT_MKDIR);
	assert_string_equal(e->path, "/opt/a/b");

	e = good(&l, "chmod", "0600:/opt/a/f");
	assert_int_equal(e->kind, VP_EDIT_CHMOD);
	assert_int_equal(e->mode, 0600);
	assert_string_equal(e->path, "/opt/a/f");
	e = good(&l, "chmod", "4755:/usr/bin/x");
	assert_int_equal(e->mode, 04755);
	e = good(&l, "chmod", "7777:/x");
	assert_int_equal(e->mode, 07777);

	e = good(&l, "firstboot-command", "touch /x && echo 'a:b'");
	assert_int_equal(e->kind, VP_EDIT_FIRSTBOOT_COMMAND);
	assert_string_equal(e->text, "touch /x && echo 'a:b'");

	e = good(&l, "serial-console", "");
	assert_int_equal(e->kind, VP_EDIT_SERIAL_CONSOLE);
	assert_string_equal(e->text, "ttyS0,115200n8");
	e = good(&l, "serial-console", "ttyS1,9600");
	assert_string_equal(e->text, "ttyS1,9600");
	e = good(&l, "serial-console", "console=ttyS0");
	assert_string_equal(e->text, "ttyS0");

	e = good(&l, "sysprep", NULL);
	assert_int_equal(e->kind, VP_EDIT_SYSPREP);
	e = good(&l, "sysprep", "");
	assert_int_equal(e->kind, VP_EDIT_SYSPREP);
	vp_edit_list_clear(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
}

static void test_parse_bad(void **state)
{
	_cleanup_(freep) char *empty = path_of("empty.pub");
	_cleanup_(freep) char *v = vp_strdup_printf("root:file:%s", empty);
	_cleanup_(freep) char *d = vp_strdup_printf("%s:/x", dir);

	(void)state;
	bad("hostname", "", "is not a host name");
	bad("hostname", "-bad", "is not a host name");
	bad("hostname", "a..b", "is not a host name");
	bad("hostname", "under_score", "is not a host name");
	bad("hostname", "a b", "is not a host name");

	bad("ssh-inject", "root:file:", "names no key file");
	bad("ssh-inject", "root:file:/nonexistent/key.pub", "cannot read the key file '/nonexistent/key.pub'");
	bad("ssh-inject", v, "no key in it");
	bad("ssh-inject", "root", "is not USER:file:PATH");
	bad("ssh-inject", "root:KEY", "is not USER:file:PATH");
	bad("ssh-inject", ":string:" KEY, "is not a user name");
	bad("ssh-inject", "ro ot:string:" KEY, "is not a user name");
	bad("ssh-inject", "root:url:x", "'file' or 'string', not 'url'");
	bad("ssh-inject", "root:string:ssh-ed25519 A\x01", "control character");

	bad("root-password", "", "takes file:PATH, random or locked");
	bad("root-password", "hunter2", "takes file:PATH, random or locked");
	bad("root-password", "password:hunter2", "on the command line");
	bad("root-password", "file:", "names no file");
	bad("root-password", "file:/nonexistent/pw", "cannot read the root password file");

	bad("write", "nocolon", "is not PATH:CONTENT");
	bad("write", "relative/f:x", "must be absolute");
	bad("write", ":x", "names no guest path");

	bad("upload", "nocolon", "is not LOCAL:REMOTE");
	bad("upload", "/nonexistent/local:/x", "cannot read '/nonexistent/local'");
	bad("upload", d, "is not a regular file");
	bad("upload", ":/x", "names no local file");
	bad("upload", "/etc/hostname:x", "must be absolute");

	bad("mkdir", "opt/a", "must be absolute");
	bad("mkdir", "", "names no guest path");

	bad("chmod", "999:/x", "octal MODE");
	bad("chmod", "0600", "octal MODE");
	bad("chmod", ":/x", "octal MODE");
	bad("chmod", "17777:/x", "octal MODE");
	bad("chmod", "-1:/x", "octal MODE");
	bad("chmod", "0600:x", "must be absolute");

	bad("firstboot-command", "", "needs a command");
	bad("firstboot-command", "  \n", "needs a command");

	bad("serial-console", "ttyS", "is not a console");
	bad("serial-console", "ttyS0,fast", "is not a console");
	bad("serial-console", "ttyS0 quiet", "is not a console");
	bad("serial-console", "vga", "is not a console");

	bad("sysprep", "yes", "takes no value");
	bad("no-such-edit", "x", "is not a guest edit");
}

/* --nocloud-seed: the seed is built when the edit is added */
static void test_nocloud_seed(void **state)
{
	struct vp_edit_list l = { 0 };
	_cleanup_(freep) char *keyfile = path_of("key.pub");
	_cleanup_(freep) char *pwfile = path_of("pw");
	_cleanup_(freep) char *v = vp_strdup_printf("root-password-file=%s,root-ssh-key=%s,disable=on,"
						    "instance-id=iid-1",
						    pwfile, keyfile);
	_cleanup_(freep) char *nokey = vp_strdup_printf("root-ssh-key=%s/nonexistent.pub", dir);
	const struct vp_edit *e;

	(void)state;
	/* the host name of the --hostname before it */
	good(&l, "hostname", "seeded");
	e = good(&l, "nocloud-seed", v);
	assert_int_equal(e->kind, VP_EDIT_NOCLOUD_SEED);
	assert_string_equal(e->label, "--nocloud-seed");
	assert_non_null(e->seed);
	assert_non_null(strstr(e->seed->meta_data, "iid-1"));
	assert_non_null(strstr(e->seed->meta_data, "seeded"));
	assert_non_null(strstr(e->seed->user_data, "#cloud-config"));
	assert_non_null(strstr(e->seed->user_data, "AAAAC3NzaC1lZDI1NTE5AAAAIBkR1Zr0ClUe8nQUtFsS1dqLhBeM8mq3iXz0q1cXyl9A"));
	assert_non_null(strstr(e->seed->user_data, "$6$"));
	assert_null(strstr(e->seed->user_data, "s3cret"));
	assert_null(e->seed->generated_password);
	/* hostname= wins; bare: a generated password */
	e = good(&l, "nocloud-seed", "hostname=other,root-password-generate=on");
	assert_non_null(strstr(e->seed->meta_data, "other"));
	assert_non_null(e->seed->generated_password);
	assert_null(strstr(e->seed->user_data, e->seed->generated_password));
	vp_edit_list_clear(&l);

	bad("nocloud-seed", "bogus=1", "unknown option 'bogus'");
	bad("nocloud-seed", "disable=maybe", "takes on or off");
	bad("nocloud-seed", "nokv", "is not KEY=VALUE");
	bad("nocloud-seed", "hostname=bad_name", "--nocloud-seed: ");
	bad("nocloud-seed", nokey, "nonexistent.pub");
}

/* The list keeps the order the pairs came in, across options. */
static void test_order(void **state)
{
	static const char *const pairs[][2] = {
		{ "mkdir", "/a" }, { "write", "/a/f:x" }, { "chmod", "0600:/a/f" },
		{ "hostname", "h" }, { "mkdir", "/b" }, { "serial-console", "" },
	};
	static const char *const labels[] = {
		"--mkdir /a", "--write /a/f", "--chmod 0600:/a/f", "--hostname h", "--mkdir /b",
		"--serial-console ttyS0,115200n8",
	};
	struct vp_edit_list l = { 0 };
	struct vp_error err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		assert_int_equal(vp_edit_list_add(&l, pairs[i][0], pairs[i][1], &err), 0);
	/* a refused one leaves the list as it was */
	assert_int_equal(vp_edit_list_add(&l, "mkdir", "rel", &err), -1);
	assert_int_equal(l.n, 6);
	for (i = 0; i < l.n; i++)
		assert_string_equal(l.v[i].label, labels[i]);
	vp_edit_list_clear(&l);
	/* every option name the list takes is known to it */
	for (i = 0; vp_edit_options[i]; i++) {
		struct vp_error e2 = { 0 };

		vp_edit_list_add(&l, vp_edit_options[i], "", &e2);
		assert_null(strstr(e2.msg, "is not a guest edit"));
	}
	vp_edit_list_clear(&l);
}

/* run fn twice: the first result is want, the second the same */
static void rewrite(char *(*fn)(const char *, const char *), const char *in, const char *console,
		    const char *want)
{
	_cleanup_(freep) char *once = fn(in, console);
	_cleanup_(freep) char *twice = fn(once, console);

	assert_string_equal(once, want);
	assert_string_equal(twice, want);
}

static void test_cmdline(void **state)
{
	(void)state;
	rewrite(vp_cmdline_set_console, "", "ttyS0,115200n8", "console=ttyS0,115200n8");
	rewrite(vp_cmdline_set_console, "root=/dev/vda1 ro quiet", "ttyS0,115200n8",
		"root=/dev/vda1 ro quiet console=ttyS0,115200n8");
	/* an existing serial console is replaced, others are kept */
	rewrite(vp_cmdline_set_console, "console=tty0 ro console=ttyS1,9600 quiet", "ttyS0,115200n8",
		"console=tty0 ro quiet console=ttyS0,115200n8");
	rewrite(vp_cmdline_set_console, "console=ttyS0 console=ttyS0,115200", "ttyS1",
		"console=ttyS1");
	/* blanks collapse; quoted values stay one argument */
	rewrite(vp_cmdline_set_console, "  a\tb  x=\"c console=ttyS9 d\"  ", "ttyS0",
		"a b x=\"c console=ttyS9 d\" console=ttyS0");
	/* look-alikes stay */
	rewrite(vp_cmdline_set_console, "console=ttySX noconsole=ttyS0", "ttyS0",
		"console=ttySX noconsole=ttyS0 console=ttyS0");
}

static void test_grub_default(void **state)
{
	(void)state;
	rewrite(vp_grub_default_set_console,
		"GRUB_DEFAULT=0\n"
		"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
		"GRUB_CMDLINE_LINUX=\"\"\n"
		"#GRUB_TERMINAL=console\n",
		"ttyS0,115200n8",
		"GRUB_DEFAULT=0\n"
		"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
		"GRUB_CMDLINE_LINUX=\"console=ttyS0,115200n8\"\n"
		"#GRUB_TERMINAL=console\n"
		"GRUB_TERMINAL=\"serial console\"\n"
		"GRUB_SERIAL_COMMAND=\"serial --unit=0 --speed=115200\"\n");
	/* existing settings replaced in place; other arguments kept */
	rewrite(vp_grub_default_set_console,
		"GRUB_CMDLINE_LINUX=\"net.ifnames=0 console=ttyS0,9600 biosdevname=0\"\n"
		"GRUB_TERMINAL=console\n"
		"GRUB_SERIAL_COMMAND=\"serial --speed=9600\"\n"
		"GRUB_TIMEOUT=1",
		"ttyS1,38400n8",
		"GRUB_CMDLINE_LINUX=\"net.ifnames=0 biosdevname=0 console=ttyS1,38400n8\"\n"
		"GRUB_TERMINAL=\"serial console\"\n"
		"GRUB_SERIAL_COMMAND=\"serial --unit=1 --speed=38400\"\n"
		"GRUB_TIMEOUT=1");
	/* no GRUB_CMDLINE_LINUX at all, no final line end */
	rewrite(vp_grub_default_set_console, "GRUB_TIMEOUT=5", "ttyS0",
		"GRUB_TIMEOUT=5\n"
		"GRUB_CMDLINE_LINUX=\"console=ttyS0\"\n"
		"GRUB_TERMINAL=\"serial console\"\n"
		"GRUB_SERIAL_COMMAND=\"serial --unit=0 --speed=115200\"\n");
	rewrite(vp_grub_default_set_console, "", "ttyS0,115200n8",
		"GRUB_CMDLINE_LINUX=\"console=ttyS0,115200n8\"\n"
		"GRUB_TERMINAL=\"serial console\"\n"
		"GRUB_SERIAL_COMMAND=\"serial --unit=0 --speed=115200\"\n");
	/* single quotes, unquoted values and indentation are kept */
	rewrite(vp_grub_default_set_console,
		"  GRUB_CMDLINE_LINUX='a b'\nGRUB_TERMINAL_OUTPUT=gfxterm\n", "ttyS0",
		"  GRUB_CMDLINE_LINUX='a b console=ttyS0'\nGRUB_TERMINAL_OUTPUT=\"serial console\"\n"
		"GRUB_TERMINAL=\"serial console\"\nGRUB_SERIAL_COMMAND=\"serial --unit=0 --speed=115200\"\n");
	rewrite(vp_grub_default_set_console,
		"GRUB_CMDLINE_LINUX=quiet # why\nGRUB_TERMINAL=serial\nGRUB_SERIAL_COMMAND=x\n", "ttyS0",
		"GRUB_CMDLINE_LINUX=\"quiet console=ttyS0\" # why\nGRUB_TERMINAL=\"serial console\"\n"
		"GRUB_SERIAL_COMMAND=\"serial --unit=0 --speed=115200\"\n");
}

static void test_grub_cfg(void **state)
{
	static const char in[] =
		"menuentry 'Debian' {\n"
		"\tload_video\n"
		"\tlinux\t/boot/vmlinuz-6.1 root=UUID=abc ro  quiet\n"
		"\tinitrd\t/boot/initrd.img-6.1\n"
		"}\n"
		"submenu 'Advanced' {\n"
		"\t\tlinux16 /vmlinuz root=/dev/sda1 ro single console=ttyS0,9600\n"
		"\t\tlinuxefi /vmlinuz ro\n"
		"\t\techo 'Loading linux ...'\n"
		"\t\tlinux_extra ignored\n"
		"}\n";
	static const char want[] =
		"menuentry 'Debian' {\n"
		"\tload_video\n"
		"\tlinux /boot/vmlinuz-6.1 root=UUID=abc ro quiet console=ttyS0,115200n8\n"
		"\tinitrd\t/boot/initrd.img-6.1\n"
		"}\n"
		"submenu 'Advanced' {\n"
		"\t\tlinux16 /vmlinuz root=/dev/sda1 ro single console=ttyS0,115200n8\n"
		"\t\tlinuxefi /vmlinuz ro console=ttyS0,115200n8\n"
		"\t\techo 'Loading linux ...'\n"
		"\t\tlinux_extra ignored\n"
		"}\n";

	(void)state;
	rewrite(vp_grub_cfg_set_console, in, "ttyS0,115200n8", want);
	/* nothing to edit: the text as it was */
	rewrite(vp_grub_cfg_set_console, "set timeout=5\n", "ttyS0", "set timeout=5\n");
}

static void test_bls(void **state)
{
	(void)state;
	rewrite(vp_bls_set_console,
		"title Fedora\nversion 6.8\nlinux /vmlinuz-6.8\noptions root=UUID=x ro rhgb quiet\n",
		"ttyS0,115200n8",
		"title Fedora\nversion 6.8\nlinux /vmlinuz-6.8\n"
		"options root=UUID=x ro rhgb quiet console=ttyS0,115200n8\n");
	rewrite(vp_bls_set_console, "options $kernelopts console=ttyS0\n", "ttyS0,115200n8",
		"options $kernelopts console=ttyS0,115200n8\n");
	/* no options line: one is added */
	rewrite(vp_bls_set_console, "title X\nlinux /vmlinuz", "ttyS0",
		"title X\nlinux /vmlinuz\noptions console=ttyS0\n");
}

static void test_hosts(void **state)
{
	(void)state;
	rewrite(vp_hosts_set_hostname, "127.0.0.1\tlocalhost\n127.0.1.1\told.example old\n::1 localhost\n",
		"h1", "127.0.0.1\tlocalhost\n127.0.1.1\th1\n::1 localhost\n");
	rewrite(vp_hosts_set_hostname, "127.0.0.1 localhost\n", "web.example.org",
		"127.0.0.1 localhost\n127.0.1.1\tweb.example.org web\n");
	rewrite(vp_hosts_set_hostname, "127.0.0.1 localhost", "h", "127.0.0.1 localhost\n127.0.1.1\th\n");
	/* 127.0.1.10 is another address */
	rewrite(vp_hosts_set_hostname, "127.0.1.10 x\n", "h", "127.0.1.10 x\n127.0.1.1\th\n");
}

static void test_shadow(void **state)
{
	_cleanup_(freep) char *s = NULL;

	(void)state;
	s = vp_shadow_set_password("daemon:*:19000:0:99999:7:::\nroot:*:19000:0:99999:7:::\nrootx:!:1::::::\n",
				   "root", "$6$salt$hash");
	assert_string_equal(s, "daemon:*:19000:0:99999:7:::\nroot:$6$salt$hash:19000:0:99999:7:::\n"
			       "rootx:!:1::::::\n");
	free(s);
	s = vp_shadow_set_password("daemon:*:1::::::\n", "root", "!");
	assert_null(s);
	s = vp_shadow_set_password("root:", "root", "!");
	assert_string_equal(s, "root:!");
}

static void test_fstab(void **state)
{
	struct vp_fstab_entry *m = NULL;
	size_t n;

	(void)state;
	n = vp_fstab_mounts("# /etc/fstab\n"
			    "UUID=1 / ext4 errors=remount-ro 0 1\n"
			    "UUID=3 /boot/efi vfat umask=0077 0 1\n"
			    "LABEL=boot\t/boot\text4\tdefaults\t0 2\n"
			    "/dev/vdb1 /srv xfs defaults,noauto 0 0\n"
			    "/swap none swap sw 0 0\n"
			    "tmpfs /tmp tmpfs defaults 0 0\n"
			    "/srv/a /mnt/a none bind 0 0\n"
			    "server:/x /net nfs defaults 0 0\n"
			    "/dev/vdc1 /var btrfs subvol=var\n"
			    "  # indented comment\n"
			    "broken-line\n",
			    &m);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].dir, "/var");
	assert_string_equal(m[0].spec, "/dev/vdc1");
	assert_string_equal(m[1].dir, "/boot");
	assert_string_equal(m[1].spec, "LABEL=boot");
	assert_string_equal(m[2].dir, "/boot/efi");
	vp_fstab_free(m, n);
	n = vp_fstab_mounts("", &m);
	assert_int_equal(n, 0);
	vp_fstab_free(m, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_nocloud_seed),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_grub_default),
		cmocka_unit_test(test_grub_cfg),
		cmocka_unit_test(test_bls),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_shadow),
		cmocka_unit_test(test_fstab),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
