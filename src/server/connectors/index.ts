import "server-only";

export { connectionConfigSchema, connectorOptionsSchema, describeConfig } from "./config";
export { closeAllConnectors, createConnector, evictConnector, getConnector } from "./registry";
export type * from "./types";
