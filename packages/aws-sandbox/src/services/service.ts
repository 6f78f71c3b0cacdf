import type { OperationContext } from '../context.js';
import type { AwsError } from '../errors.js';
import type { WireRequest, WireResponse } from '../protocol/wire.js';

export interface ServiceOperation {
  /** IAM action name; defaults to `<prefix>:<Operation>`. */
  action?: string;
  /** The resource ARN authorization is evaluated against (and named in AccessDenied messages). */
  resource?: (ctx: OperationContext) => string | undefined;
  /** GetCallerIdentity needs no permission and is never denied (aws-facts.md §1.4). */
  skipAuthorization?: boolean;
  handle: (ctx: OperationContext) => WireResponse | Promise<WireResponse>;
}

export interface ServiceDefinition {
  /** SigV4 signing name (credential scope service). */
  name: string;
  /** IAM action prefix. */
  actionPrefix: string;
  protocol: 'query' | 'ec2' | 'json' | 'rest-xml';
  /** Resolves the operation name from the request (Action, X-Amz-Target, S3 method+path). */
  operationName: (request: WireRequest, ctx: Pick<OperationContext, 'query' | 'json'>) => string | undefined;
  renderError: (error: AwsError, requestId: string) => WireResponse;
  operations: Readonly<Record<string, ServiceOperation>>;
  /** The IAM action of an operation when it is not `<prefix>:<Operation>` (S3). */
  actionFor?: (operation: string) => string;
  /** The resource for fencing operations the sandbox does not implement (S3 data calls). */
  fallbackResource?: (ctx: OperationContext) => string | undefined;
}
