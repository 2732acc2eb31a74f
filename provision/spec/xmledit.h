/* provision/spec/xmledit.h — virt-install's --xml: edits of the final
 * domain document by XPath, made after vprov built it and before it is
 * validated and defined.
 *
 * The syntax (virt-install's, virtinst's ParserXML and XMLManualAction):
 *   XPATH=VALUE                       set (the last '=' splits)
 *   xpath.set=XPATH=VALUE             the same
 *   xpath.set=XPATH,xpath.value=VALUE the same, VALUE may hold '=' and ','
 *   xpath.create=XPATH                make the element (and its parents)
 *   xpath.delete=XPATH                remove the element, or the attribute
 * An XPATH is relative to <domain> ("./devices/disk[1]/serial"), or
 * absolute from it ("/domain/devices/..."); a last step "@name" is an
 * attribute.  Setting makes what is missing on the way, one element per
 * step, with the attribute a step's [@attr='value'] condition names
 * ("./devices/disk[@device='cdrom']/serial" makes <disk device="cdrom">
 * when there is none); the first match is the one changed.  An empty
 * VALUE clears the text or removes the attribute, and removes the elements
 * it leaves empty.  Prefixes qemu:, libosinfo: and vprov: name their
 * namespaces.
 *
 * Where vprov differs: xpath.delete of an attribute removes the attribute
 * (virtinst removes its element); two actions in one --xml are refused
 * (virtinst silently prefers delete, then create). */
#ifndef VP_XMLEDIT_H
#define VP_XMLEDIT_H

#include <stddef.h>
#include <libxml/tree.h>

#include "error.h"

enum vp_xmledit_op { VP_XMLEDIT_SET, VP_XMLEDIT_CREATE, VP_XMLEDIT_DELETE };

struct vp_xmledit {
	enum vp_xmledit_op op;
	char *arg;               /* the --xml value as given, for messages */
	char *xpath;
	char *value;             /* SET: "" clears */
};

struct vp_xmledits {
	struct vp_xmledit *v;
	size_t n;
};

/* One --xml value appended to l; a bad one: VP_ERR_INVALID, one sentence
 * naming it. */
int vp_xmledit_parse(struct vp_xmledits *l, const char *arg, struct vp_error *err);

/* Apply l's edits in order to doc.  An XPath libxml2 cannot evaluate, or
 * a path that cannot be made, is VP_ERR_INVALID naming the --xml. */
int vp_xmledit_apply(const struct vp_xmledits *l, xmlDocPtr doc, struct vp_error *err);

void vp_xmledits_copy(struct vp_xmledits *dst, const struct vp_xmledits *src);
void vp_xmledits_clear(struct vp_xmledits *l);

#endif
