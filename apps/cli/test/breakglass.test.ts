import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { createEngine, type Notification, NotificationSchema } from '@rootwarden/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  rootwardenProcessAsync,
  STACK_TRACE,
  sandboxUserEnvironment,
  temporaryDirectory,
} from './helpers.js';

/** oclif wraps error messages at the terminal width: join the lines again. */
const unwrap = (text: string) => text.replace(/\s*\n\s*›\s*/g, ' ');

const WEB = '300000000004';
const HOUR = 3_600_000;

/**
 * Time-boxed break-glass and the audit's notifications through the real binary, against a sandbox served
 * over HTTP from this process and a real webhook receiver on localhost.
 */
describe('rootwarden break-glass and audit notifications (spawned CLI)', () => {
  const sandbox = createSandbox({ scenario: 'exposed', quotas: { enabled: false } });
  let url: string;
  let closeSandbox: () => Promise<void>;
  let receiver: Server;
  let hookUrl: string;
  let received: Notification[] = [];
  let env: Record<string, string | undefined>;
  let notifyConfig: string;

  beforeAll(async () => {
    const server = await sandbox.listen({ port: 0 });
    url = server.url;
    closeSandbox = server.close;
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(NotificationSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await closeSandbox();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  beforeEach(() => {
    sandbox.admin.reset();
    received = [];
    env = { ...sandboxUserEnvironment(sandbox, url), RW_TEST_HOOK_SECRET: 'hook-secret' };
    notifyConfig = join(temporaryDirectory('rootwarden-notify-'), 'api.json');
    // The API's config file works as is: the CLI reads only its "notifications" section.
    writeFileSync(
      notifyConfig,
      JSON.stringify({
        tokens: [],
        notifications: {
          channels: [{ type: 'webhook', name: 'ops', url: hookUrl, secretEnv: 'RW_TEST_HOOK_SECRET' }],
          maxAttempts: 2,
        },
      }),
    );
  });
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) =>
    rootwardenProcessAsync(args, { ...env, ...extra });

  it.each([
    [['--for', '4h'], '--for records a break-glass window: it needs --ticket'],
    [['--ticket', 'INC-1'], '--ticket records a break-glass window: it needs --for'],
    [['--by', 'alice'], '--by names who opens a break-glass window'],
    [['--for', '9d', '--ticket', 'INC-1'], 'for: must be more than 0 and at most 72h'],
  ])(
    'plan allow-password-recovery %j is a usage error naming the fix',
    async (flags, message) => {
      const result = await cli(['plan', 'allow-password-recovery', '--account', WEB, ...flags]);
      expect(result.exitCode).toBe(2);
      expect(unwrap(result.stderr)).toContain(message);
      expect(result.stderr).not.toMatch(STACK_TRACE);
      const list = await cli(['breakglass', 'list', '--json']);
      expect(JSON.parse(list.stdout)).toEqual({ windows: [] });
    },
    120_000,
  );

  it('opens a window with the plan, reports it in the audit, closes it with a prepared (unapplied) plan and notifies', async () => {
    const opened = await cli([
      'plan',
      'allow-password-recovery',
      '--account',
      WEB,
      '--for',
      '4h',
      '--ticket',
      'INC-123',
      '--by',
      'alice',
      '--json',
    ]);
    expect(opened.exitCode).toBe(0);
    const { plan, window } = JSON.parse(opened.stdout);
    expect(plan).toMatchObject({ task: 'allow-password-recovery', status: 'ready' });
    expect(window).toMatchObject({
      accountId: WEB,
      ticket: 'INC-123',
      openedByUser: 'alice',
      planId: plan.planId,
    });
    expect(Date.parse(window.until) - Date.parse(window.openedAt)).toBe(4 * HOUR);

    const listed = await cli(['breakglass', 'list']);
    expect(listed.stdout).toContain('INC-123');
    expect(listed.stdout).toMatch(/alice \(arn:aws:iam::\d{12}:[^)]+\)/);

    const audit = await cli(['audit', '--account', WEB, '--format', 'json', '--no-save']);
    const finding = JSON.parse(audit.stdout).accounts[0].findings.find(
      (entry: { code: string }) => entry.code === 'BREAKGLASS_WINDOW_OPEN',
    );
    expect(finding).toMatchObject({ severity: 'high' });
    expect(finding.message).toContain('INC-123');
    expect(finding.message).toContain('alice');
    expect(finding.message).toContain(window.until);

    const before = sandbox.admin.rootCredentials(WEB);
    const closed = await cli(['breakglass', 'close', WEB, '--by', 'bob', '--notify-config', notifyConfig]);
    expect(closed.exitCode).toBe(0);
    const cleanupPlanId = closed.stdout.match(/Prepared plan ([0-9a-f-]{36})/)?.[1];
    expect(cleanupPlanId).toBeDefined();
    expect(closed.stdout).toContain(`rootwarden apply ${cleanupPlanId}`);
    expect(closed.stderr).toContain('Notified ops.');
    // Prepared, never applied.
    expect(sandbox.admin.rootCredentials(WEB)).toEqual(before);
    const shown = await cli(['plan', 'show', cleanupPlanId as string, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ task: 'delete-root-credentials', status: 'ready' });
    expect(received.flatMap((notification) => notification.events)).toEqual([
      expect.objectContaining({
        kind: 'breakglass-closed',
        accountId: WEB,
        ticket: 'INC-123',
        planId: cleanupPlanId,
      }),
    ]);

    // The history keeps who opened it, why and when, and who closed it when, with the plan.
    const all = JSON.parse((await cli(['breakglass', 'list', '--json'])).stdout);
    expect(all.windows).toEqual([
      expect.objectContaining({
        ticket: 'INC-123',
        openedByUser: 'alice',
        openedAt: window.openedAt,
        closedBy: 'bob',
        closedAt: expect.any(String),
        cleanupPlanId,
      }),
    ]);
    const after = await cli(['audit', '--account', WEB, '--format', 'json', '--no-save']);
    expect(after.stdout).not.toContain('BREAKGLASS_WINDOW_OPEN');

    const again = await cli(['breakglass', 'close', WEB]);
    expect(again.exitCode).toBe(2);
    expect(unwrap(again.stderr)).toContain(`No open break-glass window on account ${WEB}.`);
    expect(unwrap(again.stderr)).toContain('rootwarden breakglass list');
    expect(again.stderr).not.toMatch(STACK_TRACE);
  }, 240_000);

  it('a saved audit closes a window whose end has passed and says so (window opened with a clock 5 hours back)', async () => {
    const who = sandbox.managementPrincipal();
    const past = createEngine({
      home: env.ROOTWARDEN_HOME as string,
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey },
      now: () => new Date(Date.now() - 5 * HOUR),
    });
    try {
      await past.openBreakglass({ account: WEB, for: '1h', ticket: 'INC-77' }, 'carol');
    } finally {
      await past.close();
    }
    const audit = await cli(['audit', '--account', WEB, '--notify-config', notifyConfig]);
    expect(audit.exitCode).toBe(3);
    const stderr = unwrap(audit.stderr);
    expect(stderr).toMatch(
      new RegExp(
        `Warning: The break-glass window on account ${WEB} \\(ticket "INC-77", quoted: a person typed it\\) ended at \\S+ and was closed; plan [0-9a-f-]{36} deletes the recovered root credentials\\.`,
      ),
    );
    expect(stderr).toContain('[BREAKGLASS_WINDOW_CLOSED]');
    expect(audit.stdout).not.toContain('BREAKGLASS_WINDOW_OPEN');
    const kinds = received.flatMap((notification) => notification.events.map((event) => event.kind));
    expect(kinds).toContain('breakglass-closed');
    const [closed] = JSON.parse((await cli(['breakglass', 'list', '--json'])).stdout).windows;
    expect(closed).toMatchObject({
      ticket: 'INC-77',
      closedBy: 'expired',
      cleanupPlanId: expect.any(String),
    });
  }, 240_000);

  it('a ticket with terminal control characters is shown neutralised by list and close', async () => {
    const ticket = 'INC-9\u001b]0;pwned\u0007\u001b[2J';
    const opened = await cli([
      'plan',
      'allow-password-recovery',
      '--account',
      WEB,
      '--for',
      '1h',
      '--ticket',
      ticket,
    ]);
    expect(opened.exitCode).toBe(0);
    const listed = await cli(['breakglass', 'list']);
    const closed = await cli(['breakglass', 'close', WEB]);
    for (const output of [opened.stderr, listed.stdout, closed.stdout]) {
      expect(output).toContain('INC-9');
      expect(output).not.toContain('\u001b');
      expect(output).not.toContain('\u0007');
    }
    // The history keeps the ticket as typed; --json carries it escaped by JSON.
    const [window] = JSON.parse((await cli(['breakglass', 'list', '--json'])).stdout).windows;
    expect(window.ticket).toBe(ticket);
  }, 240_000);

  it('rootwarden audit notifies the configured channels after saving; a receiver that is down is a warning, never the exit code', async () => {
    const notified = await cli(['audit', '--notify-config', notifyConfig, '--format', 'json']);
    expect(notified.exitCode).toBe(3);
    expect(JSON.parse(notified.stdout).summary.accounts).toBe(sandbox.admin.scenario().accounts);
    expect(notified.stderr).toContain('Notified ops');
    expect(received).toHaveLength(1);
    const saved = JSON.parse(notified.stdout).auditId;
    expect(received[0]).toMatchObject({ auditId: saved });
    expect(received[0]?.events.some((event) => event.kind === 'new-finding')).toBe(true);

    // Without channels (no --notify-config, no env): nothing is sent.
    await cli(['audit', '--summary']);
    expect(received).toHaveLength(1);

    // A receiver that is down (a fresh history: its first audit has findings to notify): the same report
    // and exit code, and a warning naming the channel.
    // A receiver that answers 500 (never a guessed closed port).
    const failing = createServer((_request, response) => response.writeHead(500).end());
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`;
    const downConfig = join(temporaryDirectory('rootwarden-notify-'), 'down.json');
    writeFileSync(
      downConfig,
      JSON.stringify({
        notifications: {
          channels: [
            {
              type: 'webhook',
              name: 'down',
              url: failingUrl,
              secretEnv: 'RW_TEST_HOOK_SECRET',
            },
          ],
          maxAttempts: 1,
        },
      }),
    );
    const down = await cli(['audit', '--format', 'json'], {
      ROOTWARDEN_NOTIFY_CONFIG: downConfig,
      ROOTWARDEN_HOME: temporaryDirectory('rootwarden-home-'),
    }).finally(() => new Promise<void>((resolve) => failing.close(() => resolve())));
    expect(down.exitCode).toBe(3);
    expect(JSON.parse(down.stdout).summary).toEqual(JSON.parse(notified.stdout).summary);
    expect(unwrap(down.stderr)).toMatch(/Warning: The notification to channel down was not delivered/);
    expect(down.stderr).not.toMatch(STACK_TRACE);

    // A config file that is not usable is a usage error naming it, before any AWS call.
    const bad = await cli(['audit', '--notify-config', join(temporaryDirectory(), 'missing.json')]);
    expect(bad.exitCode).toBe(2);
    expect(unwrap(bad.stderr)).toContain('notify-config: cannot read');
  }, 240_000);
});
