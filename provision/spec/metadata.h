/* provision/metadata.h — what vprov records in a domain's <metadata>.
 *
 *   <metadata>
 *     <vprov:vm xmlns:vprov="https://vprov.dev/xmlns/domain/1" version="0.1.0">
 *       <vprov:profile id="http://debian.org/debian/12" short-id="debian12"/>
 *       <vprov:spec-hash>sha256 hex</vprov:spec-hash>
 *       <vprov:volume role="disk" owned="yes" pool="default" name="web1.qcow2" path="..."/>
 *       <vprov:volume role="backing" owned="no" pool="images" name="base.qcow2" path="..."/>
 *     </vprov:vm>
 *   </metadata>
 *
 * "owned" volumes were created by vprov for this VM and go with it on
 * delete; the others (existing disks, backing images) are only used.
 */
#ifndef VP_METADATA_H
#define VP_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>

#include "error.h"

#define VP_META_NS "https://vprov.dev/xmlns/domain/1"
#define VP_META_PREFIX "vprov"
#define VP_META_ROOT "vm"

struct vp_meta_volume {
	char *role;   /* disk | backing */
	bool owned;
	char *pool, *name, *path;
};

struct vp_meta {
	bool present;          /* the domain carries vprov metadata */
	char *version;
	char *spec_hash;
	char *os_id, *os_short_id;     /* the OS profile it was made from */
	struct vp_meta_volume *vols;
	size_t n_vols;
};

/* Read vprov's metadata from a domain document (absent: present=false). */
int vp_meta_read(xmlDocPtr domain, struct vp_meta *out, struct vp_error *err);
void vp_meta_clear(struct vp_meta *m);

/* Mark the volume (pool/name, or path) owned by the domain in doc, adding
 * it when vprov's record does not list it, and give the record's new
 * text (the <vprov:vm> element, for virDomainSetMetadata) in *out.
 * -1 when doc carries no vprov record. */
int vp_meta_take_volume(xmlDocPtr domain, const char *pool, const char *name, const char *path,
			char **out, struct vp_error *err);

#endif
