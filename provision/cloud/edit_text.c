/* provision/cloud/edit_text.c — the text rewriting of guest edits, pure
 * functions: kernel command lines, /etc/default/grub, grub.cfg, BLS
 * entries, /etc/hosts, /etc/shadow (edit.h) */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cleanup.h"
#include "edit.h"

/* A text being built (open_memstream). */
struct out {
	FILE *f;
	char *buf;
	size_t len;
};

static void out_open(struct out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	if (!o->f)
		vp_oom();
}

static char *out_take(struct out *o)
{
	if (fclose(o->f) != 0)
		vp_oom();
	return o->buf;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The device part of a console value: "ttyS" of "ttyS0,115200n8". */
static size_t console_class_len(const char *console)
{
	size_t n = 0;

	while (console[n] && !isdigit((unsigned char)console[n]) && console[n] != ',')
		n++;
	return n;
}

/* args (len bytes) rewritten onto o: console=<class>... dropped,
 * console=VALUE appended. */
static void cmdline_write(FILE *o, const char *args, size_t len, const char *console)
{
	const char *p = args, *end = args + len;
	size_t cl = console_class_len(console);
	bool first = true;

	while (p < end) {
		const char *t;
		bool quoted = false;
		size_t tl;

		while (p < end && blank(*p))
			p++;
		if (p >= end)
			break;
		t = p;
		while (p < end && (quoted || !blank(*p))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		tl = (size_t)(p - t);
		if (tl >= 8 + cl && !strncmp(t, "console=", 8) && !strncmp(t + 8, console, cl) &&
		    (tl == 8 + cl || isdigit((unsigned char)t[8 + cl]) || t[8 + cl] == ','))
			continue;
		if (!first)
			fputc(' ', o);
		fwrite(t, 1, tl, o);
		first = false;
	}
	if (!first)
		fputc(' ', o);
	fprintf(o, "console=%s", console);
}

char *vp_cmdline_set_console(const char *args, const char *console)
{
	struct out o;

	out_open(&o);
	cmdline_write(o.f, args, strlen(args), console);
	return out_take(&o);
}

/* Walk text line by line: fn gets each line (without its '\n') and writes
 * what replaces it, returning false to keep the line as it is. */
typedef bool (*line_fn)(FILE *o, const char *line, size_t len, void *opaque);

static void each_line(FILE *o, const char *text, line_fn fn, void *opaque)
{
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (!fn(o, line, len, opaque))
			fwrite(line, 1, len, o);
		if (nl)
			fputc('\n', o);
		line += len + (nl ? 1 : 0);
	}
}

/* Text ends with a line end (or is empty)? */
static void end_line(FILE *o, const char *text)
{
	size_t n = strlen(text);

	if (n && text[n - 1] != '\n')
		fputc('\n', o);
}

/* Does the line (after its indentation, *ws bytes) start with word and
 * then one of the characters in after ("" for end of line only)? */
static bool starts(const char *line, size_t len, const char *word, size_t *ws)
{
	size_t i = 0, wl = strlen(word);

	while (i < len && blank(line[i]))
		i++;
	*ws = i;
	return len - i >= wl && !strncmp(line + i, word, wl);
}

/* ---- /etc/default/grub ---- */

struct grub_default {
	const char *console;
	char serial[64];
	bool cmdline, terminal, serial_cmd;
};

static bool grub_default_line(FILE *o, const char *line, size_t len, void *opaque)
{
	struct grub_default *g = opaque;
	size_t ws;

	if (starts(line, len, "GRUB_CMDLINE_LINUX=", &ws)) {
		const char *v = line + ws + strlen("GRUB_CMDLINE_LINUX="), *end = line + len;
		const char *inner = v, *close = v;
		char q = 0;

		if (v < end && (*v == '"' || *v == '\'')) {
			q = *v;
			inner = v + 1;
			for (close = inner; close < end && *close != q; close++)
				if (q == '"' && *close == '\\' && close + 1 < end)
					close++;
			if (close >= end)
				return false; /* unterminated: left alone */
		} else {
			while (close < end && !blank(*close))
				close++;
		}
		fwrite(line, 1, ws, o);
		fprintf(o, "GRUB_CMDLINE_LINUX=%c", q ? q : '"');
		cmdline_write(o, inner, (size_t)(close - inner), g->console);
		fputc(q ? q : '"', o);
		if (q)
			close++;
		fwrite(close, 1, (size_t)(end - close), o);
		g->cmdline = true;
		return true;
	}
	if (starts(line, len, "GRUB_TERMINAL=", &ws) ||
	    starts(line, len, "GRUB_TERMINAL_OUTPUT=", &ws) ||
	    starts(line, len, "GRUB_TERMINAL_INPUT=", &ws)) {
		size_t kl = strcspn(line + ws, "=");

		fwrite(line, 1, ws + kl, o);
		fputs("=\"serial console\"", o);
		if (kl == strlen("GRUB_TERMINAL"))
			g->terminal = true;
		return true;
	}
	if (starts(line, len, "GRUB_SERIAL_COMMAND=", &ws)) {
		fwrite(line, 1, ws, o);
		fprintf(o, "GRUB_SERIAL_COMMAND=\"%s\"", g->serial);
		g->serial_cmd = true;
		return true;
	}
	return false;
}

char *vp_grub_default_set_console(const char *text, const char *console)
{
	struct grub_default g = { .console = console };
	const char *p = console + console_class_len(console);
	unsigned long unit = 0, speed = 115200;
	struct out o;

	if (isdigit((unsigned char)*p))
		unit = strtoul(p, (char **)&p, 10);
	if (*p == ',' && isdigit((unsigned char)p[1]))
		speed = strtoul(p + 1, NULL, 10);
	snprintf(g.serial, sizeof(g.serial), "serial --unit=%lu --speed=%lu", unit % 1000,
		 speed % 100000000);
	out_open(&o);
	each_line(o.f, text, grub_default_line, &g);
	if (!g.cmdline || !g.terminal || !g.serial_cmd)
		end_line(o.f, text);
	if (!g.cmdline) {
		fputs("GRUB_CMDLINE_LINUX=\"", o.f);
		cmdline_write(o.f, "", 0, console);
		fputs("\"\n", o.f);
	}
	if (!g.terminal)
		fputs("GRUB_TERMINAL=\"serial console\"\n", o.f);
	if (!g.serial_cmd)
		fprintf(o.f, "GRUB_SERIAL_COMMAND=\"%s\"\n", g.serial);
	return out_take(&o);
}

/* ---- grub.cfg and BLS entries ---- */

struct args_line {
	const char *const *words;  /* the line's first word: one of these */
	const char *console;
	bool seen;
};

static bool args_line(FILE *o, const char *line, size_t len, void *opaque)
{
	struct args_line *a = opaque;
	size_t ws, i;

	for (i = 0; a->words[i]; i++) {
		size_t wl = strlen(a->words[i]);

		if (!starts(line, len, a->words[i], &ws) ||
		    (ws + wl < len && !blank(line[ws + wl])))
			continue;
		fwrite(line, 1, ws + wl, o);
		fputc(' ', o);
		cmdline_write(o, line + ws + wl, len - ws - wl, a->console);
		a->seen = true;
		return true;
	}
	return false;
}

char *vp_grub_cfg_set_console(const char *text, const char *console)
{
	static const char *const words[] = { "linux", "linux16", "linuxefi", NULL };
	struct args_line a = { .words = words, .console = console };
	struct out o;

	out_open(&o);
	each_line(o.f, text, args_line, &a);
	return out_take(&o);
}

char *vp_bls_set_console(const char *text, const char *console)
{
	static const char *const words[] = { "options", NULL };
	struct args_line a = { .words = words, .console = console };
	struct out o;

	out_open(&o);
	each_line(o.f, text, args_line, &a);
	if (!a.seen) {
		end_line(o.f, text);
		fprintf(o.f, "options console=%s\n", console);
	}
	return out_take(&o);
}

/* ---- /etc/hosts ---- */

struct hosts {
	const char *names;
	bool seen;
};

static bool hosts_line(FILE *o, const char *line, size_t len, void *opaque)
{
	struct hosts *h = opaque;
	size_t ws;

	if (!starts(line, len, "127.0.1.1", &ws) || (ws + 9 < len && !blank(line[ws + 9])))
		return false;
	if (h->seen)
		return false;
	fprintf(o, "127.0.1.1\t%s", h->names);
	h->seen = true;
	return true;
}

char *vp_hosts_set_hostname(const char *text, const char *hostname)
{
	const char *dot = strchr(hostname, '.');
	char *names = dot ? vp_strdup_printf("%s %.*s", hostname, (int)(dot - hostname), hostname)
			  : vp_strdup(hostname);
	struct hosts h = { .names = names };
	struct out o;

	out_open(&o);
	each_line(o.f, text, hosts_line, &h);
	if (!h.seen) {
		end_line(o.f, text);
		fprintf(o.f, "127.0.1.1\t%s\n", names);
	}
	free(names);
	return out_take(&o);
}

/* ---- /etc/shadow ---- */

struct shadow {
	const char *user, *hash;
	bool seen;
};

static bool shadow_line(FILE *o, const char *line, size_t len, void *opaque)
{
	struct shadow *s = opaque;
	size_t ul = strlen(s->user);
	const char *rest;

	if (len <= ul || strncmp(line, s->user, ul) || line[ul] != ':')
		return false;
	rest = memchr(line + ul + 1, ':', len - ul - 1);
	fprintf(o, "%s:%s", s->user, s->hash);
	if (rest)
		fwrite(rest, 1, (size_t)(line + len - rest), o);
	s->seen = true;
	return true;
}

char *vp_shadow_set_password(const char *text, const char *user, const char *hash)
{
	struct shadow s = { .user = user, .hash = hash };
	struct out o;
	char *r;

	out_open(&o);
	each_line(o.f, text, shadow_line, &s);
	r = out_take(&o);
	if (!s.seen) {
		free(r);
		return NULL;
	}
	return r;
}

/* ---- /etc/fstab ---- */

void vp_fstab_free(struct vp_fstab_entry *e, size_t n)
{
	size_t i;

	for (i = 0; e && i < n; i++) {
		free(e[i].spec);
		free(e[i].dir);
	}
	free(e);
}

static int by_dir_length(const void *a, const void *b)
{
	size_t la = strlen(((const struct vp_fstab_entry *)a)->dir);
	size_t lb = strlen(((const struct vp_fstab_entry *)b)->dir);

	return la < lb ? -1 : la > lb;
}

/* Has the comma-separated option list opts the option o? */
static bool has_option(const char *opts, const char *o)
{
	size_t ol = strlen(o);
	const char *p = opts;

	while (p && *p) {
		size_t l = strcspn(p, ",");

		if (l == ol && !strncmp(p, o, l))
			return true;
		p += l;
		if (*p == ',')
			p++;
	}
	return false;
}

size_t vp_fstab_mounts(const char *text, struct vp_fstab_entry **out)
{
	static const char *const types[] = { "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat",
					     "f2fs", NULL };
	_cleanup_(freep) char *copy = vp_strdup(text);
	struct vp_fstab_entry *list = NULL;
	char *line, *save = NULL;
	size_t n = 0, i;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { 0 }, *fs = NULL;
		size_t k;
		bool ok = false;

		for (k = 0; k < 4; k++)
			if (!(f[k] = strtok_r(k ? NULL : line, " \t", &fs)))
				break;
		if (k < 3 || f[0][0] == '#' || f[1][0] != '/' || !strcmp(f[1], "/"))
			continue;
		for (i = 0; types[i]; i++)
			ok = ok || !strcmp(f[2], types[i]);
		if (!ok || (f[3] && (has_option(f[3], "noauto") || has_option(f[3], "bind"))))
			continue;
		list = vp_grow(list, n + 1, sizeof(*list));
		list[n].spec = vp_strdup(f[0]);
		list[n].dir = vp_strdup(f[1]);
		n++;
	}
	if (n)
		qsort(list, n, sizeof(*list), by_dir_length);
	*out = list;
	return n;
}
