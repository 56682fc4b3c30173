import "server-only";
import { createTRPCRouter } from "../../trpc";
import { create, deliveries, events, list, remove, test, update } from "./procedures";

export const webhooksRouter = createTRPCRouter({ create, list, events, update, remove, deliveries, test });
