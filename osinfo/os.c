/* osinfo/os.c — one osinfo-db document into struct vp_os entries */
#include "osinfo.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cleanup.h"
#include "units.h"
#include "xmlutil.h"

static bool is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

/* Localized copies (xml:lang) are skipped: vprov speaks English. */
static bool localized(xmlNodePtr n)
{
	xmlChar *lang = xmlNodeGetLang(n);
	bool r = lang && *lang;

	xmlFree(lang);
	return r;
}

static bool prop_bool(xmlNodePtr n, const char *name, bool dflt)
{
	_cleanup_(freep) char *v = vp_xml_prop(n, name);

	if (!v)
		return dflt;
	return !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1");
}

static void set_once(char **dst, xmlNodePtr n)
{
	if (!*dst && !localized(n))
		*dst = vp_xml_text(n);
}

static uint64_t number(xmlNodePtr n)
{
	_cleanup_(freep) char *t = vp_xml_text(n);
	uint64_t v = 0;

	if (t && vp_parse_uint(t, 0, UINT64_MAX, "value", &v, NULL) < 0)
		v = 0;
	return v;
}

static void parse_resources(xmlNodePtr n, struct vp_os_resources *r)
{
	xmlNodePtr c;

	r->set = true;
	for (c = n->children; c; c = c->next) {
		if (is(c, "n-cpus"))
			r->n_cpus = (unsigned)number(c);
		else if (is(c, "ram"))
			r->ram = number(c);
		else if (is(c, "storage"))
			r->storage = number(c);
		else if (is(c, "cpu"))
			r->cpu_hz = number(c);
	}
}

/* A processing instruction's text, its spaces trimmed; NULL when empty.
 * vprov's own facts ride in PIs where osinfo.rng allows no foreign
 * elements: RELAX NG and libosinfo ignore them. */
static char *pi_text(xmlNodePtr n)
{
	const char *t = (const char *)n->content;
	size_t len;

	while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
		t++;
	len = strlen(t);
	while (len && (t[len - 1] == ' ' || t[len - 1] == '\t' || t[len - 1] == '\n' ||
		       t[len - 1] == '\r'))
		len--;
	return len ? vp_strndup(t, len) : NULL;
}

static void add_link(struct vp_os_link **list, size_t *n, xmlNodePtr node, bool image)
{
	struct vp_os_link *l;
	xmlNodePtr c;

	*list = vp_grow(*list, *n + 1, sizeof(**list));
	l = &(*list)[(*n)++];
	memset(l, 0, sizeof(*l));
	l->arch = vp_xml_prop(node, "arch");
	if (!l->arch)
		l->arch = vp_strdup("all");
	l->live = prop_bool(node, "live", false);
	if (image) {
		l->format = vp_xml_prop(node, "format");
		l->cloud_init = prop_bool(node, "cloud-init", false);
	}
	for (c = node->children; c; c = c->next) {
		if (is(c, "url"))
			set_once(&l->url, c);
		else if (is(c, "kernel"))
			set_once(&l->kernel, c);
		else if (is(c, "initrd"))
			set_once(&l->initrd, c);
		else if (!image && c->type == XML_PI_NODE &&
			 xmlStrEqual(c->name, BAD_CAST "vprov-kernel-args") && c->content &&
			 !l->kernel_args)
			l->kernel_args = pi_text(c);
	}
}

static int parse_os(xmlNodePtr node, const char *file, const char *source, struct vp_os *os,
		    struct vp_error *err)
{
	xmlNodePtr c, d;

	memset(os, 0, sizeof(*os));
	os->id = vp_xml_prop(node, "id");
	if (!os->id || !*os->id)
		return vp_error_set(err, VP_ERR_INVALID, "'%s' has an <os> without an id", file);
	os->file = vp_strdup(file);
	os->source = vp_strdup(source);
	for (c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is(c, "short-id")) {
			char *sid = vp_xml_text(c);

			if (sid && *sid) {
				os->short_ids = vp_grow(os->short_ids, os->n_short_ids + 1, sizeof(char *));
				os->short_ids[os->n_short_ids++] = sid;
			} else {
				free(sid);
			}
		} else if (is(c, "name")) {
			set_once(&os->name, c);
		} else if (is(c, "version")) {
			set_once(&os->version, c);
		} else if (is(c, "vendor")) {
			set_once(&os->vendor, c);
		} else if (is(c, "family")) {
			set_once(&os->family, c);
		} else if (is(c, "distro")) {
			set_once(&os->distro, c);
		} else if (is(c, "codename")) {
			set_once(&os->codename, c);
		} else if (is(c, "release-date")) {
			set_once(&os->release_date, c);
		} else if (is(c, "eol-date")) {
			set_once(&os->eol_date, c);
		} else if (is(c, "release-status")) {
			set_once(&os->release_status, c);
		} else if (is(c, "derives-from") && !os->derives_from) {
			os->derives_from = vp_xml_prop(c, "id");
		} else if (is(c, "upgrades") && !os->upgrades) {
			os->upgrades = vp_xml_prop(c, "id");
		} else if (is(c, "clones") && !os->clones) {
			os->clones = vp_xml_prop(c, "id");
		} else if (is(c, "resources")) {
			struct vp_os_res_entry *r;

			os->resources = vp_grow(os->resources, os->n_resources + 1, sizeof(*os->resources));
			r = &os->resources[os->n_resources++];
			memset(r, 0, sizeof(*r));
			r->arch = vp_xml_prop(c, "arch");
			if (!r->arch)
				r->arch = vp_strdup("all");
			for (d = c->children; d; d = d->next) {
				if (is(d, "minimum"))
					parse_resources(d, &r->min);
				else if (is(d, "recommended"))
					parse_resources(d, &r->rec);
				else if (is(d, "maximum"))
					parse_resources(d, &r->max);
				else if (is(d, "network-install"))
					parse_resources(d, &r->net);
			}
		} else if (is(c, "devices")) {
			for (d = c->children; d; d = d->next) {
				struct vp_os_device *dev;
				char *id;

				if (!is(d, "device") || !(id = vp_xml_prop(d, "id")))
					continue;
				os->devices = vp_grow(os->devices, os->n_devices + 1, sizeof(*os->devices));
				dev = &os->devices[os->n_devices++];
				dev->id = id;
				dev->supported = prop_bool(d, "supported", true);
			}
		} else if (is(c, "firmware")) {
			struct vp_os_firmware *fw;

			os->firmware = vp_grow(os->firmware, os->n_firmware + 1, sizeof(*os->firmware));
			fw = &os->firmware[os->n_firmware++];
			fw->arch = vp_xml_prop(c, "arch");
			if (!fw->arch)
				fw->arch = vp_strdup("all");
			fw->type = vp_xml_prop(c, "type");
			fw->supported = prop_bool(c, "supported", true);
		} else if (is(c, "media")) {
			add_link(&os->media, &os->n_media, c, false);
		} else if (is(c, "tree")) {
			add_link(&os->trees, &os->n_trees, c, false);
		} else if (is(c, "image")) {
			add_link(&os->images, &os->n_images, c, true);
		}
	}
	return 0;
}

int vp_os_parse(const char *text_, size_t len, const char *file, const char *source,
		struct vp_os **out, size_t *n, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, c;
	struct vp_os *list = NULL;
	size_t count = 0, i;

	*out = NULL;
	*n = 0;
	if (len > 16 * 1024 * 1024)
		return vp_error_set(err, VP_ERR_INVALID, "'%s' is too large for an OS profile", file);
	doc = xmlReadMemory(text_, (int)len, file, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_NOBLANKS);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		char why[256] = "not XML";
		size_t l;

		if (e && e->message) {
			snprintf(why, sizeof(why), "line %d: %s", e->line, e->message);
			l = strlen(why);
			while (l && (why[l - 1] == '\n' || why[l - 1] == ' '))
				why[--l] = '\0';
			/* libxml2 may quote the bad bytes: keep the message one line */
			for (l = 0; why[l]; l++)
				if ((unsigned char)why[l] < 0x20)
					why[l] = ' ';
		}
		return vp_error_set(err, VP_ERR_INVALID, "cannot read OS profile '%s' (%s)", file, why);
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !xmlStrEqual(root->name, BAD_CAST "libosinfo"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "'%s' is not an osinfo-db document (its root is not <libosinfo>)",
				    file);
	for (c = root->children; c; c = c->next) {
		if (!is(c, "os"))
			continue;
		list = vp_grow(list, count + 1, sizeof(*list));
		if (parse_os(c, file, source, &list[count], err) < 0) {
			vp_os_free(&list[count]);
			for (i = 0; i < count; i++)
				vp_os_free(&list[i]);
			free(list);
			return -1;
		}
		count++;
	}
	*out = list;
	*n = count;
	return 0;
}

static void free_links(struct vp_os_link *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].arch);
		free(l[i].url);
		free(l[i].kernel);
		free(l[i].initrd);
		free(l[i].format);
		free(l[i].kernel_args);
	}
	free(l);
}

/* Frees what os holds (not os itself). */
void vp_os_free(struct vp_os *os)
{
	size_t i;

	if (!os)
		return;
	free(os->id);
	for (i = 0; i < os->n_short_ids; i++)
		free(os->short_ids[i]);
	free(os->short_ids);
	free(os->name);
	free(os->version);
	free(os->vendor);
	free(os->family);
	free(os->distro);
	free(os->codename);
	free(os->release_date);
	free(os->eol_date);
	free(os->release_status);
	free(os->derives_from);
	free(os->upgrades);
	free(os->clones);
	for (i = 0; i < os->n_resources; i++)
		free(os->resources[i].arch);
	free(os->resources);
	for (i = 0; i < os->n_devices; i++)
		free(os->devices[i].id);
	free(os->devices);
	for (i = 0; i < os->n_firmware; i++) {
		free(os->firmware[i].arch);
		free(os->firmware[i].type);
	}
	free(os->firmware);
	free_links(os->media, os->n_media);
	free_links(os->trees, os->n_trees);
	free_links(os->images, os->n_images);
	free(os->file);
	free(os->source);
	memset(os, 0, sizeof(*os));
}

/* ---- a tree's kernel arguments ----------------------------------------- */

/* RFC 3986 section 5.2.4 on path[0..len): "." and ".." segments removed. */
static char *remove_dot_segments(const char *path, size_t len)
{
	_cleanup_(freep) char *in = vp_strndup(path, len);
	char *out = vp_calloc(1, len + 1);
	const char *p = in;
	size_t o = 0;

	while (*p) {
		if (!strncmp(p, "../", 3)) {
			p += 3;
		} else if (!strncmp(p, "./", 2)) {
			p += 2;
		} else if (!strncmp(p, "/./", 3)) {
			p += 2;
		} else if (!strcmp(p, "/.")) {
			p += 1;
			out[o++] = '/';
			break;
		} else if (!strncmp(p, "/../", 4) || !strcmp(p, "/..")) {
			bool last = !p[3];

			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
			if (last) {
				out[o++] = '/';
				break;
			}
			p += 3;
		} else if (!strcmp(p, ".") || !strcmp(p, "..")) {
			break;
		} else {
			/* the first segment, with its leading '/' */
			do
				out[o++] = *p++;
			while (*p && *p != '/');
		}
	}
	out[o] = '\0';
	return out;
}

char *vp_url_normalize(const char *url)
{
	const char *sep = strstr(url, "://"), *path = url, *end;
	_cleanup_(freep) char *clean = NULL;

	if (sep && sep != url && strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "0123456789+.-") == (size_t)(sep - url))
		path = sep + 3 + strcspn(sep + 3, "/?#");
	end = path + strcspn(path, "?#");
	clean = remove_dot_segments(path, (size_t)(end - path));
	return vp_strdup_printf("%.*s%s%s", (int)(path - url), url, clean, end);
}

char *vp_os_kernel_args(const struct vp_os_link *l, const char *tree_url)
{
	_cleanup_(freep) char *tree = NULL;
	char *out = NULL;
	const char *p;
	size_t tl;

	if (!l || !l->kernel_args)
		return NULL;
	tree = vp_strdup(tree_url ? tree_url : l->url ? l->url : "");
	tl = strlen(tree);
	while (tl > 1 && tree[tl - 1] == '/')
		tree[--tl] = '\0';
	for (p = l->kernel_args; *p;) {
		size_t wl = strcspn(p, " \t\r\n");
		_cleanup_(freep) char *word = NULL;
		char *eq, *t, *q;

		if (!wl) {
			p++;
			continue;
		}
		word = vp_strndup(p, wl);
		p += wl;
		/* {tree}, as often as it stands there */
		while ((q = strstr(word, "{tree}"))) {
			t = vp_strdup_printf("%.*s%s%s", (int)(q - word), word, tree, q + 6);
			free(word);
			word = t;
		}
		eq = strchr(word, '=');
		if (eq && strstr(eq + 1, "://")) {
			_cleanup_(freep) char *u = vp_url_normalize(eq + 1);

			t = vp_strdup_printf("%.*s%s", (int)(eq + 1 - word), word, u);
			free(word);
			word = t;
		}
		t = out ? vp_strdup_printf("%s %s", out, word) : vp_strdup(word);
		free(out);
		out = t;
	}
	return out;
}
