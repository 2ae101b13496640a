import { ValidationError } from '../../platform/errors.js';

/**
 * Refuses text fields that are only whitespace (stored trimmed, they would be empty), the way
 * identity refuses a blank name: a 400 `validation_failed` naming each such field. Absent fields
 * (`undefined`) are left alone.
 * @throws ValidationError
 */
export function refuseBlank(fields: [path: string, value: string | undefined][]): void {
  const errors = fields
    .filter(([, value]) => value !== undefined && !value.trim())
    .map(([path]) => ({ path, message: 'must not be blank' }));
  if (errors.length) throw new ValidationError(errors, 'The request is not valid: a field is blank');
}
