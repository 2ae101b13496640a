import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { IMPORT_JOB, runImportJob } from './csv-import.js';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { FAST_ENV, buildCategory, signInAdmin, uniqueSku } from '../../../test/helpers/catalog.js';

describe.each(databaseModes())('catalog CSV import and export (%s)', (mode) => {
  let agora: TestAgora;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let categoryId: string;

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    const admin = (await signInAdmin(agora)).accessToken;
    seller = await registerUser(agora, { role: 'seller' });
    categoryId = (await buildCategory(agora, admin, 'Imported')).id;
    await agora.startBackground();
  });
  afterAll(() => agora.close());

  const upload = (csv: string, token = seller.accessToken) =>
    agora.request({
      method: 'POST',
      url: '/v1/catalog/imports',
      token,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });

  async function finished(id: string, token = seller.accessToken) {
    for (let i = 0; i < 100; i++) {
      const res = await agora.request({ method: 'GET', url: `/v1/catalog/imports/${id}`, token });
      expect(res.statusCode).toBe(200);
      if (['completed', 'failed'].includes(res.json().status)) return res.json();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('import did not finish');
  }

  it('imports valid rows, reports invalid ones with their line numbers, and exports them back', async () => {
    const [a, b, dup] = [uniqueSku('CSV'), uniqueSku('CSV'), uniqueSku('CSV')];
    const csv = [
      'title,description,brand,categoryId,status,sku,variantTitle,price,currency,initialStock,attributes,images',
      `Linen Shirt,"Soft, breathable linen",Fjord,${categoryId},published,${a},M,3900,EUR,12,color=white;size=M,https://img.example.test/a.jpg`,
      `Bad Price,x,Fjord,${categoryId},published,${uniqueSku('CSV')},M,-5,EUR,1,,`,
      `Wool Scarf,Warm,Fjord,${categoryId},draft,${b},One,2900,EUR,0,color=grey,`,
      `Lost,x,Fjord,01900000-0000-7000-8000-000000000000,published,${uniqueSku('CSV')},M,100,EUR,1,,`,
      `Twin A,x,Fjord,${categoryId},published,${dup},M,100,EUR,1,,`,
      `Twin B,x,Fjord,${categoryId},published,${dup},M,100,EUR,1,,`,
    ].join('\n');
    const res = await upload(csv);
    expect(res.statusCode).toBe(202);
    const status = await finished(res.json().importId);
    expect(status).toMatchObject({ status: 'completed', totalRows: 6, createdRows: 3, failedRows: 3 });
    expect(status.errors).toEqual([
      expect.objectContaining({ line: 3, path: '/variants/0/price/amount' }),
      expect.objectContaining({ line: 5, path: '/categoryId' }),
      expect.objectContaining({ line: 7, message: expect.stringContaining(dup) }),
    ]);
    const shirt = await agora.request({ method: 'GET', url: '/v1/products?brand=Fjord' });
    expect(
      shirt
        .json()
        .items.map((p: { title: string }) => p.title)
        .sort(),
    ).toEqual(['Linen Shirt', 'Twin A']);

    const exported = await agora.request({
      method: 'GET',
      url: '/v1/catalog/export',
      token: seller.accessToken,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('text/csv');
    const lines = exported.body.trim().split('\n');
    expect(lines[0]).toBe(
      'title,description,brand,categoryId,status,sku,variantTitle,price,currency,initialStock,attributes,images',
    );
    expect(lines).toHaveLength(4);
    expect(exported.body).toContain(
      `Linen Shirt,"Soft, breathable linen",Fjord,${categoryId},published,${a},M,3900,EUR,12`,
    );
    expect(exported.body).toContain(`Wool Scarf,Warm,Fjord,${categoryId},draft,${b}`);
  });

  it('only sellers and admins import, and an import is visible only to its seller', async () => {
    const buyer = await registerUser(agora);
    expect((await upload('title\n', buyer.accessToken)).statusCode).toBe(403);
    const res = await upload('title\nOnly a title\n');
    const other = await registerUser(agora, { role: 'seller' });
    const peek = await agora.request({
      method: 'GET',
      url: `/v1/catalog/imports/${res.json().importId}`,
      token: other.accessToken,
    });
    expect(peek.statusCode).toBe(404);
    const status = await finished(res.json().importId);
    expect(status).toMatchObject({ totalRows: 1, createdRows: 0, failedRows: 1 });
  });

  it('resumes an interrupted import after its last checkpoint without creating a row twice', async () => {
    const skus = Array.from({ length: 150 }, () => uniqueSku('RES'));
    const row = (sku: string, n: number) =>
      `Resumed ${n},x,Resume,${categoryId},published,${sku},One,100,EUR,1,,`;
    const header =
      'title,description,brand,categoryId,status,sku,variantTitle,price,currency,initialStock,attributes,images';
    // What a worker that crashed after row 105 left behind: rows 1..105 created, checkpoint at 100.
    await agora.jobs.stop();
    const res = await upload([header, ...skus.map(row)].join('\n'));
    const importId = res.json<{ importId: string }>().importId;
    const db = agora.rt.database.db;
    await sql`delete from platform.jobs where name = ${IMPORT_JOB} and key = ${importId}`.execute(db);
    for (const [n, sku] of skus.slice(0, 105).entries()) {
      const body = {
        title: `Resumed ${n}`,
        description: 'x',
        brand: 'Resume',
        categoryId,
        status: 'published',
        variants: [{ sku, title: 'One', price: { amount: 100, currency: 'EUR' }, initialStock: 1 }],
      };
      expect(
        (await agora.request({ method: 'POST', url: '/v1/products', token: seller.accessToken, body }))
          .statusCode,
      ).toBe(201);
    }
    await sql`update catalog.imports set status = 'running', total_rows = 100, created_rows = 100 where id = ${importId}`.execute(
      db,
    );
    await runImportJob(
      agora.catalog.deps,
      { importId },
      { db, log: agora.rt.log, attempt: 2, maxAttempts: 3, jobId: 0 },
    );
    const status = await finished(importId);
    expect(status).toMatchObject({ status: 'completed', totalRows: 150, createdRows: 150, failedRows: 0 });
    const count = await sql<{
      n: number;
    }>`select count(*)::int as n from catalog.products where brand = 'Resume'`.execute(db);
    expect(count.rows[0].n).toBe(150);
    const file = await sql<{
      n: number;
    }>`select count(*)::int as n from catalog.import_files where import_id = ${importId}`.execute(db);
    expect(file.rows[0].n).toBe(0);
  });
});
