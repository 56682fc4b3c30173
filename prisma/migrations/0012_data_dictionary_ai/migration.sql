-- CreateTable
CREATE TABLE "DictionaryEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "dataSourceId" TEXT NOT NULL,
    "tableSchema" TEXT NOT NULL DEFAULT '',
    "tableName" TEXT NOT NULL,
    "columnName" TEXT NOT NULL DEFAULT '',
    "alias" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT NOT NULL DEFAULT '[]',
    "synonyms" TEXT NOT NULL DEFAULT '[]',
    "sampleValues" TEXT NOT NULL DEFAULT '[]',
    "valuesComplete" BOOLEAN NOT NULL DEFAULT false,
    "state" TEXT NOT NULL DEFAULT 'present',
    "renamedTo" TEXT,
    "editedFields" TEXT NOT NULL DEFAULT '[]',
    "proposals" TEXT NOT NULL DEFAULT '[]',
    "updatedById" TEXT,
    "updatedBy" TEXT,
    "sampledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DictionaryEntry_dataSourceId_fkey" FOREIGN KEY ("dataSourceId") REFERENCES "DataSource" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AiProvider" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "baseUrl" TEXT,
    "encryptedApiKey" TEXT,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "contextWindow" INTEGER,
    "timeoutMs" INTEGER NOT NULL DEFAULT 30000,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AiCall" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AiCall_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "AiProvider" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "DictionaryEntry_dataSourceId_tableSchema_tableName_columnName_key" ON "DictionaryEntry"("dataSourceId", "tableSchema", "tableName", "columnName");

-- CreateIndex
CREATE UNIQUE INDEX "AiProvider_name_key" ON "AiProvider"("name");

-- CreateIndex
CREATE INDEX "AiCall_userId_createdAt_idx" ON "AiCall"("userId", "createdAt");

