/** Command-line flags of `npm run bench`: which sections, which sizes, a quick run. */
import { parseArgs } from "node:util";

export interface BenchArgs {
  sections: Set<number>;
  /** Stack sizes of section 4 (section 5 previews the largest). */
  sizes: number[];
  /** Requests per client in sections 1 and 2. */
  requests: number;
  /** Requests in flight per client in sections 1 and 2. */
  concurrency: number;
  /** Rounds per client in sections 1 and 2 (alternating, the median counts). */
  rounds: number;
  /** Task durations of section 3, in ms, and samples per duration and strategy. */
  durationsMs: number[];
  samples: number;
  out: string;
  quick: boolean;
}

const USAGE = `npm run bench -- [--quick] [--sections 1,2,3,4,5] [--sizes 100,250,500,1000] [--requests N]
  [--concurrency N] [--rounds N] [--durations 200,1000,...] [--samples N] [--out FILE]`;

function numbers(text: string, flag: string): number[] {
  const values = text.split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`--${flag}: positive integers separated by commas\n${USAGE}`);
  return values;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      sections: { type: "string" },
      sizes: { type: "string" },
      requests: { type: "string" },
      concurrency: { type: "string" },
      rounds: { type: "string" },
      durations: { type: "string" },
      samples: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const one = (text: string | undefined, flag: string, fallback: number): number => (text === undefined ? fallback : (numbers(text, flag)[0] ?? fallback));
  return {
    quick,
    sections: new Set(values.sections ? numbers(values.sections, "sections") : [1, 2, 3, 4, 5]),
    sizes: values.sizes ? numbers(values.sizes, "sizes") : quick ? [100, 250] : [100, 250, 500, 1000],
    requests: one(values.requests, "requests", quick ? 800 : 4000),
    concurrency: one(values.concurrency, "concurrency", 4),
    rounds: one(values.rounds, "rounds", quick ? 1 : 3),
    durationsMs: values.durations ? numbers(values.durations, "durations") : quick ? [200, 1000, 6000] : [200, 500, 1000, 2000, 5000, 10000, 20000],
    samples: one(values.samples, "samples", quick ? 4 : 8),
    out: values.out ?? ".bench/latest.md",
  };
}
