import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packs every package, installs them with npm from the registry (a native module compiles) and
    // starts each binary: minutes on a loaded CI machine.
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
