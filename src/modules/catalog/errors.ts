import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';

export class ProductNotFoundError extends NotFoundError {
  constructor() {
    super('Product');
  }
}

export class CategoryNotFoundError extends NotFoundError {
  constructor() {
    super('Category');
  }
}

/** A body names a category that does not exist: a 400 that names the field. */
export class UnknownCategoryError extends ValidationError {
  constructor(path = '/body/categoryId') {
    super([{ path, message: 'is not a known category' }], 'The category does not exist');
  }
}

export class DuplicateSkuError extends ConflictError {
  constructor(skus: string[]) {
    super(`The SKU ${skus.join(', ')} is already in use`, { skus });
  }
}

/**
 * Variants whose SKU belongs to another seller (on its products, or dropped from them: a SKU keeps
 * its seller, its stock and its ledger). A 409 that names the fields.
 */
export class SkuOfAnotherSellerError extends AppError {
  constructor(refused: { sku: string; path: string }[]) {
    super(
      'conflict',
      `The SKU ${refused.map((r) => r.sku).join(', ')} is already in use`,
      { skus: refused.map((r) => r.sku) },
      refused.map((r) => ({ path: r.path, message: 'is a SKU of another seller' })),
    );
  }
}

export class SlugTakenError extends ConflictError {
  constructor(slug: string) {
    super(`The slug "${slug}" is already in use`, { slug });
  }
}

/** A seller acting on a product that belongs to someone else. */
export class NotProductOwnerError extends AppError {
  constructor() {
    super('forbidden', 'Only the seller who owns this product, or an admin, may change it');
  }
}

/** A catalog import sent as anything but `text/csv`. */
export class NotCsvError extends AppError {
  constructor() {
    super('unsupported_media_type', 'Send the import as text/csv (one product per row, a header row first)');
  }
}
