-- AlterTable
ALTER TABLE "SavedQuery" ADD COLUMN     "chart" TEXT,
ADD COLUMN     "folderId" TEXT;

-- AlterTable
ALTER TABLE "SavedQueryVersion" ADD COLUMN     "chart" TEXT;

-- AlterTable
ALTER TABLE "ShareLink" ADD COLUMN     "lastViewedAt" TIMESTAMP(3),
ADD COLUMN     "views" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "SavedQueryFolder" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedQueryFolder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SavedQueryGroupShare" (
    "savedQueryId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SavedQueryGroupShare_pkey" PRIMARY KEY ("savedQueryId","groupId")
);

-- CreateIndex
CREATE UNIQUE INDEX "SavedQueryFolder_ownerId_name_key" ON "SavedQueryFolder"("ownerId", "name");

-- CreateIndex
CREATE INDEX "SavedQueryGroupShare_groupId_idx" ON "SavedQueryGroupShare"("groupId");

-- CreateIndex
CREATE INDEX "SavedQuery_folderId_idx" ON "SavedQuery"("folderId");

-- AddForeignKey
ALTER TABLE "SavedQuery" ADD CONSTRAINT "SavedQuery_folderId_fkey" FOREIGN KEY ("folderId") REFERENCES "SavedQueryFolder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedQueryFolder" ADD CONSTRAINT "SavedQueryFolder_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedQueryGroupShare" ADD CONSTRAINT "SavedQueryGroupShare_savedQueryId_fkey" FOREIGN KEY ("savedQueryId") REFERENCES "SavedQuery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedQueryGroupShare" ADD CONSTRAINT "SavedQueryGroupShare_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

