import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './context.js';
import { API_VERSION } from './version.js';

/** Registers the bearer scheme the routes' `security` refers to (once per app). */
export function registerSecurityScheme(app: OpenAPIHono<ApiEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A token from `rootwarden-api token`; the server keeps only its SHA-256. Scopes: read < audit < remediate.',
  });
}

/** The OpenAPI 3.1 document, generated from the routes and core's zod schemas. */
export function buildOpenApiDocument(app: OpenAPIHono<ApiEnv>): Record<string, unknown> {
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'rootwarden API',
      version: API_VERSION,
      description:
        'Audit and remediate the root user credentials of every member account of an AWS Organization (centralized root access, sts:AssumeRoot).',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    tags: [
      { name: 'health', description: 'Probes (no authentication)' },
      { name: 'organization', description: 'Organization status and accounts' },
      { name: 'audits', description: 'Asynchronous audits, reports, progress events, drift' },
      { name: 'plans', description: 'Reviewed remediation: plan, then apply' },
      { name: 'exceptions', description: 'Accepted findings with an owner and an expiry (read-only)' },
      { name: 'breakglass', description: 'Time-boxed break-glass windows: open, list, close' },
    ],
  });
  return document as unknown as Record<string, unknown>;
}
