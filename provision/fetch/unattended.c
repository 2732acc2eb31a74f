/* provision/fetch/unattended.c — unattended install scripts from osinfo-db's
 * templates (unattended.h)
 *
 * What libosinfo and virt-install do, without them: find the OS's script
 * (osinfo-db's <os><installer><script id=.../></installer>, one file per
 * script under install-script/, named after its id), build the document
 * the template reads, apply the template's XSLT to it once for the script
 * and once for the kernel command line.
 *
 * Passwords: osinfo-db 20221130's templates all write the password they
 * are given as it is, where the installer expects clear text (preseed
 * passwd/root-password, kickstart rootpw '...', echo '...' | passwd
 * --stdin, AutoYaST <encrypted>false</encrypted>), and none has a crypted
 * variant to select.  vprov gives the template SHA-512 crypt hashes only,
 * and before compiling the stylesheet switches each of those places to the
 * installer's crypted form (the table hash_rules below).  Every use of a
 * password in a template must match a rule, or the script is refused: a
 * hash where the installer expects clear text would become the password.
 * Nothing is done to the rendered output.
 */
#include "unattended.h"

#include <crypt.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "alloc.h"
#include "cleanup.h"
#include "fs.h"
#include "osinfo.h"
#include "secret.h"
#include "xmlutil.h"
#include "xslt.h"

#define XSL_NS "http://www.w3.org/1999/XSL/Transform"
#define DEFAULT_SCRIPT_DIR "/usr/share/osinfo/install-script"
#define MAX_SCRIPTS 16

/* ---- values that go into the script ------------------------------------- */

static bool all_of(const char *s, const char *extra)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!isascii(c) || (!isalnum(c) && !strchr(extra, c)))
			return false;
	}
	return true;
}

/* useradd's rule (NAME_REGEX of Debian's adduser, shadow's default):
 * [a-z_][a-z0-9_-]*, at most 32 */
static bool valid_login(const char *s)
{
	const char *p;

	if (!*s || strlen(s) > 32 || !(islower((unsigned char)*s) || *s == '_'))
		return false;
	for (p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' ||
		      *p == '-'))
			return false;
	return true;
}

/* A host name from the VM name, as virt-install makes one: what a host
 * name cannot hold becomes '-'; at most 63 characters. */
static char *host_name_of(const char *vm)
{
	char *h = vp_strndup(vm, 63);
	char *p;

	for (p = h; *p; p++)
		if (!isascii((unsigned char)*p) || !(isalnum((unsigned char)*p) || *p == '-'))
			*p = '-';
	while (*h == '-')
		memmove(h, h + 1, strlen(h));
	while (*h && h[strlen(h) - 1] == '-')
		h[strlen(h) - 1] = 0;
	if (!*h) {
		free(h);
		return NULL;
	}
	return h;
}

/* ll_CC[.encoding]: "en_US.UTF-8", "pt_BR" */
static bool valid_language(const char *s)
{
	size_t i = 0;

	while (islower((unsigned char)s[i]))
		i++;
	if (i < 2 || i > 3 || s[i] != '_' || !isupper((unsigned char)s[i + 1]) ||
	    !isupper((unsigned char)s[i + 2]))
		return false;
	s += i + 3;
	return !*s || (*s == '.' && s[1] && all_of(s + 1, "-"));
}

static bool valid_timezone(const char *s)
{
	return *s && *s != '/' && s[strlen(s) - 1] != '/' && !strstr(s, "//") &&
	       !strstr(s, "..") && all_of(s, "/_+-");
}

static bool valid_keyboard(const char *s)
{
	return *s && strlen(s) < 64 && all_of(s, "_-() ");
}

static bool valid_disk(const char *s)
{
	return !strncmp(s, "/dev/", 5) && s[5] && !strstr(s, "..") && all_of(s + 5, "/_-");
}

/* No blank, quote, backslash, backquote, '$', ';', '#' or control
 * character: the URL goes on the kernel command line and into kickstart,
 * preseed and shell lines. */
static bool valid_url(const char *s)
{
	const char *p = strstr(s, "://");

	if (!p || p == s || !all_of(p + 3, "-._~:/?[]@&+,=%"))
		return false;
	for (; s < p; s++)
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '-' && *s != '.')
			return false;
	return true;
}

/* The host's locale as ll_CC.UTF-8, or NULL (C, POSIX, anything else) */
static char *host_language(void)
{
	static const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	_cleanup_(freep) char *v = NULL;
	char *at, *dot;
	size_t i;

	for (i = 0; i < 3 && !v; i++) {
		const char *e = getenv(vars[i]);

		if (e && *e)
			v = vp_strdup(e);
	}
	if (!v)
		return NULL;
	if ((at = strchr(v, '@')))
		*at = 0;
	if ((dot = strchr(v, '.')) && (!strcasecmp(dot, ".utf8") || !strcasecmp(dot, ".utf-8"))) {
		char *norm = vp_strdup_printf("%.*s.UTF-8", (int)(dot - v), v);

		free(v);
		v = norm;
	}
	if (!valid_language(v))
		return NULL;
	return TAKE_PTR(v);
}

static char *host_timezone(void)
{
	_cleanup_(freep) char *tz = vp_read_file("/etc/timezone", 256, NULL);
	char link[512];
	ssize_t n;

	if (tz) {
		tz[strcspn(tz, "\n")] = 0;
		if (valid_timezone(tz))
			return TAKE_PTR(tz);
	}
	n = readlink("/etc/localtime", link, sizeof(link) - 1);
	if (n > 0) {
		const char *z;

		link[n] = 0;
		z = strstr(link, "zoneinfo/");
		if (z && valid_timezone(z + 9))
			return vp_strdup(z + 9);
	}
	return NULL;
}

/* ---- osinfo-db: which scripts an OS has --------------------------------- */

/* The file of osinfo-db entity id under dir: http://debian.org/debian/preseed/jeos
 * is <dir>/debian.org/debian-preseed-jeos.xml (libosinfo's rule). */
static char *entity_file(const char *dir, const char *id)
{
	const char *p = strstr(id, "://");
	_cleanup_(freep) char *rest = NULL;
	const char *slash;
	char *c;

	if (!p)
		return NULL;
	p += 3;
	slash = strchr(p, '/');
	if (!slash || slash == p || !slash[1])
		return NULL;
	rest = vp_strdup(slash + 1);
	for (c = rest; *c; c++)
		if (*c == '/')
			*c = '-';
	if (strstr(rest, "..") || strchr(rest, '\\'))
		return NULL;
	{
		_cleanup_(freep) char *host = vp_strndup(p, (size_t)(slash - p));

		if (strstr(host, ".."))
			return NULL;
		return vp_strdup_printf("%s/%s/%s.xml", dir, host, rest);
	}
}

/* The <script id=.../> of <os id=os_id><installer> in an OS file. */
static int os_script_ids(const char *file, const char *os_id, char ***ids, size_t *n,
			 struct vp_error *err)
{
	_cleanup_(freep) char *text = vp_read_file(file, 16 << 20, NULL);
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr os, c, s;

	if (!text)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot read OS profile '%s': %s", file,
				    strerror(errno));
	if (vp_xml_parse(text, file, &doc, err) < 0)
		return -1;
	for (os = xmlDocGetRootElement(doc)->children; os; os = os->next) {
		_cleanup_(freep) char *id = NULL;

		if (os->type != XML_ELEMENT_NODE || !xmlStrEqual(os->name, BAD_CAST "os"))
			continue;
		id = vp_xml_prop(os, "id");
		if (!id || strcmp(id, os_id))
			continue;
		for (c = os->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE ||
			    !xmlStrEqual(c->name, BAD_CAST "installer"))
				continue;
			for (s = c->children; s; s = s->next) {
				char *sid;

				if (s->type != XML_ELEMENT_NODE ||
				    !xmlStrEqual(s->name, BAD_CAST "script"))
					continue;
				sid = vp_xml_prop(s, "id");
				if (sid)
					vp_strings_add(ids, n, sid);
			}
		}
	}
	return 0;
}

/* The scripts of the OS, else of the nearest release of its chain that
 * names some.  Built-in profiles (files "bundled:...") name none. */
static int find_script_ids(struct vp_osinfo *db, const struct vp_os_profile *prof,
			   const char *arch, char ***ids, size_t *n, struct vp_error *err)
{
	size_t i;

	for (i = 0; i < prof->n_chain && !*n; i++) {
		struct vp_os_profile p = { 0 };
		const struct vp_os *os = prof->os;
		int r;

		if (i > 0) {
			if (vp_osinfo_profile(db, prof->chain[i], arch, &p, err) < 0)
				return -1;
			os = p.os;
		}
		r = 0;
		if (os && os->file && strncmp(os->file, "bundled:", 8))
			r = os_script_ids(os->file, prof->chain[i], ids, n, err);
		vp_os_profile_clear(&p);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* ---- an install-script file ----------------------------------------------- */

struct script {
	xmlDocPtr doc;
	xmlNodePtr node;         /* <install-script> */
	xmlNodePtr stylesheet;   /* <template><xsl:stylesheet> */
	char *id, *profile, *filename;
	char **methods;          /* injection methods */
	size_t n_methods;
	char *file;
};

static void script_clear(struct script *s)
{
	xmlFreeDoc(s->doc);
	free(s->id);
	free(s->profile);
	free(s->filename);
	free(s->file);
	vp_strings_free(s->methods, s->n_methods);
	memset(s, 0, sizeof(*s));
}

static xmlNodePtr find_script_node(xmlDocPtr doc, const char *id)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), c;

	for (c = root ? root->children : NULL; c; c = c->next) {
		_cleanup_(freep) char *cid = NULL;

		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "install-script"))
			continue;
		cid = vp_xml_prop(c, "id");
		if (cid && !strcmp(cid, id))
			return c;
	}
	return NULL;
}

/* Parse a script file keeping every text node: the template's text is the
 * script. */
static xmlDocPtr parse_script_file(const char *file, struct vp_error *err)
{
	_cleanup_(freep) char *text = NULL;
	size_t len = 0;
	xmlDocPtr doc;

	text = vp_read_file(file, 16 << 20, &len);
	if (!text) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot read install script '%s': %s", file,
			     strerror(errno));
		return NULL;
	}
	doc = xmlReadMemory(text, (int)len, file, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc)) {
		const xmlError *e = xmlGetLastError();

		xmlFreeDoc(doc);
		vp_error_set(err, VP_ERR_RUNTIME, "cannot parse install script '%s'", file);
		vp_error_append_reason(err, e && e->message ? e->message : "not XML");
		return NULL;
	}
	return doc;
}

/* 1: loaded; 0: no file has it; -1: error */
static int load_script(const char *dir, const char *id, struct script *s, struct vp_error *err)
{
	_cleanup_(freep) char *file = entity_file(dir, id);
	xmlDocPtr doc = NULL;
	xmlNodePtr node = NULL, c;

	if (file && access(file, F_OK) == 0) {
		if (!(doc = parse_script_file(file, err)))
			return -1;
		node = find_script_node(doc, id);
	}
	if (!node) {
		/* not where libosinfo's rule puts it: look at every file */
		_cleanup_(freep) char *pattern = vp_strdup_printf("%s/*/*.xml", dir);
		glob_t g;
		size_t i;

		xmlFreeDoc(doc);
		doc = NULL;
		free(file);
		file = NULL;
		if (glob(pattern, 0, NULL, &g) == 0) {
			for (i = 0; i < g.gl_pathc && !node; i++) {
				struct vp_error ignored = { 0 };

				xmlFreeDoc(doc);
				doc = parse_script_file(g.gl_pathv[i], &ignored);
				if (doc && (node = find_script_node(doc, id)))
					file = vp_strdup(g.gl_pathv[i]);
			}
			globfree(&g);
		}
		if (!node) {
			xmlFreeDoc(doc);
			return 0;
		}
	}
	s->doc = doc;
	s->node = node;
	s->id = vp_strdup(id);
	s->file = TAKE_PTR(file);
	for (c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(c->name, BAD_CAST "profile")) {
			free(s->profile);
			s->profile = vp_xml_text(c);
		} else if (xmlStrEqual(c->name, BAD_CAST "expected-filename")) {
			free(s->filename);
			s->filename = vp_xml_text(c);
		} else if (xmlStrEqual(c->name, BAD_CAST "injection-method")) {
			vp_strings_add(&s->methods, &s->n_methods, vp_xml_text(c));
		} else if (xmlStrEqual(c->name, BAD_CAST "template")) {
			xmlNodePtr t;

			for (t = c->children; t; t = t->next)
				if (t->type == XML_ELEMENT_NODE && t->ns &&
				    xmlStrEqual(t->ns->href, BAD_CAST XSL_NS) &&
				    (xmlStrEqual(t->name, BAD_CAST "stylesheet") ||
				     xmlStrEqual(t->name, BAD_CAST "transform")))
					s->stylesheet = t;
		}
	}
	return 1;
}

static bool has_method(const struct script *s, const char *m)
{
	size_t i;

	for (i = 0; i < s->n_methods; i++)
		if (s->methods[i] && !strcmp(s->methods[i], m))
			return true;
	return false;
}

/* A script's <param name=... policy=required/> */
static bool param_required(const struct script *s, const char *name)
{
	xmlNodePtr c, p;

	for (c = s->node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "config"))
			continue;
		for (p = c->children; p; p = p->next) {
			_cleanup_(freep) char *n = NULL, *policy = NULL;

			if (p->type != XML_ELEMENT_NODE || !xmlStrEqual(p->name, BAD_CAST "param"))
				continue;
			n = vp_xml_prop(p, "name");
			policy = vp_xml_prop(p, "policy");
			if (n && !strcmp(n, name) && policy && !strcmp(policy, "required"))
				return true;
		}
	}
	return false;
}

/* ---- the stylesheet: passwords written in the installer's crypted form -- */

/* A password written right after text ending in `before` (at the start of
 * a word) and, when `after` is set, before text starting with it.  The
 * text around it becomes new_before / new_after; drop: the line goes. */
struct hash_rule {
	const char *before, *after;
	const char *new_before, *new_after;
	bool drop_line;
};

static const struct hash_rule hash_rules[] = {
	/* debian-installer preseed (Debian, Ubuntu): user-setup takes the
	 * -crypted questions first and then never asks for -again */
	{ "d-i passwd/root-password password ", NULL,
	  "d-i passwd/root-password-crypted password ", NULL, false },
	{ "d-i passwd/user-password password ", NULL,
	  "d-i passwd/user-password-crypted password ", NULL, false },
	{ "d-i passwd/root-password-again password ", NULL, NULL, NULL, true },
	{ "d-i passwd/user-password-again password ", NULL, NULL, NULL, true },
	/* kickstart (Fedora, RHEL and rebuilds, Silverblue) */
	{ "rootpw '", "'", "rootpw --iscrypted '", NULL, false },
	{ "--password '", "'", "--iscrypted --password '", NULL, false },
	/* kickstart %post: echo 'pw' |passwd --stdin user */
	{ "echo '", "' |passwd --stdin ", "usermod -p '", "' ", false },
	/* shell tests of whether a password was given: a hash is as empty as
	 * the password was */
	{ "test -n '", "'", NULL, NULL, false },
	{ "test -z '", "'", NULL, NULL, false },
};

struct hash_edit {
	xmlNodePtr *changed;     /* text nodes rewritten */
	size_t n_changed;
	xmlNodePtr *drop;        /* value-of nodes to remove */
	size_t n_drop;
	xmlNsPtr xsl;
};

static bool is_xsl(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns &&
	       xmlStrEqual(n->ns->href, BAD_CAST XSL_NS) && xmlStrEqual(n->name, BAD_CAST name);
}

static bool is_text(xmlNodePtr n)
{
	return n && (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content;
}

static void mark_changed(struct hash_edit *e, xmlNodePtr n)
{
	e->changed = vp_grow(e->changed, e->n_changed + 1, sizeof(*e->changed));
	e->changed[e->n_changed++] = n;
}

/* Does the text of n end with s, at the start of a word? */
static bool ends_with_word(xmlNodePtr n, const char *s)
{
	const char *t = (const char *)n->content;
	size_t lt = strlen(t), ls = strlen(s);

	if (lt < ls || strcmp(t + lt - ls, s))
		return false;
	return lt == ls || isspace((unsigned char)t[lt - ls - 1]);
}

static bool try_rule(struct hash_edit *e, xmlNodePtr v, const struct hash_rule *r)
{
	xmlNodePtr prev = v->prev, next = v->next;
	const char *t;
	size_t lt;

	if (!is_text(prev) || !ends_with_word(prev, r->before))
		return false;
	if (r->after && (!is_text(next) || strncmp((const char *)next->content, r->after,
						     strlen(r->after))))
		return false;
	t = (const char *)prev->content;
	lt = strlen(t);
	if (r->drop_line) {
		const char *nl = memrchr(t, '\n', lt);
		_cleanup_(freep) char *keep = vp_strndup(t, nl ? (size_t)(nl - t) + 1 : 0);

		xmlNodeSetContent(prev, BAD_CAST keep);
		mark_changed(e, prev);
		e->drop = vp_grow(e->drop, e->n_drop + 1, sizeof(*e->drop));
		e->drop[e->n_drop++] = v;
		return true;
	}
	if (r->new_before) {
		int keep = (int)(lt - strlen(r->before));
		_cleanup_(freep) char *nt = vp_strdup_printf("%.*s%s", keep, t, r->new_before);

		xmlNodeSetContent(prev, BAD_CAST nt);
		mark_changed(e, prev);
	}
	if (r->new_after) {
		const char *rest = (const char *)next->content + strlen(r->after);
		_cleanup_(freep) char *nt = vp_strdup_printf("%s%s", r->new_after, rest);

		xmlNodeSetContent(next, BAD_CAST nt);
		mark_changed(e, next);
	}
	return true;
}

/* AutoYaST: <user><encrypted>false</encrypted>...<user_password>pw</user_password> */
static bool try_autoyast(xmlNodePtr v)
{
	xmlNodePtr parent = v->parent, c;

	if (!parent || parent->type != XML_ELEMENT_NODE || is_xsl(parent, "text") ||
	    !xmlStrEqual(parent->name, BAD_CAST "user_password") || !parent->parent)
		return false;
	for (c = parent->parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "encrypted") &&
		    (c->ns == parent->ns ||
		     (c->ns && parent->ns && xmlStrEqual(c->ns->href, parent->ns->href)))) {
			_cleanup_(freep) char *t = vp_xml_text(c);

			if (!t || (strcmp(t, "false") && strcmp(t, "true")))
				return false;
			vp_xml_set_text(c, "true");
			return true;
		}
	return false;
}

static bool names_password(const xmlChar *v)
{
	return v && strstr((const char *)v, "password");
}

static int hash_walk(struct hash_edit *e, xmlNodePtr n, const char *script_id,
		     struct vp_error *err)
{
	xmlNodePtr c, next;
	xmlAttrPtr a;

	for (c = n; c; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (a = c->properties; a; a = a->next) {
			_cleanup_(xmlFreep) xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
			const char *an = (const char *)a->name;
			size_t i;

			if (!names_password(v))
				continue;
			/* a test only says whether a password was given */
			if ((is_xsl(c, "if") || is_xsl(c, "when")) && !strcmp(an, "test"))
				continue;
			/* names of templates and variables are no values */
			if (!a->ns && !strcmp(an, "name") && c->ns &&
			    xmlStrEqual(c->ns->href, BAD_CAST XSL_NS))
				continue;
			if (is_xsl(c, "value-of") && !strcmp(an, "select") &&
			    (xmlStrEqual(v, BAD_CAST "config/admin-password") ||
			     xmlStrEqual(v, BAD_CAST "config/user-password"))) {
				size_t nr = sizeof(hash_rules) / sizeof(hash_rules[0]);

				for (i = 0; i < nr; i++)
					if (try_rule(e, c, &hash_rules[i]))
						break;
				if (i < nr || try_autoyast(c))
					continue;
			}
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "osinfo-db's install script '%s' writes a password where "
					    "vprov cannot give it a hash (line %ld: %s=\"%s\"), and vprov "
					    "does not write passwords in clear text",
					    script_id, xmlGetLineNo(c), an, (const char *)v);
		}
		if (c->children && hash_walk(e, c->children, script_id, err) < 0)
			return -1;
	}
	return 0;
}

static bool blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!isspace(*s))
			return false;
	return true;
}

static int hash_passwords(xmlNodePtr stylesheet, const char *script_id, struct vp_error *err)
{
	struct hash_edit e = { 0 };
	size_t i;
	int ret = -1;

	e.xsl = xmlSearchNsByHref(stylesheet->doc, stylesheet, BAD_CAST XSL_NS);
	if (hash_walk(&e, stylesheet, script_id, err) < 0)
		goto out;
	for (i = 0; i < e.n_drop; i++) {
		xmlUnlinkNode(e.drop[i]);
		xmlFreeNode(e.drop[i]);
	}
	/* the XSLT processor drops text that is only blanks: a line break
	 * that is all that is left of a text stays, as <xsl:text> */
	for (i = 0; i < e.n_changed; i++) {
		xmlNodePtr t = e.changed[i], x;
		size_t j;

		for (j = 0; j < i; j++)
			if (e.changed[j] == t)
				break;
		if (j < i || !blank(t->content) || !*t->content || is_xsl(t->parent, "text") ||
		    !e.xsl)
			continue;
		x = xmlNewDocNode(t->doc, e.xsl, BAD_CAST "text", NULL);
		if (!x)
			vp_oom();
		xmlNodeAddContent(x, t->content);
		xmlReplaceNode(t, x);
		xmlFreeNode(t);
	}
	ret = 0;
out:
	free(e.changed);
	free(e.drop);
	return ret;
}

/* ---- the document the template reads -------------------------------------- */

struct config {
	char *arch, *keyboard, *language, *timezone;
	char *admin_hash, *user_hash;
	char *login, *realname, *hostname, *disk, *url;
	const char *source;       /* installation-source: network or media */
};

static void config_clear(struct config *c)
{
	free(c->arch);
	free(c->keyboard);
	free(c->language);
	free(c->timezone);
	free(c->admin_hash);
	free(c->user_hash);
	free(c->login);
	free(c->realname);
	free(c->hostname);
	free(c->disk);
	free(c->url);
}

static void add_opt(xmlNodePtr parent, const char *name, const char *value)
{
	if (value)
		vp_xml_add(parent, name, value);
}

static xmlDocPtr config_doc(const char *root_name, const struct script *s, const struct vp_os *os,
			    const struct config *c)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root, sn, on, cn, k;
	size_t i;

	if (!doc)
		vp_oom();
	root = xmlNewDocNode(doc, NULL, BAD_CAST root_name, NULL);
	if (!root)
		vp_oom();
	xmlDocSetRootElement(doc, root);

	/* <script>: its id and parameters, as libosinfo gives them */
	sn = vp_xml_add(root, "script", NULL);
	add_opt(sn, "id", s->id);
	for (k = s->node->children; k; k = k->next) {
		static const char *const copied[] = { "profile", "expected-filename", "path-format",
						      "product-key-format", "needs-internet",
						      "can-pre-install-drivers",
						      "can-post-install-drivers" };
		_cleanup_(freep) char *t = NULL;

		if (k->type != XML_ELEMENT_NODE)
			continue;
		for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
			if (xmlStrEqual(k->name, BAD_CAST copied[i]))
				break;
		if (i == sizeof(copied) / sizeof(copied[0]) &&
		    !xmlStrEqual(k->name, BAD_CAST "injection-method"))
			continue;
		t = vp_xml_text(k);
		if (t)
			vp_xml_add(sn, (const char *)k->name, t);
	}
	vp_xml_add(sn, "preferred-injection-method", "initrd");
	vp_xml_add(sn, "installation-source", c->source);

	/* <os>: the OS's own fields */
	on = vp_xml_add(root, "os", NULL);
	add_opt(on, "id", os->id);
	for (i = 0; i < os->n_short_ids; i++)
		add_opt(on, "short-id", os->short_ids[i]);
	add_opt(on, "name", os->name);
	add_opt(on, "version", os->version);
	add_opt(on, "vendor", os->vendor);
	add_opt(on, "family", os->family);
	add_opt(on, "distro", os->distro);
	add_opt(on, "codename", os->codename);
	add_opt(on, "release-date", os->release_date);
	add_opt(on, "eol-date", os->eol_date);
	add_opt(on, "release-status", os->release_status);

	/* <config>: what virt-install sets */
	cn = vp_xml_add(root, "config", NULL);
	add_opt(cn, "hardware-arch", c->arch);
	add_opt(cn, "l10n-keyboard", c->keyboard);
	add_opt(cn, "l10n-language", c->language);
	add_opt(cn, "l10n-timezone", c->timezone);
	add_opt(cn, "admin-password", c->admin_hash);
	/* no user (the caller is root): empty, not absent, as the templates
	 * test "config/user-login = ''" to leave the user out */
	add_opt(cn, "user-login", c->login ? c->login : "");
	add_opt(cn, "user-realname", c->login ? c->realname : "");
	add_opt(cn, "user-password", c->login ? c->user_hash : "");
	add_opt(cn, "hostname", c->hostname);
	add_opt(cn, "target-disk", c->disk);
	add_opt(cn, "installation-url", c->url);
	return doc;
}

static int apply(xsltStylesheetPtr ss, xmlDocPtr doc, const char *script_id, char **out,
		 struct vp_error *err)
{
	xsltTransformContextPtr ctxt = vp_xslt.xsltNewTransformContext(ss, doc);
	xsltSecurityPrefsPtr sec = vp_xslt.xsltNewSecurityPrefs();
	xsltSecurityCheck forbid = vp_xslt.xsltSecurityForbid;
	xmlDocPtr res = NULL;
	xmlChar *text = NULL;
	int len = 0, ret = -1;

	if (!ctxt || !sec)
		vp_oom();
	/* a template reads no file and no URL, and writes nothing */
	if (vp_xslt.xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_FILE, forbid) ||
	    vp_xslt.xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE, forbid) ||
	    vp_xslt.xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY, forbid) ||
	    vp_xslt.xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK, forbid) ||
	    vp_xslt.xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK, forbid) ||
	    vp_xslt.xsltSetCtxtSecurityPrefs(sec, ctxt)) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot set up libxslt's security preferences");
		goto out;
	}
	vp_xslt.xsltSetTransformErrorFunc(ctxt, NULL, vp_xslt_keep_error);
	res = vp_xslt.xsltApplyStylesheetUser(ss, doc, NULL, NULL, NULL, ctxt);
	if (!res || ctxt->state != XSLT_STATE_OK) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot apply osinfo-db's install script '%s'",
			     script_id);
		vp_error_append_reason(err, vp_xslt_last_error());
		goto out;
	}
	if (vp_xslt.xsltSaveResultToString(&text, &len, res, ss) < 0) {
		vp_error_set(err, VP_ERR_RUNTIME,
			     "cannot apply osinfo-db's install script '%s': no text came out",
			     script_id);
		goto out;
	}
	*out = vp_strndup(text ? (const char *)text : "", text ? (size_t)len : 0);
	ret = 0;
out:
	if (text)
		xmlFree(text);
	xmlFreeDoc(res);
	vp_xslt.xsltFreeTransformContext(ctxt);
	vp_xslt.xsltFreeSecurityPrefs(sec);
	return ret;
}

/* ---- the x11 keyboard layout of a language -------------------------------- */

/* osinfo-db's datamap http://x.org/x11-keyboard (ll_CC -> layout), beside
 * the install-script directory; NULL when it is not there or has no entry. */
static char *x11_keyboard(const char *script_dir, const char *language)
{
	_cleanup_(freep) char *dir = vp_strdup(script_dir);
	_cleanup_(freep) char *lang = vp_strndup(language, strcspn(language, "."));
	_cleanup_(freep) char *file = NULL, *text = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_error ignored = { 0 };
	char *slash = strrchr(dir, '/');
	xmlNodePtr m, e;

	if (!slash)
		return NULL;
	*slash = 0;
	file = vp_strdup_printf("%s/datamap/x.org/x11-keyboard.xml", dir);
	text = vp_read_file(file, 1 << 20, NULL);
	if (!text || vp_xml_parse(text, file, &doc, &ignored) < 0)
		return NULL;
	for (m = xmlDocGetRootElement(doc)->children; m; m = m->next) {
		if (m->type != XML_ELEMENT_NODE || !xmlStrEqual(m->name, BAD_CAST "datamap"))
			continue;
		for (e = m->children; e; e = e->next) {
			_cleanup_(freep) char *in = NULL;
			char *outv;

			if (e->type != XML_ELEMENT_NODE || !xmlStrEqual(e->name, BAD_CAST "entry"))
				continue;
			in = vp_xml_prop(e, "inval");
			if (!in || strcmp(in, lang))
				continue;
			outv = vp_xml_prop(e, "outval");
			if (outv && valid_keyboard(outv))
				return outv;
			free(outv);
		}
	}
	return NULL;
}

/* ---- putting it together ----------------------------------------------------- */

static int make_config(const struct vp_unattended_opts *o, const char *script_dir,
		       struct config *c, char **admin_pw, char **user_pw,
		       struct vp_unattended *out, struct vp_error *err)
{
	if (o->admin_password_file) {
		if (vp_password_read(o->admin_password_file, "admin", admin_pw, err) < 0)
			return -1;
	} else {
		if (vp_password_generate(admin_pw, err) < 0)
			return -1;
		out->generated_password = vp_strdup(*admin_pw);
	}
	if (o->user_password_file && vp_password_read(o->user_password_file, "user", user_pw, err) < 0)
		return -1;

	if (o->user_login) {
		if (!valid_login(o->user_login) || !strcmp(o->user_login, "root"))
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot use '%s' as the user login of an unattended install "
					    "(a user name: lowercase letters, digits, '_' and '-', not "
					    "root)",
					    o->user_login);
		c->login = vp_strdup(o->user_login);
	} else {
		/* the caller's login name, as virt-install takes it; root makes no user */
		struct passwd pw, *res = NULL;
		char buf[4096];

		if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res &&
		    strcmp(res->pw_name, "root")) {
			char *p;

			c->login = vp_strdup(res->pw_name);
			for (p = c->login; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			if (!valid_login(c->login))
				return vp_error_set(err, VP_ERR_INVALID,
						    "cannot use the login name '%s' in an unattended "
						    "install; give a user login",
						    c->login);
		}
	}
	if (c->login)
		c->realname = vp_strdup(c->login);

	if (vp_password_hash(*admin_pw, &c->admin_hash, err) < 0 ||
	    vp_password_hash(*user_pw ? *user_pw : *admin_pw, &c->user_hash, err) < 0)
		return -1;

	if (o->hostname && !(c->hostname = host_name_of(o->hostname)))
		return vp_error_set(err, VP_ERR_INVALID, "cannot make a host name of '%s'",
				    o->hostname);
	c->disk = vp_strdup(o->target_disk ? o->target_disk : "/dev/vda");
	if (!valid_disk(c->disk))
		return vp_error_set(err, VP_ERR_INVALID, "'%s' is not a disk the installer can use "
				    "(/dev/...)", c->disk);
	if (o->install_url) {
		if (!valid_url(o->install_url))
			return vp_error_set(err, VP_ERR_INVALID,
					    "cannot give '%s' to an unattended install: a URL without "
					    "blanks, quotes or backslashes is needed",
					    o->install_url);
		c->url = vp_strdup(o->install_url);
	}
	c->source = o->install_url ? "network" : "media";
	c->arch = vp_strdup(o->arch ? o->arch : "x86_64");
	if (!all_of(c->arch, "_-"))
		return vp_error_set(err, VP_ERR_INVALID, "unknown architecture '%s'", c->arch);

	if (o->language) {
		if (!valid_language(o->language))
			return vp_error_set(err, VP_ERR_INVALID,
					    "'%s' is not a language the installers take (ll_CC, "
					    "ll_CC.UTF-8)",
					    o->language);
		c->language = vp_strdup(o->language);
	} else if (!(c->language = host_language())) {
		c->language = vp_strdup("en_US.UTF-8");
	}
	if (o->keyboard) {
		if (!valid_keyboard(o->keyboard))
			return vp_error_set(err, VP_ERR_INVALID, "'%s' is not a keyboard layout",
					    o->keyboard);
		c->keyboard = vp_strdup(o->keyboard);
	} else if (!(c->keyboard = x11_keyboard(script_dir, c->language))) {
		c->keyboard = vp_strdup("us");
	}
	if (o->timezone) {
		if (!valid_timezone(o->timezone))
			return vp_error_set(err, VP_ERR_INVALID, "'%s' is not a time zone",
					    o->timezone);
		c->timezone = vp_strdup(o->timezone);
	} else if (!(c->timezone = host_timezone())) {
		c->timezone = vp_strdup("UTC");
	}
	return 0;
}

/* Append ", item" (or item) to *list. */
static void list_add(char **list, const char *item)
{
	char *n = *list ? vp_strdup_printf("%s, %s", *list, item) : vp_strdup(item);

	free(*list);
	*list = n;
}

/* The script of the requested profile, among those the OS names. */
static int pick_script(const char *script_dir, const char *os_id, char **ids, size_t n,
		       const char *profile, struct script *out, struct vp_error *err)
{
	struct script all[MAX_SCRIPTS];
	size_t i, count = 0, pick = SIZE_MAX;
	_cleanup_(freep) char *list = NULL;
	int ret = -1;

	memset(all, 0, sizeof(all));
	for (i = 0; i < n && count < MAX_SCRIPTS; i++) {
		int r = load_script(script_dir, ids[i], &all[count], err);

		if (r < 0)
			goto out;
		if (r > 0)
			count++;
	}
	if (!count) {
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "there is no unattended install script for '%s': osinfo-db names '%s' "
			     "but '%s' does not have it",
			     os_id, ids[0], script_dir);
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (!all[i].profile || strcmp(all[i].profile, profile))
			continue;
		if (pick == SIZE_MAX ||
		    (has_method(&all[i], "initrd") && !has_method(&all[pick], "initrd")))
			pick = i;
	}
	if (pick == SIZE_MAX) {
		for (i = 0; i < count; i++)
			if (all[i].profile && (!list || !strstr(list, all[i].profile)))
				list_add(&list, all[i].profile);
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "there is no unattended install script with the '%s' profile for '%s' "
			     "(it has: %s)",
			     profile, os_id, list ? list : "none");
		goto out;
	}
	if (!has_method(&all[pick], "initrd")) {
		for (i = 0; i < all[pick].n_methods; i++)
			list_add(&list, all[pick].methods[i]);
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "there is no unattended install script for '%s' that can go into an "
			     "initrd: '%s' is made for %s",
			     os_id, all[pick].id, list ? list : "no injection method");
		goto out;
	}
	if (!all[pick].stylesheet || !all[pick].filename || !*all[pick].filename ||
	    strchr(all[pick].filename, '/')) {
		vp_error_set(err, VP_ERR_RUNTIME,
			     "osinfo-db's install script '%s' (%s) has no %s", all[pick].id,
			     all[pick].file, !all[pick].stylesheet ? "embedded XSLT template" :
							      "usable expected-filename");
		goto out;
	}
	*out = all[pick];
	memset(&all[pick], 0, sizeof(all[pick]));
	ret = 0;
out:
	for (i = 0; i < count; i++)
		script_clear(&all[i]);
	return ret;
}

static char *trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		memmove(s, s + 1, strlen(s));
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

int vp_unattended_render(struct vp_osinfo *db, const struct vp_unattended_opts *o,
			 struct vp_unattended *out, struct vp_error *err)
{
	const char *script_dir = o->script_dir ? o->script_dir : DEFAULT_SCRIPT_DIR;
	const char *profile = o->profile ? o->profile : "jeos";
	const char *arch = o->arch ? o->arch : "x86_64";
	struct vp_os_profile prof = { 0 };
	struct script s = { 0 };
	struct config c = { 0 };
	char **ids = NULL;
	size_t n_ids = 0;
	_cleanup_(vp_secret_freep) char *admin_pw = NULL;
	_cleanup_(vp_secret_freep) char *user_pw = NULL;
	xmlDocPtr ssdoc = NULL, cfg = NULL, cmd = NULL;
	xsltStylesheetPtr ss = NULL;
	char *content = NULL, *args = NULL;
	xmlGenericErrorFunc old_error = NULL;
	void *old_error_ctx = NULL;
	bool error_set = false;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!o->os_id)
		return vp_error_set(err, VP_ERR_INVALID, "an unattended install needs an OS");
	if (strcmp(profile, "jeos") && strcmp(profile, "desktop"))
		return vp_error_set(err, VP_ERR_INVALID,
				    "unknown unattended install profile '%s' (jeos or desktop)",
				    profile);
	if (vp_osinfo_profile(db, o->os_id, arch, &prof, err) < 0)
		return -1;
	if (find_script_ids(db, &prof, arch, &ids, &n_ids, err) < 0)
		goto out;
	if (!n_ids) {
		vp_error_set(err, VP_ERR_NOT_FOUND,
			     "there is no unattended install script for '%s': osinfo-db has none "
			     "for it or for the releases it derives from",
			     o->os_id);
		goto out;
	}
	if (pick_script(script_dir, o->os_id, ids, n_ids, profile, &s, err) < 0)
		goto out;
	if (make_config(o, script_dir, &c, &admin_pw, &user_pw, out, err) < 0)
		goto out;
	if (!c.login && param_required(&s, "user-login")) {
		vp_error_set(err, VP_ERR_INVALID,
			     "the '%s' install script for '%s' needs a user login, and root is not "
			     "one: give a user login",
			     profile, o->os_id);
		goto out;
	}
	if (vp_xslt_load(err) < 0)
		goto out;
	/* libxml2's own messages (XPath) would go to stderr: keep them */
	old_error = xmlGenericError;
	old_error_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, vp_xslt_keep_error);
	error_set = true;

	/* the stylesheet, in a document of its own, passwords switched */
	ssdoc = xmlNewDoc(BAD_CAST "1.0");
	if (!ssdoc)
		vp_oom();
	{
		xmlNodePtr copy = xmlDocCopyNode(s.stylesheet, ssdoc, 1);

		if (!copy)
			vp_oom();
		xmlDocSetRootElement(ssdoc, copy);
		if (hash_passwords(copy, s.id, err) < 0)
			goto out;
	}
	vp_xslt_clear_error();
	ss = vp_xslt.xsltParseStylesheetDoc(ssdoc);
	if (!ss) {
		vp_error_set(err, VP_ERR_RUNTIME, "cannot compile osinfo-db's install script '%s'",
			     s.id);
		vp_error_append_reason(err, vp_xslt_last_error());
		goto out;
	}
	ssdoc = NULL; /* the stylesheet owns it */

	cfg = config_doc("install-script-config", &s, prof.os, &c);
	cmd = config_doc("command-line", &s, prof.os, &c);
	if (apply(ss, cfg, s.id, &content, err) < 0 || apply(ss, cmd, s.id, &args, err) < 0)
		goto out;
	if (!*trim(content)) {
		vp_error_set(err, VP_ERR_RUNTIME,
			     "osinfo-db's install script '%s' gave nothing for '%s'", s.id,
			     o->os_id);
		goto out;
	}
	out->content = vp_strdup_printf("%s\n", content);
	out->filename = vp_strdup(s.filename);
	out->script_id = vp_strdup(s.id);
	out->kernel_args = *trim(args) ? vp_strdup(args) : NULL;
	ret = 0;
out:
	if (error_set)
		xmlSetGenericErrorFunc(old_error_ctx, old_error);
	if (ret < 0)
		vp_unattended_clear(out);
	free(content);
	free(args);
	xmlFreeDoc(cfg);
	xmlFreeDoc(cmd);
	xmlFreeDoc(ssdoc);
	if (ss)
		vp_xslt.xsltFreeStylesheet(ss);
	script_clear(&s);
	config_clear(&c);
	vp_strings_free(ids, n_ids);
	vp_os_profile_clear(&prof);
	return ret;
}

void vp_unattended_clear(struct vp_unattended *u)
{
	if (!u)
		return;
	free(u->filename);
	free(u->content);
	free(u->kernel_args);
	free(u->script_id);
	vp_secret_free(u->generated_password);
	memset(u, 0, sizeof(*u));
}
