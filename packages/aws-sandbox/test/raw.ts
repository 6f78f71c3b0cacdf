import { signRequest } from '../src/index.js';

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  service?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined };
  /** Signing time (defaults to now). */
  now?: number;
  /** Mutates the signed request before it is sent (to break the signature). */
  tamper?: (request: { headers: Record<string, string>; body: Buffer }) => void;
}

/** Sends one request with `fetch`, signed with SigV4 unless no credentials are given. */
export async function raw(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const url = `${baseUrl}${request.path ?? '/'}`;
  const method = request.method ?? 'POST';
  let body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  let headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.credentials) {
    headers = signRequest({
      method,
      url,
      headers,
      body,
      ...request.credentials,
      ...(request.credentials.sessionToken ? { sessionToken: request.credentials.sessionToken } : {}),
      region: request.region ?? 'us-east-1',
      service: request.service ?? 'sts',
      ...(request.now === undefined ? {} : { now: request.now }),
    });
  }
  if (request.tamper) {
    const mutable = { headers, body };
    request.tamper(mutable);
    headers = mutable.headers;
    body = mutable.body;
  }
  delete headers.host;
  const response = await fetch(url, {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
export const ORGS = (op: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `AWSOrganizationsV20161128.${op}`,
});
export const SQS = (op: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `AmazonSQS.${op}`,
  'x-amzn-query-mode': 'true',
});

export function xmlCode(body: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
}
