/**
 * One Azurite (Table service, in memory, free port) for the whole test run. Every test file
 * isolates itself with its own table prefix / task hub, so files can run in parallel.
 */
import type { TestProject } from "vitest/node";
import { type AzuriteHandle, startAzurite } from "../dev/support/azurite";

let azurite: AzuriteHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Microsoft's Durable engine (DEV_HOST_DURABLE_ENGINE=dotnet) also needs blobs and queues.
  azurite = await startAzurite({
    services: process.env.DEV_HOST_DURABLE_ENGINE === "dotnet" ? "all" : "table",
  });
  project.provide("azuriteConnectionString", azurite.connectionString);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    azuriteConnectionString: string;
  }
}
