import type { Plan } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { bucketFlag, oneAccountFlag } from '../../flags.js';
import { planFormatFlag, printPlan } from '../../plan-output.js';

export default class PlanUnlockS3BucketPolicyCommand extends BaseCommand<
  typeof PlanUnlockS3BucketPolicyCommand
> {
  static override summary = 'Plan the removal of a bucket policy that locks everyone out (read-only).';
  static override description =
    `Reads the bucket's current policy with the account's own S3UnlockBucketPolicy root session (ListBuckets and GetBucketPolicy only: the root user is the one principal a deny-all bucket policy cannot lock out). The plan keeps the policy byte for byte as a backup; \`rootwarden restore-policy PLAN_ID\` puts it back. Needs root sessions enabled (\`rootwarden org enable --root-sessions\`).`;
  static override examples = [
    '<%= config.bin %> plan unlock-s3-bucket-policy --account 111122223333 --bucket my-locked-bucket',
  ];

  static override flags = {
    account: oneAccountFlag('The member account that owns the bucket.'),
    bucket: bucketFlag,
    format: planFormatFlag,
  };

  async run(): Promise<Plan> {
    const plan = await this.engine.createPlan({
      task: 'unlock-s3-bucket-policy',
      account: this.flags.account,
      bucket: this.flags.bucket,
    });
    if (!this.jsonEnabled())
      printPlan(plan, this.flags.format, (text) => this.log(text), this.connectionArguments());
    return plan;
  }
}
