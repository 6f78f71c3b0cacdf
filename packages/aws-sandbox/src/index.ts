// Placeholder until the sandbox lands (branch `sandbox`): the public API the engine codes against.
export interface SandboxPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  arn: string;
}
export interface SandboxOptions {
  scenario?: string;
  latencyMs?: number;
  jitterMs?: number;
}
export interface Sandbox {
  listen(options?: {
    port?: number;
    host?: string;
  }): Promise<{ url: string; port: number; close(): Promise<void> }>;
  managementPrincipal(): SandboxPrincipal;
}
export function createSandbox(_options?: SandboxOptions): Sandbox {
  throw new Error('the sandbox is not built yet');
}
