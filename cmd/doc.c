/* cmd/doc.c — --help, the man page vprov(1) and the bash completion, all
 * from the command tables (the build writes the last two with the hidden
 * commands 'vprov __man' and 'vprov __bash-completion'). */
#include <string.h>

#include "vprov.h"

#define HELP_COL 27

static bool shown(const struct vp_opt *o)
{
	return o->kind != VP_K_GROUP && o->kind != VP_K_END && !o->hidden;
}

/* A common option as a command shows it: without its short name when the
 * command gives that letter to an option of its own (create's -c is
 * --cdrom, as in virt-install). */
static struct vp_opt common_for(const struct vp_opt *own, const struct vp_opt *o)
{
	struct vp_opt t = *o;

	for (; own && own->kind != VP_K_END; own++)
		if (own->kind != VP_K_GROUP && t.short_name && own->short_name == t.short_name)
			t.short_name = 0;
	return t;
}

/* "-n, --name, --alias METAVAR" */
static void opt_label(const struct vp_opt *o, char *buf, size_t len)
{
	size_t n = 0;
	const char *p;

	n += (size_t)snprintf(buf + n, len - n, "  %c%c%s--%s", o->short_name ? '-' : ' ',
			      o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ",
			      o->name);
	for (p = o->aliases; p && *p && n < len;) {
		size_t k = strcspn(p, " ");

		n += (size_t)snprintf(buf + n, len - n, ", --%.*s", (int)k, p);
		p += k;
		p += strspn(p, " ");
	}
	if (o->metavar && n < len)
		snprintf(buf + n, len - n, " %s", o->metavar);
}

static void help_opt(FILE *f, const struct vp_opt *o)
{
	char label[160];
	const char *h = o->help ? o->help : "";

	opt_label(o, label, sizeof(label));
	if (strlen(label) + 1 >= HELP_COL)
		fprintf(f, "%s\n%*s", label, HELP_COL, "");
	else
		fprintf(f, "%-*s", HELP_COL, label);
	while (*h) {
		size_t n = strcspn(h, "\n");

		fprintf(f, "%.*s\n", (int)n, h);
		h += n;
		if (*h == '\n' && *++h)
			fprintf(f, "%*s", HELP_COL, "");
	}
	if (!o->help || !*o->help)
		fputc('\n', f);
}

void vp_print_help(FILE *f, const struct vp_cmd *cmd, const char *prog)
{
	const struct vp_opt *o;
	bool grouped = false;
	size_t i;

	if (cmd->subcmds) {
		fprintf(f, "usage: %s COMMAND [options]\n\n%s\n\ncommands:\n", prog, cmd->summary);
		for (i = 0; cmd->subcmds[i]; i++)
			if (!cmd->subcmds[i]->hidden)
				fprintf(f, "  %-10s %s\n", cmd->subcmds[i]->name, cmd->subcmds[i]->summary);
		fprintf(f, "\nSee '%s COMMAND --help' for one of them.\n", prog);
		return;
	}
	fprintf(f, "usage: %s%s%s [options]\n\n%s\n", prog, cmd->args ? " " : "",
		cmd->args ? cmd->args : "", cmd->summary);
	if (cmd->description)
		fprintf(f, "\n%s\n", cmd->description);
	for (o = cmd->opts; o && o->kind != VP_K_END; o++)
		if (o->kind == VP_K_GROUP)
			grouped = true;
	if (!grouped)
		fprintf(f, "\noptions:\n");
	for (o = cmd->opts; o && o->kind != VP_K_END; o++) {
		if (o->kind == VP_K_GROUP)
			fprintf(f, "\n%s:\n", o->name);
		else if (shown(o))
			help_opt(f, o);
	}
	if (grouped)
		fprintf(f, "\ncommon:\n");
	for (o = vp_common_opts; o->kind != VP_K_END; o++) {
		struct vp_opt t = common_for(cmd->opts, o);

		help_opt(f, &t);
	}
}

void vp_print_top_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vprov [-c URI] COMMAND [options]\n\n"
		   "Provision and manage libvirt VMs.\n\ncommands:\n");
	for (i = 0; vp_commands[i]; i++)
		if (!vp_commands[i]->hidden)
			fprintf(f, "  %-10s %s\n", vp_commands[i]->name, vp_commands[i]->summary);
	fprintf(f, "\nglobal options:\n"
		   "  -c, --connect URI  libvirt URI (default: $LIBVIRT_DEFAULT_URI, then libvirt's default)\n"
		   "  -h, --help         show this help; 'vprov COMMAND --help' for a command's\n"
		   "  -V, --version      show the version\n");
}

/* ---- the man page --------------------------------------------------------- */

/* Text for roff: backslashes doubled, '-' as \-, a leading '.' or '\''
 * protected. */
static void roff(FILE *f, const char *s, size_t n)
{
	size_t i;
	bool bol = true;

	for (i = 0; i < n && s[i]; i++) {
		char c = s[i];

		if (bol && (c == '.' || c == '\''))
			fputs("\\&", f);
		bol = c == '\n';
		if (c == '\\')
			fputs("\\e", f);
		else if (c == '-')
			fputs("\\-", f);
		else
			fputc(c, f);
	}
}

static void roffs(FILE *f, const char *s)
{
	roff(f, s, s ? strlen(s) : 0);
}

/* Paragraphs: blank lines become .PP; lines starting with blanks (examples)
 * go in no-fill blocks. */
static void roff_paragraphs(FILE *f, const char *s)
{
	bool nofill = false;

	while (s && *s) {
		size_t n = strcspn(s, "\n");

		if (n == 0) {
			if (nofill)
				fputs(".fi\n", f);
			nofill = false;
			fputs(".PP\n", f);
		} else {
			if (s[0] == ' ' && !nofill) {
				fputs(".nf\n", f);
				nofill = true;
			} else if (s[0] != ' ' && nofill) {
				fputs(".fi\n", f);
				nofill = false;
			}
			roff(f, s, n);
			fputc('\n', f);
		}
		s += n;
		if (*s)
			s++;
	}
	if (nofill)
		fputs(".fi\n", f);
}

static void man_opt(FILE *f, const struct vp_opt *o)
{
	const char *p;
	const char *h = o->help ? o->help : "";

	fputs(".TP\n", f);
	if (o->short_name)
		fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", f);
	roffs(f, o->name);
	fputs("\\fR", f);
	for (p = o->aliases; p && *p;) {
		size_t k = strcspn(p, " ");

		fputs(", \\fB\\-\\-", f);
		roff(f, p, k);
		fputs("\\fR", f);
		p += k;
		p += strspn(p, " ");
	}
	if (o->metavar) {
		fputs(" \\fI", f);
		roffs(f, o->metavar);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	/* the help's lines are one sentence wrapped for a terminal: rejoin */
	while (*h) {
		size_t n = strcspn(h, "\n");

		roff(f, h, n);
		h += n;
		if (*h == '\n')
			h++;
		fputc(*h ? ' ' : '\n', f);
	}
	if (!o->help)
		fputc('\n', f);
}

static void man_cmd(FILE *f, const struct vp_cmd *c, const char *prefix)
{
	const struct vp_opt *o;
	size_t i;

	if (c->hidden)
		return;
	if (c->subcmds) {
		char sub[64];

		snprintf(sub, sizeof(sub), "%s%s ", prefix, c->name);
		for (i = 0; c->subcmds[i]; i++)
			man_cmd(f, c->subcmds[i], sub);
		return;
	}
	fputs(".SS \"vprov ", f);
	roffs(f, prefix);
	roffs(f, c->name);
	if (c->args) {
		fputc(' ', f);
		roffs(f, c->args);
	}
	fputs(" [options]\"\n", f);
	roffs(f, c->summary);
	fputs(".\n", f);
	if (c->description) {
		fputs(".PP\n", f);
		roff_paragraphs(f, c->description);
	}
	for (o = c->opts; o && o->kind != VP_K_END; o++) {
		if (o->kind == VP_K_GROUP) {
			fputs(".PP\n\\fI", f);
			roffs(f, o->name);
			fputs(":\\fR\n", f);
		} else if (shown(o)) {
			man_opt(f, o);
		}
	}
}

void vp_print_man(FILE *f)
{
	const struct vp_opt *o;
	size_t i;

	fprintf(f, ".TH VPROV 1 \"\" \"vprov %s\" \"User Commands\"\n", VP_VERSION);
	fputs(".SH NAME\nvprov \\- provision and manage libvirt VMs\n"
	      ".SH SYNOPSIS\n.B vprov\n[\\fB\\-c\\fR \\fIURI\\fR] \\fICOMMAND\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]\n"
	      ".SH DESCRIPTION\n"
	      "vprov builds libvirt domains from OS profiles and templates, creates their\n"
	      "storage through libvirt's pool API, and manages them.  Every change to a host\n"
	      "is planned first and applied step by step; a failure, an interrupt or a crash\n"
	      "rolls back what was made (a crashed operation is rolled back by the next vprov\n"
	      "command that reaches the host).  The connection is \\fB\\-c\\fR/\\fB\\-\\-connect\\fR\n"
	      "\\fIURI\\fR, else \\fBLIBVIRT_DEFAULT_URI\\fR, else libvirt's default.\n"
	      ".SH COMMANDS\n", f);
	for (i = 0; vp_commands[i]; i++)
		man_cmd(f, vp_commands[i], "");
	fputs(".SH COMMON OPTIONS\nEvery command takes:\n", f);
	for (o = vp_common_opts; o->kind != VP_K_END; o++)
		man_opt(f, o);
	fputs(".PP\nIn \\fBcreate\\fR, \\fB\\-c\\fR is \\fB\\-\\-cdrom\\fR, as in virt-install: give the\n"
	      "connection before the command (\\fBvprov \\-c\\fR \\fIURI\\fR \\fBcreate\\fR ...) or as\n"
	      "\\fB\\-\\-connect\\fR \\fIURI\\fR after it.\n", f);
	fputs(".SH EXIT STATUS\n"
	      ".TP\n.B 0\nsuccess\n"
	      ".TP\n.B 1\nthe host, libvirt or the guest failed\n"
	      ".TP\n.B 2\nthe request was wrong: a bad option or value, an unknown pool, network or VM, a name that is taken\n"
	      ".TP\n.B 130, 143\ninterrupted by SIGINT or SIGTERM; what the command had made was removed\n"
	      ".SH ENVIRONMENT\n"
	      ".TP\n.B LIBVIRT_DEFAULT_URI\nthe connection when \\fB\\-c\\fR is not given\n"
	      ".TP\n.B VPROV_VIRT_TYPE\npins the domain type (kvm or qemu) of new VMs\n"
	      ".TP\n.B OSINFO_SYSTEM_DIR, OSINFO_LOCAL_DIR, OSINFO_USER_DIR\nwhere OS profiles are read from, as libosinfo reads them\n"
	      ".TP\n.B XDG_CACHE_HOME, XDG_STATE_HOME\nwhere caches and undo journals go (below)\n"
	      ".TP\n.B XDG_DATA_HOME\nwhere vprov keeps its own SSH key (below)\n"
	      ".TP\n.B VPROV_SSH\nthe ssh program \\fBvprov ssh\\fR runs (default: ssh)\n"
	      ".SH FILES\n"
	      ".TP\n.I ~/.cache/vprov/\nthe OS-profile index and each host's KVM verdict\n"
	      ".TP\n.I ~/.local/state/vprov/journal/\nundo journals of operations in flight, per host\n"
	      ".TP\n.I ~/.local/state/vprov/known_hosts/UUID\neach VM's SSH host keys, for \\fBvprov ssh\\fR (removed by \\fBvprov delete\\fR)\n"
	      ".TP\n.I ~/.local/share/vprov/ssh/id_ed25519\nvprov's own SSH key, made by \\fBcreate \\-\\-cloud\\-init\\fR when you have no ~/.ssh/id_*.pub\n"
	      ".SH SEE ALSO\n.BR virsh (1),\n.BR virt-install (1)\n", f);
}

/* ---- bash completion ------------------------------------------------------ */

static void words_of_opts(FILE *f, const struct vp_opt *opts)
{
	const struct vp_opt *o;
	const char *p;

	for (o = opts; o && o->kind != VP_K_END; o++) {
		if (!shown(o))
			continue;
		fprintf(f, " --%s", o->name);
		for (p = o->aliases; p && *p;) {
			size_t k = strcspn(p, " ");

			fprintf(f, " --%.*s", (int)k, p);
			p += k;
			p += strspn(p, " ");
		}
	}
}

static const char *comp_kind(enum vp_comp c)
{
	switch (c) {
	case VP_COMP_VM:
		return "vm";
	case VP_COMP_POOL:
		return "pool";
	case VP_COMP_NETWORK:
		return "network";
	case VP_COMP_OS:
		return "os";
	default:
		return NULL;
	}
}

/* The case arm that completes the values of c's options. */
static void values_case(FILE *f, const struct vp_opt *opts, const struct vp_opt *own)
{
	const struct vp_opt *o;
	const char *p;

	for (o = opts; o && o->kind != VP_K_END; o++) {
		struct vp_opt t = own ? common_for(own, o) : *o;

		if (!shown(o) || o->kind == VP_K_FLAG)
			continue;
		fputs("\t\t", f);
		if (t.short_name)
			fprintf(f, "-%c|", t.short_name);
		fprintf(f, "--%s", o->name);
		for (p = o->aliases; p && *p;) {
			size_t k = strcspn(p, " ");

			fprintf(f, "|--%.*s", (int)k, p);
			p += k;
			p += strspn(p, " ");
		}
		fputs(")\n\t\t\t", f);
		if (o->comp == VP_COMP_WORDS)
			fprintf(f, "COMPREPLY=($(compgen -W '%s' -- \"$cur\"))", o->words);
		else if (o->comp == VP_COMP_FILE)
			fputs("COMPREPLY=($(compgen -f -- \"$cur\"))", f);
		else if (comp_kind(o->comp))
			fprintf(f, "COMPREPLY=($(compgen -W \"$(_vprov_names %s)\" -- \"$cur\"))",
				comp_kind(o->comp));
		fputs("\n\t\t\treturn ;;\n", f);
	}
}

static void cmd_case(FILE *f, const struct vp_cmd *c, const char *label)
{
	fprintf(f, "\t'%s')\n\t\tcase $prev in\n", label);
	values_case(f, c->opts, NULL);
	values_case(f, vp_common_opts, c->opts);
	fputs("\t\tesac\n\t\tif [[ $cur == -* ]]; then\n\t\t\tCOMPREPLY=($(compgen -W '", f);
	words_of_opts(f, c->opts);
	words_of_opts(f, vp_common_opts);
	fputs("' -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n", f);
	if (c->max_args > 0 && comp_kind(c->arg_comp))
		fprintf(f, "\t\tCOMPREPLY=($(compgen -W \"$(_vprov_names %s)\" -- \"$cur\"))\n",
			comp_kind(c->arg_comp));
	else if (c->max_args > 0 && c->arg_comp == VP_COMP_FILE)
		fputs("\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n", f);
	fputs("\t\t;;\n", f);
}

void vp_print_bash_completion(FILE *f)
{
	size_t i, k;

	fputs("# bash completion for vprov, generated from its command tables\n"
	      "# ('vprov __bash-completion'); install as\n"
	      "# /usr/share/bash-completion/completions/vprov or source it.\n\n"
	      "# _vprov_names KIND: names of VMs, pools, networks or OS profiles, from\n"
	      "# the connection the command line names\n"
	      "_vprov_names() {\n"
	      "\tlocal i conn=()\n"
	      "\tfor ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do\n"
	      "\t\tcase ${COMP_WORDS[i]} in\n"
	      "\t\t-c|--connect) conn=(--connect \"${COMP_WORDS[i+1]}\") ;;\n"
	      "\t\t--connect=*) conn=(\"${COMP_WORDS[i]}\") ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\t\"${COMP_WORDS[0]}\" \"${conn[@]}\" __complete \"$1\" 2>/dev/null\n"
	      "}\n\n"
	      "_vprov() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal i=1 cmd=\"\"\n"
	      "\t# the command: the first word that is not a global option\n"
	      "\twhile ((i < COMP_CWORD)); do\n"
	      "\t\tcase ${COMP_WORDS[i]} in\n"
	      "\t\t-c|--connect) ((i += 2)); continue ;;\n"
	      "\t\t-*) ((i += 1)); continue ;;\n"
	      "\t\tesac\n"
	      "\t\tcmd=${COMP_WORDS[i]}\n"
	      "\t\tbreak\n"
	      "\tdone\n"
	      "\tif [[ -z $cmd ]]; then\n"
	      "\t\tcase $prev in -c|--connect) return ;; esac\n"
	      "\t\tCOMPREPLY=($(compgen -W '", f);
	for (i = 0; vp_commands[i]; i++)
		if (!vp_commands[i]->hidden)
			fprintf(f, "%s ", vp_commands[i]->name);
	fputs("--connect --help --version' -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\t# a group's command: osinfo list, ...\n"
	      "\tcase $cmd in\n", f);
	for (i = 0; vp_commands[i]; i++) {
		const struct vp_cmd *g = vp_commands[i];

		if (!g->subcmds || g->hidden)
			continue;
		fprintf(f, "\t%s)\n\t\tif ((COMP_CWORD == i + 1)); then\n\t\t\tCOMPREPLY=($(compgen -W '",
			g->name);
		for (k = 0; g->subcmds[k]; k++)
			if (!g->subcmds[k]->hidden)
				fprintf(f, "%s ", g->subcmds[k]->name);
		fputs("--help' -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n"
		      "\t\tcmd=\"$cmd ${COMP_WORDS[i+1]}\" ;;\n", f);
	}
	fputs("\tesac\n\tcase $cmd in\n", f);
	for (i = 0; vp_commands[i]; i++) {
		const struct vp_cmd *c = vp_commands[i];

		if (c->hidden)
			continue;
		if (!c->subcmds) {
			cmd_case(f, c, c->name);
			continue;
		}
		for (k = 0; c->subcmds[k]; k++) {
			char label[64];

			if (c->subcmds[k]->hidden)
				continue;
			snprintf(label, sizeof(label), "%s %s", c->name, c->subcmds[k]->name);
			cmd_case(f, c->subcmds[k], label);
		}
	}
	fputs("\tesac\n}\ncomplete -F _vprov vprov\n", f);
}
