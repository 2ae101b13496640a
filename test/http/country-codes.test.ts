import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { ADDRESS, marketplace } from '../helpers/checkout.js';

const NOT_A_COUNTRY = 'is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. US)';

/**
 * Every place a country code comes in takes only the codes ISO 3166-1 has assigned: `ZZ`, `XK` or
 * `UK` are two capital letters, and no country. Refused with a 400 naming the field.
 */
describe.each(databaseModes())('country codes (%s)', (mode) => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };

  beforeAll(async () => {
    agora = await startAgora(mode, { ...FAST_ENV, AGORA_RATE_LIMIT: 'false' });
    m = await marketplace(agora);
    seller = await m.seller();
  });
  afterAll(() => agora.close());

  const expectNotACountry = (res: Awaited<ReturnType<TestAgora['request']>>, path: string) => {
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path, message: NOT_A_COUNTRY }],
    });
  };

  it('the address book refuses ZZ, XK and UK on creation and on change, and keeps nothing of it', async () => {
    const buyer = await m.buyer();
    const base = { name: 'Ada L', line1: '1 Main St', city: 'London', postalCode: 'N1 9GU', country: 'GB' };
    for (const country of ['ZZ', 'XK', 'UK']) {
      const created = await agora.request({
        method: 'POST',
        url: '/v1/me/addresses',
        token: buyer.token,
        body: { ...base, country },
      });
      expectNotACountry(created, '/body/country');
    }
    const list = await agora.request({ method: 'GET', url: '/v1/me/addresses', token: buyer.token });
    expect(list.json().items).toEqual([]);

    // a real country without a tax rate is still an address (the shop may sell there later)
    const japan = await agora.request({
      method: 'POST',
      url: '/v1/me/addresses',
      token: buyer.token,
      body: { ...base, city: 'Tokyo', postalCode: '100-0001', country: 'JP' },
    });
    expect(japan.statusCode).toBe(201);
    const changed = await agora.request({
      method: 'PATCH',
      url: `/v1/me/addresses/${japan.json().id}`,
      token: buyer.token,
      body: { country: 'ZZ' },
    });
    expectNotACountry(changed, '/body/country');
    const kept = await agora.request({ method: 'GET', url: '/v1/me/addresses', token: buyer.token });
    expect(kept.json().items[0].country).toBe('JP');
  });

  it('checkout refuses a shipping address in ZZ, naming the field', async () => {
    const buyer = await m.buyer();
    const [sku] = await m.product(seller.token, [{ stock: 2 }]);
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 1 }]);
    const res = await agora.request({
      method: 'POST',
      url: '/v1/checkout',
      token: buyer.token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        cartId,
        shippingAddress: { ...ADDRESS, country: 'ZZ' },
        payment: { provider: 'sandbox', token: 'tok_visa' },
      },
    });
    expectNotACountry(res, '/body/shippingAddress/country');
    expect(await m.stock(seller.token, sku)).toMatchObject({ reserved: 0 });
  });

  it("the cart's tax estimate refuses ?country=ZZ as no country, and a real one without a rate as not sold to", async () => {
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, []);
    const get = (country: string) =>
      agora.request({ method: 'GET', url: `/v1/carts/${cartId}?country=${country}`, token: buyer.token });
    expectNotACountry(await get('ZZ'), '/query/country');
    const japan = await get('JP');
    expect(japan.statusCode).toBe(400);
    expect(japan.json().errors).toEqual([
      { path: '/query/country', message: 'no tax rate is configured for JP' },
    ]);
  });
});
