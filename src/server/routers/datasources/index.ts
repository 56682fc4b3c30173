import "server-only";
import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { get } from "./get";
import { health } from "./health";
import { list } from "./list";
import { remove } from "./remove";
import { requestSync } from "./request-sync";
import { schema, sync, table } from "./schema";
import { testConnection } from "./test-connection";
import { testDraft } from "./test-draft";
import { update } from "./update";

export const datasourcesRouter = createTRPCRouter({
  list,
  get,
  create,
  update,
  remove,
  testConnection,
  testDraft,
  health,
  schema,
  table,
  sync,
  requestSync,
});
