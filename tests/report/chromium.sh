#!/usr/bin/env bash
# Renders parley's reports in headless Chromium as a person would see them.
#  1. The Abu Dhabi report (with a mediated session): every section and
#     chart is present and visible (laid out with a size, not hidden);
#     screenshot <build>/report-abu-dhabi.png.
#  2. In every chart of the Abu Dhabi report and of the reports on the
#     shared GENIUS folders genius_7issues and anac2015_politics, the
#     labels' real boxes (getBBox, as Chromium lays the text out) do not
#     intersect each other or a solution's diamond, and lie inside the
#     plot (utility charts) or the picture; screenshots of the two
#     GENIUS utility charts, <build>/report-labels-NAME.png.
# Exit 77 (skipped) when Chromium is absent, or when ../shared/data is
# absent (after the Abu Dhabi checks: they passed).
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
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$work/profile")

# The label check, appended to a page: every <text class="label"> of every
# chart, by its real bounding box.
cat > "$work/labels.js" <<'JS'
<script>
(function () {
  function box(el) {
    var b = el.getBBox();
    return {x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height};
  }
  function meet(a, b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }
  function inside(a, b) {
    return a.x0 >= b.x0 - 0.5 && a.y0 >= b.y0 - 0.5 && a.x1 <= b.x1 + 0.5 && a.y1 <= b.y1 + 0.5;
  }
  var bad = [], n = 0;
  document.querySelectorAll("svg").forEach(function (svg, k) {
    var labels = Array.prototype.slice.call(svg.querySelectorAll("text.label, g.solutions text"));
    var marks = Array.prototype.map.call(svg.querySelectorAll("path.solution-mark"), box);
    var area = svg.querySelector("rect.plot-area");
    var within = svg.classList.contains("utility-space") && area ? box(area)
      : {x0: 0, y0: 0, x1: svg.width.baseVal.value, y1: svg.height.baseVal.value};
    var name = (svg.querySelector("title") || {}).textContent || ("chart " + k);
    var boxes = labels.map(box);
    n += labels.length;
    boxes.forEach(function (b, i) {
      var t = labels[i].textContent;
      if (!inside(b, within)) bad.push(name + ": '" + t + "' runs off the plot");
      for (var j = i + 1; j < boxes.length; j++)
        if (meet(b, boxes[j])) bad.push(name + ": '" + t + "' overlaps '" + labels[j].textContent + "'");
      marks.forEach(function (m) { if (meet(b, m)) bad.push(name + ": '" + t + "' covers a diamond"); });
    });
  });
  var pre = document.createElement("pre");
  pre.id = "parley-labels";
  pre.textContent = bad.length ? "OVERLAPS: " + bad.join("; ") : "LABELS-APART " + n;
  document.body.appendChild(pre);
})();
</script>
JS

# The page's label verdict ("LABELS-APART n" or "OVERLAPS: ...").
label_check() {
  cp "$1" "$work/lc.html"
  cat "$work/labels.js" >> "$work/lc.html"
  timeout 120 "$browser" "${flags[@]}" --virtual-time-budget=5000 --dump-dom "file://$work/lc.html" \
    2>> "$work/chromium.log" | grep -o 'id="parley-labels">[^<]*' | sed 's/.*>//'
}
fail=0
check_labels() { # FILE WHAT [MIN]: at least MIN labels (default 1)
  local r
  r=$(label_check "$1")
  case "$r" in
    "LABELS-APART "*) if [ "${r#LABELS-APART }" -lt "${3:-1}" ]; then
        echo "FAIL: $2: only ${r#LABELS-APART } labels"; fail=1; return; fi
      echo "ok: $2: ${r#LABELS-APART } labels apart and inside their plots" ;;
    *) echo "FAIL: $2: ${r:-no result from the page}"; fail=1 ;;
  esac
}

"$parley" report "$src/examples/abu-dhabi-2026.yaml" -o "$work/report.html" --negotiate \
  --protocol mediated || { echo "FAIL: parley report"; exit 1; }
size=$(stat -c %s "$work/report.html")
# the page as shipped, plus a checking script appended for this test only
cp "$work/report.html" "$work/check.html"
cat >> "$work/check.html" <<'JS'
<script>
(function () {
  var want = ["#answer", "#scenario", "#deals", "#space", "#diagnosis", "#session",
              "table.parties", "table.issues", "table.redlines", "svg.utility-space",
              "svg.diagnosis", "ol.conflicts", "table.relaxations",
              "table.relaxations td.terms", "table.bends",
              "svg.diagnosis circle.conflict-member", "svg.diagnosis rect.relaxation",
              "svg.session", "svg.session path.veto", "table.deal-terms",
              "svg.utility-space g.legend"];
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
check_labels "$work/report.html" "abu-dhabi-2026 report"

genius="$src/../shared/data/genius"
if [ ! -d "$genius" ]; then
  [ "$fail" = 0 ] || exit 1
  echo "SKIP: the GENIUS label checks need ../shared/data beside the repository"
  exit 77
fi
for name in genius_7issues anac2015_politics; do
  "$parley" report "$genius/$name" -o "$work/$name.html" || { echo "FAIL: parley report $name"; exit 1; }
  check_labels "$work/$name.html" "$name report"
  "$parley" report "$genius/$name" --svg "$work/$name" || { echo "FAIL: parley report --svg $name"; exit 1; }
  # the chart alone in a page, checked and photographed as drawn
  { echo '<!DOCTYPE html><html><body style="margin:0">'; cat "$work/$name/utility-0-1.svg"
    echo '</body></html>'; } > "$work/$name-chart.html"
  check_labels "$work/$name-chart.html" "$name utility chart"
  timeout 120 "$browser" "${flags[@]}" --window-size=560,480 \
    --screenshot="$outdir/report-labels-$name.png" "file://$work/$name-chart.html" \
    >> "$work/chromium.log" 2>&1
  [ -s "$outdir/report-labels-$name.png" ] || { echo "FAIL: no screenshot of $name"; fail=1; }
done
[ "$fail" = 0 ] || exit 1
echo "ok: screenshots $outdir/report-labels-genius_7issues.png, $outdir/report-labels-anac2015_politics.png"
