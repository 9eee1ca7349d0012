// npm run engine -- <preview|up|refresh|destroy> <program-dir> --state <file>
//   [--config key=value]... [--config-secret key=value]... [--parallel N] [--stack name] [--verbose]
// Credentials reach the provider host through the environment (PROXMOX_VE_*), which it inherits;
// PULUMI_CONFIG_PASSPHRASE encrypts the secrets in the state file.
import { parseArgs } from "node:util";
import { run } from "./engine";
import type { Operation } from "./types";

const OPS: readonly Operation[] = ["preview", "up", "refresh", "destroy"];

function pairs(list: string[] | undefined, flag: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const item of list ?? []) {
        const eq = item.indexOf("=");
        if (eq <= 0) throw new Error(`${flag} expects key=value, got '${item}'`);
        out[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return out;
}

async function main(): Promise<number> {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: {
            state: { type: "string" },
            config: { type: "string", multiple: true, short: "c" },
            "config-secret": { type: "string", multiple: true },
            parallel: { type: "string", short: "p" },
            stack: { type: "string", short: "s" },
            verbose: { type: "boolean", short: "v" },
        },
    });
    const [op, programDir] = positionals;
    if (!op || !OPS.includes(op as Operation) || !programDir || !values.state) {
        console.error("usage: npm run engine -- <preview|up|refresh|destroy> <program-dir> --state <file> [--config k=v]... [--config-secret k=v]... [--parallel N] [--stack name] [--verbose]");
        return 2;
    }
    const result = await run(op as Operation, {
        programDir,
        stateFile: values.state,
        config: pairs(values.config, "--config"),
        secretConfig: pairs(values["config-secret"], "--config-secret"),
        ...(values.parallel ? { parallel: Number(values.parallel) } : {}),
        ...(values.stack ? { stack: values.stack } : {}),
        verbose: values.verbose ?? false,
        onLine: (line) => console.log(line),
    });
    return result.ok ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
    },
);
