/**
 * A second process for test/change-feed.test.ts: subscribes to one fed table and prints each event as a JSON
 * line (`{"event": …}`), after `{"ready": true}` once subscribe() resolved. A line `stop` on stdin unsubscribes,
 * prints `{"stopped": true}`, closes the handle and exits. Errors print `{"error": "Name CODE"}`.
 *
 * Usage: tsx test/support/feed-subscriber.ts, with FEED_SUBSCRIBER={"provider","overrides","table","since"?}.
 */
import { createInterface } from 'node:readline';
import { createDatabaseClient, type ProviderName, type ProviderOverrides } from '../../db';
import type { FedTableKey } from '../../db/change-feed/tables';

const { provider, overrides, table, since } = JSON.parse(process.env.FEED_SUBSCRIBER ?? '{}') as { provider: ProviderName; overrides: ProviderOverrides; table: FedTableKey; since?: string };
const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const describe = (error: unknown) => `${(error as Error)?.name ?? 'non-error'} ${String((error as { code?: unknown })?.code ?? '')}`.trim();

const db = createDatabaseClient(provider, overrides);
const stop = await db.subscribe(table, (event) => print({ event }), { ...(since ? { since } : {}), pollInterval: 50, onError: (error) => print({ error: describe(error) }) });
print({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stop') continue;
  await stop();
  print({ stopped: true });
  await db.close();
  process.exit(0);
}
