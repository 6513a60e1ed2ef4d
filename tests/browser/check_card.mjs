// Checks, in headless Chromium, a scorecard written by
// `rubric report POLICY DATA --account ID -o card.html` against
// `rubric explain POLICY DATA --account ID --format json` for the same
// account: every measure's band and next band, every roll-up's band and
// score, the other figures; that it is self-contained and accessible (table
// headers, bands as words, not color alone); and that it prints on one A4
// page and one Letter page with no row cut and nothing wider than the paper.
// Prints one "ok - WHAT" / "not ok - WHAT: detail" line per check.  Exit 0
// all passed, 1 some failed, 2 could not check.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cspProblems, launch, openOffline, reportRequests, tally } from './offline_page.mjs';


function usage(why) {
  console.error(`check_card: ${why}`);
  console.error('usage: node check_card.mjs CARD.html EXPLAIN.json');
  process.exit(2);
}

const [file, explainFile, ...extra] = process.argv.slice(2);
if (!file || !explainFile || extra.length) usage('want a page and explain\'s JSON');
for (const f of [file, explainFile]) if (!existsSync(f)) usage(`no such file: ${f}`);
let explained;
try {
  explained = JSON.parse(readFileSync(explainFile, 'utf8'));
} catch (err) {
  usage(`${explainFile}: ${err.message}`);
}
const pageUrl = pathToFileURL(resolve(file)).href;

const t = tally();
const report = t.report;

// What the page says, read from its DOM (runs in the page).
function readCard() {
  const cell = (tr, cls) => tr.querySelector(`td.${cls}`);
  const measures = {};
  document.querySelectorAll('tr[data-measure]').forEach((tr) => {
    const band = cell(tr, 'band');
    const next = cell(tr, 'next');
    measures[tr.dataset.measure] = {
      band: band ? band.dataset.band : undefined,
      bandText: band ? band.textContent.trim() : '',
      next: next && next.dataset.band !== undefined
        ? { band: next.dataset.band, input: next.dataset.input, value: Number(next.dataset.value) } : null,
      nextText: next ? next.textContent.trim() : '',
    };
  });
  const groups = {};
  document.querySelectorAll('tr[data-group]').forEach((tr) => {
    const band = cell(tr, 'band');
    const score = tr.querySelector('td[data-score]');
    groups[tr.dataset.group] = { band: band ? band.dataset.band : undefined, bandText: band ? band.textContent.trim() : '',
      score: score ? score.dataset.score : undefined };
  });
  const rollups = {};
  document.querySelectorAll('tr[data-rollup]').forEach((tr) => {
    const band = cell(tr, 'band');
    rollups[tr.dataset.rollup] = band ? band.dataset.band : undefined;
  });
  const figures = {};
  document.querySelectorAll('tr[data-figure]').forEach((tr) => {
    figures[tr.dataset.figure] = tr.querySelector('td').dataset.value;
  });
  const h1 = document.querySelector('h1');
  return { measures, groups, rollups, figures, account: h1 ? h1.dataset.account : null };
}

function accessibilityProblems() {
  const problems = [];
  const tables = document.querySelectorAll('table');
  if (!tables.length) problems.push('no table');
  tables.forEach((t, i) => {
    const cols = t.querySelectorAll('thead th[scope="col"]');
    const width = Math.max(...[...t.querySelectorAll('tr')].map((r) => [...r.cells].reduce((n, c) => n + c.colSpan, 0)));
    if (cols.length !== width) problems.push(`table ${i + 1}: ${cols.length} column headers for ${width} columns`);
    if (!t.querySelector('caption') || !t.querySelector('caption').textContent.trim()) problems.push(`table ${i + 1}: no caption`);
    t.querySelectorAll('tbody tr').forEach((r) => {
      if (!r.querySelector('th[scope="row"], th[scope="rowgroup"]')) problems.push(`table ${i + 1}: a row without a row header`);
    });
  });
  // A band said by color alone would leave a chip and no word.
  document.querySelectorAll('td.band').forEach((td) => {
    if (!td.textContent.trim()) problems.push('a band cell with no word');
    td.querySelectorAll('.chip').forEach((chip) => {
      if (chip.getAttribute('aria-hidden') !== 'true') problems.push('a color chip not hidden from screen readers');
    });
  });
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  if (!document.title.trim()) problems.push('no title');
  return problems;
}

function overflowProblems() {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) problems.push(`page is ${doc.scrollWidth}px wide in a ${window.innerWidth}px window`);
  document.querySelectorAll('table').forEach((t, i) => {
    const b = t.getBoundingClientRect();
    if (b.right > window.innerWidth + 1) problems.push(`table ${i + 1} reaches ${Math.round(b.right)}px`);
  });
  return problems;
}

// Pages of a PDF Chromium wrote: its page objects.
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

// explain's JSON numbers are cJSON's, 15 significant digits where that
// reads back close enough: equal within a few units of the 15th digit.
function near(a, b) {
  return a === b || Math.abs(a - b) <= 1e-13 * Math.max(1, Math.abs(b));
}

function compareWithExplain(card) {
  const problems = [];
  if (card.account !== explained.account) problems.push(`account ${card.account}, explain's ${explained.account}`);
  let shown = 0;
  for (const step of explained.steps) {
    if (step.kind === 'measure') {
      shown++;
      const row = card.measures[step.name];
      if (!row) {
        problems.push(`${step.name}: no row`);
        continue;
      }
      const band = step.band === null ? '' : step.band;
      if (row.band !== band) problems.push(`${step.name}: band ${JSON.stringify(row.band)}, explain's ${JSON.stringify(band)}`);
      const want = step.next_band || null;
      if (JSON.stringify(row.next) !== JSON.stringify(want)) {
        problems.push(`${step.name}: next band ${JSON.stringify(row.next)}, explain's ${JSON.stringify(want)}`);
      }
      if (want && !(row.nextText.includes(want.band) && row.nextText.includes(String(want.value)))) {
        problems.push(`${step.name}: the next band's text "${row.nextText}" does not say it`);
      }
    } else if (step.kind === 'group') {
      const row = card.groups[step.name];
      shown++;
      if (!row) {
        problems.push(`${step.name}: no row in the summary`);
        continue;
      }
      const band = step.band === null ? '' : step.band;
      if (row.band !== band) problems.push(`${step.name}: band ${JSON.stringify(row.band)}, explain's ${JSON.stringify(band)}`);
      if (step.name in card.rollups && card.rollups[step.name] !== band) {
        problems.push(`${step.name} as a member: band ${JSON.stringify(card.rollups[step.name])}, explain's ${JSON.stringify(band)}`);
      }
      const score = step.score === null ? 'na' : step.score;
      if (!(row.score === 'na' ? score === 'na' : near(Number(row.score), score))) {
        problems.push(`${step.name}: score ${row.score}, explain's ${score}`);
      }
    } else if (step.name in card.figures && typeof step.value === 'number') {
      shown++;
      if (!near(Number(card.figures[step.name]), step.value)) problems.push(`${step.name}: ${card.figures[step.name]}, explain's ${step.value}`);
    }
  }
  const extra = Object.keys(card.measures).filter((m) => !explained.steps.some((s) => s.name === m && s.kind === 'measure'));
  if (extra.length) problems.push(`rows explain does not have: ${extra.join(', ')}`);
  if (!shown) problems.push('the card shows nothing explain shows');
  return problems;
}

const browser = await launch('check_card');
const seen = await openOffline(browser, pageUrl, 'card', report);
const page = seen.page;

if (seen.loaded) {
  report('card declares Content-Security-Policy default-src \'none\'', await page.evaluate(cspProblems));
  report('card says what explain says for the account', compareWithExplain(await page.evaluate(readCard)));
  report('tables have headers and captions; bands are words, not color alone', await page.evaluate(accessibilityProblems));
  for (const width of [1280, 400]) {
    await page.setViewportSize({ width, height: 900 });
    report(`screen: no horizontal overflow at ${width}px`, await page.evaluate(overflowProblems));
  }
  // The paper's printable width at 12 mm margins: A4 186 mm, Letter 191.9 mm.
  await page.emulateMedia({ media: 'print' });
  for (const [format, px] of [['A4', 703], ['Letter', 725]]) {
    await page.setViewportSize({ width: px, height: 1000 });
    report(`print ${format}: nothing wider than the paper`, await page.evaluate(overflowProblems));
    try {
      const pdf = await page.pdf({ format, preferCSSPageSize: true });
      const pages = pdfPages(pdf);
      report(`print ${format}: one page`, pages === 1 ? [] : [`${pages} pages`]);
    } catch (err) {
      report(`print ${format}: one page`, [err.message.split('\n')[0]]);
    }
  }
}

reportRequests(seen, pageUrl, report);
await browser.close();
console.log(`${t.passed} passed, ${t.failed} failed`);
process.exit(t.failed > 0 ? 1 : 0);
