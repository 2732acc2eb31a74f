/* provision/cloudinit.c — a create's cloud-init seed: built while
 * resolving, uploaded as the VM's own volume by the "seed" step. */
#include "cloudinit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "seed.h"
#include "sshlogin.h"
#include "storage.h"

struct vp_cloudinit {
	struct vp_seed seed;
	struct vp_domain_spec *s;
	size_t di;                 /* its disk */
	char *cache_dir;
};

void vp_cloudinit_free(struct vp_cloudinit *ci)
{
	if (!ci)
		return;
	vp_seed_clear(&ci->seed);
	free(ci->cache_dir);
	free(ci);
}

const char *vp_cloudinit_password(const struct vp_cloudinit *ci)
{
	return ci ? ci->seed.generated_password : NULL;
}

int vp_cloudinit_resolve(virConnectPtr conn, struct vp_domain_spec *s, const char *pool,
			 bool defaults, bool dry, const char *cache_dir, struct vp_plan *plan,
			 struct vp_cloudinit **out, struct vp_error *err)
{
	const struct vp_cloud_spec *c = &s->cloud;
	struct vp_seed_opts so = {
		.vm_name = s->name,
		.hostname = c->hostname,
		.root_password_file = c->root_password_file,
		.root_password_generate = c->root_password_generate == VP_YES,
		.disable = c->disable == VP_YES,
		.root_ssh_keys = (const char *const *)c->root_ssh_keys,
		.n_root_ssh_keys = c->n_root_ssh_keys,
		.clouduser_ssh_keys = (const char *const *)c->clouduser_ssh_keys,
		.n_clouduser_ssh_keys = c->n_clouduser_ssh_keys,
		.user_data = c->user_data,
		.meta_data = c->meta_data,
		.network_config = c->network_config,
	};
	struct vp_cloudinit *ci;
	struct vp_disk_spec *d;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr p = NULL;
	struct vp_ssh_choice ssh = { 0 };
	_cleanup_(freep) char *data_dir = NULL;

	*out = NULL;
	if (c->init_none || (!c->init_set && !defaults))
		return 0;
	if (!cache_dir)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "a cloud-init seed needs a cache directory (set $XDG_CACHE_HOME or $HOME)");
	/* the key vprov ssh logs in with: the user's, or vprov's own */
	data_dir = vp_data_dir();
	if (vp_ssh_choose(&so, getenv("HOME"), data_dir, s->os.short_id, &ssh, err) < 0)
		return -1;
	if (ssh.own && ssh.generate && !dry) {
		if (vp_ssh_key_generate(ssh.key, err) < 0) {
			vp_ssh_choice_clear(&ssh);
			return -1;
		}
		ssh.generate = false;
		vp_plan_note(plan,
			     "made vprov's own SSH key '%s' (you have no ~/.ssh/id_*.pub): root gets it, and 'vprov ssh %s' logs in with it",
			     ssh.key, s->name);
	} else if (ssh.own && ssh.generate) {
		vp_plan_note(plan,
			     "would make vprov's own SSH key '%s' (you have no ~/.ssh/id_*.pub) for root, for 'vprov ssh %s'",
			     ssh.key, s->name);
	} else if (ssh.own) {
		vp_plan_note(plan,
			     "root gets vprov's own SSH key '%s' (you have no ~/.ssh/id_*.pub): 'vprov ssh %s' logs in with it",
			     ssh.key, s->name);
	}
	if (ssh.own && !ssh.generate)
		so.default_root_key = ssh.inject_pub;
	vp_set_str(&s->cloud.ssh_user, ssh.user);
	vp_set_str(&s->cloud.ssh_key, ssh.key);
	ci = vp_calloc(1, sizeof(*ci));
	if (vp_seed_build(&so, &ci->seed, err) < 0) {
		vp_ssh_choice_clear(&ssh);
		vp_cloudinit_free(ci);
		return -1;
	}
	vp_ssh_choice_clear(&ssh);
	ci->s = s;
	ci->cache_dir = vp_strdup(cache_dir);
	vp_set_str(&s->cloud.seed_pool, pool);
	free(s->cloud.seed_vol);
	s->cloud.seed_vol = vp_strdup_printf("%s-cidata.iso", s->name);
	/* an active pool lists its volumes now; one made by this create
	 * holds none yet */
	if ((p = virStoragePoolLookupByName(conn, pool)) && virStoragePoolIsActive(p) == 1) {
		_cleanup_(virStorageVolFreep) virStorageVolPtr vol = NULL;

		if (vp_volume_find(p, s->cloud.seed_vol, &vol, err) < 0) {
			vp_cloudinit_free(ci);
			return -1;
		}
		if (vol) {
			vp_error_set(err, VP_ERR_EXISTS,
				     "volume '%s' exists in pool '%s' already (left by an earlier VM? 'virsh vol-delete %s --pool %s' removes it)",
				     s->cloud.seed_vol, pool, s->cloud.seed_vol, pool);
			vp_cloudinit_free(ci);
			return -1;
		}
	}
	virResetLastError();
	d = vp_spec_add_disk(s);
	d->seed = true;
	d->device = vp_strdup("disk");
	d->bus = vp_strdup("virtio");
	d->readonly = VP_YES;
	d->src.type = vp_strdup("file");
	d->src.format = vp_strdup("raw");
	d->src.pool = vp_strdup(pool);
	d->src.volume = vp_strdup(s->cloud.seed_vol);
	d->src.path = vp_strdup_printf("/%s/%s", pool, s->cloud.seed_vol); /* until the upload */
	ci->di = s->n_disks - 1;
	if (ci->seed.defaulted)
		vp_plan_note(plan,
			     "cloud-init: virt-install's defaults (a generated root password, shown once; cloud-init off after the first boot%s)",
			     so.n_root_ssh_keys ? "" : "; root gets your ~/.ssh/id_*.pub keys when there are any");
	*out = ci;
	return 0;
}

static int step_seed(struct vp_apply *ap, struct vp_step *st, struct vp_error *err)
{
	struct vp_cloudinit *ci = st->data;
	struct vp_domain_spec *s = ci->s;
	_cleanup_(virStoragePoolFreep) virStoragePoolPtr pool = NULL;
	_cleanup_(freep) char *dir = vp_strdup_printf("%s/tmp", ci->cache_dir);
	_cleanup_(freep) char *tmp = NULL;
	_cleanup_(freep) void *iso = NULL;
	virStorageVolPtr vol = NULL;
	struct vp_vol_info vi = { 0 };
	size_t len = 0;
	int fd = -1, r = -1;

	if (vp_seed_make_iso(&ci->seed, &iso, &len, err) < 0)
		return -1;
	/* the seed holds password hashes and keys: never world-readable */
	if (vp_mkdir_p(dir, 0700) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot make directory '%s': %s", dir,
				    strerror(errno));
	tmp = vp_strdup_printf("%s/seed-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot make a file in '%s': %s", dir,
				    strerror(errno));
	if (vp_write_all(fd, iso, len) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (vp_pool_lookup(ap->conn, s->cloud.seed_pool, &pool, err) < 0)
		goto out;
	{
		struct vp_volume_request req = {
			.name = s->cloud.seed_vol,
			.capacity = len,
			.format = "raw",
			.sparse = true,
		};

		if (vp_volume_create_step(ap, pool, s->cloud.seed_pool, &req, NULL, &vol, err) < 0) {
			if (err->cause == VIR_ERR_STORAGE_VOL_EXIST)
				vp_error_set(err, VP_ERR_EXISTS,
					     "volume '%s' in pool '%s' was made meanwhile by someone else",
					     s->cloud.seed_vol, s->cloud.seed_pool);
			goto out;
		}
	}
	if (vp_volume_upload_file(vol, tmp, "upload cloud-init seed", ap->opts->reporter, err) < 0 ||
	    vp_volume_describe(vol, &vi, err) < 0)
		goto out;
	if (!vi.path) {
		vp_error_set(err, VP_ERR_RUNTIME, "volume '%s' in pool '%s' has no path on the host",
			     s->cloud.seed_vol, s->cloud.seed_pool);
		goto out;
	}
	vp_set_str(&s->disks[ci->di].src.path, vi.path);
	if (ci->seed.generated_password && ci->seed.password_expires)
		vp_report_note(ap->opts->reporter,
			       "cloud-init sets the generated root password %s for VM '%s' (shown only now; it must be changed at the first login)",
			       ci->seed.generated_password, s->name);
	else if (ci->seed.generated_password)
		vp_report_note(ap->opts->reporter,
			       "cloud-init sets the generated root password %s for VM '%s' (shown only now)",
			       ci->seed.generated_password, s->name);
	r = 0;
out:
	unlink(tmp);
	vp_vol_info_clear(&vi);
	if (vol)
		virStorageVolFree(vol);
	return r;
}

void vp_cloudinit_add_steps(struct vp_cloudinit *ci, struct vp_plan *plan)
{
	struct vp_step *st;
	const struct vp_domain_spec *s;

	if (!ci)
		return;
	s = ci->s;
	st = vp_plan_add(plan, "seed", step_seed,
			 "upload the cloud-init seed (NoCloud, label cidata: host name '%s', instance %s) as volume '%s' in pool '%s'",
			 s->cloud.hostname ? s->cloud.hostname : s->name, ci->seed.instance_id,
			 s->cloud.seed_vol, s->cloud.seed_pool);
	st->data = ci;
	vp_step_detail_str(st, "pool", s->cloud.seed_pool);
	vp_step_detail_str(st, "volume", s->cloud.seed_vol);
	vp_step_detail_str(st, "instance_id", ci->seed.instance_id);
}
