/* cmd/main.c — the command table and the dispatcher
 *
 *   vprov [-c URI] COMMAND [options] [args]
 *
 * Command names match exactly (no prefixes: delete is destructive).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vprov.h"
#include "domain_xml.h"

static const struct vp_cmd *const commands[] = {
	&vp_cmd_create, &vp_cmd_list,   &vp_cmd_info,   &vp_cmd_start, &vp_cmd_stop,
	&vp_cmd_destroy, &vp_cmd_delete, &vp_cmd_console, &vp_cmd_xml, &vp_cmd_osinfo, NULL,
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vprov [-c URI] COMMAND [options]\n\n"
		   "Provision and manage libvirt VMs.\n\ncommands:\n");
	for (i = 0; commands[i]; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nglobal options:\n"
		   "  -c, --connect URI  libvirt URI (default: $LIBVIRT_DEFAULT_URI, then libvirt's default)\n"
		   "  -h, --help         show this help; 'vprov COMMAND --help' for a command's\n"
		   "  -V, --version      show the version\n");
}

static void group_usage(FILE *f, const struct vp_cmd *group)
{
	size_t i;

	fprintf(f, "usage: vprov %s COMMAND [options]\n\n%s\n\ncommands:\n", group->name,
		group->summary);
	for (i = 0; group->subcmds[i].name; i++)
		fprintf(f, "  %-8s %s\n", group->subcmds[i].name, group->subcmds[i].summary);
}

/* Find name in a table; NULL when it is not there. */
static const struct vp_cmd *find(const struct vp_cmd *const *table, const char *name)
{
	size_t i;

	for (i = 0; table[i]; i++)
		if (!strcmp(table[i]->name, name))
			return table[i];
	return NULL;
}

/* stdout must not lie: a failed write (full disk, closed pipe) is an error. */
static int close_stdout(int rc)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);
	int e = errno;

	if (fclose(stdout) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad && rc == VP_EXIT_OK) {
		fprintf(stderr, "vprov: cannot write output: %s\n", strerror(e));
		return VP_EXIT_FAIL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct vp_ctx ctx = { .prog = "vprov" };
	const struct vp_cmd *cmd;
	char prog[64];
	int i = 1, rc;

	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return close_stdout(VP_EXIT_OK);
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("vprov %s\n", VP_VERSION);
			return close_stdout(VP_EXIT_OK);
		}
		if (!strcmp(a, "-c") || !strcmp(a, "--connect")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "vprov: option '%s' needs a value\n", a);
				return VP_EXIT_USAGE;
			}
			ctx.uri = argv[i + 1];
			i += 2;
			continue;
		}
		if (!strncmp(a, "--connect=", 10)) {
			ctx.uri = a + 10;
			i++;
			continue;
		}
		fprintf(stderr, "vprov: unknown option '%s'; see 'vprov --help'\n", a);
		return VP_EXIT_USAGE;
	}
	if (i >= argc) {
		usage(stderr);
		return VP_EXIT_USAGE;
	}
	cmd = find(commands, argv[i]);
	if (!cmd) {
		fprintf(stderr, "vprov: unknown command '%s'; see 'vprov --help'\n", argv[i]);
		return VP_EXIT_USAGE;
	}
	snprintf(prog, sizeof(prog), "vprov %s", cmd->name);
	if (cmd->subcmds) {
		/* a group: vprov osinfo list ... */
		const struct vp_cmd *sub = NULL;
		size_t k;

		if (i + 1 < argc && (!strcmp(argv[i + 1], "-h") || !strcmp(argv[i + 1], "--help"))) {
			group_usage(stdout, cmd);
			return close_stdout(VP_EXIT_OK);
		}
		for (k = 0; i + 1 < argc && cmd->subcmds[k].name; k++)
			if (!strcmp(cmd->subcmds[k].name, argv[i + 1]))
				sub = &cmd->subcmds[k];
		if (!sub) {
			if (i + 1 < argc)
				fprintf(stderr, "%s: unknown command '%s'; see '%s --help'\n", prog,
					argv[i + 1], prog);
			else
				group_usage(stderr, cmd);
			return VP_EXIT_USAGE;
		}
		snprintf(prog, sizeof(prog), "vprov %s %s", cmd->name, sub->name);
		cmd = sub;
		i++;
	}
	ctx.prog = prog;
	ctx.cmd = cmd;
	optind = 0; /* full getopt reset for the command's own parsing */
	opterr = 0;
	rc = cmd->run(argc - i, argv + i, &ctx);
	if (ctx.conn)
		virConnectClose(ctx.conn);
	return close_stdout(rc);
}
