import "server-only";
import type { Redis } from "ioredis";
import { createRedis } from "../redis";
import type { BusMessage, BusTransport } from "./bus";

/**
 * The bus between processes over Redis pub/sub: one channel (`<prefix>events`) carries
 * every event as JSON. Pub/sub is at-most-once: an event published while Redis is away
 * reaches this process's listeners only (ioredis queues the publish and sends it on
 * reconnect, so others see it late rather than never while the process lives). Waiters
 * that must not miss an ending re-read app state as well (jobs' waitUntilFinished).
 */
export class RedisBusTransport implements BusTransport {
  private readonly channel: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(url: string, prefix: string, deliver: (message: BusMessage) => void) {
    this.channel = `${prefix}events`;
    this.publisher = createRedis(url, "commands");
    this.subscriber = createRedis(url, "subscriber");
    this.subscriber.on("message", (channel: string, text: string) => {
      if (channel !== this.channel) return;
      try {
        deliver(JSON.parse(text) as BusMessage);
      } catch (error) {
        console.error("[events] dropped a malformed bus message:", (error as Error).message);
      }
    });
    void this.subscriber.subscribe(this.channel).catch((error: Error) => console.error("[events] could not subscribe to Redis:", error.message));
  }

  /** Resolves once the subscription is live (tests; boot does not wait). */
  async ready(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  send(message: BusMessage): void {
    this.publisher.publish(this.channel, JSON.stringify(message)).catch((error: Error) => {
      console.error(`[events] ${message.event} did not reach other processes:`, error.message);
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.subscriber.quit().catch(() => this.subscriber.disconnect()), this.publisher.quit().catch(() => this.publisher.disconnect())]);
  }
}
