import { authorize, type OperationContext } from '../../context.js';
import { kindError, nullMember, serviceError, validationMessage } from '../../errors.js';
import { renderQueryError, renderQueryResult } from '../../protocol/query.js';
import type { WireResponse } from '../../protocol/wire.js';
import { TASK_POLICIES, TASK_POLICY_PREFIX, taskPolicyFromArn } from '../../task-policies.js';
import { Timestamp, type XmlValue } from '../../util/xml.js';
import { lengthProblem, optionalInt } from '../params.js';
import type { ServiceDefinition } from '../service.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_PRINCIPAL = 'iam.amazonaws.com';

/** Seed section 3, exact texts. */
export const SERVICE_NOT_ENABLED = 'Service not enabled for AWS Organizations.';
export const ROOT_SESSIONS_NOT_ENABLED = 'Root sessions feature is not enabled for your AWS Organization.';

const reply = (ctx: OperationContext, result: XmlValue): WireResponse =>
  renderQueryResult(ctx.operation, XMLNS, result, ctx.requestId);

const accessDenied = (message: string) => serviceError('AccessDenied', message, 403);

function getCallerIdentity(ctx: OperationContext): WireResponse {
  return reply(ctx, { UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn });
}

function targetAccountId(ctx: OperationContext): string | undefined {
  const target = ctx.query.get('TargetPrincipal');
  if (!target) return undefined;
  return /^\d{12}$/.test(target) ? target : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(target)?.[1];
}

function assumeRoot(ctx: OperationContext): WireResponse {
  const q = ctx.query;
  // The model's only endpoint rule: the global endpoint does not serve AssumeRoot (aws-facts.md §1.2).
  const host = ctx.request.headers.host ?? '';
  if (ctx.region === 'aws-global' || host === 'sts.amazonaws.com' || host.startsWith('sts.amazonaws.com:'))
    throw kindError('unknown-operation', 'Unknown Operation');

  const target = q.get('TargetPrincipal');
  const policyArn = q.get('TaskPolicyArn.arn');
  const problems: string[] = [];
  if (target === undefined) problems.push(nullMember('targetPrincipal'));
  else {
    const p = lengthProblem('TargetPrincipal', target, 12, 2048);
    if (p) problems.push(p);
  }
  if (policyArn === undefined) problems.push(nullMember('taskPolicyArn'));
  else {
    const p = lengthProblem('TaskPolicyArn.arn', policyArn, 20, 2048);
    if (p) problems.push(p);
  }
  if (problems.length > 0) throw kindError('validation', validationMessage(problems));
  const duration = optionalInt(q, 'DurationSeconds', 0, 900) ?? 900;

  const targetId = targetAccountId(ctx);
  if (!targetId)
    throw kindError(
      'validation',
      `Invalid TargetPrincipal '${target}': specify a member account ID or arn:aws:iam::<account-id>:root.`,
    );
  const partition = ctx.world.scenario.partition;
  const task = taskPolicyFromArn(policyArn as string, partition);
  if (!task)
    throw kindError(
      'validation',
      `Invalid TaskPolicyArn '${policyArn}': specify one of the AWS managed root task policies under ${TASK_POLICY_PREFIX}.`,
    );
  ctx.log.targetAccountId = targetId;

  authorize(ctx, 'sts:AssumeRoot', `arn:${partition}:iam::${targetId}:root`);
  const caller = ctx.caller;
  // STS deactivated in an opt-in region: the STS model declares RegionDisabledException (403) for
  // AssumeRoot (boto/botocore botocore/data/sts/2011-06-15/service-2.json); activation is per account
  // and region (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_enable-regions.html).
  if (ctx.world.accounts.get(caller.accountId)?.stsDisabledRegions.includes(ctx.region))
    throw serviceError(
      'RegionDisabledException',
      `STS is not activated in this region for account:${caller.accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
      403,
    );
  // "You cannot use root user credentials to make this call." (STS API reference)
  if (caller.isRoot) throw accessDenied('Root credentials cannot be used to call AssumeRoot.');
  // Centralized root access launched in the commercial regions except AWS GovCloud (US) and China
  // (aws-facts.md §13); the refusal's wording is the sandbox's assumption.
  if (partition !== 'aws')
    throw accessDenied(`Centralized root access is not available in partition ${partition}.`);

  const org = ctx.world.organization;
  const callerInOrg = ctx.world.accounts.has(caller.accountId);
  const iamDelegatedAdmin = org.delegatedAdministrators.get(caller.accountId)?.has(IAM_PRINCIPAL) ?? false;
  const trusted = org.trustedAccess.has(IAM_PRINCIPAL);
  if (!callerInOrg || !trusted) throw accessDenied(SERVICE_NOT_ENABLED);
  if (caller.accountId !== org.managementAccountId && !iamDelegatedAdmin)
    throw accessDenied(
      `Account ${caller.accountId} is not the management account or the delegated administrator for centralized root access.`,
    );
  // Password recovery's gate is ambiguous in AWS's docs (IAM User Guide id_root-enable-root-access.html
  // says RootSessions; the 2024-11 launch blog lists it under credentials management): a scenario option.
  const feature =
    task === 'IAMCreateRootUserPassword' ? org.passwordRecoveryFeature : TASK_POLICIES[task].feature;
  if (!org.rootFeatures.has(feature))
    throw accessDenied(feature === 'RootSessions' ? ROOT_SESSIONS_NOT_ENABLED : SERVICE_NOT_ENABLED);

  const account = ctx.world.accounts.get(targetId);
  if (!account) throw accessDenied(`Account ${targetId} is not a member of organization ${org.id}.`);
  if (targetId === org.managementAccountId)
    throw accessDenied('AssumeRoot cannot target the management account; specify a member account.');
  if (account.state !== 'ACTIVE')
    throw accessDenied(`Account ${targetId} is not active (state ${account.state}).`);
  // One account refused with the organization-wide text while the features are on (issue 9 §3).
  if (account.assumeRootServiceNotEnabled) throw accessDenied(SERVICE_NOT_ENABLED);

  const now = ctx.now;
  const session = ctx.core.credentials.issueSession({
    accountId: targetId,
    taskPolicy: task,
    taskPolicyArn: policyArn as string,
    expiration: Math.floor(now / 1000) * 1000 + duration * 1000,
    issuedAt: now,
    callerArn: caller.arn,
    callerAccountId: caller.accountId,
  });
  return reply(ctx, {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Timestamp(session.expiration),
    },
  });
}

const ROLE_SESSION_NAME = /^[\w+=,.@-]*$/;
/** Roles the sandbox models have IAM's default maximum session duration, one hour. */
const ROLE_MAX_SESSION_SECONDS = 3600;

/**
 * `sts:AssumeRole`, for profiles with `role_arn` + `source_profile`
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html). Parameters and
 * limits per https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (RoleArn 20–2048,
 * RoleSessionName 2–64 of `[\w+=,.@-]`, DurationSeconds 900 up to the role's maximum, one hour by
 * default; "You cannot use AWS account root user credentials to call AssumeRole"). A role is a scenario
 * `role` principal (role name = its `userName`); its trust policy is modelled as IAM's default for
 * "this account" (`"Principal": {"AWS": "arn:aws:iam::ACCOUNT:root"}`), so callers of the same account
 * whose identity policy allows `sts:AssumeRole` may assume it, and nobody else.
 */
function assumeRole(ctx: OperationContext): WireResponse {
  const q = ctx.query;
  const roleArn = q.get('RoleArn');
  const sessionName = q.get('RoleSessionName');
  const problems: string[] = [];
  if (roleArn === undefined) problems.push(nullMember('roleArn'));
  else {
    const p = lengthProblem('roleArn', roleArn, 20, 2048);
    if (p) problems.push(p);
  }
  if (sessionName === undefined) problems.push(nullMember('roleSessionName'));
  else {
    const p = lengthProblem('roleSessionName', sessionName, 2, 64);
    if (p) problems.push(p);
    else if (!ROLE_SESSION_NAME.test(sessionName))
      problems.push(
        `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
  }
  if (problems.length > 0) throw kindError('validation', validationMessage(problems));
  const duration = optionalInt(q, 'DurationSeconds', 900, 43200) ?? 3600;
  if (duration > ROLE_MAX_SESSION_SECONDS)
    throw kindError(
      'validation',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  const caller = ctx.caller;
  if (caller.isRoot) throw accessDenied('Roles may not be assumed by root accounts.');
  authorize(ctx, 'sts:AssumeRole', roleArn);
  const parsed = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn as string);
  const role = parsed
    ? ctx.core.credentials.principals.find(
        (p) => p.type === 'role' && p.accountId === parsed[1] && p.userName === parsed[2],
      )
    : undefined;
  if (!role || role.accountId !== caller.accountId)
    throw accessDenied(
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  const session = ctx.core.credentials.issueRoleSession(role, {
    roleName: role.userName as string,
    sessionName: sessionName as string,
    expiration: Math.floor(ctx.now / 1000) * 1000 + duration * 1000,
    partition: ctx.world.scenario.partition,
  });
  return reply(ctx, {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken as string,
      Expiration: new Timestamp(session.expiration as number),
    },
    AssumedRoleUser: { AssumedRoleId: session.userId, Arn: session.arn },
  });
}

export const stsService: ServiceDefinition = {
  name: 'sts',
  actionPrefix: 'sts',
  protocol: 'query',
  operationName: (_req, ctx) => ctx.query.get('Action'),
  renderError: (error, requestId) => renderQueryError(error, XMLNS, requestId),
  operations: {
    GetCallerIdentity: { skipAuthorization: true, handle: getCallerIdentity },
    // AssumeRoot authorizes itself once the target is known.
    AssumeRoot: { skipAuthorization: true, handle: assumeRoot },
    // AssumeRole authorizes itself once the role ARN is validated.
    AssumeRole: { skipAuthorization: true, handle: assumeRole },
  },
};
