import { describe, expect, it } from "vitest";
import { unusableEnvironmentMessage } from "../../commands/lib/environment-lookup";
import { parseConfig } from "../../src/config";
import { estateInput } from "../helpers/estate";

const config = parseConfig(
  {
    environments: {
      prod: { accountId: "111122223333", region: "eu-west-1", wafLogGroupNames: ["aws-waf-logs-shop"] },
      dev: { accountId: "111122223333", region: "eu-west-1", wafLogGroupNames: ["aws-waf-logs-dev"] },
      estate: estateInput(),
    },
  },
  "test.json",
);

describe("unusableEnvironmentMessage", () => {
  it("says an estate environment is one, instead of calling it unknown", () => {
    expect(unusableEnvironmentMessage("cost", "estate", config)).toBe(
      'cost: "estate" is an estate environment (archive and sources); npm run cost works on one-account environments only (dev, prod), see docs/estate.md',
    );
  });

  it("lists the one-account environments, sorted, for a name that is not in the file", () => {
    expect(unusableEnvironmentMessage("redrive", "staging", config)).toBe(
      'redrive: unknown environment "staging"; known environments: dev, prod',
    );
  });

  it("does not take an inherited property name for an estate", () => {
    expect(unusableEnvironmentMessage("backfill", "constructor", config)).toBe(
      'backfill: unknown environment "constructor"; known environments: dev, prod',
    );
  });
});
