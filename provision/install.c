/* provision/install.c — the install run of a create (install.h) */
#include "install.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "fetch.h"
#include "fs.h"
#include "initrd.h"
#include "osinfo.h"
#include "source.h"
#include "storage.h"
#include "unattended.h"
#include "units.h"

enum { F_KERNEL, F_INITRD, F_MEDIA, N_FILES };

static const char *const roles[N_FILES] = { "kernel", "initrd", "media" };

struct vp_install {
	struct vp_install_env env;
	struct vp_fetch_opts fo;
	struct vp_fetch_session *session; /* the tree's metadata, then its files: one connection */
	char *location;                 /* the tree's location, as given or from the profile */
	char *profile;                  /* --install ID: the profile whose tree it is */
	char *what[2];                  /* the kernel's and initrd's names in messages */
	char *kernel_hint, *initrd_hint;
	struct vp_source *src;
	struct vp_tree tree;
	bool have_tree;
	char *cdrom;                    /* --cdrom as given */
	bool cdrom_url;                 /* ... a URL: fetched, then uploaded */
	bool iso_location;              /* the tree is an ISO image */
	char *tmp_dir;                  /* extracted and rebuilt files; removed with the plan */
	struct vp_source_file files[2]; /* kernel, initrd, as fetched */
	struct vp_fetch_item media;     /* a --cdrom URL, as fetched */
	char *injected;                 /* the initrd with files added */
	struct vp_unattended un;
	bool have_un;
	const char *local[N_FILES];     /* what each upload sends */
	bool upload[N_FILES];
	char *vol[N_FILES], *pool;
	struct vp_domain_spec *s;
	size_t media_disk;              /* index of the uploaded ISO's disk */
};

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

void vp_install_free(struct vp_install *ins)
{
	size_t i;

	if (!ins)
		return;
	vp_source_close(ins->src);
	vp_fetch_session_free(ins->session);
	vp_tree_clear(&ins->tree);
	for (i = 0; i < 2; i++)
		vp_source_file_clear(&ins->files[i]);
	vp_fetch_item_clear(&ins->media);
	if (ins->injected)
		unlink(ins->injected);
	free(ins->injected);
	if (ins->tmp_dir)
		rmdir(ins->tmp_dir);
	free(ins->tmp_dir);
	vp_unattended_clear(&ins->un);
	for (i = 0; i < N_FILES; i++)
		free(ins->vol[i]);
	free(ins->pool);
	free(ins->location);
	free(ins->profile);
	free(ins->what[0]);
	free(ins->what[1]);
	free(ins->kernel_hint);
	free(ins->initrd_hint);
	free(ins->cdrom);
	free(ins);
}

const struct vp_tree *vp_install_tree(const struct vp_install *ins)
{
	return ins && ins->have_tree ? &ins->tree : NULL;
}

/* --install ID: the profile's own tree for arch. */
static int profile_tree(struct vp_install *ins, const char *id, const char *arch,
			struct vp_error *err)
{
	struct vp_os_profile prof;
	const struct vp_os_link *t;
	int r = -1;

	if (!ins->env.osinfo)
		return vp_error_set(err, VP_ERR_INVALID, "--install %s needs the OS database", id);
	if (vp_osinfo_profile(ins->env.osinfo, id, arch, &prof, err) < 0)
		return -1;
	if ((t = vp_os_profile_tree(&prof, arch))) {
		ins->location = vp_strdup(t->url);
		ins->profile = vp_strdup(prof.os->n_short_ids ? prof.os->short_ids[0] : id);
		if (!ins->kernel_hint && t->kernel)
			ins->kernel_hint = vp_strdup(t->kernel);
		if (!ins->initrd_hint && t->initrd)
			ins->initrd_hint = vp_strdup(t->initrd);
		r = 0;
	}
	if (r < 0)
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "OS profile '%s' lists no installer tree for %s; give one with --location",
			     id, arch);
	vp_os_profile_clear(&prof);
	return r;
}

int vp_install_open(const struct vp_install_spec *in, const char *arch,
		    const struct vp_install_env *env, struct vp_install **out,
		    struct vp_error *err)
{
	struct vp_install *ins;

	*out = NULL;
	if (!in->location && !in->tree_os && !in->cdrom)
		return 0;
	if (!!in->location + !!in->tree_os + !!in->cdrom > 1)
		return vp_error_set(err, VP_ERR_INVALID,
				    "give one install source: --location, --cdrom or --install");
	ins = vp_calloc(1, sizeof(*ins));
	ins->env = *env;
	ins->fo.cache_dir = env->cache_dir;
	ins->fo.reporter = env->reporter;
	ins->fo.stall_timeout_ms = env->stall_timeout_ms;
	if (vp_fetch_session_new(&ins->session, err) < 0) {
		free(ins);
		return -1;
	}
	ins->fo.session = ins->session;
	ins->kernel_hint = vp_strdup(in->kernel_hint);
	ins->initrd_hint = vp_strdup(in->initrd_hint);
	if (in->cdrom) {
		ins->cdrom = vp_strdup(in->cdrom);
		ins->cdrom_url = vp_fetch_is_url(in->cdrom);
		*out = ins;
		return 0;
	}
	if (in->tree_os) {
		if (profile_tree(ins, in->tree_os, arch, err) < 0)
			goto fail;
	} else {
		ins->location = vp_strdup(in->location);
	}
	if (vp_source_open(ins->location, &ins->fo, &ins->src, err) < 0)
		goto fail;
	ins->iso_location = vp_source_kind(ins->src) == VP_SOURCE_ISO;
	if (vp_tree_detect(vp_source_reader(ins->src), arch, ins->kernel_hint, ins->initrd_hint,
			   &ins->tree, err) < 0)
		goto fail;
	ins->have_tree = true;
	*out = ins;
	return 0;
fail:
	/* the profile's URL failed: say whose, its facts are what is stale */
	if (ins->profile && err && err->code != VP_ERR_CANCELLED) {
		char why[VP_ERROR_MAX];

		snprintf(why, sizeof(why), "%s", err->msg);
		vp_error_set(err, err->code, "cannot use %s's installer tree: %s", ins->profile, why);
	}
	vp_install_free(ins);
	return -1;
}

char *vp_install_describe(const struct vp_install *ins)
{
	const struct vp_tree *t = vp_install_tree(ins);
	_cleanup_(freep) char *what = NULL;
	enum vp_source_kind k;

	if (!t)
		return vp_strdup_printf("installer ISO '%s'", ins->cdrom);
	k = vp_source_kind(ins->src);
	what = vp_strdup_printf("%s%s%s%s%s%s%s%s", t->name ? t->name : "an unrecognised OS",
				t->version ? " " : "", t->version ? t->version : "",
				t->codename ? " (" : "", t->codename ? t->codename : "",
				t->codename ? ")" : "", t->arch ? " " : "", t->arch ? t->arch : "");
	return vp_strdup_printf("%s %s '%s', recognised by %s", what,
				k == VP_SOURCE_ISO ? "installer ISO" :
				k == VP_SOURCE_DIR ? "installer tree in" : "installer tree at",
				ins->location, t->how ? t->how : "the kernel= and initrd= given");
}

/* ---- resolve ------------------------------------------------------------- */

static void add_arg(char **cmdline, const char *arg)
{
	char *n;

	if (!arg || !*arg)
		return;
	n = *cmdline ? vp_strdup_printf("%s %s", *cmdline, arg) : vp_strdup(arg);
	free(*cmdline);
	*cmdline = n;
}

static bool has_arg(const char *cmdline, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = cmdline;

	while (p && (p = strstr(p, prefix))) {
		if (p == cmdline || p[-1] == ' ')
			return true;
		p += n;
	}
	return false;
}

static struct vp_disk_spec *media_disk(struct vp_domain_spec *s)
{
	struct vp_disk_spec *d = vp_spec_add_disk(s);

	d->device = vp_strdup("cdrom");
	d->readonly = VP_YES;
	d->install_media = true;
	return d;
}

/* POOL/VOL, not a path: one '/', no leading '/' or '.', and no such file here. */
static bool pool_vol(const char *v)
{
	const char *slash = strchr(v, '/');
	struct stat st;

	return slash && slash != v && v[0] != '.' && !strchr(slash + 1, '/') && slash[1] &&
	       stat(v, &st) < 0;
}

/* QEMU runs as its own user: a local ISO in a directory others cannot
 * enter cannot be opened (libvirt relabels the file, not its directories). */
static void check_reachable(const char *path, struct vp_plan *plan)
{
	_cleanup_(freep) char *dir = vp_strdup(path);
	char *slash;
	struct stat st;

	while ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		if (stat(dir, &st) == 0 && !(st.st_mode & S_IXOTH)) {
			vp_plan_warn(plan,
				     "QEMU runs as its own user and cannot enter directory '%s' to open '%s' (chmod o+x it, or keep ISOs in /var/lib/libvirt/images)",
				     dir, path);
			return;
		}
	}
}

static int resolve_media(struct vp_install *ins, struct vp_domain_spec *s, struct vp_plan *plan,
			 struct vp_error *err)
{
	const char *iso = ins->cdrom ? ins->cdrom : ins->iso_location ? vp_source_path(ins->src) : NULL;
	struct vp_disk_spec *d;

	if (!iso)
		return 0;
	if (ins->cdrom && !ins->cdrom_url && pool_vol(iso)) {
		const char *slash = strchr(iso, '/');

		d = media_disk(s);
		d->pool = vp_strndup(iso, (size_t)(slash - iso));
		d->vol = vp_strdup(slash + 1);
		return 0;
	}
	if (ins->cdrom && !ins->cdrom_url) {
		struct stat st;

		if (iso[0] != '/')
			return vp_error_set(err, VP_ERR_INVALID,
					    "--cdrom '%s' must be an absolute path, POOL/VOL or a URL", iso);
		if (stat(iso, &st) < 0)
			return vp_error_set(err, VP_ERR_NOT_FOUND, "--cdrom '%s': %s", iso,
					    strerror(errno));
		if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
			return vp_error_set(err, VP_ERR_INVALID, "--cdrom '%s' is not a file", iso);
	}
	if (!ins->cdrom_url && ins->env.local) {
		/* the host is this machine: the ISO is used where it is (read
		 * only, so no pool needs to hold it) */
		d = media_disk(s);
		d->path = vp_strdup(iso);
		d->src.type = vp_strdup("file");
		d->src.path = vp_strdup(iso);
		d->src.format = vp_strdup("raw");
		check_reachable(iso, plan);
		return 0;
	}
	/* a URL, or a file of this machine another host cannot see: a volume */
	d = media_disk(s);
	d->src.type = vp_strdup("file");
	d->src.format = vp_strdup("raw");
	d->src.pool = vp_strdup(ins->pool);
	d->src.volume = vp_strdup(ins->vol[F_MEDIA]);
	d->bus = NULL;
	ins->media_disk = s->n_disks - 1;
	ins->upload[F_MEDIA] = true;
	if (!ins->cdrom_url)
		ins->local[F_MEDIA] = ins->cdrom ? ins->cdrom : vp_source_path(ins->src);
	return 0;
}

/* The OS profile's own arguments for its tree (its <?vprov-kernel-args?>:
 * Alpine's alpine_repo= and modloop=), {tree} being the tree's URL as used
 * (the profile's, or the user's --location), for a tree read over the
 * network that is not recognised as another OS's.  An argument the tree's
 * detection or the user's --extra-args already gives is left out: theirs
 * wins. */
static void add_profile_args(struct vp_install *ins, const struct vp_domain_spec *s,
			     char **cmdline)
{
	const char *id = s->os.id ? s->os.id : s->os.short_id;
	const char *arch = s->arch ? s->arch : "x86_64";
	const struct vp_os_link *t;
	struct vp_os_profile prof;
	struct vp_error err = { 0 };
	_cleanup_(freep) char *args = NULL;
	const char *p;

	if (!ins->env.osinfo || !id || vp_source_kind(ins->src) != VP_SOURCE_URL)
		return;
	if (vp_osinfo_profile(ins->env.osinfo, id, arch, &prof, &err) < 0)
		return; /* laid down already: it resolved a moment ago */
	t = vp_os_profile_tree(&prof, arch);
	if (t && t->kernel_args &&
	    (!ins->tree.family ||
	     (prof.os->distro && !strncmp(prof.os->distro, ins->tree.family, strlen(ins->tree.family)))))
		args = vp_os_kernel_args(t, ins->location);
	vp_os_profile_clear(&prof);
	for (p = args; p && *p;) {
		size_t n = strcspn(p, " ");
		_cleanup_(freep) char *word = vp_strndup(p, n);
		char *eq = strchr(word, '=');
		_cleanup_(freep) char *key = eq ? vp_strndup(word, (size_t)(eq + 1 - word)) : vp_strdup(word);

		p += n;
		p += strspn(p, " ");
		if (has_arg(ins->tree.kernel_args, key) || has_arg(s->install.extra_args, key))
			continue;
		add_arg(cmdline, word);
	}
}

int vp_install_resolve(struct vp_install *ins, struct vp_domain_spec *s, const char *boot_pool,
		       struct vp_plan *plan, struct vp_error *err)
{
	struct vp_install_spec *in = &s->install;
	size_t i;

	if (in->no_install == VP_YES && (ins || in->pxe == VP_YES))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--install no_install=yes cannot go with an install source or --pxe");
	if (!ins) {
		if (in->extra_args)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--extra-args needs --location: only a kernel vprov boots directly takes arguments");
		if (in->n_inject)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--initrd-inject needs --location: the files go into the installer's initrd");
		if (in->unattended.set)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--unattended needs --location: the script goes into the installer's initrd");
		in->run = in->pxe == VP_YES;
		return 0;
	}
	if (s->import == VP_YES)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--import boots the disks as they are; it cannot go with an install source");
	if (s->boot.kernel)
		return vp_error_set(err, VP_ERR_INVALID,
				    "--boot kernel= cannot go with an install source (use --location DIR,kernel=,initrd=)");
	if (ins->cdrom && (in->extra_args || in->n_inject || in->unattended.set))
		return vp_error_set(err, VP_ERR_INVALID,
				    "--extra-args, --initrd-inject and --unattended need --location: a --cdrom installer boots its own kernel");
	ins->s = s;
	ins->pool = vp_strdup(boot_pool);
	for (i = 0; i < N_FILES; i++)
		ins->vol[i] = vp_strdup_printf("%s-install%s%s", s->name, i == F_MEDIA ? "" : "-",
					       i == F_MEDIA ? ".iso" : roles[i]);
	in->run = true;
	if (resolve_media(ins, s, plan, err) < 0)
		return -1;
	if (ins->upload[F_MEDIA]) {
		in->media_pool = vp_strdup(ins->pool);
		in->media_vol = vp_strdup(ins->vol[F_MEDIA]);
	}
	if (!ins->have_tree)
		return 0;
	/* the installer's kernel and initrd, booted directly */
	ins->upload[F_KERNEL] = ins->upload[F_INITRD] = true;
	in->kernel_pool = vp_strdup(ins->pool);
	in->kernel_vol = vp_strdup(ins->vol[F_KERNEL]);
	in->initrd_pool = vp_strdup(ins->pool);
	in->initrd_vol = vp_strdup(ins->vol[F_INITRD]);
	/* placeholders until create joins the pool's directory to them
	 * (provision/create.c upload_path) and the uploads say where the
	 * host keeps them */
	in->kernel = vp_strdup_printf("/%s/%s", ins->pool, ins->vol[F_KERNEL]);
	in->initrd = vp_strdup_printf("/%s/%s", ins->pool, ins->vol[F_INITRD]);
	if (in->unattended.set) {
		struct vp_unattended_opts uo = {
			.os_id = s->os.short_id,
			.profile = in->unattended.profile,
			.admin_password_file = in->unattended.admin_password_file,
			.user_login = in->unattended.user_login,
			.user_password_file = in->unattended.user_password_file,
			.hostname = s->name,
			.arch = s->arch,
			.install_url = vp_source_kind(ins->src) == VP_SOURCE_URL ? ins->location : NULL,
		};

		if (!s->os.short_id)
			return vp_error_set(err, VP_ERR_INVALID,
					    "--unattended needs an OS profile (--os ID): the install script is the profile's");
		if (vp_unattended_render(ins->env.osinfo, &uo, &ins->un, err) < 0)
			return -1;
		ins->have_un = true;
	}
	add_arg(&in->cmdline, ins->tree.kernel_args);
	add_profile_args(ins, s, &in->cmdline);
	if (ins->have_un)
		add_arg(&in->cmdline, ins->un.kernel_args);
	add_arg(&in->cmdline, in->extra_args);
	/* no display: the installer speaks on the serial console */
	if (streq(s->graphics.type, "none") && !has_arg(in->cmdline, "console="))
		add_arg(&in->cmdline, "console=ttyS0,115200n8");
	return 0;
}

/* ---- the steps ------------------------------------------------------------ */

static char *tmp_file(struct vp_install *ins, const char *what, struct vp_error *err)
{
	if (!ins->tmp_dir) {
		_cleanup_(freep) char *base = vp_strdup_printf("%s/tmp", ins->env.cache_dir);
		char *t;

		if (vp_mkdir_p(base, 0700) < 0) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot make directory '%s': %s", base,
				     strerror(errno));
			return NULL;
		}
		t = vp_strdup_printf("%s/install-XXXXXX", base);
		if (!mkdtemp(t)) {
			vp_error_set(err, VP_ERR_RUNTIME, "cannot make a directory in '%s': %s", base,
				     strerror(errno));
			free(t);
			return NULL;
		}
		ins->tmp_dir = t;
	}
	return vp_strdup_printf("%s/%s", ins->tmp_dir, what);
}

static int step_download(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_install *ins = st->data;

	(void)ap;
	if (ins->cdrom_url) {
		ins->media.url = ins->cdrom;
		ins->media.what = "installer ISO";
		if (vp_fetch_files(&ins->media, 1, &ins->fo, err) < 0)
			return -1;
		ins->local[F_MEDIA] = ins->media.path;
	}
	if (!ins->have_tree)
		return 0;
	if (!ins->tmp_dir) {
		char *t = tmp_file(ins, "x", err);

		if (!t)
			return -1;
		free(t);
	}
	ins->files[0].relpath = ins->tree.kernel;
	ins->files[0].sha256 = ins->tree.kernel_sha256;
	/* the profile's tree: a failure names the profile, whose URL is stale */
	if (!ins->what[0]) {
		bool named = ins->profile && vp_source_kind(ins->src) == VP_SOURCE_URL;

		ins->what[0] = named ? vp_strdup_printf("%s's kernel", ins->profile) :
				       vp_strdup("kernel");
		ins->what[1] = named ? vp_strdup_printf("%s's initrd", ins->profile) :
				       vp_strdup("initrd");
	}
	ins->files[0].what = ins->what[0];
	ins->files[1].relpath = ins->tree.initrd;
	ins->files[1].sha256 = ins->tree.initrd_sha256;
	ins->files[1].what = ins->what[1];
	if (vp_source_get(ins->src, ins->files, 2, ins->tmp_dir, err) < 0)
		return -1;
	ins->local[F_KERNEL] = ins->files[0].path;
	ins->local[F_INITRD] = ins->files[1].path;
	return 0;
}

static int step_initrd(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_install *ins = st->data;
	const struct vp_install_spec *in = &ins->s->install;
	size_t n = in->n_inject + (ins->have_un ? 1 : 0), i;
	_cleanup_(freep) struct vp_initrd_file *f = vp_calloc(n ? n : 1, sizeof(*f));

	for (i = 0; i < in->n_inject; i++)
		f[i].path = in->inject[i];
	if (ins->have_un) {
		f[i].name = ins->un.filename;
		f[i].data = ins->un.content;
		f[i].len = strlen(ins->un.content);
		f[i].secret = 1;
	}
	ins->injected = tmp_file(ins, "initrd-injected", err);
	if (!ins->injected || vp_initrd_inject(ins->local[F_INITRD], f, n, ins->injected, err) < 0)
		return -1;
	ins->local[F_INITRD] = ins->injected;
	/* no password file was given: the one generated is said once, here,
	 * and is nowhere else but as a hash in the script */
	if (ins->have_un && ins->un.generated_password)
		vp_report_note(ap->opts->reporter,
			       "the install script sets the generated password %s for VM '%s' (shown only now)",
			       ins->un.generated_password, ins->s->name);
	return 0;
}

/* An upload step's own: which file of which install. */
struct upload_step {
	struct vp_install *ins;
	size_t which;
};

static int step_upload(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	const struct upload_step *up = st->data;
	struct vp_install *ins = up->ins;
	size_t which = up->which;
	struct vp_install_spec *in = &ins->s->install;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(freep) char *stage = vp_strdup_printf("upload %s", roles[which]);
	virStorageVolPtr vol = NULL;
	struct vp_vol_info vi = { 0 };
	struct stat sb;
	int r = -1;

	if (!ins->local[which] || stat(ins->local[which], &sb) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "the installer's %s is not here to upload",
				    roles[which]);
	if (vp_pool_lookup(ap->conn, ins->pool, &pool, err) < 0)
		return -1;
	{
		struct vp_volume_request req = {
			.name = ins->vol[which],
			.capacity = (uint64_t)sb.st_size,
			.format = "raw",
			.sparse = true,
		};

		if (vp_volume_create_step(ap, pool, ins->pool, &req, NULL, &vol, err) < 0) {
			if (err->cause == VIR_ERR_STORAGE_VOL_EXIST)
				return vp_error_set(err, VP_ERR_EXISTS,
						    "volume '%s' exists in pool '%s' already (left by an earlier install? 'virsh vol-delete %s --pool %s' removes it)",
						    ins->vol[which], ins->pool, ins->vol[which], ins->pool);
			return -1;
		}
	}
	if (vp_volume_upload_file(vol, ins->local[which], stage, ap->opts->reporter, err) < 0 ||
	    vp_volume_describe(vol, &vi, err) < 0)
		goto out;
	if (!vi.path) {
		vp_error_set(err, VP_ERR_RUNTIME, "volume '%s' in pool '%s' has no path on the host",
			     ins->vol[which], ins->pool);
		goto out;
	}
	if (which == F_KERNEL)
		vp_set_str(&in->kernel, vi.path);
	else if (which == F_INITRD)
		vp_set_str(&in->initrd, vi.path);
	else
		vp_set_str(&ins->s->disks[ins->media_disk].src.path, vi.path);
	r = 0;
out:
	vp_vol_info_clear(&vi);
	virStorageVolFree(vol);
	return r;
}

void vp_install_add_steps(struct vp_install *ins, struct vp_domain_spec *s, struct vp_plan *plan,
			  bool uploads)
{
	struct vp_step *st;
	size_t i;

	if (!ins || !s->install.run)
		return;
	if (uploads)
		goto uploads;
	if (ins->have_tree || ins->cdrom_url) {
		const char *from = ins->have_tree ? ins->location : ins->cdrom;
		const char *verb = !ins->have_tree || vp_source_kind(ins->src) == VP_SOURCE_URL ?
					   "download" :
				   vp_source_kind(ins->src) == VP_SOURCE_ISO ? "extract" : "read";

		if (ins->have_tree)
			st = vp_plan_add(plan, "download", step_download,
					 "%s the installer's kernel '%s' and initrd '%s' from '%s'", verb,
					 ins->tree.kernel, ins->tree.initrd, from);
		else
			st = vp_plan_add(plan, "download", step_download,
					 "download the installer ISO '%s'", from);
		st->data = ins;
		vp_step_detail_str(st, "location", from);
		if (ins->have_tree) {
			vp_step_detail_str(st, "kernel", ins->tree.kernel);
			vp_step_detail_str(st, "initrd", ins->tree.initrd);
			vp_step_detail_str(st, "kernel_sha256", ins->tree.kernel_sha256);
			vp_step_detail_str(st, "initrd_sha256", ins->tree.initrd_sha256);
		}
	}
	if (ins->have_tree && (s->install.n_inject || ins->have_un)) {
		_cleanup_(freep) char *names = NULL;

		for (i = 0; i < s->install.n_inject; i++) {
			const char *b = strrchr(s->install.inject[i], '/');
			char *n = vp_strdup_printf("%s%s'%s'", names ? names : "", names ? ", " : "",
						   b ? b + 1 : s->install.inject[i]);

			free(names);
			names = n;
		}
		if (ins->have_un) {
			char *n = vp_strdup_printf("%s%s'%s' (%s)", names ? names : "", names ? ", " : "",
						   ins->un.filename, ins->un.script_id);

			free(names);
			names = n;
		}
		st = vp_plan_add(plan, "initrd", step_initrd, "add %s to the installer's initrd", names);
		st->data = ins;
	}
	return;
uploads:
	for (i = 0; i < N_FILES; i++) {
		struct upload_step *up;

		if (!ins->upload[i])
			continue;
		st = vp_plan_add(plan, "upload", step_upload,
				 "upload the installer's %s into volume '%s' in pool '%s'",
				 i == F_MEDIA ? "ISO" : roles[i], ins->vol[i], ins->pool);
		up = vp_calloc(1, sizeof(*up));
		up->ins = ins;
		up->which = i;
		st->data = up;
		st->free_data = free;
		vp_step_detail_str(st, "role", roles[i]);
		vp_step_detail_str(st, "pool", ins->pool);
		vp_step_detail_str(st, "volume", ins->vol[i]);
	}
}
