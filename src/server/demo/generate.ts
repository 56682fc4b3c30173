import "server-only";
import { existsSync, renameSync, rmSync } from "node:fs";
import { Faker, en } from "@faker-js/faker";
import Database from "better-sqlite3";
import { AppError } from "../errors";
import { BRANDS, CATEGORIES, type CountryRef, EMAIL_DOMAINS, type LeafCategoryRef, MODEL_SUFFIXES, REGIONS } from "./reference";
import { DEMO_SCHEMA } from "./schema";

export interface DemoOptions {
  /** Faker seed; the same seed and scale give identical table contents. */
  seed?: number;
  /** Multiplies the row counts of customers, products, employees and orders. */
  scale?: number;
}

export interface DemoSummary {
  file: string;
  /** Row count per table. */
  tables: Record<string, number>;
  seed: number;
}

export const DEMO_TABLES = ["regions", "employees", "customers", "categories", "products", "orders", "order_items", "payments"] as const;

const DEFAULT_SEED = 42;
const BASE_COUNTS = { salesReps: 50, customers: 2000, products: 300, orders: 20000 };
const MAX_SCALE = 50;

/**
 * Builds the demo retail database at `file`. It is written to `file + ".tmp"` and
 * renamed into place only once complete, so an interrupted first start never leaves a
 * half-built database that later starts would mistake for a finished one.
 */
export function generateDemoDatabase(file: string, options: DemoOptions = {}): DemoSummary {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  if (!Number.isSafeInteger(seed)) throw new AppError("BAD_REQUEST", `Demo seed must be an integer, got ${seed}`);
  if (!(Number.isFinite(scale) && scale > 0 && scale <= MAX_SCALE)) {
    throw new AppError("BAD_REQUEST", `Demo scale must be a number in (0, ${MAX_SCALE}], got ${scale}`);
  }
  if (existsSync(file)) {
    throw new AppError("CONFLICT", `Refusing to overwrite ${file}: a demo database already exists there. Delete it to rebuild.`);
  }

  const tmp = `${file}.tmp`;
  // Anything at the temp path is the leftover of an earlier crashed build.
  rmSync(tmp, { force: true });
  rmSync(`${tmp}-journal`, { force: true });

  const db = new Database(tmp);
  const tables: Record<string, number> = {};
  try {
    // An in-memory journal still supports ROLLBACK but writes no side file, and the
    // setting is not persisted: the finished file keeps SQLite's default journal.
    db.pragma("journal_mode = MEMORY");
    db.pragma("foreign_keys = ON");
    db.transaction(() => {
      db.exec(DEMO_SCHEMA);
      populate(db, new Rng(seed), scale);
    })();
    db.exec("ANALYZE");
    for (const table of DEMO_TABLES) {
      tables[table] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
    db.close();
  } catch (error) {
    if (db.open) db.close();
    rmSync(tmp, { force: true });
    throw error;
  }
  renameSync(tmp, file);
  return { file, tables, seed };
}

/** Every random draw goes through one seeded Faker instance so runs are reproducible. */
class Rng {
  readonly faker: Faker;
  constructor(seed: number) {
    // A private instance: the global `faker` is shared with anything else in the process.
    this.faker = new Faker({ locale: [en] });
    this.faker.seed(seed);
  }
  next(): number {
    return this.faker.number.float();
  }
  int(min: number, max: number): number {
    return Math.min(max, min + Math.floor(this.next() * (max - min + 1)));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  /** A sampler over `items`; cumulative sums + binary search keep the hot loops cheap. */
  weighted<T>(items: readonly T[], weights: readonly number[]): () => T {
    const cumulative: number[] = [];
    let total = 0;
    for (const w of weights) cumulative.push((total += w));
    return () => items[Math.min(countAtMost(cumulative, this.next() * total), items.length - 1)]!;
  }
}

/** How many elements of an ascending array are <= `value` (binary search). */
function countAtMost(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const DAY_SECONDS = 86_400;
const dayOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
const isoDate = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const isoTimestamp = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ");
/** Integer cents to a two-decimal amount; dividing an integer by 100 rounds correctly. */
const money = (cents: number) => cents / 100;
const slug = (s: string) => s.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]/g, "");

const FIRST_ORDER_DAY = dayOf(2023, 1, 1);
const LAST_ORDER_DAY = dayOf(2025, 12, 31);
const END_SECONDS = (LAST_ORDER_DAY + 1) * DAY_SECONDS - 1;

function uniqueEmail(local: string, domain: string, used: Set<string>): string {
  let email = `${local}@${domain}`;
  for (let n = 2; used.has(email); n++) email = `${local}${n}@${domain}`;
  used.add(email);
  return email;
}

interface Employee {
  id: number;
  hireDay: number;
}

interface Customer {
  id: number;
  regionId: number;
  country: CountryRef;
  city: string;
  segment: string;
  createdDay: number;
}

interface Product {
  id: number;
  priceCents: number;
}

function populate(db: Database.Database, rng: Rng, scale: number): void {
  const { faker } = rng;
  const count = (base: number, min: number) => Math.max(min, Math.round(base * scale));

  const insertRegion = db.prepare("INSERT INTO regions (id, name, code) VALUES (?, ?, ?)");
  REGIONS.forEach((r, i) => insertRegion.run(i + 1, r.name, r.code));

  // --- employees: CEO -> VP of Sales -> one manager per region -> sales reps.
  const insertEmployee = db.prepare(
    "INSERT INTO employees (id, first_name, last_name, email, title, region_id, manager_id, hire_date, salary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const staffEmails = new Set<string>();
  let nextEmployeeId = 1;
  const hire = (title: string, regionId: number, managerId: number | null, hireDay: number, salary: number): Employee => {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const id = nextEmployeeId++;
    const email = uniqueEmail(`${slug(first)}.${slug(last)}`, "quarry-retail.example", staffEmails);
    insertEmployee.run(id, first, last, email, title, regionId, managerId, isoDate(hireDay), salary);
    return { id, hireDay };
  };
  const salary = (min: number, max: number) => rng.int(min / 500, max / 500) * 500;
  const ceo = hire("Chief Executive Officer", 1, null, dayOf(2014, 3, 3), 245_000);
  const vp = hire("VP of Sales", 1, ceo.id, dayOf(2015, 1, 1) + rng.int(0, 364), 182_500);
  const regionalManagers = REGIONS.map((_, i) =>
    hire("Regional Sales Manager", i + 1, vp.id, dayOf(2015, 6, 1) + rng.int(0, 5 * 365), salary(98_000, 135_000)),
  );
  const repsByRegion: Employee[][] = REGIONS.map(() => []);
  const repCount = count(BASE_COUNTS.salesReps, REGIONS.length);
  for (let i = 0; i < repCount; i++) {
    const region = i % REGIONS.length;
    const hireDay = dayOf(2016, 1, 1) + rng.int(0, dayOf(2025, 6, 30) - dayOf(2016, 1, 1));
    const senior = hireDay < dayOf(2020, 1, 1);
    const title = senior ? rng.pick(["Senior Sales Representative", "Account Executive"]) : "Sales Representative";
    const pay = senior ? salary(68_000, 92_000) : salary(48_000, 68_000);
    repsByRegion[region]!.push(hire(title, region + 1, regionalManagers[region]!.id, hireDay, pay));
  }
  for (const reps of repsByRegion) reps.sort((a, b) => a.hireDay - b.hireDay);

  // --- customers: a third signed up before the order window so early orders have buyers.
  const countries = REGIONS.flatMap((r, i) => r.countries.map((country) => ({ country, regionId: i + 1 })));
  const pickCountry = rng.weighted(countries, countries.map((c) => c.country.weight));
  const pickSegment = rng.weighted(["consumer", "small_business", "corporate"], [75, 18, 7]);
  const customerEmails = new Set<string>();
  const customerCount = count(BASE_COUNTS.customers, 20);
  const earlyCustomers = Math.ceil(customerCount / 3);
  const drafts = Array.from({ length: customerCount }, (_, i) => {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const [f, l] = [slug(first), slug(last)];
    const local = rng.pick([`${f}.${l}`, `${f}${l}`, `${f.slice(0, 1)}${l}`, `${f}_${l}`, `${f}.${l}${rng.int(1, 99)}`]);
    const { country, regionId } = pickCountry();
    const [from, to] = i < earlyCustomers ? [dayOf(2021, 1, 1), FIRST_ORDER_DAY - 1] : [FIRST_ORDER_DAY, dayOf(2025, 11, 30)];
    const createdSeconds = rng.int(from, to) * DAY_SECONDS + rng.int(0, DAY_SECONDS - 1);
    return {
      first,
      last,
      email: uniqueEmail(local, rng.pick(EMAIL_DOMAINS), customerEmails),
      phone: rng.chance(0.12) ? null : faker.phone.number({ style: "international" }),
      country,
      regionId,
      city: rng.pick(country.cities),
      segment: pickSegment(),
      createdSeconds,
    };
  });
  // Ids follow sign-up order, as an autoincrementing key would in a real shop.
  drafts.sort((a, b) => a.createdSeconds - b.createdSeconds);
  const insertCustomer = db.prepare(
    "INSERT INTO customers (id, first_name, last_name, email, phone, city, country, region_id, segment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const customers: Customer[] = drafts.map((c, i) => {
    insertCustomer.run(i + 1, c.first, c.last, c.email, c.phone, c.city, c.country.name, c.regionId, c.segment, isoTimestamp(c.createdSeconds));
    return { id: i + 1, regionId: c.regionId, country: c.country, city: c.city, segment: c.segment, createdDay: Math.floor(c.createdSeconds / DAY_SECONDS) };
  });
  const customerCreatedDays = customers.map((c) => c.createdDay);

  // --- categories: top-level departments first, then their leaves.
  const insertCategory = db.prepare("INSERT INTO categories (id, name, parent_id) VALUES (?, ?, ?)");
  CATEGORIES.forEach((c, i) => insertCategory.run(i + 1, c.name, null));
  const leaves: { id: number; ref: LeafCategoryRef }[] = [];
  CATEGORIES.forEach((c, i) =>
    c.children.forEach((ref) => {
      const id = CATEGORIES.length + leaves.length + 1;
      insertCategory.run(id, ref.name, i + 1);
      leaves.push({ id, ref });
    }),
  );

  // --- products: spread round-robin over leaf categories; a few best-sellers dominate.
  const insertProduct = db.prepare(
    "INSERT INTO products (id, sku, name, category_id, unit_price, cost, stock, is_active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const productNames = new Set<string>();
  const products: Product[] = [];
  const popularity: number[] = [];
  const productCount = count(BASE_COUNTS.products, 10);
  for (let i = 0; i < productCount; i++) {
    const leaf = leaves[i % leaves.length]!;
    const base = `${rng.pick(BRANDS)} ${rng.pick(leaf.ref.nouns)} ${rng.pick(MODEL_SUFFIXES)}`;
    let name = base;
    for (let n = 2; productNames.has(name); n++) name = `${base} ${n}`;
    productNames.add(name);
    const priceCents = rng.int(leaf.ref.price[0], leaf.ref.price[1]) * 100 + 99;
    const costCents = Math.round(priceCents * (0.4 + 0.35 * rng.next()));
    const active = rng.chance(0.92);
    const sku = `${leaf.ref.name.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(5, "0")}`;
    const stock = rng.chance(0.07) ? 0 : rng.int(5, 400);
    insertProduct.run(i + 1, sku, name, leaf.id, money(priceCents), money(costCents), stock, active ? 1 : 0);
    products.push({ id: i + 1, priceCents });
    // Cheap items sell more often than expensive ones; discontinued products still
    // appear in history, just less often.
    popularity.push(((rng.next() ** 3 + 0.02) * (active ? 1 : 0.3)) / Math.sqrt(priceCents / 100));
  }
  const pickProduct = rng.weighted(products, popularity);

  // --- order dates: yearly growth plus a November/December peak.
  const season = [0.85, 0.8, 0.9, 0.95, 1, 0.95, 0.95, 1, 1, 1.05, 1.45, 1.8];
  const growth: Record<number, number> = { 2023: 1, 2024: 1.15, 2025: 1.3 };
  const months: { year: number; month: number }[] = [];
  for (const year of [2023, 2024, 2025]) for (let month = 1; month <= 12; month++) months.push({ year, month });
  const pickMonth = rng.weighted(
    months,
    months.map(({ year, month }) => growth[year]! * season[month - 1]! * new Date(Date.UTC(year, month, 0)).getUTCDate()),
  );
  const orderCount = count(BASE_COUNTS.orders, 50);
  const orderDays = Array.from({ length: orderCount }, () => {
    const { year, month } = pickMonth();
    return dayOf(year, month, rng.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate()));
  }).sort((a, b) => a - b);

  // Recent orders are still in flight; older ones have settled.
  const pickRecent = rng.weighted(["pending", "shipped", "cancelled"], [55, 35, 10]);
  const pickInTransit = rng.weighted(["shipped", "delivered", "cancelled", "pending"], [45, 45, 6, 4]);
  const pickSettled = rng.weighted(["delivered", "cancelled", "returned"], [87, 7, 6]);
  const pickItemCount = rng.weighted([1, 2, 3, 4, 5, 6], [22, 25, 20, 15, 10, 8]);
  const pickQuantity = rng.weighted([1, 2, 3, 4, 5], [62, 22, 9, 4, 3]);
  const pickDiscountPct = rng.weighted([0, 5, 10, 15, 20, 25], [70, 10, 10, 5, 4, 1]);
  const pickMethod = rng.weighted(["card", "paypal", "bank_transfer", "gift_card"], [62, 22, 10, 6]);
  const priceFactor: Record<number, number> = { 2023: 0.92, 2024: 0.96, 2025: 1 };

  const insertOrder = db.prepare(
    "INSERT INTO orders (id, customer_id, employee_id, order_date, status, ship_city, ship_country, total_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertItem = db.prepare("INSERT INTO order_items (order_id, product_id, quantity, unit_price, discount) VALUES (?, ?, ?, ?, ?)");
  const insertPayment = db.prepare("INSERT INTO payments (order_id, paid_at, method, amount, status) VALUES (?, ?, ?, ?, ?)");

  orderDays.forEach((day, i) => {
    const orderId = i + 1;
    const age = LAST_ORDER_DAY - day;
    const status = age < 7 ? pickRecent() : age < 21 ? pickInTransit() : pickSettled();
    // Only customers who had signed up by the order date; the earliest third always qualifies.
    const eligible = Math.max(1, countAtMost(customerCreatedDays, day));
    const customer = customers[rng.int(0, eligible - 1)]!;
    let employeeId: number | null = null;
    if (!rng.chance(0.35)) {
      const reps = repsByRegion[customer.regionId - 1]!.filter((e) => e.hireDay <= day);
      employeeId = reps.length > 0 ? rng.pick(reps).id : regionalManagers[customer.regionId - 1]!.id;
    }
    const [shipCity, shipCountry] = rng.chance(0.9) ? [customer.city, customer.country.name] : [rng.pick(customer.country.cities), customer.country.name];

    // Line amounts in 1/100 cent are exact integers, so the total rounds exactly once.
    const year = new Date(day * 86_400_000).getUTCFullYear();
    const multiplier = customer.segment === "corporate" ? rng.pick([1, 2, 5, 10]) : customer.segment === "small_business" ? rng.pick([1, 1, 2, 3]) : 1;
    const wanted = Math.min(pickItemCount(), products.length);
    const chosen = new Set<Product>();
    while (chosen.size < wanted) chosen.add(pickProduct());
    let totalCentiCents = 0;
    const items = [...chosen].map((product) => {
      const quantity = pickQuantity() * multiplier;
      const priceCents = Math.max(99, Math.round((product.priceCents * priceFactor[year]!) / 100) * 100 - 1);
      const discountPct = pickDiscountPct();
      totalCentiCents += quantity * priceCents * (100 - discountPct);
      return { product, quantity, priceCents, discountPct };
    });
    const totalCents = Math.round(totalCentiCents / 100);

    insertOrder.run(orderId, customer.id, employeeId, isoDate(day), status, shipCity, shipCountry, money(totalCents));
    for (const it of items) insertItem.run(orderId, it.product.id, it.quantity, money(it.priceCents), it.discountPct / 100);

    if (status === "cancelled") return;
    const paymentStatus = status === "pending" ? "pending" : status === "returned" ? "refunded" : "completed";
    const method = pickMethod();
    // Bank transfers clear a few days after the order; everything else at checkout.
    const checkout = day * DAY_SECONDS + rng.int(7 * 3600, 23 * 3600);
    const delay = method === "bank_transfer" ? rng.int(1, 3) * DAY_SECONDS : 0;
    const stamp = (seconds: number) => (paymentStatus === "pending" ? null : isoTimestamp(Math.min(END_SECONDS, seconds)));
    const paidAt = stamp(checkout + delay);
    // Some shoppers spend a gift card first and pay the rest another way.
    if (method !== "gift_card" && totalCents >= 2000 && rng.chance(0.07)) {
      const giftCents = Math.min(totalCents - 100, rng.int(1, 10) * 1000);
      insertPayment.run(orderId, stamp(checkout), "gift_card", money(giftCents), paymentStatus);
      insertPayment.run(orderId, paidAt, method, money(totalCents - giftCents), paymentStatus);
    } else {
      insertPayment.run(orderId, paidAt, method, money(totalCents), paymentStatus);
    }
  });
}

