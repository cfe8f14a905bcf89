#!/usr/bin/env bash
# Kill-and-resume: start `parley tournament`, SIGKILL it once some sessions
# are committed, run the same command again, and check that the store then
# holds every session exactly once, identical to an uninterrupted run.
#   usage: kill_resume.sh PARLEY SOURCE_DIR
set -u
PARLEY=$1
SRC=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/t.yaml" <<YAML
parley-tournament: 1
seed: 3
rounds: 400
repetitions: 30
scenarios: [$SRC/examples/buyer-seller.yaml]
strategies: [boulware, linear, conceder, "time-dependent:e=0.5", micro, frequency-nash, nice-tit-for-tat]
YAML
total=$((7 * 7 * 2 * 30))
count() {
  python3 - "$1" <<'PY'
import sqlite3, sys
try:
    c = sqlite3.connect(sys.argv[1], timeout=10)
    print(c.execute("select count(*) from sessions").fetchone()[0])
except Exception:
    print(0)
PY
}
"$PARLEY" tournament "$work/t.yaml" --threads 2 --store "$work/killed.sqlite" --quiet &
pid=$!
n=0
for _ in $(seq 1 600); do
  sleep 0.05
  [ -f "$work/killed.sqlite" ] || continue
  n=$(count "$work/killed.sqlite")
  [ "$n" -gt 0 ] && break
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
n=$(count "$work/killed.sqlite")
echo "killed with $n of $total sessions stored"
if [ "$n" -le 0 ] || [ "$n" -ge "$total" ]; then
  echo "FAIL: the kill did not land mid-run ($n of $total stored)"; exit 1
fi
"$PARLEY" tournament "$work/t.yaml" --threads 2 --store "$work/killed.sqlite" >"$work/resume.out" || {
  echo "FAIL: the resumed run failed"; cat "$work/resume.out"; exit 1; }
grep -q "stored before" "$work/resume.out" || { echo "FAIL: no summary"; cat "$work/resume.out"; exit 1; }
"$PARLEY" tournament "$work/t.yaml" --threads 1 --store "$work/clean.sqlite" --quiet || {
  echo "FAIL: the clean run failed"; exit 1; }
python3 - "$work/killed.sqlite" "$work/clean.sqlite" "$total" <<'PY' || exit 1
import sqlite3, sys
a, b, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
def rows(p):
    c = sqlite3.connect(p)
    s = c.execute("select * from sessions order by id").fetchall()
    t = c.execute("select * from seats order by session, seat").fetchall()
    return s, t
ka, ca = rows(a), rows(b)
ids = [r[0] for r in ka[0]]
assert len(ids) == total, f"{len(ids)} sessions, expected {total}"
assert len(set(ids)) == total, "duplicate sessions"
assert len(ka[1]) == 2 * total, f"{len(ka[1])} seats, expected {2 * total}"
assert ka == ca, "the resumed store differs from an uninterrupted run"
print(f"ok: {total} sessions, no duplicates, identical to an uninterrupted run")
PY
