import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV, buildCategory, buildProduct, signInAdmin, uniqueSku } from '../helpers/catalog.js';
import { registerUser } from '../helpers/factories.js';

const HEADER =
  'title,description,brand,categoryId,status,sku,variantTitle,price,currency,initialStock,attributes,images';

describe.each(databaseModes())(
  'catalog imports: what is not a CSV, and why an import failed (%s)',
  (mode) => {
    let agora: TestAgora;
    let seller: Awaited<ReturnType<typeof registerUser>>;
    let categoryId: string;

    beforeAll(async () => {
      agora = await startAgora(mode, FAST_ENV);
      const admin = (await signInAdmin(agora)).accessToken;
      seller = await registerUser(agora, { role: 'seller' });
      categoryId = (await buildCategory(agora, admin, 'Imports')).id;
      await agora.startBackground();
    });
    afterAll(() => agora.close());

    const upload = (body: string, contentType = 'text/csv', token = seller.accessToken) =>
      agora.request({
        method: 'POST',
        url: '/v1/catalog/imports',
        token,
        body,
        headers: { 'content-type': contentType },
      });

    async function finished(id: string) {
      for (let i = 0; i < 200; i++) {
        const res = await agora.request({
          method: 'GET',
          url: `/v1/catalog/imports/${id}`,
          token: seller.accessToken,
        });
        expect(res.statusCode).toBe(200);
        if (['completed', 'failed'].includes(res.json().status)) return res.json();
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('import did not finish');
    }

    const importsOfSeller = async () => {
      const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from catalog.imports where seller_id = ${seller.user.id}`.execute(
        agora.rt.database.db,
      );
      return rows[0].n;
    };

    it('an upload that is not text/csv is a 415 and starts nothing', async () => {
      const before = await importsOfSeller();
      for (const [body, type] of [
        ['{"a":1}', 'application/json'],
        ['title,description\nx,y\n', 'text/plain'],
      ]) {
        const res = await upload(body, type);
        expect(res.statusCode, type).toBe(415);
        expect(res.json().code).toBe('unsupported_media_type');
      }
      const none = await agora.request({
        method: 'POST',
        url: '/v1/catalog/imports',
        token: seller.accessToken,
      });
      expect(none.statusCode).toBe(415);
      expect(await importsOfSeller()).toBe(before);
      // still 401 before anything else for an anonymous caller
      const anonymous = await agora.request({
        method: 'POST',
        url: '/v1/catalog/imports',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      });
      expect(anonymous.statusCode).toBe(401);
    });

    it('a file the parser cannot read fails at once and says why, with the line', async () => {
      const res = await upload('title,description\n"unterminated,x\n');
      expect(res.statusCode).toBe(202);
      const status = await finished(res.json().importId);
      expect(status).toMatchObject({ status: 'failed', totalRows: 0, createdRows: 0, failedRows: 0 });
      expect(status.finishedAt).not.toBeNull();
      expect(status.errors).toEqual([
        { line: 2, path: '/', message: expect.stringMatching(/not valid CSV: Quote Not Closed/) },
      ]);
      const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from catalog.import_files where import_id = ${res.json().importId}`.execute(
        agora.rt.database.db,
      );
      expect(rows[0].n).toBe(0);
    });

    it('a file broken after good rows keeps them, and its errors end with the parser’s', async () => {
      const sku = uniqueSku('CSV');
      const csv = [
        HEADER,
        `Good Row,fine,Brand,${categoryId},published,${sku},M,1000,USD,2,,`,
        `   ,blank title,Brand,${categoryId},published,${uniqueSku('CSV')},M,1000,USD,2,,`,
        `Broken,"bad"quote,Brand,${categoryId},published,${uniqueSku('CSV')},M,1000,USD,2,,`,
      ].join('\n');
      const res = await upload(csv);
      expect(res.statusCode).toBe(202);
      const status = await finished(res.json().importId);
      expect(status).toMatchObject({ status: 'failed', totalRows: 2, createdRows: 1, failedRows: 1 });
      expect(status.errors).toEqual([
        expect.objectContaining({ line: 3, path: '/title' }),
        { line: 4, path: '/', message: expect.stringContaining('not valid CSV') },
      ]);
    });

    it("a row with another seller's SKU is a row error naming the field", async () => {
      const other = await registerUser(agora, { role: 'seller' });
      const theirs = await buildProduct(agora, other.accessToken, categoryId);
      const sku = theirs.variants[0].sku as string;
      const res = await upload(
        [HEADER, `Mine Now,x,Brand,${categoryId},published,${sku},M,1000,USD,2,,`].join('\n'),
      );
      const status = await finished(res.json().importId);
      expect(status).toMatchObject({ status: 'completed', totalRows: 1, createdRows: 0, failedRows: 1 });
      expect(status.errors).toEqual([
        expect.objectContaining({ line: 2, message: expect.stringContaining(sku) }),
      ]);
    });
  },
);
