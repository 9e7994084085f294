/**
 * The message of a command that was given an environment name it cannot work on, shared by the
 * commands that read one-account environments only (`cost`, `redrive`, `backfill`).
 */
import type { PipelineConfig } from "../../src/config";

/**
 * Why `env` is not an environment `command` can use: an estate environment (archive and sources,
 * docs/estate.md) is named as such, anything else as unknown, with the one-account environments
 * listed (sorted).
 *
 * @param command the command's name, the message's prefix, e.g. `"cost"`
 * @param env the `--env` value given
 * @param config the parsed configuration file
 * @returns one line for stderr, e.g. `cost: "estate" is an estate environment (…)`
 */
export function unusableEnvironmentMessage(command: string, env: string, config: PipelineConfig): string {
  const known = Object.keys(config.environments).sort().join(", ");
  if (Object.hasOwn(config.estates, env)) {
    return (
      `${command}: ${JSON.stringify(env)} is an estate environment (archive and sources); ` +
      `npm run ${command} works on one-account environments only (${known}), see docs/estate.md`
    );
  }
  return `${command}: unknown environment ${JSON.stringify(env)}; known environments: ${known}`;
}
