import "server-only";
import { createTRPCRouter } from "../../trpc";
import { cancel } from "./cancel";
import { get } from "./get";
import { list } from "./list";

export const jobsRouter = createTRPCRouter({ get, list, cancel });
