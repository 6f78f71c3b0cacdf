import { CoreError } from '../errors.js';

/**
 * Partitions where centralized root access management does not exist: it launched in every
 * commercial Region except AWS GovCloud (US) and China, and the China regions have no root user at
 * all (https://docs.amazonaws.cn/en_us/IAM/latest/UserGuide/id_root-user.html;
 * https://aws.amazon.com/about-aws/whats-new/2024/11/centrally-manage-root-access-iam/).
 */
export const PARTITIONS_WITHOUT_ROOT_ACCESS: ReadonlySet<string> = new Set(['aws-cn', 'aws-us-gov']);

/** The partition of an ARN (`arn:PARTITION:service:…`), or undefined for anything that is not an ARN. */
export function partitionOfArn(arn: string): string | undefined {
  const match = /^arn:([a-z][a-z0-9-]*):/.exec(arn);
  return match?.[1];
}

/** Refuses a caller whose partition has no centralized root access, before any AssumeRoot. */
export function checkPartition(callerArn: string): void {
  const partition = partitionOfArn(callerArn);
  if (partition === undefined || !PARTITIONS_WITHOUT_ROOT_ACCESS.has(partition)) return;
  throw new CoreError(
    'PARTITION_NOT_SUPPORTED',
    `Centralized root access is not available in partition ${partition} (caller ${callerArn}): AWS offers it in the commercial partition (aws) only, not in AWS GovCloud (US) or China.`,
    {
      fix: 'Run rootwarden with credentials of an organization in the aws partition; in this partition manage root credentials in each account.',
      details: { partition },
    },
  );
}
