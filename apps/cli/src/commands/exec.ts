import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { BaseCommand } from '../base-command.js';
import { EXIT } from '../exit-codes.js';
import { oneAccountFlag } from '../flags.js';
import { durationFlag, taskFlag } from '../session-flags.js';

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

// Variables that would make the child's AWS tools pick other credentials than the session's.
const SHADOWING = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
];

export default class ExecCommand extends BaseCommand<typeof ExecCommand> {
  static override summary = 'Run a command with a task-scoped root session of one member account.';
  static override description =
    `Assumes a root session (sts:AssumeRoot with the --task policy) and runs COMMAND with it in its environment only: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION/AWS_DEFAULT_REGION and, when rootwarden talks to a custom endpoint (--endpoint-url, --sandbox), AWS_ENDPOINT_URL. AWS_PROFILE is unset, so no profile or credentials helper can override the session. Nothing is printed or saved. COMMAND's exit code is passed through (128+N when a signal ends it); SIGINT, SIGTERM, SIGHUP and SIGQUIT are forwarded to it. The session lasts at most 15 minutes and cannot be refreshed.`;
  static override examples = [
    '<%= config.bin %> exec --account 111122223333 -- aws iam list-access-keys',
    '<%= config.bin %> exec --account 111122223333 --task unlock-s3 -- aws s3api get-bucket-policy --bucket my-locked-bucket',
  ];
  // oclif's generated usage cannot show the command after `--`, the part everyone needs.
  static override usage = [
    'exec --account ID [--task TASK] [--duration-seconds N] [AWS FLAGS] -- COMMAND [ARG...]',
  ];
  static override strict = false;
  static override enableJsonFlag = false;

  static override flags = {
    account: oneAccountFlag('The member account.'),
    task: taskFlag,
    'duration-seconds': durationFlag,
  };

  async run(): Promise<void> {
    const [command, ...commandArgs] = this.argvRest;
    if (command === undefined)
      this.error(
        'Give the command to run after --, e.g. `rootwarden exec --account ID -- aws iam get-user`.',
        {
          exit: EXIT.USAGE,
        },
      );
    const session = await this.engine.openRootSession({
      accountId: this.flags.account,
      task: this.flags.task,
      durationSeconds: this.flags['duration-seconds'],
    });
    const connection = await this.engine.connection();
    const credentials = session.revealCredentials();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of SHADOWING) delete env[name];
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      AWS_CREDENTIAL_EXPIRATION: session.expiresAt.toISOString(),
      AWS_REGION: connection.region,
      AWS_DEFAULT_REGION: connection.region,
      ...(connection.endpoint ? { AWS_ENDPOINT_URL: connection.endpoint } : {}),
    });
    if (process.stderr.isTTY) this.logToStderr(`rootwarden: ${session} — running ${command}`);
    const code = await runChild(command, commandArgs, env);
    if (code !== 0) this.exit(code);
  }
}

/** Runs the child with inherited stdio; resolves with its exit code (127 when it cannot start). */
function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const done = (code: number) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(
        `rootwarden exec: cannot run ${command}: ${error.code === 'ENOENT' ? 'command not found' : error.message}\n`,
      );
      done(error.code === 'ENOENT' ? 127 : 126);
    });
    child.on('exit', (code, signal) => {
      done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
