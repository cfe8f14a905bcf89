# Turns the console page (IN) into a C file (OUT) defining
#   const unsigned char parley_console_html[];  const size_t parley_console_html_len;
# so that `parley serve` carries its page inside the binary (no file read at run time).
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR n "${nhex} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* Generated from web/console.html by web/embed.cmake: do not edit. */\n#include <stddef.h>\nextern const unsigned char parley_console_html[];\nextern const size_t parley_console_html_len;\nconst unsigned char parley_console_html[] = {\n${body}0};\nconst size_t parley_console_html_len = ${n};\n")
