import { userPrincipal, type UserPrincipal } from "@/server/services/principal";

/**
 * An admin principal for tests that call an admin-only service directly (reading the
 * audit trail, the statistics). It names no stored user: the services it is used with
 * only check the role.
 */
export const testAdmin: UserPrincipal = userPrincipal(
  { id: "test-admin", email: "test-admin@example.test", username: "test-admin", fullName: "Test admin", role: "admin" },
  "127.0.0.1",
);
