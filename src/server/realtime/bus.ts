import "server-only";
import { EventEmitter } from "node:events";

/**
 * The event bus that feeds live updates (tRPC subscriptions and the /ws endpoints).
 * In-process by default; a Redis-backed bus for multi-process deployments plugs in
 * behind the same two functions.
 */
export interface BusEvent {
  type: string;
  [key: string]: unknown;
}

type Listener = (event: BusEvent) => void;

const globalBus = globalThis as unknown as { __quarryBus?: EventEmitter };
const emitter = (globalBus.__quarryBus ??= new EventEmitter().setMaxListeners(0));

export function publish(channel: string, event: BusEvent): void {
  emitter.emit(channel, event);
}

/** Returns the unsubscribe function. */
export function subscribe(channel: string, listener: Listener): () => void {
  emitter.on(channel, listener);
  return () => emitter.off(channel, listener);
}
