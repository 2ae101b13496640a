import { NotFoundError } from '../../platform/errors.js';

/** No published product has the address asked for (as the catalog's product routes answer it). */
export class ProductNotFoundError extends NotFoundError {
  constructor() {
    super('Product');
  }
}
