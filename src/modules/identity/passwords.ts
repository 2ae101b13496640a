import argon2 from 'argon2';
import type { FieldError } from '../../platform/errors.js';

export interface PasswordCost {
  memoryKib: number;
  timeCost: number;
}

/** argon2id with the configured cost (default m=19 MiB, t=2, p=1: OWASP's recommended minimum). */
export class PasswordHasher {
  private dummy?: Promise<string>;
  constructor(private readonly cost: PasswordCost) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.cost.memoryKib,
      timeCost: this.cost.timeCost,
      parallelism: 1,
    });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same time as a real verification, so an unknown email cannot be told apart by timing. */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash('agora-timing-equalizer');
    await this.verify(await this.dummy, password);
    return false;
  }
}

// The most common passwords that pass the length rule (from public breach corpora).
const COMMON = new Set([
  'password123',
  'password1234',
  '1234567890',
  '12345678910',
  'qwertyuiop',
  'qwerty12345',
  '1q2w3e4r5t',
  'iloveyou123',
  'password12',
  'passw0rd123',
  'abcdefghij',
  '0123456789',
  'letmein1234',
  'welcome123',
  'administrator',
  'qwerty123456',
  '1234qwerty',
  'football123',
  'baseball123',
  'sunshine123',
  'princess123',
  'dragon1234',
  'monkey12345',
  'superman123',
  'trustno1234',
  'changeme123',
]);

/** Password rules: 10–128 characters, not only one character, not a well-known password, not the email. */
export function passwordProblems(password: string, email?: string, path = '/body/password'): FieldError[] {
  const problems: string[] = [];
  if (password.length < 10) problems.push('must be at least 10 characters long');
  if (password.length > 128) problems.push('must be at most 128 characters long');
  if (password.length >= 10 && new Set(password).size < 4)
    problems.push('must use more than three distinct characters');
  if (COMMON.has(password.toLowerCase())) problems.push('is too common');
  const local = email?.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && password.toLowerCase().includes(local))
    problems.push('must not contain your email address');
  return problems.map((message) => ({ path, message }));
}
