import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // rootwarden needs Node 22+ and sets nothing. Only while developers still run the suite on Node 20
    // (CI uses 24): the pinned SDK warns there once per process, which would break stderr assertions.
    env:
      Number(process.versions.node.split('.')[0]) < 22
        ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }
        : {},
  },
});
