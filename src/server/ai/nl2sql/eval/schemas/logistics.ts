import { insert, rng } from "./rng";

/** A logistics company: warehouses, drivers, vehicles, shipments. Portable SQL. */
export const logisticsDdl = [
  "CREATE TABLE warehouses (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, city VARCHAR(50) NOT NULL, country VARCHAR(50) NOT NULL, capacity INTEGER NOT NULL)",
  "CREATE TABLE drivers (id INTEGER PRIMARY KEY, full_name VARCHAR(100) NOT NULL, license_type VARCHAR(5) NOT NULL, hired_date DATE NOT NULL, warehouse_id INTEGER NOT NULL REFERENCES warehouses (id))",
  "CREATE TABLE vehicles (id INTEGER PRIMARY KEY, plate VARCHAR(20) NOT NULL, kind VARCHAR(20) NOT NULL, capacity_kg INTEGER NOT NULL, warehouse_id INTEGER NOT NULL REFERENCES warehouses (id))",
  "CREATE TABLE shipments (id INTEGER PRIMARY KEY, warehouse_id INTEGER NOT NULL REFERENCES warehouses (id), driver_id INTEGER NOT NULL REFERENCES drivers (id), vehicle_id INTEGER NOT NULL REFERENCES vehicles (id), destination_city VARCHAR(50) NOT NULL, destination_country VARCHAR(50) NOT NULL, weight_kg DECIMAL(10,2) NOT NULL, shipped_date DATE NOT NULL, status VARCHAR(20) NOT NULL, cost DECIMAL(10,2) NOT NULL)",
];

export function logisticsRows(): string[] {
  const r = rng(1234);
  const sites = [["Rotterdam Hub", "Rotterdam", "Netherlands"], ["Hamburg Depot", "Hamburg", "Germany"], ["Lyon Center", "Lyon", "France"], ["Milan Yard", "Milan", "Italy"], ["Warsaw Point", "Warsaw", "Poland"], ["Madrid Base", "Madrid", "Spain"]];
  const warehouses = sites.map(([n, c, k], i) => [i + 1, n!, c!, k!, r.int(5, 50) * 1000]);
  const names = ["Alex Brandt", "Bea Costa", "Carl Dietz", "Dana Evans", "Emil Fox", "Fay Gruber", "Gus Hahn", "Hana Ito", "Ivo Jansen", "Jana Kral", "Kai Lund", "Lena Moser", "Milo Nagy", "Nora Ott", "Oskar Pohl", "Pia Quist", "Rui Silva", "Sara Toth"];
  const drivers = names.map((n, i) => [i + 1, n, r.pick(["B", "C", "CE"]), r.date("2012-01-01", "2025-06-30"), r.int(1, 6)]);
  const vehicles = Array.from({ length: 25 }, (_, i) => {
    const kind = r.pick(["van", "truck", "cargo bike"]);
    return [i + 1, `NL-${100 + i}-X`, kind, kind === "truck" ? r.int(8, 24) * 1000 : kind === "van" ? r.int(8, 35) * 100 : 150, r.int(1, 6)];
  });
  const dests = [["Paris", "France"], ["Berlin", "Germany"], ["Vienna", "Austria"], ["Prague", "Czechia"], ["Brussels", "Belgium"], ["Copenhagen", "Denmark"], ["Lisbon", "Portugal"], ["Zurich", "Switzerland"]];
  const statuses = ["delivered", "delivered", "delivered", "in_transit", "returned", "lost"];
  const shipments = Array.from({ length: 2000 }, (_, i) => {
    const [city, country] = r.pick(dests);
    return [i + 1, r.int(1, 6), r.int(1, 18), r.int(1, 25), city!, country!, r.int(5, 20000) / 10, r.date("2023-06-01", "2025-12-10"), r.pick(statuses), r.int(1000, 250000) / 100];
  });
  return [...insert("warehouses", warehouses), ...insert("drivers", drivers), ...insert("vehicles", vehicles), ...insert("shipments", shipments)];
}
