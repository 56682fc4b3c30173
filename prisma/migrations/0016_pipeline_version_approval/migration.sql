-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PipelineVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "pipelineId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "config" TEXT NOT NULL,
    "defaultParams" TEXT NOT NULL DEFAULT '{}',
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approvalStatus" TEXT,
    "approvalRequestedById" TEXT,
    "approvalDecidedById" TEXT,
    "approvalDecidedAt" DATETIME,
    "approvalComment" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "PipelineVersion_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "Pipeline" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PipelineVersion" ("config", "createdAt", "createdById", "defaultParams", "id", "pipelineId", "version") SELECT "config", "createdAt", "createdById", "defaultParams", "id", "pipelineId", "version" FROM "PipelineVersion";
DROP TABLE "PipelineVersion";
ALTER TABLE "new_PipelineVersion" RENAME TO "PipelineVersion";
CREATE INDEX "PipelineVersion_approvalStatus_idx" ON "PipelineVersion"("approvalStatus");
CREATE UNIQUE INDEX "PipelineVersion_pipelineId_version_key" ON "PipelineVersion"("pipelineId", "version");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

