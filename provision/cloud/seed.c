/* provision/cloud/seed.c — cloud-init NoCloud seeds (seed.h) */
#include "seed.h"

#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "arlib.h"
#include "cleanup.h"
#include "fs.h"
#include "secret.h"
#include "uuid.h"
#include "yamllib.h"

#define SEED_FILE_MAX (1u << 20) /* what cloud-init itself reads of a seed file: small */
#define MERGE_HOW "list(append)+dict(recurse_array,no_replace)+str()"
/* How deep the user's #cloud-config may nest: libyaml's scanner takes time
 * quadratic in the depth of flow collections (a megabyte of '[' is minutes),
 * and cloud-init's YAML loader recurses (Python's limit of 1000 frames is
 * some 300 levels); real configs nest a handful. */
#define USER_YAML_DEPTH_MAX 100

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* ---- reading the user's files ------------------------------------------- */

static int read_text(const char *path, const char *what, char **out, size_t *len,
		     struct vp_error *err)
{
	size_t n = 0;
	char *s = vp_read_file(path, SEED_FILE_MAX, &n);

	if (!s)
		return vp_error_set(err, VP_ERR_INVALID, "cannot read the %s file '%s': %s", what,
				    path, errno == EFBIG ? "it is too big" : strerror(errno));
	*out = s;
	if (len)
		*len = n;
	return 0;
}

/* Each of n bytes valid UTF-8, no NUL. */
static bool valid_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p;
		size_t k, i;
		uint32_t cp;

		if (!c)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return false;
		if ((size_t)(end - p) <= k)
			return false;
		for (i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += k + 1;
	}
	return true;
}

/* ---- YAML: every string double-quoted ----------------------------------- */

/* s must be valid UTF-8 (checked by the caller).  Escapes what YAML 1.1
 * would otherwise fold or refuse in a double-quoted scalar: '"', '\\', C0
 * controls, DEL, NEL, LS, PS and the BOM. */
static void yaml_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else if (p[0] == 0xc2 && p[1] == 0x85)
			fputs("\\N", f), p++;
		else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
			fputs(p[2] == 0xa8 ? "\\L" : "\\P", f), p += 2;
		else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
			fputs("\\uFEFF", f), p += 2;
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* ---- public keys -------------------------------------------------------- */

static bool key_type_known(const char *t, size_t n)
{
	static const char *const types[] = {
		"ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
		"ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
		"sk-ecdsa-sha2-nistp256@openssh.com", "ssh-ed448",
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == n && !memcmp(types[i], t, n))
			return true;
	return false;
}

/* "TYPE BASE64[ COMMENT]" */
static bool public_key_line(const char *l)
{
	size_t t = strcspn(l, " \t"), b;
	const char *k;

	if (!key_type_known(l, t) || !l[t])
		return false;
	k = l + t + strspn(l + t, " \t");
	b = strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
	return b >= 16 && (!k[b] || k[b] == ' ' || k[b] == '\t');
}

/* Every key line of a .pub (or authorized_keys-like) file: blank lines and
 * comments skipped, anything else must be a public key. */
static int read_keys(const char *path, const char *what, char ***keys, size_t *n,
		     struct vp_error *err)
{
	_cleanup_(freep) char *text = NULL;
	size_t len, before = *n;
	char *line, *save = NULL;

	if (read_text(path, what, &text, &len, err) < 0)
		return -1;
	if (strstr(text, "PRIVATE KEY-----"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "the %s file '%s' holds a private key; give the public one (.pub)",
				    what, path);
	if (!valid_utf8(text, len))
		return vp_error_set(err, VP_ERR_INVALID, "the %s file '%s' is not a public key",
				    what, path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l;

		line += strspn(line, " \t\r");
		l = strlen(line);
		while (l && (line[l - 1] == '\r' || line[l - 1] == ' ' || line[l - 1] == '\t'))
			line[--l] = 0;
		if (!l || line[0] == '#')
			continue;
		if (!public_key_line(line))
			return vp_error_set(err, VP_ERR_INVALID,
					    "the %s file '%s' is not a public key (a line of it is "
					    "not 'TYPE BASE64 [COMMENT]')",
					    what, path);
		vp_strings_add(keys, n, vp_strdup(line));
	}
	if (*n == before)
		return vp_error_set(err, VP_ERR_INVALID, "the %s file '%s' holds no public key",
				    what, path);
	return 0;
}

/* ---- names -------------------------------------------------------------- */

static bool valid_hostname(const char *h)
{
	size_t n = strlen(h), label = 0;
	const char *p;

	if (!n || n > 253 || h[0] == '.' || h[n - 1] == '.')
		return false;
	for (p = h; *p; p++) {
		if (*p == '.') {
			if (!label || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
		if (*p == '-' && !label)
			return false;
		if (++label > 63)
			return false;
	}
	return h[n - 1] != '-';
}

/* A VM name as a host name: other characters as '-', at most 63. */
static char *hostname_of(const char *vm)
{
	char *h = vp_strndup(vm, 63);
	size_t i, n;

	for (i = 0; h[i]; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9')))
			h[i] = '-';
	n = strlen(h);
	while (n && h[n - 1] == '-')
		h[--n] = 0;
	i = strspn(h, "-");
	memmove(h, h + i, n - i + 1);
	if (!h[0])
		vp_set_str(&h, "localhost");
	return h;
}

/* ---- user-data ---------------------------------------------------------- */

struct gen {
	const char *hostname;
	const char *password_hash; /* NULL: none */
	bool expire;
	char **root_keys;
	size_t n_root_keys;
	char **user_keys;
	size_t n_user_keys;
	bool disable;
};

static void gen_keys(FILE *f, const char *indent, char **keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(f, "%s- ", indent);
		yaml_str(f, keys[i]);
		fputc('\n', f);
	}
}

/* The generated #cloud-config (malloc'd); header lines, when not NULL, go
 * before it (MIME part headers). */
static char *gen_cloud_config(const struct gen *g)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char *dot;

	if (!f)
		vp_oom();
	fputs("#cloud-config\n", f);
	dot = strchr(g->hostname, '.');
	if (dot) {
		_cleanup_(freep) char *shortname = vp_strndup(g->hostname, (size_t)(dot - g->hostname));

		fputs("hostname: ", f);
		yaml_str(f, shortname);
		fputs("\nfqdn: ", f);
		yaml_str(f, g->hostname);
		fputs("\nprefer_fqdn_over_hostname: true\n", f);
	} else {
		fputs("hostname: ", f);
		yaml_str(f, g->hostname);
		fputc('\n', f);
	}
	fputs("preserve_hostname: false\n", f);
	if (g->password_hash) {
		_cleanup_(freep) char *line = vp_strdup_printf("root:%s\n", g->password_hash);

		fputs("chpasswd:\n  list: ", f);
		yaml_str(f, line);
		fprintf(f, "\n  expire: %s\n", g->expire ? "true" : "false");
	}
	if (g->n_root_keys) {
		fputs("disable_root: false\nusers:\n  - \"default\"\n  - name: \"root\"\n"
		      "    lock_passwd: false\n    ssh_authorized_keys:\n", f);
		gen_keys(f, "      ", g->root_keys, g->n_root_keys);
	}
	if (g->n_user_keys) {
		fputs("ssh_authorized_keys:\n", f);
		gen_keys(f, "  ", g->user_keys, g->n_user_keys);
	}
	if (g->disable)
		fputs("runcmd:\n  - [\"touch\", \"/etc/cloud/cloud-init.disabled\"]\n", f);
	if (fclose(f))
		vp_oom();
	return out;
}

enum part_kind { PART_CLOUD_CONFIG, PART_SCRIPT, PART_BOOTHOOK, PART_INCLUDE, PART_MIME };

static int user_part_kind(const char *text, const char *path, enum part_kind *k,
			  struct vp_error *err)
{
	size_t n = strcspn(text, "\r\n");

#define FIRST(p) (n >= strlen(p) && !strncmp(text, p, strlen(p)))
	if (FIRST("#cloud-config") && (n == 13 || text[13] == ' ' || text[13] == '\t'))
		*k = PART_CLOUD_CONFIG;
	else if (FIRST("#!"))
		*k = PART_SCRIPT;
	else if (FIRST("#cloud-boothook"))
		*k = PART_BOOTHOOK;
	else if (FIRST("#include") && (n == 8 || text[8] == ' ' || text[8] == '\t'))
		*k = PART_INCLUDE;
	else if (!strncasecmp(text, "content-type:", 13) || !strncasecmp(text, "mime-version:", 13))
		*k = PART_MIME;
	else
		return vp_error_set(err, VP_ERR_INVALID,
				    "the user-data file '%s' is not #cloud-config, a script (#!), "
				    "#cloud-boothook, #include or MIME multipart",
				    path);
#undef FIRST
	return 0;
}

static const char *const part_types[] = {
	[PART_SCRIPT] = "text/x-shellscript",
	[PART_BOOTHOOK] = "text/cloud-boothook", [PART_INCLUDE] = "text/x-include-url",
};

/* The user's part (anything but #cloud-config) first, the generated
 * cloud-config after it. */
static int multipart(const char *user, enum part_kind k, const char *generated, char **out,
		     struct vp_error *err)
{
	unsigned char rnd[12];
	char boundary[64];
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	do {
		int o = snprintf(boundary, sizeof(boundary), "===============vprov-");

		if (vp_random_bytes(rnd, sizeof(rnd), err) < 0)
			return -1;
		for (i = 0; i < sizeof(rnd); i++)
			o += snprintf(boundary + o, sizeof(boundary) - (size_t)o, "%02x", rnd[i]);
		snprintf(boundary + o, sizeof(boundary) - (size_t)o, "==");
	} while (strstr(user, boundary) || strstr(generated, boundary));

	f = open_memstream(&text, &len);
	if (!f)
		vp_oom();
	fprintf(f, "Content-Type: multipart/mixed; boundary=\"%s\"\nMIME-Version: 1.0\n\n",
		boundary);
	fprintf(f, "--%s\n", boundary);
	if (k == PART_MIME) {
		fputs(user, f); /* its own headers, then its body */
	} else {
		fprintf(f, "Content-Type: %s; charset=\"utf-8\"\nMIME-Version: 1.0\n"
			   "Content-Transfer-Encoding: 8bit\n",
			part_types[k]);
		fprintf(f, "Content-Disposition: attachment; filename=\"%s\"\n\n",
			k == PART_SCRIPT ? "user-script" : "user-data");
		fputs(user, f);
	}
	/* the line end before a delimiter belongs to the delimiter (RFC 2046):
	 * one more keeps the part's text as it was */
	fflush(f);
	if (len && text[len - 1] != '\n')
		fputc('\n', f);
	fputc('\n', f);
	fprintf(f, "--%s\nContent-Type: text/cloud-config; charset=\"utf-8\"\nMIME-Version: 1.0\n"
		   "Content-Transfer-Encoding: 8bit\nMerge-Type: " MERGE_HOW "\n"
		   "Content-Disposition: attachment; filename=\"vprov-cloud-config\"\n\n",
		boundary);
	fputs(generated, f);
	fprintf(f, "\n--%s--\n", boundary);
	if (fclose(f))
		vp_oom();
	*out = text;
	return 0;
}

/* ---- user-data: the user's #cloud-config and ours as one document ------- */

/* vprov's generated document as events, and its top-level keys */
struct gen_doc {
	yaml_event_t *ev;
	size_t n, cap;
	struct gen_key {
		const char *name; /* the key's scalar, in ev */
		size_t len;
		size_t key, end;  /* the pair's events: [key, end), the value from key + 1 */
		size_t user_line; /* where the user's document has this key too; 0: it has not */
	} keys[16];
	size_t n_keys;
};

static void gen_doc_clear(struct gen_doc *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		vp_yaml.yaml_event_delete(&g->ev[i]);
	free(g->ev);
	memset(g, 0, sizeof(*g));
}

static bool is_start(yaml_event_type_t t)
{
	return t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT;
}

static bool is_end(yaml_event_type_t t)
{
	return t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT;
}

/* The index after the node that starts at i. */
static size_t node_end(const struct gen_doc *g, size_t i)
{
	int depth = 0;

	do {
		if (is_start(g->ev[i].type))
			depth++;
		else if (is_end(g->ev[i].type))
			depth--;
		i++;
	} while (depth > 0 && i < g->n);
	return i;
}

static bool scalar_is(const yaml_event_t *e, const char *s)
{
	return e->type == YAML_SCALAR_EVENT && e->data.scalar.length == strlen(s) &&
	       !memcmp(e->data.scalar.value, s, e->data.scalar.length);
}

/* The host name keys go together: the user's document setting any of them
 * keeps all of ours out (a hostname of theirs beside an fqdn of ours would
 * name the guest twice). */
static bool host_key(const yaml_event_t *e)
{
	return scalar_is(e, "hostname") || scalar_is(e, "fqdn") ||
	       scalar_is(e, "prefer_fqdn_over_hostname");
}

static int parse_generated(const char *text, struct gen_doc *g, struct vp_error *err)
{
	yaml_parser_t p;
	size_t i;
	int r = 0;

	if (!vp_yaml.yaml_parser_initialize(&p))
		vp_oom();
	vp_yaml.yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	for (;;) {
		if (g->n == g->cap) {
			g->cap = g->cap ? 2 * g->cap : 64;
			g->ev = vp_grow(g->ev, g->cap, sizeof(*g->ev));
		}
		if (!vp_yaml.yaml_parser_parse(&p, &g->ev[g->n])) {
			r = vp_error_set(err, VP_ERR_RUNTIME,
					 "vprov's own cloud-config does not parse as YAML (a bug): %s",
					 p.problem ? p.problem : "no reason given");
			break;
		}
		if (g->ev[g->n++].type == YAML_STREAM_END_EVENT)
			break;
	}
	vp_yaml.yaml_parser_delete(&p);
	if (r < 0)
		return r;
	/* stream start, document start, mapping start, pairs, mapping end, ... */
	if (g->n < 3 || g->ev[2].type != YAML_MAPPING_START_EVENT)
		return vp_error_set(err, VP_ERR_RUNTIME, "vprov's own cloud-config is not a mapping (a bug)");
	for (i = 3; i < g->n && g->ev[i].type == YAML_SCALAR_EVENT;) {
		struct gen_key *k = &g->keys[g->n_keys];

		if (g->n_keys == sizeof(g->keys) / sizeof(g->keys[0]))
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "vprov's own cloud-config has too many keys (a bug)");
		k->name = (const char *)g->ev[i].data.scalar.value;
		k->len = g->ev[i].data.scalar.length;
		k->key = i;
		k->end = node_end(g, i + 1);
		i = k->end;
		g->n_keys++;
	}
	return 0;
}

/* Emit a copy of a node event (the emitter takes the copy); stream and
 * document events are the caller's. */
static int emit_copy(yaml_emitter_t *em, const yaml_event_t *s)
{
	yaml_event_t e;
	int ok;

	switch (s->type) {
	case YAML_ALIAS_EVENT:
		ok = vp_yaml.yaml_alias_event_initialize(&e, s->data.alias.anchor);
		break;
	case YAML_SCALAR_EVENT:
		ok = vp_yaml.yaml_scalar_event_initialize(
			&e, s->data.scalar.anchor, s->data.scalar.tag, s->data.scalar.value,
			(int)s->data.scalar.length, s->data.scalar.plain_implicit,
			s->data.scalar.quoted_implicit, s->data.scalar.style);
		break;
	case YAML_SEQUENCE_START_EVENT:
		ok = vp_yaml.yaml_sequence_start_event_initialize(
			&e, s->data.sequence_start.anchor, s->data.sequence_start.tag,
			s->data.sequence_start.implicit, s->data.sequence_start.style);
		break;
	case YAML_SEQUENCE_END_EVENT:
		ok = vp_yaml.yaml_sequence_end_event_initialize(&e);
		break;
	case YAML_MAPPING_START_EVENT:
		ok = vp_yaml.yaml_mapping_start_event_initialize(
			&e, s->data.mapping_start.anchor, s->data.mapping_start.tag,
			s->data.mapping_start.implicit, s->data.mapping_start.style);
		break;
	case YAML_MAPPING_END_EVENT:
		ok = vp_yaml.yaml_mapping_end_event_initialize(&e);
		break;
	default:
		return 1;
	}
	return ok && vp_yaml.yaml_emitter_emit(em, &e);
}

static int emit_range(yaml_emitter_t *em, const struct gen_doc *g, size_t from, size_t to)
{
	for (; from < to; from++)
		if (!emit_copy(em, &g->ev[from]))
			return 0;
	return 1;
}

/* Our pairs the user's document has not got (host name keys: see
 * host_key). */
static int emit_our_keys(yaml_emitter_t *em, const struct gen_doc *g, bool user_host)
{
	size_t i;

	for (i = 0; i < g->n_keys; i++)
		if (!g->keys[i].user_line && !(user_host && host_key(&g->ev[g->keys[i].key])) &&
		    !emit_range(em, g, g->keys[i].key, g->keys[i].end))
			return 0;
	return 1;
}

/* The items of our list k, after the user's; our "default" in users is left
 * out when the user's list has one. */
static int emit_our_items(yaml_emitter_t *em, const struct gen_doc *g, size_t k, bool user_default)
{
	size_t i = g->keys[k].key + 2, end = g->keys[k].end - 1, j;

	for (; i < end; i = j) {
		j = node_end(g, i);
		if (user_default && scalar_is(&g->ev[g->keys[k].key], "users") &&
		    scalar_is(&g->ev[i], "default"))
			continue;
		if (!emit_range(em, g, i, j))
			return 0;
	}
	return 1;
}

static int memstream_write(void *data, unsigned char *buf, size_t size)
{
	return fwrite(buf, 1, size, data) == size;
}

static size_t line_of_offset(const char *text, size_t len, size_t off)
{
	size_t line = 1, i;

	for (i = 0; i < off && i < len; i++)
		line += text[i] == '\n';
	return line;
}

static int yaml_parse_error(const yaml_parser_t *p, const char *text, size_t len,
			    const char *path, struct vp_error *err)
{
	if (p->error == YAML_MEMORY_ERROR)
		vp_oom();
	if (p->error == YAML_READER_ERROR)
		return vp_error_set(err, VP_ERR_INVALID,
				    "the user-data file '%s' is not valid YAML: %s at line %zu", path,
				    p->problem ? p->problem : "unreadable text",
				    line_of_offset(text, len, p->problem_offset));
	if (p->context)
		return vp_error_set(err, VP_ERR_INVALID,
				    "the user-data file '%s' is not valid YAML: %s at line %zu, "
				    "column %zu (%s at line %zu)",
				    path, p->problem ? p->problem : "a syntax error",
				    p->problem_mark.line + 1, p->problem_mark.column + 1, p->context,
				    p->context_mark.line + 1);
	return vp_error_set(err, VP_ERR_INVALID,
			    "the user-data file '%s' is not valid YAML: %s at line %zu, column %zu",
			    path, p->problem ? p->problem : "a syntax error",
			    p->problem_mark.line + 1, p->problem_mark.column + 1);
}

/* An empty document, or one of a plain null: no keys. */
static bool null_root(const yaml_event_t *e)
{
	return e->type == YAML_SCALAR_EVENT && !e->data.scalar.tag &&
	       e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (scalar_is(e, "") || scalar_is(e, "~") || scalar_is(e, "null") ||
		scalar_is(e, "Null") || scalar_is(e, "NULL"));
}

/* The user's #cloud-config (user, ulen bytes, from path) and the generated
 * one as one #cloud-config document, streamed event by event: the user's
 * nodes in their order, with their tags, styles, anchors and aliases; a
 * list both have gets ours appended; our keys the user's document has not
 * got come at the end of the top-level mapping. */
static int merge_cloud_config(const char *user, size_t ulen, const char *path,
			      const char *generated, char **out, struct vp_error *err)
{
	struct gen_doc g = { 0 };
	yaml_parser_t p;
	yaml_emitter_t em;
	yaml_event_t ev, e;
	char *text = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int depth = 0;          /* collections open in the user's document; the root is 1 */
	bool at_key = true;     /* the next node at depth 1 is a key */
	ssize_t cur = -1;       /* our key the user's key just read is */
	ssize_t append = -1;    /* our list to append at the end of the user's open one */
	bool user_default = false, user_host = false, ok = true;
	int docs = 0, r = -1;

	if (vp_yaml_load(err) < 0 || parse_generated(generated, &g, err) < 0) {
		gen_doc_clear(&g);
		return -1;
	}
	f = open_memstream(&text, &len);
	if (!f || !vp_yaml.yaml_parser_initialize(&p) || !vp_yaml.yaml_emitter_initialize(&em))
		vp_oom();
	fputs("#cloud-config\n", f);
	vp_yaml.yaml_parser_set_input_string(&p, (const unsigned char *)user, ulen);
	vp_yaml.yaml_emitter_set_output(&em, memstream_write, f);
	vp_yaml.yaml_emitter_set_unicode(&em, 1);
	vp_yaml.yaml_emitter_set_width(&em, -1); /* keys and hashes on one line each */
	ok = vp_yaml.yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING) &&
	     vp_yaml.yaml_emitter_emit(&em, &e) &&
	     vp_yaml.yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1) &&
	     vp_yaml.yaml_emitter_emit(&em, &e);

	while (ok) {
		yaml_event_type_t t;
		size_t line;

		if (!vp_yaml.yaml_parser_parse(&p, &ev)) {
			yaml_parse_error(&p, user, ulen, path, err);
			goto out;
		}
		t = ev.type;
		line = ev.start_mark.line + 1;
		if (t == YAML_STREAM_END_EVENT) {
			vp_yaml.yaml_event_delete(&ev);
			break;
		}
		if (t == YAML_DOCUMENT_START_EVENT && docs++) {
			vp_yaml.yaml_event_delete(&ev);
			vp_error_set(err, VP_ERR_INVALID,
				     "the user-data file '%s' holds more than one YAML document (a "
				     "second one at line %zu); cloud-init reads one",
				     path, line);
			goto out;
		}
		if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT ||
		    t == YAML_DOCUMENT_END_EVENT) {
			vp_yaml.yaml_event_delete(&ev);
			continue;
		}
		if (depth == 0) { /* the root node */
			if (t == YAML_MAPPING_START_EVENT) {
				ok = emit_copy(&em, &ev);
				depth = 1;
			} else if (null_root(&ev)) {
				ok = vp_yaml.yaml_mapping_start_event_initialize(
					     &e, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) &&
				     vp_yaml.yaml_emitter_emit(&em, &e) &&
				     emit_our_keys(&em, &g, false) &&
				     vp_yaml.yaml_mapping_end_event_initialize(&e) &&
				     vp_yaml.yaml_emitter_emit(&em, &e);
			} else {
				vp_yaml.yaml_event_delete(&ev);
				vp_error_set(err, VP_ERR_INVALID,
					     "the user-data file '%s' is #cloud-config but not a YAML "
					     "mapping of keys (line %zu)",
					     path, line);
				goto out;
			}
			vp_yaml.yaml_event_delete(&ev);
			continue;
		}
		if (depth == 1 && !is_end(t)) { /* a key or a value of the root mapping */
			if (at_key) {
				size_t k;

				cur = -1;
				user_host = user_host || host_key(&ev);
				for (k = 0; t == YAML_SCALAR_EVENT && k < g.n_keys; k++) {
					if (ev.data.scalar.length != g.keys[k].len ||
					    memcmp(ev.data.scalar.value, g.keys[k].name, g.keys[k].len))
						continue;
					if (g.keys[k].user_line) {
						vp_error_set(err, VP_ERR_INVALID,
							     "the user-data file '%s' has the key '%s' "
							     "twice (lines %zu and %zu)",
							     path, g.keys[k].name, g.keys[k].user_line, line);
						vp_yaml.yaml_event_delete(&ev);
						goto out;
					}
					g.keys[k].user_line = line;
					cur = (ssize_t)k;
				}
			} else if (cur >= 0 && t == YAML_SEQUENCE_START_EVENT &&
				   g.ev[g.keys[cur].key + 1].type == YAML_SEQUENCE_START_EVENT) {
				append = cur;
				user_default = false;
			}
			at_key = !at_key;
		}
		if (depth == 2 && append >= 0 && scalar_is(&ev, "default"))
			user_default = true;
		if (is_end(t)) {
			depth--;
			if (depth == 1 && append >= 0 && t == YAML_SEQUENCE_END_EVENT) {
				ok = emit_our_items(&em, &g, (size_t)append, user_default);
				append = -1;
			} else if (depth == 0) {
				ok = emit_our_keys(&em, &g, user_host);
			}
		} else if (is_start(t) && ++depth > USER_YAML_DEPTH_MAX) {
			vp_yaml.yaml_event_delete(&ev);
			vp_error_set(err, VP_ERR_INVALID,
				     "the user-data file '%s' nests deeper than %d levels (at line %zu)",
				     path, USER_YAML_DEPTH_MAX, line);
			goto out;
		}
		ok = ok && emit_copy(&em, &ev);
		vp_yaml.yaml_event_delete(&ev);
	}
	if (ok && !docs) /* no document at all: comments only */
		ok = vp_yaml.yaml_mapping_start_event_initialize(&e, NULL, NULL, 1,
								 YAML_BLOCK_MAPPING_STYLE) &&
		     vp_yaml.yaml_emitter_emit(&em, &e) && emit_our_keys(&em, &g, false) &&
		     vp_yaml.yaml_mapping_end_event_initialize(&e) &&
		     vp_yaml.yaml_emitter_emit(&em, &e);
	ok = ok && vp_yaml.yaml_document_end_event_initialize(&e, 1) &&
	     vp_yaml.yaml_emitter_emit(&em, &e) && vp_yaml.yaml_stream_end_event_initialize(&e) &&
	     vp_yaml.yaml_emitter_emit(&em, &e);
	if (!ok) {
		if (em.error == YAML_MEMORY_ERROR)
			vp_oom();
		vp_error_set(err, VP_ERR_INVALID,
			     "the user-data file '%s' cannot be written back as YAML: %s", path,
			     em.problem ? em.problem : "libyaml refused a node of it");
		goto out;
	}
	r = 0;
out:
	vp_yaml.yaml_emitter_delete(&em);
	vp_yaml.yaml_parser_delete(&p);
	gen_doc_clear(&g);
	if (fclose(f))
		vp_oom();
	if (r == 0)
		*out = text;
	else
		free(text);
	return r;
}

/* ---- meta-data ---------------------------------------------------------- */

/* Whether a YAML block mapping has the top-level key (plain or quoted). */
static bool has_top_key(const char *text, const char *key)
{
	const char *l = text;
	size_t n = strlen(key);

	for (; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *p = l;
		char q = 0;

		if (*p == '"' || *p == '\'')
			q = *p++;
		if (strncmp(p, key, n))
			continue;
		p += n;
		if (q && *p++ != q)
			continue;
		p += strspn(p, " \t");
		if (*p == ':')
			return true;
	}
	return false;
}

static int build_meta_data(const struct vp_seed_opts *o, const char *hostname,
			   const char *instance_id, char **out, struct vp_error *err)
{
	_cleanup_(freep) char *user = NULL;
	char *text = NULL;
	size_t len = 0, ulen = 0;
	FILE *f;

	if (o->meta_data) {
		const char *p;

		if (read_text(o->meta_data, "meta-data", &user, &ulen, err) < 0)
			return -1;
		if (!valid_utf8(user, ulen))
			return vp_error_set(err, VP_ERR_INVALID,
					    "the meta-data file '%s' is not UTF-8 text", o->meta_data);
		p = user;
		while (*p == '#' || *p == '\n' || *p == ' ' || *p == '\t' || *p == '\r') {
			if (*p == '#')
				p += strcspn(p, "\n");
			else
				p++;
		}
		if (*p == '{' || *p == '[' || *p == '-' || !strchr(p, ':'))
			return vp_error_set(err, VP_ERR_INVALID,
					    "the meta-data file '%s' is not a YAML block mapping "
					    "(key: value lines)",
					    o->meta_data);
	}
	f = open_memstream(&text, &len);
	if (!f)
		vp_oom();
	if (!user || !has_top_key(user, "instance-id")) {
		fputs("instance-id: ", f);
		yaml_str(f, instance_id);
		fputc('\n', f);
	}
	if (!user || !has_top_key(user, "local-hostname")) {
		fputs("local-hostname: ", f);
		yaml_str(f, hostname);
		fputc('\n', f);
	}
	if (user) {
		fputs(user, f);
		if (ulen && user[ulen - 1] != '\n')
			fputc('\n', f);
	}
	if (fclose(f))
		vp_oom();
	*out = text;
	return 0;
}

/* ---- the seed ----------------------------------------------------------- */

bool vp_seed_opts_bare(const struct vp_seed_opts *o)
{
	return !o->root_password_file && !o->root_password_generate && !o->disable &&
	       !o->n_root_ssh_keys && !o->n_clouduser_ssh_keys && !o->user_data && !o->meta_data &&
	       !o->network_config;
}

/* $HOME/.ssh/id_*.pub, sorted; none is fine. */
static int home_keys(char ***keys, size_t *n, struct vp_error *err)
{
	const char *home = getenv("HOME");
	_cleanup_(freep) char *pattern = NULL;
	glob_t g;
	size_t i;
	int r;

	if (!home || home[0] != '/')
		return 0;
	pattern = vp_strdup_printf("%s/.ssh/id_*.pub", home);
	r = glob(pattern, 0, NULL, &g);
	if (r == GLOB_NOMATCH)
		return 0;
	if (r)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot list '%s/.ssh'", home);
	for (i = 0; i < g.gl_pathc; i++)
		if (read_keys(g.gl_pathv[i], "root SSH key", keys, n, err) < 0) {
			globfree(&g);
			return -1;
		}
	globfree(&g);
	return 0;
}

static void keys_free(char ***k, size_t *n)
{
	vp_strings_free(*k, *n);
	*k = NULL;
	*n = 0;
}

int vp_seed_build(const struct vp_seed_opts *o, struct vp_seed *out, struct vp_error *err)
{
	struct vp_seed s = { 0 };
	struct gen g = { 0 };
	_cleanup_(freep) char *hostname = NULL;
	_cleanup_(freep) char *hash = NULL;
	_cleanup_(freep) char *generated = NULL;
	_cleanup_(freep) char *user = NULL;
	_cleanup_(vp_secret_freep) char *password = NULL;
	bool generate = o->root_password_generate, disable = o->disable;
	size_t ulen = 0, i;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (!o->vm_name || !o->vm_name[0])
		return vp_error_set(err, VP_ERR_INVALID, "a cloud-init seed needs the VM's name");
	if (o->hostname) {
		if (!valid_hostname(o->hostname))
			return vp_error_set(err, VP_ERR_INVALID,
					    "'%s' is not a host name (letters, digits, '-' and "
					    "dots, labels of at most 63)",
					    o->hostname);
		hostname = vp_strdup(o->hostname);
	} else {
		hostname = hostname_of(o->vm_name);
	}
	if (o->instance_id) {
		if (!o->instance_id[0] || !valid_utf8(o->instance_id, strlen(o->instance_id)) ||
		    strpbrk(o->instance_id, "\n\r"))
			return vp_error_set(err, VP_ERR_INVALID, "'%s' is not an instance id",
					    o->instance_id);
		s.instance_id = vp_strdup(o->instance_id);
	} else {
		char uuid[37];

		if (vp_uuid_generate(uuid, err) < 0)
			return -1;
		s.instance_id = vp_strdup_printf("iid-%s", uuid);
	}

	if (vp_seed_opts_bare(o)) {
		s.defaulted = true;
		generate = disable = true;
		if (home_keys(&g.root_keys, &g.n_root_keys, err) < 0)
			goto out;
		if (!g.n_root_keys && o->default_root_key &&
		    read_keys(o->default_root_key, "root SSH key", &g.root_keys, &g.n_root_keys,
			      err) < 0)
			goto out;
	}
	for (i = 0; i < o->n_root_ssh_keys; i++)
		if (read_keys(o->root_ssh_keys[i], "root SSH key", &g.root_keys, &g.n_root_keys,
			      err) < 0)
			goto out;
	for (i = 0; i < o->n_clouduser_ssh_keys; i++)
		if (read_keys(o->clouduser_ssh_keys[i], "cloud user SSH key", &g.user_keys,
			      &g.n_user_keys, err) < 0)
			goto out;
	if (o->root_password_file) {
		if (vp_password_read(o->root_password_file, "root", &password, err) < 0)
			goto out;
		if (strchr(password, ':')) {
			vp_error_set(err, VP_ERR_INVALID,
				     "the root password in '%s' has a ':', which chpasswd cannot take",
				     o->root_password_file);
			goto out;
		}
	} else if (generate) {
		if (vp_password_generate(&password, err) < 0)
			goto out;
		s.generated_password = vp_strdup(password);
		/* as virt-install, the user must change it at the first login;
		 * but not when root gets SSH keys: sshd would then refuse every
		 * key login that runs a command (no terminal to change it on),
		 * and `vprov ssh VM -- CMD` is what the key is for */
		g.expire = !g.n_root_keys;
		s.password_expires = g.expire;
	}
	if (password && vp_password_hash(password, &hash, err) < 0)
		goto out;
	g.hostname = hostname;
	g.password_hash = hash;
	g.disable = disable;

	if (o->user_data) {
		if (read_text(o->user_data, "user-data", &user, &ulen, err) < 0)
			goto out;
		if (!valid_utf8(user, ulen)) {
			vp_error_set(err, VP_ERR_INVALID, "the user-data file '%s' is not UTF-8 text",
				     o->user_data);
			goto out;
		}
	}
	generated = gen_cloud_config(&g);
	if (user) {
		enum part_kind k = PART_CLOUD_CONFIG;

		if (user_part_kind(user, o->user_data, &k, err) < 0)
			goto out;
		if (k == PART_CLOUD_CONFIG
			    ? merge_cloud_config(user, ulen, o->user_data, generated, &s.user_data,
						 err) < 0
			    : multipart(user, k, generated, &s.user_data, err) < 0)
			goto out;
	} else {
		s.user_data = TAKE_PTR(generated);
	}
	if (build_meta_data(o, hostname, s.instance_id, &s.meta_data, err) < 0)
		goto out;
	if (o->network_config &&
	    read_text(o->network_config, "network-config", &s.network_config,
		      &s.network_config_len, err) < 0)
		goto out;
	*out = s;
	memset(&s, 0, sizeof(s));
	r = 0;
out:
	keys_free(&g.root_keys, &g.n_root_keys);
	keys_free(&g.user_keys, &g.n_user_keys);
	vp_seed_clear(&s);
	return r;
}

void vp_seed_clear(struct vp_seed *s)
{
	if (!s)
		return;
	free(s->user_data);
	free(s->meta_data);
	free(s->network_config);
	free(s->instance_id);
	vp_secret_free(s->generated_password);
	memset(s, 0, sizeof(*s));
}

/* ---- the ISO image ------------------------------------------------------ */

struct membuf {
	unsigned char *data;
	size_t len, cap;
};

static la_ssize_t mem_write(struct archive *a, void *client, const void *buf, size_t n)
{
	struct membuf *m = client;

	if (n > SIZE_MAX / 2 - m->len)
		return -1;
	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap : 65536;

		while (cap < m->len + n)
			cap *= 2;
		m->data = vp_grow(m->data, cap, 1);
		m->cap = cap;
	}
	memcpy(m->data + m->len, buf, n);
	m->len += n;
	return (la_ssize_t)n;
}

static int add_file(struct archive *a, struct archive_entry *e, const char *name,
		    const char *data, size_t len, time_t now)
{
	vp_ar.archive_entry_clear(e);
	vp_ar.archive_entry_set_pathname(e, name);
	vp_ar.archive_entry_set_filetype(e, AE_IFREG);
	vp_ar.archive_entry_set_perm(e, 0444);
	vp_ar.archive_entry_set_size(e, (la_int64_t)len);
	vp_ar.archive_entry_set_mtime(e, now, 0);
	vp_ar.archive_entry_set_nlink(e, 1);
	if (vp_ar.archive_write_header(a, e) != ARCHIVE_OK)
		return -1;
	if (len && vp_ar.archive_write_data(a, data, len) != (la_ssize_t)len)
		return -1;
	return vp_ar.archive_write_finish_entry(a) == ARCHIVE_OK ? 0 : -1;
}

int vp_seed_make_iso(const struct vp_seed *s, void **data, size_t *len, struct vp_error *err)
{
	struct membuf m = { 0 };
	struct archive *a;
	struct archive_entry *e;
	time_t now = time(NULL);
	int r = -1;

	if (vp_archive_load(err) < 0)
		return -1;
	a = vp_ar.archive_write_new();
	e = vp_ar.archive_entry_new();
	if (!a || !e)
		vp_oom();
	if (vp_ar.archive_write_set_format_iso9660(a) != ARCHIVE_OK ||
	    vp_ar.archive_write_set_options(a, "iso9660:volume-id=cidata,iso9660:rockridge,"
					       "iso9660:joliet,iso9660:pad") != ARCHIVE_OK ||
	    vp_ar.archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    vp_ar.archive_write_open(a, &m, NULL, mem_write, NULL) != ARCHIVE_OK ||
	    add_file(a, e, "user-data", s->user_data, strlen(s->user_data), now) < 0 ||
	    add_file(a, e, "meta-data", s->meta_data, strlen(s->meta_data), now) < 0 ||
	    (s->network_config &&
	     add_file(a, e, "network-config", s->network_config, s->network_config_len, now) < 0) ||
	    vp_ar.archive_write_close(a) != ARCHIVE_OK) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot make the cloud-init seed image");
		vp_error_append_reason(err, vp_ar.archive_error_string(a));
		free(m.data);
		goto out;
	}
	/* libarchive writes the primary volume id in upper case (d-characters);
	 * genisoimage, and so cloud-localds and virt-install, write "cidata" as
	 * given.  blkid reads the Joliet label (lower case already), but a
	 * reader of the primary descriptor sees the same as with theirs.  The
	 * descriptor has no checksum. */
	if (m.len >= 17 * 2048 && m.data[16 * 2048] == 1 &&
	    !memcmp(m.data + 16 * 2048 + 1, "CD001", 5))
		memcpy(m.data + 16 * 2048 + 40, "cidata", 6);
	*data = m.data;
	*len = m.len;
	r = 0;
out:
	vp_ar.archive_entry_free(e);
	vp_ar.archive_write_free(a);
	return r;
}

int vp_seed_write_iso(const struct vp_seed *s, const char *dest, struct vp_error *err)
{
	_cleanup_(freep) void *data = NULL;
	size_t len = 0;

	if (vp_seed_make_iso(s, &data, &len, err) < 0)
		return -1;
	return vp_write_atomic(dest, data, len, 0600, true, err);
}
