/* provision/console.c — TEMPORARY: replaced by the console implementation */
#include "console.h"

int vp_console_attach(virConnectPtr conn, const char *name, int in_fd, int out_fd,
		      volatile sig_atomic_t *cancel, struct vp_error *err)
{
	(void)conn;
	(void)in_fd;
	(void)out_fd;
	(void)cancel;
	return vp_error_set(err, VP_ERR_RUNTIME, "console of '%s': not built yet", name);
}
