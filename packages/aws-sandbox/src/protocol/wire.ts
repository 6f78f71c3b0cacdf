/** A request as the sandbox sees it, whether it came over HTTP or through the in-process handler. */
export interface WireRequest {
  method: string;
  /** The path as sent (still URI-encoded). */
  path: string;
  /** The query string as sent, without `?`. */
  rawQuery: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  /** True when the body exceeded the size limit and was not read in full. */
  bodyTooLarge?: boolean;
  scheme: 'http' | 'https';
  /** The peer is loopback (or in-process): the admin surface is allowed. */
  loopback: boolean;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Fault injection: close the connection without answering. */
  drop?: boolean;
}
