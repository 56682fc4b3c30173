-- AlterTable
ALTER TABLE "PipelineVersion" ADD COLUMN     "approvalComment" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "approvalDecidedAt" TIMESTAMP(3),
ADD COLUMN     "approvalDecidedById" TEXT,
ADD COLUMN     "approvalRequestedById" TEXT,
ADD COLUMN     "approvalStatus" TEXT;

-- CreateIndex
CREATE INDEX "PipelineVersion_approvalStatus_idx" ON "PipelineVersion"("approvalStatus");

