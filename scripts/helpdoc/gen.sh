#!/bin/sh
# gen.sh PARLEY OUTDIR DOCDIR -- the man pages and the shell completions of
# the parley tool, from the tool's own help texts, so that they say what
# `parley COMMAND --help` says (CMakeLists.txt runs it after building parley).
# Writes
#   OUTDIR/man1/parley.1, OUTDIR/man1/parley-COMMAND.1   one page per command
#                                                        of `parley --help`
#   OUTDIR/parley.bash                                   bash completion
#   OUTDIR/_parley                                       zsh completion
# DOCDIR is where the documentation is installed (named in SEE ALSO).
# parse.awk reads a help text into records; man.awk, options.awk, bash.awk
# (with complete.bash, the hand-written half of the bash completion)
# and zsh.awk write from them.
set -eu
parley=$1
out=$2
docdir=$3
here=$(dirname "$0")
version=$("$parley" --version)
mkdir -p "$out/man1"
rm -f "$out"/man1/*.1
records=$out/records.txt
tmp=$out/records.tmp

"$parley" --help | awk -f "$here/parse.awk" > "$tmp"
commands=$(awk -F '\t' '$1 == "head" { h = $2 } $1 == "item" && h == "Commands" { print $2 }' "$tmp")
[ -n "$commands" ] || { echo "gen.sh: no commands in 'parley --help'" >&2; exit 1; }
see=""
for c in $commands; do see="$see${see:+, }parley-$c(1)"; done
awk -f "$here/man.awk" -v name=parley -v version="$version" -v docdir="$docdir" -v see="$see" \
    -v summary="analyse negotiations among several parties over several issues" \
    "$tmp" > "$out/man1/parley.1"
printf 'command\t\n' > "$records"
cat "$tmp" >> "$records"

for c in $commands; do
    summary=$(awk -F '\t' -v c="$c" '$1 == "head" { h = $2 } $1 == "item" && h == "Commands" && $2 == c { print $3 }' "$records")
    "$parley" "$c" --help | awk -f "$here/parse.awk" > "$tmp"
    awk -f "$here/man.awk" -v name="parley-$c" -v version="$version" -v docdir="$docdir" \
        -v see="parley(1)" -v summary="$summary" "$tmp" > "$out/man1/parley-$c.1"
    printf 'command\t%s\n' "$c" >> "$records"
    cat "$tmp" >> "$records"
done
rm -f "$tmp"

{ awk -f "$here/options.awk" -f "$here/bash.awk" "$records"; cat "$here/complete.bash"; } > "$out/parley.bash"
awk -f "$here/options.awk" -f "$here/zsh.awk" "$records" > "$out/_parley"
