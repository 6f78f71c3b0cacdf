import { ApplyResultSchema, type Plan, PlanIdSchema } from '@rootwarden/core';
import { z } from 'zod';
import { ToolError } from '../errors.js';
import { progressListener } from '../progress.js';
import { describePlanForConsent, renderApply, UNTRUSTED_TEXT_NOTE } from '../render.js';
import { defineTool, type ToolContext, type ToolExtra } from '../tool.js';

/** How long a person has to answer the consent question (the SDK's default request timeout is 60 s). */
const CONSENT_TIMEOUT_MS = 10 * 60_000;

type Consent = { given: true; how: 'elicitation' } | { given: false; error: ToolError };

function supportsFormElicitation(context: ToolContext): boolean {
  const elicitation = context.mcp.server.getClientCapabilities()?.elicitation as
    | { form?: object; url?: object }
    | undefined;
  // `elicitation: {}` (protocol 2025-06-18) means form mode.
  return elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
}

/**
 * A person's consent for this very plan, asked through MCP elicitation: the client shows the question
 * to its user and the answer comes from them, not from the model. There is no other way to consent here:
 * anything passed as a tool argument (a fingerprint, a "yes") could be written by the model, which has
 * seen the plan. A client that cannot ask gets CONSENT_REQUIRED pointing the person to a terminal
 * (`rootwarden apply`, which asks on the TTY) or the HTTP API (a `remediate` token the model does not hold).
 */
async function obtainConsent(plan: Plan, extra: ToolExtra, context: ToolContext): Promise<Consent> {
  if (supportsFormElicitation(context)) {
    let answer: Awaited<ReturnType<typeof context.mcp.server.elicitInput>>;
    try {
      answer = await context.mcp.server.elicitInput(
        {
          mode: 'form',
          message: describePlanForConsent(plan),
          requestedSchema: {
            type: 'object',
            properties: {
              approve: {
                type: 'boolean',
                title: `Apply plan ${plan.planId}`,
                description: 'Yes: rootwarden performs these actions now.',
                default: false,
              },
            },
            required: ['approve'],
          },
        },
        { relatedRequestId: extra.requestId, signal: extra.signal, timeout: CONSENT_TIMEOUT_MS },
      );
    } catch (error) {
      return {
        given: false,
        error: new ToolError(
          'CONSENT_REQUIRED',
          `Could not ask the person to approve plan ${plan.planId}: ${(error as Error).message}. Nothing was applied.`,
          'Ask again when the person can answer.',
        ),
      };
    }
    if (answer.action === 'accept' && answer.content?.approve === true)
      return { given: true, how: 'elicitation' };
    return {
      given: false,
      error: new ToolError(
        'CONSENT_REQUIRED',
        `The person did not approve plan ${plan.planId} (${answer.action === 'accept' ? 'answered no' : answer.action === 'decline' ? 'declined' : 'cancelled'}). Nothing was applied.`,
        'Do not retry unless the person asks for it.',
      ),
    };
  }
  return {
    given: false,
    error: new ToolError(
      'CONSENT_REQUIRED',
      `Plan ${plan.planId} needs a person's approval and this client cannot ask them (no MCP elicitation). Nothing was applied.`,
      `Show the person the plan. Only they can apply it, outside this conversation: in a terminal with \`rootwarden apply ${plan.planId}\` (it shows the plan and asks them), or through rootwarden-api with a token of scope remediate (POST /v1/plans/${plan.planId}/apply). Or use an MCP client that supports elicitation.`,
    ),
  };
}

/** `rootwarden apply PLAN_ID`: only with --allow-mutations, and only with a person's consent. */
export const applyPlanTool = defineTool<{ planId: string }, unknown>({
  name: 'apply-plan',
  title: 'Apply a reviewed plan',
  description: `Applies a plan made by plan-privileged-task, only after a person approves it: the server asks them through the client (MCP elicitation). Nothing the model passes counts as consent; without elicitation it refuses (CONSENT_REQUIRED) and the person applies the plan themselves in a terminal (\`rootwarden apply PLAN_ID\`) or through rootwarden-api. Deletes root credentials, creates a login profile or removes resource policies, with the narrowest root task policy, journaling and verifying every action. Refuses expired or stale plans (re-plan). Applying again never repeats a finished action (an interrupted apply resumes). Sends progress per action when the client sends a progress token. ${UNTRUSTED_TEXT_NOTE}`,
  inputSchema: z
    .object({
      planId: PlanIdSchema.describe('The id plan-privileged-task returned.'),
    })
    .strict(),
  outputSchema: ApplyResultSchema,
  // Repeating a call has no further effect: finished actions are never repeated (journal), and a plan
  // whose observed state moved on is refused as stale.
  annotations: {
    title: 'Apply a reviewed plan',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  errorFields: {
    PLAN_NOT_FOUND: 'planId',
    PLAN_EXPIRED: 'planId',
    PLAN_STALE: 'planId',
    PLAN_BUSY: 'planId',
  },
  async run(input, extra, context) {
    const plan = await context.engine.getPlan(input.planId);
    const consent = await obtainConsent(plan, extra, context);
    if (!consent.given) throw consent.error;
    context.log.info(`apply-plan ${plan.planId}: consent given (${consent.how})`);
    const onEvent = progressListener(extra, 'actions applied');
    const result = await context.engine.applyPlan(plan.planId, {
      signal: extra.signal,
      ...(onEvent ? { onEvent } : {}),
    });
    return { structured: result, text: renderApply(result) };
  },
});
