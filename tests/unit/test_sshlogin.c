/* tests/unit/test_sshlogin.c — vprov ssh's pure parts: the key a create
 * records (the user's ~/.ssh/id_*.pub with its private key beside it,
 * ed25519 first; root-ssh-key=; the cloud user's key and the profile's
 * user name; nothing for a user-data file of one's own; vprov's own key
 * when the user has none) and the seed that gets vprov's own key; the key
 * made once with mode 0600; the ssh command line; the <vprov:ssh> record
 * written by the domain builder and read back, on a VM of libvirt's
 * test:///default driver too; its known_hosts file removed. */
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
#include "domain_xml.h"
#include "fs.h"
#include "metadata.h"
#include "seed.h"
#include "spec.h"
#include "sshlogin.h"
#include "units.h"
#include "virt.h"

#define KEY_A "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa a@x"
#define KEY_B "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb b@x"
#define KEY_OWN_MARK "vprov"

static char dir[] = "/tmp/vp-test-sshlogin.XXXXXX";

static char *path_of(const char *name)
{
	return vp_strdup_printf("%s/%s", dir, name);
}

static void write_text(const char *name, const char *text)
{
	struct vp_error err = { 0 };
	_cleanup_(freep) char *p = path_of(name);
	_cleanup_(freep) char *d = vp_strdup(p);

	*strrchr(d, '/') = '\0';
	assert_int_equal(vp_mkdir_p(d, 0700), 0);
	assert_int_equal(vp_write_atomic(p, text, strlen(text), 0600, false, &err), 0);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	/* home1: an ed25519 and an rsa key pair, and a .pub without its key */
	write_text("home1/.ssh/id_rsa.pub", KEY_B "\n");
	write_text("home1/.ssh/id_rsa", "private\n");
	write_text("home1/.ssh/id_ed25519.pub", KEY_A "\n");
	write_text("home1/.ssh/id_ed25519", "private\n");
	write_text("home1/.ssh/id_ecdsa.pub", KEY_A "\n");
	/* home2: only a .pub */
	write_text("home2/.ssh/id_rsa.pub", KEY_B "\n");
	/* home3: nothing */
	write_text("home3/.profile", "\n");
	write_text("keys/root.pub", KEY_A "\n");
	write_text("keys/root", "private\n");
	write_text("keys/user.pub", KEY_B "\n");
	write_text("keys/user", "private\n");
	write_text("keys/lonely.pub", KEY_B "\n");
	write_text("ud.yaml", "#cloud-config\nssh_authorized_keys: [\"" KEY_B "\"]\n");
	return 0;
}

static int teardown(void **state)
{
	_cleanup_(freep) char *cmd = vp_strdup_printf("rm -rf '%s'", dir);

	(void)state;
	return system(cmd) == 0 ? 0 : -1;
}

static void choose(const struct vp_seed_opts *o, const char *home, const char *os,
		   struct vp_ssh_choice *c)
{
	struct vp_error err = { 0 };
	_cleanup_(freep) char *h = path_of(home);
	_cleanup_(freep) char *data = path_of("data/vprov");

	assert_int_equal(vp_ssh_choose(o, h, data, os, c, &err), 0);
}

static void test_choose_bare(void **state)
{
	struct vp_ssh_choice c;
	_cleanup_(freep) char *want = path_of("home1/.ssh/id_ed25519");
	_cleanup_(freep) char *own = path_of("data/vprov/ssh/id_ed25519");
	struct vp_seed_opts o = { .vm_name = "a", .hostname = "web1" };

	(void)state;
	/* a host name alone is still virt-install's bare --cloud-init */
	assert_true(vp_seed_opts_bare(&o));
	choose(&o, "home1", NULL, &c);
	assert_string_equal(c.user, "root");
	assert_string_equal(c.key, want);
	assert_false(c.own);
	assert_null(c.inject_pub);
	vp_ssh_choice_clear(&c);

	/* a .pub whose private key is elsewhere: root, no key to name */
	choose(&o, "home2", NULL, &c);
	assert_string_equal(c.user, "root");
	assert_null(c.key);
	assert_false(c.own);
	vp_ssh_choice_clear(&c);

	/* no key at all: vprov's own, still to be made */
	choose(&o, "home3", NULL, &c);
	assert_string_equal(c.user, "root");
	assert_string_equal(c.key, own);
	assert_true(c.own);
	assert_true(c.generate);
	assert_non_null(c.inject_pub);
	assert_int_equal(strcmp(c.inject_pub + strlen(c.inject_pub) - 4, ".pub"), 0);
	vp_ssh_choice_clear(&c);
}

static void test_choose_options(void **state)
{
	_cleanup_(freep) char *root = path_of("keys/root.pub");
	_cleanup_(freep) char *user = path_of("keys/user.pub");
	_cleanup_(freep) char *lonely = path_of("keys/lonely.pub");
	_cleanup_(freep) char *ud = path_of("ud.yaml");
	_cleanup_(freep) char *root_priv = path_of("keys/root");
	_cleanup_(freep) char *user_priv = path_of("keys/user");
	const char *roots[] = { lonely, root };
	const char *users[] = { user };
	struct vp_ssh_choice c;
	struct vp_seed_opts o;

	(void)state;
	/* root-ssh-key=: root, with the first key that has its private one */
	o = (struct vp_seed_opts){ .vm_name = "a", .root_ssh_keys = roots, .n_root_ssh_keys = 2 };
	assert_false(vp_seed_opts_bare(&o));
	choose(&o, "home1", NULL, &c);
	assert_string_equal(c.user, "root");
	assert_string_equal(c.key, root_priv);
	assert_false(c.own);
	vp_ssh_choice_clear(&c);

	/* clouduser-ssh-key=: the profile's cloud user */
	o = (struct vp_seed_opts){ .vm_name = "a", .clouduser_ssh_keys = users,
				   .n_clouduser_ssh_keys = 1 };
	choose(&o, "home1", "debian12", &c);
	assert_string_equal(c.user, "debian");
	assert_string_equal(c.key, user_priv);
	vp_ssh_choice_clear(&c);
	choose(&o, "home1", "ubuntu22.04", &c);
	assert_string_equal(c.user, "ubuntu");
	vp_ssh_choice_clear(&c);
	choose(&o, "home1", "someos1", &c);
	assert_null(c.user);
	assert_non_null(c.key);
	vp_ssh_choice_clear(&c);

	/* a user-data file with keys of its own: vprov put no key in */
	o = (struct vp_seed_opts){ .vm_name = "a", .user_data = ud };
	choose(&o, "home1", NULL, &c);
	assert_null(c.user);
	assert_null(c.key);
	assert_false(c.own);
	vp_ssh_choice_clear(&c);
	/* nor with only a password */
	o = (struct vp_seed_opts){ .vm_name = "a", .root_password_generate = true };
	choose(&o, "home3", NULL, &c);
	assert_null(c.user);
	assert_null(c.key);
	vp_ssh_choice_clear(&c);
}

/* vprov's own key: made once, 0600, and the bare seed gives it to root
 * only when the user has none */
static void test_own_key(void **state)
{
	struct vp_error err = { 0 };
	_cleanup_(freep) char *key = path_of("data/vprov/ssh/id_ed25519");
	_cleanup_(freep) char *pub = path_of("data/vprov/ssh/id_ed25519.pub");
	_cleanup_(freep) char *h1 = path_of("home1");
	_cleanup_(freep) char *h3 = path_of("home3");
	_cleanup_(freep) char *old = vp_strdup(getenv("HOME"));
	_cleanup_(freep) char *first = NULL, *again = NULL, *keytext = NULL;
	struct vp_seed_opts o = { .vm_name = "a", .default_root_key = pub };
	struct vp_seed s;
	struct stat st;
	size_t len;

	(void)state;
	if (system("command -v ssh-keygen >/dev/null") != 0) {
		fail_msg("ssh-keygen is not installed (scripts/setup-deps.sh installs openssh-client)");
		return;
	}
	assert_int_equal(vp_ssh_key_generate(key, &err), 0);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	first = vp_read_file(pub, 4096, &len);
	assert_non_null(first);
	assert_int_equal(strncmp(first, "ssh-ed25519 ", 12), 0);
	assert_non_null(strstr(first, KEY_OWN_MARK));
	/* once: a second call keeps it */
	assert_int_equal(vp_ssh_key_generate(key, &err), 0);
	again = vp_read_file(pub, 4096, &len);
	assert_string_equal(first, again);
	/* no temporary directory left beside it */
	{
		_cleanup_(freep) char *cmd = vp_strdup_printf(
			"test -z \"$(ls -A '%s/data/vprov/ssh' | grep -v '^id_ed25519')\"", dir);

		assert_int_equal(system(cmd), 0);
	}
	keytext = vp_strndup(first, strcspn(first, "\n"));
	keytext[strlen(keytext) - strlen(" vprov")] = '\0';

	setenv("HOME", h3, 1);
	assert_int_equal(vp_seed_build(&o, &s, &err), 0);
	assert_non_null(strstr(s.user_data, keytext));
	assert_true(s.defaulted);
	vp_seed_clear(&s);
	/* the user's own keys win */
	setenv("HOME", h1, 1);
	assert_int_equal(vp_seed_build(&o, &s, &err), 0);
	assert_null(strstr(s.user_data, keytext));
	assert_non_null(strstr(s.user_data, "AAAAC3NzaC1lZDI1NTE5AAAAIAaaaa"));
	vp_seed_clear(&s);
	if (old)
		setenv("HOME", old, 1);
}

static void test_argv(void **state)
{
	const char *cmd[] = { "uname", "-a", "--", "-v" };
	struct vp_ssh_req r = {
		.user = "root",
		.key = "/k/id",
		.known_hosts = "/s/known_hosts/U",
		.alias = "U",
		.addr = "192.0.2.7",
		.cmd = cmd,
		.n_cmd = 4,
	};
	const char *want[] = { "ssh", "-o", "StrictHostKeyChecking=accept-new", "-o",
			       "UserKnownHostsFile=/s/known_hosts/U", "-o",
			       "GlobalKnownHostsFile=/dev/null", "-o", "HostKeyAlias=U", "-o",
			       "CheckHostIP=no", "-o", "LogLevel=ERROR", "-o", "HashKnownHosts=no", "-i", "/k/id", "-o",
			       "IdentitiesOnly=yes", "-l", "root", "--", "192.0.2.7", "uname", "-a",
			       "--", "-v", NULL };
	const char *bare[] = { "/usr/bin/myssh", "-o", "StrictHostKeyChecking=accept-new", "-o",
			       "UserKnownHostsFile=/s/known_hosts/U", "-o",
			       "GlobalKnownHostsFile=/dev/null", "-o", "HostKeyAlias=U", "-o",
			       "CheckHostIP=no", "-o", "LogLevel=ERROR", "-o", "HashKnownHosts=no", "--", "2001:db8::5", NULL };
	char **v = vp_ssh_argv(&r);
	size_t i;

	(void)state;
	for (i = 0; want[i]; i++)
		assert_string_equal(v[i], want[i]);
	assert_null(v[i]);
	vp_ssh_argv_free(v);

	/* no user, no key, no command */
	r = (struct vp_ssh_req){ .ssh = "/usr/bin/myssh", .known_hosts = "/s/known_hosts/U",
				 .alias = "U", .addr = "2001:db8::5" };
	v = vp_ssh_argv(&r);
	for (i = 0; bare[i]; i++)
		assert_string_equal(v[i], bare[i]);
	assert_null(v[i]);
	vp_ssh_argv_free(v);
}

static void base_spec(struct vp_domain_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->name = vp_strdup("web1");
	s->uuid = vp_strdup("0f5d1a39-3e8d-4c6f-9a0b-6a1c2d3e4f50");
	s->memory = VP_GiB;
	s->vcpus = 1;
	s->virt_type = vp_strdup("qemu");
	s->arch = vp_strdup("x86_64");
	s->machine = vp_strdup("q35");
	s->x86 = s->q35 = true;
	s->spec_hash = vp_strdup("00");
}

static void test_record(void **state)
{
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_meta m;
	xmlDocPtr doc = NULL;

	(void)state;
	base_spec(&s);
	s.cloud.ssh_user = vp_strdup("root");
	s.cloud.ssh_key = vp_strdup("/root/.ssh/id_ed25519");
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	assert_int_equal(vp_meta_read(doc, &m, &err), 0);
	assert_true(m.present);
	assert_string_equal(m.ssh_user, "root");
	assert_string_equal(m.ssh_key, "/root/.ssh/id_ed25519");
	vp_meta_clear(&m);
	xmlFreeDoc(doc);

	/* a key without a user, and a user without a key */
	free(s.cloud.ssh_user);
	s.cloud.ssh_user = NULL;
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	assert_int_equal(vp_meta_read(doc, &m, &err), 0);
	assert_null(m.ssh_user);
	assert_string_equal(m.ssh_key, "/root/.ssh/id_ed25519");
	vp_meta_clear(&m);
	xmlFreeDoc(doc);

	/* nothing recorded: no element */
	free(s.cloud.ssh_key);
	s.cloud.ssh_key = NULL;
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	{
		xmlChar *text = NULL;
		int n = 0;

		xmlDocDumpMemory(doc, &text, &n);
		assert_null(strstr((const char *)text, "vprov:ssh"));
		xmlFree(text);
	}
	assert_int_equal(vp_meta_read(doc, &m, &err), 0);
	assert_true(m.present);
	assert_null(m.ssh_user);
	assert_null(m.ssh_key);
	vp_meta_clear(&m);
	xmlFreeDoc(doc);
	vp_spec_clear(&s);
}

/* On a VM of the test driver: the record read back with its UUID, and the
 * known_hosts file removed. */
static void test_login_read(void **state)
{
	struct vp_error err = { 0 };
	struct vp_ssh_login l;
	_cleanup_(freep) char *sd = path_of("state");
	_cleanup_(freep) char *khd = path_of("state/vprov/known_hosts");
	_cleanup_(freep) char *kh = NULL, *old = vp_strdup(getenv("XDG_STATE_HOME"));
	virConnectPtr conn = virConnectOpen("test:///default");
	virDomainPtr dom;

	(void)state;
	assert_non_null(conn);
	dom = virDomainLookupByName(conn, "test");
	assert_non_null(dom);
	/* a VM vprov did not make: nothing recorded */
	assert_int_equal(vp_ssh_login_read(dom, &l, &err), 0);
	assert_null(l.user);
	assert_null(l.key);
	assert_int_equal(strlen(l.uuid), 36);
	vp_ssh_login_clear(&l);

	assert_int_equal(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
					      "<vm><ssh user='debian' key='/k/id_rsa'/></vm>",
					      VP_META_PREFIX, VP_META_NS, VIR_DOMAIN_AFFECT_LIVE),
			 0);
	assert_int_equal(vp_ssh_login_read(dom, &l, &err), 0);
	assert_string_equal(l.user, "debian");
	assert_string_equal(l.key, "/k/id_rsa");

	setenv("XDG_STATE_HOME", sd, 1);
	assert_int_equal(vp_mkdir_p(khd, 0700), 0);
	{
		_cleanup_(freep) char *state_vprov = path_of("state/vprov");

		kh = vp_ssh_known_hosts(state_vprov, l.uuid);
	}
	assert_int_equal(vp_write_atomic(kh, "x\n", 2, 0600, false, &err), 0);
	assert_int_equal(access(kh, F_OK), 0);
	assert_int_equal(vp_ssh_known_hosts_forget(dom, &err), 0);
	assert_int_not_equal(access(kh, F_OK), 0);
	/* gone already: fine */
	assert_int_equal(vp_ssh_known_hosts_forget(dom, &err), 0);
	if (old)
		setenv("XDG_STATE_HOME", old, 1);
	else
		unsetenv("XDG_STATE_HOME");
	vp_ssh_login_clear(&l);
	virDomainFree(dom);
	virConnectClose(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose_bare),    cmocka_unit_test(test_choose_options),
		cmocka_unit_test(test_own_key),        cmocka_unit_test(test_argv),
		cmocka_unit_test(test_record),         cmocka_unit_test(test_login_read),
	};

	vp_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
