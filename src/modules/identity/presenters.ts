import { ValidationError } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
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

/**
 * The id a cursor names; `undefined` when none is given (absent or empty: the first page).
 * @throws ValidationError for anything `encodeCursor` did not make (a 400 naming `/query/cursor`)
 */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!isUuid(id) || encodeCursor(id) !== cursor)
    throw new ValidationError([{ path: '/query/cursor', message: 'is not a valid cursor' }]);
  return id;
}

export function pageOf<R extends { id: string }, T>(rows: R[], limit: number, present: (r: R) => T) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(present);
  return { items, nextCursor: more ? encodeCursor(rows[limit - 1].id) : null };
}
