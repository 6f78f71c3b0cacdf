import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallLogEntry } from '@rootwarden/aws-sandbox';
import type { Store } from '../src/store/store.js';

export const EXPOSED = {
  management: '300000000000',
  security: '300000000001',
  logArchive: '300000000002',
  payments: '300000000003',
  web: '300000000004',
  devSandbox: '300000000005',
  shared: '300000000007',
  legacySuspended: '300000000008',
  lockedData: '300000000011',
  scpLocked: '300000000012',
  lockedBucket: 'exposed-locked-audit-logs',
  openBucket: 'exposed-open-reports',
  lockedQueue: 'locked-events',
  openQueue: 'open-events',
} as const;

/** Calls that only read (AssumeRoot hands out a session; it changes nothing in the member account). */
export function isReadOnly(call: Pick<CallLogEntry, 'operation'>): boolean {
  return /^(Get|List|Describe)/.test(call.operation) || call.operation === 'AssumeRoot';
}

export function mutations(calls: readonly CallLogEntry[]): CallLogEntry[] {
  return calls.filter((call) => !isReadOnly(call));
}

/** `operation@account (task policy) → outcome`, for compact call-log assertions. */
export function describeCall(call: CallLogEntry): string {
  return `${call.operation}@${call.targetAccountId ?? '?'} (${call.sessionTaskPolicy ?? 'caller'}) ${call.outcome}`;
}

export function temporaryHome(prefix = 'rootwarden-plans-'): string {
  return join(mkdtempSync(join(tmpdir(), prefix)), 'home');
}

/** A store whose methods are `inner`'s, with some replaced (SqliteStore keeps private fields: no Proxy). */
export function wrapStore(inner: Store, overrides: Partial<Store>): Store {
  const methods = [
    'saveAudit',
    'listAudits',
    'findAuditIds',
    'getAudit',
    'savePlan',
    'getPlan',
    'findPlanIds',
    'setPlanStatus',
    'claimPlan',
    'releasePlan',
    'appendJournal',
    'listJournal',
    'createJob',
    'updateJob',
    'getJob',
    'listJobs',
    'interruptUnfinishedJobs',
    'close',
  ] as const;
  const store = Object.fromEntries(
    methods.map((name) => [name, (inner[name] as (...args: unknown[]) => unknown).bind(inner)]),
  ) as unknown as Store;
  return Object.assign(store, overrides);
}

/**
 * How a process dies around its k-th journal write: `lost` — before the write; `written` — right
 * after it, before the code that follows (the AWS call after a `before` entry) runs; `then-dead` —
 * after the write and whatever follows it up to the next write (the AWS call happens, its `after`
 * entry is never written).
 */
export type CrashMode = 'lost' | 'written' | 'then-dead';

/** A store that behaves like a process killed at its k-th journal write: nothing is written after that. */
export function crashingStore(
  inner: Store,
  crashAt: number,
  mode: CrashMode,
): Store & { crashed(): boolean } {
  let writes = 0;
  let dead = false;
  const killed = () => new Error(`process killed at journal write ${crashAt} (${mode})`);
  const unlessDead =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (dead) throw killed();
      return call(...args);
    };
  return Object.assign(
    wrapStore(inner, {
      async appendJournal(entry) {
        if (dead) throw killed();
        writes += 1;
        if (writes < crashAt) return inner.appendJournal(entry);
        dead = true;
        if (mode === 'lost') throw killed();
        const written = await inner.appendJournal(entry);
        if (mode === 'written') throw killed();
        return written;
      },
      setPlanStatus: unlessDead(inner.setPlanStatus.bind(inner)),
      savePlan: unlessDead(inner.savePlan.bind(inner)),
      claimPlan: unlessDead(inner.claimPlan.bind(inner)),
      // A dead process gives nothing back: its claim stays until it runs out or is known dead.
      releasePlan: async (id, owner) => (dead ? undefined : inner.releasePlan(id, owner)),
    }),
    { crashed: () => dead },
  );
}
