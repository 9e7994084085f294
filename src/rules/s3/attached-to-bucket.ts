import { type Element, elementsOfType, isExpression } from "../terraform-elements";

/**
 * The resources of `type` (e.g. `aws_s3_bucket_policy`) whose `bucket` argument names `bucket`: a
 * reference to its `id` or `bucket` attribute, or the same literal bucket name.
 */
export function attachedToBucket(bucket: Element, type: string): Element[] {
  const name = bucket.config.bucket;
  return elementsOfType(bucket.construct, type).filter((candidate) => {
    const value = candidate.config.bucket;
    if (typeof value !== "string") return false;
    if (typeof name === "string" && !isExpression(name) && value === name) return true;
    return new RegExp(`^\\$\\{${bucket.address.replace(/\./g, "\\.")}\\.(id|bucket)\\}$`).test(value);
  });
}
