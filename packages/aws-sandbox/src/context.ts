import type { CallLogEntry } from './call-log.js';
import { kindError } from './errors.js';
import type { WireRequest } from './protocol/wire.js';
import type { SandboxCore } from './sandbox-core.js';
import type { PrincipalState, SessionState } from './state/credentials.js';
import type { AccountState, World } from './state/world.js';
import { taskPolicyAllows } from './task-policies.js';

/** Who signed the request. */
export type Caller =
  | {
      kind: 'principal';
      principal: PrincipalState;
      accountId: string;
      arn: string;
      userId: string;
      accessKeyId: string;
      isRoot: boolean;
    }
  | {
      kind: 'session';
      session: SessionState;
      accountId: string;
      arn: string;
      userId: string;
      accessKeyId: string;
      isRoot: true;
    };

export interface OperationContext {
  core: SandboxCore;
  world: World;
  caller: Caller;
  service: string;
  operation: string;
  region: string;
  request: WireRequest;
  requestId: string;
  /** Sandbox-clock milliseconds. */
  now: number;
  /** Query-protocol parameters (STS, IAM, EC2). */
  query: Map<string, string>;
  /** JSON-protocol input (Organizations, SQS). */
  json: Record<string, unknown>;
  /** Fields the call log records beyond the defaults. */
  log: Partial<Pick<CallLogEntry, 'targetAccountId'>>;
}

export interface DenyFormat {
  /** S3 quotes resource ARNs in its enhanced AccessDenied messages. */
  quoteResource?: boolean;
}

function onResource(resource: string | undefined, format: DenyFormat): string {
  if (!resource) return '';
  return format.quoteResource ? ` on resource: "${resource}"` : ` on resource: ${resource}`;
}

/** AWS's enhanced AccessDenied wording for an explicit deny. */
export function explicitDenyMessage(
  arn: string,
  action: string,
  resource: string | undefined,
  policyType: string,
  format: DenyFormat = {},
): string {
  return `User: ${arn} is not authorized to perform: ${action}${onResource(resource, format)} with an explicit deny in ${policyType}`;
}

export function implicitDenyMessage(
  arn: string,
  action: string,
  resource: string | undefined,
  format: DenyFormat = {},
  kind = 'identity-based',
): string {
  return `User: ${arn} is not authorized to perform: ${action}${onResource(resource, format)} because no ${kind} policy allows the ${action} action`;
}

/**
 * IAM evaluation as the sandbox models it: a root session's task policy (explicit deny outside it),
 * then a member SCP that denies root sessions, then the principal's identity policy (implicit deny).
 */
export function authorize(
  ctx: OperationContext,
  action: string,
  resource?: string,
  format: DenyFormat = {},
): void {
  const caller = ctx.caller;
  if (caller.kind === 'session') {
    const session = caller.session;
    if (!taskPolicyAllows(session.taskPolicy, action, resource, session.accountId))
      throw kindError(
        'access-denied',
        explicitDenyMessage(caller.arn, action, resource, 'an identity-based policy', format),
      );
    if (ctx.world.accounts.get(session.accountId)?.scpDeniesRootSession)
      throw kindError(
        'access-denied',
        explicitDenyMessage(caller.arn, action, resource, 'a service control policy', format),
      );
    return;
  }
  if (!caller.principal.isAllowed(action))
    throw kindError('access-denied', implicitDenyMessage(caller.arn, action, resource, format));
}

export function callerAccount(ctx: OperationContext): AccountState | undefined {
  return ctx.world.accounts.get(ctx.caller.accountId);
}
