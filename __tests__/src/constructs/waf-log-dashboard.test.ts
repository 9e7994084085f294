import { describe, expect, it } from "vitest";
import {
  DASHBOARD_COLUMNS,
  DASHBOARD_MAX_METRICS,
  DASHBOARD_MAX_WIDGETS,
  MAX_ALARMS_PER_WIDGET,
  alarmWidgets,
  dashboardBody,
  dashboardUrl,
  graph,
  metric,
  type DashboardSection,
} from "../../../src/constructs/waf-log-dashboard";

interface Placed {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const widgetsOf = (body: string) => (JSON.parse(body) as { widgets: Placed[] }).widgets;

/** Sections of `count` graphs of 8 columns, each with `metricsEach` metrics. */
function sections(count: number, metricsEach = 1): DashboardSection[] {
  return [
    {
      title: "graphs",
      widgets: Array.from({ length: count }, (_, i) =>
        graph(
          `g${i}`,
          "eu-west-1",
          Array.from({ length: metricsEach }, (_, m) =>
            metric("AWS/Lambda", "Errors", { FunctionName: `f${m}` }),
          ),
        ),
      ),
    },
  ];
}

describe("dashboardBody", () => {
  it("lays the widgets out in rows of 24 columns without overlaps, under their headings", () => {
    const widgets = widgetsOf(
      dashboardBody("Title", [
        ...sections(4),
        { title: "alarms", widgets: alarmWidgets("Alarms", "eu-west-1", "111122223333", ["a", "b"]) },
      ]),
    );

    expect(widgets.map((w) => [w.type, w.x, w.y, w.width])).toEqual([
      ["text", 0, 0, DASHBOARD_COLUMNS],
      ["text", 0, 1, DASHBOARD_COLUMNS],
      ["metric", 0, 2, 8],
      ["metric", 8, 2, 8],
      ["metric", 16, 2, 8],
      ["metric", 0, 8, 8],
      ["text", 0, 14, DASHBOARD_COLUMNS],
      ["alarm", 0, 15, DASHBOARD_COLUMNS],
    ]);
    for (const a of widgets) {
      expect(a.x + a.width).toBeLessThanOrEqual(DASHBOARD_COLUMNS);
      for (const b of widgets) {
        if (a === b) continue;
        const overlap =
          a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap).toBe(false);
      }
    }
  });

  it("is the same JSON for the same sections", () => {
    expect(dashboardBody("T", sections(3))).toBe(dashboardBody("T", sections(3)));
  });

  it("fails at synth, naming the dashboard and the quota, above 500 widgets", () => {
    // 1 title + 1 section heading + 498 graphs = 500: accepted; one more is not.
    expect(widgetsOf(dashboardBody("T", sections(DASHBOARD_MAX_WIDGETS - 2)))).toHaveLength(
      DASHBOARD_MAX_WIDGETS,
    );
    expect(() => dashboardBody("Big", sections(DASHBOARD_MAX_WIDGETS - 1))).toThrow(
      'the CloudWatch dashboard "Big" would have 501 widgets (at most 500): CloudWatch would reject it at apply',
    );
  });

  it("fails above 500 metrics in one widget and above 2,500 metrics in all", () => {
    expect(() => dashboardBody("T", sections(1, 501))).toThrow(
      '501 metrics in the widget "g0" (at most 500)',
    );
    expect(() => dashboardBody("T", sections(6, 500))).toThrow(
      `3000 metrics (at most ${DASHBOARD_MAX_METRICS})`,
    );
    expect(() => dashboardBody("T", sections(5, 500))).not.toThrow();
  });
});

describe("alarmWidgets", () => {
  it("shows every alarm by ARN, at most 100 per widget", () => {
    const names = Array.from({ length: MAX_ALARMS_PER_WIDGET + 1 }, (_, i) => `alarm-${i}`);
    const widgets = alarmWidgets("Alarms", "us-gov-west-1", "111122223333", names);

    expect(widgets.map((w) => (w.properties.alarms as string[]).length)).toEqual([100, 1]);
    expect(widgets.map((w) => w.properties.title)).toEqual(["Alarms (1)", "Alarms (2)"]);
    expect((widgets[1]!.properties.alarms as string[])[0]).toBe(
      "arn:aws-us-gov:cloudwatch:us-gov-west-1:111122223333:alarm:alarm-100",
    );
  });
});

describe("dashboardUrl", () => {
  it("links to the console of the region's partition", () => {
    expect(dashboardUrl("eu-west-1", "waf-log-pipeline-prod")).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/waf-log-pipeline-prod",
    );
    expect(dashboardUrl("us-gov-west-1", "d")).toBe(
      "https://us-gov-west-1.console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#dashboards/dashboard/d",
    );
    expect(dashboardUrl("cn-north-1", "d")).toBe(
      "https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#dashboards/dashboard/d",
    );
  });
});
