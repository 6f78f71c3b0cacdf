import { type AwsError, type ErrorTable, resolveWireError } from '../errors.js';
import { escapeXml } from '../util/xml.js';
import type { WireResponse } from './wire.js';

/** S3's REST-XML errors: `<Error><Code>` bodies with S3's own codes (aws-facts.md §5.1, §7). */
const S3_ERRORS: ErrorTable = {
  'missing-auth': { code: 'AccessDenied', status: 403, message: 'Access Denied' },
  'unknown-key': {
    code: 'InvalidAccessKeyId',
    status: 403,
    message: 'The AWS Access Key Id you provided does not exist in our records.',
  },
  'invalid-token': {
    code: 'InvalidToken',
    status: 400,
    message: 'The provided token is malformed or otherwise invalid.',
  },
  'bad-signature': {
    code: 'SignatureDoesNotMatch',
    status: 403,
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  'signature-expired': {
    code: 'RequestTimeTooSkewed',
    status: 403,
    message: 'The difference between the request time and the current time is too large.',
  },
  'incomplete-signature': { code: 'AuthorizationHeaderMalformed', status: 400 },
  'expired-token': { code: 'ExpiredToken', status: 400, message: 'The provided token has expired.' },
  throttling: { code: 'SlowDown', status: 503, message: 'Please reduce your request rate.' },
  internal: {
    code: 'InternalError',
    status: 500,
    message: 'We encountered an internal error. Please try again.',
  },
  unavailable: { code: 'ServiceUnavailable', status: 503, message: 'Service is unable to handle request.' },
  'too-large': {
    code: 'EntityTooLarge',
    status: 400,
    message: 'Your proposed upload exceeds the maximum allowed size',
  },
  'access-denied': { code: 'AccessDenied', status: 403 },
  'unknown-operation': {
    code: 'NotImplemented',
    status: 501,
    message: 'A header you provided implies functionality that is not implemented',
  },
  'malformed-body': { code: 'MalformedXML', status: 400 },
  validation: { code: 'InvalidArgument', status: 400 },
  'missing-parameter': { code: 'InvalidRequest', status: 400 },
};

export function renderS3Error(error: AwsError, requestId: string): WireResponse {
  let wire = resolveWireError(error, S3_ERRORS);
  if (error.extra['content-sha256-mismatch'])
    wire = {
      code: 'XAmzContentSHA256Mismatch',
      status: 400,
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    };
  let members = '';
  const extraHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(error.extra)) {
    if (k.startsWith('header:')) extraHeaders[k.slice('header:'.length)] = v;
    else if (k !== 'content-sha256-mismatch') members += `<${k}>${escapeXml(v)}</${k}>`;
  }
  return {
    status: wire.status,
    headers: {
      ...extraHeaders,
      'content-type': 'application/xml',
      'x-amz-request-id': requestId,
      'x-amz-id-2': Buffer.from(requestId).toString('base64'),
    },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(wire.code)}</Code><Message>${escapeXml(wire.message)}</Message>${members}<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString('base64')}</HostId></Error>`,
  };
}

export function renderS3Xml(rootElement: string, inner: string, requestId: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${rootElement} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${rootElement}>`,
  };
}
