import { insert, rng } from "./rng";

/**
 * A lending library, written after the engine was tuned: held out for its first run
 * (81 %), then used for four general fixes (see README), so no longer unseen.
 */
export const libraryDdl = [
  "CREATE TABLE authors (author_id INTEGER PRIMARY KEY, author_name VARCHAR(100) NOT NULL, nationality VARCHAR(50) NOT NULL, born_year INTEGER NOT NULL)",
  "CREATE TABLE books (book_id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, author_id INTEGER NOT NULL REFERENCES authors (author_id), genre VARCHAR(30) NOT NULL, published_year INTEGER NOT NULL, pages INTEGER NOT NULL, copies INTEGER NOT NULL)",
  "CREATE TABLE members (member_id INTEGER PRIMARY KEY, member_name VARCHAR(100) NOT NULL, email VARCHAR(100) NOT NULL, joined_date DATE NOT NULL, membership VARCHAR(20) NOT NULL)",
  "CREATE TABLE loans (loan_id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL REFERENCES books (book_id), member_id INTEGER NOT NULL REFERENCES members (member_id), loan_date DATE NOT NULL, returned BOOLEAN NOT NULL, late_fee DECIMAL(6,2) NOT NULL)",
];

export function libraryRows(): string[] {
  const r = rng(777);
  const nations = ["British", "American", "French", "Japanese", "Nigerian", "Indonesian", "Colombian"];
  const authors = Array.from({ length: 40 }, (_, i) => [i + 1, `Author ${String.fromCharCode(65 + (i % 26))}${i}`, r.pick(nations), r.int(1900, 1995)]);
  const genres = ["fiction", "mystery", "science", "history", "poetry", "fantasy"];
  const books = Array.from({ length: 250 }, (_, i) => [i + 1, `Book ${i + 1}`, r.int(1, 40), r.pick(genres), r.int(1950, 2025), r.int(80, 900), r.int(1, 6)]);
  const tiers = ["basic", "basic", "premium", "student"];
  const members = Array.from({ length: 200 }, (_, i) => [i + 1, `Member ${i + 1}`, `member${i + 1}@library.test`, r.date("2018-01-01", "2025-11-30"), r.pick(tiers)]);
  const loans = Array.from({ length: 1800 }, (_, i) => {
    const returned = r.next() < 0.85 ? 1 : 0;
    return [i + 1, r.int(1, 250), r.int(1, 200), r.date("2022-01-01", "2025-12-10"), returned, r.next() < 0.2 ? r.int(50, 2000) / 100 : 0];
  });
  return [...insert("authors", authors), ...insert("books", books), ...insert("members", members), ...insert("loans", loans)];
}
