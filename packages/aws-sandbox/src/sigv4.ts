import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { kindError, SIGNATURE_MISMATCH_MESSAGE } from './errors.js';
import { amzDate, parseAmzDate } from './util/time.js';

/**
 * AWS Signature Version 4, verified for real against the secret the sandbox issued
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
 */
export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS accepts requests whose time is within 15 minutes of its own clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(header: string): ParsedAuthorization | string {
  if (!header.startsWith(`${ALGORITHM} `))
    return `Unsupported authorization type or algorithm: ${header.split(' ')[0] ?? ''}`;
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((f) => !fields.get(f));
  if (missing.length > 0)
    return `${missing.map((m) => `Authorization header requires '${m}' parameter.`).join(' ')} Authorization=${header}`;
  const scope = (fields.get('Credential') as string).split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !scope[0])
    return `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope[4] ?? ''}'.`;
  return {
    accessKeyId: scope[0],
    date: scope[1] ?? '',
    region: scope[2] ?? '',
    service: scope[3] ?? '',
    signedHeaders: (fields.get('SignedHeaders') as string).split(';'),
    signature: fields.get('Signature') as string,
  };
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = uriEncode(safeDecode(eq < 0 ? part : part.slice(0, eq)));
    if (key === 'X-Amz-Signature') continue;
    pairs.push([key, uriEncode(safeDecode(eq < 0 ? '' : part.slice(eq + 1)))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** S3 signs the path as sent; every other service signs it URI-encoded once more. */
function canonicalUri(path: string, service: string): string {
  if (!path) return '/';
  if (service === 's3') return path;
  return path
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

function canonicalRequest(input: {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  signedHeaders: readonly string[];
  payloadHash: string;
  service: string;
}): string {
  const headerLines = input.signedHeaders
    .map((name) => `${name}:${(input.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  return [
    input.method.toUpperCase(),
    canonicalUri(input.path, input.service),
    canonicalQuery(input.rawQuery),
    headerLines,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

const signingKeys = new Map<string, Buffer>();

/** Derived keys change once a day per secret/region/service: cache them (bounded). */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\u0000${date}\u0000${region}\u0000${service}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) return cached;
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  const key = createHmac('sha256', kService).update('aws4_request').digest();
  if (signingKeys.size > 10_000) signingKeys.clear();
  signingKeys.set(cacheKey, key);
  return key;
}

function stringToSign(requestDate: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${requestDate}\n${scope}\n${sha256Hex(canonical)}`;
}

export interface VerifyInput {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  body: Buffer;
  auth: ParsedAuthorization;
  secretAccessKey: string;
  /** Wall-clock time: AWS compares the request time with real time, not with any simulated clock. */
  now: number;
}

/** Throws the protocol-neutral AwsError AWS would answer; returns the payload hash used. */
export function verifySignature(input: VerifyInput): void {
  const { auth, headers } = input;
  const requestDate = headers['x-amz-date'] ?? '';
  let requestTime = parseAmzDate(requestDate);
  if (Number.isNaN(requestTime) && headers.date) requestTime = Date.parse(headers.date);
  if (Number.isNaN(requestTime))
    throw kindError(
      'incomplete-signature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  const now = input.now;
  if (requestTime < now - MAX_SKEW_MS)
    throw kindError(
      'signature-expired',
      `Signature expired: ${amzDate(requestTime)} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 15 min.)`,
    );
  if (requestTime > now + MAX_SKEW_MS)
    throw kindError(
      'signature-expired',
      `Signature not yet current: ${amzDate(requestTime)} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 15 min.)`,
    );
  const dateStamp = amzDate(requestTime).slice(0, 8);
  if (auth.date !== dateStamp)
    throw kindError(
      'bad-signature',
      `Credential should be scoped to a valid date: '${auth.date}' does not match '${dateStamp}' from the request time.`,
    );
  if (!auth.signedHeaders.includes('host'))
    throw kindError('bad-signature', "'Host' must be a 'SignedHeader' in the AWS Authorization.");

  const declared = headers['x-amz-content-sha256'];
  let payloadHash: string;
  if (declared && (declared === 'UNSIGNED-PAYLOAD' || declared.startsWith('STREAMING-')))
    payloadHash = declared;
  else {
    payloadHash = input.body.length === 0 ? EMPTY_SHA256 : sha256Hex(input.body);
    if (declared && declared !== payloadHash)
      throw kindError(
        'bad-signature',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        {
          'content-sha256-mismatch': 'true',
        },
      );
  }
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    rawQuery: input.rawQuery,
    headers,
    signedHeaders: auth.signedHeaders,
    payloadHash: declared && payloadHash === declared ? declared : payloadHash,
    service: auth.service,
  });
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const expected = createHmac(
    'sha256',
    signingKey(input.secretAccessKey, auth.date, auth.region, auth.service),
  )
    .update(stringToSign(requestDate || amzDate(requestTime), scope, canonical))
    .digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw kindError('bad-signature', SIGNATURE_MISMATCH_MESSAGE);
}

/**
 * Signs a raw request (tests and scripts that speak HTTP without an SDK). Returns the headers to add.
 */
export function signRequest(input: {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  now?: number;
}): Record<string, string> {
  const url = new URL(input.url);
  const time = amzDate(input.now ?? Date.now());
  const body = input.body === undefined ? Buffer.alloc(0) : Buffer.from(input.body);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  headers.host = url.host;
  headers['x-amz-date'] = time;
  if (input.service === 's3') headers['x-amz-content-sha256'] = sha256Hex(body);
  if (input.sessionToken) headers['x-amz-security-token'] = input.sessionToken;
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: input.method,
    path: url.pathname,
    rawQuery: url.search.slice(1),
    headers,
    signedHeaders,
    payloadHash: sha256Hex(body),
    service: input.service,
  });
  const date = time.slice(0, 8);
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const signature = createHmac('sha256', signingKey(input.secretAccessKey, date, input.region, input.service))
    .update(stringToSign(time, scope, canonical))
    .digest('hex');
  headers.authorization = `${ALGORITHM} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}
