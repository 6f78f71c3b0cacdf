import type { CallLogEntry } from './call-log.js';
import { kindError } from './errors.js';
import { evaluateOrgPolicies, levelsOf, type PolicyRefusal } from './org-policy-evaluation.js';
import type { WireRequest } from './protocol/wire.js';
import type { SandboxCore } from './sandbox-core.js';
import type { PrincipalState, SessionState } from './state/credentials.js';
import type { World } from './state/world.js';
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
 * then the organization's SCPs and RCPs (org-policy-evaluation.ts), then for other callers the
 * principal's identity policy (implicit deny).
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
    const refusal = refuseByOrgPolicies(ctx, session.accountId, action, resource);
    if (refusal) {
      const kind = refusal.policyType === 'SERVICE_CONTROL_POLICY' ? 'service control' : 'resource control';
      throw kindError(
        'access-denied',
        refusal.kind === 'explicit'
          ? explicitDenyMessage(caller.arn, action, resource, `a ${kind} policy`, format)
          : implicitDenyMessage(caller.arn, action, resource, format, kind),
      );
    }
    return;
  }
  if (!caller.principal.isAllowed(action))
    throw kindError('access-denied', implicitDenyMessage(caller.arn, action, resource, format));
}

const RCP_SERVICES = new Set(['s3', 'sqs']);

/** The account owning an S3 bucket or SQS queue ARN, when the sandbox knows it. */
function resourceAccount(ctx: OperationContext, resource: string): string | undefined {
  const s3 = /^arn:aws:s3:::([^/]+)/.exec(resource);
  if (s3?.[1]) return ctx.world.buckets.get(s3[1])?.accountId;
  return /^arn:aws:sqs:[^:]*:(\d{12}):/.exec(resource)?.[1];
}

/**
 * SCPs on the session account's path, then RCPs on the resource owner's path (S3 and SQS resources
 * only; RCPs do not apply to IAM). Neither applies to the management account.
 */
function refuseByOrgPolicies(
  ctx: OperationContext,
  accountId: string,
  action: string,
  resource: string | undefined,
): PolicyRefusal | undefined {
  const org = ctx.world.organization;
  const account = ctx.world.accounts.get(accountId);
  if (!account || accountId === org.managementAccountId) return undefined;
  const owner =
    resource && RCP_SERVICES.has(action.split(':')[0] ?? '') ? resourceAccount(ctx, resource) : undefined;
  const context = new Map<string, string>([
    ['aws:principalarn', `arn:aws:iam::${accountId}:root`],
    ['aws:assumedroot', 'true'],
    ['aws:principalaccount', accountId],
    ['aws:principalorgid', org.id],
    ['aws:requestedregion', ctx.region],
  ]);
  // A root session's IAM resources and resource-less actions belong to its own account.
  context.set('aws:resourceaccount', owner ?? accountId);
  const request = { action, resource, context, principalArn: `arn:aws:iam::${accountId}:root` };
  const scp = evaluateOrgPolicies(org, 'SERVICE_CONTROL_POLICY', levelsOf(account), request);
  if (scp) return scp;
  const ownerAccount = owner ? ctx.world.accounts.get(owner) : undefined;
  if (!ownerAccount || owner === org.managementAccountId) return undefined;
  return evaluateOrgPolicies(org, 'RESOURCE_CONTROL_POLICY', levelsOf(ownerAccount), request);
}
