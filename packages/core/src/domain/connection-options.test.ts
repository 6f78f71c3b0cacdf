import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import {
  type ConnectionOptionsInput,
  engineConnectionOptions,
  type SandboxEndpoint,
  type StartSandbox,
} from './connection-options.js';

/** A sandbox starter that records what it was asked for (the real one is tested in test/connection.test.ts). */
function recordingSandbox(): { load: () => Promise<{ connectSandbox: StartSandbox }>; asked: unknown[] } {
  const asked: unknown[] = [];
  const connectSandbox: StartSandbox = async (options) => {
    asked.push(options);
    return {
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      scenario: options.scenario,
    } as SandboxEndpoint;
  };
  return { load: async () => ({ connectSandbox }), asked };
}

function fieldOf(input: ConnectionOptionsInput): string | undefined {
  try {
    engineConnectionOptions(input, recordingSandbox().load);
    return undefined;
  } catch (error) {
    if (!isCoreError(error) || error.code !== 'INVALID_INPUT') throw error;
    return error.details?.field as string;
  }
}

describe('connection options', () => {
  it.each<[string, ConnectionOptionsInput, string | undefined]>([
    ['nothing (the standard AWS chain)', {}, undefined],
    ['a profile and a region', { profile: 'prod', region: 'eu-west-1' }, undefined],
    ['an endpoint', { endpointUrl: 'http://127.0.0.1:4577' }, undefined],
    ['a sandbox and a region', { sandbox: 'exposed', region: 'eu-west-1' }, undefined],
    ['a bare sandbox with latency', { sandbox: true, sandboxLatencyMs: 50 }, undefined],
    ['a sandbox and a profile', { sandbox: 'blog', profile: 'prod' }, 'profile'],
    ['a sandbox and an endpoint', { sandbox: 'blog', endpointUrl: 'http://127.0.0.1:1' }, 'endpointUrl'],
    ['latency without a sandbox', { sandboxLatencyMs: 5 }, 'sandboxLatencyMs'],
    ['an endpoint that is no URL', { endpointUrl: 'localhost:4577' }, 'endpointUrl'],
    ['an endpoint of another protocol', { endpointUrl: 'ftp://example.com' }, 'endpointUrl'],
    ['an empty profile', { profile: ' ' }, 'profile'],
    ['an empty scenario', { sandbox: '' }, 'sandbox'],
    ['an unknown option', { role: 'x' } as ConnectionOptionsInput, '(input)'],
  ])('%s', (_what, input, field) => {
    expect(fieldOf(input)).toBe(field);
  });

  it('maps flags to engine options and starts the sandbox only when the engine connects', async () => {
    expect(
      engineConnectionOptions(
        { profile: 'prod', region: 'eu-west-1', endpointUrl: 'https://vpce.example.com' },
        recordingSandbox().load,
      ),
    ).toEqual({ profile: 'prod', region: 'eu-west-1', endpoint: 'https://vpce.example.com' });
    const sandbox = recordingSandbox();
    const options = engineConnectionOptions({ sandbox: true, sandboxLatencyMs: 7 }, sandbox.load);
    expect(sandbox.asked).toEqual([]);
    await options.connectSandbox?.();
    expect(sandbox.asked).toEqual([{ scenario: 'blog', latencyMs: 7 }]);
  });

  it('turns the sandbox’s ScenarioError into INVALID_INPUT on the sandbox field, and passes other failures on', async () => {
    const failing = (error: Error) => async () => ({
      connectSandbox: async (): Promise<SandboxEndpoint> => {
        throw error;
      },
    });
    const scenarioError = Object.assign(new Error('no scenario named nope'), { name: 'ScenarioError' });
    await expect(
      engineConnectionOptions({ sandbox: 'nope' }, failing(scenarioError)).connectSandbox?.(),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'sandbox' } });
    const other = new Error('listen EADDRINUSE');
    await expect(
      engineConnectionOptions({ sandbox: 'blog' }, failing(other)).connectSandbox?.(),
    ).rejects.toBe(other);
  });
});
