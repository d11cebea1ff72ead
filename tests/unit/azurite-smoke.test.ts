import { TableClient } from "@azure/data-tables";
import { describe, expect, inject, it } from "vitest";

describe("test storage", () => {
  it("is a real Azurite that enforces etags", async () => {
    const client = TableClient.fromConnectionString(inject("azuriteConnectionString"), "smoke", {
      allowInsecureConnection: true,
    });
    await client.createTable();
    const created = await client.createEntity({ partitionKey: "p", rowKey: "r", n: 1 });
    await client.updateEntity({ partitionKey: "p", rowKey: "r", n: 2 }, "Merge", { etag: created.etag });
    await expect(
      client.updateEntity({ partitionKey: "p", rowKey: "r", n: 3 }, "Merge", { etag: created.etag }),
    ).rejects.toMatchObject({ statusCode: 412 });
  });
});
