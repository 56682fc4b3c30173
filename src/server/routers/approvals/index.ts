import "server-only";
import { createTRPCRouter } from "../../trpc";
import { commit } from "./commit";
import { counts } from "./counts";
import { get } from "./get";
import { list } from "./list";
import { preview } from "./preview";
import { review } from "./review";
import { retry } from "./retry";
import { revert } from "./revert";
import { rollback } from "./rollback";

export const approvalsRouter = createTRPCRouter({ list, counts, get, review, preview, commit, rollback, retry, revert });
