/**
 * The task API as pve-manager serves it: `PVE/API2/Tasks.pm` (`node_tasks`, `upid_index`,
 * `read_task_status`, `read_task_log`, `stop_task`, with `$check_task_user` and
 * `$convert_token_task`), `PVE/API2/Cluster.pm::tasks` over pve-cluster's broadcast task lists,
 * pve-common `PVE/Tools.pm::dump_logfile` (log paging) and `PVE/UPID.pm` (decode, status types),
 * pve-common `PVE/INotify.pm::read_active_workers` (what running tasks look like).
 */
import type { SimAuth, SimModel } from "../types";
import { SimDownload, SimError, SimResult } from "../types";
import { splitList } from "../../../schema/pve-formats";
import { hasAny } from "./may";
import type { TaskManager, TaskRecord } from "./tasks";
import { decodeUpid } from "./tasks";

type DecodedUpid = NonNullable<ReturnType<typeof decodeUpid>>;

function paramError(field: string, msg: string): SimError {
  return new SimError(400, "Parameter verification failed.\n", { [field]: msg });
}

/** The caller as the RPC environment names it: `user@realm`, or `user@realm!token` for a token. */
const subjectOf = (auth: SimAuth): string => (auth.tokenid ? `${auth.userid}!${auth.tokenid}` : auth.userid);

/** `$convert_token_task`: a token's UPID user splits into `user` and `tokenid`. */
function splitUser(user: string): { user: string; tokenid?: string } {
  const bang = user.lastIndexOf("!");
  return bang > 0 ? { user: user.slice(0, bang), tokenid: user.slice(bang + 1) } : { user };
}

/**
 * `$check_task_user` on a task whose user field was (`converted`) or was not split: a token only
 * sees its own tasks; a user also sees its tokens' tasks, but only once they are split.
 */
function ownsTask(subject: string, taskUser: string, converted: boolean): boolean {
  if (!converted) return subject === taskUser;
  const { user, tokenid } = splitUser(taskUser);
  return tokenid ? subject === `${user}!${tokenid}` || subject === user : subject === user;
}

/** `PVE::UPID::normalize_status_type`. */
function statusType(status: string | undefined): string {
  if (!status) return "unknown";
  if (status === "OK") return "ok";
  if (/^WARNINGS: \d+$/.test(status)) return "warning";
  if (status === "unexpected status") return "unknown";
  return "error";
}

/** The fields `upid_decode` gives, plus the UPID itself. */
function decodedFields(t: TaskRecord): Record<string, unknown> {
  return { node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user: t.user, upid: t.upid };
}

/** The task's log file (`PVE::UPID::decode`: the last hex digit of the start time names the directory). */
function logPath(upid: string, decoded: DecodedUpid): string {
  const hex = decoded.starttime.toString(16).toUpperCase().padStart(8, "0");
  return `/var/log/pve/tasks/${hex.slice(7, 8)}/${upid}`;
}

/** `strftime('%FT%TZ', gmtime(...))`. */
const isoSeconds = (epoch: number): string => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Builds the task API model over `tasks`. */
export function tasksModel(tasks: TaskManager): SimModel {
  return {
    name: "tasks",
    install(register, ctx) {
      const canAudit = (auth: SimAuth, path: string): boolean => hasAny(ctx, auth, path, ["Sys.Audit"]);

      /** The task file on `node`, if this node ran that UPID (another node's UPID has no file here). */
      const local = (node: string, upid: string): TaskRecord | undefined => {
        const task = tasks.get(upid);
        return task?.node === node ? task : undefined;
      };

      /** Parses `{upid}` (400), optionally requires the local file (400), then the owner or `priv` check. */
      const lookup = (node: string, upid: string, auth: SimAuth, priv: string, mustExist: boolean): { decoded: DecodedUpid; task?: TaskRecord } => {
        const decoded = decodeUpid(upid);
        if (!decoded) throw paramError("upid", "unable to parse worker upid");
        const task = local(node, upid);
        if (mustExist && !task) throw paramError("upid", "no such task");
        if (!ownsTask(subjectOf(auth), decoded.user, true)) ctx.checkPermission(auth, `/nodes/${node}`, priv);
        return task ? { decoded, task } : { decoded };
      };

      // upid_index checks nothing: any string gets the two links.
      register("GET", "/nodes/{node}/tasks/{upid}", () => [{ name: "log" }, { name: "status" }]);

      register("GET", "/nodes/{node}/tasks/{upid}/status", (req) => {
        const { task } = lookup(String(req.params["node"]), String(req.params["upid"]), req.auth, "Sys.Audit", true);
        const t = task as TaskRecord;
        return {
          ...decodedFields(t),
          ...splitUser(t.user),
          status: t.running ? "running" : "stopped",
          ...(t.running ? {} : { exitstatus: t.exitstatus }),
        };
      });

      register("GET", "/nodes/{node}/tasks/{upid}/log", (req) => {
        const upid = String(req.params["upid"]);
        const { decoded, task } = lookup(String(req.params["node"]), upid, req.auth, "Sys.Audit", false);
        if (req.params["download"]) {
          // A plain `die` inside the handler: a 500, not a parameter error.
          if (req.params["start"] !== undefined || req.params["limit"] !== undefined) {
            throw new SimError(500, "'download' cannot be used together with 'start' or 'limit' parameters\n");
          }
          if (!task) throw new SimError(500, `Could not open file '${logPath(upid, decoded)}' - No such file or directory\n`);
          const content = task.log.map((line) => `${line}\n`).join("");
          return new SimDownload(content, "text/plain", {
            disposition: `attachment; filename="task-${decoded.node}-${decoded.type}-${isoSeconds(decoded.starttime)}.log"`,
            gzip: Buffer.byteLength(content) > 1024,
          });
        }
        // dump_logfile: a missing file reads as one line saying so; an empty one as "no content".
        if (!task) return new SimResult([{ n: 1, t: "unable to open file - No such file or directory" }], { total: 1 });
        if (task.log.length === 0) return new SimResult([{ n: 1, t: "no content" }], { total: 1 });
        const start = Number(req.params["start"] ?? 0);
        const limit = Number(req.params["limit"] ?? 50);
        const lines = task.log.slice(start, limit === 0 ? undefined : start + limit).map((text, i) => ({ n: start + i + 1, t: text }));
        return new SimResult(lines, { total: task.log.length });
      });

      register("DELETE", "/nodes/{node}/tasks/{upid}", (req) => {
        const { task } = lookup(String(req.params["node"]), String(req.params["upid"]), req.auth, "Sys.Modify", true);
        tasks.stop((task as TaskRecord).upid);
        return null;
      });

      register("GET", "/nodes/{node}/tasks", (req) => {
        const node = String(req.params["node"]);
        const p = req.params;
        const subject = subjectOf(req.auth);
        const source = String(p["source"] ?? "archive");
        const errors = Boolean(p["errors"]);
        const allowed = new Set(["ok", "warning", "error", "unknown"]);
        if (p["statusfilter"] !== undefined && !errors) {
          allowed.clear();
          for (const f of splitList(String(p["statusfilter"]))) allowed.add(f.toLowerCase());
        } else if (errors) allowed.delete("ok");
        const auditor = canAudit(req.auth, `/nodes/${node}`);
        const userfilter = p["userfilter"] === undefined ? undefined : String(p["userfilter"]).toLowerCase();
        const start = Number(p["start"] ?? 0);
        let limit = Number(p["limit"] ?? 50);
        let count = 0;
        const out: Record<string, unknown>[] = [];
        /** `$filter_task`, in PVE's order; counts every match, keeps those in the page. */
        const consider = (task: TaskRecord, user: string, converted: boolean, status: string | undefined, entry: Record<string, unknown>): void => {
          if (userfilter && !user.toLowerCase().includes(userfilter)) return;
          if (!(auditor || ownsTask(subject, task.user, converted))) return;
          if (p["typefilter"] && task.type !== p["typefilter"]) return;
          if (p["vmid"] && (!task.id || task.id !== String(p["vmid"]))) return;
          if (p["since"] !== undefined && task.starttime < Number(p["since"])) return;
          if (p["until"] !== undefined && task.starttime > Number(p["until"])) return;
          if (!allowed.has(statusType(status))) return;
          if (count++ < start) return;
          if (limit <= 0) return;
          out.push(entry);
          limit--;
        };
        if (source === "active" || source === "all") {
          // The active file's running tasks: the UPID's user unsplit, `saved` as read from the file.
          for (const t of tasks.running(node)) consider(t, t.user, false, undefined, { ...decodedFields(t), saved: "0", status: "RUNNING" });
        }
        if (source !== "active") {
          for (const t of tasks.archive(node)) {
            consider(t, splitUser(t.user).user, true, t.exitstatus, { ...decodedFields(t), ...splitUser(t.user), endtime: t.endtime, status: t.exitstatus });
          }
        }
        return new SimResult(out, { total: count });
      });

      register("GET", "/cluster/tasks", (req) => {
        const subject = subjectOf(req.auth);
        const all = canAudit(req.auth, "/");
        const out: Record<string, unknown>[] = [];
        // Each node broadcasts its running tasks, then its finished ones by start time, 25 in all.
        for (const node of ctx.nodes) {
          const running = tasks.running(node);
          const finished = tasks
            .archive(node)
            .sort((a, b) => b.starttime - a.starttime)
            .slice(0, Math.max(0, 25 - running.length));
          for (const t of [...running, ...finished]) {
            const { user, tokenid } = splitUser(t.user);
            if (!all && user !== subject) continue;
            const { pstart: _pstart, pid, ...fields } = decodedFields(t);
            out.push({
              ...fields,
              user,
              ...(tokenid ? { tokenid } : {}),
              ...(t.running ? { pid, saved: "0" } : { endtime: t.endtime, status: t.exitstatus, saved: "1" }),
            });
          }
        }
        return out;
      });
    },
  };
}
