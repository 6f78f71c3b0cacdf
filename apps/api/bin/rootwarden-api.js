#!/usr/bin/env node
// rootwarden supports Node 20.19+; the AWS SDK would warn about Node 20 on every client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await import('../dist/main.js');
const result = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  handleSignals: true,
});
if (typeof result === 'number') process.exitCode = result;
