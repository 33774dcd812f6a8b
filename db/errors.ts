/**
 * Typed errors with a stable `code`. Messages never carry a connection string or a parameter value;
 * the original driver error is kept in `cause` (non-enumerable, so a JSON log of the error stays clean).
 */

export type DbErrorCode =
  | 'NOT_FOUND'
  | 'UNIQUE_VIOLATION'
  | 'FOREIGN_KEY_VIOLATION'
  | 'NOT_NULL_VIOLATION'
  | 'CHECK_VIOLATION'
  | 'VALIDATION'
  | 'TRANSACTION_CONFLICT'
  | 'CONNECTION'
  | 'CONFIG'
  | 'MIGRATION'
  | 'UNSUPPORTED_SCHEMA'
  | 'TARGET_NOT_EMPTY'
  | 'INVALID_SNAPSHOT'
  | 'OUTER_HANDLE'
  | 'COMMIT_OUTCOME'
  | 'STATEMENT_TIMEOUT'
  | 'POOL_TIMEOUT'
  | 'PERMISSION_DENIED'
  | 'CAPABILITY'
  | 'CHANGE_FEED'
  | 'QUERY';

/** Base class of every error this workspace throws on purpose. */
export class DbError extends Error {
  readonly code: DbErrorCode;

  constructor(code: DbErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    // Non-enumerable: driver errors can hold the query parameters.
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: true });
  }
}

/** A row that should exist does not (or is soft-deleted). */
export class NotFoundError extends DbError {
  constructor(entity: string, id: unknown, cause?: unknown) {
    super('NOT_FOUND', `${entity} not found (id ${typeof id === 'number' ? id : 'given'})`, cause);
  }
}

/** A constraint in the database refused the write. `constraint` and `field` name what, never the value. */
export class ConstraintError extends DbError {
  readonly constraint: string | undefined;
  readonly field: string | undefined;

  constructor(code: DbErrorCode, message: string, detail: { constraint?: string; field?: string }, cause?: unknown) {
    super(code, message, cause);
    this.constraint = detail.constraint;
    this.field = detail.field;
  }
}

export class UniqueViolationError extends ConstraintError {}
export class ForeignKeyViolationError extends ConstraintError {}
export class NotNullViolationError extends ConstraintError {}
export class CheckViolationError extends ConstraintError {}

/** One problem found by input validation: where (`path`) and what (`message`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input failed validation before any SQL ran; nothing was written. */
export class ValidationError extends DbError {
  readonly issues: ValidationIssue[];

  constructor(subject: string, issues: ValidationIssue[], code: DbErrorCode = 'VALIDATION') {
    const list = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    super(code, `Invalid ${subject}: ${list}`);
    this.issues = issues;
  }
}

/** A serialization failure, deadlock or busy database; safe to retry the whole transaction. */
export class TransactionConflictError extends DbError {
  constructor(message: string, cause?: unknown) {
    super('TRANSACTION_CONFLICT', message, cause);
  }
}

/** The database could not be reached or the connection broke. */
export class ConnectionError extends DbError {
  constructor(message: string, cause?: unknown) {
    super('CONNECTION', message, cause);
  }
}

/** The configuration (environment or overrides) is missing or malformed. */
export class ConfigError extends DbError {
  constructor(message: string) {
    super('CONFIG', message);
  }
}

/** A migration could not be applied or the migration history is inconsistent. */
export class MigrationError extends DbError {
  constructor(message: string, cause?: unknown) {
    super('MIGRATION', message, cause);
  }
}

/** db/schema.ts uses a construct that has no faithful SQLite form. */
export class UnsupportedSchemaError extends DbError {
  constructor(where: string, problem: string, fix: string) {
    super('UNSUPPORTED_SCHEMA', `${where}: ${problem}; ${fix}`);
  }
}

/** Any other database failure, with the SQL state or driver code but without the parameters. */
export class QueryError extends DbError {
  readonly sqlState: string | undefined;

  constructor(message: string, sqlState: string | undefined, cause?: unknown) {
    super('QUERY', message, cause);
    this.sqlState = sqlState;
  }
}

/** A copy or restore target has rows and truncate was not set; nothing was written. `tables` lists the tables with rows. */
export class TargetNotEmptyError extends DbError {
  readonly tables: string[];

  constructor(tables: string[], provider: string) {
    super(
      'TARGET_NOT_EMPTY',
      `The target (${provider}) is not empty: ${tables.join(', ')} ${tables.length === 1 ? 'has' : 'have'} rows. Nothing was written; use --truncate (truncate: true) to replace its contents`,
    );
    this.tables = tables;
  }
}

/** A file is not a readable snapshot (not gzip, cut short, bad JSON, wrong format or version, checksum mismatch). */
export class InvalidSnapshotError extends DbError {
  /** Where in the file (`line 3`), or '' for the whole file. */
  readonly where: string;

  constructor(file: string, where: string, problem: string) {
    super('INVALID_SNAPSHOT', `Invalid snapshot ${file}: ${where ? `${where}: ` : ''}${problem}`);
    this.where = where;
  }
}

/** A handle was used inside its own transaction callback; the callback's `tx` handle is the one to use. */
export class OuterHandleError extends DbError {
  constructor(provider: string, what: string) {
    super(
      'OUTER_HANDLE',
      `${what} on the ${provider} handle inside its own transaction callback: use the tx handle the callback receives (createRepositories(tx), tx.execute(…)); the outer handle is not part of the transaction`,
    );
  }
}

/** What became of a transaction whose connection broke during COMMIT, as a new connection found out. */
export type CommitOutcome = 'committed' | 'rolled back' | 'unknown';

/**
 * The connection broke while COMMIT was under way, so the driver cannot say whether it took effect; a new
 * connection asked the server (txid_status). `outcome` says what to do: 'committed', do not run it again;
 * 'rolled back', nothing was written and running it again is safe (transaction(fn, { retry }) does);
 * 'unknown', check the data before running it again.
 */
export class CommitOutcomeError extends DbError {
  readonly outcome: CommitOutcome;

  constructor(outcome: CommitOutcome, message: string, cause?: unknown) {
    super('COMMIT_OUTCOME', message, cause);
    this.outcome = outcome;
  }
}

/**
 * A statement got no answer within DB_STATEMENT_TIMEOUT (the statementTimeout option): the server is stuck
 * or gone silent. The connection is closed; inside a transaction, the transaction is lost (rolled back).
 */
export class StatementTimeoutError extends DbError {
  constructor(message: string, cause?: unknown) {
    super('STATEMENT_TIMEOUT', message, cause);
  }
}

/** Every connection of the pool stayed in use for DB_POOL_TIMEOUT (the poolTimeout option); nothing was sent. */
export class PoolTimeoutError extends DbError {
  constructor(poolMax: number, seconds: number) {
    super(
      'POOL_TIMEOUT',
      `No free connection within ${seconds} s: all ${poolMax} of the pool (DB_POOL_MAX) stayed in use. Nothing was sent. Hold connections for less time (a transaction open while it waits on something else), or raise DB_POOL_MAX or DB_POOL_TIMEOUT (the poolMax / poolTimeout options)`,
    );
  }
}

/**
 * The database refused the statement for the role it ran as (SQLSTATE 42501): a row-level security policy's
 * WITH CHECK rejected a written row (inserting for another user, re-owning a row), or the role lacks a
 * privilege on the table. Nothing was written. Rows a policy hides are not an error: they are not found.
 */
export class PermissionDeniedError extends DbError {
  constructor(message: string, cause?: unknown) {
    super('PERMISSION_DENIED', message, cause);
  }
}

/** The provider lacks what the call needs (`capability` names the Capabilities flag); known before connecting. */
export class CapabilityError extends DbError {
  readonly capability: string;

  constructor(provider: string, capability: string, what: string, fix: string) {
    super('CAPABILITY', `${what} needs ${capability}, which the ${provider} provider does not have: ${fix}`);
    this.capability = capability;
  }
}

/** Why a change feed cannot go on: its log is not installed, or a cursor it was given cannot be resumed. */
export type ChangeFeedProblem = 'not-installed' | 'cursor-expired' | 'cursor-ahead';

/**
 * A change feed that would otherwise miss events or wait for ever: the cursor is older than the log keeps
 * (`cursor-expired`: refetch, then subscribe without `since`), newer than anything in this database
 * (`cursor-ahead`: it belongs to another database, or the database was restored), or the log is missing.
 */
export class ChangeFeedError extends DbError {
  readonly problem: ChangeFeedProblem;

  constructor(problem: ChangeFeedProblem, message: string, cause?: unknown) {
    super('CHANGE_FEED', message, cause);
    this.problem = problem;
  }
}
