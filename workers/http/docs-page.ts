/** A self-contained API reference page (no CDN: it must work offline and behind strict CSPs). */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Skylark API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b2430;background:#f6f8fa}
header{background:#14213d;color:#fff;padding:16px 32px}main{max-width:1000px;margin:0 auto;padding:16px 32px}
h2{margin-top:32px;border-bottom:1px solid #d0d7de;text-transform:capitalize}
details{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer}code{font:13px ui-monospace,monospace}.m{display:inline-block;width:64px;font-weight:700}
.get{color:#0969da}.post{color:#1a7f37}.patch{color:#9a6700}.delete{color:#cf222e}pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
</style></head><body><header><h1>Skylark API</h1><p>OpenAPI 3.1 document: <a style="color:#9cf" href="/api/v1/openapi.json">/api/v1/openapi.json</a></p></header>
<main id="root">Loading…</main>
<script>
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
</script></body></html>`;
