import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Anything that could carry a credential, wherever it sits (one level of nesting is what pino's
 * wildcards reach; the API never logs deeper objects). The request log never includes headers or bodies
 * in the first place: this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'authorization',
  'token',
  'password',
  'secretAccessKey',
  'sessionToken',
  'credentials',
  'headers.authorization',
  '*.authorization',
  '*.token',
  '*.password',
  '*.secretAccessKey',
  '*.SecretAccessKey',
  '*.sessionToken',
  '*.SessionToken',
  '*.credentials',
  '*.Credentials',
];

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go (default stdout). Tests pass a stream that collects them. */
  destination?: DestinationStream;
}

/** Structured JSON logs (one object per line), credentials redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'rootwarden-api',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
