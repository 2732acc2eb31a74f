/* tests/unit/test_domain_xml.c — the domain XML builder against golden
 * files in tests/data, each also valid against libvirt's schema.
 * VP_UPDATE_GOLDEN=1 rewrites the golden files (then review the diff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "cleanup.h"
#include "golden.h"
#include "domain_xml.h"
#include "metadata.h"
#include "schema.h"
#include "storage.h"
#include "units.h"
#include "xmlutil.h"

/* A resolved spec as vp_domain_plan would leave it: a q35 KVM guest with
 * one new 20 GiB disk in pool default. */
static void base_spec(struct vp_domain_spec *s, const char *name)
{
	struct vp_disk_spec *d;

	memset(s, 0, sizeof(*s));
	s->name = vp_strdup(name);
	s->uuid = vp_strdup("0f5d1a39-3e8d-4c6f-9a0b-6a1c2d3e4f50");
	s->memory = 2 * VP_GiB;
	s->vcpus = 2;
	s->virt_type = vp_strdup("kvm");
	s->arch = vp_strdup("x86_64");
	s->machine = vp_strdup("q35");
	s->x86 = s->q35 = true;
	s->cpu_mode = vp_strdup("host-passthrough");
	s->console_log = vp_strdup_printf("/var/log/libvirt/qemu/%s-console.log", name);
	s->spec_hash = vp_strdup("4f2c6a1b3d5e7f9081a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708");
	s->graphics.type = vp_strdup("vnc");
	s->boot.devs[s->boot.n_devs++] = vp_strdup("hd");
	d = vp_spec_add_disk(s);
	d->bus = vp_strdup("virtio");
	d->target = vp_strdup("vda");
	d->src.type = vp_strdup("file");
	d->src.path = vp_strdup_printf("/var/lib/libvirt/images/%s.qcow2", name);
	d->src.pool = vp_strdup("default");
	d->src.volume = vp_strdup_printf("%s.qcow2", name);
	d->src.format = vp_strdup("qcow2");
	d->src.capacity = 20 * VP_GiB;
	d->src.create = true;
}

/* Build, validate against domain.rng, compare to the golden file. */
static void check(const struct vp_domain_spec *s, const char *golden_name)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_error err = { 0 };
	char *xml;

	if (vp_domain_build_xml(s, &doc, &err) < 0)
		fail_msg("build failed: %s", err.msg);
	if (vp_schema_validate(VP_SCHEMA_DOMAIN, doc, &err) < 0)
		fail_msg("%s: %s", golden_name, err.msg);
	xml = vp_xml_format(doc);
	golden(golden_name, xml);
	free(xml);
}

static void test_q35_kvm_default(void **state)
{
	struct vp_domain_spec s;
	struct vp_net_spec *n;

	(void)state;
	base_spec(&s, "web1");
	n = vp_spec_add_net(&s);
	n->type = vp_strdup("network");
	n->source = vp_strdup("default");
	check(&s, "q35-kvm-default.xml");
	vp_spec_clear(&s);
}

static void test_qemu_kernel_boot(void **state)
{
	struct vp_domain_spec s;
	size_t i;

	(void)state;
	base_spec(&s, "k1");
	vp_set_str(&s.virt_type, "qemu");
	vp_set_str(&s.cpu_mode, "maximum");
	for (i = 0; i < s.n_disks; i++)
		vp_disk_spec_clear(&s.disks[i]);
	s.n_disks = 0;
	vp_set_str(&s.graphics.type, "none");
	for (i = 0; i < s.boot.n_devs; i++)
		free(s.boot.devs[i]);
	s.boot.n_devs = 0;
	s.boot.kernel = vp_strdup("/boot/vmlinuz-6.1.0-amd64");
	s.boot.initrd = vp_strdup("/boot/initrd.img-6.1.0-amd64");
	/* hostile text stays text */
	s.boot.cmdline = vp_strdup("console=ttyS0 x=\"a'/><evil/>&amp;\" ]]>");
	check(&s, "qemu-kernel-boot.xml");
	vp_spec_clear(&s);
}

static void test_devices(void **state)
{
	struct vp_domain_spec s;
	struct vp_disk_spec *d;
	struct vp_net_spec *n;

	(void)state;
	base_spec(&s, "lab1");
	s.disks[0].cache = vp_strdup("none");
	d = vp_spec_add_disk(&s);
	d->bus = vp_strdup("sata");
	d->target = vp_strdup("sda");
	d->src.type = vp_strdup("file");
	d->src.path = vp_strdup("/srv/images/data.raw");
	d->src.pool = vp_strdup("srv");
	d->src.volume = vp_strdup("data.raw");
	d->src.format = vp_strdup("raw");
	d = vp_spec_add_disk(&s);
	d->bus = vp_strdup("scsi");
	d->target = vp_strdup("sdb");
	d->readonly = VP_YES;
	d->src.type = vp_strdup("block");
	d->src.path = vp_strdup("/dev/vg0/lab1-data");
	d->src.pool = vp_strdup("vg0");
	d->src.volume = vp_strdup("lab1-data");
	d->src.format = vp_strdup("raw");
	d->src.create = true;
	d->src.capacity = VP_GiB;
	d = vp_spec_add_disk(&s);
	d->device = vp_strdup("cdrom");
	d->bus = vp_strdup("sata");
	d->target = vp_strdup("sdc");
	d->src.type = vp_strdup("file");
	d->src.path = vp_strdup("/srv/iso/debian-12.iso");
	d->src.format = vp_strdup("raw");
	d = vp_spec_add_disk(&s);
	d->bus = vp_strdup("virtio");
	d->target = vp_strdup("vdb");
	d->src.type = vp_strdup("volume");
	d->src.pool = vp_strdup("ceph");
	d->src.volume = vp_strdup("lab1-db");
	d->src.format = vp_strdup("raw");
	n = vp_spec_add_net(&s);
	n->type = vp_strdup("network");
	n->source = vp_strdup("default");
	n->mac = vp_strdup("52:54:00:12:34:56");
	n = vp_spec_add_net(&s);
	n->type = vp_strdup("bridge");
	n->source = vp_strdup("br0");
	n->model = vp_strdup("e1000e");
	n = vp_spec_add_net(&s);
	n->type = vp_strdup("user");
	vp_set_str(&s.graphics.type, "spice");
	s.graphics.listen = vp_strdup("0.0.0.0");
	s.graphics.port = 5901;
	free(s.boot.devs[0]);
	s.boot.devs[0] = vp_strdup("cdrom");
	s.boot.devs[s.boot.n_devs++] = vp_strdup("hd");
	check(&s, "devices.xml");
	vp_spec_clear(&s);
}

static void test_pc_uefi(void **state)
{
	struct vp_domain_spec s;

	(void)state;
	base_spec(&s, "legacy");
	vp_set_str(&s.machine, "pc");
	s.q35 = false;
	s.boot.uefi = VP_YES;
	check(&s, "pc-uefi.xml");
	vp_spec_clear(&s);
}

static void test_aarch64(void **state)
{
	struct vp_domain_spec s;

	(void)state;
	base_spec(&s, "arm1");
	vp_set_str(&s.arch, "aarch64");
	vp_set_str(&s.machine, "virt");
	vp_set_str(&s.virt_type, "qemu");
	free(s.cpu_mode);
	s.cpu_mode = NULL;
	s.x86 = s.q35 = false;
	s.boot.uefi = VP_YES;
	vp_set_str(&s.graphics.type, "none");
	check(&s, "aarch64-virt.xml");
	vp_spec_clear(&s);
}

static void test_linked_clone(void **state)
{
	struct vp_domain_spec s;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_meta meta = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	base_spec(&s, "clone1");
	s.disks[0].src.backing_path = vp_strdup("/var/lib/libvirt/images/base.qcow2");
	s.disks[0].src.backing_format = vp_strdup("qcow2");
	s.disks[0].src.backing_pool = vp_strdup("default");
	s.disks[0].src.backing_volume = vp_strdup("base.qcow2");
	check(&s, "linked-clone.xml");

	/* what the builder records, the reader reads back */
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	assert_int_equal(vp_meta_read(doc, &meta, &err), 0);
	assert_true(meta.present);
	assert_string_equal(meta.spec_hash, s.spec_hash);
	assert_int_equal(meta.n_vols, 2);
	assert_string_equal(meta.vols[0].role, "disk");
	assert_true(meta.vols[0].owned);
	assert_string_equal(meta.vols[0].path, "/var/lib/libvirt/images/clone1.qcow2");
	assert_string_equal(meta.vols[1].role, "backing");
	assert_false(meta.vols[1].owned);
	assert_string_equal(meta.vols[1].name, "base.qcow2");
	vp_meta_clear(&meta);
	vp_spec_clear(&s);
}

/* Metacharacters in any value come back out as the same text and never
 * add an element or attribute. */
static char *node_count(const char *name, const char *path)
{
	struct vp_domain_spec s;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr back = NULL;
	_cleanup_(freep) char *xml = NULL;
	struct vp_error err = { 0 };
	char *count;

	base_spec(&s, "x");
	vp_set_str(&s.name, name);
	vp_set_str(&s.disks[0].src.path, path);
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	xml = vp_xml_format(doc);
	assert_int_equal(vp_xml_parse(xml, "output", &back, &err), 0);
	count = vp_xml_xpath_string(back, "string(count(//*) + count(//@*))", NULL, NULL);
	vp_spec_clear(&s);
	return count;
}

static void test_hostile_values(void **state)
{
	_cleanup_(freep) char *benign = node_count("x", "/x");
	static const char *const evil[] = {
		"a'/><x", "a\"/><devices><disk/></devices>", "&amp;&lt;", "<!-- -->", "]]>",
		"a&b<c>d", "<![CDATA[x]]>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		struct vp_domain_spec s;
		_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
		_cleanup_(xmlFreeDocp) xmlDocPtr back = NULL;
		_cleanup_(freep) char *xml = NULL;
		_cleanup_(freep) char *name = NULL;
		_cleanup_(freep) char *path = NULL;
		_cleanup_(freep) char *count = NULL;
		struct vp_error err = { 0 };

		base_spec(&s, "x");
		vp_set_str(&s.name, evil[i]);
		vp_set_str(&s.disks[0].src.path, evil[i]);
		assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
		xml = vp_xml_format(doc);
		assert_int_equal(vp_xml_parse(xml, "output", &back, &err), 0);
		name = vp_xml_xpath_string(back, "string(/domain/name)", NULL, NULL);
		path = vp_xml_xpath_string(back, "string(/domain/devices/disk/source/@file)", NULL, NULL);
		count = vp_xml_xpath_string(back, "string(count(//*) + count(//@*))", NULL, NULL);
		assert_string_equal(name, evil[i]);
		assert_string_equal(path, evil[i]);
		assert_string_equal(count, benign);
		vp_spec_clear(&s);
	}
}

static void test_unresolved_is_refused(void **state)
{
	struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	xmlDocPtr doc = NULL;

	(void)state;
	s.name = vp_strdup("x");
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), -1);
	assert_null(doc);
	assert_non_null(strstr(err.msg, "not resolved"));
	vp_spec_clear(&s);
}

static char *xpath_str(xmlDocPtr doc, const char *expr)
{
	return vp_xml_xpath_string(doc, expr, NULL, NULL);
}

/* The install run and the final VM: one spec, two documents. */
static void test_install_run(void **state)
{
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_disk_spec *d;
	xmlDocPtr inst = NULL, fin = NULL;
	char *v;

	(void)state;
	base_spec(&s, "deb1");
	s.install.run = true;
	s.install.kernel = vp_strdup("/var/lib/libvirt/images/deb1-install-kernel");
	s.install.initrd = vp_strdup("/var/lib/libvirt/images/deb1-install-initrd");
	s.install.kernel_pool = vp_strdup("default");
	s.install.kernel_vol = vp_strdup("deb1-install-kernel");
	s.install.initrd_pool = vp_strdup("default");
	s.install.initrd_vol = vp_strdup("deb1-install-initrd");
	s.install.cmdline = vp_strdup("auto=true console=ttyS0,115200n8");
	d = vp_spec_add_disk(&s);
	d->device = vp_strdup("cdrom");
	d->bus = vp_strdup("sata");
	d->target = vp_strdup("sda");
	d->install_media = true;
	d->src.type = vp_strdup("file");
	d->src.path = vp_strdup("/srv/iso/debian-12.iso");
	d->src.format = vp_strdup("raw");
	assert_int_equal(vp_domain_build_install_xml(&s, &inst, &err), 0);
	assert_int_equal(vp_schema_validate(VP_SCHEMA_DOMAIN, inst, &err), 0);
	assert_int_equal(vp_domain_build_xml(&s, &fin, &err), 0);
	assert_int_equal(vp_schema_validate(VP_SCHEMA_DOMAIN, fin, &err), 0);
	/* the install run boots the installer and ends at its reboot */
	v = xpath_str(inst, "string(/domain/os/kernel)");
	assert_string_equal(v, "/var/lib/libvirt/images/deb1-install-kernel");
	free(v);
	v = xpath_str(inst, "string(/domain/os/cmdline)");
	assert_string_equal(v, "auto=true console=ttyS0,115200n8");
	free(v);
	v = xpath_str(inst, "string(/domain/on_reboot)");
	assert_string_equal(v, "destroy");
	free(v);
	v = xpath_str(inst, "string(/domain/devices/disk[@device='cdrom']/source/@file)");
	assert_string_equal(v, "/srv/iso/debian-12.iso");
	free(v);
	/* the final VM boots its disk, the ISO ejected */
	v = xpath_str(fin, "string(/domain/os/kernel)");
	assert_null(v);
	v = xpath_str(fin, "string(/domain/os/boot/@dev)");
	assert_string_equal(v, "hd");
	free(v);
	v = xpath_str(fin, "string(/domain/on_reboot)");
	assert_string_equal(v, "restart");
	free(v);
	v = xpath_str(fin, "string(count(/domain/devices/disk[@device='cdrom']/source))");
	assert_string_equal(v, "0");
	free(v);
	/* both record the installer's volumes as the VM's own */
	v = xpath_str(fin, "string(//*[local-name()='volume'][@role='kernel']/@owned)");
	assert_string_equal(v, "yes");
	free(v);
	v = xpath_str(fin, "string(//*[local-name()='volume'][@role='initrd']/@name)");
	assert_string_equal(v, "deb1-install-initrd");
	free(v);
	xmlFreeDoc(inst);
	xmlFreeDoc(fin);
	vp_spec_clear(&s);
}

static void test_volume_xml(void **state)
{
	struct vp_volume_request plain = { .name = "web1.qcow2", .capacity = 20 * VP_GiB,
					   .format = "qcow2", .sparse = true };
	struct vp_volume_request clone = { .name = "c1.qcow2", .capacity = 4 * VP_GiB,
					   .format = "qcow2", .sparse = true,
					   .backing_path = "/var/lib/libvirt/images/base.qcow2",
					   .backing_format = "qcow2" };
	struct vp_volume_request raw = { .name = "d.img", .capacity = VP_GiB, .format = "raw",
					 .sparse = false };
	struct vp_error err = { 0 };
	char *a, *b, *c, *all;
	xmlDocPtr doc;

	(void)state;
	assert_int_equal(vp_volume_build_xml(&plain, &doc, &err), 0);
	a = vp_xml_format(doc);
	xmlFreeDoc(doc);
	assert_int_equal(vp_volume_build_xml(&clone, &doc, &err), 0);
	b = vp_xml_format(doc);
	xmlFreeDoc(doc);
	assert_int_equal(vp_volume_build_xml(&raw, &doc, &err), 0);
	c = vp_xml_format(doc);
	xmlFreeDoc(doc);
	all = vp_strdup_printf("%s%s%s", a, b, c);
	golden("volumes.xml", all);
	free(a);
	free(b);
	free(c);
	free(all);
}

/* the virtio RNG: the template's (from /dev/urandom), or none (a profile
 * whose OS has no driver for it); --rng's own source is an xmlopts row
 * (tests/unit/test_xmlopts.c) */
static void test_rng(void **state)
{
	struct vp_domain_spec s;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc2 = NULL;
	struct vp_error err = { 0 };
	char *xml;

	(void)state;
	base_spec(&s, "rng1");
	s.dev.rng = VP_YES;
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	xml = vp_xml_format(doc);
	assert_non_null(strstr(xml, "<backend model=\"random\">/dev/urandom</backend>"));
	free(xml);
	vp_spec_clear(&s);

	base_spec(&s, "rng2");
	s.dev.rng = VP_NO;
	assert_int_equal(vp_domain_build_xml(&s, &doc2, &err), 0);
	xml = vp_xml_format(doc2);
	assert_null(strstr(xml, "<rng"));
	free(xml);
	vp_spec_clear(&s);
}

/* --disk and --network sub-options as the builder writes them, the
 * per-device boot orders replacing <os><boot dev>, and the discard/cache
 * defaults of each kind of disk */
static void test_disk_net_options(void **state)
{
	struct vp_domain_spec s;
	struct vp_disk_spec *d;
	struct vp_net_spec *n;

	(void)state;
	base_spec(&s, "opt1");
	d = &s.disks[0];
	d->io = vp_strdup("io_uring");
	d->detect_zeroes = vp_strdup("unmap");
	d->error_policy = vp_strdup("enospace");
	d->queues = 4;
	d->serial = vp_strdup("OPT-1");
	d->boot_order = 2;
	/* fully allocated: keeps its allocation (no discard) */
	d = vp_spec_add_disk(&s);
	d->bus = vp_strdup("scsi");
	d->target = vp_strdup("sda");
	d->sparse = VP_NO;
	d->shareable = VP_YES;
	d->wwn = vp_strdup("0x5000c50015ea71ac");
	d->src.type = vp_strdup("file");
	d->src.path = vp_strdup("/var/lib/libvirt/images/opt1-shared.img");
	d->src.pool = vp_strdup("default");
	d->src.volume = vp_strdup("opt1-shared.img");
	d->src.format = vp_strdup("raw");
	d->src.capacity = VP_GiB;
	d->src.create = true;
	/* an existing block device: cache=none, native I/O, discard */
	d = vp_spec_add_disk(&s);
	d->bus = vp_strdup("virtio");
	d->target = vp_strdup("vdb");
	d->src.type = vp_strdup("block");
	d->src.path = vp_strdup("/dev/vg0/data");
	d->src.format = vp_strdup("raw");
	/* a network disk, read-only */
	d = vp_spec_add_disk(&s);
	d->bus = vp_strdup("virtio");
	d->target = vp_strdup("vdc");
	d->readonly = VP_YES;
	d->net_protocol = vp_strdup("nbd");
	d->net_host = vp_strdup("127.0.0.1");
	d->net_port = 10809;
	d->net_name = vp_strdup("exp");
	d->src.type = vp_strdup("network");
	d->src.format = vp_strdup("raw");
	d = vp_spec_add_disk(&s);
	d->device = vp_strdup("floppy");
	d->bus = vp_strdup("fdc");
	d->target = vp_strdup("fda");
	d->src.type = vp_strdup("file");
	d->src.path = vp_strdup("/srv/floppy.img");
	d->src.format = vp_strdup("raw");
	n = vp_spec_add_net(&s);
	n->type = vp_strdup("direct");
	n->source = vp_strdup("eth0");
	n->source_mode = vp_strdup("bridge");
	n->mtu = 9000;
	n->link_state = vp_strdup("down");
	n->driver_name = vp_strdup("vhost");
	n->queues = 2;
	n->trust_rx = VP_YES;
	n->boot_order = 1;
	n->vport_type = vp_strdup("802.1Qbh");
	n->vport_profileid = vp_strdup("finance");
	n = vp_spec_add_net(&s);
	n->type = vp_strdup("network");
	n->source = vp_strdup("default");
	n->portgroup = vp_strdup("eng");
	n->target_dev = vp_strdup("opt1-tap");
	n->filterref = vp_strdup("clean-traffic");
	n->rom_bar = VP_NO;
	n->vport_interfaceid = vp_strdup("09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
	check(&s, "disk-net-options.xml");
	vp_spec_clear(&s);
}

/* The install run boots its ISO first even where the disks have their own
 * boot orders: the ISO takes order 1, the others move one down */
static void test_install_boot_orders(void **state)
{
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	struct vp_disk_spec *d;
	xmlDocPtr inst = NULL, fin = NULL;
	char *v;

	(void)state;
	base_spec(&s, "ord1");
	s.disks[0].boot_order = 1;
	s.install.run = true;
	d = vp_spec_add_disk(&s);
	d->device = vp_strdup("cdrom");
	d->bus = vp_strdup("sata");
	d->target = vp_strdup("sda");
	d->install_media = true;
	d->src.type = vp_strdup("file");
	d->src.path = vp_strdup("/srv/iso/debian-12.iso");
	d->src.format = vp_strdup("raw");
	assert_int_equal(vp_domain_build_install_xml(&s, &inst, &err), 0);
	assert_int_equal(vp_schema_validate(VP_SCHEMA_DOMAIN, inst, &err), 0);
	assert_int_equal(vp_domain_build_xml(&s, &fin, &err), 0);
	v = xpath_str(inst, "string(count(/domain/os/boot))");
	assert_string_equal(v, "0");
	free(v);
	v = xpath_str(inst, "string(/domain/devices/disk[@device='cdrom']/boot/@order)");
	assert_string_equal(v, "1");
	free(v);
	v = xpath_str(inst, "string(/domain/devices/disk[@device='disk']/boot/@order)");
	assert_string_equal(v, "2");
	free(v);
	/* the final VM: the disk's own order, no <os><boot> */
	v = xpath_str(fin, "string(/domain/devices/disk[@device='disk']/boot/@order)");
	assert_string_equal(v, "1");
	free(v);
	v = xpath_str(fin, "string(count(/domain/devices/disk[@device='cdrom']/boot))");
	assert_string_equal(v, "0");
	free(v);
	v = xpath_str(fin, "string(count(/domain/os/boot))");
	assert_string_equal(v, "0");
	free(v);
	xmlFreeDoc(inst);
	xmlFreeDoc(fin);
	vp_spec_clear(&s);
}

/* Part B: the user's --cpu replaces vprov's; hotpluggable vCPUs and
 * memory; the topology; a NUMA cell with maxMemory; --boot's BIOS items. */
static void expect_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	_cleanup_(freep) char *v = xpath_str(doc, expr);

	if (!v || strcmp(v, want))
		fail_msg("%s is '%s', wanted '%s'", expr, v ? v : "(none)", want);
}

static void test_machine(void **state)
{
	struct vp_domain_spec s;
	struct vp_error err = { 0 };
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	_cleanup_(xmlFreeDocp) xmlDocPtr doc2 = NULL;

	(void)state;
	base_spec(&s, "m1");
	s.vcpus = 2;
	s.mach.vcpus_max = 8;
	s.mach.sockets = 2;
	s.mach.dies = 1;
	s.mach.cores = 4;
	s.mach.threads = 1;
	s.mach.mem_current = 1 * VP_GiB;
	s.mach.mem_hotplug = 8 * VP_GiB;
	s.mach.mem_slots = 4;
	s.mach.iothreads = 2;
	s.mach.iothread_ids = vp_grow(NULL, 1, sizeof(*s.mach.iothread_ids));
	s.mach.iothread_ids[0] = (struct vp_iothread_id){ .id = 5, .pool_max = vp_strdup("4") };
	s.mach.n_iothread_ids = 1;
	s.mach.defio_pool_min = vp_strdup("1");
	s.disks[0].iothread = 5;
	s.disks[0].addr.type = vp_strdup("pci");
	s.disks[0].addr.v[VP_ADDR_SLOT] = 9;
	s.disks[0].addr.v[VP_ADDR_FUNCTION] = 0;
	s.disks[0].addr.set = (1u << VP_ADDR_SLOT) | (1u << VP_ADDR_FUNCTION);
	s.disks[0].addr.multifunction = VP_YES;
	s.mach.cpu_mode = vp_strdup("custom");
	s.mach.cpu_model = vp_strdup("Haswell");
	s.mach.cpu_match = vp_strdup("exact");
	vp_strings_add(&s.mach.cpu_features, &s.mach.n_cpu_features, vp_strdup("require:vmx"));
	s.mach.useserial = VP_NO;
	s.mach.reboot_timeout = vp_strdup("0");
	s.mach.bootmenu_timeout = vp_strdup("500");
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	expect_xpath(doc, "string(/domain/vcpu)", "8");
	expect_xpath(doc, "string(/domain/vcpu/@current)", "2");
	expect_xpath(doc, "string(/domain/vcpu/following-sibling::*[1][self::iothreads])", "2");
	expect_xpath(doc, "string(/domain/iothreads/following-sibling::*[1][self::iothreadids]/iothread/@id)", "5");
	expect_xpath(doc, "string(/domain/iothreadids/iothread/@thread_pool_max)", "4");
	expect_xpath(doc, "string(count(/domain/iothreadids/iothread/@thread_pool_min))", "0");
	expect_xpath(doc, "string(/domain/iothreadids/following-sibling::*[1][self::defaultiothread]/@thread_pool_min)", "1");
	expect_xpath(doc, "string(count(/domain/defaultiothread/@thread_pool_max))", "0");
	expect_xpath(doc, "string(/domain/devices/disk[1]/driver/@iothread)", "5");
	expect_xpath(doc, "string(/domain/devices/disk[1]/address/@type)", "pci");
	expect_xpath(doc, "string(/domain/devices/disk[1]/address/@slot)", "9");
	expect_xpath(doc, "string(/domain/devices/disk[1]/address/@function)", "0");
	expect_xpath(doc, "string(/domain/devices/disk[1]/address/@multifunction)", "on");
	expect_xpath(doc, "string(count(/domain/devices/disk[1]/address/@bus))", "0");
	expect_xpath(doc, "string(/domain/currentMemory)", "1048576");
	expect_xpath(doc, "string(/domain/memory)", "2097152");
	expect_xpath(doc, "string(/domain/maxMemory)", "8388608");
	expect_xpath(doc, "string(/domain/maxMemory/@slots)", "4");
	/* the user's CPU, none of vprov's attributes */
	expect_xpath(doc, "string(/domain/cpu/@mode)", "custom");
	expect_xpath(doc, "string(count(/domain/cpu/@check))", "0");
	expect_xpath(doc, "string(/domain/cpu/model)", "Haswell");
	expect_xpath(doc, "string(/domain/cpu/topology/@cores)", "4");
	expect_xpath(doc, "string(/domain/cpu/feature[@name='vmx']/@policy)", "require");
	expect_xpath(doc, "string(/domain/cpu/numa/cell/@cpus)", "0-7");
	expect_xpath(doc, "string(/domain/cpu/numa/cell/@memory)", "2097152");
	/* useserial=off: the bios element only for the reboot timeout */
	expect_xpath(doc, "string(count(/domain/os/bios/@useserial))", "0");
	expect_xpath(doc, "string(/domain/os/bios/@rebootTimeout)", "0");
	expect_xpath(doc, "string(/domain/os/bootmenu/@enable)", "yes");
	/* vprov's own CPU stays with a topology alone */
	vp_machine_spec_clear(&s.mach);
	s.mach.sockets = 1;
	s.mach.dies = 1;
	s.mach.cores = 2;
	s.mach.threads = 1;
	assert_int_equal(vp_domain_build_xml(&s, &doc2, &err), 0);
	expect_xpath(doc2, "string(/domain/cpu/@mode)", "host-passthrough");
	expect_xpath(doc2, "string(/domain/cpu/@check)", "none");
	expect_xpath(doc2, "string(/domain/cpu/topology/@cores)", "2");
	expect_xpath(doc2, "string(/domain/vcpu)", "2");
	expect_xpath(doc2, "string(count(/domain/vcpu/@current))", "0");
	expect_xpath(doc2, "string(/domain/os/bios/@useserial)", "yes");
	vp_spec_clear(&s);
}

/* --cpu numa.cellN.*: the user's cells replace the one vprov adds for maxMemory */
/* --boot kernel=K,hd: the device list beside the kernel; acpi.table= */
static void test_kernel_devs_acpi(void **state)
{
	_cleanup_(vp_spec_clear) struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	(void)state;
	base_spec(&s, "k1");
	s.boot.kernel = vp_strdup("/boot/vmlinuz"); /* base_spec's list is hd */
	s.mach.acpi_table = vp_strdup("/srv/slic.bin");
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	expect_xpath(doc, "string(/domain/os/kernel)", "/boot/vmlinuz");
	expect_xpath(doc, "string(/domain/os/boot/@dev)", "hd");
	expect_xpath(doc, "string(/domain/os/acpi/table)", "/srv/slic.bin");
	expect_xpath(doc, "string(/domain/os/acpi/table/@type)", "slic");
	expect_xpath(doc, "string(count(/domain/os/acpi/following-sibling::boot))", "1");
}

/* nbd+unix://: an NBD server on the host's UNIX socket */
static void test_nbd_unix(void **state)
{
	_cleanup_(vp_spec_clear) struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vp_disk_spec *d;

	(void)state;
	base_spec(&s, "u1");
	d = vp_spec_add_disk(&s);
	d->bus = vp_strdup("virtio");
	d->target = vp_strdup("vdb");
	d->net_protocol = vp_strdup("nbd");
	d->net_socket = vp_strdup("/run/nbd.sock");
	d->net_name = vp_strdup("exp");
	d->src.type = vp_strdup("network");
	d->src.format = vp_strdup("raw");
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	assert_int_equal(vp_schema_validate(VP_SCHEMA_DOMAIN, doc, &err), 0);
	expect_xpath(doc, "string(/domain/devices/disk[2]/@type)", "network");
	expect_xpath(doc, "string(/domain/devices/disk[2]/source/@protocol)", "nbd");
	expect_xpath(doc, "string(/domain/devices/disk[2]/source/@name)", "exp");
	expect_xpath(doc, "string(/domain/devices/disk[2]/source/host/@transport)", "unix");
	expect_xpath(doc, "string(/domain/devices/disk[2]/source/host/@socket)", "/run/nbd.sock");
	expect_xpath(doc, "string(count(/domain/devices/disk[2]/source/host/@name))", "0");
}

static void test_numa_cells(void **state)
{
	_cleanup_(vp_spec_clear) struct vp_domain_spec s = { 0 };
	struct vp_error err = { 0 };
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;

	(void)state;
	base_spec(&s, "n1");
	s.vcpus = 2;
	s.memory = 2 * VP_GiB;
	s.mach.mem_hotplug = 8 * VP_GiB;
	s.mach.cpu_mode = vp_strdup("host-model");
	s.mach.cells = vp_grow(NULL, 2, sizeof(*s.mach.cells));
	memset(s.mach.cells, 0, 2 * sizeof(*s.mach.cells));
	s.mach.n_cells = 2;
	s.mach.cells[0] = (struct vp_numa_cell){ .id = -1, .cpus = vp_strdup("0"), .memory = VP_GiB,
						 .mem_access = vp_strdup("shared"), .discard = VP_YES };
	s.mach.cells[0].sib_ids = vp_grow(NULL, 2, sizeof(unsigned));
	s.mach.cells[0].sib_values = vp_grow(NULL, 2, sizeof(unsigned));
	s.mach.cells[0].sib_ids[0] = 0;
	s.mach.cells[0].sib_values[0] = 10;
	s.mach.cells[0].sib_ids[1] = 1;
	s.mach.cells[0].sib_values[1] = 30;
	s.mach.cells[0].n_sib = 2;
	s.mach.cells[1] = (struct vp_numa_cell){ .id = 1, .cpus = vp_strdup("1"), .memory = VP_GiB,
						 .mem_given = vp_strdup("1"), .unit = vp_strdup("GiB") };
	assert_int_equal(vp_domain_build_xml(&s, &doc, &err), 0);
	expect_xpath(doc, "string(count(/domain/cpu/numa/cell))", "2");
	expect_xpath(doc, "string(count(/domain/cpu/numa/cell[1]/@id))", "0");
	expect_xpath(doc, "string(/domain/cpu/numa/cell[1]/@memory)", "1048576");
	expect_xpath(doc, "string(count(/domain/cpu/numa/cell[1]/@unit))", "0");
	expect_xpath(doc, "string(/domain/cpu/numa/cell[1]/@memAccess)", "shared");
	expect_xpath(doc, "string(/domain/cpu/numa/cell[1]/@discard)", "yes");
	expect_xpath(doc, "string(/domain/cpu/numa/cell[1]/distances/sibling[2]/@value)", "30");
	expect_xpath(doc, "string(/domain/cpu/numa/cell[2]/@id)", "1");
	expect_xpath(doc, "string(/domain/cpu/numa/cell[2]/@memory)", "1");
	expect_xpath(doc, "string(/domain/cpu/numa/cell[2]/@unit)", "GiB");
	expect_xpath(doc, "string(/domain/maxMemory)", "8388608");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q35_kvm_default), cmocka_unit_test(test_qemu_kernel_boot),
		cmocka_unit_test(test_devices),         cmocka_unit_test(test_rng), cmocka_unit_test(test_machine), cmocka_unit_test(test_numa_cells), cmocka_unit_test(test_kernel_devs_acpi), cmocka_unit_test(test_nbd_unix),         cmocka_unit_test(test_pc_uefi),
		cmocka_unit_test(test_aarch64),         cmocka_unit_test(test_linked_clone),
		cmocka_unit_test(test_hostile_values),  cmocka_unit_test(test_unresolved_is_refused),
		cmocka_unit_test(test_volume_xml),      cmocka_unit_test(test_install_run),
		cmocka_unit_test(test_disk_net_options), cmocka_unit_test(test_install_boot_orders),
	};

	vp_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
