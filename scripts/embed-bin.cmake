# Turn a binary file into a C source: const unsigned char NAME[] and
# const size_t NAME_len.
# cmake -DOUT=file.c -DNAME=vp_x -DFILE=x.bin -P embed-bin.cmake
file(READ "${FILE}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
set(body "/* generated from ${FILE} by scripts/embed-bin.cmake; do not edit */\n#include <stddef.h>\n")
string(APPEND body "const unsigned char ${NAME}[] = {${bytes}};\nconst size_t ${NAME}_len = ${len};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(RENAME "${OUT}.tmp" "${OUT}")
