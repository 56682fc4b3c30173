/**
 * The target-database engines Quarry connects to, declared once. Server code adds what
 * each can do (`Capabilities` in src/server/connectors/types.ts); the client needs only
 * the names (the data-source form).
 */
export const ENGINES = ["postgres", "mysql", "sqlite"] as const;
export type Engine = (typeof ENGINES)[number];
