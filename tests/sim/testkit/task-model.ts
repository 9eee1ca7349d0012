/**
 * A model for tests only: `POST /nodes/{node}/apt/update` starts an `aptupdate` task whose
 * behaviour the test chooses (log lines with pauses, warnings, failure), and
 * `POST /nodes/{node}/apt/repositories` is a slow synchronous call that records completion.
 */
import type { SimModel } from "../types";

/** What the test task does. */
export interface TestTaskPlan {
  lines: string[];
  /** Pause between lines (ms), so the log grows while the task runs. */
  pauseMs: number;
  warnings?: number;
  fail?: string;
  /** Wait before the first line (ms), so the task runs for a while with an empty log. */
  holdMs?: number;
}

/** Builds the test model; `plan` is read at each start; `slow.done` counts finished slow calls. */
export function testTaskModel(plan: { current: TestTaskPlan }, slow: { ms: number; done: number }): SimModel {
  return {
    name: "test-tasks",
    install(register, ctx) {
      register("POST", "/nodes/{node}/apt/update", (req) => {
        const p = plan.current;
        return ctx.startTask({
          node: String(req.params["node"]),
          type: "aptupdate",
          auth: req.auth,
          work: async (log) => {
            if (p.holdMs) await new Promise((resolve) => setTimeout(resolve, p.holdMs));
            for (const line of p.lines) {
              log(line);
              await new Promise((resolve) => setTimeout(resolve, p.pauseMs));
            }
            if (p.fail) throw new Error(p.fail);
            return { warnings: p.warnings ?? 0 };
          },
        });
      });
      register("POST", "/nodes/{node}/apt/repositories", async () => {
        await new Promise((resolve) => setTimeout(resolve, slow.ms));
        slow.done++;
        return null;
      });
    },
  };
}
