export { useTRPC, useTRPCClient } from "./client";
export { TRPCReactProvider } from "./provider";
