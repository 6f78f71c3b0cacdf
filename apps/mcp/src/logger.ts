/**
 * Log lines of the server. They go to stderr only: on stdio, stdout carries the protocol and nothing
 * else. Never log tool arguments' values or results (they may be large); never a credential.
 */
export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export function createStderrLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, message: string) =>
    stream.write(`${new Date().toISOString()} rootwarden-mcp ${level} ${message}\n`);
  return {
    info: (message) => write('info', message),
    error: (message) => write('error', message),
  };
}

/** A logger that keeps nothing (tests and embedders that log elsewhere). */
export const silentLogger: Logger = { info() {}, error() {} };
