import "server-only";

export * from "../../dto/datasources";
