import type { SimModel } from "../types";

/** Every state model the simulator installs, in order. */
export const models: SimModel[] = [];
