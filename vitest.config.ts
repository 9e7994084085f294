import { defineConfig } from "vitest/config";
import { CDKTF_NODE_FLAGS } from "./commands/lib/cdktf-node-flags.js";

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
    // The workers synthesize stacks with cdktf, so they run with the same Node.js flags as the app
    // (cdktf 0.21's DEP0044 warning off, every other warning on: commands/lib/cdktf-node-flags.ts).
    execArgv: [...CDKTF_NODE_FLAGS],
    // The AWS SDK warns once per process on Node.js < 22 that its releases from 2027 need Node 22.
    // The project's Node is 22 (.node-version), where the SDK does not warn and this does nothing;
    // it stays for test runs on Node 20, still the default Node of the build machines, where the
    // warning would repeat in every worker's output. The CLIs still show it there.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
  },
});
