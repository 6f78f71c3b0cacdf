import { OrgStatusSchema } from '@rootwarden/core';
import { z } from 'zod';
import { renderOrgStatus } from '../render.js';
import { defineTool } from '../tool.js';

/** `rootwarden org status`: who the caller is and whether centralized root access is usable. */
export const getOrgStatusTool = defineTool({
  name: 'get-org-status',
  title: 'Organization status',
  description:
    'Who the AWS caller is (management account, delegated administrator or other), the organization, whether trusted access for IAM and the RootCredentialsManagement / RootSessions features are on, what this caller can do, and every problem with its fix. Call it first. Reads only.',
  inputSchema: z.object({}).strict(),
  outputSchema: OrgStatusSchema,
  annotations: { title: 'Organization status', readOnlyHint: true, openWorldHint: true },
  async run(_input, extra, { engine }) {
    const status = await engine.getOrgStatus({ signal: extra.signal });
    return { structured: status, text: renderOrgStatus(status) };
  },
});
