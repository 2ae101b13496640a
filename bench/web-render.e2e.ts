/**
 * Interleaved A/B of two web builds' first-visit render times (issue #7): one Agora serves
 * `WEB_AB_BASE` (a copy of an earlier `web/dist`), another serves `WEB_AB_NEW` (by default the
 * current `web/dist`), and first visits to the product and search pages alternate between them, the
 * order swapped every round, so both see the same machine load. Each visit is timed as in
 * `test/e2e/storefront.test.ts` (navigation start to the first frame showing the API's data).
 *
 *   WEB_AB_BASE=/tmp/dist-before npm run bench:web
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launch } from '../test/e2e/browser.js';
import { firstVisitRender } from '../test/e2e/measure.js';
import { seedCatalog, type Seeded } from '../test/e2e/seed.js';
import { startWebServer, webDist, type WebServer } from '../test/e2e/server.js';

const ROUNDS = Number(process.env.WEB_AB_ROUNDS ?? 10);
const base = process.env.WEB_AB_BASE;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

describe.runIf(base)('web render A/B (set WEB_AB_BASE to a web build to compare with)', () => {
  const builds: { name: string; root: string; server?: WebServer; seeded?: Seeded }[] = [
    { name: 'base', root: path.resolve(base ?? '') },
    { name: 'new', root: path.resolve(process.env.WEB_AB_NEW ?? webDist) },
  ];
  let browser: Browser;

  beforeAll(async () => {
    for (const b of builds) {
      b.server = await startWebServer(b.root);
      b.seeded = await seedCatalog(b.server);
    }
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    for (const b of builds) await b.server?.close();
  });

  it('alternates first visits between the two builds', { timeout: 30 * 60_000 }, async () => {
    const times = new Map(builds.map((b) => [b.name, { product: [] as number[], search: [] as number[] }]));
    const load = [loadavg()[0]];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const b of order) {
        const t = times.get(b.name)!;
        const product = await firstVisitRender(
          browser,
          `${b.server!.url}/products/${b.seeded!.phone.slug}`,
          { selector: 'h1', text: b.seeded!.phone.title },
          1,
        );
        t.product.push(product.median);
      }
      for (const b of [...order].reverse()) {
        const t = times.get(b.name)!;
        const search = await firstVisitRender(
          browser,
          `${b.server!.url}/search?q=phone&brand=Nimbus`,
          { selector: 'a', text: 'Aurora Phone X' },
          1,
        );
        t.search.push(search.median);
      }
      load.push(loadavg()[0]);
    }
    for (const b of builds) {
      const t = times.get(b.name)!;
      console.log(
        `[web A/B] ${b.name} (${b.root}): product median ${median(t.product)} ms [${t.product.join(', ')}]; ` +
          `search median ${median(t.search)} ms [${t.search.join(', ')}]`,
      );
      expect(t.product.every((ms) => ms > 0)).toBe(true);
    }
    console.log(`[web A/B] load average (1 min) during the run: ${load.map((l) => l.toFixed(1)).join(' ')}`);
  });
});
