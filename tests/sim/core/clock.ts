/** The simulator's controllable clock: real time plus an offset tests can advance. */
export interface SimClock {
  /** Milliseconds since the epoch, as the simulated cluster sees it. */
  now(): number;
  /** Moves the clock forward (tickets expire, tasks get older) without waiting. */
  advance(ms: number): void;
}

/** Creates a clock starting at the real time. */
export function createClock(): SimClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };
}

/** Resolves after `ms` real milliseconds (0 resolves on the next macrotask). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
