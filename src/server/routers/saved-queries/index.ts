import "server-only";
import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { diff } from "./diff";
import { foldersRouter } from "./folders";
import { get } from "./get";
import { list } from "./list";
import { move } from "./move";
import { remove } from "./remove";
import { revert } from "./revert";
import { share } from "./share";
import { shareGroups } from "./share-groups";
import { update } from "./update";
import { versions } from "./versions";

export { savedQueryDto, savedQueryInput } from "./dto";

export const savedQueriesRouter = createTRPCRouter({
  create,
  list,
  get,
  update,
  remove,
  share,
  shareGroups,
  versions,
  diff,
  revert,
  move,
  folders: foldersRouter,
});
