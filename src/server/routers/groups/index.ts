import "server-only";
import { createTRPCRouter } from "../../trpc";
import { addMember } from "./add-member";
import { create } from "./create";
import { get } from "./get";
import { list } from "./list";
import { permissions } from "./permissions";
import { remove } from "./remove";
import { removeMember } from "./remove-member";
import { setPermissions } from "./set-permissions";
import { setUserPermission } from "./set-user-permission";
import { update } from "./update";

export const groupsRouter = createTRPCRouter({
  list,
  get,
  create,
  update,
  remove,
  addMember,
  removeMember,
  permissions,
  setPermissions,
  setUserPermission,
});
