/* provision/xmlutil.h — small, safe helpers over libxml2's tree API.
 * Text and attribute values are always stored as data, never parsed, so a
 * value such as "a'/><x" stays a value. */
#ifndef VP_XMLUTIL_H
#define VP_XMLUTIL_H

#include <stdint.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "cleanup.h"
#include "error.h"

VP_DEFINE_CLEANUP(xmlDocPtr, xmlFreeDoc)
VP_DEFINE_CLEANUP(xmlXPathContextPtr, xmlXPathFreeContext)
VP_DEFINE_CLEANUP(xmlXPathObjectPtr, xmlXPathFreeObject)

static inline void xmlFreep(void *p)
{
	xmlFree(*(void **)p);
}

/* The embedded templates (the files in templates/, compiled in). */
extern const char vp_template_domain[];
extern const char vp_template_volume[];
extern const char vp_template_pool_dir[];
extern const char vp_template_kvm_probe[];
extern const char vp_template_secret[];
extern const char vp_template_network[];

/* Parse a template or any XML text; blanks dropped so output re-indents. */
int vp_xml_parse(const char *text, const char *what, xmlDocPtr *out, struct vp_error *err);

/* First child element named name, or NULL. */
xmlNodePtr vp_xml_child(xmlNodePtr parent, const char *name);
/* Replace the text of node by value (data, escaped on output). */
void vp_xml_set_text(xmlNodePtr node, const char *value);
/* New child element at the end, with an optional text. */
xmlNodePtr vp_xml_add(xmlNodePtr parent, const char *name, const char *text);
/* New element placed before sibling (or at the end of parent if NULL). */
xmlNodePtr vp_xml_add_before(xmlNodePtr parent, xmlNodePtr sibling, const char *name);
/* Set an attribute (data); value NULL removes it. */
void vp_xml_set(xmlNodePtr node, const char *name, const char *value);
/* An attribute's value (malloc'd), or NULL when it (or node) is absent. */
char *vp_xml_prop(xmlNodePtr node, const char *name);
/* The text of node without surrounding white space (malloc'd); NULL for no node. */
char *vp_xml_text(xmlNodePtr node);
/* Remove and free the node (NULL is fine). */
void vp_xml_drop(xmlNodePtr node);

/* Evaluate an XPath on doc and return the string value (malloc'd) or
 * NULL when it is empty. ns: optional prefix and href for one namespace. */
char *vp_xml_xpath_string(xmlDocPtr doc, const char *expr, const char *prefix,
			  const char *href);

/* Serialize indented, without the XML declaration; caller frees. */
char *vp_xml_format(xmlDocPtr doc);

#endif
