#!/usr/bin/env bash
# Installs the build into a temporary prefix with `cmake --install`, then
# builds a small program against the installed library with pkg-config,
# statically and dynamically, and runs both on a bundled example; then
# checks what makes the tool an installed tool (issue 14, item 9): a man
# page per command that renders without a warning and holds the text of
# `parley COMMAND --help`, `parley help COMMAND`, the bash and zsh
# completions, and the documentation.
set -eu
build=$1
src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > "$prefix/install.log"
test -f "$prefix/include/parley/parley.h"
test -x "$prefix/bin/parley"
libdir=$(ls -d "$prefix"/lib* | head -n 1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
pkg-config --exists parley
cc=${CC:-cc}
# shared
$cc -std=c11 -o "$prefix/demo" "$src/tests/install/demo.c" $(pkg-config --cflags --libs parley)
LD_LIBRARY_PATH="$libdir" "$prefix/demo" "$src/examples/abu-dhabi-2026.yaml" | grep -q "Abu Dhabi: 5 parties, 6 issues, 810 outcomes"
# static
$cc -std=c11 -o "$prefix/demo-static" "$src/tests/install/demo.c" $(pkg-config --cflags parley) \
  "$libdir/libparley.a" $(pkg-config --libs --static parley | sed 's/-lparley//')
"$prefix/demo-static" "$src/examples/abu-dhabi-2026.yaml" | grep -q "Abu Dhabi: 5 parties, 6 issues, 810 outcomes"
"$prefix/bin/parley" --version | grep -q "^parley "
bash "$src/tests/install/tool.sh" "$prefix"
echo "ok: installed, pkg-config, shared and static programs run"
