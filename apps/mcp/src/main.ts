#!/usr/bin/env node
// The AWS SDK warns on every run about Node 20's coming end of support; rootwarden supports Node 20.19+.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { run } = await import('./run.js');

try {
  const result = await run(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
  if (typeof result === 'number') process.exit(result);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void result.stop());
  await result.done;
  process.exit(0);
} catch (error) {
  process.stderr.write(
    `rootwarden-mcp: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
