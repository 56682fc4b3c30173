import "server-only";

export * from "../../dto/approvals";
