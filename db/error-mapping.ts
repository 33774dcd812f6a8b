/**
 * toDbError(): one mapping from driver errors (pg SQLSTATE via postgres.js or neon, SQLite result codes)
 * to the typed errors of errors.ts. The same failure gives the same class on every provider, and the
 * message names the constraint or column, never a value or a connection string.
 */
import { findConstraint } from './constraints';
import { maskSecrets } from './env';
import {
  CheckViolationError,
  ConnectionError,
  DbError,
  ForeignKeyViolationError,
  NotNullViolationError,
  PermissionDeniedError,
  QueryError,
  StatementTimeoutError,
  TransactionConflictError,
  UniqueViolationError,
} from './errors';

interface DriverFields {
  code?: string;
  constraint?: string;
  column?: string;
  table?: string;
  message: string;
}

/**
 * The error below `e`: its `cause` (Drizzle wraps the driver error in DrizzleQueryError, whose message holds
 * params), neon HTTP's `sourceError` (what fetch threw), or the `error` a WebSocket ErrorEvent carries.
 */
function below(e: Record<string, unknown>, isError: boolean): unknown {
  return e.cause ?? e.sourceError ?? (isError ? undefined : e.error);
}

/** The text of an Error, or of an event-like object with a string `message`. */
function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  const message = typeof value === 'object' && value !== null ? (value as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message ? message : 'unknown error';
}

/** Finds the innermost driver error: the first one with a code, else the last one in the chain. */
function driverFields(error: unknown): DriverFields {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    if (typeof current !== 'object' || current === null) break;
    const e = current as Record<string, unknown>;
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code) {
      const text = (key: string) => (typeof e[key] === 'string' ? (e[key] as string) : undefined);
      return {
        code,
        constraint: text('constraint_name') ?? text('constraint'),
        column: text('column_name') ?? text('column'),
        table: text('table_name') ?? text('table'),
        message: typeof e.message === 'string' ? e.message : '',
      };
    }
    const next = below(e, current instanceof Error);
    if (next === undefined || next === null) break;
    current = next;
  }
  // No driver code: use the innermost message (DrizzleQueryError's own message lists the parameters).
  return { message: messageOf(current) };
}

/** "UNIQUE constraint failed: books.a, books.b" → { table: 'books', columns: ['a', 'b'] }; checks name the constraint. */
function sqliteSubject(message: string): { table?: string; columns?: string[]; constraint?: string } {
  const match = /constraint failed: (.+)$/i.exec(message);
  const subjects =
    match?.[1]
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  const first = subjects[0];
  if (!first) return {};
  if (!first.includes('.')) return { constraint: first };
  const table = first.split('.')[0];
  return { table, columns: subjects.map((s) => s.split('.')[1] ?? '') };
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // A WebSocket that failed without a socket error code (db/providers/neon-faults.ts).
  'WEBSOCKET_ERROR',
  'SQLITE_CANTOPEN',
]);

/**
 * Server messages quote offending input (`invalid input syntax for type uuid: "abc"`, `value "2147483648" is
 * out of range`, `Key (isbn)=(abc)`): hide it, keeping the identifiers around it.
 */
export function maskValues(message: string): string {
  return maskSecrets(message)
    .replace(/(:\s*|\bvalue\s+)"[^"]*"/gi, '$1"…"')
    .replace(/\)=\([^)]*\)/g, ')=(…)')
    .replace(/\bparams:[\s\S]*$/i, 'params: …')
    .slice(0, 300);
}

/**
 * What a typed error keeps of the driver error: its name, code and the names of the constraint, column and
 * table, with the message masked; never the query parameters, the server's `detail` (which quotes the row)
 * or a connection string. The stack keeps the driver's frames under the masked message.
 */
function safeCause(error: unknown, f: DriverFields): Error {
  const name = error instanceof Error ? error.name : 'DriverError';
  const message = maskValues(f.message);
  const cause = Object.assign(new Error(message), { code: f.code, constraint: f.constraint, column: f.column, table: f.table });
  cause.name = name;
  const frames = (error instanceof Error ? (error.stack ?? '') : '').split('\n').filter((line) => /^\s+at /.test(line));
  cause.stack = [`${name}: ${message}`, ...frames].join('\n');
  return cause;
}

/** Maps any error thrown by a driver or Drizzle to a DbError; DbErrors pass through unchanged. */
export function toDbError(error: unknown, context = 'query'): DbError {
  if (error instanceof DbError) return error;
  const f = driverFields(error);
  const code = f.code ?? '';
  const sqlite = code.startsWith('SQLITE_') ? sqliteSubject(f.message) : {};
  // Whichever of constraint and columns the driver did not name comes from the schema.
  const known = findConstraint({ name: f.constraint ?? sqlite.constraint, table: f.table ?? sqlite.table, columns: f.column ? [f.column] : sqlite.columns });
  const constraint = f.constraint ?? sqlite.constraint ?? known?.name;
  const column = f.column ?? sqlite.columns?.join(',') ?? known?.columns.join(',');
  const table = f.table ?? sqlite.table ?? known?.table;
  const on = [table && column ? `${table}.${column}` : (column ?? table), constraint && `constraint ${constraint}`].filter(Boolean).join(', ');
  const where = on ? ` (${on})` : '';
  const detail = { constraint, field: column };
  const cause = safeCause(error, f);

  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new UniqueViolationError('UNIQUE_VIOLATION', `Duplicate value${where}: a row with this key already exists`, detail, cause);
  }
  // SQLite reports ON DELETE RESTRICT as a trigger failure whose message names the foreign key.
  const sqliteRestrict = code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/i.test(f.message);
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || sqliteRestrict) {
    return new ForeignKeyViolationError('FOREIGN_KEY_VIOLATION', `Foreign key violation${where}: the referenced row does not exist or is still referenced`, detail, cause);
  }
  if (code === '23502' || code === 'SQLITE_CONSTRAINT_NOTNULL') {
    return new NotNullViolationError('NOT_NULL_VIOLATION', `Missing required value${where}`, detail, cause);
  }
  if (code === '23514' || code === 'SQLITE_CONSTRAINT_CHECK') {
    return new CheckViolationError('CHECK_VIOLATION', `Value out of range${where}`, detail, cause);
  }
  if (code === '40001' || code === '40P01' || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TransactionConflictError(`Transaction conflict (${code}) during ${context}: retry the transaction`, cause);
  }
  // A write on a read-only connection: an SQLite file this user cannot write (opened read-only), a Postgres standby.
  if (code.startsWith('SQLITE_READONLY') || code === '25006') {
    return new QueryError(
      `Cannot write during ${context} (${code}): the database is read-only for this connection (an SQLite file or folder this user cannot write, or a read-only Postgres server or transaction)`,
      f.code,
      cause,
    );
  }
  // Row-level security or a missing grant; the server's text names the table and policy kind, never a value.
  if (code === '42501') {
    return new PermissionDeniedError(
      `Permission denied during ${context}: ${maskValues(f.message)}. The role this ran as may not write this row (a row-level security policy) or use this table; nothing was written`,
      cause,
    );
  }
  // A statement the client gave up on (db/providers/statement-deadline.ts); its message names DB_STATEMENT_TIMEOUT.
  if (code === 'STATEMENT_TIMEOUT') return new StatementTimeoutError(`No answer during ${context}: ${f.message}`, cause);
  if (CONNECTION_CODES.has(code) || code.startsWith('08') || code === '28P01' || code === '3D000' || code === '53300' || code === '57P01' || code === '57P03') {
    // Every driver reports its connect timeout with this code; none names the setting that controls it.
    const fix = code === 'CONNECT_TIMEOUT' ? '; if the server is only slow to answer, raise DB_CONNECT_TIMEOUT (or the connectTimeout option)' : '';
    return new ConnectionError(`Cannot reach the database during ${context} (${code}): ${maskValues(f.message)}${fix}`, cause);
  }
  // Unknown failures: keep the SQL state and the driver's own text (masked), which holds no parameter values.
  return new QueryError(`Database error during ${context}${code ? ` (${code})` : ''}: ${maskValues(f.message)}`, f.code, cause);
}
