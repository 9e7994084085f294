import { describe, expect, it } from "vitest";
import { policyAccess, widenings } from "../../commands/lib/policy-access";

const allow = (statement: Record<string, unknown>) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", ...statement }],
  });

describe("policyAccess", () => {
  it("reads every kind of principal, an account id as its root, and leaves denials out", () => {
    const access = policyAccess({
      Statement: [
        { Effect: "Allow", Principal: { AWS: ["123456789012", "arn:aws:iam::210987654321:role/r"] } },
        {
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
        },
        { Effect: "Deny", Principal: "*" },
      ],
    });

    expect(access?.admissions).toEqual([
      { principal: "arn:aws:iam::123456789012:root", conditioned: false },
      { principal: "arn:aws:iam::210987654321:role/r", conditioned: false },
      { principal: "service:s3.amazonaws.com", conditioned: true },
    ]);
    expect([...access!.accounts].sort()).toEqual(["111122223333", "123456789012", "210987654321"]);
  });

  it("reads NotPrincipal in an Allow as everyone", () => {
    expect(
      policyAccess({ Statement: { Effect: "Allow", NotPrincipal: { AWS: "123456789012" } } })?.admissions,
    ).toEqual([{ principal: "*", conditioned: false }]);
  });

  it("takes the account of aws:PrincipalArn and an organization of aws:PrincipalOrgID", () => {
    const access = policyAccess(
      allow({
        Principal: "*",
        Condition: {
          ArnLike: { "aws:PrincipalArn": "arn:aws:iam::999988887777:role/forwarder-*" },
          StringEquals: { "aws:PrincipalOrgID": "o-abc123" },
        },
      }),
    );
    expect([...access!.accounts].sort()).toEqual(["999988887777", "o-abc123"]);
  });

  it("cannot read what is not a policy document", () => {
    expect([policyAccess("{"), policyAccess("[]")]).toEqual([undefined, undefined]);
  });
});

describe("widenings", () => {
  it("finds nothing when the same principals get in under the same conditions", () => {
    const policy = allow({ Principal: { Service: "s3.amazonaws.com" }, Condition: { Bool: { x: "y" } } });
    expect(widenings(policy, policy)).toEqual([]);
  });

  it("finds an organization added to a condition", () => {
    const before = allow({
      Principal: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
    });
    const after = allow({
      Principal: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-abc123", "o-other999"] } },
    });
    expect(widenings(before, after)).toEqual(["names new accounts `o-other999`"]);
  });

  it("says when a document cannot be read", () => {
    expect(widenings("{", allow({ Principal: "*" }))).toEqual([
      "the policy cannot be read from the plan, so it cannot be checked: read it yourself",
    ]);
  });
});
