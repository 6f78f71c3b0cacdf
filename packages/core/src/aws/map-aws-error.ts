import { CoreError, type CoreErrorCode, isCoreError } from '../errors.js';

/**
 * The two AssumeRoot denials that only differ by message (seen against real AWS, shared
 * seed-walkthrough §3). AWS gives them no error code of their own, so these exact texts are the one
 * place the engine reads an AWS message.
 */
const ROOT_ACCESS_DISABLED_MESSAGE = 'Service not enabled for AWS Organizations.';
const ROOT_SESSIONS_DISABLED_MESSAGE = 'Root sessions feature is not enabled for your AWS Organization.';

const BY_AWS_CODE: Record<string, CoreErrorCode> = {
  // Throttling, per protocol (aws-facts §7) and the SDK's throttling set.
  Throttling: 'THROTTLED',
  ThrottlingException: 'THROTTLED',
  TooManyRequestsException: 'THROTTLED',
  RequestThrottled: 'THROTTLED',
  RequestThrottledException: 'THROTTLED',
  'AWS.SimpleQueueService.RequestThrottled': 'THROTTLED',
  SlowDown: 'THROTTLED',
  RequestLimitExceeded: 'THROTTLED',
  // Caller credentials.
  ExpiredToken: 'CREDENTIALS_EXPIRED',
  ExpiredTokenException: 'CREDENTIALS_EXPIRED',
  RequestExpired: 'CREDENTIALS_EXPIRED',
  InvalidClientTokenId: 'CREDENTIALS_INVALID',
  UnrecognizedClientException: 'CREDENTIALS_INVALID',
  InvalidAccessKeyId: 'CREDENTIALS_INVALID',
  SignatureDoesNotMatch: 'CREDENTIALS_INVALID',
  InvalidSignatureException: 'CREDENTIALS_INVALID',
  MissingAuthenticationToken: 'CREDENTIALS_MISSING',
  MissingAuthenticationTokenException: 'CREDENTIALS_MISSING',
  // IAM organization-feature APIs (aws-facts §3).
  ServiceAccessNotEnabledException: 'TRUSTED_ACCESS_NOT_ENABLED',
  AccountNotManagementOrDelegatedAdministratorException: 'NOT_AUTHORIZED_CALLER',
  CallerIsNotManagementAccountException: 'NOT_AUTHORIZED_CALLER',
  OrganizationNotFoundException: 'ORGANIZATION_NOT_FOUND',
  OrganizationNotInAllFeaturesModeException: 'ORGANIZATION_NOT_FOUND',
  // Organizations.
  AWSOrganizationsNotInUseException: 'ORGANIZATION_NOT_FOUND',
  AccountNotFoundException: 'ACCOUNT_NOT_IN_ORG',
  ParentNotFoundException: 'OU_NOT_FOUND',
  OrganizationalUnitNotFoundException: 'OU_NOT_FOUND',
  ChildNotFoundException: 'ACCOUNT_NOT_IN_ORG',
  InvalidInputException: 'INVALID_INPUT',
  ValidationError: 'INVALID_INPUT',
  ValidationException: 'INVALID_INPUT',
  InvalidParameterValue: 'INVALID_INPUT',
  // Resources of the unlock tasks.
  NoSuchBucket: 'RESOURCE_NOT_FOUND',
  QueueDoesNotExist: 'RESOURCE_NOT_FOUND',
  'AWS.SimpleQueueService.NonExistentQueue': 'RESOURCE_NOT_FOUND',
  // Denials (an SCP, a missing permission, the task-policy fence).
  AccessDenied: 'AWS_ACCESS_DENIED',
  AccessDeniedException: 'AWS_ACCESS_DENIED',
  UnauthorizedOperation: 'AWS_ACCESS_DENIED',
  // STS deactivated in the caller's (opt-in) region: the STS model declares RegionDisabledException
  // (HTTP 403) for AssumeRoot (boto/botocore botocore/data/sts/2011-06-15/service-2.json;
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_enable-regions.html).
  RegionDisabledException: 'STS_REGION_DISABLED',
};

/**
 * `InvalidAction` ("Unknown Operation") means the global STS endpoint only when it answers
 * AssumeRoot (boto/boto3#4461; "The STS global endpoint is not supported for AssumeRoot",
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html). From any other operation
 * it is just an action that endpoint does not know.
 */
const GLOBAL_ENDPOINT_OPERATIONS: ReadonlySet<string> = new Set(['AssumeRoot']);

const FIXES: Partial<Record<CoreErrorCode, string>> = {
  ROOT_ACCESS_NOT_ENABLED:
    'Enable centralized root access: `rootwarden org enable` from the management account (trusted access for IAM, then RootCredentialsManagement).',
  TRUSTED_ACCESS_NOT_ENABLED:
    'Enable trusted access for IAM: `rootwarden org enable` (or `aws organizations enable-aws-service-access --service-principal iam.amazonaws.com`).',
  NOT_AUTHORIZED_CALLER:
    'Use credentials of the management account or of the IAM delegated administrator (`rootwarden org status` shows which account you are).',
  CREDENTIALS_EXPIRED:
    'Refresh your credentials (e.g. `aws sso login --profile NAME`) and run the command again.',
  CREDENTIALS_INVALID:
    'Check the access key and secret of the profile or environment you use (`aws sts get-caller-identity`).',
  CREDENTIALS_MISSING:
    'Configure AWS credentials: set AWS_PROFILE or pass --profile, export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or try the offline sandbox with --sandbox.',
  THROTTLED: 'AWS kept throttling after retries; run again later or lower --concurrency.',
  NETWORK: 'Check network access to the AWS endpoint (or --endpoint-url) and run again.',
  GLOBAL_STS_ENDPOINT:
    'Use a regional STS endpoint: pass --region (e.g. us-east-1) and drop any global endpoint override (AWS_ENDPOINT_URL_STS).',
  STS_REGION_DISABLED:
    'Activate STS in this region for the calling account (IAM console → Account settings → Security Token Service (STS) → Endpoints), or pass --region with a region where STS is active (e.g. us-east-1).',
  ROOT_SESSIONS_NOT_ENABLED:
    'Enable privileged root actions (RootSessions) from the management account: `rootwarden org enable` (it enables RootCredentialsManagement and RootSessions).',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** The AWS error code of an SDK error (query errors keep it in `Code`, JSON ones in `name`). */
function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as AwsLikeError;
  return e.Code ?? e.name;
}

/** True when `error` (an SDK error, or a CoreError mapped from one) carries the AWS code `code`. */
export function hasAwsCode(error: unknown, code: string): boolean {
  if (isCoreError(error)) return error.details?.awsCode === code;
  return awsErrorCode(error) === code;
}

/** True for throttling answers of every protocol. */
export function isThrottle(error: unknown): boolean {
  const code = awsErrorCode(error);
  if (code !== undefined && BY_AWS_CODE[code] === 'THROTTLED') return true;
  const e = error as AwsLikeError;
  return e?.$retryable?.throttling === true || e?.$metadata?.httpStatusCode === 429;
}

/** True for answers worth retrying: throttling, 5xx, dropped or refused connections, timeouts. */
export function isTransient(error: unknown): boolean {
  if (isCoreError(error)) return error.code === 'THROTTLED' || error.code === 'NETWORK';
  if (isThrottle(error)) return true;
  const e = error as AwsLikeError;
  if (e?.$fault === 'server' || (e?.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return isNetworkError(error);
}

function isNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as AwsLikeError & { cause?: unknown };
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return true;
  if (typeof e.message === 'string' && /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE/.test(e.message))
    return true;
  return e.cause !== undefined && e.cause !== error && isNetworkError(e.cause);
}

/**
 * Maps any error thrown by an AWS SDK call to a CoreError. The result never carries the SDK error
 * itself (its metadata may include request details); only the AWS code and message survive.
 */
export function mapAwsError(error: unknown, context: { operation: string; accountId?: string }): CoreError {
  if (isCoreError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsLikeError;
  const awsCode = awsErrorCode(error);
  const awsMessage = typeof e.message === 'string' ? e.message : String(error);
  const details = {
    operation: context.operation,
    ...(context.accountId ? { accountId: context.accountId } : {}),
    ...(awsCode ? { awsCode } : {}),
    // A 5xx or dropped connection that outlasted the call's retries may still pass later (audit rounds).
    ...(isTransient(error) ? { transient: true } : {}),
  };

  if (e.name === 'AbortError') return new CoreError('ABORTED', 'The operation was cancelled.', { details });
  if (
    e.name === 'CredentialsProviderError' ||
    e.name === 'ProviderError' ||
    e.name === 'TokenProviderError'
  ) {
    return new CoreError('CREDENTIALS_MISSING', `No usable AWS credentials: ${awsMessage}`, {
      fix: FIXES.CREDENTIALS_MISSING as string,
      details,
    });
  }

  let code: CoreErrorCode | undefined;
  if (awsMessage === ROOT_ACCESS_DISABLED_MESSAGE) code = 'ROOT_ACCESS_NOT_ENABLED';
  else if (awsMessage === ROOT_SESSIONS_DISABLED_MESSAGE) code = 'ROOT_SESSIONS_NOT_ENABLED';
  else if (awsCode === 'InvalidAction')
    code = GLOBAL_ENDPOINT_OPERATIONS.has(context.operation) ? 'GLOBAL_STS_ENDPOINT' : undefined;
  else if (awsCode !== undefined) code = BY_AWS_CODE[awsCode];
  if (code === undefined && isNetworkError(error)) code = 'NETWORK';
  if (code === undefined && isThrottle(error)) code = 'THROTTLED';
  code ??= 'AWS_ERROR';

  const where = context.accountId ? ` (account ${context.accountId})` : '';
  const message =
    code === 'NETWORK'
      ? `${context.operation}${where} could not reach AWS: ${awsMessage}`
      : `${context.operation}${where} failed: ${awsCode ? `${awsCode}: ` : ''}${awsMessage}`;
  const fix = FIXES[code];
  return new CoreError(code, message, fix === undefined ? { details } : { details, fix });
}
