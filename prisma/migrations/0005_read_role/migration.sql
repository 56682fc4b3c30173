-- AlterTable
ALTER TABLE "DataSource" ADD COLUMN "connectionWarnings" TEXT;
ALTER TABLE "DataSource" ADD COLUMN "readRole" TEXT;

