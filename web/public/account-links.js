// The pages behind the links the platform mails: /verify-email and /accept-invitation. Their
// token is in the URL fragment, which browsers never send to a server or in a Referer.
const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.hash.slice(1)).get("token");

function only(viewId) {
  for (const id of ["login-view", "devices-view", "verify-view", "accept-view"]) $(id).hidden = id !== viewId;
}

async function post(path, body, bearer) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(json?.detail ?? res.statusText);
  return json;
}

async function verifyEmail() {
  only("verify-view");
  try {
    const { user } = await post("/api/v1/auth/verify-email", { token });
    $("verify-status").textContent = `${user.email} is confirmed.`;
  } catch (err) {
    $("verify-status").textContent = `This link did not work: ${err.message}`;
  }
}

function acceptInvitation() {
  only("accept-view");
  $("accept-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const body = { token };
    if (form.get("password")) body.password = form.get("password");
    if (form.get("name")) body.name = form.get("name");
    try {
      // A logged-in user accepts as themselves; the API refuses if the invitation is for another address.
      const accepted = await post("/api/v1/auth/invitations/accept", body, sessionStorage.getItem("skylark.token"));
      sessionStorage.setItem("skylark.token", accepted.token);
      location.assign("/");
    } catch (err) {
      $("accept-error").textContent = err.message;
    }
  });
}

if (token && location.pathname === "/verify-email") verifyEmail();
if (token && location.pathname === "/accept-invitation") acceptInvitation();
