-- AlterTable
ALTER TABLE "ApprovalRequest" ADD COLUMN "explainPlan" TEXT;
ALTER TABLE "ApprovalRequest" ADD COLUMN "previewUnavailableReason" TEXT;
ALTER TABLE "ApprovalRequest" ADD COLUMN "statementDigest" TEXT;

