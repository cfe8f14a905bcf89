#!/usr/bin/env bash
# MPI equivalence: `mpirun -n R parley-mpi tournament` for R = 1..4 gives a
# store equal, row for row, to the single-process `parley tournament` run;
# and a resumed MPI run (after a partial shard) adds exactly what is missing.
#   usage: mpi_equivalence.sh PARLEY PARLEY_MPI SOURCE_DIR
# Exit 77 (skipped) when mpirun or parley-mpi is not there.
set -u
PARLEY=$1
PMPI=$2
SRC=$3
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found (apt-get install openmpi-bin)"; exit 77; }
[ -x "$PMPI" ] || { echo "SKIP: $PMPI not built (needs MPI)"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/t.yaml" <<YAML
parley-tournament: 1
seed: 21
protocol: multilateral
rounds: 80
repetitions: 3
scenarios: [$SRC/examples/buyer-seller.yaml, $SRC/examples/coalition.yaml]
strategies: [boulware, linear, conceder, micro, frequency-nash]
YAML
"$PARLEY" tournament "$work/t.yaml" --threads 2 --store "$work/single.sqlite" --quiet || {
  echo "FAIL: the single-process run failed"; exit 1; }
same() {
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys
def rows(p):
    c = sqlite3.connect(p)
    return (c.execute("select * from sessions order by id").fetchall(),
            c.execute("select * from seats order by session, seat").fetchall())
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert len(a[0]) == 5 * 5 * (2 + 3) * 3, len(a[0])
assert a == b, "stores differ"
PY
}
mpi() { mpirun --allow-run-as-root --oversubscribe "$@"; }
for r in 1 2 3 4; do
  mpi -n "$r" "$PMPI" tournament "$work/t.yaml" --store "$work/mpi$r.sqlite" --quiet || {
    echo "FAIL: mpirun -n $r failed"; exit 1; }
  same "$work/single.sqlite" "$work/mpi$r.sqlite" || { echo "FAIL: $r ranks differ from one process"; exit 1; }
  echo "ok: $r rank(s) = single process"
done
# resume under MPI: shard 1/3 first, then the whole
mpi -n 2 "$PMPI" tournament "$work/t.yaml" --shard 1/3 --store "$work/res.sqlite" --quiet || exit 1
mpi -n 3 "$PMPI" tournament "$work/t.yaml" --store "$work/res.sqlite" --json >"$work/res.json" || exit 1
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['sessions']==375, d['sessions']" "$work/res.json" || {
  echo "FAIL: --json after resume"; exit 1; }
same "$work/single.sqlite" "$work/res.sqlite" || { echo "FAIL: resumed MPI run differs"; exit 1; }
echo "ok: resumed MPI run = single process"
# issue 20, item 6: rank 0 holds the store's lock; a job on a store that a
# running `parley tournament` writes is refused at once, naming it, and
# every rank ends (no rank waits for work that never comes)
# shellcheck source=/dev/null
source "$SRC/tests/tournament/slow_scenario.sh"
slow_scenario "$work/mid.yaml"
printf 'parley-tournament: 1\nseed: 1\nrounds: 40\nscenarios: [mid.yaml]\nstrategies: [hardliner, nice-tit-for-tat]\n' \
  >"$work/slow.yaml"
"$PARLEY" tournament "$work/slow.yaml" --threads 1 --store "$work/busy.sqlite" --quiet \
  >/dev/null 2>&1 </dev/null &
held=$!
for _ in $(seq 1 400); do grep -qF "pid $held " "$work/busy.sqlite.lock" 2>/dev/null && break; sleep 0.05; done
timeout 60 mpirun --allow-run-as-root --oversubscribe -n 2 "$PMPI" tournament "$work/slow.yaml" \
  --store "$work/busy.sqlite" --quiet >"$work/busy.out" 2>"$work/busy.err"
rc=$?
kill -INT "$held"; wait "$held"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || { echo "FAIL: the job on a busy store: exit $rc"; cat "$work/busy.err"; exit 1; }
grep -qF "the store is in use by process $held" "$work/busy.err" || {
  echo "FAIL: the job on a busy store did not name its writer"; cat "$work/busy.err"; exit 1; }
echo "ok: a job on a store another run writes is refused, naming it"
