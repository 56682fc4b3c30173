-- The search index on a PostgreSQL app database (services/search/index-store.ts): not a
-- Prisma model, like the SQLite FTS5 table of 0013_platform. The tsvector is generated from
-- the title (weight A) and the body (weight B), stemmed like the SQLite index's porter
-- tokenizer (the 'english' configuration), and GIN-indexed.
CREATE TABLE "SearchIndex" (
    "kind" TEXT NOT NULL,
    "refId" TEXT NOT NULL,
    "dataSourceId" TEXT NOT NULL DEFAULT '',
    "ownerId" TEXT NOT NULL DEFAULT '',
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "document" tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', "title"), 'A') || setweight(to_tsvector('english', "body"), 'B')) STORED
);

CREATE INDEX "SearchIndex_document_idx" ON "SearchIndex" USING GIN ("document");
CREATE INDEX "SearchIndex_kind_dataSourceId_idx" ON "SearchIndex" ("kind", "dataSourceId");
