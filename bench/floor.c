/* bench/floor.c — the floor vprov's own work is measured against: a
 * program linked against the same libraries as vprov that opens the same
 * libvirt connection and does nothing else. */
#include <gnutls/gnutls.h>
#include <json-c/json.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

static void quiet(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

int main(int argc, char **argv)
{
	const char *uri = NULL;
	virConnectPtr conn;

	if (argc > 2 && (!strcmp(argv[1], "-c") || !strcmp(argv[1], "--connect")))
		uri = argv[2];
	/* touch each library so none is dropped by --as-needed */
	(void)json_c_version();
	(void)gnutls_check_version(NULL);
	xmlCheckVersion(LIBXML_VERSION);
	virSetErrorFunc(NULL, quiet);
	conn = virConnectOpen(uri);
	if (!conn) {
		fprintf(stderr, "vprov-floor: cannot connect\n");
		return 1;
	}
	virConnectClose(conn);
	return 0;
}
