import { z } from 'zod';
import { type SandboxAdmin, SandboxAdminError } from './admin.js';
import { AccountStateSchema, type ScenarioInput } from './scenarios/schema.js';
import type { RootFeature } from './state/world.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler gets: the body as its route's schema parsed it, the `:name` path segments, the query. */
interface AdminRequest<Body> {
  body: Body;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** One admin route: method, path (`:x` captures one decoded segment), what it does, its body schema and handler. */
export interface AdminRoute {
  method: Method;
  path: string;
  description: string;
  /** The JSON body it accepts; none: the body is ignored. */
  body?: z.ZodType;
  /** Runs with a body that passed `body` (the router answers 400 naming the field otherwise). */
  handle(admin: SandboxAdmin, request: AdminRequest<unknown>): unknown;
}

/** Builds a route whose handler sees the parsed body in the type of its schema. */
function route<Schema extends z.ZodType = z.ZodUnknown>(definition: {
  method: Method;
  path: string;
  description: string;
  body?: Schema;
  handle(admin: SandboxAdmin, request: AdminRequest<z.output<Schema>>): unknown;
}): AdminRoute {
  const { body, handle } = definition;
  return {
    method: definition.method,
    path: definition.path,
    description: definition.description,
    ...(body === undefined ? {} : { body }),
    handle: (admin, request) => {
      const parsed = (body ?? z.unknown()).parse(request.body) as z.output<Schema>;
      return handle(admin, { ...request, body: parsed });
    },
  };
}

const DateInputSchema = z.union([z.string(), z.number()]);
const CredentialStatusSchema = z.enum(['Active', 'Inactive']);
const LastUsedSchema = z.object({
  date: DateInputSchema,
  serviceName: z.string().optional(),
  region: z.string().optional(),
});
const LatencySchema = z.object({ fixedMs: z.number().min(0), jitterMs: z.number().min(0) });
const FaultRuleSchema = z.object({
  operation: z.string().optional(),
  rate: z.number().min(0).max(1),
  kind: z.enum(['throttle', 'internal', 'unavailable', 'drop', 'random']),
  count: z.number().int().min(0).optional(),
});
const QuotaRuleSchema = z.object({
  rate: z.number().positive(),
  burst: z.number().min(1),
  orgRate: z.number().positive().optional(),
  orgBurst: z.number().min(1).optional(),
});
/** A bucket or queue policy document, given as the body itself. */
const PolicyDocumentSchema = z.record(z.string(), z.unknown());
/** The scenario is validated in full by the scenario loader (its problems come back with the 400). */
const ScenarioObjectSchema = z.custom<ScenarioInput>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'must be a scenario object' },
);
const EMPTY = {};

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'POST',
    path: '/reset',
    description: 'reset to the loaded scenario',
    handle: (admin) => {
      admin.reset();
      return admin.scenario();
    },
  }),
  route({
    method: 'GET',
    path: '/scenario',
    description: 'summary of the loaded scenario',
    handle: (admin) => admin.scenario(),
  }),
  route({
    method: 'PUT',
    path: '/scenario',
    description: 'load a scenario: {"name": "exposed"} or {"scenario": {...}}',
    body: z
      .object({ name: z.string().optional(), scenario: ScenarioObjectSchema.optional() })
      .transform((body, context) => {
        const scenario = body.name ?? body.scenario;
        if (scenario === undefined) {
          context.addIssue({ code: 'custom', message: 'give {"name": "blog"} or {"scenario": {...}}' });
          return z.NEVER;
        }
        return scenario;
      }),
    handle: (admin, { body }) => admin.loadScenario(body),
  }),
  route({
    method: 'GET',
    path: '/principals',
    description: 'principals with their static keys',
    handle: (admin) => admin.principals(),
  }),
  route({
    method: 'GET',
    path: '/calls',
    description: 'call log (?since=SEQ&service=&operation=)',
    handle: (admin, { query }) => {
      const since = query.get('since');
      const service = query.get('service');
      const operation = query.get('operation');
      return admin.calls({
        ...(since === null ? {} : { sinceSeq: Number(since) }),
        ...(service === null ? {} : { service }),
        ...(operation === null ? {} : { operation }),
      });
    },
  }),
  route({
    method: 'DELETE',
    path: '/calls',
    description: 'clear the call log',
    handle: (admin) => {
      admin.clearCalls();
      return EMPTY;
    },
  }),
  route({
    method: 'GET',
    path: '/secrets',
    description: 'every secret ever issued, tagged by kind',
    handle: (admin) => admin.secrets(),
  }),
  route({
    method: 'GET',
    path: '/sessions',
    description: 'live root sessions (no secrets)',
    handle: (admin) => admin.sessions(),
  }),
  route({
    method: 'GET',
    path: '/clock',
    description: 'sandbox clock',
    handle: (admin) => ({ now: admin.now().toISOString() }),
  }),
  route({
    method: 'PUT',
    path: '/clock',
    description: 'set the clock: {"now": ISO} or {"advanceSeconds": N}',
    body: z
      .object({ now: DateInputSchema.optional(), advanceSeconds: z.number().optional() })
      .transform((body, context) => {
        if (body.advanceSeconds !== undefined) return { advanceMs: body.advanceSeconds * 1000 };
        if (body.now !== undefined) return { advanceMs: undefined, now: body.now };
        context.addIssue({ code: 'custom', message: 'give {"now": ISO} or {"advanceSeconds": N}' });
        return z.NEVER;
      }),
    handle: (admin, { body }) => ({
      now: (body.advanceMs === undefined
        ? admin.setClock(body.now)
        : admin.advanceClock(body.advanceMs)
      ).toISOString(),
    }),
  }),
  route({
    method: 'GET',
    path: '/latency',
    description: 'latency settings',
    handle: (admin) => admin.latency(),
  }),
  route({
    method: 'PUT',
    path: '/latency',
    description: 'set latency: {"fixedMs", "jitterMs", "perOperation"}',
    body: LatencySchema.partial().extend({ perOperation: z.record(z.string(), LatencySchema).optional() }),
    handle: (admin, { body }) => admin.setLatency(body),
  }),
  route({ method: 'GET', path: '/faults', description: 'fault rules', handle: (admin) => admin.faults() }),
  route({
    method: 'PUT',
    path: '/faults',
    description: 'set fault rules: [{"operation", "rate", "kind", "count"}]',
    body: z.union([z.array(FaultRuleSchema), z.object({ faults: z.array(FaultRuleSchema) })]),
    handle: (admin, { body }) => admin.setFaults(Array.isArray(body) ? body : body.faults),
  }),
  route({ method: 'GET', path: '/quotas', description: 'quota rules', handle: (admin) => admin.quotas() }),
  route({
    method: 'PUT',
    path: '/quotas',
    description: 'set quotas: {"enabled", "rules": {"api": {"rate", "burst"} | null}}',
    body: z.object({
      enabled: z.boolean().optional(),
      rules: z.record(z.string(), QuotaRuleSchema.nullable()).optional(),
    }),
    handle: (admin, { body }) => admin.setQuotas(body),
  }),
  route({
    method: 'PATCH',
    path: '/organization',
    description: 'set {"rootFeatures": [...], "trustedAccess": [...]}',
    body: z.object({
      rootFeatures: z
        .array(z.enum(['RootCredentialsManagement', 'RootSessions'] satisfies RootFeature[]))
        .optional(),
      trustedAccess: z.array(z.string()).optional(),
    }),
    handle: (admin, { body }) => admin.setOrganization(body),
  }),
  route({
    method: 'POST',
    path: '/accounts',
    description:
      'an account joins: {"name", "joinedMethod": "INVITED" | "CREATED", "id"?, "parentId"?, "rootPassword"?}',
    body: z.object({
      id: z
        .string()
        .regex(/^\d{12}$/, 'must be 12 digits')
        .optional(),
      name: z.string().min(1),
      email: z.string().optional(),
      parentId: z.string().optional(),
      joinedMethod: z.enum(['INVITED', 'CREATED']),
      rootPassword: z.boolean().optional(),
    }),
    handle: (admin, { body }) => admin.addAccount(body),
  }),
  route({
    method: 'PUT',
    path: '/accounts/:id/parent',
    description: 'move the account: {"parentId"}',
    body: z.object({ parentId: z.string() }),
    handle: (admin, { params, body }) => admin.moveAccount(param(params, 'id'), body.parentId),
  }),
  route({
    method: 'DELETE',
    path: '/accounts/:id',
    description: 'the account leaves the organization',
    handle: (admin, { params }) => {
      admin.removeAccount(param(params, 'id'));
      return { removed: param(params, 'id') };
    },
  }),
  route({
    method: 'GET',
    path: '/accounts/:id',
    description: 'an account',
    handle: (admin, { params }) => admin.account(param(params, 'id')),
  }),
  route({
    method: 'PATCH',
    path: '/accounts/:id',
    description: 'set {"state", "scpDeniesRootSession"}',
    body: z.object({
      state: AccountStateSchema.optional(),
      scpDeniesRootSession: z.boolean().optional(),
    }),
    handle: (admin, { params, body }) => admin.setAccount(param(params, 'id'), body),
  }),
  route({
    method: 'GET',
    path: '/accounts/:id/root',
    description: "the root user's credential state",
    handle: (admin, { params }) => admin.rootCredentials(param(params, 'id')),
  }),
  route({
    method: 'PATCH',
    path: '/accounts/:id/root',
    description: 'set {"passwordLastUsed": ISO | null}',
    body: z.object({ passwordLastUsed: DateInputSchema.nullable() }),
    handle: (admin, { params, body }) =>
      admin.setPasswordLastUsed(param(params, 'id'), body.passwordLastUsed),
  }),
  route({
    method: 'PUT',
    path: '/accounts/:id/root/login-profile',
    description: 'create the login profile',
    body: z.object({ createDate: DateInputSchema.optional(), passwordResetRequired: z.boolean().optional() }),
    handle: (admin, { params, body }) => admin.createLoginProfile(param(params, 'id'), body),
  }),
  route({
    method: 'DELETE',
    path: '/accounts/:id/root/login-profile',
    description: 'delete the login profile',
    handle: (admin, { params }) => admin.deleteLoginProfile(param(params, 'id')),
  }),
  route({
    method: 'POST',
    path: '/accounts/:id/root/access-keys',
    description: 'add an access key {"accessKeyId", "status", "createDate", "lastUsed"}',
    body: z.object({
      accessKeyId: z.string().optional(),
      status: CredentialStatusSchema.optional(),
      createDate: DateInputSchema.optional(),
      lastUsed: LastUsedSchema.optional(),
    }),
    handle: (admin, { params, body }) => admin.addAccessKey(param(params, 'id'), body),
  }),
  route({
    method: 'PATCH',
    path: '/accounts/:id/root/access-keys/:key',
    description: 'set {"status", "lastUsed"}',
    body: z.object({
      status: CredentialStatusSchema.optional(),
      lastUsed: LastUsedSchema.nullable().optional(),
    }),
    handle: (admin, { params, body }) =>
      admin.updateAccessKey(param(params, 'id'), param(params, 'key'), body),
  }),
  route({
    method: 'DELETE',
    path: '/accounts/:id/root/access-keys/:key',
    description: 'remove an access key',
    handle: (admin, { params }) => admin.removeAccessKey(param(params, 'id'), param(params, 'key')),
  }),
  route({
    method: 'POST',
    path: '/accounts/:id/root/signing-certificates',
    description: 'add a signing certificate',
    body: z.object({
      certificateId: z.string().optional(),
      status: CredentialStatusSchema.optional(),
      uploadDate: DateInputSchema.optional(),
      body: z.string().optional(),
    }),
    handle: (admin, { params, body }) => admin.addSigningCertificate(param(params, 'id'), body),
  }),
  route({
    method: 'DELETE',
    path: '/accounts/:id/root/signing-certificates/:cert',
    description: 'remove a signing certificate',
    handle: (admin, { params }) => admin.removeSigningCertificate(param(params, 'id'), param(params, 'cert')),
  }),
  route({
    method: 'POST',
    path: '/accounts/:id/root/mfa-devices',
    description: 'add an MFA device {"kind": "virtual"|"fido"|"hardware", "name", "serialNumber"}',
    body: z.object({
      kind: z.enum(['virtual', 'fido', 'hardware']),
      name: z.string().optional(),
      serialNumber: z.string().optional(),
      enableDate: DateInputSchema.optional(),
    }),
    handle: (admin, { params, body }) => admin.addMfaDevice(param(params, 'id'), body),
  }),
  route({
    method: 'DELETE',
    path: '/accounts/:id/root/mfa-devices/:serial',
    description: 'remove an MFA device (serial URL-encoded)',
    handle: (admin, { params }) => admin.removeMfaDevice(param(params, 'id'), param(params, 'serial')),
  }),
  route({
    method: 'GET',
    path: '/buckets/:name/policy',
    description: 'a bucket policy',
    handle: (admin, { params }) => ({ policy: admin.bucketPolicy(param(params, 'name')) }),
  }),
  route({
    method: 'PUT',
    path: '/buckets/:name/policy',
    description: 'set a bucket policy (body = policy JSON)',
    body: PolicyDocumentSchema,
    handle: (admin, { params, body }) => ({ policy: admin.setBucketPolicy(param(params, 'name'), body) }),
  }),
  route({
    method: 'DELETE',
    path: '/buckets/:name/policy',
    description: 'remove a bucket policy',
    handle: (admin, { params }) => ({ policy: admin.setBucketPolicy(param(params, 'name'), null) }),
  }),
  route({
    method: 'GET',
    path: '/queues/:account/:name/policy',
    description: 'a queue policy (?region=)',
    handle: (admin, { params, query }) => ({
      policy: admin.queuePolicy(
        param(params, 'account'),
        param(params, 'name'),
        query.get('region') ?? undefined,
      ),
    }),
  }),
  route({
    method: 'PUT',
    path: '/queues/:account/:name/policy',
    description: 'set a queue policy (body = policy JSON)',
    body: PolicyDocumentSchema,
    handle: (admin, { params, body, query }) => ({
      policy: admin.setQueuePolicy(
        param(params, 'account'),
        param(params, 'name'),
        body,
        query.get('region') ?? undefined,
      ),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/queues/:account/:name/policy',
    description: 'remove a queue policy',
    handle: (admin, { params, query }) => ({
      policy: admin.setQueuePolicy(
        param(params, 'account'),
        param(params, 'name'),
        null,
        query.get('region') ?? undefined,
      ),
    }),
  }),
];

/** A `:name` segment of the route's path (the router captured every one the path names). */
function param(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new SandboxAdminError(`missing path parameter ${name}`, 500);
  return value;
}
