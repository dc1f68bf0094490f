import type { DataStream } from "../../api/DataStream.js";
import type { Expr, FromItem, Select } from "../ast.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { Relation } from "../planner.js";
import { analyzeCondition, conjunction, flattenAnd } from "./joinCondition.js";
import { planWindowJoin } from "./planWindowJoin.js";

type SubqueryConjunct = { kind: "semi" | "anti"; query: Extract<Expr, { kind: "exists" }>["query"]; in?: { arg: Expr; negated: boolean }; at: Expr["at"] };

/** Whether a WHERE holds an `IN (SELECT …)` or `EXISTS (…)` (planned by planSubqueryJoins, not compiled). */
export function hasSubqueryConjunct(where: Expr | undefined): boolean {
  return where !== undefined && flattenAnd(where).some((c) => subqueryConjunct(c) !== undefined);
}

/**
 * The WHERE conjuncts `x [NOT] IN (SELECT y FROM r WHERE …)` and `[NOT] EXISTS (SELECT … FROM r WHERE …)`
 * as Flink decorrelates them: a SEMI (IN, EXISTS) or ANTI (NOT IN, NOT EXISTS) join of the outer
 * FROM with r, ON the subquery's conjuncts that read outer columns, and `x = y` (NOT IN: null-aware,
 * `x = y OR (x = y) IS NULL`, as Flink's rewrite). Planned as a window SEMI/ANTI join
 * (WindowJoinOperator) when both sides are windowed alike and ON equates their windows; other shapes
 * are not supported yet. Returns the joined relation (the outer rows) and the rest of the WHERE.
 */
export function planSubqueryJoins(select: Select, input: Relation, from: (item: FromItem) => Relation): { input: Relation; where: Expr | undefined } {
  const rest: Expr[] = [];
  let relation = input;
  for (const conjunct of flattenAnd(select.where as Expr)) {
    const sub = subqueryConjunct(conjunct);
    if (sub) relation = semiJoin(select.from, relation, sub, from);
    else rest.push(conjunct);
  }
  return { input: relation, where: rest.length === 0 ? undefined : conjunction(rest, select.at) };
}

function semiJoin(outerFrom: FromItem, left: Relation, sub: SubqueryConjunct, from: (item: FromItem) => Relation): Relation {
  const q = sub.query;
  const unsupported = (why: string) => new StreamSqlError("unsupported", `${why} in an ${sub.in ? "IN" : "EXISTS"} subquery is not supported yet`, sub.at, sub.in ? "IN" : "EXISTS");
  if (q.kind !== "select") throw unsupported("UNION");
  if (q.groupBy.length > 0 || q.having || q.distinct) throw unsupported("GROUP BY, HAVING or DISTINCT");
  const inner = from(q.from);
  if (inner.changes) throw unsupported("an updating input");
  const leftWidth = left.columns.length;
  const outerQualifiers = left.qualifiers ?? left.columns.map(() => left.qualifier);
  const innerQualifier = inner.qualifier ?? "$subquery";
  const innerQualifiers = inner.qualifiers ?? inner.columns.map(() => innerQualifier);
  const outerScope: ScopeColumn[] = left.columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(outerQualifiers[index] ? { table: outerQualifiers[index] } : {}) }));
  const innerScope: ScopeColumn[] = inner.columns.map((c, index) => ({ name: c.name, type: c.type, index, table: innerQualifiers[index] ?? innerQualifier }));
  // SQL resolves a subquery's names inside first: qualify every column so the joined scope reads them unambiguously.
  const resolves = (scope: ScopeColumn[], c: { table?: string; name: string }) =>
    scope.filter((s) => s.name.toLowerCase() === c.name.toLowerCase() && (c.table === undefined || s.table?.toLowerCase() === c.table.toLowerCase()));
  let readsOuter = false;
  const qualify = (e: Expr, outerOnly: boolean): Expr =>
    mapColumns(e, (c) => {
      const own = outerOnly ? [] : resolves(innerScope, c);
      if (own.length === 1) return { ...c, table: own[0]?.table as string };
      const outer = resolves(outerScope, c);
      if (outer.length === 1 && outer[0]?.table !== undefined) {
        readsOuter = true;
        return { ...c, table: outer[0].table };
      }
      return c;
    });

  const correlated: Expr[] = [];
  const local: Expr[] = [];
  for (const c of q.where ? flattenAnd(q.where) : []) {
    readsOuter = false;
    const qualified = qualify(c, false);
    (readsOuter ? correlated : local).push(qualified);
  }
  if (sub.in) {
    const items = q.items;
    if (items.length !== 1 || items[0]?.kind !== "expr") throw unsupported("a SELECT list of other than one expression");
    const eq: Expr = { kind: "binary", op: "=", left: qualify(sub.in.arg, true), right: qualify(items[0].expr, false), at: sub.at };
    correlated.push(sub.in.negated ? { kind: "binary", op: "OR", left: eq, right: { kind: "isNull", arg: eq, negated: false, at: sub.at }, at: sub.at } : eq);
  }
  let right = inner;
  if (local.length > 0) {
    const keep = new ExprCompiler(innerScope).predicate(conjunction(local, sub.at));
    right = { ...inner, stream: (inner.stream as DataStream<Row>).filter(keep).name("WHERE") };
  }
  if (correlated.length === 0) throw unsupported("a subquery not correlated with the outer query");
  const scope = [...outerScope, ...innerScope.map((c) => ({ ...c, index: c.index + leftWidth }))];
  const on = conjunction(correlated, sub.at);
  const condition = analyzeCondition(on, scope, leftWidth);
  const joined = planWindowJoin({ left: outerFrom, right: q.from, joinType: sub.kind }, left, right, condition, scope, [...outerQualifiers, ...innerQualifiers], on);
  if (!joined)
    throw new StreamSqlError(
      "unsupported",
      "IN/EXISTS subqueries are supported only as window SEMI/ANTI joins yet: both sides windowed by the same TUMBLE, HOP or CUMULATE, the subquery's WHERE equating window_start and window_end",
      sub.at,
      sub.in ? "IN" : "EXISTS",
    );
  return joined;
}

function subqueryConjunct(e: Expr): SubqueryConjunct | undefined {
  if (e.kind === "inQuery") return { kind: e.negated ? "anti" : "semi", query: e.query, in: { arg: e.arg, negated: e.negated }, at: e.at };
  if (e.kind === "exists") return { kind: "semi", query: e.query, at: e.at };
  if (e.kind === "unary" && e.op === "NOT" && e.arg.kind === "exists") return { kind: "anti", query: e.arg.query, at: e.at };
  return undefined;
}

/** `e` with every column reference replaced by `f(column)` (other nodes copied, nested queries left as they are). */
function mapColumns(e: Expr, f: (c: Extract<Expr, { kind: "column" }>) => Expr): Expr {
  return mapValue(e, f) as Expr;
}

function mapValue(v: unknown, f: (c: Extract<Expr, { kind: "column" }>) => Expr): unknown {
  if (Array.isArray(v)) return v.map((x) => mapValue(x, f));
  if (v === null || typeof v !== "object") return v;
  const kind = (v as { kind?: unknown }).kind;
  if (kind === "column") return f(v as Extract<Expr, { kind: "column" }>);
  if (kind === "select" || kind === "union") return v;
  // Any other node, CASE's when/then pairs and OVER specs included: its fields mapped.
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapValue(x, f)]));
}
