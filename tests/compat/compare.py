#!/usr/bin/env python3
"""tests/compat/compare.py — vprov create --print-xml against virt-install --print-xml.

Every case in cases.py is one command line in virt-install's spelling.  The
same arguments go to `virt-install --print-xml` (Debian's virtinst) and to
`vprov create --print-xml`, both on libvirt's test:///default driver, in
one or both host modes:

  test  the test driver as it is: i686-only capabilities;
  kvm   both tools given the capabilities of a KVM x86_64 host: virt-install
        through its test suite's "magic URI" (__virtinst_test__test:///default,
        caps=FILE,domcaps=FILE,fakeuri=qemu:///system, virtinst/uri.py),
        vprov through $VPROV_TEST_CAPS=FILE (cmd/create.c).

Both documents are flattened into fields (element path with sibling index,
then @attribute or #text: devices/disk[0]/target@bus), what each tool
generates afresh is dropped (IGNORED), attributes libvirt fills in anyway
are dropped when they carry libvirt's default (LIBVIRT_DEFAULTS), and the
rest is compared field by field.  A field that differs fails unless the
case, or GLOBAL_DELIBERATE, lists it as a deliberate difference with the
reason; a deliberate difference that no longer occurs fails too, so the
table stays true.

usage: compare.py VPROV [--case ID]... [--mode test|kvm] [--verbose]
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
sys.path.insert(0, HERE)
import cases  # noqa: E402

CAPS = os.path.abspath(os.path.join(DATA, "caps-x86_64.xml"))
DOMCAPS = os.path.abspath(os.path.join(DATA, "domcaps-kvm-x86_64-q35.xml"))
TEST_URI = "test:///default"
VI_URI = {
    "test": "__virtinst_test__test:///default,predictable,fakeuri=qemu:///system",
    "kvm": "__virtinst_test__test:///default,predictable,caps=%s,domcaps=%s,"
           "fakeuri=qemu:///system" % (CAPS, DOMCAPS),
}

# Fields neither tool can be expected to share: generated afresh per run.
IGNORED = [
    r"^uuid#text$",
    r"^metadata/vm\[0\]",                  # vprov's own metadata element
    r"^devices/serial\[\d+\]/log\[0\]@file$",  # the console log: a generated path
]

# Fields generated afresh unless the command line gives them:
# (field regex, the sub-option that gives them)
IGNORED_UNLESS_GIVEN = [
    (r"^devices/interface\[\d+\]/mac\[0\]@address$", "mac="),  # random MACs
]

# Attributes libvirt fills in with these values when they are absent: one
# tool writing the default out and the other leaving it to libvirt is the
# same domain.  (field regex, default value)
LIBVIRT_DEFAULTS = [
    (r"^(memory|currentMemory)@unit$", "KiB"),
    (r"^vcpu@placement$", "static"),
    (r"^on_poweroff#text$", "destroy"),
    (r"^on_reboot#text$", "restart"),
    (r"^on_crash#text$", "destroy"),
    (r"^cpu@check$", "none"),                 # host-passthrough is never checked
    (r"^cpu@migratable$", "on"),              # libvirt's default for host-passthrough
    (r"^devices/channel\[\d+\]/source\[0\]@mode$", "bind"),  # unix channel: libvirt binds
    (r"^features/hyperv\[0\]@mode$", "custom"),
    # QEMU's only disk driver, and the format it assumes when none is named
    # (libvirt turns format probing off): raw
    (r"^devices/disk\[\d+\]/driver\[0\]@name$", "qemu"),
    (r"^devices/disk\[\d+\]/driver\[0\]@type$", "raw"),
]

# Deliberate differences that hold for every case, with the reason.
# (field regex, modes, reason)
GLOBAL_DELIBERATE = [
    (r"^devices/emulator\[0\]#text$", ("test", "kvm"),
     "vprov leaves <emulator> to libvirt, which takes it from the capabilities "
     "for the domain type and machine, as virt-install's explicit value is"),
    (r"^devices/serial\[0\]", ("test", "kvm"),
     "vprov always gives the VM a serial console on a pty with its output kept "
     "in a log file (README: create); virt-install's bare <console type='pty'/> "
     "is the same serial port, without the log"),
    (r"^devices/console\[0\]/target\[0\]@(type|port)$", ("test", "kvm"),
     "vprov's console is the serial port's, spelled out (virt-install's bare "
     "<console type='pty'/> is libvirt's serial console too)"),
    (r"^features/vmport\[0\]@state$", ("test", "kvm"),
     "vprov turns QEMU's VMware I/O port off on every x86 VM, virt-install only "
     "with SPICE graphics: it serves only VMware tools' pointer, which the USB "
     "tablet (or no pointer at all) replaces"),
    (r"^devices/graphics\[\d+\]/listen\[0\]@type$", ("test", "kvm"),
     "vprov writes VNC's default listen address out (README: default VNC on "
     "127.0.0.1); virt-install leaves it to qemu.conf's vnc_listen, 127.0.0.1 "
     "unless the host changed it", "address"),
    (r"^devices/graphics\[\d+\]/listen\[0\]@address$", ("test", "kvm"),
     "vprov writes VNC's default listen address out (README: default VNC on "
     "127.0.0.1); virt-install leaves it to qemu.conf's vnc_listen, 127.0.0.1 "
     "unless the host changed it", "127.0.0.1"),
    # the test driver's i686-only host
    (r"^os/type\[0\]@machine$", ("test",),
     "vprov's default machine is q35 on every x86 guest (README: --machine); "
     "virt-install picks q35 only for x86_64 and leaves i686 guests on libvirt's "
     "default i440fx", "q35"),
    (r"^devices/controller\[\d+\]@(type|model)$", ("test",),
     "q35's PCIe root: vprov adds pcie-root and 14 root ports for hot-plug with it "
     "(README: modern defaults), which an i440fx machine has no use for"),
    (r"^features/(acpi|apic)\[0\]#present$", ("test",),
     "vprov enables ACPI and the APIC on every x86 guest, which QEMU always "
     "supports; virt-install asks the capabilities, and the test driver's "
     "i686 ones do not offer them", "yes"),
    (r"^features/pae\[0\]#present$", ("test",),
     "libvirt's QEMU driver does not act on <pae/> (PAE comes with the CPU "
     "model); virt-install copies it from the i686 capabilities, vprov does "
     "not write it"),
    (r"^os/bios\[0\]@useserial$", ("test", "kvm"),
     "vprov sends SeaBIOS output to the serial console so the console log shows "
     "the firmware too (README: modern defaults)"),
]


def flatten(elem, prefix, out):
    counts = {}
    for child in elem:
        tag = child.tag.split("}")[-1]
        i = counts.get(tag, 0)
        counts[tag] = i + 1
        path = "%s%s[%d]" % (prefix, tag, i) if prefix else tag
        # top-level singletons read better without [0]
        if not prefix and i == 0 and tag not in ("devices",):
            path = tag
        for k, v in child.attrib.items():
            out["%s@%s" % (path, k.split("}")[-1])] = v
        text = (child.text or "").strip()
        if text:
            out["%s#text" % path] = text
        if len(child) == 0 and not child.attrib and not text:
            out["%s#present" % path] = "yes"
        flatten(child, path + "/", out)


def graphics_fix(fields):
    """libvirt reads <graphics listen='A'> as <listen type='address'
    address='A'/>, and port='-1' as autoport='yes' (a fixed port as
    autoport='no'): spell both tools' graphics the one way."""
    for g in sorted({m.group(0) for m in (re.match(r"^devices/graphics\[\d+\]", k) for k in fields) if m}):
        listen = fields.pop(g + "@listen", None)
        if listen is not None and (g + "/listen[0]@type") not in fields:
            fields[g + "/listen[0]@type"] = "address"
            fields[g + "/listen[0]@address"] = listen
        for port, auto in (("@port", "@autoport"),):
            v = fields.get(g + port)
            if v == "-1":
                del fields[g + port]
                fields.setdefault(g + auto, "yes")
            elif v is not None:
                fields.setdefault(g + auto, "no")
        if fields.get(g + "@tlsPort") == "-1":
            del fields[g + "@tlsPort"]
    return fields


def devices_key_fix(fields):
    """devices[0]/disk[1]/... reads as devices/disk[1]/..."""
    fixed = {}
    for k, v in fields.items():
        fixed[re.sub(r"^devices\[0\]", "devices", k)] = v
    return fixed


def normalize(xml_text, args):
    root = ET.fromstring(xml_text)
    fields = {}
    for k, v in root.attrib.items():
        fields["domain@%s" % k] = v
    flatten(root, "", fields)
    fields = graphics_fix(devices_key_fix(fields))
    out = {}
    for k, v in fields.items():
        if any(re.search(p, k) for p in IGNORED):
            continue
        if any(re.search(p, k) and given not in args for p, given in IGNORED_UNLESS_GIVEN):
            continue
        if any(re.search(p, k) and v == d for p, d in LIBVIRT_DEFAULTS):
            continue
        # libosinfo's element under <metadata>: compared; vprov's: ignored
        out[k] = v
    # a <metadata> left empty once vprov's element is gone
    return {k: v for k, v in out.items() if k != "metadata#present"}


def last_document(text):
    """virt-install and vprov print one document per step: the last is the VM."""
    docs = re.findall(r"<domain[ >].*?</domain>", text, re.S)
    if not docs:
        raise ValueError("no <domain> document in the output")
    return docs[-1]


def run(cmd, env):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


def compare_case(vprov, case, mode, env, log, tmp):
    """Run one case in one mode: (stats or None, failures); log gets the
    deliberate differences met, one line each."""
    def split(line):
        return [a.replace("{tmp}", tmp) for a in shlex.split(line)]

    args = split(case["args"])
    vi_cmd = ["virt-install", "--connect", VI_URI[mode], "--print-xml"] + args
    # vprov's own spelling of the same request, where it differs on purpose
    vp_args = split(case["vprov_args"]) if "vprov_args" in case else args
    vp_cmd = [vprov, "-c", TEST_URI, "create", "--print-xml"] + vp_args
    vp_env = dict(env)
    if mode == "kvm":
        vp_env["VPROV_TEST_CAPS"] = CAPS
    rc, vi_out, vi_err = run(vi_cmd, env)
    if rc != 0:
        return None, ["virt-install failed (exit %d): %s\n    %s" % (rc, vi_err.strip(), shlex.join(vi_cmd))]
    rc, vp_out, vp_err = run(vp_cmd, vp_env)
    if "refused" in case:
        # vprov refuses on purpose what virt-install turns into a document
        if rc == 2 and re.search(case["refused"][0], vp_err) and not vp_out.strip():
            log.append("    deliberate refusal: %s (%s)" % (vp_err.strip(), case["refused"][1]))
            return {"fields": 0, "deliberate": 1, "reasons": {case["refused"][1]}}, []
        return None, ["vprov should refuse with exit 2 and an error matching %r; exit %d: %s\n    %s"
                      % (case["refused"][0], rc, vp_err.strip(), shlex.join(vp_cmd))]
    if rc != 0:
        return None, ["vprov failed (exit %d): %s\n    %s" % (rc, vp_err.strip(), shlex.join(vp_cmd))]
    vi = normalize(last_document(vi_out), case["args"])
    vp = normalize(last_document(vp_out), case["args"])
    deliberate = [(d[0], d[2], d[3] if len(d) > 3 else None) for d in GLOBAL_DELIBERATE if mode in d[1]]
    deliberate += [(d[0], d[2], d[3] if len(d) > 3 else None)
                   for d in case.get("deliberate", ()) if mode in d[1]]
    used = set()
    reasons = set()
    failures = []
    excused = []
    keys = sorted(set(vi) | set(vp))
    for k in keys:
        a, b = vi.get(k), vp.get(k)
        if a == b:
            continue
        # a deliberate difference may pin vprov's value: only that one is excused
        why = next(((p, r) for p, r, want in deliberate
                    if re.search(p, k) and (want is None or b == want)), None)
        if why:
            used.add(why[0])
            reasons.add(why[1])
            excused.append((k, a, b, why[1]))
        else:
            failures.append("%s: virt-install %s, vprov %s" %
                            (k, "<absent>" if a is None else repr(a),
                             "<absent>" if b is None else repr(b)))
    for d in case.get("deliberate", ()):
        if mode in d[1] and d[0] not in used:
            failures.append("deliberate difference %r (%s) no longer occurs: drop it from the table"
                            % (d[0], d[2]))
    for k, a, b, r in excused:
        log.append("    deliberate %s: virt-install %r, vprov %r (%s)" % (k, a, b, r))
    n = len(excused)
    if "vprov_args" in case:
        n += 1  # the spelling is a deliberate difference of its own
        reasons.add(case["spelling"])
        log.append("    deliberate spelling: vprov %s (%s)" % (case["vprov_args"], case["spelling"]))
    stats = {"fields": len(keys), "deliberate": n, "reasons": reasons}
    return stats, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vprov")
    ap.add_argument("--case", action="append", help="run only this case (repeatable)")
    ap.add_argument("--mode", choices=("test", "kvm"), help="run only this host mode")
    ap.add_argument("--verbose", "-v", action="store_true", help="show each deliberate difference")
    opts = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="vprov-compat-")
    env = dict(os.environ)
    # vprov's KVM verdicts, journals and osinfo index stay out of the user's files
    env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    env["XDG_STATE_HOME"] = os.path.join(tmp, "state")
    env["HOME"] = tmp
    env.pop("VPROV_VIRT_TYPE", None)
    env.pop("LIBVIRT_DEFAULT_URI", None)
    env.pop("VPROV_TEST_CAPS", None)

    # files the command lines name as {tmp}/FILE: a kernel, an initrd, an ISO
    for f, size in (("vmlinuz", 4096), ("initrd.img", 4096), ("boot.iso", 64 * 1024)):
        with open(os.path.join(tmp, f), "wb") as fh:
            fh.truncate(size)
    ids = [c["id"] for c in cases.CASES]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        print("compat: duplicate case ids: %s" % ", ".join(dup))
        return 1
    for c in cases.CASES:
        if "vprov_args" in c and not c.get("spelling", "").strip():
            print("compat: case %s: vprov_args needs the reason in 'spelling'" % c["id"])
            return 1
        if "refused" in c and (len(c["refused"]) != 2 or not c["refused"][1].strip()):
            print("compat: case %s: refused is (error regex, reason)" % c["id"])
            return 1
        for d in c.get("deliberate", ()):
            if len(d) not in (3, 4) or not d[2].strip():
                print("compat: case %s: a deliberate difference needs (field, modes, reason[, vprov's value])"
                      % c["id"])
                return 1
    runs = [(c, mode) for c in cases.CASES
            if not opts.case or c["id"] in opts.case
            for mode in ((opts.mode,) if opts.mode else c.get("modes", ("kvm", "test")))]

    def one(run_):
        log = []
        stats, failures = compare_case(opts.vprov, run_[0], run_[1], env, log, tmp)
        return stats, failures, log

    # each case is two processes that mostly wait on Python's start-up: run
    # them side by side, report in the table's order
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as ex:
        results = list(ex.map(one, runs))
    n_fields = n_delib = n_fail = 0
    reasons = set()
    for (c, mode), (stats, failures, log) in zip(runs, results):
        if stats:
            n_fields += stats["fields"]
            n_delib += stats["deliberate"]
            reasons |= stats["reasons"]
        if failures:
            n_fail += 1
            print("FAIL %s [%s]: %s" % (c["id"], mode, c["args"]))
            for f in failures:
                print("    " + f)
        else:
            print("ok   %s [%s]: %d fields, %d deliberate" %
                  (c["id"], mode, stats["fields"], stats["deliberate"]))
        if opts.verbose:
            for line in log:
                print(line)
    n_runs = len(runs)
    subprocess.run(["rm", "-rf", tmp])
    print("compat: %d cases, %d runs (kvm/test host modes), %d fields compared, "
          "%d deliberate differences (%d reasons), %d failed"
          % (len({c["id"] for c, _ in runs}), n_runs, n_fields, n_delib, len(reasons), n_fail))
    if n_runs == 0:
        print("compat: no case ran")
        return 1
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
