import { type Element, elementsOfType } from "../terraform-elements";

/**
 * The resources of `type` (e.g. `aws_sqs_queue_policy`) whose `queue_url` argument is a reference to
 * `queue` (its `id` or `url`; the id of an `aws_sqs_queue` is its URL).
 */
export function attachedToQueue(queue: Element, type: string): Element[] {
  const reference = new RegExp(`^\\$\\{${queue.address.replace(/\./g, "\\.")}\\.(id|url)\\}$`);
  return elementsOfType(queue.construct, type).filter(
    (candidate) =>
      typeof candidate.config.queue_url === "string" && reference.test(candidate.config.queue_url),
  );
}
