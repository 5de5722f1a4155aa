/** The benchmark's results: rows of figures with their targets, printed as a table and saved as JSON. */
import { pairedRatios, summarize, type Summary } from "./stats";

export interface Target {
  /** e.g. "<= 1.02", "< 300 ms" */
  text: string;
  /**
   * Compare this figure of the row against the limit: the on/off ratio, the ratio against a
   * browser without the extension, or the value itself.
   */
  on: "ratio" | "ratioPlain" | "value";
  /** The figure must stay below the limit (max) or reach it (min). */
  kind?: "max" | "min";
  /** The least that is acceptable. */
  limit: number;
  /** Where we want to be (a tighter limit); met when reached, "met the least" between the two. */
  goal?: number;
  /** Strict "<" rather than "<=". */
  strict?: boolean;
}

export interface Row {
  id: string;
  section: string;
  label: string;
  unit: string;
  /** Capture on (or the only measurement, for rows without a baseline). */
  value: Summary;
  /** Capture off, same browser, same page. */
  off?: Summary;
  /** A browser without the extension. */
  plain?: Summary;
  /** Paired on/off ratios over the repetitions. */
  ratio?: Summary;
  ratioPlain?: Summary;
  /**
   * met: the median is within the limit (goal: within the goal too); noise: it is not, but the
   * limit lies inside the ratio's p25–p75.
   */
  target?: Target & { met: boolean; goalMet?: boolean; noise?: boolean; by?: string };
  note?: string;
  /** Raw repetitions, for the JSON. */
  raw?: { on: number[]; off?: number[]; plain?: number[] };
}

export function single(id: string, section: string, label: string, unit: string, values: number[] | number, extra: Partial<Row> = {}): Row {
  const xs = typeof values === "number" ? [values] : values;
  return { id, section, label, unit, value: summarize(xs), raw: { on: xs }, ...extra };
}

/** A with/without row from paired repetitions (index i of each list ran in the same round). */
export function compared(id: string, section: string, label: string, unit: string, runs: { on: number[]; off: number[]; plain?: number[] }, extra: Partial<Row> = {}): Row {
  return {
    id, section, label, unit,
    value: summarize(runs.on),
    off: summarize(runs.off),
    ...(runs.plain ? { plain: summarize(runs.plain), ratioPlain: summarize(pairedRatios(runs.on, runs.plain)) } : {}),
    ratio: summarize(pairedRatios(runs.on, runs.off)),
    raw: runs,
    ...extra,
  };
}

/** Judge a row against its target (on its median). */
export function judge(row: Row, target: Target): Row {
  const spread = target.on === "ratio" ? row.ratio : target.on === "ratioPlain" ? row.ratioPlain : undefined;
  const figure = target.on === "value" ? row.value.median : spread?.median;
  if (figure === undefined || !Number.isFinite(figure)) return { ...row, target: { ...target, met: false, by: "not measured" } };
  const within = (limit: number) => (target.kind === "min" ? figure >= limit : target.strict ? figure < limit : figure <= limit);
  const limit = target.limit;
  const met = within(limit);
  const goalMet = target.goal !== undefined ? within(target.goal) : undefined;
  // A ratio whose interquartile range straddles the limit is not a measured miss.
  const noise = !met && target.kind !== "min" && spread !== undefined && spread.n >= 3 && spread.p25 <= limit && spread.p75 >= limit;
  let by: string | undefined;
  if (!met) {
    by = target.kind === "min" ? `${fmt((figure / limit) * 100, 0)}% of it`
      : target.on !== "value" ? `+${((figure - limit) * 100).toFixed(1)} pts` : `${fmt(figure / limit, 1)}x the limit`;
  }
  return { ...row, target: { ...target, met, ...(goalMet !== undefined ? { goalMet } : {}), ...(noise ? { noise } : {}), ...(by ? { by } : {}) } };
}

/** "on/none <= 1.02 / 1.08": a ratio against no extension, with its goal and its least. */
export function againstNone(goal: number, least: number): Target {
  return { text: `on/none <= ${goal} / ${least}`, on: "ratioPlain", goal, limit: least };
}

function verdict(t: NonNullable<Row["target"]>): string {
  if (t.met) return t.goalMet === false ? "met (least, not goal)" : t.goal !== undefined ? "met goal" : "met";
  return t.noise ? `within noise (${t.by})` : `MISSED${t.by ? ` (${t.by})` : ""}`;
}

export function fmt(x: number | undefined, digits?: number): string {
  if (x === undefined || !Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  const d = digits ?? (a >= 1000 ? 0 : a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
  return x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

function cell(s: Summary | undefined, spread = true): string {
  if (!s || s.n === 0) return "";
  if (!spread || s.n < 3) return fmt(s.median);
  return `${fmt(s.median)} [${fmt(s.p25)}–${fmt(s.p75)}]`;
}

function ratioCell(s: Summary | undefined): string {
  if (!s || s.n === 0) return "";
  return s.n < 3 ? fmt(s.median, 3) : `${fmt(s.median, 3)} [${fmt(s.p25, 3)}–${fmt(s.p75, 3)}]`;
}

/** The table as plain aligned text (also valid Markdown when `markdown`). */
export function table(rows: readonly Row[], markdown = false): string {
  const head = ["Figure", "Unit", "With capture", "Capture off", "No extension", "On/off ratio", "On/none", "Target", "Verdict"];
  const body = rows.map((r) => [
    `${r.section}: ${r.label}`,
    r.unit,
    cell(r.value),
    cell(r.off),
    cell(r.plain),
    ratioCell(r.ratio),
    r.ratioPlain && r.ratioPlain.n ? fmt(r.ratioPlain.median, 3) : "",
    r.target?.text ?? "",
    r.target ? verdict(r.target) : "",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => markdown
    ? `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`
    : cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const sep = markdown ? `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|` : widths.map((w) => "-".repeat(w)).join("  ");
  return [line(head), sep, ...body.map(line)].join("\n");
}
