/**
 * A device secret, shown once (the API never returns it again; rotating makes a new one), with
 * connection snippets for this host that already carry it.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Credentials } from "./api";
import { cliSnippet, endpointUrl, mqttJsSnippet, telemetryTopic, useMqttEndpoint } from "./snippets";

type Props = { tenant: string; id: string; credentials: Credentials; title: string; onDismiss: () => void };

export function SecretOnce({ tenant, id, credentials, title, onDismiss }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState("");
  const endpoint = useMqttEndpoint(tenant);
  useEffect(() => heading.current?.focus(), []);
  const text = `client id: ${credentials.clientId}\nusername:  ${credentials.username}\npassword:  ${credentials.password}`;
  const connection = `URL:       ${endpointUrl(endpoint)}\ntopic:     ${telemetryTopic(tenant, id)}`;

  async function copy(what: string, value: string) {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(`${what} copied to the clipboard.`);
    } catch {
      setCopied(`Copying is not allowed here; select the ${what.toLowerCase()} and copy it.`);
    }
  }

  return (
    <section id="credentials" class="card secret" aria-labelledby="secret-title">
      <h2 id="secret-title" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p>
        <strong>Shown only once.</strong> Store the password now; to get another, rotate the device's secret.
      </p>
      <pre id="credentials-text">{text}</pre>
      <pre id="connection-text">{connection}</pre>
      <div class="form-actions">
        <button type="button" onClick={() => void copy("The password", credentials.password)} id="copy-secret">
          Copy password
        </button>
      </div>
      <h3>Connect with MQTT.js</h3>
      <pre id="snippet-mqttjs" class="snippet">
        {mqttJsSnippet(endpoint, tenant, credentials)}
      </pre>
      <button type="button" onClick={() => void copy("The MQTT.js snippet", mqttJsSnippet(endpoint, tenant, credentials))}>
        Copy MQTT.js snippet
      </button>
      <h3>Publish one reading from a shell</h3>
      <pre id="snippet-cli" class="snippet">
        {cliSnippet(endpoint, tenant, credentials)}
      </pre>
      <div class="form-actions">
        <button type="button" onClick={() => void copy("The command", cliSnippet(endpoint, tenant, credentials))}>
          Copy command
        </button>
        <button type="button" onClick={onDismiss}>
          Done
        </button>
      </div>
      <p role="status" class="muted">
        {copied}
      </p>
    </section>
  );
}
