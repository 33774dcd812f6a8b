/**
 * Judges the row-level security catalogue (rls-catalogue.ts) by the rules db/policies.supabase.ts states:
 * RLS on with a policy on every table of `public`, policies only where RLS is on, a WITH CHECK on every
 * policy that allows UPDATE, auth.uid()/auth.jwt()/auth.role() wrapped in a select (once per statement),
 * one permissive policy per role and action, and an index behind every foreign key. Also says which role a
 * handle runs as and warns when policies do not apply to it.
 */
import type { DatabaseClient } from '../client';
import { type PolicyCommand, type RlsPolicy, type RlsTable, type RoleFacts, readRoleFacts, readRowLevelSecurity } from './rls-catalogue';
import { requireRowLevelSecurity } from '../row-security';

export type RlsFindingKind = 'rls-off' | 'no-policy' | 'policy-without-rls' | 'update-without-check' | 'per-row-auth-call' | 'overlapping-permissive' | 'unindexed-foreign-key';

/** One broken rule: the table, the policies concerned (none for a table-level finding), what is wrong and the fix. */
export interface RlsFinding {
  kind: RlsFindingKind;
  table: string;
  policies: string[];
  problem: string;
  fix: string;
  /** `problem; fix: fix`, one line. */
  message: string;
}

/** The role facts with their verdict: a summary line, and a warning when row-level security does not apply. */
export interface RoleReport extends RoleFacts {
  bypassesRls: boolean;
  summary: string;
  warning: string | undefined;
}

export interface RlsCheck {
  findings: RlsFinding[];
  role: RoleReport;
}

const ACTIONS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
const actionsOf = (command: PolicyCommand): readonly string[] => (command === 'ALL' ? ACTIONS : [command]);
const AUTH_CALL = /\bauth\.(uid|jwt|role)\(\)/gi;

function finding(kind: RlsFindingKind, table: string, policies: string[], problem: string, fix: string): RlsFinding {
  return { kind, table, policies, problem, fix, message: `${problem}; fix: ${fix}` };
}

/** True when position `at` of a printed expression lies inside a `( SELECT …)` sub-select (evaluated once, as an InitPlan). */
function insideSelect(expression: string, at: number): boolean {
  const open: boolean[] = [];
  let quote: string | undefined;
  for (let i = 0; i < at; i++) {
    const ch = expression[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') open.push(/^\(\s*select\b/i.test(expression.slice(i, i + 12)));
    else if (ch === ')') open.pop();
  }
  return open.includes(true);
}

/** The auth functions `expression` calls outside a sub-select, i.e. once per row. */
export function perRowAuthCalls(expression: string | null): string[] {
  if (!expression) return [];
  const calls = [...expression.matchAll(AUTH_CALL)].filter((m) => !insideSelect(expression, m.index)).map((m) => `auth.${m[1]!.toLowerCase()}()`);
  return [...new Set(calls)];
}

function policyFindings(table: RlsTable, policy: RlsPolicy): RlsFinding[] {
  const out: RlsFinding[] = [];
  const named = `policy ${policy.name} on table ${table.name}`;
  if (!table.rlsEnabled) {
    out.push(finding('policy-without-rls', table.name, [policy.name], `${named} does nothing: the table has row-level security off`, `alter table public.${table.name} enable row level security`));
  }
  if ((policy.command === 'UPDATE' || policy.command === 'ALL') && policy.withCheck === null) {
    out.push(
      finding(
        'update-without-check',
        table.name,
        [policy.name],
        `${named} allows UPDATE (for ${policy.command.toLowerCase()}) without a WITH CHECK: an updated row is held only implicitly to its USING`,
        'add with check (…) saying what an updated row must satisfy, e.g. the owner column = (select auth.uid()), so a user cannot hand a row to someone else',
      ),
    );
  }
  const clauses: [string, string | null][] = [
    ['USING', policy.using],
    ['WITH CHECK', policy.withCheck],
  ];
  const calls = new Map<string, string[]>();
  for (const [clause, expression] of clauses) for (const call of perRowAuthCalls(expression)) calls.set(call, [...(calls.get(call) ?? []), clause]);
  for (const [call, where] of calls) {
    out.push(
      finding('per-row-auth-call', table.name, [policy.name], `${named} calls ${call} once per row (in ${where.join(' and ')})`, `write (select ${call}) so Postgres evaluates it once per statement`),
    );
  }
  return out;
}

/** Permissive policies that apply together to the same role and action, one finding per set of policies. */
function overlapFindings(table: RlsTable): RlsFinding[] {
  const permissive = table.policies.filter((p) => p.permissive);
  const groups = new Map<string, { names: string[]; roles: Set<string>; actions: Set<string> }>();
  for (const action of ACTIONS) {
    const acting = permissive.filter((p) => actionsOf(p.command).includes(action));
    // `public` is every role: a public policy applies with each named role's own, and two public ones overlap for all.
    for (const role of new Set(acting.flatMap((p) => p.roles))) {
      const names = acting.filter((p) => p.roles.includes(role) || p.roles.includes('public')).map((p) => p.name);
      if (names.length < 2) continue;
      const key = names.join('\n');
      const group = groups.get(key) ?? { names, roles: new Set<string>(), actions: new Set<string>() };
      group.roles.add(role);
      group.actions.add(action);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((g) =>
    finding(
      'overlapping-permissive',
      table.name,
      g.names,
      `table ${table.name} has ${g.names.length} permissive policies for role ${[...g.roles].join(', ')} and ${[...g.actions].join(', ')}: ${g.names.join(', ')}; Postgres evaluates each of them for every row`,
      'merge them into one policy per role and action (join their conditions with or), or narrow a for all policy to the commands it is meant for',
    ),
  );
}

/** Foreign keys whose columns are not the leading columns of any index of their table. */
function foreignKeyFindings(table: RlsTable): RlsFinding[] {
  const covered = (columns: string[]) => table.indexes.some((i) => i.columns.length >= columns.length && columns.every((c) => i.columns.slice(0, columns.length).includes(c)));
  return table.foreignKeys
    .filter((fk) => !covered(fk.columns))
    .map((fk) => {
      const columns = fk.columns.join(', ');
      return finding(
        'unindexed-foreign-key',
        table.name,
        [],
        `foreign key ${fk.name} on table ${table.name} (${columns}) has no index starting with its columns: deleting or updating a referenced row scans ${table.name}`,
        `create index on public.${table.name} (${columns})`,
      );
    });
}

/** The table-level rules: RLS on, and at least one policy (a table with policies but RLS off is reported per policy). */
function tableFindings(table: RlsTable): RlsFinding[] {
  if (table.policies.length > 0) return [];
  if (table.rlsEnabled) {
    return [
      finding(
        'no-policy',
        table.name,
        [],
        `table ${table.name} has row-level security on but no policy: no role that is held to RLS reads or writes a row`,
        'create a policy for each role and action that should reach it',
      ),
    ];
  }
  const problem = `table ${table.name} has row-level security off: every role with a grant on it (anon included) reads and writes every row`;
  return [finding('rls-off', table.name, [], problem, `alter table public.${table.name} enable row level security, then create a policy for each role and action that should reach it`)];
}

/** Every broken rule in `tables` (what readRowLevelSecurity returns), table by table. */
export function judgeRowLevelSecurity(tables: RlsTable[]): RlsFinding[] {
  return tables.flatMap((table) => [...tableFindings(table), ...table.policies.flatMap((p) => policyFindings(table, p)), ...overlapFindings(table), ...foreignKeyFindings(table)]);
}

/** The verdict on a role: it bypasses RLS as a superuser, with BYPASSRLS, or as the owner of tables without FORCE. */
export function judgeRole(facts: RoleFacts): RoleReport {
  const reasons = [facts.superuser && 'superuser', facts.bypassRls && 'BYPASSRLS', facts.ownsTables.length > 0 && `owner of ${facts.ownsTables.join(', ')}`].filter(
    (r): r is string => typeof r === 'string',
  );
  const bypassesRls = reasons.length > 0;
  return {
    ...facts,
    bypassesRls,
    summary: bypassesRls ? `the handle runs as ${facts.role}, which bypasses row-level security (${reasons.join('; ')})` : `the handle runs as ${facts.role}, which is held to row-level security`,
    warning: bypassesRls
      ? `queries through this handle see and change every row whatever the policies say: run a user's requests through forUser(db, claims) or asAnon(db), and keep this handle for migrations and trusted server work`
      : undefined,
  };
}

/** Who `db`'s queries run as, and a warning when row-level security does not apply to it. Throws CapabilityError without RLS. */
export async function readRoleReport(db: DatabaseClient): Promise<RoleReport> {
  return judgeRole(await readRoleFacts(db));
}

/**
 * The RLS check of db:check: findings for the exposed schema `public` and the role report.
 * Throws CapabilityError on a handle whose capabilities.rowLevelSecurity is false.
 *
 * @example
 * const { findings, role } = await checkRowLevelSecurity(db);
 * for (const f of findings) console.log(f.message);
 * if (role.warning) console.warn(role.warning);
 */
export async function checkRowLevelSecurity(db: DatabaseClient): Promise<RlsCheck> {
  requireRowLevelSecurity(db, 'checkRowLevelSecurity()');
  return { findings: judgeRowLevelSecurity(await readRowLevelSecurity(db)), role: await readRoleReport(db) };
}
