#!/usr/bin/env bash
# tool.sh PREFIX -- the parley tool as installed under PREFIX (run.sh calls
# it after `cmake --install`): man pages, `parley help`, completions, docs.
# Needs groff (Debian: groff-base, in scripts/install-deps.sh) to render
# the pages; man(1) too when it is there.
set -eu
prefix=$1
parley=$prefix/bin/parley
man1=$prefix/share/man/man1
docdir=$prefix/share/doc/parley
fail() { echo "FAIL: $*"; exit 1; }

# The commands, as `parley --help` lists them.
cmds=$("$parley" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on { exit }')
n=$(echo "$cmds" | wc -w)
[ "$n" -ge 9 ] || fail "only $n commands in 'parley --help'"
for c in info analyze redlines whatif negotiate tournament forecast report convert; do
  echo "$cmds" | grep -qx "$c" || fail "'parley --help' does not list $c"
done

# Words of a text, one a line, lower case, without a trailing colon; the
# help's "Usage:" is the page's SYNOPSIS.
words() { tr -s '[:space:]' '\n' | sed 's/:$//' | tr '[:upper:]' '[:lower:]' | grep -v '^$' | grep -vx 'usage' || true; }
# True when the words of file $1 appear in file $2 in the same order.
in_order() { awk 'NR == FNR { w[++n] = $0; next } i < n && $0 == w[i + 1] { i++ } END { exit i < n }' "$1" "$2"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check_page() { # NAME HELP-ARGS...
  local name=$1; shift
  local page=$man1/$name.1
  [ -f "$page" ] || fail "no man page $page"
  groff -man -Tutf8 -ww -z "$page" 2> "$tmp/warn" || fail "groff failed on $name.1"
  [ ! -s "$tmp/warn" ] || { cat "$tmp/warn"; fail "groff warns on $name.1"; }
  if command -v man >/dev/null && man --version >/dev/null 2>&1; then
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" > "$tmp/man.txt" 2> "$tmp/warn" || fail "man -l failed on $name.1"
    [ ! -s "$tmp/warn" ] || { cat "$tmp/warn"; fail "man warns on $name.1"; }
    grep -q "^NAME" "$tmp/man.txt" || fail "man -l $name.1 shows no NAME section"
  fi
  # The page says what --help says, word for word, in the same order.
  "$parley" "$@" --help | words > "$tmp/help.words"
  groff -man -Tutf8 -P-cbou -rLL=400n "$page" 2>/dev/null | words > "$tmp/page.words"
  in_order "$tmp/help.words" "$tmp/page.words" || fail "$name.1 does not hold the text of 'parley $* --help'"
}
check_page parley
for c in $cmds; do
  check_page "parley-$c" "$c"
  "$parley" help "$c" | cmp -s - <("$parley" "$c" --help) || fail "'parley help $c' differs from 'parley $c --help'"
done
"$parley" help | cmp -s - <("$parley" --help) || fail "'parley help' differs from 'parley --help'"

# bash: the commands, an option of one command, the words an option takes.
bashc=$prefix/share/bash-completion/completions/parley
[ -f "$bashc" ] || fail "no bash completion at $bashc"
complete_bash() { # the words offered after "parley ARGS..." (the last one being typed)
  bash -c 'source "$1"; shift; COMP_WORDS=(parley "$@"); COMP_CWORD=$#; _parley; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$bashc" "$@"
}
got=$(complete_bash "")
for c in $cmds help; do echo "$got" | grep -qx "$c" || fail "bash completion of 'parley ' lacks $c"; done
[ "$(complete_bash an)" = analyze ] || fail "bash completion of 'parley an' is not analyze: $(complete_bash an)"
[ "$(complete_bash analyze --exit)" = --exit-code ] || fail "bash completion of 'parley analyze --exit' is not --exit-code"
complete_bash forecast --js | grep -qx -- --json || fail "bash completion of 'parley forecast --js' lacks --json"
complete_bash analyze --kalai "" | grep -qx genius || fail "bash completion of 'parley analyze --kalai ' lacks genius"
[ "$(complete_bash help redl)" = redlines ] || fail "bash completion of 'parley help redl' is not redlines"
(cd "$docdir" && [ "$(complete_bash info examples/abu-dhabi-2026.)" = examples/abu-dhabi-2026.yaml ]) \
  || fail "bash completion of 'parley info examples/abu-dhabi-2026.' is not the file"

# zsh: installed where zsh looks (site-functions), and valid zsh when zsh is here.
zshc=$prefix/share/zsh/site-functions/_parley
[ -f "$zshc" ] || fail "no zsh completion at $zshc"
head -n 1 "$zshc" | grep -qx '#compdef parley' || fail "$zshc does not start with #compdef parley"
if command -v zsh >/dev/null; then zsh -n "$zshc" || fail "$zshc is not valid zsh"; fi

# The documentation, laid out as in the source tree.
for f in README.md docs/cli.md docs/scenario-format.md examples/abu-dhabi-2026.yaml; do
  [ -f "$docdir/$f" ] || fail "no $docdir/$f"
done
echo "ok: man pages, parley help, bash and zsh completions, documentation"
