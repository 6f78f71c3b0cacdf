import type { z } from 'zod';
import { assumeRootSession, type RootSession } from '../aws/root-session.js';
import type { OpenSessionInputSchema } from '../domain/plan.js';
import { featureNeedOf } from '../rules/feature-gate.js';
import { preflightRootAccess } from './audit.js';
import { resolveMemberAccount, type TaskContext } from './observe-targets.js';

/**
 * A task-scoped root session for what the user explicitly asked (`exec`, `credential-process`).
 * The same checks as a plan first (caller, the feature the task needs, a member ACTIVE target),
 * so a mistake gets its own error code instead of AssumeRoot's generic AccessDenied.
 */
export async function openRootSession(
  input: z.output<typeof OpenSessionInputSchema>,
  context: TaskContext,
): Promise<RootSession> {
  const hooks = { signal: context.signal, onThrottle: context.onThrottle };
  const { organization } = await preflightRootAccess(context.runtime, hooks, featureNeedOf(input.task));
  await resolveMemberAccount(context.runtime, input.accountId, organization, hooks, 'accountId');
  return assumeRootSession(context.runtime, {
    accountId: input.accountId,
    task: input.task,
    durationSeconds: input.durationSeconds,
    signal: context.signal,
    onThrottle: context.onThrottle,
  });
}
