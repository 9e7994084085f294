/** Finding and reading recorded CloudWatch Logs subscription events on disk. */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "./cli";

/** The scripts' usage error, which these functions throw (see `./cli`). */
export { UsageError };

/**
 * Expands command-line paths into event files: a file stands for itself; a directory stands for
 * the `*.json` files directly in it (symbolic links to files included), sorted by name (UTF-16 code unit order, the same on every
 * machine). Paths keep the spelling given, so messages name files as the user wrote them.
 *
 * @throws UsageError `<path>: no such file or directory` for a missing path, or
 *   `<dir>: no *.json files in this directory` for a directory without event files.
 */
export async function listEventFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`${path}: no such file or directory`);
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.name.endsWith(".json")) continue;
      // A symbolic link counts when it leads to a file.
      const isFile = entry.isSymbolicLink()
        ? ((await stat(join(path, entry.name)).catch(() => undefined))?.isFile() ?? false)
        : entry.isFile();
      if (isFile) names.push(entry.name);
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (names.length === 0) throw new UsageError(`${path}: no *.json files in this directory`);
    files.push(...names.map((name) => join(path, name)));
  }
  return files;
}

/**
 * Reads one event file: a JSON document, as Lambda would pass it to the handler (for a
 * subscription, `{"awslogs":{"data":"<base64 gzip>"}}`). The handler validates its shape.
 *
 * @throws Error `not valid JSON: <parser message>` when the file does not parse, or the
 *   file system's error when it cannot be read.
 */
export async function readEventFile(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
