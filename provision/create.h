/* provision/create.h — turn a spec into a running VM, or into the plan and
 * the XML of one (dry run, --print-xml), with every step undone on failure. */
#ifndef VP_CREATE_H
#define VP_CREATE_H

#include <signal.h>
#include <stdbool.h>
#include "virt.h"

#include "error.h"
#include "spec.h"

enum vp_create_mode {
	VP_CREATE_REAL,       /* create, define, start */
	VP_CREATE_DRY_RUN,    /* resolve and validate everything; create nothing */
	VP_CREATE_PRINT_XML,  /* resolve and build the XML; create nothing, skip validation */
};

/* Steps of a real create, in order; tests make one fail on purpose. */
enum vp_create_step {
	VP_STEP_NONE = 0,
	VP_STEP_POOL,
	VP_STEP_VOLUME,
	VP_STEP_DEFINE,
	VP_STEP_START,
	VP_STEP_AUTOSTART,
};

struct vp_create_opts {
	enum vp_create_mode mode;
	const char *cache_dir;              /* where host verdicts are kept; may be NULL */
	void (*note)(void *opaque, const char *msg); /* warnings and notices */
	void *opaque;
	volatile sig_atomic_t *cancel;      /* set asynchronously: stop and roll back */
	enum vp_create_step fail_at;        /* tests only: fail at this step */
	struct vp_osinfo *osinfo;           /* the OS database, with ... */
	const char *os_id;                  /* ... the profile to lay under the request */
	const char *caps_xml;               /* tests: host capabilities instead of asking */
	const char *uuid;                   /* tests: instead of a random one */
};

struct vp_create_result {
	struct vp_domain_spec spec;  /* the resolved spec */
	char *xml;                   /* the domain XML (submitted, or would be) */
	char **actions;              /* what was done, or would be, one line each */
	size_t n_actions;
	bool kvm_fell_back;          /* KVM failed to start the guest; TCG did */
};

struct vp_osinfo;

/* request: the caller's layer (e.g. the command line); the built-in
 * defaults and the OS profile go under it. */
int vp_domain_create(virConnectPtr conn, const struct vp_domain_spec *request,
		     const struct vp_create_opts *opts, struct vp_create_result *res,
		     struct vp_error *err);
void vp_create_result_clear(struct vp_create_result *res);

/* A random (version 4) UUID in its text form; 37 bytes. */
int vp_uuid_generate(char out[37], struct vp_error *err);

#endif
