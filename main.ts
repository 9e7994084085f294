/**
 * The cdktf app: one `WafLogPipelineStack` per one-account environment of the configuration file, and
 * for each estate environment an archive stack and one stack per source (`src/estate-stacks.ts`). Run
 * with `npm run synth` (builds the processor bundle, then `cdktf synth`).
 */
import { App } from "cdktf";
import { CONFIG_PATH_VARIABLE, DEFAULT_CONFIG_PATH, loadConfig } from "./src/config";
import { ValidationError } from "./src/constructs/validation";
import { estateStacks } from "./src/estate-stacks";
import { WafLogPipelineStack } from "./src/waf-log-pipeline-stack";

try {
  const configFile = process.env[CONFIG_PATH_VARIABLE] || DEFAULT_CONFIG_PATH;
  const config = loadConfig(configFile);
  // No stack traces in annotations: a suppression's info annotation would otherwise write absolute
  // paths of this machine into cdktf.out/manifest.json (synth output must be the same everywhere).
  const app = new App({ stackTraces: false });
  for (const [envName, environment] of Object.entries(config.environments)) {
    new WafLogPipelineStack(app, { envName, config: environment, configFile });
  }
  for (const [envName, estate] of Object.entries(config.estates)) {
    estateStacks(app, { envName, estate, configFile });
  }
  app.synth();
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  console.error(error.message);
  process.exit(1);
}
