/* provision/schema.h — validate documents against libvirt's RelaxNG
 * schemas before they are submitted.  A failure here is a bug in vprov
 * (or a request libvirt would misread) and is never sent to libvirt. */
#ifndef VP_SCHEMA_H
#define VP_SCHEMA_H

#include <libxml/tree.h>

#include "error.h"

#ifndef VP_SCHEMA_DIR
#define VP_SCHEMA_DIR "/usr/share/libvirt/schemas"
#endif

enum vp_schema {
	VP_SCHEMA_DOMAIN,
	VP_SCHEMA_STORAGEVOL,
	VP_SCHEMA_STORAGEPOOL,
	VP_SCHEMA_SECRET,
	VP_SCHEMA_NETWORK,
	VP_SCHEMA_COUNT,
};

/* 0 when doc is valid; otherwise -1 and err names the first problem with
 * its line.  Schemas are compiled once per process; thread-safe. */
int vp_schema_validate(enum vp_schema which, xmlDocPtr doc, struct vp_error *err);

#endif
