import "server-only";
import { z } from "zod";
import type { GroupView } from "../services/groups";

export const groupMemberDto = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  fullName: z.string(),
  role: z.string(),
  isActive: z.boolean(),
  addedAt: z.string(),
});

export const groupDto = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  memberCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Present for admins only. */
  members: z.array(groupMemberDto).optional(),
});
export type GroupDto = z.infer<typeof groupDto>;

export const toGroupDto = (group: GroupView): GroupDto => ({
  id: group.id,
  name: group.name,
  description: group.description,
  memberCount: group.memberCount,
  createdAt: group.createdAt.toISOString(),
  updatedAt: group.updatedAt.toISOString(),
  ...(group.members
    ? { members: group.members.map((m) => ({ ...m, addedAt: m.addedAt.toISOString() })) }
    : {}),
});

export const groupIdInput = z.object({ id: z.string().trim().min(1, "id is required").max(100) });
export const groupNameField = z.string().trim().min(1, "name is required").max(100);
export const descriptionField = z.string().trim().max(1000);

export const grantDto = z.object({
  groupId: z.string(),
  groupName: z.string(),
  personal: z.boolean(),
  canRead: z.boolean(),
  canWrite: z.boolean(),
  canApprove: z.boolean(),
});

export const memberInput = groupIdInput.extend({ userId: z.string().trim().min(1, "user_id is required").max(100) });
export const dataSourceIdInput = z.object({
  dataSourceId: z.string().trim().min(1, "data source id is required").max(100),
});
