import { type AwsError, type ErrorTable, resolveWireError } from '../errors.js';
import type { WireResponse } from './wire.js';

/**
 * AWS JSON 1.1 (Organizations) and 1.0 (SQS): POST / with X-Amz-Target, errors as
 * `{"__type": ..., "Message": ...}`; SQS adds the legacy code in `x-amzn-query-error` because
 * its clients are query-compatible (aws-facts.md §5.2, toolchain.md).
 */
const ORGANIZATIONS_ERRORS: ErrorTable = {
  'missing-auth': {
    code: 'MissingAuthenticationTokenException',
    status: 400,
    message: 'Missing Authentication Token',
  },
  'unknown-key': {
    code: 'UnrecognizedClientException',
    status: 400,
    message: 'The security token included in the request is invalid.',
  },
  'invalid-token': {
    code: 'UnrecognizedClientException',
    status: 400,
    message: 'The security token included in the request is invalid.',
  },
  'bad-signature': { code: 'InvalidSignatureException', status: 400 },
  'signature-expired': { code: 'InvalidSignatureException', status: 400 },
  'incomplete-signature': { code: 'IncompleteSignatureException', status: 400 },
  'expired-token': {
    code: 'ExpiredTokenException',
    status: 400,
    message: 'The security token included in the request is expired',
  },
  throttling: {
    code: 'TooManyRequestsException',
    status: 400,
    message:
      'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.',
  },
  internal: {
    code: 'ServiceException',
    status: 500,
    message:
      "AWS Organizations can't complete your request because of an internal service error. Try again later.",
  },
  unavailable: {
    code: 'ServiceException',
    status: 503,
    message:
      "AWS Organizations can't complete your request because of an internal service error. Try again later.",
  },
  'too-large': { code: 'RequestEntityTooLargeException', status: 413, message: 'Request entity too large' },
  'access-denied': { code: 'AccessDeniedException', status: 400 },
  'unknown-operation': { code: 'UnknownOperationException', status: 400 },
  'malformed-body': { code: 'SerializationException', status: 400 },
  validation: { code: 'InvalidInputException', status: 400 },
  'missing-parameter': { code: 'InvalidInputException', status: 400 },
};

/** SQS: [JSON __type, legacy query code, status]. RequestThrottled is 403 in the SQS model. */
const SQS_ERRORS: Partial<Record<AwsError['kind'], [string, string, number, string?]>> = {
  'missing-auth': [
    'com.amazon.coral.service#MissingAuthenticationTokenException',
    'MissingAuthenticationToken',
    403,
    'Request is missing Authentication Token',
  ],
  'unknown-key': [
    'com.amazon.coral.service#UnrecognizedClientException',
    'InvalidClientTokenId',
    403,
    'The security token included in the request is invalid.',
  ],
  'invalid-token': [
    'com.amazon.coral.service#UnrecognizedClientException',
    'InvalidClientTokenId',
    403,
    'The security token included in the request is invalid.',
  ],
  'bad-signature': ['com.amazon.coral.service#InvalidSignatureException', 'SignatureDoesNotMatch', 403],
  'signature-expired': ['com.amazon.coral.service#InvalidSignatureException', 'SignatureDoesNotMatch', 403],
  'incomplete-signature': [
    'com.amazon.coral.service#IncompleteSignatureException',
    'IncompleteSignature',
    403,
  ],
  'expired-token': [
    'com.amazon.coral.service#ExpiredTokenException',
    'ExpiredToken',
    403,
    'The security token included in the request is expired',
  ],
  throttling: ['com.amazonaws.sqs#RequestThrottled', 'RequestThrottled', 403, 'Rate exceeded'],
  internal: [
    'com.amazon.coral.service#InternalFailure',
    'InternalError',
    500,
    'We encountered an internal error. Please try again.',
  ],
  unavailable: [
    'com.amazon.coral.service#ServiceUnavailableException',
    'ServiceUnavailable',
    503,
    'Service is unable to handle request.',
  ],
  'too-large': [
    'com.amazon.coral.service#RequestEntityTooLargeException',
    'RequestEntityTooLarge',
    413,
    'Request entity too large',
  ],
  'access-denied': ['com.amazon.coral.service#AccessDeniedException', 'AccessDenied', 403],
  'unknown-operation': ['com.amazon.coral.service#UnknownOperationException', 'InvalidAction', 400],
  'malformed-body': ['com.amazon.coral.service#SerializationException', 'MalformedInput', 400],
  validation: ['com.amazon.coral.validate#ValidationException', 'InvalidParameterValue', 400],
  'missing-parameter': ['com.amazonaws.sqs#MissingParameter', 'MissingParameter', 400],
};

export function renderJson(body: unknown, version: '1.0' | '1.1', requestId: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body ?? {}),
  };
}

export function renderOrganizationsError(error: AwsError, requestId: string): WireResponse {
  const wire = resolveWireError(error, ORGANIZATIONS_ERRORS);
  return {
    status: wire.status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': wire.code,
    },
    body: JSON.stringify({ __type: wire.code, Message: wire.message, ...error.extra }),
  };
}

export function renderSqsError(error: AwsError, requestId: string): WireResponse {
  let type: string;
  let queryCode: string;
  let status: number;
  let message = error.message;
  const generic = error.kind === 'service' ? undefined : SQS_ERRORS[error.kind];
  if (generic) {
    [type, queryCode, status] = generic;
    message = message || generic[3] || '';
  } else {
    type = error.jsonType ?? `com.amazonaws.sqs#${error.code}`;
    queryCode = error.queryCode ?? error.code;
    status = error.status;
  }
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      'x-amzn-query-error': `${queryCode};${status >= 500 ? 'Receiver' : 'Sender'}`,
    },
    body: JSON.stringify({ __type: type, message }),
  };
}
