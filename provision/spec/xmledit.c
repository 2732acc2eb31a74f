/* provision/spec/xmledit.c — virt-install's --xml edits, on libxml2's
 * tree and XPath (the rules: xmledit.h) */
#include "xmledit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xpathInternals.h>

#include "alloc.h"
#include "xmlutil.h"

/* ---- parsing --------------------------------------------------------- */

static const char *const keys[] = { "xpath.set=", "xpath.create=", "xpath.delete=",
				    "xpath.value=", NULL };

/* The key of the sub-option starting at p, or -1. */
static int key_at(const char *p)
{
	int k;

	for (k = 0; keys[k]; k++)
		if (!strncmp(p, keys[k], strlen(keys[k])))
			return k;
	return -1;
}

static int bad(struct vp_error *err, const char *arg, const char *why)
{
	return vp_error_set(err, VP_ERR_INVALID, "invalid --xml '%s': %s", arg, why);
}

/* A step of an XPath may not be empty, and a path must name something. */
static int check_path(const char *arg, const char *xpath, struct vp_error *err)
{
	if (!*xpath)
		return bad(err, arg, "the XPath is empty");
	if (strspn(xpath, " \t") == strlen(xpath))
		return bad(err, arg, "the XPath is blank");
	return 0;
}

int vp_xmledit_parse(struct vp_xmledits *l, const char *arg, struct vp_error *err)
{
	char *val[4] = { NULL, NULL, NULL, NULL };
	struct vp_xmledit e = { 0 };
	int n_ops, r = -1;

	if (!arg || !*arg)
		return bad(err, arg ? arg : "", "give XPATH=VALUE, xpath.create=XPATH or xpath.delete=XPATH");
	if (key_at(arg) < 0) {
		/* the whole string is xpath.set's value */
		val[0] = vp_strdup(arg);
	} else {
		const char *p = arg;

		while (*p) {
			int k = key_at(p);
			const char *v = p + strlen(keys[k]), *end = v;

			/* the value runs to the next ",xpath.KEY=" (commas
			 * belong to the value, as in virt-install) */
			while (*end && !(*end == ',' && key_at(end + 1) >= 0))
				end++;
			if (val[k]) {
				vp_error_set(err, VP_ERR_INVALID, "invalid --xml '%s': %.*s is given twice",
					     arg, (int)strlen(keys[k]) - 1, keys[k]);
				goto out;
			}
			val[k] = vp_strndup(v, (size_t)(end - v));
			p = *end ? end + 1 : end;
		}
	}
	n_ops = !!val[0] + !!val[1] + !!val[2];
	if (n_ops == 0) {
		bad(err, arg, "xpath.value= needs xpath.set=XPATH");
		goto out;
	}
	if (n_ops > 1) {
		bad(err, arg, "give one of xpath.set, xpath.create and xpath.delete per --xml");
		goto out;
	}
	if (val[3] && !val[0]) {
		bad(err, arg, "xpath.value= goes with xpath.set=XPATH");
		goto out;
	}
	if (val[1] || val[2]) {
		e.op = val[1] ? VP_XMLEDIT_CREATE : VP_XMLEDIT_DELETE;
		e.xpath = vp_strdup(val[1] ? val[1] : val[2]);
	} else if (val[3]) {
		e.op = VP_XMLEDIT_SET;
		e.xpath = vp_strdup(val[0]);
		e.value = vp_strdup(val[3]);
	} else {
		char *eq = strrchr(val[0], '=');

		if (!eq) {
			bad(err, arg, "setting takes XPATH=VALUE");
			goto out;
		}
		e.op = VP_XMLEDIT_SET;
		e.xpath = vp_strndup(val[0], (size_t)(eq - val[0]));
		e.value = vp_strdup(eq + 1);
	}
	if (check_path(arg, e.xpath, err) < 0) {
		free(e.xpath);
		free(e.value);
		goto out;
	}
	e.arg = vp_strdup(arg);
	l->v = vp_grow(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = e;
	r = 0;
out:
	for (int k = 0; k < 4; k++)
		free(val[k]);
	return r;
}

void vp_xmledits_copy(struct vp_xmledits *dst, const struct vp_xmledits *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	if (!src || !src->n)
		return;
	dst->v = vp_calloc(src->n, sizeof(*dst->v));
	for (i = 0; i < src->n; i++) {
		dst->v[i].op = src->v[i].op;
		dst->v[i].arg = vp_strdup(src->v[i].arg);
		dst->v[i].xpath = vp_strdup(src->v[i].xpath);
		dst->v[i].value = src->v[i].value ? vp_strdup(src->v[i].value) : NULL;
	}
	dst->n = src->n;
}

void vp_xmledits_clear(struct vp_xmledits *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].arg);
		free(l->v[i].xpath);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- the path --------------------------------------------------------- */

/* The namespaces a prefix may name in a domain document. */
static const char *const namespaces[][2] = {
	{ "qemu", "http://libvirt.org/schemas/domain/qemu/1.0" },
	{ "libosinfo", "http://libosinfo.org/xmlns/libvirt/domain/1.0" },
	{ "vprov", "https://vprov.dev/xmlns/domain/1" },
	{ NULL, NULL },
};

static const char *ns_href(const char *prefix)
{
	size_t i;

	for (i = 0; namespaces[i][0]; i++)
		if (!strcmp(namespaces[i][0], prefix))
			return namespaces[i][1];
	return NULL;
}

/* An XPath cut into steps below the root element ("." dropped, ".."
 * resolved), and the attribute its last step names. */
struct path {
	char **steps;
	size_t n;
	char *attr;              /* "@name" last: "name" */
	bool raw;                /* not a plain path from the root ("//x"):
	                          * found as given, never made */
	char *expr;              /* the element's XPath, from the root */
};

static void path_clear(struct path *p)
{
	vp_strings_free(p->steps, p->n);
	free(p->attr);
	free(p->expr);
	memset(p, 0, sizeof(*p));
}

/* Split s at '/' outside [...] and quotes. */
static void split_steps(const char *s, char ***out, size_t *n)
{
	const char *start = s;
	int depth = 0;
	char quote = 0;

	for (const char *p = s;; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			else if (!*p)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '[') {
			depth++;
		} else if (*p == ']' && depth) {
			depth--;
		}
		if (!*p || (*p == '/' && !depth && !quote)) {
			vp_strings_add(out, n, vp_strndup(start, (size_t)(p - start)));
			if (!*p)
				break;
			start = p + 1;
		}
	}
}

static int path_parse(const char *xpath, const char *root, struct path *p, const char *arg,
		      struct vp_error *err)
{
	char **raw = NULL;
	size_t n = 0, i = 0;
	int r = -1;

	memset(p, 0, sizeof(*p));
	if (!strncmp(xpath, "//", 2)) {
		p->raw = true;
	} else {
		split_steps(xpath, &raw, &n);
		if (n && !*raw[0]) {
			/* absolute: "/domain/..." is the root's */
			if (n < 2 || strcmp(raw[1], root) != 0) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --xml '%s': an absolute XPath starts at /%s", arg, root);
				goto out;
			}
			i = 2;
		}
		for (; i < n; i++) {
			const char *s = raw[i];

			if (!strcmp(s, "."))
				continue;
			if (!strcmp(s, "..")) {
				if (!p->n) {
					vp_error_set(err, VP_ERR_INVALID,
						     "invalid --xml '%s': '..' leaves the document's root", arg);
					goto out;
				}
				free(p->steps[--p->n]);
				continue;
			}
			if (!*s || strstr(s, "::")) {
				p->raw = true;
				break;
			}
			if (s[0] == '@') {
				if (i + 1 != n || !s[1]) {
					vp_error_set(err, VP_ERR_INVALID,
						     "invalid --xml '%s': an attribute (@name) is only the last step",
						     arg);
					goto out;
				}
				p->attr = vp_strdup(s + 1);
				continue;
			}
			vp_strings_add(&p->steps, &p->n, vp_strdup(s));
		}
		for (i = 0; !p->raw && i <= p->n; i++) {
			const char *s = i < p->n ? p->steps[i] : p->attr;
			size_t k = s ? strcspn(s, "[:") : 0;
			_cleanup_(freep) char *prefix = NULL;

			if (!s || s[k] != ':')
				continue;
			prefix = vp_strndup(s, k);
			if (!ns_href(prefix)) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --xml '%s': unknown namespace prefix '%s' (known: qemu, libosinfo, vprov)",
					     arg, prefix);
				goto out;
			}
		}
	}
	if (p->raw) {
		/* as given, an attribute last */
		const char *at = strrchr(xpath, '/');

		vp_strings_free(p->steps, p->n);
		p->steps = NULL;
		p->n = 0;
		free(p->attr);
		p->attr = NULL;
		if (at && at[1] == '@' && !strpbrk(at + 1, "[]")) {
			p->attr = vp_strdup(at + 2);
			p->expr = vp_strndup(xpath, (size_t)(at - xpath));
		} else {
			p->expr = vp_strdup(xpath);
		}
	} else {
		size_t len = 2;

		for (i = 0; i < p->n; i++)
			len += strlen(p->steps[i]) + 1;
		p->expr = vp_calloc(len, 1);
		strcpy(p->expr, ".");
		for (i = 0; i < p->n; i++) {
			strcat(p->expr, "/");
			strcat(p->expr, p->steps[i]);
		}
	}
	r = 0;
out:
	vp_strings_free(raw, n);
	if (r < 0)
		path_clear(p);
	return r;
}

/* ---- the document ------------------------------------------------------ */

static void quiet(void *data, const xmlError *e)
{
	(void)data;
	(void)e;
}

/* The first element expr finds from the root, or NULL; -1 when libxml2
 * cannot evaluate it. */
static int find(xmlDocPtr doc, const char *expr, xmlNodePtr *out)
{
	_cleanup_(xmlXPathFreeContextp) xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	_cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr res = NULL;
	size_t i;

	*out = NULL;
	if (!ctx)
		return -1;
	ctx->error = (xmlStructuredErrorFunc)quiet;
	ctx->node = xmlDocGetRootElement(doc);
	for (i = 0; namespaces[i][0]; i++)
		xmlXPathRegisterNs(ctx, BAD_CAST namespaces[i][0], BAD_CAST namespaces[i][1]);
	res = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	if (!res)
		return -1;
	if (res->type != XPATH_NODESET)
		return -1;
	for (i = 0; res->nodesetval && i < (size_t)res->nodesetval->nodeNr; i++)
		if (res->nodesetval->nodeTab[i]->type == XML_ELEMENT_NODE) {
			*out = res->nodesetval->nodeTab[i];
			break;
		}
	return 0;
}

/* The namespace of a "prefix:name", found on node's ancestors or made on
 * node; *local gets the name after the prefix.  -1: a prefix vprov does
 * not know. */
static int name_ns(xmlDocPtr doc, xmlNodePtr node, const char *qname, const char **local,
		   xmlNsPtr *ns)
{
	const char *colon = strchr(qname, ':');
	_cleanup_(freep) char *prefix = NULL;
	const char *href;

	*ns = NULL;
	*local = qname;
	if (!colon)
		return 0;
	prefix = vp_strndup(qname, (size_t)(colon - qname));
	*local = colon + 1;
	*ns = xmlSearchNs(doc, node, BAD_CAST prefix);
	if (*ns)
		return 0;
	if (!(href = ns_href(prefix)))
		return -1;
	*ns = xmlNewNs(node, BAD_CAST href, BAD_CAST prefix);
	return *ns ? 0 : -1;
}

/* A step "name", "name[N]", "name[@a='v']": its element's name and the
 * attribute a condition sets. */
static void step_parts(const char *step, char **name, char **cattr, char **cval)
{
	const char *br = strchr(step, '[');

	*cattr = *cval = NULL;
	*name = vp_strndup(step, br ? (size_t)(br - step) : strlen(step));
	if (br) {
		const char *c = br + 1, *eq = strchr(c, '='), *end = strrchr(c, ']');

		if (eq && end && eq < end) {
			const char *v = eq + 1;
			size_t vl = (size_t)(end - v);

			if (*c == '@')
				c++;
			*cattr = vp_strndup(c, (size_t)(eq - c));
			while (**cattr && (*cattr)[strlen(*cattr) - 1] == ' ')
				(*cattr)[strlen(*cattr) - 1] = '\0';
			while (vl && *v == ' ')
				v++, vl--;
			if (vl >= 2 && (*v == '\'' || *v == '"') && v[vl - 1] == *v) {
				v++;
				vl -= 2;
			}
			*cval = vp_strndup(v, vl);
		}
	}
}

static int set_attr(xmlDocPtr doc, xmlNodePtr node, const char *qname, const char *value)
{
	const char *local;
	xmlNsPtr ns;

	if (name_ns(doc, node, qname, &local, &ns) < 0)
		return -1;
	if (ns)
		return xmlSetNsProp(node, ns, BAD_CAST local, BAD_CAST value) ? 0 : -1;
	return xmlSetProp(node, BAD_CAST local, BAD_CAST value) ? 0 : -1;
}

static void unset_attr(xmlDocPtr doc, xmlNodePtr node, const char *qname)
{
	const char *colon = strchr(qname, ':');

	if (colon) {
		_cleanup_(freep) char *prefix = vp_strndup(qname, (size_t)(colon - qname));
		xmlNsPtr ns = xmlSearchNs(doc, node, BAD_CAST prefix);

		if (ns)
			xmlUnsetNsProp(node, ns, BAD_CAST(colon + 1));
		return;
	}
	xmlUnsetProp(node, BAD_CAST qname);
}

/* Every element of p's steps, made where missing (virtinst's
 * _node_make_stub); *out the last. */
static int make_path(xmlDocPtr doc, const struct path *p, const char *arg, xmlNodePtr *out,
		     struct vp_error *err)
{
	xmlNodePtr node = xmlDocGetRootElement(doc);
	size_t len = 2, i;
	_cleanup_(freep) char *expr = NULL;

	for (i = 0; i < p->n; i++)
		len += strlen(p->steps[i]) + 1;
	expr = vp_calloc(len, 1);
	strcpy(expr, ".");
	for (i = 0; i < p->n; i++) {
		_cleanup_(freep) char *name = NULL;
		_cleanup_(freep) char *cattr = NULL;
		_cleanup_(freep) char *cval = NULL;
		xmlNodePtr found, child;
		const char *local;
		xmlNsPtr ns;

		strcat(expr, "/");
		strcat(expr, p->steps[i]);
		if (find(doc, expr, &found) < 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --xml '%s': libxml2 cannot evaluate the XPath '%s'", arg, expr);
		if (found) {
			node = found;
			continue;
		}
		step_parts(p->steps[i], &name, &cattr, &cval);
		if (!*name || strpbrk(name, "*()|=<>!$ ") || xmlValidateQName(BAD_CAST name, 0) != 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --xml '%s': '%s' is not an element vprov can make", arg,
					    p->steps[i]);
		child = xmlNewDocNode(doc, NULL, BAD_CAST name, NULL);
		xmlAddChild(node, child);
		if (name_ns(doc, child, name, &local, &ns) < 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --xml '%s': unknown namespace prefix in '%s' (known: qemu, libosinfo, vprov)",
					    arg, name);
		if (ns) {
			xmlSetNs(child, ns);
			xmlNodeSetName(child, BAD_CAST local);
		}
		if (cattr && *cattr && set_attr(doc, child, cattr, cval) < 0)
			return vp_error_set(err, VP_ERR_INVALID,
					    "invalid --xml '%s': unknown namespace prefix in '%s'", arg, cattr);
		node = child;
	}
	*out = node;
	return 0;
}

static bool has_content(xmlNodePtr n)
{
	return n->children || n->properties || n->nsDef;
}

/* After clearing: the elements left empty, from node up (never the root). */
static void drop_empty(xmlNodePtr node)
{
	while (node && node->type == XML_ELEMENT_NODE && node->parent &&
	       node->parent->type == XML_ELEMENT_NODE && !has_content(node)) {
		xmlNodePtr up = node->parent;

		vp_xml_drop(node);
		node = up;
	}
}

static int apply_one(const struct vp_xmledit *e, xmlDocPtr doc, struct vp_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), node = NULL;
	struct path p;
	const char *arg = e->arg ? e->arg : e->xpath;
	int r = -1;

	if (!root)
		return vp_error_set(err, VP_ERR_INVALID, "the document has no root element");
	if (path_parse(e->xpath, (const char *)root->name, &p, arg, err) < 0)
		return -1;
	if (find(doc, p.expr, &node) < 0) {
		vp_error_set(err, VP_ERR_INVALID, "invalid --xml '%s': libxml2 cannot evaluate the XPath",
			     arg);
		goto out;
	}
	switch (e->op) {
	case VP_XMLEDIT_DELETE:
		if (!node)
			break;
		if (p.attr) {
			unset_attr(doc, node, p.attr);
		} else if (node == root) {
			vp_error_set(err, VP_ERR_INVALID, "invalid --xml '%s': the root element stays", arg);
			goto out;
		} else {
			vp_xml_drop(node);
		}
		break;
	case VP_XMLEDIT_CREATE:
	case VP_XMLEDIT_SET:
		if (e->op == VP_XMLEDIT_SET && !*e->value) {
			/* clear, and drop what that leaves empty */
			if (!node)
				break;
			if (p.attr)
				unset_attr(doc, node, p.attr);
			else
				vp_xml_set_text(node, NULL);
			drop_empty(node);
			break;
		}
		if (!node) {
			if (p.raw) {
				vp_error_set(err, VP_ERR_INVALID,
					     "invalid --xml '%s': it finds nothing, and vprov makes only plain paths (./a/b[@c='d']/@e)",
					     arg);
				goto out;
			}
			if (make_path(doc, &p, arg, &node, err) < 0)
				goto out;
		}
		if (e->op == VP_XMLEDIT_CREATE) {
			if (p.attr && !xmlHasProp(node, BAD_CAST p.attr) && set_attr(doc, node, p.attr, "") < 0) {
				vp_error_set(err, VP_ERR_INVALID, "invalid --xml '%s': unknown namespace prefix",
					     arg);
				goto out;
			}
			break;
		}
		if (p.attr) {
			if (set_attr(doc, node, p.attr, e->value) < 0) {
				vp_error_set(err, VP_ERR_INVALID, "invalid --xml '%s': unknown namespace prefix",
					     arg);
				goto out;
			}
		} else {
			vp_xml_set_text(node, e->value);
		}
		break;
	}
	r = 0;
out:
	path_clear(&p);
	return r;
}

int vp_xmledit_apply(const struct vp_xmledits *l, xmlDocPtr doc, struct vp_error *err)
{
	size_t i;

	for (i = 0; l && i < l->n; i++)
		if (apply_one(&l->v[i], doc, err) < 0)
			return -1;
	return 0;
}
