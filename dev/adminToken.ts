/**
 * `npm run --silent admin-token [-- --reader] [-- --oid <guid>]`: prints an admin access token
 * from the local Entra simulator that `npm start` runs on port 7084, for trying the admin API:
 *
 *   curl -H "authorization: Bearer $(npm run --silent admin-token)" localhost:7071/api/admin/policies
 */
const ENTRA = process.env.ENTRA_AUTHORITY_HOST ?? "http://127.0.0.1:7084";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const reader = args.includes("--reader");
  const oidAt = args.indexOf("--oid");
  const oid = oidAt >= 0 ? args[oidAt + 1] : "00000000-0000-4000-8000-0000000ad111";
  const res = await fetch(`${ENTRA}/_sim/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ roles: [reader ? "Recovery.Reader" : "Recovery.Admin"], oid }),
  });
  if (!res.ok) throw new Error(`${ENTRA}/_sim/token: ${res.status} ${await res.text()}`);
  const { access_token } = (await res.json()) as { access_token: string };
  process.stdout.write(`${access_token}\n`);
}

main().catch((err: unknown) => {
  console.error(`${err instanceof Error ? err.message : err} (is npm start running?)`);
  process.exit(1);
});
