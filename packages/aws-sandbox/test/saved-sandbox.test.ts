import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteAccessKeyCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { openSavedSandbox, type Sandbox } from '../src/index.js';

const MEMBER = '111111111111';

/** An IAM client acting as the blog member's root (audit + delete task policies), in-process. */
async function rootIam(sandbox: Sandbox, task: string): Promise<IAMClient> {
  const sts = new STSClient({
    region: 'us-east-1',
    credentials: sandbox.managementPrincipal(),
    requestHandler: sandbox.requestHandler,
  });
  const { Credentials } = await sts.send(
    new AssumeRootCommand({
      TargetPrincipal: MEMBER,
      TaskPolicyArn: { arn: `arn:aws:iam::aws:policy/root-task/${task}` },
    }),
  );
  return new IAMClient({
    region: 'us-east-1',
    requestHandler: sandbox.requestHandler,
    credentials: {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretAccessKey as string,
      sessionToken: Credentials?.SessionToken as string,
    },
  });
}

describe('a saved sandbox (one organization across processes)', () => {
  it('what one sandbox changes, another on the same file sees; dates stay as first resolved', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'rootwarden-saved-')), 'blog.state');
    const first = await openSavedSandbox({ scenario: 'blog', stateFile });
    const second = await openSavedSandbox({ scenario: 'blog', stateFile });
    const reader = await rootIam(second, 'IAMAuditRootUserCredentials');
    const before = await reader.send(new GetLoginProfileCommand({}));
    const [key] = (await reader.send(new ListAccessKeysCommand({}))).AccessKeyMetadata ?? [];
    expect(key?.AccessKeyId).toBeDefined();

    const writer = await rootIam(first, 'IAMDeleteRootUserCredentials');
    await writer.send(new DeleteAccessKeyCommand({ AccessKeyId: key?.AccessKeyId }));
    await first.save();

    expect((await reader.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toEqual([]);
    const third = await openSavedSandbox({ scenario: 'blog', stateFile });
    const again = await (await rootIam(third, 'IAMAuditRootUserCredentials')).send(
      new GetLoginProfileCommand({}),
    );
    expect(again.LoginProfile?.CreateDate).toEqual(before.LoginProfile?.CreateDate);
    await Promise.all([second.save(), third.save()]);
  });

  it('a state file that cannot be written (a file in the way) leaves the sandbox working in memory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'rootwarden-saved-'));
    writeFileSync(join(directory, 'a-file'), '');
    const sandbox = await openSavedSandbox({
      scenario: 'blog',
      stateFile: join(directory, 'a-file', 'blog.state'),
    });
    const writer = await rootIam(sandbox, 'IAMDeleteRootUserCredentials');
    const [key] = (await writer.send(new ListAccessKeysCommand({}))).AccessKeyMetadata ?? [];
    await writer.send(new DeleteAccessKeyCommand({ AccessKeyId: key?.AccessKeyId }));
    expect((await writer.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toEqual([]);
    await sandbox.save();
  });
});
