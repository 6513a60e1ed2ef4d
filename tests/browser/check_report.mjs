// Checks, in headless Chromium, that a page written by `rubric report` keeps
// its contract: self-contained, every chart visible on screen and in print,
// no horizontal overflow.  Prints one "ok - WHAT" / "not ok - WHAT: detail"
// line per check.  Exit 0 all passed, 1 some failed, 2 could not check.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cspProblems, launch, openOffline, reportRequests, tally } from './offline_page.mjs';

const SHAPES = 'rect,path,line,polyline,polygon,circle,ellipse,text';

function usage(why) {
  console.error(`check_report: ${why}`);
  console.error('usage: node check_report.mjs PAGE.html [--charts N]');
  process.exit(2);
}

const args = process.argv.slice(2);
let file = null;
let wantCharts = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--charts') {
    wantCharts = Number(args[++i]);
    if (!Number.isInteger(wantCharts) || wantCharts < 1) usage('--charts needs a positive whole number');
  } else if (file === null && !args[i].startsWith('-')) {
    file = args[i];
  } else {
    usage(`unexpected argument ${args[i]}`);
  }
}
if (file === null) usage('no page given');
if (!existsSync(file)) usage(`no such file: ${file}`);
const pageUrl = pathToFileURL(resolve(file)).href;

const t = tally();
const report = t.report;

// Runs inside the page, so it may use only what the page's DOM offers.
// In print the page cannot scroll sideways: a chart must fit the paper.
function chartProblems({ shapes, print }) {
  const problems = [];
  const pageRight = print ? window.innerWidth : document.documentElement.scrollWidth;
  document.querySelectorAll('figure.chart').forEach((fig, i) => {
    const name = `chart ${i + 1}`;
    const svg = fig.querySelector('svg');
    if (!svg) {
      problems.push(`${name}: no svg`);
      return;
    }
    const box = svg.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) problems.push(`${name}: svg box is ${box.width}x${box.height}`);
    if (getComputedStyle(svg).visibility !== 'visible') problems.push(`${name}: svg is not visibility:visible`);
    // display and opacity are not inherited, so any ancestor can hide the chart.
    for (let el = svg; el; el = el.parentElement) {
      const s = getComputedStyle(el);
      const tag = `<${el.tagName.toLowerCase()}>`;
      if (s.display === 'none') problems.push(`${name}: display:none on ${tag}`);
      if (Number(s.opacity) === 0) problems.push(`${name}: opacity 0 on ${tag}`);
      if (el !== svg && s.overflowX !== 'visible') {
        const clip = el.getBoundingClientRect();
        if (box.left < clip.left - 1 || box.right > clip.right + 1) problems.push(`${name}: clipped by ${tag}`);
      }
    }
    const left = box.left + window.scrollX;
    const right = box.right + window.scrollX;
    if (left < 0 || right > pageRight + 1) problems.push(`${name}: spans ${Math.round(left)}..${Math.round(right)}px, ${print ? 'paper' : 'page'} is ${pageRight}px wide`);
    const drawn = [...svg.querySelectorAll(shapes)].some((el) => {
      const b = el.getBoundingClientRect();
      return b.width > 0 || b.height > 0;
    });
    if (!drawn) problems.push(`${name}: svg draws no shape`);
  });
  return problems;
}

function structureProblems() {
  const problems = [];
  document.querySelectorAll('figure.chart').forEach((fig, i) => {
    const name = `chart ${i + 1}`;
    const svgs = fig.querySelectorAll('svg:not(svg svg)');
    if (svgs.length !== 1) {
      problems.push(`${name}: ${svgs.length} svg elements, want 1`);
      return;
    }
    const svg = svgs[0];
    if (svg.getAttribute('role') !== 'img') problems.push(`${name}: svg lacks role="img"`);
    if (!(svg.getAttribute('aria-label') || '').trim()) problems.push(`${name}: svg lacks an aria-label`);
    const caption = fig.querySelector(':scope > figcaption');
    if (!caption || !caption.textContent.trim()) problems.push(`${name}: no figcaption text`);
  });
  for (const sel of ['h1', '.policy']) {
    const el = document.querySelector(sel);
    if (!el) problems.push(`no ${sel}`);
    else if (!el.textContent.trim()) problems.push(`${sel} is empty`);
  }
  return problems;
}

function overflowProblems() {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) problems.push(`page is ${doc.scrollWidth}px wide`);
  document.querySelectorAll('figure.chart svg:not(svg svg)').forEach((svg, i) => {
    const box = svg.getBoundingClientRect();
    if (box.right > window.innerWidth + 1) problems.push(`chart ${i + 1} reaches ${Math.round(box.right)}px`);
  });
  return problems;
}

const browser = await launch('check_report');
const seen = await openOffline(browser, pageUrl, 'page', report);
const page = seen.page;

if (seen.loaded) {
  report('page declares Content-Security-Policy default-src \'none\'', await page.evaluate(cspProblems));

  const charts = await page.locator('figure.chart').count();
  const countWhat = wantCharts === null ? 'page has at least one chart' : `page has ${wantCharts} charts`;
  const countOk = wantCharts === null ? charts > 0 : charts === wantCharts;
  report(countWhat, countOk ? [] : [`found ${charts} figure.chart`]);

  report('charts, h1 and .policy are well formed', await page.evaluate(structureProblems));
  report('screen: every chart is visible and draws something', await page.evaluate(chartProblems, { shapes: SHAPES, print: false }));

  // Print layout is narrower than a screen: lay the page out at A4 width.
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.emulateMedia({ media: 'print' });
  report('print: every chart is visible and draws something', await page.evaluate(chartProblems, { shapes: SHAPES, print: true }));
  try {
    const pdf = await page.pdf({ format: 'A4' });
    report('print: PDF is written', pdf.length > 0 && pdf.subarray(0, 5).toString() === '%PDF-' ? [] : ['empty or not a PDF']);
  } catch (err) {
    report('print: PDF is written', [err.message.split('\n')[0]]);
  }
  await page.emulateMedia({ media: 'screen' });

  for (const width of [1280, 800]) {
    await page.setViewportSize({ width, height: 900 });
    report(`no horizontal overflow at ${width}px`, await page.evaluate(overflowProblems));
  }
}

reportRequests(seen, pageUrl, report);

await browser.close();
console.log(`${t.passed} passed, ${t.failed} failed`);
process.exit(t.failed > 0 ? 1 : 0);
