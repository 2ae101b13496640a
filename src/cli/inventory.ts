import type { Config } from '../platform/config.js';
import { createRuntime } from '../platform/runtime.js';
import { migrate } from '../app.js';
import { verifyInventory } from '../modules/inventory/index.js';

/**
 * `agora inventory verify`: rebuilds every stock level from the movement ledger and compares it
 * with the stored levels (and reserved units with the live holds). Prints each mismatch; exit 1
 * when there is any.
 */
export async function inventoryVerifyCommand(config: Config): Promise<number> {
  const rt = await createRuntime(config);
  try {
    await migrate(rt);
    const mismatches = await verifyInventory(rt.database.db);
    for (const m of mismatches)
      process.stdout.write(
        `mismatch ${m.scope} ${m.sku}${m.locationId ? ` @${m.locationId}` : ''} ${m.field}: ` +
          `ledger says ${m.expected}, stored ${m.actual ?? 'nothing'}\n`,
      );
    process.stdout.write(
      mismatches.length
        ? `${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'}: the stored levels disagree with the ledger\n`
        : 'inventory levels match the ledger\n',
    );
    return mismatches.length ? 1 : 0;
  } finally {
    await rt.close();
  }
}
