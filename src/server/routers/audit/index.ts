import "server-only";
import { createTRPCRouter } from "../../trpc";
import { list } from "./list";

export const auditRouter = createTRPCRouter({ list });
