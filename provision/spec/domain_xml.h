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

/* The final VM: what the persistent definition holds. */
int vp_domain_build_xml(const struct vp_domain_spec *spec, xmlDocPtr *out, struct vp_error *err);

/* The install run (spec->install.run): the same VM booting the installer
 * (spec->install.kernel/initrd/cmdline, else its ISO or the network, then
 * the disks), with the installer's ISO inserted and on_reboot=destroy, so
 * the installer's reboot ends the run and the final definition takes over. */
int vp_domain_build_install_xml(const struct vp_domain_spec *spec, xmlDocPtr *out,
				struct vp_error *err);

#endif
