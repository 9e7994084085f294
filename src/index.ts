/**
 * waf-log-pipeline as a construct library for cdktf apps (`import … from "waf-log-pipeline"`): the
 * constructs, their props schemas, the security checks pack and its suppressions. See the README,
 * "Use as a library". The processor bundle ships in the package and is found relative to it.
 */
export { AlarmTopic, type AlarmTopicProps, alarmTopicPropsSchema } from "./constructs/alarm-topic";
export {
  archiveAlarmNames,
  archiveResourceNames,
  forwarderAlarmNames,
  forwarderResourceNames,
  pipelineResourceNames,
  s3SourceAlarmNames,
  s3SourceResourceNames,
} from "./constructs/names";
export { type Issue, ValidationError } from "./constructs/validation";
export {
  type ArchiveDestination,
  type S3SourceGrant,
  CORTEX_ACCOUNT_ID,
  CORTEX_FEDRAMP_ACCOUNT_ID,
  type ResolvedWafLogArchiveProps,
  WafLogArchive,
  type WafLogArchiveProps,
  archiveDestinationSchema,
  wafLogArchivePropsSchema,
} from "./constructs/waf-log-archive";
export {
  PROCESSOR_BUNDLE_PATH,
  type ResolvedWafLogForwarderProps,
  WafLogForwarder,
  type WafLogForwarderProps,
  wafLogForwarderPropsSchema,
} from "./constructs/waf-log-forwarder";
export {
  WafLogPipeline,
  type WafLogPipelineProps,
  wafLogPipelinePropsSchema,
} from "./constructs/waf-log-pipeline";
export { WafLogging, type WafLoggingProps, wafLoggingPropsSchema } from "./constructs/waf-logging";
export {
  type ResolvedWafS3LogSourceProps,
  WafS3LogSource,
  type WafS3LogSourceProps,
  wafS3LogSourcePropsSchema,
} from "./constructs/waf-s3-log-source";
export {
  type Finding,
  SecurityRule,
  type Suppression,
  WafLogPipelineChecks,
  type WafLogPipelineChecksOptions,
  addSuppressions,
} from "./rules";
