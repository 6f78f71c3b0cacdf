/**
 * Errors are raised protocol-neutrally and rendered by each protocol in AWS's own shape, because the
 * same fault (bad signature, throttling, access denied) has a different code and HTTP status per
 * protocol (aws-facts.md §7, §8).
 */
export type ErrorKind =
  /** A service-specific error: `code` and `status` are used as given. */
  | 'service'
  | 'missing-auth'
  | 'unknown-key'
  | 'invalid-token'
  | 'bad-signature'
  | 'signature-expired'
  | 'incomplete-signature'
  | 'expired-token'
  | 'throttling'
  | 'internal'
  | 'unavailable'
  | 'too-large'
  | 'access-denied'
  | 'unknown-operation'
  | 'malformed-body'
  | 'validation'
  | 'missing-parameter';

export interface AwsErrorInit {
  kind?: ErrorKind;
  code?: string;
  status?: number;
  message: string;
  /** Extra members of the error body (Organizations `Reason`, S3 `BucketName`, ...). */
  extra?: Record<string, string>;
  /** Full JSON `__type`, when it differs from the code (SQS's `com.amazonaws.sqs#...`). */
  jsonType?: string;
  /** SQS's legacy query error code (`x-amzn-query-error`). */
  queryCode?: string;
  sender?: boolean;
}

export class AwsError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly status: number;
  readonly extra: Record<string, string>;
  readonly jsonType: string | undefined;
  readonly queryCode: string | undefined;
  readonly sender: boolean;

  constructor(init: AwsErrorInit) {
    super(init.message);
    this.name = 'AwsError';
    this.kind = init.kind ?? 'service';
    this.code = init.code ?? init.kind ?? 'InternalFailure';
    this.status = init.status ?? 400;
    this.extra = init.extra ?? {};
    this.jsonType = init.jsonType;
    this.queryCode = init.queryCode;
    this.sender = init.sender ?? this.status < 500;
  }
}

export function serviceError(
  code: string,
  message: string,
  status = 400,
  extra?: Record<string, string>,
): AwsError {
  return new AwsError({ code, message, status, ...(extra ? { extra } : {}) });
}

export function kindError(kind: ErrorKind, message = '', extra?: Record<string, string>): AwsError {
  return new AwsError({ kind, message, ...(extra ? { extra } : {}) });
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** AWS's validation wording (attested for STS AssumeRole; aws-facts.md §1.3). */
export function validationMessage(problems: string[]): string {
  return `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}

export function nullMember(member: string): string {
  return `Value null at '${member}' failed to satisfy constraint: Member must not be null`;
}

/** Resolved wire form of an error for one protocol. */
export interface WireError {
  code: string;
  status: number;
  message: string;
}

export type ErrorTable = Partial<
  Record<Exclude<ErrorKind, 'service'>, { code: string; status: number; message?: string }>
>;

export function resolveWireError(error: AwsError, table: ErrorTable): WireError {
  if (error.kind === 'service') return { code: error.code, status: error.status, message: error.message };
  const entry = table[error.kind];
  if (!entry) return { code: error.code, status: error.status, message: error.message };
  return { code: entry.code, status: entry.status, message: error.message || entry.message || '' };
}
