/**
 * Deterministic generator of realistic AWS WAF log records, as WAF writes them to a CloudWatch Logs
 * log group, for `bench` and the integration tests. Field layout follows the AWS WAF developer guide:
 * https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html and
 * https://docs.aws.amazon.com/waf/latest/developerguide/logging-examples.html
 *
 * The same options always give the same log events, byte for byte (seeded PRNG, no clock).
 */
import type { CloudWatchLogsLogEvent } from "aws-lambda";

/** A seeded pseudo-random generator (mulberry32): `next()` returns a float in [0, 1). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError("pick: empty list");
    return item;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = "";
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}

/** Terminating actions a WAF record's top-level `action` takes. COUNT appears in rule lists only. */
export const TERMINATING_ACTIONS = ["ALLOW", "BLOCK", "CAPTCHA", "CHALLENGE"] as const;

/** Every action that appears anywhere in generated records. */
export const ALL_ACTIONS = [...TERMINATING_ACTIONS, "COUNT"] as const;

const ACCOUNT = "111122223333";
const WEB_ACLS = [
  `arn:aws:wafv2:us-east-1:${ACCOUNT}:regional/webacl/shop-prod/7d1f9a2e-5b3c-4e8f-9a01-23456789abcd`,
  `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/cdn-prod/0f4e2a1b-6c7d-4e8f-9a0b-1c2d3e4f5a6b`,
  `arn:aws:wafv2:eu-west-1:${ACCOUNT}:regional/webacl/api-prod/3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d`,
] as const;
const SOURCES = [
  { name: "ALB", id: `${ACCOUNT}-app/shop-alb/0123456789abcdef` },
  { name: "CF", id: "E1A2B3C4D5E6F7" },
  { name: "APIGW", id: `${ACCOUNT}:a1b2c3d4e5:prod` },
  { name: "APPSYNC", id: `arn:aws:appsync:eu-west-1:${ACCOUNT}:apis/abcdefghijklmnopqrstuvwxyz` },
] as const;
const COUNTRIES = ["US", "DE", "FR", "NL", "GB", "BR", "IN", "JP", "CN", "RU", "KR", "ZA", "AU", "PL", "VN"];
const HOSTS = ["shop.example.com", "api.example.com", "www.example.org", "static.example.net"];
const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "curl/8.5.0",
  "python-requests/2.32.3",
  "sqlmap/1.8.11#stable (https://sqlmap.org)",
  "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)",
  "Go-http-client/1.1",
  "Googlebot/2.1 (+http://www.google.com/bot.html)",
];
const ACCEPT_LANGUAGES = [
  "en-US,en;q=0.9",
  "de-DE,de;q=0.9,en;q=0.8",
  "fr-FR,fr;q=0.9",
  "ja-JP,ja;q=0.9",
  "zh-CN,zh;q=0.9",
  "ru-RU,ru;q=0.9",
];
/** Header and argument text outside ASCII: accents, CJK, Cyrillic, RTL, emoji (astral plane). */
const NON_ASCII = [
  "été à Zürich",
  "Ünïcödé-Tëst",
  "東京都渋谷区",
  "Москва",
  "مرحبا",
  "💳🛒",
  "naïve café",
  "검색어",
];
const PATHS = [
  "/",
  "/cart",
  "/cart/checkout",
  "/search",
  "/api/v1/orders",
  "/login",
  "/graphql",
  "/static/app.js",
  "/wp-login.php",
  "/.env",
  "/admin",
];
const METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"];
const HTTP_VERSIONS = ["HTTP/1.1", "HTTP/2.0", "HTTP/3.0"];
const MANAGED_GROUPS = [
  {
    id: "AWS#AWSManagedRulesCommonRuleSet",
    rules: [
      "CrossSiteScripting_QUERYARGUMENTS",
      "SizeRestrictions_BODY",
      "NoUserAgent_HEADER",
      "GenericLFI_URIPATH",
    ],
    label: "awswaf:managed:aws:core-rule-set:",
    condition: "XSS",
  },
  {
    id: "AWS#AWSManagedRulesSQLiRuleSet",
    rules: ["SQLi_QUERYARGUMENTS", "SQLi_BODY", "SQLiExtendedPatterns_QUERYARGUMENTS"],
    label: "awswaf:managed:aws:sql-database:",
    condition: "SQL_INJECTION",
  },
  {
    id: "AWS#AWSManagedRulesKnownBadInputsRuleSet",
    rules: ["Log4JRCE_HEADER", "JavaDeserializationRCE_BODY", "Host_localhost_HEADER"],
    label: "awswaf:managed:aws:known-bad-inputs:",
    condition: "REGEX",
  },
  {
    id: "AWS#AWSManagedRulesBotControlRuleSet",
    rules: ["CategoryHttpLibrary", "SignalNonBrowserUserAgent", "CategorySearchEngine"],
    label: "awswaf:managed:aws:bot-control:",
    condition: "LABEL_MATCH",
  },
  {
    id: "AWS#AWSManagedRulesAmazonIpReputationList",
    rules: ["AWSManagedIPReputationList", "AWSManagedReconnaissanceList"],
    label: "awswaf:managed:aws:amazon-ip-list:",
    condition: "IP",
  },
] as const;

/** Options of {@link generateWafLogEvents}. */
export interface GenerateOptions {
  /** Number of log events. */
  readonly count: number;
  /** PRNG seed; the same seed gives the same log events. @default 1 */
  readonly seed?: number;
  /** Timestamp of the first log event, ms since epoch. @default 1764460800000 (2025-11-30T00:00:00Z) */
  readonly startMs?: number;
  /** Share of log events that are not a WAF JSON record (plain text, truncated or multi-line JSON), 0..1. @default 0.02 */
  readonly nonJsonShare?: number;
}

/**
 * Generates `count` log events as CloudWatch Logs delivers them for a WAF log group: ids are
 * 56-digit strings, timestamps rise by 0–40 ms, each message is one WAF record serialized by
 * `JSON.stringify` (compact, as WAF writes it). A share of messages are what the processor must
 * wrap or re-serialize instead: plain text, a record cut short, a record spread over several lines.
 *
 * Records cover all terminating actions, COUNT in non-terminating rules and rule groups, regular,
 * rate-based and managed rule groups, labels, CAPTCHA/challenge responses, JA3/JA4 fingerprints,
 * 4–18 headers, and non-ASCII text in headers and arguments.
 *
 * @throws RangeError when `count` is not a non-negative integer or `nonJsonShare` is outside 0..1.
 */
export function generateWafLogEvents(options: GenerateOptions): CloudWatchLogsLogEvent[] {
  const { count, seed = 1, startMs = 1_764_460_800_000, nonJsonShare = 0.02 } = options;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count: expected an integer ≥ 0, got ${count}`);
  if (!(nonJsonShare >= 0 && nonJsonShare <= 1)) {
    throw new RangeError(`nonJsonShare: expected a number in 0..1, got ${nonJsonShare}`);
  }
  const random = new Random(seed);
  const events: CloudWatchLogsLogEvent[] = [];
  let timestamp = startMs;
  for (let seq = 0; seq < count; seq++) {
    timestamp += random.int(0, 40);
    const record = wafRecord(random, timestamp);
    let message = JSON.stringify(record);
    if (random.chance(nonJsonShare)) {
      const kind = random.int(0, 2);
      if (kind === 0)
        message = `${new Date(timestamp).toISOString()} WARN waf-agent ${random.pick(NON_ASCII)} connection reset by peer`;
      else if (kind === 1) message = message.slice(0, random.int(10, message.length - 1));
      else message = JSON.stringify(record, null, 2);
    }
    events.push({ id: logEventId(timestamp, seq), timestamp, message });
  }
  return events;
}

/** A 56-digit CloudWatch Logs event id: the timestamp followed by a zero-padded sequence number. */
function logEventId(timestamp: number, seq: number): string {
  return `${timestamp}${String(seq).padStart(43, "0")}`;
}

function clientIp(random: Random): string {
  // Documentation ranges (RFC 5737 and RFC 3849) only.
  if (random.chance(0.1)) return `2001:db8:${random.hex(4)}::${random.hex(4)}`;
  const net = random.pick(["192.0.2", "198.51.100", "203.0.113"]);
  return `${net}.${random.int(1, 254)}`;
}

function headers(random: Random, host: string, userAgent: string): { name: string; value: string }[] {
  const list = [
    { name: "Host", value: host },
    { name: "User-Agent", value: userAgent },
    {
      name: "Accept",
      value: random.pick([
        "*/*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "application/json",
      ]),
    },
    { name: "Accept-Language", value: random.pick(ACCEPT_LANGUAGES) },
  ];
  const optional = [
    { name: "Accept-Encoding", value: "gzip, deflate, br, zstd" },
    { name: "X-Forwarded-For", value: clientIp(random) },
    { name: "X-Forwarded-Proto", value: "https" },
    { name: "X-Forwarded-Port", value: "443" },
    { name: "X-Amzn-Trace-Id", value: `Root=1-${random.hex(8)}-${random.hex(24)}` },
    {
      name: "Referer",
      value: `https://${host}${random.pick(PATHS)}?q=${encodeURIComponent(random.pick(NON_ASCII))}`,
    },
    {
      name: "Cookie",
      value: `session=${random.hex(32)}; cart=${random.int(0, 9)}; lang=${random.pick(["de", "fr", "ja"])}`,
    },
    { name: "Authorization", value: `Bearer eyJ${random.hex(40)}` },
    {
      name: "Content-Type",
      value: random.pick(["application/json", "application/x-www-form-urlencoded; charset=UTF-8"]),
    },
    { name: "Origin", value: `https://${host}` },
    { name: "Sec-Fetch-Mode", value: random.pick(["navigate", "cors", "no-cors"]) },
    { name: "Sec-CH-UA", value: '"Chromium";v="131", "Not_A Brand";v="24"' },
    { name: "X-Customer-Name", value: random.pick(NON_ASCII) },
    { name: "X-Api-Key", value: random.hex(40) },
  ];
  const extra = random.int(0, optional.length);
  for (let i = 0; i < extra; i++) list.push(random.pick(optional));
  return list;
}

function matchDetails(random: Random, conditionType: string) {
  return [
    {
      conditionType,
      ...(conditionType === "SQL_INJECTION" ? { sensitivityLevel: random.pick(["LOW", "HIGH"]) } : {}),
      location: random.pick(["QUERY_STRING", "BODY", "HEADER", "URI"]),
      matchedData: random.pick([
        ["1", "OR", "1=1"],
        ["<script>", "alert(1)"],
        ["${jndi:ldap://", "example.com/a}"],
        ["UNION", "SELECT", "password"],
      ]),
    },
  ];
}

function wafRecord(random: Random, timestamp: number): Record<string, unknown> {
  const action = random.pick(TERMINATING_ACTIONS);
  const source = random.pick(SOURCES);
  const host = random.pick(HOSTS);
  const userAgent = random.pick(USER_AGENTS);
  const group = random.pick(MANAGED_GROUPS);
  const groupRule = random.pick(group.rules);
  const labels: { name: string }[] = [];
  let terminatingRuleId = "Default_Action";
  let terminatingRuleType = "REGULAR";
  let terminatingRuleMatchDetails: unknown[] = [];
  const ruleGroupList: unknown[] = [];
  const rateBasedRuleList: unknown[] = [];
  const nonTerminatingMatchingRules: unknown[] = [];

  const style =
    action === "ALLOW"
      ? random.pick(["default", "default", "counted"])
      : random.pick(["managed", "rate", "regular"]);
  if (style === "managed") {
    terminatingRuleId = group.id.split("#")[1] ?? group.id;
    terminatingRuleType = "MANAGED_RULE_GROUP";
    terminatingRuleMatchDetails = matchDetails(random, group.condition);
    ruleGroupList.push({
      ruleGroupId: group.id,
      terminatingRule: { ruleId: groupRule, action, ruleMatchDetails: null },
      nonTerminatingMatchingRules: random.chance(0.3)
        ? [{ ruleId: random.pick(group.rules), action: "COUNT", ruleMatchDetails: null }]
        : [],
      excludedRules: random.chance(0.2)
        ? [{ exclusionType: "EXCLUDED_AS_COUNT", ruleId: random.pick(group.rules) }]
        : null,
      customerConfig: null,
    });
    labels.push({ name: `${group.label}${groupRule}` });
  } else if (style === "rate") {
    terminatingRuleId = "RateLimitPerIp";
    terminatingRuleType = "RATE_BASED";
    const custom = random.chance(0.4);
    rateBasedRuleList.push({
      rateBasedRuleId: `arn:aws:wafv2:us-east-1:${ACCOUNT}:regional/ratebasedrule/RateLimitPerIp/${random.hex(8)}`,
      rateBasedRuleName: "RateLimitPerIp",
      limitKey: custom ? "CUSTOMKEYS" : "IP",
      maxRateAllowed: random.pick([100, 300, 2000]),
      evaluationWindowSec: random.pick(["60", "120", "300"]),
      ...(custom ? { customValues: [{ key: "HEADER", name: "x-api-key", value: random.hex(12) }] } : {}),
    });
    labels.push({ name: `awswaf:${ACCOUNT}:webacl:shop-prod:rule:RateLimitPerIp` });
  } else if (style === "regular") {
    terminatingRuleId = random.pick(["BlockBadCountries", "GeoFence", "AdminPathProtection", "LoginCaptcha"]);
    terminatingRuleMatchDetails = random.chance(0.5) ? matchDetails(random, "XSS") : [];
  } else if (style === "counted") {
    nonTerminatingMatchingRules.push({
      ruleId: "CountSuspiciousUserAgents",
      action: "COUNT",
      ruleMatchDetails: matchDetails(random, "REGEX"),
    });
    ruleGroupList.push({
      ruleGroupId: group.id,
      terminatingRule: null,
      nonTerminatingMatchingRules: [{ ruleId: groupRule, action: "COUNT", ruleMatchDetails: null }],
      excludedRules: null,
      customerConfig: null,
    });
    labels.push({ name: `${group.label}${groupRule}` });
  }
  if (random.chance(0.3)) labels.push({ name: `awswaf:clientip:geo:country:${random.pick(COUNTRIES)}` });

  const method = random.pick(METHODS);
  const record: Record<string, unknown> = {
    timestamp,
    formatVersion: 1,
    webaclId: random.pick(WEB_ACLS),
    terminatingRuleId,
    terminatingRuleType,
    action,
    terminatingRuleMatchDetails,
    httpSourceName: source.name,
    httpSourceId: source.id,
    ruleGroupList,
    rateBasedRuleList,
    nonTerminatingMatchingRules,
    requestHeadersInserted: null,
    responseCodeSent: action === "BLOCK" && random.chance(0.3) ? 403 : null,
    httpRequest: {
      clientIp: clientIp(random),
      country: random.pick(COUNTRIES),
      headers: headers(random, host, userAgent),
      uri: random.pick(PATHS),
      args: random.chance(0.5)
        ? `q=${encodeURIComponent(random.pick(NON_ASCII))}&page=${random.int(1, 20)}`
        : "",
      httpVersion: random.pick(HTTP_VERSIONS),
      httpMethod: method,
      requestId: `1-${Math.floor(timestamp / 1000).toString(16)}-${random.hex(24)}`,
      ...(source.name === "CF" ? { fragment: "", scheme: "https", host } : {}),
    },
  };
  if (labels.length > 0) record.labels = labels;
  if (action === "CAPTCHA") {
    record.captchaResponse = random.chance(0.5)
      ? { responseCode: 405, solveTimestamp: 0, failureReason: "TOKEN_MISSING" }
      : {
          responseCode: 405,
          solveTimestamp: Math.floor(timestamp / 1000) - 400,
          failureReason: "TOKEN_EXPIRED",
        };
  }
  if (action === "CHALLENGE") {
    record.challengeResponse = { responseCode: 202, solveTimestamp: 0, failureReason: "TOKEN_MISSING" };
  }
  if (method !== "GET" && method !== "HEAD") {
    record.requestBodySize = random.int(0, 65_536);
    record.requestBodySizeInspectedByWAF = Math.min(record.requestBodySize as number, 8192);
  }
  record.ja3Fingerprint = random.hex(32);
  if (random.chance(0.7))
    record.ja4Fingerprint = `t13d${random.int(10, 19)}${random.int(10, 19)}h2_${random.hex(12)}_${random.hex(12)}`;
  return record;
}
