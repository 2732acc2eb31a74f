/* tests/unit/test_seed.c — cloud-init NoCloud seeds: the generated
 * #cloud-config and meta-data (valid YAML, parsed back with python3-yaml),
 * passwords present only as SHA-512 crypt hashes of the right password,
 * unique instance ids, the user's own #cloud-config merged with ours into
 * one document (read back with libyaml, and with python3-yaml as cloud-init
 * reads it: the user's keys win, lists append, our other keys are added),
 * a user script beside ours in a MIME multipart, network-config byte for
 * byte, bare options, the ISO image read back (ISO 9660, volume id cidata,
 * file names and contents, mode 0600), and bad input refused naming the
 * file (invalid or hostile YAML in one line, with the line). */
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "arlib.h"
#include "cleanup.h"
#include "fs.h"
#include "seed.h"
#include "yamllib.h"

#define ROOT_PW "r00t Pw-with \"quotes\" & $dollar"
#define KEY_ROOT "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkR1Zr0ClUe8nQUtFsS1dqLhBeM8mq3iXz0q1cXyl9A root@host"
#define KEY_USER "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA5f/x2k9wYQ user \"quoted\" comment"
#define KEY_HOME "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHomeHomeHomeHomeHomeHomeHomeHomeHomeHomeHo me@home"

static char dir[] = "/tmp/vp-test-seed.XXXXXX";
static __typeof__(crypt_r) *crypt_fn;
static bool have_python_yaml;

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
	void *h = dlopen("libcrypt.so.1", RTLD_NOW);

	crypt_fn = h ? (__typeof__(crypt_r) *)dlsym(h, "crypt_r") : NULL;
	if (!crypt_fn || !mkdtemp(dir))
		return -1;
	have_python_yaml = system("python3 -c 'import yaml, email' 2>/dev/null") == 0;
	write_text("root.pw", ROOT_PW "\nsecond line\n");
	write_text("root.pub", KEY_ROOT "\n");
	write_text("user.pub", "# a comment\n\n" KEY_USER "\n");
	write_text("notakey.pub", "hello world\n");
	write_text("private", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n"
			      "-----END OPENSSH PRIVATE KEY-----\n");
	write_text("user-config", "#cloud-config\npackages: [htop]\nhostname: mine\n"
				  "runcmd:\n  - echo user\n");
	write_text("user-merge",
		   "#cloud-config\n"
		   "# the user's own, with a bit of everything\n"
		   "hostname: mine\n"
		   "preserve_hostname: true\n"
		   "disable_root: true\n"
		   "chpasswd:\n  expire: false\n  list: |\n    alice:not-a-real-hash\n"
		   "packages: [htop, \"vim\"]\n"
		   "ssh_authorized_keys:\n  - ssh-ed25519 AAAAuserkey1 first@user\n"
		   "runcmd:\n  - echo user\n  - [sh, -c, \"echo 'quoted: yes' > /tmp/x\"]\n"
		   "'users':\n  - name: alice\n    groups: [sudo]\n"
		   "write_files:\n  - path: /etc/motd\n    content: |\n      hello\n"
		   "      \"world\": yes # not a comment\n    permissions: '0644'\n"
		   "number_as_string: \"0123\"\n"
		   "tagged: !!str true\n"
		   "yes_plain: yes\n"
		   "anchored: &a {k: v}\n"
		   "aliased: *a\n"
		   "unicode: \"h\u00e9llo \\u2028 \\x01\"\n");
	write_text("user-lists", "#cloud-config\n# only lists, users with default\n"
				 "users: [default, {name: bob}]\nruncmd: [echo one]\n");
	write_text("user-empty", "#cloud-config\n# nothing but comments\n");
	write_text("user-empty-doc", "#cloud-config\n---\n");
	write_text("user-bad-yaml", "#cloud-config\nruncmd: [a, b\nfoo: bar\n");
	write_text("user-bad-indent", "#cloud-config\nruncmd:\n  - a\n - b\n");
	write_text("user-list", "#cloud-config\n- a\n- b\n");
	write_text("user-scalar", "#cloud-config\njust a string\n");
	write_text("user-two-docs", "#cloud-config\na: 1\n---\nb: 2\n");
	write_text("user-dup", "#cloud-config\nruncmd: [a]\nx: 1\nruncmd: [b]\n");
	write_text("user-control", "#cloud-config\na: 1\nb: \"x\x01y\"\n");
	write_text("user-script", "#!/bin/sh\necho hello from the user\n");
	write_text("user-text", "just some text\n");
	write_text("meta", "# mine\nlocal-hostname: custom\npublic-keys: []\n");
	write_text("meta-json", "{\"instance-id\": \"x\"}\n");
	/* odd bytes on purpose: passed through, never parsed */
	write_text("netcfg", "version: 2\nethernets:\n  eth0: {dhcp4: true}\n# \t trailing \r\n");
	return 0;
}

static int teardown(void **state)
{
	_cleanup_(freep) char *cmd = vp_strdup_printf("rm -rf '%s'", dir);

	if (getenv("VP_TEST_KEEP")) /* for a look at the files */
		return fprintf(stderr, "kept %s\n", dir) < 0;
	return system(cmd) == 0 ? 0 : -1;
}

/* Load text as YAML (a MIME multipart: each part; cloud-config parts as
 * YAML) in python3 and check expr on it: d is the document, or a list of
 * (content type, headers, text, loaded) for a multipart. */
static void check_py(const char *text, const char *expr)
{
	static const char prog[] =
		"import sys, yaml, email\n"
		"t = open(sys.argv[1], encoding='utf-8').read()\n"
		"if t.startswith('Content-Type: multipart'):\n"
		"    m = email.message_from_string(t)\n"
		"    assert m.is_multipart()\n"
		"    d = []\n"
		"    for p in m.get_payload():\n"
		"        body = p.get_payload(decode=True).decode()\n"
		"        ct = p.get_content_type()\n"
		"        y = yaml.safe_load(body) if ct == 'text/cloud-config' else None\n"
		"        assert ct != 'text/cloud-config' or isinstance(y, dict)\n"
		"        d.append((ct, dict(p.items()), body, y))\n"
		"else:\n"
		"    d = yaml.safe_load(t)\n"
		"    assert isinstance(d, dict)\n"
		"ok = eval(sys.argv[2])\n"
		"if not ok:\n"
		"    print(repr(d)); sys.exit(1)\n";
	_cleanup_(freep) char *file = path_of("check.txt");
	_cleanup_(freep) char *prog_file = path_of("check.py");
	_cleanup_(freep) char *cmd = NULL;
	struct vp_error err = { 0 };
	FILE *f;
	int st;

	if (!have_python_yaml) {
		fprintf(stderr, "python3-yaml missing: not parsing the YAML\n");
		return;
	}
	assert_int_equal(vp_write_atomic(file, text, strlen(text), 0600, false, &err), 0);
	assert_int_equal(vp_write_atomic(prog_file, prog, strlen(prog), 0600, false, &err), 0);
	f = fopen(file, "r");
	assert_non_null(f);
	fclose(f);
	cmd = vp_strdup_printf("python3 '%s' '%s' \"$VP_EXPR\"", prog_file, file);
	setenv("VP_EXPR", expr, 1);
	st = system(cmd);
	if (st != 0)
		fail_msg("python check failed: %s\non:\n%s", expr, text);
}

/* Every "$6$" hash in text is the crypt of pw; returns how many. */
static int check_hashes(const char *text, const char *pw)
{
	const char *p = text;
	int n = 0;

	while ((p = strstr(p, "$6$"))) {
		struct crypt_data cd = { 0 };
		_cleanup_(freep) char *h = vp_strndup(p, 3 + 16 + 1 + 86);
		const char *c = crypt_fn(pw, h, &cd);

		assert_non_null(c);
		assert_string_equal(c, h);
		n++;
		p += 3;
	}
	return n;
}

static void build_ok(const struct vp_seed_opts *o, struct vp_seed *s)
{
	struct vp_error err = { 0 };

	if (vp_seed_build(o, s, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_generated(void **state)
{
	_cleanup_(freep) char *pw = path_of("root.pw");
	_cleanup_(freep) char *rk = path_of("root.pub");
	_cleanup_(freep) char *uk = path_of("user.pub");
	const char *rks[] = { rk }, *uks[] = { uk };
	struct vp_seed_opts o = {
		.vm_name = "web1", .hostname = "web1.example.org", .root_password_file = pw,
		.disable = true, .root_ssh_keys = rks, .n_root_ssh_keys = 1,
		.clouduser_ssh_keys = uks, .n_clouduser_ssh_keys = 1,
	};
	struct vp_seed s;

	build_ok(&o, &s);
	assert_false(s.defaulted);
	assert_null(s.generated_password);
	assert_null(s.network_config);
	assert_true(!strncmp(s.user_data, "#cloud-config\n", 14));
	assert_null(strstr(s.user_data, "r00t"));
	assert_null(strstr(s.meta_data, "r00t"));
	assert_int_equal(check_hashes(s.user_data, ROOT_PW), 1);
	check_py(s.user_data,
		 "d['hostname'] == 'web1' and d['fqdn'] == 'web1.example.org' and "
		 "d['preserve_hostname'] is False and d['disable_root'] is False and "
		 "d['chpasswd']['expire'] is False and "
		 "d['chpasswd']['list'].startswith('root:$6$') and "
		 "d['chpasswd']['list'].endswith('\\n') and len(d['chpasswd']['list']) == 5 + 106 + 1 and "
		 "d['users'][0] == 'default' and d['users'][1]['name'] == 'root' and "
		 "d['users'][1]['lock_passwd'] is False and "
		 "d['users'][1]['ssh_authorized_keys'] == ['" KEY_ROOT "'] and "
		 "d['ssh_authorized_keys'] == ['" KEY_USER "'] and "
		 "d['runcmd'] == [['touch', '/etc/cloud/cloud-init.disabled']] and "
		 "'ssh_pwauth' not in d");
	check_py(s.meta_data, "d['local-hostname'] == 'web1.example.org' and "
			      "d['instance-id'].startswith('iid-') and len(d) == 2");
	vp_seed_clear(&s);
}

static void test_instance_id(void **state)
{
	struct vp_seed_opts o = { .vm_name = "my_vm.1", .root_password_generate = true };
	struct vp_seed a, b;
	_cleanup_(freep) char *expr = NULL;

	build_ok(&o, &a);
	build_ok(&o, &b);
	assert_string_not_equal(a.instance_id, b.instance_id);
	assert_string_not_equal(a.meta_data, b.meta_data);
	assert_non_null(a.generated_password);
	assert_int_equal(strlen(a.generated_password), 16);
	assert_string_not_equal(a.generated_password, b.generated_password);
	assert_null(strstr(a.user_data, a.generated_password));
	assert_int_equal(check_hashes(a.user_data, a.generated_password), 1);
	expr = vp_strdup_printf("d == {'instance-id': '%s', 'local-hostname': 'my-vm-1'}",
				a.instance_id);
	check_py(a.meta_data, expr);
	assert_true(a.password_expires);
	check_py(a.user_data, "d['hostname'] == 'my-vm-1' and d['chpasswd']['expire'] is True "
			      "and 'runcmd' not in d and 'users' not in d");
	o.instance_id = "fixed-1";
	vp_seed_clear(&b);
	build_ok(&o, &b);
	check_py(b.meta_data, "d['instance-id'] == 'fixed-1'");
	vp_seed_clear(&a);
	vp_seed_clear(&b);
}

static void test_bare(void **state)
{
	_cleanup_(freep) char *home = path_of("home");
	_cleanup_(freep) char *ssh = path_of("home/.ssh");
	_cleanup_(freep) char *old = vp_strdup(getenv("HOME"));
	struct vp_seed_opts o = { .vm_name = "bare" };
	struct vp_seed s;

	assert_int_equal(vp_mkdir_p(ssh, 0700), 0);
	write_text("home/.ssh/id_ed25519.pub", KEY_HOME "\n");
	write_text("home/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n");
	setenv("HOME", home, 1);
	build_ok(&o, &s);
	if (old)
		setenv("HOME", old, 1);
	assert_true(s.defaulted);
	assert_non_null(s.generated_password);
	assert_false(s.password_expires);
	assert_int_equal(check_hashes(s.user_data, s.generated_password), 1);
	assert_null(strstr(s.user_data, "PRIVATE"));
	/* root gets a key: the password does not expire (sshd would refuse
	 * key logins that run a command) */
	check_py(s.user_data, "d['chpasswd']['expire'] is False and "
			      "d['runcmd'] == [['touch', '/etc/cloud/cloud-init.disabled']] and "
			      "d['users'][1]['ssh_authorized_keys'] == ['" KEY_HOME "'] and "
			      "d['hostname'] == 'bare'");
	vp_seed_clear(&s);

	/* no keys in $HOME: still the password and disable */
	setenv("HOME", dir, 1);
	build_ok(&o, &s);
	if (old)
		setenv("HOME", old, 1);
	check_py(s.user_data, "'users' not in d and 'runcmd' in d and 'chpasswd' in d");
	vp_seed_clear(&s);
}

/* ---- the merged document read back with libyaml ---- */

struct ydoc {
	yaml_document_t d;
	yaml_node_t *root;
};

/* text is one #cloud-config document whose top level is a mapping */
static void yload(const char *text, struct ydoc *y)
{
	struct vp_error err = { 0 };
	yaml_document_t extra;
	yaml_parser_t p;

	assert_int_equal(vp_yaml_load(&err), 0);
	assert_true(!strncmp(text, "#cloud-config\n", 14));
	assert_true(vp_yaml.yaml_parser_initialize(&p));
	vp_yaml.yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	if (!vp_yaml.yaml_parser_load(&p, &y->d))
		fail_msg("libyaml: %s at line %zu in:\n%s", p.problem, p.problem_mark.line + 1, text);
	y->root = vp_yaml.yaml_document_get_root_node(&y->d);
	assert_non_null(y->root);
	assert_int_equal(y->root->type, YAML_MAPPING_NODE);
	/* and only one document */
	assert_true(vp_yaml.yaml_parser_load(&p, &extra));
	assert_null(vp_yaml.yaml_document_get_root_node(&extra));
	vp_yaml.yaml_document_delete(&extra);
	vp_yaml.yaml_parser_delete(&p);
}

static void yfree(struct ydoc *y)
{
	vp_yaml.yaml_document_delete(&y->d);
}

/* The value of key in the mapping m (NULL: the root); NULL when absent;
 * a key found twice fails. */
static yaml_node_t *yget(struct ydoc *y, yaml_node_t *m, const char *key)
{
	yaml_node_t *found = NULL;
	yaml_node_pair_t *pr;

	if (!m)
		m = y->root;
	assert_int_equal(m->type, YAML_MAPPING_NODE);
	for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = vp_yaml.yaml_document_get_node(&y->d, pr->key);

		if (k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
		    !memcmp(k->data.scalar.value, key, strlen(key))) {
			assert_null(found);
			found = vp_yaml.yaml_document_get_node(&y->d, pr->value);
		}
	}
	return found;
}

static const char *ystr(yaml_node_t *n)
{
	assert_non_null(n);
	assert_int_equal(n->type, YAML_SCALAR_NODE);
	return (const char *)n->data.scalar.value;
}

static size_t ylen(yaml_node_t *n)
{
	assert_non_null(n);
	assert_int_equal(n->type, YAML_SEQUENCE_NODE);
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *yitem(struct ydoc *y, yaml_node_t *n, size_t i)
{
	assert_true(i < ylen(n));
	return vp_yaml.yaml_document_get_node(&y->d, n->data.sequence.items.start[i]);
}

static size_t ykeys(struct ydoc *y)
{
	return (size_t)(y->root->data.mapping.pairs.top - y->root->data.mapping.pairs.start);
}

/* The user's keys win, lists both have append (theirs first), ours alone
 * are added, and the rest of theirs comes through as they wrote it. */
static void test_user_cloud_config(void **state)
{
	_cleanup_(freep) char *ud = path_of("user-merge");
	_cleanup_(freep) char *pw = path_of("root.pw");
	_cleanup_(freep) char *rk = path_of("root.pub");
	_cleanup_(freep) char *uk = path_of("user.pub");
	const char *rks[] = { rk }, *uks[] = { uk };
	struct vp_seed_opts o = {
		.vm_name = "m1", .hostname = "m1.example.org", .user_data = ud,
		.root_password_file = pw, .disable = true, .root_ssh_keys = rks,
		.n_root_ssh_keys = 1, .clouduser_ssh_keys = uks, .n_clouduser_ssh_keys = 1,
	};
	struct vp_seed s;
	struct ydoc y;
	yaml_node_t *n, *root;

	build_ok(&o, &s);
	assert_null(strstr(s.user_data, "Content-Type"));
	assert_null(strstr(s.user_data, "r00t"));
	yload(s.user_data, &y);
	/* the user's scalars and mappings */
	assert_string_equal(ystr(yget(&y, NULL, "hostname")), "mine");
	assert_null(yget(&y, NULL, "fqdn")); /* their host name, so none of ours */
	assert_null(yget(&y, NULL, "prefer_fqdn_over_hostname"));
	assert_string_equal(ystr(yget(&y, NULL, "preserve_hostname")), "true");
	assert_string_equal(ystr(yget(&y, NULL, "disable_root")), "true");
	n = yget(&y, NULL, "chpasswd");
	assert_string_equal(ystr(yget(&y, n, "expire")), "false");
	assert_string_equal(ystr(yget(&y, n, "list")), "alice:not-a-real-hash\n");
	assert_int_equal(check_hashes(s.user_data, ROOT_PW), 0); /* their chpasswd, not ours */
	/* lists: theirs, then ours */
	n = yget(&y, NULL, "ssh_authorized_keys");
	assert_int_equal(ylen(n), 2);
	assert_string_equal(ystr(yitem(&y, n, 0)), "ssh-ed25519 AAAAuserkey1 first@user");
	assert_string_equal(ystr(yitem(&y, n, 1)), KEY_USER);
	n = yget(&y, NULL, "runcmd");
	assert_int_equal(ylen(n), 3);
	assert_string_equal(ystr(yitem(&y, n, 0)), "echo user");
	assert_string_equal(ystr(yitem(&y, yitem(&y, n, 1), 2)), "echo 'quoted: yes' > /tmp/x");
	assert_string_equal(ystr(yitem(&y, yitem(&y, n, 2), 0)), "touch");
	assert_string_equal(ystr(yitem(&y, yitem(&y, n, 2), 1)), "/etc/cloud/cloud-init.disabled");
	n = yget(&y, NULL, "users");
	assert_int_equal(ylen(n), 3);
	assert_string_equal(ystr(yget(&y, yitem(&y, n, 0), "name")), "alice");
	assert_string_equal(ystr(yitem(&y, n, 1)), "default");
	root = yitem(&y, n, 2);
	assert_string_equal(ystr(yget(&y, root, "name")), "root");
	assert_string_equal(ystr(yget(&y, root, "lock_passwd")), "false");
	assert_string_equal(ystr(yitem(&y, yget(&y, root, "ssh_authorized_keys"), 0)), KEY_ROOT);
	/* the rest of theirs as it was */
	n = yitem(&y, yget(&y, NULL, "write_files"), 0);
	assert_string_equal(ystr(yget(&y, n, "content")), "hello\n\"world\": yes # not a comment\n");
	assert_string_equal(ystr(yget(&y, n, "permissions")), "0644");
	assert_string_equal(ystr(yget(&y, NULL, "number_as_string")), "0123");
	assert_string_equal(ystr(yget(&y, NULL, "unicode")), "h\u00e9llo \u2028 \x01");
	assert_int_equal(ylen(yget(&y, NULL, "packages")), 2);
	/* theirs (15), each once; ours are all among them or host name keys */
	assert_int_equal(ykeys(&y), 15);
	yfree(&y);
	/* as cloud-init reads it: tags, quoting and the alias kept */
	check_py(s.user_data,
		 "d['number_as_string'] == '0123' and d['tagged'] == 'true' and "
		 "d['yes_plain'] is True and d['aliased'] == {'k': 'v'} and "
		 "d['write_files'][0]['permissions'] == '0644' and "
		 "d['unicode'] == 'h\\u00e9llo \\u2028 \\x01' and "
		 "d['runcmd'][2] == ['touch', '/etc/cloud/cloud-init.disabled'] and "
		 "d['users'][2]['ssh_authorized_keys'] == ['" KEY_ROOT "'] and "
		 "list(d)[:3] == ['hostname', 'preserve_hostname', 'disable_root']");
	vp_seed_clear(&s);
}

/* Keys only we have are added; the user's "default" user is not doubled. */
static void test_user_cloud_config_adds(void **state)
{
	_cleanup_(freep) char *ud = path_of("user-lists");
	_cleanup_(freep) char *pw = path_of("root.pw");
	_cleanup_(freep) char *rk = path_of("root.pub");
	const char *rks[] = { rk };
	struct vp_seed_opts o = {
		.vm_name = "m4", .user_data = ud, .root_password_file = pw,
		.root_ssh_keys = rks, .n_root_ssh_keys = 1,
	};
	const char *const empties[] = { "user-empty", "user-empty-doc" };
	struct vp_seed s;
	struct ydoc y;
	yaml_node_t *n;
	size_t i;

	build_ok(&o, &s);
	yload(s.user_data, &y);
	assert_string_equal(ystr(yget(&y, NULL, "hostname")), "m4");
	assert_string_equal(ystr(yget(&y, NULL, "preserve_hostname")), "false");
	assert_string_equal(ystr(yget(&y, NULL, "disable_root")), "false");
	assert_true(!strncmp(ystr(yget(&y, yget(&y, NULL, "chpasswd"), "list")), "root:$6$", 8));
	assert_int_equal(check_hashes(s.user_data, ROOT_PW), 1);
	n = yget(&y, NULL, "users");
	assert_int_equal(ylen(n), 3);
	assert_string_equal(ystr(yitem(&y, n, 0)), "default");
	assert_string_equal(ystr(yget(&y, yitem(&y, n, 1), "name")), "bob");
	assert_string_equal(ystr(yget(&y, yitem(&y, n, 2), "name")), "root");
	n = yget(&y, NULL, "runcmd");
	assert_int_equal(ylen(n), 1); /* no disable: nothing of ours to append */
	assert_string_equal(ystr(yitem(&y, n, 0)), "echo one");
	assert_null(yget(&y, NULL, "ssh_authorized_keys"));
	yfree(&y);
	vp_seed_clear(&s);

	/* nothing of the user's: ours alone, as one document */
	o.disable = true;
	for (i = 0; i < 2; i++) {
		_cleanup_(freep) char *e = path_of(empties[i]);

		o.user_data = e;
		build_ok(&o, &s);
		yload(s.user_data, &y);
		assert_string_equal(ystr(yget(&y, NULL, "hostname")), "m4");
		assert_int_equal(ylen(yget(&y, NULL, "users")), 2);
		assert_int_equal(ylen(yget(&y, NULL, "runcmd")), 1);
		assert_int_equal(ykeys(&y), 6);
		yfree(&y);
		check_py(s.user_data, "d['users'][0] == 'default' and d['hostname'] == 'm4'");
		vp_seed_clear(&s);
	}
}

/* A #cloud-config that is not YAML, not a mapping, two documents, one of
 * our keys twice, or nested too deep: one line naming the file and the
 * line; a megabyte of nesting is refused at once. */
static void test_user_cloud_config_bad(void **state)
{
	static const struct {
		const char *file, *needle;
	} cases[] = {
		{ "user-bad-yaml", "expected ',' or ']' at line 3" },
		{ "user-bad-indent", "line 4" },
		{ "user-list", "not a YAML mapping of keys (line 2)" },
		{ "user-scalar", "not a YAML mapping of keys (line 2)" },
		{ "user-two-docs", "more than one YAML document (a second one at line 3)" },
		{ "user-dup", "the key 'runcmd' twice (lines 2 and 4)" },
		{ "user-control", "line 3" },
		{ "user-deep-open", "nests deeper than 100 levels (at line 2)" },
		{ "user-too-deep", "nests deeper than 100 levels (at line 2)" },
	};
	struct vp_seed_opts o = { .vm_name = "bad", .disable = true };
	struct vp_error err = { 0 };
	struct vp_seed s;
	char *deep;
	size_t i, n = 500000;
	struct ydoc y;

	/* half a million levels of flow sequences, never closed; 100 levels
	 * (the root and 99 more) closed; 101 */
	deep = vp_calloc(n + 64, 1);
	memcpy(deep, "#cloud-config\nx: ", 17);
	memset(deep + 17, '[', n);
	write_text("user-deep-open", deep);
	memset(deep + 17 + 99, ']', 99);
	memcpy(deep + 17 + 2 * 99, "\n", 2);
	write_text("user-deep", deep);
	memset(deep + 17, '[', 100);
	memset(deep + 17 + 100, ']', 100);
	memcpy(deep + 17 + 2 * 100, "\n", 2);
	write_text("user-too-deep", deep);
	free(deep);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_(freep) char *p = path_of(cases[i].file);

		o.user_data = p;
		memset(&err, 0, sizeof(err));
		assert_int_equal(vp_seed_build(&o, &s, &err), -1);
		assert_int_equal(err.code, VP_ERR_INVALID);
		if (!strstr(err.msg, p) || !strstr(err.msg, cases[i].needle) || strchr(err.msg, '\n'))
			fail_msg("%s: '%s' not in one line: %s", cases[i].file, cases[i].needle, err.msg);
		assert_null(s.user_data);
		fprintf(stderr, "%s\n", err.msg);
	}

	/* as deep as may be: merged, and cloud-init's loader reads it */
	{
		_cleanup_(freep) char *p = path_of("user-deep");

		o.user_data = p;
		build_ok(&o, &s);
		yload(s.user_data, &y);
		assert_int_equal(ylen(yget(&y, NULL, "runcmd")), 1);
		yfree(&y);
		check_py(s.user_data, "len(d['runcmd']) == 1 and isinstance(d['x'], list)");
		vp_seed_clear(&s);
	}
}

static void test_user_script(void **state)
{
	_cleanup_(freep) char *ud = path_of("user-script");
	struct vp_seed_opts o = { .vm_name = "m2", .user_data = ud, .disable = true };
	struct vp_seed s;

	build_ok(&o, &s);
	check_py(s.user_data,
		 "len(d) == 2 and d[0][0] == 'text/x-shellscript' and "
		 "d[0][2] == '#!/bin/sh\\necho hello from the user\\n' and "
		 "d[1][0] == 'text/cloud-config' and "
		 "d[1][3]['runcmd'] == [['touch', '/etc/cloud/cloud-init.disabled']]");
	vp_seed_clear(&s);
}

static void test_meta_data(void **state)
{
	_cleanup_(freep) char *md = path_of("meta");
	struct vp_seed_opts o = { .vm_name = "m3", .meta_data = md, .instance_id = "iid-a\"b" };
	struct vp_seed s;

	build_ok(&o, &s);
	check_py(s.meta_data, "d == {'instance-id': 'iid-a\"b', 'local-hostname': 'custom', "
			      "'public-keys': []}");
	vp_seed_clear(&s);
}

static void read_pvd_volume_id(const char *iso, char out[33])
{
	FILE *f = fopen(iso, "rb");
	unsigned char pvd[2048];

	assert_non_null(f);
	assert_int_equal(fseek(f, 32768, SEEK_SET), 0);
	assert_int_equal(fread(pvd, 1, sizeof(pvd), f), sizeof(pvd));
	fclose(f);
	assert_int_equal(pvd[0], 1);
	assert_memory_equal(pvd + 1, "CD001", 5);
	memcpy(out, pvd + 40, 32);
	out[32] = 0;
}

/* name -> contents of every regular file in the image */
static int read_iso(const char *iso, char **names, char **data, size_t *lens, int max)
{
	struct vp_error err = { 0 };
	struct archive *a;
	struct archive_entry *e;
	int n = 0;

	assert_int_equal(vp_archive_load(&err), 0);
	a = vp_ar.archive_read_new();
	vp_ar.archive_read_support_format_iso9660(a);
	assert_int_equal(vp_ar.archive_read_open_filename(a, iso, 10240), ARCHIVE_OK);
	while (vp_ar.archive_read_next_header(a, &e) == ARCHIVE_OK && n < max) {
		size_t size = (size_t)vp_ar.archive_entry_size(e);

		if (vp_ar.archive_entry_filetype(e) != AE_IFREG) {
			fprintf(stderr, "not a file in the image: %s\n", vp_ar.archive_entry_pathname(e));
			continue;
		}
		names[n] = vp_strdup(vp_ar.archive_entry_pathname(e));
		data[n] = vp_calloc(size + 1, 1);
		assert_int_equal(vp_ar.archive_read_data(a, data[n], size), (la_ssize_t)size);
		lens[n] = size;
		n++;
	}
	vp_ar.archive_read_free(a);
	return n;
}

static void test_iso(void **state)
{
	_cleanup_(freep) char *nc = path_of("netcfg");
	_cleanup_(freep) char *iso = path_of("seed.iso");
	_cleanup_(freep) char *ncdata = NULL;
	struct vp_seed_opts o = { .vm_name = "iso1", .network_config = nc,
				  .root_password_generate = true };
	struct vp_error err = { 0 };
	struct vp_seed s;
	struct timespec t0, t1;
	char volid[33], *names[8], *data[8];
	size_t lens[8], nclen;
	struct stat st;
	int n, i, seen = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	build_ok(&o, &s);
	if (vp_seed_write_iso(&s, iso, &err) < 0)
		fail_msg("%s", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "vp_seed_build + vp_seed_write_iso: %.2f ms\n",
		(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);

	assert_int_equal(stat(iso, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	read_pvd_volume_id(iso, volid);
	assert_string_equal(volid, "cidata                          ");
	ncdata = vp_read_file(nc, 1 << 20, &nclen);
	assert_non_null(ncdata);
	n = read_iso(iso, names, data, lens, 8);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		if (!strcmp(names[i], "user-data")) {
			assert_string_equal(data[i], s.user_data);
			seen |= 1;
		} else if (!strcmp(names[i], "meta-data")) {
			assert_string_equal(data[i], s.meta_data);
			seen |= 2;
		} else if (!strcmp(names[i], "network-config")) {
			assert_int_equal(lens[i], nclen);
			assert_memory_equal(data[i], ncdata, nclen);
			seen |= 4;
		}
		free(names[i]);
		free(data[i]);
	}
	assert_int_equal(seen, 7);
	vp_seed_clear(&s);

	/* without network-config: two files */
	o.network_config = NULL;
	build_ok(&o, &s);
	assert_int_equal(vp_seed_write_iso(&s, iso, &err), 0);
	n = read_iso(iso, names, data, lens, 8);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_true(!strcmp(names[i], "user-data") || !strcmp(names[i], "meta-data"));
		free(names[i]);
		free(data[i]);
	}
	vp_seed_clear(&s);
}

static void expect_invalid(const struct vp_seed_opts *o, const char *needle)
{
	struct vp_error err = { 0 };
	struct vp_seed s;

	assert_int_equal(vp_seed_build(o, &s, &err), -1);
	assert_int_equal(err.code, VP_ERR_INVALID);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' not in: %s", needle, err.msg);
	assert_null(s.user_data);
}

static void test_bad_input(void **state)
{
	_cleanup_(freep) char *missing = path_of("missing.pub");
	_cleanup_(freep) char *notakey = path_of("notakey.pub");
	_cleanup_(freep) char *priv = path_of("private");
	_cleanup_(freep) char *text = path_of("user-text");
	_cleanup_(freep) char *json = path_of("meta-json");
	const char *k1[] = { missing }, *k2[] = { notakey }, *k3[] = { priv }, *k4[] = { dir };
	struct vp_seed_opts o = { .vm_name = "bad", .root_ssh_keys = k1, .n_root_ssh_keys = 1 };

	expect_invalid(&o, missing);
	o.root_ssh_keys = k4; /* a directory: cannot be read */
	expect_invalid(&o, dir);
	o.root_ssh_keys = k2;
	expect_invalid(&o, notakey);
	o.n_root_ssh_keys = 0;
	o.clouduser_ssh_keys = k3;
	o.n_clouduser_ssh_keys = 1;
	expect_invalid(&o, "private key");
	o.n_clouduser_ssh_keys = 0;
	o.root_password_file = missing;
	expect_invalid(&o, missing);
	o.root_password_file = NULL;
	o.user_data = text;
	expect_invalid(&o, text);
	o.user_data = missing;
	expect_invalid(&o, missing);
	o.user_data = NULL;
	o.meta_data = json;
	expect_invalid(&o, json);
	o.meta_data = NULL;
	o.network_config = missing;
	expect_invalid(&o, missing);
	o.network_config = NULL;
	o.hostname = "a'b\n";
	expect_invalid(&o, "host name");
	o.hostname = NULL;
	o.vm_name = NULL;
	expect_invalid(&o, "name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_instance_id),
		cmocka_unit_test(test_bare),
		cmocka_unit_test(test_user_cloud_config),
		cmocka_unit_test(test_user_cloud_config_adds),
		cmocka_unit_test(test_user_cloud_config_bad),
		cmocka_unit_test(test_user_script),
		cmocka_unit_test(test_meta_data),
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
