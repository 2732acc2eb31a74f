/* provision/fetch/unattended.h — an unattended install script (preseed,
 * kickstart, autoyast) rendered from osinfo-db's install-script templates
 * (XSLT, libxslt loaded on first use), for injection into the initrd. */
#ifndef VP_UNATTENDED_H
#define VP_UNATTENDED_H

#include <stdbool.h>

#include "error.h"

struct vp_osinfo;

struct vp_unattended_opts {
	const char *os_id;               /* the OS profile (short id), e.g. debian12 */
	const char *profile;             /* jeos (default) or desktop */
	const char *admin_password_file; /* root's password: first line of the file; NULL: generated */
	const char *user_login;          /* NULL: the caller's login name */
	const char *user_password_file;  /* NULL: same as admin password */
	const char *hostname;            /* the VM's name */
	const char *arch;                /* x86_64 */
	const char *install_url;         /* the tree's URL, when it is one */
	const char *script_dir;          /* NULL: /usr/share/osinfo/install-script */
	const char *target_disk;         /* NULL: /dev/vda */
};

struct vp_unattended {
	char *filename;                  /* the name the installer looks for (preseed.cfg, ...) */
	char *content;                   /* the rendered script (holds password hashes only) */
	char *kernel_args;               /* what makes the installer use it; NULL: none needed */
	char *script_id;                 /* the install-script id used */
	char *generated_password;        /* when one was generated: show it once to the user */
};

int vp_unattended_render(struct vp_osinfo *db, const struct vp_unattended_opts *o,
			 struct vp_unattended *out, struct vp_error *err);
void vp_unattended_clear(struct vp_unattended *u);

#endif
