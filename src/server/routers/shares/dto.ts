import "server-only";

export * from "../../dto/shares";
