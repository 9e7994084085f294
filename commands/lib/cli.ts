/**
 * Command-line plumbing of every operator command (`commands/*.ts`): argument parsing with
 * `node:util` `parseArgs` whose errors are usage errors, line output, and the "run when started
 * directly" check that lets tests import a script's `main` without running it.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ValidationError } from "../../src/constructs/validation";

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

/** What {@link startCommand} needs: the command's name and usage, its parser and how it loads the configuration. */
export interface CommandStart<C extends { readonly help: boolean }, Config> {
  /** The command's name, the prefix of its error lines, e.g. `"redrive"`. */
  readonly name: string;
  /** The usage text printed for `--help` and after a usage error. */
  readonly usage: string;
  /** Parses the arguments; throws {@link UsageError}. */
  readonly parse: (argv: readonly string[]) => C;
  /** Loads the configuration file for the parsed command; throws `ValidationError`. */
  readonly loadConfig: (command: C) => Config;
}

/**
 * The start every operator command that reads the configuration file shares: parse `argv`, print the
 * usage for `--help`, load the configuration. A {@link UsageError} is printed with the usage, a
 * `ValidationError` (a missing or invalid configuration file) as it is, each behind `<name>: `.
 *
 * @returns the parsed command and configuration, or the exit code to end with: 0 after `--help`, 2
 *   after a usage or configuration error
 * @throws anything else `parse` or `loadConfig` throws
 */
export function startCommand<C extends { readonly help: boolean }, Config>(
  argv: readonly string[],
  out: CommandOutput,
  start: CommandStart<C, Config>,
): { readonly command: C; readonly config: Config } | number {
  try {
    const command = start.parse(argv);
    if (command.help) {
      out.stdout(start.usage);
      return 0;
    }
    return { command, config: start.loadConfig(command) };
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`${start.name}: ${error.message}\n\n${start.usage}`);
      return 2;
    }
    if (error instanceof ValidationError) {
      out.stderr(`${start.name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
