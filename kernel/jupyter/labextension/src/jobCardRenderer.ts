/**
 * Sluice's job card (kernel/src/jobs/jobCard.ts) as a live JupyterLab renderer. The kernel sends the
 * card as `application/vnd.sluice.jobcard+json` beside its static text/html; JupyterLab reuses a
 * renderer when a display is updated with the same preferred mime type, so this one draws the card
 * once and then patches the figures into the drawn graph — the SVG stays, and with it a reader's
 * scroll position and an open drill-down. A click on an operator opens the drill-down: a small chart
 * of its records in/out per second over the updates seen, and its subtasks one by one.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";

export const JOB_CARD_MIME = "application/vnd.sluice.jobcard+json";

interface Subtask {
  subtask: number;
  recordsIn: number;
  recordsOut: number;
  watermark: number;
  backlog: number;
  backPressured: boolean;
  busy: boolean;
  finished: boolean;
}

interface Operator {
  id: number;
  name: string;
  details: string[];
  fill: string | null;
  title: string;
  rateIn: number;
  rateOut: number;
  subtasks: Subtask[];
}

export interface JobCardData {
  statusHtml: string;
  actionsHtml: string;
  sectionsHtml: string;
  at: number;
  operators: Operator[];
}

/** Rates kept per operator for its chart: a few minutes at the card's update rate. */
const HISTORY = 240;

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const n = (x: number): string => Math.round(x).toLocaleString("en-US");

/** A tiny line chart of two series (records in/s, out/s), as an SVG string. */
export function rateChart(points: { in: number; out: number }[], width = 320, height = 80): string {
  const max = Math.max(1, ...points.flatMap((p) => [p.in, p.out]));
  const x = (i: number) => (points.length <= 1 ? width : (i / (points.length - 1)) * width);
  const y = (v: number) => height - (v / max) * (height - 4) - 2;
  const line = (key: "in" | "out", colour: string) =>
    `<polyline class="rate-${key}" fill="none" stroke="${colour}" stroke-width="1.5" points="${points.map((p, i) => `${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ")}"/>`;
  return `<svg class="sluice-rate-chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="#fafafa" stroke="#ddd"/>${line("in", "#1565c0")}${line("out", "#2e7d32")}</svg>`;
}

export class JobCardRenderer extends Widget implements IRenderMime.IRenderer {
  private drawn: string | undefined;
  private readonly history = new Map<number, { in: number; out: number }[]>();
  private selected: number | undefined;
  private last: JobCardData | undefined;

  constructor() {
    super();
    this.addClass("sluice-job-card-renderer");
    this.node.addEventListener("click", (event) => {
      const target = event.target as Element | null;
      if (target?.closest("button")) return; // the card's action buttons (jobCard.ts) handle their own clicks
      const box = target?.closest("g.operator");
      if (!box) return;
      const id = Number(box.getAttribute("data-operator"));
      this.selected = this.selected === id ? undefined : id;
      this.drawDrillDown();
    });
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[JOB_CARD_MIME] as unknown as JobCardData;
    for (const o of data.operators) {
      const h = this.history.get(o.id) ?? [];
      h.push({ in: o.rateIn, out: o.rateOut });
      if (h.length > HISTORY) h.shift();
      this.history.set(o.id, h);
    }
    this.last = data;
    const shape = data.operators.map((o) => `${o.id}:${o.name}`).join("|");
    if (this.drawn !== shape || !this.patch(data)) {
      // The whole card is the bundle's text/html (sent once, not again inside this data).
      this.node.innerHTML = `${String(model.data["text/html"] ?? "")}<div class="sluice-job-drilldown"></div>`;
      this.drawn = shape;
    }
    this.drawDrillDown();
  }

  /** Puts new figures into the drawn card; false when its parts are not where they were. */
  private patch(data: JobCardData): boolean {
    const card = this.node.querySelector(".sluice-job-card");
    const status = card?.querySelector(".sluice-job-status");
    const sections = card?.querySelector(".sluice-job-sections");
    if (!card || !status || !sections) return false;
    status.outerHTML = data.statusHtml;
    const actions = card.querySelector(".sluice-job-actions");
    if (actions && !data.actionsHtml) actions.remove();
    sections.innerHTML = data.sectionsHtml;
    for (const o of data.operators) {
      const box = card.querySelector(`g.operator[data-operator="${o.id}"]`);
      if (!box) return false;
      const rect = box.querySelector("rect");
      if (rect) {
        if (!rect.hasAttribute("data-base-fill")) rect.setAttribute("data-base-fill", rect.getAttribute("fill") ?? "");
        rect.setAttribute("fill", o.fill ?? rect.getAttribute("data-base-fill") ?? "");
      }
      const title = box.querySelector("title");
      if (title) title.textContent = o.title;
      // The box's texts: name, "[id] parallelism p", then one per detail line.
      const texts = box.querySelectorAll("text");
      o.details.forEach((d, i) => {
        const t = texts[i + 2];
        if (t) t.textContent = d;
      });
    }
    return true;
  }

  private drawDrillDown(): void {
    const panel = this.node.querySelector(".sluice-job-drilldown");
    if (!panel) return;
    const o = this.last?.operators.find((x) => x.id === this.selected);
    if (!o) {
      panel.innerHTML = "";
      return;
    }
    const rows = o.subtasks
      .map(
        (s) =>
          `<tr><td>#${s.subtask}</td><td>${n(s.recordsIn)}</td><td>${n(s.recordsOut)}</td><td>${n(s.backlog)}</td><td>${s.finished ? "finished" : s.backPressured ? "back-pressured" : s.busy ? "busy" : "running"}</td></tr>`,
      )
      .join("");
    panel.innerHTML =
      `<div style="margin:6px 0;padding:6px;border:1px solid #ddd;border-radius:6px"><b>${esc(o.name)}</b> [${o.id}] · ` +
      `<span style="color:#1565c0">in ${n(o.rateIn)}/s</span> · <span style="color:#2e7d32">out ${n(o.rateOut)}/s</span>` +
      `<div>${rateChart(this.history.get(o.id) ?? [])}</div>` +
      `<table class="sluice-subtasks"><tr><th>subtask</th><th>in</th><th>out</th><th>backlog</th><th>state</th></tr>${rows}</table></div>`;
  }
}

export const rendererFactory: IRenderMime.IRendererFactory = {
  // Not safe: it writes the kernel's HTML into the page, which an untrusted notebook must not get to do.
  safe: false,
  mimeTypes: [JOB_CARD_MIME],
  createRenderer: () => new JobCardRenderer(),
};

/** Ranked before text/html (50) so JupyterLab picks it; nbviewer, VS Code and reports take the HTML. */
const extension: IRenderMime.IExtension = {
  id: "sluice-jupyter:job-card-renderer",
  rendererFactory,
  rank: 40,
  dataType: "json",
};

export default extension;
