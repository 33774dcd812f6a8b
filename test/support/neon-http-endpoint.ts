// A local stand-in for Neon's HTTP query endpoint (neon() / drizzle-orm/neon-http) backed by real PostgreSQL.
import http from 'node:http';
import postgres from 'postgres';

export interface NeonHttpEndpoint {
  port: number;
  /** Value for neonConfig.fetchEndpoint. */
  url: string;
  stop(): Promise<void>;
}

interface QueryIn {
  query: string;
  params: (string | null)[];
}

type Sql = postgres.Sql | postgres.TransactionSql;

const ISOLATION: Record<string, string> = {
  ReadUncommitted: 'read uncommitted',
  ReadCommitted: 'read committed',
  RepeatableRead: 'repeatable read',
  Serializable: 'serializable',
};

// PostgresError field -> Neon error JSON field
const ERROR_FIELDS: Record<string, string> = {
  code: 'code',
  detail: 'detail',
  hint: 'hint',
  constraint: 'constraint_name',
  table: 'table_name',
  column: 'column_name',
  schema: 'schema_name',
  severity: 'severity',
  position: 'position',
  where: 'where',
  dataType: 'data_type_name',
  internalPosition: 'internal_position',
  internalQuery: 'internal_query',
  file: 'file',
  line: 'line',
  routine: 'routine',
};

function parseQuery(value: unknown): QueryIn {
  if (typeof value !== 'object' || value === null || !('query' in value) || typeof value.query !== 'string') {
    throw new Error('request body must contain a "query" string');
  }
  const raw = 'params' in value && Array.isArray(value.params) ? (value.params as unknown[]) : [];
  const params = raw.map((p) => (p === null || p === undefined ? null : typeof p === 'string' ? p : JSON.stringify(p)));
  return { query: value.query, params };
}

/** Runs one query in extended protocol and returns it the way Neon does: text values, array rows. */
async function execute(sql: Sql, q: QueryIn): Promise<Record<string, unknown>> {
  const opts = { prepare: false, simple: false }; // `simple` is untyped: force extended protocol like Neon
  const result = await sql.unsafe(q.query, q.params, opts).raw();
  const columns = result.columns ?? [];
  const rows: (Buffer | null)[][] = result; // raw(): one Buffer (or null) per value, exactly as Postgres printed it
  return {
    fields: columns.map((c) => ({ name: c.name, dataTypeID: c.type, tableID: c.table, columnID: c.number, dataTypeSize: -1, dataTypeModifier: -1, format: 'text' })),
    command: result.command ?? null,
    rowCount: result.count ?? null,
    rows: rows.map((row) => row.map((v) => (v === null ? null : v.toString('utf8')))),
    rowAsArray: true,
  };
}

function errorBody(err: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { message: err instanceof Error ? err.message : String(err) };
  if (typeof err === 'object' && err !== null) {
    const src = new Map(Object.entries(err));
    for (const [to, from] of Object.entries(ERROR_FIELDS)) if (src.get(from) !== undefined) body[to] = String(src.get(from));
  }
  return body;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the HTTP endpoint on 127.0.0.1 (free port); one postgres.js pool per Neon-Connection-String. */
export async function startNeonHttpEndpoint(): Promise<NeonHttpEndpoint> {
  const pools = new Map<string, postgres.Sql>();
  const poolFor = (connectionString: string): postgres.Sql => {
    let pool = pools.get(connectionString);
    if (!pool) {
      const url = new URL(connectionString);
      for (const p of ['sslmode', 'channel_binding', 'pgbouncer']) url.searchParams.delete(p); // TLS is Neon's HTTPS layer
      pool = postgres(url.toString(), { max: 5, prepare: false, fetch_types: false, onnotice: () => {}, idle_timeout: 30 });
      for (const oid of Object.keys(pool.options.serializers)) delete pool.options.serializers[Number(oid)];
      pools.set(connectionString, pool);
    }
    return pool;
  };

  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      const connectionString = req.headers['neon-connection-string'];
      if (req.method !== 'POST' || typeof connectionString !== 'string') return send(400, { message: 'expected POST with Neon-Connection-String' });
      const body: unknown = JSON.parse(await readBody(req));
      const sql = poolFor(connectionString);
      if (typeof body === 'object' && body !== null && 'queries' in body && Array.isArray(body.queries)) {
        const queries = (body.queries as unknown[]).map(parseQuery);
        const header = (n: string): string | undefined => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
        const level = ISOLATION[header('neon-batch-isolation-level') ?? ''];
        const mode = [level ? `isolation level ${level}` : '', header('neon-batch-read-only') === 'true' ? 'read only' : '', header('neon-batch-deferrable') === 'true' ? 'deferrable' : '']
          .filter(Boolean)
          .join(' ');
        const results = await sql.begin(mode, async (tx) => {
          const out: Record<string, unknown>[] = [];
          for (const q of queries) out.push(await execute(tx, q));
          return out;
        });
        return send(200, { results });
      }
      return send(200, await execute(sql, parseQuery(body)));
    } catch (err) {
      return send(400, errorBody(err));
    }
  });
  // Node's default 5 s keep-alive races with fetch reusing an idle socket on a loaded machine ("fetch failed"
  // after a pause of a few seconds); hosted endpoints keep idle connections far longer than fetch's 4 s.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const addr = server.address();
  if (typeof addr !== 'object' || addr === null) throw new Error('neon http endpoint has no TCP address');
  let stopped = false;
  return {
    port: addr.port,
    url: `http://127.0.0.1:${addr.port}/sql`,
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((p) => p.end({ timeout: 1 })));
      pools.clear();
    },
  };
}
