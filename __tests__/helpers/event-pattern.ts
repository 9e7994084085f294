/**
 * Whether an EventBridge event matches an event pattern, for the subset of the pattern language the
 * stacks use: arrays of exact values, `{"prefix": …}` and `{"numeric": [op, value, …]}`, nested objects.
 * Semantics as https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
 * eb-create-pattern-operators.html describe them: every field of the pattern must match (AND), any value
 * of a field's array may match (OR), a field missing from the event does not match.
 *
 * @throws Error for a pattern construct outside that subset (so a test cannot pass by ignoring it)
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((alternative) => matchesValue(alternative, event));
  if (typeof pattern !== "object" || pattern === null)
    throw new Error(`unsupported pattern ${JSON.stringify(pattern)}`);
  if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
  return Object.entries(pattern).every(([field, inner]) =>
    field in event ? matchesEventPattern(inner, (event as Record<string, unknown>)[field]) : false,
  );
}

function matchesValue(alternative: unknown, value: unknown): boolean {
  if (typeof alternative === "string" || typeof alternative === "number" || alternative === null) {
    return alternative === value;
  }
  if (typeof alternative === "object" && "prefix" in alternative) {
    return typeof value === "string" && value.startsWith(String(alternative.prefix));
  }
  if (typeof alternative === "object" && "numeric" in alternative && Array.isArray(alternative.numeric)) {
    if (typeof value !== "number") return false;
    const terms = alternative.numeric as unknown[];
    for (let index = 0; index < terms.length; index += 2) {
      const [op, bound] = [terms[index], terms[index + 1] as number];
      const ok =
        op === ">"
          ? value > bound
          : op === ">="
            ? value >= bound
            : op === "<"
              ? value < bound
              : op === "<="
                ? value <= bound
                : op === "="
                  ? value === bound
                  : undefined;
      if (ok === undefined) throw new Error(`unsupported numeric operator ${String(op)}`);
      if (!ok) return false;
    }
    return true;
  }
  throw new Error(`unsupported pattern value ${JSON.stringify(alternative)}`);
}
