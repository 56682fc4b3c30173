import "server-only";
import { createTRPCRouter } from "../../trpc";
import { clone } from "./clone";
import { create } from "./create";
import { execute } from "./execute";
import { get } from "./get";
import { list } from "./list";
import { remove } from "./remove";
import { run } from "./run";
import { update } from "./update";

export { templateDto } from "./dto";

export const templatesRouter = createTRPCRouter({ list, get, create, update, remove, clone, run, execute });
