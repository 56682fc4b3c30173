import "server-only";
import type { SqlDialect } from "../../sql/types";
import { writeShape } from "../../sql/write-shape";
import type { Access } from "../access";
import { isPiiColumnName, maskRows, personalByName, type PersonalColumn } from "../access/masking";
import type { ApprovalView } from "./views";

/**
 * Approval previews show sample rows of the target table before and after a dry run.
 * Whoever may not write to the data source (an approver with only can_approve, or a
 * requester who has since lost can_write) sees them masked like any other reader: the
 * samples are `SELECT *` of the one target table, so each column's lineage is that
 * table's own column, and the same personal predicate decides. The stored preview keeps
 * real values for those who may write; masking happens on every way out.
 */
export function previewForViewer(view: ApprovalView, access: Access, isPersonal: PersonalColumn = personalByName): ApprovalView {
  const preview = view.preview;
  if (access.canWrite || !preview || (!preview.before && !preview.after)) return view;
  const written = writeShape(view.sql, view.engine as SqlDialect)?.table ?? "";
  const parts = written.split(".").map((p) => p.replace(/^["`[]|["`\]]$/g, ""));
  const table = parts.length > 1 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1]! } : { name: parts[0] ?? "" };
  const columns = new Set([...preview.columns, ...[...(preview.before ?? []), ...(preview.after ?? [])].flatMap((r) => Object.keys(r))]);
  const masked = new Set([...columns].filter((c) => isPersonal(table, c) || isPiiColumnName(c)));
  if (masked.size === 0) return view;
  return {
    ...view,
    preview: {
      ...preview,
      before: preview.before && maskRows(preview.before, masked),
      after: preview.after && maskRows(preview.after, masked),
    },
  };
}
