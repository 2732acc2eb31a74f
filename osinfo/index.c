/* osinfo/index.c — find profiles without parsing the whole database
 *
 * The index lists every <os> with the fields a listing or a lookup needs
 * and the file it lives in, plus the size and mtime of every file and the
 * mtime of every directory it read.  It is cached as one text file.
 *
 * Freshness, cheapest first: opening compares the directories' mtimes (a
 * profile added, removed or renamed anywhere changes one) and the
 * configuration (which directories, which built-in profiles); a lookup
 * compares the files it actually reads; a listing, and a lookup that finds
 * nothing, compare every file.  Any difference rebuilds the index, which
 * parses each file once (~50 ms for osinfo-db's ~900).
 *
 * Which definition of an id wins: the user's directory, then the local
 * one, always; between the system database (the distribution's osinfo-db
 * package) and vprov's built-in profiles, the newer database, by the
 * snapshot date each carries (the system's VERSION file, osinfo/db/VERSION
 * for the built-ins).  A system database with no VERSION is trusted over
 * the built-ins (someone pointed OSINFO_SYSTEM_DIR at it on purpose).  The
 * files are read in that order, later winning: the one rule serves ids and
 * short-ids alike (ubuntu-lts-latest moves to the newest database's
 * release), and costs one small read (VERSION) per open.
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

#include "cleanup.h"
#include "fs.h"
#include "units.h"
#include "index.h"

#define INDEX_NAME "vprov-osinfo-index"
#define INDEX_VERSION "4"
#define INDEX_MAGIC INDEX_NAME "\t" INDEX_VERSION

static void warn(const struct vp_osinfo *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warn(const struct vp_osinfo *db, const char *fmt, ...)
{
	char msg[VP_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vp_report_message(db->reporter, VP_REPORT_WARNING, msg);
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
	struct vp_stamp *d;   /* directories (and roots that do not exist) */
	size_t nd;
};

static int64_t mtime_of(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static void add_dir(struct filelist *fl, const char *path, int64_t mtime)
{
	fl->d = vp_grow(fl->d, fl->nd + 1, sizeof(*fl->d));
	fl->d[fl->nd].path = vp_strdup(path);
	fl->d[fl->nd].mtime_ns = mtime;
	fl->d[fl->nd].size = 0;
	fl->nd++;
}

static void walk(const char *dir, const char *source, struct filelist *fl, int depth)
{
	struct stat dst;
	DIR *d;
	struct dirent *e;

	if (stat(dir, &dst) < 0 || !S_ISDIR(dst.st_mode)) {
		if (depth == 0)
			add_dir(fl, dir, -1); /* a root that may appear later */
		return;
	}
	add_dir(fl, dir, mtime_of(&dst));
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
			/* NAME.d/ holds supplements to NAME.xml (driver lists)
			 * that would redefine the OS with less; vprov skips them */
			if (len > 2 && !strcmp(e->d_name + len - 2, ".d"))
				continue;
			walk(path, source, fl, depth + 1);
		} else if (S_ISREG(st.st_mode) && len > 4 && !strcmp(e->d_name + len - 4, ".xml")) {
			struct file *f;

			fl->f = vp_grow(fl->f, fl->n + 1, sizeof(*fl->f));
			f = &fl->f[fl->n++];
			f->path = TAKE_PTR(path);
			f->source = vp_strdup(source);
			f->mtime_ns = mtime_of(&st);
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
	for (i = 0; i < fl->nd; i++)
		free(fl->d[i].path);
	free(fl->f);
	free(fl->d);
	memset(fl, 0, sizeof(*fl));
}

/* Do the built-in profiles win over the system database's?  Only when
 * the system database says its date and the built-ins are newer. */
static bool bundle_beats_system(const struct vp_osinfo *db)
{
	return !db->no_bundled && db->roots[0] && db->sys_version[0] &&
	       strcmp(vp_osinfo_bundle_version, db->sys_version) > 0;
}

static void collect_bundled(const struct vp_osinfo *db, struct filelist *fl)
{
	size_t i, start = fl->n;

	if (db->no_bundled)
		return;
	for (i = 0; i < vp_osinfo_bundle_count; i++) {
		struct file *f;

		fl->f = vp_grow(fl->f, fl->n + 1, sizeof(*fl->f));
		f = &fl->f[fl->n++];
		f->path = vp_strdup_printf("bundled:%s", vp_osinfo_bundle[i].path);
		f->source = vp_strdup("bundled");
		f->mtime_ns = 0;
		f->size = (int64_t)strlen(vp_osinfo_bundle[i].text);
	}
	if (fl->n > start)
		qsort(fl->f + start, fl->n - start, sizeof(*fl->f), cmp_file);
}

/* Files in load order, the later winning: bundled and system (the newer
 * database last), local, user; sorted within each. */
static void collect(const struct vp_osinfo *db, struct filelist *fl)
{
	static const char *const names[] = { "system", "local", "user" };
	bool bundle_late = bundle_beats_system(db);
	size_t i, start;

	memset(fl, 0, sizeof(*fl));
	if (!bundle_late)
		collect_bundled(db, fl);
	for (i = 0; i < 3; i++) {
		_cleanup_(freep) char *os = NULL;

		if (db->roots[i]) {
			os = vp_strdup_printf("%s/os", db->roots[i]);
			start = fl->n;
			walk(os, names[i], fl, 0);
			if (fl->n > start)
				qsort(fl->f + start, fl->n - start, sizeof(*fl->f), cmp_file);
		}
		if (i == 0 && bundle_late)
			collect_bundled(db, fl);
	}
}

/* The system database's snapshot date: its VERSION file (osinfo-db-import
 * writes the archive's date there, "20221203"), "" when it has none. */
static void read_sys_version(struct vp_osinfo *db)
{
	_cleanup_(freep) char *path = NULL;
	_cleanup_(closep) int fd = -1;
	char buf[16] = "";
	ssize_t n;
	int i;

	db->sys_version[0] = '\0';
	if (!db->roots[0])
		return;
	path = vp_strdup_printf("%s/VERSION", db->roots[0]);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 8)
		return;
	for (i = 0; i < 8; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return;
	if (n > 8 && buf[8] != '\n' && buf[8] != '\r' && buf[8] != ' ')
		return;
	memcpy(db->sys_version, buf, 8);
	db->sys_version[8] = '\0';
}

static const char *source_words(const char *source)
{
	if (!strcmp(source, "bundled"))
		return "vprov's built-in profiles";
	if (!strcmp(source, "system"))
		return "the system database";
	if (!strcmp(source, "local"))
		return "the local directory";
	return "the user's directory";
}

/* YYYYMMDD as YYYY-MM-DD */
static void iso_date(const char *v, char out[11])
{
	snprintf(out, 11, "%.4s-%.2s-%.2s", v, v + 4, v + 6);
}

char *vp_osinfo_choice(const struct vp_osinfo *db, const char *source, const char *loser_source)
{
	char b[11], sy[11];

	if (!strcmp(source, "user") || !strcmp(source, "local"))
		return vp_strdup_printf("%s (%s) always wins over %s", source_words(source),
					!strcmp(source, "user") ? db->roots[2] : db->roots[1],
					source_words(loser_source));
	iso_date(vp_osinfo_bundle_version, b);
	if (!db->sys_version[0])
		return vp_strdup_printf("the system database (%s) has no VERSION file to date it, and an "
					"undated database is trusted over vprov's built-in profiles (%s)",
					db->roots[0] ? db->roots[0] : "-", b);
	iso_date(db->sys_version, sy);
	if (!strcmp(source, "bundled"))
		return vp_strdup_printf("vprov's built-in profiles (%s) are newer than the system "
					"database (%s, %s)", b, db->roots[0], sy);
	return vp_strdup_printf("the system database (%s, %s) is %s vprov's built-in profiles (%s)",
				db->roots[0], sy, strcmp(db->sys_version, vp_osinfo_bundle_version) ?
				"newer than" : "as new as", b);
}

/* The signature of the configuration: format, directories, built-ins. */
static void signature(struct vp_osinfo *db)
{
	gnutls_hash_hd_t h;
	unsigned char d[32];
	size_t i;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		vp_oom();
	gnutls_hash(h, INDEX_MAGIC, strlen(INDEX_MAGIC) + 1);
	for (i = 0; i < 3; i++) {
		const char *dir = db->roots[i] ? db->roots[i] : "-";

		gnutls_hash(h, dir, strlen(dir) + 1);
	}
	if (!db->no_bundled)
		gnutls_hash(h, vp_osinfo_bundle_hash, strlen(vp_osinfo_bundle_hash));
	/* the system database's date decides the order: a new one rebuilds */
	gnutls_hash(h, db->sys_version, strlen(db->sys_version) + 1);
	gnutls_hash_deinit(h, d);
	for (i = 0; i < 32; i++)
		sprintf(db->sig + 2 * i, "%02x", d[i]);
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
		buf = vp_grow(NULL, (size_t)st.st_size + 1, 1);
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

static struct vp_os_entry *lazy_find(struct vp_osinfo *db, const char *name);
static void rebuild(struct vp_osinfo *db);
static char *join_short_ids(const struct vp_os *os);

struct vp_os_entry *vp_osinfo_find(struct vp_osinfo *db, const char *name)
{
	struct vp_os_entry *e;
	size_t i;

	if (db->stale) {
		if ((e = lazy_find(db, name)))
			return e;
		rebuild(db); /* not where the file names say: read everything */
	}
	e = find_id(db, name);
	if (e)
		return e;
	/* the newest definition of a short-id wins, as for ids */
	for (i = db->n; i-- > 0;)
		if (list_has(db->e[i].short_ids, name))
			return &db->e[i];
	return NULL;
}

/* ---- without an index: where the file names say ------------------------ */

/* osinfo-db keeps an id in the file the id names (libosinfo warns about any
 * other place): http://ubuntu.com/ubuntu/20.04 is os/ubuntu.com/ubuntu-20.04.xml,
 * and its short-id is almost always that name without its last '-'.  While
 * the index is stale, a lookup tries those files first and only reads the
 * whole database when they do not answer; the command then has the index
 * rebuilt in the background (vp_osinfo_stale). */
static char *id_to_rel(const char *id)
{
	const char *p = strstr(id, "://");
	char *rel, *q;

	if (!p || !p[3] || strstr(p + 3, ".."))
		return NULL;
	rel = vp_strdup_printf("%s.xml", p + 3);
	q = strchr(rel, '/'); /* the domain's slash stays, the others become '-' */
	if (!q)
		goto bad;
	for (q++; *q; q++)
		if (*q == '/')
			*q = '-';
	return rel;
bad:
	free(rel);
	return NULL;
}

/* Does the stem (file name without .xml) read as short-id name once its
 * last '-' goes?  ubuntu-20.04 -> ubuntu20.04, centos-stream-9 -> centos-stream9 */
static bool stem_matches(const char *stem, size_t len, const char *name)
{
	const char *dash = NULL;
	size_t i, k = 0, nlen = strlen(name);

	for (i = 0; i < len; i++)
		if (stem[i] == '-')
			dash = stem + i;
	if (!dash || len - 1 != nlen)
		return false;
	for (i = 0; i < len; i++) {
		if (stem + i == dash)
			continue;
		if (stem[i] != name[k++])
			return false;
	}
	return true;
}

struct cand_file {
	char *path;
	const char *source;
};

static void cand_add(struct cand_file **c, size_t *n, char *path, const char *source)
{
	*c = vp_grow(*c, *n + 1, sizeof(**c));
	(*c)[*n].path = path;
	(*c)[*n].source = source;
	(*n)++;
}

/* Parse path: the index of a new side entry for the <os> that name names
 * (by id or short-id), -1 when it has none; with probe, only whether it has. */
static long try_file(struct vp_osinfo *db, const char *path, const char *source,
		     const char *name, bool probe)
{
	_cleanup_(freep) char *text = NULL;
	struct vp_error err = { 0 };
	struct vp_os *list = NULL;
	long found = -1;
	size_t len, n = 0, i, j;

	if (vp_osinfo_read_file(path, &text, &len, &err) < 0 ||
	    vp_os_parse(text, len, path, source, &list, &n, &err) < 0)
		return -1;
	for (i = 0; i < n && found < 0; i++) {
		struct vp_os_entry *e;
		bool hit = !strcmp(list[i].id, name);

		for (j = 0; j < list[i].n_short_ids && !hit; j++)
			hit = !strcmp(list[i].short_ids[j], name);
		if (!hit)
			continue;
		if (probe) {
			found = 0;
			break;
		}
		db->side = vp_grow(db->side, db->n_side + 1, sizeof(*db->side));
		found = (long)db->n_side;
		e = &db->side[db->n_side++];
		memset(e, 0, sizeof(*e));
		e->id = vp_strdup(list[i].id);
		e->short_ids = join_short_ids(&list[i]);
		e->name = vp_strdup(list[i].name);
		e->version = vp_strdup(list[i].version);
		e->family = vp_strdup(list[i].family);
		e->distro = vp_strdup(list[i].distro);
		e->release_date = vp_strdup(list[i].release_date);
		e->eol_date = vp_strdup(list[i].eol_date);
		e->source = vp_strdup(source);
		e->file = vp_strdup(path);
	}
	for (i = 0; i < n; i++)
		vp_os_free(&list[i]);
	free(list);
	return found;
}

/* The built-in files for an id's relative path, or whose stem reads as name. */
static void lazy_bundled(const struct vp_osinfo *db, const char *rel, const char *name,
			 struct cand_file **c, size_t *nc)
{
	size_t i;

	for (i = 0; !db->no_bundled && i < vp_osinfo_bundle_count; i++) {
		const char *base = strrchr(vp_osinfo_bundle[i].path, '/') + 1;

		if (rel ? !strcmp(vp_osinfo_bundle[i].path + 3, rel) :
			  stem_matches(base, strlen(base) - 4, name))
			cand_add(c, nc, vp_strdup_printf("bundled:%s", vp_osinfo_bundle[i].path),
				 "bundled");
	}
}

static struct vp_os_entry *lazy_find(struct vp_osinfo *db, const char *name)
{
	static const char *const names[] = { "system", "local", "user" };
	struct cand_file *c = NULL;
	bool bundle_late = bundle_beats_system(db);
	long found = -1;
	size_t nc = 0, i;
	int r;

	for (i = 0; i < db->n_side; i++)
		if (!strcmp(db->side[i].id, name) || list_has(db->side[i].short_ids, name))
			return &db->side[i];
	/* candidates, the source that wins first: user, local, then system and
	 * built-in (the newer database first) */
	if (strstr(name, "://")) {
		_cleanup_(freep) char *rel = id_to_rel(name);

		if (!rel)
			return NULL;
		for (r = 2; r >= 0; r--) {
			if (r == 0 && bundle_late)
				lazy_bundled(db, rel, NULL, &c, &nc);
			if (db->roots[r])
				cand_add(&c, &nc, vp_strdup_printf("%s/os/%s", db->roots[r], rel), names[r]);
		}
		if (!bundle_late)
			lazy_bundled(db, rel, NULL, &c, &nc);
	} else {
		for (r = 2; r >= 0; r--) {
			_cleanup_(freep) char *os = NULL;
			DIR *top;
			struct dirent *v;

			if (r == 0 && bundle_late)
				lazy_bundled(db, NULL, name, &c, &nc);
			if (!db->roots[r])
				continue;
			os = vp_strdup_printf("%s/os", db->roots[r]);
			if (!(top = opendir(os)))
				continue;
			while ((v = readdir(top))) {
				_cleanup_(freep) char *vdir = NULL;
				DIR *d;
				struct dirent *f;

				if (v->d_name[0] == '.')
					continue;
				vdir = vp_strdup_printf("%s/%s", os, v->d_name);
				if (!(d = opendir(vdir)))
					continue;
				while ((f = readdir(d))) {
					size_t len = strlen(f->d_name);

					if (len > 4 && !strcmp(f->d_name + len - 4, ".xml") &&
					    stem_matches(f->d_name, len - 4, name))
						cand_add(&c, &nc, vp_strdup_printf("%s/%s", vdir, f->d_name),
							 names[r]);
				}
				closedir(d);
			}
			closedir(top);
		}
		if (!bundle_late)
			lazy_bundled(db, NULL, name, &c, &nc);
	}
	for (i = 0; i < nc; i++) {
		if (found < 0) {
			found = try_file(db, c[i].path, c[i].source, name, false);
		} else if (!db->side[found].shadowed &&
			   try_file(db, c[i].path, c[i].source, db->side[found].id, true) == 0) {
			/* the next definition of the same id: the one it won over */
			db->side[found].shadowed = vp_strdup(c[i].path);
			db->side[found].shadowed_source = vp_strdup(c[i].source);
		}
		free(c[i].path);
	}
	free(c);
	return found < 0 ? NULL : &db->side[found];
}

bool vp_osinfo_stale(const struct vp_osinfo *db)
{
	return db->stale;
}

/* ---- building: parse every file, then write the index text ------------- */

/* While building, entries own their strings. */
struct building {
	struct vp_os_entry *e;
	size_t n;
};

static void entry_free(struct vp_os_entry *e)
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
	free(e->shadowed_source);
	memset(e, 0, sizeof(*e));
}

static char *join_short_ids(const struct vp_os *os)
{
	size_t i, len = 1;
	char *r;

	for (i = 0; i < os->n_short_ids; i++)
		len += strlen(os->short_ids[i]) + 1;
	r = vp_calloc(1, len);
	for (i = 0; i < os->n_short_ids; i++) {
		if (strchr(os->short_ids[i], ',') || strpbrk(os->short_ids[i], "\t\n"))
			continue;
		if (*r)
			strcat(r, ",");
		strcat(r, os->short_ids[i]);
	}
	return r;
}

static void add_os(struct building *b, const struct vp_os *os)
{
	struct vp_os_entry *e;
	char *shadowed = NULL, *shadowed_source = NULL;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->e[i].id, os->id))
			break;
	if (i < b->n) {
		/* a later file redefines it: it wins, and remembers what it won
		 * over; it moves to the end, where the newest short-ids are */
		if (strcmp(b->e[i].file, os->file)) {
			shadowed = TAKE_PTR(b->e[i].file);
			shadowed_source = TAKE_PTR(b->e[i].source);
		}
		entry_free(&b->e[i]);
		memmove(&b->e[i], &b->e[i + 1], (b->n - i - 1) * sizeof(*b->e));
		b->n--;
	}
	b->e = vp_grow(b->e, b->n + 1, sizeof(*b->e));
	e = &b->e[b->n++];
	memset(e, 0, sizeof(*e));
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
	e->shadowed_source = shadowed_source;
}

/* A growing text. */
struct text {
	char *p;
	size_t len, cap;
};

static void tput(struct text *t, const char *v, char end)
{
	size_t need = (v ? strlen(v) : 0) + 2;

	if (t->len + need >= t->cap) {
		t->cap = (t->len + need) * 2 + 4096;
		t->p = vp_grow(t->p, t->cap, 1);
	}
	/* values never hold tabs or newlines (they become spaces) */
	for (; v && *v; v++)
		t->p[t->len++] = *v == '\t' || *v == '\n' || *v == '\r' ? ' ' : *v;
	t->p[t->len++] = end;
	t->p[t->len] = '\0';
}

static void tnum(struct text *t, int64_t v, char end)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	tput(t, buf, end);
}

static char *build_text(struct vp_osinfo *db, const struct filelist *fl)
{
	struct building b = { 0 };
	struct text t = { 0 };
	size_t i, j, lines = 0;

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
			add_os(&b, &list[j]);
			vp_os_free(&list[j]);
		}
		free(list);
	}
	tput(&t, INDEX_NAME, '\t');
	tput(&t, INDEX_VERSION, '\t');
	tput(&t, db->sig, '\n');
	for (i = 0; i < fl->nd; i++) {
		tput(&t, "D", '\t');
		tput(&t, fl->d[i].path, '\t');
		tnum(&t, fl->d[i].mtime_ns, '\n');
	}
	for (i = 0; i < fl->n; i++) {
		if (!strncmp(fl->f[i].path, "bundled:", 8))
			continue; /* the configuration's signature covers those */
		lines++;
		tput(&t, "F", '\t');
		tput(&t, fl->f[i].path, '\t');
		tnum(&t, fl->f[i].mtime_ns, '\t');
		tnum(&t, fl->f[i].size, '\n');
	}
	for (i = 0; i < b.n; i++) {
		const struct vp_os_entry *e = &b.e[i];

		tput(&t, "O", '\t');
		tput(&t, e->id, '\t');
		tput(&t, e->short_ids, '\t');
		tput(&t, e->name, '\t');
		tput(&t, e->version, '\t');
		tput(&t, e->family, '\t');
		tput(&t, e->distro, '\t');
		tput(&t, e->release_date, '\t');
		tput(&t, e->eol_date, '\t');
		tput(&t, e->source, '\t');
		tput(&t, e->file, '\t');
		tput(&t, e->shadowed, '\t');
		tput(&t, e->shadowed_source, '\n');
		entry_free(&b.e[i]);
	}
	free(b.e);
	tput(&t, "E", '\t');
	tnum(&t, (int64_t)(fl->nd + lines + b.n), '\n');
	return t.p;
}

/* ---- reading the index text ---------------------------------------------- */

/* The next tab-separated field, in place; "" becomes NULL. */
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
	return *s ? s : NULL;
}

static bool number(const char *s, int64_t *out)
{
	uint64_t v;

	if (s && s[0] == '-' && s[1] == '1' && !s[2]) {
		*out = -1;
		return true;
	}
	if (!s || vp_parse_uint(s, 0, INT64_MAX, "stamp", &v, NULL) < 0)
		return false;
	*out = (int64_t)v;
	return true;
}

static void entry_free(struct vp_os_entry *e);

static void forget(struct vp_osinfo *db)
{
	size_t i;

	for (i = 0; i < db->n_side; i++)
		entry_free(&db->side[i]);
	free(db->side);
	db->side = NULL;
	db->n_side = 0;
	free(db->text);
	free(db->e);
	free(db->files);
	free(db->dirs);
	db->text = NULL;
	db->e = NULL;
	db->files = db->dirs = NULL;
	db->n = db->n_files = db->n_dirs = 0;
}

/* Take text (owned) as the index: 0 when it is whole and of this
 * configuration, -1 (and nothing kept) otherwise. */
static int adopt(struct vp_osinfo *db, char *text, size_t len)
{
	char *line, *next, *p;
	size_t count = 0;
	bool header = false, end = false;
	int64_t want = -1;

	forget(db);
	db->text = text;
	if (strlen(text) != len)
		goto bad; /* a NUL in the middle: not ours */
	for (line = text; line && *line; line = next) {
		char *kind;

		next = strchr(line, '\n');
		if (!next)
			goto bad; /* a cut-off last line */
		*next++ = '\0';
		p = line;
		if (!header) {
			kind = field(&p);
			if (!kind || strcmp(kind, INDEX_NAME) || !(kind = field(&p)) ||
			    strcmp(kind, INDEX_VERSION) || !p || strcmp(p, db->sig))
				goto bad;
			header = true;
			continue;
		}
		kind = field(&p);
		if (!kind || kind[1])
			goto bad;
		if (kind[0] == 'D' || kind[0] == 'F') {
			struct vp_stamp *st;
			bool file = kind[0] == 'F';

			if (file) {
				db->files = vp_grow(db->files, db->n_files + 1, sizeof(*db->files));
				st = &db->files[db->n_files++];
			} else {
				db->dirs = vp_grow(db->dirs, db->n_dirs + 1, sizeof(*db->dirs));
				st = &db->dirs[db->n_dirs++];
			}
			st->path = field(&p);
			st->size = 0;
			if (!st->path || !number(field(&p), &st->mtime_ns) ||
			    (file && !number(field(&p), &st->size)))
				goto bad;
		} else if (kind[0] == 'O') {
			struct vp_os_entry *e;

			db->e = vp_grow(db->e, db->n + 1, sizeof(*db->e));
			e = &db->e[db->n++];
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
			e->shadowed_source = field(&p);
			if (!e->id || !e->source || !e->file || !e->shadowed != !e->shadowed_source)
				goto bad;
			if (!e->short_ids)
				e->short_ids = e->id + strlen(e->id); /* "" */
		} else if (kind[0] == 'E') {
			if (!number(field(&p), &want))
				goto bad;
			end = true;
			break;
		} else {
			goto bad;
		}
		count++;
	}
	if (!header || !end || want != (int64_t)count)
		goto bad;
	return 0;
bad:
	/* a damaged cache is only a cache: start again from the files */
	forget(db);
	return -1;
}

static int64_t stamp_now(const char *path, int64_t *size)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	if (size)
		*size = (int64_t)st.st_size;
	return mtime_of(&st);
}

static bool dirs_current(const struct vp_osinfo *db)
{
	size_t i;

	for (i = 0; i < db->n_dirs; i++)
		if (stamp_now(db->dirs[i].path, NULL) != db->dirs[i].mtime_ns)
			return false;
	return true;
}

static bool files_current(const struct vp_osinfo *db)
{
	size_t i;

	for (i = 0; i < db->n_files; i++) {
		int64_t size = -1;

		if (stamp_now(db->files[i].path, &size) != db->files[i].mtime_ns ||
		    size != db->files[i].size)
			return false;
	}
	return true;
}

bool vp_osinfo_file_current(struct vp_osinfo *db, const char *path)
{
	size_t i;

	if (!strncmp(path, "bundled:", 8) || db->stale)
		return true; /* a stale index's lookups read the files as they are */
	for (i = 0; i < db->n_files; i++)
		if (!strcmp(db->files[i].path, path)) {
			int64_t size = -1;

			return stamp_now(path, &size) == db->files[i].mtime_ns &&
			       size == db->files[i].size;
		}
	return false;
}

/* ---- the cache file ------------------------------------------------------ */

static void save(const struct vp_osinfo *db, const char *text)
{
	_cleanup_(freep) char *path = NULL;

	if (!db->cache_dir || vp_mkdir_p(db->cache_dir, 0700) < 0)
		return;
	path = vp_strdup_printf("%s/osinfo-index", db->cache_dir);
	/* a cache: losing it to a crash costs a rebuild, so no fsync */
	vp_write_atomic(path, text, strlen(text), 0600, false, NULL);
}

/* Rebuild from the files, keep it, save it. */
static void rebuild(struct vp_osinfo *db)
{
	struct filelist fl;
	char *text;

	collect(db, &fl);
	text = build_text(db, &fl);
	filelist_clear(&fl);
	save(db, text);
	if (adopt(db, text, strlen(text)) < 0)
		abort(); /* what we just wrote must read back */
	db->fully_checked = true;
	db->stale = false;
}

int vp_osinfo_refresh(struct vp_osinfo *db)
{
	if (db->stale) {
		rebuild(db);
		return 1;
	}
	if (db->fully_checked)
		return 0;
	db->fully_checked = true;
	if (dirs_current(db) && files_current(db))
		return 0;
	rebuild(db);
	return 1;
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
	bool used = false;

	(void)err;
	if (!db)
		vp_oom();
	db->roots[0] = vp_strdup(opts->system_dir);
	db->roots[1] = vp_strdup(opts->local_dir);
	db->roots[2] = vp_strdup(opts->user_dir);
	db->cache_dir = vp_strdup(opts->cache_dir);
	db->no_bundled = opts->no_bundled;
	db->reporter = opts->reporter;
	read_sys_version(db);
	signature(db);
	if (db->cache_dir) {
		_cleanup_(freep) char *path = vp_strdup_printf("%s/osinfo-index", db->cache_dir);
		struct vp_error e2 = { 0 };
		char *text = NULL;
		size_t len;

		if (access(path, R_OK) == 0 && vp_osinfo_read_file(path, &text, &len, &e2) == 0)
			used = adopt(db, text, len) == 0 && dirs_current(db);
	}
	if (!used && opts->lazy)
		db->stale = true; /* answer from the files; the caller reindexes later */
	else if (!used)
		rebuild(db);
	if (rebuilt)
		*rebuilt = !used && !opts->lazy;
	*out = db;
	return 0;
}

void vp_osinfo_close(struct vp_osinfo *db)
{
	size_t i;

	if (!db)
		return;
	forget(db);
	for (i = 0; i < 3; i++)
		free(db->roots[i]);
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
	if (db->stale)
		rebuild(db);
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
				size_t most = nlen >= 8 ? 2 : 1;
				size_t gap = slen > nlen ? slen - nlen : nlen - slen;
				size_t d = gap > most ? most + 1 : distance(name, sid);

				if (d <= most)
					rank = 1 + (int)d;
			}
			if (rank < 0)
				continue;
			c = vp_grow(c, nc + 1, sizeof(*c));
			c[nc].sid = db->e[i].short_ids + (sid - ids);
			c[nc].rank = rank;
			nc++;
		}
	}
	if (nc)
		qsort(c, nc, sizeof(*c), cmp_cand);
	for (i = 0, k = 0; i < nc && k < max; i++) {
		const char *s = c[i].sid;
		size_t len = strcspn(s, ",");
		char *dup = vp_strndup(s, len);
		size_t j;
		bool seen = false;

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
	struct vp_os_summary *l;
	size_t i, k = 0;

	(void)err;
	vp_osinfo_refresh(db); /* a listing shows every file as it is now */
	l = vp_calloc(db->n + 1, sizeof(*l));
	for (i = 0; i < db->n; i++) {
		const struct vp_os_entry *e = &db->e[i];
		size_t first;

		if ((family && (!e->family || strcmp(e->family, family))) ||
		    (distro && (!e->distro || strcmp(e->distro, distro))))
			continue;
		first = strcspn(e->short_ids, ",");
		l[k].id = vp_strdup(e->id);
		l[k].short_id = first ? vp_strndup(e->short_ids, first) : NULL;
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
	if (k)
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
