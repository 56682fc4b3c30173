import "server-only";

export * from "../../dto/auth";
