import "server-only";

export * from "../../dto/queries";
