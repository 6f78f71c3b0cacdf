import { type SandboxAdmin, SandboxAdminError } from './admin.js';
import type { WireRequest, WireResponse } from './protocol/wire.js';
import { ScenarioError } from './scenarios/schema.js';

/** The admin surface lives under this path; S3 bucket names cannot start with `_`, so it never shadows a bucket. */
export const ADMIN_PREFIX = '/_sandbox';

const json = (status: number, body: unknown): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body, null, 2),
});

type Handler = (ctx: { body: Record<string, unknown>; params: string[]; query: URLSearchParams }) => unknown;

/** Routes: method + pattern (`:x` captures one decoded segment). */
export const ADMIN_ROUTES: ReadonlyArray<readonly [string, string, string]> = [
  ['POST', '/reset', 'reset to the loaded scenario'],
  ['GET', '/scenario', 'summary of the loaded scenario'],
  ['PUT', '/scenario', 'load a scenario: {"name": "exposed"} or {"scenario": {...}}'],
  ['GET', '/principals', 'principals with their static keys'],
  ['GET', '/calls', 'call log (?since=SEQ&service=&operation=)'],
  ['DELETE', '/calls', 'clear the call log'],
  ['GET', '/secrets', 'every secret ever issued, tagged by kind'],
  ['GET', '/sessions', 'live root sessions (no secrets)'],
  ['GET', '/clock', 'sandbox clock'],
  ['PUT', '/clock', 'set the clock: {"now": ISO} or {"advanceSeconds": N}'],
  ['GET', '/latency', 'latency settings'],
  ['PUT', '/latency', 'set latency: {"fixedMs", "jitterMs", "perOperation"}'],
  ['GET', '/faults', 'fault rules'],
  ['PUT', '/faults', 'set fault rules: [{"operation", "rate", "kind", "count"}]'],
  ['GET', '/quotas', 'quota rules'],
  ['PUT', '/quotas', 'set quotas: {"enabled", "rules": {"api": {"rate", "burst"} | null}}'],
  ['PATCH', '/organization', 'set {"rootFeatures": [...], "trustedAccess": [...]}'],
  [
    'POST',
    '/accounts',
    'an account joins: {"name", "joinedMethod": "INVITED" | "CREATED", "id"?, "parentId"?, "rootPassword"?}',
  ],
  ['PUT', '/accounts/:id/parent', 'move the account: {"parentId"}'],
  ['DELETE', '/accounts/:id', 'the account leaves the organization'],
  ['GET', '/accounts/:id', 'an account'],
  ['PATCH', '/accounts/:id', 'set {"state", "scpDeniesRootSession"}'],
  ['GET', '/accounts/:id/root', "the root user's credential state"],
  ['PATCH', '/accounts/:id/root', 'set {"passwordLastUsed": ISO | null}'],
  ['PUT', '/accounts/:id/root/login-profile', 'create the login profile'],
  ['DELETE', '/accounts/:id/root/login-profile', 'delete the login profile'],
  [
    'POST',
    '/accounts/:id/root/access-keys',
    'add an access key {"accessKeyId", "status", "createDate", "lastUsed"}',
  ],
  ['PATCH', '/accounts/:id/root/access-keys/:key', 'set {"status", "lastUsed"}'],
  ['DELETE', '/accounts/:id/root/access-keys/:key', 'remove an access key'],
  ['POST', '/accounts/:id/root/signing-certificates', 'add a signing certificate'],
  ['DELETE', '/accounts/:id/root/signing-certificates/:cert', 'remove a signing certificate'],
  [
    'POST',
    '/accounts/:id/root/mfa-devices',
    'add an MFA device {"kind": "virtual"|"fido"|"hardware", "name", "serialNumber"}',
  ],
  ['DELETE', '/accounts/:id/root/mfa-devices/:serial', 'remove an MFA device (serial URL-encoded)'],
  ['GET', '/buckets/:name/policy', 'a bucket policy'],
  ['PUT', '/buckets/:name/policy', 'set a bucket policy (body = policy JSON)'],
  ['DELETE', '/buckets/:name/policy', 'remove a bucket policy'],
  ['GET', '/queues/:account/:name/policy', 'a queue policy (?region=)'],
  ['PUT', '/queues/:account/:name/policy', 'set a queue policy (body = policy JSON)'],
  ['DELETE', '/queues/:account/:name/policy', 'remove a queue policy'],
];

function handlers(admin: SandboxAdmin): Record<string, Handler> {
  const num = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SandboxAdminError(`${name} must be a number`);
    return v;
  };
  const p = (params: string[], i: number) => params[i] as string;
  return {
    'POST /reset': () => {
      admin.reset();
      return admin.scenario();
    },
    'GET /scenario': () => admin.scenario(),
    'PUT /scenario': ({ body }) => {
      if (typeof body.name === 'string') return admin.loadScenario(body.name);
      if (body.scenario && typeof body.scenario === 'object')
        return admin.loadScenario(body.scenario as never);
      throw new SandboxAdminError('give {"name": "blog"} or {"scenario": {...}}');
    },
    'GET /principals': () => admin.principals(),
    'GET /calls': ({ query }) =>
      admin.calls({
        ...(query.has('since') ? { sinceSeq: Number(query.get('since')) } : {}),
        ...(query.has('service') ? { service: query.get('service') as string } : {}),
        ...(query.has('operation') ? { operation: query.get('operation') as string } : {}),
      }),
    'DELETE /calls': () => {
      admin.clearCalls();
      return {};
    },
    'GET /secrets': () => admin.secrets(),
    'GET /sessions': () => admin.sessions(),
    'GET /clock': () => ({ now: admin.now().toISOString() }),
    'PUT /clock': ({ body }) => {
      if (body.advanceSeconds !== undefined)
        return { now: admin.advanceClock(num(body.advanceSeconds, 'advanceSeconds') * 1000).toISOString() };
      if (typeof body.now === 'string' || typeof body.now === 'number')
        return { now: admin.setClock(body.now).toISOString() };
      throw new SandboxAdminError('give {"now": ISO} or {"advanceSeconds": N}');
    },
    'GET /latency': () => admin.latency(),
    'PUT /latency': ({ body }) => admin.setLatency(body as never),
    'GET /faults': () => admin.faults(),
    'PUT /faults': ({ body }) => {
      const rules = Array.isArray(body) ? body : body.faults;
      if (!Array.isArray(rules)) throw new SandboxAdminError('give a list of fault rules');
      return admin.setFaults(rules as never);
    },
    'GET /quotas': () => admin.quotas(),
    'PUT /quotas': ({ body }) => admin.setQuotas(body as never),
    'PATCH /organization': ({ body }) => admin.setOrganization(body as never),
    'POST /accounts': ({ body }) => admin.addAccount(body as never),
    'PUT /accounts/:id/parent': ({ params, body }) => {
      if (typeof body.parentId !== 'string') throw new SandboxAdminError('give {"parentId": "r-…" | "ou-…"}');
      return admin.moveAccount(p(params, 0), body.parentId);
    },
    'DELETE /accounts/:id': ({ params }) => {
      admin.removeAccount(p(params, 0));
      return { removed: p(params, 0) };
    },
    'GET /accounts/:id': ({ params }) => admin.account(p(params, 0)),
    'PATCH /accounts/:id': ({ params, body }) => admin.setAccount(p(params, 0), body as never),
    'GET /accounts/:id/root': ({ params }) => admin.rootCredentials(p(params, 0)),
    'PATCH /accounts/:id/root': ({ params, body }) => {
      if (!('passwordLastUsed' in body)) throw new SandboxAdminError('give {"passwordLastUsed": ISO | null}');
      return admin.setPasswordLastUsed(p(params, 0), body.passwordLastUsed as string | null);
    },
    'PUT /accounts/:id/root/login-profile': ({ params, body }) =>
      admin.createLoginProfile(p(params, 0), body as never),
    'DELETE /accounts/:id/root/login-profile': ({ params }) => admin.deleteLoginProfile(p(params, 0)),
    'POST /accounts/:id/root/access-keys': ({ params, body }) =>
      admin.addAccessKey(p(params, 0), body as never),
    'PATCH /accounts/:id/root/access-keys/:key': ({ params, body }) =>
      admin.updateAccessKey(p(params, 0), p(params, 1), body as never),
    'DELETE /accounts/:id/root/access-keys/:key': ({ params }) =>
      admin.removeAccessKey(p(params, 0), p(params, 1)),
    'POST /accounts/:id/root/signing-certificates': ({ params, body }) =>
      admin.addSigningCertificate(p(params, 0), body as never),
    'DELETE /accounts/:id/root/signing-certificates/:cert': ({ params }) =>
      admin.removeSigningCertificate(p(params, 0), p(params, 1)),
    'POST /accounts/:id/root/mfa-devices': ({ params, body }) =>
      admin.addMfaDevice(p(params, 0), body as never),
    'DELETE /accounts/:id/root/mfa-devices/:serial': ({ params }) =>
      admin.removeMfaDevice(p(params, 0), p(params, 1)),
    'GET /buckets/:name/policy': ({ params }) => ({ policy: admin.bucketPolicy(p(params, 0)) }),
    'PUT /buckets/:name/policy': ({ params, body }) => ({
      policy: admin.setBucketPolicy(p(params, 0), body),
    }),
    'DELETE /buckets/:name/policy': ({ params }) => ({ policy: admin.setBucketPolicy(p(params, 0), null) }),
    'GET /queues/:account/:name/policy': ({ params, query }) => ({
      policy: admin.queuePolicy(p(params, 0), p(params, 1), query.get('region') ?? undefined),
    }),
    'PUT /queues/:account/:name/policy': ({ params, body, query }) => ({
      policy: admin.setQueuePolicy(p(params, 0), p(params, 1), body, query.get('region') ?? undefined),
    }),
    'DELETE /queues/:account/:name/policy': ({ params, query }) => ({
      policy: admin.setQueuePolicy(p(params, 0), p(params, 1), null, query.get('region') ?? undefined),
    }),
  };
}

/** Serves `/_sandbox/...` as JSON; refuses non-loopback peers. */
export function createAdminRouter(admin: SandboxAdmin): (req: WireRequest) => WireResponse {
  const table = handlers(admin);
  const patterns = Object.keys(table).map((key) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { key, method, parts: pattern.split('/').slice(1) };
  });
  return (req) => {
    if (!req.loopback) return json(403, { error: 'the sandbox admin surface only answers loopback clients' });
    const path = req.path.slice(ADMIN_PREFIX.length) || '/';
    const segments = path
      .split('/')
      .slice(1)
      .filter((s, i, all) => s !== '' || i < all.length - 1);
    if (path === '/' || path === '')
      return json(200, {
        routes: ADMIN_ROUTES.map(([m, r, d]) => ({ method: m, path: `${ADMIN_PREFIX}${r}`, description: d })),
      });
    const method = req.method.toUpperCase();
    let pathMatched = false;
    for (const { key, method: m, parts } of patterns) {
      if (parts.length !== segments.length) continue;
      const params: string[] = [];
      let ok = true;
      for (let i = 0; i < parts.length; i += 1) {
        const part = parts[i] as string;
        const segment = segments[i] as string;
        if (part.startsWith(':')) {
          try {
            params.push(decodeURIComponent(segment));
          } catch {
            ok = false;
          }
        } else if (part !== segment) ok = false;
        if (!ok) break;
      }
      if (!ok) continue;
      pathMatched = true;
      if (m !== method) continue;
      let body: Record<string, unknown> = {};
      if (req.body.length > 0) {
        try {
          body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
        } catch {
          return json(400, { error: 'the body must be JSON' });
        }
        if (body === null || typeof body !== 'object')
          return json(400, { error: 'the body must be a JSON object or list' });
      }
      try {
        const result = (table[key] as Handler)({ body, params, query: new URLSearchParams(req.rawQuery) });
        return json(200, result ?? {});
      } catch (error) {
        if (error instanceof SandboxAdminError) return json(error.status, { error: error.message });
        if (error instanceof ScenarioError)
          return json(400, { error: error.message, problems: error.problems });
        return json(500, { error: (error as Error).message });
      }
    }
    return json(pathMatched ? 405 : 404, {
      error: pathMatched ? `method ${method} not allowed here` : `no admin route ${req.path}`,
    });
  };
}
