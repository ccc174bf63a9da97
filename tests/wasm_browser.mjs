// SPDX-License-Identifier: MIT
// The page of make wasm in Debian's Chromium, headless, driven by
// playwright-core (no browser download: executablePath).  It serves the
// built page from a server of its own on 127.0.0.1, gives the page
// sql/predictions.csv, reads the log loss per model it shows and holds it
// to the native bce() over the same file (WANT, computed by tests/wasm.sh
// with the sqlite3 shell), checks the reliability diagram's bins, gives it a
// CSV with a bad row and looks for the extension's message next to it, and
// fails on any request beyond the page's own files.  Prints ok/FAIL lines.
//
//   node tests/wasm_browser.mjs PAGE_DIR CSV WANT_JSON SCREENSHOT_DIR
//     WANT_JSON: {"model": "loss as 17 digits", ...}
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.cwd(), 'noop.js'));
const { chromium } = require('playwright-core');

const [pageDir, csv, wantJson, shots] = process.argv.slice(2);
const want = JSON.parse(wantJson);
let failures = 0;
const report = (ok, name, why) => {
  if (!ok) failures++;
  console.log(ok ? `ok|browser: ${name}` : `FAIL|browser: ${name}|${String(why).replace(/\n/g, ' ').slice(0, 600)}`);
};

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
                '.wasm': 'application/wasm' };
const served = [];
const server = http.createServer((req, res) => {
  const name = path.basename(new URL(req.url, 'http://x').pathname) || 'index.html';
  const file = path.join(pageDir, name);
  served.push(req.url);
  if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

// The flags docs/hosts.md lists: a closed network refuses Chromium's own
// background connections, so they are turned off.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const foreign = [];
try {
  const page = await browser.newPage();
  page.on('request', (r) => { if (!r.url().startsWith(origin + '/')) foreign.push(r.url()); });
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(origin + '/index.html');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  report(await page.isVisible('#private'), 'the page says nothing leaves the machine', 'no #private');

  // sql/predictions.csv: the log loss per model, against the native bce()
  await page.setInputFiles('#file', csv);
  await page.waitForSelector('#results:not([hidden])', { timeout: 60000 });
  const rows = await page.$$eval('#summary tbody tr', (trs) =>
    trs.map((tr) => [tr.dataset.model, tr.querySelector('td.loss').textContent]));
  report(rows.length === Object.keys(want).length, `one row per model (${Object.keys(want).length})`,
         JSON.stringify(rows));
  for (const [model, shown] of rows) {
    // both sides are doubles printed to round-trip: equal text, equal bits
    report(Number(shown) === Number(want[model]),
           `model ${model}: the log loss shown (${shown}) is the native bce()'s, bit for bit`,
           `shown ${shown}, native ${want[model]}`);
  }
  for (const model of Object.keys(want)) {
    const bins = await page.$$eval(`svg.reliability[data-model="${model}"] rect.bin`, (r) => r.length);
    const hist = await page.$$eval(`svg.histogram[data-model="${model}"] rect.hist`, (r) => r.length);
    report(bins >= 1 && bins <= 10 && hist === bins,
           `model ${model}: a reliability diagram and a histogram, one bar per non-empty bin of 10`,
           `${bins} bins, ${hist} histogram bars`);
  }
  await page.screenshot({ path: path.join(shots, 'wasm-page.png'), fullPage: true });
  report(fs.statSync(path.join(shots, 'wasm-page.png')).size > 10000, 'a screenshot of the page',
         'tiny or missing');

  // the same file with empty fields kept: the extension's message for the
  // first bad row, named by its line in the file
  await page.uncheck('#skip-empty');
  await page.click('#score');
  await page.waitForSelector('#error:not([hidden])', { timeout: 30000 });
  const error = await page.textContent('#error');
  report(/^Line 4 of the file \(id="3".*prob=""\):\nbce\(\): p must be a number, got ''; an empty CSV field\? nullif\(p, ''\) reads it as NULL$/.test(error),
         'an empty field, kept: the extension\'s message next to line 4, the row with it', error);

  // a bad value deep in a 10^5-row file: found by halving, message beside it
  const big = path.join(os.tmpdir(), `bce-wasm-${process.pid}.csv`);
  const lines = ['model,label,prob'];
  for (let i = 0; i < 100000; i++) lines.push(`m${i % 3},${i % 2},${((i * 7919) % 9973 + 1) / 9975}`);
  lines[73422] = 'm1,1,1.7';
  fs.writeFileSync(big, lines.join('\n') + '\n');
  await page.check('#skip-empty');
  await page.setInputFiles('#file', big);
  await page.waitForSelector('#error:not([hidden])', { timeout: 120000 });
  const bigError = await page.textContent('#error');
  fs.unlinkSync(big);
  report(/^Line 73423 of the file \(model="m1", label="1", prob="1\.7"\):\nbce\(\): p must be in \[0, 1\], got 1\.7; percentages\? p \/ 100\.0 reads them as probabilities; logits\? use bce_logits\(\)$/.test(bigError),
         'a p of 1.7 on line 73423 of 10^5: the extension\'s message, next to that line', bigError);
  report(consoleErrors.length === 0, 'no script error on the page', consoleErrors.join('; '));
} finally {
  await browser.close();
  server.close();
}
report(foreign.length === 0, 'no request beyond the page\'s own files', foreign.join(', '));
report(served.every((u) => /^\/(index\.html|page\.js|sqlite-bce\.mjs|sqlite-bce-core\.mjs|sqlite-bce-core\.wasm|favicon\.ico)?$/.test(u)),
       'the server was asked for the page\'s files only', served.join(', '));
process.exit(failures ? 1 : 0);
