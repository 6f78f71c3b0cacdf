import { temporaryDirectory } from './file-system.js';

/** What these helpers need of a sandbox (structural: this package depends on no workspace package). */
export interface SandboxLike {
  managementPrincipal(): { accessKeyId: string; secretAccessKey: string };
  admin: { calls(filter?: { operation?: string }): readonly unknown[] };
}

/**
 * The environment of a user who eval'd a running sandbox's export lines: its management principal's
 * keys and URL, nothing left from the developer's own AWS setup, and a fresh ROOTWARDEN_HOME.
 */
export function sandboxUserEnvironment(
  sandbox: SandboxLike,
  url: string,
): Record<string, string | undefined> {
  const who = sandbox.managementPrincipal();
  return {
    AWS_ACCESS_KEY_ID: who.accessKeyId,
    AWS_SECRET_ACCESS_KEY: who.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: url,
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
    ROOTWARDEN_HOME: temporaryDirectory('rootwarden-home-'),
  };
}

/**
 * Resolves true once the sandbox has answered `operation` (a real event: e.g. the first AssumeRoot means
 * a spawned command's audit is under way), or false if `child` exited first. Looks every 20 ms.
 */
export function whenSandboxAnswers(
  sandbox: SandboxLike,
  operation: string,
  child?: { exitCode: number | null },
): Promise<boolean> {
  return new Promise((resolve) => {
    const watch = setInterval(() => {
      if (sandbox.admin.calls({ operation }).length > 0) {
        clearInterval(watch);
        resolve(true);
      } else if (child && child.exitCode !== null) {
        clearInterval(watch);
        resolve(false);
      }
    }, 20);
  });
}
