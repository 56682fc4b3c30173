-- AlterTable
ALTER TABLE "SavedQueryVersion" ADD COLUMN "chart" TEXT;

-- CreateTable
CREATE TABLE "SavedQueryFolder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SavedQueryFolder_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SavedQueryGroupShare" (
    "savedQueryId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("savedQueryId", "groupId"),
    CONSTRAINT "SavedQueryGroupShare_savedQueryId_fkey" FOREIGN KEY ("savedQueryId") REFERENCES "SavedQuery" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SavedQueryGroupShare_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SavedQuery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "dataSourceId" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "sql" TEXT NOT NULL,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "chart" TEXT,
    "folderId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SavedQuery_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SavedQuery_dataSourceId_fkey" FOREIGN KEY ("dataSourceId") REFERENCES "DataSource" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "SavedQuery_folderId_fkey" FOREIGN KEY ("folderId") REFERENCES "SavedQueryFolder" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_SavedQuery" ("createdAt", "dataSourceId", "description", "id", "ownerId", "sql", "tags", "title", "updatedAt", "version") SELECT "createdAt", "dataSourceId", "description", "id", "ownerId", "sql", "tags", "title", "updatedAt", "version" FROM "SavedQuery";
DROP TABLE "SavedQuery";
ALTER TABLE "new_SavedQuery" RENAME TO "SavedQuery";
CREATE INDEX "SavedQuery_ownerId_updatedAt_idx" ON "SavedQuery"("ownerId", "updatedAt");
CREATE INDEX "SavedQuery_folderId_idx" ON "SavedQuery"("folderId");
CREATE TABLE "new_ShareLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "queryRunId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "passwordHash" TEXT,
    "sql" TEXT NOT NULL,
    "columns" TEXT NOT NULL,
    "rows" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME,
    "views" INTEGER NOT NULL DEFAULT 0,
    "lastViewedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ShareLink_queryRunId_fkey" FOREIGN KEY ("queryRunId") REFERENCES "QueryRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ShareLink_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ShareLink" ("columns", "createdAt", "createdById", "expiresAt", "id", "passwordHash", "queryRunId", "revokedAt", "rowCount", "rows", "sql") SELECT "columns", "createdAt", "createdById", "expiresAt", "id", "passwordHash", "queryRunId", "revokedAt", "rowCount", "rows", "sql" FROM "ShareLink";
DROP TABLE "ShareLink";
ALTER TABLE "new_ShareLink" RENAME TO "ShareLink";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "SavedQueryFolder_ownerId_name_key" ON "SavedQueryFolder"("ownerId", "name");

-- CreateIndex
CREATE INDEX "SavedQueryGroupShare_groupId_idx" ON "SavedQueryGroupShare"("groupId");

