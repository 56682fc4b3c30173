import "server-only";

export * from "../../dto/groups";
