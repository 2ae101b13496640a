import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { PHONE } from './browser.js';

// Written beside the screenshots; bench/RESULTS.md keeps the dated entries worth keeping.
const results = path.resolve(import.meta.dirname, '../../test-results/web-measurements.md');

/** Appends a dated entry of the web app's numbers to test-results/web-measurements.md. */
export async function recordMeasurements(numbers: Record<string, number>): Promise<void> {
  await mkdir(path.dirname(results), { recursive: true });
  const lines = Object.entries(numbers).map(([k, v]) => `| ${k} | ${v} |`);
  const entry = [
    '',
    `## ${new Date().toISOString().slice(0, 10)} — web app in headless Chromium (test/e2e)`,
    '',
    'Built web app served by Agora on embedded PGlite, same machine; times are from navigation start',
    'to the first frame showing API data (timed in the page), first visit (new browser context),',
    'median of 3, 390×844 viewport.',
    '',
    '| what | value |',
    '| --- | --- |',
    ...lines,
    '',
  ];
  await appendFile(results, entry.join('\n'));
}

/**
 * In the page (as source: the tests are compiled without the DOM's types): records in
 * `<html data-agora-shown>` the time of the first frame that shows an element matching `selector`
 * whose text contains `text`. A frame's animation callbacks run just before it is painted.
 */
function watchFor({ selector, text }: { selector: string; text: string }): string {
  return `(() => {
    const selector = ${JSON.stringify(selector)}, text = ${JSON.stringify(text)};
    const shown = () => [...document.querySelectorAll(selector)].some((el) => el.textContent.includes(text));
    const observer = new MutationObserver(() => {
      if (!shown()) return;
      observer.disconnect();
      requestAnimationFrame(() => { document.documentElement.dataset.agoraShown = String(performance.now()); });
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  })();`;
}

/**
 * Milliseconds from navigation start to the first frame showing `text` in `selector` on a first
 * visit (a new browser context: empty HTTP cache, no storage). Timed inside the page, so the
 * test's polling adds nothing; `runs` visits, the median is returned.
 */
export async function firstVisitRender(
  browser: Browser,
  url: string,
  target: { selector: string; text: string },
  runs = 3,
): Promise<{ median: number; runs: number[] }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: PHONE });
    try {
      const page = await context.newPage();
      await page.addInitScript({ content: watchFor(target) });
      await page.goto(url);
      // The page's CSP forbids the eval that waitForFunction needs: the time is an attribute.
      const root = page.locator('html[data-agora-shown]');
      await root.waitFor({ state: 'attached' });
      times.push(Math.round(Number(await root.getAttribute('data-agora-shown'))));
    } finally {
      await context.close();
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, runs: times };
}
