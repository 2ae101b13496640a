import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAgora, type Agora } from '../app.js';
import { describeBackends, type Config } from '../platform/config.js';
import { seedDemoIfEmpty } from './seed.js';

/**
 * Serves (and runs consumers and jobs) until SIGINT/SIGTERM, then finishes in-flight requests and
 * closes connections. Returns -1: keep running.
 * @throws what stopped the start (the port is taken, the demo seed failed), after closing what was
 * opened: a process that cannot serve must exit, not linger with its pool and listeners open
 */
export async function startCommand(config: Config): Promise<number> {
  const startedAt = performance.now();
  // The built web app sits at <package>/web/dist, two levels above this file (src/cli or dist/cli).
  const webRoot = fileURLToPath(new URL('../../web/dist/', import.meta.url));
  const agora = await createAgora(config, existsSync(webRoot) ? { webRoot } : {});
  const { app, rt } = agora;
  await closedOnFailure(agora, async () => {
    await seedDemoIfEmpty(rt, agora.search);
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    rt.log.info(
      { address, backends: describeBackends(config), startupMs: Math.round(performance.now() - startedAt) },
      `Agora is serving on http://localhost:${config.PORT}`,
    );
    await agora.startBackground();
  });
  stopOnSignals(agora, config);
  return -1;
}

/** Runs the rest of a start; when it fails, closes what `createAgora` opened and rethrows. */
export async function closedOnFailure(agora: Agora, rest: () => Promise<void>): Promise<void> {
  try {
    await rest();
  } catch (err) {
    await agora
      .close()
      .catch((closeErr: unknown) => agora.rt.log.error({ err: closeErr }, 'error while closing'));
    throw err;
  }
}

/** On SIGINT/SIGTERM: finish in-flight work, close connections, exit (forced after the timeout). */
export function stopOnSignals(agora: Agora, config: Config): void {
  const { rt } = agora;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      rt.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.AGORA_SHUTDOWN_TIMEOUT_MS);
    force.unref();
    agora.close().then(
      () => {
        rt.log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        rt.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
