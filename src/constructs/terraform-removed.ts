import { TerraformElement } from "cdktf";
import type { Construct } from "constructs";

/** What {@link TerraformRemoved} needs. */
export interface TerraformRemovedProps {
  /** The Terraform address to forget, e.g. `aws_lambda_permission.aws-waf-logs-a_Permission_85C45F34`. */
  readonly from: string;
}

/**
 * A Terraform `removed` block with `lifecycle { destroy = false }` (Terraform ≥ 1.7): when the address
 * is in state, Terraform forgets the object (plan action `forget`) and leaves it in AWS; when it is
 * not, the block does nothing. cdktf 0.21 has no construct for it, so this element writes the block
 * into the stack's top-level `removed` list (cdktf merges the lists of every element).
 * Source: https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources
 */
export class TerraformRemoved extends TerraformElement {
  public readonly from: string;

  constructor(scope: Construct, id: string, props: TerraformRemovedProps) {
    super(scope, id);
    this.from = props.from;
  }

  /** @internal The `removed` block, as cdktf merges it into the stack's JSON. */
  override toTerraform(): Record<string, unknown> {
    return { removed: [{ from: this.from, lifecycle: { destroy: false } }] };
  }

  /** @internal The same for cdktf's HCL output. */
  override toHclTerraform(): Record<string, unknown> {
    return this.toTerraform();
  }
}
