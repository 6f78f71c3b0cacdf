import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import { checkPartition, partitionOfArn } from './partition.js';

describe('partitionOfArn', () => {
  it.each([
    ['arn:aws:iam::111122223333:user/admin', 'aws'],
    ['arn:aws-cn:sts::111122223333:assumed-role/Admin/alice', 'aws-cn'],
    ['arn:aws-us-gov:iam::111122223333:role/Admin', 'aws-us-gov'],
    ['arn:aws-iso-b:iam::111122223333:user/x', 'aws-iso-b'],
    ['not an arn', undefined],
    ['', undefined],
  ])('%s → %s', (arn, partition) => {
    expect(partitionOfArn(arn)).toBe(partition);
  });
});

describe('checkPartition', () => {
  it.each([
    ['arn:aws-cn:iam::111122223333:user/admin', 'aws-cn'],
    ['arn:aws-us-gov:sts::111122223333:assumed-role/Admin/alice', 'aws-us-gov'],
  ])('refuses %s', (arn, partition) => {
    let caught: unknown;
    try {
      checkPartition(arn);
    } catch (error) {
      caught = error;
    }
    expect(isCoreError(caught) && caught.code).toBe('PARTITION_NOT_SUPPORTED');
    expect(isCoreError(caught) && caught.details).toEqual({ partition });
  });

  it.each(['arn:aws:iam::111122223333:user/admin', 'arn:aws-iso:iam::111122223333:user/x'])(
    'lets %s through',
    (arn) => {
      expect(() => checkPartition(arn)).not.toThrow();
    },
  );
});
