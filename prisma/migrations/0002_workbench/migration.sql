-- AlterTable
ALTER TABLE "DataSource" ADD COLUMN "lastError" TEXT;
ALTER TABLE "DataSource" ADD COLUMN "lastSyncedAt" DATETIME;
ALTER TABLE "DataSource" ADD COLUMN "latencyMs" INTEGER;
ALTER TABLE "DataSource" ADD COLUMN "schemaCache" TEXT;
ALTER TABLE "DataSource" ADD COLUMN "serverVersion" TEXT;

-- CreateTable
CREATE TABLE "Group" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "GroupMember" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("groupId", "userId"),
    CONSTRAINT "GroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DataSourcePermission" (
    "dataSourceId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "canRead" BOOLEAN NOT NULL DEFAULT true,
    "canWrite" BOOLEAN NOT NULL DEFAULT false,
    "canApprove" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("dataSourceId", "groupId"),
    CONSTRAINT "DataSourcePermission_dataSourceId_fkey" FOREIGN KEY ("dataSourceId") REFERENCES "DataSource" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DataSourcePermission_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QueryRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "dataSourceId" TEXT,
    "sql" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "operation" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'editor',
    "rowCount" INTEGER NOT NULL DEFAULT 0,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "executionTimeMs" INTEGER,
    "error" TEXT,
    "approvalId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "QueryRun_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "QueryRun_dataSourceId_fkey" FOREIGN KEY ("dataSourceId") REFERENCES "DataSource" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QueryResult" (
    "queryRunId" TEXT NOT NULL PRIMARY KEY,
    "columns" TEXT NOT NULL,
    "rows" TEXT NOT NULL,
    CONSTRAINT "QueryResult_queryRunId_fkey" FOREIGN KEY ("queryRunId") REFERENCES "QueryRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SavedQuery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "dataSourceId" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "sql" TEXT NOT NULL,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SavedQuery_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SavedQuery_dataSourceId_fkey" FOREIGN KEY ("dataSourceId") REFERENCES "DataSource" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SavedQueryVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "savedQueryId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "sql" TEXT NOT NULL,
    "tags" TEXT NOT NULL,
    "dataSourceId" TEXT,
    "editedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SavedQueryVersion_savedQueryId_fkey" FOREIGN KEY ("savedQueryId") REFERENCES "SavedQuery" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SavedQueryVersion_editedById_fkey" FOREIGN KEY ("editedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SavedQueryShare" (
    "savedQueryId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "permission" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("savedQueryId", "userId"),
    CONSTRAINT "SavedQueryShare_savedQueryId_fkey" FOREIGN KEY ("savedQueryId") REFERENCES "SavedQuery" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SavedQueryShare_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ShareLink" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ShareLink_queryRunId_fkey" FOREIGN KEY ("queryRunId") REFERENCES "QueryRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ShareLink_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Group_name_key" ON "Group"("name");

-- CreateIndex
CREATE INDEX "GroupMember_userId_idx" ON "GroupMember"("userId");

-- CreateIndex
CREATE INDEX "DataSourcePermission_groupId_idx" ON "DataSourcePermission"("groupId");

-- CreateIndex
CREATE INDEX "QueryRun_userId_createdAt_idx" ON "QueryRun"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "QueryRun_dataSourceId_idx" ON "QueryRun"("dataSourceId");

-- CreateIndex
CREATE INDEX "SavedQuery_ownerId_updatedAt_idx" ON "SavedQuery"("ownerId", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "SavedQueryVersion_savedQueryId_version_key" ON "SavedQueryVersion"("savedQueryId", "version");

-- CreateIndex
CREATE INDEX "SavedQueryShare_userId_idx" ON "SavedQueryShare"("userId");

