#!/usr/bin/env node
const { main } = await import('../dist/main.js');
const result = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  handleSignals: true,
});
if (typeof result === 'number') process.exitCode = result;
