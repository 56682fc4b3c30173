import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
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
    async handle({ caller, query }) {
      const result = await caller.users.list(userListInput(query));
      const paging = { page: result.page, pageSize: result.pageSize, total: result.total };
      return { body: { data: result.items.map(toRestManagedUser), ...pageFields(paging) }, paging };
    },
  }),
  defineRoute({
    method: "POST", path: "/auth/users", format, auth: "user", procedure: "users.create", tag,
    summary: "Create a user (admin); role defaults to viewer, `user` means analyst",
    body: createBody, successStatus: 201, response: restManagedUser,
    async handle({ caller, body }) {
      const user = await caller.users.create({
        email: body.email,
        username: body.username,
        fullName: body.full_name ?? body.name,
        password: body.password,
        role: body.role,
      });
      return { body: toRestManagedUser(user) };
    },
  }),
  defineRoute({
    method: "GET", path: "/auth/users/:id", format, auth: "user", procedure: "users.get", tag,
    summary: "One user with their groups (admin, or the user themself)",
    response: userDetail,
    async handle({ caller, params }) {
      const user = await caller.users.get({ id: params.id! });
      return { body: { ...toRestManagedUser(user), groups: user.groups } };
    },
  }),
  defineRoute({
    method: "PUT", path: "/auth/users/:id", format, auth: "user", procedure: "users.update", tag,
    summary: "Change a user (admin); users may change their own full_name, username and email only",
    body: updateBody, response: restManagedUser,
    async handle({ caller, params, body }) {
      const user = await caller.users.update({
        id: params.id!,
        email: body.email,
        username: body.username,
        fullName: body.full_name ?? body.name,
        role: body.role,
        isActive: body.is_active ?? body.active,
      });
      return { body: toRestManagedUser(user) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/auth/users/:id", format, auth: "user", procedure: "users.remove", tag,
    summary: "Delete a user (admin); not yourself, never the last active admin",
    response: messageBody,
    async handle({ caller, params }) {
      return { body: await caller.users.remove({ id: params.id! }) };
    },
  }),
  defineRoute({
    method: "POST", path: "/auth/users/:id/reset-password", format, auth: "user", procedure: "users.resetPassword", tag,
    summary: "Set another user's password (admin); signs them out everywhere",
    body: z.object({
      new_password: z.string({ error: "new_password is required" }).min(8, "at least 8 characters").max(256),
    }),
    response: messageBody,
    async handle({ caller, params, body }) {
      return { body: await caller.users.resetPassword({ id: params.id!, newPassword: body.new_password }) };
    },
  }),
];
