/**
 * The cdktf app: one `WafLogPipelineStack` per environment of the configuration file. Run with
 * `npm run synth` (builds the processor bundle, then `cdktf synth`).
 */
import { App } from "cdktf";
import { CONFIG_PATH_VARIABLE, DEFAULT_CONFIG_PATH, loadConfig } from "./src/config";
import { ValidationError } from "./src/constructs/validation";
import { WafLogPipelineStack } from "./src/waf-log-pipeline-stack";

try {
  const configFile = process.env[CONFIG_PATH_VARIABLE] || DEFAULT_CONFIG_PATH;
  const config = loadConfig(configFile);
  const app = new App();
  for (const [envName, environment] of Object.entries(config.environments)) {
    new WafLogPipelineStack(app, { envName, config: environment, configFile });
  }
  app.synth();
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  console.error(error.message);
  process.exit(1);
}
