import { createServer } from "node:net";
import { CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { buildApp } from "fauxqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { resetConfigForTests } from "../../../config";
import { isAppError } from "../../../errors";
import { executeGraph } from "../executor";
import type { Batch, BatchStream, ExtractorModule, LoaderModule, LogLevel, ModuleContext, PipelineGraph } from "../types";
import { validatePipeline } from "../validate";
import { expandKey, s3Loader } from "./s3";

/**
 * Against a real S3 API (fauxqs, in process on a loopback port): objects land whole,
 * and a failed or cancelled run leaves neither an object nor an in-progress multipart
 * upload. fauxqs has no ListMultipartUploads; its DeleteBucket refuses a bucket that
 * still holds an object or an unfinished multipart upload, which is the check used here
 * (and shown to fail on a dangling upload below). The server's answers are recorded, so
 * a test can wait until parts are stored before it fails the run.
 */
const ACCESS_KEY_ID = "QUARRYTESTKEYID7Q2X";
const SECRET = "quarry-test-secret-9f3c1e7a5b2d4680";
const S3_ENV = ["QUARRY_S3_ENDPOINT", "QUARRY_S3_REGION", "QUARRY_S3_FORCE_PATH_STYLE", "QUARRY_S3_ACCESS_KEY_ID", "QUARRY_S3_SECRET_ACCESS_KEY", "QUARRY_S3_BUCKETS"];

let app: ReturnType<typeof buildApp>;
let endpoint = "";
let client: S3Client;
/** While set, the server holds UploadPart requests until it resolves (a slow or congested endpoint). */
let partsHeld: Promise<void> | null = null;
const traffic: { method: string; url: string; status: number }[] = [];
const logs: { level: LogLevel; message: string; metadata?: Record<string, unknown> }[] = [];
let bucketCount = 0;

function configure(env: Record<string, string>) {
  for (const name of S3_ENV) delete process.env[name];
  Object.assign(process.env, env);
  resetConfigForTests();
}
const serverEnv = () => ({
  QUARRY_S3_ENDPOINT: endpoint,
  QUARRY_S3_FORCE_PATH_STYLE: "true",
  QUARRY_S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
  QUARRY_S3_SECRET_ACCESS_KEY: SECRET,
});

beforeAll(async () => {
  app = buildApp({ logger: false });
  app.addHook("preHandler", async (request: { method: string; url: string }) => {
    if (partsHeld && request.method === "PUT" && /[?&]partNumber=/.test(request.url)) await partsHeld;
  });
  app.addHook("onResponse", async (request: { method: string; url: string }, reply: { statusCode: number }) => {
    traffic.push({ method: request.method, url: request.url, status: reply.statusCode });
  });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  endpoint = address.replace("localhost", "127.0.0.1");
  client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET } });
  configure(serverEnv());
});

afterEach(() => configure(serverEnv()));

afterAll(async () => {
  configure({});
  client.destroy();
  await app.close();
});

async function freshBucket(): Promise<string> {
  const bucket = `quarry-test-${++bucketCount}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

async function readObject(bucket: string, key: string) {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { text: await out.Body!.transformToString(), contentType: out.ContentType, etag: out.ETag ?? "" };
}

/** What the server answered for the bucket's multipart uploads. */
function multipart(bucket: string) {
  const mine = traffic.filter((t) => t.url.startsWith(`/${bucket}/`));
  const ok = (t: { status: number }) => t.status >= 200 && t.status < 300;
  return {
    created: mine.filter((t) => t.method === "POST" && /[?&]uploads/.test(t.url) && ok(t)).length,
    partsStored: mine.filter((t) => t.method === "PUT" && /[?&]partNumber=/.test(t.url) && ok(t)).length,
    completed: mine.filter((t) => t.method === "POST" && /[?&]uploadId=/.test(t.url) && ok(t)).length,
    aborted: mine.filter((t) => t.method === "DELETE" && /[?&]uploadId=/.test(t.url) && ok(t)).length,
  };
}

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves when the bucket held nothing at all (no object, no unfinished upload), and is deleted. */
const deleteBucket = (bucket: string) => client.send(new DeleteBucketCommand({ Bucket: bucket }));

interface Gate {
  promise: Promise<void>;
  open(): void;
  fail(error: unknown): void;
}
function gate(): Gate {
  let open!: () => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  promise.catch(() => undefined);
  return { promise, open, fail };
}

/** The node context as the executor hands it to a loader: logs captured, the commit gate in the test's hands. */
function context(commit: Gate, signal = new AbortController().signal): ModuleContext {
  return {
    principal: { kind: "user", user: { id: "u1" } } as unknown as ModuleContext["principal"],
    executionId: "0f9e8d7c-6b5a-4321-9876-543210fedcba",
    nodeId: "upload",
    params: {},
    signal,
    log: (level, message, metadata) => logs.push({ level, message, metadata }),
    awaitCommit: () => commit.promise,
  };
}

const committed = (): Gate => {
  const g = gate();
  g.open();
  return g;
};

async function* batches(list: Batch[]): BatchStream {
  yield* list;
}

const columns = [
  { name: "id", kind: "number" as const },
  { name: "name", kind: "string" as const },
  { name: "extra", kind: "json" as const },
];

/** About `mebibytes` MiB of CSV-ready rows, 1,000 rows a batch, and the CSV text they must become. */
function bigInput(mebibytes: number, onBatch?: (index: number) => Promise<void>) {
  const payload = "x".repeat(100);
  const rowsPerBatch = 1000;
  const batchCount = Math.ceil((mebibytes * 1024 * 1024) / (rowsPerBatch * 110));
  const line = (i: number) => `${i},${payload}\n`;
  async function* stream(): BatchStream {
    const cols = [{ name: "id", kind: "number" as const }, { name: "payload", kind: "string" as const }];
    yield { columns: cols, rows: [] };
    for (let b = 0; b < batchCount; b++) {
      await onBatch?.(b);
      yield { columns: cols, rows: Array.from({ length: rowsPerBatch }, (_, j) => ({ id: b * rowsPerBatch + j, payload })) };
    }
  }
  const expected = () => {
    let text = "id,payload\n";
    for (let i = 0; i < batchCount * rowsPerBatch; i++) text += line(i);
    return text;
  };
  return { stream, expected, rows: batchCount * rowsPerBatch };
}

const parse = (config: Record<string, unknown>) => s3Loader.config.parse(config);

describe("S3 object loader", () => {
  it("writes a CSV object with header, delimiter and content type, completed at the commit", async () => {
    const bucket = await freshBucket();
    const commit = gate();
    const running = s3Loader.run(context(commit), parse({ bucket, key: "out/people.csv", delimiter: ";" }), [
      batches([
        { columns, rows: [] },
        { columns, rows: [{ id: 1, name: "Ada; Lovelace", extra: { tags: ["a"] } }, { id: 2, name: null, extra: null }] },
        { columns, rows: [{ id: 3, name: "Grace", extra: [1, 2] }] },
      ]),
    ]);
    await new Promise((r) => setTimeout(r, 100));
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "out/people.csv" }))).rejects.toThrow();
    commit.open();
    await expect(running).resolves.toEqual({ rowsWritten: 3, target: `s3://${bucket}/out/people.csv` });
    const object = await readObject(bucket, "out/people.csv");
    expect(object.text).toBe('id;name;extra\n1;"Ada; Lovelace";"{""tags"":[""a""]}"\n2;;\n3;Grace;[1,2]\n');
    expect(object.contentType).toBe("text/csv; charset=utf-8");
  });

  it("writes NDJSON, one object per row in column order, big integers and dates as strings", async () => {
    const bucket = await freshBucket();
    const when = new Date("2026-03-04T05:06:07.000Z");
    const cols = [{ name: "id", kind: "number" as const }, { name: "at", kind: "date" as const }, { name: "big", kind: "number" as const }, { name: "doc", kind: "json" as const }];
    const result = await s3Loader.run(context(committed()), parse({ bucket, key: "rows.ndjson", format: "ndjson", content_type: "application/json" }), [
      batches([{ columns: cols, rows: [{ doc: { a: 1 }, big: 12345678901234567890n, at: when, id: 1 }, { id: 2 }] }]),
    ]);
    expect(result.rowsWritten).toBe(2);
    const object = await readObject(bucket, "rows.ndjson");
    expect(object.text).toBe('{"id":1,"at":"2026-03-04T05:06:07.000Z","big":"12345678901234567890","doc":{"a":1}}\n{"id":2,"at":null,"big":null,"doc":null}\n');
    expect(object.contentType).toBe("application/json");
  });

  it("streams a large input through several parts and completes it whole", async () => {
    const bucket = await freshBucket();
    const input = bigInput(12);
    const result = await s3Loader.run(context(committed()), parse({ bucket, key: "big.csv" }), [input.stream()]);
    expect(result.rowsWritten).toBe(input.rows);
    const object = await readObject(bucket, "big.csv");
    expect(object.etag).toMatch(/-3"?$/); // a multipart object of three parts (5 + 5 + ~2 MiB)
    expect(multipart(bucket)).toEqual({ created: 1, partsStored: 3, completed: 1, aborted: 0 });
    expect(object.text.length).toBe(input.expected().length);
    expect(object.text === input.expected()).toBe(true);
  });

  it("holds its input back while the endpoint is slow: memory follows the parts in flight, not the rows", async () => {
    const bucket = await freshBucket();
    let release!: () => void;
    partsHeld = new Promise((r) => (release = r));
    let produced = 0;
    const input = bigInput(40, async (b) => {
      produced = (b + 1) * 1000 * 110;
    });
    try {
      const running = s3Loader.run(context(committed()), parse({ bucket, key: "slow.csv" }), [input.stream()]);
      // Four parts in flight (the queue) and the next one being gathered: then the loader stops pulling rows.
      let seen = -1;
      let since = Date.now();
      await until(() => {
        if (produced !== seen) [seen, since] = [produced, Date.now()];
        return produced > 0 && Date.now() - since > 300;
      }, "the input stops being read");
      const MiB = 1024 * 1024;
      expect(produced).toBeGreaterThan(20 * MiB);
      expect(produced).toBeLessThan(27 * MiB);
      release();
      await expect(running).resolves.toMatchObject({ rowsWritten: input.rows });
      expect((await readObject(bucket, "slow.csv")).text === input.expected()).toBe(true);
    } finally {
      release();
      partsHeld = null;
    }
  });

  it("leaves no object and no multipart upload when the commit is refused (another node failed)", async () => {
    for (const mebibytes of [12, 0.1]) {
      const bucket = await freshBucket();
      const commit = gate();
      const input = bigInput(mebibytes);
      const running = s3Loader.run(context(commit), parse({ bucket, key: "never.csv" }), [input.stream()]);
      // Every row written and waiting at the gate; the two full parts stored, the rest held back.
      await until(() => logs.some((l) => l.message.includes(`s3://${bucket}/never.csv; waiting`)), "the loader waits for the commit");
      if (mebibytes > 10) await until(() => multipart(bucket).partsStored === 2, "two parts are stored");
      const failure = new Error("another node failed");
      commit.fail(failure);
      await expect(running).rejects.toBe(failure);
      await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "never.csv" }))).rejects.toThrow();
      expect(multipart(bucket)).toMatchObject(mebibytes > 10 ? { created: 1, completed: 0, aborted: 1 } : { created: 0, partsStored: 0, completed: 0 });
      await expect(deleteBucket(bucket)).resolves.toBeDefined();
    }
  });

  it("leaves no object and no multipart upload when the run is cancelled mid-stream", async () => {
    const bucket = await freshBucket();
    const abort = new AbortController();
    const commit = gate();
    abort.signal.addEventListener("abort", () => commit.fail(abort.signal.reason));
    const cancelled = new Error("Cancelled");
    // Cancel after ~8 MiB, once a part is stored; the input fails as the executor's channels do.
    const input = bigInput(20, async (b) => {
      if (b === 75) {
        await until(() => multipart(bucket).partsStored >= 1, "a part is stored");
        abort.abort(cancelled);
        throw cancelled;
      }
    });
    await expect(s3Loader.run(context(commit, abort.signal), parse({ bucket, key: "cancelled.csv" }), [input.stream()])).rejects.toBe(cancelled);
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "cancelled.csv" }))).rejects.toThrow();
    expect(multipart(bucket)).toMatchObject({ created: 1, completed: 0, aborted: 1 });
    await expect(deleteBucket(bucket)).resolves.toBeDefined();
  });

  it("in a real run, completes only when every node succeeded: another loader failing or a cancel leaves nothing", async () => {
    const rowsOf = (mebibytes: number, onBatch?: (index: number) => Promise<void>): ExtractorModule => ({
      type: "extractor", name: "rows", displayName: "Rows", description: "", icon: "", color: "", config: z.object({}), inputs: [0, 0],
      run: () => bigInput(mebibytes, onBatch).stream(),
    });
    const refusing: LoaderModule = {
      type: "loader", name: "refusing", displayName: "Refusing", description: "", icon: "", color: "", config: z.object({}), inputs: [1, 1],
      async run(_ctx, _config, [input]) {
        for await (const batch of input!) void batch;
        throw new Error("the other target refused its rows");
      },
    };
    const graph = (bucket: string, withRefusing: boolean): PipelineGraph => ({
      nodes: [
        { id: "src", type: "extractor", module: "rows", config: {} },
        { id: "obj", type: "loader", module: "s3", config: { bucket, key: "run.csv" } },
        ...(withRefusing ? [{ id: "other", type: "loader" as const, module: "refusing", config: {} }] : []),
      ],
      edges: [{ id: "e1", source: "src", target: "obj" }, ...(withRefusing ? [{ id: "e2", source: "src", target: "other" }] : [])],
    });
    const run = (bucket: string, withRefusing: boolean, signal = new AbortController().signal, source = rowsOf(11)) =>
      executeGraph({
        graph: graph(bucket, withRefusing), principal: context(committed()).principal, executionId: "exec-1", params: {}, signal, pushdown: new Map(),
        hooks: { log: () => undefined, node: () => undefined }, extraModules: [source, refusing],
      });

    const ok = await freshBucket();
    expect((await run(ok, false)).status).toBe("success");
    expect((await readObject(ok, "run.csv")).text === bigInput(11).expected()).toBe(true);

    const refused = await freshBucket();
    const failed = await run(refused, true);
    expect(failed).toMatchObject({ status: "failed", error: "the other target refused its rows" });
    expect(multipart(refused)).toMatchObject({ created: 1, completed: 0, aborted: 1 });
    await expect(deleteBucket(refused)).resolves.toBeDefined();

    const cancelledBucket = await freshBucket();
    const abort = new AbortController();
    // The user cancels after ~8 MiB, once a part is stored.
    const source = rowsOf(20, async (b) => {
      if (b !== 75) return;
      await until(() => multipart(cancelledBucket).partsStored >= 1, "a part is stored");
      abort.abort();
    });
    expect((await run(cancelledBucket, false, abort.signal, source)).status).toBe("cancelled");
    expect(multipart(cancelledBucket)).toMatchObject({ completed: 0, aborted: 1 });
    await expect(deleteBucket(cancelledBucket)).resolves.toBeDefined();
  });

  it("the bucket check sees an unfinished multipart upload (so the two tests above can fail)", async () => {
    const bucket = await freshBucket();
    await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "dangling" }));
    await expect(deleteBucket(bucket)).rejects.toThrow(/not empty/i);
  });

  it("refuses buckets outside QUARRY_S3_BUCKETS, at validation and at run time", async () => {
    configure({ ...serverEnv(), QUARRY_S3_BUCKETS: "exports, reports" });
    const report = validatePipeline({
      nodes: [
        { id: "a", type: "extractor", module: "csv", config: { path: "in.csv" }, description: "d" },
        { id: "z", type: "loader", module: "s3", config: { bucket: "secret-bucket", key: "x.csv" }, description: "d" },
      ],
      edges: [{ source: "a", target: "z" }],
    });
    const issue = report.errors.find((e) => e.node_id === "z");
    expect(issue).toMatchObject({ type: "invalid_config", field: "bucket" });
    expect(issue!.message).toMatch(/secret-bucket.*exports, reports/);
    expect(s3Loader.config.safeParse({ bucket: "exports", key: "x.csv" }).success).toBe(true);
    const run = s3Loader.run(context(committed()), { bucket: "secret-bucket", key: "x.csv", format: "csv", delimiter: ",", header: true }, [batches([{ columns, rows: [] }])]);
    await expect(run).rejects.toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("exports, reports") });
    expect(s3Loader.config.safeParse({ key: "x.csv" }).success).toBe(false);
    expect(s3Loader.config.safeParse({ bucket: "Not_A_Bucket", key: "x.csv" }).success).toBe(false);
  });

  it("fills {execution_id} and {date} into the key and refuses unknown placeholders", async () => {
    const bucket = await freshBucket();
    const ctx = context(committed());
    const result = await s3Loader.run(ctx, parse({ bucket, key: "runs/{date}/{execution_id}.csv" }), [batches([{ columns, rows: [{ id: 1, name: "a", extra: null }] }])]);
    const key = `runs/${new Date().toISOString().slice(0, 10)}/${ctx.executionId}.csv`;
    expect(result.target).toBe(`s3://${bucket}/${key}`);
    expect((await readObject(bucket, key)).text).toBe("id,name,extra\n1,a,\n");
    expect(expandKey("{date}-{date}", "e", new Date("2026-01-02T23:59:00Z"))).toBe("2026-01-02-2026-01-02");
    const bad = s3Loader.config.safeParse({ bucket, key: "x/{executionid}.csv" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/Unknown placeholder \{executionid\}/);
  });

  it("reports a missing bucket and an unreachable endpoint as AppErrors without secrets", async () => {
    await expect(s3Loader.run(context(committed()), parse({ bucket: "no-such-bucket", key: "x.csv" }), [batches([{ columns, rows: [] }])])).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      message: "The bucket no-such-bucket does not exist",
    });
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    configure({ ...serverEnv(), QUARRY_S3_ENDPOINT: `http://127.0.0.1:${closed}` });
    const error = await s3Loader.run(context(committed()), parse({ bucket: "exports", key: "x.csv" }), [batches([{ columns, rows: [] }])]).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("CONNECTION_FAILED");
    const said = JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details });
    for (const secret of [SECRET, ACCESS_KEY_ID, String(closed)]) expect(said).not.toContain(secret);
    expect((error as Error).cause).toBeUndefined();
  });

  it("never writes the credentials into its logs", () => {
    expect(logs.some((l) => l.level === "INFO" && l.message.startsWith("Uploaded"))).toBe(true);
    const written = JSON.stringify(logs);
    expect(written).not.toContain(SECRET);
    expect(written).not.toContain(ACCESS_KEY_ID);
  });
});
