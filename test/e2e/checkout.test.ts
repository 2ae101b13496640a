import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launch, PHONE, snap, watchConsole } from './browser.js';
import { PASSWORD, seedCatalog, type Seeded } from './seed.js';
import { eventually, startWebServer, webDist, type WebServer } from './server.js';

describe.runIf(browserAvailable())('buying in a real browser', () => {
  let server: WebServer;
  let browser: Browser;
  let seeded: Seeded;
  let canBuy = false;
  const errors: string[] = [];

  beforeAll(async () => {
    // the jobs run as in a deployment: a 3-D Secure completion reaches the order through them
    server = await startWebServer(webDist, { AGORA_JOBS_POLL_MS: '200' });
    await server.agora.startBackground();
    // The cart and checkout routes come with their modules; before they are in, there is nothing to buy.
    canBuy = server.agora.app.hasRoute({ method: 'POST', url: '/v1/checkout' });
    if (!canBuy)
      console.warn('[agora tests] no POST /v1/checkout in this build: the buying tests are skipped');
    browser = await launch();
    seeded = await seedCatalog(server);
    await server.api(
      'POST',
      '/v1/auth/register',
      { email: 'bea@agora.test', password: PASSWORD, name: 'Bea Buyer' },
      undefined,
      201,
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(ctx: { skip: () => void }): Promise<Page> {
    if (!canBuy) ctx.skip();
    const page = await browser.newPage({ viewport: PHONE });
    watchConsole(page, errors);
    // Failed API answers are printed, so a failing step shows what the server said.
    page.on('response', (res) => {
      if (res.url().includes('/v1/') && res.status() >= 400)
        void res
          .text()
          .then((body) => console.log('[api]', res.request().method(), res.url(), res.status(), body));
    });
    return page;
  }

  async function signIn(page: Page) {
    await page.getByLabel('Email').fill('bea@agora.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The Idempotency-Key of every checkout request the page sends. */
  function checkoutKeys(page: Page): string[] {
    const keys: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/v1/checkout')) keys.push(req.headers()['idempotency-key'] ?? '');
    });
    return keys;
  }

  it('a guest searches, filters by brand, adds to cart, signs in at checkout, pays with tok_visa and sees the order confirmed', async (ctx) => {
    const page = await newPage(ctx);
    const keys = checkoutKeys(page);
    await page.goto(server.url);
    const box = page.getByRole('combobox', { name: 'Search products' });
    await box.fill('phone');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=phone/);
    await page.locator('summary', { hasText: 'Filters' }).click();
    await page.getByRole('checkbox', { name: /Nimbus/ }).check();
    await page.waitForURL(/brand=Nimbus/);
    const grid = page.getByRole('list', { name: /Results for/ });
    await grid.getByRole('link', { name: /Solstice Phone 5/ }).waitFor({ state: 'detached' });
    await grid.getByRole('link', { name: /Aurora Phone X/ }).click();
    await page.getByRole('heading', { level: 1, name: seeded.phone.title }).waitFor();

    // The sold-out variant cannot be added; the one in stock can.
    await page.getByRole('radio', { name: /256 GB/ }).check();
    expect(await page.getByRole('button', { name: 'Sold out' }).isDisabled()).toBe(true);
    await page.getByRole('radio', { name: /128 GB/ }).check();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('status').filter({ hasText: 'Added to your cart' }).waitFor();
    expect(await page.evaluate<string | null>("localStorage.getItem('agora.cartId')")).toBeTruthy();
    await page.getByRole('link', { name: 'Cart, 1 item' }).click();

    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    await page.getByRole('button', { name: `One more ${seeded.phone.title}` }).click();
    await page.getByRole('link', { name: 'Cart, 2 items' }).waitFor();
    const total = page.locator('.totals .grand dd');
    expect(await total.textContent()).toMatch(/998\.00/);
    await snap(page, 'cart');

    // Checking out asks to sign in; signing in merges the guest cart into the buyer's.
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.waitForURL(/\/sign-in\?next=%2Fcheckout/);
    await signIn(page);
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    expect(await page.evaluate<string | null>("localStorage.getItem('agora.cartId')")).toBeNull();
    await page.getByText(`2 × ${seeded.phone.title}`).waitFor();

    await page.getByLabel('Full name').fill('Bea Buyer');
    await page.getByLabel('Address line 1').fill('Unter den Linden 1');
    await page.getByLabel('City').fill('Berlin');
    await page.getByLabel('Postal code').fill('10117');
    await page.getByLabel('Country code (2 letters, e.g. US)').fill('DE');
    // German tax is added to the estimate once the country is known.
    await page.getByText('Tax (19 % for DE)').waitFor();
    await page.getByRole('radio', { name: /tok_visa/ }).check();
    await snap(page, 'checkout');
    await page.getByRole('button', { name: /Place order/ }).click();

    await page.getByRole('heading', { level: 1, name: 'Order confirmed' }).waitFor();
    const orderId = (await page.locator('.order-id').textContent()) ?? '';
    expect(orderId).toMatch(/[0-9a-f-]{36}/);
    await snap(page, 'order-confirmed');
    expect(keys).toHaveLength(1);

    const order = await server.api('GET', `/v1/orders/${orderId}`, undefined, await token());
    expect(order.status).toBe('confirmed');
    expect(order.lines[0]).toMatchObject({ sku: 'AUR-128', quantity: 2 });
    expect(order.shippingAddress.country).toBe('DE');

    // The cart is empty now; the order is in the account with its history.
    await page.getByRole('link', { name: 'Cart', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { name: 'Your orders' }).waitFor();
    await page.locator('.order-list a').first().click();
    await page.getByRole('heading', { name: 'Status history' }).waitFor();
    expect(await page.locator('.history').textContent()).toMatch(/Confirmed/);
    expect(await page.getByText(/^Shipment/).textContent()).toBe('Shipment: Confirmed');
    await snap(page, 'order-detail');

    // A mistyped order link is an order not found, with the way back to the list.
    await page.goto(`${server.url}/account/orders/${orderId.slice(0, 8)}`);
    await page.getByRole('alert').filter({ hasText: 'Order not found' }).waitFor();
    await page.getByRole('link', { name: 'All your orders' }).click();
    await page.getByRole('heading', { name: 'Your orders' }).waitFor();
    await page.close();
    expect(errors).toEqual([]);
  });

  async function token(): Promise<string> {
    return (await server.api('POST', '/v1/auth/login', { email: 'bea@agora.test', password: PASSWORD }))
      .accessToken;
  }

  it('a declined card shows the error and keeps the cart; the next attempt has its own key and succeeds', async (ctx) => {
    const page = await newPage(ctx);
    const keys = checkoutKeys(page);
    await page.goto(`${server.url}/sign-in`);
    await signIn(page);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.goto(`${server.url}/search?q=buds`);
    await page.getByRole('link', { name: /Nimbus Buds/ }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'Cart, 1 item' }).waitFor();
    await page.getByRole('link', { name: 'Cart, 1 item' }).click();
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();

    await page.getByLabel('Full name').fill('Bea Buyer');
    await page.getByLabel('Address line 1').fill('1 Main Street');
    await page.getByLabel('City').fill('Springfield');
    await page.getByLabel('Postal code').fill('12345');
    await page.getByLabel('Country code (2 letters, e.g. US)').fill('US');
    await page.getByRole('radio', { name: /tok_declined/ }).check();
    await page.getByRole('button', { name: /Place order/ }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'declined' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/nothing was charged/);
    await snap(page, 'checkout-declined');
    expect(page.url()).toMatch(/\/checkout$/);
    await page.getByRole('link', { name: 'Cart, 1 item' }).waitFor();

    await page.getByRole('link', { name: 'Back to your cart' }).click();
    await page.getByRole('link', { name: 'Nimbus Buds' }).waitFor();

    await page.getByRole('link', { name: 'Check out' }).click();
    await page.getByLabel('Full name').fill('Bea Buyer');
    await page.getByLabel('Address line 1').fill('1 Main Street');
    await page.getByLabel('City').fill('Springfield');
    await page.getByLabel('Postal code').fill('12345');
    await page.getByLabel('Country code (2 letters, e.g. US)').fill('US');
    await page.getByRole('radio', { name: /tok_visa/ }).check();
    await page.getByRole('button', { name: /Place order/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Order confirmed' }).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('a cart whose earlier checkout still waits for 3-D Secure says so and links to that order', async (ctx) => {
    const page = await newPage(ctx);
    const { accessToken } = await server.api(
      'POST',
      '/v1/auth/register',
      { email: 'tess@agora.test', password: PASSWORD, name: 'Tess Three' },
      undefined,
      201,
    );
    const cart = await server.api('POST', '/v1/carts', {}, accessToken);
    await server.api('POST', `/v1/carts/${cart.id}/items`, { sku: 'NB-1', quantity: 1 }, accessToken, 201);
    const address = {
      name: 'Tess',
      line1: '1 Main Street',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    };
    const pending = await fetch(`${server.url}/v1/checkout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${accessToken}`,
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({
        cartId: cart.id,
        shippingAddress: address,
        payment: { provider: 'sandbox', token: 'tok_3ds' },
      }),
    });
    expect(pending.status).toBe(202);
    const { order } = (await pending.json()) as { order: { id: string } };

    await page.goto(`${server.url}/sign-in?next=%2Fcheckout`);
    await page.getByLabel('Email').fill('tess@agora.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await page.getByLabel('Full name').fill(address.name);
    await page.getByLabel('Address line 1').fill(address.line1);
    await page.getByLabel('City').fill(address.city);
    await page.getByLabel('Postal code').fill(address.postalCode);
    await page.getByLabel('Country code (2 letters, e.g. US)').fill(address.country);
    await page.getByRole('button', { name: /Place order/ }).click();
    await page.getByRole('alert').filter({ hasText: 'still waiting for its payment' }).waitFor();
    await page.getByRole('link', { name: 'See the order being paid' }).click();
    await page.waitForURL(new RegExp(`/account/orders/${order.id}$`));
    await page.getByRole('heading', { name: /Payment pending/ }).waitFor();
    await page.close();
    expect(errors).toEqual([]);
  });
  /** A new buyer, signed in on `page`, with `quantity` Nimbus Buds in the cart, at the checkout. */
  async function buyerAtCheckout(page: Page, email: string) {
    const { accessToken } = await server.api(
      'POST',
      '/v1/auth/register',
      { email, password: PASSWORD, name: 'Cass Card' },
      undefined,
      201,
    );
    const cart = await server.api('POST', '/v1/carts', {}, accessToken);
    await server.api('POST', `/v1/carts/${cart.id}/items`, { sku: 'NB-1', quantity: 2 }, accessToken, 201);
    await page.goto(`${server.url}/sign-in?next=%2Fcheckout`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    return accessToken as string;
  }

  async function placeOrder(page: Page, card: string) {
    await page.getByLabel('Full name').fill('Cass Card');
    await page.getByLabel('Address line 1').fill('1 Main Street');
    await page.getByLabel('City').fill('Springfield');
    await page.getByLabel('Postal code').fill('12345');
    await page.getByLabel('Country code (2 letters, e.g. US)').fill('US');
    await page.getByRole('radio', { name: new RegExp(card) }).check();
    await page.getByRole('button', { name: /Place order/ }).click();
  }

  it('pays with the 3-D Secure card: the order waits with Complete authentication and Cancel and pay another way; cancelling frees the cart and tok_visa confirms it', async (ctx) => {
    const page = await newPage(ctx);
    const keys = checkoutKeys(page);
    const token = await buyerAtCheckout(page, 'cass@agora.test');
    await placeOrder(page, 'tok_3ds');

    await page.waitForURL(/\/account\/orders\/[0-9a-f-]{36}$/);
    const pendingId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: /Payment pending/ }).waitFor();
    await page.getByRole('heading', { name: 'Your bank needs you to confirm this payment' }).waitFor();
    await page.getByRole('button', { name: 'Complete authentication' }).waitFor();
    await snap(page, 'order-3ds-pending');
    const pending = await server.api('GET', `/v1/orders/${pendingId}`, undefined, token);
    expect(pending).toMatchObject({ status: 'pending', payment: { status: 'requires_action' } });

    await page.getByRole('button', { name: 'Cancel and pay another way' }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await page.getByText('2 × Nimbus Buds').waitFor();
    const cancelled = await server.api('GET', `/v1/orders/${pendingId}`, undefined, token);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.history.at(-1).note).toMatch(/nothing was charged/);
    await eventually(async () => {
      const o = await server.api('GET', `/v1/orders/${pendingId}`, undefined, token);
      return o.payment.status === 'voided';
    });

    await placeOrder(page, 'tok_visa');
    await page.getByRole('heading', { level: 1, name: 'Order confirmed' }).waitFor();
    const orderId = (await page.locator('.order-id').textContent()) ?? '';
    expect(orderId).not.toBe(pendingId);
    const order = await server.api('GET', `/v1/orders/${orderId}`, undefined, token);
    expect(order).toMatchObject({ status: 'confirmed', payment: { status: 'captured' } });
    expect(order.lines[0]).toMatchObject({ sku: 'NB-1', quantity: 2 });
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('Complete authentication finishes the 3-D Secure payment in the sandbox: the order becomes confirmed and paid', async (ctx) => {
    const page = await newPage(ctx);
    const token = await buyerAtCheckout(page, 'dora@agora.test');
    await placeOrder(page, 'tok_3ds');
    await page.waitForURL(/\/account\/orders\/[0-9a-f-]{36}$/);
    const orderId = page.url().split('/').pop()!;
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    // the order page follows the order until the checkout completes
    await page.getByRole('heading', { name: /Confirmed/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Cancel and pay another way' }).count()).toBe(0);
    expect(await page.locator('.history').textContent()).toMatch(/Payment authorized/);
    const order = await server.api('GET', `/v1/orders/${orderId}`, undefined, token);
    expect(order).toMatchObject({ status: 'confirmed', payment: { status: 'captured' } });
    await page.close();
    expect(errors).toEqual([]);
  });
});
