import "server-only";

export { analyzeSql, PARSED_WITH_FALLBACK } from "./analyze";
export { formatSql, formatterLanguage } from "./format";
export { buildCatalog, type CatalogFunction, type CatalogObject, type FunctionCatalog } from "./function-catalog";
export { collectFunctionRefs, type FunctionRefs } from "./function-refs";
export { parserDatabase } from "./parser";
export { checkReadPolicy, type ReadPolicyVerdict } from "./read-policy";
export { sideEffectFunction } from "./side-effect-functions";
export { splitStatements } from "./split";
export { MISSING_LIMIT, SELECT_STAR } from "./warnings";
export {
  maxKind,
  sqlDialects,
  type AnalyzedStatement,
  type SqlAnalysis,
  type SqlDialect,
  type SqlErrorLocation,
  type StatementKind,
  type StatementSlice,
} from "./types";
