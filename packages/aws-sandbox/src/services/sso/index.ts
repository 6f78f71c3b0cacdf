import { createHash } from 'node:crypto';
import type { WireRequest, WireResponse } from '../../protocol/wire.js';
import type { SandboxCore } from '../../sandbox-core.js';
import { isoMillis } from '../../util/time.js';

/**
 * IAM Identity Center's portal API, the one call SSO profiles make: `GetRoleCredentials`
 * (`GET /federation/credentials?role_name=&account_id=` with the cached access token in
 * `x-amz-sso_bearer_token`; unsigned, `authtype: none`; rest-json, errors InvalidRequestException 400,
 * UnauthorizedException 401, TooManyRequestsException 429, ResourceNotFoundException 404; the
 * expiration is epoch milliseconds), per boto/botocore botocore/data/sso/2019-06-10/service-2.json and
 * https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html.
 *
 * The model: a permission set is a scenario `role` principal whose role name is the permission set's
 * name, in that account; its sessions carry the role's permissions and the ARN
 * `assumed-role/AWSReservedSSO_<name>_<suffix>/<user>` that IAM Identity Center roles have
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html describes
 * the AWSReservedSSO_ roles). Sessions last one hour, the permission set default
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html).
 */
const SESSION_MS = 3600 * 1000;
const TOKEN_HEADER = 'x-amz-sso_bearer_token';

export function isSsoPortalRequest(req: WireRequest): boolean {
  return req.path === '/federation/credentials' && req.headers[TOKEN_HEADER] !== undefined;
}

function error(code: string, status: number, message: string, requestId: string): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ message }),
  };
}

/** A stable 16-hex-digit suffix per permission set, like the tail of AWSReservedSSO_ role names. */
function reservedRoleName(name: string): string {
  return `AWSReservedSSO_${name}_${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

export function ssoGetRoleCredentials(core: SandboxCore, req: WireRequest, requestId: string): WireResponse {
  const query = new URLSearchParams(req.rawQuery);
  const roleName = query.get('role_name');
  const accountId = query.get('account_id');
  const token = core.credentials.ssoTokens.get(req.headers[TOKEN_HEADER] ?? '');
  const now = core.clock.now();
  let response: WireResponse;
  if (req.method !== 'GET' || !roleName || !accountId)
    response = error('InvalidRequestException', 400, 'role_name and account_id are required.', requestId);
  else if (!token || now >= token.expiration)
    response = error('UnauthorizedException', 401, 'Session token not found or invalid', requestId);
  else {
    const role = core.credentials.principals.find(
      (p) => p.type === 'role' && p.accountId === accountId && p.userName === roleName,
    );
    if (!role) response = error('ResourceNotFoundException', 404, 'No access', requestId);
    else {
      const session = core.credentials.issueRoleSession(role, {
        roleName: reservedRoleName(roleName),
        sessionName: token.userName,
        expiration: now + SESSION_MS,
        partition: core.world.scenario.partition,
      });
      response = {
        status: 200,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
        body: JSON.stringify({
          roleCredentials: {
            accessKeyId: session.accessKeyId,
            secretAccessKey: session.secretAccessKey,
            sessionToken: session.sessionToken,
            expiration: session.expiration,
          },
        }),
      };
    }
  }
  core.log.add({
    time: isoMillis(now),
    service: 'sso',
    operation: 'GetRoleCredentials',
    region: /^portal\.sso\.([a-z0-9-]+)\./.exec(req.headers.host ?? '')?.[1] ?? 'us-east-1',
    ...(accountId ? { targetAccountId: accountId } : {}),
    outcome: response.status < 300 ? 'OK' : (response.headers['x-amzn-errortype'] ?? 'Unknown'),
    httpStatus: response.status,
  });
  return response;
}
