// Checks, in headless Chromium, that a page written by `rubric report` keeps
// its contract: self-contained, every chart visible on screen and in print,
// no horizontal overflow.  Prints one "ok - WHAT" / "not ok - WHAT: detail"
// line per check.  Exit 0 all passed, 1 some failed, 2 could not check.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.RUBRIC_CHROMIUM || '/usr/bin/chromium';
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

let failed = 0;
let passed = 0;
function report(what, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok - ${what}`);
  } else {
    failed++;
    console.log(`not ok - ${what}: ${problems.join('; ')}`);
  }
}

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

function cspProblems() {
  const meta = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
  if (!meta) return ['no Content-Security-Policy meta'];
  const directives = (meta.getAttribute('content') || '').split(';').map((d) => d.trim().split(/\s+/));
  const dflt = directives.find((d) => d[0] === 'default-src');
  return dflt && dflt.length === 2 && dflt[1] === "'none'" ? [] : ["default-src is not 'none'"];
}

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root cannot use Chromium's sandbox; the rest keep Chromium from
    // reaching out to Google's services on a machine with no network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
} catch (err) {
  console.error(`check_report: cannot launch ${CHROMIUM}: ${err.message.split('\n')[0]}`);
  console.error('check_report: sh tools/ensure-test-deps.sh installs it');
  process.exit(2);
}

const requests = [];
const failedRequests = [];
const consoleErrors = [];
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
context.on('request', (r) => requests.push(r.url()));
context.on('requestfailed', (r) => failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
// Anything but the page itself is stopped here, so a bad page is caught
// without the test ever touching the network.
await context.route('**/*', (route) => {
  const url = route.request().url();
  return url === pageUrl || url.startsWith('data:') ? route.continue() : route.abort('blockedbyclient');
});
const page = await context.newPage();
page.setDefaultTimeout(15000);
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (err) => consoleErrors.push(err.message));

let loaded = true;
try {
  await page.goto(pageUrl, { waitUntil: 'load' });
  report('page loads', []);
} catch (err) {
  loaded = false;
  report('page loads', [err.message.split('\n')[0]]);
}

if (loaded) {
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

// Reported last so that requests made by the print and narrow layouts count too.
const foreign = [...new Set(requests.filter((u) => u !== pageUrl && !u.startsWith('data:')))];
report('no request other than the page itself', foreign);
report('no failed request', failedRequests);
report('no console error or CSP violation', consoleErrors);

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
