-- CreateTable
CREATE TABLE "TokenLimit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "scope" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "dailyTokens" INTEGER,
    "monthlyTokens" INTEGER,
    "dailyRequests" INTEGER,
    "monthlyRequests" INTEGER,
    "updatedById" TEXT,
    "updatedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ChatSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "dataSourceId" TEXT,
    "state" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ChatSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChatMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'sent',
    "sql" TEXT,
    "engine" TEXT,
    "model" TEXT,
    "dataSourceId" TEXT,
    "queryRunId" TEXT,
    "approvalId" TEXT,
    "result" TEXT,
    "chart" TEXT,
    "promptTokens" INTEGER,
    "completionTokens" INTEGER,
    "error" TEXT,
    "latencyMs" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ChatMessage_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "ChatSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AiCall" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT,
    "providerId" TEXT,
    "engine" TEXT NOT NULL,
    "model" TEXT NOT NULL DEFAULT '',
    "dataSourceId" TEXT,
    "question" TEXT NOT NULL,
    "sql" TEXT,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "promptTokens" INTEGER,
    "completionTokens" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "latencyMs" INTEGER NOT NULL,
    "purpose" TEXT NOT NULL DEFAULT 'nl2sql',
    "providerKind" TEXT NOT NULL DEFAULT 'builtin',
    "providerName" TEXT NOT NULL DEFAULT '',
    "chatSessionId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AiCall_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "AiProvider" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_AiCall" ("attempts", "completionTokens", "createdAt", "dataSourceId", "engine", "error", "id", "latencyMs", "model", "outcome", "promptTokens", "providerId", "question", "sql", "userId") SELECT "attempts", "completionTokens", "createdAt", "dataSourceId", "engine", "error", "id", "latencyMs", "model", "outcome", "promptTokens", "providerId", "question", "sql", "userId" FROM "AiCall";
DROP TABLE "AiCall";
ALTER TABLE "new_AiCall" RENAME TO "AiCall";
CREATE INDEX "AiCall_userId_createdAt_idx" ON "AiCall"("userId", "createdAt");
CREATE INDEX "AiCall_createdAt_idx" ON "AiCall"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "TokenLimit_scope_subject_key" ON "TokenLimit"("scope", "subject");

-- CreateIndex
CREATE INDEX "ChatSession_userId_updatedAt_idx" ON "ChatSession"("userId", "updatedAt");

-- CreateIndex
CREATE INDEX "ChatMessage_sessionId_createdAt_idx" ON "ChatMessage"("sessionId", "createdAt");

