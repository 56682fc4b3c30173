-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "dataSourceId" TEXT NOT NULL,
    "requestedById" TEXT NOT NULL,
    "sql" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "riskLevel" TEXT NOT NULL DEFAULT 'low',
    "riskReasons" TEXT NOT NULL DEFAULT '[]',
    "estimatedRows" INTEGER,
    "requiredApprovals" INTEGER NOT NULL DEFAULT 1,
    "preview" TEXT,
    "previewedAt" DATETIME,
    "affectedRows" INTEGER,
    "error" TEXT,
    "backupTable" TEXT,
    "executedAt" DATETIME,
    "executedById" TEXT,
    "revertedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ApprovalRequest_dataSourceId_fkey" FOREIGN KEY ("dataSourceId") REFERENCES "DataSource" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApprovalRequest_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApprovalReview" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "approvalId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comments" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApprovalReview_approvalId_fkey" FOREIGN KEY ("approvalId") REFERENCES "ApprovalRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApprovalReview_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DataSource" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "host" TEXT NOT NULL DEFAULT '',
    "port" INTEGER,
    "database" TEXT NOT NULL,
    "username" TEXT NOT NULL DEFAULT '',
    "encryptedSecret" TEXT,
    "sslMode" TEXT NOT NULL DEFAULT 'disable',
    "options" TEXT NOT NULL DEFAULT '{}',
    "description" TEXT NOT NULL DEFAULT '',
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'unknown',
    "lastCheckedAt" DATETIME,
    "lastError" TEXT,
    "latencyMs" INTEGER,
    "serverVersion" TEXT,
    "schemaCache" TEXT,
    "lastSyncedAt" DATETIME,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "twoApprovalsForHighRisk" BOOLEAN NOT NULL DEFAULT false,
    "backupBeforeCommit" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "DataSource_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_DataSource" ("createdAt", "createdById", "database", "description", "encryptedSecret", "engine", "host", "id", "isDemo", "lastCheckedAt", "lastError", "lastSyncedAt", "latencyMs", "name", "options", "port", "schemaCache", "serverVersion", "sslMode", "status", "updatedAt", "username") SELECT "createdAt", "createdById", "database", "description", "encryptedSecret", "engine", "host", "id", "isDemo", "lastCheckedAt", "lastError", "lastSyncedAt", "latencyMs", "name", "options", "port", "schemaCache", "serverVersion", "sslMode", "status", "updatedAt", "username" FROM "DataSource";
DROP TABLE "DataSource";
ALTER TABLE "new_DataSource" RENAME TO "DataSource";
CREATE UNIQUE INDEX "DataSource_name_key" ON "DataSource"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ApprovalRequest_status_createdAt_idx" ON "ApprovalRequest"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ApprovalRequest_dataSourceId_status_idx" ON "ApprovalRequest"("dataSourceId", "status");

-- CreateIndex
CREATE INDEX "ApprovalRequest_requestedById_idx" ON "ApprovalRequest"("requestedById");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalReview_approvalId_reviewerId_key" ON "ApprovalReview"("approvalId", "reviewerId");

