import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appDatabaseUrl, secureDatabaseFile } from "./app-database";
import { resetConfigForTests } from ".";
import { loadOrCreateKey, secureKeysDir } from "../services/auth/secrets";

/** The app database and key files are owner-only, new or left over from before. */
const mode = (file: string) => statSync(file).mode & 0o777;
const savedDataDir = process.env.QUARRY_DATA_DIR;

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "quarry-modes-"));
  process.env.QUARRY_DATA_DIR = dir;
  resetConfigForTests();
  return dir;
}

afterEach(() => {
  process.env.QUARRY_DATA_DIR = savedDataDir;
  delete process.env.DATABASE_URL;
  resetConfigForTests();
});

describe("app database file modes", () => {
  it("creates quarry.db as 0600 before anything opens it", () => {
    const dir = freshDataDir();
    const url = appDatabaseUrl();
    const file = path.join(dir, "quarry.db");
    expect(url).toBe(`file:${file}`);
    expect(existsSync(file)).toBe(true);
    expect(mode(file)).toBe(0o600);
  });

  it("puts an existing database and its -wal/-shm/-journal back to 0600", () => {
    const dir = freshDataDir();
    const file = path.join(dir, "quarry.db");
    for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
      writeFileSync(f, "");
      chmodSync(f, 0o644);
    }
    appDatabaseUrl();
    for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) expect(mode(f), f).toBe(0o600);
  });

  it("applies to a DATABASE_URL file elsewhere too", () => {
    const dir = freshDataDir();
    const file = path.join(dir, "elsewhere", "app.db");
    process.env.DATABASE_URL = `file:${file}`;
    appDatabaseUrl();
    expect(mode(file)).toBe(0o600);
    chmodSync(file, 0o666);
    secureDatabaseFile(file);
    expect(mode(file)).toBe(0o600);
  });
});

describe("key file modes", () => {
  it("creates the keys folder 0700 and each generated key 0600", () => {
    const dir = freshDataDir();
    loadOrCreateKey("test-key", undefined);
    expect(mode(path.join(dir, "keys"))).toBe(0o700);
    expect(mode(path.join(dir, "keys", "test-key"))).toBe(0o600);
  });

  it("fixes a readable keys folder and key files at start", () => {
    const dir = freshDataDir();
    const keys = path.join(dir, "keys");
    mkdirSync(keys, { mode: 0o755 });
    chmodSync(keys, 0o755);
    for (const name of ["auth-secret", "encryption-key"]) {
      writeFileSync(path.join(keys, name), "x".repeat(48));
      chmodSync(path.join(keys, name), 0o644);
    }
    secureKeysDir();
    expect(mode(keys)).toBe(0o700);
    expect(mode(path.join(keys, "auth-secret"))).toBe(0o600);
    expect(mode(path.join(keys, "encryption-key"))).toBe(0o600);
    expect(loadOrCreateKey("auth-secret", undefined)).toBe("x".repeat(48));
  });
});
