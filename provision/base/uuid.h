/* provision/base/uuid.h — random (version 4) UUIDs, for the names of
 * things vprov makes (domains, pools), chosen before they are made so an
 * undo can find them by identity. */
#ifndef VP_UUID_H
#define VP_UUID_H

#include "error.h"

/* A random UUID in its text form; 37 bytes. */
int vp_uuid_generate(char out[37], struct vp_error *err);

#endif
