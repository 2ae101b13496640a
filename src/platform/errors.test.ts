import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError, ERROR_CODES, REFUSALS } from './errors.js';
import { STATUS_OF } from './http/problem.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('error codes', () => {
  const documented = [
    ...readFileSync(path.join(root, 'docs/errors.md'), 'utf8').matchAll(/^\| `(\w+)` \| (\d{3}) \|/gm),
  ];

  it('are documented, each with the status the edge answers', () => {
    expect(documented.map((m) => m[1]).sort()).toEqual([...ERROR_CODES].sort());
    for (const [, code, status] of documented)
      expect(STATUS_OF[code as keyof typeof STATUS_OF]).toBe(Number(status));
  });

  it('are refusals exactly when the edge answers 4xx: refusals carry no stack, faults keep theirs', () => {
    for (const code of ERROR_CODES) expect(REFUSALS.has(code), code).toBe(STATUS_OF[code] < 500);
    const refusal = new AppError('out_of_stock', 'none left');
    expect(refusal.stack).toBe('AppError: none left');
    expect(refusal).toBeInstanceOf(Error);
    const fault = new AppError('unavailable', 'down');
    expect(fault.stack).toMatch(/\n\s+at /);
    // the global limit is put back
    expect(new Error('plain').stack).toMatch(/\n\s+at /);
  });

  const contract = path.join(root, '../shared/API.md');
  it.skipIf(!existsSync(contract))('include every code the public API contract names', () => {
    const api = readFileSync(contract, 'utf8');
    const conventions = /`code` is a stable machine string \(([^)]+)\)/.exec(api)?.[1] ?? '';
    const named = [...conventions.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    for (const code of named) expect(ERROR_CODES).toContain(code);
  });
});
