import "server-only";
import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { resolveWebhookTarget } from "./target";

export const SIGNATURE_HEADER = "X-Quarry-Signature";
export const TIMESTAMP_HEADER = "X-Quarry-Timestamp";

/**
 * `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the webhook's secret. The
 * receiver recomputes it over the raw body and the timestamp header, compares in constant
 * time and rejects old timestamps (replays).
 */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface DeliveryAttempt {
  ok: boolean;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
}

const TIMEOUT_MS = 10_000;

/** One POST to the webhook, connected to the address the SSRF check approved. Never throws. */
export async function postWebhook(
  rawUrl: string,
  secret: string,
  message: { event: string; deliveryId: string; body: string },
): Promise<DeliveryAttempt> {
  const started = Date.now();
  let target;
  try {
    target = await resolveWebhookTarget(rawUrl);
  } catch (error) {
    return { ok: false, responseCode: null, latencyMs: 0, error: (error as Error).message };
  }
  const timestamp = String(Math.floor(Date.now() / 1000));
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise<DeliveryAttempt>((resolve) => {
    const done = (result: Omit<DeliveryAttempt, "latencyMs">) => resolve({ ...result, latencyMs: Date.now() - started });
    const req = client.request(
      target.url,
      {
        method: "POST",
        lookup: pinned,
        timeout: TIMEOUT_MS,
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "Quarry-Webhook/1",
          "X-Quarry-Event": message.event,
          "X-Quarry-Delivery": message.deliveryId,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signPayload(secret, timestamp, message.body),
          "Content-Length": Buffer.byteLength(message.body),
        },
      },
      (res) => {
        // The body is not needed; read (a little of) it so the socket is released.
        let seen = 0;
        res.on("data", (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 64 * 1024) res.destroy();
        });
        res.on("end", () => {
          const code = res.statusCode ?? 0;
          done({ ok: code >= 200 && code < 300, responseCode: code, error: code >= 200 && code < 300 ? null : `The receiver answered ${code}` });
        });
        res.on("error", () => done({ ok: false, responseCode: res.statusCode ?? null, error: "The response broke off" }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`No answer within ${TIMEOUT_MS / 1000} s`)));
    req.on("error", (error) => done({ ok: false, responseCode: null, error: error.message }));
    req.end(message.body);
  });
}
