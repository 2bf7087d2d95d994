import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The dashboard's static files from the project, no CDN (uPlot from node_modules, our chart script),
 * read once and kept; a URL's meaning never changes within a version, so browsers cache it a day.
 */
const require = createRequire(import.meta.url);

export interface Asset {
  body: string;
  contentType: string;
}

const DASHBOARD_JS = `"use strict";
(function () {
  var holder = document.getElementById("signups-chart");
  var data = document.getElementById("signups-data");
  var axisData = document.getElementById("signups-axis");
  if (!holder || !data || !axisData || typeof uPlot === "undefined") return;
  var days = JSON.parse(data.textContent || "[]");
  if (days.length === 0) { holder.textContent = "No signups in this range yet."; return; }
  // The scale and the ticks come from the server (src/admin/chart-axis.ts), one set for a wide
  // card and one for a phone's; uPlot's own guess spans years around a single day.
  var axes = JSON.parse(axisData.textContent || "{}");
  function width() { return Math.max(280, holder.clientWidth); }
  var axis = width() < 520 ? axes.narrow : axes.wide;
  var xs = days.map(function (d) { return Date.parse(d.date + "T00:00:00Z") / 1000; });
  var ys = days.map(function (d) { return d.count; });
  var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined;
  var chart = new uPlot({
    width: width(), height: 240, tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true, range: function () { return [axis.min, axis.max]; } },
      y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } }
    },
    axes: [
      { stroke: "#52606d", grid: { stroke: "#eef2f7" }, splits: function () { return axis.ticks; }, values: function () { return axis.labels; } },
      // Whole signups only: no 0.5 of a person on the count axis.
      { stroke: "#52606d", grid: { stroke: "#eef2f7" }, size: 50, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000] }
    ],
    series: [
      { value: "{YYYY}-{MM}-{DD}" },
      { label: "Signups", stroke: "#0b6e4f", fill: "rgba(11,110,79,0.35)", width: 1, paths: bars, points: { show: false } }
    ]
  }, [xs, ys], holder);
  window.addEventListener("resize", function () {
    axis = width() < 520 ? axes.narrow : axes.wide;
    chart.setSize({ width: width(), height: 240 });
    holder.setAttribute("data-ticks", axis.labels.join("|"));
  });
  holder.setAttribute("data-ready", "true");
  holder.setAttribute("data-ticks", axis.labels.join("|"));
})();
`;

let cache: Map<string, Asset> | undefined;

async function load(): Promise<Map<string, Asset>> {
  const uplotDir = dirname(require.resolve("uplot/dist/uPlot.iife.min.js"));
  const [js, css] = await Promise.all([
    readFile(join(uplotDir, "uPlot.iife.min.js"), "utf8"),
    readFile(join(uplotDir, "uPlot.min.css"), "utf8"),
  ]);
  return new Map([
    ["uplot.iife.min.js", { body: js, contentType: "text/javascript; charset=utf-8" }],
    ["uplot.min.css", { body: css, contentType: "text/css; charset=utf-8" }],
    ["dashboard.js", { body: DASHBOARD_JS, contentType: "text/javascript; charset=utf-8" }],
  ]);
}

export async function adminAsset(name: string): Promise<Asset | undefined> {
  cache ??= await load();
  return cache.get(name);
}
