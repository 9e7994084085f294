import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { z } from "zod";
import { partitionOf, policyDocument } from "../iam-policy";
import { accountIdSchema, allowed, checkedString, parseWith, regionSchema } from "./validation";
import { KMS_KEY_ARN_RULES, kmsKeyArnProblem } from "./kms-key-arn";

const EMAIL_RULES = "must be an e-mail address like secops@example.com";

/** E-mail addresses, distinct regardless of case. */
export const emailListSchema = z
  .array(z.email({ error: allowed(EMAIL_RULES) }), {
    error: allowed('must be a list of e-mail addresses, like ["secops@example.com"]'),
  })
  .superRefine((addresses, ctx) => {
    const seen = addresses.map((a) => a.toLowerCase());
    seen.forEach((address, index) => {
      const first = seen.indexOf(address);
      if (first !== index) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `must be distinct: ${JSON.stringify(addresses[index])} is already listed at index ${first}`,
        });
      }
    });
  });

/** Props of {@link AlarmTopic}: the schema is the one definition of their rules and defaults. */
export const alarmTopicPropsSchema = z.strictObject({
  /** Name of the SNS topic (1–256 letters, digits, - and _). */
  topicName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, { error: allowed("must be 1–256 letters, digits, - and _") }),
  /** Display name of the topic (the sender name of the e-mails). @default the topic name */
  displayName: z
    .string()
    .max(100, { error: allowed("must be at most 100 characters") })
    .optional(),
  /** Account of the alarms and the topic: the only `aws:SourceAccount` that may publish. */
  accountId: accountIdSchema,
  /** Region of the alarms and the topic, for the alarm ARNs allowed to publish. */
  region: regionSchema,
  /** Only alarms whose name starts with this may publish (`aws:SourceArn` `…:alarm:<prefix>*`). */
  alarmNamePrefix: z.string().min(1, { error: allowed("must not be empty") }),
  /** E-mail addresses subscribed to the topic; each must confirm its subscription. */
  email: emailListSchema.min(1, { error: "must list at least one address" }),
  /** ARN of a customer-managed KMS key that encrypts the topic; its key policy must let CloudWatch use it. @default undefined (unencrypted) */
  kmsKeyArn: checkedString(kmsKeyArnProblem, KMS_KEY_ARN_RULES).optional(),
});

/** What {@link AlarmTopic} accepts (defaults optional). */
export type AlarmTopicProps = z.input<typeof alarmTopicPropsSchema>;

/**
 * The SNS topic that CloudWatch alarms notify, with one e-mail subscription per address. Its policy
 * lets only `cloudwatch.amazonaws.com` publish, for this account's alarms whose names start with
 * `alarmNamePrefix` (`aws:SourceAccount`, `aws:SourceArn`). Pass it as `alarmTopic` to
 * {@link WafLogArchive} and {@link WafLogForwarder}; their alarms then wait for the policy, because
 * CloudWatch checks that it may publish when an alarm is created.
 *
 * @throws ValidationError listing every invalid prop
 */
export class AlarmTopic extends Construct {
  public readonly topic: SnsTopic;
  public readonly policy: SnsTopicPolicy;
  /** One e-mail subscription per address, in the given order. */
  public readonly subscriptions: readonly SnsTopicSubscription[];

  constructor(scope: Construct, id: string, input: AlarmTopicProps) {
    super(scope, id);
    const props = parseWith(alarmTopicPropsSchema, input, "AlarmTopic props");

    this.topic = new SnsTopic(this, "Topic", {
      name: props.topicName,
      displayName: props.displayName ?? props.topicName,
      ...(props.kmsKeyArn === undefined ? {} : { kmsMasterKeyId: props.kmsKeyArn }),
    });
    this.policy = new SnsTopicPolicy(this, "TopicPolicy", {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          Sid: "CloudWatchPublishesAlarms",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: "sns:Publish",
          Resource: this.topic.arn,
          Condition: {
            StringEquals: { "aws:SourceAccount": props.accountId },
            ArnLike: {
              "aws:SourceArn": `arn:${partitionOf(props.region)}:cloudwatch:${props.region}:${props.accountId}:alarm:${props.alarmNamePrefix}*`,
            },
          },
        },
      ]),
    });
    // The address is the id, so removing one address leaves the other subscriptions alone.
    this.subscriptions = props.email.map(
      (address) =>
        new SnsTopicSubscription(this, `Email-${address.toLowerCase()}`, {
          topicArn: this.topic.arn,
          protocol: "email",
          endpoint: address,
        }),
    );
  }
}
