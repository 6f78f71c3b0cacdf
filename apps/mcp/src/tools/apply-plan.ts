import { ApplyResultSchema, type Plan, PlanIdSchema, PlanSchema } from '@rootwarden/core';
import { z } from 'zod';
import { ToolError } from '../errors.js';
import { progressListener } from '../progress.js';
import { describePlanForConsent, renderApply } from '../render.js';
import { defineTool, type ToolContext, type ToolExtra } from '../tool.js';

/** How long a person has to answer the consent question (the SDK's default request timeout is 60 s). */
const CONSENT_TIMEOUT_MS = 10 * 60_000;

type Consent = { given: true; how: 'elicitation' | 'fingerprint' } | { given: false; error: ToolError };

function supportsFormElicitation(context: ToolContext): boolean {
  const elicitation = context.mcp.server.getClientCapabilities()?.elicitation as
    | { form?: object; url?: object }
    | undefined;
  // `elicitation: {}` (protocol 2025-06-18) means form mode.
  return elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
}

/**
 * A person's consent for this very plan: asked through MCP elicitation when the client can ask its
 * user; otherwise `confirm` must equal the fingerprint the person was shown with the plan. Where the
 * client can ask, `confirm` is not enough: the model could copy it.
 */
async function obtainConsent(
  plan: Plan,
  confirm: string | undefined,
  extra: ToolExtra,
  context: ToolContext,
): Promise<Consent> {
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
  if (confirm === undefined) {
    return {
      given: false,
      error: new ToolError(
        'CONSENT_REQUIRED',
        `Plan ${plan.planId} needs a person's approval and this client cannot ask them (no MCP elicitation). Nothing was applied.`,
        'Show the person the plan (plan-privileged-task printed its actions and fingerprint); only if they approve, call apply-plan again with confirm set to that fingerprint.',
        'confirm',
      ),
    };
  }
  if (confirm.trim() !== plan.fingerprint) {
    return {
      given: false,
      error: new ToolError(
        'CONSENT_REQUIRED',
        `confirm does not match the fingerprint of plan ${plan.planId}. Nothing was applied.`,
        'confirm must be the exact fingerprint the person approved, as plan-privileged-task showed it for this plan.',
        'confirm',
      ),
    };
  }
  return { given: true, how: 'fingerprint' };
}

/** `rootwarden apply PLAN_ID`: only with --allow-mutations, and only with a person's consent. */
export const applyPlanTool = defineTool<{ planId: string; confirm?: string | undefined }, unknown>({
  name: 'apply-plan',
  title: 'Apply a reviewed plan',
  description:
    "Applies a plan made by plan-privileged-task, after a person approves it: the server asks them through the client (MCP elicitation); a client that cannot ask must pass confirm = the plan's fingerprint the person approved. Deletes root credentials, creates a login profile or removes resource policies, with the narrowest root task policy, journaling and verifying every action. Refuses expired or stale plans (re-plan). Applying again never repeats a finished action (an interrupted apply resumes). Sends progress per action when the client sends a progress token.",
  inputSchema: z
    .object({
      planId: PlanIdSchema.describe('The id plan-privileged-task returned.'),
      confirm: PlanSchema.shape.fingerprint
        .optional()
        .describe(
          "Only for clients without elicitation: the plan's fingerprint, exactly as shown to and approved by the person.",
        ),
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
    const consent = await obtainConsent(plan, input.confirm, extra, context);
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
