/* provision/base/uuid.h — random (version 4) UUIDs and MAC addresses, for the names of
 * things vprov makes (domains, pools), chosen before they are made so an
 * undo can find them by identity. */
#ifndef VP_UUID_H
#define VP_UUID_H

#include "error.h"

/* A random UUID in its text form; 37 bytes. */
int vp_uuid_generate(char out[37], struct vp_error *err);

/* A random MAC address in QEMU's range, 52:54:00:xx:xx:xx; 18 bytes. */
void vp_mac_random(char out[18]);

#endif
