import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
import { toManagedUserDto, type ManagedUserDto } from "../../../dto/users";
import { listUsers } from "../../../services/users/query";
import { inviteMember, revokeMember } from "../../../services/users/team";
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
    async handle({ principal, query }) {
      const input = userListInput(query);
      const { items, total } = await listUsers(principal, input);
      const paging = { page: input.page, pageSize: input.pageSize, total };
      return { body: { members: items.map((u) => toRestMember(toManagedUserDto(u))), ...pageFields(paging) }, paging };
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
    async handle({ principal, body }) {
      const fullName = body.full_name ?? body.name;
      const result = await inviteMember(principal, { email: body.email, role: body.role ?? "viewer", fullName });
      return {
        body: {
          ...toRestMember(toManagedUserDto(result.user)),
          message: "Member invited; pass the temporary password on, it is not shown again",
          temporary_password: result.temporaryPassword,
          must_change_password: true as const,
        },
      };
    },
  }),
  defineRoute({
    method: "POST", path: "/team/members/:id/revoke", format, auth: "user", procedure: "users.revoke", tag,
    summary: "Remove a member (admin): deactivated and signed out everywhere; their history stays",
    response: restMember.extend({ message: z.string() }),
    async handle({ principal, params }) {
      const user = toManagedUserDto(await revokeMember(principal, params.id!));
      return { body: { ...toRestMember(user), message: "Member access revoked" } };
    },
  }),
];
