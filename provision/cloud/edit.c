/* provision/cloud/edit.c — the edit list and its one-launch apply
 * through libguestfs (edit.h) */
#include "edit.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "gfs.h"
#include "secret.h"
#include "seed.h"

#define KEY_FILE_MAX (256 * 1024)

const char *const vp_edit_options[] = {
	"hostname", "ssh-inject", "root-password", "write", "upload", "mkdir", "chmod",
	"firstboot-command", "serial-console", "sysprep", "nocloud-seed", NULL,
};

static void edit_clear(struct vp_edit *e)
{
	free(e->label);
	free(e->path);
	free(e->text);
	if (e->seed) {
		vp_seed_clear(e->seed);
		free(e->seed);
	}
	if (e->data) {
		explicit_bzero(e->data, e->data_len);
		free(e->data);
	}
	memset(e, 0, sizeof(*e));
}

void vp_edit_list_clear(struct vp_edit_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		edit_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- parsing one edit ---- */

static int guest_path(const char *opt, const char *path, const char *value, struct vp_error *err)
{
	if (!*path)
		return vp_error_set(err, VP_ERR_INVALID, "--%s '%s' names no guest path", opt, value);
	if (path[0] != '/')
		return vp_error_set(err, VP_ERR_INVALID,
				    "--%s '%s': the guest path '%s' must be absolute", opt, value, path);
	return 0;
}

static bool hostname_ok(const char *h)
{
	size_t n = strlen(h), label = 0, i;

	if (!n || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		char c = h[i];

		if (c == '.') {
			if (!label || h[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return false;
		if (c == '-' && !label)
			return false;
		if (++label > 63)
			return false;
	}
	return label && h[n - 1] != '-';
}

static bool user_ok(const char *u, size_t n)
{
	size_t i;

	if (!n || n > 32 || u[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)u[i]) && !strchr("._-", u[i]))
			return false;
	return true;
}

/* ttyS0, ttyS1,9600, ttyS0,115200n8, ttyAMA0 */
static bool console_ok(const char *c)
{
	size_t i = 0;

	if (strncmp(c, "tty", 3))
		return false;
	for (i = 3; isalpha((unsigned char)c[i]); i++)
		;
	if (!isdigit((unsigned char)c[i]))
		return false;
	while (isdigit((unsigned char)c[i]))
		i++;
	if (!c[i])
		return true;
	if (c[i++] != ',' || !isdigit((unsigned char)c[i]))
		return false;
	while (isdigit((unsigned char)c[i]))
		i++;
	if (c[i] && strchr("noe", c[i]))
		i++;
	if (c[i] && strchr("5678", c[i]))
		i++;
	if (c[i] == 'r')
		i++;
	return !c[i];
}

static int parse_mode(const char *s, size_t n, unsigned *out)
{
	unsigned m = 0;
	size_t i;

	if (!n || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		m = m * 8 + (unsigned)(s[i] - '0');
	}
	if (m > 07777)
		return -1;
	*out = m;
	return 0;
}

static bool blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The key text: its lines without blank ones and comments, each ending in
 * '\n'. */
static int key_text(const char *opt_value, const char *src, size_t len, struct vp_edit *e,
		    struct vp_error *err)
{
	char *k = vp_grow(NULL, len + 2, 1);
	const char *p = src, *end = src + len;
	size_t i, o = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t s = 0, l = (size_t)(le - p);

		while (l && blank_char(p[l - 1]))
			l--;
		while (s < l && blank_char(p[s]))
			s++;
		if (l > s && p[s] != '#') {
			memcpy(k + o, p + s, l - s);
			o += l - s;
			k[o++] = '\n';
		}
		p = nl ? nl + 1 : end;
	}
	k[o] = 0;
	for (i = 0; i < o; i++)
		if (!k[i] || ((unsigned char)k[i] < 0x20 && k[i] != '\n')) {
			free(k);
			return vp_error_set(err, VP_ERR_INVALID,
					    "--ssh-inject '%s': the key holds a control character",
					    opt_value);
		}
	if (!o) {
		free(k);
		return vp_error_set(err, VP_ERR_INVALID, "--ssh-inject '%s': no key in it", opt_value);
	}
	e->data = k;
	e->data_len = o;
	return 0;
}

static int parse_ssh(const char *v, struct vp_edit *e, struct vp_error *err)
{
	const char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (!c1 || !c2)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--ssh-inject '%s' is not USER:file:PATH or USER:string:KEY", v);
	if (!user_ok(v, (size_t)(c1 - v)))
		return vp_error_set(err, VP_ERR_INVALID, "--ssh-inject '%s': '%.*s' is not a user name",
				    v, (int)(c1 - v), v);
	e->text = vp_strndup(v, (size_t)(c1 - v));
	if ((size_t)(c2 - c1 - 1) == 4 && !strncmp(c1 + 1, "file", 4)) {
		_cleanup_(freep) char *buf = NULL;
		size_t len = 0;

		if (!c2[1])
			return vp_error_set(err, VP_ERR_INVALID, "--ssh-inject '%s' names no key file", v);
		buf = vp_read_file(c2 + 1, KEY_FILE_MAX, &len);
		if (!buf)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--ssh-inject: cannot read the key file '%s': %s", c2 + 1,
					    strerror(errno));
		return key_text(v, buf, len, e, err);
	}
	if ((size_t)(c2 - c1 - 1) == 6 && !strncmp(c1 + 1, "string", 6))
		return key_text(v, c2 + 1, strlen(c2 + 1), e, err);
	return vp_error_set(err, VP_ERR_INVALID,
			    "--ssh-inject '%s': the key source is 'file' or 'string', not '%.*s'", v,
			    (int)(c2 - c1 - 1), c1 + 1);
}

static int parse_password(const char *v, struct vp_edit *e, struct vp_error *err)
{
	if (!strcmp(v, "random")) {
		e->pw = VP_PW_RANDOM;
		return 0;
	}
	if (!strcmp(v, "locked")) {
		e->pw = VP_PW_LOCKED;
		return 0;
	}
	if (!strncmp(v, "file:", 5)) {
		_cleanup_(vp_secret_freep) char *pw = NULL;

		if (!v[5])
			return vp_error_set(err, VP_ERR_INVALID, "--root-password 'file:' names no file");
		if (vp_password_read(v + 5, "root", &pw, err) < 0)
			return -1;
		if (vp_password_hash(pw, &e->data, err) < 0)
			return -1;
		e->data_len = strlen(e->data);
		e->pw = VP_PW_FILE;
		return 0;
	}
	if (!strncmp(v, "password:", 9))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--root-password password:... would put the password on the command line; give file:PATH (a pipe is fine) or random");
	return vp_error_set(err, VP_ERR_INVALID,
			    "--root-password takes file:PATH, random or locked, not '%s'", v);
}

static int on_off(const char *key, const char *v, bool *out, struct vp_error *err)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return vp_error_set(err, VP_ERR_INVALID, "--nocloud-seed: %s takes on or off, not '%s'",
				    key, v);
	return 0;
}

/* --nocloud-seed OPTS: the seed built now (files read, password hashed). */
static int parse_seed(const struct vp_edit_list *l, const char *v, struct vp_edit *e,
		      struct vp_error *err)
{
	_cleanup_(freep) char *copy = vp_strdup(v);
	_cleanup_(freep) const char **root_keys = NULL, **user_keys = NULL;
	struct vp_seed_opts o = { .vm_name = "localhost" };
	char *item, *save = NULL;
	size_t i;

	for (i = l->n; i-- > 0;)
		if (l->v[i].kind == VP_EDIT_HOSTNAME) {
			o.vm_name = l->v[i].text;
			break;
		}
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		const char *key = item, *val;

		if (!eq || !eq[1])
			return vp_error_set(err, VP_ERR_INVALID, "--nocloud-seed: '%s' is not KEY=VALUE",
					    item);
		*eq = 0;
		val = eq + 1;
		if (!strcmp(key, "hostname"))
			o.hostname = val;
		else if (!strcmp(key, "instance-id"))
			o.instance_id = val;
		else if (!strcmp(key, "root-password-file"))
			o.root_password_file = val;
		else if (!strcmp(key, "root-password-generate")) {
			if (on_off(key, val, &o.root_password_generate, err) < 0)
				return -1;
		} else if (!strcmp(key, "disable")) {
			if (on_off(key, val, &o.disable, err) < 0)
				return -1;
		} else if (!strcmp(key, "root-ssh-key")) {
			root_keys = vp_grow(root_keys, o.n_root_ssh_keys + 1, sizeof(char *));
			root_keys[o.n_root_ssh_keys++] = val;
		} else if (!strcmp(key, "clouduser-ssh-key")) {
			user_keys = vp_grow(user_keys, o.n_clouduser_ssh_keys + 1, sizeof(char *));
			user_keys[o.n_clouduser_ssh_keys++] = val;
		} else if (!strcmp(key, "user-data"))
			o.user_data = val;
		else if (!strcmp(key, "meta-data"))
			o.meta_data = val;
		else if (!strcmp(key, "network-config"))
			o.network_config = val;
		else
			return vp_error_set(err, VP_ERR_INVALID, "--nocloud-seed: unknown option '%s'", key);
	}
	o.root_ssh_keys = root_keys;
	o.clouduser_ssh_keys = user_keys;
	e->seed = vp_calloc(1, sizeof(*e->seed));
	if (vp_seed_build(&o, e->seed, err) < 0) {
		char why[VP_ERROR_MAX];

		snprintf(why, sizeof(why), "%s", err->msg);
		return vp_error_set(err, err->code ? err->code : VP_ERR_INVALID, "--nocloud-seed: %s", why);
	}
	return 0;
}

static int parse(const struct vp_edit_list *l, const char *opt, const char *v, struct vp_edit *e,
		 struct vp_error *err)
{
	const char *colon = strchr(v, ':');

	if (!strcmp(opt, "hostname")) {
		e->kind = VP_EDIT_HOSTNAME;
		if (!hostname_ok(v))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--hostname '%s' is not a host name (letters, digits, '-', labels joined by '.')",
					    v);
		e->text = vp_strdup(v);
		e->label = vp_strdup_printf("--hostname %s", v);
		return 0;
	}
	if (!strcmp(opt, "ssh-inject")) {
		e->kind = VP_EDIT_SSH_INJECT;
		if (parse_ssh(v, e, err) < 0)
			return -1;
		e->label = vp_strdup_printf("--ssh-inject %s", e->text);
		return 0;
	}
	if (!strcmp(opt, "root-password")) {
		e->kind = VP_EDIT_ROOT_PASSWORD;
		if (parse_password(v, e, err) < 0)
			return -1;
		e->label = vp_strdup("--root-password");
		return 0;
	}
	if (!strcmp(opt, "write") || !strcmp(opt, "upload")) {
		bool up = opt[0] == 'u';

		e->kind = up ? VP_EDIT_UPLOAD : VP_EDIT_WRITE;
		if (!colon)
			return vp_error_set(err, VP_ERR_INVALID, "--%s '%s' is not %s", opt, v,
					    up ? "LOCAL:REMOTE" : "PATH:CONTENT");
		if (up) {
			struct stat st;

			e->text = vp_strndup(v, (size_t)(colon - v));
			e->path = vp_strdup(colon + 1);
			if (guest_path(opt, e->path, v, err) < 0)
				return -1;
			if (!*e->text)
				return vp_error_set(err, VP_ERR_INVALID, "--upload '%s' names no local file", v);
			if (stat(e->text, &st) < 0 || access(e->text, R_OK) < 0)
				return vp_error_set(err, VP_ERR_INVALID, "--upload: cannot read '%s': %s",
						    e->text, strerror(errno));
			if (!S_ISREG(st.st_mode))
				return vp_error_set(err, VP_ERR_INVALID,
						    "--upload: '%s' is not a regular file", e->text);
		} else {
			e->path = vp_strndup(v, (size_t)(colon - v));
			if (guest_path(opt, e->path, v, err) < 0)
				return -1;
			e->data = vp_strdup(colon + 1);
			e->data_len = strlen(e->data);
		}
		e->label = vp_strdup_printf("--%s %s", opt, e->path);
		return 0;
	}
	if (!strcmp(opt, "mkdir")) {
		e->kind = VP_EDIT_MKDIR;
		if (guest_path(opt, v, v, err) < 0)
			return -1;
		e->path = vp_strdup(v);
		e->label = vp_strdup_printf("--mkdir %s", v);
		return 0;
	}
	if (!strcmp(opt, "chmod")) {
		e->kind = VP_EDIT_CHMOD;
		if (!colon || parse_mode(v, (size_t)(colon - v), &e->mode) < 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--chmod '%s' is not MODE:PATH with an octal MODE up to 7777",
					    v);
		if (guest_path(opt, colon + 1, v, err) < 0)
			return -1;
		e->path = vp_strdup(colon + 1);
		e->label = vp_strdup_printf("--chmod %s", v);
		return 0;
	}
	if (!strcmp(opt, "firstboot-command")) {
		e->kind = VP_EDIT_FIRSTBOOT_COMMAND;
		if (!v[strspn(v, " \t\n")])
			return vp_error_set(err, VP_ERR_INVALID, "--firstboot-command needs a command");
		e->text = vp_strdup(v);
		e->label = vp_strdup("--firstboot-command");
		return 0;
	}
	if (!strcmp(opt, "serial-console")) {
		const char *c = *v ? v : VP_SERIAL_CONSOLE_DEFAULT;

		e->kind = VP_EDIT_SERIAL_CONSOLE;
		if (!strncmp(c, "console=", 8))
			c += 8;
		if (!console_ok(c))
			return vp_error_set(err, VP_ERR_INVALID,
					    "--serial-console '%s' is not a console like ttyS0 or ttyS0,115200n8",
					    v);
		e->text = vp_strdup(c);
		e->label = vp_strdup_printf("--serial-console %s", c);
		return 0;
	}
	if (!strcmp(opt, "nocloud-seed")) {
		e->kind = VP_EDIT_NOCLOUD_SEED;
		if (parse_seed(l, v, e, err) < 0)
			return -1;
		e->label = vp_strdup("--nocloud-seed");
		return 0;
	}
	if (!strcmp(opt, "sysprep")) {
		e->kind = VP_EDIT_SYSPREP;
		if (*v)
			return vp_error_set(err, VP_ERR_INVALID, "--sysprep takes no value");
		e->label = vp_strdup("--sysprep");
		return 0;
	}
	return vp_error_set(err, VP_ERR_INVALID, "'--%s' is not a guest edit", opt);
}

int vp_edit_list_add(struct vp_edit_list *l, const char *option, const char *value,
		     struct vp_error *err)
{
	struct vp_edit e = { 0 };

	if (parse(l, option, value ? value : "", &e, err) < 0) {
		edit_clear(&e);
		return -1;
	}
	l->v = vp_grow(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = e;
	return 0;
}

void vp_inject_result_clear(struct vp_inject_result *r)
{
	if (!r)
		return;
	vp_secret_free(r->password);
	vp_secret_free(r->seed_password);
	free(r->root);
	memset(r, 0, sizeof(*r));
}

/* ---- apply ---- */

struct run {
	guestfs_h *g;
	const struct vp_inject_opts *opts;
	struct vp_inject_result *res;
};

/* libguestfs's last error, as a reason: errno's text when the daemon
 * passed one (its own message repeats the call and its arguments) */
static int gfail(struct run *r, struct vp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int gfail(struct run *r, struct vp_error *err, const char *fmt, ...)
{
	int e = vp_gfs.guestfs_last_errno(r->g);
	const char *why = e > 0 ? strerror(e) : vp_gfs.guestfs_last_error(r->g);
	va_list ap;

	va_start(ap, fmt);
	vp_error_setv(err, VP_ERR_RUNTIME, fmt, ap);
	va_end(ap);
	vp_error_append_reason(err, why);
	return -1;
}

static char *gread(struct run *r, const char *path, struct vp_error *err)
{
	size_t len = 0;
	char *t = vp_gfs.guestfs_read_file(r->g, path, &len);

	if (!t) {
		gfail(r, err, "cannot read '%s'", path);
		return NULL;
	}
	if (strlen(t) != len) {
		free(t);
		vp_error_set(err, VP_ERR_RUNTIME, "'%s' is not a text file", path);
		return NULL;
	}
	return t;
}

static int gwrite(struct run *r, const char *path, const char *data, size_t len,
		  struct vp_error *err)
{
	if (vp_gfs.guestfs_write(r->g, path, data, len) < 0)
		return gfail(r, err, "cannot write '%s'", path);
	return 0;
}

/* Rewrite a text file in the guest through fn (which may return NULL: no
 * change wanted, *why then says why, or nothing). */
static int grewrite(struct run *r, const char *path, char *(*fn)(const char *, const char *),
		    const char *arg, struct vp_error *err)
{
	_cleanup_(freep) char *t = gread(r, path, err);
	_cleanup_(freep) char *n = NULL;

	if (!t)
		return -1;
	n = fn(t, arg);
	if (!strcmp(n, t))
		return 0;
	return gwrite(r, path, n, strlen(n), err);
}

static int do_hostname(struct run *r, const struct vp_edit *e, struct vp_error *err)
{
	_cleanup_(freep) char *line = vp_strdup_printf("%s\n", e->text);

	if (gwrite(r, "/etc/hostname", line, strlen(line), err) < 0)
		return -1;
	if (vp_gfs.guestfs_is_file(r->g, "/etc/hosts") > 0)
		return grewrite(r, "/etc/hosts", vp_hosts_set_hostname, e->text, err);
	return 0;
}

/* A numeric user or group id. */
static int id_of(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT32_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/* home, uid and gid of user by the guest's /etc/passwd */
static int passwd_user(struct run *r, const char *user, char **home, int *uid, int *gid,
		       struct vp_error *err)
{
	_cleanup_(freep) char *t = NULL;
	size_t ul = strlen(user);
	char *line, *save = NULL;

	if (!strcmp(user, "root")) {
		*home = vp_strdup("/root");
		*uid = *gid = 0;
		return 0;
	}
	if (!(t = gread(r, "/etc/passwd", err)))
		return -1;
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = { 0 }, *p = line;
		int i;

		if (strncmp(line, user, ul) || line[ul] != ':')
			continue;
		for (i = 0; i < 7 && p; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = 0;
		}
		if (!f[5] || f[5][0] != '/' || id_of(f[2], uid) < 0 || id_of(f[3], gid) < 0)
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "the guest's /etc/passwd line of user '%s' is malformed", user);
		*home = vp_strdup(f[5]);
		return 0;
	}
	return vp_error_set(err, VP_ERR_INVALID, "the guest has no user '%s' (in /etc/passwd)", user);
}

/* Is line (len bytes) one of text's lines? */
static bool has_line(const char *text, const char *line, size_t len)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (l == len && !memcmp(p, line, len))
			return true;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

static int do_ssh(struct run *r, const struct vp_edit *e, struct vp_error *err)
{
	_cleanup_(freep) char *home = NULL, *dir = NULL, *file = NULL, *old = NULL, *buf = NULL;
	size_t len = 0, cap;
	const char *p;
	int uid = 0, gid = 0;

	if (passwd_user(r, e->text, &home, &uid, &gid, err) < 0)
		return -1;
	dir = vp_strdup_printf("%s/.ssh", strcmp(home, "/") ? home : "");
	file = vp_strdup_printf("%s/authorized_keys", dir);
	if (vp_gfs.guestfs_mkdir_p(r->g, dir) < 0 || vp_gfs.guestfs_chmod(r->g, 0700, dir) < 0 ||
	    vp_gfs.guestfs_chown(r->g, uid, gid, dir) < 0)
		return gfail(r, err, "cannot make '%s'", dir);
	if (vp_gfs.guestfs_exists(r->g, file) > 0 && !(old = gread(r, file, err)))
		return -1;
	cap = (old ? strlen(old) : 0) + e->data_len + 2;
	buf = vp_grow(NULL, cap, 1);
	if (old) {
		len = strlen(old);
		memcpy(buf, old, len);
		if (len && buf[len - 1] != '\n')
			buf[len++] = '\n';
	}
	for (p = e->data; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = (size_t)(nl - p);

		if (!old || !has_line(old, p, l)) {
			memcpy(buf + len, p, l + 1);
			len += l + 1;
		}
		p = nl + 1;
	}
	if (gwrite(r, file, buf, len, err) < 0)
		return -1;
	if (vp_gfs.guestfs_chmod(r->g, 0600, file) < 0 ||
	    vp_gfs.guestfs_chown(r->g, uid, gid, file) < 0)
		return gfail(r, err, "cannot set the owner and mode of '%s'", file);
	return 0;
}

static int do_password(struct run *r, const struct vp_edit *e, struct vp_error *err)
{
	_cleanup_(vp_secret_freep) char *pw = NULL;
	_cleanup_(freep) char *hash = NULL;
	_cleanup_(freep) char *t = NULL, *n = NULL;

	if (e->pw == VP_PW_RANDOM) {
		if (vp_password_generate(&pw, err) < 0 || vp_password_hash(pw, &hash, err) < 0)
			return -1;
	} else {
		hash = vp_strdup(e->pw == VP_PW_LOCKED ? "!" : e->data);
	}
	if (!(t = gread(r, "/etc/shadow", err)))
		return -1;
	if (!(n = vp_shadow_set_password(t, "root", hash)))
		return vp_error_set(err, VP_ERR_RUNTIME, "the guest's /etc/shadow has no line for root");
	if (gwrite(r, "/etc/shadow", n, strlen(n), err) < 0)
		return -1;
	if (pw) {
		vp_secret_free(r->res->password);
		r->res->password = TAKE_PTR(pw);
	}
	return 0;
}

#define FB_DIR "/usr/lib/vprov-firstboot"
#define FB_UNIT "/etc/systemd/system/vprov-firstboot.service"

static const char fb_runner[] =
	"#!/bin/sh\n"
	"# written by vprov inject: runs each script in scripts/ once, in order, at boot\n"
	"d=" FB_DIR "\n"
	"mkdir -p \"$d/done\"\n"
	"for f in \"$d\"/scripts/*; do\n"
	"\t[ -f \"$f\" ] || continue\n"
	"\techo \"=== $f\"\n"
	"\tsh \"$f\"\n"
	"\techo \"=== $f: exit status $?\"\n"
	"\tmv \"$f\" \"$d/done/\"\n"
	"done >>/var/log/vprov-firstboot.log 2>&1\n";

static const char fb_unit[] =
	"# written by vprov inject\n"
	"[Unit]\n"
	"Description=vprov first-boot commands\n"
	"After=network.target\n"
	"ConditionPathExistsGlob=" FB_DIR "/scripts/*\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=" FB_DIR "/firstboot.sh\n"
	"RemainAfterExit=yes\n"
	"TimeoutSec=0\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

/* A systemd unit written and enabled for multi-user.target. */
static int enable_unit(struct run *r, const char *path, const char *text, struct vp_error *err)
{
	const char *base = strrchr(path, '/') + 1;
	_cleanup_(freep) char *link =
		vp_strdup_printf("/etc/systemd/system/multi-user.target.wants/%s", base);

	if (gwrite(r, path, text, strlen(text), err) < 0)
		return -1;
	if (vp_gfs.guestfs_mkdir_p(r->g, "/etc/systemd/system/multi-user.target.wants") < 0 ||
	    vp_gfs.guestfs_ln_sf(r->g, path, link) < 0)
		return gfail(r, err, "cannot enable '%s'", path);
	return 0;
}

static int do_firstboot(struct run *r, const struct vp_edit *e, struct vp_error *err)
{
	_cleanup_(vp_gfs_strvp) char **old = NULL;
	_cleanup_(freep) char *script = NULL, *path = NULL;
	size_t n = 0;

	if (vp_gfs.guestfs_is_dir(r->g, "/etc/systemd/system") <= 0)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "the guest has no systemd (/etc/systemd/system), which first-boot commands need");
	if (vp_gfs.guestfs_mkdir_p(r->g, FB_DIR "/scripts") < 0)
		return gfail(r, err, "cannot make '%s'", FB_DIR "/scripts");
	if (vp_gfs.guestfs_is_file(r->g, FB_DIR "/firstboot.sh") <= 0) {
		if (gwrite(r, FB_DIR "/firstboot.sh", fb_runner, strlen(fb_runner), err) < 0)
			return -1;
		if (vp_gfs.guestfs_chmod(r->g, 0755, FB_DIR "/firstboot.sh") < 0)
			return gfail(r, err, "cannot make '%s' executable", FB_DIR "/firstboot.sh");
	}
	if (enable_unit(r, FB_UNIT, fb_unit, err) < 0)
		return -1;
	old = vp_gfs.guestfs_glob_expand(r->g, FB_DIR "/scripts/*");
	while (old && old[n])
		n++;
	path = vp_strdup_printf(FB_DIR "/scripts/%04zu-command", n + 1);
	script = vp_strdup_printf("#!/bin/sh\n%s\n", e->text);
	if (gwrite(r, path, script, strlen(script), err) < 0)
		return -1;
	if (vp_gfs.guestfs_chmod(r->g, 0755, path) < 0)
		return gfail(r, err, "cannot make '%s' executable", path);
	return 0;
}

static int do_serial(struct run *r, const struct vp_edit *e, struct vp_error *err)
{
	static const char *const cfgs[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", NULL };
	_cleanup_(vp_gfs_strvp) char **bls = NULL;
	size_t i, edited = 0;

	if (vp_gfs.guestfs_is_file(r->g, "/etc/default/grub") > 0) {
		if (grewrite(r, "/etc/default/grub", vp_grub_default_set_console, e->text, err) < 0)
			return -1;
		edited++;
	}
	for (i = 0; cfgs[i]; i++)
		if (vp_gfs.guestfs_is_file(r->g, cfgs[i]) > 0) {
			if (grewrite(r, cfgs[i], vp_grub_cfg_set_console, e->text, err) < 0)
				return -1;
			edited++;
		}
	bls = vp_gfs.guestfs_glob_expand(r->g, "/boot/loader/entries/*.conf");
	for (i = 0; bls && bls[i]; i++) {
		if (grewrite(r, bls[i], vp_bls_set_console, e->text, err) < 0)
			return -1;
		edited++;
	}
	if (!edited)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "the guest has no boot loader configuration vprov can edit (/etc/default/grub, /boot/grub/grub.cfg, /boot/loader/entries/*.conf)");
	return 0;
}

/* Each file pattern matches: removed (rm) or emptied. */
static int each_glob(struct run *r, const char *const *patterns, bool rm, bool dirs,
		     struct vp_error *err)
{
	size_t i, j;

	for (i = 0; patterns[i]; i++) {
		_cleanup_(vp_gfs_strvp) char **m = vp_gfs.guestfs_glob_expand(r->g, patterns[i]);

		for (j = 0; m && m[j]; j++) {
			int rc;

			if (dirs)
				rc = vp_gfs.guestfs_rm_rf(r->g, m[j]);
			else if (vp_gfs.guestfs_is_file(r->g, m[j]) <= 0)
				continue;
			else
				rc = rm ? vp_gfs.guestfs_rm_f(r->g, m[j]) : vp_gfs.guestfs_truncate(r->g, m[j]);
			if (rc < 0)
				return gfail(r, err, "cannot %s '%s'", rm || dirs ? "remove" : "empty", m[j]);
		}
	}
	return 0;
}

#define KEYGEN_UNIT "/etc/systemd/system/vprov-ssh-hostkeys.service"
static const char keygen_unit[] =
	"# written by vprov inject --sysprep: the SSH host keys it removed are made again\n"
	"[Unit]\n"
	"Description=vprov: make missing SSH host keys\n"
	"Before=ssh.service sshd.service\n"
	"ConditionPathExists=/usr/bin/ssh-keygen\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=/usr/bin/ssh-keygen -A\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

static int do_sysprep(struct run *r, struct vp_error *err)
{
	static const char *const remove[] = {
		"/etc/ssh/ssh_host_*", "/var/lib/dhcp/*.lease*", "/var/lib/dhclient/*",
		"/var/lib/NetworkManager/*.lease", "/var/lib/NetworkManager/dhclient-*",
		"/etc/udev/rules.d/70-persistent-net.rules",
		"/root/.bash_history", "/home/*/.bash_history", "/var/lib/systemd/random-seed",
		"/var/log/*.[0-9]", "/var/log/*.gz", "/var/log/*/*.[0-9]", "/var/log/*/*.gz",
		"/var/log/*.old", NULL,
	};
	static const char *const empty[] = {
		"/var/log/*.log", "/var/log/*/*.log", "/var/log/syslog", "/var/log/messages",
		"/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog", "/var/log/dmesg", NULL,
	};
	static const char *const trees[] = { "/var/lib/cloud", "/var/log/journal/*", NULL };
	bool had_keys;
	_cleanup_(vp_gfs_strvp) char **keys = vp_gfs.guestfs_glob_expand(r->g, "/etc/ssh/ssh_host_*");

	had_keys = keys && keys[0];
	if (vp_gfs.guestfs_is_file(r->g, "/etc/machine-id") > 0 &&
	    vp_gfs.guestfs_truncate(r->g, "/etc/machine-id") < 0)
		return gfail(r, err, "cannot empty '/etc/machine-id'");
	/* often a link to /etc/machine-id, which is empty now */
	if (vp_gfs.guestfs_is_symlink(r->g, "/var/lib/dbus/machine-id") <= 0 &&
	    vp_gfs.guestfs_rm_f(r->g, "/var/lib/dbus/machine-id") < 0)
		return gfail(r, err, "cannot remove '/var/lib/dbus/machine-id'");
	if (each_glob(r, remove, true, false, err) < 0 || each_glob(r, empty, false, false, err) < 0 ||
	    each_glob(r, trees, false, true, err) < 0)
		return -1;
	if (had_keys && vp_gfs.guestfs_is_dir(r->g, "/etc/systemd/system") > 0 &&
	    enable_unit(r, KEYGEN_UNIT, keygen_unit, err) < 0)
		return -1;
	return 0;
}

#define SEED_DIR "/var/lib/cloud/seed/nocloud"

static int seed_file(struct run *r, const char *name, const char *data, size_t len,
		     struct vp_error *err)
{
	_cleanup_(freep) char *path = vp_strdup_printf(SEED_DIR "/%s", name);

	/* made empty and private first, then filled */
	if (gwrite(r, path, "", 0, err) < 0)
		return -1;
	if (vp_gfs.guestfs_chmod(r->g, 0600, path) < 0)
		return gfail(r, err, "cannot change the mode of '%s'", path);
	return gwrite(r, path, data, len, err);
}

static int do_seed(struct run *r, const struct vp_edit *e, struct vp_error *err)
{
	const struct vp_seed *s = e->seed;

	if (vp_gfs.guestfs_mkdir_p(r->g, SEED_DIR) < 0 ||
	    vp_gfs.guestfs_chmod(r->g, 0700, SEED_DIR) < 0)
		return gfail(r, err, "cannot make '%s'", SEED_DIR);
	if (seed_file(r, "user-data", s->user_data, strlen(s->user_data), err) < 0 ||
	    seed_file(r, "meta-data", s->meta_data, strlen(s->meta_data), err) < 0)
		return -1;
	if (s->network_config) {
		if (seed_file(r, "network-config", s->network_config, s->network_config_len, err) < 0)
			return -1;
	} else {
		_cleanup_(freep) char *nc = vp_strdup(SEED_DIR "/network-config");

		if (vp_gfs.guestfs_rm_f(r->g, nc) < 0)
			return gfail(r, err, "cannot remove '%s'", nc);
	}
	if (s->generated_password) {
		vp_secret_free(r->res->seed_password);
		r->res->seed_password = vp_strdup(s->generated_password);
	}
	return 0;
}

static int apply_one(struct run *r, const struct vp_edit *e, struct vp_error *err)
{
	switch (e->kind) {
	case VP_EDIT_HOSTNAME:
		return do_hostname(r, e, err);
	case VP_EDIT_SSH_INJECT:
		return do_ssh(r, e, err);
	case VP_EDIT_ROOT_PASSWORD:
		return do_password(r, e, err);
	case VP_EDIT_WRITE:
		return gwrite(r, e->path, e->data, e->data_len, err);
	case VP_EDIT_UPLOAD:
		if (vp_gfs.guestfs_upload(r->g, e->text, e->path) < 0)
			return gfail(r, err, "cannot upload '%s' to '%s'", e->text, e->path);
		return 0;
	case VP_EDIT_MKDIR:
		if (vp_gfs.guestfs_mkdir_p(r->g, e->path) < 0)
			return gfail(r, err, "cannot make '%s'", e->path);
		return 0;
	case VP_EDIT_CHMOD:
		if (vp_gfs.guestfs_chmod(r->g, (int)e->mode, e->path) < 0)
			return gfail(r, err, "cannot change the mode of '%s'", e->path);
		return 0;
	case VP_EDIT_FIRSTBOOT_COMMAND:
		return do_firstboot(r, e, err);
	case VP_EDIT_SERIAL_CONSOLE:
		return do_serial(r, e, err);
	case VP_EDIT_SYSPREP:
		return do_sysprep(r, err);
	case VP_EDIT_NOCLOUD_SEED:
		return do_seed(r, e, err);
	}
	return vp_error_set(err, VP_ERR_INVALID, "unknown edit");
}

static int by_length(const void *a, const void *b)
{
	size_t la = strlen(((char *const *)a)[0]), lb = strlen(((char *const *)b)[0]);

	return la < lb ? -1 : la > lb;
}

/* The appliance's device for an fstab spec (malloc'd), or NULL. */
static char *fstab_device(struct run *r, const char *spec)
{
	static const char *const prefixes[] = { "/dev/vd", "/dev/hd", "/dev/xvd", NULL };
	size_t i;

	if (!strncmp(spec, "UUID=", 5))
		return vp_gfs.guestfs_findfs_uuid(r->g, spec + 5);
	if (!strncmp(spec, "LABEL=", 6))
		return vp_gfs.guestfs_findfs_label(r->g, spec + 6);
	if (!strncmp(spec, "/dev/disk/by-uuid/", 18))
		return vp_gfs.guestfs_findfs_uuid(r->g, spec + 18);
	if (!strncmp(spec, "/dev/disk/by-label/", 19))
		return vp_gfs.guestfs_findfs_label(r->g, spec + 19);
	/* the guest's virtio or IDE names are sd* in the appliance */
	for (i = 0; prefixes[i]; i++)
		if (!strncmp(spec, prefixes[i], strlen(prefixes[i])))
			return vp_strdup_printf("/dev/sd%s", spec + strlen(prefixes[i]));
	return strncmp(spec, "/dev/", 5) ? NULL : vp_strdup(spec);
}

static bool linux_fs(const char *type)
{
	static const char *const types[] = { "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs",
					     "jfs", "reiserfs", NULL };
	size_t i;

	for (i = 0; types[i]; i++)
		if (!strcmp(type, types[i]))
			return true;
	return false;
}

/* The quick way: the first Linux file system with /etc/fstab and an
 * os-release is the root; its fstab mounts the rest.  1: mounted; 0: none
 * found (nothing is mounted then). */
static int quick_root(struct run *r, struct vp_error *err)
{
	/* partitions (or whole disks) only: list_filesystems would scan for
	 * LVM, md and btrfs volumes first (seconds under TCG); those layouts
	 * go to the inspection */
	_cleanup_(vp_gfs_strvp) char **parts = vp_gfs.guestfs_list_partitions(r->g);
	_cleanup_(vp_gfs_strvp) char **devs = NULL;
	_cleanup_(freep) char *fstab = NULL;
	struct vp_fstab_entry *m = NULL;
	char **cand = parts;
	size_t i, n;

	if (!parts || !parts[0])
		cand = devs = vp_gfs.guestfs_list_devices(r->g);
	/* looked at read-only: a file system that is not the root stays untouched */
	for (i = 0; cand && cand[i] && !r->res->root; i++) {
		_cleanup_(freep) char *type = vp_gfs.guestfs_vfs_type(r->g, cand[i]);

		if (!type || !linux_fs(type) || vp_gfs.guestfs_mount_ro(r->g, cand[i], "/") < 0)
			continue;
		if (vp_gfs.guestfs_is_file(r->g, "/etc/fstab") > 0 &&
		    (vp_gfs.guestfs_exists(r->g, "/etc/os-release") > 0 ||
		     vp_gfs.guestfs_exists(r->g, "/usr/lib/os-release") > 0))
			r->res->root = vp_strdup(cand[i]);
		vp_gfs.guestfs_umount_all(r->g);
	}
	if (!r->res->root)
		return 0;
	if (vp_gfs.guestfs_mount(r->g, r->res->root, "/") < 0)
		return gfail(r, err, "cannot mount the guest's root file system %s", r->res->root);
	if (!(fstab = gread(r, "/etc/fstab", err)))
		return -1;
	n = vp_fstab_mounts(fstab, &m);
	for (i = 0; i < n; i++) {
		_cleanup_(freep) char *dev = fstab_device(r, m[i].spec);

		if (!dev || vp_gfs.guestfs_mount(r->g, dev, m[i].dir) < 0)
			vp_report_warn(r->opts->reporter,
				       "cannot mount %s on %s in the guest (its /etc/fstab names it)",
				       m[i].spec, m[i].dir);
	}
	vp_fstab_free(m, n);
	return 1;
}

/* Find the guest's root and mount its file systems: the quick way, else
 * libguestfs's inspection (shortest mount point first). */
static int mount_guest(struct run *r, const struct vp_inject_disk *disks, size_t n_disks,
		       struct vp_error *err)
{
	_cleanup_(vp_gfs_strvp) char **roots = NULL;
	_cleanup_(vp_gfs_strvp) char **mps = NULL;
	size_t n = 0, i;
	int q = quick_root(r, err);

	if (q != 0)
		return q < 0 ? -1 : 0;
	if (!(roots = vp_gfs.guestfs_inspect_os(r->g)))
		return gfail(r, err, "cannot inspect the disk '%s'", disks[0].path);
	if (!roots[0])
		return vp_error_set(err, VP_ERR_INVALID,
				    "found no operating system on %s '%s'%s",
				    n_disks > 1 ? "the disks, the first" : "the disk", disks[0].path,
				    n_disks > 1 ? " among them" : "");
	if (roots[1])
		vp_report_warn(r->opts->reporter,
			       "the disks hold more than one operating system; editing the one whose root is %s",
			       roots[0]);
	r->res->root = vp_strdup(roots[0]);
	if (!(mps = vp_gfs.guestfs_inspect_get_mountpoints(r->g, roots[0])))
		return gfail(r, err, "cannot read the mount points of %s", roots[0]);
	while (mps[2 * n])
		n++;
	qsort(mps, n, 2 * sizeof(char *), by_length);
	for (i = 0; i < n; i++) {
		if (vp_gfs.guestfs_mount(r->g, mps[2 * i + 1], mps[2 * i]) == 0)
			continue;
		if (!strcmp(mps[2 * i], "/"))
			return gfail(r, err, "cannot mount the guest's root file system %s", roots[0]);
		vp_report_warn(r->opts->reporter, "cannot mount %s on %s in the guest: %s",
			       mps[2 * i + 1], mps[2 * i], vp_gfs.guestfs_last_error(r->g));
	}
	return 0;
}

/* "--hostname h1, --mkdir /a" (the first n edits) */
static char *labels(const struct vp_edit_list *edits, size_t n)
{
	char *s = vp_strdup("");
	size_t i;

	for (i = 0; i < n; i++) {
		char *t = vp_strdup_printf("%s%s%s", s, i ? ", " : "", edits->v[i].label);

		free(s);
		s = t;
	}
	return s;
}

static void edit_failed(struct vp_error *err, const struct vp_edit_list *edits, size_t i,
			const struct vp_error *why)
{
	_cleanup_(freep) char *done = labels(edits, i);

	if (why->code == VP_ERR_CANCELLED)
		vp_error_set(err, VP_ERR_CANCELLED, "interrupted before '%s'; %s%s", edits->v[i].label,
			     i ? "applied before it: " : "no edit was applied", done);
	else
		vp_error_set(err, why->code, "'%s' failed: %s; %s%s", edits->v[i].label, why->msg,
			     i ? "applied before it: " : "no edit was applied before it", done);
}

int vp_inject_apply(const struct vp_inject_disk *disks, size_t n_disks,
		    const struct vp_edit_list *edits, const struct vp_inject_opts *opts,
		    struct vp_inject_result *res, struct vp_error *err)
{
	static const struct vp_inject_opts no_opts;
	_cleanup_(vp_gfs_closep) guestfs_h *g = NULL;
	const struct vp_reporter *rep;
	struct run r = { 0 };
	struct vp_error e2 = { 0 };
	size_t i;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	opts = opts ? opts : &no_opts;
	rep = opts->reporter;
	if (!n_disks)
		return vp_error_set(err, VP_ERR_INVALID, "no disk to edit");
	if (vp_gfs_load(err) < 0)
		return -1;
	if (!(g = vp_gfs.guestfs_create()))
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot create a libguestfs handle: %s",
				    strerror(errno));
	vp_gfs.guestfs_set_error_handler(g, NULL, NULL);
	r = (struct run){ .g = g, .opts = opts, .res = res };
	vp_gfs.guestfs_set_identifier(g, "vprov");
	if (opts->force_tcg) {
		char *const settings[] = { "force_tcg", NULL };
		const char *b = getenv("LIBGUESTFS_BACKEND");
		const char *bs = getenv("LIBGUESTFS_BACKEND_SETTINGS");

		if ((!b || !*b) && vp_gfs.guestfs_set_backend(g, "direct") < 0)
			return gfail(&r, err, "cannot choose libguestfs's backend");
		if ((!bs || !*bs) && vp_gfs.guestfs_set_backend_settings(g, settings) < 0)
			return gfail(&r, err, "cannot set libguestfs's backend settings");
	}
	for (i = 0; i < n_disks; i++) {
		struct guestfs_add_drive_opts_argv a = { 0 };

		if (disks[i].format) {
			a.bitmask |= GUESTFS_ADD_DRIVE_OPTS_FORMAT_BITMASK;
			a.format = disks[i].format;
		}
		if (vp_gfs.guestfs_add_drive_opts_argv(g, disks[i].path, &a) < 0)
			return gfail(&r, err, "cannot add the disk '%s' to the libguestfs appliance",
				     disks[i].path);
	}
	vp_report_note(rep, "launching the libguestfs appliance (%s)",
		       opts->force_tcg ? "TCG software emulation: 15 s or so" : "KVM");
	vp_report_progress(rep, "launching the appliance", 0, 0);
	if (vp_gfs.guestfs_launch(g) < 0) {
		/* Ctrl+C on a terminal reaches the appliance's QEMU too */
		if (vp_report_cancelled(rep))
			return vp_error_set(err, VP_ERR_CANCELLED, "interrupted; no edit was applied");
		return gfail(&r, err, "cannot launch the libguestfs appliance");
	}
	if (vp_report_cancelled(rep))
		return vp_error_set(err, VP_ERR_CANCELLED, "interrupted; no edit was applied");
	if (mount_guest(&r, disks, n_disks, err) < 0) {
		vp_gfs.guestfs_shutdown(g);
		return -1;
	}
	for (i = 0; i < edits->n; i++) {
		vp_report_progress(rep, "editing the guest", i, edits->n);
		if (vp_report_cancelled(rep))
			e2.code = VP_ERR_CANCELLED;
		else if (apply_one(&r, &edits->v[i], &e2) == 0) {
			res->applied++;
			continue;
		} else if (vp_report_cancelled(rep)) {
			e2.code = VP_ERR_CANCELLED; /* the appliance died of the signal */
		}
		edit_failed(err, edits, i, &e2);
		rc = -1;
		break;
	}
	vp_report_progress(rep, "editing the guest", res->applied, edits->n);
	/* what was applied is written back either way */
	if (vp_gfs.guestfs_umount_all(g) < 0 || vp_gfs.guestfs_shutdown(g) < 0) {
		if (rc == 0)
			return gfail(&r, err, "cannot write the edits back to the disk");
		vp_error_append(err, "and the disk may not hold them either: %s",
				vp_gfs.guestfs_last_error(g));
	}
	return rc;
}
