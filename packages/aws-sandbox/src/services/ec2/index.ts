import type { OperationContext } from '../../context.js';
import { kindError } from '../../errors.js';
import { renderEc2Error } from '../../protocol/query.js';
import type { WireResponse } from '../../protocol/wire.js';
import type { ServiceDefinition } from '../service.js';

/**
 * EC2 is not modeled; it exists so a root session's fence shows up the way the seed saw it
 * (section 2: UnauthorizedOperation "...with an explicit deny in an identity-based policy").
 * The dispatcher's fence produces that answer; this only serves callers the fence lets through.
 */
function describeInstances(ctx: OperationContext): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${ctx.requestId}</requestId><reservationSet/></DescribeInstancesResponse>`,
  };
}

export const ec2Service: ServiceDefinition = {
  name: 'ec2',
  actionPrefix: 'ec2',
  protocol: 'ec2',
  operationName: (_req, ctx) => ctx.query.get('Action'),
  renderError: (error, requestId) => {
    // EC2 prefixes its authorization failures with this sentence (seed section 2).
    if (error.kind === 'access-denied' && !error.message.startsWith('You are not authorized'))
      return renderEc2Error(
        kindError('access-denied', `You are not authorized to perform this operation. ${error.message}`),
        requestId,
      );
    return renderEc2Error(error, requestId);
  },
  operations: { DescribeInstances: { handle: describeInstances } },
};
