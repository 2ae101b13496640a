import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

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
    'to the page showing API data (`performance.now()`), first visit, 390×844 viewport.',
    '',
    '| what | value |',
    '| --- | --- |',
    ...lines,
    '',
  ];
  await appendFile(results, entry.join('\n'));
}
