/* cmd/stats.c — vprov stats [NAME...] [--watch[=S]] [--interval S] [--json]:
 * what the VMs use, from one bulk libvirt call per sample */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "domain.h"
#include "fs.h"
#include "stats.h"
#include "units.h"
#include "vprov.h"

/* a kept sample gives rates when it is this recent, and at least this old */
#define STATE_MAX_AGE_MS 120000
#define STATE_MIN_AGE_MS 250

static const struct vp_opt options[] = {
	VP_OPT_FLAG('a', "all", "include VMs that are not running (without names only)"),
	VP_OPT_VALUE(0, "watch", "S",
		     "refresh every S seconds (default 2) until q or Ctrl+C: redrawn\n"
		     "in place on a terminal, one table after another otherwise\n"
		     "(with --json: one JSON object per line)",
		     .optional = true),
	VP_OPT_VALUE(0, "interval", "S",
		     "take two samples S seconds apart and give the rates between\n"
		     "them, instead of rates since the previous run"),
	VP_OPT_VALUE(0, "sort", "KEY", "cpu (default), mem, disk, net or name",
		     .comp = VP_COMP_WORDS, .words = "cpu mem disk net name"),
	VP_OPT_FLAG(0, "json", "print a JSON object (its fields: see above)"),
	VP_OPT_END,
};

struct stats_opts {
	int64_t watch_ms;      /* 0: no --watch */
	int64_t interval_ms;   /* 0: no --interval */
	int sort;
	bool all;
	const char *const *names;
	size_t n_names;
};

static int parse_opts(struct vp_ctx *ctx, const struct vp_args *a, struct stats_opts *o)
{
	const char *w = vp_arg_str(a, "watch"), *iv = vp_arg_str(a, "interval");
	const char *sort = vp_arg_str(a, "sort");
	struct vp_error err = { 0 };

	memset(o, 0, sizeof(*o));
	o->all = vp_arg_flag(a, "all");
	o->names = a->pos;
	o->n_names = a->n_pos;
	if (w) {
		/* "--watch 5" as well as "--watch=5": a bare --watch followed
		 * by a number takes it (a VM named like a number: --watch=2 5) */
		if (!*w && a->n_pos > 0 && vp_parse_duration(a->pos[0], 3600000, "--watch",
							     &o->watch_ms, NULL) == 0 &&
		    o->watch_ms > 0) {
			o->names++;
			o->n_names--;
		} else if (!*w) {
			o->watch_ms = 2000;
		} else if (vp_parse_duration(w, 3600000, "--watch", &o->watch_ms, &err) < 0) {
			return vp_usage_error(ctx, "%s", err.msg);
		}
		if (o->watch_ms < 100)
			return vp_usage_error(ctx, "cannot refresh every '%s': the least is 0.1 s (100ms)", w);
	}
	if (iv) {
		if (vp_parse_duration(iv, 3600000, "--interval", &o->interval_ms, &err) < 0)
			return vp_usage_error(ctx, "%s", err.msg);
		if (o->interval_ms < 100)
			return vp_usage_error(ctx, "cannot take samples '%s' apart: the least is 0.1 s (100ms)", iv);
		if (o->watch_ms)
			return vp_usage_error(ctx, "--interval and --watch cannot go together: --watch S "
						   "already sets the time between samples");
	}
	o->sort = sort ? vp_stats_sort_parse(sort) : VP_STATS_SORT_CPU;
	if (o->sort < 0)
		return vp_usage_error(ctx, "cannot sort by '%s': say cpu, mem, disk, net or name", sort);
	if (o->all && o->n_names)
		return vp_usage_error(ctx, "--all is for every VM: named VMs are shown in any state");
	return VP_EXIT_OK;
}

static int check(struct vp_ctx *ctx, const struct vp_args *a)
{
	struct stats_opts o;

	return parse_opts(ctx, a, &o);
}

/* ---- output ---- */

static json_object *u64(uint64_t v)
{
	return v == VP_STATS_NONE ? NULL : json_object_new_int64((int64_t)v);
}

/* v with that many decimals, as written (json-c would print 84.799999999999997) */
static json_object *dbl(double v, int decimals)
{
	char buf[48];

	if (isnan(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

static json_object *sample_json(const struct vp_stats_sample *s)
{
	json_object *o = json_object_new_object(), *host = json_object_new_object();
	json_object *vms = json_object_new_array();
	size_t i;

	json_object_object_add(o, "time_ms", json_object_new_int64(s->time_ms));
	json_object_object_add(o, "interval_s", s->interval_s > 0 ? dbl(s->interval_s, 2) : NULL);
	json_object_object_add(o, "libvirt_calls", json_object_new_int((int)s->calls));
	json_object_object_add(o, "domain_stats_calls", json_object_new_int((int)s->domain_stats_calls));
	json_object_object_add(host, "cpus", s->host_cpus ? json_object_new_int((int)s->host_cpus) : NULL);
	json_object_object_add(host, "memory_kib", u64(s->host_memory_kib));
	json_object_object_add(host, "free_memory_kib", u64(s->host_free_kib));
	json_object_object_add(o, "host", host);
	for (i = 0; i < s->n_vms; i++) {
		const struct vp_stats_vm *vm = &s->vms[i];
		json_object *v = json_object_new_object(), *mem = json_object_new_object();
		json_object *disk = json_object_new_object(), *net = json_object_new_object();
		bool guest;
		uint64_t used = vp_stats_mem_used(vm, &guest);

		json_object_object_add(v, "name", vp_json_str(vm->name));
		json_object_object_add(v, "uuid", json_object_new_string(vm->uuid));
		json_object_object_add(v, "id", vm->id >= 0 ? json_object_new_int(vm->id) : NULL);
		json_object_object_add(v, "state", json_object_new_string(vp_state_name(vm->state)));
		json_object_object_add(v, "vcpus", vm->vcpus ? json_object_new_int((int)vm->vcpus) : NULL);
		json_object_object_add(v, "cpu_time_ns", u64(vm->cpu_time_ns));
		json_object_object_add(v, "cpu_percent", dbl(vm->cpu_percent, 1));
		json_object_object_add(v, "cpu_percent_of_vcpus",
				       vm->vcpus ? dbl(vm->cpu_percent / vm->vcpus, 1) : NULL);
		json_object_object_add(mem, "current_kib", u64(vm->mem_current_kib));
		json_object_object_add(mem, "maximum_kib", u64(vm->mem_maximum_kib));
		json_object_object_add(mem, "available_kib", u64(vm->mem_available_kib));
		json_object_object_add(mem, "unused_kib", u64(vm->mem_unused_kib));
		json_object_object_add(mem, "usable_kib", u64(vm->mem_usable_kib));
		json_object_object_add(mem, "rss_kib", u64(vm->mem_rss_kib));
		json_object_object_add(mem, "used_kib", u64(used));
		json_object_object_add(mem, "used_from",
				       used == VP_STATS_NONE ? NULL :
				       json_object_new_string(guest ? "guest" :
							      vm->mem_rss_kib != VP_STATS_NONE ? "rss" : "balloon"));
		json_object_object_add(v, "memory", mem);
		json_object_object_add(disk, "count", vm->disks_known ? json_object_new_int((int)vm->n_disks) : NULL);
		json_object_object_add(disk, "rd_bytes", u64(vm->rd_bytes));
		json_object_object_add(disk, "wr_bytes", u64(vm->wr_bytes));
		json_object_object_add(disk, "rd_bps", dbl(vm->rd_bps, 0));
		json_object_object_add(disk, "wr_bps", dbl(vm->wr_bps, 0));
		json_object_object_add(v, "disk", disk);
		json_object_object_add(net, "count", vm->nics_known ? json_object_new_int((int)vm->n_nics) : NULL);
		json_object_object_add(net, "rx_bytes", u64(vm->rx_bytes));
		json_object_object_add(net, "tx_bytes", u64(vm->tx_bytes));
		json_object_object_add(net, "rx_bps", dbl(vm->rx_bps, 0));
		json_object_object_add(net, "tx_bps", dbl(vm->tx_bps, 0));
		json_object_object_add(v, "net", net);
		json_object_array_add(vms, v);
	}
	json_object_object_add(o, "vms", vms);
	return o;
}

/* 1536 -> "1.5K"; NAN -> "-" */
static void human(double v, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	int u = -1;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static void human_kib(uint64_t kib, char *buf, size_t len)
{
	human(kib == VP_STATS_NONE ? NAN : (double)kib * 1024, buf, len);
}

/* the table, line by line, into f */
static void sample_table(FILE *f, const struct vp_stats_sample *s)
{
	char when[16] = "", a[16], b[16], c[16], d[16], e[16], g[16];
	time_t t = (time_t)(s->time_ms / 1000);
	struct tm tm;
	size_t i, w = 4;
	bool rss = false;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	human_kib(s->host_free_kib, a, sizeof(a));
	human_kib(s->host_memory_kib, b, sizeof(b));
	fprintf(f, "vprov stats %s  host: %u CPUs, %s of %s memory free  VMs: %zu  ", when,
		s->host_cpus, a, b, s->n_vms);
	if (s->interval_s > 0)
		fprintf(f, "rates over %.1f s\n", s->interval_s);
	else
		fprintf(f, "no rates yet (no recent sample)\n");
	fprintf(f, "CPU%% is of one host CPU (100 = one CPU busy); rates per second\n");
	for (i = 0; i < s->n_vms; i++)
		if (s->vms[i].name && strlen(s->vms[i].name) > w)
			w = strlen(s->vms[i].name);
	fprintf(f, "%-*s  %-8s %6s %5s %7s %7s %7s %7s %7s %7s\n", (int)w, "NAME", "STATE", "CPU%",
		"VCPUS", "MEM", "BALLOON", "DISK-RD", "DISK-WR", "NET-RX", "NET-TX");
	for (i = 0; i < s->n_vms; i++) {
		const struct vp_stats_vm *vm = &s->vms[i];
		char cpu[16], mem[24];
		bool guest;
		uint64_t used = vp_stats_mem_used(vm, &guest);

		if (isnan(vm->cpu_percent))
			snprintf(cpu, sizeof(cpu), "-");
		else
			snprintf(cpu, sizeof(cpu), "%.1f", vm->cpu_percent);
		human_kib(used, c, sizeof(c));
		snprintf(mem, sizeof(mem), "%s%s", c, used != VP_STATS_NONE && !guest ? "*" : "");
		rss = rss || (used != VP_STATS_NONE && !guest);
		human_kib(vm->mem_current_kib, c, sizeof(c));
		human(vm->rd_bps, d, sizeof(d));
		human(vm->wr_bps, e, sizeof(e));
		human(vm->rx_bps, g, sizeof(g));
		human(vm->tx_bps, a, sizeof(a));
		fprintf(f, "%-*s  %-8.8s %6s %5u %7s %7s %7s %7s %7s %7s\n", (int)w, vm->name ? vm->name : "?",
			vp_state_name(vm->state), cpu, vm->vcpus, mem, c, d, e, g, a);
	}
	if (rss)
		fprintf(f, "MEM*: the QEMU process's resident memory (the guest reports no memory statistics)\n");
}

/* ---- sampling ---- */

struct stats_run {
	struct vp_ctx *ctx;
	struct stats_opts o;
	char *state;           /* the state file; NULL: none kept */
};

/* one sample, with rates from prev (may be NULL) */
static int take(struct stats_run *r, const struct vp_stats_sample *prev, struct vp_stats_sample *out)
{
	struct vp_error err = { 0 };

	if (vp_stats_sample(r->ctx->conn, r->o.names, r->o.n_names, r->o.all, out, &err) < 0)
		return vp_fail(r->ctx, &err);
	vp_stats_rates(out, prev);
	return VP_EXIT_OK;
}

static void keep(struct stats_run *r, const struct vp_stats_sample *s)
{
	struct vp_error err = { 0 };

	if (r->state && vp_stats_state_save(r->state, s, &err) < 0 && !r->o.watch_ms)
		vp_warn(r->ctx, "cannot keep the sample for the next rates: %s", err.msg);
}

/* wait ms, or until a signal; 'q' on the terminal (tty) ends it too:
 * 1 to go on, 0 to stop */
static int pause_for(int64_t ms, bool tty)
{
	int64_t end = vp_now_ms() + ms, left;

	while (!vp_interrupted && (left = end - vp_now_ms()) > 0) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = poll(tty ? &p : NULL, tty ? 1 : 0, (int)left);

		if (n > 0) {
			char buf[64];
			ssize_t k = read(STDIN_FILENO, buf, sizeof(buf)), i;

			if (k == 0)
				tty = false; /* end of input: wait on the clock alone */
			for (i = 0; i < k; i++)
				if (buf[i] == 'q' || buf[i] == 'Q')
					return 0;
		}
	}
	return !vp_interrupted;
}

static int run_once(struct stats_run *r)
{
	_cleanup_(vp_stats_sample_clear) struct vp_stats_sample prev = { 0 };
	_cleanup_(vp_stats_sample_clear) struct vp_stats_sample cur = { 0 };
	int rc;
	bool have_prev = false, fresh = false;

	if (r->o.interval_ms) {
		vp_catch_signals();
		if ((rc = take(r, NULL, &prev)) != VP_EXIT_OK)
			return rc;
		have_prev = true;
		if (!pause_for(r->o.interval_ms, false))
			return vp_interrupted == SIGINT ? VP_EXIT_INTERRUPTED : 128 + vp_interrupted;
	}
	if ((rc = take(r, NULL, &cur)) != VP_EXIT_OK)
		return rc;
	if (have_prev) {
		cur.calls += prev.calls;
		cur.domain_stats_calls += prev.domain_stats_calls;
	} else if (r->state && vp_stats_state_load(r->state, &prev) == 1) {
		int64_t age = cur.time_ms - prev.time_ms;

		have_prev = age >= STATE_MIN_AGE_MS && age <= STATE_MAX_AGE_MS;
		/* a sample kept a moment ago stays: the next run gets a longer window */
		fresh = age >= 0 && age < STATE_MIN_AGE_MS;
	}
	vp_stats_rates(&cur, have_prev ? &prev : NULL);
	if (!fresh)
		keep(r, &cur);
	vp_stats_sort(&cur, r->o.sort);
	if (r->ctx->json)
		vp_json_print(sample_json(&cur));
	else
		sample_table(stdout, &cur);
	return VP_EXIT_OK;
}

/* the frame in buf, each line cut to cols, at most rows - 1 lines (a
 * newline on the last row would scroll), over the previous one */
static void draw(const char *buf, int rows, int cols)
{
	const char *p = buf;
	int line = 0;

	fputs("\033[H", stdout);
	while (*p && line < rows - 1) {
		size_t n = strcspn(p, "\n");

		fwrite(p, 1, n < (size_t)cols ? n : (size_t)cols, stdout);
		fputs("\033[K\n", stdout);
		line++;
		p += n;
		if (*p)
			p++;
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

static int run_watch(struct stats_run *r)
{
	struct vp_stats_sample prev = { 0 }, cur = { 0 };
	bool tty = isatty(STDOUT_FILENO) && !r->ctx->json;
	bool keys = tty && isatty(STDIN_FILENO);
	struct termios saved, raw;
	int rc = VP_EXIT_OK;
	bool first = true;

	vp_catch_signals();
	/* the first refresh has rates when a recent sample is kept */
	if (r->state && vp_stats_state_load(r->state, &prev) == 1 &&
	    (vp_wall_ms() - prev.time_ms > STATE_MAX_AGE_MS || vp_wall_ms() - prev.time_ms < STATE_MIN_AGE_MS))
		vp_stats_sample_clear(&prev);
	if (keys && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);  /* keys at once, unseen; Ctrl+C still signals */
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	} else {
		keys = false;
	}
	if (tty)
		fputs("\033[?25l\033[H\033[2J", stdout);  /* cursor hidden, screen cleared once */
	for (;;) {
		/* the pause is counted from the moment the counters were read,
		 * so two samples are at least --watch S apart whatever a call
		 * takes on a busy host (a fixed cadence would put a slow sample
		 * and the quick one after it only the rest of S apart) */
		int64_t left;

		if ((rc = take(r, prev.time_ms ? &prev : NULL, &cur)) != VP_EXIT_OK)
			break;
		vp_stats_sort(&cur, r->o.sort);
		if (r->ctx->json) {
			vp_json_line(stdout, sample_json(&cur));
		} else if (tty) {
			char *buf = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&buf, &len);
			struct winsize ws = { 0 };

			if (!m)
				vp_oom();
			sample_table(m, &cur);
			fclose(m);
			if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0)
				ws.ws_row = 24, ws.ws_col = 80;
			draw(buf, ws.ws_row, ws.ws_col);
			free(buf);
		} else {
			if (!first)
				putchar('\n');
			sample_table(stdout, &cur);
			fflush(stdout);
		}
		first = false;
		if (ferror(stdout))
			break;
		left = r->o.watch_ms - (vp_wall_ms() - cur.time_ms);
		vp_stats_sample_clear(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		if (!pause_for(left > 0 ? left : 0, keys))
			break;
	}
	if (prev.time_ms)
		keep(r, &prev);
	if (tty)
		fputs("\033[?25h", stdout);  /* the last table stays on the screen */
	if (keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	fflush(stdout);
	vp_stats_sample_clear(&prev);
	vp_stats_sample_clear(&cur);
	/* q and Ctrl+C are how a watch ends: not a failure */
	if (rc == VP_EXIT_OK && vp_interrupted && vp_interrupted != SIGINT)
		rc = 128 + vp_interrupted;
	return rc;
}

static int run(struct vp_ctx *ctx, const struct vp_args *a)
{
	_cleanup_(freep) char *dir = vp_state_dir();
	_cleanup_(freep) char *uri = virConnectGetURI(ctx->conn);
	struct stats_run r = { .ctx = ctx };
	int rc;

	if ((rc = parse_opts(ctx, a, &r.o)) != VP_EXIT_OK)
		return rc;
	/* no state directory (no $HOME): no rates without --interval or --watch */
	r.state = dir && uri ? vp_stats_state_path(dir, uri) : NULL;
	rc = r.o.watch_ms ? run_watch(&r) : run_once(&r);
	free(r.state);
	return rc;
}

const struct vp_cmd vp_cmd_stats = {
	.name = "stats",
	.args = "[NAME...]",
	.min_args = 0,
	.max_args = 1024,
	.arg_comp = VP_COMP_VM,
	.summary = "CPU, memory, disk and network use of VMs (one bulk call), like virt-top",
	.description =
		"Per VM: state, CPU% (of ONE host CPU: 100 means one host CPU busy, a VM\n"
		"with 4 busy vCPUs shows up to 400; cpu_percent_of_vcpus in --json divides by\n"
		"its vCPUs), vCPUs, memory (MEM: what the guest uses, available - unused from\n"
		"its balloon statistics when it reports them, else the QEMU process's resident\n"
		"memory, marked *; BALLOON: the balloon's current size), disk bytes read and\n"
		"written and network bytes received and sent per second; plus the host's CPUs\n"
		"and free memory.  Without names: the running VMs (--all: every one); with\n"
		"names: those, in any state.  Busiest first (--sort).\n"
		"\n"
		"One sample is one bulk libvirt call for all the VMs (virConnectGetAllDomainStats,\n"
		"or virDomainListGetStats for named VMs after one listing of the domains), plus\n"
		"virNodeGetInfo and virNodeGetFreeMemory for the host: the same number of calls\n"
		"for 1 VM or 1000 (libvirt_calls, opening the connection aside, and\n"
		"domain_stats_calls in --json).\n"
		"\n"
		"Rates need two samples.  Each run keeps its sample per connection in\n"
		"$XDG_STATE_HOME/vprov/stats/ (default ~/.local/state/vprov), keyed by VM UUID\n"
		"and run (domain id); a run 0.25 s to 120 s after the previous one gives rates\n"
		"over that time (interval_s), otherwise none ('-' in the table, null in JSON).\n"
		"--interval S takes two samples S apart instead; --watch S refreshes every S\n"
		"seconds with rates between consecutive samples (q or Ctrl+C ends it).\n"
		"\n"
		"--json prints one object: time_ms, interval_s (what the rates cover, or null),\n"
		"libvirt_calls, domain_stats_calls, host {cpus, memory_kib, free_memory_kib},\n"
		"and vms, a list of {name, uuid, id, state, vcpus, cpu_time_ns, cpu_percent,\n"
		"cpu_percent_of_vcpus, memory {current_kib, maximum_kib, available_kib,\n"
		"unused_kib, usable_kib, rss_kib, used_kib, used_from (guest, rss or balloon)},\n"
		"disk {count, rd_bytes, wr_bytes, rd_bps, wr_bps}, net {count, rx_bytes,\n"
		"tx_bytes, rx_bps, tx_bps}}.  Counters are totals since the VM started; rates\n"
		"(_bps: bytes per second, cpu_percent) are null when there is no earlier\n"
		"sample of the same run of that VM, and so is whatever libvirt does not report.",
	.opts = options,
	.needs = VP_NEED_CONN,
	.check = check,
	.run = run,
};
