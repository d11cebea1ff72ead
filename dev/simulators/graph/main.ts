/**
 * Runs the Graph simulator alone with the demo tenant, for poking at it with curl:
 *   node dist/dev/simulators/graph/main.js [port=7301] [token=dev-graph-token]
 *   curl -H "Authorization: Bearer dev-graph-token" http://127.0.0.1:7301/v1.0/users/adele.vance@contoso.example
 *   curl http://127.0.0.1:7301/_sim/requests
 */
import { demoTenant } from "../../seed/demo-tenant";
import { startGraphSimulator } from "./index";

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 7301);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`Invalid port '${process.argv[2]}'`);
  const acceptedToken = process.argv[3] ?? "dev-graph-token";
  const sim = await startGraphSimulator({ port, acceptedToken, tenant: demoTenant() });
  console.log(`Graph simulator on ${sim.url} (token "${acceptedToken}"); state under ${sim.url}/_sim`);
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
