import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSmtp } from '../helpers/outbound.js';
import { browserAvailable, launch, PHONE, watchConsole } from './browser.js';
import { PASSWORD } from './seed.js';
import { eventually, startWebServer, webDist, type WebServer } from './server.js';

describe.runIf(browserAvailable())('password reset in a real browser', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: WebServer;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startWebServer(webDist, { SMTP_URL: smtp.url, AGORA_JOBS_POLL_MS: '200' });
    // the reset email goes out through the event bus and the jobs, as in a running deployment
    await server.agora.startBackground();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: PHONE });
    watchConsole(page, errors);
    return page;
  }

  it('a buyer who forgot the password gets a link, sets a new one, and signs in with it', async () => {
    const email = 'rita@agora.test';
    await server.api('POST', '/v1/auth/register', { email, password: PASSWORD, name: 'Rita Reset' });
    const page = await newPage();
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    const mail = await eventually(async () =>
      smtp.mails.find((m) => m.subject === 'Reset your password' && JSON.stringify(m.to).includes(email)),
    );
    const link = /(\S+\/reset-password\?token=\S+)/.exec(mail.text ?? '')?.[1];
    expect(link, mail.text).toBeDefined();
    const token = new URL(link!).searchParams.get('token')!;

    // the page the email links to
    await page.goto(`${server.url}/reset-password?token=${encodeURIComponent(token)}`);
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase 7');
    await page.getByLabel('New password again').fill('a different passphrase 7');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByText('The two passwords differ').waitFor();
    // the server's own rule, shown at the field
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.locator('.field-error', { hasNotText: 'The two passwords differ' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Password changed' }).count()).toBe(0);

    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase 7');
    await page.getByLabel('New password again').fill('a brand new passphrase 7');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();

    // the link works once
    const again = await newPage();
    await again.goto(`${server.url}/reset-password?token=${encodeURIComponent(token)}`);
    await again.getByLabel('New password', { exact: true }).fill('yet another passphrase 8');
    await again.getByLabel('New password again').fill('yet another passphrase 8');
    await again.getByRole('button', { name: 'Set the password' }).click();
    await again.getByRole('link', { name: 'Ask for a new link' }).waitFor();

    // the old password no longer works, the new one does
    await page.getByRole('link', { name: 'Sign in', exact: true }).last().click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill('a brand new passphrase 7');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);
    expect(errors).toEqual([]);
  });
});
