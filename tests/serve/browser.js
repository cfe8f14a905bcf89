// The console of `parley serve` in a real browser (Debian's Chromium through puppeteer-core): loads the
// page at 1280x800, flips a red line with the mouse, moves a reservation slider with the keyboard, and
// checks that the numbers the page shows are those of `parley whatif --json` for the change list the page
// shows; then takes a screenshot and checks it is not blank (many colours, drawn in a canvas).
// Environment: URL (the page with its token), CHROMIUM, PARLEY (the binary), SHOT (the screenshot's path).
"use strict";
const puppeteer = require("puppeteer-core");
const { execFileSync } = require("child_process");

const fails = [];
function check(ok, what) { if (!ok) fails.push(what); console.log((ok ? "ok   " : "FAIL ") + what); }
function cli(args) { return JSON.parse(execFileSync(process.env.PARLEY, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })); }
// "parley whatif FILE --drop X --set Y" as the page shows it: the words (no quoting needed here)
function words(s) { return s.trim().split(/\s+/); }

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
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
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

    // flip a red line (the mouse), move a slider (the keyboard)
    await page.click('input[data-redline="Russia:whole-donbas"]');
    await settled("--drop Russia:whole-donbas");
    const slider = 'input[type=range][data-party="Ukraine"]';
    const v0 = Number(await page.$eval(slider, (e) => e.value));
    await page.focus(slider);
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
    const want = (Math.round((v0 - 0.05) * 100) / 100).toString();
    await settled("--set Ukraine.reservation=" + want);

    const flags = await page.$eval("#flags", (e) => e.textContent);
    console.log("the page's change list: " + flags);
    const w = words(flags);
    check(w[1] === "whatif", "the change list is a whatif command");
    const ref = cli([...w.slice(1), "--json"]);
    const shown = await page.$eval("#count", (e) => e.getAttribute("data-agreements"));
    check(shown === String(ref.whatif.agreements), `after the changes the page shows ${shown} deals, parley whatif ${ref.whatif.agreements}`);
    const base = await page.$eval("#baseline", (e) => e.textContent);
    check(base.includes("(before the changes: " + ref.baseline.agreements + ")"), `baseline shown: '${base}'`);
    const status = await page.$eval("#status", (e) => e.textContent);
    check((ref.whatif.agreements > 0) === (status === "Deal possible"), `status '${status}'`);
    const nash = await page.$$eval('tr[data-solution="nash"] td', (tds) => tds.map((t) => t.textContent));
    const wantNash = ref.whatif.nash ? ref.whatif.nash.utilities.map((u) => (Math.round(u * 10000) / 10000).toString()) : [];
    check(JSON.stringify(nash) === JSON.stringify(wantNash), `Nash utilities shown ${JSON.stringify(nash)}, whatif ${JSON.stringify(wantNash)}`);
    const marks = await page.$$eval("#chart svg path.solution-mark", (m) => m.length);
    check(marks === (ref.whatif.nash ? 4 : 0), `the chart draws ${marks} fair deals`);
    const dots = await page.$$eval("#chart svg circle", (c) => c.length);
    check(dots > 0, `the chart draws ${dots} frontier points`);

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
    const edited = require("path").join(process.env.HOME, "edited.yaml");
    require("fs").writeFileSync(edited, yaml);
    const neg = cli(["negotiate", edited, "--json", "--seed", "3", "--rounds", "100"]);
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
