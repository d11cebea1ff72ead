import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 3,
    reporters: ["default", "json"],
    // Machine-readable results: .ci/run prints the plain "N passed, N failed" line from them.
    outputFile: { json: "test-results/vitest.json" },
  },
});
