import { describe, expect, it } from 'vitest';
import { mapAwsError } from './map-aws-error.js';

/** AWS errors as the SDK surfaces them: query protocols keep the code in `Code`, JSON ones in `name`. */
const awsError = (code: string, message: string, status: number) =>
  Object.assign(new Error(message), {
    name: code,
    Code: code,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  });

describe('mapAwsError', () => {
  it.each([
    // The global endpoint explanation belongs to STS AssumeRoot only (boto/boto3#4461).
    ['InvalidAction', 'Unknown Operation', 400, 'AssumeRoot', 'GLOBAL_STS_ENDPOINT'],
    ['InvalidAction', 'Unknown Operation', 400, 'ListAccounts', 'AWS_ERROR'],
    ['InvalidAction', 'Could not find operation', 400, 'GetUser', 'AWS_ERROR'],
    [
      'RegionDisabledException',
      'STS is not activated in this region for account:1.',
      403,
      'AssumeRoot',
      'STS_REGION_DISABLED',
    ],
    [
      'AccessDenied',
      'Service not enabled for AWS Organizations.',
      403,
      'AssumeRoot',
      'ROOT_ACCESS_NOT_ENABLED',
    ],
    [
      'AccessDenied',
      'Root sessions feature is not enabled for your AWS Organization.',
      403,
      'AssumeRoot',
      'ROOT_SESSIONS_NOT_ENABLED',
    ],
    ['AccessDenied', 'User: x is not authorized', 403, 'AssumeRoot', 'AWS_ACCESS_DENIED'],
  ])('%s (%s) from %s → %s', (code, message, status, operation, expected) => {
    expect(mapAwsError(awsError(code, message, status), { operation }).code).toBe(expected);
  });

  it('gives the region-disabled and root-sessions refusals a fix that names what to do', () => {
    const region = mapAwsError(awsError('RegionDisabledException', 'STS is not activated', 403), {
      operation: 'AssumeRoot',
    });
    expect(region.fix).toMatch(/Activate STS in this region.*--region/);
    const sessions = mapAwsError(
      awsError('AccessDenied', 'Root sessions feature is not enabled for your AWS Organization.', 403),
      { operation: 'AssumeRoot' },
    );
    expect(sessions.fix).toContain('rootwarden org enable');
    expect(sessions.fix).not.toContain('S3');
  });
});
