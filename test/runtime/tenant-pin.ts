/**
 * A source-level check that every query of a tenant-scoped repository restricts its rows to the
 * repository's `tenantId` parameter: its where condition, its inserted rows or its raw SQL.
 *
 * It reads TypeScript as text, not as an AST, because the architecture suite runs inside workerd,
 * where the compiler is not at hand; the text is good enough for the one shape repositories share:
 * `export function fooRepo(db: Db, tenantId: string)` issuing `db.select/update/delete/insert/run/all/get`.
 */

/** The source with comments removed and string contents blanked, keeping `${…}` expressions as code. */
function codeOnly(source: string): string {
  let out = "";
  // Brace depth of each open `${` inside a template literal: its `}` returns to the template.
  const templateDepths: number[] = [];
  let mode: "code" | "single" | "double" | "template" | "line" | "block" = "code";
  const blank = (c: string) => (c === "\n" ? c : " ");
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const two = source.slice(i, i + 2);
    const depth = templateDepths.length - 1;
    if (mode === "code") {
      if (two === "//" || two === "/*") {
        mode = two === "//" ? "line" : "block";
        out += "  ";
        i++;
        continue;
      }
      if (c === "'") mode = "single";
      else if (c === '"') mode = "double";
      else if (c === "`") mode = "template";
      else if (c === "{" && depth >= 0) templateDepths[depth]!++;
      else if (c === "}" && depth >= 0 && templateDepths[depth] === 0) {
        templateDepths.pop();
        mode = "template";
      } else if (c === "}" && depth >= 0) templateDepths[depth]!--;
      out += c;
    } else if (mode === "line" || mode === "block") {
      if (mode === "block" && two === "*/") {
        mode = "code";
        out += "  ";
        i++;
      } else {
        if (c === "\n" && mode === "line") mode = "code";
        out += blank(c);
      }
    } else if (c === "\\") {
      out += "  ";
      i++;
    } else if ((mode === "single" && c === "'") || (mode === "double" && c === '"') || (mode === "template" && c === "`")) {
      mode = "code";
      out += c;
    } else if (mode === "template" && two === "${") {
      templateDepths.push(0);
      mode = "code";
      out += two;
      i++;
    } else out += blank(c);
  }
  return out;
}

const OPEN = "([{";
const CLOSE = ")]}";

/** The index just past the bracket that closes the one at `open`. */
function closing(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (OPEN.includes(code[i]!)) depth++;
    else if (CLOSE.includes(code[i]!) && --depth === 0) return i + 1;
  }
  return code.length;
}

/** The expression that starts at `from`: up to a `;` or `,` at its own depth, or the bracket that encloses it. */
function expressionFrom(code: string, from: number): string {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const c = code[i]!;
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) {
      if (depth === 0) return code.slice(from, i);
      depth--;
    } else if ((c === ";" || c === ",") && depth === 0) return code.slice(from, i);
  }
  return code.slice(from);
}

/** `tenantId` the variable (not `table.tenantId` the column). */
const TENANT_ID = "tenantId";

type Declaration = { name: string; at: number; scope: [number, number]; text: string; textAt: number };

/** The innermost bracket pair around `pos` (the whole source at top level): where a declaration there is visible. */
function scopeAround(code: string, pos: number): [number, number] {
  let depth = 0;
  for (let i = pos - 1; i >= 0; i--) {
    if (CLOSE.includes(code[i]!)) depth++;
    else if (OPEN.includes(code[i]!) && depth-- === 0) return [i, closing(code, i)];
  }
  return [0, code.length];
}

function declarations(code: string): Declaration[] {
  const found: Declaration[] = [];
  for (const m of code.matchAll(/\b(?:const|let)\s+(\w+)(?:\s*:[^=;]+)?\s*=(?!=)/g)) {
    const textAt = m.index + m[0].length;
    found.push({ name: m[1]!, at: m.index, scope: scopeAround(code, m.index), text: expressionFrom(code, textAt), textAt });
  }
  for (const m of code.matchAll(/\bfunction\s+(\w+)\s*\(/g)) {
    const body = code.indexOf("{", closing(code, m.index + m[0].length - 1));
    if (body >= 0) found.push({ name: m[1]!, at: m.index, scope: scopeAround(code, m.index), text: code.slice(body, closing(code, body)), textAt: body });
  }
  return found;
}

/** The declaration a name at `pos` refers to: the nearest earlier one whose scope holds `pos` (a later one for hoisted functions). */
const resolver = (decls: Declaration[]) => (name: string, pos: number) =>
  decls.filter((d) => d.name === name && d.scope[0] <= pos && pos < d.scope[1]).sort((a, b) => Number(a.at > pos) - Number(b.at > pos) || (a.at > pos ? a.at - b.at : b.at - a.at))[0];

/** Grows the set of declarations that satisfy `holds` (given the ones found so far) until it stops growing. */
function fixpoint(decls: Declaration[], holds: (d: Declaration, found: Set<Declaration>) => boolean): Set<Declaration> {
  const found = new Set<Declaration>();
  for (let grew = true; grew;) {
    grew = false;
    for (const d of decls) {
      if (!found.has(d) && holds(d, found)) {
        found.add(d);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * Whether a text mentions `tenantId`, directly or through a name declared from it (scope by scope):
 * good enough for inserted values and raw SQL, which are not parsed further.
 */
function tenantMentions(code: string) {
  const decls = declarations(code);
  const resolve = resolver(decls);
  const mentions = (text: string, textAt: number, found: Set<Declaration>) =>
    [...text.matchAll(/(?<![.\w$])([A-Za-z_$][\w$]*)/g)].some((m) => {
      if (m[1] === TENANT_ID) return true;
      const d = resolve(m[1]!, textAt + m.index);
      return d !== undefined && found.has(d);
    });
  const derived = fixpoint(decls, (d, found) => mentions(d.text, d.textAt, found));
  return (text: string, textAt: number) => mentions(text, textAt, derived);
}

/** The arguments of the call whose `(` is at `open`, each with where it starts. */
function callArgs(code: string, open: number): { from: number; to: number }[] {
  const end = closing(code, open) - 1;
  const args: { from: number; to: number }[] = [];
  let from = open + 1;
  let depth = 0;
  for (let i = open + 1; i <= end; i++) {
    const c = code[i]!;
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && i < end) depth--;
    else if ((c === "," && depth === 0) || i === end) {
      if (code.slice(from, i).trim()) args.push({ from, to: i });
      from = i + 1;
    }
  }
  return args;
}

/** Where an arrow function's or a function's result starts: its expression body, or each `return` of its block. */
function resultsOf(code: string, d: Declaration): { from: number; to: number }[] {
  const head = /^\s*(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*(?::[^=]+)?=>\s*/.exec(d.text);
  const bodyAt = d.textAt + (head ? head[0].length : 0);
  if (!head && !d.text.trimStart().startsWith("{")) return [{ from: d.textAt, to: d.textAt + d.text.length }];
  if (code[bodyAt] !== "{") return [{ from: bodyAt, to: d.textAt + d.text.length }];
  const block = code.slice(bodyAt, closing(code, bodyAt));
  return [...block.matchAll(/\breturn\b/g)].map((r) => {
    const from = bodyAt + r.index + r[0].length;
    return { from, to: from + expressionFrom(code, from).length };
  });
}

/**
 * Whether a condition restricts rows to the tenant: `eq(t.tenantId, tenantId)`, `and(…)` with such a
 * condition among its terms, `afterCursor(column, cursor, condition)`, or a name declared as one
 * (`mine`, `byId(id)`, `where`). `or(mine, …)` does not: it lets other tenants' rows through.
 * A raw `sql` condition cannot be read further and must bind `tenantId` itself.
 */
function tenantConditions(code: string) {
  const decls = declarations(code);
  const resolve = resolver(decls);
  const restricts = (from: number, to: number, found: Set<Declaration>): boolean => {
    const text = code.slice(from, to).trim();
    const at = from + code.slice(from, to).indexOf(text);
    if (/^eq\(\s*[\w$.]+\.tenantId\s*,\s*tenantId\s*\)$/.test(text)) return true;
    if (text.startsWith("sql`")) return new RegExp(`\\$\\{\\s*${TENANT_ID}\\s*\\}`).test(text);
    const call = /^([A-Za-z_$][\w$]*)\s*(\()?/.exec(text);
    if (!call) return false;
    const open = at + call[0].length - 1;
    // Nothing may follow the name or the call (`mine || other`, `byId(id).x`).
    if (call[2] ? closing(code, open) !== at + text.length : call[1]!.length !== text.length) return false;
    if (call[2] && call[1] === "and") return callArgs(code, open).some((a) => restricts(a.from, a.to, found));
    if (call[2] && call[1] === "afterCursor") {
      const args = callArgs(code, open);
      return args.length === 3 && restricts(args[2]!.from, args[2]!.to, found);
    }
    const d = resolve(call[1]!, at);
    return d !== undefined && found.has(d);
  };
  const restricting = fixpoint(decls, (d, found) => {
    const results = resultsOf(code, d);
    return results.length > 0 && results.every((r) => restricts(r.from, r.to, found));
  });
  return (from: number, to: number) => restricts(from, to, restricting);
}

export type Offence = { line: number; query: string; why: string };

const QUERY = /\bdb\s*\.\s*(select|selectDistinct|update|delete|insert|run|all|get|values)\b/g;

/** How many queries a repository source issues: what the check below looked at. */
export const queryCount = (source: string) => [...codeOnly(source).matchAll(QUERY)].length;

/** Every query in a repository source that is not pinned to the repository's tenant. */
export function unpinnedQueries(source: string): Offence[] {
  const code = codeOnly(source);
  const mentions = tenantMentions(code);
  const restricts = tenantConditions(code);
  const offences: Offence[] = [];
  for (const m of code.matchAll(QUERY)) {
    const query = expressionFrom(code, m.index);
    const report = (why: string) =>
      offences.push({
        line: code.slice(0, m.index).split("\n").length,
        query: source
          .slice(m.index, m.index + query.length)
          .replace(/\s+/g, " ")
          .slice(0, 160),
        why,
      });
    // The `(` of each `.call(` in the query, as a position in `code`.
    const opens = (call: string) => [...query.matchAll(new RegExp(`\\.\\s*${call}\\s*\\(`, "g"))].map((c) => m.index + c.index + c[0].length - 1);
    const mentioned = (open: number) => mentions(code.slice(open, closing(code, open)), open);
    switch (m[1]) {
      case "select":
      case "selectDistinct":
      case "update":
      case "delete": {
        const wheres = opens("where");
        if (wheres.length === 0) report("no .where(…)");
        else if (!wheres.every((open) => restricts(open + 1, closing(code, open) - 1))) report(".where(…) does not restrict to tenantId");
        break;
      }
      case "insert": {
        // `insert(t).values(…)` or `insert(t).select(…)` (rows from a query): what is inserted must carry the tenant.
        const rows = [...opens("values"), ...opens("select")];
        if (rows.length === 0 || !rows.every(mentioned)) report("inserted rows do not carry tenantId");
        break;
      }
      default:
        // Raw SQL (`db.run(sql\`…\`)`): the statement itself must bind the tenant.
        if (!mentions(query, m.index)) report("raw SQL does not bind tenantId");
    }
  }
  return offences;
}
