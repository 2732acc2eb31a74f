/* provision/fetch/unattended.h — an unattended install script (preseed,
 * kickstart, autoyast) rendered from osinfo-db's install-script templates
 * (XSLT, libxslt loaded on first use), for injection into the initrd.
 *
 * The script: the OS's own <installer><script id=.../> list in osinfo-db,
 * else that of the nearest release it derives from or clones (vprov's
 * built-in profiles carry none), the one with the requested profile that
 * can be injected into an initrd.  The template gets the document
 * libosinfo builds (<install-script-config> with <script>, <os> and
 * <config>), and the kernel arguments come from the same template applied
 * to <command-line>, as virt-install does it.
 *
 * Passwords never reach the template in clear text: it gets SHA-512 crypt
 * hashes ($6$, 16 salt characters), and the places where osinfo-db's
 * templates write a password are switched, in the stylesheet before it is
 * compiled, to the installer's crypted form (preseed
 * passwd/root-password-crypted and passwd/user-password-crypted, kickstart
 * rootpw --iscrypted and usermod -p, AutoYaST <encrypted>true</encrypted>).
 * A template that uses a password in any other way is refused.  Values
 * that end up in the script (login, host name, URL, locale) are checked
 * so that none can add a line or a shell command. */
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
	const char *language;            /* NULL: the host's ($LC_ALL, $LC_CTYPE, $LANG), else en_US.UTF-8 */
	const char *keyboard;            /* NULL: from the language (osinfo-db's x11 map), else us */
	const char *timezone;            /* NULL: the host's (/etc/timezone, /etc/localtime), else UTC */
};

struct vp_unattended {
	char *filename;                  /* the name the installer looks for (preseed.cfg, ...) */
	char *content;                   /* the rendered script (holds password hashes only) */
	char *kernel_args;               /* what makes the installer use it; NULL: none needed */
	char *script_id;                 /* the install-script id used */
	char *generated_password;        /* when one was generated: show it once to the user */
};

/* Render the script for o->os_id.  VP_ERR_NOT_FOUND when osinfo-db has no
 * script for the OS (or none with the profile, or none that can go into an
 * initrd); VP_ERR_INVALID for a password file that cannot be read or is
 * empty, or a value that cannot go into a script. */
int vp_unattended_render(struct vp_osinfo *db, const struct vp_unattended_opts *o,
			 struct vp_unattended *out, struct vp_error *err);
void vp_unattended_clear(struct vp_unattended *u);

#endif
