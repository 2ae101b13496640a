import { createAgora } from '../app.js';
import { describeBackends, type Config } from '../platform/config.js';
import { closedOnFailure, stopOnSignals } from './start.js';

/** Runs event consumers, the outbox relay and jobs without serving HTTP. Returns -1: keep running. */
export async function workerCommand(config: Config): Promise<number> {
  const agora = await createAgora(config);
  await closedOnFailure(agora, () => agora.startBackground());
  agora.rt.log.info({ backends: describeBackends(config) }, 'Agora worker is running');
  stopOnSignals(agora, config);
  return -1;
}
