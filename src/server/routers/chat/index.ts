import "server-only";
import { createTRPCRouter } from "../../trpc";
import { addMessage } from "./add-message";
import { createSession } from "./create-session";
import { deleteSession } from "./delete-session";
import { send } from "./send";
import { session } from "./session";
import { sessions } from "./sessions";
import { status } from "./status";
import { updateSession } from "./update-session";

export const chatRouter = createTRPCRouter({ sessions, session, addMessage, createSession, updateSession, deleteSession, send, status });
