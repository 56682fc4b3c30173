-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 1,
    "backoff" TEXT NOT NULL DEFAULT '{}',
    "runAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "result" TEXT,
    "error" TEXT,
    "errorCode" TEXT,
    "idempotencyKey" TEXT,
    "principalId" TEXT NOT NULL,
    "cancelRequestedAt" DATETIME,
    "scheduleId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "JobSchedule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "jobName" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "principalId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastTickAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "Job_principalId_createdAt_idx" ON "Job"("principalId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_name_idempotencyKey_key" ON "Job"("name", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "JobSchedule_name_key" ON "JobSchedule"("name");

