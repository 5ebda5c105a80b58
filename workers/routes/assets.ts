import { z } from "zod";
import { ResourceId } from "../../domain/ids";
import { Asset, AssetListQuery, CreateAsset, CreateSensor, Sensor, UpdateAsset, UpdateSensor } from "../../domain/schemas/assets";
import { page, PageQuery } from "../../domain/schemas/common";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["assets"];
const AssetParam = z.object({ assetId: ResourceId });
const SensorParam = z.object({ assetId: ResourceId, sensorId: ResourceId });

/** Assets (e.g. a truck) and, nested under them, the sensors that measure them. */
export const assetRoutes = tenantRouter()
  .post("/", doc({ summary: "Create an asset", tags, ok: { status: 201, schema: Asset }, errors: [400, 409] }), requireRole("MEMBER"), validate("json", CreateAsset), async (c) => {
    const asset = await c.get("data").assets.create(c.req.valid("json"));
    await audit(c, { action: "asset.create", targetType: "asset", targetId: asset.id, outcome: "success" });
    return c.json(asset, 201);
  })
  .get("/", doc({ summary: "List assets", tags, ok: { schema: page(Asset) }, errors: [400] }), requireRole("VIEWER"), validate("query", AssetListQuery), async (c) => c.json(await c.get("data").assets.list(c.req.valid("query"))))
  .get("/:assetId", doc({ summary: "Get an asset", tags, ok: { schema: Asset }, errors: [404] }), requireRole("VIEWER"), validate("param", AssetParam), async (c) => c.json(await c.get("data").assets.get(c.req.valid("param").assetId)))
  .patch("/:assetId", doc({ summary: "Update an asset", tags, ok: { schema: Asset }, errors: [400, 404] }), requireRole("MEMBER"), validate("param", AssetParam), validate("json", UpdateAsset), async (c) => {
    const asset = await c.get("data").assets.update(c.req.valid("param").assetId, c.req.valid("json"));
    await audit(c, { action: "asset.update", targetType: "asset", targetId: asset.id, outcome: "success" });
    return c.json(asset);
  })
  .delete("/:assetId", doc({ summary: "Delete an asset and its sensors", tags, ok: { status: 204, description: "Deleted" }, errors: [404] }), requireRole("MEMBER"), validate("param", AssetParam), async (c) => {
    const { assetId } = c.req.valid("param");
    await c.get("data").assets.delete(assetId);
    await audit(c, { action: "asset.delete", targetType: "asset", targetId: assetId, outcome: "success" });
    return c.body(null, 204);
  })
  .post(
    "/:assetId/sensors",
    doc({ summary: "Add a sensor to an asset", tags, ok: { status: 201, schema: Sensor }, errors: [400, 404, 409] }),
    requireRole("MEMBER"),
    validate("param", AssetParam),
    validate("json", CreateSensor),
    async (c) => {
      const { assetId } = c.req.valid("param");
      const sensor = await c.get("data").sensors.create(assetId, c.req.valid("json"));
      await audit(c, { action: "sensor.create", targetType: "sensor", targetId: `${assetId}/${sensor.id}`, outcome: "success" });
      return c.json(sensor, 201);
    },
  )
  .get("/:assetId/sensors", doc({ summary: "List an asset's sensors", tags, ok: { schema: page(Sensor) }, errors: [400, 404] }), requireRole("VIEWER"), validate("param", AssetParam), validate("query", PageQuery), async (c) =>
    c.json(await c.get("data").sensors.list(c.req.valid("param").assetId, c.req.valid("query"))),
  )
  .get("/:assetId/sensors/:sensorId", doc({ summary: "Get a sensor", tags, ok: { schema: Sensor }, errors: [404] }), requireRole("VIEWER"), validate("param", SensorParam), async (c) => {
    const { assetId, sensorId } = c.req.valid("param");
    return c.json(await c.get("data").sensors.get(assetId, sensorId));
  })
  .patch("/:assetId/sensors/:sensorId", doc({ summary: "Update a sensor", tags, ok: { schema: Sensor }, errors: [400, 404] }), requireRole("MEMBER"), validate("param", SensorParam), validate("json", UpdateSensor), async (c) => {
    const { assetId, sensorId } = c.req.valid("param");
    const sensor = await c.get("data").sensors.update(assetId, sensorId, c.req.valid("json"));
    await audit(c, { action: "sensor.update", targetType: "sensor", targetId: `${assetId}/${sensorId}`, outcome: "success" });
    return c.json(sensor);
  })
  .delete("/:assetId/sensors/:sensorId", doc({ summary: "Delete a sensor", tags, ok: { status: 204, description: "Deleted" }, errors: [404] }), requireRole("MEMBER"), validate("param", SensorParam), async (c) => {
    const { assetId, sensorId } = c.req.valid("param");
    await c.get("data").sensors.delete(assetId, sensorId);
    await audit(c, { action: "sensor.delete", targetType: "sensor", targetId: `${assetId}/${sensorId}`, outcome: "success" });
    return c.body(null, 204);
  });
