import { uuidv7 } from '../../platform/ids.js';
import type { Ctx } from '../../platform/context.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { refuseBlank } from '../../platform/errors.js';
import * as repo from './category-repository.js';
import { SlugTakenError, UnknownCategoryError } from './errors.js';
import { CATALOG_SOURCE } from './events.js';
import { presentCategory, treeOf } from './presenters.js';
import type { ReadCache } from './read-cache.js';
import type { Category, CategoryBody, CategoryNode } from './schemas.js';
import { slugify, suffixed } from './slugs.js';

/** The whole tree; small enough to answer in one query. */
export async function categoryTree(ctx: Pick<Ctx, 'db'>): Promise<CategoryNode[]> {
  return treeOf(await repo.listCategories(ctx.db));
}

/**
 * Creates a category under `parentId` (or a root). Its path is the parent's path plus its own id.
 * Drops the cached tree once committed.
 * @throws UnknownCategoryError for an unknown parent; SlugTakenError for a taken explicit slug;
 *   ValidationError for a blank name
 */
export async function createCategory(
  ctx: Ctx,
  deps: { cache: ReadCache },
  body: CategoryBody,
): Promise<Category> {
  refuseBlank([['/body/name', body.name]]);
  const created = await ctx.db.transaction().execute(async (trx) => {
    const parent = body.parentId ? await repo.findCategory(trx, body.parentId) : undefined;
    if (body.parentId && !parent) throw new UnknownCategoryError('/body/parentId');
    let slug = body.slug ?? slugify(body.name);
    if (await repo.categorySlugTaken(trx, slug)) {
      if (body.slug) throw new SlugTakenError(slug);
      slug = suffixed(slug);
    }
    const id = uuidv7();
    const row = {
      id,
      parent_id: parent?.id ?? null,
      name: body.name.trim(),
      slug,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: (parent?.depth ?? -1) + 1,
    };
    await repo.insertCategories(trx, [row]);
    const category = presentCategory({ ...row, created_at: new Date() });
    await publishEvents(trx, { source: CATALOG_SOURCE, correlationId: ctx.requestId }, [
      { type: 'category.created', subject: id, data: category },
    ]);
    return category;
  });
  await deps.cache.invalidateCategories();
  return created;
}
