import "server-only";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { redisPrefix, redisUrl } from "../redis";
import { RedisBusTransport } from "./bus-redis";
import type { EventName, EventPayload } from "./catalogue";

/**
 * The event bus that feeds live updates (tRPC subscriptions, the /ws endpoints, job
 * waiters, cache invalidation). Typed by the catalogue end to end: a payload that does
 * not match its event's entry fails typecheck.
 *
 * Listeners always hang off one EventEmitter in this process (on globalThis, so Next's
 * module reloading keeps one bus). A transport carries events between processes: none
 * by default (one process), Redis pub/sub when `REDIS_URL` is set (bus-redis.ts). An
 * event is delivered here at once and sent to the others through the transport; what
 * the transport brings back from this very process is dropped, so nothing arrives twice.
 */
const globalBus = globalThis as unknown as { __quarryBus?: EventEmitter; __quarryBusTransport?: BusTransport | null };
const emitter = (globalBus.__quarryBus ??= new EventEmitter().setMaxListeners(0));

/** This process on the bus: events it sent come back from Redis with this origin and are skipped. */
export const BUS_ORIGIN = randomUUID();

export interface BusMessage {
  origin: string;
  event: EventName;
  key: string;
  payload: unknown;
}

/** Carries events to the other processes and hands theirs to `deliver`. */
export interface BusTransport {
  send(message: BusMessage): void;
  close(): Promise<void>;
  /** Resolves once messages from other processes arrive (pub/sub subscribed). */
  ready?(): Promise<void>;
}

/** Chosen on the bus's first use: Redis when REDIS_URL is set, else none. */
function transport(): BusTransport | null {
  if (globalBus.__quarryBusTransport === undefined) {
    const url = redisUrl();
    globalBus.__quarryBusTransport = url ? new RedisBusTransport(url, redisPrefix(), deliver) : null;
  }
  return globalBus.__quarryBusTransport;
}

/** Starts the transport now (boot), so events from other processes arrive before the first local publish. */
export function connectBus(): void {
  transport();
}

/** Resolves once the transport (if any) receives other processes' events; readiness checks and tests wait on it. */
export async function busReady(): Promise<void> {
  await transport()?.ready?.();
}

/** Stops the transport (shutdown, tests); the bus is in-process until the next `connectBus`. */
export async function disconnectBus(): Promise<void> {
  const current = globalBus.__quarryBusTransport;
  globalBus.__quarryBusTransport = undefined;
  await current?.close();
}

const channel = (event: EventName, key: string) => `${event}:${key}`;

function deliverLocally(event: EventName, key: string, payload: unknown): void {
  emitter.emit(channel(event, key), payload);
  emitter.emit(event, payload, key);
}

/** What a transport calls for every message it receives. */
export function deliver(message: BusMessage): void {
  if (message.origin === BUS_ORIGIN) return;
  deliverLocally(message.event, message.key, message.payload);
}

/** Publishes one event under a key (the query's, approval's or job's id). */
export function publish<E extends EventName>(event: E, key: string, payload: EventPayload<E>): void {
  deliverLocally(event, key, payload);
  transport()?.send({ origin: BUS_ORIGIN, event, key, payload });
}

/** Listens to one event under one key. Returns the unsubscribe function. */
export function subscribe<E extends EventName>(event: E, key: string, listener: (payload: EventPayload<E>) => void): () => void {
  transport();
  return listen(channel(event, key), event, listener);
}

/**
 * Listens to one event under every key (a notifier, a webhook sender, a pipeline that
 * starts on an approval). Returns the unsubscribe function.
 */
export function subscribeAny<E extends EventName>(event: E, listener: (payload: EventPayload<E>, key: string) => void): () => void {
  transport();
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
