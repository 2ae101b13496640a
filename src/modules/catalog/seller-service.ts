import type { Ctx } from '../../platform/context.js';
import { ForbiddenError, refuseBlank, UnauthorizedError } from '../../platform/errors.js';
import type { AnyDb } from '../../platform/db.js';
import * as repo from './category-repository.js';
import { presentSeller } from './presenters.js';
import type { SellerProfile, SellerProfileBody } from './schemas.js';
import { slugify, suffixed } from './slugs.js';
import type { SellerRow } from './tables.js';

/** How the catalog learns a seller's display name (identity's door, wired in the composition root). */
export type SellerNameLookup = (db: AnyDb, userId: string) => Promise<string | undefined>;

async function freeSellerSlug(db: AnyDb, name: string, userId: string): Promise<string> {
  const base = slugify(name, 60);
  return (await repo.sellerSlugTaken(db, base, userId)) ? suffixed(base) : base;
}

/** The seller's profile, created on first use from the account's name. */
export async function ensureSellerProfile(
  db: AnyDb,
  userId: string,
  lookup?: SellerNameLookup,
): Promise<SellerRow> {
  const existing = await repo.findSeller(db, userId);
  if (existing) return existing;
  const name = (await lookup?.(db, userId)) ?? `Seller ${userId.slice(-6)}`;
  return repo.ensureSeller(db, { userId, name, slug: await freeSellerSlug(db, name, userId) });
}

function sellerActor(ctx: Ctx) {
  if (!ctx.actor) throw new UnauthorizedError();
  if (ctx.actor.role !== 'seller' && ctx.actor.role !== 'admin')
    throw new ForbiddenError('Only sellers have a profile');
  return ctx.actor;
}

export async function getSellerProfile(ctx: Ctx, lookup: SellerNameLookup): Promise<SellerProfile> {
  const actor = sellerActor(ctx);
  return presentSeller(await ensureSellerProfile(ctx.db, actor.userId, lookup));
}

export async function putSellerProfile(
  ctx: Ctx,
  lookup: SellerNameLookup,
  body: SellerProfileBody,
): Promise<SellerProfile> {
  const actor = sellerActor(ctx);
  refuseBlank([['/body/name', body.name]]);
  return ctx.db.transaction().execute(async (trx) => {
    const current = await ensureSellerProfile(trx, actor.userId, lookup);
    const name = body.name.trim();
    const slug = name === current.name ? current.slug : await freeSellerSlug(trx, name, actor.userId);
    const row = await repo.updateSeller(trx, actor.userId, { name, slug, description: body.description });
    return presentSeller(row ?? current);
  });
}
