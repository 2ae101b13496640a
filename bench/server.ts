/**
 * The servers under test, in their own process so the load generator does not share their
 * event loop: the whole Agora app, and a bare Fastify route that answers a fixed product body.
 * Prints `READY <agoraPort> <barePort>` when both listen.
 */
import Fastify from 'fastify';
import { createAgora } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';

const agora = await createAgora(loadConfig(process.env, { dotenv: false }), { migrate: false });
const sample = await agora.app.inject({ method: 'GET', url: '/v1/products?limit=1' });
const body: unknown = sample.json<{ items: unknown[] }>().items[0];
const bare = Fastify({ logger: false });
bare.get('/bare', async () => body);
await agora.app.listen({ port: 0, host: '127.0.0.1' });
await bare.listen({ port: 0, host: '127.0.0.1' });
const port = (app: { server: { address(): unknown } }) => (app.server.address() as { port: number }).port;
process.stdout.write(`READY ${port(agora.app)} ${port(bare)}\n`);
process.on('SIGTERM', () => {
  void Promise.all([agora.close(), bare.close()]).finally(() => process.exit(0));
});
