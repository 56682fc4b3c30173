import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
import { toManagedUserDto } from "../../../dto/users";
import { createManagedUser, deleteUser, resetPassword, updateUser } from "../../../services/users/manage";
import { getUserDetail, listUsers } from "../../../services/users/query";
import { defineRoute } from "../../route";
import {
  messageBody,
  pageFields,
  pageFieldsSchema,
  restManagedUser,
  toRestManagedUser,
  userListInput,
  userListQuery,
} from "./shapes";

/** QueryBase's user administration under /auth/users. */
const tag = "users";
const format = "querybase" as const;

const email = z.string({ error: "email is required" }).trim().email("a valid email is required").max(320);
const username = z.string().trim().min(2).max(64).regex(/^[a-zA-Z0-9_.-]+$/, "letters, digits, '_', '.' and '-' only");
const fullName = z.string().trim().max(200);

const createBody = z.object({
  email,
  username: username.optional(),
  full_name: fullName.optional(),
  name: fullName.optional(),
  password: z.string({ error: "password is required" }).min(8, "at least 8 characters").max(256),
  role: roleSchema.optional(),
});

const updateBody = z.object({
  email: email.optional(),
  username: username.optional(),
  full_name: fullName.optional(),
  name: fullName.optional(),
  role: roleSchema.optional(),
  active: z.boolean().optional(),
  is_active: z.boolean().optional(),
});

const userDetail = restManagedUser.extend({ groups: z.array(z.object({ id: z.string(), name: z.string() })) });

export const userRoutes = [
  defineRoute({
    method: "GET", path: "/auth/users", format, auth: "user", procedure: "users.list", tag,
    summary: "List users (admin); `search`, `role`, `active` filter; paginated",
    query: userListQuery,
    response: z.object({ data: z.array(restManagedUser), ...pageFieldsSchema }),
    async handle({ principal, query }) {
      const input = userListInput(query);
      const { items, total } = await listUsers(principal, input);
      const paging = { page: input.page, pageSize: input.pageSize, total };
      return { body: { data: items.map((u) => toRestManagedUser(toManagedUserDto(u), "querybase")), ...pageFields(paging) }, paging };
    },
  }),
  defineRoute({
    method: "POST", path: "/auth/users", format, auth: "user", procedure: "users.create", tag,
    summary: "Create a user (admin); role defaults to viewer, `user` means analyst",
    body: createBody, successStatus: 201, response: restManagedUser,
    async handle({ principal, body }) {
      const user = await createManagedUser(principal, {
        email: body.email,
        username: body.username,
        fullName: body.full_name ?? body.name,
        password: body.password,
        role: body.role ?? "viewer",
      });
      return { body: toRestManagedUser(toManagedUserDto(user), "querybase") };
    },
  }),
  defineRoute({
    method: "GET", path: "/auth/users/:id", format, auth: "user", procedure: "users.get", tag,
    summary: "One user with their groups (admin, or the user themself)",
    response: userDetail,
    async handle({ principal, params }) {
      const { user, groups } = await getUserDetail(principal, params.id!);
      return { body: { ...toRestManagedUser(toManagedUserDto(user), "querybase"), groups } };
    },
  }),
  defineRoute({
    method: "PUT", path: "/auth/users/:id", format, auth: "user", procedure: "users.update", tag,
    summary: "Change a user (admin); users may change their own full_name, username and email only",
    body: updateBody, response: restManagedUser,
    async handle({ principal, params, body }) {
      const user = await updateUser(principal, params.id!, {
        email: body.email,
        username: body.username,
        fullName: body.full_name ?? body.name,
        role: body.role,
        isActive: body.is_active ?? body.active,
      });
      return { body: toRestManagedUser(toManagedUserDto(user), "querybase") };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/auth/users/:id", format, auth: "user", procedure: "users.remove", tag,
    summary: "Delete a user (admin); not yourself, never the last active admin",
    response: messageBody,
    async handle({ principal, params }) {
      await deleteUser(principal, params.id!);
      return { body: { message: "User deleted successfully" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/auth/users/:id/reset-password", format, auth: "user", procedure: "users.resetPassword", tag,
    summary: "Set another user's password (admin); signs them out everywhere",
    body: z.object({
      new_password: z.string({ error: "new_password is required" }).min(8, "at least 8 characters").max(256),
    }),
    response: messageBody,
    async handle({ principal, params, body }) {
      await resetPassword(principal, params.id!, body.new_password);
      return { body: { message: "Password reset successfully" } };
    },
  }),
];
