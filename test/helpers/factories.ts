import { randomBytes } from 'node:crypto';
import type { TestAgora } from './agora.js';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.test`;
}

/** Registers a user through the API and returns its tokens. */
export async function registerUser(
  agora: TestAgora,
  overrides: Partial<{ email: string; password: string; name: string; role: 'buyer' | 'seller' }> = {},
) {
  const body = { email: uniqueEmail(), password: PASSWORD, name: 'Test User', ...overrides };
  const res = await agora.request({ method: 'POST', url: '/v1/auth/register', body });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const json = res.json<{
    user: { id: string; email: string; role: string };
    accessToken: string;
    refreshToken: string;
  }>();
  return { ...json, password: body.password };
}
