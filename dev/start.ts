/**
 * `npm start`: everything a person needs to walk a recovery on this machine, with no Azure
 * account — Azurite (data under .azurite/), the simulators with the seeded demo tenant, and
 * the local Functions host on http://localhost:7071. Ctrl-C stops it all.
 *
 * The dev secrets (hand-off signing key, TAP sealing key, webhook secret) are generated once
 * into .data/dev-secrets.json, so a restart keeps outstanding hand-off tokens valid. The
 * simulated directory is re-seeded at every start.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { demoPolicy } from "./seed/demo-policy";
import { DEMO_TENANT_ID, DEMO_USERS, demoTenant } from "./seed/demo-tenant";
import {
  appSettings,
  type DevSecrets,
  generateDevSecrets,
  repoRoot,
  spawnHost,
  startSimulators,
} from "./stack";
import { startAzurite } from "./support/azurite";
import { devCertificate } from "./support/devCertificate";

const ROOT = repoRoot;
const PORTS = {
  app: 7071,
  azurite: 10002,
  graph: 7081,
  idv: 7082,
  verifiedId: 7083,
  entra: 7084,
  entraTls: 7085,
};

async function devSecrets(): Promise<DevSecrets> {
  const file = path.join(ROOT, ".data", "dev-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as DevSecrets;
  const secrets = await generateDevSecrets();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

async function main(): Promise<void> {
  const started = Date.now();
  const azurite = await startAzurite({ port: PORTS.azurite, location: path.join(ROOT, ".azurite") });
  const secrets = await devSecrets();
  // The admin console signs in against the Entra simulator over https (msal-browser accepts
  // no http authority): a certificate kept in .data/ so the browser's exception lasts.
  const entraTls = await devCertificate(path.join(ROOT, ".data"));
  const sims = await startSimulators({
    appPort: PORTS.app,
    ports: {
      graph: PORTS.graph,
      idv: PORTS.idv,
      verifiedId: PORTS.verifiedId,
      entra: PORTS.entra,
      entraTls: PORTS.entraTls,
    },
    tenant: demoTenant(),
    secrets,
    entraTls,
    // Microsoft's contract by default: the named providers send no webhook, the return moves on.
    namedProviderWebhooks: process.env.DEV_IDV_WEBHOOKS === "true",
  });
  // The demo policy goes through a file, as a deployment's would; the app seeds its policy table from it.
  const policyFile = path.join(ROOT, ".data", "policy.json");
  // Each named provider's simulator serves one demo country, so every adapter can be tried by hand.
  const policy = demoPolicy("production");
  policy.profiles[0]!.providers.byCountry = { IL: "au10tix", FR: "idemia", US: "truecredential" };
  writeFileSync(policyFile, `${JSON.stringify(policy, null, 2)}\n`);
  const settings: Record<string, string> = {
    ...appSettings({
      host: "localhost",
      appPort: PORTS.app,
      storageConnectionString: azurite.connectionString,
      tablePrefix: "recovery",
      tenantId: DEMO_TENANT_ID,
      simulators: sims,
      secrets,
      policy,
    }),
    POLICY_PROFILES_FILE: policyFile,
    // A person trying the demo restarts often; production defaults would lock them out for 15 minutes.
    RATE_LIMIT_PER_ADDRESS: "100",
    RATE_LIMIT_PER_USERNAME: "60",
    RATE_LIMIT_PER_USERNAME_AND_ADDRESS: "30",
  };
  delete settings.POLICY_PROFILES;
  const host = spawnHost({ port: PORTS.app, taskHub: "RecoveryHub", settings, echo: true });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    await host.stop();
    await sims.stop();
    await azurite.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await host.waitHealthy(60_000);

  const users = Object.values(DEMO_USERS).map((u) => u.userPrincipalName);
  console.log(`
Account recovery is running (healthy after ${Date.now() - started} ms).

  Recovery page   http://localhost:${PORTS.app}/
  Admin console   http://localhost:${PORTS.app}/admin   (demo admin and demo reader; see below)
  App health      http://localhost:${PORTS.app}/api/health
  Graph sim       ${sims.graph.url}/_sim/requests
  IDV provider    ${sims.idv.url}   (demo-idv: every country but IL, FR, US)
  Named adapters  ${["au10tix IL", "idemia FR", "truecredential US"].map((p) => `${p} ${sims.idvProviders[p.split(" ")[0]!]!.url}`).join(", ")}   (send "country")
  Verified ID     ${sims.verifiedId.url}/wallet   (the demo wallet: present credentials here)
  Entra tokens    ${sims.entra.plainUrl}   (admin tokens: npm run --silent admin-token)
  Entra sign-in   ${sims.entra.url}   (https, self-signed: .data/entra-simulator.cert.pem)
  Azurite tables  http://127.0.0.1:${PORTS.azurite} (data in .azurite/)

Demo users (mode: production, TAP issued): ${users.join(", ")}
  adele.vance@contoso.example recovers; alex.wilber is out of scope; new.hire never signed in;
  nestor.wilke has a namesake; lee.gu is an excluded executive; disabled.user is disabled.

Start:  curl -s -X POST localhost:${PORTS.app}/api/recovery -H 'content-type: application/json' \\
          -d '{"username":"adele.vance@contoso.example"}'
Admin:  curl -s localhost:${PORTS.app}/api/admin/policies \\
          -H "authorization: Bearer $(npm run --silent admin-token)"
Console sign-in: the simulator's certificate is made for this machine. Either open
  ${sims.entra.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration once and accept it, or
  start Chromium with --ignore-certificate-errors-spki-list=${entraTls.spkiSha256}
Ctrl-C stops everything.
`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
