/**
 * The guest agent endpoints (qemu-server `src/PVE/API2/Qemu/Agent.pm`, `QemuServer/Agent.pm`
 * `assert_agent_available`, `agent_cmd`, `qemu_exec`, `qemu_exec_status`). Every command first
 * loads the config, then needs an `agent` entry (`No QEMU guest agent configured`), a running VM
 * (`VM 100 is not running`) and an agent that answers `guest-ping` (`QEMU guest agent is not
 * running`: an agent disabled in the config, not installed in the guest, or not yet booted).
 * The simulated guest answers `ping`, `get-osinfo`, `get-host-name`, `network-get-interfaces`
 * (its NICs with their MACs and the addresses of `ipconfigN`, DHCP ones from 10.0.x.y),
 * `fsfreeze-*`, `fstrim`, `exec`/`exec-status` (`echo`, `cat`, `true`, `false`, `hostname`,
 * `sleep`), `file-write`/`file-read` and `set-user-password`.
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { parsePropertyStringStrict } from "../property-string";
import type { GuestConf } from "../guests/config";
import { subKeys } from "./confdesc";
import type { QemuDeps } from "./deps";
import { IPCONFIG_FORMAT } from "./formats";
import { parseNet } from "./net";
import type { AgentState } from "./runtime";

/** The commands registered one endpoint each, with their HTTP method. */
const COMMANDS: Readonly<Record<string, "GET" | "POST">> = {
  ping: "POST",
  "get-time": "GET",
  info: "GET",
  "fsfreeze-status": "POST",
  "fsfreeze-freeze": "POST",
  "fsfreeze-thaw": "POST",
  fstrim: "POST",
  "network-get-interfaces": "GET",
  "get-vcpus": "GET",
  "get-fsinfo": "GET",
  "get-memory-blocks": "GET",
  "get-memory-block-info": "GET",
  "suspend-hybrid": "POST",
  "suspend-ram": "POST",
  "suspend-disk": "POST",
  shutdown: "POST",
  "get-host-name": "GET",
  "get-osinfo": "GET",
  "get-users": "GET",
  "get-timezone": "GET",
};

/** `assert_agent_available`; returns the guest's agent state. */
function assertAgent(deps: QemuDeps, vmid: number, conf: GuestConf): AgentState {
  if (conf.main.agent === undefined) throw pveDie("No QEMU guest agent configured");
  const proc = deps.runtime.process(vmid);
  if (!proc) throw pveDie(`VM ${vmid} is not running`);
  const enabled = Boolean(parsePropertyStringStrict(String(conf.main.agent), subKeys("agent") ?? {}).enabled);
  const booted = deps.ctx.now() - proc.startedAt >= deps.agentStartMs;
  const agent = deps.runtime.agent(vmid);
  if (!enabled || !booted || !deps.agentInstalled(vmid) || !agent || proc.paused) throw pveDie("QEMU guest agent is not running");
  return agent;
}

/** The guest's view of its NICs (`guest-network-get-interfaces`). */
function interfaces(deps: QemuDeps, vmid: number, conf: GuestConf): unknown[] {
  const out: unknown[] = [
    {
      name: "lo",
      "hardware-address": "00:00:00:00:00:00",
      "ip-addresses": [
        { "ip-address-type": "ipv4", "ip-address": "127.0.0.1", prefix: 8 },
        { "ip-address-type": "ipv6", "ip-address": "::1", prefix: 128 },
      ],
      statistics: stats(),
    },
  ];
  for (let i = 0; i < 32; i++) {
    const value = conf.main[`net${i}`];
    if (value === undefined) continue;
    const net = parseNet(deps.ctx, String(value), true) ?? {};
    const ip = conf.main[`ipconfig${i}`] === undefined ? {} : parsePropertyStringStrict(String(conf.main[`ipconfig${i}`]), IPCONFIG_FORMAT);
    const addresses: unknown[] = [];
    const v4 =
      ip.ip === undefined || ip.ip === "dhcp" ? `10.0.${Math.floor(vmid / 250) % 250}.${(vmid % 250) + 2}/24` : ip.ip === "manual" ? undefined : String(ip.ip);
    if (v4) addresses.push({ "ip-address-type": "ipv4", "ip-address": v4.split("/")[0], prefix: Number(v4.split("/")[1] ?? 24) });
    if (ip.ip6 !== undefined && ip.ip6 !== "dhcp" && ip.ip6 !== "auto" && ip.ip6 !== "manual") {
      addresses.push({ "ip-address-type": "ipv6", "ip-address": String(ip.ip6).split("/")[0], prefix: Number(String(ip.ip6).split("/")[1] ?? 64) });
    }
    out.push({ name: `eth${i}`, "hardware-address": String(net.macaddr ?? "").toLowerCase(), "ip-addresses": addresses, statistics: stats() });
  }
  return out;
}

function stats(): Record<string, number> {
  return { "rx-bytes": 0, "rx-dropped": 0, "rx-errs": 0, "rx-packets": 0, "tx-bytes": 0, "tx-dropped": 0, "tx-errs": 0, "tx-packets": 0 };
}

function osinfo(conf: GuestConf): Record<string, string> {
  if (/^win/.test(String(conf.main.ostype ?? ""))) {
    return {
      id: "mswindows",
      name: "Microsoft Windows",
      "pretty-name": "Windows Server 2022 Datacenter",
      version: "Microsoft Windows Server 2022",
      "version-id": "2022",
      machine: "x86_64",
      "kernel-release": "20348",
      "kernel-version": "10.0",
    };
  }
  return {
    id: "debian",
    name: "Debian GNU/Linux",
    "pretty-name": "Debian GNU/Linux 12 (bookworm)",
    version: "12 (bookworm)",
    "version-id": "12",
    machine: "x86_64",
    "kernel-release": "6.1.0-28-amd64",
    "kernel-version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)",
  };
}

/** What a simple command prints (the simulated guest's tiny userland). */
function runCommand(
  conf: GuestConf,
  vmid: number,
  argv: readonly string[],
  input: string | undefined,
): { exitcode: number; out: string; err: string; ms: number } | string {
  const [path = "", ...args] = argv;
  const name = path.split("/").pop() ?? path;
  switch (name) {
    case "echo":
      return { exitcode: 0, out: `${args.join(" ")}\n`, err: "", ms: 0 };
    case "cat":
      return { exitcode: 0, out: input ?? "", err: "", ms: 0 };
    case "true":
      return { exitcode: 0, out: "", err: "", ms: 0 };
    case "false":
      return { exitcode: 1, out: "", err: "", ms: 0 };
    case "hostname":
      return { exitcode: 0, out: `${conf.main.name !== undefined ? String(conf.main.name) : `vm${vmid}`}\n`, err: "", ms: 0 };
    case "sleep":
      return { exitcode: 0, out: "", err: "", ms: Number(args[0] ?? 0) * 1000 };
    default:
      return `Guest agent command failed, error was 'Failed to execute child process “${path}” (No such file or directory)'`;
  }
}

type Register = (method: "GET" | "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers the agent endpoints. */
export function installAgent(register: Register, deps: QemuDeps): void {
  const { ctx, configs } = deps;
  const base = "/nodes/{node}/qemu/{vmid}/agent";
  const load = (req: SimRequest): { vmid: number; conf: GuestConf } => {
    const vmid = Number(req.params.vmid);
    return { vmid, conf: configs.load(vmid, String(req.params.node)) };
  };

  /** `guest-<cmd>` for the commands without parameters. */
  const simple = (cmd: string, vmid: number, conf: GuestConf, agent: AgentState): unknown => {
    switch (cmd) {
      case "ping":
      case "fstrim":
        return cmd === "fstrim" ? { paths: [{ path: "/", trimmed: 0, minimum: 0 }] } : {};
      case "get-osinfo":
        return osinfo(conf);
      case "get-host-name":
        return { "host-name": conf.main.name !== undefined ? String(conf.main.name) : `vm${vmid}` };
      case "network-get-interfaces":
        return interfaces(deps, vmid, conf);
      case "fsfreeze-status":
        return agent.frozen ? "frozen" : "thawed";
      case "fsfreeze-freeze":
        if (agent.frozen) throw pveDie("Agent error: Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state");
        agent.frozen = true;
        return 1;
      case "fsfreeze-thaw": {
        const thawed = agent.frozen ? 1 : 0;
        agent.frozen = false;
        return thawed;
      }
      case "get-time":
        return ctx.now() * 1_000_000;
      case "get-timezone":
        return { zone: "UTC", offset: 0 };
      case "get-users":
        return [];
      case "get-vcpus":
        return Array.from({ length: Number(conf.main.cores ?? 1) * Number(conf.main.sockets ?? 1) }, (_, i) => ({
          "logical-id": i,
          online: true,
          "can-offline": i > 0,
        }));
      case "get-fsinfo":
        return [{ name: "sda1", mountpoint: "/", type: "ext4", "total-bytes": 10 * 1024 ** 3, "used-bytes": 2 * 1024 ** 3, disk: [] }];
      case "info":
        return {
          version: "7.2.0",
          supported_commands: Object.keys(COMMANDS).map((name) => ({ name: `guest-${name}`, enabled: true, "success-response": true })),
        };
      case "shutdown":
      case "suspend-disk":
      case "suspend-hybrid":
      case "suspend-ram":
        if (cmd === "shutdown") deps.runtime.stop(vmid);
        return {};
      default:
        return {};
    }
  };

  const command =
    (cmd: string) =>
    (req: SimRequest): unknown => {
      const { vmid, conf } = load(req);
      const agent = assertAgent(deps, vmid, conf);
      return { result: simple(cmd, vmid, conf, agent) };
    };

  for (const [cmd, method] of Object.entries(COMMANDS)) register(method, `${base}/${cmd}`, command(cmd));
  register("POST", base, (req) => command(String(req.params.command))(req));
  register("GET", base, () =>
    [...Object.keys(COMMANDS), "exec", "exec-status", "file-read", "file-write", "set-user-password"].sort().map((name) => ({ name })),
  );

  register("POST", `${base}/set-user-password`, (req) => {
    const { vmid, conf } = load(req);
    assertAgent(deps, vmid, conf);
    return { result: {} };
  });

  register("POST", `${base}/exec`, (req) => {
    const { vmid, conf } = load(req);
    const argv = Array.isArray(req.params.command) ? req.params.command.map(String) : [];
    const input = req.params["input-data"] === undefined ? undefined : String(req.params["input-data"]);
    if (input === undefined && argv.length === 0) throw pveDie("command or input-data (or both) required");
    const agent = assertAgent(deps, vmid, conf);
    const outcome = runCommand(conf, vmid, argv, input);
    if (typeof outcome === "string") throw pveDie(`Agent error: ${outcome}`);
    const pid = agent.nextPid++;
    agent.execs.set(pid, { startedAt: ctx.now(), durationMs: outcome.ms, exitcode: outcome.exitcode, out: outcome.out, err: outcome.err });
    return { pid };
  });

  register("GET", `${base}/exec-status`, (req) => {
    const { vmid, conf } = load(req);
    const agent = assertAgent(deps, vmid, conf);
    const pid = Number(req.params.pid);
    const exec = agent.execs.get(pid);
    if (!exec) throw pveDie(`Agent error: Invalid parameter 'pid'`);
    if (ctx.now() - exec.startedAt < exec.durationMs) return { exited: 0 };
    agent.execs.delete(pid);
    return { exited: 1, exitcode: exec.exitcode, ...(exec.out ? { "out-data": exec.out } : {}), ...(exec.err ? { "err-data": exec.err } : {}) };
  });

  register("POST", `${base}/file-write`, (req) => {
    const { vmid, conf } = load(req);
    const agent = assertAgent(deps, vmid, conf);
    const content = String(req.params.content);
    const encode = req.params.encode === undefined ? true : Boolean(req.params.encode);
    agent.files.set(String(req.params.file), encode ? content : Buffer.from(content, "base64").toString("utf8"));
    return null;
  });

  register("GET", `${base}/file-read`, (req) => {
    const { vmid, conf } = load(req);
    const agent = assertAgent(deps, vmid, conf);
    const file = String(req.params.file);
    const content = agent.files.get(file);
    if (content === undefined) throw pveDie(`Agent error: Failed to open file '${file}': No such file or directory`);
    const offset = Number(req.params.offset ?? 0);
    const count = req.params.count === undefined ? 16 * 1024 * 1024 : Number(req.params.count);
    const slice = content.slice(offset, offset + count);
    const decode = req.params.decode === undefined ? true : Boolean(req.params.decode);
    const result: Record<string, unknown> = { content: decode ? slice : Buffer.from(slice).toString("base64"), "bytes-read": Buffer.byteLength(slice) };
    if (offset + count < content.length) result.truncated = 1;
    return result;
  });
}
