import "server-only";
import { lookup } from "node:dns/promises";
import { existsSync, realpathSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import path from "node:path";
import { config } from "../../config";
import { validationFailed } from "../../errors";

/**
 * Where a data source may point. A data source is a connection Quarry's server makes on
 * an admin's or developer's say-so, so without limits it reads Quarry's own state (the
 * app database with password hashes, the key files) or reaches what only the server can
 * reach (cloud metadata services on link-local addresses).
 *
 * - SQLite: never a file inside QUARRY_DATA_DIR, except its demo/ folder, where the
 *   built-in demo database lives (allowing exactly that folder keeps the demo source
 *   editable like any other; it holds nothing but generated sample data). With
 *   QUARRY_SQLITE_DIRS set, only files inside those folders. Symlinks and `..` are
 *   resolved first.
 * - Network engines: never a host on QUARRY_DATASOURCE_HOSTS_DENY (default: link-local
 *   and metadata names and addresses); with QUARRY_DATASOURCE_HOSTS_ALLOW set, only hosts
 *   on it. The name is checked, then every address it resolves to, so numeric spellings
 *   (2852039166, 0xA9FEA9FE, ::ffff:169.254.169.254) and DNS names for a denied address
 *   are caught too.
 *
 * Refusals are 422 on the field, and never show a server path.
 */
export const DEFAULT_HOSTS_DENY = [
  "169.254.0.0/16",
  "fe80::/10",
  "169.254.169.254",
  "fd00:ec2::254",
  "100.100.100.200",
  "192.0.0.192",
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "metadata.azure.com",
  "instance-data",
  "instance-data.ec2.internal",
];

const splitList = (value: string | undefined) =>
  (value ?? "")
    .split(/[,\s]+/)
    .map((v) => v.trim())
    .filter(Boolean);

function realOrResolved(file: string): string {
  const resolved = path.resolve(file);
  try {
    return realpathSync(resolved);
  } catch {
    return resolved;
  }
}

const isInside = (file: string, dir: string) => {
  const rel = path.relative(dir, file);
  return rel === "" || (rel.split(path.sep)[0] !== ".." && !path.isAbsolute(rel));
};

/** The SQLite file to store, resolved; throws 422 (field `database`) when it is not allowed. */
export function checkSqliteFile(database: string): string {
  const refuse = (message: string) => validationFailed([{ field: "database", message }], message);
  const resolved = path.resolve(database);
  if (!existsSync(resolved)) throw refuse("The SQLite file does not exist (or the server cannot see it)");
  const real = realOrResolved(resolved);
  const dataDir = realOrResolved(config().dataDir);
  if (isInside(real, dataDir) && !isInside(real, path.join(dataDir, "demo"))) {
    throw refuse("SQLite files inside Quarry's own data directory cannot be data sources");
  }
  const allowedDirs = splitList(config().QUARRY_SQLITE_DIRS?.replace(/:/g, ",")).map(realOrResolved);
  if (allowedDirs.length && !allowedDirs.some((dir) => isInside(real, dir))) {
    throw refuse("The SQLite file is outside the folders this Quarry allows (QUARRY_SQLITE_DIRS)");
  }
  return resolved;
}

interface HostRules {
  names: Set<string>;
  suffixes: string[];
  addresses: BlockList;
  empty: boolean;
}

function rules(entries: string[]): HostRules {
  const out: HostRules = { names: new Set(), suffixes: [], addresses: new BlockList(), empty: entries.length === 0 };
  for (const raw of entries) {
    const entry = raw.toLowerCase().replace(/^\[|\]$/g, "");
    const [base, bits] = entry.split("/") as [string, string | undefined];
    const family = isIP(base);
    if (family && bits !== undefined) out.addresses.addSubnet(base, Number(bits), family === 6 ? "ipv6" : "ipv4");
    else if (family) out.addresses.addAddress(base, family === 6 ? "ipv6" : "ipv4");
    else if (entry.startsWith("*.")) out.suffixes.push(entry.slice(1));
    else out.names.add(entry.replace(/\.$/, ""));
  }
  return out;
}

const matchesName = (r: HostRules, host: string) => r.names.has(host) || r.suffixes.some((s) => host.endsWith(s));
const matchesAddress = (r: HostRules, address: string) => {
  const family = isIP(address);
  return family !== 0 && r.addresses.check(address, family === 6 ? "ipv6" : "ipv4");
};

async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    // Unresolvable now: the name checks still apply, and connecting will fail on its own.
    return [];
  }
}

/** Throws 422 (field `host`) when the deny list holds the host or an address it resolves to, or the allow list does not. */
export async function checkHost(hostInput: string): Promise<void> {
  const host = hostInput.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  const c = config();
  const denyEntries = c.QUARRY_DATASOURCE_HOSTS_DENY?.trim().toLowerCase() === "none" ? [] : c.QUARRY_DATASOURCE_HOSTS_DENY ? splitList(c.QUARRY_DATASOURCE_HOSTS_DENY) : DEFAULT_HOSTS_DENY;
  const deny = rules(denyEntries);
  const allow = rules(splitList(c.QUARRY_DATASOURCE_HOSTS_ALLOW));
  const refuse = (message: string) => validationFailed([{ field: "host", message }], message);
  const addresses = await addressesOf(host);

  if (matchesName(deny, host) || addresses.some((a) => matchesAddress(deny, a))) {
    throw refuse("This host is not allowed for data sources (link-local or metadata addresses are refused)");
  }
  if (!allow.empty) {
    const allowed = matchesName(allow, host) || (addresses.length > 0 && addresses.every((a) => matchesAddress(allow, a)));
    if (!allowed) throw refuse("This host is not on the list of hosts data sources may connect to (QUARRY_DATASOURCE_HOSTS_ALLOW)");
  }
}

/** The target checks for a data source's engine, host and database. */
export async function checkTarget(input: { engine: string; host?: string | null; database: string }): Promise<void> {
  if (input.engine === "sqlite") {
    checkSqliteFile(input.database);
    return;
  }
  if (input.host) await checkHost(input.host);
}
