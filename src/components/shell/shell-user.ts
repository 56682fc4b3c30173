import type { Role } from "@/lib/roles";

/** What the shell shows about the signed-in person; plain data, safe to hand to the client. */
export interface ShellUser {
  name: string;
  email: string;
  role: Role;
}
