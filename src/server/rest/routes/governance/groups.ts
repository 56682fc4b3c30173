import "server-only";
import { z } from "zod";
import { toGroupDto } from "../../../dto/groups";
import { addMember, createGroup, deleteGroup, getGroup, listGroups, removeMember, updateGroup } from "../../../services/groups";
import { defineRoute } from "../../route";
import { pageWindow, pagingQuery } from "../../pagination";
import { messageBody, pageFields, pageFieldsSchema, restGroup, toRestGroup } from "./shapes";

/** QueryBase's groups: the things data-source permissions are granted to. */
const tag = "groups";
const format = "querybase" as const;

const name = z.string({ error: "name is required" }).trim().min(1, "name is required").max(100);
const description = z.string().trim().max(1000);
const memberBody = z.object({
  user_id: z.string({ error: "user_id is required" }).trim().min(1, "user_id is required").max(100),
});

export const groupRoutes = [
  defineRoute({
    method: "GET", path: "/groups", format, auth: "user", procedure: "groups.list", tag,
    summary: "List groups with member counts (any signed-in user); `search` filters by name",
    query: pagingQuery.extend({ search: z.string().trim().max(100).optional() }),
    response: z.object({ data: z.array(restGroup), groups: z.array(restGroup), ...pageFieldsSchema }),
    async handle({ principal, query }) {
      const { page, pageSize } = pageWindow(query, 50, 200);
      const result = await listGroups(principal, { page, pageSize, search: query.search || undefined });
      const paging = { page, pageSize, total: result.total };
      const shaped = result.items.map((g) => toRestGroup(toGroupDto(g)));
      // `data` is the document's key; QueryBase's real frontend reads `groups`.
      return { body: { data: shaped, groups: shaped, ...pageFields(paging) }, paging };
    },
  }),
  defineRoute({
    method: "POST", path: "/groups", format, auth: "user", procedure: "groups.create", tag,
    summary: "Create a group (admin)",
    body: z.object({ name, description: description.optional() }), successStatus: 201, response: restGroup,
    async handle({ principal, body }) {
      return { body: toRestGroup(toGroupDto(await createGroup(principal, body))) };
    },
  }),
  defineRoute({
    method: "GET", path: "/groups/:id", format, auth: "user", procedure: "groups.get", tag,
    summary: "One group; its members are listed for admins only",
    response: restGroup,
    async handle({ principal, params }) {
      return { body: toRestGroup(toGroupDto(await getGroup(principal, params.id!))) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/groups/:id", format, auth: "user", procedure: "groups.update", tag,
    summary: "Rename or describe a group (admin)",
    body: z.object({ name: name.optional(), description: description.optional() }), response: restGroup,
    async handle({ principal, params, body }) {
      return { body: toRestGroup(toGroupDto(await updateGroup(principal, params.id!, body))) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/groups/:id", format, auth: "user", procedure: "groups.remove", tag,
    summary: "Delete a group with its memberships and grants (admin)",
    response: messageBody,
    async handle({ principal, params }) {
      await deleteGroup(principal, params.id!);
      return { body: { message: "Group deleted successfully" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/groups/:id/users", format, auth: "user", procedure: "groups.addMember", tag,
    summary: "Add a user to a group (admin); adding a member again changes nothing",
    body: memberBody, response: messageBody.extend({ added: z.boolean() }),
    async handle({ principal, params, body }) {
      const { added } = await addMember(principal, params.id!, body.user_id);
      return { body: { added, message: added ? "User added to group successfully" : "User is already a member of this group" } };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/groups/:id/users", format, auth: "user", procedure: "groups.removeMember", tag,
    summary: "Remove a user from a group (admin); the user_id goes in the body",
    body: memberBody, response: messageBody,
    async handle({ principal, params, body }) {
      await removeMember(principal, params.id!, body.user_id);
      return { body: { message: "User removed from group successfully" } };
    },
  }),
];
