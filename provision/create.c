/* provision/create.c — resolve a spec against a host, then make the VM
 *
 * One path serves --print-xml, --dry-run and the real thing, so what is
 * printed is what would be submitted.  A real create records everything it
 * makes (pools, volumes, the domain) and undoes it, newest first, when a
 * later step fails or the user interrupts.
 */
#include "create.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "osinfo.h"
#include "cleanup.h"
#include "domain_xml.h"
#include "host.h"
#include "schema.h"
#include "storage.h"
#include "units.h"
#include "xmlutil.h"

/* Everything made so far, to undo on failure. */
struct undo {
	virStoragePoolPtr *pools;
	size_t n_pools;
	virStorageVolPtr *vols;
	size_t n_vols;
	char **dirs;             /* directories a new pool's build made, innermost first */
	size_t n_dirs;
	virDomainPtr dom;
	bool defined, running;
};

/* A pool this create needs but that does not exist yet. */
struct planned_pool {
	char *name, *dir;
	virStoragePoolPtr pool;  /* once made (real mode) */
};

struct ctx {
	virConnectPtr conn;
	const struct vp_create_opts *opts;
	struct vp_create_result *res;
	struct vp_domain_spec *s;
	struct vp_host_caps caps;
	bool local;
	bool kvm_auto;               /* kvm was chosen by vprov, not by the user */
	bool log_existed;            /* the console log file was there before */
	struct planned_pool *planned;
	size_t n_planned;
	struct undo undo;
};

static bool real(const struct ctx *c)
{
	return c->opts->mode == VP_CREATE_REAL;
}

static void note(const struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const struct ctx *c, const char *fmt, ...)
{
	char msg[VP_ERROR_MAX];
	va_list ap;

	if (!c->opts->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->opts->note(c->opts->opaque, msg);
}

static void action(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void action(struct ctx *c, const char *fmt, ...)
{
	struct vp_create_result *r = c->res;
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	r->actions = vp_grow(r->actions, r->n_actions + 1, sizeof(char *));
	r->actions[r->n_actions++] = line;
}

static const char *const step_names[] = {
	[VP_STEP_NONE] = "none",     [VP_STEP_POOL] = "pool",   [VP_STEP_VOLUME] = "volume",
	[VP_STEP_DEFINE] = "define", [VP_STEP_START] = "start", [VP_STEP_AUTOSTART] = "autostart",
};

/* Between steps: the user's interrupt, or a failure a test asked for. */
static int checkpoint(const struct ctx *c, enum vp_create_step step, struct vp_error *err)
{
	if (c->opts->cancel && *c->opts->cancel)
		return vp_error_set(err, VP_ERR_CANCELLED, "interrupted; everything made was removed");
	if (c->opts->fail_at == step)
		return vp_error_set(err, VP_ERR_RUNTIME, "failing on purpose at step '%s' (test)",
				    step_names[step]);
	return 0;
}

int vp_uuid_generate(char out[37], struct vp_error *err)
{
	unsigned char u[16];
	size_t got = 0;

	while (got < sizeof(u)) {
		ssize_t n = getrandom(u + got, sizeof(u) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot get random bytes: %s",
					    strerror(errno));
		}
		got += (size_t)n;
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
	return 0;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* ---- the VM itself: name, arch, type, machine ------------------------ */

static int host_caps(struct ctx *c, struct vp_error *err)
{
	if (c->opts->caps_xml)
		return vp_host_caps_parse(c->opts->caps_xml, &c->caps, err);
	return vp_host_caps_get(c->conn, &c->caps, err);
}

static int resolve_machine(struct ctx *c, const struct vp_guest_caps *g, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;

	if (s->machine) {
		if (g->n_machines && !vp_guest_has_machine(g, s->machine)) {
			char list[256] = "";
			size_t i, len = 0;

			for (i = 0; i < g->n_machines && len < sizeof(list) - 40; i++)
				if (!strchr(g->machines[i], '-') || i < 4)
					len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
								len ? ", " : "", g->machines[i]);
			return vp_error_set(err, VP_ERR_INVALID,
					    "machine '%s' is not available for %s guests on this host (available: %s)",
					    s->machine, s->arch, list);
		}
	} else if (s->x86) {
		if (!g->n_machines || vp_guest_has_machine(g, "q35"))
			s->machine = vp_strdup("q35");
		else
			s->machine = vp_strdup("pc");
	} else if (streq(s->arch, "aarch64") || streq(s->arch, "armv7l") ||
		   streq(s->arch, "riscv64")) {
		s->machine = vp_strdup("virt");
	}
	s->q35 = s->machine && (!strcmp(s->machine, "q35") || !strncmp(s->machine, "pc-q35", 6));
	return 0;
}

static int resolve_vm(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	const struct vp_guest_caps *g;
	virDomainPtr dom;
	char uuid[37];

	if (vp_name_check(s->name, err) < 0)
		return -1;
	dom = virDomainLookupByName(c->conn, s->name);
	if (dom) {
		virDomainFree(dom);
		return vp_error_set(err, VP_ERR_EXISTS, "a VM named '%s' already exists", s->name);
	}
	if (!vp_libvirt_error_is(VIR_ERR_NO_DOMAIN))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up VM '%s'", s->name);
	if (!s->memory)
		s->memory = VP_DEFAULT_MEMORY;
	if (!s->vcpus)
		s->vcpus = VP_DEFAULT_VCPUS;
	if (!c->caps.host_arch && host_caps(c, err) < 0)
		return -1;
	if (!s->arch)
		s->arch = vp_strdup(c->caps.host_arch);
	g = vp_host_caps_guest(&c->caps, s->arch);
	if (!g)
		return vp_error_set(err, VP_ERR_INVALID,
				    "this host cannot run %s guests (no emulator for that architecture)",
				    s->arch);
	s->x86 = streq(s->arch, "x86_64") || streq(s->arch, "i686");

	if (s->virt_type) {
		if (!vp_guest_has_type(g, s->virt_type))
			return vp_error_set(err, VP_ERR_INVALID,
					    "virt type '%s' is not available for %s guests on this host (available: %s%s%s)",
					    s->virt_type, s->arch, g->types[0] ? g->types[0] : "none",
					    g->n_types > 1 ? ", " : "",
					    g->n_types > 1 ? g->types[1] : "");
	} else if (vp_guest_has_type(g, "kvm") && streq(s->arch, c->caps.host_arch) &&
		   !vp_kvm_known_broken(c->conn, &c->caps, c->opts->cache_dir)) {
		s->virt_type = vp_strdup("kvm");
		c->kvm_auto = true;
	} else if (vp_guest_has_type(g, "qemu")) {
		s->virt_type = vp_strdup("qemu");
	} else if (g->n_types) {
		s->virt_type = vp_strdup(g->types[0]);
	} else {
		return vp_error_set(err, VP_ERR_INVALID,
				    "this host offers no way to run %s guests", s->arch);
	}
	/* host-passthrough also makes a broken KVM fail at start instead of
	 * spinning (see MACHINE-NOTES), which is what lets us fall back */
	if (streq(s->virt_type, "kvm"))
		s->cpu_mode = vp_strdup("host-passthrough");
	/* TCG's default CPU (qemu64) lacks x86-64-v2, which current
	 * distributions need; the emulator's 'max' model boots them, at the
	 * same speed */
	else if (streq(s->virt_type, "qemu"))
		s->cpu_mode = vp_strdup("maximum");

	if (resolve_machine(c, g, err) < 0)
		return -1;
	if (c->opts->uuid)
		snprintf(uuid, sizeof(uuid), "%s", c->opts->uuid);
	else if (vp_uuid_generate(uuid, err) < 0)
		return -1;
	s->uuid = vp_strdup(uuid);
	{
		_cleanup_(freep) char *dir = vp_console_log_dir(c->conn);

		s->console_log = vp_strdup_printf("%s/%s-console.log", dir, s->name);
		c->log_existed = !c->local || access(s->console_log, F_OK) == 0;
	}
	return 0;
}

/* ---- networks ---------------------------------------------------------- */

static int resolve_networks(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	size_t i;

	if (!s->nets_set) {
		_cleanup_(freep) char *uri = virConnectGetURI(c->conn);
		_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;
		struct vp_net_spec *n;

		if (uri && strstr(uri, "/session")) {
			n = vp_spec_add_net(s);
			n->type = vp_strdup("user");
			return 0;
		}
		net = virNetworkLookupByName(c->conn, "default");
		if (net && virNetworkIsActive(net) == 1) {
			n = vp_spec_add_net(s);
			n->type = vp_strdup("network");
			n->source = vp_strdup("default");
			return 0;
		}
		/* vprov never starts a network on its own: that would create a
		 * bridge with addresses the user did not ask for */
		note(c, "network 'default' is %s, so '%s' gets no network (choose one with --network)",
		     net ? "not active" : "not defined", s->name);
		s->nets_set = true;
		return 0;
	}
	for (i = 0; i < s->n_nets; i++) {
		struct vp_net_spec *n = &s->nets[i];
		_cleanup_(virNetworkFreep) virNetworkPtr net = NULL;
		int active;

		if (!streq(n->type, "network"))
			continue;
		net = virNetworkLookupByName(c->conn, n->source);
		if (!net) {
			if (vp_libvirt_error_is(VIR_ERR_NO_NETWORK))
				return vp_error_set(err, VP_ERR_NOT_FOUND, "unknown network '%s'",
						    n->source);
			return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up network '%s'",
						n->source);
		}
		active = virNetworkIsActive(net);
		if (active == 0 && c->opts->mode != VP_CREATE_PRINT_XML)
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "network '%s' is not active (start it with 'virsh net-start %s')",
					    n->source, n->source);
	}
	return 0;
}

/* ---- boot -------------------------------------------------------------- */

static int check_local_file(struct ctx *c, const char *what, const char *path,
			    struct vp_error *err)
{
	struct stat st;

	if (path[0] != '/')
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' must be an absolute path", what,
				    path);
	if (!c->local)
		return 0;
	if (stat(path, &st) < 0)
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' does not exist", what, path);
	if (!S_ISREG(st.st_mode))
		return vp_error_set(err, VP_ERR_INVALID, "%s '%s' is not a file", what, path);
	return 0;
}

static int resolve_boot(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	struct vp_boot_spec *b = &s->boot;
	bool cdrom = false;
	size_t i;

	if (b->kernel) {
		if (s->import == VP_YES)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--import boots the first disk; it cannot go with --boot kernel=");
		if (check_local_file(c, "kernel", b->kernel, err) < 0)
			return -1;
		if (b->initrd && check_local_file(c, "initrd", b->initrd, err) < 0)
			return -1;
		return 0;
	}
	if (s->import == VP_YES && s->n_disks == 0)
		return vp_error_set(err, VP_ERR_INVALID, "--import needs a disk to boot from");
	if (b->n_devs)
		return 0;
	for (i = 0; i < s->n_disks; i++)
		if (streq(s->disks[i].device, "cdrom"))
			cdrom = true;
	if (cdrom && s->import != VP_YES)
		b->devs[b->n_devs++] = vp_strdup("cdrom");
	b->devs[b->n_devs++] = vp_strdup("hd");
	return 0;
}

/* ---- disks ------------------------------------------------------------- */

static void fill_source_from_volume(struct vp_disk_source *src, const struct vp_vol_info *vi)
{
	free(src->type);
	if (streq(vi->type, "block"))
		src->type = vp_strdup("block");
	else if (streq(vi->type, "network") || streq(vi->type, "netdir") || !vi->path)
		src->type = vp_strdup("volume");
	else
		src->type = vp_strdup("file");
	vp_set_str(&src->path, vi->path);
	vp_set_str(&src->pool, vi->pool);
	vp_set_str(&src->volume, vi->name);
	vp_set_str(&src->format, vi->format ? vi->format : "raw");
	src->capacity = vi->capacity;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *r;

	if (!slash)
		return vp_strdup(".");
	r = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!r)
		abort();
	return r;
}

/* Before a pool is built at dir (local host): note dir and each of its
 * parents that do not exist yet, so that a rollback removes them again. */
static void note_missing_dirs(struct ctx *c, const char *dir)
{
	_cleanup_(freep) char *p = vp_strdup(dir);
	struct stat st;

	if (!c->local)
		return;
	while (p[0] == '/' && p[1] && stat(p, &st) < 0 && errno == ENOENT) {
		char *up = dir_of(p);

		c->undo.dirs = vp_grow(c->undo.dirs, c->undo.n_dirs + 1, sizeof(char *));
		c->undo.dirs[c->undo.n_dirs++] = TAKE_PTR(p);
		p = up;
	}
}

/* A pool this create already planned, by name or directory. */
static struct planned_pool *planned_find(struct ctx *c, const char *name, const char *dir)
{
	size_t i;

	for (i = 0; i < c->n_planned; i++)
		if ((name && !strcmp(c->planned[i].name, name)) ||
		    (dir && !strcmp(c->planned[i].dir, dir)))
			return &c->planned[i];
	return NULL;
}

/* Hand out a planned pool: its name, and the pool once it is made. */
static void planned_take(const struct planned_pool *pp, virStoragePoolPtr *pool, char **pool_name)
{
	*pool_name = vp_strdup(pp->name);
	if (pp->pool) {
		virStoragePoolRef(pp->pool);
		*pool = pp->pool;
	}
}

/* Plan a new directory pool NAME at DIR; in real mode make it now and
 * record it for rollback. */
static int plan_pool(struct ctx *c, char *name, const char *dir, const char *what,
		     virStoragePoolPtr *pool, char **pool_name, struct vp_error *err)
{
	struct planned_pool *pp;

	c->planned = vp_grow(c->planned, c->n_planned + 1, sizeof(*c->planned));
	pp = &c->planned[c->n_planned++];
	memset(pp, 0, sizeof(*pp));
	pp->dir = vp_strdup(dir);
	pp->name = name;
	*pool_name = vp_strdup(name);
	action(c, "create storage pool '%s' %s '%s'", name, what, dir);
	if (!real(c))
		return 0;
	if (checkpoint(c, VP_STEP_POOL, err) < 0)
		return -1;
	note_missing_dirs(c, dir);
	if (vp_pool_create_dir(c->conn, pp->name, dir, &pp->pool, err) < 0)
		return -1;
	c->undo.pools = vp_grow(c->undo.pools, c->undo.n_pools + 1, sizeof(virStoragePoolPtr));
	virStoragePoolRef(pp->pool);
	c->undo.pools[c->undo.n_pools++] = pp->pool;
	virStoragePoolRef(pp->pool);
	*pool = pp->pool;
	return 0;
}

/* The pool holding dir: an existing one, one this create already planned,
 * or a new one named after the directory, as virt-install does.  *pool is
 * NULL while the pool is only planned. */
static int pool_for_dir(struct ctx *c, const char *dir, virStoragePoolPtr *pool,
			char **pool_name, struct vp_error *err)
{
	struct planned_pool *pp;
	char **taken;
	char *name;
	size_t i;

	*pool = NULL;
	if (vp_pool_find_by_dir(c->conn, dir, pool, err) < 0)
		return -1;
	if (*pool) {
		*pool_name = vp_strdup(virStoragePoolGetName(*pool));
		if (real(c) && vp_pool_ensure_active(*pool, err) < 0)
			return -1;
		return 0;
	}
	if ((pp = planned_find(c, NULL, dir))) {
		planned_take(pp, pool, pool_name);
		return 0;
	}
	taken = calloc(c->n_planned + 1, sizeof(char *));
	if (!taken)
		abort();
	for (i = 0; i < c->n_planned; i++)
		taken[i] = c->planned[i].name;
	name = vp_pool_free_name(c->conn, dir, taken, c->n_planned);
	free(taken);
	return plan_pool(c, name, dir, "for directory", pool, pool_name, err);
}

/* The default pool, made at libvirt's images directory when missing. */
static int default_pool(struct ctx *c, virStoragePoolPtr *pool, char **pool_name,
			struct vp_error *err)
{
	_cleanup_(freep) char *dir = NULL;
	struct planned_pool *pp;

	*pool = virStoragePoolLookupByName(c->conn, VP_DEFAULT_POOL);
	if (*pool) {
		*pool_name = vp_strdup(VP_DEFAULT_POOL);
		if (real(c) && vp_pool_ensure_active(*pool, err) < 0)
			return -1;
		return 0;
	}
	if (!vp_libvirt_error_is(VIR_ERR_NO_STORAGE_POOL))
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot look up storage pool '%s'",
					VP_DEFAULT_POOL);
	if ((pp = planned_find(c, VP_DEFAULT_POOL, NULL))) {
		planned_take(pp, pool, pool_name);
		return 0;
	}
	dir = vp_pool_default_dir(c->conn);
	return plan_pool(c, vp_strdup(VP_DEFAULT_POOL), dir, "at", pool, pool_name, err);
}

/* An existing image named by path (a volume, or in dry modes a local file
 * outside any pool).  found=false when there is none. */
static int existing_by_path(struct ctx *c, const char *path, struct vp_vol_info *vi,
			    bool *found, struct vp_error *err)
{
	_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

	*found = false;
	if (vp_volume_find_by_path(c->conn, path, &vol, err) < 0)
		return -1;
	if (vol) {
		*found = true;
		return vp_volume_describe(vol, vi, err);
	}
	return 0;
}

/* In dry modes, a file in a directory no pool holds yet: look at it here. */
static int existing_local(struct ctx *c, const char *path, struct vp_vol_info *vi, bool *found,
			  struct vp_error *err)
{
	struct vp_error e2 = { 0 };

	*found = false;
	if (real(c) || !c->local)
		return 0;
	if (vp_image_probe_local(path, &vi->format, &vi->capacity, &e2) < 0) {
		if (e2.code == VP_ERR_NOT_FOUND)
			return 0;
		*err = e2;
		return -1;
	}
	*found = true;
	vi->path = vp_strdup(path);
	vi->type = vp_strdup("file");
	return 0;
}

static int resolve_backing(struct ctx *c, struct vp_disk_spec *d, struct vp_error *err)
{
	struct vp_disk_source *src = &d->src;
	struct vp_vol_info vi = { 0 };
	const char *b = d->backing_store;
	bool found = false;
	char want[32], have[32];
	int r = -1;

	if (b[0] != '/') {
		/* POOL/VOL */
		const char *slash = strchr(b, '/');
		_cleanup_(freep) char *pname = NULL;
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

		if (!slash || slash == b || !slash[1] || strchr(slash + 1, '/'))
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --disk backing_store '%s': give an absolute path or POOL/VOLUME",
					    b);
		pname = strndup(b, (size_t)(slash - b));
		if (!pname)
			abort();
		if (vp_pool_lookup(c->conn, pname, &pool, err) < 0)
			return -1;
		if (vp_volume_find(pool, slash + 1, &vol, err) < 0)
			return -1;
		if (!vol)
			return vp_error_set(err, VP_ERR_NOT_FOUND,
					    "backing image '%s' does not exist: pool '%s' has no volume '%s'",
					    b, pname, slash + 1);
		if (vp_volume_describe(vol, &vi, err) < 0)
			return -1;
		found = true;
	} else {
		_cleanup_(freep) char *dir = dir_of(b);
		_cleanup_(freep) char *pname = NULL;
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;

		if (existing_by_path(c, b, &vi, &found, err) < 0)
			goto out;
		if (!found) {
			/* a base outside any pool: give its directory one, as
			 * virt-install does, so libvirt can read its size and format */
			_cleanup_(virStoragePoolFreep) virStoragePoolPtr existing = NULL;

			if (vp_pool_find_by_dir(c->conn, dir, &existing, err) < 0)
				goto out;
			if (!existing) {
				if (pool_for_dir(c, dir, &pool, &pname, err) < 0)
					goto out;
				if (pool && existing_by_path(c, b, &vi, &found, err) < 0)
					goto out;
				if (!pool && existing_local(c, b, &vi, &found, err) < 0)
					goto out;
			}
		}
		if (!found && !(!real(c) && !c->local)) {
			vp_error_set(err, VP_ERR_INVALID, "backing image '%s' does not exist", b);
			goto out;
		}
		if (!found) {
			/* dry run on a remote host, in a directory no pool holds:
			 * nothing more can be known without changing the host */
			vi.path = vp_strdup(b);
		}
	}
	vp_set_str(&src->backing_path, vi.path);
	vp_set_str(&src->backing_pool, vi.pool);
	vp_set_str(&src->backing_volume, vi.name);
	if (d->backing_format)
		vp_set_str(&src->backing_format, d->backing_format);
	else
		vp_set_str(&src->backing_format, vi.format ? vi.format : "raw");
	if (!vi.path) {
		vp_error_set(err, VP_ERR_INVALID,
			     "backing image '%s' has no path on the host; it cannot back a linked clone",
			     b);
		goto out;
	}
	if (d->size && vi.capacity && d->size < vi.capacity) {
		vp_format_size(d->size, want, sizeof(want));
		vp_format_size(vi.capacity, have, sizeof(have));
		vp_error_set(err, VP_ERR_INVALID,
			     "disk size %s is smaller than its backing image '%s' (%s)", want, b, have);
		goto out;
	}
	src->capacity = d->size ? d->size : vi.capacity;
	if (!src->capacity)
		src->capacity = c->s->disk_size ? c->s->disk_size : VP_DEFAULT_DISK_SIZE;
	r = 0;
out:
	vp_vol_info_clear(&vi);
	return r;
}

/* A volume name for the n-th new disk of this VM in pool: NAME.EXT, then
 * NAME-1.EXT, ... skipping names taken in the pool or by earlier disks. */
static int free_volume_name(struct ctx *c, virStoragePoolPtr pool, const char *pool_name,
			    const char *ext, char **out, struct vp_error *err)
{
	const struct vp_domain_spec *s = c->s;
	int i;
	size_t j;

	for (i = 0;; i++) {
		_cleanup_(freep) char *cand = i ? vp_strdup_printf("%s-%d.%s", s->name, i, ext)
					       : vp_strdup_printf("%s.%s", s->name, ext);
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;
		bool taken = false;

		for (j = 0; j < s->n_disks; j++)
			if (streq(s->disks[j].src.volume, cand) && streq(s->disks[j].src.pool, pool_name))
				taken = true;
		if (taken)
			continue;
		if (pool) {
			if (vp_volume_find(pool, cand, &vol, err) < 0)
				return -1;
			if (vol)
				continue;
		}
		*out = TAKE_PTR(cand);
		return 0;
	}
}

static int resolve_disk(struct ctx *c, struct vp_disk_spec *d, struct vp_error *err)
{
	struct vp_disk_source *src = &d->src;
	struct vp_vol_info vi = { 0 };
	bool found = false;
	int r = -1;

	if (d->vol) {
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

		if (vp_pool_lookup(c->conn, d->pool, &pool, err) < 0)
			return -1;
		if (vp_volume_find(pool, d->vol, &vol, err) < 0)
			return -1;
		if (!vol)
			return vp_error_set(err, VP_ERR_NOT_FOUND, "pool '%s' has no volume '%s'",
					    d->pool, d->vol);
		if (vp_volume_describe(vol, &vi, err) < 0)
			return -1;
		fill_source_from_volume(src, &vi);
		if (d->format && !streq(d->format, src->format)) {
			vp_error_set(err, VP_ERR_INVALID,
				     "volume '%s/%s' is %s, not %s", d->pool, d->vol, src->format,
				     d->format);
			goto out;
		}
		r = 0;
		goto out;
	}
	if (d->path) {
		_cleanup_(freep) char *dir = NULL;
		_cleanup_(freep) char *pname = NULL;
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		const char *base;

		if (d->path[0] != '/')
			return vp_error_set(err, VP_ERR_INVALID,
					    "disk path '%s' must be an absolute path", d->path);
		base = strrchr(d->path, '/') + 1;
		if (!*base)
			return vp_error_set(err, VP_ERR_INVALID, "disk path '%s' names a directory",
					    d->path);
		if (existing_by_path(c, d->path, &vi, &found, err) < 0)
			goto out;
		if (!found && c->local) {
			/* what can be known here is known before anything is made */
			struct stat st;

			if (stat(d->path, &st) == 0 && S_ISBLK(st.st_mode)) {
				if (d->size || d->backing_store) {
					vp_error_set(err, VP_ERR_INVALID,
						     "disk '%s' is a block device; drop size= and backing_store= to use it",
						     d->path);
					goto out;
				}
				src->type = vp_strdup("block");
				src->path = vp_strdup(d->path);
				src->format = vp_strdup(d->format ? d->format : "raw");
				r = 0;
				goto out;
			}
			if (stat(d->path, &st) < 0 && !d->size && !d->backing_store) {
				vp_error_set(err, VP_ERR_INVALID,
					     "disk '%s' does not exist (add size= to create it)", d->path);
				goto out;
			}
		}
		dir = dir_of(d->path);
		if (!found) {
			if (pool_for_dir(c, dir, &pool, &pname, err) < 0)
				goto out;
			if (pool) {
				/* a pool made just now has scanned the directory */
				_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

				if (vp_volume_find(pool, base, &vol, err) < 0)
					goto out;
				if (vol) {
					if (vp_volume_describe(vol, &vi, err) < 0)
						goto out;
					found = true;
				}
			}
			if (!pool && existing_local(c, d->path, &vi, &found, err) < 0)
				goto out;
		}
		if (found) {
			if (d->size || d->backing_store) {
				vp_error_set(err, VP_ERR_INVALID,
					     "disk '%s' already exists; drop size= and backing_store= to use it as it is",
					     d->path);
				goto out;
			}
			fill_source_from_volume(src, &vi);
			if (d->format && !streq(d->format, src->format)) {
				vp_error_set(err, VP_ERR_INVALID, "disk '%s' is %s, not %s", d->path,
					     src->format, d->format);
				goto out;
			}
			r = 0;
			goto out;
		}
		if (streq(d->device, "cdrom")) {
			vp_error_set(err, VP_ERR_INVALID, "cdrom image '%s' does not exist", d->path);
			goto out;
		}
		if (!d->size && !d->backing_store) {
			vp_error_set(err, VP_ERR_INVALID,
				     "disk '%s' does not exist (add size= to create it)", d->path);
			goto out;
		}
		src->create = true;
		src->type = vp_strdup("file");
		src->path = vp_strdup(d->path);
		src->pool = TAKE_PTR(pname);
		src->volume = vp_strdup(base);
	} else {
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		_cleanup_(freep) char *pname = NULL;
		_cleanup_(freep) char *dir = NULL;
		_cleanup_(freep) char *ptype = NULL;
		const char *fmt = d->format ? d->format : "qcow2";

		if (streq(d->device, "cdrom")) {
			vp_error_set(err, VP_ERR_INVALID, "a cdrom needs path= or vol=");
			goto out;
		}
		if (d->pool) {
			if (vp_pool_lookup(c->conn, d->pool, &pool, err) < 0)
				goto out;
			if (real(c) && vp_pool_ensure_active(pool, err) < 0)
				goto out;
			pname = vp_strdup(d->pool);
		} else if (default_pool(c, &pool, &pname, err) < 0) {
			goto out;
		}
		if (pool) {
			if (vp_pool_target(pool, &dir, &ptype, err) < 0)
				goto out;
		} else {
			size_t i;

			for (i = 0; i < c->n_planned; i++)
				if (!strcmp(c->planned[i].name, pname))
					dir = vp_strdup(c->planned[i].dir);
		}
		src->create = true;
		src->pool = TAKE_PTR(pname);
		if (free_volume_name(c, pool, src->pool, streq(fmt, "raw") ? "img" : "qcow2",
				     &src->volume, err) < 0)
			goto out;
		if (ptype && strcmp(ptype, "dir") && strcmp(ptype, "fs") && strcmp(ptype, "netfs") &&
		    strcmp(ptype, "logical") && strcmp(ptype, "disk")) {
			src->type = vp_strdup("volume");
		} else {
			src->type = vp_strdup(streq(ptype, "logical") || streq(ptype, "disk") ? "block" : "file");
			src->path = vp_strdup_printf("%s/%s", dir ? dir : "", src->volume);
		}
	}
	/* a volume to create */
	vp_set_str(&src->format, d->format ? d->format : "qcow2");
	if (d->backing_store) {
		if (resolve_backing(c, d, err) < 0)
			goto out;
	} else {
		src->capacity = d->size ? d->size : c->s->disk_size ? c->s->disk_size : VP_DEFAULT_DISK_SIZE;
	}
	r = 0;
out:
	vp_vol_info_clear(&vi);
	return r;
}

/* Bus and target name (vda, sda, hda) of every disk. */
static int assign_targets(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	unsigned vd = 0, sd = 0, hd = 0;
	size_t i;

	for (i = 0; i < s->n_disks; i++) {
		struct vp_disk_spec *d = &s->disks[i];
		unsigned *counter;
		const char *prefix;
		char name[16];

		if (!d->bus) {
			if (streq(d->device, "cdrom"))
				d->bus = vp_strdup(s->x86 && !s->q35 ? "ide" : s->x86 ? "sata" : "scsi");
			else if (!s->dev.disk_bus)
				d->bus = vp_strdup("virtio");
			/* a profile's non-virtio bus follows the machine the user chose */
			else if (streq(s->dev.disk_bus, "ide") && s->q35)
				d->bus = vp_strdup("sata");
			else
				d->bus = vp_strdup(s->dev.disk_bus);
		}
		if (streq(d->bus, "ide") && s->q35)
			return vp_error_set(err, VP_ERR_INVALID,
					    "bus ide does not exist on machine q35 (use bus=sata, or --machine pc)");
		if (streq(d->bus, "virtio") && streq(d->device, "cdrom"))
			return vp_error_set(err, VP_ERR_INVALID,
					    "a cdrom cannot sit on bus virtio (use bus=sata or bus=scsi)");
		if (streq(d->bus, "virtio")) {
			counter = &vd;
			prefix = "vd";
		} else if (streq(d->bus, "ide")) {
			counter = &hd;
			prefix = "hd";
			if (hd >= 4)
				return vp_error_set(err, VP_ERR_INVALID,
						    "bus ide has room for 4 disks at most");
		} else {
			counter = &sd;
			prefix = "sd";
		}
		if (*counter < 26)
			snprintf(name, sizeof(name), "%s%c", prefix, 'a' + *counter);
		else if (*counter < 26 * 27)
			snprintf(name, sizeof(name), "%s%c%c", prefix, 'a' + *counter / 26 - 1,
				 'a' + *counter % 26);
		else
			return vp_error_set(err, VP_ERR_INVALID, "too many disks");
		(*counter)++;
		vp_set_str(&d->target, name);
	}
	return 0;
}

static int resolve_disks(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	size_t i;

	if (!s->disks_set) {
		struct vp_disk_spec *d = vp_spec_add_disk(s);

		d->size = s->disk_size ? s->disk_size : VP_DEFAULT_DISK_SIZE;
		s->disks_set = false; /* still "not said" for the canonical form */
	}
	for (i = 0; i < s->n_disks; i++)
		if (resolve_disk(c, &s->disks[i], err) < 0)
			return -1;
	return assign_targets(c, err);
}

/* ---- doing it ---------------------------------------------------------- */

static void rollback(struct ctx *c, struct vp_error *err)
{
	struct undo *u = &c->undo;
	struct vp_error e2 = { 0 };
	size_t i;

	/* a start that failed may have opened the console log already */
	if (!c->log_existed && c->s->console_log)
		unlink(c->s->console_log);

	if (u->dom) {
		if (u->running && virDomainDestroy(u->dom) < 0 &&
		    !vp_libvirt_error_is(VIR_ERR_OPERATION_INVALID))
			vp_error_append(err, "cleanup could not stop VM '%s': %s", c->s->name,
					virGetLastErrorMessage());
		if (u->defined &&
		    virDomainUndefineFlags(u->dom, VIR_DOMAIN_UNDEFINE_NVRAM |
							   VIR_DOMAIN_UNDEFINE_MANAGED_SAVE) < 0 &&
		    virDomainUndefine(u->dom) < 0)
			vp_error_append(err, "cleanup could not undefine VM '%s': %s", c->s->name,
					virGetLastErrorMessage());
		virDomainFree(u->dom);
		u->dom = NULL;
	}
	for (i = u->n_vols; i-- > 0;) {
		const char *name = virStorageVolGetName(u->vols[i]);

		if (vp_volume_delete(u->vols[i], &e2) < 0)
			vp_error_append(err, "cleanup left volume '%s' behind: %s", name, e2.msg);
		virStorageVolFree(u->vols[i]);
	}
	u->n_vols = 0;
	for (i = u->n_pools; i-- > 0;) {
		if (vp_pool_remove(u->pools[i], &e2) < 0)
			vp_error_append(err, "cleanup left storage pool '%s' behind: %s",
					virStoragePoolGetName(u->pools[i]), e2.msg);
		virStoragePoolFree(u->pools[i]);
	}
	u->n_pools = 0;
	/* only what the pools' build made, and only while empty */
	for (i = 0; i < u->n_dirs; i++)
		if (rmdir(u->dirs[i]) < 0 && errno != ENOENT)
			break;
}

static void undo_forget(struct undo *u)
{
	size_t i;

	for (i = 0; i < u->n_vols; i++)
		virStorageVolFree(u->vols[i]);
	for (i = 0; i < u->n_pools; i++)
		virStoragePoolFree(u->pools[i]);
	for (i = 0; i < u->n_dirs; i++)
		free(u->dirs[i]);
	if (u->dom)
		virDomainFree(u->dom);
	free(u->vols);
	free(u->pools);
	free(u->dirs);
	memset(u, 0, sizeof(*u));
}

static int create_volumes(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	size_t i;

	for (i = 0; i < s->n_disks; i++) {
		struct vp_disk_source *src = &s->disks[i].src;
		_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
		struct vp_volume_request req = {
			.name = src->volume,
			.capacity = src->capacity,
			.format = src->format,
			.sparse = s->disks[i].sparse != VP_NO,
			.backing_path = src->backing_path,
			.backing_format = src->backing_format,
		};
		virStorageVolPtr vol = NULL;
		struct vp_vol_info vi = { 0 };

		if (!src->create)
			continue;
		if (checkpoint(c, VP_STEP_VOLUME, err) < 0)
			return -1;
		if (vp_pool_lookup(c->conn, src->pool, &pool, err) < 0)
			return -1;
		if (vp_volume_create(pool, &req, &vol, err) < 0)
			return -1;
		c->undo.vols = vp_grow(c->undo.vols, c->undo.n_vols + 1, sizeof(vol));
		c->undo.vols[c->undo.n_vols++] = vol;
		/* the host has the last word on where the volume is */
		if (vp_volume_describe(vol, &vi, err) < 0)
			return -1;
		if (vi.path && !streq(vi.path, src->path))
			vp_set_str(&src->path, vi.path);
		vp_vol_info_clear(&vi);
	}
	return 0;
}

static int build(struct ctx *c, xmlDocPtr *doc, struct vp_error *err)
{
	if (vp_domain_build_xml(c->s, doc, err) < 0)
		return -1;
	if (c->opts->mode != VP_CREATE_PRINT_XML && vp_schema_validate(VP_SCHEMA_DOMAIN, *doc, err) < 0) {
		xmlFreeDoc(*doc);
		*doc = NULL;
		return -1;
	}
	return 0;
}

static int define_and_start(struct ctx *c, struct vp_error *err)
{
	struct vp_domain_spec *s = c->s;
	bool transient = s->transient == VP_YES;
	struct undo *u = &c->undo;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		char why[VP_ERROR_MAX];

		if (build(c, &doc, err) < 0)
			return -1;
		free(c->res->xml);
		c->res->xml = vp_xml_format(doc);
		if (!transient) {
			virDomainPtr dom;

			if (checkpoint(c, VP_STEP_DEFINE, err) < 0)
				return -1;
			dom = virDomainDefineXML(c->conn, c->res->xml);
			if (!dom)
				return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot define VM '%s'",
							s->name);
			if (u->dom)
				virDomainFree(u->dom);
			u->dom = dom;
			u->defined = true;
			if (checkpoint(c, VP_STEP_START, err) < 0)
				return -1;
			if (virDomainCreate(dom) == 0) {
				u->running = true;
				break;
			}
		} else {
			if (checkpoint(c, VP_STEP_START, err) < 0)
				return -1;
			u->dom = virDomainCreateXML(c->conn, c->res->xml, 0);
			if (u->dom) {
				u->running = true;
				break;
			}
		}
		snprintf(why, sizeof(why), "%s", virGetLastErrorMessage());
		if (attempt == 0 && c->kvm_auto) {
			/* KVM is listed but cannot run this guest: say so once,
			 * remember it for this host, and go on with TCG */
			size_t n = strcspn(why, "\n");
			const char *reason = why, *e;

			why[n] = '\0';
			/* QEMU's own words come after its last "error: " */
			for (e = strstr(why, "error: "); e; e = strstr(e + 1, "error: "))
				reason = e + 7;
			vp_kvm_record(c->conn, &c->caps, c->opts->cache_dir, true, why);
			note(c, "KVM cannot run guests on this host (%s); using TCG software emulation instead (choose with --virt-type)",
			     reason);
			vp_set_str(&s->virt_type, "qemu");
			vp_set_str(&s->cpu_mode, "maximum");
			c->res->kvm_fell_back = true;
			c->kvm_auto = false;
			continue;
		}
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot start VM '%s'", s->name);
	}
	if (!transient)
		action(c, "start VM '%s'", s->name);
	if (s->autostart == VP_YES) {
		if (checkpoint(c, VP_STEP_AUTOSTART, err) < 0)
			return -1;
		if (virDomainSetAutostart(u->dom, 1) < 0)
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot mark VM '%s' to start at boot", s->name);
		action(c, "mark VM '%s' to start when the host boots", s->name);
	}
	return 0;
}

static void plan_actions(struct ctx *c)
{
	const struct vp_domain_spec *s = c->s;
	char size[32];
	size_t i;

	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_source *src = &s->disks[i].src;

		if (!src->create)
			continue;
		vp_format_size(src->capacity, size, sizeof(size));
		if (src->backing_path)
			action(c, "create volume '%s' in pool '%s' (%s, %s, linked clone of '%s')",
			       src->volume, src->pool, size, src->format, src->backing_path);
		else
			action(c, "create volume '%s' in pool '%s' (%s, %s)", src->volume, src->pool,
			       size, src->format);
	}
	vp_format_size(s->memory, size, sizeof(size));
	action(c, "%s VM '%s' (%s, %s, %s, %s, %u vCPU%s)",
	       s->transient == VP_YES ? "create and start transient" : "define", s->name, s->virt_type,
	       s->arch, s->machine ? s->machine : "default machine", size, s->vcpus,
	       s->vcpus == 1 ? "" : "s");
}

int vp_domain_create(virConnectPtr conn, const struct vp_domain_spec *request,
		     const struct vp_create_opts *opts, struct vp_create_result *res,
		     struct vp_error *err)
{
	struct ctx c = { .conn = conn, .opts = opts, .res = res };
	int r = -1;
	size_t i;

	memset(res, 0, sizeof(*res));
	c.s = &res->spec;
	/* the layers: built-in defaults, the OS profile, the request */
	vp_spec_defaults(c.s);
	if (opts->osinfo && opts->os_id) {
		struct vp_os_profile prof;
		struct vp_domain_spec layer;

		/* resources can differ per architecture: know it first */
		if (host_caps(&c, err) < 0)
			goto out;
		if (vp_osinfo_profile(opts->osinfo, opts->os_id,
				      request->arch ? request->arch : c.caps.host_arch, &prof, err) < 0)
			goto out;
		vp_os_profile_spec(&prof, &layer);
		vp_spec_merge(c.s, &layer, err);
		vp_spec_clear(&layer);
		vp_os_profile_clear(&prof);
	}
	vp_spec_merge(c.s, request, err);
	c.local = vp_conn_is_local(conn);
	if (c.s->transient == VP_YES && c.s->autostart == VP_YES) {
		vp_error_set(err, VP_ERR_INVALID, "a transient VM cannot start at boot (drop --autostart or --transient)");
		goto out;
	}
	c.s->spec_hash = vp_spec_hash(c.s);
	if (resolve_vm(&c, err) < 0 || resolve_networks(&c, err) < 0 || resolve_disks(&c, err) < 0 ||
	    resolve_boot(&c, err) < 0)
		goto fail;
	plan_actions(&c);
	if (!real(&c)) {
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

		if (build(&c, &doc, err) < 0)
			goto fail;
		res->xml = vp_xml_format(doc);
		if (c.s->transient != VP_YES)
			action(&c, "start VM '%s'", c.s->name);
		if (c.s->autostart == VP_YES)
			action(&c, "mark VM '%s' to start when the host boots", c.s->name);
		r = 0;
		goto out;
	}
	{
		/* validate before anything is made; paths may still change */
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

		if (build(&c, &doc, err) < 0)
			goto fail;
	}
	if (create_volumes(&c, err) < 0 || define_and_start(&c, err) < 0)
		goto fail;
	r = 0;
	goto out;
fail:
	if (real(&c))
		rollback(&c, err);
out:
	undo_forget(&c.undo);
	for (i = 0; i < c.n_planned; i++) {
		free(c.planned[i].name);
		free(c.planned[i].dir);
		if (c.planned[i].pool)
			virStoragePoolFree(c.planned[i].pool);
	}
	free(c.planned);
	vp_host_caps_clear(&c.caps);
	return r;
}

void vp_create_result_clear(struct vp_create_result *res)
{
	size_t i;

	if (!res)
		return;
	vp_spec_clear(&res->spec);
	free(res->xml);
	for (i = 0; i < res->n_actions; i++)
		free(res->actions[i]);
	free(res->actions);
	memset(res, 0, sizeof(*res));
}
