// Registers cdktf's Terraform matchers (shipped for Jest) with vitest's expect.
// Assertion keys are the snake_case Terraform names, e.g. { force_destroy: false }.
import { expect } from "vitest";
import {
  getToHaveDataSourceWithProperties,
  getToHaveProviderWithProperties,
  getToHaveResourceWithProperties,
  returnMatcherToJest,
} from "cdktf/lib/testing/matchers";

type Construct = { tfResourceType: string };

/** Partial deep match, as cdktf's Jest adapter does it: some item contains the asserted properties. */
function containsMatch(items: unknown[], asserted: Record<string, unknown>): boolean {
  if (Object.keys(asserted).length === 0) return items.length > 0;
  return expect.arrayContaining([expect.objectContaining(asserted)]).asymmetricMatch(items);
}

const resource = getToHaveResourceWithProperties(containsMatch);
const dataSource = getToHaveDataSourceWithProperties(containsMatch);
const provider = getToHaveProviderWithProperties(containsMatch);

expect.extend({
  toHaveResource: (received: string, type: Construct) => returnMatcherToJest(resource(received, type, {})),
  toHaveResourceWithProperties: (received: string, type: Construct, props: Record<string, unknown>) =>
    returnMatcherToJest(resource(received, type, props)),
  toHaveDataSource: (received: string, type: Construct) =>
    returnMatcherToJest(dataSource(received, type, {})),
  toHaveDataSourceWithProperties: (received: string, type: Construct, props: Record<string, unknown>) =>
    returnMatcherToJest(dataSource(received, type, props)),
  toHaveProvider: (received: string, type: Construct) => returnMatcherToJest(provider(received, type, {})),
  toHaveProviderWithProperties: (received: string, type: Construct, props: Record<string, unknown>) =>
    returnMatcherToJest(provider(received, type, props)),
});

interface TerraformMatchers<R = unknown> {
  toHaveResource(type: Construct): R;
  toHaveResourceWithProperties(type: Construct, props: Record<string, unknown>): R;
  toHaveDataSource(type: Construct): R;
  toHaveDataSourceWithProperties(type: Construct, props: Record<string, unknown>): R;
  toHaveProvider(type: Construct): R;
  toHaveProviderWithProperties(type: Construct, props: Record<string, unknown>): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends TerraformMatchers<T> {}
}
