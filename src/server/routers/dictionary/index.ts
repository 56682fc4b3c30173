import "server-only";
import { createTRPCRouter } from "../../trpc";
import { aliases } from "./aliases";
import { autoGuess } from "./auto-guess";
import { decide } from "./decide";
import { table } from "./table";
import { tables } from "./tables";
import { updateColumn } from "./update-column";
import { updateTable } from "./update-table";

export const dictionaryRouter = createTRPCRouter({ tables, aliases, table, updateTable, updateColumn, decide, autoGuess });
