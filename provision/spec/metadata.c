/* provision/metadata.c — reading vprov's record from a domain */
#include "metadata.h"

#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "xmlutil.h"

static bool is_ours(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns &&
	       xmlStrEqual(n->ns->href, BAD_CAST VP_META_NS) && xmlStrEqual(n->name, BAD_CAST name);
}

int vp_meta_read(xmlDocPtr domain, struct vp_meta *out, struct vp_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(domain);
	xmlNodePtr md = vp_xml_child(root, "metadata");
	xmlNodePtr vm = NULL, c;

	(void)err;
	memset(out, 0, sizeof(*out));
	for (c = md ? md->children : NULL; c; c = c->next)
		if (is_ours(c, VP_META_ROOT)) {
			vm = c;
			break;
		}
	if (!vm)
		return 0;
	out->present = true;
	out->version = vp_xml_prop(vm, "version");
	for (c = vm->children; c; c = c->next) {
		if (is_ours(c, "spec-hash")) {
			xmlChar *t = xmlNodeGetContent(c);

			free(out->spec_hash);
			out->spec_hash = vp_strdup((const char *)t);
			xmlFree(t);
		} else if (is_ours(c, "profile")) {
			free(out->os_id);
			free(out->os_short_id);
			out->os_id = vp_xml_prop(c, "id");
			out->os_short_id = vp_xml_prop(c, "short-id");
		} else if (is_ours(c, "volume")) {
			struct vp_meta_volume *v;
			char *owned = vp_xml_prop(c, "owned");

			out->vols = vp_grow(out->vols, out->n_vols + 1, sizeof(*out->vols));
			v = &out->vols[out->n_vols++];
			v->role = vp_xml_prop(c, "role");
			v->owned = owned && strcmp(owned, "yes") == 0;
			v->pool = vp_xml_prop(c, "pool");
			v->name = vp_xml_prop(c, "name");
			v->path = vp_xml_prop(c, "path");
			free(owned);
		}
	}
	return 0;
}

void vp_meta_clear(struct vp_meta *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n_vols; i++) {
		free(m->vols[i].role);
		free(m->vols[i].pool);
		free(m->vols[i].name);
		free(m->vols[i].path);
	}
	free(m->vols);
	free(m->version);
	free(m->spec_hash);
	free(m->os_id);
	free(m->os_short_id);
	memset(m, 0, sizeof(*m));
}
