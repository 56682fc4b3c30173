import "server-only";
import { createTRPCRouter } from "../../trpc";
import { execute } from "./execute";
import { exportFile } from "./export";
import { cancel, get, history, remove, results } from "./history";
import { validate } from "./validate";

export const queriesRouter = createTRPCRouter({ execute, exportFile, validate, history, get, remove, results, cancel });
