/* tests/unit/test_spec_parse.c — virt-install's sub-option syntax */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spec.h"
#include "spec_int.h"
#include "units.h"

static void expect_error(int (*fn)(struct vp_domain_spec *, const char *, struct vp_error *),
			 const char *arg, const char *needle)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	if (fn(&s, arg, &err) != -1)
		fail_msg("'%s' was accepted", arg);
	assert_int_equal(err.code, VP_ERR_INVALID);
	if (!strstr(err.msg, needle))
		fail_msg("error for '%s' is '%s', wanted '%s' in it", arg, err.msg, needle);
	assert_null(strchr(err.msg, '\n'));
	vp_spec_clear(&s);
}

/* --cloud-init: virt-install's sub-options, repeatable keys, bare, none,
 * and the later option replacing the earlier whole */
static void test_cloud_init(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_cloud_init(&s,
		"hostname=web1,root-ssh-key=/a.pub,root-ssh-key=/b.pub,clouduser-ssh-key=c.pub,"
		"user-data=ud,meta-data=md,network-config=nc,disable=on", &err), 0);
	assert_true(s.cloud.init_set);
	assert_false(s.cloud.init_none);
	assert_string_equal(s.cloud.hostname, "web1");
	assert_int_equal(s.cloud.n_root_ssh_keys, 2);
	assert_string_equal(s.cloud.root_ssh_keys[1], "/b.pub");
	assert_int_equal(s.cloud.n_clouduser_ssh_keys, 1);
	assert_string_equal(s.cloud.user_data, "ud");
	assert_string_equal(s.cloud.meta_data, "md");
	assert_string_equal(s.cloud.network_config, "nc");
	assert_int_equal(s.cloud.disable, VP_YES);
	assert_int_equal(s.cloud.root_password_generate, VP_UNSET);
	/* a later --cloud-init replaces the earlier; --image stays */
	vp_set_str(&s.cloud.image, "debian12");
	assert_int_equal(vp_spec_parse_cloud_init(&s, "root-password-generate", &err), 0);
	assert_int_equal(s.cloud.root_password_generate, VP_YES);
	assert_null(s.cloud.hostname);
	assert_int_equal(s.cloud.n_root_ssh_keys, 0);
	assert_string_equal(s.cloud.image, "debian12");
	assert_int_equal(vp_spec_parse_cloud_init(&s, "", &err), 0);
	assert_true(s.cloud.init_set);
	assert_false(s.cloud.init_none);
	assert_int_equal(vp_spec_parse_cloud_init(&s, "none", &err), 0);
	assert_true(s.cloud.init_none);
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_cloud_init, "bogus=1", "unknown --cloud-init option 'bogus'");
	expect_error(vp_spec_parse_cloud_init, "hostname=a,hostname=b", "'hostname' is given twice");
	expect_error(vp_spec_parse_cloud_init, "disable=maybe", "use on or off");
	expect_error(vp_spec_parse_cloud_init, "user-data", "user-data= needs a value");
	expect_error(vp_spec_parse_cloud_init, "root-password-file=/p,root-password-generate=on",
		     "cannot go together");
}

static void test_disk_keys(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	struct vp_disk_spec *d;

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&s, "size=20,pool=fast,format=raw,bus=sata,cache=none", &err), 0);
	assert_int_equal(s.n_disks, 1);
	d = &s.disks[0];
	assert_int_equal(d->size, 20 * VP_GiB);
	assert_string_equal(d->pool, "fast");
	assert_string_equal(d->format, "raw");
	assert_string_equal(d->bus, "sata");
	assert_string_equal(d->cache, "none");
	assert_true(s.disks_set);

	assert_int_equal(vp_spec_parse_disk(&s, "/var/lib/libvirt/images/a.qcow2,bus=scsi", &err), 0);
	assert_string_equal(s.disks[1].path, "/var/lib/libvirt/images/a.qcow2");
	assert_string_equal(s.disks[1].bus, "scsi");

	assert_int_equal(vp_spec_parse_disk(&s, "vol=images/base.qcow2", &err), 0);
	assert_string_equal(s.disks[2].pool, "images");
	assert_string_equal(s.disks[2].vol, "base.qcow2");

	assert_int_equal(vp_spec_parse_disk(&s, "size=0.5,backing_store=images/b.qcow2,backing_format=qcow2", &err), 0);
	assert_int_equal(s.disks[3].size, 512 * VP_MiB);
	assert_string_equal(s.disks[3].backing_store, "images/b.qcow2");
	assert_string_equal(s.disks[3].backing_format, "qcow2");

	/* quoting and ",," */
	assert_int_equal(vp_spec_parse_disk(&s, "path='/data/a,b.qcow2',size=1", &err), 0);
	assert_string_equal(s.disks[4].path, "/data/a,b.qcow2");
	assert_int_equal(vp_spec_parse_disk(&s, "path=/data/c,,d.qcow2,size=1", &err), 0);
	assert_string_equal(s.disks[5].path, "/data/c,d.qcow2");
	/* a bare path with '=' in it is still a path */
	assert_int_equal(vp_spec_parse_disk(&s, "/data/x=y.qcow2", &err), 0);
	assert_string_equal(s.disks[6].path, "/data/x=y.qcow2");
	assert_int_equal(vp_spec_parse_disk(&s, "device=cdrom,path=/iso/a.iso,readonly=on", &err), 0);
	assert_string_equal(s.disks[7].device, "cdrom");
	assert_int_equal(s.disks[7].readonly, VP_YES);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,sparse=no", &err), 0);
	assert_int_equal(s.disks[8].sparse, VP_NO);
	vp_spec_clear(&s);
}

static void test_disk_none(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&s, "none", &err), 0);
	assert_true(s.disks_set);
	assert_int_equal(s.n_disks, 0);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1", &err), -1);
	assert_non_null(strstr(err.msg, "none"));
	vp_spec_clear(&s);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "none", &err), -1);
	vp_spec_clear(&s);
}

static void test_disk_errors(void **state)
{
	(void)state;
	expect_error(vp_spec_parse_disk, "size=abc", "--disk size");
	expect_error(vp_spec_parse_disk, "size=0", "between");
	expect_error(vp_spec_parse_disk, "size=-5", "negative");
	expect_error(vp_spec_parse_disk, "size=100T", "between");
	expect_error(vp_spec_parse_disk, "foo=bar", "unknown --disk option 'foo'");
	expect_error(vp_spec_parse_disk, "format=vmdk", "qcow2 or raw");
	expect_error(vp_spec_parse_disk, "bus=floppy", "bus");
	expect_error(vp_spec_parse_disk, "cache=fast", "cache");
	expect_error(vp_spec_parse_disk, "vol=novolume", "POOL/VOLUME");
	expect_error(vp_spec_parse_disk, "vol=/a", "POOL/VOLUME");
	expect_error(vp_spec_parse_disk, "vol=a/b/c", "POOL/VOLUME");
	expect_error(vp_spec_parse_disk, "vol=p/v,size=2", "size=");
	expect_error(vp_spec_parse_disk, "path=/a,vol=p/v", "not both");
	expect_error(vp_spec_parse_disk, "path=/a,pool=p", "not both");
	expect_error(vp_spec_parse_disk, "size=1,,", "unknown unit ','");
	expect_error(vp_spec_parse_disk, "size=1,", "empty item");
	expect_error(vp_spec_parse_disk, ",size=1", "empty item");
	expect_error(vp_spec_parse_disk, "path='/a", "unterminated quote");
	expect_error(vp_spec_parse_disk, "", "needs a value");
	expect_error(vp_spec_parse_disk, "pool=", "needs a value");
	expect_error(vp_spec_parse_disk, "size=1,bogus", "not a key=value");
	expect_error(vp_spec_parse_disk, "backing_format=qcow2", "needs backing_store");
	expect_error(vp_spec_parse_disk, "backing_store=/b.qcow2,format=raw", "format=qcow2");
	expect_error(vp_spec_parse_disk, "readonly=maybe", "on or off");
}

static void test_network(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_network(&s, "network=default,model=e1000e,mac=52:54:00:aa:bb:cc", &err), 0);
	assert_string_equal(s.nets[0].type, "network");
	assert_string_equal(s.nets[0].source, "default");
	assert_string_equal(s.nets[0].model, "e1000e");
	assert_string_equal(s.nets[0].mac, "52:54:00:aa:bb:cc");
	assert_int_equal(vp_spec_parse_network(&s, "bridge=br0", &err), 0);
	assert_string_equal(s.nets[1].type, "bridge");
	assert_string_equal(s.nets[1].source, "br0");
	assert_int_equal(vp_spec_parse_network(&s, "user", &err), 0);
	assert_string_equal(s.nets[2].type, "user");
	assert_int_equal(vp_spec_parse_network(&s, "bridge:br1", &err), 0);
	assert_string_equal(s.nets[3].source, "br1");
	assert_int_equal(vp_spec_parse_network(&s, "none", &err), -1);
	vp_spec_clear(&s);

	assert_int_equal(vp_spec_parse_network(&s, "none", &err), 0);
	assert_true(s.nets_set);
	assert_int_equal(s.n_nets, 0);
	assert_int_equal(vp_spec_parse_network(&s, "user", &err), -1);
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_network, "bogus", "use none, user");
	expect_error(vp_spec_parse_network, "network=a,bridge=b", "one of");
	expect_error(vp_spec_parse_network, "mac=52:54:00:aa:bb:cc", "say which");
	expect_error(vp_spec_parse_network, "user,mac=zz", "six hex pairs");
	expect_error(vp_spec_parse_network, "user,mac=52:54:00:aa:bb:cc:dd", "six hex pairs");
	expect_error(vp_spec_parse_network, "user,mac=01:00:5e:00:00:01", "multicast");
	expect_error(vp_spec_parse_network, "user,model=fancy", "model");
	expect_error(vp_spec_parse_network, "user,speed=1", "unknown --network option 'speed'");
	expect_error(vp_spec_parse_network, "type=direct", "type");
}

static void test_graphics(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_graphics(&s, "spice,listen=127.0.0.1,port=5905", &err), 0);
	assert_string_equal(s.graphics.type, "spice");
	assert_string_equal(s.graphics.listen, "127.0.0.1");
	assert_int_equal(s.graphics.port, 5905);
	assert_int_equal(vp_spec_parse_graphics(&s, "none", &err), 0);
	assert_string_equal(s.graphics.type, "none");
	assert_null(s.graphics.listen);
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_graphics, "sdl", "none, vnc or spice");
	expect_error(vp_spec_parse_graphics, "vnc,port=80", "between 5900");
	expect_error(vp_spec_parse_graphics, "vnc,listen=localhost", "IP address");
	expect_error(vp_spec_parse_graphics, "none,port=5900", "no listen");
	expect_error(vp_spec_parse_graphics, "listen=127.0.0.1", "none, vnc or spice");
}

/* ---- virt-install's comma rule for free-text values ---------------------- */

static bool join_known(const struct kv *kv, void *opaque)
{
	const char *const *keys = opaque;

	return kv->key ? vp_one_of(kv->key, keys) : !strcmp(kv->value, "hd");
}

/* arg split, joined with free-text keys ft; the result as "k=v|v|..." */
static void expect_joined(const char *arg, const char *const *ft, const char *want)
{
	static const char *const keys[] = { "kernel", "kernel_args", "initrd", NULL };
	struct kvlist l;
	struct vp_error err = { 0 };
	char got[256] = "";
	size_t i;

	assert_int_equal(vp_kv_split(arg, "--test", &l, &err), 0);
	vp_kv_join_free_text(&l, join_known, (void *)keys, ft);
	for (i = 0; i < l.n; i++) {
		if (i)
			strcat(got, "|");
		if (l.items[i].key) {
			strcat(got, l.items[i].key);
			strcat(got, "=");
		}
		strcat(got, l.items[i].value);
	}
	if (strcmp(got, want))
		fail_msg("'%s' joined to '%s', wanted '%s'", arg, got, want);
	vp_kvlist_clear(&l);
}

static void test_join_free_text(void **state)
{
	static const char *const ka[] = { "kernel_args", NULL };
	static const char *const bare[] = { "", NULL };
	static const char *const none[] = { NULL };

	(void)state;
	/* the shell took the quotes: the pieces go back into the value */
	expect_joined("kernel=/k,kernel_args=console=ttyS0,115200n8 quiet", ka,
		      "kernel=/k|kernel_args=console=ttyS0,115200n8 quiet");
	/* an unknown KEY=VALUE piece too, and several in a row */
	expect_joined("kernel_args=a,root=/dev/vda1,ro,initrd=/i", ka,
		      "kernel_args=a,root=/dev/vda1,ro|initrd=/i");
	/* a known sub-option or bare item ends the value */
	expect_joined("kernel_args=a,b,hd,c", ka, "kernel_args=a,b|hd|c");
	expect_joined("kernel_args=a,kernel=/k,b", ka, "kernel_args=a|kernel=/k|b");
	/* only after a free-text key: elsewhere an unknown piece stays, to be refused */
	expect_joined("kernel=/k,b,kernel_args=x", ka, "kernel=/k|b|kernel_args=x");
	expect_joined("bogus=1,kernel_args=a,c", ka, "bogus=1|kernel_args=a,c");
	expect_joined("kernel_args=a,b", none, "kernel_args=a|b");
	/* "" is the bare positional value */
	expect_joined("http://h/a,b,kernel=k,initrd=i", bare, "http://h/a,b|kernel=k|initrd=i");
	expect_joined("kernel=k,x,y", bare, "kernel=k|x|y");
	/* ",," and quotes are the tokenizer's: unchanged */
	expect_joined("kernel_args='a,b',c,,d", ka, "kernel_args=a,b,c,d");
	/* an empty value takes pieces too */
	expect_joined("kernel_args=,x", ka, "kernel_args=,x");
}

/* --memory, --vcpus, --cpu, --iothreads: virt-install's names, old and new */
static void test_machine(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_memory(&s, "2G", &err), 0);
	assert_int_equal(s.memory, 2048ULL << 20);
	assert_int_equal(s.mach.mem_current, 0);
	/* maxmemory is <memory>; the count is then the balloon's start */
	assert_int_equal(vp_spec_parse_memory(&s, "1024,maxmemory=4096", &err), 0);
	assert_int_equal(s.memory, 4096ULL << 20);
	assert_int_equal(s.mach.mem_current, 1024ULL << 20);
	assert_int_equal(vp_spec_parse_memory(&s, "memory=2G,currentMemory=1G", &err), 0);
	assert_int_equal(s.memory, 2048ULL << 20);
	assert_int_equal(s.mach.mem_current, 1024ULL << 20);
	assert_int_equal(vp_spec_parse_memory(&s, "1024,hotplugmemorymax=8G,hotplugmemoryslots=4", &err), 0);
	assert_int_equal(s.mach.mem_hotplug, 8192ULL << 20);
	assert_int_equal(s.mach.mem_slots, 4);
	vp_spec_clear(&s);
	/* only sub-options: the memory stays unsaid (a profile's shows through) */
	assert_int_equal(vp_spec_parse_memory(&s, "maxMemory=8G,maxMemory.slots=2", &err), 0);
	assert_int_equal(s.memory, 0);
	assert_int_equal(s.mach.mem_hotplug, 8192ULL << 20);
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_memory, "1024,maxmemory.slots=16", "maxMemory.slots");
	expect_error(vp_spec_parse_memory, "memory=2048,currentMemory=4096", "more than the maximum");
	expect_error(vp_spec_parse_memory, "4096,maxMemory=2048", "less than the memory");
	expect_error(vp_spec_parse_memory, "1024,maxMemory.slots=2", "needs maxMemory");
	expect_error(vp_spec_parse_memory, "1024,memory=2048", "'memory' is given twice");
	expect_error(vp_spec_parse_memory, "1024,maxMemory=4G,hotplugmemorymax=4G", "one setting");

	/* --vcpus: maxvcpus is <vcpu>, the count its current= */
	assert_int_equal(vp_spec_parse_vcpus(&s, "2,maxvcpus=8,cpuset=0-3,6,placement=static", &err), 0);
	assert_int_equal(s.vcpus, 2);
	assert_int_equal(s.mach.vcpus_max, 8);
	assert_string_equal(s.mach.vcpu_cpuset, "0-3,6");
	assert_string_equal(s.mach.vcpu_placement, "static");
	assert_int_equal(vp_spec_parse_vcpus(&s, "vcpu.current=2,vcpu=4", &err), 0);
	assert_int_equal(s.vcpus, 2);
	assert_int_equal(s.mach.vcpus_max, 4);
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_vcpus, "8,maxvcpus=4", "more vCPUs running");
	expect_error(vp_spec_parse_vcpus, "4,sockets=0", "--vcpus sockets");
	expect_error(vp_spec_parse_vcpus, "4,cpuset=a-b", "host CPUs");
	expect_error(vp_spec_parse_vcpus, "4,bogus=1", "unknown --vcpus option 'bogus'");

	/* topology: virt-install's fill order (cores, sockets, dies 1, threads) */
	{
		static const struct { const char *arg; unsigned v, s, d, c, t; } tc[] = {
			{ "4,sockets=2", 4, 2, 1, 2, 1 },
			{ "4,cores=2", 4, 2, 1, 2, 1 },
			{ "4,threads=2", 4, 1, 1, 2, 2 },
			{ "sockets=2,cores=2", 4, 2, 1, 2, 1 },
			{ "sockets=2,cores=2,threads=2", 8, 2, 1, 2, 2 },
			{ "cores=4", 4, 1, 1, 4, 1 },
			{ "4,dies=2,sockets=1,cores=2", 4, 1, 2, 2, 1 },
		};
		size_t i;

		for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
			assert_int_equal(vp_spec_parse_vcpus(&s, tc[i].arg, &err), 0);
			if (vp_spec_topology_fill(&s, &err) < 0)
				fail_msg("%s: %s", tc[i].arg, err.msg);
			assert_int_equal(s.vcpus, tc[i].v);
			assert_int_equal(s.mach.sockets, tc[i].s);
			assert_int_equal(s.mach.dies, tc[i].d);
			assert_int_equal(s.mach.cores, tc[i].c);
			assert_int_equal(s.mach.threads, tc[i].t);
			vp_spec_clear(&s);
		}
	}
	assert_int_equal(vp_spec_parse_vcpus(&s, "4,maxvcpus=8,sockets=2", &err), 0);
	assert_int_equal(vp_spec_topology_fill(&s, &err), 0);
	assert_int_equal(s.mach.cores, 4); /* the maximum counts */
	vp_spec_clear(&s);
	assert_int_equal(vp_spec_parse_vcpus(&s, "4,sockets=3", &err), 0);
	assert_int_equal(vp_spec_topology_fill(&s, &err), -1);
	assert_non_null(strstr(err.msg, "not the 4 asked for"));
	vp_spec_clear(&s);

	/* --cpu */
	assert_int_equal(vp_spec_parse_cpu(&s, "Skylake-Client,+vmx,-hle,require=pcid,disable=x2apic,"
					       "forbid=aes,optional=avx,force=sse,check=partial", &err), 0);
	assert_string_equal(s.mach.cpu_mode, "custom");
	assert_string_equal(s.mach.cpu_match, "exact");
	assert_string_equal(s.mach.cpu_model, "Skylake-Client");
	assert_int_equal(s.mach.n_cpu_features, 7);
	assert_string_equal(s.mach.cpu_features[0], "force:sse");
	assert_string_equal(s.mach.cpu_features[1], "force:vmx");
	assert_string_equal(s.mach.cpu_features[2], "require:pcid");
	assert_string_equal(s.mach.cpu_features[3], "optional:avx");
	assert_string_equal(s.mach.cpu_features[4], "disable:x2apic");
	assert_string_equal(s.mach.cpu_features[5], "disable:hle");
	assert_string_equal(s.mach.cpu_features[6], "forbid:aes");
	assert_int_equal(vp_spec_parse_cpu(&s, "host-copy", &err), 0);
	assert_string_equal(s.mach.cpu_mode, "host-model");
	assert_null(s.mach.cpu_model);
	assert_int_equal(s.mach.n_cpu_features, 0);
	assert_int_equal(vp_spec_parse_cpu(&s, "host-passthrough,migratable=off,cache.mode=passthrough,"
					       "topology.sockets=2", &err), 0);
	assert_int_equal(s.mach.cpu_migratable, VP_NO);
	assert_int_equal(s.mach.sockets, 2);
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_cpu, "mode=custom", "needs a model");
	expect_error(vp_spec_parse_cpu, "host-model,mode=host-passthrough", "contradict");
	expect_error(vp_spec_parse_cpu, "Haswell,match=loose", "exact, minimum or strict");
	expect_error(vp_spec_parse_cpu, "Haswell,+vmx,disable=vmx", "given twice");
	expect_error(vp_spec_parse_cpu, "Has<well", "invalid --cpu model");
	expect_error(vp_spec_parse_cpu, "Haswell,sockets=2", "unknown --cpu option 'sockets'");

	assert_int_equal(vp_spec_parse_iothreads(&s, "4", &err), 0);
	assert_int_equal(s.mach.iothreads, 4);
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_iothreads, "0", "--iothreads");
	expect_error(vp_spec_parse_iothreads, "2,bogus=1", "unknown --iothreads option 'bogus'");
	expect_error(vp_spec_parse_iothreads, "2,iothreadids.iothread0.thread_pool_max=2", "needs its id=");
	expect_error(vp_spec_parse_iothreads, "iothreadids.iothread0.id=0", "between 1 and");
	expect_error(vp_spec_parse_iothreads, "iothreadids.iothread0.id=3,iothreadids.iothread2.id=3",
		     "id 3 is given twice");
	expect_error(vp_spec_parse_iothreads, "2,iothreads=3", "'iothreads' is given twice");
	expect_error(vp_spec_parse_iothreads,
		     "iothreadids.iothread0.id=1,iothreadids.iothread0.thread_pool_min=3,iothreadids.iothread0.thread_pool_max=2",
		     "thread_pool_min 3 is more than thread_pool_max 2");
	expect_error(vp_spec_parse_iothreads, "defaultiothread.thread_pool_max=0", "thread_pool_max '0'");
	expect_error(vp_spec_parse_iothreads, "defaultiothread.thread_pool_min=-1", "thread_pool_min");
	expect_error(vp_spec_parse_iothreads, "iothreadids.iothread1024.id=1", "unknown --iothreads option");
}

/* --boot bootN.dev=, acpi.table=, dtb= */
static void test_boot_index_acpi(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_boot(&s, "boot2.dev=fd,boot0.dev=pxe,boot10.dev=cdrom", &err), 0);
	assert_int_equal(s.boot.n_devs, 3);
	assert_string_equal(s.boot.devs[0], "network");
	assert_string_equal(s.boot.devs[1], "fd");
	assert_string_equal(s.boot.devs[2], "cdrom");
	/* kernel arguments end at a bootN.dev (a sub-option) */
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k,kernel_args=a,b,boot0.dev=hd", &err), 0);
	assert_string_equal(s.boot.cmdline, "a,b");
	assert_int_equal(s.boot.n_devs, 1);
	assert_int_equal(vp_spec_parse_boot(&s, "acpi.table=/srv/slic.bin", &err), 0);
	assert_string_equal(s.mach.acpi_table, "/srv/slic.bin");
	assert_null(s.mach.acpi_table_type);
	/* the type alone, for the table an earlier --boot named */
	assert_int_equal(vp_spec_parse_boot(&s, "acpi.table.type=slic", &err), 0);
	assert_string_equal(s.mach.acpi_table_type, "slic");
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_boot, "hd,boot1.dev=cdrom", "not both");
	expect_error(vp_spec_parse_boot, "boot0.dev=cdrom,boot3.dev=cdrom", "'cdrom' is listed twice");
	expect_error(vp_spec_parse_boot, "boot0.dev=", "boot0.dev");
	expect_error(vp_spec_parse_boot, "boot100.dev=hd", "unknown --boot option 'boot100.dev'");
	expect_error(vp_spec_parse_boot, "boot0.devs=hd", "unknown --boot option");
	expect_error(vp_spec_parse_boot, "acpi.table.type=slic", "needs acpi.table=PATH");
	expect_error(vp_spec_parse_boot, "acpi.table=/a,acpi.table.type=SLIC", "slic only");
	expect_error(vp_spec_parse_boot, "acpi.table=/a,acpi.table=/b", "given twice");
	expect_error(vp_spec_parse_boot, "dtb=/x.dtb", "ARM");
}

/* --cpu numa.cellN.* and secure= */
static void test_cpu_numa(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	/* cells in N's order; cpus= takes its comma pieces; a bare +feature
	 * after it is a feature again */
	assert_int_equal(vp_spec_parse_cpu(&s, "Haswell,numa.cell1.cpus=1,3,numa.cell1.memory=1,"
					   "numa.cell1.unit=GiB,+vmx,cell0.cpus=0,2,cell0.memory=512M,"
					   "cell0.memAccess=private,cell0.discard=off,"
					   "numa.cell0.distances.sibling1.id=1,numa.cell0.distances.sibling1.value=20,"
					   "numa.cell0.distances.sibling0.id=0,numa.cell0.distances.sibling0.value=10,"
					   "secure=off", &err), 0);
	assert_int_equal(s.mach.n_cells, 2);
	assert_string_equal(s.mach.cells[0].cpus, "0,2");
	assert_int_equal(s.mach.cells[0].memory, 512 * VP_MiB);
	assert_null(s.mach.cells[0].unit);
	assert_int_equal(s.mach.cells[0].id, -1);
	assert_string_equal(s.mach.cells[0].mem_access, "private");
	assert_int_equal(s.mach.cells[0].discard, VP_NO);
	assert_int_equal(s.mach.cells[0].n_sib, 2);
	assert_int_equal(s.mach.cells[0].sib_ids[0], 0);
	assert_int_equal(s.mach.cells[0].sib_values[1], 20);
	assert_string_equal(s.mach.cells[1].cpus, "1,3");
	assert_int_equal(s.mach.cells[1].memory, VP_GiB);
	assert_string_equal(s.mach.cells[1].mem_given, "1");
	assert_string_equal(s.mach.cells[1].unit, "GiB");
	assert_int_equal(s.mach.n_cpu_features, 1);
	assert_string_equal(s.mach.cpu_features[0], "force:vmx");
	/* nothing else said: the cells give the memory and the vCPUs */
	assert_int_equal(vp_spec_topology_fill(&s, &err), 0);
	assert_int_equal(s.memory, 1536 * VP_MiB);
	assert_int_equal(s.vcpus, 4);
	/* said: they must agree */
	s.memory = VP_GiB;
	assert_int_equal(vp_spec_topology_fill(&s, &err), -1);
	assert_non_null(strstr(err.msg, "add up to 1536 MiB, not the VM's 1024 MiB"));
	s.memory = 1536 * VP_MiB;
	s.vcpus = 2;
	s.mach.vcpus_max = 6;
	assert_int_equal(vp_spec_topology_fill(&s, &err), -1);
	assert_non_null(strstr(err.msg, "vCPU 4 is in no NUMA cell"));
	s.mach.vcpus_max = 0;
	assert_int_equal(vp_spec_topology_fill(&s, &err), -1);
	assert_non_null(strstr(err.msg, "name vCPU 3, and the VM has 2"));
	/* a later --cpu replaces the cells with the rest of the CPU */
	assert_int_equal(vp_spec_parse_cpu(&s, "host-model", &err), 0);
	assert_int_equal(s.mach.n_cells, 0);
	/* bytes round up to KiB, as libvirt does */
	assert_int_equal(vp_spec_parse_cpu(&s, "host-model,numa.cell0.cpus=0,numa.cell0.memory=1048577,"
					   "numa.cell0.unit=b", &err), 0);
	assert_int_equal(s.mach.cells[0].memory, VP_MiB + VP_KiB);
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_cpu, "host-model,numa.cell0.memory=1024,numa.cell0.cpus=0-1,numa.cell0.cpus=2",
		     "'numa.cell0.cpus' is given twice");
	expect_error(vp_spec_parse_cpu, "host-model,numa.cell0.cpus=0,numa.cell0.memory=0", "numa.cell0.memory");
	expect_error(vp_spec_parse_cpu, "host-model,numa.cell0.cpus=3-1,numa.cell0.memory=1G", "give vCPUs such as");
	expect_error(vp_spec_parse_cpu, "host-model,numa.cell0.cpus=1-,numa.cell0.memory=1G", "give vCPUs such as");
	expect_error(vp_spec_parse_cpu, "host-model,numa.cell0.cpus=0,numa.cell0.memory=1G,numa.cell0.id=128",
		     "numa.cell0.id");
	expect_error(vp_spec_parse_cpu, "host-model,numa.cell128.cpus=0", "unknown --cpu option 'numa.cell128.cpus'");
	expect_error(vp_spec_parse_cpu,
		     "host-model,numa.cell0.cpus=0,numa.cell0.memory=1G,numa.cell1.cpus=1,numa.cell1.memory=1G,"
		     "numa.cell0.distances.sibling0.id=1,numa.cell0.distances.sibling0.value=10",
		     "distance to cell 1 is 10");
	expect_error(vp_spec_parse_cpu,
		     "host-model,numa.cell0.cpus=0,numa.cell0.memory=1G,numa.cell0.distances.sibling0.id=0,"
		     "numa.cell0.distances.sibling0.value=256", "sibling0.value");
	expect_error(vp_spec_parse_cpu, "host-model,numa.cell0.cpus=0,numa.cell0.memory=1G,numa.cell0.cache0.level=3",
		     "ACPI HMAT");
	expect_error(vp_spec_parse_cpu, "Haswell,secure=on", "secure=on");
	expect_error(vp_spec_parse_cpu, "Haswell,secure=maybe", "--cpu secure");
	expect_error(vp_spec_parse_cpu, "Haswell,secure=off,secure=off", "given twice");
}

/* --disk address.*: the type's keys, the bus's ranges, one address a disk */
static void test_disk_address(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,address.type=pci,address.bus=0x10,address.slot=0,"
					    "address.function=7,address.multifunction=off", &err), 0);
	/* a PCI address makes the disk virtio */
	assert_string_equal(s.disks[0].bus, "virtio");
	assert_string_equal(s.disks[0].addr.type, "pci");
	assert_int_equal(s.disks[0].addr.v[VP_ADDR_BUS], 16);
	assert_int_equal(s.disks[0].addr.v[VP_ADDR_FUNCTION], 7);
	assert_int_equal(s.disks[0].addr.set,
			 (1u << VP_ADDR_BUS) | (1u << VP_ADDR_SLOT) | (1u << VP_ADDR_FUNCTION));
	assert_int_equal(s.disks[0].addr.multifunction, VP_NO);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,bus=scsi,address.type=drive,address.target=99,"
					    "address.unit=16383", &err), 0);
	assert_int_equal(s.disks[1].addr.v[VP_ADDR_UNIT], 16383);
	/* the same tuple on another bus is another controller's */
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,bus=sata,address.type=drive,address.unit=0", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,bus=scsi,address.type=drive,address.unit=0", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,bus=sata,address.type=drive,address.controller=0", &err), -1);
	assert_non_null(strstr(err.msg, "disk 3 has the same sata address"));
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,address.type=pci,address.bus=16,address.function=7", &err), -1);
	assert_non_null(strstr(err.msg, "disk 1 has the same PCI address"));
	/* resolved: the machine's own slots */
	s.x86 = true;
	s.q35 = true;
	vp_set_str(&s.disks[0].bus, "virtio");
	s.disks[0].addr.v[VP_ADDR_BUS] = 0;
	s.disks[0].addr.v[VP_ADDR_SLOT] = 31;
	assert_int_equal(vp_disk_bus_check(&s, &s.disks[0], &err), -1);
	assert_non_null(strstr(err.msg, "ISA bridge"));
	s.q35 = false;
	assert_int_equal(vp_disk_bus_check(&s, &s.disks[0], &err), 0);
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_disk, "size=1,address.bus=1", "needs address.type=drive");
	expect_error(vp_spec_parse_disk, "size=1,address.type=isa", "invalid --disk address.type 'isa'");
	expect_error(vp_spec_parse_disk, "size=1,address.type=drive,address.iobase=0x1f0", "address.iobase is not a disk's");
	expect_error(vp_spec_parse_disk, "size=1,address.type=drive,address.slot=1", "address.slot is not a drive address's");
	expect_error(vp_spec_parse_disk, "size=1,address.type=pci,address.controller=1", "address.controller is not a pci address's");
	expect_error(vp_spec_parse_disk, "size=1,address.type=pci,address.slot=3,address.type=drive", "given twice");
	expect_error(vp_spec_parse_disk, "size=1,address.type=pci,address.slot=0x", "address.slot");
	expect_error(vp_spec_parse_disk, "size=1,address.type=pci,address.slot=+3", "address.slot");
	expect_error(vp_spec_parse_disk, "size=1,address.type=pci,address.bus=256", "from 0 to 255");
	expect_error(vp_spec_parse_disk, "size=1,address.type=pci,address.bus=1,address.domain=2", "PCI domain 0 only");
	expect_error(vp_spec_parse_disk, "size=1,address.type=pci", "slot 0 is the host bridge's");
	expect_error(vp_spec_parse_disk, "size=1,bus=usb,address.type=pci,address.slot=3", "a usb disk's address is type drive");
	expect_error(vp_spec_parse_disk, "size=1,bus=usb,address.type=drive", "its own");
	expect_error(vp_spec_parse_disk, "size=1,device=lun,bus=scsi,address.type=pci,address.slot=3", "a lun sits on");
	expect_error(vp_spec_parse_disk, "size=1,bus=ide,address.type=drive,address.controller=1", "2 buses of 2 units");
	expect_error(vp_spec_parse_disk, "size=1,bus=fdc,device=floppy,address.type=drive,address.unit=2", "2 drives");
	expect_error(vp_spec_parse_disk, "size=1,bus=sata,address.type=drive,address.target=1", "6 ports");
}

/* --iothreads' ids, and the disks that run in one (driver.iothread=) */
static void test_iothreads(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	char *ids;

	(void)state;
	/* grouped by N, in N's order (not the items') */
	assert_int_equal(vp_spec_parse_iothreads(&s,
		"3,iothreadids.iothread1.id=2,iothreadids.iothread1.thread_pool_max=4,iothreadids.iothread0.id=9,"
		"defaultiothread.thread_pool_min=1", &err), 0);
	assert_int_equal(s.mach.iothreads, 3);
	assert_int_equal(s.mach.n_iothread_ids, 2);
	assert_int_equal(s.mach.iothread_ids[0].id, 9);
	assert_null(s.mach.iothread_ids[0].pool_max);
	assert_int_equal(s.mach.iothread_ids[1].id, 2);
	assert_string_equal(s.mach.iothread_ids[1].pool_max, "4");
	assert_string_equal(s.mach.defio_pool_min, "1");
	assert_null(s.mach.defio_pool_max);
	/* libvirt's numbering: 9 and 2 named, the third thread the smallest free id */
	ids = vp_iothread_list(&s.mach);
	assert_string_equal(ids, "9,2,1");
	free(ids);
	assert_true(vp_iothread_defined(&s.mach, 1));
	assert_true(vp_iothread_defined(&s.mach, 2));
	assert_true(vp_iothread_defined(&s.mach, 9));
	assert_false(vp_iothread_defined(&s.mach, 3));
	assert_false(vp_iothread_defined(&s.mach, 0));
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,driver.iothread=9", &err), 0);
	assert_int_equal(s.disks[0].iothread, 9);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,bus=virtio,driver.iothread=1", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,driver.iothread=3", &err), -1);
	assert_non_null(strstr(err.msg, "no I/O thread 3 (its I/O threads, from --iothreads: 9,2,1)"));
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,bus=scsi,driver.iothread=1", &err), -1);
	assert_non_null(strstr(err.msg, "virtio disks"));
	assert_int_equal(vp_spec_parse_disk(&s, "device=cdrom,driver.iothread=1", &err), -1);
	assert_non_null(strstr(err.msg, "not device=cdrom"));
	/* more ids than the count: libvirt takes them all */
	assert_int_equal(vp_spec_parse_iothreads(&s, "1,iothreadids.iothread0.id=5,iothreadids.iothread1.id=6", &err), 0);
	assert_int_equal(s.mach.n_iothread_ids, 2);
	assert_false(vp_iothread_defined(&s.mach, 1));
	assert_true(vp_iothread_defined(&s.mach, 6));
	/* a count alone: 1..N */
	assert_int_equal(vp_spec_parse_iothreads(&s, "2", &err), 0);
	assert_int_equal(s.mach.n_iothread_ids, 0);
	assert_true(vp_iothread_defined(&s.mach, 2));
	assert_false(vp_iothread_defined(&s.mach, 3));
	vp_spec_clear(&s);
}

static void test_boot(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_boot(&s, "cdrom,hd,network", &err), 0);
	assert_int_equal(s.boot.n_devs, 3);
	assert_string_equal(s.boot.devs[0], "cdrom");
	assert_string_equal(s.boot.devs[2], "network");
	assert_int_equal(vp_spec_parse_boot(&s, "uefi", &err), 0);
	assert_int_equal(s.boot.uefi, VP_YES);
	assert_int_equal(s.boot.n_devs, 3); /* a --boot without devices keeps them */
	assert_int_equal(vp_spec_parse_boot(&s,
		"kernel=/boot/vmlinuz,initrd=/boot/initrd.img,kernel_args=\"console=ttyS0,115200n8 root=/dev/vda1\"",
		&err), 0);
	assert_string_equal(s.boot.kernel, "/boot/vmlinuz");
	assert_string_equal(s.boot.initrd, "/boot/initrd.img");
	assert_string_equal(s.boot.cmdline, "console=ttyS0,115200n8 root=/dev/vda1");
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k,kernel_args=a=b c='d'", &err), 0);
	assert_string_equal(s.boot.cmdline, "a=b c=d");
	/* the shell ate the quotes: the pieces that are no sub-option are the value's */
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k,kernel_args=console=ttyS0,115200n8 quiet,hd", &err), 0);
	assert_string_equal(s.boot.cmdline, "console=ttyS0,115200n8 quiet");
	assert_string_equal(s.boot.devs[0], "hd");
	assert_int_equal(vp_spec_parse_boot(&s, "cmdline=a,root=/dev/vda1,ro,initrd=/i", &err), 0);
	assert_string_equal(s.boot.cmdline, "a,root=/dev/vda1,ro");
	assert_string_equal(s.boot.initrd, "/i");
	vp_spec_clear(&s);
	expect_error(vp_spec_parse_boot, "floppydisk", "invalid --boot item");
	expect_error(vp_spec_parse_boot, "hd,hd", "twice");
	expect_error(vp_spec_parse_boot, "initrd=/i", "need kernel=");
	expect_error(vp_spec_parse_boot, "kernel_args=quiet", "need kernel=");
	expect_error(vp_spec_parse_boot, "kernel=", "needs a value");
	expect_error(vp_spec_parse_boot, "firmware=coreboot", "efi or bios");
	expect_error(vp_spec_parse_boot, "bogus=on", "unknown --boot option 'bogus'");
	expect_error(vp_spec_parse_boot, "init=/sbin/init", "container");
	expect_error(vp_spec_parse_boot, "loader.type=flash", "rom or pflash");
	expect_error(vp_spec_parse_boot, "menu=on,bootmenu.enable=off", "one setting");
	expect_error(vp_spec_parse_boot, "firmware=efi,firmware.feature0.name=secure-boot",
		     "needs both");
	expect_error(vp_spec_parse_boot, "bootmenu.timeout=70000", "--boot bootmenu.timeout");
}

/* --boot's firmware and BIOS sub-options, virt-install's names and aliases */
static void test_boot_firmware(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_boot(&s,
		"menu=on,bootmenu.timeout=3000,bios.useserial=off,rebootTimeout=-1,"
		"firmware=efi,firmware.feature1.name=enrolled-keys,firmware.feature1.enabled=no,"
		"firmware.feature0.enabled=yes,firmware.feature0.name=secure-boot,smbios_mode=host",
		&err), 0);
	assert_int_equal(s.mach.n_fw_features, 2);
	assert_string_equal(s.mach.fw_features[0], "secure-boot:yes");
	assert_string_equal(s.mach.fw_features[1], "enrolled-keys:no");
	/* a loader names the firmware the features would have libvirt pick */
	assert_int_equal(vp_spec_parse_boot(&s, "loader=/l.fd,firmware.feature0.name=secure-boot,"
					       "firmware.feature0.enabled=yes", &err), -1);
	assert_non_null(strstr(err.msg, "give one"));
	vp_strings_free(s.mach.fw_features, s.mach.n_fw_features);
	s.mach.fw_features = NULL;
	s.mach.n_fw_features = 0;
	assert_int_equal(vp_spec_parse_boot(&s,
		"loader=/l.fd,loader_ro=yes,loader_type=pflash,loader.secure=no,nvram=/n.fd,nvram_template=/t.fd",
		&err), 0);
	assert_int_equal(s.mach.bootmenu, VP_YES);
	assert_string_equal(s.mach.bootmenu_timeout, "3000");
	assert_int_equal(s.mach.useserial, VP_NO);
	assert_string_equal(s.mach.reboot_timeout, "-1");
	assert_string_equal(s.mach.loader, "/l.fd");
	assert_int_equal(s.mach.loader_ro, VP_YES);
	assert_string_equal(s.mach.loader_type, "pflash");
	assert_int_equal(s.mach.loader_secure, VP_NO);
	assert_string_equal(s.mach.nvram, "/n.fd");
	assert_string_equal(s.mach.nvram_template, "/t.fd");
	assert_int_equal(s.boot.uefi, VP_YES);
	assert_string_equal(s.mach.smbios_mode, "host");
	/* a later --boot keeps what it does not say */
	assert_int_equal(vp_spec_parse_boot(&s, "useserial=on", &err), 0);
	assert_int_equal(s.mach.useserial, VP_YES);
	assert_string_equal(s.mach.loader, "/l.fd");
	/* a failing --boot changes nothing */
	assert_int_equal(vp_spec_parse_boot(&s, "loader=/x.fd,loader.type=bogus", &err), -1);
	assert_string_equal(s.mach.loader, "/l.fd");
	vp_spec_clear(&s);
}

/* A sub-option given twice is refused, whichever spelling it came in;
 * nothing of a refused argument reaches the spec. */
static void test_install_options(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_spec_parse_location(&s, "http://deb.debian.org/debian/dists/bookworm/main/installer-amd64/", &err), 0);
	assert_string_equal(s.install.location, "http://deb.debian.org/debian/dists/bookworm/main/installer-amd64/");
	assert_null(s.install.kernel_hint);
	assert_int_equal(vp_spec_parse_location(&s, "/srv/tree,kernel=images/pxeboot/vmlinuz,initrd=images/pxeboot/initrd.img", &err), 0);
	assert_string_equal(s.install.location, "/srv/tree");
	assert_string_equal(s.install.kernel_hint, "images/pxeboot/vmlinuz");
	assert_string_equal(s.install.initrd_hint, "images/pxeboot/initrd.img");
	/* a URL with a query string is still one location */
	assert_int_equal(vp_spec_parse_location(&s, "http://h/tree?arch=x86_64", &err), 0);
	assert_string_equal(s.install.location, "http://h/tree?arch=x86_64");
	/* a comma in it, undoubled (virt-install's rule) */
	assert_int_equal(vp_spec_parse_location(&s, "/srv/a,b,kernel=k,initrd=i,j", &err), 0);
	assert_string_equal(s.install.location, "/srv/a,b");
	assert_string_equal(s.install.initrd_hint, "i,j");
	expect_error(vp_spec_parse_location, "/srv/tree,kernel=/boot/vmlinuz,initrd=i", "inside the tree");
	expect_error(vp_spec_parse_location, "/srv/tree,kernel=../../etc/passwd,initrd=i", "stay inside the tree");
	expect_error(vp_spec_parse_location, "/srv/tree,kernel=k", "both kernel= and initrd=");
	expect_error(vp_spec_parse_location, "/srv/tree,kernel=k,kernel=k2,initrd=i", "twice");
	/* after a location, an unknown piece is part of it (virt-install's
	 * comma rule); after kernel= it is too; first, it is refused */
	assert_int_equal(vp_spec_parse_location(&s, "/srv/tree,menu=on", &err), 0);
	assert_string_equal(s.install.location, "/srv/tree,menu=on");
	expect_error(vp_spec_parse_location, "menu=on,kernel=k,initrd=i", "write ',' in it as ',,'");
	expect_error(vp_spec_parse_location, "", "needs a value");

	assert_int_equal(vp_spec_parse_install(&s, "debian12", &err), 0);
	assert_string_equal(s.install.tree_os, "debian12");
	assert_int_equal(vp_spec_parse_install(&s, "no_install=yes", &err), 0);
	assert_int_equal(s.install.no_install, VP_YES);
	expect_error(vp_spec_parse_install, "debian12,no_install=yes", "contradict");
	expect_error(vp_spec_parse_install, "bootdev=cdrom", "unknown --install option 'bootdev'");

	assert_int_equal(vp_spec_parse_console(&s, "pty,target_type=serial", &err), 0);
	assert_string_equal(s.console_target, "serial");
	assert_int_equal(vp_spec_parse_console(&s, "pty,target_type=virtio", &err), 0);
	assert_string_equal(s.console_target, "virtio");
	expect_error(vp_spec_parse_console, "pty,path=/tmp/x", "unknown --console option 'path'");
	expect_error(vp_spec_parse_console, "tcp", "consoles are pty");
	expect_error(vp_spec_parse_console, "pty,target_type=sclp", "use serial or virtio");

	assert_int_equal(vp_spec_parse_unattended(&s, "", &err), 0);
	assert_true(s.install.unattended.set);
	assert_null(s.install.unattended.profile);
	assert_int_equal(vp_spec_parse_unattended(&s, "profile=desktop,admin-password-file=/root/pw,user-login=ann", &err), 0);
	assert_string_equal(s.install.unattended.profile, "desktop");
	assert_string_equal(s.install.unattended.admin_password_file, "/root/pw");
	assert_string_equal(s.install.unattended.user_login, "ann");
	expect_error(vp_spec_parse_unattended, "admin-password=secret", "unknown --unattended option 'admin-password'");
	expect_error(vp_spec_parse_unattended, "profile=server", "jeos or desktop");
	vp_spec_clear(&s);
}

static void test_repeated_keys(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	expect_error(vp_spec_parse_disk, "size=1,size=2",
		     "invalid --disk 'size=1,size=2': 'size' is given twice");
	expect_error(vp_spec_parse_disk, "/a.qcow2,path=/b.qcow2", "'path' is given twice");
	expect_error(vp_spec_parse_disk, "size=1,pool=a,pool=b", "'pool' is given twice");
	expect_error(vp_spec_parse_disk, "vol=p/a,vol=p/b", "'vol' is given twice");
	expect_error(vp_spec_parse_disk, "size=1,bus=sata,bus=virtio", "'bus' is given twice");
	expect_error(vp_spec_parse_disk, "size=1,readonly=on,readonly=off", "'readonly' is given twice");
	expect_error(vp_spec_parse_disk, "pool=a,vol=b/c", "not both");
	expect_error(vp_spec_parse_disk, "vol=b/c,pool=b", "not both");
	expect_error(vp_spec_parse_network, "network=a,network=b",
		     "invalid --network 'network=a,network=b': 'network' is given twice");
	expect_error(vp_spec_parse_network, "user,mac=52:54:00:00:00:01,mac=52:54:00:00:00:02",
		     "'mac' is given twice");
	expect_error(vp_spec_parse_network, "user,model=virtio,model=e1000", "'model' is given twice");
	expect_error(vp_spec_parse_network, "network=a,type=user", "one of");
	expect_error(vp_spec_parse_boot, "kernel=/a,kernel=/b",
		     "invalid --boot 'kernel=/a,kernel=/b': 'kernel' is given twice");
	expect_error(vp_spec_parse_boot, "kernel=/a,initrd=/i,initrd=/j", "'initrd' is given twice");
	expect_error(vp_spec_parse_boot, "kernel=/a,kernel_args=x,cmdline=y",
		     "'kernel_args' and 'cmdline' are one setting, given twice");
	expect_error(vp_spec_parse_boot, "uefi,firmware=bios", "given twice");
	expect_error(vp_spec_parse_boot, "uefi=on,uefi=off", "'uefi' is given twice");
	expect_error(vp_spec_parse_boot, "hd,hd", "twice");
	expect_error(vp_spec_parse_boot, "network,pxe", "twice");
	expect_error(vp_spec_parse_graphics, "vnc,port=5901,port=5902",
		     "invalid --graphics 'vnc,port=5901,port=5902': 'port' is given twice");
	expect_error(vp_spec_parse_graphics, "vnc,listen=::1,listen=::1", "'listen' is given twice");
	expect_error(vp_spec_parse_graphics, "vnc,type=spice", "'type' is given twice");

	/* a list of boot devices is not a repetition */
	assert_int_equal(vp_spec_parse_boot(&s, "cdrom,hd,network,fd", &err), 0);
	assert_int_equal(s.boot.n_devs, 4);
	/* a refused --boot leaves what an earlier one said */
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k1", &err), 0);
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k2,initrd=/i,kernel=/k3", &err), -1);
	assert_string_equal(s.boot.kernel, "/k1");
	assert_null(s.boot.initrd);
	/* a later --boot may add to an earlier one's kernel */
	assert_int_equal(vp_spec_parse_boot(&s, "kernel_args=quiet", &err), 0);
	assert_string_equal(s.boot.cmdline, "quiet");
	assert_int_equal(vp_spec_parse_graphics(&s, "vnc,listen=::1,port=5901", &err), 0);
	assert_int_equal(vp_spec_parse_graphics(&s, "spice,port=5902,port=5903", &err), -1);
	assert_string_equal(s.graphics.type, "vnc");
	assert_int_equal(s.graphics.port, 5901);
	vp_spec_clear(&s);
}

/* Values libvirt's domain schema (or the host) would refuse are refused
 * when parsed, as usage errors, not later as a schema failure. */
static void test_schema_values(void **state)
{
	static const char *const good_bridges[] = { "br0", "br-lan.10", "virbr_0", "abcdefghijklmno", NULL };
	static const char *const bad_bridges[] = { "a b", "x/y", ".", "..", "abcdefghijklmnop", "a:b",
						   "a\\b", "caf\xc3\xa9", "a@b", NULL };
	static const struct { const char *in, *out; } good_listen[] = {
		{ "127.0.0.1", "127.0.0.1" }, { "0.0.0.0", "0.0.0.0" }, { "::", "::" },
		{ "::1", "::1" }, { "::ffff:1.2.3.4", "::ffff:1.2.3.4" },
		{ "FE80::0:1", "fe80::1" },
		/* valid, but not in the schema's pattern: written canonically */
		{ "1::2:1.2.3.4", "1::2:102:304" },
	};
	static const char *const bad_listen[] = { "localhost", "example.com", "1.2.3", "256.1.1.1",
						  "01.2.3.4", "fe80::1%eth0", "[::1]", "1.2.3.4:5900",
						  ":::", "abcd::12345", NULL };
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	char arg[600], big[400];
	size_t i;

	(void)state;
	for (i = 0; good_bridges[i]; i++) {
		snprintf(arg, sizeof(arg), "bridge=%s", good_bridges[i]);
		if (vp_spec_parse_network(&s, arg, &err) < 0)
			fail_msg("'%s' refused: %s", arg, err.msg);
		assert_string_equal(s.nets[i].source, good_bridges[i]);
	}
	vp_spec_clear(&s);
	for (i = 0; bad_bridges[i]; i++) {
		snprintf(arg, sizeof(arg), "bridge=%s", bad_bridges[i]);
		expect_error(vp_spec_parse_network, arg, "invalid --network bridge");
		snprintf(arg, sizeof(arg), "bridge:%s", bad_bridges[i]);
		expect_error(vp_spec_parse_network, arg, "invalid --network bridge");
	}
	expect_error(vp_spec_parse_network, "bridge=", "needs a value");
	expect_error(vp_spec_parse_network, "network=a/b", "invalid --network network 'a/b'");
	expect_error(vp_spec_parse_network, "network:a/b", "invalid --network network 'a/b'");
	expect_error(vp_spec_parse_network, "network=", "needs a value");
	assert_int_equal(vp_spec_parse_network(&s, "network=my lab", &err), 0); /* libvirt allows it */
	vp_spec_clear(&s);

	for (i = 0; i < sizeof(good_listen) / sizeof(good_listen[0]); i++) {
		snprintf(arg, sizeof(arg), "vnc,listen=%s", good_listen[i].in);
		if (vp_spec_parse_graphics(&s, arg, &err) < 0)
			fail_msg("'%s' refused: %s", arg, err.msg);
		assert_string_equal(s.graphics.listen, good_listen[i].out);
	}
	vp_spec_clear(&s);
	for (i = 0; bad_listen[i]; i++) {
		snprintf(arg, sizeof(arg), "spice,listen=%s", bad_listen[i]);
		expect_error(vp_spec_parse_graphics, arg, "invalid --graphics listen");
	}

	/* disks: absolute paths of files, pool and volume names libvirt takes */
	expect_error(vp_spec_parse_disk, "path=disk.qcow2,size=1", "--disk path 'disk.qcow2' must be an absolute path");
	expect_error(vp_spec_parse_disk, "disk.qcow2,size=1", "must be an absolute path");
	expect_error(vp_spec_parse_disk, "path=/,size=1", "names a directory");
	expect_error(vp_spec_parse_disk, "path=/tmp/,size=1", "names a directory");
	expect_error(vp_spec_parse_disk, "path=/tmp/.,size=1", "names a directory");
	expect_error(vp_spec_parse_disk, "path=/tmp/..,size=1", "names a directory");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(arg, sizeof(arg), "path=/tmp/%s,size=1", big);
	expect_error(vp_spec_parse_disk, arg, "longer than 255 bytes");
	expect_error(vp_spec_parse_disk, "pool=a/b,size=1", "--disk pool 'a/b'");
	expect_error(vp_spec_parse_disk, "vol=p/..", "--disk vol 'p/..': a volume name");
	expect_error(vp_spec_parse_disk, "vol=p/.", "--disk vol 'p/.'");
	snprintf(arg, sizeof(arg), "vol=p/%s", big);
	expect_error(vp_spec_parse_disk, arg, "at most 255 bytes");
	expect_error(vp_spec_parse_disk, "size=1,backing_store=/tmp/", "--disk backing_store '/tmp/'");
	expect_error(vp_spec_parse_disk, "size=1,backing_store=p/..", "--disk backing_store 'p/..'");
	expect_error(vp_spec_parse_disk, "size=1,backing_format=vmdk,format=qcow2,backing_format=raw",
		     "given twice");
	/* what is neither PATH nor POOL/VOL is refused when resolved */
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,backing_store=a/b/c", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "path=/var/lib/libvirt/images/caf\xc3\xa9 1.qcow2,size=1", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "vol=my pool/a b.qcow2", &err), 0);
	vp_spec_clear(&s);

	/* boot: <kernel> and <initrd> are absolute paths of files */
	expect_error(vp_spec_parse_boot, "kernel=vmlinuz", "--boot kernel 'vmlinuz' must be an absolute path");
	expect_error(vp_spec_parse_boot, "kernel=/", "--boot kernel '/'");
	expect_error(vp_spec_parse_boot, "kernel=/k,initrd=initrd.img", "--boot initrd 'initrd.img'");
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k,kernel_args=", &err), 0);
	assert_string_equal(s.boot.cmdline, "");
	vp_spec_clear(&s);
}

/* A control character, a byte that is not UTF-8 or a non-character in any
 * value is refused at parse time, naming the option, in one line. */
static void test_control_characters(void **state)
{
	static const struct { int (*fn)(struct vp_domain_spec *, const char *, struct vp_error *);
			      const char *arg, *needle; } cases[] = {
		{ vp_spec_parse_boot, "kernel=/k,kernel_args=a\x01" "b",
		  "--boot kernel_args contains a control character (\\x01), which a domain description cannot hold" },
		{ vp_spec_parse_boot, "kernel=/k,cmdline=a\nb", "--boot cmdline contains a control character (\\x0a)" },
		{ vp_spec_parse_boot, "kernel=/k\x7f", "--boot kernel contains a control character (\\x7f)" },
		{ vp_spec_parse_boot, "kernel=/k,initrd=/i\t", "--boot initrd contains a control character (\\x09)" },
		{ vp_spec_parse_boot, "hd\x1b", "--boot contains a control character (\\x1b)" },
		{ vp_spec_parse_disk, "path=/a\xff,size=1", "--disk path contains a byte that is not UTF-8 (\\xff)" },
		{ vp_spec_parse_disk, "/a\xc0\xaf,size=1", "--disk path contains a byte that is not UTF-8 (\\xc0)" },
		{ vp_spec_parse_disk, "pool=p\x01,size=1", "--disk pool contains a control character" },
		{ vp_spec_parse_disk, "vol=p/v\x01", "--disk vol contains a control character" },
		{ vp_spec_parse_disk, "size=1,backing_store=/b\x01", "--disk backing_store contains a control character" },
		{ vp_spec_parse_disk, "size=1,bus=virtio\n", "--disk bus contains a control character" },
		{ vp_spec_parse_disk, "size=1\x01", "--disk size contains a control character" },
		{ vp_spec_parse_disk, "path=/a\xef\xbf\xbe,size=1", "--disk path contains the non-character U+FFFE" },
		{ vp_spec_parse_disk, "path=/a\xed\xa0\x80,size=1", "not UTF-8 (\\xed)" },
		{ vp_spec_parse_network, "network=a\x01", "--network network contains a control character" },
		{ vp_spec_parse_network, "network:a\nb", "--network network contains a control character" },
		{ vp_spec_parse_network, "bridge=br\x01", "--network bridge contains a control character" },
		{ vp_spec_parse_network, "user,mac=52:54:00:00:00:0\x01", "--network mac contains a control character" },
		{ vp_spec_parse_network, "user,model=virtio\xff", "--network model contains a byte that is not UTF-8" },
		{ vp_spec_parse_graphics, "vnc,listen=::1\x01", "--graphics listen contains a control character" },
		{ vp_spec_parse_graphics, "vnc\x01", "--graphics contains a control character" },
	};
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p;

		expect_error(cases[i].fn, cases[i].arg, cases[i].needle);
		cases[i].fn(&s, cases[i].arg, &err);
		for (p = err.msg; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fail_msg("message for case %zu holds byte 0x%02x: %s", i, *p, err.msg);
		vp_spec_clear(&s);
	}
	/* text beyond ASCII is fine */
	assert_int_equal(vp_spec_parse_boot(&s, "kernel=/k,kernel_args=caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xae", &err), 0);
	assert_string_equal(s.boot.cmdline, "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xae");
	vp_spec_clear(&s);
}

static void test_names(void **state)
{
	struct vp_error err = { 0 };

	(void)state;
	assert_int_equal(vp_name_check("web1", &err), 0);
	assert_int_equal(vp_name_check("a.b_c-d", &err), 0);
	assert_int_equal(vp_name_check("1", &err), 0);
	assert_int_equal(vp_name_check("", &err), -1);
	assert_int_equal(vp_name_check(NULL, &err), -1);
	assert_int_equal(vp_name_check("a'/><x", &err), -1);
	assert_non_null(strstr(err.msg, "'''"));
	assert_int_equal(vp_name_check("a b", &err), -1);
	assert_int_equal(vp_name_check("a/b", &err), -1);
	assert_int_equal(vp_name_check("-a", &err), -1);
	assert_int_equal(vp_name_check(".a", &err), -1);
	assert_int_equal(vp_name_check("a&b", &err), -1);
	assert_int_equal(vp_name_check("a\nb", &err), -1);
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(vp_name_check("caf\xc3\xa9", &err), -1);
	assert_int_equal(vp_name_check("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &err), 0);
	assert_int_equal(vp_name_check("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &err), -1);
	assert_non_null(strstr(err.msg, "64"));
}

/* virt-install's --file/--file-size/--nonsparse: paired in order, a size
 * without a path a new disk of its own; nothing beside --disk none */
static void test_file_disks(void **state)
{
	const char *paths[] = { "/p/a.qcow2", "/p/b.img" }, *sizes[] = { "3", "1.5" };
	const char *one_size[] = { "4" }, *bad_size[] = { "0" }, *rel[] = { "a.img" };
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	/* two paths, one size: the size goes with the first */
	assert_int_equal(vp_spec_parse_file_disks(&s, paths, 2, sizes, 1, false, &err), 0);
	assert_int_equal(s.n_disks, 2);
	assert_string_equal(s.disks[0].path, "/p/a.qcow2");
	assert_int_equal(s.disks[0].size, 3 * VP_GiB);
	assert_string_equal(s.disks[1].path, "/p/b.img");
	assert_int_equal(s.disks[1].size, 0);
	assert_int_equal(s.disks[0].sparse, VP_UNSET);
	vp_spec_clear(&s);
	memset(&s, 0, sizeof(s));
	/* two of each, fully allocated; a fraction of a GiB as virt-install takes it */
	assert_int_equal(vp_spec_parse_file_disks(&s, paths, 2, sizes, 2, true, &err), 0);
	assert_int_equal(s.disks[1].size, 3 * VP_GiB / 2);
	assert_int_equal(s.disks[0].sparse, VP_NO);
	assert_int_equal(s.disks[1].sparse, VP_NO);
	vp_spec_clear(&s);
	memset(&s, 0, sizeof(s));
	/* a size alone: a new disk where the defaults put it */
	assert_int_equal(vp_spec_parse_file_disks(&s, NULL, 0, one_size, 1, false, &err), 0);
	assert_int_equal(s.n_disks, 1);
	assert_null(s.disks[0].path);
	assert_int_equal(s.disks[0].size, 4 * VP_GiB);
	vp_spec_clear(&s);
	memset(&s, 0, sizeof(s));
	/* --nonsparse alone makes no disk (virt-install's way) */
	assert_int_equal(vp_spec_parse_file_disks(&s, NULL, 0, NULL, 0, true, &err), 0);
	assert_int_equal(s.n_disks, 0);
	assert_false(s.disks_set);
	/* errors: one sentence naming the option, no disk added */
	assert_int_equal(vp_spec_parse_file_disks(&s, paths, 1, bad_size, 1, false, &err), -1);
	assert_non_null(strstr(err.msg, "--file-size '0'"));
	assert_int_equal(s.n_disks, 0);
	assert_int_equal(vp_spec_parse_file_disks(&s, rel, 1, NULL, 0, false, &err), -1);
	assert_non_null(strstr(err.msg, "--file 'a.img' must be an absolute path"));
	assert_int_equal(vp_spec_parse_disk(&s, "none", &err), 0);
	assert_int_equal(vp_spec_parse_file_disks(&s, paths, 1, NULL, 0, false, &err), -1);
	assert_non_null(strstr(err.msg, "--nodisks"));
	assert_int_equal(s.n_disks, 0);
	vp_spec_clear(&s);
}

/* --disk: virt-install's further sub-options, their older names, perms= */
static void test_disk_more(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	const struct vp_disk_spec *d;

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&s,
		"size=1,driver.type=raw,perms=sh,driver.cache=none,driver.io=native,driver.discard=unmap,"
		"driver.detect_zeroes=unmap,driver.error_policy=stop,driver.queues=4,boot.order=3,"
		"serial=S 1,wwn=5000c50015ea71ac,target.dev=vdc,driver.name=qemu", &err), 0);
	d = &s.disks[0];
	assert_string_equal(d->format, "raw");
	assert_int_equal(d->shareable, VP_YES);
	assert_int_equal(d->readonly, VP_UNSET);
	assert_string_equal(d->cache, "none");
	assert_string_equal(d->io, "native");
	assert_string_equal(d->discard, "unmap");
	assert_string_equal(d->detect_zeroes, "unmap");
	assert_string_equal(d->error_policy, "stop");
	assert_int_equal(d->queues, 4);
	assert_int_equal(d->boot_order, 3);
	assert_string_equal(d->serial, "S 1");
	assert_string_equal(d->wwn, "5000c50015ea71ac");
	assert_string_equal(d->target_dev, "vdc");
	assert_string_equal(d->driver_name, "qemu");
	/* the older names go to the same fields */
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,perms=ro,io=threads,discard=ignore,"
		"detect_zeroes=off,error_policy=report,boot_order=1,target=sdb,bus=scsi,cache=unsafe", &err), 0);
	d = &s.disks[1];
	assert_int_equal(d->readonly, VP_YES);
	assert_string_equal(d->io, "threads");
	assert_string_equal(d->discard, "ignore");
	assert_string_equal(d->detect_zeroes, "off");
	assert_string_equal(d->error_policy, "report");
	assert_int_equal(d->boot_order, 1);
	assert_string_equal(d->target_dev, "sdb");
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,perms=rw,target.bus=sata", &err), 0);
	assert_int_equal(s.disks[2].readonly, VP_NO);
	assert_string_equal(s.disks[2].bus, "sata");
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,device=floppy,format=raw", &err), 0);
	assert_int_equal(vp_spec_parse_disk(&s, "size=1,device=lun,bus=scsi", &err), 0);
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_disk, "size=1,perms=xx", "invalid --disk perms 'xx'");
	expect_error(vp_spec_parse_disk, "size=1,perms=ro,readonly=on", "'perms' and 'readonly' are one setting");
	expect_error(vp_spec_parse_disk, "size=1,perms=sh,shareable=on", "one setting");
	expect_error(vp_spec_parse_disk, "size=1,cache=none,driver.cache=none", "'cache' and 'driver.cache' are one setting");
	expect_error(vp_spec_parse_disk, "size=1,format=raw,driver.type=raw", "one setting");
	expect_error(vp_spec_parse_disk, "size=1,bus=sata,target.bus=sata", "one setting");
	expect_error(vp_spec_parse_disk, "size=1,io=aio", "invalid --disk io 'aio': use native, threads or io_uring");
	expect_error(vp_spec_parse_disk, "size=1,driver.discard=on", "use unmap or ignore");
	expect_error(vp_spec_parse_disk, "size=1,detect_zeroes=yes", "use off, on or unmap");
	expect_error(vp_spec_parse_disk, "size=1,error_policy=retry", "use stop, report, ignore or enospace");
	expect_error(vp_spec_parse_disk, "size=1,driver.name=tap", "driver.name");
	expect_error(vp_spec_parse_disk, "size=1,driver.queues=1025", "driver.queues");
	expect_error(vp_spec_parse_disk, "size=1,driver.iothread=1", "needs I/O threads in the VM: add --iothreads");
	expect_error(vp_spec_parse_disk, "size=1,driver.iothread=0", "driver.iothread");
	expect_error(vp_spec_parse_disk, "size=1,boot.order=0", "boot.order");
	expect_error(vp_spec_parse_disk, "size=1,serial=a;b", "serial");
	expect_error(vp_spec_parse_disk, "size=1,wwn=0x5000c50015ea71a", "16 hex digits");
	expect_error(vp_spec_parse_disk, "size=1,wwn=5000c50015ea71ag", "16 hex digits");
	expect_error(vp_spec_parse_disk, "size=1,target.dev=vd", "target.dev");
	expect_error(vp_spec_parse_disk, "size=1,target.dev=vda1", "target.dev");
	expect_error(vp_spec_parse_disk, "size=1,target.dev=xvda", "target.dev");
	expect_error(vp_spec_parse_disk, "size=1,device=floppy,bus=virtio", "bus fdc");
	expect_error(vp_spec_parse_disk, "size=1,bus=fdc", "device=floppy");
	expect_error(vp_spec_parse_disk, "size=1,device=lun,bus=virtio", "bus=scsi");
	expect_error(vp_spec_parse_disk, "size=1,format=qcow2,shareable=on", "format=raw");
	expect_error(vp_spec_parse_disk, "size=1,speed=9", "unknown --disk option 'speed'");
}

/* --disk: network disks by URL and by source.*, and what they refuse */
static void test_disk_network(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	const struct vp_disk_spec *d;

	(void)state;
	assert_int_equal(vp_spec_parse_disk(&s, "nbd://127.0.0.1:10809/exp", &err), 0);
	d = &s.disks[0];
	assert_string_equal(d->net_protocol, "nbd");
	assert_string_equal(d->net_host, "127.0.0.1");
	assert_int_equal(d->net_port, 10809);
	assert_string_equal(d->net_name, "exp");
	assert_null(d->path);
	assert_int_equal(vp_spec_parse_disk(&s, "path=iscsi://[fd00::2]/iqn.2013-06.com.example:t/1,device=lun,bus=scsi", &err), 0);
	d = &s.disks[1];
	assert_string_equal(d->net_protocol, "iscsi");
	assert_string_equal(d->net_host, "fd00::2");
	assert_int_equal(d->net_port, 0);
	assert_string_equal(d->net_name, "iqn.2013-06.com.example:t/1");
	assert_int_equal(vp_spec_parse_disk(&s, "nbd://nbd.example.com", &err), 0);
	assert_null(s.disks[2].net_name); /* nbd's default export */
	assert_int_equal(vp_spec_parse_disk(&s, "source.protocol=rbd,source.name=pool/img", &err), 0);
	assert_null(s.disks[3].net_host); /* rbd: the monitors of ceph.conf */
	assert_int_equal(vp_spec_parse_disk(&s, "source.protocol=nbd,source.host.name=h1,source.host.port=10809,source.name=e,format=qcow2", &err), 0);
	assert_string_equal(s.disks[4].format, "qcow2");
	/* an NBD server on a UNIX socket: QEMU's URI (the '=' of its query is
	 * no key's), virt-install's (the path is the socket), source.host.* */
	assert_int_equal(vp_spec_parse_disk(&s, "nbd+unix:///exp?socket=/run/n.sock,readonly=on", &err), 0);
	assert_string_equal(s.disks[5].net_protocol, "nbd");
	assert_string_equal(s.disks[5].net_name, "exp");
	assert_string_equal(s.disks[5].net_socket, "/run/n.sock");
	assert_null(s.disks[5].net_host);
	assert_int_equal(s.disks[5].readonly, VP_YES);
	assert_int_equal(vp_spec_parse_disk(&s, "nbd+unix:///run/n.sock", &err), 0);
	assert_null(s.disks[6].net_name);
	assert_string_equal(s.disks[6].net_socket, "/run/n.sock");
	assert_int_equal(vp_spec_parse_disk(&s, "path=nbd+unix:///?socket=/run/n.sock", &err), 0);
	assert_null(s.disks[7].net_name);
	assert_int_equal(vp_spec_parse_disk(&s, "source.protocol=nbd,source.host.transport=unix,source.host.socket=/s", &err), 0);
	assert_string_equal(s.disks[8].net_socket, "/s");
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_disk, "nbd://h/e,size=1", "a network disk is not a volume");
	expect_error(vp_spec_parse_disk, "nbd://h/e,pool=default", "a network disk is not a volume");
	expect_error(vp_spec_parse_disk, "nbd://h/e,sparse=no", "a network disk is not a volume");
	expect_error(vp_spec_parse_disk, "nbd://h/e,source.host.port=1", "URL or as source.protocol=");
	expect_error(vp_spec_parse_disk, "nbd://h/e,source.protocol=nbd", "URL or as source.protocol=");
	expect_error(vp_spec_parse_disk, "source.protocol=nbd,path=/x/y", "a network disk is not a volume");
	expect_error(vp_spec_parse_disk, "source.name=e,source.host.name=h", "add source.protocol=");
	expect_error(vp_spec_parse_disk, "source.protocol=nbd,source.name=e", "source.host.name=");
	expect_error(vp_spec_parse_disk, "source.protocol=rbd,source.host.port=6789,source.name=p/i", "needs source.host.name=");
	expect_error(vp_spec_parse_disk, "iscsi://127.0.0.1", "IQN/LUN");
	expect_error(vp_spec_parse_disk, "sheepdog://h/v", "protocol");
	expect_error(vp_spec_parse_disk, "gluster+unix:///v/p?socket=/s", "protocol");
	expect_error(vp_spec_parse_disk, "nbd+unix://h/e?socket=/s", "has no host");
	expect_error(vp_spec_parse_disk, "nbd+unix:///e?socket=/s&y=1", "one query is socket=");
	expect_error(vp_spec_parse_disk, "nbd+unix:///e?socket=s", "absolute path");
	expect_error(vp_spec_parse_disk, "nbd+unix:///e?socket=/s#x", "EXPORT?socket=");
	expect_error(vp_spec_parse_disk, "nbd+unix:///e?socket=/s,source.host.socket=/t", "URL or as source.protocol=");
	expect_error(vp_spec_parse_disk, "source.protocol=nbd,source.host.socket=/s,source.host.port=1", "UNIX socket");
	expect_error(vp_spec_parse_disk, "source.protocol=nbd,source.host.transport=unix,source.host.name=h", "goes with source.host.socket=");
	expect_error(vp_spec_parse_disk, "source.protocol=nbd,source.host.transport=tcp,source.host.socket=/s", "goes with source.host.socket=");
	expect_error(vp_spec_parse_disk, "source.host.socket=/s", "add source.protocol=");
	expect_error(vp_spec_parse_disk, "nbd://h:0/e", "source.host.port");
	expect_error(vp_spec_parse_disk, "nbd://h:x/e", "source.host.port");
	expect_error(vp_spec_parse_disk, "nbd://:10809/e", "PROTOCOL://HOST");
	expect_error(vp_spec_parse_disk, "nbd://[::1/e", "[ADDRESS]");
	expect_error(vp_spec_parse_disk, "nbd://a_b/e", "host name");
	expect_error(vp_spec_parse_disk, "rbd://u@mon/p/i", "auth");
	expect_error(vp_spec_parse_disk, "http://h/x?y=1", "query");
	expect_error(vp_spec_parse_disk, "source.protocol=nbd,source.host.name=-h", "host name");
}

/* --network: virt-install's further sub-options and kinds */
static void test_network_more(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	const struct vp_net_spec *n;

	(void)state;
	assert_int_equal(vp_spec_parse_network(&s,
		"type=direct,source=eth0,source.mode=passthrough,mtu.size=9000,link.state=on,"
		"driver.name=vhost,driver.queues=8,boot.order=2,trustGuestRxFilters=yes,"
		"virtualport.type=802.1Qbg,virtualport.parameters.managerid=1,"
		"virtualport.parameters.typeid=2,virtualport.parameters.typeidversion=3,"
		"virtualport.parameters.instanceid=09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f,"
		"rom.bar=off,rom.file=/x.rom,mac.address=52:54:00:00:00:01,model.type=virtio", &err), 0);
	n = &s.nets[0];
	assert_string_equal(n->type, "direct");
	assert_string_equal(n->source, "eth0");
	assert_string_equal(n->source_mode, "passthrough");
	assert_int_equal(n->mtu, 9000);
	assert_string_equal(n->link_state, "up");
	assert_string_equal(n->driver_name, "vhost");
	assert_int_equal(n->queues, 8);
	assert_int_equal(n->boot_order, 2);
	assert_int_equal(n->trust_rx, VP_YES);
	assert_string_equal(n->vport_type, "802.1Qbg");
	assert_string_equal(n->vport_typeid, "2");
	assert_int_equal(n->rom_bar, VP_NO);
	assert_string_equal(n->rom_file, "/x.rom");
	assert_string_equal(n->mac, "52:54:00:00:00:01");
	assert_string_equal(n->model, "virtio");
	assert_int_equal(vp_spec_parse_network(&s, "default", &err), 0);
	assert_string_equal(s.nets[1].type, "default");
	assert_null(s.nets[1].source);
	assert_int_equal(vp_spec_parse_network(&s, "type=default,model=e1000", &err), 0);
	assert_int_equal(vp_spec_parse_network(&s, "network=lab,source.portgroup=pg1,filterref.filter=clean-traffic,target.dev=tap-a", &err), 0);
	n = &s.nets[3];
	assert_string_equal(n->type, "network");
	assert_string_equal(n->source, "lab");
	assert_string_equal(n->portgroup, "pg1");
	assert_string_equal(n->filterref, "clean-traffic");
	assert_string_equal(n->target_dev, "tap-a");
	assert_int_equal(vp_spec_parse_network(&s, "user,mac=RANDOM,link.state=down", &err), 0);
	assert_null(s.nets[4].mac);
	assert_int_equal(vp_spec_parse_network(&s, "type=bridge,source=br0,virtualport.type=openvswitch", &err), 0);
	assert_int_equal(vp_spec_parse_network(&s, "direct,source=eth1", &err), 0);
	assert_string_equal(s.nets[6].type, "direct");
	vp_spec_clear(&s);

	expect_error(vp_spec_parse_network, "type=direct", "type=direct needs source=IFACE");
	expect_error(vp_spec_parse_network, "type=direct,source=eth0,network=x", "one of");
	expect_error(vp_spec_parse_network, "bridge=br0,source=br1", "source= cannot go with it");
	expect_error(vp_spec_parse_network, "default,source=x", "takes no source=");
	expect_error(vp_spec_parse_network, "type=direct,source=averyveryverylongname", "1 to 15 bytes");
	expect_error(vp_spec_parse_network, "type=direct,source=eth0,source.mode=x", "source.mode 'x'");
	expect_error(vp_spec_parse_network, "user,source.mode=vepa", "type=direct");
	expect_error(vp_spec_parse_network, "default,portgroup=x", "network=NAME");
	expect_error(vp_spec_parse_network, "network=a,portgroup=a/b", "portgroup");
	expect_error(vp_spec_parse_network, "user,mtu.size=65536", "mtu.size");
	expect_error(vp_spec_parse_network, "user,mtu.size=1500,model=e1000e", "model=virtio");
	expect_error(vp_spec_parse_network, "user,driver.queues=2,model=rtl8139", "model=virtio");
	expect_error(vp_spec_parse_network, "user,link.state=maybe", "link.state");
	expect_error(vp_spec_parse_network, "user,driver.name=tap", "vhost or qemu");
	expect_error(vp_spec_parse_network, "user,driver.queues=0", "driver.queues");
	expect_error(vp_spec_parse_network, "user,boot.order=x", "boot.order");
	expect_error(vp_spec_parse_network, "bridge=br0,target.dev=macvtap0", "libvirt keeps");
	expect_error(vp_spec_parse_network, "bridge=br0,target.dev=a b", "target.dev");
	expect_error(vp_spec_parse_network, "user,filterref=x", "user networking");
	expect_error(vp_spec_parse_network, "bridge=b,filterref=a b", "filter name");
	expect_error(vp_spec_parse_network, "user,trustGuestRxFilters=yes", "direct");
	expect_error(vp_spec_parse_network, "user,rom.bar=maybe", "rom.bar");
	expect_error(vp_spec_parse_network, "user,rom.file=x.rom", "absolute");
	expect_error(vp_spec_parse_network, "bridge=b,virtualport.type=x", "virtualport.type");
	expect_error(vp_spec_parse_network, "type=direct,source=e,virtualport.type=openvswitch", "802.1Qbg or 802.1Qbh");
	expect_error(vp_spec_parse_network, "type=direct,source=e,virtualport.type=802.1Qbh", "needs profileid");
	expect_error(vp_spec_parse_network, "bridge=b,virtualport.type=midonet", "needs interfaceid");
	expect_error(vp_spec_parse_network, "bridge=b,virtualport.type=midonet,virtualport.parameters.profileid=p,virtualport.parameters.interfaceid=09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f", "takes interfaceid");
	expect_error(vp_spec_parse_network, "bridge=b,virtualport.parameters.typeid=16777216", "typeid");
	expect_error(vp_spec_parse_network, "bridge=b,virtualport.parameters.instanceid=09b11c53", "UUID");
	expect_error(vp_spec_parse_network, "bridge=b,virtualport.parameters.profileid=a.b", "profileid");
	expect_error(vp_spec_parse_network, "user,virtualport.parameters.interfaceid=09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f", "switch port");
	expect_error(vp_spec_parse_network, "user,mac=52:54:00:00:00:01,mac.address=52:54:00:00:00:02", "one setting");
	expect_error(vp_spec_parse_network, "user,model=virtio,model.type=virtio", "one setting");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cloud_init), cmocka_unit_test(test_file_disks),
		cmocka_unit_test(test_disk_keys), cmocka_unit_test(test_disk_none),
		cmocka_unit_test(test_install_options),
		cmocka_unit_test(test_disk_errors), cmocka_unit_test(test_network),
		cmocka_unit_test(test_graphics), cmocka_unit_test(test_boot), cmocka_unit_test(test_join_free_text), cmocka_unit_test(test_boot_firmware), cmocka_unit_test(test_machine), cmocka_unit_test(test_iothreads), cmocka_unit_test(test_boot_index_acpi), cmocka_unit_test(test_cpu_numa), cmocka_unit_test(test_disk_address),
		cmocka_unit_test(test_names), cmocka_unit_test(test_repeated_keys),
		cmocka_unit_test(test_schema_values), cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_disk_more), cmocka_unit_test(test_disk_network),
		cmocka_unit_test(test_network_more),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
