/**
 * A self-contained API reference page (no CDN: it must work offline and behind strict CSPs).
 * Its one inline script and one inline style are allowed by hash in its own CSP (`docsPageCsp`),
 * so nothing else inline could run, even if markup were ever injected into the page.
 */
const DOCS_STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b2430;background:#f6f8fa}
header{background:#14213d;color:#fff;padding:16px 32px}header a{color:#9cf}main{max-width:1000px;margin:0 auto;padding:16px 32px}
h2{margin-top:32px;border-bottom:1px solid #d0d7de;text-transform:capitalize}
details{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer}code{font:13px ui-monospace,monospace}.m{display:inline-block;width:64px;font-weight:700}
.get{color:#0969da}.post{color:#1a7f37}.patch{color:#9a6700}.delete{color:#cf222e}pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
`;

const DOCS_SCRIPT = `
fetch('/api/v1/openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [path,ops] of Object.entries(doc.paths))for(const [method,op] of Object.entries(ops))(byTag[(op.tags||['other'])[0]]??=[]).push({path,method,op});
  const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  const root=document.getElementById('root');root.textContent='';
  for(const [tag,ops] of Object.entries(byTag)){
    const h=document.createElement('h2');h.textContent=tag;root.append(h);
    for(const {path,method,op} of ops){
      const d=document.createElement('details');
      d.innerHTML='<summary><span class="m '+method+'">'+method.toUpperCase()+'</span><code>'+esc(path)+'</code> — '+esc(op.summary||'')+'</summary>'+
        (op.description?'<p>'+esc(op.description)+'</p>':'')+
        (op.parameters?'<h4>Parameters</h4><pre>'+esc(JSON.stringify(op.parameters,null,2))+'</pre>':'')+
        (op.requestBody?'<h4>Body</h4><pre>'+esc(JSON.stringify(op.requestBody.content['application/json'].schema,null,2))+'</pre>':'')+
        '<h4>Responses</h4><pre>'+esc(JSON.stringify(op.responses,null,2))+'</pre>';
      root.append(d);
    }
  }
});
`;

export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Skylark API reference</title>
<style>${DOCS_STYLE}</style></head><body><header><h1>Skylark API</h1><p>OpenAPI 3.1 document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p></header>
<main id="root">Loading…</main>
<script>${DOCS_SCRIPT}</script></body></html>`;

async function cspHash(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

let csp: Promise<string> | undefined;

/** The docs page's CSP: its own script and style by hash, fetches to this origin, no framing. */
export function docsPageCsp(): Promise<string> {
  csp ??= Promise.all([cspHash(DOCS_SCRIPT), cspHash(DOCS_STYLE)]).then(
    ([script, style]) => `default-src 'none'; script-src ${script}; style-src ${style}; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
  );
  return csp;
}
