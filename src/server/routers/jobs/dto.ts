import "server-only";

export * from "../../dto/jobs";
