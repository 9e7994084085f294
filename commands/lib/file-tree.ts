/** Listing a directory tree, for comparing synth outputs and replay downloads. */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Every file under `dir` (recursively; directories themselves are not listed), as paths relative
 * to `dir` with `/` separators, sorted.
 *
 * @throws Error (ENOENT) when `dir` does not exist
 */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}
