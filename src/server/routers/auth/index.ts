import "server-only";
import { createTRPCRouter } from "../../trpc";
import { changePassword } from "./change-password";
import { login } from "./login";
import { logout } from "./logout";
import { me } from "./me";
import { refresh } from "./refresh";
import { register } from "./register";

export const authRouter = createTRPCRouter({ login, register, refresh, logout, me, changePassword });
