/* provision/host.c — capabilities, locality, KVM verdict cache */
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/xpath.h>

#include "cleanup.h"
#include "fs.h"
#include "spec.h"
#include "xmlutil.h"

static void add_machine(struct vp_guest_caps *g, char *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < g->n_machines; i++)
		if (!strcmp(g->machines[i], m)) {
			free(m);
			return;
		}
	g->machines = vp_grow(g->machines, g->n_machines + 1, sizeof(char *));
	g->machines[g->n_machines++] = m;
}

static void add_machines(struct vp_guest_caps *g, xmlNodePtr parent)
{
	xmlNodePtr c;

	for (c = parent->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "machine"))
			continue;
		add_machine(g, vp_xml_text(c));
		add_machine(g, vp_xml_prop(c, "canonical"));
	}
}

int vp_host_caps_parse(const char *xml, struct vp_host_caps *out, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, host, guest, c;

	memset(out, 0, sizeof(*out));
	if (vp_xml_parse(xml, "the host capabilities", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	host = vp_xml_child(root, "host");
	out->host_arch = vp_xml_text(vp_xml_child(vp_xml_child(host, "cpu"), "arch"));
	if (vp_xml_child(host, "uuid"))
		out->host_uuid = vp_xml_text(vp_xml_child(host, "uuid"));
	for (guest = root->children; guest; guest = guest->next) {
		xmlNodePtr arch;
		_cleanup_(freep) char *os_type = NULL;
		struct vp_guest_caps *g;

		if (guest->type != XML_ELEMENT_NODE || !xmlStrEqual(guest->name, BAD_CAST "guest"))
			continue;
		os_type = vp_xml_text(vp_xml_child(guest, "os_type"));
		arch = vp_xml_child(guest, "arch");
		if (!arch || !os_type || strcmp(os_type, "hvm") != 0)
			continue;
		out->guests = vp_grow(out->guests, out->n_guests + 1, sizeof(*out->guests));
		g = &out->guests[out->n_guests++];
		memset(g, 0, sizeof(*g));
		g->arch = vp_xml_prop(arch, "name");
		add_machines(g, arch);
		for (c = arch->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "domain"))
				continue;
			if (g->n_types < sizeof(g->types) / sizeof(g->types[0]))
				g->types[g->n_types++] = vp_xml_prop(c, "type");
			add_machines(g, c);
		}
	}
	if (!out->host_arch) {
		vp_host_caps_clear(out);
		return vp_error_set(err, VP_ERR_RUNTIME, "the host capabilities name no architecture");
	}
	return 0;
}

int vp_host_caps_get(virConnectPtr conn, struct vp_host_caps *out, struct vp_error *err)
{
	_cleanup_(freep) char *xml = virConnectGetCapabilities(conn);

	if (!xml)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the host capabilities");
	return vp_host_caps_parse(xml, out, err);
}

void vp_host_caps_clear(struct vp_host_caps *caps)
{
	size_t i, j;

	if (!caps)
		return;
	for (i = 0; i < caps->n_guests; i++) {
		struct vp_guest_caps *g = &caps->guests[i];

		free(g->arch);
		for (j = 0; j < g->n_types; j++)
			free(g->types[j]);
		for (j = 0; j < g->n_machines; j++)
			free(g->machines[j]);
		free(g->machines);
	}
	free(caps->guests);
	free(caps->host_arch);
	free(caps->host_uuid);
	memset(caps, 0, sizeof(*caps));
}

const struct vp_guest_caps *vp_host_caps_guest(const struct vp_host_caps *caps, const char *arch)
{
	size_t i;

	for (i = 0; i < caps->n_guests; i++)
		if (caps->guests[i].arch && !strcmp(caps->guests[i].arch, arch))
			return &caps->guests[i];
	return NULL;
}

bool vp_guest_has_type(const struct vp_guest_caps *g, const char *type)
{
	size_t i;

	for (i = 0; i < g->n_types; i++)
		if (g->types[i] && !strcmp(g->types[i], type))
			return true;
	return false;
}

bool vp_guest_has_machine(const struct vp_guest_caps *g, const char *machine)
{
	size_t i;

	for (i = 0; i < g->n_machines; i++)
		if (!strcmp(g->machines[i], machine))
			return true;
	return false;
}

bool vp_uri_is_local(const char *uri)
{
	const char *p;

	if (!uri)
		return false;
	p = strstr(uri, "://");
	if (!p)
		return true;
	/* driver:///path or driver+unix:///path: no host */
	return p[3] == '/' && !strstr(uri, "+ssh") && !strstr(uri, "+tcp") &&
	       !strstr(uri, "+tls") && !strstr(uri, "+libssh");
}

bool vp_conn_is_local(virConnectPtr conn)
{
	_cleanup_(freep) char *uri = virConnectGetURI(conn);

	return vp_uri_is_local(uri);
}

const char *vp_session_home(virConnectPtr conn)
{
	_cleanup_(freep) char *uri = virConnectGetURI(conn);
	const char *home = getenv("HOME");

	return uri && strstr(uri, "/session") && home && vp_uri_is_local(uri) ? home : NULL;
}

char *vp_console_log_dir(virConnectPtr conn)
{
	_cleanup_(freep) char *uri = virConnectGetURI(conn);
	const char *home;

	if (uri && !strncmp(uri, "test:", 5))
		return vp_strdup("/nonexistent/vprov-test-driver"); /* never a real file */
	if ((home = vp_session_home(conn)))
		return vp_strdup_printf("%s/.cache/libvirt/qemu/log", home);
	return vp_strdup("/var/log/libvirt/qemu");
}
