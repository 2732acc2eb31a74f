/* tests/unit/test_stats.c — VM statistics: a domain's statistics record
 * (typed parameters as libvirt 9.0's qemu driver sends them) parsed into
 * counters summed over disks and interfaces, missing groups left unknown;
 * the used memory from the guest's balloon statistics, else the RSS; rates
 * from two samples matched by UUID and run (a restart or a counter going
 * back gives none); sorting busiest first with unknowns last; the state
 * file's round trip and its tolerance of garbage; and one sample on
 * test:///default: one bulk call whatever the number of VMs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "cleanup.h"
#include "stats.h"
#include "virt.h"

#define UL(f, v) { .field = f, .type = VIR_TYPED_PARAM_ULLONG, .value.ul = (v) }
#define UI(f, v) { .field = f, .type = VIR_TYPED_PARAM_UINT, .value.ui = (v) }
#define IN(f, v) { .field = f, .type = VIR_TYPED_PARAM_INT, .value.i = (v) }
#define ST(f) { .field = f, .type = VIR_TYPED_PARAM_STRING }

static struct vp_stats_vm fresh_vm(void)
{
	struct vp_stats_vm vm;

	/* what the sampler starts from: everything unknown */
	memset(&vm, 0, sizeof(vm));
	vm.id = -1;
	vm.cpu_time_ns = vm.mem_current_kib = vm.mem_maximum_kib = vm.mem_available_kib = VP_STATS_NONE;
	vm.mem_unused_kib = vm.mem_usable_kib = vm.mem_rss_kib = VP_STATS_NONE;
	vm.rd_bytes = vm.wr_bytes = vm.rx_bytes = vm.tx_bytes = VP_STATS_NONE;
	vm.cpu_percent = vm.rd_bps = vm.wr_bps = vm.rx_bps = vm.tx_bps = NAN;
	return vm;
}

static void test_parse_full(void **state)
{
	/* a running guest with two disks (one with a backing image), two
	 * interfaces, and balloon statistics from its driver */
	virTypedParameter p[] = {
		IN("state.state", VIR_DOMAIN_RUNNING), IN("state.reason", 1),
		UL("cpu.time", 3856337000ULL), UL("cpu.user", 3278056000ULL),
		UL("balloon.current", 262144), UL("balloon.maximum", 524288),
		UL("balloon.available", 240000), UL("balloon.unused", 180000),
		UL("balloon.usable", 190000), UL("balloon.rss", 202468),
		UI("vcpu.current", 2), UI("vcpu.maximum", 4), UL("vcpu.0.time", 3470000000ULL),
		UI("net.count", 2), ST("net.0.name"), UL("net.0.rx.bytes", 1000), UL("net.0.tx.bytes", 10),
		UL("net.0.rx.pkts", 77), UL("net.1.rx.bytes", 24), UL("net.1.tx.bytes", 5),
		UI("block.count", 2), ST("block.0.name"), UL("block.0.rd.reqs", 9),
		UL("block.0.rd.bytes", 4608), UL("block.0.wr.bytes", 1024), UL("block.0.capacity", 1 << 30),
		UL("block.1.rd.bytes", 512), UL("block.1.wr.bytes", 0), UL("block.1.rd.times", 68121),
	};
	struct vp_stats_vm vm = fresh_vm();
	bool guest;

	(void)state;
	vp_stats_parse_params(p, (int)(sizeof(p) / sizeof(p[0])), &vm);
	assert_int_equal(vm.state, VIR_DOMAIN_RUNNING);
	assert_int_equal(vm.vcpus, 2);
	assert_int_equal(vm.cpu_time_ns, 3856337000ULL);
	assert_int_equal(vm.mem_current_kib, 262144);
	assert_int_equal(vm.mem_maximum_kib, 524288);
	assert_int_equal(vm.mem_rss_kib, 202468);
	assert_int_equal(vm.mem_usable_kib, 190000);
	assert_true(vm.disks_known && vm.nics_known);
	assert_int_equal(vm.n_disks, 2);
	assert_int_equal(vm.n_nics, 2);
	assert_int_equal(vm.rd_bytes, 4608 + 512);
	assert_int_equal(vm.wr_bytes, 1024);
	assert_int_equal(vm.rx_bytes, 1024);
	assert_int_equal(vm.tx_bytes, 15);
	assert_int_equal(vp_stats_mem_used(&vm, &guest), 60000);
	assert_true(guest);
}

static void test_parse_sparse(void **state)
{
	/* the test driver gives the state alone: nothing else is made up */
	virTypedParameter only_state[] = { IN("state.state", VIR_DOMAIN_RUNNING), IN("state.reason", 0) };
	/* a running VM without interfaces moved no network bytes; one without
	 * guest memory statistics shows its RSS */
	virTypedParameter no_nic[] = {
		IN("state.state", VIR_DOMAIN_RUNNING), UI("net.count", 0), UI("block.count", 0),
		UL("balloon.current", 262144), UL("balloon.rss", 150000),
		/* a field vprov does not know, and one of a type it does not read */
		UL("dirtyrate.calc_period", 1), ST("cpu.time"),
	};
	struct vp_stats_vm vm = fresh_vm();
	bool guest = true;

	(void)state;
	vp_stats_parse_params(only_state, 2, &vm);
	assert_int_equal(vm.cpu_time_ns, VP_STATS_NONE);
	assert_int_equal(vm.rd_bytes, VP_STATS_NONE);
	assert_int_equal(vm.rx_bytes, VP_STATS_NONE);
	assert_false(vm.disks_known);
	assert_int_equal(vp_stats_mem_used(&vm, &guest), VP_STATS_NONE);

	vm = fresh_vm();
	vp_stats_parse_params(no_nic, (int)(sizeof(no_nic) / sizeof(no_nic[0])), &vm);
	assert_int_equal(vm.rx_bytes, 0);
	assert_int_equal(vm.tx_bytes, 0);
	assert_int_equal(vm.rd_bytes, 0);
	assert_int_equal(vm.cpu_time_ns, VP_STATS_NONE);
	assert_int_equal(vp_stats_mem_used(&vm, &guest), 150000);
	assert_false(guest);
	vm.mem_rss_kib = VP_STATS_NONE;
	assert_int_equal(vp_stats_mem_used(&vm, &guest), 262144);
	/* a guest that says it uses less than nothing is not believed */
	vm.mem_available_kib = 100;
	vm.mem_unused_kib = 200;
	assert_int_equal(vp_stats_mem_used(&vm, &guest), 262144);
	assert_false(guest);
}

static struct vp_stats_vm counters(const char *uuid, int id, uint64_t cpu, uint64_t rd, uint64_t wr,
				   uint64_t rx, uint64_t tx)
{
	struct vp_stats_vm vm = fresh_vm();

	snprintf(vm.uuid, sizeof(vm.uuid), "%s", uuid);
	vm.id = id;
	vm.state = id >= 0 ? VIR_DOMAIN_RUNNING : VIR_DOMAIN_SHUTOFF;
	vm.cpu_time_ns = cpu;
	vm.rd_bytes = rd;
	vm.wr_bytes = wr;
	vm.rx_bytes = rx;
	vm.tx_bytes = tx;
	return vm;
}

#define U1 "11111111-1111-1111-1111-111111111111"
#define U2 "22222222-2222-2222-2222-222222222222"
#define U3 "33333333-3333-3333-3333-333333333333"
#define U4 "44444444-4444-4444-4444-444444444444"
#define U5 "55555555-5555-5555-5555-555555555555"

static void test_rates(void **state)
{
	struct vp_stats_vm before[] = {
		counters(U1, 5, 1000000000ULL, 1000, 0, 0, 0),
		counters(U2, 6, 5000000000ULL, 0, 0, 0, 0),
		counters(U3, 7, 9000000000ULL, 8192, 0, 0, 0),
		counters(U4, 8, 0, VP_STATS_NONE, 0, 0, 0),
	};
	struct vp_stats_vm now[] = {
		/* 1 s of CPU in 2 s: 50% of one host CPU; 4 MiB read: 2 MiB/s */
		counters(U1, 5, 2000000000ULL, 1000 + (4 << 20), 2048, 300, 100),
		/* restarted: a new id, counters from zero */
		counters(U2, 9, 100000000ULL, 0, 0, 0, 0),
		/* a disk unplugged: the sum went back; the CPU still counts */
		counters(U3, 7, 13000000000ULL, 4096, 0, 0, 0),
		/* a counter unknown before */
		counters(U4, 8, 500000000ULL, 4096, 0, 0, 0),
		/* new since */
		counters(U5, 10, 100, 0, 0, 0, 0),
	};
	struct vp_stats_sample prev = { .time_ms = 100000, .vms = before, .n_vms = 4 };
	struct vp_stats_sample cur = { .time_ms = 102000, .vms = now, .n_vms = 5 };

	(void)state;
	vp_stats_rates(&cur, &prev);
	assert_true(fabs(cur.interval_s - 2.0) < 1e-9);
	assert_true(fabs(now[0].cpu_percent - 50.0) < 1e-9);
	assert_true(fabs(now[0].rd_bps - (2 << 20)) < 1e-6);
	assert_true(fabs(now[0].wr_bps - 1024) < 1e-9);
	assert_true(fabs(now[0].rx_bps - 150) < 1e-9);
	assert_true(fabs(now[0].tx_bps - 50) < 1e-9);
	assert_true(isnan(now[1].cpu_percent) && isnan(now[1].rd_bps));
	assert_true(fabs(now[2].cpu_percent - 200.0) < 1e-9);  /* two vCPUs busy */
	assert_true(isnan(now[2].rd_bps));
	assert_true(fabs(now[3].cpu_percent - 25.0) < 1e-9);
	assert_true(isnan(now[3].rd_bps));
	assert_true(isnan(now[4].cpu_percent));

	/* no rates from a sample that is not older */
	now[0].cpu_percent = NAN;
	prev.time_ms = 102000;
	vp_stats_rates(&cur, &prev);
	assert_true(cur.interval_s == 0);
	assert_true(isnan(now[0].cpu_percent));
	vp_stats_rates(&cur, NULL);
	assert_true(cur.interval_s == 0);
}

static void test_sort(void **state)
{
	struct vp_stats_vm v[4];
	struct vp_stats_sample s = { .vms = v, .n_vms = 4 };
	const char *names[] = { "b", "a", "c", "d" };
	double cpu[] = { NAN, 10, 80, 10 };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		v[i] = fresh_vm();
		v[i].name = (char *)names[i];
		v[i].cpu_percent = cpu[i];
		v[i].mem_rss_kib = 1000 * (i + 1);
	}
	vp_stats_sort(&s, VP_STATS_SORT_CPU);
	assert_string_equal(v[0].name, "c");
	assert_string_equal(v[1].name, "a");  /* a tie goes by name */
	assert_string_equal(v[2].name, "d");
	assert_string_equal(v[3].name, "b");  /* unknown last */
	vp_stats_sort(&s, VP_STATS_SORT_NAME);
	assert_string_equal(v[0].name, "a");
	assert_string_equal(v[3].name, "d");
	vp_stats_sort(&s, VP_STATS_SORT_MEM);
	assert_string_equal(v[0].name, "d");
	assert_int_equal(vp_stats_sort_parse("disk"), VP_STATS_SORT_DISK);
	assert_int_equal(vp_stats_sort_parse("CPU"), -1);
	assert_int_equal(vp_stats_sort_parse(NULL), -1);
}

static void test_state_file(void **state)
{
	char dir[] = "/tmp/vprov-stats-test.XXXXXX";
	_cleanup_(freep) char *path = NULL, *other = NULL, *cmd = NULL;
	struct vp_stats_vm vms[] = {
		counters(U1, 5, 123456789ULL, 1, 2, 3, 4),
		counters(U2, -1, 0, 0, 0, 0, 0),     /* not running: nothing to keep */
		counters(U3, 7, 42, VP_STATS_NONE, 0, VP_STATS_NONE, 9),
	};
	struct vp_stats_sample s = { .time_ms = 1796068822139LL, .vms = vms, .n_vms = 3 };
	struct vp_stats_sample back;
	struct vp_error err = { 0 };
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = vp_stats_state_path(dir, "qemu:///system");
	other = vp_stats_state_path(dir, "qemu+tcp://127.0.0.2/system");
	assert_string_not_equal(path, other);
	assert_null(strchr(path + strlen(dir) + strlen("/stats/"), '/'));
	assert_int_equal(vp_stats_state_load(path, &back), 0);   /* none yet */
	vp_stats_sample_clear(&back);
	assert_int_equal(vp_stats_state_save(path, &s, &err), 0);
	assert_int_equal(vp_stats_state_load(path, &back), 1);
	assert_int_equal(back.time_ms, s.time_ms);
	assert_int_equal(back.n_vms, 2);
	assert_string_equal(back.vms[0].uuid, U1);
	assert_int_equal(back.vms[0].id, 5);
	assert_int_equal(back.vms[0].cpu_time_ns, 123456789ULL);
	assert_int_equal(back.vms[0].tx_bytes, 4);
	assert_string_equal(back.vms[1].uuid, U3);
	assert_int_equal(back.vms[1].rd_bytes, VP_STATS_NONE);
	assert_int_equal(back.vms[1].tx_bytes, 9);
	vp_stats_sample_clear(&back);

	/* garbage is no sample, not an error */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"version\":1,\"time_ms\":", f);
	fclose(f);
	assert_int_equal(vp_stats_state_load(path, &back), 0);
	vp_stats_sample_clear(&back);
	cmd = vp_strdup_printf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_sample_test_driver(void **state)
{
	virConnectPtr conn = virConnectOpen("test:///default");
	struct vp_stats_sample s = { 0 };
	struct vp_error err = { 0 };
	const char *names[] = { "test", "vps1", "test" };
	const char *missing[] = { "test", "nope" };
	char xml[256];
	int i;

	(void)state;
	assert_non_null(conn);
	assert_int_equal(vp_stats_sample(conn, NULL, 0, false, &s, &err), 0);
	assert_int_equal(s.n_vms, 1);
	assert_string_equal(s.vms[0].name, "test");
	assert_int_equal(s.vms[0].state, VIR_DOMAIN_RUNNING);
	assert_true(s.vms[0].id > 0);
	assert_int_equal(strlen(s.vms[0].uuid), 36);
	assert_int_equal(s.host_cpus, 16);
	assert_int_equal(s.host_memory_kib, 3145728);
	assert_true(s.host_free_kib != VP_STATS_NONE);
	assert_int_equal(s.domain_stats_calls, 1);
	assert_int_equal(s.calls, 3);
	assert_true(s.time_ms > 0);
	vp_stats_sample_clear(&s);

	/* five more running VMs: the same calls */
	for (i = 1; i <= 5; i++) {
		virDomainPtr d;

		snprintf(xml, sizeof(xml),
			 "<domain type='test'><name>vps%d</name><memory>1024</memory>"
			 "<os><type>hvm</type></os></domain>", i);
		d = virDomainCreateXML(conn, xml, 0);
		assert_non_null(d);
		virDomainFree(d);
	}
	assert_int_equal(vp_stats_sample(conn, NULL, 0, false, &s, &err), 0);
	assert_int_equal(s.n_vms, 6);
	assert_int_equal(s.domain_stats_calls, 1);
	assert_int_equal(s.calls, 3);
	vp_stats_sample_clear(&s);

	/* named VMs (a name twice counts once): one listing, one bulk call */
	assert_int_equal(vp_stats_sample(conn, names, 3, false, &s, &err), 0);
	assert_int_equal(s.n_vms, 2);
	assert_int_equal(s.domain_stats_calls, 1);
	assert_int_equal(s.calls, 4);
	vp_stats_sample_clear(&s);

	assert_int_equal(vp_stats_sample(conn, missing, 2, false, &s, &err), -1);
	assert_int_equal(err.code, VP_ERR_NOT_FOUND);
	assert_string_equal(err.msg, "no VM named 'nope'");
	vp_stats_sample_clear(&s);
	virConnectClose(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_sparse),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_state_file),
		cmocka_unit_test(test_sample_test_driver),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
