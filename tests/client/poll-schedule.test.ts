import { describe, expect, test } from "vitest";
import { nextPollDelay, type PollPlan } from "../../provider/client/poll-schedule";

/** The poll times (ms after the wait started) of a plan until `until`, sleeping as the schedule says. */
function pollTimes(plan: PollPlan, until: number): number[] {
  const times = [0];
  let previous: number | undefined;
  for (let t = 0; t < until; ) {
    previous = nextPollDelay(plan, t, previous);
    t += previous;
    times.push(t);
  }
  return times;
}

describe("nextPollDelay", () => {
  test("without an expected duration: starts at the first interval and grows ×1.5 up to the maximum", () => {
    const plan = { firstMs: 50, maxMs: 1000, streaming: false };
    expect([undefined, 50, 75, 800, 1000].map((p) => nextPollDelay(plan, 0, p))).toEqual([50, 75, 113, 1000, 1000]);
  });

  test("with an expected duration of 10 s: few polls before 8.8 s, every 500 ms (5 %) around the end", () => {
    const times = pollTimes({ firstMs: 50, maxMs: 1000, expectedMs: 10_000, streaming: false }, 11_000);
    const before = times.filter((t) => t < 8800);
    const around = times.filter((t) => t >= 8800 && t <= 11_000);
    expect(before.length).toBeLessThanOrEqual(5);
    expect(around.slice(1).map((t, i) => t - (around[i] ?? 0))).toEqual(around.slice(1).map(() => 500));
  });

  test("streaming log lines keeps the gaps at most the maximum interval", () => {
    const times = pollTimes({ firstMs: 50, maxMs: 1000, expectedMs: 60_000, streaming: true }, 50_000);
    expect(Math.max(...times.slice(1).map((t, i) => t - (times[i] ?? 0)))).toBeLessThanOrEqual(1000);
  });

  test("overdue past the window: grows ×1.5 from the dense interval up to a fifth of the time waited, at most 5× the maximum", () => {
    const plan = { firstMs: 50, maxMs: 1000, expectedMs: 1000, streaming: false };
    expect(nextPollDelay(plan, 5000, 50)).toBe(75);
    expect(nextPollDelay(plan, 4000, 900)).toBe(1000); // a fifth of 4 s is below the maximum: the maximum
    expect(nextPollDelay(plan, 9000, 900)).toBe(1350);
    expect(nextPollDelay(plan, 9000, 1500)).toBe(1800);
    expect(nextPollDelay(plan, 600_000, 4000)).toBe(5000);
    expect(nextPollDelay({ ...plan, streaming: true }, 9000, 900)).toBe(1000); // log lines keep arriving in time
  });

  test("short expected tasks poll at the first interval", () => {
    expect(nextPollDelay({ firstMs: 50, maxMs: 1000, expectedMs: 200, streaming: false }, 0, undefined)).toBe(50);
  });
});
