import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { registerUser } from '../helpers/factories.js';
import { FAST_ENV, buildCategory, buildProduct, signInAdmin } from '../helpers/catalog.js';
import { waitFor } from '../helpers/events.js';

/** The whole path: catalog write → outbox → event bus → search indexer → GET /v1/search. */
describe.each(databaseModes())('search follows the catalog through the event bus (%s)', (mode) => {
  let agora: TestAgora;
  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    await agora.startBackground();
  });
  afterAll(() => agora.close());

  const search = async (q: string) =>
    (await agora.request({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(q)}` })).json<{
      items: { id: string; title: string }[];
    }>();

  it('finds a product once it is published, and stops finding it once archived', async () => {
    const admin = await signInAdmin(agora);
    const seller = await registerUser(agora, { role: 'seller' });
    const category = await buildCategory(agora, admin.accessToken, 'Gadgets');
    const word = `zq${randomBytes(4).toString('hex')}`;
    const product = await buildProduct(agora, seller.accessToken, category.id, {
      title: `Quiet ${word} Kettle`,
    });

    await waitFor(
      async () => (await search(word)).items.some((i) => i.id === product.id),
      15_000,
      'indexing',
    );

    const archived = await agora.request({
      method: 'DELETE',
      url: `/v1/products/${product.id}`,
      token: seller.accessToken,
    });
    expect(archived.statusCode).toBeLessThan(300);
    await waitFor(
      async () => !(await search(word)).items.some((i) => i.id === product.id),
      15_000,
      'removal',
    );
  });
});
