import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { startAgora, type TestAgora } from '../helpers/agora.js';
import { API_TYPES_FILE, apiTypesSource } from '../../scripts/api-types.js';

describe('the web app’s generated API types', () => {
  let agora: TestAgora;
  beforeAll(async () => {
    agora = await startAgora('pglite');
    await agora.app.ready();
  });
  afterAll(async () => {
    await agora?.close();
  });

  it('match the OpenAPI document of the current routes (run `npm run api-types` when they differ)', async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8');
    expect(await apiTypesSource(agora.app.swagger())).toBe(committed);
  });
});
