/**
 * OpenAPI 3.1 document built from the routes' own schemas (@fastify/swagger
 * is not a dependency): an onRoute hook, added before any route is
 * registered, collects method, URL and schema; `document()` turns them into
 * paths. TypeBox schemas are JSON Schema, which OpenAPI 3.1 accepts as is.
 */
import type { RouteOptions } from 'fastify';

type JsonSchema = Record<string, unknown>;

interface CollectedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

/** Plain JSON (drops TypeBox's symbol keys and functions). */
const plain = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema ?? {}));

/** `/api/alerts/:id` → `/api/alerts/{id}` */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(location: 'path' | 'query', schema: unknown): JsonSchema[] {
  const object = plain(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function operation(route: CollectedRoute): JsonSchema {
  const { schema } = route;
  const responses: Record<string, JsonSchema> = {};
  for (const [status, body] of Object.entries((schema.response as Record<string, unknown>) ?? {})) {
    responses[status] = {
      description: `HTTP ${status}`,
      content: { 'application/json': { schema: plain(body) } },
    };
  }
  if (Object.keys(responses).length === 0) responses.default = { description: 'response' };
  return {
    ...(schema.params || schema.querystring
      ? { parameters: [...parameters('path', schema.params), ...parameters('query', schema.querystring)] }
      : {}),
    ...(schema.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: plain(schema.body) } } } }
      : {}),
    responses,
  };
}

export class OpenApiCollector {
  private readonly routes: CollectedRoute[] = [];

  /** The onRoute hook; HEAD routes fastify adds for GETs are left out. */
  readonly onRoute = (route: RouteOptions): void => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      this.routes.push({
        method: method.toLowerCase(),
        url: route.url,
        schema: (route.schema ?? {}) as JsonSchema,
      });
    }
  };

  document(info: { title: string; version: string }): JsonSchema {
    const paths: Record<string, Record<string, JsonSchema>> = {};
    for (const route of this.routes) {
      const path = openApiPath(route.url);
      paths[path] ??= {};
      paths[path][route.method] = operation(route);
    }
    return {
      openapi: '3.1.0',
      info,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      paths,
    };
  }
}
