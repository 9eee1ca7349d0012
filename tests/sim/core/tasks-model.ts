/**
 * The task API (`pve-manager/PVE/API2/Tasks.pm`, `Cluster.pm` tasks): list, status, log,
 * stop, with PVE's owner rules (a token sees its own tasks; a user also its tokens' tasks;
 * others need `Sys.Audit`, or `Sys.Modify` to stop).
 */
import type { SimAuth, SimContext, SimModel } from "../types";
import { SimError, SimResult } from "../types";
import { splitList } from "./formats";
import type { TaskManager, TaskRecord } from "./tasks";
import { decodeUpid } from "./tasks";

function paramError(field: string, msg: string): SimError {
  return new SimError(400, "Parameter verification failed.\n", { [field]: msg });
}

/** `$check_task_user`: is `auth` the task's owner? */
function ownsTask(auth: SimAuth, task: TaskRecord): boolean {
  if (auth.tokenid) return task.user === `${auth.userid}!${auth.tokenid}`;
  return task.user === auth.userid || task.user.startsWith(`${auth.userid}!`);
}

function canSee(ctx: SimContext, auth: SimAuth, task: TaskRecord, path: string, priv: string): boolean {
  if (ownsTask(auth, task)) return true;
  try {
    ctx.checkPermission(auth, path, priv);
    return true;
  } catch {
    return false;
  }
}

/** The user and tokenid fields the task APIs report. */
function userFields(task: TaskRecord): { user: string; tokenid?: string } {
  const bang = task.user.lastIndexOf("!");
  return bang > 0 ? { user: task.user.slice(0, bang), tokenid: task.user.slice(bang + 1) } : { user: task.user };
}

/** The decoded UPID fields every task API reports. */
function upidFields(t: TaskRecord): Record<string, unknown> {
  return { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, ...userFields(t) };
}

/** `upid_normalize_status_type`. */
function statusType(status: string | undefined): string {
  if (!status) return "unknown";
  if (status === "OK") return "ok";
  if (/^WARNINGS: \d+$/.test(status)) return "warning";
  return "error";
}

/** Builds the task API model over `tasks`. */
export function tasksModel(tasks: TaskManager): SimModel {
  return {
    name: "tasks",
    install(register, ctx) {
      /** Resolves `{upid}` for `node` with PVE's 400s, then the owner/privilege check. */
      const lookup = (node: string, upid: string, auth: SimAuth, priv: string): TaskRecord => {
        const decoded = decodeUpid(upid);
        if (!decoded) throw paramError("upid", "unable to parse worker upid");
        const task = tasks.get(upid);
        if (decoded.node !== node || !task) throw paramError("upid", "no such task");
        if (!ownsTask(auth, task)) ctx.checkPermission(auth, `/nodes/${node}`, priv);
        return task;
      };

      register("GET", "/nodes/{node}/tasks/{upid}", (req) => {
        lookup(String(req.params["node"]), String(req.params["upid"]), req.auth, "Sys.Audit");
        return [{ name: "log" }, { name: "status" }];
      });

      register("GET", "/nodes/{node}/tasks/{upid}/status", (req) => {
        const t = lookup(String(req.params["node"]), String(req.params["upid"]), req.auth, "Sys.Audit");
        return {
          ...upidFields(t),
          status: t.running ? "running" : "stopped",
          ...(t.running ? {} : { exitstatus: t.exitstatus }),
        };
      });

      register("GET", "/nodes/{node}/tasks/{upid}/log", (req) => {
        const t = lookup(String(req.params["node"]), String(req.params["upid"]), req.auth, "Sys.Audit");
        if (req.params["download"] && (req.params["start"] !== undefined || req.params["limit"] !== undefined)) {
          throw paramError("download", "'download' cannot be used together with 'start' or 'limit'");
        }
        const start = Number(req.params["start"] ?? 0);
        const limit = Number(req.params["limit"] ?? 50);
        if (t.log.length === 0) return new SimResult([{ n: 1, t: "no content" }]);
        const lines = t.log.slice(start, limit === 0 ? undefined : start + limit).map((text, i) => ({ n: start + i + 1, t: text }));
        return new SimResult(lines, { total: t.log.length });
      });

      register("DELETE", "/nodes/{node}/tasks/{upid}", (req) => {
        const t = lookup(String(req.params["node"]), String(req.params["upid"]), req.auth, "Sys.Modify");
        tasks.stop(t.upid);
        return null;
      });

      register("GET", "/nodes/{node}/tasks", (req) => {
        const node = String(req.params["node"]);
        const p = req.params;
        const source = String(p["source"] ?? "archive");
        const statusfilter = p["statusfilter"] === undefined ? undefined : new Set(splitList(String(p["statusfilter"])));
        const userfilter = p["userfilter"] === undefined ? undefined : String(p["userfilter"]).toLowerCase();
        const matches = tasks.list(node).filter((t) => {
          if (source === "archive" && t.running) return false;
          if (source === "active" && !t.running) return false;
          if (!canSee(ctx, req.auth, t, `/nodes/${node}`, "Sys.Audit")) return false;
          if (p["typefilter"] !== undefined && t.type !== p["typefilter"]) return false;
          if (p["vmid"] !== undefined && t.id !== String(p["vmid"])) return false;
          if (userfilter !== undefined && !t.user.toLowerCase().includes(userfilter)) return false;
          if (p["since"] !== undefined && t.starttime < Number(p["since"])) return false;
          if (p["until"] !== undefined && t.starttime > Number(p["until"])) return false;
          const status = t.running ? "RUNNING" : t.exitstatus;
          if (p["errors"]) return status !== "OK";
          return !statusfilter || statusfilter.has(statusType(status));
        });
        const start = Number(p["start"] ?? 0);
        const limit = Number(p["limit"] ?? 50);
        const page = matches.slice(start, start + limit).map((t) => ({
          ...upidFields(t),
          ...(t.running ? { status: "RUNNING" } : { endtime: t.endtime, status: t.exitstatus }),
        }));
        return new SimResult(page, { total: matches.length });
      });

      register("GET", "/cluster/tasks", (req) => {
        const out: Record<string, unknown>[] = [];
        for (const node of ctx.nodes) {
          const all = tasks.list(node).filter((t) => canSee(ctx, req.auth, t, "/", "Sys.Audit"));
          const recent = [...all.filter((t) => t.running), ...all.filter((t) => !t.running).slice(0, 25)];
          for (const t of recent) {
            out.push({
              upid: t.upid,
              node: t.node,
              starttime: t.starttime,
              type: t.type,
              id: t.id,
              ...userFields(t),
              ...(t.running ? { pid: t.pid } : { endtime: t.endtime, status: t.exitstatus, saved: "1" }),
            });
          }
        }
        return out.sort((a, b) => Number(b["starttime"]) - Number(a["starttime"]));
      });
    },
  };
}
