/**
 * `npm run bench`: the performance figures of the client, task waiting and applies at scale, in
 * one run against the simulator on loopback. Absolute times on shared machines are noise: the
 * ratios measured side by side in the same run are the result. Not part of the tests.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { parseBenchArgs } from "./args";
import { benchApply } from "./apply";
import { benchClients } from "./clients";
import { Report } from "./report";
import { benchTasks } from "./tasks";

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const date = new Date().toISOString().slice(0, 10);
  const report = new Report([
    `## Benchmark figures, ${date}`,
    "",
    `Command: \`${command}\` — Node ${process.version}, ${cpus().length} cores (shared), simulator on loopback.`,
  ]);
  const log = (line: string): void => console.log(line);
  const started = performance.now();
  const sections: [number[], string, () => Promise<void>][] = [
    [[1, 2], "client overhead and peers", () => benchClients(args, report, log)],
    [[3], "task waiting", () => benchTasks(args, report, log)],
    [[4, 5], "apply and preview at scale", () => benchApply(args, report, log)],
  ];
  for (const [numbers, what, run] of sections) {
    if (!numbers.some((n) => args.sections.has(n))) continue;
    const before = report.sections.length;
    log(`== ${what}`);
    await run();
    for (const s of report.sections.slice(before)) log(`\n${Report.render(s)}`);
  }
  const text = `${report.toMarkdown()}\nWhole run: ${((performance.now() - started) / 1000).toFixed(0)} s.\n`;
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, text);
  log(`written to ${args.out}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
