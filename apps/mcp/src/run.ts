import { createRequire } from 'node:module';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createEngine, type Engine, isCallerMistake, isCoreError } from '@rootwarden/core';
import { generateToken, MIN_TOKEN_LENGTH, startHttpServer } from './http.js';
import { createStderrLogger, type Logger } from './logger.js';
import { parseCommand, USAGE } from './options.js';
import { createServer } from './server.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export interface RunIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** A started `rootwarden-mcp`: `done` settles when it stops (the client closed stdio, or stop()). */
export interface RunningMcp {
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * `rootwarden-mcp ARGS`: parses the arguments and serves until the client goes away. Resolves with an
 * exit code when it ends early (help, version, usage error), else with the running server.
 */
export async function run(argv: readonly string[], io: RunIo): Promise<number | RunningMcp> {
  let command: ReturnType<typeof parseCommand>;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(isCoreError(error) && isCallerMistake(error.code))) throw error;
    io.stderr.write(`rootwarden-mcp: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    io.stderr.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    io.stderr.write(`rootwarden-mcp ${version}\n`);
    return 0;
  }
  const log: Logger = createStderrLogger(io.stderr);
  const engine: Engine = createEngine(command.engine);
  const where = command.sandbox ? `the offline sandbox (${command.sandbox})` : 'AWS';
  const mode = command.allowMutations ? 'read-only tools + apply-plan (--allow-mutations)' : 'read-only';
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let stopping: Promise<void> | undefined;

  if (command.transport === 'stdio') {
    const server = createServer({ engine, allowMutations: command.allowMutations, logger: log });
    const transport = new StdioServerTransport(
      io.stdin as ConstructorParameters<typeof StdioServerTransport>[0],
      io.stdout as ConstructorParameters<typeof StdioServerTransport>[1],
    );
    const stop = () => {
      // Closing the server closes the transport, whose onclose calls stop() again: the guard comes first.
      if (stopping) return stopping;
      let release!: () => void;
      stopping = new Promise<void>((resolve) => {
        release = resolve;
      });
      void (async () => {
        await server.close().catch(() => undefined);
        await engine.close();
        log.info('stopped');
        finish();
        release();
      })();
      return stopping;
    };
    // The client closing our stdin is how a stdio server is told to stop.
    io.stdin.once('end', () => void stop());
    transport.onclose = () => void stop();
    await server.connect(transport);
    log.info(`rootwarden-mcp ${version} on stdio, ${mode}, against ${where}`);
    return { done, stop };
  }

  const fromEnv = io.env.ROOTWARDEN_MCP_TOKEN;
  if (fromEnv !== undefined && fromEnv.length < MIN_TOKEN_LENGTH) {
    io.stderr.write(
      `rootwarden-mcp: ROOTWARDEN_MCP_TOKEN must have at least ${MIN_TOKEN_LENGTH} characters.\n`,
    );
    await engine.close();
    return 2;
  }
  const token = fromEnv ?? generateToken();
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    http = await startHttpServer({
      engine,
      token,
      port: command.port,
      allowMutations: command.allowMutations,
      logger: log,
    });
  } catch (error) {
    io.stderr.write(
      `rootwarden-mcp: cannot listen on 127.0.0.1:${command.port}: ${(error as Error).message}\n`,
    );
    await engine.close();
    return 1;
  }
  io.stderr.write(
    [
      `rootwarden-mcp ${version}: Streamable HTTP on ${http.url} (${mode}, against ${where})`,
      fromEnv
        ? 'Bearer token: the one in ROOTWARDEN_MCP_TOKEN.'
        : `Bearer token (send "Authorization: Bearer <token>"; set ROOTWARDEN_MCP_TOKEN to choose it): ${token}`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    stopping ??= (async () => {
      await http.close();
      await engine.close();
      log.info('stopped');
      finish();
    })();
    return stopping;
  };
  return { done, stop };
}
