/**
 * When waitForTask polls next. Polling cannot both notice an end quickly and send few requests
 * unless it knows roughly when the end comes: with an interval I the delay is up to I (median
 * I/2), so a 150 ms median needs I ≤ 300 ms, which on a 10 s task costs 33 requests where 1 s
 * polling costs 11. With an expected duration E the schedule polls sparsely until shortly before
 * E and densely around it (every ~5 % of E); without one it starts fast and grows the interval
 * (×1.5 up to the maximum), which suits short tasks and bounds the cost of long ones. A task that
 * outlives its window proved the estimate wrong: from then on the interval grows with the time
 * already waited (a fifth of it), so an overrun costs few polls and the delay stays proportional.
 */

/** What a wait knows about its task. */
export interface PollPlan {
  /** First interval, and the shortest one. */
  firstMs: number;
  /** Longest interval of the growing schedule. */
  maxMs: number;
  /** Expected duration of the task, from the caller or from tasks of the same type. */
  expectedMs?: number | undefined;
  /** Log lines are streamed: keep polling at least every `maxMs` so they arrive in time. */
  streaming: boolean;
}

/** The dense window around the expected end starts at this share of it (PVE task times vary ~±10 %). */
const WINDOW_START = 0.88;
const WINDOW_END = 1.15;
/** Longest interval inside the window (≈ 5 % of E): median delay about half of it. */
const DENSE_MS = 500;
/** Overdue: the interval grows up to this share of the time waited so far... */
const OVERDUE_SHARE = 0.2;
/** ...and up to this many times the maximum interval. */
const OVERDUE_MAX_FACTOR = 5;

/** The next sleep in ms, given the time since the wait started and the previous sleep. */
export function nextPollDelay(plan: PollPlan, elapsedMs: number, previousMs: number | undefined): number {
  const growing = previousMs === undefined ? plan.firstMs : Math.min(plan.maxMs, Math.round(previousMs * 1.5));
  const expected = plan.expectedMs;
  if (expected === undefined || expected <= 0) return growing;
  const dense = Math.min(DENSE_MS, Math.max(plan.firstMs, Math.round(expected * 0.05)));
  const windowStart = expected * WINDOW_START;
  if (elapsedMs < windowStart) {
    // Sparse until the window: a few polls still catch an early failure. Streaming keeps the log fresh.
    const sparse = plan.streaming ? plan.maxMs : Math.min(expected / 4, plan.maxMs * 10);
    return Math.max(dense, Math.min(sparse, windowStart - elapsedMs));
  }
  // A fixed margin past the window: short tasks vary by more than ±15 % (fixed start-up costs).
  if (elapsedMs < expected * WINDOW_END + DENSE_MS) return dense;
  // Overdue: the estimate was wrong; grow again from the dense interval, relative to the time waited.
  const grown = previousMs === undefined ? dense : Math.round(Math.max(previousMs, dense) * 1.5);
  const cap = plan.streaming ? plan.maxMs : Math.min(plan.maxMs * OVERDUE_MAX_FACTOR, Math.max(plan.maxMs, Math.round(elapsedMs * OVERDUE_SHARE)));
  return Math.max(dense, Math.min(grown, cap));
}
