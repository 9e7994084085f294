/**
 * Construct props that cannot work. Constructs collect every problem with their props first and
 * throw once, so a caller fixes them all in one pass.
 */
export class PropsError extends Error {
  /** Every problem, each starting with the prop's path, e.g. `props.memoryMb: must be …`. */
  public readonly problems: readonly string[];

  constructor(construct: string, problems: readonly string[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(
      [`Invalid ${construct} props (${count}):`, ...problems.map((problem) => `  - ${problem}`)].join("\n"),
    );
    this.name = "PropsError";
    this.problems = problems;
  }
}

/** Throws a {@link PropsError} when `problems` is not empty. */
export function throwIfInvalid(construct: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new PropsError(construct, problems);
}

/**
 * Checks that `value` is a whole number in [min, max] and, if not, adds
 * `props.<name>: must be a whole number from <min> to <max> <unit>, got <value>` to `problems`.
 */
export function checkWholeNumber(
  problems: string[],
  name: string,
  value: number,
  min: number,
  max: number,
  unit = "",
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = unit === "" ? `${min} to ${max}` : `${min} to ${max} ${unit}`;
    problems.push(`props.${name}: must be a whole number from ${range}, got ${value}`);
  }
}

/** A key prefix: non-empty, ends with `/`, no leading `/`, no `*` (it is used in IAM resource ARNs). */
export function checkKeyPrefix(problems: string[], name: string, value: string): void {
  if (!/^[^/*][^*]*\/$/.test(value)) {
    problems.push(
      `props.${name}: must be a non-empty key prefix ending in "/" without "*" or a leading "/", got ${JSON.stringify(value)}`,
    );
  }
}
