#!/usr/bin/env bash
# fuzz/run.sh -- build parley's libFuzzer targets with clang and run them.
#
#   fuzz/run.sh [-t SECONDS] [-r RUNS] [-b BUILD_DIR] [-j JOBS] [-n] [TARGET...]
#
# TARGET is native, rule, genius, geniusweb, ktab, tournament, gmcr (default: every fuzz_*.c;
# with -n, every one built).  Each runs for SECONDS (default 20: CI's smoke) one after the
# other, on one core.  The seed corpora are made afresh in
# BUILD_DIR/corpus-seed/<target> from the examples, the shared data
# (../shared/data, when present) and fuzz/seeds/; what libFuzzer finds is
# kept in BUILD_DIR/corpus/<target> between runs.  Crashes go to
# BUILD_DIR/artifacts/.  Exit status: non-zero when any target finds
# something.  -n: do not (re)build; use the targets already in BUILD_DIR.
# -r RUNS: stop after RUNS inputs with a fixed seed (-seed=1), so the run
# is the same every time; -r 0 replays the seed corpus only (CI's smoke:
# it cannot turn red by chance).
#
# The library itself is built with -fsanitize=fuzzer-no-link so that the
# parsers' coverage guides the fuzzer (the PARLEY_FUZZ option of
# CMakeLists.txt instruments only the fuzz_*.c files by itself).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(dirname "$here")"
secs=20
build="$src/build-fuzz"
jobs=$(nproc 2>/dev/null || echo 2)
build_it=1
runs=""
while getopts "t:r:b:j:n" o; do
  case $o in
    t) secs=$OPTARG ;;
    r) runs=$OPTARG ;;
    b) build=$OPTARG ;;
    j) jobs=$OPTARG ;;
    n) build_it=0 ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
shared="${PARLEY_SHARED_DATA:-$(cd "$src/.." && pwd)/shared/data}"

targets=()
for f in "$src"/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
if [ $build_it = 1 ]; then
echo "== building fuzz targets in $build"
CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARLEY_FUZZ=ON \
  -DBUILD_TESTING=OFF -DPARLEY_BUILD_BENCH=OFF \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
  >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]}" >/dev/null
fi

# --- seed corpora --------------------------------------------------------
seed="$build/corpus-seed"
rm -rf "$seed"
mkdir -p "$seed"/{native,rule,genius,geniusweb,ktab,tournament,gmcr}
for t in native rule genius geniusweb ktab tournament gmcr; do
  [ -d "$here/seeds/$t" ] && cp "$here/seeds/$t"/* "$seed/$t/" 2>/dev/null || true
done
for f in "$src"/examples/*.yaml "$src"/examples/*.json; do
  [ -f "$f" ] && cp "$f" "$seed/native/"
done
for f in "$src"/tests/data/*.gmcr; do  # gmcr-py save files (issue 18)
  [ -f "$f" ] && cp "$f" "$seed/gmcr/"
done
# tournament configurations: the example's, naming the target's own s.yaml
for f in "$src"/examples/tournament*.yaml; do
  [ -f "$f" ] && sed 's/^scenarios:.*/scenarios: [s.yaml]/' "$f" > "$seed/tournament/$(basename "$f")"
done
# red lines written in the examples: "      name: rule" under "red-lines:"
n=0
for f in "$src"/examples/*.yaml; do
  [ -f "$f" ] || continue
  awk '/^ *red-lines:/ {on=1; ind=-1; next}
       on && /^ *#/ {next}
       on { match($0, /^ */); if (ind < 0) ind = RLENGTH;
            if (RLENGTH != ind || $0 !~ /:/) {on=0; next}
            sub(/^ *[^:]*: */, ""); print }' "$f"
done | while IFS= read -r rule; do
  n=$((n + 1)); printf '%s' "$rule" > "$seed/rule/example$n.txt"
done
sep=$'\n#PROFILE#\n'
# GENIUS folders: the domain (an XML file with no <weight), then up to four
# profiles (XML files with weights), joined by the separator fuzz_files.h
# splits at.
if [ -d "$shared/genius" ]; then
  for d in "$shared"/genius/*/; do
    name=$(basename "$d")
    dom="" ; profs=()
    for f in "$d"*.xml; do
      [ -f "$f" ] || continue
      if grep -q "<weight" "$f"; then profs+=("$f"); elif [ -z "$dom" ]; then dom=$f; fi
    done
    if [ -n "$dom" ]; then
      { cat "$dom"; for p in "${profs[@]:0:4}"; do printf '%s' "$sep"; cat "$p"; done; } \
        > "$seed/genius/$name.xml"
    fi
    dom="" ; profs=()
    for f in "$d"*.json; do
      [ -f "$f" ] || continue
      if grep -q "Space\"" "$f"; then profs+=("$f"); elif [ -z "$dom" ] && grep -q issuesValues "$f"; then dom=$f; fi
    done
    if [ -n "$dom" ]; then
      { cat "$dom"; for p in "${profs[@]:0:4}"; do printf '%s' "$sep"; cat "$p"; done; } \
        > "$seed/geniusweb/$name.json"
    fi
  done
  if [ -d "$shared/ktab" ]; then
    find "$shared/ktab" -type f \( -name '*.csv' -o -name '*.xml' \) -size -256k \
      -exec cp {} "$seed/ktab/" \; 2>/dev/null || true
  fi
else
  echo "note: $shared is missing; seeding from the examples and fuzz/seeds only"
fi

# --- run -------------------------------------------------------------------
if [ $# -eq 0 ]; then
  for t in "${targets[@]}"; do [ -x "$build/$t" ] && set -- "$@" "${t#fuzz_}"; done
fi
mkdir -p "$build/artifacts"
status=0
for t in "$@"; do
  bin="$build/fuzz_$t"
  [ -x "$bin" ] || { echo "no target fuzz_$t"; status=1; continue; }
  mkdir -p "$build/corpus/$t"
  limit=(-max_total_time="$secs")
  [ -n "$runs" ] && limit=(-runs="$runs" -seed=1)
  if [ -n "$runs" ]; then what="$runs runs after the seeds, seed 1"; else what="${secs}s"; fi
  echo "== fuzz_$t: $what ($(ls "$seed/$t" | wc -l) seeds)"
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$bin" "$build/corpus/$t" "$seed/$t" "${limit[@]}" -rss_limit_mb=2048 -timeout=10 \
      -max_len=262144 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
      > "$build/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t FOUND SOMETHING: see $build/fuzz_$t.log and $build/artifacts/"
    tail -n 60 "$build/fuzz_$t.log"
    status=1
  else
    grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/fuzz_$t.log" || true
  fi
done
exit $status
