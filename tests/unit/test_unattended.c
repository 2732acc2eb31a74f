/* tests/unit/test_unattended.c — unattended install scripts rendered from
 * osinfo-db (the system's /usr/share/osinfo plus vprov's built-in
 * profiles): the script each family gets, its file name and kernel
 * arguments, passwords that only ever appear as SHA-512 crypt hashes (and
 * hash the right password), values that cannot steer the script, and the
 * OSes and scripts that cannot be used. */
#include <crypt.h>
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "osinfo.h"
#include "unattended.h"

#define SYSTEM_DIR "/usr/share/osinfo"
#define FIXTURE VP_TEST_DATA "/unattended"

#define ADMIN_PW "Adm1n-Secret-Pw!"
#define USER_PW "us3r pass w0rd"

static char dir[] = "/tmp/vp-test-unattended.XXXXXX";
static char *admin_file, *user_file;
static struct vp_osinfo *sysdb, *fixdb;

static __typeof__(crypt_r) *crypt_fn;

static struct vp_osinfo *open_db(const char *system_dir, bool bundled)
{
	struct vp_osinfo_opts o = { .system_dir = system_dir, .no_bundled = !bundled };
	struct vp_osinfo *db = NULL;
	struct vp_error err = { 0 };

	if (vp_osinfo_open(&o, &db, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return db;
}

static void write_text(const char *path, const char *text)
{
	struct vp_error err = { 0 };

	assert_int_equal(vp_write_atomic(path, text, strlen(text), 0600, false, &err), 0);
}

static int setup(void **state)
{
	void *h;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	admin_file = vp_strdup_printf("%s/admin.pw", dir);
	user_file = vp_strdup_printf("%s/user.pw", dir);
	write_text(admin_file, ADMIN_PW "\nsecond line is not read\n");
	write_text(user_file, USER_PW "\r\n");
	sysdb = open_db(SYSTEM_DIR, true);
	fixdb = open_db(FIXTURE "/sys", false);
	h = dlopen("libcrypt.so.1", RTLD_NOW);
	crypt_fn = h ? (__typeof__(crypt_r) *)dlsym(h, "crypt_r") : NULL;
	return crypt_fn ? 0 : -1;
}

static int teardown(void **state)
{
	_cleanup_(freep) char *cmd = vp_strdup_printf("rm -rf %s", dir);

	(void)state;
	vp_osinfo_close(sysdb);
	vp_osinfo_close(fixdb);
	free(admin_file);
	free(user_file);
	return system(cmd) == 0 ? 0 : -1;
}

static void render(struct vp_osinfo *db, const struct vp_unattended_opts *o, struct vp_unattended *u)
{
	struct vp_error err = { 0 };

	if (vp_unattended_render(db, o, u, &err) < 0)
		fail_msg("%s: %s", o->os_id, err.msg);
	/* VP_TEST_SHOW=dir: keep every script rendered there, to read */
	if (getenv("VP_TEST_SHOW")) {
		_cleanup_(freep) char *path = vp_strdup_printf("%s/%s-%s-%s", getenv("VP_TEST_SHOW"),
								o->os_id, o->profile ? o->profile : "jeos",
								u->filename);
		_cleanup_(freep) char *text = vp_strdup_printf("# %s\n# kernel: %s\n%s", u->script_id,
								u->kernel_args ? u->kernel_args : "",
								u->content);

		write_text(path, text);
	}
}

static void expect(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' not found in:\n%s", part, text);
}

static void expect_not(const char *text, const char *part)
{
	if (strstr(text, part))
		fail_msg("'%s' found in:\n%s", part, text);
}

/* Every "$6$salt$hash" in text must be the SHA-512 crypt of one of the
 * passwords; returns how many there are. */
static int check_hashes(const char *text, const char *pw1, const char *pw2)
{
	const char *p = text;
	int n = 0;

	while ((p = strstr(p, "$6$"))) {
		_cleanup_(freep) char *h = vp_strndup(p, 3 + 16 + 1 + 86);
		_cleanup_(freep) struct crypt_data *cd = vp_calloc(1, sizeof(*cd));
		const char *r;
		bool ok = false;

		assert_int_equal(strlen(h), 106);
		assert_int_equal(h[19], '$');
		r = crypt_fn(pw1, h, cd);
		ok = r && !strcmp(r, h);
		if (!ok && pw2) {
			r = crypt_fn(pw2, h, cd);
			ok = r && !strcmp(r, h);
		}
		if (!ok)
			fail_msg("%s is the hash of neither password", h);
		n++;
		p += 106;
	}
	return n;
}

/* No password in clear text anywhere: not in the script, not in the
 * kernel arguments. */
static void no_clear_text(const struct vp_unattended *u, const char *pw1, const char *pw2)
{
	assert_null(strstr(u->content, pw1));
	assert_null(strstr(u->content, pw2));
	if (u->kernel_args) {
		assert_null(strstr(u->kernel_args, pw1));
		assert_null(strstr(u->kernel_args, pw2));
		assert_null(strstr(u->kernel_args, "$6$"));
	}
}

static struct vp_unattended_opts base_opts(const char *os)
{
	struct vp_unattended_opts o = {
		.os_id = os,
		.admin_password_file = admin_file,
		.user_password_file = user_file,
		.user_login = "alice",
		.hostname = "web1",
		.arch = "x86_64",
		.language = "en_US.UTF-8",
		.timezone = "Europe/Paris",
	};

	return o;
}

/* ---- the families ------------------------------------------------------- */

static void test_debian12(void **state)
{
	struct vp_unattended_opts o = base_opts("debian12");
	struct vp_unattended u = { 0 };

	(void)state;
	render(sysdb, &o, &u);
	assert_string_equal(u.script_id, "http://debian.org/debian/preseed/jeos");
	assert_string_equal(u.filename, "preseed.cfg");
	/* what the template's command line says (libosinfo, virt-install):
	 * the initrd's /preseed.cfg is read by the installer by itself */
	assert_string_equal(u.kernel_args, "keyboard-configuration/xkb-keymap=us debconf/priority=critical");
	assert_null(u.generated_password);
	expect(u.content, "d-i debian-installer/locale select en_US.UTF-8\n");
	expect(u.content, "d-i netcfg/get_hostname string web1\n");
	expect(u.content, "d-i time/zone select Europe/Paris\n");
	expect(u.content, "d-i partman-auto/disk string /dev/vda\n");
	expect(u.content, "d-i passwd/user-fullname string alice\n");
	expect(u.content, "d-i passwd/username alice\n");
	expect(u.content, "d-i passwd/root-password-crypted password $6$");
	expect(u.content, "d-i passwd/user-password-crypted password $6$");
	expect_not(u.content, "passwd/root-password password");
	expect_not(u.content, "passwd/user-password password");
	expect_not(u.content, "-again");
	expect_not(u.content, "make-user boolean false");
	no_clear_text(&u, ADMIN_PW, USER_PW);
	assert_int_equal(check_hashes(u.content, ADMIN_PW, USER_PW), 2);
	vp_unattended_clear(&u);
}

static void test_ubuntu2004(void **state)
{
	struct vp_unattended_opts o = base_opts("ubuntu20.04");
	struct vp_unattended u = { 0 };

	(void)state;
	render(sysdb, &o, &u);
	assert_string_equal(u.script_id, "http://ubuntu.com/ubuntu/preseed/jeos");
	assert_string_equal(u.filename, "preseed.cfg");
	assert_string_equal(u.kernel_args,
			    "file=/preseed.cfg locale=en_US.UTF-8 keyboard-configuration/layoutcode=us "
			    "hostname=web1 priority=critical console-setup/ask_detect=false "
			    "domain=unassigned-domain interface=auto");
	expect(u.content, "d-i netcfg/get_hostname string web1\n");
	expect(u.content, "d-i passwd/username string alice\n");
	expect(u.content, "d-i passwd/root-password-crypted password $6$");
	expect(u.content, "d-i passwd/user-password-crypted password $6$");
	expect_not(u.content, "-again");
	no_clear_text(&u, ADMIN_PW, USER_PW);
	/* root gets the admin password, alice her own */
	{
		const char *root = strstr(u.content, "root-password-crypted password ") + 31;
		const char *user = strstr(u.content, "user-password-crypted password ") + 31;
		_cleanup_(freep) char *rh = vp_strndup(root, 106), *uh = vp_strndup(user, 106);

		assert_int_equal(check_hashes(rh, ADMIN_PW, NULL), 1);
		assert_int_equal(check_hashes(uh, USER_PW, NULL), 1);
		assert_string_not_equal(rh + 20, uh + 20);
	}
	vp_unattended_clear(&u);
}

/* the newest Fedora the database knows (one of vprov's built-in profiles,
 * whose script comes from Fedora 37 along derives-from) */
static void test_fedora_newest(void **state)
{
	struct vp_os_summary *l = NULL;
	struct vp_error err = { 0 };
	struct vp_unattended u = { 0 };
	struct vp_unattended_opts o;
	size_t n = 0;
	unsigned best = 0, v;
	size_t i, pick = 0;

	(void)state;
	assert_int_equal(vp_osinfo_list(sysdb, NULL, "fedora", &l, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (sscanf(l[i].short_id, "fedora%u", &v) == 1 && v > best) {
			best = v;
			pick = i;
		}
	assert_true(best >= 40);
	o = base_opts(l[pick].short_id);
	print_message("newest Fedora: %s\n", l[pick].short_id);
	render(sysdb, &o, &u);
	assert_string_equal(u.script_id, "http://fedoraproject.org/fedora/kickstart/jeos");
	assert_string_equal(u.filename, "fedora.ks");
	assert_string_equal(u.kernel_args, "inst.ks=file:/fedora.ks");
	expect(u.content, "network --onboot yes --bootproto dhcp --hostname=web1\n");
	expect(u.content, "lang en_US.UTF-8\n");
	expect(u.content, "keyboard 'us'\n");
	expect(u.content, "timezone --utc Europe/Paris\n");
	expect(u.content, "rootpw --iscrypted '$6$");
	expect(u.content, "  useradd -G wheel alice # Add user\n");
	expect(u.content, "  usermod -p '$6$");
	expect(u.content, "' alice\n");
	expect(u.content, "clearpart --all --drives=/dev/vda\n");
	expect(u.content, "cdrom\n"); /* no URL: installation source media */
	expect_not(u.content, "passwd --stdin");
	expect_not(u.content, "rootpw '");
	no_clear_text(&u, ADMIN_PW, USER_PW);
	/* root's; alice's in the test of whether she has one, and in usermod */
	assert_int_equal(check_hashes(u.content, ADMIN_PW, USER_PW), 3);
	vp_unattended_clear(&u);
	vp_os_summaries_free(l, n);
}

static void test_fedora40_network(void **state)
{
	struct vp_unattended_opts o = base_opts("fedora40");
	struct vp_unattended u = { 0 };

	(void)state;
	o.install_url = "https://dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/x86_64/os/";
	render(sysdb, &o, &u);
	assert_string_equal(u.kernel_args,
			    "inst.ks=file:/fedora.ks inst.repo=https://dl.fedoraproject.org/pub/fedora/"
			    "linux/releases/40/Everything/x86_64/os/");
	expect(u.content, "url  --url=https://dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/x86_64/os/\n");
	expect_not(u.content, "\ncdrom\n");
	no_clear_text(&u, ADMIN_PW, USER_PW);
	vp_unattended_clear(&u);
}

static void test_centos_stream9(void **state)
{
	struct vp_unattended_opts o = base_opts("centos-stream9");
	struct vp_unattended u = { 0 };

	(void)state;
	render(sysdb, &o, &u);
	assert_string_equal(u.script_id, "http://redhat.com/rhel/kickstart/jeos");
	assert_string_equal(u.filename, "rhel.ks");
	assert_string_equal(u.kernel_args, "inst.ks=file:/rhel.ks");
	expect(u.content, "# Install script for centos-stream9 profile jeos\n");
	expect(u.content, "--hostname=web1\n");
	expect(u.content, "rootpw --iscrypted '$6$");
	expect(u.content, "  useradd -G wheel alice # Add user\n");
	expect(u.content, "  usermod -p '$6$");
	expect_not(u.content, "passwd --stdin");
	no_clear_text(&u, ADMIN_PW, USER_PW);
	assert_int_equal(check_hashes(u.content, ADMIN_PW, USER_PW), 3);
	vp_unattended_clear(&u);
}

/* Every Linux script of osinfo-db that goes into an initrd, both profiles:
 * hashes only, in the installer's crypted form. */
static void test_every_initrd_script(void **state)
{
	static const struct {
		const char *os, *profile, *script;
	} cases[] = {
		{ "debian11", "desktop", "http://debian.org/debian/preseed/desktop" },
		{ "debian12", "desktop", "http://debian.org/debian/preseed/desktop" },
		{ "ubuntu20.04", "desktop", "http://ubuntu.com/ubuntu/preseed/desktop" },
		{ "fedora37", "desktop", "http://fedoraproject.org/fedora/kickstart/desktop" },
		{ "fedora41", "desktop", "http://fedoraproject.org/fedora/kickstart/desktop" },
		{ "rhel9.0", "jeos", "http://redhat.com/rhel/kickstart/jeos" },
		{ "centos-stream9", "desktop", "http://redhat.com/rhel/kickstart/desktop" },
		{ "rocky9", "jeos", "http://redhat.com/rhel/kickstart/jeos" },
		{ "silverblue35", "desktop", "http://fedoraproject.org/silverblue/kickstart/desktop" },
		{ "opensuse15.3", "desktop", "http://opensuse.org/opensuse/autoyast/desktop" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_unattended_opts o = base_opts(cases[i].os);
		struct vp_unattended u = { 0 };

		o.profile = cases[i].profile;
		render(sysdb, &o, &u);
		assert_string_equal(u.script_id, cases[i].script);
		no_clear_text(&u, ADMIN_PW, USER_PW);
		if (check_hashes(u.content, ADMIN_PW, USER_PW) < 1)
			fail_msg("%s %s: no hash", cases[i].os, cases[i].profile);
		expect(u.content, "alice");
		expect_not(u.content, "passwd --stdin");
		expect_not(u.content, "root-password password");
		expect_not(u.content, "user-password password");
		expect_not(u.content, "false</encrypted>");
		vp_unattended_clear(&u);
	}
}

/* ---- passwords ------------------------------------------------------------ */

static void test_generated_password(void **state)
{
	struct vp_unattended_opts o = base_opts("debian12");
	struct vp_unattended u = { 0 }, v = { 0 };
	size_t i;

	(void)state;
	o.admin_password_file = NULL;
	o.user_password_file = NULL;
	render(sysdb, &o, &u);
	assert_non_null(u.generated_password);
	assert_int_equal(strlen(u.generated_password), 16);
	for (i = 0; i < 16; i++)
		assert_true(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
				   u.generated_password[i]) != NULL);
	no_clear_text(&u, u.generated_password, u.generated_password);
	/* both root and alice get it, each with its own salt */
	assert_int_equal(check_hashes(u.content, u.generated_password, NULL), 2);
	render(sysdb, &o, &v);
	assert_string_not_equal(u.generated_password, v.generated_password);
	vp_unattended_clear(&u);
	vp_unattended_clear(&v);
}

static void test_password_files(void **state)
{
	struct vp_unattended_opts o = base_opts("fedora40");
	struct vp_unattended u = { 0 };
	struct vp_error err = { 0 };
	_cleanup_(freep) char *missing = vp_strdup_printf("%s/nosuch.pw", dir);
	_cleanup_(freep) char *empty = vp_strdup_printf("%s/empty.pw", dir);
	_cleanup_(freep) char *fdpath = NULL;
	int p[2];

	(void)state;
	o.admin_password_file = missing;
	assert_int_equal(vp_unattended_render(sysdb, &o, &u, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "cannot read the admin password file '"));
	assert_non_null(strstr(err.msg, "nosuch.pw': No such file or directory"));
	assert_null(u.content);

	o.admin_password_file = admin_file;
	o.user_password_file = missing;
	assert_int_equal(vp_unattended_render(sysdb, &o, &u, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "user password file"));

	write_text(empty, "\nsecond\n");
	o.user_password_file = empty;
	assert_int_equal(vp_unattended_render(sysdb, &o, &u, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "holds no password on its first line"));

	/* a pipe, as from <(pass show vm) */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "from-a-pipe\n", 12), 12);
	close(p[1]);
	fdpath = vp_strdup_printf("/dev/fd/%d", p[0]);
	o.user_password_file = fdpath;
	render(sysdb, &o, &u);
	close(p[0]);
	assert_null(strstr(u.content, "from-a-pipe"));
	assert_int_equal(check_hashes(u.content, ADMIN_PW, "from-a-pipe"), 3);
	vp_unattended_clear(&u);
}

/* ---- configuration ------------------------------------------------------- */

static void test_locale_and_defaults(void **state)
{
	struct vp_unattended_opts o = base_opts("debian12");
	struct vp_unattended u = { 0 };

	(void)state;
	o.language = "de_DE.UTF-8";
	o.timezone = "Europe/Berlin";
	o.target_disk = "/dev/sda";
	render(sysdb, &o, &u);
	/* the keyboard from the language, through osinfo-db's x11 map */
	assert_string_equal(u.kernel_args, "keyboard-configuration/xkb-keymap=de debconf/priority=critical");
	expect(u.content, "d-i debian-installer/locale select de_DE.UTF-8\n");
	expect(u.content, "d-i console-setup/layoutcode string de\n");
	expect(u.content, "d-i time/zone select Europe/Berlin\n");
	expect(u.content, "d-i grub-installer/bootdev string /dev/sda\n");
	vp_unattended_clear(&u);

	/* from the host, else the defaults */
	o.language = NULL;
	o.timezone = NULL;
	o.keyboard = NULL;
	o.target_disk = NULL;
	o.hostname = NULL;
	setenv("LC_ALL", "fr_FR.utf8", 1);
	render(sysdb, &o, &u);
	unsetenv("LC_ALL");
	expect(u.content, "d-i debian-installer/locale select fr_FR.UTF-8\n");
	expect(u.content, "d-i console-setup/layoutcode string fr\n");
	expect(u.content, "d-i partman-auto/disk string /dev/vda\n");
	vp_unattended_clear(&u);

	setenv("LC_ALL", "C", 1);
	render(sysdb, &o, &u);
	unsetenv("LC_ALL");
	expect(u.content, "d-i debian-installer/locale select en_US.UTF-8\n");
	expect(u.content, "d-i console-setup/layoutcode string us\n");
	vp_unattended_clear(&u);
}

static void test_default_login(void **state)
{
	struct vp_unattended_opts o = base_opts("debian12");
	struct vp_unattended u = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	o.user_login = NULL;
	render(sysdb, &o, &u);
	if (geteuid() == 0) {
		/* root is no user to make, as for virt-install */
		expect(u.content, "d-i passwd/make-user boolean false\n");
		expect_not(u.content, "passwd/username");
		assert_int_equal(check_hashes(u.content, ADMIN_PW, NULL), 1);
		/* a desktop needs a user */
		o.profile = "desktop";
		vp_unattended_clear(&u);
		assert_int_equal(vp_unattended_render(sysdb, &o, &u, &err), -1);
		assert_int_equal(err.code, VP_ERR_INVALID);
		assert_non_null(strstr(err.msg, "needs a user login"));
	} else {
		expect(u.content, "d-i passwd/username ");
	}
	vp_unattended_clear(&u);
}

static void expect_invalid(const struct vp_unattended_opts *o, const char *msg)
{
	struct vp_unattended u = { 0 };
	struct vp_error err = { 0 };

	assert_int_equal(vp_unattended_render(sysdb, o, &u, &err), -1);
	if (err.code != VP_ERR_INVALID || !strstr(err.msg, msg))
		fail_msg("expected '%s' (invalid), got %d: %s", msg, err.code, err.msg);
	assert_null(u.content);
	assert_null(u.generated_password);
}

/* Values the templates paste into preseed lines and shell code */
static void test_hostile_values(void **state)
{
	struct vp_unattended_opts o = base_opts("fedora40");
	struct vp_unattended u = { 0 };

	(void)state;
	o.user_login = "a'b";
	expect_invalid(&o, "cannot use 'a'b' as the user login");
	o.user_login = "bob\nrootpw x";
	expect_invalid(&o, "as the user login");
	o.user_login = "root";
	expect_invalid(&o, "cannot use 'root' as the user login");
	o.user_login = "alice";
	o.install_url = "http://x/ inst.ks=http://evil/";
	expect_invalid(&o, "a URL without blanks");
	o.install_url = "http://x/';reboot;'";
	expect_invalid(&o, "a URL without blanks");
	o.install_url = "not a url";
	expect_invalid(&o, "a URL without blanks");
	o.install_url = "http://x/$(reboot)";
	expect_invalid(&o, "a URL without blanks");
	o.install_url = "http://x/a\nrootpw x";
	expect_invalid(&o, "a URL without blanks");
	o.install_url = NULL;
	o.target_disk = "/dev/vda; reboot";
	expect_invalid(&o, "is not a disk");
	o.target_disk = NULL;
	o.language = "en_US\nrootpw x";
	expect_invalid(&o, "is not a language");
	o.language = "en_US.UTF-8";
	o.timezone = "../../etc/passwd";
	expect_invalid(&o, "is not a time zone");
	o.timezone = "UTC";
	o.keyboard = "us'";
	expect_invalid(&o, "is not a keyboard layout");
	o.keyboard = NULL;
	o.profile = "server";
	expect_invalid(&o, "unknown unattended install profile 'server' (jeos or desktop)");
	o.profile = NULL;

	/* a VM name becomes a host name, as virt-install makes one */
	o.hostname = "web1'; rm -rf / #";
	render(sysdb, &o, &u);
	expect(u.content, "--hostname=web1---rm--rf\n");
	expect_not(u.content, "rm -rf");
	vp_unattended_clear(&u);
	o.hostname = "''';";
	expect_invalid(&o, "cannot make a host name of");
}

/* ---- what cannot be had ---------------------------------------------------- */

static void test_no_script(void **state)
{
	struct vp_unattended_opts o = base_opts("alpinelinux3.20");
	struct vp_unattended u = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_unattended_render(sysdb, &o, &u, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_string_equal(err.msg, "there is no unattended install script for 'alpinelinux3.20': "
				     "osinfo-db has none for it or for the releases it derives from");
	assert_null(u.content);

	o.os_id = "win10";
	assert_int_equal(vp_unattended_render(sysdb, &o, &u, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "there is no unattended install script for 'win10' that can "
				       "go into an initrd: 'http://microsoft.com/windows/unattend/jeos' "
				       "is made for cdrom, floppy"));

	o.os_id = "nosuchos";
	assert_int_equal(vp_unattended_render(sysdb, &o, &u, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "nosuchos"));
}

/* ---- the fixture database: what the template gets, the chain, refusals -- */

static void test_fixture_document(void **state)
{
	struct vp_unattended_opts o = base_opts("example2");
	struct vp_unattended u = { 0 };

	(void)state;
	o.script_dir = FIXTURE "/scripts";
	o.install_url = "http://mirror.example.org/example/2/os/";
	o.keyboard = "de";
	render(fixdb, &o, &u);
	/* example2 names no script; example1, which it derives from, does */
	assert_string_equal(u.script_id, "http://example.org/example/kickstart/jeos");
	assert_string_equal(u.filename, "example.ks");
	assert_string_equal(u.kernel_args, "inst.ks=file:/example.ks has-password");
	expect(u.content, "# example2 version 2 profile jeos via initrd from network\n");
	expect(u.content, "# arch x86_64 lang en_US.UTF-8 kbd de tz Europe/Paris disk /dev/vda "
			  "url http://mirror.example.org/example/2/os/\n");
	expect(u.content, "network --hostname=web1\n");
	expect(u.content, "rootpw --iscrypted '$6$");
	expect(u.content, "  useradd -c 'alice' alice\n  usermod -p '$6$");
	no_clear_text(&u, ADMIN_PW, USER_PW);
	assert_int_equal(check_hashes(u.content, ADMIN_PW, USER_PW), 3);
	vp_unattended_clear(&u);
}

static void test_fixture_refused(void **state)
{
	struct vp_unattended_opts o = base_opts("example1");
	struct vp_unattended u = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	o.script_dir = FIXTURE "/scripts";
	o.profile = "desktop";
	assert_int_equal(vp_unattended_render(fixdb, &o, &u, &err), -1);
	assert_int_equal(err.code, VP_ERR_RUNTIME);
	assert_non_null(strstr(err.msg, "osinfo-db's install script 'http://example.org/example/leaky/desktop' "
				       "writes a password where vprov cannot give it a hash"));
	assert_non_null(strstr(err.msg, "vprov does not write passwords in clear text"));
	assert_null(u.content);
	assert_null(u.generated_password);

	o.os_id = "example3";
	o.profile = NULL;
	assert_int_equal(vp_unattended_render(fixdb, &o, &u, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "osinfo-db names 'http://example.org/example/missing/jeos'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian12),
		cmocka_unit_test(test_ubuntu2004),
		cmocka_unit_test(test_fedora_newest),
		cmocka_unit_test(test_fedora40_network),
		cmocka_unit_test(test_centos_stream9),
		cmocka_unit_test(test_every_initrd_script),
		cmocka_unit_test(test_generated_password),
		cmocka_unit_test(test_password_files),
		cmocka_unit_test(test_locale_and_defaults),
		cmocka_unit_test(test_default_login),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_no_script),
		cmocka_unit_test(test_fixture_document),
		cmocka_unit_test(test_fixture_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
