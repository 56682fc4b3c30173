import "server-only";
import { z } from "zod";
import { createFolder, deleteFolder, listFolders, renameFolder } from "../../services/saved-queries";
import { authedProcedure, createTRPCRouter } from "../../trpc";
import { folderDto, folderName } from "./dto";

const folderId = z.object({ id: z.string().min(1).max(100) });

/** The caller's folders of saved queries; deleting one keeps its queries, in no folder. */
export const foldersRouter = createTRPCRouter({
  list: authedProcedure.output(z.array(folderDto)).query(({ ctx }) => listFolders(ctx.principal)),
  create: authedProcedure
    .input(z.object({ name: folderName }))
    .output(folderDto)
    .mutation(({ ctx, input }) => createFolder(ctx.principal, input.name)),
  rename: authedProcedure
    .input(folderId.extend({ name: folderName }))
    .output(folderDto)
    .mutation(({ ctx, input }) => renameFolder(ctx.principal, input.id, input.name)),
  remove: authedProcedure
    .input(folderId)
    .output(z.object({ movedQueries: z.number() }))
    .mutation(({ ctx, input }) => deleteFolder(ctx.principal, input.id)),
});
