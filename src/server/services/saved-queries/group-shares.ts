import "server-only";
import { db } from "../../db";
import { validationFailed } from "../../errors";
import { recordAudit } from "../audit";
import { PERSONAL_PREFIX } from "../groups";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { load, toView, type SavedQueryView } from "./access";

/**
 * Shares a saved query read-only with every member of some groups (`remove` takes the
 * share away). Only the owner or an admin decides; members can open and run it, never
 * change or delete it. Personal groups (one user each) are for admins to pick, as in
 * the group list; everyone else shares with shared groups.
 */
export async function shareSavedQueryWithGroups(
  principal: Principal,
  id: string,
  groupIds: string[],
  action: "add" | "remove",
): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  await load(user, id, "owner");
  const groups = await db.group.findMany({
    where: { id: { in: groupIds }, ...(user.role === "admin" ? {} : { NOT: { name: { startsWith: PERSONAL_PREFIX } } }) },
    select: { id: true },
  });
  const unknown = groupIds.filter((g) => !groups.some((x) => x.id === g));
  if (unknown.length) throw validationFailed([{ field: "group_ids", message: `unknown groups: ${unknown.join(", ")}` }]);
  await db.$transaction(
    groupIds.map((groupId) =>
      action === "remove"
        ? db.savedQueryGroupShare.deleteMany({ where: { savedQueryId: id, groupId } })
        : db.savedQueryGroupShare.upsert({
            where: { savedQueryId_groupId: { savedQueryId: id, groupId } },
            create: { savedQueryId: id, groupId },
            update: {},
          }),
    ),
  );
  await recordAudit(auditActorOf(principal), {
    action: "share_saved_query_groups",
    resourceType: "saved_query",
    resourceId: id,
    details: { groupIds, action },
  });
  const fresh = await load(user, id, "read");
  return toView(user, fresh.q, fresh.groupIds);
}
