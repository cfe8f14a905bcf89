#!/usr/bin/env bash
# Renders the Abu Dhabi report in headless Chromium as a person would see
# it: checks that every section and chart is present and visible (laid
# out with a size, not hidden), and takes a screenshot
# (<build>/report-abu-dhabi.png).  Exit 77 (skipped) when Chromium is absent.
set -u
parley=$1
src=$2
outdir=$3
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (apt-get install chromium)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$parley" report "$src/examples/abu-dhabi-2026.yaml" -o "$work/report.html" || { echo "FAIL: parley report"; exit 1; }
size=$(stat -c %s "$work/report.html")
# the page as shipped, plus a checking script appended for this test only
cp "$work/report.html" "$work/check.html"
cat >> "$work/check.html" <<'JS'
<script>
(function () {
  var want = ["#answer", "#scenario", "#deals", "#space", "#diagnosis",
              "table.parties", "table.issues", "table.redlines", "svg.utility-space",
              "svg.diagnosis", "ol.conflicts", "table.relaxations", "table.bends",
              "svg.diagnosis circle.conflict-member", "svg.diagnosis rect.relaxation"];
  var bad = [];
  want.forEach(function (sel) {
    var el = document.querySelector(sel);
    if (!el) { bad.push("missing " + sel); return; }
    var r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (r.width <= 0 || r.height <= 0 || cs.display === "none" || cs.visibility === "hidden")
      bad.push("invisible " + sel);
  });
  var n = document.querySelectorAll("svg.utility-space").length;
  if (n !== 6) bad.push("expected 6 pairwise charts, found " + n);
  var pre = document.createElement("pre");
  pre.id = "parley-check";
  pre.textContent = bad.length ? "PROBLEMS: " + bad.join("; ") : "ALL-VISIBLE";
  document.body.appendChild(pre);
})();
</script>
JS
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$work/profile")
timeout 120 "$browser" "${flags[@]}" --virtual-time-budget=5000 --dump-dom "file://$work/check.html" \
  > "$work/dom.html" 2> "$work/chromium.log"
result=$(grep -o 'id="parley-check">[^<]*' "$work/dom.html" | sed 's/.*>//')
timeout 120 "$browser" "${flags[@]}" --window-size=1200,2600 --screenshot="$outdir/report-abu-dhabi.png" \
  "file://$work/report.html" >> "$work/chromium.log" 2>&1
if [ "$result" != "ALL-VISIBLE" ]; then
  echo "FAIL: ${result:-no result from the page}"; tail -5 "$work/chromium.log"; exit 1
fi
if [ ! -s "$outdir/report-abu-dhabi.png" ]; then echo "FAIL: no screenshot"; exit 1; fi
if [ "$size" -ge 2000000 ]; then echo "FAIL: report is $size bytes"; exit 1; fi
echo "ok: every section and chart visible in Chromium; report $size bytes; screenshot $outdir/report-abu-dhabi.png"
