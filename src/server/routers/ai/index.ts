import "server-only";
import { createTRPCRouter } from "../../trpc";
import { ask } from "./ask";
import { createProvider } from "./create-provider";
import { deleteProvider } from "./delete-provider";
import { providers } from "./providers";
import { testProvider } from "./test-provider";

export const aiRouter = createTRPCRouter({ ask, providers, createProvider, deleteProvider, testProvider });
