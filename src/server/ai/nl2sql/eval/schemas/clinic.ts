import { insert, rng } from "./rng";

/** A clinic: departments, doctors, patients, appointments, prescriptions. Portable SQL. */
export const clinicDdl = [
  "CREATE TABLE departments (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, floor INTEGER NOT NULL)",
  "CREATE TABLE doctors (id INTEGER PRIMARY KEY, first_name VARCHAR(50) NOT NULL, last_name VARCHAR(50) NOT NULL, specialty VARCHAR(50) NOT NULL, department_id INTEGER NOT NULL REFERENCES departments (id), hired_on DATE NOT NULL, salary DECIMAL(10,2) NOT NULL)",
  "CREATE TABLE patients (id INTEGER PRIMARY KEY, first_name VARCHAR(50) NOT NULL, last_name VARCHAR(50) NOT NULL, email VARCHAR(100) NOT NULL, phone VARCHAR(30), birth_date DATE NOT NULL, city VARCHAR(50) NOT NULL, gender VARCHAR(10) NOT NULL)",
  "CREATE TABLE appointments (id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patients (id), doctor_id INTEGER NOT NULL REFERENCES doctors (id), appointment_date DATE NOT NULL, status VARCHAR(20) NOT NULL, fee DECIMAL(10,2) NOT NULL)",
  "CREATE TABLE prescriptions (id INTEGER PRIMARY KEY, appointment_id INTEGER NOT NULL REFERENCES appointments (id), medication VARCHAR(50) NOT NULL, dosage_mg INTEGER NOT NULL, days INTEGER NOT NULL)",
];

export function clinicRows(): string[] {
  const r = rng(42);
  const departments = ["Cardiology", "Pediatrics", "Neurology", "Orthopedics", "Dermatology"].map((n, i) => [i + 1, n, i + 1]);
  const specialties: Record<number, string[]> = { 1: ["cardiologist"], 2: ["pediatrician"], 3: ["neurologist"], 4: ["surgeon", "physiotherapist"], 5: ["dermatologist"] };
  const firsts = ["Ana", "Ben", "Chen", "Dewi", "Eva", "Farid", "Gita", "Hugo", "Ines", "Jon", "Kira", "Luis", "Maya", "Nina", "Omar", "Putri"];
  const lasts = ["Smith", "Garcia", "Tan", "Wijaya", "Muller", "Rossi", "Khan", "Lopez", "Sato", "Novak"];
  const doctors = Array.from({ length: 20 }, (_, i) => {
    const dep = ((i % 7) % 5) + 1; // uneven on purpose: rankings need a clear winner
    return [i + 1, r.pick(firsts), r.pick(lasts), r.pick(specialties[dep]!), dep, r.date("2010-01-01", "2024-12-31"), r.int(80, 250) * 1000];
  });
  const cities = ["Jakarta", "Bandung", "Surabaya", "Medan", "Denpasar", "Yogyakarta"];
  const patients = Array.from({ length: 300 }, (_, i) => {
    const f = r.pick(firsts);
    const l = r.pick(lasts);
    return [i + 1, f, l, `${f}.${l}${i}@mail.test`.toLowerCase(), r.next() < 0.2 ? null : `+62812${r.int(1000000, 9999999)}`, r.date("1940-01-01", "2020-12-31"), r.pick(cities), r.pick(["female", "male"])];
  });
  const statuses = ["completed", "completed", "completed", "cancelled", "no_show", "scheduled"];
  const appointments = Array.from({ length: 1500 }, (_, i) => [i + 1, r.int(1, 300), 1 + Math.floor(r.next() ** 2 * 20), r.date("2023-01-01", "2025-12-31"), r.pick(statuses), r.int(20, 300)]);
  const meds = ["Amoxicillin", "Ibuprofen", "Paracetamol", "Metformin", "Lisinopril", "Atorvastatin"];
  const prescriptions = Array.from({ length: 1200 }, (_, i) => [i + 1, r.int(1, 1500), r.pick(meds), r.pick([100, 250, 500, 850, 1000]), r.int(3, 30)]);
  return [
    ...insert("departments", departments),
    ...insert("doctors", doctors),
    ...insert("patients", patients),
    ...insert("appointments", appointments),
    ...insert("prescriptions", prescriptions),
  ];
}
