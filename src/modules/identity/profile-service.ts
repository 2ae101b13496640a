import type { Ctx } from '../../platform/context.js';
import { AppError, NotFoundError, refuseBlank, ValidationError } from '../../platform/errors.js';
import { actorRequired } from './guards.js';
import { BadCredentialsError } from './errors.js';
import { passwordProblems, type PasswordHasher } from './passwords.js';
import { decodeCursor, pageOf, presentAddress, presentUser } from './presenters.js';
import type { ProfileReads } from './profile-reads.js';
import * as repo from './repository.js';
import type { ProfileRow } from './tables.js';
import type { Address, AddressBody, AddressPatch, UpdateMeBody, User } from './schemas.js';

const MAX_ADDRESSES = 50;

/**
 * The signed-in account (read through `profiles`: coalesced, and at most a second old unless
 * changed through this process).
 * @throws NotFoundError when the account no longer exists
 */
export async function getMe(ctx: Ctx, profiles: ProfileReads): Promise<User> {
  const row = await profiles.get(actorRequired(ctx).userId);
  if (!row) throw new NotFoundError('User');
  let user = presented.get(row);
  if (!user) {
    user = presentUser(row);
    presented.set(row, user);
  }
  return user;
}

/**
 * Answers of `getMe` by row: while `profiles` keeps a profile it hands out the same row object, so
 * the requests of that second share one presented answer. Keyed weakly, so it lives as long as the row.
 */
const presented = new WeakMap<ProfileRow, User>();

/**
 * Changes the profile. A new password needs the current one and ends every other session.
 * @throws ValidationError, BadCredentialsError (wrong current password)
 */
export async function updateMe(
  ctx: Ctx,
  deps: { hasher: PasswordHasher },
  input: UpdateMeBody,
): Promise<User> {
  const actor = actorRequired(ctx);
  const user = await repo.findUserById(ctx.db, actor.userId);
  if (!user) throw new NotFoundError('User');
  const patch: Parameters<typeof repo.updateUser>[2] = {};
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (!name) throw new ValidationError([{ path: '/body/name', message: 'must not be blank' }]);
    patch.name = name;
  }
  if (input.password !== undefined) {
    if (!input.currentPassword) {
      throw new ValidationError([
        { path: '/body/currentPassword', message: 'is required to change the password' },
      ]);
    }
    if (!(await deps.hasher.verify(user.password_hash, input.currentPassword)))
      throw new BadCredentialsError();
    const problems = passwordProblems(input.password, user.email);
    if (problems.length) throw new ValidationError(problems, 'The password is too weak');
    patch.password_hash = await deps.hasher.hash(input.password);
  }
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.updateUser(trx, actor.userId, patch);
    if (patch.password_hash) await repo.revokeUserSessions(trx, actor.userId, 'password_changed');
    return row;
  });
  return presentUser(updated!);
}

export async function listAddresses(ctx: Ctx, q: { limit: number; cursor?: string }) {
  const rows = await repo.listAddresses(ctx.db, actorRequired(ctx).userId, q.limit, decodeCursor(q.cursor));
  return pageOf(rows, q.limit, presentAddress);
}

/** An address's required text fields: stored trimmed, so only whitespace is blank. */
const REQUIRED_ADDRESS_FIELDS = ['name', 'line1', 'city', 'postalCode'] as const;

/** @throws ValidationError naming each required field given as only whitespace (as registration does) */
function refuseBlankFields(input: AddressPatch): void {
  refuseBlank(REQUIRED_ADDRESS_FIELDS.map((f) => [`/body/${f}`, input[f]]));
}

/** @throws ValidationError for a blank field; AppError conflict past the address book's size limit */
export async function addAddress(ctx: Ctx, input: AddressBody): Promise<Address> {
  const userId = actorRequired(ctx).userId;
  refuseBlankFields(input);
  return ctx.db.transaction().execute(async (trx) => {
    const count = await repo.countAddresses(trx, userId);
    if (count >= MAX_ADDRESSES)
      throw new AppError('conflict', `An address book holds at most ${MAX_ADDRESSES} addresses`);
    const isDefault = input.isDefault ?? count === 0;
    if (isDefault) await repo.clearDefaultAddress(trx, userId);
    const row = await repo.insertAddress(trx, userId, {
      name: input.name.trim(),
      line1: input.line1.trim(),
      line2: input.line2?.trim() || null,
      city: input.city.trim(),
      region: input.region?.trim() || null,
      postal_code: input.postalCode.trim(),
      country: input.country,
      phone: input.phone ?? null,
      is_default: isDefault,
    });
    return presentAddress(row);
  });
}

/** @throws ValidationError for a blank field; NotFoundError for an address that is not the caller's */
export async function changeAddress(ctx: Ctx, id: string, input: AddressPatch): Promise<Address> {
  const userId = actorRequired(ctx).userId;
  refuseBlankFields(input);
  return ctx.db.transaction().execute(async (trx) => {
    if (input.isDefault) await repo.clearDefaultAddress(trx, userId);
    const row = await repo.updateAddress(trx, userId, id, {
      ...(input.name !== undefined && { name: input.name.trim() }),
      ...(input.line1 !== undefined && { line1: input.line1.trim() }),
      ...(input.line2 !== undefined && { line2: input.line2?.trim() || null }),
      ...(input.city !== undefined && { city: input.city.trim() }),
      ...(input.region !== undefined && { region: input.region?.trim() || null }),
      ...(input.postalCode !== undefined && { postal_code: input.postalCode.trim() }),
      ...(input.country !== undefined && { country: input.country }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...(input.isDefault !== undefined && { is_default: input.isDefault }),
    });
    if (!row) throw new NotFoundError('Address');
    return presentAddress(row);
  });
}

/** @throws NotFoundError for an address that is not the caller's */
export async function removeAddress(ctx: Ctx, id: string): Promise<void> {
  if (!(await repo.deleteAddress(ctx.db, actorRequired(ctx).userId, id))) throw new NotFoundError('Address');
}
