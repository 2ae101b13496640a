import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launch, PHONE, snap, watchConsole } from './browser.js';
import { PASSWORD, seedCatalog, type Seeded } from './seed.js';
import { ADMIN, startWebServer, type WebServer } from './server.js';

describe.runIf(browserAvailable())('seller portal and admin in a real browser', () => {
  let server: WebServer;
  let browser: Browser;
  let seeded: Seeded;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startWebServer();
    browser = await launch();
    seeded = await seedCatalog(server);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: PHONE });
    watchConsole(page, errors);
    return page;
  }

  async function searchTotal(q: string): Promise<number> {
    return (await server.api('GET', `/v1/search?q=${encodeURIComponent(q)}`)).total;
  }

  it('a seller creates a draft, publishes it, and it then appears in search', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/sign-up`);
    await page.getByLabel('Name').fill('Grace Goods');
    await page.getByLabel('Email').fill('grace@agora.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('I want to sell on Agora').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Your products' }).waitFor();
    await page.getByText('No products yet.').waitFor();

    await page.getByRole('link', { name: 'New product' }).click();
    // A draft is checked like a publication: an empty form is not sent.
    const creates: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/v1/products')) creates.push(req.url());
    });
    await page.getByRole('button', { name: 'Save as draft' }).click();
    // The browser names the first empty required field, and moves to it.
    expect(await page.getByLabel('Title').and(page.locator(':invalid:focus')).count()).toBe(1);
    expect(creates).toEqual([]);
    await page.getByLabel('Title').fill('Quokka Lantern');
    await page.getByLabel('Brand').fill('Quokka');
    await page.getByLabel('Category').selectOption({ label: `\u00a0\u00a0${seeded.category.name}` });
    await page.getByLabel('Description').fill('A solar lantern for the garden.');
    await page.getByLabel('SKU (variant 1)').fill('QL-S');
    await page.getByLabel('Name (variant 1)').fill('Small');
    await page.getByLabel('Price (variant 1)').fill('24.50');
    await page.getByLabel('Stock (variant 1)').fill('5');
    await page.getByRole('button', { name: 'Add a variant' }).click();
    await page.getByLabel('SKU (variant 2)').fill('QL-L');
    await page.getByLabel('Name (variant 2)').fill('Large');
    await page.getByLabel('Price (variant 2)').fill('3x');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/not a price/);
    await page.getByLabel('Price (variant 2)').fill('39.00');
    await page.getByLabel('Image URLs').fill('lantern.jpg');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/“lantern\.jpg” is not a web address/);
    await page.getByLabel('Image URLs').fill('');
    // What the server refuses is shown at its field, not as the API's wording of the whole request.
    await page.getByLabel('Attributes').fill('light colour=warm');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByText('light colour: is not a known field').waitFor();
    expect(await page.getByLabel('Attributes').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').textContent()).toBe('Not saved: check the fields marked above.');
    await page.getByLabel('Attributes').fill('colour=warm');
    await snap(page, 'seller-new-product');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByText('Status: draft').waitFor();
    await server.syncSearch();
    expect(await searchTotal('Quokka Lantern')).toBe(0);

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Saved as published.').waitFor();
    await snap(page, 'seller-edit-product');
    await server.syncSearch();
    expect(await searchTotal('Quokka Lantern')).toBe(1);

    await page.getByRole('combobox', { name: 'Search products' }).fill('Quokka Lantern');
    await page.getByRole('combobox', { name: 'Search products' }).press('Enter');
    await page.getByRole('link', { name: /Quokka Lantern/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Quokka Lantern' }).waitFor();
    expect(await page.locator('.buy-box .price.big').textContent()).toMatch(/24\.50/);

    await page.getByRole('link', { name: 'Sell' }).click();
    await page.getByRole('link', { name: 'Edit Quokka Lantern' }).waitFor();
    await snap(page, 'seller-products');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('a seller ships an order; a blank carrier or tracking number is named at its field, not sent', async (ctx) => {
    if (!server.agora.app.hasRoute({ method: 'POST', url: '/v1/checkout' })) ctx.skip();
    const { accessToken: buyer } = await server.api(
      'POST',
      '/v1/auth/register',
      { email: 'sid@agora.test', password: PASSWORD, name: 'Sid Shopper' },
      undefined,
      201,
    );
    const cart = await server.api('POST', '/v1/carts', {}, buyer);
    await server.api('POST', `/v1/carts/${cart.id}/items`, { sku: 'NB-1', quantity: 1 }, buyer, 201);
    const placed = await fetch(`${server.url}/v1/checkout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${buyer}`,
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({
        cartId: cart.id,
        shippingAddress: {
          name: 'Sid',
          line1: '1 Main Street',
          city: 'Springfield',
          postalCode: '12345',
          country: 'US',
        },
        payment: { provider: 'sandbox', token: 'tok_visa' },
      }),
    });
    expect(placed.status).toBe(201);

    const page = await newPage();
    const shipRequests: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/ship')) shipRequests.push(req.url());
    });
    await page.goto(`${server.url}/seller/orders`);
    await page.getByLabel('Email').fill('maker@agora.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your orders' }).waitFor();
    const carrier = page.getByLabel('Carrier');
    await carrier.fill('   ');
    await page.getByLabel('Tracking number').fill('1Z999');
    await page.getByRole('button', { name: 'Mark as shipped' }).click();
    await page.getByText('Enter the carrier.').waitFor();
    expect(await carrier.getAttribute('aria-invalid')).toBe('true');
    expect(shipRequests).toEqual([]);

    await carrier.fill('UPS');
    await page.getByRole('button', { name: 'Mark as shipped' }).click();
    await page.getByText('Shipped with UPS, tracking number 1Z999').waitFor();
    await snap(page, 'seller-orders-shipped');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('an admin changes a user’s role and disables the account', async () => {
    await server.api(
      'POST',
      '/v1/auth/register',
      { email: 'mallory@agora.test', password: PASSWORD, name: 'Mallory' },
      undefined,
      201,
    );
    const page = await newPage();
    // A shared link keeps its query through signing in.
    await page.goto(`${server.url}/admin/users?email=mallory`);
    await page.waitForURL(/\/sign-in\?next=%2Fadmin%2Fusers%3Femail%3Dmallory$/);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(new URL(page.url()).search).toBe('?email=mallory');
    await page.getByLabel('Email starts with').fill('mallory');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/email=mallory/);
    const role = page.getByLabel('Role of mallory@agora.test');
    await role.selectOption('seller');
    await page.getByRole('button', { name: 'Disable mallory@agora.test' }).click();
    await page.getByRole('button', { name: 'Enable mallory@agora.test' }).waitFor();
    expect(await role.inputValue()).toBe('seller');
    await snap(page, 'admin-users');

    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'mallory@agora.test', password: PASSWORD }),
    });
    expect(login.status).toBe(403);
    await page.close();
    expect(errors).toEqual([]);
  });
});
