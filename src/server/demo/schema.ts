import "server-only";

/**
 * DDL for the demo retail database. Money is REAL (two decimals by construction)
 * rather than NUMERIC because SQLite's NUMERIC affinity turns 12.00 into the integer
 * 12, which renders inconsistently in result grids. Dates are ISO-8601 text so that
 * string comparison, strftime() and BETWEEN all behave as newcomers expect.
 */
export const DEMO_SCHEMA = `
CREATE TABLE regions (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  code TEXT NOT NULL UNIQUE
);

CREATE TABLE employees (
  id         INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name  TEXT NOT NULL,
  email      TEXT NOT NULL UNIQUE,
  title      TEXT NOT NULL,
  region_id  INTEGER NOT NULL REFERENCES regions (id),
  manager_id INTEGER REFERENCES employees (id),
  hire_date  TEXT NOT NULL CHECK (hire_date = date(hire_date)),
  salary     REAL NOT NULL CHECK (salary > 0),
  CHECK (manager_id IS NULL OR manager_id <> id)
);
CREATE INDEX employees_region_id_idx ON employees (region_id);
CREATE INDEX employees_manager_id_idx ON employees (manager_id);

CREATE TABLE customers (
  id         INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name  TEXT NOT NULL,
  email      TEXT NOT NULL UNIQUE,
  phone      TEXT,
  city       TEXT NOT NULL,
  country    TEXT NOT NULL,
  region_id  INTEGER NOT NULL REFERENCES regions (id),
  segment    TEXT NOT NULL CHECK (segment IN ('consumer', 'small_business', 'corporate')),
  created_at TEXT NOT NULL CHECK (created_at = datetime(created_at))
);
CREATE INDEX customers_region_id_idx ON customers (region_id);
CREATE INDEX customers_created_at_idx ON customers (created_at);

CREATE TABLE categories (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE,
  parent_id INTEGER REFERENCES categories (id),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX categories_parent_id_idx ON categories (parent_id);

CREATE TABLE products (
  id          INTEGER PRIMARY KEY,
  sku         TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  category_id INTEGER NOT NULL REFERENCES categories (id),
  unit_price  REAL NOT NULL CHECK (unit_price > 0),
  cost        REAL NOT NULL CHECK (cost >= 0),
  stock       INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
  is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1))
);
CREATE INDEX products_category_id_idx ON products (category_id);

CREATE TABLE orders (
  id           INTEGER PRIMARY KEY,
  customer_id  INTEGER NOT NULL REFERENCES customers (id),
  -- NULL for web-shop orders that no sales rep handled.
  employee_id  INTEGER REFERENCES employees (id),
  order_date   TEXT NOT NULL CHECK (order_date = date(order_date)),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'shipped', 'delivered', 'cancelled', 'returned')),
  ship_city    TEXT NOT NULL,
  ship_country TEXT NOT NULL,
  total_amount REAL NOT NULL CHECK (total_amount >= 0)
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_employee_id_idx ON orders (employee_id);
CREATE INDEX orders_order_date_idx ON orders (order_date);

CREATE TABLE order_items (
  id         INTEGER PRIMARY KEY,
  order_id   INTEGER NOT NULL REFERENCES orders (id),
  product_id INTEGER NOT NULL REFERENCES products (id),
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  -- The price charged at the time, which may differ from today's list price.
  unit_price REAL NOT NULL CHECK (unit_price > 0),
  discount   REAL NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount < 1),
  UNIQUE (order_id, product_id)
);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);

CREATE TABLE payments (
  id       INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders (id),
  -- NULL while the payment is still pending.
  paid_at  TEXT CHECK (paid_at = datetime(paid_at)),
  method   TEXT NOT NULL CHECK (method IN ('card', 'paypal', 'bank_transfer', 'gift_card')),
  amount   REAL NOT NULL CHECK (amount > 0),
  status   TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'refunded')),
  CHECK ((status = 'pending') = (paid_at IS NULL))
);
CREATE INDEX payments_order_id_idx ON payments (order_id);
CREATE INDEX payments_paid_at_idx ON payments (paid_at);

-- Revenue is recognised once goods leave the warehouse; pending, cancelled and
-- returned orders are not revenue.
CREATE VIEW monthly_revenue AS
SELECT strftime('%Y-%m', order_date) AS month,
       COUNT(*)                      AS orders,
       ROUND(SUM(total_amount), 2)   AS revenue
FROM orders
WHERE status IN ('shipped', 'delivered')
GROUP BY month
ORDER BY month;

-- Money the customer actually kept spending: cancelled and returned orders do not
-- count. LEFT JOIN so customers who never ordered show up with zeros.
CREATE VIEW customer_lifetime_value AS
SELECT c.id                                       AS customer_id,
       c.first_name || ' ' || c.last_name         AS name,
       COUNT(o.id)                                AS orders,
       ROUND(COALESCE(SUM(o.total_amount), 0), 2) AS total_spent
FROM customers AS c
LEFT JOIN orders AS o
  ON o.customer_id = c.id AND o.status NOT IN ('cancelled', 'returned')
GROUP BY c.id, c.first_name, c.last_name;
`;
