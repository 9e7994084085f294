import { defineConfig } from "vitest/config";

// .ci/run sets VITEST_JSON_REPORT to collect the pass/fail counts it prints at the end.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    setupFiles: ["__tests__/setup.ts"],
    // Synthesizing a stack and running terraform take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The AWS SDK warns once per process on Node 20 that releases from 2027 need Node 22; the pinned
    // SDK runs here, and the warning would repeat in every test worker's output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
  },
});
