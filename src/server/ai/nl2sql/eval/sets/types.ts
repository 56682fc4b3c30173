/** One evaluation question: the expected answer is what `sql` returns (results compared, not SQL text). */
export interface EvalCase {
  q: string;
  sql: string;
  /** The answer's row order matters (rankings). */
  ordered?: boolean;
}
