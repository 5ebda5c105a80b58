// Minimal tenant console: log in, list devices, register one. Talks only to the public API.
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("skylark.token");

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = res.status === 204 ? null : await res.json();
  if (!res.ok) throw Object.assign(new Error(json?.detail ?? res.statusText), { problem: json, status: res.status });
  return json;
}

function show(loggedIn) {
  $("login-view").hidden = loggedIn;
  $("devices-view").hidden = !loggedIn;
  $("logout").hidden = !loggedIn;
}

async function loadDevices() {
  const [{ tenant }, devices] = await Promise.all([api("GET", "/api/v1/tenant"), api("GET", "/api/v1/devices?limit=200")]);
  $("tenant-name").textContent = tenant.name;
  const rows = devices.items.map((d) => {
    const tr = document.createElement("tr");
    for (const v of [d.id, d.name, d.type, d.status, d.lastSeenAt ? new Date(d.lastSeenAt).toLocaleString() : "never", d.firmwareVersion ?? ""]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  });
  $("device-rows").replaceChildren(...rows);
}

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    const body = { email: form.get("email"), password: form.get("password") };
    if (form.get("tenant")) body.tenant = form.get("tenant");
    token = (await api("POST", "/api/v1/auth/login", body)).token;
    sessionStorage.setItem("skylark.token", token);
    show(true);
    await loadDevices();
  } catch (err) {
    $("login-error").textContent = err.message;
  }
});

$("device-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    const body = { id: form.get("id"), type: form.get("type") };
    if (form.get("name")) body.name = form.get("name");
    const { credentials } = await api("POST", "/api/v1/devices", body);
    $("credentials").hidden = false;
    $("credentials").textContent = `MQTT credentials (shown once)\nclient id: ${credentials.clientId}\nusername:  ${credentials.username}\npassword:  ${credentials.password}`;
    $("device-error").textContent = "";
    e.target.reset();
    await loadDevices();
  } catch (err) {
    $("device-error").textContent = err.message;
  }
});

$("logout").addEventListener("click", () => {
  token = null;
  sessionStorage.removeItem("skylark.token");
  $("tenant-name").textContent = "";
  show(false);
});

/**
 * On a tenant's own host (its subdomain or a verified custom domain) the login page wears the
 * tenant's branding, and the tenant field is not needed: the host already names the tenant.
 * The platform host answers 404 and keeps the Skylark look.
 */
async function applyBranding() {
  const res = await fetch("/api/v1/branding");
  if (!res.ok) return;
  const { tenant, branding } = await res.json();
  const name = branding.displayName || tenant.name;
  $("brand-name").textContent = name;
  document.title = `${name} · Skylark`;
  if (branding.logoUrl) {
    $("brand-logo").src = branding.logoUrl;
    $("brand-logo").alt = name;
    $("brand-logo").hidden = false;
  }
  // Colours were validated as #rrggbb by the API; set as custom properties, never as markup.
  if (branding.primaryColor) document.documentElement.style.setProperty("--brand-primary", branding.primaryColor);
  if (branding.accentColor) document.documentElement.style.setProperty("--brand-accent", branding.accentColor);
  $("tenant-field").hidden = true;
}
applyBranding().catch(() => {});

if (token) {
  show(true);
  loadDevices().catch(() => $("logout").click());
}
