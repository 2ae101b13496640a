import { randomBytes } from 'node:crypto';
import { createPasswordHasher, ensureAdmin } from '../../src/modules/identity/index.js';
import type { TestAgora } from './agora.js';
import { PASSWORD, uniqueEmail } from './factories.js';

/** Cheap password hashing and no auth rate limit, for suites that register many users. */
export const FAST_ENV = {
  AGORA_ARGON2_MEMORY_KIB: '1024',
  AGORA_ARGON2_TIME_COST: '1',
  AGORA_RATE_LIMIT_AUTH_MAX: '1000',
};

/** An admin account made the way operators make one, signed in. */
export async function signInAdmin(agora: TestAgora): Promise<{ accessToken: string; userId: string }> {
  const email = uniqueEmail('admin');
  const { user } = await ensureAdmin(
    { db: agora.rt.database.db, actor: null, requestId: 'test', log: agora.rt.log },
    { hasher: createPasswordHasher(agora.rt) },
    { email, password: PASSWORD },
  );
  const res = await agora.request({
    method: 'POST',
    url: '/v1/auth/login',
    body: { email, password: PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`admin login failed: ${res.statusCode} ${res.body}`);
  return { accessToken: res.json<{ accessToken: string }>().accessToken, userId: user.id };
}

/** Creates a category through the API (admin token), under `parentId` when given. */
export async function buildCategory(agora: TestAgora, adminToken: string, name: string, parentId?: string) {
  const res = await agora.request({
    method: 'POST',
    url: '/v1/categories',
    token: adminToken,
    body: { name: `${name} ${randomBytes(3).toString('hex')}`, ...(parentId ? { parentId } : {}) },
  });
  if (res.statusCode !== 201) throw new Error(`category failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string; path: string[] }>();
}

export const uniqueSku = (prefix = 'SKU') => `${prefix}-${randomBytes(5).toString('hex')}`;

/** A valid product body; `overrides` replace top-level fields. */
export function productBody(categoryId: string, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Aurora Laptop 14',
    description: 'A light laptop with a bright screen and a long battery life',
    brand: 'Aurora',
    categoryId,
    attributes: { color: 'silver', memory: '16GB' },
    images: ['https://img.example.test/aurora.jpg'],
    status: 'published',
    variants: [
      { sku: uniqueSku(), title: '16 GB', price: { amount: 99_900, currency: 'USD' }, initialStock: 12 },
      { sku: uniqueSku(), title: '32 GB', price: { amount: 129_900, currency: 'USD' }, initialStock: 3 },
    ],
    ...overrides,
  };
}

/** Creates a product through the API; returns the created product. */
export async function buildProduct(
  agora: TestAgora,
  token: string,
  categoryId: string,
  overrides: Record<string, unknown> = {},
) {
  const res = await agora.request({
    method: 'POST',
    url: '/v1/products',
    token,
    body: productBody(categoryId, overrides),
  });
  if (res.statusCode !== 201) throw new Error(`product failed: ${res.statusCode} ${res.body}`);
  return res.json();
}
