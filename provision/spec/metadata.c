/* provision/metadata.c — reading vprov's record from a domain */
#include "metadata.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "spec.h"
#include "xmlutil.h"

static bool is_ours(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns &&
	       xmlStrEqual(n->ns->href, BAD_CAST VP_META_NS) && xmlStrEqual(n->name, BAD_CAST name);
}

static xmlNodePtr record(xmlDocPtr domain)
{
	xmlNodePtr md = vp_xml_child(xmlDocGetRootElement(domain), "metadata");
	xmlNodePtr c;

	for (c = md ? md->children : NULL; c; c = c->next)
		if (is_ours(c, VP_META_ROOT))
			return c;
	return NULL;
}

static bool prop_is(xmlNodePtr n, const char *name, const char *want)
{
	char *v = vp_xml_prop(n, name);
	bool r = v && want && !strcmp(v, want);

	free(v);
	return r;
}

static void strip_ns(xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlSetNs(n, NULL);
		if (n->nsDef) {
			xmlFreeNsList(n->nsDef);
			n->nsDef = NULL;
		}
		strip_ns(n->children);
	}
}

int vp_meta_take_volume(xmlDocPtr domain, const struct vp_meta_volume *vol, char **out,
			struct vp_error *err)
{
	const char *pool = vol->pool, *name = vol->name, *path = vol->path;
	xmlNodePtr vm = record(domain), c, v = NULL;
	xmlDocPtr copy;
	xmlBufferPtr buf;

	if (!vm)
		return vp_error_set(err, VP_ERR_INVALID, "the VM carries no vprov record");
	for (c = vm->children; c && !v; c = c->next)
		if (is_ours(c, "volume") && !prop_is(c, "role", "backing") &&
		    ((path && prop_is(c, "path", path)) ||
		     (pool && name && prop_is(c, "pool", pool) && prop_is(c, "name", name))))
			v = c;
	if (!v) {
		v = vp_xml_add(vm, "volume", NULL);
		xmlSetNs(v, vm->ns);
		vp_xml_set(v, "role", "disk");
		vp_xml_set(v, "pool", pool);
		vp_xml_set(v, "name", name);
		vp_xml_set(v, "path", path);
	}
	vp_xml_set(v, "owned", "yes");
	if (vol->secret) {
		vp_xml_set(v, "encryption", vol->encryption);
		vp_xml_set(v, "secret", vol->secret);
	}
	/* the element alone and without its namespace: libvirt's
	 * virDomainSetMetadata puts it, and all below it, in the one it is
	 * given (and refuses an element that declares one) */
	copy = xmlNewDoc(BAD_CAST "1.0");
	if (!copy)
		vp_oom();
	xmlDocSetRootElement(copy, xmlDocCopyNode(vm, copy, 1));
	strip_ns(xmlDocGetRootElement(copy));
	buf = xmlBufferCreate();
	if (!buf)
		vp_oom();
	xmlNodeDump(buf, copy, xmlDocGetRootElement(copy), 0, 0);
	*out = vp_strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	xmlFreeDoc(copy);
	return 0;
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
			v->encryption = vp_xml_prop(c, "encryption");
			v->secret = vp_xml_prop(c, "secret");
			free(owned);
		} else if (is_ours(c, "reservation")) {
			struct vp_meta_reservation *rv;

			out->resv = vp_grow(out->resv, out->n_resv + 1, sizeof(*out->resv));
			rv = &out->resv[out->n_resv++];
			rv->network = vp_xml_prop(c, "network");
			rv->mac = vp_xml_prop(c, "mac");
			rv->ip = vp_xml_prop(c, "ip");
		} else if (is_ours(c, "ssh")) {
			free(out->ssh_user);
			free(out->ssh_key);
			out->ssh_user = vp_xml_prop(c, "user");
			out->ssh_key = vp_xml_prop(c, "key");
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
		free(m->vols[i].encryption);
		free(m->vols[i].secret);
	}
	free(m->vols);
	for (i = 0; i < m->n_resv; i++) {
		free(m->resv[i].network);
		free(m->resv[i].mac);
		free(m->resv[i].ip);
	}
	free(m->resv);
	free(m->version);
	free(m->spec_hash);
	free(m->os_id);
	free(m->os_short_id);
	free(m->ssh_user);
	free(m->ssh_key);
	memset(m, 0, sizeof(*m));
}
