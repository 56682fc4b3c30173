import "server-only";

export { connectionConfigSchema, connectorOptionsSchema, describeConfig } from "./config";
export { capabilitiesOf, closeAllConnectors, createConnector, evictConnector, getConnector } from "./registry";
export type * from "./types";
