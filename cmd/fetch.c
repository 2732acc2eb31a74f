/* cmd/fetch.c — vprov fetch LOCATION: download an installer tree's kernel
 * and initrd into the cache and say what the tree is */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "vprov.h"
#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "osinfo.h"
#include "source.h"
#include "spec.h"
#include "units.h"

static const struct vp_opt options[] = {
	VP_OPT_VALUE(0, "os", "ID",
		     "the OS profile whose own tree to fetch (when LOCATION is\n"
		     "omitted), or to check the tree against",
		     .comp = VP_COMP_OS),
	VP_OPT_VALUE(0, "arch", "ARCH", "the guest architecture (default: this machine's)"),
	VP_OPT_FLAG(0, "no-download", "only recognise the tree (its small metadata files)"),
	VP_OPT_FLAG(0, "json", "print the result as JSON"),
	VP_OPT_END,
};

static const char description[] =
	"LOCATION is what 'vprov create --location' takes: an http(s):// or ftp:// URL,\n"
	"a local directory or an ISO image, with ,kernel=REL,initrd=REL when vprov\n"
	"cannot tell where they are.  Downloads go to the cache ('vprov cache list'),\n"
	"revalidated with the server on the next use, and are verified against the\n"
	"checksums the tree publishes (SHA256SUMS, .treeinfo).\n"
	"\n"
	"  vprov fetch http://deb.debian.org/debian/dists/bookworm/main/installer-amd64/\n"
	"  vprov fetch --os fedora40\n"
	"  vprov fetch ~/Downloads/debian-12.5.0-amd64-netinst.iso --json";

static json_object *file_json(const struct vp_source_file *f, const char *published)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "path_in_tree", vp_json_str(f->relpath));
	json_object_object_add(o, "published_sha256", vp_json_str(published));
	if (f->path) {
		json_object_object_add(o, "size_bytes", json_object_new_int64((int64_t)f->size));
		json_object_object_add(o, "sha256", json_object_new_string(f->sha256_hex));
		json_object_object_add(o, "verified", json_object_new_boolean(published != NULL));
		json_object_object_add(o, "url", vp_json_str(f->url));
		json_object_object_add(o, "local_path", f->temp ? NULL : vp_json_str(f->path));
		json_object_object_add(o, "from_cache", json_object_new_boolean(f->cached));
		json_object_object_add(o, "body_bytes", json_object_new_int64((int64_t)f->body_bytes));
	}
	return o;
}

static void file_text(const char *what, const struct vp_source_file *f, const char *published)
{
	char size[32];

	printf("%-12s %s\n", what, f->relpath);
	if (!f->path)
		return;
	vp_format_size(f->size, size, sizeof(size));
	printf("%-12s %s, sha256 %s (%s)\n", "", size, f->sha256_hex,
	       published ? "matches the published checksum" : "the tree publishes no checksum");
	if (f->url)
		printf("%-12s %s: %s\n", "", f->cached ? "cached, unchanged on the server" : "downloaded",
		       f->path);
	else if (!f->temp)
		printf("%-12s in place: %s\n", "", f->path);
}

static int run(struct vp_ctx *ctx, const struct vp_args *args)
{
	struct vp_error err = { 0 };
	struct vp_domain_spec spec = { 0 };
	struct vp_tree_fetch tf = { 0 };
	struct vp_osinfo *db = NULL;
	_cleanup_(freep) char *cache = vp_cache_dir();
	_cleanup_(freep) char *tmp = NULL;
	_cleanup_(freep) char *location = NULL;
	const char *os = vp_arg_str(args, "os");
	const char *arch = vp_arg_str(args, "arch");
	const char *kernel = NULL, *initrd = NULL;
	bool profile_ok = false;
	struct vp_fetch_opts fo = { .cache_dir = cache, .reporter = &ctx->reporter };
	int rc = VP_EXIT_OK;
	const char *stall = getenv("VPROV_TEST_STALL_MS"); /* a test knob */

	if (stall && *stall)
		fo.stall_timeout_ms = strtol(stall, NULL, 10);
	if (!arch) {
		struct utsname u;

		arch = uname(&u) == 0 && !strcmp(u.machine, "aarch64") ? "aarch64" : "x86_64";
	}
	if (!cache) {
		vp_error_set(&err, VP_ERR_RUNTIME, "no cache directory: set $XDG_CACHE_HOME or $HOME");
		return vp_fail(ctx, &err);
	}
	if (vp_arg_pos(args, 0)) {
		if (vp_spec_parse_location(&spec, vp_arg_pos(args, 0), &err) < 0) {
			vp_usage_error(ctx, "%s", err.msg);
			rc = VP_EXIT_USAGE;
			goto out;
		}
		location = vp_strdup(spec.install.location);
		kernel = spec.install.kernel_hint;
		initrd = spec.install.initrd_hint;
	}
	if (os || !location) {
		if (!os) {
			vp_usage_error(ctx, "give a LOCATION, or --os ID for the profile's own tree");
			rc = VP_EXIT_USAGE;
			goto out;
		}
		if (vp_osinfo_open_default(ctx, &db, NULL, &err) < 0 ||
		    vp_osinfo_check(db, os, &err) < 0) {
			rc = vp_fail(ctx, &err);
			goto out;
		}
	}
	if (!location) {
		struct vp_os_profile prof;
		const struct vp_os_link *t;

		if (vp_osinfo_profile(db, os, arch, &prof, &err) < 0) {
			rc = vp_fail(ctx, &err);
			goto out;
		}
		if ((t = vp_os_profile_tree(&prof, arch))) {
			location = vp_strdup(t->url);
			spec.install.kernel_hint = vp_strdup(t->kernel);
			spec.install.initrd_hint = vp_strdup(t->initrd);
			kernel = spec.install.kernel_hint;
			initrd = spec.install.initrd_hint;
		}
		vp_os_profile_clear(&prof);
		if (!location) {
			vp_error_set(&err, VP_ERR_NOT_FOUND,
				     "OS profile '%s' lists no installer tree for %s", os, arch);
			rc = vp_fail(ctx, &err);
			goto out;
		}
	}
	tmp = vp_strdup_printf("%s/tmp/fetch-%ld", cache, (long)getpid());
	if (vp_fetch_session_new(&fo.session, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	if (vp_tree_fetch(location, kernel, initrd, arch, &fo, tmp, !vp_arg_flag(args, "no-download"),
			  &tf, &err) < 0) {
		rmdir(tmp);
		rc = vp_fail(ctx, &err);
		goto out;
	}
	vp_reporter_done(ctx);
	if (tf.tree.os_id) {
		if (!db)
			vp_osinfo_open_default(ctx, &db, NULL, NULL);
		profile_ok = db && vp_osinfo_has(db, tf.tree.os_id);
	}
	if (os && tf.tree.os_id && strcmp(os, tf.tree.os_id) != 0)
		vp_warn(ctx, "the tree looks like '%s', not '%s'", tf.tree.os_id, os);
	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "location", json_object_new_string(location));
		json_object_object_add(o, "kind", json_object_new_string(
			tf.kind == VP_SOURCE_URL ? "url" : tf.kind == VP_SOURCE_DIR ? "directory" : "iso"));
		json_object_object_add(o, "family", vp_json_str(tf.tree.family));
		json_object_object_add(o, "distro", vp_json_str(tf.tree.name));
		json_object_object_add(o, "version", vp_json_str(tf.tree.version));
		json_object_object_add(o, "codename", vp_json_str(tf.tree.codename));
		json_object_object_add(o, "arch", vp_json_str(tf.tree.arch));
		json_object_object_add(o, "os", vp_json_str(tf.tree.os_id));
		json_object_object_add(o, "os_profile_known", json_object_new_boolean(profile_ok));
		json_object_object_add(o, "found_by", vp_json_str(tf.tree.how));
		json_object_object_add(o, "kernel_args", vp_json_str(tf.tree.kernel_args));
		json_object_object_add(o, "live", json_object_new_boolean(tf.tree.live));
		json_object_object_add(o, "kernel", file_json(&tf.files[0], tf.tree.kernel_sha256));
		json_object_object_add(o, "initrd", file_json(&tf.files[1], tf.tree.initrd_sha256));
		json_object_object_add(o, "cache_dir", json_object_new_string(cache));
		vp_json_print(o);
	} else {
		printf("%-12s %s%s%s%s%s%s\n", "tree", tf.tree.name ? tf.tree.name : "unknown",
		       tf.tree.version ? " " : "", tf.tree.version ? tf.tree.version : "",
		       tf.tree.codename ? " (" : "", tf.tree.codename ? tf.tree.codename : "",
		       tf.tree.codename ? ")" : "");
		printf("%-12s %s\n", "arch", tf.tree.arch ? tf.tree.arch : "unknown");
		printf("%-12s %s\n", "found by", tf.tree.how ? tf.tree.how : "the paths given");
		printf("%-12s %s%s\n", "OS profile", tf.tree.os_id ? tf.tree.os_id : "none recognised",
		       tf.tree.os_id && !profile_ok ? " (not in the OS database)" : "");
		if (tf.tree.kernel_args)
			printf("%-12s %s\n", "kernel args", tf.tree.kernel_args);
		file_text("kernel", &tf.files[0], tf.tree.kernel_sha256);
		file_text("initrd", &tf.files[1], tf.tree.initrd_sha256);
	}
	vp_tree_fetch_clear(&tf);
	rmdir(tmp);
out:
	vp_fetch_session_free(fo.session);
	vp_spec_clear(&spec);
	if (db)
		vp_osinfo_done(db);
	return rc;
}

const struct vp_cmd vp_cmd_fetch = {
	.name = "fetch",
	.args = "[LOCATION]",
	.arg_what = "an installer tree",
	.min_args = 0,
	.max_args = 1,
	.arg_comp = VP_COMP_FILE,
	.summary = "download an installer tree's kernel and initrd, and say what it is",
	.description = description,
	.opts = options,
	.needs = VP_NEED_SIGNALS,
	.run = run,
};
