import type { EvalCase } from "./types";

/**
 * A clinic schema the engine was not developed against. Expected SQL is portable
 * (runs the same on SQLite, PostgreSQL and MariaDB) except where marked. As of 2025-12-15.
 */
export const clinicCases: EvalCase[] = [
  { q: "How many patients do we have?", sql: "SELECT COUNT(*) FROM patients" },
  { q: "How many doctors are there?", sql: "SELECT COUNT(*) FROM doctors" },
  { q: "Number of appointments in 2024", sql: "SELECT COUNT(*) FROM appointments WHERE appointment_date >= '2024-01-01' AND appointment_date < '2025-01-01'" },
  { q: "How many appointments were cancelled?", sql: "SELECT COUNT(*) FROM appointments WHERE status = 'cancelled'" },
  { q: "Appointments by status", sql: "SELECT status, COUNT(*) FROM appointments GROUP BY status" },
  { q: "Total fees collected from completed appointments", sql: "SELECT SUM(fee) FROM appointments WHERE status = 'completed'" },
  { q: "Average appointment fee", sql: "SELECT AVG(fee) FROM appointments" },
  { q: "What is the highest doctor salary?", sql: "SELECT MAX(salary) FROM doctors" },
  { q: "Number of doctors per department", sql: "SELECT d.name, COUNT(*) FROM doctors x JOIN departments d ON x.department_id = d.id GROUP BY d.id, d.name" },
  { q: "Which department has the most doctors?", sql: "SELECT d.name, COUNT(*) n FROM doctors x JOIN departments d ON x.department_id = d.id GROUP BY d.id, d.name ORDER BY n DESC LIMIT 1" },
  { q: "Patients living in Bandung", sql: "SELECT * FROM patients WHERE city = 'Bandung'" },
  { q: "How many female patients are there?", sql: "SELECT COUNT(*) FROM patients WHERE gender = 'female'" },
  { q: "Patients per city", sql: "SELECT city, COUNT(*) FROM patients GROUP BY city" },
  { q: "Top 3 doctors by number of appointments", sql: "SELECT d.first_name, d.last_name, COUNT(*) n FROM appointments a JOIN doctors d ON a.doctor_id = d.id GROUP BY d.id, d.first_name, d.last_name ORDER BY n DESC LIMIT 3", ordered: true },
  { q: "Which doctor earns the highest salary?", sql: "SELECT first_name, last_name, salary FROM doctors ORDER BY salary DESC LIMIT 1" },
  { q: "Doctors with a salary over 200000", sql: "SELECT * FROM doctors WHERE salary > 200000" },
  { q: "How many doctors were hired since 2020?", sql: "SELECT COUNT(*) FROM doctors WHERE hired_on >= '2020-01-01'" },
  { q: "Total appointment fees by department", sql: "SELECT d.name, SUM(a.fee) FROM appointments a JOIN doctors x ON a.doctor_id = x.id JOIN departments d ON x.department_id = d.id GROUP BY d.id, d.name" },
  { q: "How many no_show appointments happened last month?", sql: "SELECT COUNT(*) FROM appointments WHERE status = 'no_show' AND appointment_date >= '2025-11-01' AND appointment_date < '2025-12-01'" },
  { q: "Appointments in Q1 2025", sql: "SELECT * FROM appointments WHERE appointment_date >= '2025-01-01' AND appointment_date < '2025-04-01'" },
  { q: "Most prescribed medication", sql: "SELECT medication, COUNT(*) n FROM prescriptions GROUP BY medication ORDER BY n DESC LIMIT 1" },
  { q: "Number of prescriptions per medication", sql: "SELECT medication, COUNT(*) FROM prescriptions GROUP BY medication" },
  { q: "Average dosage of Ibuprofen prescriptions", sql: "SELECT AVG(dosage_mg) FROM prescriptions WHERE medication = 'Ibuprofen'" },
  { q: "Prescriptions longer than 20 days", sql: "SELECT * FROM prescriptions WHERE days > 20" },
  { q: "How many distinct medications are prescribed?", sql: "SELECT COUNT(DISTINCT medication) FROM prescriptions" },
  { q: "Patients with more than 8 appointments", sql: "SELECT p.first_name, p.last_name, COUNT(*) FROM appointments a JOIN patients p ON a.patient_id = p.id GROUP BY p.id, p.first_name, p.last_name HAVING COUNT(*) > 8" },
  { q: "Average salary per specialty", sql: "SELECT specialty, AVG(salary) FROM doctors GROUP BY specialty" },
  { q: "List the departments on floor 3", sql: "SELECT * FROM departments WHERE floor = 3" },
  { q: "Appointments of pediatricians", sql: "SELECT a.* FROM appointments a JOIN doctors d ON a.doctor_id = d.id WHERE d.specialty = 'pediatrician'" },
  { q: "Number of appointments per patient city", sql: "SELECT p.city, COUNT(*) FROM appointments a JOIN patients p ON a.patient_id = p.id GROUP BY p.city" },
  { q: "Revenue from appointments this year", sql: "SELECT SUM(fee) FROM appointments WHERE appointment_date >= '2025-01-01' AND appointment_date < '2026-01-01'" },
  { q: "Which city has the most patients?", sql: "SELECT city, COUNT(*) n FROM patients GROUP BY city ORDER BY n DESC LIMIT 1" },
  { q: "Berapa jumlah pasien di Surabaya?", sql: "SELECT COUNT(*) FROM patients WHERE city = 'Surabaya'" },
  { q: "Jumlah dokter per spesialisasi", sql: "SELECT specialty, COUNT(*) FROM doctors GROUP BY specialty" },
];
