import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The SDK warns on every client about Node 20's coming end of support; rootwarden supports Node 20.19+.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
