import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
import type { ManagedUserDto } from "../../../routers/users/dto";
import { defineRoute } from "../../route";
import { pageFields, pageFieldsSchema, restManagedUser, toRestManagedUser, userListInput, userListQuery } from "./shapes";

/** InsightEngine's team: the same users, with `joined_at`. */
const tag = "team";
const format = "insight" as const;

const restMember = restManagedUser.extend({ joined_at: z.string() });
const toRestMember = (user: ManagedUserDto) => ({ ...toRestManagedUser(user), joined_at: user.createdAt });

export const teamRoutes = [
  defineRoute({
    method: "GET", path: "/team/members", format, auth: "user", procedure: "users.list", tag,
    summary: "List team members (admin); paginated",
    query: userListQuery, response: z.object({ members: z.array(restMember), ...pageFieldsSchema }),
    async handle({ caller, query }) {
      const result = await caller.users.list(userListInput(query));
      const paging = { page: result.page, pageSize: result.pageSize, total: result.total };
      return { body: { members: result.items.map(toRestMember), ...pageFields(paging) }, paging };
    },
  }),
  defineRoute({
    method: "POST", path: "/team/members", format, auth: "user", procedure: "users.invite", tag,
    summary: "Invite someone by email (admin): the answer carries a temporary password, shown this once",
    successStatus: 201,
    body: z.object({
      email: z.string({ error: "email is required" }).trim().email("a valid email is required").max(320),
      role: roleSchema.optional(),
      name: z.string().trim().max(200).optional(),
      full_name: z.string().trim().max(200).optional(),
    }),
    response: restMember.extend({
      message: z.string(),
      temporary_password: z.string(),
      must_change_password: z.literal(true),
    }),
    async handle({ caller, body }) {
      const fullName = body.full_name ?? body.name;
      const result = await caller.users.invite({ email: body.email, role: body.role, fullName });
      return {
        body: {
          ...toRestMember(result.user),
          message: "Member invited; pass the temporary password on, it is not shown again",
          temporary_password: result.temporaryPassword,
          must_change_password: result.mustChangePassword,
        },
      };
    },
  }),
  defineRoute({
    method: "POST", path: "/team/members/:id/revoke", format, auth: "user", procedure: "users.revoke", tag,
    summary: "Remove a member (admin): deactivated and signed out everywhere; their history stays",
    response: restMember.extend({ message: z.string() }),
    async handle({ caller, params }) {
      const user = await caller.users.revoke({ id: params.id! });
      return { body: { ...toRestMember(user), message: "Member access revoked" } };
    },
  }),
];
