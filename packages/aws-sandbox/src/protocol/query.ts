import { type AwsError, type ErrorTable, resolveWireError } from '../errors.js';
import { isoSeconds } from '../util/time.js';
import { escapeXml, toXml, type XmlValue } from '../util/xml.js';
import type { WireResponse } from './wire.js';

/**
 * awsQuery (STS, IAM): form-encoded POST (or GET query string), XML answers wrapped in
 * `<OpResponse><OpResult>`, errors in `<ErrorResponse><Error>` (aws-facts.md §1, §3).
 */
const QUERY_ERRORS: ErrorTable = {
  'missing-auth': {
    code: 'MissingAuthenticationToken',
    status: 403,
    message: 'Request is missing Authentication Token',
  },
  'unknown-key': {
    code: 'InvalidClientTokenId',
    status: 403,
    message: 'The security token included in the request is invalid.',
  },
  'invalid-token': {
    code: 'InvalidClientTokenId',
    status: 403,
    message: 'The security token included in the request is invalid.',
  },
  'bad-signature': { code: 'SignatureDoesNotMatch', status: 403 },
  'signature-expired': { code: 'SignatureDoesNotMatch', status: 403 },
  'incomplete-signature': { code: 'IncompleteSignature', status: 403 },
  'expired-token': {
    code: 'ExpiredToken',
    status: 403,
    message: 'The security token included in the request is expired',
  },
  throttling: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  internal: {
    code: 'InternalFailure',
    status: 500,
    message: 'The request processing has failed because of an unknown error, exception or failure.',
  },
  unavailable: { code: 'ServiceUnavailable', status: 503, message: 'Service is unable to handle request.' },
  'too-large': { code: 'RequestEntityTooLarge', status: 413, message: 'Request entity too large' },
  'access-denied': { code: 'AccessDenied', status: 403 },
  'unknown-operation': { code: 'InvalidAction', status: 400 },
  'malformed-body': { code: 'MalformedQueryString', status: 400 },
  validation: { code: 'ValidationError', status: 400 },
  'missing-parameter': { code: 'ValidationError', status: 400 },
};

/** IAM reports its 500s as the modeled ServiceFailure. */
export const IAM_ERRORS: ErrorTable = {
  ...QUERY_ERRORS,
  internal: {
    code: 'ServiceFailure',
    status: 500,
    message: 'Request processing has failed due to some unknown error, exception or failure.',
  },
};

export function parseForm(body: Buffer, rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  if (rawQuery) for (const [k, v] of new URLSearchParams(rawQuery)) params.set(k, v);
  if (body.length > 0) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  return params;
}

export function renderQueryResult(
  operation: string,
  xmlns: string,
  result: XmlValue,
  requestId: string,
): WireResponse {
  const inner =
    result === undefined ? '' : `<${operation}Result>${toXml(result, isoSeconds)}</${operation}Result>`;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<${operation}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

export function renderQueryError(
  error: AwsError,
  xmlns: string,
  requestId: string,
  table: ErrorTable = QUERY_ERRORS,
): WireResponse {
  const wire = resolveWireError(error, table);
  const type = wire.status >= 500 ? 'Receiver' : 'Sender';
  return {
    status: wire.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(wire.code)}</Code><Message>${escapeXml(wire.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** EC2's query dialect answers errors as `<Response><Errors><Error>` with its own codes. */
const EC2_ERRORS: ErrorTable = {
  'missing-auth': {
    code: 'MissingAuthenticationToken',
    status: 401,
    message: 'Request is missing Authentication Token',
  },
  'unknown-key': {
    code: 'AuthFailure',
    status: 401,
    message: 'AWS was not able to validate the provided access credentials',
  },
  'invalid-token': {
    code: 'AuthFailure',
    status: 401,
    message: 'AWS was not able to validate the provided access credentials',
  },
  'bad-signature': {
    code: 'AuthFailure',
    status: 401,
    message: 'AWS was not able to validate the provided access credentials',
  },
  'signature-expired': { code: 'RequestExpired', status: 400 },
  'incomplete-signature': { code: 'IncompleteSignature', status: 400 },
  'expired-token': { code: 'RequestExpired', status: 400, message: 'Request has expired.' },
  throttling: { code: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.' },
  internal: { code: 'InternalError', status: 500, message: 'An internal error has occurred' },
  unavailable: {
    code: 'Unavailable',
    status: 503,
    message: "The server is overloaded and can't handle the request.",
  },
  'too-large': { code: 'RequestEntityTooLarge', status: 413, message: 'Request entity too large' },
  'access-denied': { code: 'UnauthorizedOperation', status: 403 },
  'unknown-operation': { code: 'InvalidAction', status: 400 },
  'malformed-body': { code: 'MalformedQueryString', status: 400 },
  validation: { code: 'InvalidParameterValue', status: 400 },
  'missing-parameter': { code: 'MissingParameter', status: 400 },
};

export function renderEc2Error(error: AwsError, requestId: string): WireResponse {
  const wire = resolveWireError(error, EC2_ERRORS);
  return {
    status: wire.status,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(wire.code)}</Code><Message>${escapeXml(wire.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
  };
}
