import { AuditIdSchema } from '@rootwarden/core';
import { z } from 'zod';
import { AuditResultSchema, auditOutput } from '../audit-result.js';
import { UNTRUSTED_TEXT_NOTE } from '../render.js';
import { defineTool } from '../tool.js';

/** `rootwarden audits show ID`: a saved audit. */
export const getAuditTool = defineTool<{ id: string }, unknown>({
  name: 'get-audit',
  title: 'Get a saved audit',
  description: `A saved audit report by id (or a unique prefix of at least 4 characters), from the local history; no AWS call. Saved audits are listed as rootwarden://audits/{id} resources. For more than 50 accounts the result holds the summary and a link to the full report resource. ${UNTRUSTED_TEXT_NOTE}`,
  inputSchema: z
    .object({ id: AuditIdSchema.describe('The audit id (a UUID) or a unique prefix of it.') })
    .strict(),
  outputSchema: AuditResultSchema,
  // Reads the local history, but what it returns describes AWS accounts outside this host; every
  // rootwarden tool is marked open-world, so clients treat the whole server alike.
  annotations: { title: 'Get a saved audit', readOnlyHint: true, openWorldHint: true },
  errorFields: { AUDIT_NOT_FOUND: 'id' },
  async run(input, _extra, context) {
    return auditOutput(await context.engine.getAudit(input.id), context);
  },
});
