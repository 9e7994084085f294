/**
 * Command-line plumbing of every operator command (`commands/*.ts`): argument parsing with
 * `node:util` `parseArgs` whose errors are usage errors, line output, and the "run when started
 * directly" check that lets tests import a script's `main` without running it.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A problem with the command line (exit code 2 in every command). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * `parseArgs(config)` (https://nodejs.org/docs/latest-v20.x/api/util.html#utilparseargsconfig).
 *
 * @throws UsageError with `parseArgs`' message for an unknown option, a missing option value, a
 *   positional argument where none are allowed, or an option of the wrong type.
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Where a command writes: one line per call, without the trailing newline. */
export interface CommandOutput {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The process's standard output and standard error, one line per call. */
export const PROCESS_OUTPUT: CommandOutput = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/**
 * True when the module whose `import.meta.url` is `moduleUrl` is the script node was started with
 * (`tsx commands/replay.ts ...`), false when it was imported (by a test).
 */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && moduleUrl === pathToFileURL(resolve(script)).href;
}
