#!/usr/bin/env node
import { tuneHeapForSmallFootprint } from '@rootwarden/core/heap-tuning';

// A capped young generation and a slowly growing old one (README, "Performance").
tuneHeapForSmallFootprint();
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
