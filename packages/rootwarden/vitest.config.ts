import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packs every package, installs them with npm from the registry (a native module compiles) and
    // starts each binary: minutes on a loaded CI machine.
    testTimeout: 1_500_000,
    hookTimeout: 1_500_000,
  },
});
