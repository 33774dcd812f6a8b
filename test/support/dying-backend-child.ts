/**
 * Child process of test/dying-backend.test.ts (a crash here must not take the test worker with it): one
 * transaction on a handle with ONE connection whose server backend dies while the callback awaits a timer,
 * then the callback writes a row. Prints one JSON line (see Outcome) and exits 0 unless something escaped.
 *
 * Usage: tsx test/support/dying-backend-child.ts <scenario>, with DYING_BACKEND={"provider","overrides","adminUrl"}.
 * Scenarios: `terminate` (pg_terminate_backend from another connection), `idle-timeout` (the server's
 * idle_in_transaction_session_timeout), `slot-reused` (terminate, and other work takes the connection at once).
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDatabaseClient, type ProviderName, type ProviderOverrides } from '../../db';

export type Scenario = 'terminate' | 'idle-timeout' | 'slot-reused';

/** What the child saw; errors as `Name CODE`. */
export interface Outcome {
  /** What db.transaction() rejected with. */
  transaction: string;
  /** What the callback's insert after the death did: `ok` means it ran somewhere. */
  writeAfterDeath: string;
  /** Uncaught exceptions and unhandled rejections: each would have ended the process. */
  uncaught: string[];
  /** A query on the same handle afterwards (one connection, so the same pool slot): rows written after the death, or its error. */
  later: string;
}

const { provider, overrides, adminUrl } = JSON.parse(process.env.DYING_BACKEND ?? '{}') as { provider: ProviderName; overrides: ProviderOverrides; adminUrl: string };
const scenario = process.argv[2] as Scenario;
const MARK = `written after the backend died (${scenario})`;

const uncaught: string[] = [];
const record = (error: unknown) =>
  uncaught.push(
    String((error as Error)?.stack ?? error)
      .split('\n', 2)
      .join(' '),
  );
// Kept on purpose: without them the first escape ends the process and the later query is never tried.
process.on('uncaughtException', record);
process.on('unhandledRejection', record);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const describe = (error: unknown) => `${(error as Error)?.name ?? 'non-error'} ${String((error as { code?: unknown })?.code ?? '')}`.trim();
const bounded = <T>(promise: Promise<T>, ms: number, what: string) => Promise.race([promise, sleep(ms).then(() => `${what} never settled`)]);

const db = createDatabaseClient(provider, { ...overrides, poolMax: 1, connectTimeout: 3 });
const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });

let writeAfterDeath = 'not reached';
let callbackEnded!: () => void;
const callbackDone = new Promise<void>((resolve) => (callbackEnded = resolve));

const transaction = db
  .transaction(async (tx) => {
    try {
      const [row] = await tx.execute(sql`select pg_backend_pid() as pid`);
      if (scenario === 'idle-timeout') await tx.execute(sql.raw(`set local idle_in_transaction_session_timeout = '100ms'`));
      else await admin`select pg_terminate_backend(${Number(row?.pid)})`;
      await sleep(700);
      await tx.execute(sql`insert into authors (name) values (${MARK})`);
      writeAfterDeath = 'ok';
    } catch (error) {
      writeAfterDeath = describe(error);
      throw error;
    } finally {
      callbackEnded();
    }
  })
  .then(
    () => 'no error',
    (error: unknown) => describe(error),
  );

const outcome: Partial<Outcome> = { transaction: await bounded(transaction, 20_000, 'transaction()') };
// Other work that takes the one connection while the callback still awaits its timer.
if (scenario === 'slot-reused') await db.execute(sql`select 1`).catch(() => undefined);
await bounded(callbackDone, 5000, 'the callback');
outcome.writeAfterDeath = writeAfterDeath;
const count = db.execute(sql`select count(*)::int as n from authors where name = ${MARK}`);
outcome.later = await bounded(
  count.then((rows) => `rows ${String(rows[0]?.n)}`, describe),
  15_000,
  'the later query',
);
outcome.uncaught = uncaught;
console.log(JSON.stringify(outcome));
await bounded(Promise.allSettled([db.close(), admin.end({ timeout: 1 })]), 10_000, 'close');
process.exit(uncaught.length === 0 ? 0 : 1);
