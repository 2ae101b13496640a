/**
 * The Agora under test for `bench/flash-sale.ts`, in its own process so the load generator does
 * not share its event loop: the whole app with its jobs and consumers. Prints `READY <port>`.
 */
import { createAgora } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';

const agora = await createAgora(loadConfig(process.env, { dotenv: false }), { migrate: false });
await agora.app.listen({ port: 0, host: '127.0.0.1' });
await agora.startBackground();
const { port } = agora.app.server.address() as { port: number };
process.stdout.write(`READY ${port}\n`);
process.on('SIGTERM', () => {
  void agora.close().finally(() => process.exit(0));
});
