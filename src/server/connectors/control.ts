import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "../errors";
import { cancelledError, timeoutError } from "./errors";

export type StopReason = "timeout" | "cancel";

export interface StopHandlers {
  /** Stop the running statement the engine's way (cancel request, KILL QUERY, process kill). */
  soft: () => Promise<unknown>;
  /** When the driver still has not returned after `soft`: drop the connection. */
  hard?: () => void;
}

/** How long a stopped run may take to notice before its connection is dropped. */
const HARD_STOP_MS = 3_000;

/**
 * One in-flight statement: its tag (for `cancel`), its deadline and its AbortSignal
 * all funnel into a single `stop`, and whatever the driver throws afterwards is
 * reported as the timeout or cancellation it really was.
 */
export class RunControl {
  reason: StopReason | null = null;
  private handlers?: StopHandlers;
  private timer?: NodeJS.Timeout;
  private hardTimer?: NodeJS.Timeout;
  private finished = false;
  private readonly onAbort = () => void this.stop("cancel");

  private constructor(
    readonly tag: string,
    readonly timeoutMs: number,
    private readonly registry: Map<string, RunControl>,
    private readonly signal: AbortSignal | undefined,
    deadlineMs: number,
  ) {
    registry.set(tag, this);
    this.timer = setTimeout(() => void this.stop("timeout"), deadlineMs);
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /**
   * `graceMs` delays our own deadline for engines whose server-side timeout should
   * fire first (its error is cleaner and leaves the session intact).
   */
  static start(
    registry: Map<string, RunControl>,
    opts: { timeoutMs: number; signal?: AbortSignal; queryTag?: string; maxRows?: number },
    graceMs = 0,
  ): RunControl {
    if (opts.signal?.aborted) throw cancelledError();
    if (!(opts.timeoutMs > 0)) throw new AppError("BAD_REQUEST", "timeoutMs must be a positive number");
    if (opts.maxRows !== undefined && !(Number.isInteger(opts.maxRows) && opts.maxRows >= 0)) {
      throw new AppError("BAD_REQUEST", "maxRows must be a non-negative integer");
    }
    return new RunControl(opts.queryTag ?? randomUUID(), opts.timeoutMs, registry, opts.signal, opts.timeoutMs + graceMs);
  }

  /** Called once the statement can be stopped (connection and its id known). */
  arm(handlers: StopHandlers): void {
    this.handlers = handlers;
    this.throwIfStopped();
  }

  stop(reason: StopReason): boolean {
    if (this.finished) return false;
    if (this.reason) return true;
    this.reason = reason;
    const handlers = this.handlers;
    if (handlers) {
      void handlers.soft().catch(() => handlers.hard?.());
      if (handlers.hard) this.hardTimer = setTimeout(handlers.hard, HARD_STOP_MS);
    }
    return true;
  }

  throwIfStopped(): void {
    if (this.reason) throw this.stoppedError();
  }

  get stopped(): boolean {
    return this.reason !== null;
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    clearTimeout(this.hardTimer);
    this.signal?.removeEventListener("abort", this.onAbort);
    if (this.registry.get(this.tag) === this) this.registry.delete(this.tag);
  }

  /** The error the caller sees for `err`, given why (or whether) we stopped the run. */
  fail(err: unknown, translate: (err: unknown) => AppError): AppError {
    if (err instanceof AppError && err.code === "CONNECTION_FAILED") return err;
    if (this.reason) return this.stoppedError();
    return err instanceof AppError ? err : translate(err);
  }

  private stoppedError(): AppError {
    return this.reason === "cancel" ? cancelledError() : timeoutError(this.timeoutMs);
  }
}

export async function cancelByTag(registry: Map<string, RunControl>, queryTag: string): Promise<boolean> {
  const control = registry.get(queryTag);
  return control ? control.stop("cancel") : false;
}
