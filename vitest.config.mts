import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup/build-package.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The machines have 2 cores; engine tests spawn provider hosts.
    maxWorkers: 2,
  },
});
