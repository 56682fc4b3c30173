/** The admin console's tabs; plain data so the server page can validate `?tab=`. */
export const ADMIN_TABS = ["datasources", "users", "groups", "audit", "system"] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];
