// Progress lines in the manner of the Pulumi CLI's non-interactive display.
import type { Operation, StepOp, StepRecord } from "./types";
import { massageSecrets } from "./secrets";
import { UNKNOWN, isSecret } from "./values";

const SYMBOL: Record<StepOp, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", refresh: "~", import: "=", read: ">" };
const PAST: Record<StepOp, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  same: "unchanged",
  refresh: "refreshed",
  import: "imported",
  read: "read",
};
const DOING: Record<StepOp, string> = {
  create: "creating",
  update: "updating",
  replace: "replacing",
  delete: "deleting",
  same: "same",
  refresh: "refreshing",
  import: "importing",
  read: "reading",
};
const HEADER: Record<Operation, string> = { preview: "Previewing update", up: "Updating", refresh: "Refreshing", destroy: "Destroying" };

export function headerLine(op: Operation, stack: string): string {
  return `${HEADER[op]} (${stack}):`;
}

export function stepLines(step: StepRecord, dryRun: boolean): string[] {
  const label = step.error ? `**${DOING[step.op]} failed**` : dryRun ? step.op : PAST[step.op];
  let detail = "";
  if (step.replaces?.length) detail += ` [replace: ${step.replaces.join(", ")}]`;
  if (step.diffs?.length) detail += ` [diff: ${fieldList(step)}]`;
  if (step.drift?.length) detail += ` [drift: ~${step.drift.join(", ~")}]`;
  if (step.deleted) detail += " [gone: removed from the state]";
  const lines = [` ${SYMBOL[step.op].padEnd(2)} ${step.type} ${step.name} ${label}${detail}`];
  if (step.error) lines.push(`    error: ${step.error}`);
  return lines;
}

/** The changed keys as the CLI lists them: `+` added, `-` deleted, `~` updated (from the detailed diff when there is one). */
function fieldList(step: StepRecord): string {
  const kinds = Object.entries(step.detailedDiff ?? {});
  return (step.diffs ?? [])
    .map((key) => {
      const own = kinds.filter(([path]) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`)).map(([, kind]) => kind);
      const whole = own.length === 1 && kinds.some(([path]) => path === key);
      const sign = whole && own[0]?.startsWith("ADD") ? "+" : whole && own[0]?.startsWith("DELETE") ? "-" : "~";
      return `${sign}${key}`;
    })
    .join(", ");
}

/** Summary counters: one per step kind, plus "failed". */
export function summarize(steps: StepRecord[]): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const s of steps) {
    const key = s.error ? "failed" : s.op;
    summary[key] = (summary[key] ?? 0) + 1;
  }
  return summary;
}

function outputValue(v: unknown): string {
  if (isSecret(v)) return "[secret]";
  // A secret inside an object or array is hidden too (display.MassageSecrets); unknown in preview: shown as Pulumi shows it.
  return JSON.stringify(massageSecrets(v, false)).replaceAll(`"${UNKNOWN}"`, "output<unknown>");
}

export function footerLines(op: Operation, summary: Record<string, number>, outputs: Record<string, unknown>, ms: number): string[] {
  const lines: string[] = [""];
  const keys = Object.keys(outputs);
  if (keys.length && op !== "destroy") {
    lines.push("Outputs:");
    for (const k of keys.sort()) lines.push(`    ${k}: ${outputValue(outputs[k])}`);
    lines.push("");
  }
  lines.push("Resources:");
  const dry = op === "preview";
  for (const k of ["create", "update", "replace", "delete", "import", "read", "refresh"] as const) {
    const n = summary[k];
    if (n) lines.push(`    ${SYMBOL[k]} ${n} ${dry ? `to ${k}` : PAST[k]}`);
  }
  if (summary.same) lines.push(`    ${summary.same} unchanged`);
  if (summary.failed) lines.push(`    ${summary.failed} failed`);
  lines.push("", `Duration: ${(ms / 1000).toFixed(1)}s`);
  return lines;
}
