/**
 * Generates the web app's API types (web/src/api/openapi.gen.ts) from the OpenAPI document of the
 * app as it is built now. `npm run api-types` writes the file; test/http/api-types.test.ts checks
 * that the committed file matches.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAgora } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';

export const API_TYPES_FILE = path.resolve(import.meta.dirname, '../web/src/api/openapi.gen.ts');

const HEADER = "// Generated from the API's OpenAPI document by `npm run api-types`. Do not edit.\n";

/** The TypeScript source for an OpenAPI document, formatted as the repository formats. */
export async function apiTypesSource(document: unknown): Promise<string> {
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { alphabetize: true });
  const options = (await prettier.resolveConfig(API_TYPES_FILE)) ?? {};
  return prettier.format(HEADER + astToString(ast), { ...options, parser: 'typescript' });
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'agora-api-types-'));
  try {
    const config = loadConfig(
      {
        LOG_LEVEL: 'silent',
        AGORA_DATA_DIR: dir,
        AGORA_SEED_DEMO: 'false',
        AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
      },
      { dotenv: false },
    );
    const agora = await createAgora(config);
    try {
      await agora.app.ready();
      await writeFile(API_TYPES_FILE, await apiTypesSource(agora.app.swagger()));
      console.log(`wrote ${path.relative(process.cwd(), API_TYPES_FILE)}`);
    } finally {
      await agora.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
