/* provision/fetch/treeparse.c — the installer-tree metadata parsers (tree.h)
 *
 * Pure functions over (text, len): no I/O, no state.  Input is whatever a
 * mirror or an image holds, so every byte is suspect: NULs inside len,
 * CRLF or LF line ends, no final newline, overlong lines.  Nothing here
 * reads past len or relies on a terminating NUL.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "tree.h"

/* ---- lines and words ------------------------------------------------------ */

struct span {
	const char *p;
	size_t n;
};

struct lines {
	const char *p, *end;
};

static struct lines lines_of(const char *text, size_t len)
{
	struct lines it = { text, text ? text + len : NULL };

	/* a UTF-8 byte order mark before the first line */
	if (text && len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		it.p += 3;
	return it;
}

/* The next line, without its "\n" or "\r\n"; false at the end. */
static bool next_line(struct lines *it, struct span *line)
{
	const char *nl;

	if (!it->p || it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	line->p = it->p;
	line->n = (size_t)((nl ? nl : it->end) - it->p);
	it->p = nl ? nl + 1 : it->end;
	if (line->n && line->p[line->n - 1] == '\r')
		line->n--;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static struct span trim(struct span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Split off the first blank-separated word of *s (leading blanks skipped). */
static struct span next_word(struct span *s)
{
	struct span w;

	*s = trim(*s);
	w.p = s->p;
	w.n = 0;
	while (w.n < s->n && !is_blank(s->p[w.n]))
		w.n++;
	s->p += w.n;
	s->n -= w.n;
	return w;
}

static bool span_eq(struct span a, const char *s)
{
	size_t n = strlen(s);

	return a.n == n && !memcmp(a.p, s, n);
}

static bool span_caseeq(struct span a, const char *s)
{
	size_t i, n = strlen(s);

	if (a.n != n)
		return false;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)a.p[i]) != tolower((unsigned char)s[i]))
			return false;
	return true;
}

/* A path as checksum lists and MANIFESTs write it: without leading "./"
 * (repeated) and, for directories, without trailing '/'. */
static struct span path_norm(struct span s)
{
	while (s.n >= 2 && s.p[0] == '.' && s.p[1] == '/') {
		s.p += 2;
		s.n -= 2;
		while (s.n && s.p[0] == '/') {
			s.p++;
			s.n--;
		}
	}
	while (s.n > 1 && s.p[s.n - 1] == '/')
		s.n--;
	return s;
}

static struct span cstr(const char *s)
{
	struct span r = { s, s ? strlen(s) : 0 };

	return r;
}

static bool is_hex_span(struct span s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (!isxdigit((unsigned char)s.p[i]))
			return false;
	return s.n > 0;
}

/* A digest as hex: 32 to 128 hex digits, an even count. */
static bool is_digest(struct span s)
{
	return s.n >= 32 && s.n <= 128 && s.n % 2 == 0 && is_hex_span(s);
}

static char *hex_lower_dup(struct span s)
{
	char *r = vp_strndup(s.p, s.n);
	size_t i;

	for (i = 0; r[i]; i++)
		r[i] = (char)tolower((unsigned char)r[i]);
	return r;
}

/* A copy of s, cut at an embedded NUL (values are C strings). */
static char *span_dup(struct span s)
{
	return vp_strndup(s.p, s.n);
}

/* A value: cut at an embedded NUL, then trimmed, then copied. */
static char *value_dup(struct span s)
{
	const char *nul = s.n ? memchr(s.p, '\0', s.n) : NULL;

	if (nul)
		s.n = (size_t)(nul - s.p);
	return span_dup(trim(s));
}

/* ---- GNU and BSD checksum lists ------------------------------------------- */

/* "SHA256 (path) = hex" (BSD, Fedora's CHECKSUM files): hex and path. */
static bool bsd_sum_line(struct span line, struct span *hex, struct span *path)
{
	struct span rest = line, algo = next_word(&rest);
	const char *close;
	size_t i;

	rest = trim(rest);
	if (!algo.n || !rest.n || rest.p[0] != '(')
		return false;
	for (i = 0; i < algo.n; i++)
		if (!isalnum((unsigned char)algo.p[i]) && algo.p[i] != '-')
			return false;
	/* the last ") = " on the line: names may hold parentheses */
	close = NULL;
	for (i = 1; i + 4 <= rest.n; i++)
		if (!memcmp(rest.p + i, ") = ", 4))
			close = rest.p + i;
	if (!close)
		return false;
	path->p = rest.p + 1;
	path->n = (size_t)(close - path->p);
	hex->p = close + 4;
	hex->n = (size_t)(rest.p + rest.n - hex->p);
	*hex = trim(*hex);
	return is_digest(*hex);
}

/* "hex  path" or "hex *path" (GNU): hex and path. */
static bool gnu_sum_line(struct span line, struct span *hex, struct span *path)
{
	struct span rest = line;

	*hex = next_word(&rest);
	if (!is_digest(*hex) || !rest.n || !is_blank(rest.p[0]))
		return false;
	/* the separator: one blank, then ' ' (text) or '*' (binary); be
	 * lenient with more blanks */
	while (rest.n && is_blank(rest.p[0])) {
		rest.p++;
		rest.n--;
	}
	if (rest.n && rest.p[0] == '*') {
		rest.p++;
		rest.n--;
	}
	*path = trim(rest);
	return path->n > 0;
}

char *vp_sums_find(const char *text, size_t len, const char *relpath)
{
	struct lines it = lines_of(text, len);
	struct span line, want;

	if (!relpath)
		return NULL;
	want = path_norm(cstr(relpath));
	if (!want.n)
		return NULL;
	while (next_line(&it, &line)) {
		struct span hex, path;

		line = trim(line);
		if (!line.n || line.p[0] == '#')
			continue;
		if (!gnu_sum_line(line, &hex, &path) && !bsd_sum_line(line, &hex, &path))
			continue;
		path = path_norm(path);
		if (path.n == want.n && !memcmp(path.p, want.p, want.n))
			return hex_lower_dup(hex);
	}
	return NULL;
}

/* ---- MANIFEST ------------------------------------------------------------- */

bool vp_manifest_has(const char *text, size_t len, const char *relpath)
{
	struct lines it = lines_of(text, len);
	struct span line, want;

	if (!relpath)
		return false;
	want = path_norm(cstr(relpath));
	if (!want.n || (want.n == 1 && want.p[0] == '/'))
		return false;
	while (next_line(&it, &line)) {
		struct span first = next_word(&line);

		if (!first.n || first.p[0] == '#')
			continue;
		first = path_norm(first);
		if (!first.n || (first.n == 1 && (first.p[0] == '/' || first.p[0] == '.')))
			continue;
		if (first.n > want.n || memcmp(first.p, want.p, first.n))
			continue;
		if (first.n == want.n || want.p[first.n] == '/')
			return true;
	}
	return false;
}

/* ---- INI (.treeinfo) ------------------------------------------------------ */

char *vp_ini_get(const char *text, size_t len, const char *section, const char *key)
{
	struct lines it = lines_of(text, len);
	struct span line;
	bool in_section = false;

	if (!section || !key || !*key)
		return NULL;
	while (next_line(&it, &line)) {
		struct span k, v;
		size_t i;

		line = trim(line);
		if (!line.n || line.p[0] == '#' || line.p[0] == ';')
			continue;
		if (line.p[0] == '[') {
			const char *close = NULL;

			for (i = 1; i < line.n; i++)
				if (line.p[i] == ']')
					close = line.p + i;
			if (!close)
				continue; /* not a header: configparser would refuse the file */
			k.p = line.p + 1;
			k.n = (size_t)(close - k.p);
			in_section = span_eq(trim(k), section);
			continue;
		}
		if (!in_section)
			continue;
		for (i = 0; i < line.n && line.p[i] != '=' && line.p[i] != ':'; i++)
			;
		if (i == line.n)
			continue;
		k.p = line.p;
		k.n = i;
		v.p = line.p + i + 1;
		v.n = line.n - i - 1;
		if (span_caseeq(trim(k), key))
			return value_dup(v);
	}
	return NULL;
}

/* ---- SUSE content --------------------------------------------------------- */

char *vp_suse_content_get(const char *text, size_t len, const char *key)
{
	struct lines it = lines_of(text, len);
	struct span line;

	if (!key || !*key)
		return NULL;
	while (next_line(&it, &line)) {
		struct span w = next_word(&line);

		if (span_eq(w, key))
			return value_dup(line);
	}
	return NULL;
}

char *vp_suse_content_hash(const char *text, size_t len, const char *relpath)
{
	struct lines it = lines_of(text, len);
	struct span line, want;

	if (!relpath)
		return NULL;
	want = path_norm(cstr(relpath));
	if (!want.n)
		return NULL;
	while (next_line(&it, &line)) {
		struct span kind = next_word(&line), algo, hex, path;

		if (!span_eq(kind, "HASH"))
			continue;
		algo = next_word(&line);
		hex = next_word(&line);
		path = path_norm(trim(line));
		if (span_caseeq(algo, "SHA256") && hex.n == 64 && is_hex_span(hex) &&
		    path.n == want.n && !memcmp(path.p, want.p, want.n))
			return hex_lower_dup(hex);
	}
	return NULL;
}

/* ---- Debian and Ubuntu codenames ------------------------------------------ */

static const struct {
	const char *codename, *version, *family;
} codenames[] = {
	/* Debian (https://www.debian.org/releases/; osinfo-db's debian*.xml) */
	{ "buzz", "1.1", "debian" },       { "rex", "1.2", "debian" },
	{ "bo", "1.3", "debian" },         { "hamm", "2.0", "debian" },
	{ "slink", "2.1", "debian" },      { "potato", "2.2", "debian" },
	{ "woody", "3.0", "debian" },      { "sarge", "3.1", "debian" },
	{ "etch", "4.0", "debian" },       { "lenny", "5.0", "debian" },
	{ "squeeze", "6.0", "debian" },    { "wheezy", "7", "debian" },
	{ "jessie", "8", "debian" },       { "stretch", "9", "debian" },
	{ "buster", "10", "debian" },      { "bullseye", "11", "debian" },
	{ "bookworm", "12", "debian" },    { "trixie", "13", "debian" },
	{ "forky", "14", "debian" },       { "duke", "15", "debian" },
	{ "sid", "unstable", "debian" },   { "unstable", "unstable", "debian" },
	{ "testing", "testing", "debian" },
	/* Ubuntu (https://wiki.ubuntu.com/Releases; osinfo-db's ubuntu*.xml) */
	{ "warty", "4.10", "ubuntu" },     { "hoary", "5.04", "ubuntu" },
	{ "breezy", "5.10", "ubuntu" },    { "dapper", "6.06", "ubuntu" },
	{ "edgy", "6.10", "ubuntu" },      { "feisty", "7.04", "ubuntu" },
	{ "gutsy", "7.10", "ubuntu" },     { "hardy", "8.04", "ubuntu" },
	{ "intrepid", "8.10", "ubuntu" },  { "jaunty", "9.04", "ubuntu" },
	{ "karmic", "9.10", "ubuntu" },    { "lucid", "10.04", "ubuntu" },
	{ "maverick", "10.10", "ubuntu" }, { "natty", "11.04", "ubuntu" },
	{ "oneiric", "11.10", "ubuntu" },  { "precise", "12.04", "ubuntu" },
	{ "quantal", "12.10", "ubuntu" },  { "raring", "13.04", "ubuntu" },
	{ "saucy", "13.10", "ubuntu" },    { "trusty", "14.04", "ubuntu" },
	{ "utopic", "14.10", "ubuntu" },   { "vivid", "15.04", "ubuntu" },
	{ "wily", "15.10", "ubuntu" },     { "xenial", "16.04", "ubuntu" },
	{ "yakkety", "16.10", "ubuntu" },  { "zesty", "17.04", "ubuntu" },
	{ "artful", "17.10", "ubuntu" },   { "bionic", "18.04", "ubuntu" },
	{ "cosmic", "18.10", "ubuntu" },   { "disco", "19.04", "ubuntu" },
	{ "eoan", "19.10", "ubuntu" },     { "focal", "20.04", "ubuntu" },
	{ "groovy", "20.10", "ubuntu" },   { "hirsute", "21.04", "ubuntu" },
	{ "impish", "21.10", "ubuntu" },   { "jammy", "22.04", "ubuntu" },
	{ "kinetic", "22.10", "ubuntu" },  { "lunar", "23.04", "ubuntu" },
	{ "mantic", "23.10", "ubuntu" },   { "noble", "24.04", "ubuntu" },
	{ "oracular", "24.10", "ubuntu" }, { "plucky", "25.04", "ubuntu" },
	{ "questing", "25.10", "ubuntu" }, { "resolute", "26.04", "ubuntu" },
};

const char *vp_codename_version(const char *codename, const char **family)
{
	size_t i;

	if (family)
		*family = NULL;
	if (!codename)
		return NULL;
	for (i = 0; i < sizeof(codenames) / sizeof(codenames[0]); i++)
		if (!strcasecmp(codename, codenames[i].codename)) {
			if (family)
				*family = codenames[i].family;
			return codenames[i].version;
		}
	return NULL;
}

/* ---- .disk/info and version.info ------------------------------------------ */

static const char *const debarchs[] = {
	"amd64", "i386", "arm64", "armhf", "armel", "ppc64el", "s390x",
	"riscv64", "mips64el", "mipsel", "loong64", "powerpc", "ppc64", "ia64",
};

/* A version as releases write it: digits, dots between digit runs. */
static bool is_version_word(struct span w)
{
	size_t i;

	if (!w.n || !isdigit((unsigned char)w.p[0]) || !isdigit((unsigned char)w.p[w.n - 1]))
		return false;
	for (i = 0; i < w.n; i++) {
		if (isdigit((unsigned char)w.p[i]))
			continue;
		if (w.p[i] != '.' || w.p[i + 1] == '.')
			return false;
	}
	return true;
}

/* The first word of a quoted name, lowercased, if it is a plain word. */
static char *codename_word(struct span quoted)
{
	struct span w = next_word(&quoted);
	size_t i;
	char *r;

	if (!w.n || w.n > 32)
		return NULL;
	for (i = 0; i < w.n; i++)
		if (!isalpha((unsigned char)w.p[i]))
			return NULL;
	r = span_dup(w);
	for (i = 0; r[i]; i++)
		r[i] = (char)tolower((unsigned char)r[i]);
	return r;
}

void vp_disk_info_clear(struct vp_disk_info *di)
{
	if (!di)
		return;
	free(di->product);
	free(di->version);
	free(di->codename);
	free(di->debarch);
	memset(di, 0, sizeof(*di));
}

static bool is_suite_word(struct span w)
{
	return span_caseeq(w, "testing") || span_caseeq(w, "unstable") || span_caseeq(w, "sid");
}

/* The first Debian architecture name among the words of s. */
static char *find_debarch(struct span s)
{
	struct span w;
	size_t i;

	while ((w = next_word(&s)).n)
		for (i = 0; i < sizeof(debarchs) / sizeof(debarchs[0]); i++)
			if (span_eq(w, debarchs[i]))
				return vp_strdup(debarchs[i]);
	return NULL;
}

bool vp_disk_info_parse(const char *text, size_t len, struct vp_disk_info *out)
{
	struct lines it = lines_of(text, len);
	struct span line, rest, w, product = { NULL, 0 };
	const char *nul, *q1 = NULL, *q2 = NULL;

	memset(out, 0, sizeof(*out));
	if (!next_line(&it, &line))
		return false;
	/* a NUL ends the line: what follows is not text */
	nul = line.n ? memchr(line.p, '\0', line.n) : NULL;
	if (nul)
		line.n = (size_t)(nul - line.p);
	line = trim(line);

	/* the product: the words before the version or the quoted name */
	rest = line;
	for (;;) {
		w = next_word(&rest);
		if (!w.n || w.p[0] == '"' || w.p[0] == '-')
			break;
		if (is_version_word(w) || is_suite_word(w)) {
			out->version = span_dup(w);
			break;
		}
		if (!product.n)
			product.p = w.p;
		product.n = (size_t)(w.p + w.n - product.p);
	}
	if (product.n)
		out->product = span_dup(product);

	/* the quoted name */
	if (line.n)
		q1 = memchr(line.p, '"', line.n);
	if (q1)
		q2 = memchr(q1 + 1, '"', (size_t)(line.p + line.n - (q1 + 1)));
	if (q2) {
		struct span quoted = { q1 + 1, (size_t)(q2 - (q1 + 1)) };

		out->codename = codename_word(quoted);
		rest.p = q2 + 1;
		rest.n = (size_t)(line.p + line.n - rest.p);
		out->debarch = find_debarch(rest);
	}
	/* the architecture follows the name; else take it from anywhere */
	if (!out->debarch)
		out->debarch = find_debarch(line);
	return out->product || out->version || out->codename || out->debarch;
}

bool vp_version_info_parse(const char *text, size_t len, char **version, char **codename)
{
	struct lines it = lines_of(text, len);
	struct span line;

	*version = NULL;
	*codename = NULL;
	while (next_line(&it, &line)) {
		struct span rest, w;
		const char *colon;

		/* "<Distribution> version: <version> (<codename>)" */
		colon = line.n ? memchr(line.p, ':', line.n) : NULL;
		if (!colon)
			continue;
		rest.p = line.p;
		rest.n = (size_t)(colon - line.p);
		rest = trim(rest);
		if (rest.n < 8 || !span_caseeq((struct span){ rest.p + rest.n - 8, 8 }, " version"))
			continue;
		rest.p = colon + 1;
		rest.n = (size_t)(line.p + line.n - rest.p);
		w = next_word(&rest);
		if (is_version_word(w) || is_suite_word(w))
			*version = span_dup(w);
		rest = trim(rest);
		if (rest.n > 2 && rest.p[0] == '(' && rest.p[rest.n - 1] == ')') {
			struct span inner = { rest.p + 1, rest.n - 2 };

			*codename = codename_word(inner);
		}
		if (*version || *codename)
			return true;
	}
	return false;
}
