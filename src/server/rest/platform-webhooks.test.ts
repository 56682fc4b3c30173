import { afterEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { loopbackReceiver } from "@/test/receiver";
import { rest, signedInUser } from "@/test/rest-client";

afterEach(() => {
  delete process.env.QUARRY_WEBHOOK_ALLOW_PRIVATE;
  resetConfigForTests();
});

describe("REST /webhooks", () => {
  it("refuses a loopback URL without the allowance, then registers, lists (no secret), tests and deletes", async () => {
    const u = await signedInUser("analyst");
    const other = await signedInUser("analyst");
    const receiver = await loopbackReceiver();
    try {
      const refused = await rest("POST", "/webhooks", { token: u.token, body: { event: "query_completed", url: receiver.url } });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.fields ?? refused.body.error.details).toBeTruthy();

      process.env.QUARRY_WEBHOOK_ALLOW_PRIVATE = "true";
      resetConfigForTests();
      const created = await rest("POST", "/webhooks", { token: u.token, body: { event: "query_completed", url: receiver.url, active: true } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ event: "query.completed", active: true, secret: expect.stringMatching(/^whsec_/) });
      const id = created.body.id as string;

      const listed = await rest("GET", "/webhooks", { token: u.token });
      expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toContain(id);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
      expect((await rest("GET", "/webhooks", { token: other.token })).body.webhooks).toEqual([]);

      const test = await rest("POST", `/webhooks/${id}/test`, { token: u.token });
      expect(test.status).toBe(200);
      expect(test.body).toMatchObject({ event: "webhook.test", status: "delivered", response_code: 200, attempts: 1 });
      const log = await rest("GET", `/webhooks/${id}/deliveries`, { token: u.token });
      expect(log.body.deliveries[0]).toMatchObject({ status: "delivered" });

      expect((await rest("DELETE", `/webhooks/${id}`, { token: other.token })).status).toBe(404);
      expect((await rest("DELETE", `/webhooks/${id}`, { token: u.token })).status).toBe(200);
      expect((await rest("POST", "/webhooks", { token: u.token, body: { url: "https://example.com/x" } })).status).toBe(422);
    } finally {
      await receiver.close();
    }
  });
});
