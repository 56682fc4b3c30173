import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/roles";
import type { GroupDto } from "../../../dto/groups";
import type { ManagedUserDto } from "../../../dto/users";
import type { Paging } from "../../route";
import { pageWindow, pagingQuery, totalPages } from "../../pagination";
import { restUser, toRestUser } from "../auth";

/**
 * How a route spells roles. QueryBase (and its real frontend) calls an analyst `user`;
 * routes only QueryBase documents (`/auth/users`, `/groups`) answer that spelling, the
 * others (and routes shared with other documents, like `/auth/me`) keep `analyst`.
 * Input accepts both everywhere (`roleSchema`).
 */
export type RoleSpelling = "querybase" | "quarry";
export const spellRole = (role: string, spelling: RoleSpelling) => (spelling === "querybase" && role === "analyst" ? "user" : role);

/** A user in every seed's spelling at once: QueryBase's `active`, the others' `is_active`/`name`. */
export const restManagedUser = restUser.extend({ active: z.boolean(), updated_at: z.string() });
export type RestManagedUser = z.infer<typeof restManagedUser>;

export const toRestManagedUser = (user: ManagedUserDto, spelling: RoleSpelling = "quarry"): RestManagedUser => {
  const rest = toRestUser(user);
  return { ...rest, role: spellRole(rest.role, spelling), active: user.isActive, updated_at: user.updatedAt };
};

export const restGroup = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  member_count: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  members: z
    .array(
      z.object({
        id: z.string(),
        email: z.string(),
        username: z.string(),
        full_name: z.string(),
        role: z.string(),
        is_active: z.boolean(),
        added_at: z.string(),
      }),
    )
    .optional(),
});

export const toRestGroup = (group: GroupDto, spelling: RoleSpelling = "querybase"): z.infer<typeof restGroup> => ({
  id: group.id,
  name: group.name,
  description: group.description,
  member_count: group.memberCount,
  created_at: group.createdAt,
  updated_at: group.updatedAt,
  ...(group.members
    ? {
        members: group.members.map((m) => ({
          id: m.id,
          email: m.email,
          username: m.username,
          full_name: m.fullName,
          role: spellRole(m.role, spelling),
          is_active: m.isActive,
          added_at: m.addedAt,
        })),
      }
    : {}),
});

export const messageBody = z.object({ message: z.string() });

const booleanText = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

/** List filters shared by /auth/users, /admin/users and /team/members. */
export const userListQuery = pagingQuery.extend({
  search: z.string().trim().max(200).optional(),
  role: roleSchema.optional(),
  is_active: booleanText.optional(),
  active: booleanText.optional(),
  status: z.enum(["active", "inactive"]).optional(),
});
export type UserListQuery = z.infer<typeof userListQuery>;

export const userListInput = (query: UserListQuery) => {
  const { page, pageSize } = pageWindow(query, 50, 200);
  const isActive = query.is_active ?? query.active ?? (query.status ? query.status === "active" : undefined);
  return { page, pageSize, search: query.search || undefined, role: query.role, isActive };
};

/** The page fields every list answer carries in the body, beside the X-Total-Count etc. headers. */
export const pageFields = (paging: Paging) => ({
  total: paging.total,
  page: paging.page,
  page_size: paging.pageSize,
  limit: paging.pageSize,
  total_pages: totalPages(paging),
});

export const pageFieldsSchema = {
  total: z.number(),
  page: z.number(),
  page_size: z.number(),
  limit: z.number(),
  total_pages: z.number(),
};
