#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Grow V8's old generation by at most half of what survived the last full collection (V8's default,
// up to 4x on a machine with RAM to spare, let a 10,000-account audit whose live heap stays near
// 30 MB reach 250 MB RSS). Costs a few more short collections; see README, "Performance".
setFlagsFromString('--heap-growing-percent=50');
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
