/* cmd/args.c — parse a command's arguments by its option table
 *
 * GNU style: --name VALUE, --name=VALUE, -n VALUE, -nVALUE, bundled short
 * flags (-af), options before and after the arguments, "--" ends the
 * options.  Every command also takes the common options -c/--connect and
 * -h/--help.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "vprov.h"

void vp_args_clear(struct vp_args *a)
{
	if (!a)
		return;
	free(a->pos);
	free(a->vals);
	memset(a, 0, sizeof(*a));
}

/* Does long name (len bytes of s) name opt, by its name or an alias? */
/* A bare optional value may be followed by one of its option's own words
 * (--cloud-init none) as well as by OPTS with a '='. */
static bool is_word(const struct vp_opt *o, const char *arg)
{
	const char *w = o->words;
	size_t n = strlen(arg);

	while (w && *w) {
		size_t l = strcspn(w, " ");

		if (l == n && !strncmp(w, arg, n))
			return true;
		w += l;
		w += strspn(w, " ");
	}
	return false;
}

static bool long_matches(const struct vp_opt *o, const char *s, size_t len)
{
	const char *p;

	if (o->kind == VP_K_GROUP || o->kind == VP_K_END)
		return false;
	if (strlen(o->name) == len && !strncmp(o->name, s, len))
		return true;
	for (p = o->aliases; p && *p;) {
		size_t n = strcspn(p, " ");

		if (n == len && !strncmp(p, s, len))
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

static const struct vp_opt *find_long(const struct vp_cmd *cmd, const char *s, size_t len)
{
	const struct vp_opt *o;

	for (o = cmd->opts; o && o->kind != VP_K_END; o++)
		if (long_matches(o, s, len))
			return o;
	for (o = vp_common_opts; o->kind != VP_K_END; o++)
		if (long_matches(o, s, len))
			return o;
	return NULL;
}

static const struct vp_opt *find_short(const struct vp_cmd *cmd, char c)
{
	const struct vp_opt *o;

	for (o = cmd->opts; o && o->kind != VP_K_END; o++)
		if (o->kind != VP_K_GROUP && o->short_name == c)
			return o;
	for (o = vp_common_opts; o->kind != VP_K_END; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

static int bad(const struct vp_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const struct vp_ctx *ctx, const char *fmt, ...)
{
	struct vp_error err = { 0 };
	va_list ap;

	va_start(ap, fmt);
	vp_error_setv(&err, VP_ERR_INVALID, fmt, ap);
	va_end(ap);
	vp_usage_error(ctx, "%s; see '%s --help'", err.msg, ctx->prog);
	return -1;
}

static void add_value(struct vp_args *a, const struct vp_opt *o, const char *value)
{
	a->vals = vp_grow(a->vals, a->n_vals + 1, sizeof(*a->vals));
	a->vals[a->n_vals].opt = o;
	a->vals[a->n_vals].value = value;
	a->n_vals++;
}

/* An option refused here stops the parse (-1, reported); a flag that
 * stands for another option with a value becomes that one: *o and *value
 * change. */
static int resolve(const struct vp_ctx *ctx, const struct vp_cmd *cmd, const struct vp_opt **o,
		   const char **value)
{
	const struct vp_opt *t;
	size_t len;

	if ((*o)->refused) {
		vp_usage_error(ctx, "cannot use --%s: %s", (*o)->name, (*o)->refused);
		return -1;
	}
	if ((*o)->kind != VP_K_FLAG || !(*o)->same_as)
		return 0;
	len = strcspn((*o)->same_as, "=");
	t = find_long(cmd, (*o)->same_as, len);
	if (!t || t->kind == VP_K_FLAG || !(*o)->same_as[len]) {
		fprintf(stderr, "vprov: bug: option '--%s' stands for '%s', which '%s' does not declare\n",
			(*o)->name, (*o)->same_as, cmd->name);
		abort();
	}
	*value = (*o)->same_as + len + 1;
	*o = t;
	return 0;
}

/* The common options act at once: -c sets the URI. */
static void take(struct vp_ctx *ctx, struct vp_args *a, const struct vp_opt *o, const char *value)
{
	if (o == &vp_common_opts[0])
		ctx->uri = value;
	add_value(a, o, value);
}

int vp_args_parse(struct vp_ctx *ctx, const struct vp_cmd *cmd, int argc, char **argv,
		  struct vp_args *a)
{
	bool options = true;
	int i;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	a->pos = vp_calloc((size_t)argc + 1, sizeof(char *));
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const struct vp_opt *o;

		if (!options || arg[0] != '-' || !arg[1]) {
			a->pos[a->n_pos++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			options = false;
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			o = find_long(cmd, name, len);
			if (!o)
				return bad(ctx, "unknown option '--%.*s'", (int)len, name);
			if (o->refused && resolve(ctx, cmd, &o, NULL) < 0)
				return -1;
			if (o->kind == VP_K_FLAG) {
				const char *value = NULL;

				if (eq)
					return bad(ctx, "option '--%.*s' takes no value", (int)len, name);
				if (resolve(ctx, cmd, &o, &value) < 0)
					return -1;
				take(ctx, a, o, value);
			} else if (eq) {
				take(ctx, a, o, eq + 1);
			} else if (o->optional) {
				if (i + 1 < argc && argv[i + 1][0] != '-' &&
				    (strchr(argv[i + 1], '=') || is_word(o, argv[i + 1])))
					take(ctx, a, o, argv[++i]);
				else
					take(ctx, a, o, "");
			} else if (i + 1 < argc) {
				take(ctx, a, o, argv[++i]);
			} else {
				return bad(ctx, "option '--%s' needs a value", name);
			}
			continue;
		}
		/* short options, possibly bundled: -af, -n NAME, -nNAME */
		for (const char *p = arg + 1; *p; p++) {
			o = find_short(cmd, *p);
			if (!o)
				return bad(ctx, "unknown option '-%c'", *p);
			if (o->refused && resolve(ctx, cmd, &o, NULL) < 0)
				return -1;
			if (o->kind == VP_K_FLAG) {
				const char *value = NULL;

				if (resolve(ctx, cmd, &o, &value) < 0)
					return -1;
				take(ctx, a, o, value);
				continue;
			}
			if (p[1]) {
				take(ctx, a, o, p + 1);
			} else if (i + 1 < argc) {
				take(ctx, a, o, argv[++i]);
			} else {
				return bad(ctx, "option '-%c' needs a value", *p);
			}
			break;
		}
	}
	if (vp_arg_flag(a, "help")) {
		vp_print_help(stdout, cmd, ctx->prog);
		return 1;
	}
	if (a->n_pos < cmd->min_args) {
		vp_usage_error(ctx, "%s is required; see '%s --help'",
			       cmd->arg_what ? cmd->arg_what : "an argument", ctx->prog);
		return -1;
	}
	if (a->n_pos > cmd->max_args)
		return bad(ctx, "unexpected argument '%s'", a->pos[cmd->max_args]);
	return 0;
}

/* The option named name in the command's table or the common ones; a
 * name that is neither is a bug in the command, caught by the tests. */
static const struct vp_opt *declared(const struct vp_args *a, const char *name)
{
	const struct vp_opt *o = find_long(a->cmd, name, strlen(name));

	if (!o || strcmp(o->name, name) != 0) {
		fprintf(stderr, "vprov: bug: command '%s' asks for option '--%s' it does not declare\n",
			a->cmd->name, name);
		abort();
	}
	return o;
}

bool vp_arg_flag(const struct vp_args *a, const char *name)
{
	return vp_arg_count(a, name) > 0;
}

size_t vp_arg_count(const struct vp_args *a, const char *name)
{
	const struct vp_opt *o = declared(a, name);
	size_t i, n = 0;

	for (i = 0; i < a->n_vals; i++)
		if (a->vals[i].opt == o)
			n++;
	return n;
}

const char *vp_arg_nth(const struct vp_args *a, const char *name, size_t k)
{
	const struct vp_opt *o = declared(a, name);
	size_t i;

	for (i = 0; i < a->n_vals; i++)
		if (a->vals[i].opt == o && k-- == 0)
			return a->vals[i].value;
	return NULL;
}

const char *vp_arg_str(const struct vp_args *a, const char *name)
{
	size_t n = vp_arg_count(a, name);

	return n ? vp_arg_nth(a, name, n - 1) : NULL;
}

const char *vp_arg_pos(const struct vp_args *a, size_t i)
{
	return i < a->n_pos ? a->pos[i] : NULL;
}

const struct vp_arg_value *vp_arg_next_of(const struct vp_args *a, const char *const *names,
					  size_t *i)
{
	for (; *i < a->n_vals; (*i)++) {
		const struct vp_arg_value *v = &a->vals[*i];
		size_t k;

		for (k = 0; names[k]; k++)
			if (v->opt == declared(a, names[k])) {
				(*i)++;
				return v;
			}
	}
	return NULL;
}
