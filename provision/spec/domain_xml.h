/* provision/domain_xml.h — the domain XML builder: a pure function from a
 * resolved spec to a document, filled into templates/domain.xml. */
#ifndef VP_DOMAIN_XML_H
#define VP_DOMAIN_XML_H

#include <libxml/tree.h>

#include "error.h"
#include "spec.h"

#ifndef VP_VERSION
#define VP_VERSION "0.1.0"
#endif

/* Number of pcie-root-port controllers a q35 VM gets, as virt-install
 * does, so devices can be hot-plugged later. */
#define VP_PCIE_ROOT_PORTS 14

int vp_domain_build_xml(const struct vp_domain_spec *spec, xmlDocPtr *out, struct vp_error *err);

#endif
