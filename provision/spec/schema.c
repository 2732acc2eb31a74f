/* provision/schema.c — libvirt RelaxNG validation, compiled once */
#include "schema.h"

#include "alloc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <libxml/relaxng.h>

static const char *const schema_files[VP_SCHEMA_COUNT] = {
	[VP_SCHEMA_DOMAIN] = "domain.rng",
	[VP_SCHEMA_STORAGEVOL] = "storagevol.rng",
	[VP_SCHEMA_STORAGEPOOL] = "storagepool.rng",
	[VP_SCHEMA_SECRET] = "secret.rng",
	[VP_SCHEMA_NETWORK] = "network.rng",
};

static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static xmlRelaxNGPtr schemas[VP_SCHEMA_COUNT];

/* Collects the first validation error, for one validation at a time
 * (the lock is held). */
struct first_error {
	char text[512];
	char where[256];
};

static void collect(void *opaque, xmlErrorPtr e)
{
	struct first_error *fe = opaque;
	size_t n;

	if (fe->text[0] || !e || !e->message)
		return;
	snprintf(fe->text, sizeof(fe->text), "%s", e->message);
	n = strlen(fe->text);
	while (n && (fe->text[n - 1] == '\n' || fe->text[n - 1] == ' '))
		fe->text[--n] = '\0';
	if (e->node) {
		xmlChar *path = xmlGetNodePath((xmlNodePtr)e->node);

		snprintf(fe->where, sizeof(fe->where), "%s", path ? (const char *)path : "?");
		xmlFree(path);
	} else {
		snprintf(fe->where, sizeof(fe->where), "line %d", e->line);
	}
}

static void ignore(void *opaque, xmlErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static xmlRelaxNGPtr load(enum vp_schema which, struct vp_error *err)
{
	char path[512];
	xmlRelaxNGParserCtxtPtr pctx;

	if (schemas[which])
		return schemas[which];
	snprintf(path, sizeof(path), "%s/%s", VP_SCHEMA_DIR, schema_files[which]);
	pctx = xmlRelaxNGNewParserCtxt(path);
	if (!pctx)
		vp_oom();
	xmlRelaxNGSetParserStructuredErrors(pctx, ignore, NULL);
	schemas[which] = xmlRelaxNGParse(pctx);
	xmlRelaxNGFreeParserCtxt(pctx);
	if (!schemas[which])
		vp_error_set(err, VP_ERR_RUNTIME,
			     "cannot load libvirt's schema '%s' (is libvirt installed?)", path);
	return schemas[which];
}

int vp_schema_validate(enum vp_schema which, xmlDocPtr doc, struct vp_error *err)
{
	struct first_error fe = { { 0 }, { 0 } };
	xmlRelaxNGValidCtxtPtr vctx;
	xmlRelaxNGPtr schema;
	int r;

	pthread_mutex_lock(&schema_lock);
	schema = load(which, err);
	if (!schema) {
		pthread_mutex_unlock(&schema_lock);
		return -1;
	}
	vctx = xmlRelaxNGNewValidCtxt(schema);
	if (!vctx)
		vp_oom();
	xmlRelaxNGSetValidStructuredErrors(vctx, collect, &fe);
	r = xmlRelaxNGValidateDoc(vctx, doc);
	xmlRelaxNGFreeValidCtxt(vctx);
	pthread_mutex_unlock(&schema_lock);
	if (r != 0)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "the %s XML vprov built does not match libvirt's schema %s (at %s: %s); this is a bug in vprov",
				    which == VP_SCHEMA_DOMAIN ? "domain" :
				    which == VP_SCHEMA_STORAGEVOL ? "volume" :
				    which == VP_SCHEMA_SECRET ? "secret" :
				    which == VP_SCHEMA_NETWORK ? "network" : "pool",
				    schema_files[which], fe.where[0] ? fe.where : "?",
				    fe.text[0] ? fe.text : "invalid");
	return 0;
}
