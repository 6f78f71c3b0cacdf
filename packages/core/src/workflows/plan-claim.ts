import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CoreError } from '../errors.js';
import type { Store } from '../store/store.js';

/** How long an apply run's claim on its plan lasts without renewal, and how often it is renewed. */
const CLAIM_SECONDS = 120;
const CLAIM_RENEW_MS = 30_000;

/** The apply runs of this process that are still running (a claim of this process not in here is a dead run's). */
const liveRuns = new Set<string>();

/** `host:pid:run` of a claim holder that is known to be gone: a finished run of this process, or a dead process on this host. */
function isGone(holder: string): boolean {
  const [host, pidText] = holder.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid)) return false;
  if (pid === process.pid) return !liveRuns.has(holder);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * One apply run at a time per plan, across processes: a claim in the store, renewed while the run
 * lasts and given back at its end. A run that died leaves a claim that runs out after 2 minutes, or at
 * once when it was on this host (its process is gone).
 */
export async function claimPlan(store: Store, planId: string): Promise<{ release(): Promise<void> }> {
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  const claim = () => {
    const now = Date.now();
    return store.claimPlan(planId, {
      owner,
      now: new Date(now).toISOString(),
      until: new Date(now + CLAIM_SECONDS * 1000).toISOString(),
    });
  };
  let result = await claim();
  if (!result.claimed && isGone(result.owner)) {
    const now = Date.now();
    result = await store.claimPlan(planId, {
      owner,
      now: new Date(now).toISOString(),
      until: new Date(now + CLAIM_SECONDS * 1000).toISOString(),
      takeOver: [result.owner],
    });
  }
  if (!result.claimed) {
    throw new CoreError(
      'PLAN_BUSY',
      `Plan ${planId} is being applied by another run (${result.owner.split(':').slice(0, 2).join(' pid ')}), which holds it until ${result.until}.`,
      {
        fix: 'Wait for that apply to finish. If its process is gone, run apply again after that time: it resumes where the other run stopped.',
        details: { planId, until: result.until },
      },
    );
  }
  liveRuns.add(owner);
  const timer = setInterval(() => {
    claim().catch(() => undefined);
  }, CLAIM_RENEW_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      liveRuns.delete(owner);
      await store.releasePlan(planId, owner).catch(() => undefined);
    },
  };
}
