import "server-only";
import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { get } from "./get";
import { invite } from "./invite";
import { list } from "./list";
import { remove } from "./remove";
import { resetPassword } from "./reset-password";
import { revoke } from "./revoke";
import { setRole } from "./set-role";
import { setStatus } from "./set-status";
import { update } from "./update";

export const usersRouter = createTRPCRouter({
  list,
  get,
  create,
  update,
  remove,
  resetPassword,
  setRole,
  setStatus,
  invite,
  revoke,
});
