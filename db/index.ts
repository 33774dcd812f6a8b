/**
 * The public API of the data layer.
 *
 * @example
 * import { createDefaultClient, runMigrations } from './db';
 * const db = createDefaultClient();
 * await runMigrations(db);
 */
export { createClient, type DatabaseClient, type Tables, type TransactionOptions } from './client';
export { PROVIDER_NAMES, maskUrl, type ProviderName } from './env';
export * from './errors';
export { toDbError } from './error-mapping';
export {
  createDatabaseClient,
  createDefaultClient,
  getCurrentProvider,
  isProviderName,
  openDirectClient,
  validateProviderConfig,
} from './factory';
export { healthCheck, type HealthReport } from './health';
export { getMigrationStatus, runMigrations, type MigrationStatus } from './migrate';
export type { AppDatabase, Capabilities, ProviderOverrides } from './providers/types';
export { seedDatabase, type SeedSummary } from './seed';
export * from './schema';
export * from './repositories';
export {
  copyDatabase,
  TargetNotEmptyError,
  type CopyOptions,
  type CopyProgress,
  type TableComparison,
  type TransferReport,
} from './copy';
export {
  backupDatabase,
  InvalidSnapshotError,
  restoreDatabase,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  verifySnapshot,
  type BackupReport,
  type RestoreReport,
  type SnapshotHeader,
  type SnapshotOptions,
} from './snapshot';
export { SCHEMA_TABLES, tableChecksums, type TableChecksum, type TableInfo } from './table-order';
export { checkDatabase, checkSchemaCaptured } from './check';
export { healthReport, type HealthDetails } from './health-report';
