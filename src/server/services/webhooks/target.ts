import "server-only";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { config } from "../../config";
import { validationFailed } from "../../errors";

/**
 * Where a webhook may be delivered. Quarry's server makes the request, so without limits
 * a webhook reads what only the server reaches (cloud metadata on link-local addresses,
 * admin consoles on loopback, the private network): the SSRF class Redash and Metabase
 * fixed. The name is resolved first and every address checked; the delivery then connects
 * to the checked address (pinned), so a DNS answer that changes between check and connect
 * (rebinding) cannot redirect it. Redirects are never followed.
 *
 * Private, loopback, link-local, CGNAT, multicast and reserved ranges are refused unless
 * QUARRY_WEBHOOK_ALLOW_PRIVATE is on or the host/address is on QUARRY_WEBHOOK_HOSTS_ALLOW.
 */
const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["2001:db8::", 32], ["100::", 64]] as const) {
  blocked.addSubnet(net, bits, "ipv6");
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::) IPv6 address. */
function embeddedV4(address: string): string | null {
  const lower = address.toLowerCase();
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return mapped[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const n = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16);
    return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
  }
  return null;
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) {
    const v4 = embeddedV4(address);
    return v4 ? blocked.check(v4, "ipv4") : blocked.check(address, "ipv6");
  }
  return true;
}

function allowList(): { names: Set<string>; addresses: BlockList } {
  const names = new Set<string>();
  const addresses = new BlockList();
  for (const raw of (config().QUARRY_WEBHOOK_HOSTS_ALLOW ?? "").split(/[,\s]+/).filter(Boolean)) {
    const entry = raw.toLowerCase().replace(/^\[|\]$/g, "");
    const [base, bits] = entry.split("/") as [string, string | undefined];
    const family = isIP(base);
    if (family) {
      const type = family === 6 ? "ipv6" : "ipv4";
      if (bits !== undefined) addresses.addSubnet(base, Number(bits), type);
      else addresses.addAddress(base, type);
    } else names.add(entry.replace(/\.$/, ""));
  }
  return { names, addresses };
}

export interface ResolvedTarget {
  url: URL;
  /** The checked address the delivery connects to. */
  address: string;
  family: 4 | 6;
}

const refuse = (message: string) => validationFailed([{ field: "url", message }], message);

/** Parses, resolves and checks a webhook URL (422 on the `url` field when refused). */
export async function resolveWebhookTarget(raw: string): Promise<ResolvedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("The URL is not valid");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw refuse("Webhooks are delivered over http or https only");
  if (url.username || url.password) throw refuse("Put credentials in the receiver's check of the signature, not in the URL");
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw refuse(`The host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw refuse(`The host ${host} does not resolve`);
  const c = config();
  const allow = allowList();
  const allowed = (address: string) => {
    const family = isIP(address);
    return c.QUARRY_WEBHOOK_ALLOW_PRIVATE || allow.names.has(host) || (family !== 0 && allow.addresses.check(address, family === 6 ? "ipv6" : "ipv4"));
  };
  // Every address must pass: a name with one public and one private address could be
  // connected to either.
  const bad = addresses.find((a) => isPrivateAddress(a.address) && !allowed(a.address));
  if (bad) {
    throw refuse("Webhooks cannot target private, loopback or link-local addresses (an admin can allow them with QUARRY_WEBHOOK_ALLOW_PRIVATE or QUARRY_WEBHOOK_HOSTS_ALLOW)");
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
