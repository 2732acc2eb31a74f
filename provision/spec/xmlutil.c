/* provision/xmlutil.c — libxml2 tree helpers */
#include "xmlutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "alloc.h"

int vp_xml_parse(const char *text, const char *what, xmlDocPtr *out, struct vp_error *err)
{
	xmlDocPtr doc;

	doc = xmlReadMemory(text, (int)strlen(text), what, NULL,
			    XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc)) {
		const xmlError *e = xmlGetLastError();

		xmlFreeDoc(doc);
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot parse %s: %s", what,
				    e && e->message ? e->message : "not XML");
	}
	*out = doc;
	return 0;
}

xmlNodePtr vp_xml_child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c;

	if (!parent)
		return NULL;
	for (c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

void vp_xml_set_text(xmlNodePtr node, const char *value)
{
	xmlNodePtr c, next;

	for (c = node->children; c; c = next) {
		next = c->next;
		if (c->type == XML_TEXT_NODE || c->type == XML_ENTITY_REF_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
	if (value)
		xmlNodeAddContent(node, BAD_CAST value);
}

static xmlNodePtr new_node(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n = xmlNewDocNode(parent->doc, NULL, BAD_CAST name, NULL);

	if (!n)
		vp_oom();
	return n;
}

xmlNodePtr vp_xml_add(xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n = new_node(parent, name);

	xmlAddChild(parent, n);
	if (text)
		xmlNodeAddContent(n, BAD_CAST text);
	return n;
}

xmlNodePtr vp_xml_add_before(xmlNodePtr parent, xmlNodePtr sibling, const char *name)
{
	xmlNodePtr n = new_node(parent, name);

	if (sibling)
		xmlAddPrevSibling(sibling, n);
	else
		xmlAddChild(parent, n);
	return n;
}

void vp_xml_set(xmlNodePtr node, const char *name, const char *value)
{
	if (value)
		xmlSetProp(node, BAD_CAST name, BAD_CAST value);
	else
		xmlUnsetProp(node, BAD_CAST name);
}

char *vp_xml_prop(xmlNodePtr node, const char *name)
{
	xmlChar *v = node ? xmlGetProp(node, BAD_CAST name) : NULL;
	char *r = v ? vp_strdup((const char *)v) : NULL;

	xmlFree(v);
	return r;
}

char *vp_xml_text(xmlNodePtr node)
{
	xmlChar *v = node ? xmlNodeGetContent(node) : NULL;
	char *s, *e, *r = NULL;

	if (v) {
		/* some files wrap values in white space */
		s = (char *)v;
		e = s + strlen(s);
		while (*s == ' ' || *s == '\n' || *s == '\t')
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'))
			e--;
		r = vp_strndup(s, (size_t)(e - s));
	}
	xmlFree(v);
	return r;
}

void vp_xml_drop(xmlNodePtr node)
{
	if (!node)
		return;
	xmlUnlinkNode(node);
	xmlFreeNode(node);
}

char *vp_xml_xpath_string(xmlDocPtr doc, const char *expr, const char *prefix,
			  const char *href)
{
	_cleanup_(xmlXPathFreeContextp) xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	_cleanup_(xmlXPathFreeObjectp) xmlXPathObjectPtr obj = NULL;
	xmlChar *s;
	char *r;

	if (!ctx)
		vp_oom();
	if (prefix)
		xmlXPathRegisterNs(ctx, BAD_CAST prefix, BAD_CAST href);
	obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	if (!obj)
		return NULL;
	s = xmlXPathCastToString(obj);
	if (!s)
		return NULL;
	r = *s ? vp_strdup((const char *)s) : NULL;
	xmlFree(s);
	return r;
}

char *vp_xml_format(xmlDocPtr doc)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save;
	char *r;

	if (!buf)
		vp_oom();
	save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	if (!save)
		vp_oom();
	xmlSaveTree(save, xmlDocGetRootElement(doc));
	xmlSaveClose(save);
	r = vp_strdup_printf("%s\n", (const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return r;
}
