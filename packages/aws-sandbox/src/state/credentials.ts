import { createHash } from 'node:crypto';
import type { PrincipalScenario } from '../scenarios/schema.js';
import { alphabets, randomChars, randomSecret } from '../util/random.js';

export type TaskPolicyName =
  | 'IAMAuditRootUserCredentials'
  | 'IAMCreateRootUserPassword'
  | 'IAMDeleteRootUserCredentials'
  | 'S3UnlockBucketPolicy'
  | 'SQSUnlockQueuePolicy';

export interface PrincipalState {
  name: string;
  type: 'user' | 'role' | 'root';
  accountId: string;
  arn: string;
  userId: string;
  userName?: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  allow: readonly string[];
  isAllowed: (action: string) => boolean;
  isDefault: boolean;
  /** Role sessions issued by `sts:AssumeRole` or SSO `GetRoleCredentials` expire (sandbox-clock ms). */
  expiration?: number | undefined;
  /** Issued at run time (not from the scenario): dropped with the root sessions on reset. */
  issued?: boolean;
}

/** An IAM Identity Center access token as `aws sso login` caches it; the sandbox knows whose it is. */
export interface SsoToken {
  userName: string;
  /** Sandbox-clock milliseconds. */
  expiration: number;
}

/** A root session issued by AssumeRoot: fenced by its task policy, expiring on the sandbox clock. */
export interface SessionState {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  taskPolicy: TaskPolicyName;
  taskPolicyArn: string;
  /** Sandbox-clock milliseconds. */
  expiration: number;
  issuedAt: number;
  callerArn: string;
  callerAccountId: string;
}

export type Credential =
  | { kind: 'principal'; principal: PrincipalState }
  | { kind: 'session'; session: SessionState };

export type IssuedSecretKind =
  | 'static-secret-access-key'
  | 'static-session-token'
  | 'role-secret-access-key'
  | 'role-session-token'
  | 'sso-access-token'
  | 'session-secret-access-key'
  | 'session-token';

/** Every secret the sandbox ever handed out, so leak tests can search all outputs for them. */
export interface IssuedSecret {
  kind: IssuedSecretKind;
  value: string;
  accessKeyId: string;
  /** ARN of the principal the secret belongs to (the root ARN for sessions). */
  owner: string;
  /** Wall-clock ISO time. */
  issuedAt: string;
}

/** Compiles IAM-style action patterns (`*`, `iam:Get*`, `sts:AssumeRoot`), case-insensitively like IAM. */
export function compileActionPatterns(patterns: readonly string[]): (action: string) => boolean {
  if (patterns.includes('*')) return () => true;
  if (patterns.length === 0) return () => false;
  const source = patterns
    .map((p) =>
      p
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.'),
    )
    .join('|');
  const re = new RegExp(`^(?:${source})$`, 'i');
  return (action) => re.test(action);
}

function stableId(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; out.length < 21; i += 1) out += alphabets.BASE32[(digest[i] as number) % 32];
  return out;
}

function principalFromScenario(p: PrincipalScenario, isDefault: boolean, partition = 'aws'): PrincipalState {
  let arn: string;
  let userId: string;
  if (p.type === 'root') {
    arn = `arn:${partition}:iam::${p.accountId}:root`;
    userId = p.accountId;
  } else if (p.type === 'role') {
    const session = p.roleSessionName ?? p.name;
    arn = `arn:${partition}:sts::${p.accountId}:assumed-role/${p.userName}/${session}`;
    userId = `${stableId('AROA', `${p.accountId}/${p.userName}`)}:${session}`;
  } else {
    arn = `arn:${partition}:iam::${p.accountId}:user/${p.userName}`;
    userId = stableId('AIDA', `${p.accountId}/${p.userName}`);
  }
  return {
    name: p.name,
    type: p.type,
    accountId: p.accountId,
    arn,
    userId,
    userName: p.userName,
    accessKeyId: p.accessKeyId,
    secretAccessKey: p.secretAccessKey,
    sessionToken: p.sessionToken,
    allow: p.allow,
    isAllowed: compileActionPatterns(p.allow),
    isDefault,
  };
}

/** Principals and sessions by access key id (O(1) per request), plus the issued-secret ledger. */
export class CredentialStore {
  readonly byAccessKey = new Map<string, Credential>();
  principals: PrincipalState[] = [];
  readonly principalsByName = new Map<string, PrincipalState>();
  readonly issued: IssuedSecret[] = [];
  private readonly issuedValues = new Set<string>();
  readonly ssoTokens = new Map<string, SsoToken>();

  loadPrincipals(
    principals: readonly PrincipalScenario[],
    managementAccountId: string,
    partition = 'aws',
  ): void {
    this.byAccessKey.clear();
    this.principalsByName.clear();
    const explicitDefault = principals.find((p) => p.default);
    const fallbackDefault =
      principals.find((p) => p.accountId === managementAccountId && p.type !== 'root') ??
      principals.find((p) => p.accountId === managementAccountId);
    const defaultPrincipal = explicitDefault ?? fallbackDefault ?? principals[0];
    this.principals = principals.map((p) => principalFromScenario(p, p === defaultPrincipal, partition));
    for (const principal of this.principals) {
      this.byAccessKey.set(principal.accessKeyId, { kind: 'principal', principal });
      this.principalsByName.set(principal.name, principal);
      this.record(
        'static-secret-access-key',
        principal.secretAccessKey,
        principal.accessKeyId,
        principal.arn,
      );
      if (principal.sessionToken)
        this.record('static-session-token', principal.sessionToken, principal.accessKeyId, principal.arn);
    }
  }

  defaultPrincipal(): PrincipalState {
    const principal = this.principals.find((p) => p.isDefault) ?? this.principals[0];
    if (!principal) throw new Error('the scenario has no principals');
    return principal;
  }

  issueSession(init: Omit<SessionState, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): SessionState {
    let accessKeyId: string;
    do accessKeyId = `ASIA${randomChars(16)}`;
    while (this.byAccessKey.has(accessKeyId));
    // Shaped like real session tokens (base64, ~600 chars) so size-sensitive code sees realistic values.
    const session: SessionState = {
      ...init,
      accessKeyId,
      secretAccessKey: randomSecret(40),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomSecret(560)}`,
    };
    this.byAccessKey.set(accessKeyId, { kind: 'session', session });
    const owner = `arn:aws:iam::${session.accountId}:root`;
    this.record('session-secret-access-key', session.secretAccessKey, accessKeyId, owner);
    this.record('session-token', session.sessionToken, accessKeyId, owner);
    return session;
  }

  /**
   * A session of a scenario role, as `sts:AssumeRole` or SSO `GetRoleCredentials` hands it out: the
   * role's permissions, fresh ASIA keys and token, the assumed-role ARN with the caller's session name.
   */
  issueRoleSession(
    role: PrincipalState,
    init: { roleName: string; sessionName: string; expiration: number; partition?: string },
  ): PrincipalState {
    let accessKeyId: string;
    do accessKeyId = `ASIA${randomChars(16)}`;
    while (this.byAccessKey.has(accessKeyId));
    const arn = `arn:${init.partition ?? 'aws'}:sts::${role.accountId}:assumed-role/${init.roleName}/${init.sessionName}`;
    const principal: PrincipalState = {
      ...role,
      name: `${role.name}/${init.sessionName}`,
      type: 'role',
      arn,
      userId: `${stableId('AROA', `${role.accountId}/${init.roleName}`)}:${init.sessionName}`,
      userName: init.roleName,
      accessKeyId,
      secretAccessKey: randomSecret(40),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomSecret(560)}`,
      isDefault: false,
      expiration: init.expiration,
      issued: true,
    };
    this.byAccessKey.set(accessKeyId, { kind: 'principal', principal });
    this.record('role-secret-access-key', principal.secretAccessKey, accessKeyId, arn);
    this.record('role-session-token', principal.sessionToken as string, accessKeyId, arn);
    return principal;
  }

  /** An IAM Identity Center access token for `userName` (what `aws sso login` would cache). */
  issueSsoToken(userName: string, expiration: number): string {
    const token = `aoaAAAAA${randomSecret(120)}`;
    this.ssoTokens.set(token, { userName, expiration });
    this.record('sso-access-token', token, '', `sso-user/${userName}`);
    return token;
  }

  /** Drops every session (reset, scenario load); the ledger of issued secrets is kept. */
  clearSessions(): void {
    for (const [key, credential] of this.byAccessKey)
      if (credential.kind === 'session' || credential.principal.issued) this.byAccessKey.delete(key);
  }

  private record(kind: IssuedSecretKind, value: string, accessKeyId: string, owner: string): void {
    if (this.issuedValues.has(value)) return;
    this.issuedValues.add(value);
    this.issued.push({ kind, value, accessKeyId, owner, issuedAt: new Date().toISOString() });
  }
}
