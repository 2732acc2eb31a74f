/* provision/create.h — turn a spec into a plan (resolve: nothing on the
 * host changes) and the plan into a running VM (apply: every step undone
 * on failure or interrupt, through the journal). */
#ifndef VP_CREATE_H
#define VP_CREATE_H

#include <stdbool.h>
#include "virt.h"

#include "error.h"
#include "plan.h"
#include "report.h"
#include "spec.h"
#include "uuid.h"

enum vp_create_mode {
	VP_CREATE_REAL,       /* create, define, start */
	VP_CREATE_DRY_RUN,    /* resolve and validate everything; create nothing */
	VP_CREATE_PRINT_XML,  /* resolve and build the XML; create nothing, skip validation */
};

/* virt-install's --check names, each a refusal it turns into a warning
 * when off: an existing disk another VM uses, new disks larger than their
 * pool has free (resources.h), a MAC address another VM has. */
#define VP_CHECK_PATH_IN_USE 0x1
#define VP_CHECK_DISK_SIZE   0x2
#define VP_CHECK_MAC_IN_USE  0x4

struct vp_osinfo;
struct vp_res_check;
struct vp_xmledits;

struct vp_create_opts {
	enum vp_create_mode mode;
	const char *cache_dir;              /* KVM verdicts; may be NULL */
	const char *state_dir;              /* undo journals and name locks; NULL: in memory */
	const struct vp_reporter *reporter; /* notes, progress, the cancel flag */
	struct vp_osinfo *osinfo;           /* the OS database, with ... */
	const char *os_id;                  /* ... the profile to lay under the request */
	bool os_from_name;                  /* os_id is only the VM's name: a recognised
	                                     * install tree's own profile wins over it */
	bool force;                         /* create even when the host seems short of
	                                     * memory, CPUs or pool space (resources.h) */
	const char *const *notes;           /* the caller's warnings about the request, */
	size_t n_notes;                     /* shown only when it goes on */
	unsigned checks_off;                /* VP_CHECK_*: virt-install's --check NAME=off */
	const struct vp_xmledits *xml_edits; /* --xml: edits of each document made
	                                     * (the install run's and the VM's), before
	                                     * validation (may be NULL) */
	/* tests */
	const char *caps_xml;               /* host capabilities instead of asking */
	const char *uuid;                   /* instead of a random one */
	const char *fail_at;                /* fail instead of running the first step of this kind */
	long fetch_stall_ms;                /* a download this slow for this long fails; 0: default */
	int (*hook)(void *opaque, const struct vp_step *st, enum vp_hook_point at);
	void *hook_opaque;
};

struct vp_create_result {
	struct vp_domain_spec spec;  /* the resolved spec */
	char *xml;                   /* the domain XML (submitted, or would be) */
	char *install_xml;           /* the install run's XML, when there is one */
	bool kvm_probed;             /* this create ran the KVM probe */
	struct vp_res_check *resources; /* the host's figures weighed (resources.h);
	                                 * NULL with --print-xml */
	char *memory_from;           /* where spec.memory came from: "--memory", an OS
	                              * profile's figure ("rocky9's network-install
	                              * resources on x86_64") or "vprov's default" */
};

/* Resolve request (the caller's layer; the built-in defaults and the OS
 * profile go under it) against conn's host into a plan, changing nothing
 * there.  res gets the resolved spec and the XML; it must outlive *plan. */
int vp_create_plan(virConnectPtr conn, const struct vp_domain_spec *request,
		   const struct vp_create_opts *opts, struct vp_create_result *res,
		   struct vp_plan **plan, struct vp_error *err);

/* Plan, then (VP_CREATE_REAL) apply, holding this machine's lock on the
 * VM's name from the first look at the host to the last step.  The plan's
 * warnings are reported when it goes on.  plan (may be NULL) gets the
 * plan, to free after res; undo (may be NULL) what a failed create
 * removed again. */
int vp_domain_create(virConnectPtr conn, const struct vp_domain_spec *request,
		     const struct vp_create_opts *opts, struct vp_create_result *res,
		     struct vp_plan **plan, struct vp_undo_report *undo, struct vp_error *err);
void vp_create_result_clear(struct vp_create_result *res);

#endif
