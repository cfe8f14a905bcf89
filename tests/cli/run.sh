#!/usr/bin/env bash
# Runs one golden CLI case: tests/cli/NAME.case, a bash file that sets
#   args=(...)            the arguments after `parley`
#   exit_code=N           the expected exit status (default 0)
#   stdout_has=(...)      fixed strings that must appear on stdout
#   stderr_has=(...)      fixed strings that must appear on stderr
#   stdout_lacks=(...)    fixed strings that must not appear on stdout
#   golden=FILE           stdout must equal tests/cli/FILE byte for byte
#   check                 optional function run afterwards (fails the case
#                         on non-zero); $out, $err, $work are set
#   needs_shared=1        skip (exit 77, ctest's SKIP_RETURN_CODE, with a
#                         message) when shared data is absent
# It runs from the source tree; $work is a fresh temporary folder, $PARLEY
# the binary, $SHARED the shared data folder.
set -u
PARLEY=$1
case_file=$2
SHARED=${PARLEY_SHARED_DATA:-}
cd "${PARLEY_SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=() exit_code=0 stdout_has=() stderr_has=() stdout_lacks=() golden="" needs_shared=0
# shellcheck source=/dev/null
source "$case_file"
if [ "$needs_shared" = 1 ] && [ ! -d "$SHARED/genius" ]; then
  echo "SKIP: shared data not found at '$SHARED' (needs ../shared/data beside the repository)"
  exit 77
fi
out="$work/stdout" err="$work/stderr"
"$PARLEY" "${args[@]}" >"$out" 2>"$err" </dev/null
rc=$?
fail=0
if [ "$rc" -ne "$exit_code" ]; then echo "FAIL: exit status $rc, expected $exit_code"; fail=1; fi
for s in "${stdout_has[@]}"; do grep -qF -- "$s" "$out" || { echo "FAIL: stdout lacks: $s"; fail=1; }; done
for s in "${stdout_lacks[@]}"; do ! grep -qF -- "$s" "$out" || { echo "FAIL: stdout has: $s"; fail=1; }; done
for s in "${stderr_has[@]}"; do grep -qF -- "$s" "$err" || { echo "FAIL: stderr lacks: $s"; fail=1; }; done
if [ -n "$golden" ] && ! diff -u "tests/cli/$golden" "$out"; then echo "FAIL: stdout differs from $golden"; fail=1; fi
if declare -F check >/dev/null; then check || { echo "FAIL: check"; fail=1; }; fi
if [ "$fail" -ne 0 ]; then
  echo "--- command: parley ${args[*]}"; echo "--- stdout:"; head -c 4000 "$out"; echo "--- stderr:"; head -c 4000 "$err"
  exit 1
fi
echo "ok: parley ${args[*]}"
