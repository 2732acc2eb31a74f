/* tests/unit/test_reinstall.c — the install run's document of a reinstall
 * (vp_reinstall_edit, reinstall.h): what the VM's definition becomes */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cleanup.h"
#include "reinstall.h"
#include "xmlutil.h"

/* q35, a disk, a NIC, a kernel of its own, no on_reboot */
#define Q35 "<domain type='kvm'><name>a</name>" \
	    "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>" \
	    "<kernel>/boot/own</kernel><cmdline>root=/dev/vda</cmdline><boot dev='hd'/>" \
	    "<bios useserial='yes'/></os>" \
	    "<on_poweroff>destroy</on_poweroff><on_crash>destroy</on_crash>" \
	    "<devices><disk type='file' device='disk'><source file='/d.qcow2'/>" \
	    "<target dev='vda' bus='virtio'/></disk>" \
	    "<interface type='network'><source network='default'/></interface>" \
	    "<serial type='pty'/></devices></domain>"

/* i440fx, per-device boot orders, a cdrom of its own, on_reboot restart */
#define PC "<domain type='kvm'><name>b</name>" \
	   "<os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>" \
	   "<on_reboot>restart</on_reboot>" \
	   "<devices><disk type='file' device='disk'><source file='/d.img'/>" \
	   "<target dev='hda' bus='ide'/><boot order='1'/></disk>" \
	   "<disk type='volume' device='cdrom'><driver name='qemu' type='qcow2'/>" \
	   "<source pool='p' volume='v'/><target dev='hdc' bus='ide'/><readonly/></disk>" \
	   "<interface type='network'><source network='default'/><boot order='2'/></interface>" \
	   "</devices></domain>"

/* The document after the edit, on one line; NULL when it failed. */
static char *edit(const char *xml, const struct vp_reinstall_boot *b, struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlBufferPtr buf;
	char *out;

	assert_int_equal(vp_xml_parse(xml, "test", &doc, err), 0);
	if (vp_reinstall_edit(doc, b, err) < 0)
		return NULL;
	buf = xmlBufferCreate();
	xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, 0);
	out = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return out;
}

static void has(const char *out, const char *want)
{
	if (!strstr(out, want))
		fail_msg("'%s' lacks '%s'", out, want);
}

static void lacks(const char *out, const char *absent)
{
	if (strstr(out, absent))
		fail_msg("'%s' holds '%s'", out, absent);
}

static void test_kernel(void **state)
{
	struct vp_reinstall_boot b = { .kernel = "/p/k", .initrd = "/p/i", .cmdline = "console=ttyS0" };
	struct vp_error err = { 0 };
	char *out = edit(Q35, &b, &err);

	(void)state;
	assert_non_null(out);
	/* the VM's own kernel and boot order give way; the bios stays after */
	has(out, "<os><type arch=\"x86_64\" machine=\"pc-q35-7.2\">hvm</type>"
		 "<kernel>/p/k</kernel><initrd>/p/i</initrd><cmdline>console=ttyS0</cmdline>"
		 "<bios useserial=\"yes\"/></os>");
	lacks(out, "/boot/own");
	lacks(out, "root=/dev/vda");
	lacks(out, "<boot ");
	/* the installer's reboot ends the run: added where missing */
	has(out, "<on_reboot>destroy</on_reboot><on_crash>");
	/* no device is added or changed */
	lacks(out, "cdrom");
	has(out, "<source file=\"/d.qcow2\"/>");
	free(out);
}

static void test_new_cdrom(void **state)
{
	struct vp_reinstall_boot b = { .media = "/isos/inst.iso" };
	struct vp_error err = { 0 };
	char *out = edit(Q35, &b, &err);

	(void)state;
	assert_non_null(out);
	/* a q35 machine: a SATA cdrom after the disks */
	has(out, "<target dev=\"vda\" bus=\"virtio\"/></disk>"
		 "<disk type=\"file\" device=\"cdrom\"><driver name=\"qemu\" type=\"raw\"/>"
		 "<source file=\"/isos/inst.iso\"/><target dev=\"sda\" bus=\"sata\"/><readonly/></disk>"
		 "<interface");
	/* a cdrom install boots the ISO, then the disk; not the VM's kernel */
	has(out, "<boot dev=\"cdrom\"/><boot dev=\"hd\"/><bios");
	lacks(out, "<kernel>");
	lacks(out, "<cmdline>");
	free(out);
}

static void test_own_cdrom_orders(void **state)
{
	struct vp_reinstall_boot b = { .media = "/dev/sr0", .media_block = true };
	struct vp_error err = { 0 };
	char *out = edit(PC, &b, &err);

	(void)state;
	assert_non_null(out);
	/* the VM's cdrom gets the ISO (a block device here), raw */
	has(out, "<disk type=\"block\" device=\"cdrom\"><driver name=\"qemu\" type=\"raw\"/>"
		 "<source dev=\"/dev/sr0\"/><target dev=\"hdc\" bus=\"ide\"/>");
	lacks(out, "volume=");
	/* per-device orders: the ISO first, the others one down, no <os><boot> */
	has(out, "<target dev=\"hda\" bus=\"ide\"/><boot order=\"2\"/>");
	has(out, "<readonly/><boot order=\"1\"/></disk>");
	has(out, "<source network=\"default\"/><boot order=\"3\"/>");
	lacks(out, "<boot dev=");
	has(out, "<on_reboot>destroy</on_reboot>");
	lacks(out, "restart");
	free(out);
}

static void test_pxe(void **state)
{
	struct vp_reinstall_boot b = { .pxe = true };
	struct vp_error err = { 0 };
	char *out = edit(Q35, &b, &err);

	(void)state;
	assert_non_null(out);
	has(out, "<boot dev=\"network\"/><boot dev=\"hd\"/>");
	lacks(out, "<kernel>");
	free(out);
	/* per-device orders: the first interface first */
	out = edit(PC, &b, &err);
	assert_non_null(out);
	has(out, "<source network=\"default\"/><boot order=\"1\"/>");
	has(out, "<target dev=\"hda\" bus=\"ide\"/><boot order=\"2\"/>");
	/* its own cdrom stays as it is */
	has(out, "<source pool=\"p\" volume=\"v\"/>");
	free(out);
}

static void test_new_cdrom_pc(void **state)
{
	const char *xml = "<domain type='kvm'><name>c</name>"
			  "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
			  "<devices><disk type='file' device='disk'><source file='/d'/>"
			  "<target dev='hda' bus='ide'/></disk><serial type='pty'/></devices></domain>";
	struct vp_reinstall_boot b = { .media = "/i.iso" };
	struct vp_error err = { 0 };
	char *out = edit(xml, &b, &err);

	(void)state;
	assert_non_null(out);
	/* IDE on i440fx, past the names taken */
	has(out, "<target dev=\"hdb\" bus=\"ide\"/>");
	free(out);
}

static void test_refusals(void **state)
{
	const char *nonic = "<domain type='kvm'><name>c</name><os><type>hvm</type></os>"
			    "<devices><disk type='file' device='disk'><source file='/d'/>"
			    "<target dev='vda' bus='virtio'/></disk></devices></domain>";
	struct vp_reinstall_boot pxe = { .pxe = true }, none = { 0 };
	struct vp_error err = { 0 };

	(void)state;
	assert_null(edit(nonic, &pxe, &err));
	assert_int_equal(err.code, VP_ERR_INVALID);
	assert_non_null(strstr(err.msg, "no network interface"));
	memset(&err, 0, sizeof(err));
	assert_null(edit(Q35, &none, &err));
	assert_non_null(strstr(err.msg, "needs an install method"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_new_cdrom),
		cmocka_unit_test(test_own_cdrom_orders),
		cmocka_unit_test(test_pxe),
		cmocka_unit_test(test_new_cdrom_pc),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
