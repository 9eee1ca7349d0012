/** The handler table: one handler per schema template and method, checked against the schema. */
import type { HttpMethod, SimHandler } from "../types";
import { schemaMethod } from "./schema";

/** Handlers by `METHOD template`. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, SimHandler>();

  /** Registers a handler; throws when PVE 9.2 has no such method or it is taken already. */
  register(owner: string, method: HttpMethod, template: string, handler: SimHandler): void {
    if (!schemaMethod(method, template)) throw new Error(`${owner}: ${method} ${template} is not in the PVE 9.2 schema`);
    const key = `${method} ${template}`;
    if (this.handlers.has(key)) throw new Error(`${owner}: ${key} is registered twice`);
    this.handlers.set(key, handler);
  }

  /** The handler, if some model implements it. */
  get(method: HttpMethod, template: string): SimHandler | undefined {
    return this.handlers.get(`${method} ${template}`);
  }
}
