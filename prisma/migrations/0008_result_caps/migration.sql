-- Result caps (issue 7 §4): why a result was cut short, and how much of it is stored.
-- Plain ADD COLUMNs (what Prisma's table rebuild amounts to, without copying QueryRun).
ALTER TABLE "QueryRun" ADD COLUMN "truncatedReason" TEXT;
ALTER TABLE "QueryRun" ADD COLUMN "storedRows" INTEGER;
ALTER TABLE "QueryRun" ADD COLUMN "storedPartial" BOOLEAN NOT NULL DEFAULT false;
