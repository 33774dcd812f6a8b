/**
 * The public API of the data layer.
 *
 * @example
 * import { createDefaultClient, runMigrations } from './db';
 * const db = createDefaultClient();
 * await runMigrations(db);
 */
export { createClient, type DatabaseClient, type PgClient, type SqliteClient, type TransactionOptions } from './client';
export { ISOLATION_LEVELS } from './transaction-options';
export type { SqliteTables } from './dialects/sqlite/tables';
export { PROVIDER_NAMES, maskUrl, type ProviderName } from './env';
export * from './errors';
export { toDbError } from './error-mapping';
export {
  capabilitiesOf,
  createDatabaseClient,
  createDefaultClient,
  getCurrentProvider,
  isProviderName,
  openDirectClient,
  validateProviderConfig,
} from './factory';
export { feedChangesOf, type ChangeFeedDeclaration } from './change-feed/declare';
export { DEFAULT_RETENTION_DAYS, pruneChangeFeed, type PruneReport } from './change-feed/prune';
export type { ChangeEvent, SubscribeOptions, Unsubscribe } from './change-feed/subscribe';
export { FED_TABLES, type FedTable, type FedTableKey } from './change-feed/tables';
export type { ChangeOp } from './change-feed/types';
export { asAnon, asService, forUser, USER_ROLES, type UserClaims, type UserRole } from './row-security';
export { getMigrationStatus, runMigrations, type MigrationStatus } from './migrate';
export type { AppDatabase, Capabilities, IsolationLevel, ProviderOverrides, SqlFamily } from './providers/types';
export * from './schema';
export * from './repositories';
export { PG_TABLES, SCHEMA_TABLES, type TableInfo, type TableKey, type Tables } from './tables';
export { checkDatabase, checkSchemaCaptured } from './tools/check';
export { readRowLevelSecurity, type PolicyCommand, type RlsKey, type RlsPolicy, type RlsTable, type RoleFacts } from './tools/rls-catalogue';
export { checkRowLevelSecurity, readRoleReport, type RlsCheck, type RlsFinding, type RlsFindingKind, type RoleReport } from './tools/rls-check';
export { declaredShape, fingerprint, type SchemaShape } from './tools/compat';
export { copyDatabase, type CopyOptions, type CopyProgress, type TableComparison, type TransferReport } from './tools/copy';
export { healthCheck, type HealthOptions, type HealthReport } from './tools/health';
export { healthReport, type HealthDetails } from './tools/health-report';
export { tableChecksums, type TableChecksum } from './tools/rows';
export { seedDatabase, type SeedSummary } from './tools/seed';
export {
  backupDatabase,
  restoreDatabase,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  verifySnapshot,
  type BackupReport,
  type RestoreReport,
  type SnapshotHeader,
  type SnapshotOptions,
} from './tools/snapshot';
