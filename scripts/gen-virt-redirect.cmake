# From the X(...) list in provision/virt.h, write virt-redirect.h: one
# "#define virXxx (vp_lv.virXxx)" per libvirt function vprov calls.
# cmake -DIN=provision/virt.h -DOUT=virt-redirect.h -P gen-virt-redirect.cmake
file(READ "${IN}" text)
string(REGEX MATCHALL "X\\(vir[A-Za-z0-9]+\\)" calls "${text}")
set(body "/* generated from provision/virt.h by scripts/gen-virt-redirect.cmake */\n")
foreach(c ${calls})
  string(REGEX REPLACE "X\\((vir[A-Za-z0-9]+)\\)" "\\1" name "${c}")
  string(APPEND body "#define ${name} (vp_lv.${name})\n")
endforeach()
string(APPEND body "#define virConnectAuthPtrDefault (*vp_lv.auth_default)\n")
file(WRITE "${OUT}.tmp" "${body}")
file(RENAME "${OUT}.tmp" "${OUT}")
