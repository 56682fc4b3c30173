import "server-only";
import { adminRoutes } from "./admin";
import { auditRoutes } from "./audit";
import { groupRoutes } from "./groups";
import { permissionRoutes } from "./permissions";
import { teamRoutes } from "./team";
import { userRoutes } from "./users";

/** Users, groups, permissions, team, audit and admin: the governance area of routes.tsv, less approvals. */
export const governanceRoutes = [
  ...userRoutes,
  ...groupRoutes,
  ...permissionRoutes,
  ...teamRoutes,
  ...auditRoutes,
  ...adminRoutes,
];
