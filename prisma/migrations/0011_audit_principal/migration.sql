-- Who acted: a user, a job or a share link (services/principal.ts). Older entries were all users'.
ALTER TABLE "AuditEntry" ADD COLUMN "principalType" TEXT NOT NULL DEFAULT 'user';
ALTER TABLE "AuditEntry" ADD COLUMN "principalId" TEXT;
UPDATE "AuditEntry" SET "principalId" = "userId";
UPDATE "AuditEntry" SET "principalType" = 'system' WHERE "userId" IS NULL;
