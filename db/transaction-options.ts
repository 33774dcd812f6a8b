/**
 * The options of `transaction(fn, options)`, checked before BEGIN: an isolation level that is misspelt or
 * asked of a savepoint would otherwise be ignored, and the transaction would run at a weaker level than the
 * caller counted on.
 */
import { ValidationError } from './errors';
import type { IsolationLevel, TransactionConfig } from './providers/types';

export const ISOLATION_LEVELS: readonly IsolationLevel[] = Object.freeze(['read committed', 'repeatable read', 'serializable']);

/** How the transaction begins, from the caller's `isolation` option (undefined: the database's default). */
export function transactionConfig(isolation: unknown, nested: boolean): TransactionConfig {
  if (isolation === undefined) return {};
  const fail = (message: string) => new ValidationError('transaction options', [{ path: 'isolation', message }]);
  if (!ISOLATION_LEVELS.includes(isolation as IsolationLevel)) throw fail(`expected ${ISOLATION_LEVELS.map((l) => `'${l}'`).join(', ')}`);
  if (nested) throw fail('a nested transaction (savepoint) runs at the level of its outer transaction; set it on the outermost transaction()');
  return { isolation: isolation as IsolationLevel };
}
