import { BaseCommand } from '../base-command.js';
import { oneAccountFlag } from '../flags.js';
import { durationFlag, taskFlag } from '../session-flags.js';

export default class CredentialProcessCommand extends BaseCommand<typeof CredentialProcessCommand> {
  static override summary = 'Print a task-scoped root session as AWS credential_process JSON.';
  static override description =
    `For a profile in ~/.aws/config, so any AWS tool can use a root session of one member account (the task defaults to audit):

  [profile member-audit]
  credential_process = rootwarden credential-process --account 111122223333
  region = us-east-1

Prints the credential_process JSON ({"Version":1,"AccessKeyId":…,"Expiration":…}) on stdout — the one place rootwarden prints credentials, because you asked. The AWS CLI and SDKs call it again when the session (at most 15 minutes) expires. rootwarden itself uses your usual credentials (AWS_PROFILE, --profile, environment) to call sts:AssumeRoot.`;
  static override examples = [
    '<%= config.bin %> credential-process --account 111122223333 --task audit',
    '<%= config.bin %> credential-process --account 111122223333 --task unlock-s3 --duration-seconds 300',
  ];
  static override enableJsonFlag = false;

  static override flags = {
    account: oneAccountFlag('The member account.'),
    task: taskFlag,
    'duration-seconds': durationFlag,
  };

  async run(): Promise<void> {
    const session = await this.engine.openRootSession({
      accountId: this.flags.account,
      task: this.flags.task,
      durationSeconds: this.flags['duration-seconds'],
    });
    const credentials = session.revealCredentials();
    // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
    process.stdout.write(
      `${JSON.stringify({
        Version: 1,
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: session.expiresAt.toISOString(),
      })}\n`,
    );
  }
}
