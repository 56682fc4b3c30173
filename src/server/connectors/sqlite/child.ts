import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { CHILD_SOURCE } from "./child-source";

export class ChildExited extends Error {
  constructor(detail: string) {
    super(`The SQLite query process exited unexpectedly${detail ? `: ${detail}` : ""}`);
    this.name = "ChildExited";
  }
}

/** An error the child reported for one request (SqliteError and friends). */
export class ChildError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** QUARRY_VALUE_TOO_LARGE: the cap that was hit, and where. */
    readonly limit?: { limitBytes?: number; column?: string },
  ) {
    super(message);
    this.name = "ChildError";
  }
}

let modulePath: string | undefined;

/** Resolved here, since `node -e` would resolve from whatever the working directory is. */
function betterSqlitePath(): string {
  if (modulePath) return modulePath;
  for (const base of [path.join(process.cwd(), "package.json"), import.meta.url]) {
    try {
      return (modulePath = createRequire(base).resolve("better-sqlite3"));
    } catch {
      // try the next base
    }
  }
  throw new Error("better-sqlite3 is not installed");
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export interface OpenOptions {
  file: string;
  readOnly: boolean;
  busyTimeoutMs: number;
}

/** One query process holding one SQLite connection. */
export class SqliteProcess {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited = false;
  private stderr = "";
  /** Its connection settings changed (e.g. a pragma): never handed to another user. */
  dirty = false;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    type ErrorReport = { message: string; code?: string; limitBytes?: number; column?: string };
    child.on("message", (msg: { id?: number; ok?: boolean; result?: unknown; error?: ErrorReport; dirty?: boolean }) => {
      if (msg.dirty) this.dirty = true;
      const waiter = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id!);
      this.settleRef();
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(new ChildError(msg.error?.message ?? "SQLite error", msg.error?.code, msg.error));
    });
    const onGone = () => {
      this.exited = true;
      const err = new ChildExited(this.stderr.trim().split("\n").pop() ?? "");
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
    };
    child.on("exit", onGone);
    child.on("error", onGone);
    this.settleRef();
  }

  static async spawn(opts: OpenOptions): Promise<{ proc: SqliteProcess; version: string }> {
    const child = spawn(process.execPath, ["-e", CHILD_SOURCE, betterSqlitePath()], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      // Inspector or loader flags meant for the app must not apply to the helper.
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    const proc = new SqliteProcess(child);
    try {
      const { version } = await proc.request<{ version: string }>("open", { ...opts });
      return { proc, version };
    } catch (err) {
      proc.kill();
      throw err;
    }
  }

  get alive(): boolean {
    return !this.exited;
  }

  request<T>(op: string, payload: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new ChildExited(""));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.settleRef();
      this.child.send({ id, op, ...payload }, (err) => {
        if (err && this.pending.delete(id)) reject(err);
      });
    });
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }

  /** An idle process must not keep Quarry's event loop alive; a busy one must. */
  private settleRef(): void {
    const channel = this.child.channel as { ref(): void; unref(): void } | undefined;
    if (this.pending.size > 0) {
      this.child.ref();
      channel?.ref();
    } else {
      this.child.unref();
      channel?.unref();
    }
  }
}

/** A small pool of query processes for one file and mode. */
export class SqlitePool {
  private idle: SqliteProcess[] = [];
  private active = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: OpenOptions & { max: number; maxIdle: number }) {}

  async acquire(): Promise<SqliteProcess> {
    while (this.active >= this.opts.max) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.active++;
    try {
      for (let proc = this.idle.pop(); proc; proc = this.idle.pop()) if (proc.alive) return proc;
      return (await SqliteProcess.spawn(this.opts)).proc;
    } catch (err) {
      this.active--;
      this.waiters.shift()?.();
      throw err;
    }
  }

  release(proc: SqliteProcess, reusable: boolean): void {
    this.active--;
    if (reusable && proc.alive && !proc.dirty && !this.closed && this.idle.length < this.opts.maxIdle) this.idle.push(proc);
    else proc.kill();
    this.waiters.shift()?.();
  }

  close(): void {
    this.closed = true;
    for (const proc of this.idle.splice(0)) proc.kill();
  }
}
