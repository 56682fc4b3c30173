import "server-only";
import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { open } from "./open";
import { list } from "./list";
import { revoke } from "./revoke";

export { shareLinkDto } from "./dto";

export const sharesRouter = createTRPCRouter({ create, open, revoke, list });
