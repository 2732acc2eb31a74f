/* scripts/empty.c — the one source of the layer link checks (CMakeLists.txt):
 * each layer's archive is linked whole into a shared object next to it. */
int vp_linkcheck_empty;
