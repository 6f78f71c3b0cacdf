import { describe, expect, it } from 'vitest';
import { queueRegion } from './queue-region.js';

describe('queueRegion', () => {
  it.each([
    ['https://sqs.eu-west-1.amazonaws.com/111122223333/q', 'eu-west-1'],
    ['https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q', 'cn-north-1'],
    ['https://sqs-fips.us-gov-west-1.amazonaws.com/111122223333/q', 'us-gov-west-1'],
    ['https://sqs-fips.us-east-2.amazonaws.com/111122223333/q', 'us-east-2'],
    ['https://sqs.ap-southeast-2.api.aws/111122223333/q', 'ap-southeast-2'],
    ['https://sqs-fips.us-east-1.api.aws/111122223333/q', 'us-east-1'],
    ['https://eu-central-1.queue.amazonaws.com/111122223333/q', 'eu-central-1'],
    ['https://queue.amazonaws.com/111122223333/q', 'us-east-1'],
    ['HTTPS://QUEUE.AMAZONAWS.COM/111122223333/q', 'us-east-1'],
    ['http://127.0.0.1:4577/111122223333/q', undefined],
    ['https://sqs.eu-west-1.amazonaws.com.evil.example/111122223333/q', undefined],
    ['not a url', undefined],
  ])('%s → %s', (url, region) => {
    expect(queueRegion(url)).toBe(region);
  });
});
