/** Rows for the PostgreSQL and MariaDB lineage fixtures: distinctive personal values, so any leak is visible. */
export const lineageCustomers = Array.from({ length: 10 }, (_, i) => {
  const n = i + 1;
  return {
    id: n,
    first_name: `Name${n}`,
    email: `person${n}.q7x@example.org`,
    phone: n === 4 ? null : `+44 20 7946 01${String(n).padStart(2, "0")}`,
    address: `${n} Baker Street, Flat ${n}`,
    date_of_birth: `19${70 + n}-0${(n % 9) + 1}-1${n % 10}`,
    city: n % 2 ? "Leeds" : "York",
  };
});

export const lineageOrders = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, customer_id: (i % 10) + 1, total: 10 + i, status: i % 3 ? "shipped" : "pending" }));

const quote = (v: unknown) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);

export function lineageInserts(): string[] {
  return [
    `INSERT INTO customers (id, first_name, email, phone, address, date_of_birth, city) VALUES ${lineageCustomers
      .map((c) => `(${[c.id, c.first_name, c.email, c.phone, c.address, c.date_of_birth, c.city].map(quote).join(", ")})`)
      .join(", ")}`,
    `INSERT INTO orders (id, customer_id, total, status) VALUES ${lineageOrders.map((o) => `(${[o.id, o.customer_id, o.total, o.status].map(quote).join(", ")})`).join(", ")}`,
  ];
}
