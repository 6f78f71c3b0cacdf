import { AuditDiffSchema, AuditIdSchema } from '@rootwarden/core';
import { z } from 'zod';
import { renderDiff, UNTRUSTED_TEXT_NOTE } from '../render.js';
import { defineTool } from '../tool.js';

/** `rootwarden audits diff [OLD] [NEW]`: drift between two saved audits. */
export const diffAuditsTool = defineTool<{ oldId?: string | undefined; newId?: string | undefined }, unknown>(
  {
    name: 'diff-audits',
    title: 'Diff two audits',
    description: `What changed between two saved audits of the same organization (drift): root credentials that appeared or disappeared, status changes, accounts added or removed. Without ids: the last two audits of the organization audited last; with only oldId: that audit against the latest. Local history only; no AWS call. ${UNTRUSTED_TEXT_NOTE}`,
    inputSchema: z
      .object({
        oldId: AuditIdSchema.optional().describe('The older audit (id or unique prefix).'),
        newId: AuditIdSchema.optional().describe('The newer audit (id or unique prefix); needs oldId.'),
      })
      .strict(),
    outputSchema: AuditDiffSchema,
    annotations: { title: 'Diff two audits', readOnlyHint: true, openWorldHint: true },
    async run(input, _extra, { engine }) {
      const diff = await engine.diffAudits(input.oldId, input.newId);
      return { structured: diff, text: renderDiff(diff) };
    },
  },
);
