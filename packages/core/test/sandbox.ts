import { createSandbox, type Sandbox, type SandboxOptions } from '@rootwarden/aws-sandbox';
import { createEngine, type Engine, type EngineOptions } from '../src/engine.js';

export type Transport = 'http' | 'in-process';
export const TRANSPORTS: Transport[] = ['http', 'in-process'];

export interface SandboxFixture {
  sandbox: Sandbox;
  url: string;
  /**
   * An engine acting as `principal` (default: the management principal) over `transport`. It keeps no
   * audit history unless the options give a `home` or a `store`.
   */
  engine(options?: { transport?: Transport; principal?: string } & Partial<EngineOptions>): Engine;
  close(): Promise<void>;
}

/** A sandbox served on an ephemeral loopback port, and engines pointed at it like a user would. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxFixture> {
  const sandbox = createSandbox(options);
  const server = await sandbox.listen({ port: 0 });
  const engines: Engine[] = [];
  return {
    sandbox,
    url: server.url,
    engine({ transport = 'http', principal, ...rest } = {}) {
      const who = principal ? sandbox.principal(principal) : sandbox.managementPrincipal();
      const engine = createEngine({
        region: 'us-east-1',
        credentials: {
          accessKeyId: who.accessKeyId,
          secretAccessKey: who.secretAccessKey,
          ...(who.sessionToken ? { sessionToken: who.sessionToken } : {}),
        },
        ...(transport === 'http'
          ? { endpoint: server.url }
          : { endpoint: 'http://sandbox.in-process', requestHandler: sandbox.requestHandler }),
        // Tests never write the user's history (~/.rootwarden): no store unless a test gives a home or one.
        ...(rest.home === undefined && rest.store === undefined ? { store: false as const } : {}),
        ...rest,
      });
      engines.push(engine);
      return engine;
    },
    async close() {
      await Promise.all(engines.map((engine) => engine.close()));
      await server.close();
    },
  };
}

/** Runs `fn` and returns the CoreError (or other error) it rejects with. */
export async function rejection(
  fn: () => Promise<unknown>,
): Promise<{ code?: string; message: string; fix?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as { code?: string; message: string; fix?: string };
  }
  throw new Error('expected a rejection');
}

/** Every secret the sandbox issued (session keys and tokens, static secrets), for leak checks. */
export function issuedSecrets(sandbox: Sandbox): string[] {
  return sandbox.admin.secrets().map((secret) => secret.value);
}
