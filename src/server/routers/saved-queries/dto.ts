import "server-only";

export * from "../../dto/saved-queries";
