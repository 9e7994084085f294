/**
 * Facts of AWS WAF logging straight to S3 that the configuration, the constructs and the replay all
 * rely on. Source: https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html
 */
import { bucketNameProblem } from "../functions/waf-log-processor/environment";

/** The prefix every bucket WAF logs to must have ("Bucket names for AWS WAF logging must start with `aws-waf-logs-`"). */
export const WAF_LOG_BUCKET_PREFIX = "aws-waf-logs-";

/** The key prefix WAF writes under: `AWSLogs/<account>/WAFLogs/<region>/<web ACL>/YYYY/MM/dd/HH/mm/`. */
export const WAF_S3_KEY_PREFIX = "AWSLogs/";

/** The suffix of WAF's log files (`<account>_waflogs_<region>_<web ACL>_<YYYYMMddTHHmmZ>_<hash>.log.gz`). */
export const WAF_S3_OBJECT_SUFFIX = ".log.gz";

/** Largest file Cortex recommends: 50 MB compressed, in bytes (design notes, docs/choosing-a-source.md). */
export const CORTEX_RECOMMENDED_MAX_OBJECT_BYTES = 50 * 1024 * 1024;

/** Largest log file WAF writes: "The maximum file size for a log file is 75 MB", in bytes. */
export const WAF_MAX_LOG_FILE_BYTES = 75 * 1024 * 1024;

/** Minutes between WAF's log files of one web ACL ("published to the Amazon S3 bucket at 5-minute intervals"). */
export const WAF_S3_PUBLISH_INTERVAL_MINUTES = 5;

/** What a bucket WAF logs to must be called, for messages. */
export const LANDING_BUCKET_RULES = `must be a valid S3 bucket name that starts with "${WAF_LOG_BUCKET_PREFIX}" (AWS WAF logs only to such buckets)`;

/**
 * What is wrong with `name` as the bucket WAF logs to, or `undefined`: the `aws-waf-logs-` prefix WAF
 * requires and the S3 naming rules.
 *
 * @returns a phrase starting with "must", without the value
 */
export function landingBucketNameProblem(name: string): string | undefined {
  if (!name.startsWith(WAF_LOG_BUCKET_PREFIX)) {
    return `must start with "${WAF_LOG_BUCKET_PREFIX}" (AWS WAF logs only to buckets named so: https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html)`;
  }
  const problem = bucketNameProblem(name);
  return problem === undefined ? undefined : `must be a valid S3 bucket name: ${problem}`;
}

/** Where one WAF log file goes: the web ACL, the time and the random part of the name. */
export interface WafS3LogFile {
  /** Account of the web ACL (12 digits). */
  readonly accountId: string;
  /** Region of the web ACL (`us-east-1` for CloudFront). */
  readonly region: string;
  /** Name of the web ACL. */
  readonly webAclName: string;
  /** Start of the file's interval, ms since epoch (UTC); WAF's timestamps have minute precision. */
  readonly time: number;
  /** The random suffix WAF adds, e.g. `e0ca43b5`. */
  readonly hash: string;
}

/**
 * The object key WAF gives a log file:
 * `AWSLogs/<account>/WAFLogs/<region>/<web ACL>/YYYY/MM/dd/HH/mm/<account>_waflogs_<region>_<web ACL>_<YYYYMMddTHHmmZ>_<hash>.log.gz`,
 * e.g. `AWSLogs/11111111111/WAFLogs/us-east-1/TEST-WEBACL/2021/10/28/19/50/11111111111_waflogs_us-east-1_TEST-WEBACL_20211028T1950Z_e0ca43b5.log.gz`
 * (the example of https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html), in UTC.
 */
export function wafS3LogObjectKey(file: WafS3LogFile): string {
  const date = new Date(file.time);
  const two = (value: number) => String(value).padStart(2, "0");
  const [year, month, day, hour, minute] = [
    String(date.getUTCFullYear()),
    two(date.getUTCMonth() + 1),
    two(date.getUTCDate()),
    two(date.getUTCHours()),
    two(date.getUTCMinutes()),
  ];
  const folder = `${WAF_S3_KEY_PREFIX}${file.accountId}/WAFLogs/${file.region}/${file.webAclName}/${year}/${month}/${day}/${hour}/${minute}`;
  const name = `${file.accountId}_waflogs_${file.region}_${file.webAclName}_${year}${month}${day}T${hour}${minute}Z_${file.hash}${WAF_S3_OBJECT_SUFFIX}`;
  return `${folder}/${name}`;
}
