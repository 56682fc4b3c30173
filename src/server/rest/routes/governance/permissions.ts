import "server-only";
import { z } from "zod";
import {
  dataSourcePermissions,
  replaceDataSourcePermissions,
  setUserPermission,
  type GrantView,
} from "../../../services/groups/permissions";
import { defineRoute } from "../../route";
import { messageBody } from "./shapes";

const grantBody = z.object({
  group_id: z.string({ error: "group_id is required" }).trim().min(1, "group_id is required").max(100),
  can_read: z.boolean().default(true),
  can_write: z.boolean().default(false),
  can_approve: z.boolean().default(false),
});

const restGrant = z.object({
  group_id: z.string(),
  group_name: z.string(),
  personal: z.boolean(),
  can_read: z.boolean(),
  can_write: z.boolean(),
  can_approve: z.boolean(),
});

const toRestGrant = (g: GrantView): z.infer<typeof restGrant> => ({
  group_id: g.groupId,
  group_name: g.groupName,
  personal: g.personal,
  can_read: g.canRead,
  can_write: g.canWrite,
  can_approve: g.canApprove,
});

const access = z.object({ can_read: z.boolean(), can_write: z.boolean(), can_approve: z.boolean() });

export const permissionRoutes = [
  defineRoute({
    method: "GET", path: "/datasources/:id/permissions", format: "querybase", auth: "user",
    procedure: "groups.permissions", tag: "datasources",
    summary: "The groups granted access to a data source (anyone who may read it)",
    response: z.object({ data_source_id: z.string(), permissions: z.array(restGrant) }),
    async handle({ principal, params }) {
      const grants = await dataSourcePermissions(principal, params.id!);
      return { body: { data_source_id: params.id!, permissions: grants.map(toRestGrant) } };
    },
  }),
  defineRoute({
    method: "PUT", path: "/datasources/:id/permissions", format: "querybase", auth: "user",
    procedure: "groups.setPermissions", tag: "datasources",
    summary: "Replace a data source's grants with the given list (admin)",
    body: z.object({ permissions: z.array(grantBody, { error: "permissions must be a list" }).max(1000) }),
    response: messageBody.extend({ data_source_id: z.string(), permissions: z.array(restGrant) }),
    async handle({ principal, params, body }) {
      const grants = await replaceDataSourcePermissions(
        principal,
        params.id!,
        body.permissions.map((p) => ({
          groupId: p.group_id,
          canRead: p.can_read,
          canWrite: p.can_write,
          canApprove: p.can_approve,
        })),
      );
      return {
        body: {
          message: "Permissions updated successfully",
          data_source_id: params.id!,
          permissions: grants.map(toRestGrant),
        },
      };
    },
  }),
  defineRoute({
    method: "PUT", path: "/permissions/:resource_id", format: "insight", auth: "user",
    procedure: "groups.setUserPermission", tag: "datasources",
    summary: "Set one user's direct permission on a data source (admin): read, write (+read), approve (+write); none removes it",
    body: z.object({
      user_id: z.string({ error: "user_id is required" }).trim().min(1, "user_id is required").max(100),
      permission: z.enum(["read", "write", "approve", "none"], { error: "permission must be read, write, approve or none" }),
    }),
    response: z.object({
      message: z.string(),
      resource_id: z.string(),
      user_id: z.string(),
      permission: z.string(),
      effective: access,
    }),
    async handle({ principal, params, body }) {
      const result = await setUserPermission(principal, params.resource_id!, body.user_id, body.permission);
      return {
        body: {
          message: "Permission updated successfully",
          resource_id: params.resource_id!,
          user_id: body.user_id,
          permission: result.permission,
          effective: {
            can_read: result.effective.canRead,
            can_write: result.effective.canWrite,
            can_approve: result.effective.canApprove,
          },
        },
      };
    },
  }),
];
