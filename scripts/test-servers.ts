// Manual smoke test for the test-server harness: `npx tsx scripts/test-servers.ts` (exit 0 = all checks pass).
import { randomUUID } from 'node:crypto';
import { neon, neonConfig, Pool } from '@neondatabase/serverless';
import { sql as dsql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import postgres from 'postgres';
import ws from 'ws';
import { createDatabase } from '../test/support/postgres-server';
import { startAllServers } from '../test/support/servers';

const servers = await startAllServers();
console.log(`servers up in ${servers.startupMs} ms (pg :${servers.pg.port}, pgbouncer :${servers.pgbouncer.port}, ws ${servers.wsProxy.wsProxy}, http ${servers.http.url})`);
await createDatabase(servers.pg, 'smoke', { supabase: true });
const url = servers.pg.url('smoke');

neonConfig.webSocketConstructor = ws;
neonConfig.wsProxy = () => servers.wsProxy.wsProxy;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineTLS = false;
neonConfig.pipelineConnect = false;
neonConfig.fetchEndpoint = servers.http.url;

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

const checks: [string, () => Promise<string>][] = [
  [
    'a postgres.js direct',
    async () => {
      const sql = postgres(url, { max: 1 });
      try {
        const [row] = await sql<{ v: number }[]>`select 1 + ${1}::int as v`;
        assert(row?.v === 2, `got ${JSON.stringify(row)}`);
        return 'select 1+1 = 2';
      } finally {
        await sql.end();
      }
    },
  ],
  [
    'b postgres.js via pgbouncer',
    async () => {
      const sql = postgres(servers.pgbouncer.url('smoke'), { max: 2, prepare: false });
      try {
        const [row] = await sql<{ n: string }[]>`select current_database() as n, ${'x'}::text as t`;
        assert(row?.n === 'smoke', `got ${JSON.stringify(row)}`);
        return `current_database() = ${row.n}`;
      } finally {
        await sql.end();
      }
    },
  ],
  [
    'c neon ws Pool',
    async () => {
      const pool = new Pool({ connectionString: url });
      try {
        const r = await pool.query<{ v: number }>('select $1::int * 2 as v', [21]);
        assert(r.rows[0]?.v === 42, `got ${JSON.stringify(r.rows)}`);
        await pool.query('create table if not exists t_ws (id int primary key)');
        const client = await pool.connect();
        try {
          await client.query('begin');
          await client.query('insert into t_ws values (1)');
          const inTx = await client.query<{ c: string }>('select count(*)::text as c from t_ws');
          await client.query('rollback');
          const after = await client.query<{ c: string }>('select count(*)::text as c from t_ws');
          assert(inTx.rows[0]?.c === '1' && after.rows[0]?.c === '0', 'rollback did not undo insert');
        } finally {
          client.release();
        }
        return 'query 42; BEGIN/insert/ROLLBACK ok';
      } finally {
        await pool.end();
      }
    },
  ],
  [
    'd neon() http types',
    async () => {
      const sql = neon(url);
      const ts = new Date('2024-05-06T07:08:09.123Z');
      const rows = await sql`select ${ts}::timestamptz as ts, ${JSON.stringify({ a: [1, 'b'] })}::jsonb as j, ${true}::boolean as b,
      ${null}::text as n, ${'12345.678900'}::numeric as num, ${Buffer.from([0, 1, 255])}::bytea as bin`;
      const r = rows[0];
      assert(r, 'no row');
      assert(r.ts instanceof Date && r.ts.getTime() === ts.getTime(), `ts ${String(r.ts)}`);
      assert(JSON.stringify(r.j) === '{"a":[1,"b"]}', `jsonb ${JSON.stringify(r.j)}`);
      assert(r.b === true && r.n === null && r.num === '12345.678900', `b/n/num ${JSON.stringify([r.b, r.n, r.num])}`);
      assert(Buffer.isBuffer(r.bin) && r.bin.equals(Buffer.from([0, 1, 255])), `bytea ${String(r.bin)}`);
      const [tx1, tx2] = await sql.transaction([sql`select 1::int as one`, sql`select 'two' as two`], { isolationLevel: 'Serializable' });
      assert(tx1?.[0]?.one === 1 && tx2?.[0]?.two === 'two', 'transaction results');
      return 'timestamptz/jsonb/bool/null/numeric/bytea + transaction ok';
    },
  ],
  [
    'e drizzle neon-http',
    async () => {
      const db = drizzle(neon(url));
      const res = await db.execute(dsql`select ${5}::int as five, now() as at`);
      assert(res.rows[0]?.five === 5, `got ${JSON.stringify(res.rows)}`);
      return `db.execute rows=${JSON.stringify(res.rows[0])}`;
    },
  ],
  [
    'f neon() http error',
    async () => {
      const sql = neon(url);
      await sql`create table if not exists t_http (id int primary key)`;
      await sql`insert into t_http values (1) on conflict do nothing`;
      try {
        await sql`insert into t_http values (1)`;
      } catch (err) {
        const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
        const constraint = typeof err === 'object' && err !== null && 'constraint' in err ? err.constraint : undefined;
        assert(code === '23505', `code ${String(code)}`);
        return `code=${code} constraint=${String(constraint)}`;
      }
      throw new Error('no error raised');
    },
  ],
  [
    'g auth.uid()',
    async () => {
      const sql = postgres(url, { max: 1 });
      const sub = randomUUID();
      try {
        const row = await sql.begin(async (tx) => {
          await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub, role: 'authenticated' })}, true)`;
          const [r] = await tx<{ uid: string; role: string; jwt_sub: string }[]>`select auth.uid()::text as uid, auth.role() as role, auth.jwt() ->> 'sub' as jwt_sub`;
          return r;
        });
        assert(row?.uid === sub && row.role === 'authenticated' && row.jwt_sub === sub, `got ${JSON.stringify(row)}`);
        return `auth.uid() = ${sub}`;
      } finally {
        await sql.end();
      }
    },
  ],
];

let failed = 0;
for (const [name, fn] of checks) {
  try {
    console.log(`PASS ${name}: ${await fn()}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
await servers.stopAll();
console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
process.exit(failed ? 1 : 0);
