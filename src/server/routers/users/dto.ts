import "server-only";

export * from "../../dto/users";
