#!/usr/bin/env bash
# `parley serve`'s API against the CLI, and its refusals.
#  1. Starts `parley serve examples/abu-dhabi-2026.yaml` on a free port with a
#     known token, uploads the uncertain example (scenario 1), then runs every
#     "$ curl" example of docs/serve.md: where the next line says "# the same
#     bytes as: parley ...", the answer must equal that command's output byte
#     for byte; the others must answer 200.
#  2. The export's YAML analysed by `parley analyze` finds the deals `parley
#     whatif` finds after the same change; /api/save writes a new file,
#     refuses to overwrite it (409) unless asked, and never writes the input.
#  3. Hostile requests: no token, a wrong token, a foreign Host, a foreign
#     Origin -> 403; path traversal (plain and percent-encoded) -> 404; a body
#     over the limit -> 413; a malformed upload, a bad change, an unknown
#     member, a plugin agent, a file name with a slash -> 400; a slow client
#     is cut off; 1,000 requests of random bytes get 4xx or a closed connection
#     and the server still answers after each kind; no file is written.
# Usage: api.sh PARLEY SOURCE_DIR
set -u
parley=$(realpath "$1")
src=$2
cd "$src" || exit 1
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

TOKEN=0123456789abcdef0123456789abcdef
export TOKEN
mkdir "$work/save" "$work/tmp"
# the server's own TMPDIR: other tests (serve_chromium, run alongside by ctest -j) have servers of their own
srvtmp=$work/tmp
before=$(sha256sum examples/abu-dhabi-2026.yaml)
TMPDIR=$srvtmp PARLEY_SERVE_TOKEN=$TOKEN "$parley" serve examples/abu-dhabi-2026.yaml --listen 127.0.0.1:0 \
  --save-dir "$work/save" --max-seconds 20 >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q 'http://' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$work/serve.out" | head -1 | cut -d: -f2)
[ -n "$port" ] || { echo "FAIL: the server did not start"; cat "$work/serve.err"; exit 1; }
URL="http://127.0.0.1:$port"
export URL
export TRACE=$work/trace.jsonl
echo "server on $URL"
parley() { "$parley" "$@"; }
export -f parley
export parley

status() { curl -s -o "$work/body" -w '%{http_code}' "$@"; }
alive() {
  [ "$(status -H "X-Parley-Token: $TOKEN" "$URL/api/scenarios")" = 200 ] || fail "the server stopped answering after $1"
}

# ---- 1. upload, then every example of docs/serve.md
python3 - "$work/upload.json" <<'PY'
import json, sys
text = open("examples/abu-dhabi-2026-uncertain.yaml").read()
json.dump({"name": "uncertain", "files": [{"name": "abu-dhabi-2026-uncertain.yaml", "text": text}]},
          open(sys.argv[1], "w"))
PY
code=$(status -H "X-Parley-Token: $TOKEN" --data-binary @"$work/upload.json" "$URL/api/scenario")
[ "$code" = 200 ] || fail "upload answered $code: $(cat "$work/body")"
grep -q '"scenario": 1' "$work/body" || fail "the upload is not scenario 1: $(head -c 200 "$work/body")"
n=0 same=0
mapfile -t lines < <(awk '/^```/{inb=!inb; next} inb' docs/serve.md)
for ((i = 0; i < ${#lines[@]}; i++)); do
  l=${lines[i]}
  [[ $l == '$ curl '* ]] || continue
  cmd=${l#\$ }
  [[ $cmd == *upload.json* || $cmd == */api/save* ]] && continue # run below, with their checks
  n=$((n + 1))
  next=${lines[i + 1]:-}
  bash -c "$cmd" >"$work/api.out" 2>"$work/api.err" </dev/null || fail "example failed: $cmd"
  if [[ $next == '# the same bytes as: '* ]]; then
    cli=${next#\# the same bytes as: }
    bash -c "$cli" >"$work/cli.out" 2>/dev/null </dev/null
    if cmp -s "$work/api.out" "$work/cli.out"; then
      same=$((same + 1))
    else
      fail "not the CLI's bytes: $cmd"
      diff "$work/api.out" "$work/cli.out" | head -n 8
    fi
  fi
done
echo "docs/serve.md: $n examples run, $same equal to the CLI byte for byte"
[ "$n" -ge 12 ] && [ "$same" -ge 11 ] || fail "too few examples found in docs/serve.md ($n, $same)"

# every endpoint of the table has an example compared with the CLI
for ep in info analyze redlines whatif negotiate trace robust stability report; do
  grep -q "\"\$URL/api/$ep\"\$" <(awk '/^```/{inb=!inb; next} inb' docs/serve.md) || fail "no example for /api/$ep"
done

# a GENIUS folder and a GeniusWeb folder uploaded as their files: the same analysis as the CLI's on the folder
shared=${PARLEY_SHARED_DATA:-$src/../shared/data}
if [ -d "$shared/genius/anac2010_Travel" ]; then
  for d in anac2010_Travel geniusweb_Fitness_json; do
    python3 - "$shared/genius/$d" >"$work/up.json" <<'PY'
import json, os, sys
d = sys.argv[1]
print(json.dumps({"name": os.path.basename(d), "files": [{"name": f, "text": open(os.path.join(d, f)).read()}
                  for f in sorted(os.listdir(d)) if os.path.isfile(os.path.join(d, f))]}))
PY
    k=$(curl -s -H "X-Parley-Token: $TOKEN" --data-binary @"$work/up.json" "$URL/api/scenario" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["scenario"])')
    curl -s -H "X-Parley-Token: $TOKEN" -d "{\"scenario\": $k}" "$URL/api/analyze" >"$work/g.out"
    "$parley" analyze "$shared/genius/$d" --json >"$work/g.cli" 2>/dev/null
    cmp -s "$work/g.out" "$work/g.cli" || fail "$d uploaded as files: not the CLI's analysis of the folder"
  done
else
  echo "note: shared data absent ($shared): the GENIUS folder uploads are not checked"
fi

# ---- 2. export and save
ch='{"changes": [{"drop": "Russia:whole-donbas"}]}'
curl -s -H "X-Parley-Token: $TOKEN" -d "$ch" "$URL/api/export" >"$work/edited.yaml"
grep -q 'whole-donbas' "$work/edited.yaml" && fail "the export still holds the dropped red line"
a=$("$parley" analyze "$work/edited.yaml" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["agreements"])')
w=$("$parley" whatif examples/abu-dhabi-2026.yaml --json --drop Russia:whole-donbas | python3 -c 'import json,sys; print(json.load(sys.stdin)["whatif"]["agreements"])')
[ "$a" = "$w" ] || fail "the export's analysis finds $a deals, whatif $w"
# a weight change: the export holds Russia's weights rescaled to sum 1, in proportion
curl -s -H "X-Parley-Token: $TOKEN" -d '{"changes": [{"set": "Russia.donbas.weight=0.6"}]}' \
  "$URL/api/export" >"$work/weighted.yaml"
"$parley" info --json "$work/weighted.yaml" | python3 -c '
import json, sys
w = [p for p in json.load(sys.stdin)["parties"] if p["name"] == "Russia"][0]["weights"]
want = {"donbas": 0.6, "guarantees": 0.2 * 0.4 / 0.65, "weapons": 0.1 * 0.4 / 0.65,
        "zaporizhzhia": 0.15 * 0.4 / 0.65, "sanctions": 0.2 * 0.4 / 0.65}
assert w.keys() == want.keys() and all(abs(w[k] - want[k]) < 1e-12 for k in w), w
assert abs(sum(w.values()) - 1) < 1e-12, w' || fail "the export of a weight change: not the rescaled weights"
# the other commands with "changes": the command on the export's scenario
for ep in analyze redlines negotiate; do
  curl -s -H "X-Parley-Token: $TOKEN" -d "$ch" "$URL/api/$ep" >"$work/ch.out"
  "$parley" "$ep" "$work/edited.yaml" --json >"$work/ch.cli" 2>/dev/null
  cmp -s "$work/ch.out" "$work/ch.cli" || fail "/api/$ep with changes is not $ep of the exported scenario"
done
# stability with changes: the command on the export, which keeps the `stability:` section; the change
# moves the answer (Ukraine's preferences over the states change)
grep -q '^stability:' "$work/edited.yaml" || fail "the export lost the stability: section"
sch='[{"drop": "Russia:whole-donbas"}, {"set": "Ukraine.reservation=0.2"}]'
curl -s -H "X-Parley-Token: $TOKEN" -d "{\"changes\": $sch, \"deals\": true, \"concept\": \"gmr\"}" \
  "$URL/api/stability" >"$work/st.out"
curl -s -H "X-Parley-Token: $TOKEN" -d "{\"changes\": $sch}" "$URL/api/export" >"$work/st.yaml"
"$parley" stability "$work/st.yaml" --json --deals --concept gmr >"$work/st.cli" 2>/dev/null
cmp -s "$work/st.out" "$work/st.cli" || fail "/api/stability with changes is not stability of the exported scenario"
"$parley" stability examples/abu-dhabi-2026.yaml --json --deals --concept gmr | cmp -s - "$work/st.out" &&
  fail "/api/stability with changes answers as without them"
# a scenario without a stability: section: 400 with the command's message
python3 - "$work/bs.json" <<'PY'
import json, sys
json.dump({"name": "bs", "files": [{"name": "buyer-seller.yaml", "text": open("examples/buyer-seller.yaml").read()}]},
          open(sys.argv[1], "w"))
PY
k=$(curl -s -H "X-Parley-Token: $TOKEN" --data-binary @"$work/bs.json" "$URL/api/scenario" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["scenario"])')
code=$(status -H "X-Parley-Token: $TOKEN" -d "{\"scenario\": $k}" "$URL/api/stability")
[ "$code" = 400 ] && grep -q 'buyer-seller.yaml: error: the scenario has no `stability:` section' "$work/body" ||
  fail "stability of a scenario without the section: $code $(cat "$work/body")"
# /api/scenarios says which scenarios have the section (the page asks /api/stability only of those)
curl -s -H "X-Parley-Token: $TOKEN" "$URL/api/scenarios" | python3 -c '
import json, sys
by = {x["scenario"]: x["stability"] for x in json.load(sys.stdin)}
sys.exit(0 if by[0] is True and by[int(sys.argv[1])] is False else 1)' "$k" ||
  fail "/api/scenarios: not stability true for the Abu Dhabi example and false for buyer-seller"
# a red line fixed by the section (its outcomes are no state) and then dropped by a change: no longer
# fixed (it no longer exists), the other fixed one still is; the export loads, and /api/stability of the
# change is `parley stability` of that export, which differs from the unchanged one's
python3 - "$work/fx.json" <<'PY'
import json, sys
text = open("examples/abu-dhabi-2026.yaml").read().rstrip("\n") + "\n  fixed: [Russia:whole-donbas, Russia:no-article5]\n"
json.dump({"name": "fixed", "files": [{"name": "fixed.yaml", "text": text}]}, open(sys.argv[1], "w"))
PY
k=$(curl -s -H "X-Parley-Token: $TOKEN" --data-binary @"$work/fx.json" "$URL/api/scenario" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["scenario"])')
code=$(status -H "X-Parley-Token: $TOKEN" -d "{\"scenario\": $k, \"changes\": [{\"drop\": \"Russia:whole-donbas\"}]}" \
  "$URL/api/export")
cp "$work/body" "$work/fx.yaml"
[ "$code" = 200 ] || fail "export after dropping a fixed red line: $code $(cat "$work/fx.yaml")"
grep -qxF '  fixed: ["Russia:no-article5"]' "$work/fx.yaml" ||
  fail "the export's fixed list is not the one red line left: $(grep fixed "$work/fx.yaml")"
fxc='{"scenario": '$k', "changes": [{"drop": "Russia:whole-donbas"}], "deals": true}'
code=$(status -H "X-Parley-Token: $TOKEN" -d "$fxc" "$URL/api/stability")
[ "$code" = 200 ] || fail "stability after dropping a fixed red line: $code $(cat "$work/body")"
"$parley" stability "$work/fx.yaml" --json --deals >"$work/fx.cli" 2>&1 || fail "the export does not load: $(cat "$work/fx.cli")"
cmp -s "$work/body" "$work/fx.cli" || fail "/api/stability with a fixed red line dropped is not stability of the export"
code=$(status -H "X-Parley-Token: $TOKEN" -d "{\"scenario\": $k, \"deals\": true}" "$URL/api/stability")
cmp -s "$work/body" "$work/fx.cli" && fail "dropping a fixed red line changed nothing in /api/stability"
code=$(status -H "X-Parley-Token: $TOKEN" -d "{\"scenario\": $k}" "$URL/api/export")
grep -qxF '  fixed: ["Russia:whole-donbas", "Russia:no-article5"]' "$work/body" ||
  fail "the export without changes lost the fixed list: $(grep fixed "$work/body")"
ls -d "$srvtmp"/parley-serve-* >/dev/null 2>&1 || fail "the server made no temporary folder under its TMPDIR"
ls "$srvtmp"/parley-serve-*/edit-* 2>/dev/null | grep -q . && fail "an edited copy was left behind"
save='{"changes": [{"drop": "Russia:whole-donbas"}], "name": "v2.yaml"}'
code=$(status -H "X-Parley-Token: $TOKEN" -d "$save" "$URL/api/save")
[ "$code" = 200 ] || fail "save answered $code: $(cat "$work/body")"
cmp -s "$work/save/v2.yaml" "$work/edited.yaml" || fail "the saved file is not the export"
code=$(status -H "X-Parley-Token: $TOKEN" -d "$save" "$URL/api/save")
[ "$code" = 409 ] || fail "a second save to one name answered $code, not 409"
code=$(status -H "X-Parley-Token: $TOKEN" -d '{"changes": [], "name": "v2.yaml", "overwrite": true}' "$URL/api/save")
[ "$code" = 200 ] || fail "an overwrite asked for answered $code"
cmp -s "$work/save/v2.yaml" examples/abu-dhabi-2026.yaml && fail "expected the native writer's text"
"$parley" info "$work/save/v2.yaml" >/dev/null || fail "the overwritten file does not load"
code=$(status -H "X-Parley-Token: $TOKEN" -d '{"name": "../evil.yaml"}' "$URL/api/save")
[ "$code" = 400 ] || fail "a save name with a slash answered $code"
[ -e "$work/evil.yaml" ] && fail "a save escaped --save-dir"
ls "$work/save" | grep -av '^v2.yaml$' | grep -aq . && fail "stray files in --save-dir: $(ls "$work/save")"

# ---- 3. hostile requests
code=$(status "$URL/api/info"); [ "$code" = 403 ] || fail "no token: $code"
code=$(status -H "X-Parley-Token: 0000" "$URL/api/info"); [ "$code" = 403 ] || fail "wrong token: $code"
code=$(status "$URL/?token=${TOKEN%?}0"); [ "$code" = 403 ] || fail "wrong token in the URL: $code"
code=$(status "$URL/?token=$TOKEN"); [ "$code" = 200 ] || fail "the page with the token: $code"
grep -q '<html' "$work/body" || fail "the page is not HTML"
code=$(status -H "Authorization: token $TOKEN" "$URL/api/scenarios"); [ "$code" = 200 ] || fail "Authorization header: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -H "Host: evil.example:$port" "$URL/api/info"); [ "$code" = 403 ] || fail "foreign Host: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -H "Host: 127.0.0.1:1" "$URL/api/info"); [ "$code" = 403 ] || fail "Host with another port: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -H "Origin: http://evil.example" "$URL/api/info"); [ "$code" = 403 ] || fail "foreign Origin: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -H "Origin: http://localhost:$port" -d '{}' "$URL/api/info"); [ "$code" = 200 ] || fail "same Origin: $code"
for p in '/../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/api/../api/info/../../../etc/passwd' '/examples/abu-dhabi-2026.yaml' '/api/%2e%2e%2fetc%2fpasswd' '/web/console.html'; do
  code=$(status --path-as-is -H "X-Parley-Token: $TOKEN" "$URL$p")
  [ "$code" = 404 ] || [ "$code" = 400 ] || fail "path traversal $p: $code"
  grep -aq 'root:' "$work/body" && fail "path traversal $p served a file"
done
code=$(status --path-as-is -H "X-Parley-Token: $TOKEN" "$URL/../etc/passwd"); [ "$code" = 404 ] || fail "traversal answered $code, not 404"
head -c $((65 * 1024 * 1024)) /dev/zero >"$work/big"
code=$(status -H "X-Parley-Token: $TOKEN" --data-binary @"$work/big" "$URL/api/analyze"); [ "$code" = 413 ] || fail "oversize body: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -H "Transfer-Encoding: chunked" --data-binary @"$work/big" "$URL/api/analyze"); [ "$code" = 413 ] || fail "oversize chunked body: $code"
rm -f "$work/big"
alive "the oversize bodies"
code=$(status -H "X-Parley-Token: $TOKEN" -d '{"files": [{"name": "bad.yaml", "text": "parley: 1\nparties: [\n"}]}' "$URL/api/scenario")
[ "$code" = 400 ] || fail "a malformed upload: $code"
grep -q 'bad.yaml:' "$work/body" || fail "the malformed upload's message names no file: $(cat "$work/body")"
code=$(status -H "X-Parley-Token: $TOKEN" -d '{"files": [{"name": "../x.yaml", "text": "x"}]}' "$URL/api/scenario")
[ "$code" = 400 ] || fail "an upload named ../x.yaml: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -d '{"changes": [{"drop": "Russia:nope"}]}' "$URL/api/whatif")
[ "$code" = 400 ] && grep -q "no red line 'nope'" "$work/body" || fail "a bad change: $code $(cat "$work/body")"
code=$(status -H "X-Parley-Token: $TOKEN" -d '{"output": "/tmp/x"}' "$URL/api/analyze"); [ "$code" = 400 ] || fail "unknown member: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -d '{"agent": ["Russia=./evil.so"]}' "$URL/api/negotiate"); [ "$code" = 400 ] || fail "plugin agent: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -d '{"scenario": 99}' "$URL/api/analyze"); [ "$code" = 400 ] || fail "no such scenario: $code"
code=$(status -H "X-Parley-Token: $TOKEN" -d '[1,2' "$URL/api/analyze"); [ "$code" = 400 ] || fail "not JSON: $code"
code=$(status -X DELETE -H "X-Parley-Token: $TOKEN" "$URL/api/analyze"); [ "$code" = 405 ] || fail "DELETE: $code"
alive "the bad requests"
# a slow client: headers never finished; the server cuts it off (idle 10 s) and answers others meanwhile
python3 - "$port" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n")
t = time.time()
try:
    s.settimeout(30)
    while True:
        if not s.recv(1):
            break
except Exception:
    pass
sys.exit(0 if time.time() - t < 25 else 1)
PY
slow=$!
sleep 1
alive "a slow client connected"
wait "$slow" || fail "a slow client was not cut off within 25 s"
# random bytes: 1,000 requests; each answered 4xx or closed, the server alive after
python3 - "$port" "$TOKEN" <<'PY' || fail "random requests"
# 32 at a time: a request cut short inside its first line is held until the idle timeout (10 s)
import random, socket, sys
from concurrent.futures import ThreadPoolExecutor
port, token = int(sys.argv[1]), sys.argv[2]
rng = random.Random(19)
reqs = []
for i in range(1000):
    kind = i % 3
    if kind == 0:
        data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 2000)))
    elif kind == 1:
        body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 500)))
        data = (b"POST /api/%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Parley-Token: %s\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" %
                (rng.choice([b"whatif", b"analyze", b"scenario", b"save", b"negotiate"]), port,
                 token.encode(), len(body))) + body
    else:
        line = bytes(rng.choice(b"GET/%.\\ \x00abc?=&") for _ in range(rng.randint(1, 60)))
        data = b"GET " + line + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % port
    reqs.append(data)

def send(data):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(30)
    reply = b""
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while True:
            c = s.recv(65536)
            if not c:
                break
            reply += c
    except (ConnectionResetError, BrokenPipeError):
        reply = b""
    finally:
        s.close()
    if not reply:
        return None
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.") else 0

with ThreadPoolExecutor(max_workers=32) as pool:
    codes = list(pool.map(send, reqs))
bad = [(i, c) for i, c in enumerate(codes) if c is not None and not 400 <= c < 500]
for i, c in bad[:10]:
    print("random request %d answered %r" % (i, c))
print("1,000 random requests: %d answered 4xx, %d closed without an answer, %d otherwise" %
      (sum(1 for c in codes if c is not None and 400 <= c < 500), codes.count(None), len(bad)))
sys.exit(1 if bad else 0)
PY
alive "the random requests"
kill -0 "$pid" 2>/dev/null || fail "the server died"
[ "$(sha256sum examples/abu-dhabi-2026.yaml)" = "$before" ] || fail "the input was written"
ls "$work/save" | grep -av '^v2.yaml$' | grep -aq . && fail "stray files in --save-dir after the hostile requests"
kill "$pid"; wait "$pid"; rc=$?; pid=""
[ "$rc" = 0 ] || { fail "the server exited with status $rc when stopped"; tail -n 30 "$work/serve.err"; }
ls -d "$srvtmp"/parley-serve-* >/dev/null 2>&1 && fail "the server left its temporary folder"
if [ "$fails" -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "ok"
