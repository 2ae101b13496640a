import type { Address, User } from './schemas.js';
import type { AddressRow, ProfileRow } from './tables.js';

export function presentUser(row: ProfileRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}

export function presentAddress(row: AddressRow): Address {
  return {
    id: row.id,
    name: row.name,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postal_code,
    country: row.country,
    phone: row.phone,
    isDefault: row.is_default,
    createdAt: row.created_at.toISOString(),
  };
}

/** Cursors are opaque to clients: the last row's id, base64url-encoded. */
export const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString();
  return /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
}

export function pageOf<R extends { id: string }, T>(rows: R[], limit: number, present: (r: R) => T) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(present);
  return { items, nextCursor: more ? encodeCursor(rows[limit - 1].id) : null };
}
