import type { DateRange } from "./dates";
import { distance } from "./graph";
import type { Lexicon } from "./lexicon";
import type { Target } from "./link";
import type { ColRef, Cond, Expr, Op, Query } from "./query";
import type { Agg, Cmp, Scanned, Span, Unit } from "./spans";
import type { Mapping, NlColumn, NlSchema, NlTable } from "./types";

/**
 * From spans to a query: who is counted or summed, what it is grouped and ranked by,
 * which filters apply. Everything it uses is recorded as a mapping; what it cannot
 * place is reported instead of guessed.
 */
export type Interpretation =
  | { ok: true; query: Query; mappings: Mapping[]; ignored: string[] }
  | { ok: false; message: string; unmapped: string[]; mappings: Mapping[]; tables: NlTable[] };

type Resolved =
  | { r: "table"; table: NlTable; span: Span }
  | { r: "col"; ref: ColRef; span: Span }
  | { r: "val"; ref: ColRef; value: string; span: Span };

interface Measure {
  fn: Agg;
  ref?: ColRef;
  table?: NlTable;
  word?: string;
  distinct?: boolean;
}

const CMP_OP: Record<Exclude<Cmp, "between">, Op> = { gt: ">", gte: ">=", lt: "<", lte: "<=", eq: "=" };
const MEASURE_NAME = /(revenue|sales|amount|total|price|value|cost|fee|salary|balance|paid|charge)/;
const LABEL = /^(name|title|label|full_name|display_name|[a-z]+_name|first_name|last_name)$/;

const isId = (c: NlColumn) => c.primaryKey || /(^id$|_id$|^id_)/i.test(c.name) || (c.tags ?? []).some((t) => t === "id" || t === "FK" || t === "PK");
const isNumeric = (c: NlColumn) => c.kind === "number" && !isId(c);
const isTime = (c: NlColumn) => c.kind === "date" || (c.tags ?? []).includes("time");
/** An integer column holding a year ("published_year", "born_year"): dates compare with its numbers. */
const isYearCol = (c: NlColumn) => c.kind === "number" && /(^|_)(year|yr)($|_)/i.test(c.name);
const isFlag = (c: NlColumn) => c.kind === "boolean" || (/^(is|has|can)_/i.test(c.name) && c.kind === "number");

export function labelColumns(t: NlTable): NlColumn[] {
  const cols = t.columns.filter((c) => LABEL.test(c.name.toLowerCase()) || (c.alias && /^name$/i.test(c.alias)));
  const first = cols.find((c) => /first_name/i.test(c.name));
  const last = cols.find((c) => /last_name/i.test(c.name));
  if (first && last) return [first, last];
  const exact = cols.find((c) => /^(name|title|full_name)$/i.test(c.name));
  if (exact) return [exact];
  if (cols.length) return [cols[0]!];
  const text = t.columns.find((c) => c.kind === "text" && !isId(c));
  return text ? [text] : t.columns.filter((c) => c.primaryKey).slice(0, 1);
}

export function timeColumn(t: NlTable): NlColumn | undefined {
  const times = t.columns.filter(isTime);
  const score = (c: NlColumn) =>
    (/(order|sale|created|date|placed|visit|appointment|loan|issued|start)/i.test(c.name) ? 2 : 0) + ((c.tags ?? []).includes("time") ? 1 : 0) - (/(updated|deleted|modified|due|end|return)/i.test(c.name) ? 2 : 0);
  return times.sort((a, b) => score(b) - score(a))[0];
}

export function interpret(sc: Scanned, schema: NlSchema, lex: Lexicon): Interpretation {
  const mappings: Mapping[] = [];
  const map = (phrase: string, kind: Mapping["kind"], target: string) => mappings.push({ phrase, kind, target });
  const name = (t: NlTable) => (t.schema ? `${t.schema}.${t.name}` : t.name);
  const colName = (r: ColRef) => `${name(r.table)}.${r.column.name}`;

  // --- resolve each schema span to one target, preferring tables the question names
  const context = new Set<NlTable>();
  for (const s of sc.spans) {
    if (s.t !== "schema") continue;
    const tables = s.targets.filter((t) => t.kind === "table");
    if (tables.length === 1 && s.targets.every((t) => t.kind === "table" || t.score < 0.9)) context.add(tables[0]!.table);
  }
  const rank = (t: Target) => {
    let s = t.score + (context.has(t.table) ? 0.5 : 0) + (t.kind === "table" ? 0.1 : 0);
    if (context.size && !context.has(t.table)) s -= 0.05 * Math.min(...[...context].map((c) => distance(schema, c, t.table)));
    return s;
  };
  const resolved = new Map<Span, Resolved>();
  for (const s of sc.spans) {
    if (s.t !== "schema") continue;
    const best = [...s.targets].sort((a, b) => rank(b) - rank(a))[0]!;
    resolved.set(
      s,
      best.kind === "table"
        ? { r: "table", table: best.table, span: s }
        : best.kind === "column"
          ? { r: "col", ref: { table: best.table, column: best.column }, span: s }
          : { r: "val", ref: { table: best.table, column: best.column }, value: best.value, span: s },
    );
    context.add(best.table);
  }

  // --- one pass over the spans
  const measures: Measure[] = [];
  const groups: ({ g: "table"; table: NlTable } | { g: "col"; ref: ColRef } | { g: "unit"; unit: Unit })[] = [];
  const where: Cond[] = [];
  const having: { op: Op; values: number[]; m: Measure; entityBefore?: NlTable }[] = [];
  const cmpWhere: { op: Op; values: number[]; ref?: ColRef; table?: NlTable }[] = [];
  const dates: { range: DateRange; ref?: ColRef; phrase: string }[] = [];
  const tablesSeen: { table: NlTable; at: number }[] = [];
  const colsSeen: { ref: ColRef; at: number }[] = [];
  const colsSeenAll: { ref: ColRef; at: number }[] = [];
  let pendingNumber: Span | undefined;
  const unmapped: string[] = [];
  const ignored: string[] = [];
  let rankInfo: { dir: "asc" | "desc"; n?: number; time: boolean; word: string; at: number; measure?: Measure; entityCol?: ColRef } | undefined;
  let order: { ref?: ColRef; word?: string; dir?: "asc" | "desc" } | undefined;
  let dir: "asc" | "desc" | undefined;
  let pendingAgg: { fn: Agg; distinct: boolean; phrase: string } | undefined;
  let pendingGroup = false;
  let pendingOrder = false;
  let pendingNeg = false;
  let pendingDistinct = false;
  let distinctSelect = false;
  let pendingCmp: { op: Op; values: number[]; phrase: string } | undefined;
  let wantLabel = false;
  let write: string | undefined;
  let last: Resolved | { r: "measure"; m: Measure } | undefined;
  const spans = sc.spans.filter((s) => s.t !== "stop");

  const nextMeaningful = (i: number) => spans[i + 1];
  const addFilter = (ref: ColRef, value: string | number, neg: boolean) => {
    const existing = where.find((c) => c.expr.k === "col" && c.expr.ref.column === ref.column && (c.op === (neg ? "<>" : "=") || c.op === (neg ? "not in" : "in")));
    if (existing) {
      existing.op = neg ? "not in" : "in";
      existing.values.push(value);
    } else where.push({ expr: { k: "col", ref }, op: neg ? "<>" : "=", values: [value] });
  };
  const takeCmp = (target: { ref?: ColRef; table?: NlTable; measure?: Measure }, entityBefore?: NlTable) => {
    const c = pendingCmp!;
    pendingCmp = undefined;
    if (target.measure) {
      having.push({ op: c.op, values: c.values, m: target.measure, entityBefore });
      map(c.phrase, "comparison", `${target.measure.fn}(${target.measure.ref ? colName(target.measure.ref) : target.measure.table ? name(target.measure.table) : "*"}) ${c.op} ${c.values.join(" and ")}`);
    } else {
      const seen = target.ref ? colsSeen.findIndex((x) => x.ref.column === target.ref!.column) : -1;
      if (seen >= 0) colsSeen.splice(seen, 1);
      cmpWhere.push({ op: c.op, values: c.values, ref: target.ref, table: target.table });
      if (target.ref) map(c.phrase, "comparison", `${colName(target.ref)} ${c.op} ${c.values.join(" and ")}`);
    }
  };

  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const res = resolved.get(s);
    switch (s.t) {
      case "write":
        if (!write) write = s.kind;
        map(s.phrase, "write", s.kind);
        break;
      case "agg":
        // "top 5 countries by number of customers": the "by" introduced the ranking, not a group
        if (pendingGroup && rankInfo) pendingGroup = false;
        // "average number of pages": the count words only name the amount averaged
        if (pendingAgg && pendingAgg.fn !== "count" && s.fn === "count") break;
        pendingAgg = { fn: s.fn, distinct: pendingDistinct, phrase: s.phrase };
        pendingDistinct = false;
        break;
      case "distinct":
        if (pendingAgg) pendingAgg.distinct = true;
        else pendingDistinct = true;
        break;
      case "group":
        pendingGroup = true;
        break;
      case "orderBy":
        pendingOrder = true;
        break;
      case "dir":
        dir = s.dir;
        if (order) order.dir = s.dir;
        break;
      case "neg":
        pendingNeg = true;
        break;
      case "rank":
        rankInfo = { dir: s.dir, n: s.n ?? (pendingNumber?.t === "number" ? pendingNumber.n : undefined), time: s.time, word: s.word, at: s.start };
        if (s.n === undefined && pendingNumber) pendingNumber = undefined;
        map(s.phrase, "order", `${s.dir}${s.n ? ` limit ${s.n}` : ""}`);
        break;
      case "cmp": {
        const op = s.op === "between" ? "between" : CMP_OP[s.op];
        pendingCmp = { op, values: s.values, phrase: s.phrase };
        if (last?.r === "measure") takeCmp({ measure: last.m });
        else if (last?.r === "col" && last.ref.column.kind === "number" && last.span.end >= s.start - 2) {
          const ref = last.ref;
          takeCmp({ ref });
          const seen = colsSeen.findIndex((c) => c.ref.column === ref.column);
          if (seen >= 0) colsSeen.splice(seen, 1);
          if (rankInfo?.measure?.ref?.column === ref.column) rankInfo.measure = undefined;
        }
        break;
      }
      case "date": {
        const prev = last && last.r === "col" && (isTime(last.ref.column) || isYearCol(last.ref.column)) ? last.ref : undefined;
        if (prev) {
          const seen = colsSeen.findIndex((c) => c.ref.column === prev.column);
          if (seen >= 0) colsSeen.splice(seen, 1);
        }
        dates.push({ range: s.range, ref: prev, phrase: s.phrase });
        break;
      }
      case "unit":
        if (pendingGroup || /ly$/.test(s.phrase.toLowerCase())) {
          groups.push({ g: "unit", unit: s.unit });
          map(s.phrase, "group", s.unit);
          pendingGroup = false;
        } else ignored.push(s.phrase);
        break;
      case "measure": {
        const m: Measure = { fn: pendingAgg?.fn ?? "sum", word: s.word, distinct: pendingAgg?.distinct };
        if (pendingAgg) {
          measures.push(m);
          pendingAgg = undefined;
          last = { r: "measure", m };
        } else if ((pendingGroup || !rankInfo?.measure) && rankInfo) {
          rankInfo.measure = m;
          pendingGroup = false;
        } else if (pendingCmp) takeCmp({ table: [...tablesSeen].pop()?.table });
        else if (pendingOrder) {
          order = { word: s.word, dir };
          pendingOrder = false;
        } else {
          measures.push(m);
          last = { r: "measure", m };
        }
        break;
      }
      case "name":
        wantLabel = true;
        break;
      case "number":
        if (last?.r === "table" && last.span.end === s.start) {
          const pk = last.table.columns.find((c) => c.primaryKey);
          if (pk) {
            addFilter({ table: last.table, column: pk }, s.n, pendingNeg);
            map(s.phrase, "filter", `${name(last.table)}.${pk.name} = ${s.n}`);
            pendingNeg = false;
            break;
          }
        }
        if (last?.r === "col" && last.span.end === s.start && last.ref.column.kind === "number") {
          // "on floor 3", "with 4 beds"
          const ref = last.ref;
          addFilter(ref, s.n, pendingNeg);
          map(s.phrase, "filter", `${colName(ref)} = ${s.n}`);
          const seen = colsSeen.findIndex((c) => c.ref.column === ref.column);
          if (seen >= 0) colsSeen.splice(seen, 1);
          pendingNeg = false;
          break;
        }
        if (rankInfo && rankInfo.n === undefined) rankInfo.n = s.n;
        else if (!pendingNumber) pendingNumber = s; // "5 produk termahal": the ranking comes later
        else unmapped.push(s.phrase);
        break;
      case "literal": {
        const ref = last?.r === "col" && last.ref.column.kind === "text" ? last.ref : undefined;
        const table = ref?.table ?? [...tablesSeen].pop()?.table;
        const target = ref ?? (table ? { table, column: labelColumns(table)[0]! } : undefined);
        if (!target) unmapped.push(s.phrase);
        else {
          addFilter(target, s.text, pendingNeg);
          map(s.phrase, "value", `${colName(target)} = '${s.text}'`);
          pendingNeg = false;
          if (ref) colsSeen.pop();
        }
        break;
      }
      case "unknown":
        if (s.capitalised || /^(named|called|in|from|at)$/i.test(sc.tokens[s.start - 1]?.norm ?? "")) unmapped.push(s.phrase);
        else ignored.push(s.phrase);
        break;
      case "schema": {
        if (!res) break;
        if (res.r === "val") {
          addFilter(res.ref, res.value, pendingNeg);
          map(s.phrase, "value", `${colName(res.ref)} ${pendingNeg ? "<>" : "="} '${res.value}'`);
          pendingNeg = false;
          last = res;
          break;
        }
        if (res.r === "table") {
          map(s.phrase, "table", name(res.table));
          const next = nextMeaningful(i);
          const nextRes = next && resolved.get(next);
          const measureFollows = next?.t === "measure" || (nextRes?.r === "col" && isNumeric(nextRes.ref.column));
          if (pendingAgg && (pendingAgg.fn === "count" || !measureFollows)) {
            const m: Measure = { fn: "count", table: res.table, distinct: pendingAgg.distinct };
            map(pendingAgg.phrase, "aggregate", `count(${name(res.table)})`);
            measures.push(m);
            pendingAgg = undefined;
            last = { r: "measure", m };
          } else if (pendingGroup) {
            groups.push({ g: "table", table: res.table });
            map(s.phrase, "group", name(res.table));
            pendingGroup = false;
            last = res;
          } else if (pendingCmp) {
            const before = [...tablesSeen].reverse().find((t) => t.table !== res.table)?.table;
            takeCmp({ measure: { fn: "count", table: res.table } }, before);
            last = res;
          } else last = res;
          tablesSeen.push({ table: res.table, at: s.start });
          break;
        }
        // a column
        const lastCmp = cmpWhere.at(-1);
        if (lastCmp?.ref?.column === res.ref.column && sc.tokens[s.start - 1]?.kind === "number") break; // "2000 kg" repeats the unit
        map(s.phrase, "column", colName(res.ref));
        if (isFlag(res.ref.column)) {
          // "inactive products", "active members": a yes/no column is a filter
          const no = pendingNeg || /^(in|un|non|not)/.test(s.phrase.toLowerCase()) && !/^(in|un|non)/.test(res.ref.column.name.replace(/^(is|has|can)_/, ""));
          addFilter(res.ref, no ? 0 : 1, false);
          map(s.phrase, "filter", `${colName(res.ref)} = ${no ? 0 : 1}`);
          pendingNeg = false;
          break;
        }
        if (rankInfo && !rankInfo.entityCol && !rankInfo.measure && res.ref.column.kind === "text" && !isId(res.ref.column) && s.start <= rankInfo.at + rankInfo.word.split(" ").length + (rankInfo.n !== undefined ? 2 : 1) + 1) {
          rankInfo.entityCol = res.ref;
          colsSeenAll.push({ ref: res.ref, at: s.start });
          last = res;
          break;
        }
        if (pendingAgg) {
          const fn = pendingAgg.fn;
          const m: Measure = { fn, ref: res.ref, distinct: pendingAgg.distinct || (fn === "count" && !res.ref.column.primaryKey) };
          // "total orders" and "number of order ids" count rows, not sum identifiers
          if (fn !== "count" && !isNumeric(res.ref.column)) m.fn = "count";
          map(pendingAgg.phrase, "aggregate", `${m.fn}(${m.distinct ? "distinct " : ""}${colName(res.ref)})`);
          measures.push(m);
          pendingAgg = undefined;
          last = { r: "measure", m };
        } else if (pendingGroup) {
          if (rankInfo && isNumeric(res.ref.column) && !rankInfo.measure) rankInfo.measure = { fn: "sum", ref: res.ref };
          else groups.push({ g: "col", ref: res.ref });
          pendingGroup = false;
          last = res;
        } else if (pendingOrder) {
          order = { ref: res.ref, dir };
          pendingOrder = false;
          last = res;
        } else if (pendingCmp) {
          takeCmp({ ref: res.ref });
          last = res;
        } else if (rankInfo && !rankInfo.measure && (isNumeric(res.ref.column) || (rankInfo.time && isTime(res.ref.column)))) {
          rankInfo.measure = { fn: "sum", ref: res.ref };
          last = res;
        } else if (last?.r === "val" && last.ref.column === res.ref.column && last.span.end === s.start) {
          last = res; // "a premium membership": the value already filters this column
        } else {
          colsSeen.push({ ref: res.ref, at: s.start });
          last = res;
        }
        break;
      }
      default:
        break;
    }
  }
  if (pendingDistinct) distinctSelect = true;
  // "how many trucks": the count's object was a value, so the rows of its table are counted
  if (pendingAgg?.fn === "count") {
    const m: Measure = { fn: "count", distinct: pendingAgg.distinct };
    measures.push(m);
    map(pendingAgg.phrase, "aggregate", "count(*)");
  }
  if (pendingNumber) unmapped.push(pendingNumber.phrase);

  const tablesInvolved = [...new Set([...tablesSeen.map((t) => t.table), ...colsSeen.map((c) => c.ref.table), ...measures.flatMap((m) => (m.ref ? [m.ref.table] : m.table ? [m.table] : []))])];
  const fail = (message: string, words = unmapped): Interpretation => ({ ok: false, message, unmapped: words, mappings, tables: tablesInvolved.length ? tablesInvolved : [...context] });

  if (unmapped.length) return fail(`I could not match ${unmapped.map((u) => `"${u}"`).join(", ")} to a table, column or value of this database`);
  if (!context.size && !measures.some((m) => m.word)) {
    const words = sc.spans.filter((s) => s.t === "unknown").map((s) => s.phrase);
    return fail(`I could not find any table or column of this database in the question${words.length ? ` (not understood: ${words.join(", ")})` : ""}`, words);
  }

  // --- measure words ("sales", "revenue") name the likeliest money column
  const defaultMeasure = (prefer: NlTable[], word?: string): ColRef | undefined => {
    const candidates: { ref: ColRef; score: number }[] = [];
    for (const t of schema.tables) {
      if (t.view && !prefer.includes(t)) continue;
      for (const c of t.columns) {
        if (!isNumeric(c) || isFlag(c)) continue;
        let score = 0;
        if ((c.tags ?? []).includes("measure")) score += 1;
        if (MEASURE_NAME.test(c.name.toLowerCase())) score += 1.5;
        if (/total|amount|revenue|sales/.test(c.name.toLowerCase())) score += 0.5;
        const hints = word ? (lex.measureHints?.[word] ?? "").split(" ").filter(Boolean) : [];
        if (hints.some((h) => c.name.toLowerCase().includes(h))) score += 3;
        if (prefer.includes(t)) score += 2;
        else score -= 0.3 * Math.min(3, ...prefer.map((p) => distance(schema, p, t)));
        candidates.push({ ref: { table: t, column: c }, score });
      }
    }
    return candidates.sort((a, b) => b.score - a.score)[0]?.ref;
  };
  for (const m of measures) {
    if (m.word && !m.ref && !m.table) {
      const ref = defaultMeasure(tablesSeen.map((t) => t.table), m.word);
      if (!ref) return fail(`I could not tell which column "${m.word}" means`, [m.word]);
      m.ref = ref;
      map(m.word, "column", colName(ref));
    }
  }

  // --- ranking: "top 5 customers by sales", "which category has the most products"
  let entity: NlTable | undefined;
  let rankMeasure: Measure | undefined;
  let rankExpr: Expr | undefined;
  const after = rankInfo ? tablesSeen.filter((t) => t.at > rankInfo!.at) : [];
  const before = rankInfo ? tablesSeen.filter((t) => t.at < rankInfo!.at) : [];
  if (rankInfo) {
    const directlyAfter = after[0] && after[0].at <= rankInfo.at + rankInfo.word.split(" ").length + (rankInfo.n !== undefined ? 2 : 1);
    // "top 5 customers", "the cheapest product": the entity follows; "which category has the
    // most products": it comes first, and what follows is counted.
    entity = before.length && rankInfo.n === undefined ? before.at(-1)!.table : directlyAfter ? after[0]!.table : (before.at(-1)?.table ?? after[0]?.table ?? colsSeen[0]?.ref.table);
    // "which city has the most patients": a dimension named before the ranking is what is ranked
    const dimBefore = !before.length ? colsSeen.find((c) => c.at < rankInfo!.at && c.ref.column.kind === "text" && !isId(c.ref.column)) : undefined;
    if (dimBefore && !rankInfo.entityCol && after.length) {
      rankInfo.entityCol = dimBefore.ref;
      colsSeen.splice(colsSeen.indexOf(dimBefore), 1);
      colsSeenAll.push(dimBefore);
    }
    if (rankInfo.entityCol) entity = undefined;
    // "what is the highest doctor salary": a ranking of a named column with nothing to list is its max/min
    const m0 = rankInfo.measure;
    if (!before.length && !after.length && rankInfo.n === undefined && !rankInfo.entityCol && m0?.ref && !rankInfo.time && !measures.length) {
      measures.push({ fn: rankInfo.dir === "desc" ? "max" : "min", ref: m0.ref });
      map(rankInfo.word, "aggregate", `${rankInfo.dir === "desc" ? "max" : "min"}(${colName(m0.ref)})`);
      rankInfo = undefined;
    }
  }
  if (rankInfo) {
    rankMeasure = rankInfo.measure;
    if (rankMeasure?.word && !rankMeasure.ref) {
      rankMeasure.ref = defaultMeasure(entity ? [entity, ...tablesSeen.map((t) => t.table)] : [], rankMeasure.word);
      if (rankMeasure.ref) map(rankMeasure.word, "column", colName(rankMeasure.ref));
    }
    if (!rankMeasure) {
      const counted = after.find((t) => t.table !== entity) ?? (rankInfo.entityCol ? after[0] : undefined);
      if (measures.length) rankMeasure = measures[0];
      else if (rankInfo.entityCol && !counted) rankMeasure = { fn: "count", table: rankInfo.entityCol.table };
      else if (counted && /^(most|fewest|least|terbanyak|paling banyak|paling sedikit|tersedikit)$/.test(rankInfo.word)) rankMeasure = { fn: "count", table: counted.table };
      else if (rankInfo.time && entity) {
        const tc = timeColumn(entity);
        if (tc) rankMeasure = { fn: "max", ref: { table: entity, column: tc } };
      } else if (entity) {
        const ref = lex.measureHints?.[rankInfo.word] ? defaultMeasure([entity], rankInfo.word) : defaultMeasure([entity, ...tablesSeen.map((t) => t.table)]);
        if (ref) rankMeasure = { fn: "sum", ref };
      }
    }
    if (!rankMeasure) return fail(`I could not tell what "${rankInfo.word}" ranks by`, [rankInfo.word]);
  }

  // --- the table the rows come from
  const firstMeasure = measures[0] ?? rankMeasure;
  const measureTable = (m?: Measure) => (m ? (m.ref?.table ?? m.table) : undefined);
  const havingTable = having.length ? measureTable(having[0]!.m) : undefined;
  const from =
    measureTable(measures[0]) ??
    havingTable ??
    (rankMeasure && entity && measureTable(rankMeasure) !== entity && rankMeasure.fn !== "max" ? measureTable(rankMeasure) : undefined) ??
    entity ??
    rankInfo?.entityCol?.table ??
    tablesSeen[0]?.table ??
    colsSeen[0]?.ref.table ??
    (where[0]?.expr.k === "col" ? where[0].expr.ref.table : undefined);
  if (!from) return fail("I could not tell which table the question is about");

  const measureExpr = (m: Measure): Expr => {
    if (m.ref && !(m.fn === "count" && m.ref.column.primaryKey && !m.distinct)) return { k: "agg", fn: m.fn, ref: m.ref, table: m.ref.table, distinct: m.distinct };
    return { k: "agg", fn: "count", table: m.table ?? m.ref?.table ?? from, distinct: m.distinct };
  };

  const query: Query = { kind: "select", from, select: [], star: false, distinct: false, where, groupBy: [], having: [], orderBy: [] };
  const groupByTable = (t: NlTable) => {
    const pk = t.columns.filter((c) => c.primaryKey);
    const labels = labelColumns(t);
    for (const c of labels) query.select.push({ expr: { k: "col", ref: { table: t, column: c } } });
    for (const c of [...pk, ...labels.filter((l) => !pk.includes(l))]) query.groupBy.push({ k: "col", ref: { table: t, column: c } });
  };

  // grouping: explicit "by X", the ranked entity, or the entity a HAVING is about
  for (const g of groups) {
    if (g.g === "table" && g.table === from && measures.length && !rankInfo) continue;
    if (g.g === "table") groupByTable(g.table);
    else if (g.g === "col") {
      query.select.push({ expr: { k: "col", ref: g.ref } });
      query.groupBy.push({ k: "col", ref: g.ref });
    } else {
      const tc = dates[0]?.ref?.column ? dates[0].ref : timeRefFor(from, schema);
      if (!tc) return fail(`I could not find a date column to group by ${g.unit}`, [g.unit]);
      const e: Expr = { k: "bucket", unit: g.unit, ref: tc };
      query.select.push({ expr: e, as: g.unit });
      query.groupBy.push(e);
      query.orderBy.push({ expr: e, dir: "asc" });
    }
  }
  const entityGrouped = (t: NlTable) => {
    if (!groups.some((g) => g.g === "table" && g.table === t)) groupByTable(t);
  };
  if (having.length) {
    const e = having[0]!.entityBefore ?? (tablesSeen.map((t) => t.table).find((t) => t !== havingTable) ?? undefined);
    if (e && e !== havingTable) entityGrouped(e);
    else if (!query.groupBy.length && colsSeen.length) {
      const c = colsSeen[0]!.ref;
      query.select.push({ expr: { k: "col", ref: c } });
      query.groupBy.push({ k: "col", ref: c });
    }
    for (const h of having) {
      const e2 = measureExpr(h.m);
      query.having.push({ expr: e2, op: h.op, values: h.values });
      query.select.push({ expr: e2 });
    }
  }
  if (rankInfo && rankMeasure) {
    const mTable = measureTable(rankMeasure);
    const aggregate = !!rankInfo.entityCol || mTable !== entity || rankMeasure.fn === "count" || query.groupBy.length > 0 || measures.length > 0;
    if (rankInfo.entityCol && !query.groupBy.length) {
      query.select.push({ expr: { k: "col", ref: rankInfo.entityCol } });
      query.groupBy.push({ k: "col", ref: rankInfo.entityCol });
    } else if (aggregate && entity && !query.groupBy.length) entityGrouped(entity);
    rankExpr = aggregate ? measureExpr(rankMeasure) : rankMeasure.ref ? { k: "col", ref: rankMeasure.ref } : measureExpr(rankMeasure);
    if (!aggregate) {
      query.star = !colsSeen.length && !wantLabel;
      if (!query.star) for (const c of colsSeen) query.select.push({ expr: { k: "col", ref: c.ref } });
      if (wantLabel && entity) for (const c of labelColumns(entity)) query.select.push({ expr: { k: "col", ref: { table: entity, column: c } } });
      if (!query.star && rankExpr.k === "col" && !query.select.some((s) => s.expr.k === "col" && rankExpr!.k === "col" && s.expr.ref.column === rankExpr!.ref.column)) query.select.push({ expr: rankExpr });
    } else if (!measures.length) query.select.push({ expr: rankExpr });
    query.orderBy = [{ expr: rankExpr, dir: rankInfo.dir }];
    // "which product" asks for one; "which products" for a list
    const mention = entity ? tablesSeen.find((t) => t.table === entity) : rankInfo.entityCol ? { at: colsSeenAll.find((c) => c.ref.column === rankInfo!.entityCol!.column)?.at ?? -1 } : undefined;
    const tok = mention && mention.at >= 0 ? sc.tokens[mention.at] : undefined;
    const singular = !tok || tok.norm === tok.lemma || lex.language !== "en";
    query.limit = rankInfo.n ?? (singular ? 1 : 10);
    map(rankInfo.word, "limit", String(query.limit));
  }

  for (const m of measures) {
    const e = measureExpr(m);
    query.select.push({ expr: e });
    if (!m.ref?.column && m.table) map(m.table.name, "aggregate", `count(${name(m.table)})`);
  }
  if (query.groupBy.length && !measures.length && !rankInfo && !having.length) {
    // "shipping cost by vehicle kind": a named amount is summed; otherwise rows are counted
    const amount = colsSeen.find((c) => isNumeric(c.ref.column) && !query.groupBy.some((g) => g.k === "col" && g.ref.column === c.ref.column));
    const e: Expr = amount ? { k: "agg", fn: "sum", ref: amount.ref, table: amount.ref.table } : { k: "agg", fn: "count", table: from };
    if (amount) colsSeen.splice(colsSeen.indexOf(amount), 1);
    query.select.push({ expr: e });
  }
  if (query.groupBy.length && !rankInfo && !query.orderBy.length) {
    const agg = query.select.find((s) => s.expr.k === "agg");
    if (agg) query.orderBy.push({ expr: agg.expr, dir: "desc" });
  }
  if (!query.select.length && !query.star) {
    const cols = colsSeen.map((c) => c.ref);
    if (wantLabel) for (const c of labelColumns(from)) cols.push({ table: from, column: c });
    if (cols.length) {
      for (const c of cols) if (!query.select.some((s) => s.expr.k === "col" && s.expr.ref.column === c.column)) query.select.push({ expr: { k: "col", ref: c } });
      query.distinct = distinctSelect || cols.every((c) => c.table !== from || !c.column.primaryKey) && tablesSeen.length === 0 && distinctSelect;
      if (distinctSelect) query.distinct = true;
    } else query.star = true;
  }

  // --- filters
  for (const c of cmpWhere) {
    const ref = c.ref ?? defaultMeasure(c.table ? [c.table] : [from]);
    if (!ref) return fail("I could not tell which column a comparison is about");
    if (!c.ref) mappings.push({ phrase: `${c.op} ${c.values.join(" and ")}`, kind: "comparison", target: `${colName(ref)} ${c.op} ${c.values.join(" and ")}` });
    where.push({ expr: { k: "col", ref }, op: c.op, values: c.values });
  }
  for (const d of dates) {
    const ref = d.ref ?? timeRefFor(from, schema, [...context]);
    if (!ref) return fail(`I could not find a date column for "${d.phrase}"`, [d.phrase]);
    map(d.phrase, "date", `${colName(ref)} in [${d.range.from ?? "…"}, ${d.range.to ?? "…"})`);
    if (isYearCol(ref.column)) {
      // a year column: "after 2020" is year > 2020 … as whole years
      const year = (iso: string) => Number(iso.slice(0, 4)) + (iso.slice(5) === "01-01" ? 0 : 1);
      if (d.range.from) where.push({ expr: { k: "col", ref }, op: ">=", values: [year(d.range.from)] });
      if (d.range.to) where.push({ expr: { k: "col", ref }, op: "<", values: [year(d.range.to)] });
      continue;
    }
    if (d.range.from) where.push({ expr: { k: "col", ref }, op: ">=", values: [d.range.from] });
    if (d.range.to) where.push({ expr: { k: "col", ref }, op: "<", values: [d.range.to] });
  }
  if (order) {
    const ref = order.ref ?? defaultMeasure([from]);
    if (ref) {
      const e: Expr = query.groupBy.length && !query.groupBy.some((g) => g.k === "col" && g.ref.column === ref.column) ? { k: "agg", fn: "sum", ref, table: ref.table } : { k: "col", ref };
      query.orderBy.unshift({ expr: e, dir: order.dir ?? "asc" });
    }
  } else if (dir && query.orderBy[0]) query.orderBy[0].dir = dir;
  if (rankInfo && !firstMeasure) return fail(`I could not tell what to rank by`);

  if (write) {
    if (write !== "delete") return fail(`I only turn questions into reads and deletes; write the ${write.toUpperCase()} statement in the editor`, [write]);
    const foreign = where.find((c) => c.expr.k === "col" && c.expr.ref.table !== from);
    if (foreign) return fail("A delete can only filter on the table it deletes from; write it in the editor");
    return { ok: true, query: { ...query, kind: "delete", select: [], star: false, groupBy: [], having: [], orderBy: [], limit: undefined }, mappings, ignored };
  }
  return { ok: true, query, mappings, ignored };
}

/** The time column for a table, or for the nearest table it joins to that has one. */
function timeRefFor(from: NlTable, schema: NlSchema, prefer: NlTable[] = []): ColRef | undefined {
  const own = timeColumn(from);
  if (own) return { table: from, column: own };
  const yearCol = from.columns.find(isYearCol);
  if (yearCol) return { table: from, column: yearCol };
  const candidates = [...prefer, ...schema.tables].filter((t) => t !== from && timeColumn(t));
  const best = candidates.sort((a, b) => distance(schema, from, a) - distance(schema, from, b))[0];
  if (!best || distance(schema, from, best) > 2) return undefined;
  return { table: best, column: timeColumn(best)! };
}
