/* provision/sshlogin.c — the key a guest gets at create, the record of it,
 * and the ssh command line that uses it */
#include "sshlogin.h"

#include <errno.h>
#include <glob.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "fs.h"
#include "metadata.h"
#include "run.h"
#include "xmlutil.h"


void vp_ssh_choice_clear(struct vp_ssh_choice *c)
{
	if (!c)
		return;
	free(c->user);
	free(c->key);
	free(c->inject_pub);
	memset(c, 0, sizeof(*c));
}

void vp_ssh_login_clear(struct vp_ssh_login *l)
{
	if (!l)
		return;
	free(l->user);
	free(l->key);
	memset(l, 0, sizeof(*l));
}

static bool is_file(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* F.pub -> F when F is a file; NULL otherwise. */
static char *private_of(const char *pub)
{
	size_t n = pub ? strlen(pub) : 0;
	char *k;

	if (n <= 4 || strcmp(pub + n - 4, ".pub"))
		return NULL;
	k = vp_strndup(pub, n - 4);
	if (!is_file(k)) {
		free(k);
		return NULL;
	}
	return k;
}

static char *first_private(const char *const *pubs, size_t n)
{
	size_t i;
	char *k;

	for (i = 0; i < n; i++)
		if ((k = private_of(pubs[i])))
			return k;
	return NULL;
}

/* ssh-keygen's key types, the kind we would rather use first */
static int key_rank(const char *path)
{
	static const char *const order[] = { "/id_ed25519.pub", "/id_ecdsa.pub", "/id_rsa.pub" };
	size_t n = strlen(path), i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (n >= strlen(order[i]) && !strcmp(path + n - strlen(order[i]), order[i]))
			return (int)i;
	return (int)i;
}

/* The image's default cloud user, as the distributions' cloud.cfg names it. */
static const char *cloud_user(const char *short_id)
{
	static const struct { const char *prefix, *user; } users[] = {
		{ "debian", "debian" },     { "ubuntu", "ubuntu" },   { "fedora", "fedora" },
		{ "centos-stream", "cloud-user" }, { "centos", "centos" },
		{ "rhel", "cloud-user" },   { "rocky", "rocky" },     { "almalinux", "almalinux" },
		{ "opensuse", "opensuse" }, { "archlinux", "arch" },  { "alpinelinux", "alpine" },
	};
	size_t i;

	for (i = 0; short_id && i < sizeof(users) / sizeof(users[0]); i++)
		if (!strncmp(short_id, users[i].prefix, strlen(users[i].prefix)))
			return users[i].user;
	return NULL;
}

int vp_ssh_choose(const struct vp_seed_opts *o, const char *home, const char *data_dir,
		  const char *os_short_id, struct vp_ssh_choice *out, struct vp_error *err)
{
	memset(out, 0, sizeof(*out));
	if (vp_seed_opts_bare(o)) {
		_cleanup_(freep) char *pattern = NULL;
		glob_t g;
		int r, best = -1;
		size_t i;
		bool any = false;

		if (home && home[0] == '/') {
			pattern = vp_strdup_printf("%s/.ssh/id_*.pub", home);
			r = glob(pattern, 0, NULL, &g);
			if (r && r != GLOB_NOMATCH)
				return vp_error_set(err, VP_ERR_RUNTIME, "cannot list '%s/.ssh'", home);
			if (!r) {
				any = g.gl_pathc > 0;
				for (i = 0; i < g.gl_pathc; i++) {
					char *k = private_of(g.gl_pathv[i]);

					if (k && (best < 0 || key_rank(g.gl_pathv[i]) < best)) {
						free(out->key);
						out->key = k;
						best = key_rank(g.gl_pathv[i]);
					} else {
						free(k);
					}
				}
				globfree(&g);
			}
		}
		if (!any && data_dir) {
			out->key = vp_strdup_printf("%s/ssh/id_ed25519", data_dir);
			out->inject_pub = vp_strdup_printf("%s.pub", out->key);
			out->own = true;
			out->generate = !is_file(out->key) || !is_file(out->inject_pub);
		}
		if (any || out->key)
			out->user = vp_strdup("root");
		return 0;
	}
	if (o->n_root_ssh_keys) {
		out->user = vp_strdup("root");
		out->key = first_private(o->root_ssh_keys, o->n_root_ssh_keys);
		return 0;
	}
	if (o->n_clouduser_ssh_keys) {
		out->user = vp_strdup(cloud_user(os_short_id));
		out->key = first_private(o->clouduser_ssh_keys, o->n_clouduser_ssh_keys);
		return 0;
	}
	return 0;
}

/* ---- vprov's own key ----------------------------------------------------- */

static int keygen(const char *path, struct vp_error *err)
{
	char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vprov", "-f",
			 (char *)path, NULL };

	return vp_run_quiet("make an SSH key", argv, " (install openssh-client)", err);
}

int vp_ssh_key_generate(const char *key, struct vp_error *err)
{
	_cleanup_(freep) char *dir = NULL, *tmpdir = NULL, *tmp = NULL, *tmppub = NULL,
			      *pub = NULL;
	char *slash;
	int r = -1, i;

	pub = vp_strdup_printf("%s.pub", key);
	if (is_file(key) && is_file(pub))
		return 0;
	dir = vp_strdup(key);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return vp_error_set(err, VP_ERR_INVALID, "'%s' is not a path for an SSH key", key);
	*slash = '\0';
	if (vp_mkdir_p(dir, 0700) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot make directory '%s': %s", dir,
				    strerror(errno));
	/* made aside, then linked into place: two creates at once agree on
	 * one key, and nobody sees half of one */
	tmpdir = vp_strdup_printf("%s/.new-XXXXXX", dir);
	if (!mkdtemp(tmpdir))
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot make a directory in '%s': %s", dir,
				    strerror(errno));
	tmp = vp_strdup_printf("%s/id_ed25519", tmpdir);
	tmppub = vp_strdup_printf("%s.pub", tmp);
	if (keygen(tmp, err) < 0)
		goto out;
	if (link(tmp, key) == 0) {
		if (rename(tmppub, pub) < 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot move the new key to '%s': %s", pub,
				     strerror(errno));
			unlink(key);
			goto out;
		}
	} else if (errno != EEXIST) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot move the new key to '%s': %s", key,
			     strerror(errno));
		goto out;
	} else {
		/* another vprov made it: its .pub follows at once */
		for (i = 0; i < 50 && !is_file(pub); i++) {
			struct timespec ts = { 0, 100 * 1000000L };

			nanosleep(&ts, NULL);
		}
		if (!is_file(pub)) {
			vp_error_set(err, VP_ERR_RUNTIME,
				     "SSH key '%s' has no '%s' beside it (remove the key, and vprov makes a new one)",
				     key, pub);
			goto out;
		}
	}
	r = 0;
out:
	unlink(tmp);
	unlink(tmppub);
	rmdir(tmpdir);
	return r;
}

/* ---- the record, the known hosts --------------------------------------- */

int vp_ssh_login_read(virDomainPtr dom, struct vp_ssh_login *out, struct vp_error *err)
{
	_cleanup_(freep) char *xml = NULL;
	xmlDocPtr doc = NULL;
	struct vp_meta meta = { 0 };

	memset(out, 0, sizeof(*out));
	if (virDomainGetUUIDString(dom, out->uuid) < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the UUID of VM '%s'",
					virDomainGetName(dom));
	xml = virDomainGetXMLDesc(dom, 0);
	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the definition of VM '%s'",
					virDomainGetName(dom));
	if (vp_xml_parse(xml, "the domain XML", &doc, err) < 0)
		return -1;
	if (vp_meta_read(doc, &meta, err) < 0) {
		xmlFreeDoc(doc);
		return -1;
	}
	out->user = vp_strdup(meta.ssh_user);
	out->key = vp_strdup(meta.ssh_key);
	vp_meta_clear(&meta);
	xmlFreeDoc(doc);
	return 0;
}

char *vp_ssh_known_hosts(const char *state_dir, const char *uuid)
{
	return vp_strdup_printf("%s/known_hosts/%s", state_dir, uuid);
}

int vp_ssh_known_hosts_forget(virDomainPtr dom, struct vp_error *err)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	_cleanup_(freep) char *state = vp_state_dir();
	_cleanup_(freep) char *f = NULL;

	if (!state || virDomainGetUUIDString(dom, uuid) < 0)
		return 0;
	f = vp_ssh_known_hosts(state, uuid);
	if (unlink(f) < 0 && errno != ENOENT)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot remove '%s': %s", f,
				    strerror(errno));
	return 0;
}

/* ---- the command line ---------------------------------------------------- */

char **vp_ssh_argv(const struct vp_ssh_req *r)
{
	char **v = vp_calloc(32 + r->n_cmd, sizeof(*v));
	size_t n = 0, i;

	v[n++] = vp_strdup(r->ssh ? r->ssh : "ssh");
	v[n++] = vp_strdup("-o");
	v[n++] = vp_strdup("StrictHostKeyChecking=accept-new");
	v[n++] = vp_strdup("-o");
	v[n++] = vp_strdup_printf("UserKnownHostsFile=%s", r->known_hosts);
	v[n++] = vp_strdup("-o");
	v[n++] = vp_strdup("GlobalKnownHostsFile=/dev/null");
	v[n++] = vp_strdup("-o");
	v[n++] = vp_strdup_printf("HostKeyAlias=%s", r->alias);
	v[n++] = vp_strdup("-o");
	v[n++] = vp_strdup("CheckHostIP=no");
	v[n++] = vp_strdup("-o");
	v[n++] = vp_strdup("LogLevel=ERROR");
	v[n++] = vp_strdup("-o");
	v[n++] = vp_strdup("HashKnownHosts=no");
	if (r->key) {
		v[n++] = vp_strdup("-i");
		v[n++] = vp_strdup(r->key);
		v[n++] = vp_strdup("-o");
		v[n++] = vp_strdup("IdentitiesOnly=yes");
	}
	if (r->user) {
		v[n++] = vp_strdup("-l");
		v[n++] = vp_strdup(r->user);
	}
	v[n++] = vp_strdup("--");
	v[n++] = vp_strdup(r->addr);
	for (i = 0; i < r->n_cmd; i++)
		v[n++] = vp_strdup(r->cmd[i]);
	v[n] = NULL;
	return v;
}

void vp_ssh_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* ---- sshd answering ------------------------------------------------------ */

/* One try: 0 with an SSH banner; -1 with why (a short clause) in why. */
static int try_banner(const struct addrinfo *ai, char *why, size_t wn)
{
	int fd, so = 0, n;
	socklen_t sl = sizeof(so);
	struct pollfd p;
	char buf[8];
	size_t got = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		snprintf(why, wn, "%s", strerror(errno));
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		snprintf(why, wn, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, 3000) != 1) {
		snprintf(why, wn, "no answer to a connection within 3 s");
		close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) < 0 || so) {
		snprintf(why, wn, "%s", strerror(so ? so : errno));
		close(fd);
		return -1;
	}
	/* sshd speaks first: "SSH-2.0-..." */
	while (got < 4) {
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 5000) != 1) {
			snprintf(why, wn, "connected, but no SSH greeting within 5 s");
			close(fd);
			return -1;
		}
		n = (int)read(fd, buf + got, 4 - got);
		if (n <= 0) {
			snprintf(why, wn, "connected, but closed before an SSH greeting");
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	if (memcmp(buf, "SSH-", 4)) {
		snprintf(why, wn, "something that is not sshd answers there");
		return -1;
	}
	return 0;
}

int vp_ssh_wait_port(const char *addr, unsigned port, int64_t timeout_ms,
		     const struct vp_reporter *r, struct vp_error *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *ai = NULL;
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : vp_now_ms() + timeout_ms;
	char sport[16], why[256] = "";
	int rc;

	snprintf(sport, sizeof(sport), "%u", port);
	rc = getaddrinfo(addr, sport, &hints, &ai);
	if (rc)
		return vp_error_set(err, VP_ERR_INVALID, "'%s' is not an address: %s", addr,
				    gai_strerror(rc));
	for (;;) {
		int64_t next = vp_now_ms() + 1000;

		if (try_banner(ai, why, sizeof(why)) == 0) {
			freeaddrinfo(ai);
			return 0;
		}
		if (vp_now_ms() >= deadline)
			break;
		vp_report_progress(r, "waiting for sshd", 0, 0);
		while (vp_now_ms() < next && !vp_report_cancelled(r)) {
			struct timespec ts = { 0, 100 * 1000000L };

			nanosleep(&ts, NULL);
		}
		if (vp_report_cancelled(r)) {
			freeaddrinfo(ai);
			return vp_error_set(err, VP_ERR_CANCELLED,
					    "interrupted while waiting for sshd at %s", addr);
		}
	}
	freeaddrinfo(ai);
	return vp_error_set(err, VP_ERR_RUNTIME, "no sshd answers at %s port %u (%s)", addr, port,
			    why);
}
