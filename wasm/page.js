// SPDX-License-Identifier: MIT
// The page of make wasm: a CSV of predictions in, the log loss per model,
// a reliability diagram and a histogram of the predictions out, computed
// by SQLite and sqlite-bce in WebAssembly in this tab.  The CSV's fields go
// into SQLite as TEXT, as `.import` puts them: the extension reads each
// number correctly rounded (its rule 3), so the numbers here are the
// native bce()'s.
import open from './sqlite-bce.mjs';

const $ = (id) => document.getElementById(id);
const BINS = 10;
const BATCH = 200;            // rows in one INSERT

let db = null;
let header = [];
let records = [];

// ---------------------------------------------------------------- CSV

// RFC 4180: fields split on commas, quotes around a field that holds a
// comma, a quote (doubled) or a line break; CRLF or LF between records.
function* parseCsv(text, at) {
  let field = '';
  let row = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field); field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      at.i = i;
      yield row;
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); yield row; }
}

// the header names that usually mean each column
const GUESS = {
  y: /^(y|label|labels|target|truth|y_true|actual|class|outcome)$/i,
  p: /^(p|prob|proba|probability|pred|prediction|score|y_pred|y_prob|y_score)$/i,
  z: /^(z|logit|logits|margin|raw_score)$/i,
  model: /^(model|model_name|name|run|variant)$/i,
  w: /^(w|weight|weights|sample_weight)$/i,
};

function fillSelect(sel, guess, optional) {
  sel.innerHTML = '';
  if (optional) sel.add(new Option('(none)', ''));
  header.forEach((h, i) => sel.add(new Option(h, String(i))));
  const at = header.findIndex((h) => guess.test(h.trim()));
  sel.value = at >= 0 ? String(at) : (optional ? '' : '0');
}

function showError(text) {
  $('error').textContent = text;
  $('error').hidden = false;
}

async function progress(done, total, what, unit = 'rows') {
  $('progress').hidden = false;
  $('bar').value = total ? done / total : 0;
  $('status').textContent = `${what}: ${done.toLocaleString()} of ${total.toLocaleString()} ${unit}`;
  await new Promise((r) => setTimeout(r, 0));   // let the page repaint
}

async function readFile(file) {
  $('error').hidden = true;
  $('results').hidden = true;
  const text = await file.text();
  records = [];
  const at = { i: 0 };
  header = null;
  for (const row of parseCsv(text, at)) {
    if (header === null) { header = row; continue; }
    if (row.length === 1 && row[0] === '') continue;      // a blank line
    records.push(row);
    if (records.length % 50000 === 0) await progress(at.i, text.length, 'reading', 'bytes');
  }
  if (!header || !records.length) {
    showError('The file has no rows under a header row.');
    return;
  }
  fillSelect($('col-y'), GUESS.y, false);
  const logitAt = header.findIndex((h) => GUESS.z.test(h.trim()));
  fillSelect($('col-p'), logitAt >= 0 && header.findIndex((h) => GUESS.p.test(h.trim())) < 0 ? GUESS.z : GUESS.p, false);
  $('kind').value = GUESS.z.test(header[Number($('col-p').value)].trim()) ? 'logit' : 'prob';
  fillSelect($('col-model'), GUESS.model, true);
  fillSelect($('col-w'), GUESS.w, true);
  $('columns').hidden = false;
  $('progress').hidden = true;
  await score();
}

// ---------------------------------------------------------------- scoring

function column(sel) {
  return sel.value === '' ? -1 : Number(sel.value);
}

// The rows into a fresh table: every field as TEXT (as .import puts it),
// or NULL where the row is to be skipped.  rowno is the record's number,
// so that an error can name the line of the file.
async function load() {
  if (db) db.close();
  db = await open();
  const cy = column($('col-y')); const cp = column($('col-p'));
  const cm = column($('col-model')); const cw = column($('col-w'));
  const skip = $('skip-empty').checked;
  db.exec('CREATE TABLE preds(rowno INTEGER PRIMARY KEY, model TEXT, y, p, w)');
  db.exec('BEGIN');
  let skipped = 0;
  for (let start = 0; start < records.length; start += BATCH) {
    const params = [];
    const rows = records.slice(start, start + BATCH);
    rows.forEach((r, k) => {
      let y = r[cy] ?? ''; let p = r[cp] ?? '';
      let w = cw >= 0 ? (r[cw] ?? '') : '1';
      if (skip && (y.trim() === '' || p.trim() === '' || w.trim() === '')) {
        skipped++;
        y = null; p = null; w = null;         // a NULL row: bce() skips it
      }
      params.push(start + k + 1, cm >= 0 ? (r[cm] ?? '') : 'all', y, p, w);
    });
    db.exec('INSERT INTO preds VALUES ' + rows.map(() => '(?, ?, ?, ?, ?)').join(', '), params);
    if ((start / BATCH) % 250 === 0) await progress(start, records.length, 'loading');
  }
  db.exec('COMMIT');
  return skipped;
}

function lossCall() {
  const fn = $('kind').value === 'logit' ? 'bce_logits' : 'bce';
  const w = column($('col-w')) >= 0 ? ', w' : '';
  return { fn, sql: `${fn}(y, p${w})` };
}

// The row behind an error: halve the rowno range the loss fails on until
// one row is left (about 20 queries for 10^6 rows).
function failingRow(sql) {
  let lo = 1; let hi = records.length;
  const fails = (a, b) => {
    try {
      db.exec(`SELECT ${sql} FROM preds WHERE rowno BETWEEN ? AND ?`, [a, b]);
      return false;
    } catch (e) {
      return e.message;
    }
  };
  let message = fails(lo, hi);
  if (!message) return null;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const m = fails(lo, mid);
    if (m) { hi = mid; message = m; } else lo = mid + 1;
  }
  return { rowno: lo, message };
}

async function score() {
  $('error').hidden = true;
  $('results').hidden = true;
  const skipped = await load();
  const { fn, sql } = lossCall();
  let rows;
  try {
    rows = db.exec(`SELECT model, count(p), ${sql} FROM preds GROUP BY model ORDER BY model`);
  } catch (e) {
    const bad = failingRow(sql);
    if (bad) {
      const r = records[bad.rowno - 1];
      showError(`Line ${bad.rowno + 1} of the file (${header.map((h, i) => `${h}=${JSON.stringify(r[i] ?? '')}`).join(', ')}):\n${bad.message}`);
    } else {
      showError(e.message);
    }
    $('progress').hidden = true;
    return;
  }
  const perModelSkipped = new Map(db.exec(
    'SELECT model, count(*) - count(p) FROM preds GROUP BY model').map((r) => [r[0], r[1]]));
  const tbody = $('summary').querySelector('tbody');
  tbody.innerHTML = '';
  for (const [model, n, loss] of rows) {
    const tr = tbody.insertRow();
    tr.className = 'model-row';
    tr.dataset.model = model;
    const cells = [model, n, perModelSkipped.get(model) ?? 0,
                   loss === null ? 'NULL' : String(loss), `${fn}()`];
    cells.forEach((v, i) => {
      const td = tr.insertCell();
      td.textContent = v;
      if (i === 0 || i === 4) td.className = 'text';
      if (i === 3) td.className = 'loss';
    });
  }
  $('clip').textContent = fn === 'bce'
    ? `Probabilities are clipped to [eps, 1 - eps] with eps = 2^-52 (2.220446049250313e-16), the extension's default (scikit-learn 1.5 and later). ${skipped} rows skipped for an empty field.`
    : `Logits need no clip. ${skipped} rows skipped for an empty field.`;
  drawPlots(fn);
  $('results').hidden = false;
  $('progress').hidden = true;
}

// ---------------------------------------------------------------- plots

const NS = 'http://www.w3.org/2000/svg';
function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// Per model and bin of the predicted probability: the mean prediction,
// the observed rate of label 1 and the count (SQL does the sums).
function bins(fn) {
  const q = fn === 'bce_logits' ? 'sigmoid(p)' : 'p';
  return db.exec(`SELECT model, min(CAST(q * ${BINS} AS INTEGER), ${BINS - 1}) AS bin,
      avg(q), avg(y), count(*) FROM (SELECT model, ${q} + 0.0 AS q, y + 0.0 AS y
      FROM preds WHERE p IS NOT NULL) GROUP BY model, bin ORDER BY model, bin`);
}

function drawPlots(fn) {
  const plots = $('plots');
  plots.innerHTML = '';
  const byModel = new Map();
  for (const [model, bin, meanQ, rate, n] of bins(fn)) {
    if (!byModel.has(model)) byModel.set(model, []);
    byModel.get(model).push({ bin, meanQ, rate, n });
  }
  for (const [model, list] of byModel) {
    const div = document.createElement('div');
    div.className = 'model';
    div.append(document.createElement('h3'));
    div.firstChild.textContent = model;
    div.append(reliability(model, list), histogram(model, list));
    plots.append(div);
  }
}

const W = 260; const H = 260; const M = 34;
const sx = (x) => M + x * (W - 2 * M);
const sy = (y) => H - M - y * (H - 2 * M);

function axes(svg, xLabel, yLabel) {
  svg.append(el('line', { x1: sx(0), y1: sy(0), x2: sx(1), y2: sy(0), stroke: '#333' }));
  svg.append(el('line', { x1: sx(0), y1: sy(0), x2: sx(0), y2: sy(1), stroke: '#333' }));
  for (const t of [0, 0.5, 1]) {
    svg.append(el('text', { x: sx(t), y: H - M + 14, 'text-anchor': 'middle' }, String(t)));
    svg.append(el('text', { x: M - 4, y: sy(t) + 4, 'text-anchor': 'end' }, String(t)));
  }
  svg.append(el('text', { x: W / 2, y: H - 4, 'text-anchor': 'middle' }, xLabel));
  svg.append(el('text', { x: 8, y: H / 2, transform: `rotate(-90 8 ${H / 2})`, 'text-anchor': 'middle' }, yLabel));
}

// The reliability diagram: one bar per bin, the observed rate of label 1
// against the bin; the diagonal is a calibrated model.
function reliability(model, list) {
  const svg = el('svg', { width: W, height: H, class: 'reliability', 'data-model': model, role: 'img' });
  svg.append(el('title', {}, `Reliability diagram of ${model}: observed rate of label 1 per bin of the prediction`));
  axes(svg, 'predicted probability', 'observed rate');
  svg.append(el('line', { x1: sx(0), y1: sy(0), x2: sx(1), y2: sy(1), stroke: '#999', 'stroke-dasharray': '4 3' }));
  for (const b of list) {
    const x0 = sx(b.bin / BINS); const x1 = sx((b.bin + 1) / BINS);
    const r = el('rect', { class: 'bin', x: x0 + 1, y: sy(b.rate), width: x1 - x0 - 2,
                           height: sy(0) - sy(b.rate), fill: '#5b8ad6' });
    r.append(el('title', {}, `${b.bin / BINS}–${(b.bin + 1) / BINS}: ${b.n} rows, mean prediction ${b.meanQ.toFixed(3)}, observed ${b.rate.toFixed(3)}`));
    svg.append(r);
    svg.append(el('circle', { cx: sx(b.meanQ), cy: sy(b.rate), r: 3, fill: '#c43a3a' }));
  }
  return svg;
}

// The histogram of the predictions: rows per bin.
function histogram(model, list) {
  const svg = el('svg', { width: W, height: H, class: 'histogram', 'data-model': model, role: 'img' });
  svg.append(el('title', {}, `Histogram of the predictions of ${model}`));
  axes(svg, 'predicted probability', 'rows (of the fullest bin)');
  const total = list.reduce((s, b) => s + b.n, 0);
  const top = Math.max(...list.map((b) => b.n / total));
  for (const b of list) {
    const x0 = sx(b.bin / BINS); const x1 = sx((b.bin + 1) / BINS);
    const h = (b.n / total) / top;
    svg.append(el('rect', { class: 'hist', x: x0 + 1, y: sy(h), width: x1 - x0 - 2,
                            height: sy(0) - sy(h), fill: '#8fb58f' }));
  }
  return svg;
}

// ---------------------------------------------------------------- SQL

function runSql() {
  const out = $('sql-out');
  out.innerHTML = '';
  if (!db) { out.textContent = 'Load a CSV file first.'; return; }
  try {
    const rows = db.exec($('sql').value);
    const table = document.createElement('table');
    for (const r of rows) {
      const tr = table.insertRow();
      for (const v of r) {
        const td = tr.insertCell();
        td.textContent = v === null ? 'NULL' : v instanceof Uint8Array ? `blob of ${v.length} bytes` : String(v);
      }
    }
    out.append(table);
  } catch (e) {
    out.className = 'error';
    out.textContent = e.message;
  }
}

// ---------------------------------------------------------------- wiring

$('file').addEventListener('change', (e) => { if (e.target.files[0]) readFile(e.target.files[0]); });
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer.files[0]) readFile(e.dataTransfer.files[0]);
});
$('score').addEventListener('click', () => score());
$('run-sql').addEventListener('click', runSql);
document.body.dataset.ready = 'true';
