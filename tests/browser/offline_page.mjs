// offline_page.mjs - what the page checkers share: a tally of ok/not ok
// lines, Chromium launched so that it reaches nothing, a page of rubric's
// opened with nothing but itself allowed to load, and what the page tried
// (requests, failed ones, console errors), reported at the end.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.RUBRIC_CHROMIUM || '/usr/bin/chromium';

export function tally() {
  const t = { passed: 0, failed: 0 };
  t.report = (what, problems) => {
    if (problems.length === 0) {
      t.passed++;
      console.log(`ok - ${what}`);
    } else {
      t.failed++;
      console.log(`not ok - ${what}: ${problems.slice(0, 12).join('; ')}`);
    }
  };
  return t;
}

export async function launch(who) {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      // Root cannot use Chromium's sandbox; the rest keep Chromium from
      // reaching out to Google's services on a machine with no network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    });
  } catch (err) {
    console.error(`${who}: cannot launch ${CHROMIUM}: ${err.message.split('\n')[0]}`);
    console.error(`${who}: sh tools/ensure-test-deps.sh installs it`);
    process.exit(2);
  }
}

// Runs inside the page: a Content-Security-Policy of default-src 'none'.
export function cspProblems() {
  const meta = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
  if (!meta) return ['no Content-Security-Policy meta'];
  const d = (meta.getAttribute('content') || '').split(';').map((x) => x.trim().split(/\s+/)).find((x) => x[0] === 'default-src');
  return d && d.length === 2 && d[1] === "'none'" ? [] : ["default-src is not 'none'"];
}

// Opens pageUrl (a file: URL) and reports whether it loaded as "WHAT loads".
export async function openOffline(browser, pageUrl, what, report) {
  const seen = { requests: [], failedRequests: [], consoleErrors: [], loaded: true };
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.on('request', (r) => seen.requests.push(r.url()));
  context.on('requestfailed', (r) => seen.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
  // Anything but the page itself is stopped here, so a bad page is caught
  // without the test ever touching the network.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    return url === pageUrl || url.startsWith('data:') ? route.continue() : route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(m.text()); });
  page.on('pageerror', (err) => seen.consoleErrors.push(err.message));
  seen.page = page;
  try {
    await page.goto(pageUrl, { waitUntil: 'load' });
    report(`${what} loads`, []);
  } catch (err) {
    seen.loaded = false;
    report(`${what} loads`, [err.message.split('\n')[0]]);
  }
  return seen;
}

// Reported last, so that what the print and narrow layouts asked for counts.
export function reportRequests(seen, pageUrl, report) {
  const foreign = [...new Set(seen.requests.filter((u) => u !== pageUrl && !u.startsWith('data:')))];
  report('no request other than the page itself', foreign);
  report('no failed request', seen.failedRequests);
  report('no console error or CSP violation', seen.consoleErrors);
}
