import { ADMIN, eventually, type WebServer } from './server.js';

export const PASSWORD = 'correct horse battery staple';

export interface Seeded {
  category: { id: string; slug: string; name: string };
  phone: { slug: string; title: string };
}

const money = (amount: number) => ({ amount, currency: 'USD' });

/** A small catalog made through the API: a category tree and a seller's products of two brands. */
export async function seedCatalog(server: WebServer): Promise<Seeded> {
  const { accessToken: admin } = await server.api('POST', '/v1/auth/login', ADMIN);
  const root = await server.api('POST', '/v1/categories', { name: 'Electronics' }, admin, 201);
  const category = await server.api(
    'POST',
    '/v1/categories',
    { name: 'Phones', parentId: root.id },
    admin,
    201,
  );
  await server.api('POST', '/v1/categories', { name: 'Garden' }, admin, 201);
  const { accessToken: seller } = await server.api(
    'POST',
    '/v1/auth/register',
    { email: 'maker@agora.test', password: PASSWORD, name: 'Maker Ltd', role: 'seller' },
    undefined,
    201,
  );
  const products = [
    {
      title: 'Aurora Phone X',
      brand: 'Nimbus',
      description: 'A bright phone with a long-lasting battery.',
      attributes: { color: 'blue' },
      variants: [
        {
          sku: 'AUR-128',
          title: '128 GB',
          price: money(49_900),
          attributes: { memory: '128GB' },
          initialStock: 12,
        },
        {
          sku: 'AUR-256',
          title: '256 GB',
          price: money(59_900),
          attributes: { memory: '256GB' },
          initialStock: 0,
        },
      ],
    },
    {
      title: 'Solstice Phone 5',
      brand: 'Helio',
      description: 'A compact phone.',
      variants: [{ sku: 'SOL-5', title: 'Standard', price: money(39_900), initialStock: 3 }],
    },
    {
      title: 'Nimbus Buds',
      brand: 'Nimbus',
      description: 'Wireless earphones for your phone.',
      variants: [{ sku: 'NB-1', title: 'White', price: money(7_900), initialStock: 40 }],
    },
  ];
  let phone = { slug: '', title: '' };
  for (const p of products) {
    const created = await server.api(
      'POST',
      '/v1/products',
      { ...p, categoryId: category.id, status: 'published' },
      seller,
      201,
    );
    if (p.title === 'Aurora Phone X') phone = { slug: created.slug, title: created.title };
  }
  await server.syncSearch();
  await eventually(async () => {
    const r = await server.api('GET', '/v1/search?q=phone');
    return r.total >= 2;
  });
  return { category, phone };
}
