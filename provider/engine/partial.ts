import type { Props } from "./values";

/** A create that reached PVE but could not be completed: Pulumi keeps `id` in state. */
export class PartialCreateError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "PartialCreateError";
  }
}
