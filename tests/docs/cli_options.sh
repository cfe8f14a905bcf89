#!/usr/bin/env bash
# cli_options.sh PARLEY SRC -- docs/cli.md documents every command of
# `parley --help`, each in a section "## `parley COMMAND`" that names every
# option (and subcommand) of `parley COMMAND --help` (issue 14, item 8);
# -h and --help, common to all, are named once, before the sections.
# The options are read from the help texts as the completions read them
# (scripts/helpdoc/parse.awk and options.awk).
set -u
parley=$1
src=$2
doc=$src/docs/cli.md
helpdoc=$src/scripts/helpdoc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  printf 'command\t\n'; "$parley" --help | awk -f "$helpdoc/parse.awk"
  for c in $("$parley" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on { exit }'); do
    printf 'command\t%s\n' "$c"; "$parley" "$c" --help | awk -f "$helpdoc/parse.awk"
  done
} > "$tmp/records"
awk -f "$helpdoc/options.awk" -f "$helpdoc/list.awk" "$tmp/records" > "$tmp/list"
[ "$(cut -f 1 "$tmp/list" | sort -u | wc -l)" -ge 9 ] || { echo "FAIL: fewer than 9 commands read from the help"; exit 1; }

# The text of section "## `parley C`" of docs/cli.md, up to the next "## ".
section() { awk -v h="## \`parley $1\`" '$0 == h { on = 1; next } on && /^## / { exit } on' "$doc"; }
fail=0
awk '/^## / { exit } { print }' "$doc" | grep -q -- '--help' || { echo "FAIL: docs/cli.md does not name --help before its sections"; fail=1; }
for c in $(cut -f 1 "$tmp/list" | uniq); do
  section "$c" > "$tmp/section"
  if [ ! -s "$tmp/section" ]; then echo "FAIL: docs/cli.md has no section '## \`parley $c\`'"; fail=1; continue; fi
  for o in $(awk -F '\t' -v c="$c" '$1 == c { print $2 }' "$tmp/list"); do
    case $o in -h|--help) continue ;; esac
    # the name whole: not followed by a letter, digit or '-'
    grep -qE -- "(^|[^-[:alnum:]])$o([^-[:alnum:]]|\$)" "$tmp/section" \
      || { echo "FAIL: docs/cli.md, section parley $c, does not name $o"; fail=1; }
  done
done
[ "$fail" -eq 0 ] && echo "ok: docs/cli.md names every command and option of --help"
exit "$fail"
