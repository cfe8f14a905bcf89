// The console of `parley serve` in a real browser (Debian's Chromium through puppeteer-core): loads the
// page at 1280x800, flips a red line with the mouse, moves a reservation slider and a weight slider with
// the keyboard, adds a red line in the rule editor, and after each checks that the numbers the page shows
// are those of `parley whatif --json` for the change list the page shows; runs a negotiation and steps
// through it; exports the report and the edited scenario through the page's buttons (real downloads:
// the report's HTML, a scenario `parley info` reads with the changes in it); saves (a new file in the
// save folder, the given one untouched, an existing name refused); uploads a scenario through the file
// control; checks the stability panel (the equilibria, the status quo's reachable ones and the fair deals'
// stability under two concepts, against `parley stability --json`, and after the changes against the
// command on the exported scenario) and that it is hidden for a scenario without a `stability:` section;
// then takes a screenshot and checks it is not blank (many colours, drawn in a canvas).
// Environment: URL (the page with its token), CHROMIUM, PARLEY (the binary), SHOT (the screenshot's path),
// HOME (a fresh folder: downloads go there), SAVE (the server's --save-dir, empty).
"use strict";
const puppeteer = require("puppeteer-core");
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const fails = [];
function check(ok, what) { if (!ok) fails.push(what); console.log((ok ? "ok   " : "FAIL ") + what); }
function cli(args) { return JSON.parse(execFileSync(process.env.PARLEY, args, { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "ignore"] })); }
// "parley whatif FILE --drop X --add 'P: R'" as the page shows it: the words, as sh reads them
// ('...' quoted, '\'' for a quote inside)
function words(s) {
  const out = [];
  let cur = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      cur = (cur || "") + s.slice(i + 1, j);
      i = j;
    } else if (c === "\\") {
      cur = (cur || "") + s[++i];
    } else if (/\s/.test(c)) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else {
      cur = (cur || "") + c;
    }
  }
  if (cur !== null) out.push(cur);
  return out;
}
// wait for a download to finish in dir; its text
async function downloaded(dir, name) {
  const f = path.join(dir, name);
  for (let i = 0; i < 300; i++) {
    if (fs.existsSync(f) && !fs.readdirSync(dir).some((n) => n.endsWith(".crdownload"))) return fs.readFileSync(f, "utf8");
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // (the one answer that must be an error: the save over an existing file, 409; a scenario without a
    // stability: section is known from /api/scenarios, so the page asks no /api/stability for it)
    page.on("console", (m) => {
      if (m.type() !== "error" || m.text().includes("status of 409")) return;
      errors.push(m.text());
    });
    const asked = [];
    page.on("request", (r) => { if (/\/api\/stability$/.test(r.url())) asked.push(r.postData() || ""); });
    await page.goto(process.env.URL, { waitUntil: "load" });
    const settled = async (flagsHas) => {
      await page.waitForFunction((f) => {
        const b = document.getElementById("busy").textContent, fl = document.getElementById("flags").textContent;
        return b === "" && fl.includes(f) && document.getElementById("count").hasAttribute("data-agreements");
      }, { timeout: 20000 }, flagsHas);
      await new Promise((r) => setTimeout(r, 150)); // a late answer would have changed "busy" again
      await page.waitForFunction(() => document.getElementById("busy").textContent === "", { timeout: 20000 });
    };
    await settled("parley analyze");
    const file = words(await page.$eval("#flags", (e) => e.textContent))[2];
    const a0 = cli(["analyze", file, "--json"]);
    const shown0 = await page.$eval("#count", (e) => e.getAttribute("data-agreements"));
    check(shown0 === String(a0.agreements), `baseline: the page shows ${shown0} deals, parley analyze ${a0.agreements}`);
    const status0 = await page.$eval("#status", (e) => e.textContent);
    check((a0.agreements === 0) === (status0 === "No deal"), `baseline status '${status0}'`);
    if (a0.agreements === 0)
      await page.waitForSelector("#diag-section:not([hidden])", { timeout: 20000 }).then(
        () => check(true, "no deal: the diagnosis is shown"), () => check(false, "no deal: the diagnosis is shown"));

    // the stability panel: shown for this scenario (it has a stability: section); what it shows is
    // `parley stability FILE --json --deals --status-quo sq --concept C`, for the default concept and SEQ
    const stabilityShown = async (what, k, ref) => {
      await page.waitForSelector(`#stab-count[data-concept="${k}"]`, { timeout: 20000 });
      const hidden = await page.$eval("#stability-section", (e) => e.hidden || !e.checkVisibility());
      check(!hidden, `${what}: the stability section is shown`);
      const ids = await page.$eval("#stab-count", (e) => e.getAttribute("data-ids"));
      const text = await page.$eval("#stab-count", (e) => e.textContent);
      const want = ref.equilibria[k];
      check(ids === want.join(","), `${what}: the ${k} equilibria shown are parley stability's (${want.length})`);
      check(text.startsWith(want.length + " equilibri"), `${what}: the count shown '${text.slice(0, 40)}' is ${want.length}`);
      const reach = await page.$eval("#stab-reachable", (e) => e.getAttribute("data-ids"));
      const wantReach = ref.reachable.map((x) => x.to).join(",");
      check(reach === wantReach, `${what}: the equilibria reachable from the status quo ${reach} are parley stability's ${wantReach}`);
      const deals = await page.$$eval("#stab-deals tr[data-deal]", (rows) => rows.map((r) => [r.getAttribute("data-deal"), r.children[1].textContent, r.children[2].textContent]));
      const wantDeals = ref.deals.map((d) => [d.what, String(d.id), d.equilibrium[k] ? "yes, stable" : "no"]);
      check(JSON.stringify(deals) === JSON.stringify(wantDeals), `${what}: the deals' stability shown ${JSON.stringify(deals)} is parley stability's`);
      // who gains by moving from each deal that is no equilibrium: --explain's party and state
      const movers = await page.$$eval("#stab-deals tr[data-deal]", (rows) => rows.map((r) => [r.children[4].getAttribute("data-dm"), r.children[4].getAttribute("data-to")]));
      const why = {};
      ref.explain.forEach((x) => { why[x.state] = x; });
      const wantMovers = ref.deals.map((d) => d.equilibrium[k] || !why[d.id] ? [null, null] : [why[d.id].dm, String(why[d.id].to)]);
      check(JSON.stringify(movers) === JSON.stringify(wantMovers) && wantMovers.some((m) => m[0] !== null),
            `${what}: who gains by moving from each deal ${JSON.stringify(movers)} is parley stability --explain's`);
    };
    const stab = (f, k) => cli(["stability", f, "--json", "--deals", "--explain", "--status-quo", "sq", "--concept", k]);
    const conceptDefault = await page.$eval("#concept", (e) => e.value);
    check(conceptDefault === "nash", `the default concept is '${conceptDefault}'`);
    await stabilityShown("as loaded", "nash", stab(file, "nash"));
    await page.select("#concept", "seq");
    await stabilityShown("SEQ chosen", "seq", stab(file, "seq"));
    await page.waitForFunction(() => document.getElementById("busy").textContent === "", { timeout: 20000 });
    // "groups too": each equilibrium shown with the groups that gain by moving together (--coalitions)
    await page.click("#stab-coalitions");
    await page.waitForFunction(() => document.querySelectorAll("#stab-equilibria td[data-groups]").length > 0 &&
      document.getElementById("busy").textContent === "", { timeout: 30000 });
    const groupsShown = await page.$$eval("#stab-equilibria tr[data-state]", (rows) => rows.map((r) => [r.getAttribute("data-state"), r.children[2].getAttribute("data-groups")]));
    const refGroups = cli(["stability", file, "--json", "--deals", "--explain", "--status-quo", "sq", "--concept", "seq", "--coalitions"]);
    const wantGroups = groupsShown.map(([id]) => [id, String(refGroups.coalitions.filter((x) => String(x.state) === id && !x.stable).length)]);
    check(groupsShown.length > 0 && JSON.stringify(groupsShown) === JSON.stringify(wantGroups) && wantGroups.some((g) => g[1] !== "0"),
          `groups that gain by moving together from each equilibrium shown ${JSON.stringify(groupsShown)} are parley stability --coalitions's ${JSON.stringify(wantGroups)}`);
    await page.click("#stab-coalitions");
    await page.waitForFunction(() => document.querySelectorAll("#stab-equilibria td[data-groups]").length === 0 &&
      document.getElementById("busy").textContent === "", { timeout: 30000 });

    // flip a red line (the mouse), move a slider (the keyboard)
    await page.click('input[data-redline="Russia:whole-donbas"]');
    await settled("--drop Russia:whole-donbas");
    const slider = 'input[type=range][data-party="Ukraine"]';
    const v0 = Number(await page.$eval(slider, (e) => e.value));
    await page.focus(slider);
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
    const want = (Math.round((v0 - 0.05) * 100) / 100).toString();
    await settled("--set Ukraine.reservation=" + want);

    // the numbers shown against `parley whatif --json` with the flags the page shows
    const verify = async (what) => {
      const flags = await page.$eval("#flags", (e) => e.textContent);
      console.log(`the page's change list (${what}): ${flags}`);
      const w = words(flags);
      check(w[1] === "whatif", `${what}: the change list is a whatif command`);
      const ref = cli([...w.slice(1), "--json"]);
      const shown = await page.$eval("#count", (e) => e.getAttribute("data-agreements"));
      check(shown === String(ref.whatif.agreements), `${what}: the page shows ${shown} deals, parley whatif ${ref.whatif.agreements}`);
      const base = await page.$eval("#baseline", (e) => e.textContent);
      check(base.includes("(before the changes: " + ref.baseline.agreements + ")"), `${what}: baseline shown: '${base}'`);
      const status = await page.$eval("#status", (e) => e.textContent);
      check((ref.whatif.agreements > 0) === (status === "Deal possible"), `${what}: status '${status}'`);
      const nash = await page.$$eval('tr[data-solution="nash"] td', (tds) => tds.map((t) => t.textContent));
      const wantNash = ref.whatif.nash ? ref.whatif.nash.utilities.map((u) => (Math.round(u * 10000) / 10000).toString()) : [];
      check(JSON.stringify(nash) === JSON.stringify(wantNash), `${what}: Nash utilities shown ${JSON.stringify(nash)}, whatif ${JSON.stringify(wantNash)}`);
      const marks = await page.$$eval("#chart svg path.solution-mark", (m) => m.length);
      check(marks === (ref.whatif.nash ? 4 : 0), `${what}: the chart draws ${marks} fair deals`);
      const dots = await page.$$eval("#chart svg circle", (c) => c.length);
      check(dots > 0, `${what}: the chart draws ${dots} frontier points`);
      return w;
    };
    await verify("a red line and a reservation value");

    // a weight (the keyboard, in Russia's group of weight sliders, closed until opened): the other
    // weights follow, rescaled so that Russia's weights still sum to 1
    const wsl = 'input[data-weight="Russia:donbas"]';
    check(!(await page.$eval(wsl, (e) => e.checkVisibility())), "the weight sliders are closed by default");
    await page.focus('details.weights[data-party="Russia"] summary');
    await page.keyboard.press("Enter");
    await page.waitForFunction((s) => document.querySelector(s).checkVisibility(), { timeout: 5000 }, wsl);
    const label = await page.$eval(wsl, (e) => e.getAttribute("aria-label"));
    check(label === "Russia weight on donbas", `the weight slider is labelled '${label}'`);
    const wv0 = Number(await page.$eval(wsl, (e) => e.value));
    await page.focus(wsl);
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    const wwant = Math.round((wv0 + 0.05) * 100) / 100;
    await settled("--set Russia.donbas.weight=" + wwant);
    const shownW = await page.$$eval('details.weights[data-party="Russia"] output', (o) => o.map((x) => Number(x.textContent)));
    const info0 = cli(["info", "--json", file]).parties.find((p) => p.name === "Russia").weights;
    const names = Object.keys(info0), rest = names.reduce((a, n) => a + (n === "donbas" ? 0 : info0[n]), 0);
    const wantW = names.map((n) => n === "donbas" ? wwant : info0[n] * (1 - wwant) / rest);
    check(shownW.length === names.length && shownW.every((x, k) => Math.abs(x - wantW[k]) < 1e-4),
      `the weights shown ${JSON.stringify(shownW)} are Russia's rescaled to sum 1 ${JSON.stringify(wantW.map((x) => Math.round(x * 1e4) / 1e4))}`);
    await verify("a weight");

    // the rule editor: a red line added (the keyboard: Enter in the rule's field)
    await page.select("#rule-party", "Ukraine");
    await page.type("#rule-text", "weapons >= 10");
    await page.keyboard.press("Enter");
    await settled("--add 'Ukraine: weapons >= 10'");
    const rules = await page.$eval("#rules", (e) => e.textContent);
    check(rules.includes("Ukraine: weapons >= 10"), `the added rule is listed: '${rules}'`);
    const w = await verify("a red line added");

    // a negotiation on the changed scenario, stepped through: the page's verdict is the CLI's
    await page.$eval("#seed", (e) => { e.value = "3"; });
    await page.click("#negotiate");
    await page.waitForSelector("#round-step", { timeout: 30000 });
    // the CLI on the edited scenario, as /api/export gives it for the page's change list
    const changes = [];
    for (let i = 3; i + 1 < w.length; i += 2) changes.push({ [w[i].slice(2)]: w[i + 1] });
    const u = new URL(process.env.URL);
    const yaml = await (await fetch(u.origin + "/api/export", { method: "POST",
      headers: { "X-Parley-Token": u.searchParams.get("token") }, body: JSON.stringify({ changes }) })).text();
    const edited = path.join(process.env.HOME, "edited.yaml");
    fs.writeFileSync(edited, yaml);
    const neg = cli(["negotiate", edited, "--json", "--seed", "3", "--rounds", "100"]);
    // the stability panel followed the changes: the command on the exported scenario (which keeps the
    // stability: section), and not the one as loaded
    const stabEdited = stab(edited, "seq");
    await stabilityShown("after the changes", "seq", stabEdited);
    check(JSON.stringify(stabEdited.deals) !== JSON.stringify(stab(file, "seq").deals),
      "the changes change the fair deals' stability (so the check above tells)");
    const verdict = await page.$eval("#neg p strong", (e) => e.textContent);
    const wantVerdict = neg.agreement ? "Agreement" : neg.vetoed ? "vetoed at ratification by " + neg.vetoed_by : "";
    check(verdict.includes(wantVerdict), `the session's verdict '${verdict}' (the CLI: agreement ${neg.agreement}, vetoed ${neg.vetoed})`);
    const last = Number(await page.$eval("#round-step", (e) => e.max));
    check(last === neg.rounds, `the stepper ends at round ${last}, the CLI's session took ${neg.rounds}`);
    await page.focus("#round-step");
    await page.keyboard.press("Home");
    const r1 = await page.$eval("#round-out", (e) => e.textContent);
    check(r1.startsWith("round 1 "), `Home steps to the first round: '${r1}'`);
    const offers1 = await page.$$eval("#chart svg circle.session-offer", (c) => c.length);
    check(offers1 > 0, `round 1's offers drawn (${offers1})`);
    await page.keyboard.press("End");
    const offersAll = await page.$$eval("#chart svg circle.session-offer", (c) => c.length);
    check(offersAll > offers1, `all rounds' offers drawn (${offersAll})`);

    // exports through the page's buttons: real downloads into a folder of ours
    const dl = path.join(process.env.HOME, "downloads");
    fs.mkdirSync(dl);
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: dl });
    await page.click("#export");
    const ytext = await downloaded(dl, "scenario-edited.yaml");
    check(ytext !== null, "Export scenario downloads scenario-edited.yaml");
    if (ytext !== null) {
      check(ytext === yaml, "the exported scenario is /api/export's for the page's change list");
      const ei = cli(["info", "--json", path.join(dl, "scenario-edited.yaml")]);
      const ru = ei.parties.find((p) => p.name === "Russia"), uk = ei.parties.find((p) => p.name === "Ukraine");
      check(Math.abs(ru.weights.donbas - wwant) < 1e-12 && !ru.red_lines.some((r) => r.name === "whole-donbas") &&
            uk.red_lines.some((r) => r.rule === "weapons >= 10") && uk.reservation === Number(want),
            "parley info reads the exported scenario, with the page's changes in it");
    }
    await page.click("#report");
    const html = await downloaded(dl, "parley-report.html");
    check(html !== null && html.startsWith("<!DOCTYPE html>") && html.trimEnd().endsWith("</html>") &&
          html.includes("Abu Dhabi trilateral talks"), "Export report downloads parley report's HTML");

    // save: a new file in the save folder, written whole; the given scenario untouched; an existing name refused
    const given = fs.readFileSync(file);
    page.once("dialog", (d) => d.accept("console-saved.yaml"));
    await page.click("#save");
    await page.waitForFunction(() => document.getElementById("busy").textContent.startsWith("saved to"), { timeout: 20000 })
      .catch(() => {});
    const saved = path.join(process.env.SAVE, "console-saved.yaml");
    check(fs.existsSync(saved) && fs.readFileSync(saved, "utf8") === yaml, "Save as… writes the edited scenario to a new file");
    const before = fs.existsSync(saved) ? fs.statSync(saved).mtimeMs : 0;
    page.once("dialog", (d) => d.accept("console-saved.yaml"));
    await page.click("#save");
    await page.waitForFunction(() => document.getElementById("error").textContent.includes("exists"), { timeout: 20000 })
      .then(() => check(true, "saving over an existing file is refused"), () => check(false, "saving over an existing file is refused"));
    check(fs.existsSync(saved) && fs.statSync(saved).mtimeMs === before, "the existing file is left as it was");
    check(Buffer.compare(given, fs.readFileSync(file)) === 0, "the given scenario file is untouched");
    const left = fs.readdirSync(process.env.SAVE).filter((n) => n !== "console-saved.yaml");
    check(left.length === 0, "nothing else written in the save folder" + (left.length ? ": " + left.join(", ") : ""));

    // upload a scenario through the file control: the page switches to it
    const askedBefore = asked.length;
    await (await page.$("#upload")).uploadFile(path.resolve("examples/buyer-seller.yaml"));
    await settled("parley analyze buyer-seller.yaml");
    check(asked.length === askedBefore, `no /api/stability asked for a scenario without the section (${asked.length - askedBefore} asked)`);
    const bsHidden = await page.$eval("#stability-section", (e) => e.hidden && !e.checkVisibility());
    check(bsHidden, "a scenario without a stability: section: the stability section is hidden");
    const nsc = await page.$$eval("#scenario option", (o) => o.length);
    check(nsc === 2, `the uploaded scenario is listed (${nsc} scenarios)`);
    const bs = cli(["analyze", "examples/buyer-seller.yaml", "--json"]);
    const bshown = await page.$eval("#count", (e) => e.getAttribute("data-agreements"));
    check(bshown === String(bs.agreements), `the uploaded scenario: the page shows ${bshown} deals, parley analyze ${bs.agreements}`);
    await page.select("#scenario", "0");
    await settled("parley analyze " + file);
    await stabilityShown("back to the first scenario", "seq", stab(file, "seq"));
    await page.focus('details.weights[data-party="Russia"] summary');
    await page.keyboard.press("Enter");

    // the screenshot, and its colours counted in a canvas
    await page.evaluate(() => window.scrollTo(0, 0));
    const png = await page.screenshot({ fullPage: false, encoding: "base64" });
    require("fs").writeFileSync(process.env.SHOT, Buffer.from(png, "base64"));
    const probe = await browser.newPage();
    const colours = await probe.evaluate(async (b64) => {
      const img = new Image();
      img.src = "data:image/png;base64," + b64;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.width; c.height = img.height;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data, seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return { n: seen.size, w: img.width, h: img.height };
    }, png);
    check(colours.w === 1280 && colours.h === 800, `screenshot ${colours.w}x${colours.h}`);
    check(colours.n >= 20, `the screenshot is not blank (${colours.n} colours sampled)`);
    check(errors.length === 0, "no error in the page" + (errors.length ? ": " + errors.join("; ") : ""));
  } finally {
    await browser.close();
  }
  if (fails.length) { console.log(fails.length + " failure(s)"); process.exit(1); }
  console.log("ok");
})().catch((e) => { console.log("FAIL " + (e && e.stack || e)); process.exit(1); });
