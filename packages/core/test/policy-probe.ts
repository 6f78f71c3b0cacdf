import {
  CreateLoginProfileCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import type { Sandbox, Scenario } from '@rootwarden/aws-sandbox';
import type { PolicyTask } from '../src/domain/policy-check.js';

const ENDPOINT = 'http://sandbox.in-process';
const TASK_POLICY: Record<PolicyTask, string> = {
  audit: 'IAMAuditRootUserCredentials',
  'delete-root-credentials': 'IAMDeleteRootUserCredentials',
  'allow-password-recovery': 'IAMCreateRootUserPassword',
  'unlock-s3-bucket-policy': 'S3UnlockBucketPolicy',
  'unlock-sqs-queue-policy': 'SQSUnlockQueuePolicy',
};

type Send = (command: unknown) => Promise<unknown>;

/**
 * Every call rootwarden makes in each task's root session, sent with the real SDK clients to the
 * sandbox (in-process): which tasks did the sandbox refuse with AccessDenied? Other errors (no such
 * key, no policy) come after authorization and do not count.
 */
export async function probeAccount(
  sandbox: Sandbox,
  accountId: string,
  account: Scenario['accounts'][number] | undefined,
): Promise<Record<PolicyTask, boolean>> {
  const common = { region: 'us-east-1', endpoint: ENDPOINT, requestHandler: sandbox.requestHandler };
  const sts = new STSClient({ ...common, credentials: sandbox.managementPrincipal() });
  const bucket = account?.buckets[0]?.name ?? 'missing-bucket';
  const queue = account?.queues[0]?.name ?? 'missing-queue';
  const queueUrl = `${ENDPOINT}/${accountId}/${queue}`;
  const calls: Record<PolicyTask, ((clients: { iam: Send; s3: Send; sqs: Send }) => Promise<unknown>)[]> = {
    audit: [
      ({ iam }) => iam(new GetUserCommand({})),
      ({ iam }) => iam(new GetLoginProfileCommand({})),
      ({ iam }) => iam(new ListAccessKeysCommand({})),
      ({ iam }) => iam(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAPROBE00000000000' })),
      ({ iam }) => iam(new ListSigningCertificatesCommand({})),
      ({ iam }) => iam(new ListMFADevicesCommand({})),
    ],
    'delete-root-credentials': [
      ({ iam }) => iam(new DeleteAccessKeyCommand({ AccessKeyId: 'AKIAPROBE00000000000' })),
      ({ iam }) => iam(new DeleteSigningCertificateCommand({ CertificateId: 'PROBECERTIFICATE00000000' })),
      ({ iam }) => iam(new DeactivateMFADeviceCommand({ SerialNumber: 'GAHTPROBE0000' })),
      ({ iam }) => iam(new DeleteLoginProfileCommand({})),
    ],
    'allow-password-recovery': [({ iam }) => iam(new CreateLoginProfileCommand({}))],
    'unlock-s3-bucket-policy': [
      ({ s3 }) => s3(new ListBucketsCommand({ MaxBuckets: 10 })),
      ({ s3 }) => s3(new GetBucketPolicyCommand({ Bucket: bucket })),
      ({ s3 }) => s3(new DeleteBucketPolicyCommand({ Bucket: bucket })),
      ({ s3 }) =>
        s3(
          new PutBucketPolicyCommand({
            Bucket: bucket,
            Policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
          }),
        ),
    ],
    'unlock-sqs-queue-policy': [
      ({ sqs }) => sqs(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['Policy'] })),
      ({ sqs }) => sqs(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: '' } })),
    ],
  };
  const refused = {} as Record<PolicyTask, boolean>;
  try {
    for (const task of Object.keys(calls) as PolicyTask[]) {
      const { Credentials } = await sts.send(
        new AssumeRootCommand({
          TargetPrincipal: accountId,
          TaskPolicyArn: { arn: `arn:aws:iam::aws:policy/root-task/${TASK_POLICY[task]}` },
        }),
      );
      const credentials = {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      };
      const iam = new IAMClient({ ...common, credentials });
      const s3 = new S3Client({ ...common, credentials, forcePathStyle: true });
      const sqs = new SQSClient({ ...common, credentials, useQueueUrlAsEndpoint: false });
      const send = (client: { send: (c: never) => Promise<unknown> }) => (command: unknown) =>
        client.send(command as never);
      refused[task] = false;
      for (const call of calls[task]) {
        try {
          await call({ iam: send(iam), s3: send(s3), sqs: send(sqs) });
        } catch (error) {
          const name = (error as { name?: string }).name ?? '';
          if (/AccessDenied/.test(name)) {
            refused[task] = true;
            break;
          }
        }
      }
      iam.destroy();
      s3.destroy();
      sqs.destroy();
    }
  } finally {
    sts.destroy();
  }
  return refused;
}
