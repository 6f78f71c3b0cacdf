import { z } from 'zod';
import { type SandboxAdmin, SandboxAdminError } from './admin.js';
import { ADMIN_ROUTES } from './admin-routes.js';
import type { WireRequest, WireResponse } from './protocol/wire.js';
import { ScenarioError } from './scenarios/schema.js';

export { ADMIN_ROUTES } from './admin-routes.js';

/** The admin surface lives under this path; S3 bucket names cannot start with `_`, so it never shadows a bucket. */
export const ADMIN_PREFIX = '/_sandbox';

const json = (status: number, body: unknown): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body, null, 2),
});

/** Serves `/_sandbox/...` as JSON; refuses non-loopback peers. */
export function createAdminRouter(admin: SandboxAdmin): (req: WireRequest) => WireResponse {
  const patterns = ADMIN_ROUTES.map((route) => ({ route, parts: route.path.split('/').slice(1) }));
  return (req) => {
    if (!req.loopback) return json(403, { error: 'the sandbox admin surface only answers loopback clients' });
    const path = req.path.slice(ADMIN_PREFIX.length) || '/';
    const segments = path
      .split('/')
      .slice(1)
      .filter((s, i, all) => s !== '' || i < all.length - 1);
    if (path === '/' || path === '')
      return json(200, {
        routes: ADMIN_ROUTES.map((route) => ({
          method: route.method,
          path: `${ADMIN_PREFIX}${route.path}`,
          description: route.description,
        })),
      });
    const method = req.method.toUpperCase();
    let pathMatched = false;
    for (const { route, parts } of patterns) {
      const params = matchPath(parts, segments);
      if (params === undefined) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      let body: unknown = {};
      if (req.body.length > 0) {
        try {
          body = JSON.parse(req.body.toString('utf8'));
        } catch {
          return json(400, { error: 'the body must be JSON' });
        }
      }
      try {
        const result = route.handle(admin, { body, params, query: new URLSearchParams(req.rawQuery) });
        return json(200, result ?? {});
      } catch (error) {
        if (error instanceof z.ZodError) {
          const problems = error.issues.map(
            (issue) => `${['body', ...issue.path.map(String)].join('.')}: ${issue.message}`,
          );
          return json(400, {
            error: `${route.method} ${ADMIN_PREFIX}${route.path}: ${problems.join('; ')}`,
            problems,
          });
        }
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

/** The `:name` segments of a route pattern that matches the path, or undefined when it does not match. */
function matchPath(
  parts: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] as string;
    if (!part.startsWith(':')) {
      if (part !== segment) return undefined;
      continue;
    }
    try {
      params[part.slice(1)] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return params;
}
