#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Grow V8's old generation by at most half of what survived the last full collection (V8's default,
// up to 4x on a machine with RAM to spare, let a 10,000-account audit whose live heap stays near
// 30 MB reach 250 MB RSS). Costs a few more short collections; see README, "Performance".
setFlagsFromString('--heap-growing-percent=50');
const { main } = await import('../dist/main.js');
const result = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  handleSignals: true,
});
if (typeof result === 'number') process.exitCode = result;
