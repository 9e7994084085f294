/**
 * The cdktf app: one `WafLogPipelineStack` per environment of the configuration file, each with its
 * backend. Run with `npm run synth` (builds the processor bundle, then `cdktf synth`).
 */
import { App } from "cdktf";
import { addBackend } from "./src/backend";
import { CONFIG_PATH_VARIABLE, ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from "./src/config";
import { PropsError } from "./src/constructs/props-error";
import { WafLogPipelineStack } from "./src/waf-log-pipeline-stack";

try {
  const source = process.env[CONFIG_PATH_VARIABLE] || DEFAULT_CONFIG_PATH;
  const config = loadConfig(source);
  const app = new App();
  for (const [envName, environment] of Object.entries(config.environments)) {
    const stack = new WafLogPipelineStack(app, { envName, config: environment });
    addBackend(stack, envName, environment, source);
  }
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof PropsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
