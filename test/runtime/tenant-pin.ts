/**
 * A source-level check that every query of a tenant-scoped repository derives its condition (or, for
 * an insert, its values) from the repository's `tenantId` parameter.
 *
 * It reads TypeScript as text, not as an AST, because the architecture suite runs inside workerd,
 * where the compiler is not at hand; the text is good enough for the one shape repositories share:
 * `export function fooRepo(db: Db, tenantId: string)` issuing `db.select/update/delete/insert/run/all/get`.
 */

/** The source with comments removed and string contents blanked, keeping `${…}` expressions as code. */
export function codeOnly(source: string): string {
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

/**
 * Decides, scope by scope, which names derive from `tenantId` (directly or through another such name):
 * `const mine = eq(t.tenantId, tenantId)`, `const byId = (id) => and(mine, …)`, `const where = and(mine, …)`.
 */
function tenantPins(code: string) {
  const decls = declarations(code);
  // The declaration a name at `pos` refers to: the nearest earlier one whose scope holds `pos` (a later one for hoisted functions).
  const resolve = (name: string, pos: number) => decls.filter((d) => d.name === name && d.scope[0] <= pos && pos < d.scope[1]).sort((a, b) => Number(a.at > pos) - Number(b.at > pos) || (a.at > pos ? a.at - b.at : b.at - a.at))[0];
  const pinned = new Set<Declaration>();
  const derives = (text: string, textAt: number) =>
    [...text.matchAll(/(?<![.\w$])([A-Za-z_$][\w$]*)/g)].some((m) => {
      if (m[1] === TENANT_ID) return true;
      const d = resolve(m[1]!, textAt + m.index);
      return d !== undefined && pinned.has(d);
    });
  for (let grew = true; grew;) {
    grew = false;
    for (const d of decls) if (!pinned.has(d) && derives(d.text, d.textAt)) (pinned.add(d), (grew = true));
  }
  return derives;
}

export type Offence = { line: number; query: string; why: string };

const QUERY = /\bdb\s*\.\s*(select|selectDistinct|update|delete|insert|run|all|get|values)\b/g;

/** How many queries a repository source issues: what the check below looked at. */
export const queryCount = (source: string) => [...codeOnly(source).matchAll(QUERY)].length;

/** Every query in a repository source that is not pinned to the repository's tenant. */
export function unpinnedQueries(source: string): Offence[] {
  const code = codeOnly(source);
  const derives = tenantPins(code);
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
    const pinnedArgs = (call: string) => {
      const calls = [...query.matchAll(new RegExp(`\\.\\s*${call}\\s*\\(`, "g"))];
      return calls.map((c) => {
        const open = c.index + c[0].length - 1;
        return derives(query.slice(open, closing(query, open)), m.index + open);
      });
    };
    switch (m[1]) {
      case "select":
      case "selectDistinct":
      case "update":
      case "delete": {
        const wheres = pinnedArgs("where");
        if (wheres.length === 0) report("no .where(…)");
        else if (!wheres.every(Boolean)) report(".where(…) does not derive from tenantId");
        break;
      }
      case "insert": {
        // `insert(t).values(…)` or `insert(t).select(…)` (rows from a query): what is inserted must carry the tenant.
        const rows = [...pinnedArgs("values"), ...pinnedArgs("select")];
        if (rows.length === 0 || !rows.every(Boolean)) report("inserted rows do not carry tenantId");
        break;
      }
      default:
        // Raw SQL (`db.run(sql\`…\`)`): the statement itself must bind the tenant.
        if (!derives(query, m.index)) report("raw SQL does not bind tenantId");
    }
  }
  return offences;
}
