import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const screenshots = path.resolve(import.meta.dirname, '../../test-results/screenshots');

/**
 * Whether the browser suites can run. Without Chromium they are skipped with a message, unless
 * AGORA_REQUIRE_SERVICES=1 (CI), where a missing browser is a failure.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (process.env.AGORA_REQUIRE_SERVICES === '1')
    throw new Error(`${message}; AGORA_REQUIRE_SERVICES=1 requires it`);
  console.warn(`[agora tests] ${message}: the browser tests are skipped`);
  return false;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** Full-page screenshots of what the page shows now, at phone and at desktop width. */
export async function snap(page: Page, name: string): Promise<void> {
  await mkdir(screenshots, { recursive: true });
  const before = page.viewportSize();
  // A sticky header would be drawn mid-page in a full-page shot taken while scrolled.
  await page.evaluate('window.scrollTo(0, 0)');
  for (const [label, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(screenshots, `${name}-${label}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/** Fails the test on a script error or a CSP violation in the page. */
export function watchConsole(page: Page, errors: string[]): void {
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text());
  });
}
