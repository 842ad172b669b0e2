// The memory chart: live bytes (solid) and the backend's heap (dashed) over time, one series per
// run, coloured by backend, so runs of one script on several backends can be compared. Drawn
// as SVG; samples come from app.js while a script runs (at its awaits and calls into JS).
const NS = "http://www.w3.org/2000/svg";
const COLORS = { talc: "#1f77b4", dlmalloc: "#e67e00", buddy: "#2ca02c", bump: "#d62728", slab: "#9467bd" };
const WIDTH = 600;
const HEIGHT = 200;
const KEEP = 6;

export class MemoryChart {
  constructor(svg) {
    this.svg = svg;
    this.series = [];
    svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  }

  /** A new series for a run on `backend` (the oldest goes when there are more than KEEP). */
  start(backend, label) {
    const series = { backend, label, t0: performance.now(), points: [] };
    this.series.push(series);
    if (this.series.length > KEEP) this.series.shift();
    return series;
  }

  /** Adds a sample of `memoryStats()` to `series` and redraws. */
  add(series, stats) {
    series.points.push({ t: performance.now() - series.t0, live: stats.liveBytes, heap: stats.heapBytes });
    this.draw();
  }

  draw() {
    const points = this.series.flatMap((s) => s.points);
    const maxT = Math.max(1, ...points.map((p) => p.t));
    const maxBytes = Math.max(1, ...points.map((p) => Math.max(p.live, p.heap)));
    const x = (t) => (t / maxT) * (WIDTH - 10) + 5;
    const y = (bytes) => HEIGHT - 20 - (bytes / maxBytes) * (HEIGHT - 30);
    const children = [];
    for (const [i, s] of this.series.entries()) {
      for (const [key, dash] of [["live", ""], ["heap", "4 3"]]) {
        const line = document.createElementNS(NS, "polyline");
        line.setAttribute("points", s.points.map((p) => `${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" "));
        line.setAttribute("fill", "none");
        line.setAttribute("stroke", COLORS[s.backend] ?? "#555");
        line.setAttribute("stroke-dasharray", dash);
        line.dataset.backend = s.backend;
        line.dataset.kind = key;
        children.push(line);
      }
      const legend = document.createElementNS(NS, "text");
      legend.setAttribute("x", 5 + (i % 2) * 300);
      legend.setAttribute("y", 12 + Math.floor(i / 2) * 14);
      legend.setAttribute("fill", COLORS[s.backend] ?? "#555");
      legend.setAttribute("font-size", "11");
      const peak = Math.max(0, ...s.points.map((p) => p.live));
      legend.textContent = `${s.backend}: ${s.label}, peak ${(peak / 1024).toFixed(0)} KiB`;
      children.push(legend);
    }
    const axis = document.createElementNS(NS, "text");
    axis.setAttribute("x", WIDTH - 5);
    axis.setAttribute("y", HEIGHT - 5);
    axis.setAttribute("text-anchor", "end");
    axis.setAttribute("font-size", "11");
    axis.textContent = `${(maxT / 1000).toFixed(2)} s, top ${(maxBytes / 1024).toFixed(0)} KiB (solid: live, dashed: heap)`;
    children.push(axis);
    this.svg.replaceChildren(...children);
  }
}
