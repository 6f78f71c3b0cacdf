import { runSandboxServer } from './server-command.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
runSandboxServer(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rootwarden-sandbox: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
