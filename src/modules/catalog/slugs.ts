import { randomBytes } from 'node:crypto';

/** `"Über Laptop 15\" (2024)"` → `uber-laptop-15-2024`; never empty. */
export function slugify(text: string, maxLength = 80): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return slug || 'item';
}

/** The slug with a short random suffix, for when the plain one is taken. */
export function suffixed(slug: string): string {
  return `${slug.slice(0, 72)}-${randomBytes(4).toString('hex').slice(0, 6)}`;
}

/** The constraint a PostgreSQL unique violation (23505) names, from pg or PGlite errors. */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? 'unknown') : undefined;
}
