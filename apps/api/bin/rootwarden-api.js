#!/usr/bin/env node
import { tuneHeapForSmallFootprint } from '@rootwarden/core/heap-tuning';

// A capped young generation and a slowly growing old one (README, "Performance").
tuneHeapForSmallFootprint();
const { main } = await import('../dist/main.js');
const result = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  handleSignals: true,
});
if (typeof result === 'number') process.exitCode = result;
