#!/usr/bin/env node
// The AWS SDK warns on every run about Node 20's coming end of support; rootwarden supports Node 20.19+.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
