import { z } from 'zod';

/** A 12-digit AWS account id. */
export const AccountIdSchema = z
  .string()
  .regex(/^\d{12}$/, 'must be a 12-digit AWS account id, e.g. 111122223333');

/** The order of accounts in every report and list: by account id (code units, as `sort()` orders). */
export function byAccountId(a: { accountId: string }, b: { accountId: string }): number {
  return a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0;
}

/** An organization root (`r-…`) or organizational unit (`ou-…-…`) id, as Organizations prints them. */
export const ParentIdSchema = z
  .string()
  .regex(
    /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
    'must be an OU id like ou-ab12-cd34ef56 or a root id like r-ab12',
  );

/** ISO 8601 timestamp in UTC, e.g. 2026-11-28T10:00:00.000Z. */
export const TimestampSchema = z.iso.datetime({ offset: true });

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** `--fail-on` threshold: a severity, or `never` to never fail on findings. */
export const FailOnSchema = z.enum([...SEVERITIES, 'never']);
export type FailOn = z.infer<typeof FailOnSchema>;

/** The five AWS-managed root task policies, by the short names the CLI, API and MCP share. */
export const ROOT_TASKS = {
  audit: 'IAMAuditRootUserCredentials',
  'delete-credentials': 'IAMDeleteRootUserCredentials',
  'create-password': 'IAMCreateRootUserPassword',
  'unlock-s3': 'S3UnlockBucketPolicy',
  'unlock-sqs': 'SQSUnlockQueuePolicy',
} as const;
export const RootTaskSchema = z.enum([
  'audit',
  'delete-credentials',
  'create-password',
  'unlock-s3',
  'unlock-sqs',
]);
export type RootTask = z.infer<typeof RootTaskSchema>;

/** The task policy's ARN in the caller's partition (AWS managed policies are `arn:PARTITION:iam::aws:policy/…`). */
export function taskPolicyArn(task: RootTask, partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/root-task/${ROOT_TASKS[task]}`;
}

/** Something that degraded a result without stopping it (e.g. OU names shown as ids), with its fix. */
export const ReportWarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string(),
});
export type ReportWarning = z.infer<typeof ReportWarningSchema>;
