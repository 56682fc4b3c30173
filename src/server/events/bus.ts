import "server-only";
import { EventEmitter } from "node:events";
import type { EventName, EventPayload } from "./catalogue";

/**
 * The event bus that feeds live updates (tRPC subscriptions, the /ws endpoints, job
 * waiters). Typed by the catalogue end to end: a payload that does not match its
 * event's entry fails typecheck. In-process by default (one EventEmitter on globalThis,
 * so Next's module reloading keeps one bus); a Redis-backed bus for multi-process
 * deployments plugs in behind the same two functions.
 */
const globalBus = globalThis as unknown as { __quarryBus?: EventEmitter };
const emitter = (globalBus.__quarryBus ??= new EventEmitter().setMaxListeners(0));

const channel = (event: EventName, key: string) => `${event}:${key}`;

/** Publishes one event under a key (the query's, approval's or job's id). */
export function publish<E extends EventName>(event: E, key: string, payload: EventPayload<E>): void {
  emitter.emit(channel(event, key), payload);
  emitter.emit(event, payload, key);
}

/** Listens to one event under one key. Returns the unsubscribe function. */
export function subscribe<E extends EventName>(event: E, key: string, listener: (payload: EventPayload<E>) => void): () => void {
  return listen(channel(event, key), event, listener);
}

/**
 * Listens to one event under every key (a notifier, a webhook sender, a pipeline that
 * starts on an approval). Returns the unsubscribe function.
 */
export function subscribeAny<E extends EventName>(event: E, listener: (payload: EventPayload<E>, key: string) => void): () => void {
  return listen(event, event, listener);
}

function listen<E extends EventName>(name: string, event: E, listener: (payload: EventPayload<E>, key: string) => void): () => void {
  // A listener that throws must not stop the publisher's work (a commit, a query run).
  const safe = (payload: EventPayload<E>, key: string) => {
    try {
      listener(payload, key);
    } catch (error) {
      console.error(`[events] a listener of ${event} failed:`, (error as Error).message);
    }
  };
  emitter.on(name, safe);
  return () => void emitter.off(name, safe);
}
