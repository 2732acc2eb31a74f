/* osinfo/index.c — find profiles without parsing the whole database
 *
 * The index lists every <os> with the fields a listing or a lookup needs
 * and the file it lives in.  It is cached as a text file and trusted only
 * while its signature matches: a SHA-256 over the path, size and mtime of
 * every file in every database directory (and the built-in profiles), so
 * adding, removing or editing any profile rebuilds it.  Checking costs one
 * directory walk (~2 ms for the ~900 files of osinfo-db); rebuilding parses
 * everything once (~0.1 s).
 */
#include "osinfo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gnutls/crypto.h>

#include "../provision/cleanup.h"
#include "../provision/units.h"
#include "index.h"

#define INDEX_MAGIC "vprov-osinfo-index\t2"

static void *grow(void *p, size_t n, size_t size)
{
	void *r = reallocarray(p, n, size);

	if (!r)
		abort();
	return r;
}

static void warn(const struct vp_osinfo *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warn(const struct vp_osinfo *db, const char *fmt, ...)
{
	char msg[VP_ERROR_MAX];
	va_list ap;

	if (!db->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	db->warn(db->opaque, msg);
}

/* ---- the files of the database ---------------------------------------- */

struct file {
	char *path;       /* absolute, or "bundled:os/..." */
	char *source;
	int64_t mtime_ns;
	int64_t size;
};

struct filelist {
	struct file *f;
	size_t n;
};

static void walk(const char *dir, const char *source, struct filelist *fl, int depth)
{
	DIR *d;
	struct dirent *e;

	if (depth > 8 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		_cleanup_(freep) char *path = NULL;
		struct stat st;
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		path = vp_strdup_printf("%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, source, fl, depth + 1);
		} else if (S_ISREG(st.st_mode) && len > 4 && !strcmp(e->d_name + len - 4, ".xml")) {
			struct file *f;

			fl->f = grow(fl->f, fl->n + 1, sizeof(*fl->f));
			f = &fl->f[fl->n++];
			f->path = TAKE_PTR(path);
			f->source = vp_strdup(source);
			f->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
			f->size = (int64_t)st.st_size;
		}
	}
	closedir(d);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path, ((const struct file *)b)->path);
}

static void filelist_clear(struct filelist *fl)
{
	size_t i;

	for (i = 0; i < fl->n; i++) {
		free(fl->f[i].path);
		free(fl->f[i].source);
	}
	free(fl->f);
	memset(fl, 0, sizeof(*fl));
}

/* Files in load order: bundled, system, local, user; sorted within each. */
static void collect(const struct vp_osinfo *db, struct filelist *fl)
{
	static const char *const names[] = { "system", "local", "user" };
	const char *dirs[3] = { db->dirs[0], db->dirs[1], db->dirs[2] };
	size_t i, start;

	memset(fl, 0, sizeof(*fl));
	if (!db->no_bundled) {
		for (i = 0; i < vp_osinfo_bundle_count; i++) {
			struct file *f;

			fl->f = grow(fl->f, fl->n + 1, sizeof(*fl->f));
			f = &fl->f[fl->n++];
			f->path = vp_strdup_printf("bundled:%s", vp_osinfo_bundle[i].path);
			f->source = vp_strdup("bundled");
			f->mtime_ns = 0;
			f->size = (int64_t)strlen(vp_osinfo_bundle[i].text);
		}
		qsort(fl->f, fl->n, sizeof(*fl->f), cmp_file);
	}
	for (i = 0; i < 3; i++) {
		_cleanup_(freep) char *os = NULL;

		if (!dirs[i])
			continue;
		os = vp_strdup_printf("%s/os", dirs[i]);
		start = fl->n;
		walk(os, names[i], fl, 0);
		qsort(fl->f + start, fl->n - start, sizeof(*fl->f), cmp_file);
	}
}

/* The signature of the file set (and of the built-in profiles' texts). */
static void signature(const struct vp_osinfo *db, const struct filelist *fl, char out[65])
{
	gnutls_hash_hd_t h;
	unsigned char d[32];
	size_t i;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		abort();
	gnutls_hash(h, INDEX_MAGIC, strlen(INDEX_MAGIC));
	for (i = 0; i < 3; i++) {
		const char *dir = db->dirs[i] ? db->dirs[i] : "-";

		gnutls_hash(h, dir, strlen(dir) + 1);
	}
	for (i = 0; i < fl->n; i++) {
		char meta[64];

		gnutls_hash(h, fl->f[i].path, strlen(fl->f[i].path) + 1);
		snprintf(meta, sizeof(meta), "%lld:%lld", (long long)fl->f[i].mtime_ns,
			 (long long)fl->f[i].size);
		gnutls_hash(h, meta, strlen(meta) + 1);
	}
	if (!db->no_bundled)
		for (i = 0; i < vp_osinfo_bundle_count; i++)
			gnutls_hash(h, vp_osinfo_bundle[i].text, strlen(vp_osinfo_bundle[i].text));
	gnutls_hash_deinit(h, d);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* ---- reading a file --------------------------------------------------- */

int vp_osinfo_read_file(const char *path, char **text, size_t *len, struct vp_error *err)
{
	size_t i;

	if (!strncmp(path, "bundled:", 8)) {
		for (i = 0; i < vp_osinfo_bundle_count; i++)
			if (!strcmp(vp_osinfo_bundle[i].path, path + 8)) {
				*text = vp_strdup(vp_osinfo_bundle[i].text);
				*len = strlen(*text);
				return 0;
			}
		return vp_error_set(err, VP_ERR_RUNTIME, "no built-in profile '%s'", path);
	}
	{
		_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		size_t got = 0;
		char *buf;

		if (fd < 0 || fstat(fd, &st) < 0)
			return vp_error_set(err, VP_ERR_RUNTIME, "cannot read OS profile '%s': %s",
					    path, strerror(errno));
		if (st.st_size > 16 * 1024 * 1024)
			return vp_error_set(err, VP_ERR_INVALID, "'%s' is too large for an OS profile",
					    path);
		buf = malloc((size_t)st.st_size + 1);
		if (!buf)
			abort();
		while (got < (size_t)st.st_size) {
			ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		buf[got] = '\0';
		*text = buf;
		*len = got;
	}
	return 0;
}

/* ---- entries ----------------------------------------------------------- */

static void entry_clear(struct vp_os_entry *e)
{
	free(e->id);
	free(e->short_ids);
	free(e->name);
	free(e->version);
	free(e->family);
	free(e->distro);
	free(e->release_date);
	free(e->eol_date);
	free(e->source);
	free(e->file);
	free(e->shadowed);
	memset(e, 0, sizeof(*e));
}

static struct vp_os_entry *find_id(struct vp_osinfo *db, const char *id)
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (!strcmp(db->e[i].id, id))
			return &db->e[i];
	return NULL;
}

/* Does the comma-joined list hold sid? */
static bool list_has(const char *list, const char *sid)
{
	size_t n = strlen(sid);
	const char *p = list;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && !strncmp(p, sid, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

struct vp_os_entry *vp_osinfo_find(struct vp_osinfo *db, const char *name)
{
	struct vp_os_entry *e = find_id(db, name);
	size_t i;

	if (e)
		return e;
	/* the newest definition of a short-id wins, as for ids */
	for (i = db->n; i-- > 0;)
		if (list_has(db->e[i].short_ids, name))
			return &db->e[i];
	return NULL;
}

static char *join_short_ids(const struct vp_os *os)
{
	size_t i, len = 1;
	char *r;

	for (i = 0; i < os->n_short_ids; i++)
		len += strlen(os->short_ids[i]) + 1;
	r = calloc(1, len);
	if (!r)
		abort();
	for (i = 0; i < os->n_short_ids; i++) {
		if (strchr(os->short_ids[i], ',') || strchr(os->short_ids[i], '\t'))
			continue;
		if (*r)
			strcat(r, ",");
		strcat(r, os->short_ids[i]);
	}
	return r;
}

static void add_os(struct vp_osinfo *db, const struct vp_os *os)
{
	struct vp_os_entry *e = find_id(db, os->id);
	char *shadowed = NULL;

	if (e) {
		/* a later source redefines it; remember a built-in copy it hides */
		shadowed = e->shadowed ? vp_strdup(e->shadowed) :
			   !strcmp(e->source, "bundled") ? vp_strdup(e->file) : NULL;
		entry_clear(e);
	} else {
		db->e = grow(db->e, db->n + 1, sizeof(*db->e));
		e = &db->e[db->n++];
		memset(e, 0, sizeof(*e));
	}
	e->id = vp_strdup(os->id);
	e->short_ids = join_short_ids(os);
	e->name = vp_strdup(os->name);
	e->version = vp_strdup(os->version);
	e->family = vp_strdup(os->family);
	e->distro = vp_strdup(os->distro);
	e->release_date = vp_strdup(os->release_date);
	e->eol_date = vp_strdup(os->eol_date);
	e->source = vp_strdup(os->source);
	e->file = vp_strdup(os->file);
	e->shadowed = shadowed;
}

static void build(struct vp_osinfo *db, const struct filelist *fl)
{
	size_t i, j;

	for (i = 0; i < fl->n; i++) {
		_cleanup_(freep) char *text = NULL;
		struct vp_error err = { 0 };
		struct vp_os *list = NULL;
		size_t len, n = 0;

		if (vp_osinfo_read_file(fl->f[i].path, &text, &len, &err) < 0 ||
		    vp_os_parse(text, len, fl->f[i].path, fl->f[i].source, &list, &n, &err) < 0) {
			warn(db, "%s; skipped", err.msg);
			continue;
		}
		for (j = 0; j < n; j++) {
			add_os(db, &list[j]);
			vp_os_free(&list[j]);
		}
		free(list);
	}
}

/* ---- the cache file ---------------------------------------------------- */

/* Values never hold tabs or newlines (they become spaces). */
static void put(FILE *f, const char *v, char end)
{
	for (; v && *v; v++)
		fputc(*v == '\t' || *v == '\n' || *v == '\r' ? ' ' : *v, f);
	fputc(end, f);
}

static void save(const struct vp_osinfo *db, const char *sig)
{
	_cleanup_(freep) char *path = NULL;
	_cleanup_(freep) char *tmp = NULL;
	FILE *f;
	int fd;
	size_t i;

	if (!db->cache_dir)
		return;
	mkdir(db->cache_dir, 0700);
	path = vp_strdup_printf("%s/osinfo-index", db->cache_dir);
	tmp = vp_strdup_printf("%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	fprintf(f, "%s\t%s\n", INDEX_MAGIC, sig);
	for (i = 0; i < db->n; i++) {
		const struct vp_os_entry *e = &db->e[i];

		fputs("O\t", f);
		put(f, e->id, '\t');
		put(f, e->short_ids, '\t');
		put(f, e->name, '\t');
		put(f, e->version, '\t');
		put(f, e->family, '\t');
		put(f, e->distro, '\t');
		put(f, e->release_date, '\t');
		put(f, e->eol_date, '\t');
		put(f, e->source, '\t');
		put(f, e->file, '\t');
		put(f, e->shadowed, '\n');
	}
	fprintf(f, "E\t%zu\n", db->n);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		unlink(tmp);
}

static char *field(char **p)
{
	char *s = *p, *tab;

	if (!s)
		return NULL;
	tab = strchr(s, '\t');
	if (tab) {
		*tab = '\0';
		*p = tab + 1;
	} else {
		*p = NULL;
	}
	return *s ? vp_strdup(s) : NULL;
}

/* Load the cache if it is whole and its signature is sig; 0 when used. */
static int load(struct vp_osinfo *db, const char *sig)
{
	_cleanup_(freep) char *path = NULL;
	_cleanup_(freep) char *text = NULL;
	struct vp_error err = { 0 };
	char *line, *next, *p;
	size_t len, count = 0, want = (size_t)-1;
	bool header = false;

	if (!db->cache_dir)
		return -1;
	path = vp_strdup_printf("%s/osinfo-index", db->cache_dir);
	if (access(path, R_OK) < 0 || vp_osinfo_read_file(path, &text, &len, &err) < 0)
		return -1;
	if (strlen(text) != len)
		return -1; /* a NUL in the middle: not ours */
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			goto bad; /* a cut-off last line */
		*next++ = '\0';
		if (!header) {
			size_t m = strlen(INDEX_MAGIC);

			if (strncmp(line, INDEX_MAGIC, m) || line[m] != '\t' || strcmp(line + m + 1, sig))
				goto bad;
			header = true;
			continue;
		}
		if (line[0] == 'O' && line[1] == '\t') {
			struct vp_os_entry *e;

			p = line + 2;
			db->e = grow(db->e, db->n + 1, sizeof(*db->e));
			e = &db->e[db->n++];
			memset(e, 0, sizeof(*e));
			e->id = field(&p);
			e->short_ids = field(&p);
			e->name = field(&p);
			e->version = field(&p);
			e->family = field(&p);
			e->distro = field(&p);
			e->release_date = field(&p);
			e->eol_date = field(&p);
			e->source = field(&p);
			e->file = field(&p);
			e->shadowed = field(&p);
			if (!e->id || !e->source || !e->file)
				goto bad;
			if (!e->short_ids)
				e->short_ids = vp_strdup("");
			count++;
		} else if (line[0] == 'E' && line[1] == '\t') {
			uint64_t v;

			if (vp_parse_uint(line + 2, 0, 1000000, "count", &v, NULL) < 0)
				goto bad;
			want = (size_t)v;
			break;
		} else {
			goto bad;
		}
	}
	if (!header || want != count)
		goto bad;
	return 0;
bad:
	/* a damaged cache is only a cache: start again from the files */
	while (db->n)
		entry_clear(&db->e[--db->n]);
	return -1;
}

/* ---- opening ----------------------------------------------------------- */

void vp_osinfo_default_opts(struct vp_osinfo_opts *o, char **bufs)
{
	const char *sys = getenv("OSINFO_SYSTEM_DIR"), *loc = getenv("OSINFO_LOCAL_DIR");
	const char *usr = getenv("OSINFO_USER_DIR"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	memset(o, 0, sizeof(*o));
	bufs[0] = bufs[1] = bufs[2] = NULL;
	o->system_dir = sys && *sys ? sys : "/usr/share/osinfo";
	o->local_dir = loc && *loc ? loc : "/etc/osinfo";
	if (usr && *usr)
		o->user_dir = usr;
	else if (xdg && *xdg == '/')
		o->user_dir = bufs[0] = vp_strdup_printf("%s/osinfo", xdg);
	else if (home && *home == '/')
		o->user_dir = bufs[0] = vp_strdup_printf("%s/.config/osinfo", home);
}

int vp_osinfo_open(const struct vp_osinfo_opts *opts, struct vp_osinfo **out, bool *rebuilt,
		   struct vp_error *err)
{
	struct vp_osinfo *db = calloc(1, sizeof(*db));
	struct filelist fl;
	char sig[65];

	(void)err;
	if (!db)
		abort();
	db->dirs[0] = vp_strdup(opts->system_dir);
	db->dirs[1] = vp_strdup(opts->local_dir);
	db->dirs[2] = vp_strdup(opts->user_dir);
	db->cache_dir = vp_strdup(opts->cache_dir);
	db->no_bundled = opts->no_bundled;
	db->warn = opts->warn;
	db->opaque = opts->opaque;
	collect(db, &fl);
	signature(db, &fl, sig);
	if (rebuilt)
		*rebuilt = false;
	if (load(db, sig) < 0) {
		build(db, &fl);
		save(db, sig);
		if (rebuilt)
			*rebuilt = true;
	}
	filelist_clear(&fl);
	*out = db;
	return 0;
}

void vp_osinfo_close(struct vp_osinfo *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->n; i++)
		entry_clear(&db->e[i]);
	free(db->e);
	for (i = 0; i < 3; i++)
		free(db->dirs[i]);
	free(db->cache_dir);
	free(db);
}

bool vp_osinfo_has(struct vp_osinfo *db, const char *name)
{
	return vp_osinfo_find(db, name) != NULL;
}

/* ---- suggestions -------------------------------------------------------- */

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[65], prev, tmp;

	if (la > 64 || lb > 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

struct cand {
	const char *sid;
	int rank;          /* 0 prefix, 1 the name extends it, 2+ edit distance */
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return strverscmp(x->sid, y->sid);
}

size_t vp_osinfo_suggest(struct vp_osinfo *db, const char *name, char **out, size_t max)
{
	struct cand *c = NULL;
	size_t nc = 0, i, k, nlen = strlen(name);

	if (!nlen)
		return 0;
	for (i = 0; i < db->n; i++) {
		_cleanup_(freep) char *ids = vp_strdup(db->e[i].short_ids);
		char *save = NULL, *sid;

		for (sid = strtok_r(ids, ",", &save); sid; sid = strtok_r(NULL, ",", &save)) {
			size_t slen = strlen(sid);
			int rank = -1;

			if (slen > nlen && !strncmp(sid, name, nlen))
				rank = 0;
			else if (nlen > slen && slen >= 4 && !strncmp(name, sid, slen) &&
				 !(name[slen] >= '0' && name[slen] <= '9') && name[slen] != '.')
				rank = 1;
			else if (nlen >= 4) {
				size_t d = distance(name, sid);

				if (d <= (nlen >= 8 ? 2u : 1u))
					rank = 1 + (int)d;
			}
			if (rank < 0)
				continue;
			c = grow(c, nc + 1, sizeof(*c));
			c[nc].sid = db->e[i].short_ids + (sid - ids);
			c[nc].rank = rank;
			nc++;
		}
	}
	qsort(c, nc, sizeof(*c), cmp_cand);
	for (i = 0, k = 0; i < nc && k < max; i++) {
		const char *s = c[i].sid;
		size_t len = strcspn(s, ",");
		char *dup = strndup(s, len);
		size_t j;
		bool seen = false;

		if (!dup)
			abort();
		for (j = 0; j < k; j++)
			if (!strcmp(out[j], dup))
				seen = true;
		if (seen) {
			free(dup);
			continue;
		}
		out[k++] = dup;
	}
	free(c);
	return k;
}

/* ---- listing ------------------------------------------------------------- */

static int cmp_summary(const void *a, const void *b)
{
	const struct vp_os_summary *x = a, *y = b;
	int r = strcmp(x->distro ? x->distro : "~", y->distro ? y->distro : "~");

	if (r)
		return r;
	r = strverscmp(y->version ? y->version : "", x->version ? x->version : "");
	if (r)
		return r;
	return strcmp(x->short_id ? x->short_id : "", y->short_id ? y->short_id : "");
}

int vp_osinfo_list(struct vp_osinfo *db, const char *family, const char *distro,
		   struct vp_os_summary **out, size_t *n, struct vp_error *err)
{
	struct vp_os_summary *l = calloc(db->n + 1, sizeof(*l));
	size_t i, k = 0;

	(void)err;
	if (!l)
		abort();
	for (i = 0; i < db->n; i++) {
		const struct vp_os_entry *e = &db->e[i];
		size_t first;

		if ((family && (!e->family || strcmp(e->family, family))) ||
		    (distro && (!e->distro || strcmp(e->distro, distro))))
			continue;
		first = strcspn(e->short_ids, ",");
		l[k].id = vp_strdup(e->id);
		l[k].short_id = first ? strndup(e->short_ids, first) : NULL;
		l[k].aliases = e->short_ids[first] ? vp_strdup(e->short_ids + first + 1) : NULL;
		l[k].name = vp_strdup(e->name);
		l[k].version = vp_strdup(e->version);
		l[k].family = vp_strdup(e->family);
		l[k].distro = vp_strdup(e->distro);
		l[k].release_date = vp_strdup(e->release_date);
		l[k].eol_date = vp_strdup(e->eol_date);
		l[k].source = vp_strdup(e->source);
		l[k].file = vp_strdup(e->file);
		k++;
	}
	qsort(l, k, sizeof(*l), cmp_summary);
	*out = l;
	*n = k;
	return 0;
}

void vp_os_summaries_free(struct vp_os_summary *l, size_t n)
{
	size_t i;

	for (i = 0; l && i < n; i++) {
		free(l[i].id);
		free(l[i].short_id);
		free(l[i].aliases);
		free(l[i].name);
		free(l[i].version);
		free(l[i].family);
		free(l[i].distro);
		free(l[i].release_date);
		free(l[i].eol_date);
		free(l[i].source);
		free(l[i].file);
	}
	free(l);
}
