import "server-only";
import type { ParameterDefinition } from "@/lib/sql-parameters";
import { db } from "../../db";
import { normalizeParameters, type TemplateEngine } from "./index";

export const DEMO_TEMPLATES_SETTING = "demo.templates";

interface DemoTemplate {
  slug: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  sql: string;
  parameters: ParameterDefinition[];
  engines?: TemplateEngine[];
}

const period: ParameterDefinition[] = [
  { name: "start_date", type: "date", label: "From", default: "2024-01-01", required: true },
  { name: "end_date", type: "date", label: "Until (exclusive)", default: "2025-01-01", required: true },
];

/**
 * The templates the demo ships, written against the retail schema (src/server/demo/schema.ts).
 * Revenue counts shipped and delivered orders only, as the demo's own views do. Dates are
 * ISO text in the demo database, so comparisons with a date parameter work on every engine.
 */
export const DEMO_TEMPLATES: DemoTemplate[] = [
  {
    slug: "top-customers-by-revenue",
    title: "Top customers by revenue",
    description: "The customers who spent the most in a period (shipped and delivered orders).",
    category: "sales",
    tags: ["revenue", "customers"],
    sql: `SELECT c.id, c.first_name, c.last_name, c.segment, COUNT(o.id) AS orders, ROUND(SUM(o.total_amount), 2) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id
WHERE o.status IN ('shipped', 'delivered')
  AND o.order_date >= {{start_date}} AND o.order_date < {{end_date}}
GROUP BY c.id, c.first_name, c.last_name, c.segment
ORDER BY revenue DESC
LIMIT 20`,
    parameters: period,
  },
  {
    slug: "revenue-by-region",
    title: "Revenue by region",
    description: "Revenue and order count per sales region in a period.",
    category: "sales",
    tags: ["revenue", "regions"],
    sql: `SELECT r.name AS region, COUNT(o.id) AS orders, ROUND(SUM(o.total_amount), 2) AS revenue
FROM orders o
JOIN customers c ON c.id = o.customer_id
JOIN regions r ON r.id = c.region_id
WHERE o.status IN ('shipped', 'delivered')
  AND o.order_date >= {{start_date}} AND o.order_date < {{end_date}}
GROUP BY r.name
ORDER BY revenue DESC`,
    parameters: period,
  },
  {
    slug: "monthly-revenue",
    title: "Monthly revenue",
    description: "Revenue per month of a period (month taken from the ISO date text).",
    category: "sales",
    tags: ["revenue", "trend"],
    sql: `SELECT substr(o.order_date, 1, 7) AS month, COUNT(*) AS orders, ROUND(SUM(o.total_amount), 2) AS revenue
FROM orders o
WHERE o.status IN ('shipped', 'delivered')
  AND o.order_date >= {{start_date}} AND o.order_date < {{end_date}}
GROUP BY substr(o.order_date, 1, 7)
ORDER BY month`,
    parameters: period,
    // substr() of a date: text in SQLite, implicitly cast in MySQL; PostgreSQL would need to_char.
    engines: ["sqlite", "mysql"],
  },
  {
    slug: "orders-by-status",
    title: "Orders by status",
    description: "How many orders sit in each status, with their value, since a date.",
    category: "operations",
    tags: ["orders", "status"],
    sql: `SELECT status, COUNT(*) AS orders, ROUND(SUM(total_amount), 2) AS value
FROM orders
WHERE order_date >= {{since}}
GROUP BY status
ORDER BY orders DESC`,
    parameters: [{ name: "since", type: "date", label: "Since", default: "2024-01-01", required: true }],
  },
  {
    slug: "best-selling-products",
    title: "Best-selling products",
    description: "Products by units sold in a period, with revenue after discounts.",
    category: "products",
    tags: ["products", "revenue"],
    sql: `SELECT p.sku, p.name, SUM(oi.quantity) AS units, ROUND(SUM(oi.quantity * oi.unit_price * (1 - oi.discount)), 2) AS revenue
FROM order_items oi
JOIN orders o ON o.id = oi.order_id
JOIN products p ON p.id = oi.product_id
WHERE o.status IN ('shipped', 'delivered')
  AND o.order_date >= {{start_date}} AND o.order_date < {{end_date}}
GROUP BY p.sku, p.name
ORDER BY units DESC
LIMIT 25`,
    parameters: period,
  },
  {
    slug: "low-stock-products",
    title: "Low-stock products",
    description: "Active products whose stock is at or below a threshold.",
    category: "products",
    tags: ["inventory", "stock"],
    sql: `SELECT p.sku, p.name, c.name AS category, p.stock
FROM products p
JOIN categories c ON c.id = p.category_id
WHERE p.is_active = 1 AND p.stock <= {{threshold}}
ORDER BY p.stock, p.name`,
    parameters: [{ name: "threshold", type: "integer", label: "Stock at most", default: 25, required: true }],
  },
  {
    slug: "product-margins-by-category",
    title: "Product margins by category",
    description: "Average list margin per category, for categories with at least N products.",
    category: "products",
    tags: ["margin", "pricing"],
    sql: `SELECT c.name AS category, COUNT(*) AS products, ROUND(AVG((p.unit_price - p.cost) / p.unit_price) * 100, 1) AS margin_pct
FROM products p
JOIN categories c ON c.id = p.category_id
GROUP BY c.name
HAVING COUNT(*) >= {{min_products}}
ORDER BY margin_pct DESC`,
    parameters: [{ name: "min_products", type: "integer", label: "At least this many products", default: 1, required: true }],
  },
  {
    slug: "customers-by-segment",
    title: "New customers by segment",
    description: "Customers who signed up in a period, per segment.",
    category: "customers",
    tags: ["customers", "segments"],
    sql: `SELECT segment, COUNT(*) AS customers
FROM customers
WHERE created_at >= {{start_date}} AND created_at < {{end_date}}
GROUP BY segment
ORDER BY customers DESC`,
    parameters: period,
  },
  {
    slug: "customers-in-city",
    title: "Customers in a city",
    description: "Customers of one city with their lifetime order value.",
    category: "customers",
    tags: ["customers", "geography"],
    sql: `SELECT c.id, c.first_name, c.last_name, c.segment, COALESCE(SUM(o.total_amount), 0) AS lifetime_value
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id AND o.status IN ('shipped', 'delivered')
WHERE c.city = {{city}}
GROUP BY c.id, c.first_name, c.last_name, c.segment
ORDER BY lifetime_value DESC`,
    parameters: [{ name: "city", type: "string", label: "City", required: true }],
  },
  {
    slug: "large-orders",
    title: "Large orders",
    description: "Orders above an amount in a period, newest first.",
    category: "operations",
    tags: ["orders"],
    sql: `SELECT o.id, o.order_date, o.status, o.ship_city, o.total_amount
FROM orders o
WHERE o.total_amount >= {{min_amount}}
  AND o.order_date >= {{start_date}} AND o.order_date < {{end_date}}
ORDER BY o.order_date DESC
LIMIT 100`,
    parameters: [{ name: "min_amount", type: "number", label: "Amount at least", default: 500, required: true }, ...period],
  },
  {
    slug: "payments-by-method",
    title: "Payments by method",
    description: "Completed and refunded payment totals per method.",
    category: "finance",
    tags: ["payments"],
    sql: `SELECT method, status, COUNT(*) AS payments, ROUND(SUM(amount), 2) AS amount
FROM payments
WHERE status = {{status}}
GROUP BY method, status
ORDER BY amount DESC`,
    parameters: [{ name: "status", type: "string", label: "Status (pending, completed, refunded)", default: "completed", required: true }],
  },
  {
    slug: "sales-rep-performance",
    title: "Sales rep performance",
    description: "Orders handled and revenue per employee in a period.",
    category: "people",
    tags: ["employees", "revenue"],
    sql: `SELECT e.id, e.first_name, e.last_name, e.title, COUNT(o.id) AS orders, ROUND(SUM(o.total_amount), 2) AS revenue
FROM employees e
JOIN orders o ON o.employee_id = e.id
WHERE o.status IN ('shipped', 'delivered')
  AND o.order_date >= {{start_date}} AND o.order_date < {{end_date}}
GROUP BY e.id, e.first_name, e.last_name, e.title
ORDER BY revenue DESC`,
    parameters: period,
  },
];

/**
 * Adds the shipped templates once (demo mode). Like the demo data source, they are not
 * re-created after an admin deletes them: the marker setting records that they were added.
 */
export async function ensureDemoTemplates(): Promise<number> {
  if (await db.appSetting.findUnique({ where: { key: DEMO_TEMPLATES_SETTING } })) return 0;
  let added = 0;
  for (const t of DEMO_TEMPLATES) {
    const parameters = normalizeParameters(t.sql, t.parameters);
    const existing = await db.queryTemplate.findUnique({ where: { slug: t.slug } });
    if (existing) continue;
    await db.queryTemplate.create({
      data: {
        slug: t.slug,
        title: t.title,
        description: t.description,
        sql: t.sql,
        category: t.category,
        tags: JSON.stringify(t.tags),
        parameters: JSON.stringify(parameters),
        engines: JSON.stringify(t.engines ?? []),
      },
    });
    added += 1;
  }
  await db.appSetting.create({ data: { key: DEMO_TEMPLATES_SETTING, value: new Date().toISOString() } });
  return added;
}
