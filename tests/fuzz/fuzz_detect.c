/* tests/fuzz/fuzz_detect.c — vp_tree_detect over a made-up tree
 *
 * The input is a tree in text:
 *   #url LOCATION | #iso LOCATION | #dir LOCATION   (how the tree is reached)
 *   #label VOLUME-ID      #arch ARCH      #kernel PATH      #initrd PATH
 *   ==> relpath
 *   the file's bytes, up to the next "\n==> "
 * Header lines are optional; anything else before the first "==> " is
 * ignored.  Whatever the tree holds, detection must not crash, leak or
 * read out of bounds, and what it returns must be clean and inside it.
 */
#include <string.h>

#include "fuzz.h"
#include "text.h"
#include "tree.h"

#define MAX_FILES 64

struct ffile {
	char path[256];
	const char *data;
	size_t len;
};

struct ftree {
	struct ffile files[MAX_FILES];
	size_t n;
};

static const struct ffile *find(const struct ftree *t, const char *relpath)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->files[i].path, relpath))
			return &t->files[i];
	return NULL;
}

static bool inside(const char *p)
{
	const char *c;

	if (!p || !*p || *p == '/')
		return false;
	for (c = p; c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL)
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2]))
			return false;
	return true;
}

static int f_read(void *opaque, const char *relpath, size_t max, char **buf, size_t *len,
		  struct vp_error *err)
{
	const struct ffile *f;

	FUZZ_CHECK(inside(relpath));
	FUZZ_CHECK(max <= VP_TREE_META_MAX);
	f = find(opaque, relpath);
	if (!f)
		return 1;
	if (f->len > max)
		return vp_error_set(err, VP_ERR_INVALID, "'%s' is too large", relpath);
	*buf = malloc(f->len + 1);
	FUZZ_CHECK(*buf);
	memcpy(*buf, f->data, f->len);
	(*buf)[f->len] = '\0';
	*len = f->len;
	return 0;
}

static int f_exists(void *opaque, const char *relpath, struct vp_error *err)
{
	(void)err;
	FUZZ_CHECK(inside(relpath));
	return find(opaque, relpath) != NULL;
}

/* "#key value\n" header: value copied into out (NUL-terminated). */
static bool header(const char *line, size_t n, const char *key, char *out, size_t cap)
{
	size_t k = strlen(key);

	if (n < k + 1 || memcmp(line, key, k) || line[k] != ' ')
		return false;
	n -= k + 1;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, line + k + 1, n);
	out[n] = '\0';
	return true;
}

static void clean(const char *s)
{
	FUZZ_CHECK(!s || !vp_text_bad(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ftree tree;
	const char *p = (const char *)data, *end = p + size;
	char location[512] = "", label[64] = "", arch[32] = "", kernel[256] = "", initrd[256] = "";
	bool is_url = false, is_iso = false, has_label = false;
	struct vp_tree_reader r;
	struct vp_tree t;
	struct vp_error err;
	int rc;

	memset(&tree, 0, sizeof(tree));
	/* headers */
	while (p < end && *p == '#') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (header(p, n, "#url", location, sizeof(location)))
			is_url = true;
		else if (header(p, n, "#iso", location, sizeof(location)))
			is_iso = true;
		else if (header(p, n, "#dir", location, sizeof(location)))
			;
		else if (header(p, n, "#label", label, sizeof(label)))
			has_label = true;
		else
			(void)(header(p, n, "#arch", arch, sizeof(arch)) ||
			       header(p, n, "#kernel", kernel, sizeof(kernel)) ||
			       header(p, n, "#initrd", initrd, sizeof(initrd)));
		p = nl ? nl + 1 : end;
	}
	/* files */
	while (p < end && tree.n < MAX_FILES) {
		const char *start = memmem(p, (size_t)(end - p), "==> ", 4), *nl, *next;
		struct ffile *f;
		size_t n;

		if (!start)
			break;
		start += 4;
		nl = memchr(start, '\n', (size_t)(end - start));
		n = (size_t)((nl ? nl : end) - start);
		f = &tree.files[tree.n++];
		if (n >= sizeof(f->path))
			n = sizeof(f->path) - 1;
		memcpy(f->path, start, n);
		f->path[n] = '\0';
		f->data = nl ? nl + 1 : end;
		next = memmem(f->data, (size_t)(end - f->data), "\n==> ", 5);
		f->len = (size_t)((next ? next : end) - f->data);
		p = next ? next + 1 : end;
	}

	memset(&r, 0, sizeof(r));
	r.read = f_read;
	r.exists = f_exists;
	r.opaque = &tree;
	r.location = location;
	r.is_url = is_url;
	r.is_iso = is_iso;
	r.volume_id = has_label ? label : NULL;

	rc = vp_tree_detect(&r, arch[0] ? arch : NULL, kernel[0] ? kernel : NULL,
			    initrd[0] ? initrd : NULL, &t, &err);
	if (rc < 0) {
		FUZZ_CHECK(err.msg[0] && !strchr(err.msg, '\n'));
		FUZZ_CHECK(!t.kernel && !t.how && !t.family);
		return 0;
	}
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(inside(t.kernel) && inside(t.initrd) && t.how);
	if (kernel[0])
		FUZZ_CHECK(!strcmp(t.kernel, kernel));
	if (initrd[0])
		FUZZ_CHECK(!strcmp(t.initrd, initrd));
	clean(t.family);
	clean(t.name);
	clean(t.version);
	clean(t.codename);
	clean(t.arch);
	clean(t.os_id);
	clean(t.kernel);
	clean(t.initrd);
	clean(t.kernel_args);
	clean(t.how);
	FUZZ_CHECK(!t.kernel_sha256 || strspn(t.kernel_sha256, "0123456789abcdef") == 64);
	FUZZ_CHECK(!t.initrd_sha256 || strspn(t.initrd_sha256, "0123456789abcdef") == 64);
	vp_tree_clear(&t);
	return 0;
}
