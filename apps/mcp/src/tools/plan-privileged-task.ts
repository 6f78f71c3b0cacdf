import { type CreatePlanInput, CreatePlanInputSchema, PlanSchema, parseInput } from '@rootwarden/core';
import { z } from 'zod';
import { renderPlan, UNTRUSTED_TEXT_NOTE } from '../render.js';
import { defineTool } from '../tool.js';

/**
 * MCP tool arguments must be one JSON object (`type: "object"`), and many clients refuse a top-level
 * `oneOf`; so the advertised schema is core's discriminated union flattened (`task` plus every field,
 * each saying which task takes it), and the arguments are then parsed with the union itself.
 */
function flattenPlanInput() {
  const tasks = CreatePlanInputSchema.options.map((option) => option.shape.task.value);
  const usedBy = new Map<string, { schema: z.ZodType; tasks: string[] }>();
  for (const option of CreatePlanInputSchema.options) {
    for (const [key, schema] of Object.entries(option.shape)) {
      if (key === 'task') continue;
      const entry = usedBy.get(key) ?? { schema: schema as z.ZodType, tasks: [] };
      entry.tasks.push(option.shape.task.value);
      usedBy.set(key, entry);
    }
  }
  const help: Record<string, string> = {
    accounts: 'The 12-digit ids of the accounts to clean.',
    allExposed: 'Plan for every account the audit finds exposed (instead of listing accounts).',
    only: 'Which kinds of root credential to delete (default: all four).',
    account: 'The 12-digit id of the member account.',
    bucket: 'The S3 bucket whose policy locks everyone out.',
    queueUrl: 'The URL of the SQS queue whose policy locks everyone out.',
    rootSessions:
      'Also enable RootSessions (needed for the S3/SQS unlock tasks and, per the IAM User Guide, password recovery). Default true.',
  };
  const shape: Record<string, z.ZodType> = {
    task: z
      .enum(tasks as [string, ...string[]])
      .describe(
        'The privileged task: delete-root-credentials, allow-password-recovery (lets the root email owner reset the password), unlock-s3-bucket-policy, unlock-sqs-queue-policy, enable-root-access.',
      ),
  };
  for (const [key, { schema, tasks: users }] of usedBy) {
    // Defaults are left to the union: filled in here they would be unknown keys of the other tasks.
    const bare = schema instanceof z.ZodDefault ? (schema.def.innerType as z.ZodType) : schema;
    const optional = bare instanceof z.ZodOptional ? bare : bare.optional();
    shape[key] = optional.describe(`${help[key] ?? ''} For task ${users.join(', ')}.`.trim());
  }
  return z.object(shape).strict();
}

/** `rootwarden plan <task>`: observes with read-only root sessions and saves a plan for review. */
export const planPrivilegedTaskTool = defineTool<CreatePlanInput, unknown>({
  name: 'plan-privileged-task',
  title: 'Plan a privileged root task',
  description: `Prepares, without changing anything, a plan for one privileged root task over one or many member accounts: delete root credentials, allow password recovery, unlock an S3 bucket policy or an SQS queue policy (the policy is backed up), or enable centralized root access. It observes the current state with read-only root sessions and returns the plan (id, actions, fingerprint, expiry) for a person to review. Nothing is applied: apply-plan, when the server allows it, needs that person's approval. ${UNTRUSTED_TEXT_NOTE}`,
  inputSchema: flattenPlanInput(),
  parse: (input) => parseInput(CreatePlanInputSchema, input) as CreatePlanInput,
  outputSchema: PlanSchema,
  annotations: { title: 'Plan a privileged root task', readOnlyHint: true, openWorldHint: true },
  errorFields: (input) => {
    const account = input.task === 'delete-root-credentials' ? 'accounts' : 'account';
    return {
      ACCOUNT_NOT_IN_ORG: account,
      MANAGEMENT_ACCOUNT_TARGET: account,
      ACCOUNT_NOT_ACTIVE: account,
      ...(input.task === 'unlock-s3-bucket-policy' ? { RESOURCE_NOT_FOUND: 'bucket' } : {}),
      ...(input.task === 'unlock-sqs-queue-policy' ? { RESOURCE_NOT_FOUND: 'queueUrl' } : {}),
    };
  },
  async run(input, extra, context) {
    const plan = await context.engine.createPlan(input, { signal: extra.signal });
    return { structured: plan, text: renderPlan(plan, context.allowMutations) };
  },
});
