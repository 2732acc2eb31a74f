/* provision/spec/xmlopts.h — virt-install's options that are a piece of
 * domain XML, from one table.
 *
 *   --watchdog i6300esb,action=reset      <devices><watchdog model=.. action=../>
 *   --controller usb,model=qemu-xhci      <devices><controller type=usb model=../>
 *   --features kvm.hidden.state=on        <features><kvm><hidden state=on/>
 *
 * Each option is a row of a table (provision/spec/xmlopts.c): the element it
 * makes or edits, what a bare value means, and its sub-options, each a path
 * below that element ("@action", "model/@type", "timer[#]/@name") with the
 * kind of value it takes.  A new option is a new row, not new code.
 *
 * The spec keeps each option as given (struct vp_xmlopt, in command-line
 * order); vp_spec_parse_xmlopt() checks it in full at parse time (every
 * key known, every value of its kind: exit 2 naming the option), and
 * vp_xmlopts_apply() writes them all into the built document, after vprov's
 * own devices: what the user asks for wins over vprov's defaults (an option
 * marked "replaces" drops vprov's device of that kind the first time). */
#ifndef VP_XMLOPTS_H
#define VP_XMLOPTS_H

#include <libxml/tree.h>
#include <stdbool.h>

#include "error.h"
#include "spec.h"

/* option names this module handles ("watchdog", ...), NULL-terminated */
extern const char *const vp_xmlopt_names[];

/* True when option (without the dashes) is one of them. */
bool vp_xmlopt_known(const char *option);

/* Check arg as the value of --option and append it to spec->xmlopts. */
int vp_spec_parse_xmlopt(struct vp_domain_spec *spec, const char *option, const char *arg,
			 struct vp_error *err);

/* Gives in *address (malloc'd) what to write for the host device a
 * --option names (--hostdev pci_0000_01_00_0, usb_1_2): a value the option
 * takes as an address ("0000:01:00.0", "0x1234:0x5678", "001.003"). */
typedef int (*vp_xmlopt_lookup_fn)(void *opaque, const char *option, const char *name,
				   char **address, struct vp_error *err);

/* Replace each host device name spec's options give (not an address) by
 * what lookup says, in spec->xmlopts, and check the result as
 * vp_spec_parse_xmlopt does.  The names need the host: create calls this
 * while it resolves (provision/create.c), before the XML is built. */
int vp_xmlopts_lookup_names(struct vp_domain_spec *spec, vp_xmlopt_lookup_fn lookup, void *opaque,
			    struct vp_error *err);

/* Write every option of spec into doc (a domain built by
 * provision/spec/domain_xml.c), in order. */
int vp_xmlopts_apply(xmlDocPtr doc, const struct vp_domain_spec *spec, struct vp_error *err);

#endif
