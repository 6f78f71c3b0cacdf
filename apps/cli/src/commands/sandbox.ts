import { Command, Flags } from '@oclif/core';
import { runSandboxServer } from '@rootwarden/aws-sandbox';

export default class SandboxCommand extends Command {
  static override summary =
    'Serve the offline AWS sandbox on 127.0.0.1, for the AWS CLI, SDKs and rootwarden itself.';
  static override description =
    `Prints shell export lines (AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY of the scenario's management principal) so that \`eval\` of them points \`aws\`, any SDK and \`rootwarden --endpoint-url\` at it. Admin surface (reset, call log, issued secrets, clock, latency, faults, quotas) under /_sandbox/. Ctrl-C stops it.`;
  static override examples = [
    '<%= config.bin %> sandbox --scenario blog --port 4577 > /tmp/sandbox.env &',
    '<%= config.bin %> sandbox --scenario generated:2000 --latency-ms 30 --port 0',
  ];
  // Flags are declared for help and validation; the sandbox's own parser reads them (same as `rootwarden-sandbox`).
  static override flags = {
    scenario: Flags.string({
      description: 'blog (default), clean, exposed, real-world, generated:N[:SEED], or a scenario JSON file.',
    }),
    port: Flags.integer({
      description: 'Port (default 4577; 0 = ephemeral, the real URL is printed).',
      min: 0,
      max: 65_535,
    }),
    host: Flags.string({
      description: 'Bind address (default 127.0.0.1; the admin surface answers loopback only).',
    }),
    region: Flags.string({ description: "Region to export (default: the scenario's)." }),
    principal: Flags.string({
      description: "Principal to export (default: the scenario's management principal).",
    }),
    'latency-ms': Flags.integer({ description: 'Fixed latency added to every answer.', min: 0 }),
    'jitter-ms': Flags.integer({ description: 'Extra random latency in [0, N).', min: 0 }),
    'fault-rate': Flags.string({ description: 'Share of requests (0..1) answered with an injected fault.' }),
    'fault-kind': Flags.string({ description: 'random (default), throttle, internal, unavailable, drop.' }),
    quota: Flags.string({
      multiple: true,
      description: 'Override a quota, e.g. organizations:ListAccounts=100:200 (repeatable).',
    }),
    'no-quotas': Flags.boolean({ description: 'Disable every quota.' }),
    seed: Flags.integer({ description: 'Seed of faults and jitter (default 1).' }),
  };

  async run(): Promise<void> {
    await this.parse(SandboxCommand);
    const code = await runSandboxServer(this.argv);
    if (code !== 0) this.exit(code);
  }
}
