"""tests/compat/cases_cmdline.py — the command-level pieces of virt-install's
command line: --xml edits, -c as --cdrom, names picked after the OS
profile, --check (helper D of issue 12)."""

from cases import K, NOD, NOI

CASES = [
    # --xml XPATH=VALUE: edits of the final document, in order
    {"id": "xml-attr", "args": "--name c1 --osinfo debian11 --xml ./@foo=bar " + NOD},
    {"id": "xml-disk-serial",
     "args": "--name c1 --osinfo debian11 --disk size=8 --xml ./devices/disk[1]/serial=abc " + NOI},
    {"id": "xml-set-text", "args": "--name c1 --osinfo debian11 --xml xpath.set=./description=hello " + NOD},
    {"id": "xml-set-value",
     "args": "--name c1 --osinfo debian11 --xml xpath.set=./title,xpath.value=a=b " + NOD},
    {"id": "xml-comma-in-value",
     "args": "--name c1 --osinfo debian11 --xml ./description=one,two " + NOD},
    {"id": "xml-create", "args": "--name c1 --osinfo debian11 --xml xpath.create=./features/hap " + NOD},
    {"id": "xml-create-path",
     "args": "--name c1 --osinfo debian11 --xml xpath.create=./devices/disk[1]/shareable "
             "--disk size=8 " + NOI},
    {"id": "xml-delete", "args": "--name c1 --osinfo debian11 --xml xpath.delete=./on_crash " + NOD},
    {"id": "xml-condition", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8 --cdrom {tmp}/boot.iso "
             "--xml ./devices/disk[@device='disk']/serial=d1 --network none --graphics none"},
    {"id": "xml-in-order",
     "args": "--name c1 --osinfo debian11 --xml ./description=first --xml ./description=second "
             "--xml ./devices/memballoon/@autodeflate=on " + NOD},
    {"id": "xml-clear",
     "args": "--name c1 --osinfo debian11 --xml ./description=x --xml ./description= " + NOD},
    {"id": "xml-absolute", "args": "--name c1 --osinfo debian11 --xml /domain/@foo=bar " + NOD},
    # -c is --cdrom in virt-install (on a KVM x86_64 host only, as cases.py's
    # cdrom: the test driver's i686 host puts virt-install's CD on IDE)
    {"id": "cdrom-short-c", "modes": K,
     "args": "--name c1 --osinfo debian11 -c {tmp}/boot.iso --disk size=8 --network none --graphics none"},
    {"id": "cdrom-long", "modes": K,
     "args": "--name c1 --osinfo debian11 --cdrom {tmp}/boot.iso --disk size=8 --network none --graphics none"},
    # no name: one after the OS profile
    {"id": "name-from-profile", "args": "--osinfo debian11 " + NOD},
    {"id": "name-from-profile-ubuntu", "args": "--osinfo ubuntu22.04 " + NOD},
    {"id": "name-from-profile-c", "modes": K, "args": "--osinfo debian11 -c {tmp}/boot.iso --disk size=8 "
                                          "--network none --graphics none"},
    # --check: nothing on this host fails a check, so the document is the same
    {"id": "check-all-off", "args": "--name c1 --osinfo debian11 --check all=off " + NOD},
    {"id": "check-path-in-use-off",
     "args": "--name c1 --osinfo debian11 --disk size=8 --check path_in_use=off " + NOI},
    {"id": "check-disk-size-off",
     "args": "--name c1 --osinfo debian11 --disk size=8 --check disk_size=off " + NOI},
    {"id": "check-mac-in-use-off",
     "args": "--name c1 --osinfo debian11 --disk none --graphics none "
             "--network network=default,mac=52:54:00:12:34:56 --check mac_in_use=off"},
    {"id": "check-two", "args": "--name c1 --osinfo debian11 --check path_in_use=off,mac_in_use=off "
                                "--check disk_size=off " + NOD},
]
