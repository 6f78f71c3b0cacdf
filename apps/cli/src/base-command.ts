import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import {
  type CoreError,
  createEngine,
  DEFAULT_SANDBOX_SCENARIO,
  type Engine,
  type EngineOptions,
  engineConnectionOptions,
  isCoreError,
  neutralizeForTerminal,
  normalizeSandboxArgument,
  type ReportWarning,
  SANDBOX_SCENARIOS,
} from '@rootwarden/core';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { isOutputWriteError, OutputWriteError } from './output-file.js';

type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<T['baseFlags'] & T['flags']>;

/**
 * What every command shares: the engine, and one place that turns a CoreError into a message with its
 * fix and an exit code (never a stack trace for a user's mistake).
 */
abstract class RootwardenCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  protected flags!: BaseFlags<T>;
  protected args!: Interfaces.InferredArgs<T['args']>;
  /** Every argument as given, in order (for commands with `strict = false`, e.g. the command of `exec`). */
  protected argvRest: string[] = [];
  #engine: Engine | undefined;

  override async init(): Promise<void> {
    await super.init();
    watchStdout();
    this.argv = normalizeSandboxArgument(this.argv);
    const { flags, args, argv } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: this.ctor.baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as Interfaces.InferredArgs<T['args']>;
    this.argvRest = argv as string[];
    const own = this.argv.includes('--') ? this.argv.slice(0, this.argv.indexOf('--')) : this.argv;
    if (this.jsonEnabled() && own.some((word) => word === '--format' || word.startsWith('--format=')))
      throw new Errors.CLIError(
        '--json and --format cannot be combined: --json already is the JSON output.',
        {
          exit: EXIT.USAGE,
          suggestions: ['Use --json alone, or --format FORMAT alone.'],
        },
      );
  }

  /**
   * Something that degraded the result without stopping it, on stderr so stdout stays the result
   * (also with --json, whose document carries the same warnings).
   */
  protected warnUser(warning: ReportWarning): void {
    // Warnings may quote AWS or the history (account names, a ticket): never let them drive the terminal.
    this.warnLine(neutralizeForTerminal(`Warning: ${warning.message} Fix: ${warning.fix} [${warning.code}]`));
  }

  /**
   * A warning line on stderr, with --json too: oclif's `logToStderr` says nothing under --json, but
   * only stdout carries the JSON document, and a warning there (a report not saved) must not be lost.
   */
  protected warnLine(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  /** How this command's flags configure the engine. */
  protected engineOptions(): EngineOptions {
    return {};
  }

  /** The engine, created on first use (it opens AWS connections and the history database lazily too). */
  protected get engine(): Engine {
    const { store } = this.flags as Partial<Interfaces.InferredFlags<typeof STORE_FLAGS>>;
    this.#engine ??= createEngine({ ...(store ? { storeUrl: store } : {}), ...this.engineOptions() });
    return this.#engine;
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    await this.#engine?.close();
    return super.finally(error);
  }

  protected override toErrorJson(error: unknown): unknown {
    const coreError = (error as { coreError?: CoreError }).coreError ?? error;
    if (isCoreError(coreError)) return { error: coreError.toJSON() };
    if (isOutputWriteError(error)) return { error: { code: 'OUTPUT_UNWRITABLE', message: error.message } };
    if (error instanceof Errors.CLIError) return { error: { code: 'USAGE', message: error.message } };
    return { error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } };
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    // stdout on a full device (`> /dev/full`) or a closed pipe: say so, exit 1, never a stack trace.
    if (isStdoutWriteFailure(error)) {
      if ((error as { code?: string }).code === 'EPIPE') return Errors.exit(EXIT.ERROR);
      return super.catch(new OutputWriteError('stdout', error));
    }
    // Every flag/argument parsing failure is a usage error (oclif leaves some, like a bad --format option, at 1).
    if (error instanceof Errors.CLIError && 'parse' in error)
      error.oclif = { ...error.oclif, exit: EXIT.USAGE };
    if (this.jsonEnabled() && (error as { code?: string }).code !== 'EEXIT') {
      // --json: the error as JSON on stdout, and the same exit code as without --json.
      this.logJson(this.toErrorJson(error));
      const exit = isCoreError(error)
        ? exitCodeFor(error.code)
        : ((error as { oclif?: { exit?: number } }).oclif?.exit ?? EXIT.ERROR);
      return Errors.exit(exit);
    }
    if (isCoreError(error)) return super.catch(toCliError(error));
    if ((error as { code?: string }).code === 'EEXIT') {
      // this.exit(n): no error output, even with --json. oclif exits at once on a non-zero code, so
      // first let a large report already written to a pipe reach it (it would be cut off otherwise).
      await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
      throw error;
    }
    if (
      error instanceof Errors.CLIError ||
      (error as { oclif?: { exit?: number } }).oclif?.exit !== undefined
    )
      return super.catch(error);
    // An unexpected failure is a bug: say so plainly; DEBUG=* shows the stack.
    this.debug(error.stack ?? String(error));
    return super.catch(
      new Errors.CLIError(
        `Internal error: ${neutralizeForTerminal(error.message)}. Please report it (run with DEBUG=rootwarden* for details).`,
        { exit: EXIT.ERROR },
      ),
    );
  }
}

/** Where the history is: every command that reads or writes it (audit, audits, plan, apply…) takes it. */
const STORE_FLAGS = {
  store: Flags.string({
    description:
      'Keep the history in this PostgreSQL database (postgres://USER@HOST:PORT/DATABASE; the password from PGPASSWORD or ~/.pgpass) instead of $ROOTWARDEN_HOME/rootwarden.db: shared with rootwarden-api replicas and other CLI runs. Default: $ROOTWARDEN_STORE_URL.',
    helpGroup: 'HISTORY',
  }),
};

const AWS_FLAGS = {
  profile: Flags.string({
    description: 'AWS profile of the shared config/credentials files (SSO profiles included).',
    helpGroup: 'AWS',
  }),
  region: Flags.string({
    description: 'AWS region for STS (AssumeRoot needs a regional endpoint).',
    helpGroup: 'AWS',
  }),
  'endpoint-url': Flags.string({
    description: 'Send every AWS call to this endpoint (e.g. a running rootwarden sandbox).',
    helpGroup: 'AWS',
  }),
  sandbox: Flags.string({
    description: `Use the built-in offline AWS sandbox (no AWS account needed). Optional scenario: ${SANDBOX_SCENARIOS.join(', ')}, generated:N, or a scenario .json file; default ${DEFAULT_SANDBOX_SCENARIO}.`,
    helpGroup: 'AWS',
    exclusive: ['profile', 'endpoint-url'],
  }),
};

/** Commands that call AWS: the shared AWS flags (--profile, --region, --endpoint-url, --sandbox). */
export abstract class BaseCommand<T extends typeof Command> extends RootwardenCommand<T> {
  static override baseFlags = { ...AWS_FLAGS, ...STORE_FLAGS };

  protected override engineOptions(): EngineOptions {
    const flags = this.flags as Partial<Interfaces.InferredFlags<typeof AWS_FLAGS>>;
    return engineConnectionOptions(
      {
        profile: flags.profile,
        region: flags.region,
        endpointUrl: flags['endpoint-url'],
        sandbox: flags.sandbox,
      },
      () => import('@rootwarden/aws-sandbox'),
    );
  }

  /**
   * This command's connection flags as shell words (` --sandbox blog`, ` --profile prod`): a command
   * line printed for later (the plan's "rootwarden apply ID") reaches the same AWS, or sandbox, as given.
   */
  protected connectionArguments(): string {
    const flags = this.flags as Partial<Interfaces.InferredFlags<typeof AWS_FLAGS>>;
    const words: string[] = [];
    for (const name of ['sandbox', 'profile', 'region', 'endpoint-url'] as const) {
      const value = flags[name];
      if (value !== undefined) words.push(`--${name}`, shellWord(value));
    }
    return words.map((word) => ` ${word}`).join('');
  }
}

/** A word a POSIX shell reads back unchanged: bare when plain, else single-quoted. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Commands that only read the saved history (`$ROOTWARDEN_HOME/rootwarden.db`, or `--store`): no AWS flags, and
 * they never touch AWS.
 */
export abstract class HistoryCommand<T extends typeof Command> extends RootwardenCommand<T> {
  static override baseFlags = STORE_FLAGS;
}

/** A failed write(2) of our own stdout (as opposed to a file we opened, which output-file.ts reports). */
function isStdoutWriteFailure(error: unknown): boolean {
  const failure = error as { syscall?: unknown; code?: unknown; oclif?: unknown };
  return (
    !isOutputWriteError(error) &&
    failure?.syscall === 'write' &&
    typeof failure.code === 'string' &&
    failure.oclif === undefined
  );
}

let stdoutWatched = false;
/**
 * A pipe whose reader left (`rootwarden audits list | head -1`) errors asynchronously (EPIPE): without a
 * listener Node would crash with a stack trace. The reader wanted no more: exit quietly. Any other
 * asynchronous stdout failure is reported once, with exit 1.
 */
function watchStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  // oclif's own listener rethrows anything but EPIPE from inside the stream: an uncaught stack trace.
  process.stdout.removeAllListeners('error');
  const watcher = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    // A report being written (output-file.ts) listens too and reports the failure itself.
    if (process.stdout.listenerCount('error') > 1 || process.exitCode) return;
    process.exitCode = EXIT.ERROR;
    process.stderr.write(`${new OutputWriteError('stdout', error).message}\n`);
  };
  process.stdout.on('error', watcher);
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', 'utf8', () => resolve()));
}

function toCliError(error: CoreError): Errors.CLIError {
  // Messages may quote AWS (an account name, an AWS error message): never let them drive the terminal.
  const cliError = new Errors.CLIError(neutralizeForTerminal(`${error.message} [${error.code}]`), {
    exit: exitCodeFor(error.code),
    ...(error.fix ? { suggestions: [neutralizeForTerminal(error.fix)] } : {}),
  });
  // Keep the code for --json output.
  Object.assign(cliError, { coreError: error });
  return cliError;
}
