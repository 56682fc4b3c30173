import "server-only";
import { createTRPCRouter } from "../../trpc";
import { execute } from "./execute";
import { exportFile } from "./export";
import { format } from "./format";
import { cancel, get, history, remove, results } from "./history";
import { validate } from "./validate";

export const queriesRouter = createTRPCRouter({ execute, exportFile, format, validate, history, get, remove, results, cancel });
