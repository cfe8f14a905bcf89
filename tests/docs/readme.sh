#!/usr/bin/env bash
# readme.sh PARLEY SRC -- README.md's examples print what README.md says
# (issue 14, items 1 and 8).  Every fenced code block of SRC/README.md whose
# first line is "$ parley ..." is run: the rest of the line as a bash
# command, with PARLEY as `parley`, in a fresh folder holding a copy of
# SRC/examples and nothing beside it (no ../shared: what a fresh clone has).
# It must exit 0, and its standard output must equal the rest of the block,
# line for line, except:
#   - a line "..." (spaces around it allowed) in the block stands for any
#     number of lines, none included;
#   - a number of seconds ("in 0.1 s") equals any number of seconds.
# On a difference it prints the command and a diff (README's side first).
set -u
parley=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/clone"
ln -s "$(cd "$(dirname "$parley")" && pwd)/$(basename "$parley")" "$tmp/bin/parley"
cp -R "$src/examples" "$tmp/clone/"
find "$tmp/clone" -name '*.sqlite*' -exec rm -f {} +

# Each block to $tmp/block.N: the command on the first line, then the output.
awk -v dir="$tmp" '
  /^```/ { if (inb) { inb = 0; if (f) close(f); f = "" } else { inb = 1; first = 1 } next }
  inb && first { first = 0; if ($0 ~ /^\$ parley /) { f = dir "/block." ++n } }
  inb && f { print > f }
  END { print n + 0 > (dir "/count") }' "$src/README.md"
count=$(cat "$tmp/count")
if [ "$count" -lt 5 ]; then echo "FAIL: only $count '\$ parley' examples found in README.md"; exit 1; fi

# Seconds, any number of them, written the same way on both sides.
seconds() { sed -E 's/(^|[^0-9.])[0-9]+(\.[0-9]+)? s([^[:alnum:](]|$)/\1N s\3/g' "$1"; }
# True when the actual output (file $2) matches the expected one (file $1)
# with "..." lines standing for any lines.
matches() {
  awk 'NR == FNR { e[++ne] = $0; next } { a[++na] = $0 }
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    function at(k, p,   j) {   # segment k (lines s[k]..t[k] of e) at line p of a
      if (p < 1 || p + t[k] - s[k] > na) return 0
      for (j = s[k]; j <= t[k]; j++) if (e[j] != a[p + j - s[k]]) return 0
      return 1
    }
    END {
      nseg = 0; open_start = ne > 0 && trim(e[1]) == "..."; open_end = ne > 0 && trim(e[ne]) == "..."
      for (i = 1; i <= ne; i++) {
        if (trim(e[i]) == "...") continue
        if (i == 1 || trim(e[i - 1]) == "...") s[++nseg] = i
        t[nseg] = i
      }
      if (nseg == 0) exit !(open_start || na == 0)
      p = 1
      for (k = 1; k <= nseg; k++) {
        len = t[k] - s[k] + 1
        if (k == nseg && !open_end) { q = na - len + 1; if (q < p || (k == 1 && !open_start && q != 1) || !at(k, q)) exit 1; exit 0 }
        if (k == 1 && !open_start) { if (!at(k, 1)) exit 1; p = 1 + len; continue }
        for (q = p; q + len - 1 <= na && !at(k, q); q++) ;
        if (q + len - 1 > na) exit 1
        p = q + len
      }
      exit 0
    }' "$1" "$2"
}

fail=0
for i in $(seq 1 "$count"); do
  b=$tmp/block.$i
  cmd=$(head -n 1 "$b"); cmd=${cmd#\$ }
  tail -n +2 "$b" > "$tmp/expected.raw"
  (cd "$tmp/clone" && PATH="$tmp/bin:$PATH" bash -c "$cmd") > "$tmp/actual.raw" 2> "$tmp/stderr" < /dev/null
  rc=$?
  seconds "$tmp/expected.raw" > "$tmp/expected"
  seconds "$tmp/actual.raw" > "$tmp/actual"
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: README example exits $rc: $cmd"; head -c 2000 "$tmp/stderr"; fail=1
  elif ! matches "$tmp/expected" "$tmp/actual"; then
    echo "FAIL: README example prints otherwise: $cmd"
    diff -u --label README.md --label "$cmd" "$tmp/expected" "$tmp/actual" | head -n 80
    fail=1
  else
    echo "ok: $cmd"
  fi
done
exit "$fail"
