import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";
import { partitionOf } from "../iam-policy";

/**
 * One CloudWatch dashboard widget without its position (the dashboard lays widgets out), as the
 * dashboard body structure defines it
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 */
export interface DashboardWidget {
  readonly type: "metric" | "alarm" | "text";
  /** Grid columns, 1–24. */
  readonly width: number;
  /** Grid rows. */
  readonly height: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Widgets under one heading. */
export interface DashboardSection {
  readonly title: string;
  readonly widgets: readonly DashboardWidget[];
}

/** Columns of the dashboard grid. */
export const DASHBOARD_COLUMNS = 24;

/** Most alarms one alarm widget shows. */
export const MAX_ALARMS_PER_WIDGET = 100;

/**
 * CloudWatch's dashboard quotas: at most 500 widgets per dashboard, 500 metrics per widget and 2,500
 * metrics per dashboard (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html,
 * "Dashboards"). `PutDashboard` rejects a larger body at apply; {@link dashboardBody} checks at synth.
 */
export const DASHBOARD_MAX_WIDGETS = 500;
/** See {@link DASHBOARD_MAX_WIDGETS}. */
export const DASHBOARD_MAX_METRICS_PER_WIDGET = 500;
/** See {@link DASHBOARD_MAX_WIDGETS}. */
export const DASHBOARD_MAX_METRICS = 2500;

/** What {@link WafLogDashboard} needs. */
export interface WafLogDashboardProps {
  /** Name of the dashboard (1–255 of `[A-Za-z0-9_-]`). */
  readonly dashboardName: string;
  /** Region of the metrics (and of the console link). */
  readonly region: string;
  /** Heading at the top. */
  readonly title: string;
  readonly sections: readonly DashboardSection[];
}

/** One metric of a graph: `[namespace, name, dimension name, value, …, options]`. */
export function metric(
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  options: Readonly<Record<string, unknown>> = {},
): unknown[] {
  return [
    namespace,
    metricName,
    ...Object.entries(dimensions).flatMap(([name, value]) => [name, value]),
    ...(Object.keys(options).length === 0 ? [] : [options]),
  ];
}

/** A time series graph of `metrics` summed (or `stat`) per `periodSeconds`. */
export function graph(
  title: string,
  region: string,
  metrics: readonly unknown[][],
  options: { stat?: string; periodSeconds?: number; width?: number; height?: number } = {},
): DashboardWidget {
  return {
    type: "metric",
    width: options.width ?? 8,
    height: options.height ?? 6,
    properties: {
      title,
      region,
      view: "timeSeries",
      stacked: false,
      stat: options.stat ?? "Sum",
      period: options.periodSeconds ?? 300,
      metrics,
    },
  };
}

/** Alarm widgets showing the state of every alarm named (in `region`, `accountId`), at most 100 each. */
export function alarmWidgets(
  title: string,
  region: string,
  accountId: string,
  alarmNames: readonly string[],
): DashboardWidget[] {
  const arns = alarmNames.map(
    (name) => `arn:${partitionOf(region)}:cloudwatch:${region}:${accountId}:alarm:${name}`,
  );
  const widgets: DashboardWidget[] = [];
  for (let start = 0; start < arns.length; start += MAX_ALARMS_PER_WIDGET) {
    const part = arns.slice(start, start + MAX_ALARMS_PER_WIDGET);
    widgets.push({
      type: "alarm",
      width: DASHBOARD_COLUMNS,
      height: 2 + Math.ceil(part.length / 4),
      properties: {
        title:
          arns.length > MAX_ALARMS_PER_WIDGET ? `${title} (${start / MAX_ALARMS_PER_WIDGET + 1})` : title,
        alarms: part,
        sortBy: "stateUpdatedTimestamp",
        states: [],
      },
    });
  }
  return widgets;
}

/**
 * The console address of a CloudWatch dashboard in `region`, in the console of the region's partition.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/share_dashboards.html
 */
export function dashboardUrl(region: string, dashboardName: string): string {
  const partition = partitionOf(region);
  const host =
    partition === "aws-cn"
      ? "console.amazonaws.cn"
      : partition === "aws-us-gov"
        ? "console.amazonaws-us-gov.com"
        : "console.aws.amazon.com";
  return `https://${region}.${host}/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(dashboardName)}`;
}

/**
 * The dashboard body: a text heading, then each section's heading and widgets, laid out left to right
 * in rows of {@link DASHBOARD_COLUMNS} columns. Deterministic: the same sections give the same JSON.
 *
 * @throws Error naming the dashboard, the count and the quota when the body would pass one of
 *   CloudWatch's dashboard quotas ({@link DASHBOARD_MAX_WIDGETS} widgets,
 *   {@link DASHBOARD_MAX_METRICS_PER_WIDGET} metrics in a widget, {@link DASHBOARD_MAX_METRICS} metrics)
 */
export function dashboardBody(title: string, sections: readonly DashboardSection[]): string {
  const metricsOf = (widget: DashboardWidget) => {
    const metrics = widget.properties.metrics;
    return Array.isArray(metrics) ? metrics.length : 0;
  };
  const all = sections.flatMap((section) => section.widgets);
  const widgetCount = all.length + 1 + sections.length; // and the text headings
  const problems: string[] = [];
  if (widgetCount > DASHBOARD_MAX_WIDGETS) {
    problems.push(`${widgetCount} widgets (at most ${DASHBOARD_MAX_WIDGETS})`);
  }
  for (const widget of all) {
    if (metricsOf(widget) > DASHBOARD_MAX_METRICS_PER_WIDGET) {
      problems.push(
        `${metricsOf(widget)} metrics in the widget ${JSON.stringify(widget.properties.title)} (at most ${DASHBOARD_MAX_METRICS_PER_WIDGET})`,
      );
    }
  }
  const metricCount = all.reduce((sum, widget) => sum + metricsOf(widget), 0);
  if (metricCount > DASHBOARD_MAX_METRICS) {
    problems.push(`${metricCount} metrics (at most ${DASHBOARD_MAX_METRICS})`);
  }
  if (problems.length > 0) {
    throw new Error(
      `the CloudWatch dashboard "${title}" would have ${problems.join(", ")}: CloudWatch would reject it at apply (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html)`,
    );
  }
  const widgets: Record<string, unknown>[] = [];
  let y = 0;
  const heading = (markdown: string, height: number) => {
    widgets.push({ type: "text", x: 0, y, width: DASHBOARD_COLUMNS, height, properties: { markdown } });
    y += height;
  };
  heading(`# ${title}`, 1);
  for (const section of sections) {
    heading(`## ${section.title}`, 1);
    let x = 0;
    let rowHeight = 0;
    for (const widget of section.widgets) {
      if (x + widget.width > DASHBOARD_COLUMNS) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      widgets.push({
        type: widget.type,
        x,
        y,
        width: widget.width,
        height: widget.height,
        properties: widget.properties,
      });
      x += widget.width;
      rowHeight = Math.max(rowHeight, widget.height);
    }
    y += rowHeight;
  }
  return JSON.stringify({ widgets });
}

/**
 * A CloudWatch dashboard (`aws_cloudwatch_dashboard`) of the path at a glance, from sections the
 * archive and the forwarder contribute (their `dashboardWidgets`). The body is plain JSON built at
 * synth, the same on every run; {@link url} is its console address.
 */
export class WafLogDashboard extends Construct {
  public readonly dashboard: CloudwatchDashboard;
  /** Console address of the dashboard. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: WafLogDashboardProps) {
    super(scope, id);
    this.dashboard = new CloudwatchDashboard(this, "Dashboard", {
      dashboardName: props.dashboardName,
      dashboardBody: dashboardBody(props.title, props.sections),
    });
    this.url = dashboardUrl(props.region, props.dashboardName);
  }
}
